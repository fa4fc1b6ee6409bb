//! Webhooks' words and rules, without React: event types as people read them, a delivery's
//! state, HTTP status, latency and countdown, payloads pretty-printed, the server's field
//! errors sorted onto the form's fields, and the signature scheme for the help text.

import { type WebhookDelivery, WebhookDeliveryState } from "@porthole/client";
import { formErrors } from "../lib/errors";
import { toMillis } from "../lib/format";
import { formatDuration } from "../visitors/live";

/**
 * Every event type the server documents (`Webhook.event_types` in webhook.proto), and the
 * test event "Send test" sends; a unit test keeps this in step with the proto.
 */
export const EVENT_TYPE_LABELS: Readonly<Record<string, string>> = {
  "conversation.created": "Conversation created",
  "conversation.assigned": "Conversation assigned",
  "conversation.resolved": "Conversation resolved",
  "conversation.closed": "Conversation closed",
  "conversation.rated": "Conversation rated",
  "message.created": "Message created",
  "visitor.identified": "Visitor identified",
  "webhook.test": "Test",
};

/** The readable event type; one this dashboard does not know yet shows as sent. */
export function eventTypeLabel(name: string): string {
  return EVENT_TYPE_LABELS[name] ?? name;
}

/** When each subscribable type is sent, for the form's checkboxes. */
export const EVENT_TYPE_HINTS: Readonly<Record<string, string>> = {
  "conversation.created": "A new conversation starts",
  "conversation.assigned": "A conversation is assigned to an agent",
  "conversation.resolved": "A conversation is marked resolved",
  "conversation.closed": "A conversation is closed",
  "conversation.rated": "A visitor rates a conversation",
  "message.created": "A message is written (internal notes too, marked as such)",
  "visitor.identified": "Your site identifies a visitor with its signed identity token",
};

export const deliveryStateLabel: Record<WebhookDeliveryState, string> = {
  [WebhookDeliveryState.UNSPECIFIED]: "Unknown",
  [WebhookDeliveryState.PENDING]: "Pending",
  [WebhookDeliveryState.SUCCEEDED]: "Succeeded",
  [WebhookDeliveryState.FAILED]: "Failed",
};

/** Badge tones as on the e-mail deliveries screen: waiting amber, done green, failed red. */
export const deliveryStateTone: Record<
  WebhookDeliveryState,
  "neutral" | "amber" | "green" | "red"
> = {
  [WebhookDeliveryState.UNSPECIFIED]: "neutral",
  [WebhookDeliveryState.PENDING]: "amber",
  [WebhookDeliveryState.SUCCEEDED]: "green",
  [WebhookDeliveryState.FAILED]: "red",
};

/** What each state means, for the badge's tooltip. */
export const deliveryStateHint: Record<WebhookDeliveryState, string> = {
  [WebhookDeliveryState.UNSPECIFIED]: "A state this dashboard does not know",
  [WebhookDeliveryState.PENDING]:
    "Waiting for its first attempt, or for a retry after a failed one",
  [WebhookDeliveryState.SUCCEEDED]: "The receiver answered 2xx",
  [WebhookDeliveryState.FAILED]:
    "Given up after its last attempt, or not sent (endpoint disabled or address refused); redeliver to try again",
};

/** The last attempt's HTTP status, or "—" when there was no answer (or no attempt yet). */
export function statusLabel(status: number): string {
  return status > 0 ? String(status) : "—";
}

/** "240 ms", "1.3 s", "10 s"; "—" before the first attempt. */
export function latencyLabel(d: Pick<WebhookDelivery, "attempts" | "latencyMs">): string {
  if (d.attempts === 0) return "—";
  const ms = Number(d.latencyMs);
  if (ms < 1000) return `${ms} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** "1 attempt", "3 attempts", "not tried yet". */
export function attemptsLabel(attempts: number): string {
  if (attempts === 0) return "not tried yet";
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}

/**
 * When a pending delivery is tried again: "next attempt in 8s", "next attempt in 4m 12s"
 * (rounded up to the second), "next attempt due now" once the time has come; "first" before
 * any attempt. Empty for deliveries that are not pending.
 */
export function nextAttemptLabel(
  d: Pick<WebhookDelivery, "state" | "attempts" | "nextAttemptTime">,
  now: number,
): string {
  if (d.state !== WebhookDeliveryState.PENDING) return "";
  const which = d.attempts === 0 ? "first attempt" : "next attempt";
  const left = toMillis(d.nextAttemptTime) - now;
  if (!d.nextAttemptTime || left <= 0) return `${which} due now`;
  return `${which} in ${formatDuration(Math.ceil(left / 1000) * 1000)}`;
}

/**
 * What a delivery's error is called: why it was given up, or why the last attempt of one
 * still being retried failed. Empty without an error.
 */
export function deliveryErrorLabel(d: Pick<WebhookDelivery, "state" | "error">): string {
  if (!d.error) return "";
  return d.state === WebhookDeliveryState.FAILED ? "Gave up:" : "Last attempt failed:";
}

/** A JSON body indented for reading; anything that is not JSON as it came. */
export function prettyJson(text: string): string {
  if (!text.trim()) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The fields of the add and edit forms. */
export type WebhookField = "url" | "description" | "event_types";

/**
 * A failed create or update as the form shows it: each violation next to its field
 * (`event_types[2]` is the event types' field), and the rest, or the call's own error, above
 * the buttons so that nothing the server said is lost.
 */
export function webhookFormErrors(error: unknown): {
  fields: Partial<Record<WebhookField, string>>;
  form?: string;
} {
  const { fields: byPath, form } = formErrors(error);
  const fields: Partial<Record<WebhookField, string>> = {};
  const other: string[] = [];
  for (const [path, message] of Object.entries(byPath)) {
    const field = (["url", "description", "event_types"] as const).find(
      (f) => path === f || path.startsWith(`${f}[`) || path.startsWith(`${f}.`),
    );
    if (field) fields[field] ??= message;
    else other.push(`${path}: ${message}`);
  }
  const rest = [form, ...other].filter(Boolean).join(" ");
  return rest ? { fields, form: rest } : { fields };
}

/** The form's own checks, before asking the server (an update cannot say "no types"). */
export function checkWebhookForm(form: {
  url: string;
  eventTypes: readonly string[];
}): Partial<Record<WebhookField, string>> {
  const fields: Partial<Record<WebhookField, string>> = {};
  if (!form.url.trim()) fields.url = "enter the URL deliveries are POSTed to";
  if (form.eventTypes.length === 0) fields.event_types = "choose at least one event type";
  return fields;
}

/** The event types `chosen` in the server's display order (`all`), without strays. */
export function orderedTypes(all: readonly string[], chosen: ReadonlySet<string>): string[] {
  return all.filter((t) => chosen.has(t));
}

/** The signature header as receivers read it (webhook.proto, `WebhookService`). */
export const SIGNATURE_HEADER = "Porthole-Signature";
/** Receivers refuse signatures older than this (replays). */
export const SIGNATURE_MAX_AGE_MINUTES = 5;

/**
 * How a receiver checks a delivery, in Node.js, for the help text (a unit test runs it
 * against the server's known answer).
 */
export const VERIFY_EXAMPLE_NODE = `import { createHmac, timingSafeEqual } from "node:crypto";

// header: the Porthole-Signature header; body: the raw request body, as received.
function verify(secret, header, body, nowSeconds = Date.now() / 1000) {
  const t = /(?:^|,)t=(\\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1 || Math.abs(nowSeconds - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(\`\${t}.\${body}\`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}`;
