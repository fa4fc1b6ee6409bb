//! The Rules page: the rules in run order with their trigger, summary and switch; agents
//! read without write controls; owners start from a template, the server's field errors
//! show at their fields; the switch sends the whole rule with the new state; deleting asks.

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  BusinessHoursState,
  CannedResponseSchema,
  Code,
  ConnectError,
  CreateRuleResponseSchema,
  DeleteRuleResponseSchema,
  GetMeResponseSchema,
  ListCannedResponsesResponseSchema,
  ListMembersResponseSchema,
  ListRulesResponseSchema,
  ListTeamsResponseSchema,
  Priority,
  Role,
  type Rule,
  RuleSchema,
  RuleTrigger,
  UpdateRuleResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { ruleClient } from "../lib/api";
import { RulesScreen } from "./RulesScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const greeting = create(RuleSchema, {
  id: "rul_1",
  name: "Greeting",
  enabled: true,
  trigger: RuleTrigger.CONVERSATION_STARTED,
  actions: { reply: "Thanks for writing!" },
});
const refunds = create(RuleSchema, {
  id: "rul_2",
  name: "Refunds",
  enabled: false,
  trigger: RuleTrigger.VISITOR_MESSAGE,
  conditions: { messageContainsAny: ["refund"] },
  actions: { cannedResponseId: "can_1", addTags: ["refund"], priority: Priority.HIGH },
});
const pricing = create(RuleSchema, {
  id: "rul_3",
  name: "Pricing nudge",
  enabled: true,
  trigger: RuleTrigger.PAGE_VISIT,
  conditions: { pageUrlPattern: "*/pricing*" },
  actions: { reply: "Questions about plans?" },
});

function renderScreen(role: Role, rules: Rule[] = [greeting, refunds, pricing]) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_1" }, role }));
  qc.setQueryData(keys.rules, create(ListRulesResponseSchema, { rules }));
  qc.setQueryData(
    keys.canned,
    create(ListCannedResponsesResponseSchema, {
      cannedResponses: [
        create(CannedResponseSchema, { id: "can_1", shortcut: "refund", body: "Refunds take…" }),
      ],
    }),
  );
  qc.setQueryData(keys.teams, create(ListTeamsResponseSchema, { teams: [] }));
  qc.setQueryData(
    keys.members,
    create(ListMembersResponseSchema, {
      members: [{ userId: "usr_1", displayName: "Olivia Owner", email: "o@example.com" }],
    }),
  );
  // The list is read again after a change.
  const list = vi
    .spyOn(ruleClient, "listRules")
    .mockResolvedValue(create(ListRulesResponseSchema, { rules }));
  render(
    <QueryClientProvider client={qc}>
      <RulesScreen />
    </QueryClientProvider>,
  );
  return { qc, list };
}

const rows = () => within(screen.getByRole("list", { name: "Rules" }));

function invalid(...violations: Array<[string, string]>) {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, {
        fieldViolations: violations.map(([field, description]) => ({ field, description })),
      }),
    },
  ]);
}

test("agents read the rules in run order, with trigger and summary; no write controls", () => {
  renderScreen(Role.AGENT);
  const items = rows().getAllByRole("listitem");
  expect(items.map((li) => li.getAttribute("aria-label"))).toEqual([
    "Greeting",
    "Refunds",
    "Pricing nudge",
  ]);
  const refundRow = within(rows().getByRole("listitem", { name: "Refunds" }));
  expect(refundRow.getByText("Every visitor message")).toBeTruthy();
  expect(refundRow.getByText("Off")).toBeTruthy();
  expect(refundRow.getByTestId("rule-summary").textContent).toBe(
    "If the message contains “refund” → reply with /refund, tag refund, priority High",
  );
  expect(
    within(rows().getByRole("listitem", { name: "Pricing nudge" })).getByText("Page visit"),
  ).toBeTruthy();
  expect(screen.getByText(/Owners and admins manage them\.$/)).toBeTruthy();
  expect(screen.queryByRole("button", { name: /New rule/ })).toBeNull();
  expect(screen.queryByRole("switch")).toBeNull();
  expect(screen.queryByRole("button", { name: /^(Edit|Delete) / })).toBeNull();
});

test("an empty workspace offers the templates to owners, and says who sets rules up to agents", () => {
  renderScreen(Role.AGENT, []);
  expect(screen.getByTestId("rules-empty").textContent).toContain("Owners and admins set them up.");
  expect(screen.queryByRole("button", { name: /Greeting/ })).toBeNull();
  cleanup();
  renderScreen(Role.OWNER, []);
  for (const name of [
    "Greeting",
    "Away message",
    "Keyword reply",
    "Proactive message",
    "Blank rule",
  ])
    expect(screen.getByRole("button", { name: new RegExp(`^${name}`) })).toBeTruthy();
});

test("a template pre-fills the form; the server's refusals show at their fields", async () => {
  const createRule = vi
    .spyOn(ruleClient, "createRule")
    .mockRejectedValueOnce(
      invalid(
        ["actions.reply", "must be at most 2000 characters"],
        ["conditions.message_contains_any[1]", "must be 1 to 100 characters"],
      ),
    )
    .mockResolvedValueOnce(
      create(CreateRuleResponseSchema, {
        rule: { ...refunds, id: "rul_9", name: "Keyword reply", enabled: true },
      }),
    );
  const { list } = renderScreen(Role.OWNER, []);
  list.mockResolvedValue(
    create(ListRulesResponseSchema, {
      rules: [{ ...refunds, id: "rul_9", name: "Keyword reply", enabled: true }],
    }),
  );
  fireEvent.click(screen.getByRole("button", { name: /^Keyword reply/ }));
  const dialog = within(await screen.findByRole("dialog", { name: "New rule" }));
  expect((dialog.getByLabelText("Name") as HTMLInputElement).value).toBe("Keyword reply");
  expect(dialog.getByRole("radio", { name: /Every visitor message/ })).toHaveProperty(
    "checked",
    true,
  );
  expect((dialog.getByLabelText("The message contains any of") as HTMLInputElement).value).toBe(
    "refund, money back",
  );
  fireEvent.change(dialog.getByLabelText(/^Reply/), { target: { value: "Refunds take 5 days." } });
  fireEvent.change(dialog.getByLabelText("Add tags"), { target: { value: "refund" } });
  fireEvent.change(dialog.getByLabelText("Priority"), { target: { value: String(Priority.HIGH) } });
  fireEvent.click(dialog.getByRole("button", { name: "Add rule" }));

  await dialog.findByText("must be at most 2000 characters");
  expect(dialog.getByLabelText(/^Reply/).getAttribute("aria-invalid")).toBe("true");
  expect(dialog.getByText("“money back”: must be 1 to 100 characters")).toBeTruthy();
  expect(createRule.mock.calls[0]?.[0]).toMatchObject({
    name: "Keyword reply",
    enabled: true,
    trigger: RuleTrigger.VISITOR_MESSAGE,
    conditions: {
      messageContainsAny: ["refund", "money back"],
      businessHours: BusinessHoursState.UNSPECIFIED,
    },
    actions: { reply: "Refunds take 5 days.", addTags: ["refund"], priority: Priority.HIGH },
  });

  fireEvent.click(dialog.getByRole("button", { name: "Add rule" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(createRule).toHaveBeenCalledTimes(2);
  expect(rows().getByRole("listitem", { name: "Keyword reply" })).toBeTruthy();
});

test("a page-visit rule offers only its message, with the page conditions", async () => {
  renderScreen(Role.ADMIN);
  fireEvent.click(screen.getByRole("button", { name: "Edit Pricing nudge" }));
  const dialog = within(await screen.findByRole("dialog"));
  expect(dialog.getByLabelText(/^Message/)).toBeTruthy();
  expect(dialog.getByLabelText("Seconds on the page")).toBeTruthy();
  expect(dialog.getByRole("switch", { name: /Returning visitors only/ })).toBeTruthy();
  for (const gone of ["Add tags", "Priority", "Send to team", "Assign to", "Business hours"])
    expect(dialog.queryByLabelText(gone)).toBeNull();
  expect(dialog.queryByLabelText("The message contains any of")).toBeNull();
  // Switching to a conversation trigger brings the actions and conditions back.
  fireEvent.click(dialog.getByRole("radio", { name: /New conversation/ }));
  expect(dialog.getByLabelText("Priority")).toBeTruthy();
  expect(dialog.getByLabelText("The message contains any of")).toBeTruthy();
  // Seconds the server would refuse are refused as typed; nothing is sent.
  fireEvent.click(dialog.getByRole("radio", { name: /Page visit/ }));
  const update = vi.spyOn(ruleClient, "updateRule");
  fireEvent.change(dialog.getByLabelText("Seconds on the page"), { target: { value: "9000" } });
  expect(dialog.getByText("Enter whole seconds from 0 to 3,600 (an hour).")).toBeTruthy();
  fireEvent.click(dialog.getByRole("button", { name: "Save rule" }));
  expect(update).not.toHaveBeenCalled();
});

test("the switch sends the whole rule with the new state", async () => {
  const update = vi
    .spyOn(ruleClient, "updateRule")
    .mockResolvedValue(create(UpdateRuleResponseSchema, { rule: { ...refunds, enabled: true } }));
  const { list } = renderScreen(Role.OWNER);
  list.mockResolvedValue(
    create(ListRulesResponseSchema, { rules: [greeting, { ...refunds, enabled: true }, pricing] }),
  );
  const row = within(rows().getByRole("listitem", { name: "Refunds" }));
  fireEvent.click(row.getByRole("switch", { name: "Enabled" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  expect(update.mock.calls[0]?.[0]).toMatchObject({
    ruleId: "rul_2",
    name: "Refunds",
    enabled: true,
    trigger: RuleTrigger.VISITOR_MESSAGE,
    conditions: { messageContainsAny: ["refund"] },
    actions: { cannedResponseId: "can_1", reply: "", addTags: ["refund"], priority: Priority.HIGH },
  });
  await waitFor(() => expect(row.queryByText("Off")).toBeNull());
});

test("deleting asks first, then removes the rule", async () => {
  const remove = vi
    .spyOn(ruleClient, "deleteRule")
    .mockResolvedValue(create(DeleteRuleResponseSchema, {}));
  const { list } = renderScreen(Role.OWNER);
  list.mockResolvedValue(create(ListRulesResponseSchema, { rules: [refunds, pricing] }));
  fireEvent.click(screen.getByRole("button", { name: "Delete Greeting" }));
  const confirm = within(await screen.findByRole("alertdialog"));
  expect(confirm.getByText("Delete “Greeting”?")).toBeTruthy();
  expect(remove).not.toHaveBeenCalled();
  fireEvent.click(confirm.getByRole("button", { name: "Delete rule" }));
  await waitFor(() => expect(remove).toHaveBeenCalledWith({ ruleId: "rul_1" }));
  await waitFor(() => expect(rows().queryByRole("listitem", { name: "Greeting" })).toBeNull());
});
