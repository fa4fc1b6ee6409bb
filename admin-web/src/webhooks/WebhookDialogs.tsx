//! The webhooks screen's dialogs: adding or editing an endpoint (URL, description, event
//! types; the server's field errors next to their fields), and a signing secret shown once,
//! after adding an endpoint or rotating its secret.

import type { Webhook } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { CopyButton } from "../components/ui/misc";
import { toast } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { webhookClient } from "../lib/api";
import {
  checkWebhookForm,
  EVENT_TYPE_HINTS,
  eventTypeLabel,
  orderedTypes,
  SIGNATURE_HEADER,
  type WebhookField,
  webhookFormErrors,
} from "./webhooks";

type Errors = { fields: Partial<Record<WebhookField, string>>; form?: string };

/**
 * Adds an endpoint (no `existing`), then shows its secret; or edits one. `eventTypes`: every
 * type an endpoint may subscribe to, in the server's display order.
 */
export function WebhookDialog({
  open,
  existing,
  eventTypes,
  onOpenChange,
}: {
  open: boolean;
  existing?: Webhook;
  eventTypes: readonly string[];
  onOpenChange: (open: boolean) => void;
}) {
  const qc = useQueryClient();
  const [url, setUrl] = useState(existing?.url ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [chosen, setChosen] = useState<ReadonlySet<string>>(
    () => new Set(existing?.eventTypes ?? []),
  );
  const [errors, setErrors] = useState<Errors>({ fields: {} });
  // The new endpoint's secret, once it is added.
  const [secret, setSecret] = useState<string>();
  // Types the endpoint has that this server no longer offers stay chosen, listed last.
  const offered = [...eventTypes, ...[...chosen].filter((t) => !eventTypes.includes(t))];
  const save = useMutation({
    mutationFn: async () => {
      const types = orderedTypes(offered, chosen);
      if (existing) {
        // Only what changed: an unchanged URL is not resolved and checked again.
        const sameTypes = types.join() === existing.eventTypes.join();
        await webhookClient.updateWebhook({
          webhookId: existing.id,
          ...(url !== existing.url ? { url } : {}),
          ...(description !== existing.description ? { description } : {}),
          eventTypes: sameTypes ? [] : types,
        });
        return undefined;
      }
      return (await webhookClient.createWebhook({ url, description, eventTypes: types })).secret;
    },
    onSuccess: (newSecret) => {
      void qc.invalidateQueries({ queryKey: keys.webhooks });
      if (newSecret === undefined) {
        toast("Webhook saved");
        close(false);
      } else {
        setSecret(newSecret);
      }
    },
    onError: (e) => setErrors(webhookFormErrors(e)),
  });
  function close(o: boolean) {
    onOpenChange(o);
    if (!o) {
      if (!existing) {
        setUrl("");
        setDescription("");
        setChosen(new Set());
      }
      setSecret(undefined);
      setErrors({ fields: {} });
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = checkWebhookForm({ url, eventTypes: [...chosen] });
    setErrors({ fields });
    if (Object.keys(fields).length === 0) save.mutate();
  };
  const toggle = (type: string, on: boolean) =>
    setChosen((old) => {
      const next = new Set(old);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });

  if (secret !== undefined) {
    return (
      <Dialog
        open={open}
        onOpenChange={close}
        title="Webhook added"
        description={`Events you chose are POSTed to ${url.trim()} from now on, signed with this secret.`}
        className="max-w-lg"
      >
        <SecretBox secret={secret} />
        <div className="mt-5 flex justify-end">
          <Button variant="primary" onClick={() => close(false)}>
            Done
          </Button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={existing ? "Edit webhook" : "Add webhook"}
      description={
        existing
          ? "Changes apply to deliveries from now on."
          : "It receives the events you choose from now on (nothing earlier)."
      }
      className="max-w-lg"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field
          label="URL"
          hint="Where deliveries are POSTed; it must be reachable from the internet."
          error={errors.fields.url}
        >
          {(p) => (
            <Input
              {...p}
              type="url"
              autoFocus
              autoComplete="off"
              spellCheck={false}
              placeholder="https://example.com/porthole-webhook"
              className="font-mono"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Description (optional)"
          hint="What it is for, e.g. “CRM sync”; up to 200 characters."
          error={errors.fields.description}
        >
          {(p) => (
            <Input
              {...p}
              maxLength={200}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        <EventTypeChoice
          offered={offered}
          chosen={chosen}
          onToggle={toggle}
          error={errors.fields.event_types}
        />
        <FormAlert>{errors.form}</FormAlert>
        <div className="flex justify-end gap-2">
          <Button onClick={() => close(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={save.isPending}>
            {existing ? "Save" : "Add webhook"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The event types as checkboxes: the readable name, the wire name, and when it is sent. */
function EventTypeChoice({
  offered,
  chosen,
  onToggle,
  error,
}: {
  offered: readonly string[];
  chosen: ReadonlySet<string>;
  onToggle: (type: string, on: boolean) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset
      aria-describedby={error ? `${id}-error` : undefined}
      aria-invalid={error ? true : undefined}
      className="space-y-1.5"
    >
      <legend className="mb-1.5 block text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        Events
      </legend>
      <div
        className={cn(
          "divide-y divide-zinc-100 rounded-lg ring-1 ring-zinc-200 ring-inset dark:divide-zinc-800 dark:ring-zinc-700",
          error && "ring-red-400 dark:ring-red-500/70",
        )}
      >
        {offered.map((type) => (
          <label
            key={type}
            className="flex cursor-pointer items-start gap-2.5 px-3 py-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
          >
            <input
              type="checkbox"
              checked={chosen.has(type)}
              onChange={(e) => onToggle(type, e.target.checked)}
              className="mt-0.5 size-4 shrink-0 rounded accent-brand-600"
            />
            <span className="min-w-0">
              <span className="text-[13px] font-medium text-zinc-800 dark:text-zinc-200">
                {eventTypeLabel(type)}
              </span>{" "}
              <code className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{type}</code>
              {EVENT_TYPE_HINTS[type] && (
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                  {EVENT_TYPE_HINTS[type]}
                </span>
              )}
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A signing secret shown once (after rotating it), with a copy button. */
export function SecretDialog({
  open,
  onOpenChange,
  title,
  description,
  secret,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: string;
  secret: string;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      description={description}
      className="max-w-lg"
    >
      <SecretBox secret={secret} />
      <div className="mt-5 flex justify-end">
        <Button variant="primary" onClick={() => onOpenChange(false)}>
          Done
        </Button>
      </div>
    </Dialog>
  );
}

/** The secret in a read-only field with a copy button, and the warning that it is shown once. */
function SecretBox({ secret }: { secret: string }) {
  return (
    <div className="space-y-3">
      <div className="flex gap-2">
        <Input
          readOnly
          value={secret}
          aria-label="Signing secret"
          className="font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={secret} size="md" />
      </div>
      <div
        role="note"
        className="flex gap-3 rounded-lg bg-amber-50 px-3 py-2.5 text-[13px] text-amber-900 ring-1 ring-amber-200 ring-inset dark:bg-amber-500/10 dark:text-amber-200 dark:ring-amber-500/25"
      >
        <KeyRound
          aria-hidden
          className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400"
        />
        <div>
          <p className="font-medium">Store it now: it is not shown again.</p>
          <p className="mt-0.5 text-amber-800 dark:text-amber-300/90">
            Your receiver needs it to check each delivery's{" "}
            <code className="font-mono text-[12px]">{SIGNATURE_HEADER}</code>. Lost it? Rotate the
            secret to get a new one.
          </p>
        </div>
      </div>
    </div>
  );
}
