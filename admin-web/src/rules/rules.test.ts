//! Rules without React: the form and the request it sends (only what the trigger uses), the
//! templates, the rule in one line, and the server's refusals on the form's fields.

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  BusinessHoursState,
  Code,
  ConnectError,
  CreateRuleRequestSchema,
  Priority,
  RuleSchema,
  RuleTrigger,
} from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  draftOf,
  draftProblems,
  emptyDraft,
  type Lookups,
  parseTimeOnPage,
  ruleFormErrors,
  ruleRequest,
  ruleSummary,
  TEMPLATES,
} from "./rules";

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

const lookups: Lookups = {
  canned: [{ id: "can_1", shortcut: "refund", title: "Refunds" }],
  teams: [{ id: "tem_1", name: "Billing" }],
  members: [{ userId: "usr_1", displayName: "Sam Agent", email: "sam@example.com" }],
};

const keyword = create(RuleSchema, {
  id: "rul_1",
  name: "Refunds",
  enabled: true,
  trigger: RuleTrigger.VISITOR_MESSAGE,
  conditions: {
    messageContainsAny: ["refund", "money back"],
    visitorAttributes: { plan: "pro" },
    businessHours: BusinessHoursState.OPEN,
  },
  actions: {
    reply: "Refunds take 5 days.",
    addTags: ["refund"],
    priority: Priority.HIGH,
    teamId: "tem_1",
    assigneeUserId: "usr_1",
  },
});

describe("the form and its request", () => {
  test("a stored rule comes back from its form as it was", () => {
    const sent = create(CreateRuleRequestSchema, ruleRequest(draftOf(keyword)));
    expect(sent.name).toBe("Refunds");
    expect(sent.trigger).toBe(RuleTrigger.VISITOR_MESSAGE);
    expect(sent.conditions?.messageContainsAny).toEqual(["refund", "money back"]);
    expect(sent.conditions?.visitorAttributes).toEqual({ plan: "pro" });
    expect(sent.conditions?.businessHours).toBe(BusinessHoursState.OPEN);
    expect(sent.actions).toMatchObject({
      reply: "Refunds take 5 days.",
      cannedResponseId: "",
      addTags: ["refund"],
      priority: Priority.HIGH,
      teamId: "tem_1",
      assigneeUserId: "usr_1",
    });
  });

  test("phrases and tags are typed comma-separated; empty attribute rows are dropped", () => {
    const draft = {
      ...emptyDraft(),
      phrases: " refund ,, Money back ",
      tags: "vip, ",
      attributes: [
        { key: "a", name: " plan ", value: "Pro" },
        { key: "b", name: "", value: "" },
      ],
    };
    const sent = ruleRequest(draft);
    expect(sent.conditions?.messageContainsAny).toEqual(["refund", "Money back"]);
    expect(sent.conditions?.visitorAttributes).toEqual({ plan: "Pro" });
    expect(sent.actions?.addTags).toEqual(["vip"]);
  });

  test("the reply is the text or the canned response, never both", () => {
    const draft = { ...draftOf(keyword), cannedResponseId: "can_1" };
    expect(ruleRequest({ ...draft, replyKind: "text" }).actions).toMatchObject({
      reply: "Refunds take 5 days.",
      cannedResponseId: "",
    });
    expect(ruleRequest({ ...draft, replyKind: "canned" }).actions).toMatchObject({
      reply: "",
      cannedResponseId: "can_1",
    });
    expect(ruleRequest({ ...draft, replyKind: "none" }).actions).toMatchObject({
      reply: "",
      cannedResponseId: "",
    });
  });

  test("a page-visit rule sends only its message and its page conditions", () => {
    const draft = { ...draftOf(keyword), trigger: RuleTrigger.PAGE_VISIT, timeOnPage: "30" };
    const sent = create(CreateRuleRequestSchema, ruleRequest(draft));
    expect(sent.conditions?.messageContainsAny).toEqual([]);
    expect(sent.conditions?.visitorAttributes).toEqual({});
    expect(sent.conditions?.businessHours).toBe(BusinessHoursState.UNSPECIFIED);
    expect(sent.conditions?.timeOnPageSeconds).toBe(30);
    expect(sent.actions).toMatchObject({
      reply: "Refunds take 5 days.",
      addTags: [],
      priority: Priority.UNSPECIFIED,
      teamId: "",
      assigneeUserId: "",
    });
    // A conversation rule never sends the page-visit conditions.
    const back = ruleRequest({ ...draft, trigger: RuleTrigger.CONVERSATION_STARTED });
    expect(back.conditions?.timeOnPageSeconds).toBeUndefined();
    expect(back.conditions?.returningVisitorOnly).toBeUndefined();
  });

  test("seconds on the page: whole seconds up to an hour, refused as typed otherwise", () => {
    expect(parseTimeOnPage("")).toEqual({ seconds: 0 });
    expect(parseTimeOnPage(" 45 ")).toEqual({ seconds: 45 });
    expect(parseTimeOnPage("3600")).toEqual({ seconds: 3600 });
    expect(parseTimeOnPage("3601")).toHaveProperty("error");
    expect(parseTimeOnPage("1.5")).toHaveProperty("error");
    const page = { ...emptyDraft(), trigger: RuleTrigger.PAGE_VISIT, timeOnPage: "soon" };
    expect(draftProblems(page)).toEqual({
      "conditions.time_on_page_seconds": "Enter whole seconds from 0 to 3,600 (an hour).",
    });
    // A canned reply must name one.
    expect(draftProblems({ ...emptyDraft(), replyKind: "canned" })).toHaveProperty([
      "actions.canned_response_id",
    ]);
  });

  test("templates pre-fill the common cases", () => {
    const by = Object.fromEntries(TEMPLATES.map((t) => [t.id, t.draft()]));
    expect(by.greeting).toMatchObject({
      name: "Greeting",
      trigger: RuleTrigger.CONVERSATION_STARTED,
      replyKind: "text",
    });
    expect(by.greeting?.reply).not.toBe("");
    expect(by.away).toMatchObject({
      trigger: RuleTrigger.CONVERSATION_STARTED,
      businessHours: BusinessHoursState.CLOSED,
    });
    expect(by.keyword).toMatchObject({ trigger: RuleTrigger.VISITOR_MESSAGE });
    expect(by.keyword?.phrases).not.toBe("");
    expect(by.proactive).toMatchObject({
      trigger: RuleTrigger.PAGE_VISIT,
      pageUrlPattern: "*/pricing*",
    });
    expect(by.blank).toMatchObject({ name: "", replyKind: "none" });
    // Every template but the blank one is a rule the server takes as it is.
    for (const t of TEMPLATES.filter((x) => x.id !== "blank"))
      expect(draftProblems(t.draft()), t.id).toEqual({});
  });
});

describe("a rule in one line", () => {
  test("conditions, then actions, naming what ids point at", () => {
    expect(ruleSummary(keyword, lookups)).toBe(
      "If the message contains “refund” or “money back” and plan is “pro” and within business hours → reply “Refunds take 5 days.”, tag refund, priority High, send to Billing, assign to Sam Agent",
    );
  });

  test("a rule without conditions always acts; a canned reply by its shortcut", () => {
    const greeting = create(RuleSchema, {
      trigger: RuleTrigger.CONVERSATION_STARTED,
      actions: { cannedResponseId: "can_1" },
    });
    expect(ruleSummary(greeting, lookups)).toBe("Always → reply with /refund");
    const gone = create(RuleSchema, {
      trigger: RuleTrigger.CONVERSATION_STARTED,
      actions: { cannedResponseId: "can_gone", teamId: "tem_gone" },
    });
    expect(ruleSummary(gone, lookups)).toBe(
      "Always → reply with a deleted canned response, send to a deleted team",
    );
  });

  test("a page-visit rule shows its message; a long reply is cut", () => {
    const proactive = create(RuleSchema, {
      trigger: RuleTrigger.PAGE_VISIT,
      conditions: {
        pageUrlPattern: "*/pricing*",
        timeOnPageSeconds: 20,
        returningVisitorOnly: true,
      },
      actions: { reply: `Questions about pricing? ${"We are here. ".repeat(10)}` },
    });
    const line = ruleSummary(proactive, lookups);
    expect(line).toMatch(
      /^If the page is \*\/pricing\* and after 20 s on the page and returning visitors only → show “Questions about pricing\? .+…”$/,
    );
    expect(ruleSummary(create(RuleSchema, { trigger: RuleTrigger.PAGE_VISIT }), lookups)).toBe(
      "On every page → nothing",
    );
  });
});

describe("refusals on the form", () => {
  test("each violation at its field; an indexed phrase or tag and an attribute named", () => {
    const draft = { ...draftOf(keyword), phrases: "refund, ", tags: "refund, x" };
    const errors = ruleFormErrors(
      invalid(
        ["name", "must be 1 to 80 characters"],
        ["conditions.message_contains_any[0]", "must be 1 to 100 characters"],
        ["conditions.visitor_attributes[pl an]", "keys are letters"],
        ["actions.add_tags[1]", "must be 1 to 40 characters"],
        ["actions.reply", "must be at most 2000 characters"],
        ["actions", "choose at least one action"],
        ["actions.team_id", "no such team"],
      ),
      draft,
    );
    expect(errors).toEqual({
      fields: {
        name: "must be 1 to 80 characters",
        phrases: "“refund”: must be 1 to 100 characters",
        attributes: "“pl an”: keys are letters",
        tags: "“x”: must be 1 to 40 characters",
        reply: "must be at most 2000 characters",
        actions: "choose at least one action",
        teamId: "no such team",
      },
    });
  });

  test("a path the form has no field for, the 100-rule limit and other failures as a sentence", () => {
    expect(ruleFormErrors(invalid(["conditions.zodiac", "unknown"]), emptyDraft())).toEqual({
      fields: {},
      form: "unknown",
    });
    expect(
      ruleFormErrors(new ConnectError("too many", Code.FailedPrecondition), emptyDraft()).form,
    ).toContain("already has 100 rules");
    expect(ruleFormErrors(new ConnectError("down", Code.Unavailable), emptyDraft()).form).toBe(
      "The server cannot be reached. Try again in a moment.",
    );
  });
});
