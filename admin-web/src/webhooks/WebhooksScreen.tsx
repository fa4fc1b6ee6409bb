//! Webhooks (owners and admins): the workspace's endpoints that Porthole POSTs chosen events
//! to (`WebhookService`). Each endpoint shows its URL, description, event types, whether it
//! is enabled (and, when Porthole switched it off after repeated failures, why, with
//! "Enable"), and failures in a row; its actions are Edit, the on/off switch, "Send test",
//! "Rotate secret" and Delete, and its delivery log opens below it (`DeliveryLog.tsx`).
//! Adding one shows its signing secret once (`WebhookDialogs.tsx`). A help card says how a
//! receiver checks the `Porthole-Signature` header. Agents are told to ask an admin and
//! nothing is requested.

import type { ListWebhooksResponse, Webhook } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  ChevronDown,
  CircleAlert,
  KeyRound,
  Pencil,
  Plus,
  RefreshCw,
  Send,
  Trash2,
  Webhook as WebhookIcon,
} from "lucide-react";
import { useId, useState } from "react";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { ConfirmDialog } from "../components/ui/Dialog";
import { FormAlert } from "../components/ui/Field";
import { Badge, Card, EmptyState, Spinner } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast, toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { webhookClient } from "../lib/api";
import { useIsAdmin, useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { PageHeader } from "../shell/PageHeader";
import { DeliveryLog } from "./DeliveryLog";
import { deliveriesChanged, useWebhooks } from "./queries";
import { SecretDialog, WebhookDialog } from "./WebhookDialogs";
import {
  eventTypeLabel,
  SIGNATURE_HEADER,
  SIGNATURE_MAX_AGE_MINUTES,
  VERIFY_EXAMPLE_NODE,
} from "./webhooks";

/** Endpoints one workspace may have (`CreateWebhook` refuses more). */
const MAX_WEBHOOKS = 10;

export function WebhooksScreen() {
  const me = useMe();
  const isAdmin = useIsAdmin();
  const webhooks = useWebhooks(isAdmin);
  // `null`: the add/edit dialog is closed; `existing` unset inside: a new endpoint.
  const [editing, setEditing] = useState<{ existing?: Webhook } | null>(null);
  const list = webhooks.data?.webhooks ?? [];
  const eventTypes = webhooks.data?.eventTypes ?? [];
  const full = list.length >= MAX_WEBHOOKS;
  const refreshing = webhooks.isRefetching;
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Webhooks"
        description="Porthole POSTs the events you choose to your own systems: a CRM, a helpdesk, a chat through a relay."
        actions={
          isAdmin &&
          webhooks.data && (
            <>
              <Button loading={refreshing} onClick={() => void webhooks.refetch()}>
                {!refreshing && <RefreshCw className="size-4" />}
                Refresh
              </Button>
              <Button
                variant="primary"
                disabled={full}
                title={full ? `A workspace has at most ${MAX_WEBHOOKS} webhooks` : undefined}
                onClick={() => setEditing({})}
              >
                <Plus className="size-4" /> Add webhook
              </Button>
            </>
          )
        }
      />
      <div className="mx-auto max-w-4xl space-y-4 px-4 pb-10 sm:px-8">
        {me.data && !isAdmin ? (
          <EmptyState
            icon={<WebhookIcon className="size-5" />}
            title="Only owners and admins manage webhooks"
          >
            Ask an admin of this workspace if your systems should hear of new conversations.
          </EmptyState>
        ) : webhooks.isPending ? (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        ) : !webhooks.data ? (
          <FormAlert>
            <span className="font-medium">Webhooks could not be loaded.</span>{" "}
            {describeError(webhooks.error)}
          </FormAlert>
        ) : (
          <>
            {webhooks.isRefetchError && (
              <FormAlert>
                <span className="font-medium">Webhooks could not be refreshed.</span>{" "}
                {describeError(webhooks.error)}
              </FormAlert>
            )}
            {list.length > 0 ? (
              <ul aria-label="Webhooks" className="space-y-4">
                {list.map((w) => (
                  <li key={w.id}>
                    <WebhookCard webhook={w} onEdit={() => setEditing({ existing: w })} />
                  </li>
                ))}
              </ul>
            ) : (
              <section className="rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
                <EmptyState icon={<WebhookIcon className="size-5" />} title="No webhooks yet">
                  Add an endpoint of yours, choose the events it hears of, and check it with "Send
                  test".
                  <div className="mt-4">
                    <Button variant="primary" onClick={() => setEditing({})}>
                      <Plus className="size-4" /> Add webhook
                    </Button>
                  </div>
                </EmptyState>
              </section>
            )}
            {full && (
              <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">
                A workspace has at most {MAX_WEBHOOKS} webhooks; delete one to add another.
              </p>
            )}
            <SignatureHelp />
          </>
        )}
      </div>
      <WebhookDialog
        key={editing?.existing?.id ?? "new"}
        open={editing !== null}
        existing={editing?.existing}
        eventTypes={eventTypes}
        onOpenChange={(open) => !open && setEditing(null)}
      />
    </div>
  );
}

/** Writes the server's copy of a changed endpoint into the list. */
function useStoreWebhook() {
  const qc = useQueryClient();
  return (changed: Webhook | undefined) => {
    if (!changed) return;
    qc.setQueryData(keys.webhooks, (old: ListWebhooksResponse | undefined) =>
      old
        ? { ...old, webhooks: old.webhooks.map((w) => (w.id === changed.id ? changed : w)) }
        : old,
    );
  };
}

function WebhookCard({ webhook: w, onEdit }: { webhook: Webhook; onEdit: () => void }) {
  const qc = useQueryClient();
  const store = useStoreWebhook();
  const id = useId();
  const [logOpen, setLogOpen] = useState(false);
  const [confirming, setConfirming] = useState<"delete" | "rotate" | null>(null);
  const [secret, setSecret] = useState<string>();

  const setEnabled = useMutation({
    mutationFn: (enabled: boolean) => webhookClient.updateWebhook({ webhookId: w.id, enabled }),
    onSuccess: (res) => {
      store(res.webhook);
      toast(res.webhook?.enabled ? "Webhook enabled" : "Webhook disabled", {
        description: res.webhook?.enabled
          ? "It receives events from now on."
          : "Events are no longer sent to it.",
      });
    },
    onError: (e) => toastError("Could not change the webhook", describeError(e)),
  });
  const sendTest = useMutation({
    mutationFn: () => webhookClient.sendTestWebhook({ webhookId: w.id }),
    onSuccess: () => {
      setLogOpen(true);
      deliveriesChanged(qc, w.id);
      toast("Test sent", { description: "Its delivery is at the top of the log." });
    },
    onError: (e) => toastError("Could not send a test", describeError(e)),
  });
  const rotate = useMutation({
    mutationFn: () => webhookClient.rotateWebhookSecret({ webhookId: w.id }),
    onSuccess: (res) => {
      setConfirming(null);
      setSecret(res.secret);
    },
    onError: (e) => {
      setConfirming(null);
      toastError("Could not rotate the secret", describeError(e));
    },
  });
  const remove = useMutation({
    mutationFn: () => webhookClient.deleteWebhook({ webhookId: w.id }),
    onSuccess: () => {
      setConfirming(null);
      qc.removeQueries({ queryKey: keys.webhookDeliveries(w.id) });
      void qc.invalidateQueries({ queryKey: keys.webhooks });
      toast("Webhook deleted");
    },
    onError: (e) => {
      setConfirming(null);
      toastError("Could not delete the webhook", describeError(e));
    },
  });

  const disabledByPorthole = !w.enabled && w.disabledReason !== "";
  return (
    <section
      aria-labelledby={`${id}-url`}
      className="overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <div className="space-y-3 px-5 py-4">
        <div className="flex items-start gap-4">
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
              <h2
                id={`${id}-url`}
                className="font-mono text-[13px] font-medium break-all text-zinc-900 dark:text-zinc-100"
              >
                {w.url}
              </h2>
              {w.enabled ? (
                <Badge tone="green">Enabled</Badge>
              ) : (
                <Badge tone={disabledByPorthole ? "red" : "neutral"}>Disabled</Badge>
              )}
            </div>
            {w.description && (
              <p className="mt-0.5 text-[13px] break-words text-zinc-600 dark:text-zinc-400">
                {w.description}
              </p>
            )}
          </div>
          <Switch
            checked={w.enabled}
            disabled={setEnabled.isPending}
            onCheckedChange={(on) => setEnabled.mutate(on)}
            label={<span className="text-xs">Enabled</span>}
          />
        </div>
        <ul aria-label="Events" className="flex flex-wrap gap-1.5">
          {w.eventTypes.map((t) => (
            <li key={t}>
              <Badge className="ring-1 ring-zinc-200 ring-inset dark:ring-zinc-700">
                <span title={t}>{eventTypeLabel(t)}</span>
              </Badge>
            </li>
          ))}
        </ul>
        {disabledByPorthole ? (
          <DisabledNotice
            reason={w.disabledReason}
            pending={setEnabled.isPending}
            onEnable={() => setEnabled.mutate(true)}
          />
        ) : (
          !w.enabled && (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              Switched off: events are not sent to it (tests are). Events that happen while it is
              off are not sent later.
            </p>
          )
        )}
        {w.failedInARow > 0 && (
          <p className="text-xs text-amber-800 dark:text-amber-300">
            <span className="font-medium">
              {w.failedInARow === 1
                ? "The last delivery failed"
                : `The last ${w.failedInARow} deliveries failed`}
            </span>{" "}
            after every attempt. {w.enabled && "After 5 in a row Porthole switches it off."}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-2 pt-1">
          <Button size="sm" loading={sendTest.isPending} onClick={() => sendTest.mutate()}>
            {!sendTest.isPending && <Send className="size-3.5" />}
            Send test
          </Button>
          <Button size="sm" onClick={onEdit}>
            <Pencil className="size-3.5" /> Edit
          </Button>
          <Button size="sm" onClick={() => setConfirming("rotate")}>
            <KeyRound className="size-3.5" /> Rotate secret
          </Button>
          <Button size="sm" variant="danger-ghost" onClick={() => setConfirming("delete")}>
            <Trash2 className="size-3.5" /> Delete
          </Button>
          <Button
            size="sm"
            variant="ghost"
            className="ml-auto"
            aria-expanded={logOpen}
            aria-controls={`${id}-log`}
            onClick={() => setLogOpen((o) => !o)}
          >
            Delivery log
            <ChevronDown className={cn("size-3.5 transition-transform", logOpen && "rotate-180")} />
          </Button>
        </div>
      </div>
      {logOpen && (
        <div
          id={`${id}-log`}
          className="border-t border-zinc-100 bg-zinc-50/50 dark:border-zinc-800 dark:bg-zinc-950/30"
        >
          <DeliveryLog webhook={w} />
        </div>
      )}
      <ConfirmDialog
        open={confirming === "rotate"}
        onOpenChange={(open) => setConfirming(open ? "rotate" : null)}
        title="Rotate the signing secret?"
        description="A new secret is made and shown once. Deliveries from now on, retries included, are signed with it: give it to your receiver straight away."
        confirmLabel="Rotate secret"
        pending={rotate.isPending}
        onConfirm={() => rotate.mutate()}
      />
      <ConfirmDialog
        open={confirming === "delete"}
        onOpenChange={(open) => setConfirming(open ? "delete" : null)}
        title="Delete this webhook?"
        description={
          <>
            <span className="font-mono break-all">{w.url}</span> stops receiving events at once. Its
            delivery log is deleted and deliveries not yet made are dropped.
          </>
        }
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
      <SecretDialog
        open={secret !== undefined}
        onOpenChange={(open) => !open && setSecret(undefined)}
        title="New signing secret"
        description={`Deliveries to ${w.url} are signed with this secret from now on.`}
        secret={secret ?? ""}
      />
    </section>
  );
}

/** Porthole switched the endpoint off after repeated failures: why, and how to resume. */
function DisabledNotice({
  reason,
  pending,
  onEnable,
}: {
  reason: string;
  pending: boolean;
  onEnable: () => void;
}) {
  return (
    <div
      role="note"
      className="flex gap-3 rounded-lg bg-red-50 px-4 py-3 text-[13px] text-red-900 ring-1 ring-red-200 ring-inset dark:bg-red-950/40 dark:text-red-200 dark:ring-red-900"
    >
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400" />
      <div className="min-w-0 flex-1">
        <p className="font-medium">Porthole switched this webhook off.</p>
        <p className="mt-0.5 break-words text-red-800 dark:text-red-300/90">{reason}</p>
        <p className="mt-1 text-red-800 dark:text-red-300/90">
          Fix the receiver, check it with "Send test", then enable it. Events that happened while it
          was off are not sent.
        </p>
      </div>
      <Button size="sm" className="self-start" loading={pending} onClick={onEnable}>
        Enable
      </Button>
    </div>
  );
}

/** How a receiver knows a request came from Porthole. */
function SignatureHelp() {
  const code =
    "rounded bg-zinc-100 px-1 font-mono text-[12px] text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200";
  return (
    <Card
      title="Checking deliveries"
      description="What your receiver gets, and how it knows a request came from Porthole."
    >
      <div className="space-y-3 text-[13px] text-zinc-600 dark:text-zinc-400">
        <p>
          Each event is a POST with a JSON body. Its signature is in the header{" "}
          <code className={code}>{SIGNATURE_HEADER}</code>:
        </p>
        <pre className="overflow-x-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100">
          {`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`}
        </pre>
        <p>
          The HMAC is keyed by the endpoint's signing secret and computed over the raw body, as
          received. Compare it in constant time, and refuse timestamps older than{" "}
          {SIGNATURE_MAX_AGE_MINUTES} minutes (replays).
        </p>
        <p>
          Answer any 2xx within 10 seconds. Anything else is retried, 12 attempts over about four
          hours; after 5 deliveries in a row fail for good, Porthole switches the endpoint off and
          e-mails the owners.
        </p>
        <p>
          Deliveries can arrive out of order, and more than once: the body's{" "}
          <code className={code}>id</code> stays the same for every attempt and redelivery, so use
          it to ignore an event you already handled, and the times in{" "}
          <code className={code}>data</code> to order.
        </p>
        <details className="group">
          <summary className="cursor-pointer font-medium text-zinc-700 select-none hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-100">
            Example in Node.js
          </summary>
          <pre className="mt-2 overflow-x-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100">
            {VERIFY_EXAMPLE_NODE}
          </pre>
        </details>
      </div>
    </Card>
  );
}
