//! Rules without React (`RuleService`, issue 16 item 7): the form as the editor holds it
//! (a draft of text fields and rows) and the request it sends, the templates that pre-fill
//! it, the limits `rule.proto` documents, a rule in one line for the list ("If the message
//! contains “refund” → reply “…”, tag refund, priority High"), and the server's refusals laid
//! onto the form's fields.

import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  BusinessHoursState,
  type CannedResponse,
  Code,
  ConnectError,
  type CreateRuleRequestSchema,
  type Member,
  Priority,
  type Rule,
  RuleTrigger,
  type Team,
} from "@porthole/client";
import { formErrors } from "../lib/errors";
import { priorityLabel } from "../lib/format";

/** `rule.proto`'s limits. */
export const LIMITS = {
  name: 80,
  phrases: 20,
  phrase: 100,
  pattern: 500,
  attributes: 10,
  attributeKey: 40,
  attributeValue: 500,
  timeOnPage: 3_600,
  reply: 2_000,
  tags: 10,
  tag: 40,
  rules: 100,
} as const;

/** The triggers in the order the form offers them, with their words. */
export const TRIGGERS = [
  RuleTrigger.CONVERSATION_STARTED,
  RuleTrigger.VISITOR_MESSAGE,
  RuleTrigger.PAGE_VISIT,
] as const;

export const triggerLabel: Record<RuleTrigger, { label: string; description: string }> = {
  [RuleTrigger.UNSPECIFIED]: { label: "Choose a trigger", description: "" },
  [RuleTrigger.CONVERSATION_STARTED]: {
    label: "New conversation",
    description: "The visitor's first message.",
  },
  [RuleTrigger.VISITOR_MESSAGE]: {
    label: "Every visitor message",
    description: "Each message the visitor writes; the rule still acts once per conversation.",
  },
  [RuleTrigger.PAGE_VISIT]: {
    label: "Page visit",
    description: "A proactive message: the widget opens with it on matching pages.",
  },
};

export const businessHoursLabel: Record<BusinessHoursState, string> = {
  [BusinessHoursState.UNSPECIFIED]: "Any time",
  [BusinessHoursState.OPEN]: "Within business hours",
  [BusinessHoursState.CLOSED]: "Outside business hours",
};

/** What the reply action is: none, a text, or a canned response's text. */
export type ReplyKind = "none" | "text" | "canned";

/** A visitor-attribute condition as a row of the form (`key` keeps React's rows apart). */
export interface AttributeRow {
  key: string;
  name: string;
  value: string;
}

/** The rule form as typed. */
export interface RuleDraft {
  name: string;
  enabled: boolean;
  trigger: RuleTrigger;
  /** The words or phrases, comma-separated as typed. */
  phrases: string;
  pageUrlPattern: string;
  attributes: AttributeRow[];
  businessHours: BusinessHoursState;
  /** Seconds on the page, as typed. */
  timeOnPage: string;
  returningOnly: boolean;
  replyKind: ReplyKind;
  reply: string;
  cannedResponseId: string;
  /** Tags, comma-separated as typed. */
  tags: string;
  /** UNSPECIFIED leaves the conversation's priority as it is. */
  priority: Priority;
  teamId: string;
  assigneeUserId: string;
}

let rowCounter = 0;
/** A new key for a row of the form. */
export function rowKey(): string {
  rowCounter += 1;
  return `row${rowCounter}`;
}

export function emptyDraft(): RuleDraft {
  return {
    name: "",
    enabled: true,
    trigger: RuleTrigger.CONVERSATION_STARTED,
    phrases: "",
    pageUrlPattern: "",
    attributes: [],
    businessHours: BusinessHoursState.UNSPECIFIED,
    timeOnPage: "0",
    returningOnly: false,
    replyKind: "text",
    reply: "",
    cannedResponseId: "",
    tags: "",
    priority: Priority.UNSPECIFIED,
    teamId: "",
    assigneeUserId: "",
  };
}

/** The form for a stored rule. */
export function draftOf(rule: Rule): RuleDraft {
  const c = rule.conditions;
  const a = rule.actions;
  return {
    name: rule.name,
    enabled: rule.enabled,
    trigger: rule.trigger,
    phrases: (c?.messageContainsAny ?? []).join(", "),
    pageUrlPattern: c?.pageUrlPattern ?? "",
    attributes: Object.entries(c?.visitorAttributes ?? {}).map(([name, value]) => ({
      key: rowKey(),
      name,
      value,
    })),
    businessHours: c?.businessHours ?? BusinessHoursState.UNSPECIFIED,
    timeOnPage: String(c?.timeOnPageSeconds ?? 0),
    returningOnly: c?.returningVisitorOnly ?? false,
    replyKind: a?.cannedResponseId ? "canned" : a?.reply ? "text" : "none",
    reply: a?.reply ?? "",
    cannedResponseId: a?.cannedResponseId ?? "",
    tags: (a?.addTags ?? []).join(", "),
    priority: a?.priority ?? Priority.UNSPECIFIED,
    teamId: a?.teamId ?? "",
    assigneeUserId: a?.assigneeUserId ?? "",
  };
}

export type TemplateId = "greeting" | "away" | "keyword" | "proactive" | "blank";

export interface Template {
  id: TemplateId;
  label: string;
  description: string;
  draft: () => RuleDraft;
}

/** The common cases, as pre-filled forms. */
export const TEMPLATES: readonly Template[] = [
  {
    id: "greeting",
    label: "Greeting",
    description: "Answer every new conversation at once.",
    draft: () => ({
      ...emptyDraft(),
      name: "Greeting",
      reply: "Thanks for writing! Someone from the team will be with you shortly.",
    }),
  },
  {
    id: "away",
    label: "Away message",
    description: "Say when you are back, outside business hours.",
    draft: () => ({
      ...emptyDraft(),
      name: "Away message",
      businessHours: BusinessHoursState.CLOSED,
      reply:
        "We're away right now and will answer as soon as we're back. Leave your e-mail address and we'll write to you there.",
    }),
  },
  {
    id: "keyword",
    label: "Keyword reply",
    description: "Answer, tag or route messages that mention a word.",
    draft: () => ({
      ...emptyDraft(),
      name: "Keyword reply",
      trigger: RuleTrigger.VISITOR_MESSAGE,
      phrases: "refund, money back",
      reply: "Refunds reach your card within 5 working days of your return arriving.",
    }),
  },
  {
    id: "proactive",
    label: "Proactive message",
    description: "Open the widget with a message on chosen pages.",
    draft: () => ({
      ...emptyDraft(),
      name: "Proactive message",
      trigger: RuleTrigger.PAGE_VISIT,
      pageUrlPattern: "*/pricing*",
      timeOnPage: "20",
      reply: "Questions about our plans? We're happy to help you choose.",
    }),
  },
  {
    id: "blank",
    label: "Blank rule",
    description: "Start from nothing.",
    draft: () => ({ ...emptyDraft(), replyKind: "none" }),
  },
];

/** Comma-separated text as its trimmed, non-empty parts. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * The seconds on the page as typed, or why they cannot be sent (whole seconds from 0 to
 * 3,600, as the server checks `conditions.time_on_page_seconds`).
 */
export function parseTimeOnPage(text: string): { seconds: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { seconds: 0 };
  const seconds = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || seconds > LIMITS.timeOnPage) {
    return { error: "Enter whole seconds from 0 to 3,600 (an hour)." };
  }
  return { seconds };
}

/** What the form refuses to send, by request path (shown at the field, nothing sent). */
export function draftProblems(draft: RuleDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (draft.trigger === RuleTrigger.PAGE_VISIT) {
    const parsed = parseTimeOnPage(draft.timeOnPage);
    if ("error" in parsed) out["conditions.time_on_page_seconds"] = parsed.error;
  }
  if (draft.replyKind === "canned" && !draft.cannedResponseId && !isPageVisit(draft)) {
    out["actions.canned_response_id"] = "Choose a canned response, or reply with a text.";
  }
  return out;
}

export function isPageVisit(draft: Pick<RuleDraft, "trigger">): boolean {
  return draft.trigger === RuleTrigger.PAGE_VISIT;
}

/**
 * The request the form sends. Only what the trigger uses is sent: a page-visit rule's
 * message and page conditions; a conversation rule's conditions and actions. So switching
 * the trigger never sends fields the form no longer shows.
 */
export function ruleRequest(
  draft: RuleDraft,
): Omit<MessageInitShape<typeof CreateRuleRequestSchema>, "$typeName"> {
  const page = isPageVisit(draft);
  const parsedTime = parseTimeOnPage(draft.timeOnPage);
  const base = {
    name: draft.name,
    enabled: draft.enabled,
    trigger: draft.trigger,
  };
  if (page) {
    return {
      ...base,
      conditions: {
        pageUrlPattern: draft.pageUrlPattern,
        timeOnPageSeconds: "seconds" in parsedTime ? parsedTime.seconds : 0,
        returningVisitorOnly: draft.returningOnly,
      },
      actions: { reply: draft.reply },
    };
  }
  const attributes: Record<string, string> = {};
  for (const row of draft.attributes) {
    if (row.name.trim() === "" && row.value.trim() === "") continue;
    attributes[row.name.trim()] = row.value;
  }
  return {
    ...base,
    conditions: {
      messageContainsAny: splitList(draft.phrases),
      pageUrlPattern: draft.pageUrlPattern,
      visitorAttributes: attributes,
      businessHours: draft.businessHours,
    },
    actions: {
      reply: draft.replyKind === "text" ? draft.reply : "",
      cannedResponseId: draft.replyKind === "canned" ? draft.cannedResponseId : "",
      addTags: splitList(draft.tags),
      priority: draft.priority,
      teamId: draft.teamId,
      assigneeUserId: draft.assigneeUserId,
    },
  };
}

/** Errors on the rule form: by field (the form's own names), and one for the whole form. */
export interface RuleErrors {
  fields: Partial<Record<RuleField, string>>;
  form?: string;
}

export type RuleField =
  | "name"
  | "trigger"
  | "phrases"
  | "pageUrlPattern"
  | "attributes"
  | "businessHours"
  | "timeOnPage"
  | "returningOnly"
  | "reply"
  | "cannedResponseId"
  | "actions"
  | "tags"
  | "priority"
  | "teamId"
  | "assigneeUserId";

/** The request path the server names → the form's field. */
const FIELD_OF: Record<string, RuleField> = {
  name: "name",
  trigger: "trigger",
  "conditions.message_contains_any": "phrases",
  "conditions.page_url_pattern": "pageUrlPattern",
  "conditions.visitor_attributes": "attributes",
  "conditions.business_hours": "businessHours",
  "conditions.time_on_page_seconds": "timeOnPage",
  "conditions.returning_visitor_only": "returningOnly",
  "actions.reply": "reply",
  "actions.canned_response_id": "cannedResponseId",
  actions: "actions",
  "actions.add_tags": "tags",
  "actions.priority": "priority",
  "actions.team_id": "teamId",
  "actions.assignee_user_id": "assigneeUserId",
};

/**
 * Field violations (request paths, as the server and {@link draftProblems} name them) on
 * the form's fields: an indexed phrase or tag is named (“refund” must be …), an attribute
 * condition by its key (`conditions.visitor_attributes[plan]`); anything else is a sentence
 * for the whole form.
 */
export function ruleFieldErrors(
  violations: Record<string, string>,
  draft: RuleDraft,
): RuleErrors["fields"] & { unplaced?: string } {
  const out: Record<string, string> = {};
  const add = (field: string, message: string) => {
    out[field] = out[field] ? `${out[field]} · ${message}` : message;
  };
  const phrases = splitList(draft.phrases);
  const tags = splitList(draft.tags);
  for (const [path, message] of Object.entries(violations)) {
    const direct = FIELD_OF[path];
    if (direct) {
      add(direct, message);
      continue;
    }
    const indexed = /^(conditions\.message_contains_any|actions\.add_tags)\[(\d+)\]$/.exec(path);
    if (indexed) {
      const [, list = "", index = "0"] = indexed;
      const isPhrase = list.startsWith("conditions");
      const item = (isPhrase ? phrases : tags)[Number(index)];
      add(isPhrase ? "phrases" : "tags", item ? `“${item}”: ${message}` : message);
      continue;
    }
    const keyed = /^conditions\.visitor_attributes\[(.*)\]$/.exec(path);
    if (keyed) {
      add("attributes", `${keyed[1] ? `“${keyed[1]}”: ` : ""}${message}`);
      continue;
    }
    add("unplaced", message);
  }
  return out;
}

/**
 * A refused create or update on the form: field violations at their fields, the
 * 100-rule limit (FAILED_PRECONDITION) and anything else as one sentence.
 */
export function ruleFormErrors(error: unknown, draft: RuleDraft): RuleErrors {
  const e = ConnectError.from(error);
  if (e.code === Code.FailedPrecondition) {
    return {
      fields: {},
      form: `This workspace already has ${LIMITS.rules} rules, the most it can have. Delete one to add another.`,
    };
  }
  const { fields, form } = formErrors(error);
  const { unplaced, ...placed } = ruleFieldErrors(fields, draft);
  const sentence = [unplaced, form].filter(Boolean).join(" ");
  return { fields: placed, ...(sentence ? { form: sentence } : {}) };
}

/** What a rule's summary names by id. */
export interface Lookups {
  canned: Pick<CannedResponse, "id" | "shortcut" | "title">[];
  teams: Pick<Team, "id" | "name">[];
  members: Pick<Member, "userId" | "displayName" | "email">[];
}

/** A text cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** "“a”, “b” or “c”" */
function alternatives(items: string[]): string {
  const quoted = items.map((i) => `“${i}”`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** A rule's conditions as words; "" when it has none (it always acts on its trigger). */
export function conditionsSummary(rule: Pick<Rule, "trigger" | "conditions">): string {
  const c = rule.conditions;
  if (!c) return "";
  const parts: string[] = [];
  if (c.messageContainsAny.length > 0)
    parts.push(`the message contains ${alternatives(c.messageContainsAny)}`);
  if (c.pageUrlPattern) parts.push(`the page is ${c.pageUrlPattern}`);
  for (const [key, value] of Object.entries(c.visitorAttributes))
    parts.push(`${key} is “${value}”`);
  if (c.businessHours === BusinessHoursState.OPEN) parts.push("within business hours");
  if (c.businessHours === BusinessHoursState.CLOSED) parts.push("outside business hours");
  if (c.timeOnPageSeconds > 0) parts.push(`after ${c.timeOnPageSeconds} s on the page`);
  if (c.returningVisitorOnly) parts.push("returning visitors only");
  return parts.join(" and ");
}

/** A rule's actions as words, the reply first. */
export function actionsSummary(rule: Pick<Rule, "actions">, lookups: Lookups): string {
  const a = rule.actions;
  if (!a) return "";
  const parts: string[] = [];
  if (a.reply) parts.push(`reply “${clip(a.reply, 60)}”`);
  if (a.cannedResponseId) {
    const canned = lookups.canned.find((c) => c.id === a.cannedResponseId);
    parts.push(canned ? `reply with /${canned.shortcut}` : "reply with a deleted canned response");
  }
  if (a.addTags.length > 0) parts.push(`tag ${a.addTags.join(", ")}`);
  if (a.priority !== Priority.UNSPECIFIED) parts.push(`priority ${priorityLabel[a.priority]}`);
  if (a.teamId) {
    const team = lookups.teams.find((t) => t.id === a.teamId);
    parts.push(`send to ${team?.name ?? "a deleted team"}`);
  }
  if (a.assigneeUserId) {
    const member = lookups.members.find((m) => m.userId === a.assigneeUserId);
    parts.push(`assign to ${member ? member.displayName || member.email : "a former member"}`);
  }
  return parts.join(", ");
}

/** The rule in one line: "If … → …", or "Always → …". */
export function ruleSummary(
  rule: Pick<Rule, "trigger" | "conditions" | "actions">,
  lookups: Lookups,
): string {
  const conditions = conditionsSummary(rule);
  const actions = actionsSummary(rule, lookups) || "nothing";
  const page = rule.trigger === RuleTrigger.PAGE_VISIT;
  const when = conditions ? `If ${conditions}` : page ? "On every page" : "Always";
  return `${when} → ${page ? actions.replace(/^reply /, "show ") : actions}`;
}
