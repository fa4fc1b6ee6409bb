//! One endpoint's delivery log, opened under its card: deliveries newest first, a page at a
//! time with "Load more", each with its event, state (and a ticking countdown while
//! pending), attempts, the last answer's HTTP status and latency, when it was made and why
//! it failed; "Details" shows the payload (pretty-printed JSON) and the answer's excerpt,
//! and "Redeliver" sends its body again. Read again every few seconds while a delivery is
//! pending (`queries.ts`), and on "Refresh".

import { type Webhook, type WebhookDelivery, WebhookDeliveryState } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronRight, RefreshCw, RotateCcw } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { FormAlert } from "../components/ui/Field";
import { Badge, Spinner } from "../components/ui/misc";
import { toast } from "../components/ui/Toast";
import { errorPreview } from "../deliveries/jobs";
import { keys } from "../inbox/cache";
import { webhookClient } from "../lib/api";
import { describeError } from "../lib/errors";
import { ago, fullTime, toMillis } from "../lib/format";
import { deliveriesChanged, hasPending, useWebhookDeliveries } from "./queries";
import {
  attemptsLabel,
  deliveryErrorLabel,
  deliveryStateHint,
  deliveryStateLabel,
  deliveryStateTone,
  eventTypeLabel,
  latencyLabel,
  nextAttemptLabel,
  prettyJson,
  statusLabel,
} from "./webhooks";

/** The current time, every `intervalMs`, for countdowns and "5m ago". */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * Reads the endpoint list again when a delivery that was pending has settled: its failure
 * count, or Porthole switching it off, changed with it.
 */
function useEndpointFollowsLog(deliveries: readonly WebhookDelivery[]) {
  const qc = useQueryClient();
  const pending = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const now = new Set(
      deliveries.filter((d) => d.state === WebhookDeliveryState.PENDING).map((d) => d.id),
    );
    const settled = deliveries.some(
      (d) => pending.current.has(d.id) && d.state !== WebhookDeliveryState.PENDING,
    );
    pending.current = now;
    if (settled) void qc.invalidateQueries({ queryKey: keys.webhooks });
  }, [deliveries, qc]);
}

export function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const log = useWebhookDeliveries(webhook.id);
  const list = log.data?.pages.flatMap((page) => page.deliveries) ?? [];
  const pending = hasPending(list);
  useEndpointFollowsLog(list);
  // A countdown ticks each second; otherwise "5m ago" is kept roughly current.
  const now = useNow(pending ? 1000 : 30_000);
  const refreshing = log.isRefetching && !log.isFetchingNextPage;
  return (
    <div className="space-y-3 px-5 py-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h3 className="text-[13px] font-semibold text-zinc-800 dark:text-zinc-200">
            Delivery log
          </h3>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Newest first.
            {pending && " Pending deliveries are checked every few seconds."}
          </p>
        </div>
        {log.data && (
          <Button size="sm" variant="ghost" loading={refreshing} onClick={() => void log.refetch()}>
            {!refreshing && <RefreshCw className="size-3.5" />}
            Refresh
          </Button>
        )}
      </div>
      {log.isPending ? (
        <div className="flex justify-center py-6">
          <Spinner />
        </div>
      ) : !log.data ? (
        <FormAlert>
          <span className="font-medium">The delivery log could not be loaded.</span>{" "}
          {describeError(log.error)}
        </FormAlert>
      ) : (
        <>
          {log.isRefetchError && (
            <FormAlert>
              <span className="font-medium">The delivery log could not be refreshed.</span>{" "}
              {describeError(log.error)}
            </FormAlert>
          )}
          {list.length > 0 ? (
            <DeliveriesTable webhook={webhook} deliveries={list} now={now} />
          ) : (
            <p className="rounded-lg bg-white px-4 py-6 text-center text-[13px] text-zinc-500 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-400 dark:ring-zinc-800">
              Nothing sent yet. "Send test" checks the endpoint; events it subscribes to are listed
              here as they happen.
            </p>
          )}
          {log.hasNextPage && (
            <div className="flex justify-center">
              <Button
                size="sm"
                loading={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
              >
                Load more
              </Button>
            </div>
          )}
          {log.isFetchNextPageError && (
            <FormAlert>
              <span className="font-medium">More deliveries could not be loaded.</span>{" "}
              {describeError(log.error)}
            </FormAlert>
          )}
        </>
      )}
    </div>
  );
}

const headCell =
  "px-3 py-2 text-left text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400";
/**
 * On phones each delivery is a small card (event and error, then state, attempts and
 * answer on one line, then the time and actions); from `sm` up, a table.
 */
const tableCell = "sm:table-cell sm:px-3 sm:py-2.5 sm:align-top";
const cell = `block ${tableCell}`;
const inlineCell = `inline pr-1 ${tableCell}`;
/** Words a table header says, which a phone's card says in the row. */
const phoneOnly = "sm:hidden";

function DeliveriesTable({
  webhook,
  deliveries,
  now,
}: {
  webhook: Webhook;
  deliveries: WebhookDelivery[];
  now: number;
}) {
  return (
    <div className="overflow-hidden rounded-lg bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="w-full text-[13px]" aria-label={`Deliveries to ${webhook.url}`}>
        <thead className="hidden border-b border-zinc-100 bg-zinc-50/60 sm:table-header-group dark:border-zinc-800 dark:bg-zinc-900/60">
          <tr>
            <th scope="col" className={headCell}>
              Event
            </th>
            <th scope="col" className={headCell}>
              State
            </th>
            <th scope="col" className={headCell}>
              Attempts
            </th>
            <th scope="col" className={headCell}>
              Answer
            </th>
            <th scope="col" className={headCell}>
              Created
            </th>
            <th scope="col" className={headCell}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        {deliveries.map((d) => (
          <DeliveryRows key={d.id} webhookId={webhook.id} delivery={d} now={now} />
        ))}
      </table>
    </div>
  );
}

/** A delivery's row, and its details below it when opened (one `tbody` each). */
function DeliveryRows({
  webhookId,
  delivery: d,
  now,
}: {
  webhookId: string;
  delivery: WebhookDelivery;
  now: number;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const next = nextAttemptLabel(d, now);
  const event = eventTypeLabel(d.eventType);
  return (
    <tbody className="border-t border-zinc-100 first-of-type:border-t-0 dark:border-zinc-800">
      <tr className="block space-y-1 px-3 py-2.5 sm:table-row sm:p-0">
        <td className={`${cell} min-w-0 sm:w-full`}>
          <span className="block font-medium text-zinc-800 dark:text-zinc-200">{event}</span>
          {event !== d.eventType && (
            <code className="block font-mono text-[11px] text-zinc-500 dark:text-zinc-400">
              {d.eventType}
            </code>
          )}
          <DeliveryError delivery={d} />
        </td>
        <td className={`${inlineCell} sm:whitespace-nowrap`}>
          <Badge tone={deliveryStateTone[d.state]}>
            <span title={deliveryStateHint[d.state]}>{deliveryStateLabel[d.state]}</span>
          </Badge>
          {next && (
            <span className="ml-1.5 text-xs text-zinc-500 tabular-nums sm:mt-1 sm:ml-0 sm:block dark:text-zinc-400">
              {next}
            </span>
          )}
        </td>
        <td
          className={`${inlineCell} text-xs text-zinc-600 tabular-nums sm:text-[13px] sm:whitespace-nowrap dark:text-zinc-400`}
        >
          <span className={phoneOnly}>· </span>
          <span className="sm:hidden">{attemptsLabel(d.attempts)}</span>
          <span className="hidden sm:inline">{d.attempts}</span>
        </td>
        <td
          className={`${inlineCell} text-xs text-zinc-600 tabular-nums sm:text-[13px] sm:whitespace-nowrap dark:text-zinc-400`}
        >
          <span className={phoneOnly}>· HTTP </span>
          <span
            className={cn(
              "font-mono",
              d.responseStatus >= 200 && d.responseStatus < 300
                ? "text-emerald-700 dark:text-emerald-400"
                : d.responseStatus > 0 && "text-red-700 dark:text-red-400",
            )}
            title="HTTP status of the last answer"
          >
            {statusLabel(d.responseStatus)}
          </span>
          {d.attempts > 0 && (
            <span className="text-zinc-500 dark:text-zinc-400" title="How long it took">
              {" "}
              · {latencyLabel(d)}
            </span>
          )}
        </td>
        <td
          className={`${cell} text-xs text-zinc-500 sm:text-[13px] sm:whitespace-nowrap dark:text-zinc-400`}
        >
          <Time ts={d.createTime} now={now} />
        </td>
        <td className={`${cell} pt-1 sm:pt-2 sm:whitespace-nowrap`}>
          <div className="flex items-start gap-1.5">
            <Button
              size="sm"
              variant="ghost"
              aria-expanded={open}
              aria-controls={`${id}-details`}
              aria-label={`Details: ${event}, ${ago(d.createTime, now)}`}
              onClick={() => setOpen((o) => !o)}
            >
              <ChevronRight className={cn("size-3.5 transition-transform", open && "rotate-90")} />
              Details
            </Button>
            <RedeliverButton webhookId={webhookId} delivery={d} />
          </div>
        </td>
      </tr>
      {open && (
        <tr id={`${id}-details`} className="block sm:table-row">
          <td colSpan={6} className="block px-3 pb-3 sm:table-cell">
            <DeliveryDetails delivery={d} />
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** Why the last attempt failed, on one line (the whole is in the details). */
function DeliveryError({ delivery: d }: { delivery: WebhookDelivery }) {
  const label = deliveryErrorLabel(d);
  if (!label) return null;
  return (
    <p
      className={cn(
        "mt-1 text-xs break-words",
        d.state === WebhookDeliveryState.FAILED
          ? "text-red-700 dark:text-red-300"
          : "text-amber-800 dark:text-amber-300",
      )}
    >
      <span className="font-medium">{label}</span> {errorPreview(d.error).text}
    </p>
  );
}

/** The body sent and the answer's start, and the delivery's identifiers and times. */
function DeliveryDetails({ delivery: d }: { delivery: WebhookDelivery }) {
  const id = useId();
  const pre =
    "max-h-72 overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-zinc-100";
  const label = "mb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase";
  return (
    <div className="space-y-3 rounded-lg bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-950/40 dark:ring-zinc-800">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
        <dt>Delivery</dt>
        <dd className="font-mono break-all">{d.id}</dd>
        <dt>Created</dt>
        <dd>{fullTime(d.createTime)}</dd>
        <dt>Last change</dt>
        <dd>{fullTime(d.updateTime)}</dd>
        {d.error && (
          <>
            <dt>Error</dt>
            <dd className="break-words whitespace-pre-wrap text-red-700 dark:text-red-300">
              {d.error}
            </dd>
          </>
        )}
      </dl>
      <figure aria-labelledby={`${id}-payload`}>
        <figcaption id={`${id}-payload`} className={label}>
          Payload
        </figcaption>
        <pre className={pre}>{prettyJson(d.payload)}</pre>
      </figure>
      <figure aria-labelledby={`${id}-answer`}>
        <figcaption id={`${id}-answer`} className={label}>
          Answer{d.responseStatus > 0 ? ` (HTTP ${d.responseStatus}, first 1 KB)` : ""}
        </figcaption>
        {d.responseExcerpt ? (
          <pre className={pre}>{prettyJson(d.responseExcerpt)}</pre>
        ) : (
          <p className="text-xs text-zinc-500 italic dark:text-zinc-400">
            {d.attempts === 0
              ? "Not tried yet."
              : d.responseStatus > 0
                ? "The answer had no body."
                : "No answer."}
          </p>
        )}
      </figure>
    </div>
  );
}

/** Sends a delivery's body again as a new delivery; the log is read again after. */
function RedeliverButton({
  webhookId,
  delivery: d,
}: {
  webhookId: string;
  delivery: WebhookDelivery;
}) {
  const qc = useQueryClient();
  const redeliver = useMutation({
    mutationFn: () => webhookClient.redeliverWebhook({ deliveryId: d.id }),
    onSuccess: () =>
      toast("Sent again", { description: "The new delivery is at the top of the log." }),
    onSettled: () => deliveriesChanged(qc, webhookId),
  });
  return (
    <span className="inline-block max-w-56">
      <Button
        size="sm"
        loading={redeliver.isPending}
        onClick={() => redeliver.mutate()}
        aria-label={`Redeliver: ${eventTypeLabel(d.eventType)}, ${fullTime(d.createTime)}`}
      >
        {!redeliver.isPending && <RotateCcw className="size-3.5" />}
        Redeliver
      </Button>
      {redeliver.error && (
        <span
          role="alert"
          className="mt-1 block text-xs whitespace-normal text-red-700 dark:text-red-300"
        >
          {describeError(redeliver.error)}
        </span>
      )}
    </span>
  );
}

/** When it was made, as how long ago (hover: the date). */
function Time({ ts, now }: { ts: WebhookDelivery["createTime"]; now: number }) {
  if (!ts) return <>—</>;
  return (
    <time dateTime={new Date(toMillis(ts)).toISOString()} title={fullTime(ts)}>
      {ago(ts, now)}
    </time>
  );
}
