//! Settings: the workspace's canned responses. Owners and admins create, edit and delete
//! them; agents see the list read-only (the server refuses their changes anyway).

import type { CannedResponse } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Bot, Pencil, Plus, Trash2 } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Button, IconButton } from "../components/ui/Button";
import { ConfirmDialog, Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input, Textarea } from "../components/ui/Field";
import { Badge, Card, Spinner } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast, toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { cannedClient } from "../lib/api";
import { useIsAdmin } from "../lib/auth";
import { describeError, formErrors } from "../lib/errors";
import { PLACEHOLDERS } from "./canned";
import { useCannedResponses } from "./queries";

/** What marking a canned response as bot knowledge does, in one line. */
export const KNOWLEDGE_NOTE =
  "Marked answers are used by the AI bot and in suggested replies, but never shown to visitors as sources.";

export function CannedResponsesCard() {
  const canManage = useIsAdmin();
  const list = useCannedResponses();
  // `null`: the editor is closed; `undefined` inside: a new one.
  const [editing, setEditing] = useState<{ existing?: CannedResponse } | null>(null);
  const items = list.data ?? [];
  return (
    <Card
      title="Canned responses"
      description={
        canManage
          ? "Saved replies: agents type / and the shortcut in a reply to insert one."
          : "Saved replies: type / and the shortcut in a reply to insert one. Owners and admins manage them."
      }
      actions={
        canManage && (
          <Button size="sm" variant="primary" onClick={() => setEditing({})}>
            <Plus className="size-3.5" /> New
          </Button>
        )
      }
    >
      {list.isPending ? (
        <Spinner />
      ) : list.isError ? (
        <FormAlert>{describeError(list.error)}</FormAlert>
      ) : items.length === 0 ? (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          No canned responses yet.
          {canManage && " Add the answers your team gives most often."}
        </p>
      ) : (
        <>
          <ul
            aria-label="Canned responses"
            className="-my-2 divide-y divide-zinc-100 dark:divide-zinc-800"
          >
            {items.map((c) => (
              <CannedRow
                key={c.id}
                canned={c}
                canManage={canManage}
                onEdit={() => setEditing({ existing: c })}
              />
            ))}
          </ul>
          {items.some((c) => c.knowledge) && (
            <p className="mt-3 flex items-start gap-1.5 border-t border-zinc-100 pt-3 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
              <Bot aria-hidden className="mt-px size-3.5 shrink-0" />
              <span>
                <span className="font-medium text-zinc-700 dark:text-zinc-300">Bot knowledge:</span>{" "}
                {KNOWLEDGE_NOTE}
              </span>
            </p>
          )}
        </>
      )}
      <CannedEditor
        key={editing?.existing?.id ?? "new"}
        open={editing !== null}
        existing={editing?.existing}
        onOpenChange={(open) => !open && setEditing(null)}
      />
    </Card>
  );
}

function CannedRow({
  canned: c,
  canManage,
  onEdit,
}: {
  canned: CannedResponse;
  canManage: boolean;
  onEdit: () => void;
}) {
  const qc = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation({
    mutationFn: () => cannedClient.deleteCannedResponse({ cannedResponseId: c.id }),
    onSuccess: () => {
      setDeleting(false);
      void qc.invalidateQueries({ queryKey: keys.canned });
      toast(`/${c.shortcut} deleted`);
    },
    onError: (e) => toastError("Could not delete the canned response", describeError(e)),
  });
  return (
    <li className="flex items-start gap-3 py-3">
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[12px] text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
            /{c.shortcut}
          </code>
          {c.title && <span className="text-[13px] font-medium">{c.title}</span>}
          {c.knowledge && (
            <Badge tone="brand" className="self-center">
              <Bot aria-hidden className="size-3" /> Bot knowledge
            </Badge>
          )}
        </div>
        <p className="mt-1 line-clamp-2 text-[13px] whitespace-pre-line text-zinc-600 dark:text-zinc-400">
          {c.body}
        </p>
      </div>
      {canManage && (
        <div className="flex shrink-0 gap-0.5">
          <IconButton size="sm" label={`Edit /${c.shortcut}`} onClick={onEdit}>
            <Pencil className="size-3.5" />
          </IconButton>
          <IconButton size="sm" label={`Delete /${c.shortcut}`} onClick={() => setDeleting(true)}>
            <Trash2 className="size-3.5" />
          </IconButton>
        </div>
      )}
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete /${c.shortcut}?`}
        description="Agents can no longer insert it. Messages already sent with it stay as they are."
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </li>
  );
}

/** Create (no `existing`) or edit a canned response; server field errors show inline. */
function CannedEditor({
  open,
  existing,
  onOpenChange,
}: {
  open: boolean;
  existing?: CannedResponse;
  onOpenChange: (open: boolean) => void;
}) {
  const qc = useQueryClient();
  const [shortcut, setShortcut] = useState(existing?.shortcut ?? "");
  const [title, setTitle] = useState(existing?.title ?? "");
  const [body, setBody] = useState(existing?.body ?? "");
  const [knowledge, setKnowledge] = useState(existing?.knowledge ?? false);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const save = useMutation({
    mutationFn: async () => {
      const res = existing
        ? await cannedClient.updateCannedResponse({
            cannedResponseId: existing.id,
            shortcut,
            title,
            body,
            knowledge,
          })
        : await cannedClient.createCannedResponse({ shortcut, title, body, knowledge });
      return res.cannedResponse;
    },
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: keys.canned });
      toast(
        existing
          ? `/${saved?.shortcut ?? shortcut} saved`
          : `/${saved?.shortcut ?? shortcut} added`,
      );
      close(false);
    },
    onError: (e) => setErrors(formErrors(e)),
  });
  function close(o: boolean) {
    onOpenChange(o);
    if (!o && !existing) {
      setShortcut("");
      setTitle("");
      setBody("");
      setKnowledge(false);
    }
    if (!o) setErrors({ fields: {} });
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({ fields: {} });
    save.mutate();
  };
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={existing ? `Edit /${existing.shortcut}` : "New canned response"}
      description="Agents insert it by typing / and the shortcut in a reply."
      className="max-w-lg"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <Field
            label="Shortcut"
            hint="a–z, 0–9, - and _; up to 32."
            error={errors.fields.shortcut}
          >
            {(p) => (
              <div className="relative">
                <span
                  aria-hidden
                  className="pointer-events-none absolute inset-y-0 left-3 flex items-center font-mono text-sm text-zinc-400"
                >
                  /
                </span>
                <Input
                  {...p}
                  autoFocus
                  autoComplete="off"
                  spellCheck={false}
                  className="pl-6 font-mono"
                  value={shortcut}
                  // Shortcuts are lowercase; typing capitals should not be a mistake.
                  onChange={(e) => setShortcut(e.target.value.toLowerCase())}
                />
              </div>
            )}
          </Field>
          <Field
            label="Title (optional)"
            hint="Shown in the suggestion list."
            error={errors.fields.title}
          >
            {(p) => <Input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
          </Field>
        </div>
        <Field
          label="Message"
          error={errors.fields.body}
          hint="Up to 5000 characters, sent as written (line breaks too)."
        >
          {(p) => (
            <Textarea
              {...p}
              rows={6}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              className="resize-y"
            />
          )}
        </Field>
        <PlaceholderHelp />
        <div className="rounded-lg bg-zinc-50 px-3 py-2.5 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-800/40 dark:ring-zinc-700/60">
          <Switch
            checked={knowledge}
            onCheckedChange={setKnowledge}
            label="The AI bot may answer from this"
            description={KNOWLEDGE_NOTE}
          />
        </div>
        <FormAlert>{errors.form}</FormAlert>
        <div className="flex justify-end gap-2">
          <Button onClick={() => close(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={save.isPending}>
            {existing ? "Save" : "Add canned response"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The placeholders a message may contain, filled in when an agent inserts it. */
export function PlaceholderHelp() {
  return (
    <div className="rounded-lg bg-zinc-50 px-3 py-2 text-xs text-zinc-600 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-800/50 dark:text-zinc-400 dark:ring-zinc-700/60">
      <p className="font-medium text-zinc-700 dark:text-zinc-300">
        Placeholders, filled in when an agent inserts the response:
      </p>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        {PLACEHOLDERS.map((p) => (
          <div key={p.token} className="contents">
            <dt>
              <code className="font-mono text-[11px] text-zinc-800 dark:text-zinc-200">
                {p.token}
              </code>
            </dt>
            <dd>{p.description}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
