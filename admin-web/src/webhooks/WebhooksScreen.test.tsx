//! The webhooks screen: endpoints with their events, state, failures and Porthole's reason
//! for switching one off ("Enable"); adding one (checks, the server's field errors next to
//! their fields, the secret shown once); editing sends only what changed; rotating and
//! deleting ask first; the delivery log (states, countdown, answer, details with the
//! payload, "Load more", polling while pending, Redeliver's refusal); nothing for agents.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  CreateWebhookResponseSchema,
  DeleteWebhookResponseSchema,
  GetMeResponseSchema,
  type ListWebhookDeliveriesRequest,
  ListWebhookDeliveriesResponseSchema,
  ListWebhooksResponseSchema,
  Role,
  RotateWebhookSecretResponseSchema,
  SendTestWebhookResponseSchema,
  UpdateWebhookResponseSchema,
  type Webhook,
  WebhookDeliveryState,
  WebhookSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { webhookClient } from "../lib/api";
import { PENDING_POLL_MS } from "./queries";
import { WebhooksScreen } from "./WebhooksScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function renderScreen(role: Role) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" }, role }));
  render(
    <QueryClientProvider client={qc}>
      <WebhooksScreen />
    </QueryClientProvider>,
  );
  return qc;
}

const EVENT_TYPES = [
  "conversation.created",
  "conversation.assigned",
  "conversation.resolved",
  "conversation.closed",
  "conversation.rated",
  "message.created",
  "visitor.identified",
];

const crm = create(WebhookSchema, {
  id: "whk_crm",
  url: "https://crm.example.com/hooks/porthole",
  description: "CRM sync",
  eventTypes: ["conversation.created", "message.created"],
  enabled: true,
  failedInARow: 2,
});
const slack = create(WebhookSchema, {
  id: "whk_slack",
  url: "https://relay.example.net/slack",
  eventTypes: ["conversation.rated"],
  enabled: false,
  disabledReason:
    "5 deliveries in a row failed after every attempt; the last: the receiver answered 503",
  failedInARow: 5,
});

function listing(...webhooks: Webhook[]) {
  return create(ListWebhooksResponseSchema, { webhooks, eventTypes: EVENT_TYPES });
}

const regionOf = (url: string) => screen.getByRole("region", { name: url });

function badRequest(field: string, description: string): ConnectError {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, { fieldViolations: [{ field, description }] }),
    },
  ]);
}

test("endpoints with events, state and failures; one Porthole switched off says why", async () => {
  vi.spyOn(webhookClient, "listWebhooks").mockResolvedValue(listing(crm, slack));
  const update = vi.spyOn(webhookClient, "updateWebhook").mockResolvedValue(
    create(UpdateWebhookResponseSchema, {
      webhook: { ...slack, enabled: true, disabledReason: "", failedInARow: 0 },
    }),
  );
  renderScreen(Role.ADMIN);
  await screen.findByRole("heading", { name: crm.url });

  const first = regionOf(crm.url);
  expect(first.textContent).toContain("CRM sync");
  expect(first.textContent).toContain("Enabled");
  const chips = within(within(first).getByRole("list", { name: "Events" })).getAllByRole(
    "listitem",
  );
  expect(chips.map((c) => c.textContent)).toEqual(["Conversation created", "Message created"]);
  expect(first.textContent).toContain("The last 2 deliveries failed");
  expect(within(first).getByRole("switch", { name: "Enabled" }).getAttribute("aria-checked")).toBe(
    "true",
  );
  expect(within(first).queryByRole("note")).toBeNull();

  const second = regionOf(slack.url);
  expect(second.textContent).toContain("Disabled");
  const notice = within(second).getByRole("note");
  expect(notice.textContent).toContain("Porthole switched this webhook off.");
  expect(notice.textContent).toContain("the receiver answered 503");
  fireEvent.click(within(notice).getByRole("button", { name: "Enable" }));
  await waitFor(() => expect(within(second).queryByRole("note")).toBeNull());
  expect(update).toHaveBeenCalledWith({ webhookId: "whk_slack", enabled: true });
  expect(second.textContent).toContain("Enabled");
  expect(second.textContent).not.toContain("deliveries failed");

  // The signature scheme is explained.
  expect(screen.getByText(/t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">/)).toBeTruthy();
  expect(screen.getByText(/refuse timestamps older than 5 minutes/)).toBeTruthy();
});

test("adding one: checks, the server's field error by its field, then the secret once", async () => {
  vi.spyOn(webhookClient, "listWebhooks").mockResolvedValue(listing());
  const refusal =
    "10.0.0.1 is a private, loopback or reserved address; webhooks reach public addresses only";
  const createWebhook = vi
    .spyOn(webhookClient, "createWebhook")
    .mockRejectedValueOnce(badRequest("url", refusal))
    .mockResolvedValue(
      create(CreateWebhookResponseSchema, {
        webhook: { ...crm, failedInARow: 0 },
        secret: "whsec_0123456789abcdef",
      }),
    );
  renderScreen(Role.OWNER);
  await screen.findByText("No webhooks yet");
  fireEvent.click(screen.getAllByRole("button", { name: "Add webhook" })[0] as HTMLElement);
  const dialog = await screen.findByRole("dialog", { name: "Add webhook" });

  // Every type the server offers, readable and by its wire name.
  const boxes = within(dialog).getAllByRole("checkbox");
  expect(boxes).toHaveLength(EVENT_TYPES.length);
  const created = within(dialog).getByRole("checkbox", { name: /Conversation created/ });
  expect(created.closest("label")?.textContent).toContain("conversation.created");

  // Nothing chosen: said before asking the server.
  fireEvent.click(within(dialog).getByRole("button", { name: "Add webhook" }));
  expect(within(dialog).getByText("choose at least one event type")).toBeTruthy();
  expect(within(dialog).getByText("enter the URL deliveries are POSTed to")).toBeTruthy();
  expect(createWebhook).not.toHaveBeenCalled();

  const url = within(dialog).getByLabelText("URL");
  fireEvent.change(url, { target: { value: "http://10.0.0.1/x" } });
  fireEvent.change(within(dialog).getByLabelText("Description (optional)"), {
    target: { value: "CRM sync" },
  });
  fireEvent.click(within(dialog).getByRole("checkbox", { name: /Message created/ }));
  fireEvent.click(created);
  fireEvent.click(within(dialog).getByRole("button", { name: "Add webhook" }));
  await within(dialog).findByText(refusal);
  expect(url.getAttribute("aria-invalid")).toBe("true");
  const describedBy = (url.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent);
  expect(describedBy).toContain(refusal);
  // Sent in the server's order, whatever the order of the clicks.
  expect(createWebhook).toHaveBeenLastCalledWith({
    url: "http://10.0.0.1/x",
    description: "CRM sync",
    eventTypes: ["conversation.created", "message.created"],
  });

  fireEvent.change(url, { target: { value: crm.url } });
  fireEvent.click(within(dialog).getByRole("button", { name: "Add webhook" }));
  const added = await screen.findByRole("dialog", { name: "Webhook added" });
  const secret = within(added).getByRole("textbox", { name: "Signing secret" }) as HTMLInputElement;
  expect(secret.value).toBe("whsec_0123456789abcdef");
  expect(secret.readOnly).toBe(true);
  expect(within(added).getByRole("button", { name: "Copy" })).toBeTruthy();
  expect(within(added).getByRole("note").textContent).toContain(
    "Store it now: it is not shown again.",
  );
  fireEvent.click(within(added).getByRole("button", { name: "Done" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(screen.queryByText("whsec_0123456789abcdef")).toBeNull();
});

test("editing sends only what changed, and cannot leave no event type", async () => {
  vi.spyOn(webhookClient, "listWebhooks").mockResolvedValue(listing(crm));
  const update = vi
    .spyOn(webhookClient, "updateWebhook")
    .mockResolvedValue(create(UpdateWebhookResponseSchema, { webhook: crm }));
  renderScreen(Role.ADMIN);
  await screen.findByRole("heading", { name: crm.url });
  fireEvent.click(within(regionOf(crm.url)).getByRole("button", { name: "Edit" }));
  const dialog = await screen.findByRole("dialog", { name: "Edit webhook" });
  expect((within(dialog).getByLabelText("URL") as HTMLInputElement).value).toBe(crm.url);
  const message = within(dialog).getByRole("checkbox", { name: /Message created/ });
  const conversation = within(dialog).getByRole("checkbox", { name: /Conversation created/ });
  expect((message as HTMLInputElement).checked).toBe(true);

  fireEvent.click(message);
  fireEvent.click(conversation);
  fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
  expect(within(dialog).getByText("choose at least one event type")).toBeTruthy();
  expect(update).not.toHaveBeenCalled();

  fireEvent.click(within(dialog).getByRole("checkbox", { name: /Visitor identified/ }));
  fireEvent.change(within(dialog).getByLabelText("Description (optional)"), {
    target: { value: "CRM" },
  });
  fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(update).toHaveBeenCalledWith({
    webhookId: "whk_crm",
    description: "CRM",
    eventTypes: ["visitor.identified"],
  });
});

test("rotating and deleting ask first; the new secret is shown once", async () => {
  const list = vi.spyOn(webhookClient, "listWebhooks").mockResolvedValue(listing(crm));
  const rotate = vi
    .spyOn(webhookClient, "rotateWebhookSecret")
    .mockResolvedValue(create(RotateWebhookSecretResponseSchema, { secret: "whsec_new" }));
  const remove = vi
    .spyOn(webhookClient, "deleteWebhook")
    .mockResolvedValue(create(DeleteWebhookResponseSchema, {}));
  renderScreen(Role.OWNER);
  await screen.findByRole("heading", { name: crm.url });

  fireEvent.click(within(regionOf(crm.url)).getByRole("button", { name: "Rotate secret" }));
  const confirm = await screen.findByRole("alertdialog", { name: "Rotate the signing secret?" });
  expect(rotate).not.toHaveBeenCalled();
  fireEvent.click(within(confirm).getByRole("button", { name: "Rotate secret" }));
  const shown = await screen.findByRole("dialog", { name: "New signing secret" });
  expect((within(shown).getByLabelText("Signing secret") as HTMLInputElement).value).toBe(
    "whsec_new",
  );
  expect(rotate).toHaveBeenCalledWith({ webhookId: "whk_crm" });
  fireEvent.click(within(shown).getByRole("button", { name: "Done" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

  fireEvent.click(within(regionOf(crm.url)).getByRole("button", { name: "Delete" }));
  const sure = await screen.findByRole("alertdialog", { name: "Delete this webhook?" });
  expect(sure.textContent).toContain(crm.url);
  list.mockResolvedValue(listing());
  fireEvent.click(within(sure).getByRole("button", { name: "Delete" }));
  await screen.findByText("No webhooks yet");
  expect(remove).toHaveBeenCalledWith({ webhookId: "whk_crm" });
});

const delivery = (id: string, state: WebhookDeliveryState, extra: object = {}) => ({
  id,
  webhookId: "whk_crm",
  eventType: "message.created",
  state,
  attempts: 1,
  responseStatus: 200,
  latencyMs: 42n,
  payload: `{"id":"evt_${id}","type":"message.created","data":{"message":{"body":"Hello?"}}}`,
  responseExcerpt: "ok",
  createTime: timestampFromMs(Date.now() - 60_000),
  updateTime: timestampFromMs(Date.now() - 30_000),
  ...extra,
});

test("the delivery log: states, answer, countdown, details, Load more and Redeliver's refusal", async () => {
  vi.spyOn(webhookClient, "listWebhooks").mockResolvedValue(listing(crm));
  const deliveries = vi
    .spyOn(webhookClient, "listWebhookDeliveries")
    .mockImplementation(async (req: Partial<ListWebhookDeliveriesRequest>) =>
      req.pageToken === "page2"
        ? create(ListWebhookDeliveriesResponseSchema, {
            deliveries: [
              delivery("whd_1", WebhookDeliveryState.SUCCEEDED, { eventType: "webhook.test" }),
            ],
          })
        : create(ListWebhookDeliveriesResponseSchema, {
            deliveries: [
              delivery("whd_3", WebhookDeliveryState.PENDING, {
                attempts: 2,
                responseStatus: 500,
                latencyMs: 1340n,
                error: "the receiver answered 500",
                responseExcerpt: '{"error":"down for maintenance"}',
                nextAttemptTime: timestampFromMs(Date.now() + 90_000),
              }),
              delivery("whd_2", WebhookDeliveryState.FAILED, {
                attempts: 12,
                responseStatus: 0,
                error: "connection refused",
                responseExcerpt: "",
              }),
            ],
            nextPageToken: "page2",
          }),
    );
  const redeliver = vi
    .spyOn(webhookClient, "redeliverWebhook")
    .mockRejectedValue(
      new ConnectError(
        "the webhook is disabled; enable it, then redeliver",
        Code.FailedPrecondition,
      ),
    );
  renderScreen(Role.OWNER);
  await screen.findByRole("heading", { name: crm.url });
  const card = regionOf(crm.url);
  const toggle = within(card).getByRole("button", { name: "Delivery log" });
  expect(toggle.getAttribute("aria-expanded")).toBe("false");
  fireEvent.click(toggle);
  expect(toggle.getAttribute("aria-expanded")).toBe("true");
  const table = await within(card).findByRole("table", { name: `Deliveries to ${crm.url}` });
  expect(deliveries).toHaveBeenCalledWith(
    { webhookId: "whk_crm", pageSize: 20, pageToken: "" },
    expect.objectContaining({ signal: expect.anything() }),
  );
  const rows = () => within(table).getAllByRole("row").slice(1);
  const [pending, failed] = rows();
  expect(pending?.textContent).toContain("Message created");
  expect(pending?.textContent).toContain("Pending");
  expect(pending?.textContent).toMatch(/next attempt in 1m \d+s/);
  expect(pending?.textContent).toContain("Last attempt failed: the receiver answered 500");
  expect(pending?.textContent).toContain("500");
  expect(pending?.textContent).toContain("1.3 s");
  expect(failed?.textContent).toContain("Failed");
  expect(failed?.textContent).toContain("Gave up: connection refused");
  expect(failed?.textContent).toContain("—");

  // Details: the payload indented, the answer's start.
  fireEvent.click(within(pending as HTMLElement).getByRole("button", { name: /^Details/ }));
  const payload = within(table).getByRole("figure", { name: "Payload" });
  expect(payload.textContent).toContain('"type": "message.created"');
  expect(payload.textContent).toContain('\n  "data": {');
  const answer = within(table).getByRole("figure", { name: /Answer \(HTTP 500/ });
  expect(answer.textContent).toContain('"error": "down for maintenance"');
  fireEvent.click(within(failed as HTMLElement).getByRole("button", { name: /^Details/ }));
  expect(within(table).getByText("No answer.")).toBeTruthy();

  // Redeliver refused: the server's words by the button.
  fireEvent.click(within(failed as HTMLElement).getByRole("button", { name: /^Redeliver/ }));
  const alert = await within(failed as HTMLElement).findByRole("alert");
  expect(alert.textContent).toBe("the webhook is disabled; enable it, then redeliver");
  expect(redeliver).toHaveBeenCalledWith({ deliveryId: "whd_2" });

  fireEvent.click(within(card).getByRole("button", { name: "Load more" }));
  await waitFor(() => expect(rows().filter((r) => r.id === "").length).toBe(3));
  expect(deliveries).toHaveBeenCalledWith(
    { webhookId: "whk_crm", pageSize: 20, pageToken: "page2" },
    expect.objectContaining({ signal: expect.anything() }),
  );
  expect(within(card).getByText("Test")).toBeTruthy();
  expect(within(card).queryByRole("button", { name: "Load more" })).toBeNull();
});

test("Send test opens the log; a pending delivery is read again until it settles", async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const list = vi.spyOn(webhookClient, "listWebhooks").mockResolvedValue(listing(crm));
  const sent = delivery("whd_t", WebhookDeliveryState.PENDING, {
    eventType: "webhook.test",
    attempts: 0,
    responseStatus: 0,
    responseExcerpt: "",
  });
  const deliveries = vi
    .spyOn(webhookClient, "listWebhookDeliveries")
    .mockResolvedValueOnce(create(ListWebhookDeliveriesResponseSchema, { deliveries: [sent] }))
    .mockResolvedValue(
      create(ListWebhookDeliveriesResponseSchema, {
        deliveries: [
          { ...sent, state: WebhookDeliveryState.SUCCEEDED, attempts: 1, responseStatus: 200 },
        ],
      }),
    );
  const sendTest = vi
    .spyOn(webhookClient, "sendTestWebhook")
    .mockResolvedValue(create(SendTestWebhookResponseSchema, { delivery: sent }));
  renderScreen(Role.OWNER);
  await screen.findByRole("heading", { name: crm.url });
  const card = regionOf(crm.url);
  fireEvent.click(within(card).getByRole("button", { name: "Send test" }));
  const table = await within(card).findByRole("table");
  expect(sendTest).toHaveBeenCalledWith({ webhookId: "whk_crm" });
  expect(within(table).getAllByRole("row")[1]?.textContent).toContain("Pending");
  expect(within(table).getAllByRole("row")[1]?.textContent).toContain("first attempt due now");
  const listsBefore = list.mock.calls.length;

  await vi.advanceTimersByTimeAsync(PENDING_POLL_MS + 100);
  await waitFor(() =>
    expect(within(table).getAllByRole("row")[1]?.textContent).toContain("Succeeded"),
  );
  expect(deliveries.mock.calls.length).toBeGreaterThanOrEqual(2);
  // Settled: the endpoint is read again (its failure count may have changed).
  await waitFor(() => expect(list.mock.calls.length).toBeGreaterThan(listsBefore));

  // Nothing pending: no more reading.
  const calls = deliveries.mock.calls.length;
  await vi.advanceTimersByTimeAsync(PENDING_POLL_MS * 3);
  expect(deliveries.mock.calls.length).toBe(calls);
});

test("a refusal is shown, and agents are not asked for the list at all", async () => {
  vi.spyOn(webhookClient, "listWebhooks").mockRejectedValue(
    new ConnectError("owners and admins only", Code.PermissionDenied),
  );
  renderScreen(Role.ADMIN);
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("Webhooks could not be loaded.");
  expect(alert.textContent).toContain("owners and admins only");
  cleanup();
  vi.restoreAllMocks();

  const list = vi.spyOn(webhookClient, "listWebhooks");
  renderScreen(Role.AGENT);
  await screen.findByText("Only owners and admins manage webhooks");
  expect(list).not.toHaveBeenCalled();
  expect(screen.queryByRole("button", { name: "Add webhook" })).toBeNull();
});
