//! The rule form, in a dialog: name; when it runs (new conversation, every visitor message,
//! page visit); the conditions that trigger offers (words in the message, the page's URL
//! pattern, visitor attributes, business hours; for page visits time on the page and
//! returning visitors); what it does (a reply written here or a canned response's text,
//! tags, priority, a team, an agent; a page visit only shows its message); enabled. The
//! server's refusals show at their fields (`rules.ts`, `ruleFormErrors`).

import type { Rule } from "@porthole/client";
import { BusinessHoursState, Priority, RuleTrigger } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Globe, MessageSquarePlus, MessagesSquare, Plus, X } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useCannedResponses } from "../canned/queries";
import { Button, IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input, Select, Textarea } from "../components/ui/Field";
import { Switch } from "../components/ui/Switch";
import { toast } from "../components/ui/Toast";
import { useMembers } from "../inbox/queries";
import { ruleClient } from "../lib/api";
import { priorityLabel } from "../lib/format";
import { useTeams } from "../team/queries";
import { memberName } from "../team/teams";
import { storeRule } from "./queries";
import {
  type AttributeRow,
  businessHoursLabel,
  draftProblems,
  isPageVisit,
  LIMITS,
  type ReplyKind,
  type RuleDraft,
  type RuleErrors,
  rowKey,
  ruleFieldErrors,
  ruleFormErrors,
  ruleRequest,
  TRIGGERS,
  triggerLabel,
} from "./rules";

/** Each trigger's icon, in the form and the list. */
export const TRIGGER_ICONS = {
  [RuleTrigger.UNSPECIFIED]: MessageSquarePlus,
  [RuleTrigger.CONVERSATION_STARTED]: MessageSquarePlus,
  [RuleTrigger.VISITOR_MESSAGE]: MessagesSquare,
  [RuleTrigger.PAGE_VISIT]: Globe,
};

/** The editor's dialog: a new rule from `initial` (a template), or `existing` to edit. */
export function RuleEditor({
  open,
  existing,
  initial,
  onOpenChange,
}: {
  open: boolean;
  existing?: Rule | undefined;
  initial: RuleDraft;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={existing ? `Edit “${existing.name}”` : "New rule"}
      description={
        existing
          ? "Changes apply to the next visitor message; a rule that already acted on a conversation does not act on it again."
          : "When it runs, what must hold, and what it does. Rules run in the order they were created."
      }
      className="max-h-[calc(100dvh-2rem)] max-w-2xl overflow-y-auto"
    >
      <RuleForm existing={existing} initial={initial} onDone={() => onOpenChange(false)} />
    </Dialog>
  );
}

function RuleForm({
  existing,
  initial,
  onDone,
}: {
  existing?: Rule | undefined;
  initial: RuleDraft;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [errors, setErrors] = useState<RuleErrors>({ fields: {} });
  const canned = useCannedResponses();
  const teams = useTeams();
  const members = useMembers();
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const page = isPageVisit(draft);
  // What the form refuses as typed, at its field; the server's refusals otherwise.
  const refused = ruleFieldErrors(draftProblems(draft), draft);
  const err = (field: keyof RuleErrors["fields"]) => refused[field] ?? errors.fields[field];

  const save = useMutation({
    mutationFn: async () => {
      const request = ruleRequest(draft);
      if (!existing) return (await ruleClient.createRule(request)).rule;
      return (await ruleClient.updateRule({ ruleId: existing.id, ...request })).rule;
    },
    onSuccess: (saved) => {
      storeRule(qc, saved);
      toast(existing ? "Rule saved" : "Rule added", {
        description: saved?.enabled
          ? saved.trigger === RuleTrigger.PAGE_VISIT
            ? "The widget shows it on matching pages."
            : "It acts on the next visitor message."
          : "It is off: switch it on to run it.",
      });
      onDone();
    },
    onError: (e) => setErrors(ruleFormErrors(e, draft)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({ fields: {} });
    if (Object.keys(draftProblems(draft)).length > 0) return;
    save.mutate();
  };

  return (
    <form onSubmit={submit} className="space-y-6" noValidate>
      <Field label="Name" hint="For your team; visitors never see it." error={err("name")}>
        {(p) => (
          <Input
            {...p}
            autoFocus={!existing}
            autoComplete="off"
            maxLength={LIMITS.name}
            placeholder="e.g. Refund questions"
            value={draft.name}
            onChange={(e) => set("name", e.target.value)}
          />
        )}
      </Field>

      <TriggerChoice
        value={draft.trigger}
        onChange={(trigger) => set("trigger", trigger)}
        error={err("trigger")}
      />

      <FormSection
        title="Only if"
        description={
          page
            ? "All of these must hold. Empty: on every page, at once."
            : "All of these must hold. Empty: the rule acts on every conversation."
        }
      >
        {!page && (
          <Field
            label="The message contains any of"
            hint="Words or phrases, separated by commas; whole words, any case."
            error={err("phrases")}
          >
            {(p) => (
              <Input
                {...p}
                autoComplete="off"
                placeholder="refund, money back"
                value={draft.phrases}
                onChange={(e) => set("phrases", e.target.value)}
              />
            )}
          </Field>
        )}
        <Field
          label={
            page ? "The page's address matches" : "The conversation started on a page matching"
          }
          hint={
            <>
              <code className="rounded bg-zinc-100 px-1 font-mono dark:bg-zinc-800">*</code> stands
              for any characters; the whole address must match, e.g.{" "}
              <code className="rounded bg-zinc-100 px-1 font-mono dark:bg-zinc-800">
                */pricing*
              </code>
              . Empty: any page.
            </>
          }
          error={err("pageUrlPattern")}
        >
          {(p) => (
            <Input
              {...p}
              autoComplete="off"
              spellCheck={false}
              className="font-mono text-[13px]"
              maxLength={LIMITS.pattern}
              placeholder="https://example.com/pricing*"
              value={draft.pageUrlPattern}
              onChange={(e) => set("pageUrlPattern", e.target.value)}
            />
          )}
        </Field>
        {page ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Seconds on the page"
              hint="0 shows it at once; at most 3,600."
              error={err("timeOnPage")}
            >
              {(p) => (
                <div className="w-32">
                  <Input
                    {...p}
                    inputMode="numeric"
                    value={draft.timeOnPage}
                    onChange={(e) => set("timeOnPage", e.target.value)}
                  />
                </div>
              )}
            </Field>
            <div className="self-center">
              <Switch
                checked={draft.returningOnly}
                onCheckedChange={(on) => set("returningOnly", on)}
                label="Returning visitors only"
                description="Only visitors who have been on the site before this visit."
              />
              {err("returningOnly") && <FieldError>{err("returningOnly")}</FieldError>}
            </div>
          </div>
        ) : (
          <>
            <Field label="Business hours" error={err("businessHours")}>
              {(p) => (
                <Select
                  {...p}
                  className="sm:w-72"
                  value={draft.businessHours}
                  onChange={(e) =>
                    set("businessHours", Number(e.target.value) as BusinessHoursState)
                  }
                >
                  {[
                    BusinessHoursState.UNSPECIFIED,
                    BusinessHoursState.OPEN,
                    BusinessHoursState.CLOSED,
                  ].map((s) => (
                    <option key={s} value={s}>
                      {businessHoursLabel[s]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <AttributeRows
              rows={draft.attributes}
              onChange={(rows) => set("attributes", rows)}
              error={err("attributes")}
            />
          </>
        )}
      </FormSection>

      <FormSection
        title={page ? "Show" : "Then"}
        description={
          page
            ? "The widget opens with this message; the visitor's answer starts a conversation."
            : "What the rule does, once per conversation. Replies are sent as automated messages."
        }
      >
        {err("actions") && <FormAlert>{err("actions")}</FormAlert>}
        {page ? (
          <ReplyText
            label="Message"
            value={draft.reply}
            onChange={(reply) => set("reply", reply)}
            error={err("reply")}
          />
        ) : (
          <>
            <ReplyChoice value={draft.replyKind} onChange={(kind) => set("replyKind", kind)} />
            {draft.replyKind === "text" && (
              <ReplyText
                label="Reply"
                value={draft.reply}
                onChange={(reply) => set("reply", reply)}
                error={err("reply")}
              />
            )}
            {draft.replyKind === "canned" && (
              <Field
                label="Canned response"
                error={err("cannedResponseId")}
                hint={
                  canned.data?.length === 0
                    ? "No canned responses yet: add them in Settings."
                    : "Its text is sent as it is now; later edits of it apply too."
                }
              >
                {(p) => (
                  <Select
                    {...p}
                    value={draft.cannedResponseId}
                    onChange={(e) => set("cannedResponseId", e.target.value)}
                  >
                    <option value="">Choose a canned response</option>
                    {(canned.data ?? []).map((c) => (
                      <option key={c.id} value={c.id}>
                        /{c.shortcut}
                        {c.title ? ` — ${c.title}` : ""}
                      </option>
                    ))}
                    {draft.cannedResponseId &&
                      canned.data &&
                      !canned.data.some((c) => c.id === draft.cannedResponseId) && (
                        <option value={draft.cannedResponseId}>(deleted canned response)</option>
                      )}
                  </Select>
                )}
              </Field>
            )}
            {draft.replyKind === "canned" && draft.cannedResponseId && (
              <p className="line-clamp-3 rounded-lg bg-zinc-50 px-3 py-2 text-[13px] whitespace-pre-wrap text-zinc-600 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-950/40 dark:text-zinc-400 dark:ring-zinc-800">
                {canned.data?.find((c) => c.id === draft.cannedResponseId)?.body}
              </p>
            )}
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label="Add tags"
                hint={`Separated by commas; up to ${LIMITS.tags}.`}
                error={err("tags")}
              >
                {(p) => (
                  <Input
                    {...p}
                    autoComplete="off"
                    placeholder="billing, refund"
                    value={draft.tags}
                    onChange={(e) => set("tags", e.target.value)}
                  />
                )}
              </Field>
              <Field label="Priority" error={err("priority")}>
                {(p) => (
                  <Select
                    {...p}
                    value={draft.priority}
                    onChange={(e) => set("priority", Number(e.target.value) as Priority)}
                  >
                    <option value={Priority.UNSPECIFIED}>Leave as it is</option>
                    {[Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW].map((p) => (
                      <option key={p} value={p}>
                        {priorityLabel[p]}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field
                label="Send to team"
                error={err("teamId")}
                {...(teams.data?.length === 0 ? { hint: "Add teams on the Team page." } : {})}
              >
                {(p) => (
                  <Select
                    {...p}
                    value={draft.teamId}
                    onChange={(e) => set("teamId", e.target.value)}
                  >
                    <option value="">Don't change</option>
                    {(teams.data ?? []).map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                    {draft.teamId &&
                      teams.data &&
                      !teams.data.some((t) => t.id === draft.teamId) && (
                        <option value={draft.teamId}>(deleted team)</option>
                      )}
                  </Select>
                )}
              </Field>
              <Field label="Assign to" error={err("assigneeUserId")}>
                {(p) => (
                  <Select
                    {...p}
                    value={draft.assigneeUserId}
                    onChange={(e) => set("assigneeUserId", e.target.value)}
                  >
                    <option value="">Don't assign</option>
                    {(members.data?.members ?? []).map((m) => (
                      <option key={m.userId} value={m.userId}>
                        {memberName(m)}
                      </option>
                    ))}
                    {draft.assigneeUserId &&
                      members.data &&
                      !members.data.members.some((m) => m.userId === draft.assigneeUserId) && (
                        <option value={draft.assigneeUserId}>(former member)</option>
                      )}
                  </Select>
                )}
              </Field>
            </div>
          </>
        )}
      </FormSection>

      <div className="rounded-lg bg-zinc-50 px-3 py-2.5 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-800/40 dark:ring-zinc-700/60">
        <Switch
          checked={draft.enabled}
          onCheckedChange={(on) => set("enabled", on)}
          label="Enabled"
          description="Switched off, the rule is kept but does nothing."
        />
      </div>
      <FormAlert>{errors.form}</FormAlert>
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" loading={save.isPending}>
          {existing ? "Save rule" : "Add rule"}
        </Button>
      </div>
    </form>
  );
}

function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <section className="space-y-4 border-t border-zinc-100 pt-5 dark:border-zinc-800">
      <header>
        <h3 className="text-[13px] font-semibold text-zinc-900 dark:text-zinc-100">{title}</h3>
        <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{description}</p>
      </header>
      {children}
    </section>
  );
}

function FieldError({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p id={id} className="mt-1.5 text-xs font-medium text-red-600 dark:text-red-400">
      {children}
    </p>
  );
}

function TriggerChoice({
  value,
  onChange,
  error,
}: {
  value: RuleTrigger;
  onChange: (trigger: RuleTrigger) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="mb-1.5 text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        When
      </legend>
      <div className="grid gap-2 sm:grid-cols-3">
        {TRIGGERS.map((t) => {
          const Icon = TRIGGER_ICONS[t];
          const chosen = value === t;
          return (
            <label
              key={t}
              className={cn(
                "flex cursor-pointer flex-col gap-1 rounded-lg p-3 ring-1 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500",
                chosen
                  ? "bg-brand-50/60 ring-brand-300 dark:bg-brand-500/10 dark:ring-brand-700"
                  : "ring-zinc-200 hover:bg-zinc-50 dark:ring-zinc-800 dark:hover:bg-zinc-800/40",
              )}
            >
              <span className="flex items-center gap-2">
                <input
                  type="radio"
                  name={`${id}-trigger`}
                  className="sr-only"
                  checked={chosen}
                  onChange={() => onChange(t)}
                />
                <Icon
                  aria-hidden
                  className={cn(
                    "size-4 shrink-0",
                    chosen ? "text-brand-600 dark:text-brand-400" : "text-zinc-400",
                  )}
                />
                <span className="text-[13px] font-medium">{triggerLabel[t].label}</span>
              </span>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                {triggerLabel[t].description}
              </span>
            </label>
          );
        })}
      </div>
      {error && <FieldError id={`${id}-error`}>{error}</FieldError>}
    </fieldset>
  );
}

const REPLY_KINDS: ReadonlyArray<[ReplyKind, string]> = [
  ["text", "Write a reply"],
  ["canned", "Canned response"],
  ["none", "No reply"],
];

function ReplyChoice({ value, onChange }: { value: ReplyKind; onChange: (k: ReplyKind) => void }) {
  const id = useId();
  return (
    <fieldset>
      <legend className="mb-1.5 text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        Reply to the visitor
      </legend>
      <div className="flex h-9 gap-0.5 rounded-lg bg-zinc-100 p-0.5 sm:w-fit dark:bg-zinc-800/60">
        {REPLY_KINDS.map(([kind, label]) => (
          <label
            key={kind}
            className={cn(
              "relative flex flex-1 cursor-pointer items-center justify-center rounded-md px-3 text-[13px] font-medium whitespace-nowrap has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500",
              value === kind
                ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-white"
                : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
            )}
          >
            <input
              type="radio"
              name={`${id}-reply`}
              className="sr-only"
              checked={value === kind}
              onChange={() => onChange(kind)}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ReplyText({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  const over = value.length > LIMITS.reply;
  return (
    <Field
      label={
        <span className="flex justify-between gap-3">
          {label}
          <span
            className={cn(
              "font-normal tabular-nums",
              over ? "text-red-600 dark:text-red-400" : "text-zinc-400",
            )}
          >
            {value.length.toLocaleString("en")} / {LIMITS.reply.toLocaleString("en")}
          </span>
        </span>
      }
      hint="Sent as an automated message with your assistant's name."
      error={error}
    >
      {(p) => (
        <Textarea
          {...p}
          rows={3}
          placeholder="Thanks for writing! We usually answer within minutes."
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Visitor-attribute conditions: key = value rows, each may be removed; a row to add. */
function AttributeRows({
  rows,
  onChange,
  error,
}: {
  rows: AttributeRow[];
  onChange: (rows: AttributeRow[]) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const update = (key: string, patch: Partial<AttributeRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend className="mb-1.5 text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        Visitor attributes
      </legend>
      {rows.length > 0 && (
        <ul className="mb-2 space-y-2">
          {rows.map((row, i) => (
            <li key={row.key} className="flex items-center gap-2">
              <Input
                aria-label={`Attribute ${i + 1} key`}
                autoComplete="off"
                spellCheck={false}
                placeholder="plan"
                className="font-mono text-[13px]"
                invalid={Boolean(error)}
                value={row.name}
                onChange={(e) => update(row.key, { name: e.target.value })}
              />
              <span aria-hidden className="text-zinc-400">
                =
              </span>
              <Input
                aria-label={`Attribute ${i + 1} value`}
                autoComplete="off"
                placeholder="pro"
                invalid={Boolean(error)}
                value={row.value}
                onChange={(e) => update(row.key, { value: e.target.value })}
              />
              <IconButton
                size="sm"
                label={`Remove attribute ${i + 1}`}
                onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
              >
                <X className="size-3.5" />
              </IconButton>
            </li>
          ))}
        </ul>
      )}
      {rows.length < LIMITS.attributes && (
        <Button
          size="sm"
          variant="ghost"
          className="-ml-2"
          onClick={() => onChange([...rows, { key: rowKey(), name: "", value: "" }])}
        >
          <Plus className="size-3.5" /> Add attribute
        </Button>
      )}
      {error ? (
        <FieldError id={`${id}-error`}>{error}</FieldError>
      ) : (
        <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          Each must equal the visitor's value, ignoring case (set by your site or by a guided flow).
        </p>
      )}
    </fieldset>
  );
}
