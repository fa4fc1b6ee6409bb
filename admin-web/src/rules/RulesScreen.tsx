//! Rules (`/rules`, every member; `RuleService`; issue 16 item 7): automation without AI.
//! The workspace's rules in the order they run, each with its name, trigger, what it checks
//! and does in one line, and whether it is on. Owners and admins add one from a template
//! (greeting, away message, keyword reply, proactive message) or blank, edit it
//! (`RuleEditor.tsx`), switch it on and off, and delete it (asks first); agents see the list
//! read-only, as the server would refuse their changes.

import type { Rule } from "@porthole/client";
import { RuleTrigger } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, Pencil, Plus, Trash2, Zap } from "lucide-react";
import { useState } from "react";
import { useCannedResponses } from "../canned/queries";
import { Button, IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { ConfirmDialog } from "../components/ui/Dialog";
import { FormAlert } from "../components/ui/Field";
import { MenuContent, MenuItem, MenuRoot, MenuSeparator, MenuTrigger } from "../components/ui/Menu";
import { Badge, EmptyState, Spinner } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast, toastError } from "../components/ui/Toast";
import { useMembers } from "../inbox/queries";
import { ruleClient } from "../lib/api";
import { useIsAdmin } from "../lib/auth";
import { describeError } from "../lib/errors";
import { PageHeader } from "../shell/PageHeader";
import { useTeams } from "../team/queries";
import { forgetRule, storeRule, useRules } from "./queries";
import { RuleEditor, TRIGGER_ICONS } from "./RuleEditor";
import {
  draftOf,
  emptyDraft,
  LIMITS,
  type Lookups,
  type RuleDraft,
  ruleRequest,
  ruleSummary,
  TEMPLATES,
  type Template,
  triggerLabel,
} from "./rules";

/** What the editor last opened with: a new rule from a template, or a rule to edit. */
interface Editing {
  draft: RuleDraft;
  existing?: Rule;
  version: number;
}

let editorVersion = 0;

export function RulesScreen() {
  const canManage = useIsAdmin();
  const rules = useRules();
  const lookups = useLookups();
  const [editing, setEditing] = useState<Editing>();
  // Apart from `editing`, so the dialog keeps its form while it closes.
  const [editorOpen, setEditorOpen] = useState(false);
  const [deleting, setDeleting] = useState<Rule>();
  const list = rules.data ?? [];
  const full = list.length >= LIMITS.rules;
  const start = (template: Template) => {
    editorVersion += 1;
    setEditing({ draft: template.draft(), version: editorVersion });
    setEditorOpen(true);
  };
  const edit = (rule: Rule) => {
    editorVersion += 1;
    setEditing({ draft: draftOf(rule), existing: rule, version: editorVersion });
    setEditorOpen(true);
  };
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Rules"
        description="Automatic replies and actions, without AI: greetings, away messages, keyword replies and proactive messages."
        actions={canManage && list.length > 0 && <NewRuleMenu onChoose={start} disabled={full} />}
      />
      <div className="mx-auto max-w-4xl space-y-4 px-4 pb-10 sm:px-8">
        {rules.isPending ? (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        ) : rules.isError ? (
          <FormAlert>
            <span className="font-medium">Rules could not be loaded.</span>{" "}
            {describeError(rules.error)}
          </FormAlert>
        ) : list.length === 0 ? (
          <section className="rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <EmptyState
              icon={<Zap className="size-5" />}
              title="No rules yet"
              data-testid="rules-empty"
            >
              <p>
                Rules answer and sort conversations for you: greet every visitor, say when you are
                away, answer common questions by a keyword, tag and route, or open the widget with a
                message on chosen pages.
              </p>
              {!canManage && <p className="mt-2">Owners and admins set them up.</p>}
            </EmptyState>
            {canManage && (
              <div className="grid gap-2 border-t border-zinc-100 p-4 sm:grid-cols-2 sm:p-5 dark:border-zinc-800">
                {TEMPLATES.map((t) => (
                  <button
                    key={t.id}
                    type="button"
                    onClick={() => start(t)}
                    className="group flex items-start gap-3 rounded-lg p-3 text-left ring-1 ring-zinc-200 hover:bg-zinc-50 hover:ring-brand-300 dark:ring-zinc-800 dark:hover:bg-zinc-800/40 dark:hover:ring-brand-700"
                  >
                    <TemplateIcon template={t} />
                    <span className="min-w-0">
                      <span className="block text-[13px] font-medium group-hover:text-brand-700 dark:group-hover:text-brand-300">
                        {t.label}
                      </span>
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                        {t.description}
                      </span>
                    </span>
                  </button>
                ))}
              </div>
            )}
          </section>
        ) : (
          <>
            <p className="px-1 text-[13px] text-zinc-500 dark:text-zinc-400">
              After each visitor message the rules are checked in this order; each acts at most once
              per conversation. Page-visit rules show in the widget as proactive messages.
              {!canManage && " Owners and admins manage them."}
            </p>
            <ol
              aria-label="Rules"
              className="divide-y divide-zinc-100 overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
            >
              {list.map((rule, i) => (
                <RuleRow
                  key={rule.id}
                  rule={rule}
                  position={i + 1}
                  lookups={lookups}
                  canManage={canManage}
                  onEdit={() => edit(rule)}
                  onDelete={() => setDeleting(rule)}
                />
              ))}
            </ol>
            {full && (
              <p className="px-1 text-xs text-zinc-500 dark:text-zinc-400">
                A workspace has at most {LIMITS.rules} rules.
              </p>
            )}
          </>
        )}
      </div>
      {canManage && (
        <RuleEditor
          key={editing?.version ?? 0}
          open={editorOpen}
          existing={editing?.existing}
          initial={editing?.draft ?? emptyDraft()}
          onOpenChange={setEditorOpen}
        />
      )}
      <DeleteRule rule={deleting} onDone={() => setDeleting(undefined)} />
    </div>
  );
}

/** Canned responses, teams and members, to name what rules point at. */
function useLookups(): Lookups {
  const canned = useCannedResponses();
  const teams = useTeams();
  const members = useMembers();
  return {
    canned: canned.data ?? [],
    teams: teams.data ?? [],
    members: members.data?.members ?? [],
  };
}

function TemplateIcon({ template }: { template: Template }) {
  const trigger = template.draft().trigger;
  const Icon = template.id === "blank" ? Plus : TRIGGER_ICONS[trigger];
  return (
    <span className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-300">
      <Icon className="size-4" aria-hidden />
    </span>
  );
}

function NewRuleMenu({
  onChoose,
  disabled,
}: {
  onChoose: (template: Template) => void;
  disabled: boolean;
}) {
  const blank = TEMPLATES.find((t) => t.id === "blank");
  return (
    <MenuRoot>
      <MenuTrigger asChild disabled={disabled}>
        <Button variant="primary">
          <Plus className="size-4" /> New rule <ChevronDown className="-mr-1 size-3.5 opacity-80" />
        </Button>
      </MenuTrigger>
      <MenuContent align="end" className="w-72">
        {TEMPLATES.filter((t) => t.id !== "blank").map((t) => (
          <MenuItem key={t.id} onSelect={() => onChoose(t)}>
            <TemplateIcon template={t} />
            <span className="min-w-0">
              <span className="block font-medium">{t.label}</span>
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                {t.description}
              </span>
            </span>
          </MenuItem>
        ))}
        <MenuSeparator />
        {blank && (
          <MenuItem onSelect={() => onChoose(blank)}>
            <TemplateIcon template={blank} />
            <span className="font-medium">{blank.label}</span>
          </MenuItem>
        )}
      </MenuContent>
    </MenuRoot>
  );
}

function RuleRow({
  rule,
  position,
  lookups,
  canManage,
  onEdit,
  onDelete,
}: {
  rule: Rule;
  position: number;
  lookups: Lookups;
  canManage: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const qc = useQueryClient();
  const Icon = TRIGGER_ICONS[rule.trigger];
  const page = rule.trigger === RuleTrigger.PAGE_VISIT;
  const setEnabled = useMutation({
    mutationFn: (enabled: boolean) =>
      ruleClient.updateRule({ ruleId: rule.id, ...ruleRequest({ ...draftOf(rule), enabled }) }),
    onSuccess: (res) => {
      storeRule(qc, res.rule);
      toast(res.rule?.enabled ? `${rule.name} is on` : `${rule.name} is off`);
    },
    onError: (e) => toastError("Could not change the rule", describeError(e)),
  });
  const summary = ruleSummary(rule, lookups);
  return (
    <li aria-label={rule.name} className="flex items-start gap-3 px-4 py-3.5 sm:px-5">
      <span
        aria-hidden
        className="mt-1 w-4 shrink-0 text-right text-xs font-medium text-zinc-400 tabular-nums"
      >
        {position}
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex items-start gap-3">
          <div
            className={cn(
              "flex min-w-0 flex-1 flex-wrap items-center gap-x-2 gap-y-1 pt-0.5",
              !rule.enabled && "opacity-60",
            )}
          >
            {canManage ? (
              <button
                type="button"
                onClick={onEdit}
                className="min-w-0 text-left text-[14px] font-medium break-words text-zinc-900 hover:text-brand-600 hover:underline dark:text-zinc-100 dark:hover:text-brand-300"
              >
                {rule.name}
              </button>
            ) : (
              <span className="min-w-0 text-[14px] font-medium break-words">{rule.name}</span>
            )}
            <Badge tone={page ? "blue" : "neutral"}>
              <Icon className="size-3" aria-hidden />
              {triggerLabel[rule.trigger].label}
            </Badge>
            {!rule.enabled && <Badge tone="amber">Off</Badge>}
          </div>
          {canManage && (
            <div className="-my-0.5 flex shrink-0 items-center gap-1">
              <Switch
                checked={rule.enabled}
                disabled={setEnabled.isPending}
                onCheckedChange={(on) => setEnabled.mutate(on)}
                label={<span className="sr-only">Enabled</span>}
              />
              <IconButton size="sm" label={`Edit ${rule.name}`} onClick={onEdit}>
                <Pencil className="size-3.5" />
              </IconButton>
              <IconButton size="sm" label={`Delete ${rule.name}`} onClick={onDelete}>
                <Trash2 className="size-3.5" />
              </IconButton>
            </div>
          )}
        </div>
        <p
          className={cn(
            "mt-1 line-clamp-2 text-[13px] text-zinc-600 dark:text-zinc-400",
            !rule.enabled && "opacity-60",
          )}
          title={summary}
          data-testid="rule-summary"
        >
          {summary}
        </p>
      </div>
    </li>
  );
}

function DeleteRule({ rule, onDone }: { rule?: Rule | undefined; onDone: () => void }) {
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: (r: Rule) => ruleClient.deleteRule({ ruleId: r.id }),
    onSuccess: (_, r) => {
      forgetRule(qc, r.id);
      toast("Rule deleted");
      onDone();
    },
    onError: (e) => {
      onDone();
      toastError("Could not delete the rule", describeError(e));
    },
  });
  return (
    <ConfirmDialog
      open={rule !== undefined}
      onOpenChange={(open) => !open && onDone()}
      title={`Delete “${rule?.name ?? ""}”?`}
      description={
        rule?.trigger === RuleTrigger.PAGE_VISIT
          ? "The widget stops showing its message. This cannot be undone."
          : "It no longer acts on conversations. What it already did stays as it is. This cannot be undone."
      }
      confirmLabel="Delete rule"
      danger
      pending={remove.isPending}
      onConfirm={() => rule && remove.mutate(rule)}
    />
  );
}
