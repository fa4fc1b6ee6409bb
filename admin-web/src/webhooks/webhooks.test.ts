//! Webhooks' words and rules: event types (every one the proto documents), delivery states,
//! status, latency and attempts, the countdown to a pending delivery's next attempt,
//! payloads pretty-printed, field errors sorted onto the form, the form's own checks, and
//! the help's Node.js example run against the server's known signature.

import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BadRequestSchema, Code, ConnectError, WebhookDeliveryState } from "@porthole/client";
import { expect, test } from "vitest";
import {
  attemptsLabel,
  checkWebhookForm,
  deliveryErrorLabel,
  deliveryStateHint,
  deliveryStateLabel,
  deliveryStateTone,
  EVENT_TYPE_HINTS,
  EVENT_TYPE_LABELS,
  eventTypeLabel,
  latencyLabel,
  nextAttemptLabel,
  orderedTypes,
  prettyJson,
  statusLabel,
  VERIFY_EXAMPLE_NODE,
  webhookFormErrors,
} from "./webhooks";

/** The types listed in `Webhook.event_types`' comment in webhook.proto. */
function documentedTypes(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const proto = readFileSync(resolve(here, "../../../proto/porthole/v1/webhook.proto"), "utf8");
  const webhook = proto.slice(proto.indexOf("message Webhook {"));
  const comment = webhook.slice(
    webhook.indexOf("string description ="),
    webhook.indexOf("repeated string event_types ="),
  );
  return [...comment.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1] ?? "");
}

test("every event type the server documents has a label and a hint; unknown ones show as sent", () => {
  const documented = documentedTypes();
  expect(documented).toContain("conversation.created");
  expect(documented).toContain("message.created");
  expect(Object.keys(EVENT_TYPE_LABELS).sort()).toEqual([...documented, "webhook.test"].sort());
  expect(Object.keys(EVENT_TYPE_HINTS).sort()).toEqual([...documented].sort());
  expect(eventTypeLabel("conversation.created")).toBe("Conversation created");
  expect(eventTypeLabel("message.created")).toBe("Message created");
  expect(eventTypeLabel("webhook.test")).toBe("Test");
  expect(eventTypeLabel("conversation.snoozed")).toBe("conversation.snoozed");
});

test("each delivery state has a label, a badge tone and a hint", () => {
  const states = [
    WebhookDeliveryState.PENDING,
    WebhookDeliveryState.SUCCEEDED,
    WebhookDeliveryState.FAILED,
  ];
  expect(states.map((s) => deliveryStateLabel[s])).toEqual(["Pending", "Succeeded", "Failed"]);
  expect(states.map((s) => deliveryStateTone[s])).toEqual(["amber", "green", "red"]);
  expect(deliveryStateLabel[WebhookDeliveryState.UNSPECIFIED]).toBe("Unknown");
  for (const state of states) expect(deliveryStateHint[state]).not.toBe("");
});

test("status, latency and attempts read as people say them", () => {
  expect(statusLabel(200)).toBe("200");
  expect(statusLabel(500)).toBe("500");
  expect(statusLabel(0)).toBe("—");
  expect(latencyLabel({ attempts: 0, latencyMs: 0n })).toBe("—");
  expect(latencyLabel({ attempts: 1, latencyMs: 0n })).toBe("0 ms");
  expect(latencyLabel({ attempts: 1, latencyMs: 240n })).toBe("240 ms");
  expect(latencyLabel({ attempts: 2, latencyMs: 1340n })).toBe("1.3 s");
  expect(latencyLabel({ attempts: 3, latencyMs: 10_004n })).toBe("10 s");
  expect(attemptsLabel(0)).toBe("not tried yet");
  expect(attemptsLabel(1)).toBe("1 attempt");
  expect(attemptsLabel(4)).toBe("4 attempts");
});

test("a pending delivery counts down to its next attempt, rounded up to the second", () => {
  const now = 1_700_000_000_000;
  const pending = (attempts: number, inMs: number | undefined) => ({
    state: WebhookDeliveryState.PENDING,
    attempts,
    nextAttemptTime: inMs === undefined ? undefined : timestampFromMs(now + inMs),
  });
  expect(nextAttemptLabel(pending(1, 10_000), now)).toBe("next attempt in 10s");
  expect(nextAttemptLabel(pending(1, 9_200), now)).toBe("next attempt in 10s");
  expect(nextAttemptLabel(pending(5, 160_000), now)).toBe("next attempt in 2m 40s");
  expect(nextAttemptLabel(pending(1, -3_000), now)).toBe("next attempt due now");
  expect(nextAttemptLabel(pending(1, undefined), now)).toBe("next attempt due now");
  expect(nextAttemptLabel(pending(0, undefined), now)).toBe("first attempt due now");
  for (const state of [WebhookDeliveryState.SUCCEEDED, WebhookDeliveryState.FAILED]) {
    expect(nextAttemptLabel({ ...pending(1, 8_000), state }, now)).toBe("");
  }
});

test("an error is called what it means for the delivery", () => {
  const error = "the receiver answered 500";
  expect(deliveryErrorLabel({ state: WebhookDeliveryState.FAILED, error })).toBe("Gave up:");
  expect(deliveryErrorLabel({ state: WebhookDeliveryState.PENDING, error })).toBe(
    "Last attempt failed:",
  );
  expect(deliveryErrorLabel({ state: WebhookDeliveryState.SUCCEEDED, error: "" })).toBe("");
  expect(deliveryErrorLabel({ state: WebhookDeliveryState.PENDING, error: "" })).toBe("");
});

test("JSON is indented for reading; anything else shows as it came", () => {
  expect(prettyJson('{"type":"webhook.test","data":{"a":[1,2]}}')).toBe(
    '{\n  "type": "webhook.test",\n  "data": {\n    "a": [\n      1,\n      2\n    ]\n  }\n}',
  );
  expect(prettyJson("<html>Bad gateway</html>")).toBe("<html>Bad gateway</html>");
  expect(prettyJson("")).toBe("");
  expect(prettyJson("ok")).toBe("ok");
});

function badRequest(violations: { field: string; description: string }[]): ConnectError {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, { fieldViolations: violations }),
    },
  ]);
}

test("the server's field errors land on the form's fields, and nothing it said is lost", () => {
  const refused =
    "10.0.0.1 is a private, loopback or reserved address; webhooks reach public addresses only";
  expect(
    webhookFormErrors(
      badRequest([
        { field: "url", description: refused },
        { field: "event_types", description: "choose at least one event type" },
        { field: "description", description: "at most 200 characters" },
      ]),
    ),
  ).toEqual({
    fields: {
      url: refused,
      event_types: "choose at least one event type",
      description: "at most 200 characters",
    },
  });
  // An indexed path is its list's field; a path the form has no field for goes above.
  expect(
    webhookFormErrors(
      badRequest([
        { field: "event_types[1]", description: 'unknown event type "x"' },
        { field: "webhook_id", description: "required" },
      ]),
    ),
  ).toEqual({ fields: { event_types: 'unknown event type "x"' }, form: "webhook_id: required" });
  // Not about fields: the call's own words.
  expect(
    webhookFormErrors(
      new ConnectError(
        "a workspace has at most 10 webhooks; delete one first",
        Code.FailedPrecondition,
      ),
    ),
  ).toEqual({ fields: {}, form: "a workspace has at most 10 webhooks; delete one first" });
});

test("the form asks for a URL and at least one event type before asking the server", () => {
  expect(checkWebhookForm({ url: "https://x.example/h", eventTypes: ["message.created"] })).toEqual(
    {},
  );
  expect(checkWebhookForm({ url: "  ", eventTypes: [] })).toEqual({
    url: "enter the URL deliveries are POSTed to",
    event_types: "choose at least one event type",
  });
});

test("chosen types go to the server in its display order", () => {
  const all = ["conversation.created", "conversation.closed", "message.created"];
  expect(orderedTypes(all, new Set(["message.created", "conversation.created"]))).toEqual([
    "conversation.created",
    "message.created",
  ]);
  expect(orderedTypes(all, new Set())).toEqual([]);
});

test("the help's Node.js example accepts the server's signature and refuses others", () => {
  const source = VERIFY_EXAMPLE_NODE.replace(/^import .*$/m, "");
  const verify = new Function(
    "createHmac",
    "timingSafeEqual",
    "Buffer",
    `${source}\nreturn verify;`,
  )(createHmac, timingSafeEqual, Buffer) as (
    secret: string,
    header: string,
    body: string,
    nowSeconds?: number,
  ) => boolean;
  // The known answer in server/src/domain/webhook.rs: signature("secret", 1, "body").
  const header = "t=1,v1=842b24d9575dee4b6ec460b7e3af7d683501d84fe6279102340787c79d2e2bab";
  expect(verify("secret", header, "body", 100)).toBe(true);
  expect(verify("secret", header, "body!", 100)).toBe(false);
  expect(verify("other", header, "body", 100)).toBe(false);
  // Older than 5 minutes: a replay.
  expect(verify("secret", header, "body", 302)).toBe(false);
  expect(verify("secret", "t=1", "body", 100)).toBe(false);
  // A fresh one, as the server signs now.
  const t = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", "whsec_k").update(`${t}.{"a":1}`).digest("hex");
  expect(verify("whsec_k", `t=${t},v1=${mac}`, '{"a":1}')).toBe(true);
});
