//! Guided flows without React (`flow.proto`; issue 16 item 8): the flow as the editor holds
//! it (steps with local keys, so a step's id can be retyped without losing what points at
//! it, and attribute rows in the order typed), the flow it sends (only the fields each kind
//! uses), adding, removing and moving steps, the opening a visitor sees before writing
//! (mirrored from the server's `flow::opening`), what the editor refuses as typed, and the
//! server's violations (`settings.flow.steps[2].next`) laid onto the steps they name.

import { create } from "@bufbuild/protobuf";
import {
  FlowCaseSchema,
  FlowChoiceSchema,
  FlowField,
  type FlowStep,
  FlowStepKind,
  FlowStepSchema,
  type GuidedFlow,
  GuidedFlowSchema,
} from "@porthole/client";

/** `flow.proto`'s limits. */
export const FLOW_LIMITS = {
  steps: 50,
  id: 40,
  text: 1_000,
  choices: 10,
  label: 60,
  cases: 20,
  attributes: 20,
  attributeKey: 40,
  attributeValue: 500,
} as const;

/** The request path of the flow, as the server names it in a violation. */
export const FLOW_PATH = "settings.flow";

/**
 * Where a step, choice or case goes: "" for the step listed after it, else a step's local
 * key, or `missing:<id>` for a stored id that names no step (shown as such, sent as it was).
 */
export type StepRef = string;

export interface ChoiceDraft {
  key: string;
  label: string;
  next: StepRef;
}

export interface CaseDraft {
  key: string;
  equals: string;
  next: StepRef;
}

export interface AttributeDraft {
  key: string;
  name: string;
  value: string;
}

/** One step as the editor holds it; fields of other kinds are kept while the kind changes. */
export interface StepDraft {
  key: string;
  id: string;
  kind: FlowStepKind;
  text: string;
  choices: ChoiceDraft[];
  field: FlowField;
  attribute: string;
  attributes: AttributeDraft[];
  cases: CaseDraft[];
  next: StepRef;
  teamId: string;
  invalidText: string;
}

/** The kinds in the order the editor offers them, with their words. */
export const STEP_KINDS = [
  FlowStepKind.MESSAGE,
  FlowStepKind.QUESTION,
  FlowStepKind.COLLECT,
  FlowStepKind.BRANCH,
  FlowStepKind.SET_ATTRIBUTES,
  FlowStepKind.ROUTE,
  FlowStepKind.END,
] as const;

export const stepKindLabel: Record<FlowStepKind, { label: string; description: string }> = {
  [FlowStepKind.UNSPECIFIED]: { label: "Choose", description: "" },
  [FlowStepKind.MESSAGE]: { label: "Message", description: "Says something, then goes on." },
  [FlowStepKind.QUESTION]: {
    label: "Question",
    description: "Asks, with answers to choose as buttons, and waits.",
  },
  [FlowStepKind.COLLECT]: {
    label: "Collect",
    description: "Asks for an e-mail, phone or order number, or any text, and waits.",
  },
  [FlowStepKind.BRANCH]: {
    label: "Branch",
    description: "Goes one way or another by a visitor attribute.",
  },
  [FlowStepKind.SET_ATTRIBUTES]: {
    label: "Set attributes",
    description: "Saves values on the visitor, then goes on.",
  },
  [FlowStepKind.ROUTE]: {
    label: "Route to team",
    description: "Hands the conversation to your agents, or a team's. The flow ends.",
  },
  [FlowStepKind.END]: {
    label: "End",
    description: "Says goodbye and resolves the conversation. The flow ends.",
  },
};

/** What a collect step accepts, in the editor's order. */
export const FIELDS = [
  FlowField.EMAIL,
  FlowField.PHONE,
  FlowField.ORDER_NUMBER,
  FlowField.TEXT,
] as const;

export const fieldLabel: Record<FlowField, string> = {
  [FlowField.UNSPECIFIED]: "Choose",
  [FlowField.TEXT]: "Any text",
  [FlowField.EMAIL]: "E-mail address",
  [FlowField.PHONE]: "Phone number",
  [FlowField.ORDER_NUMBER]: "Order number",
};

/** The attribute a collect step stores its answer in unless another is typed. */
export const fieldAttribute: Record<FlowField, string> = {
  [FlowField.UNSPECIFIED]: "",
  [FlowField.TEXT]: "",
  [FlowField.EMAIL]: "email",
  [FlowField.PHONE]: "phone",
  [FlowField.ORDER_NUMBER]: "order_number",
};

/** Which fields a kind uses (and sends). */
export function usesText(kind: FlowStepKind): "required" | "optional" | false {
  if (kind === FlowStepKind.MESSAGE || kind === FlowStepKind.QUESTION) return "required";
  if (kind === FlowStepKind.COLLECT) return "required";
  if (kind === FlowStepKind.ROUTE || kind === FlowStepKind.END) return "optional";
  return false;
}

/** Whether a step goes on to another (route and end steps end the flow). */
export function usesNext(kind: FlowStepKind): boolean {
  return kind !== FlowStepKind.ROUTE && kind !== FlowStepKind.END;
}

let keyCounter = 0;
function newKey(prefix: string): string {
  keyCounter += 1;
  return `${prefix}${keyCounter}`;
}

/** A blank step of `kind` with `id`. */
export function blankStep(kind: FlowStepKind, id: string): StepDraft {
  return {
    key: newKey("s"),
    id,
    kind,
    text: "",
    choices:
      kind === FlowStepKind.QUESTION
        ? [
            { key: newKey("c"), label: "", next: "" },
            { key: newKey("c"), label: "", next: "" },
          ]
        : [],
    field: kind === FlowStepKind.COLLECT ? FlowField.EMAIL : FlowField.UNSPECIFIED,
    attribute: kind === FlowStepKind.COLLECT ? "email" : "",
    attributes:
      kind === FlowStepKind.SET_ATTRIBUTES ? [{ key: newKey("a"), name: "", value: "" }] : [],
    cases: kind === FlowStepKind.BRANCH ? [{ key: newKey("k"), equals: "", next: "" }] : [],
    next: "",
    teamId: "",
    invalidText: "",
  };
}

/** The id a new step of `kind` gets: a word for its kind, numbered when taken. */
export function newStepId(kind: FlowStepKind, steps: Pick<StepDraft, "id">[]): string {
  const base =
    {
      [FlowStepKind.UNSPECIFIED]: "step",
      [FlowStepKind.MESSAGE]: "say",
      [FlowStepKind.QUESTION]: "ask",
      [FlowStepKind.COLLECT]: "collect",
      [FlowStepKind.BRANCH]: "branch",
      [FlowStepKind.SET_ATTRIBUTES]: "set",
      [FlowStepKind.ROUTE]: "route",
      [FlowStepKind.END]: "end",
    }[kind] ?? "step";
  const taken = new Set(steps.map((s) => s.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The editor's steps for a stored flow. */
export function draftFlow(flow: GuidedFlow | undefined): StepDraft[] {
  const steps = flow?.steps ?? [];
  const keys = steps.map(() => newKey("s"));
  const ref = (id: string): StepRef => {
    if (!id) return "";
    const at = steps.findIndex((s) => s.id === id);
    return at >= 0 ? (keys[at] ?? "") : `missing:${id}`;
  };
  return steps.map((s, i) => ({
    key: keys[i] ?? newKey("s"),
    id: s.id,
    kind: s.kind,
    text: s.text,
    choices: s.choices.map((c) => ({ key: newKey("c"), label: c.label, next: ref(c.next) })),
    field: s.field,
    attribute: s.attribute,
    attributes: Object.entries(s.attributes).map(([name, value]) => ({
      key: newKey("a"),
      name,
      value,
    })),
    cases: s.cases.map((c) => ({ key: newKey("k"), equals: c.equals, next: ref(c.next) })),
    next: ref(s.next),
    teamId: s.teamId,
    invalidText: s.invalidText,
  }));
}

/** A reference as the id the server reads. */
function idOf(ref: StepRef, steps: StepDraft[]): string {
  if (!ref) return "";
  if (ref.startsWith("missing:")) return ref.slice("missing:".length);
  return steps.find((s) => s.key === ref)?.id ?? "";
}

/** One step as sent: only the fields its kind uses. */
function stepOf(s: StepDraft, steps: StepDraft[]): FlowStep {
  const text = usesText(s.kind) ? s.text : "";
  const next = usesNext(s.kind) ? idOf(s.next, steps) : "";
  const base = { id: s.id.trim(), kind: s.kind, text, next };
  switch (s.kind) {
    case FlowStepKind.QUESTION:
      return create(FlowStepSchema, {
        ...base,
        choices: s.choices.map((c) =>
          create(FlowChoiceSchema, { label: c.label, next: idOf(c.next, steps) }),
        ),
        attribute: s.attribute.trim(),
      });
    case FlowStepKind.COLLECT:
      return create(FlowStepSchema, {
        ...base,
        field: s.field,
        attribute: s.attribute.trim(),
        invalidText: s.invalidText,
      });
    case FlowStepKind.BRANCH:
      return create(FlowStepSchema, {
        ...base,
        attribute: s.attribute.trim(),
        cases: s.cases.map((c) =>
          create(FlowCaseSchema, { equals: c.equals, next: idOf(c.next, steps) }),
        ),
      });
    case FlowStepKind.SET_ATTRIBUTES: {
      const attributes: Record<string, string> = {};
      for (const row of s.attributes) {
        if (row.name.trim() === "" && row.value === "") continue;
        attributes[row.name.trim()] = row.value;
      }
      return create(FlowStepSchema, { ...base, attributes });
    }
    case FlowStepKind.ROUTE:
      return create(FlowStepSchema, { ...base, teamId: s.teamId });
    default:
      return create(FlowStepSchema, base);
  }
}

/** The flow the editor sends; none while it has no steps. */
export function flowOf(steps: StepDraft[]): GuidedFlow | undefined {
  if (steps.length === 0) return undefined;
  return create(GuidedFlowSchema, { steps: steps.map((s) => stepOf(s, steps)) });
}

/** `steps` with the one at `index` moved by `by` places (nothing moves past an end). */
export function moveStep(steps: StepDraft[], index: number, by: -1 | 1): StepDraft[] {
  const to = index + by;
  if (to < 0 || to >= steps.length) return steps;
  const out = [...steps];
  const [moved] = out.splice(index, 1);
  if (moved) out.splice(to, 0, moved);
  return out;
}

/**
 * `steps` without the one with `key`; whatever pointed at it now goes to the next one
 * (an empty reference), so no reference dangles.
 */
export function removeStep(steps: StepDraft[], key: string): StepDraft[] {
  const clear = (ref: StepRef) => (ref === key ? "" : ref);
  return steps
    .filter((s) => s.key !== key)
    .map((s) => ({
      ...s,
      next: clear(s.next),
      choices: s.choices.map((c) => ({ ...c, next: clear(c.next) })),
      cases: s.cases.map((c) => ({ ...c, next: clear(c.next) })),
    }));
}

export function newChoice(): ChoiceDraft {
  return { key: newKey("c"), label: "", next: "" };
}

export function newCase(): CaseDraft {
  return { key: newKey("k"), equals: "", next: "" };
}

export function newAttribute(): AttributeDraft {
  return { key: newKey("a"), name: "", value: "" };
}

/** A prompt as the visitor sees it: a text and the buttons under it. */
export interface Prompt {
  text: string;
  quickReplies: string[];
}

/**
 * What a visitor sees before writing: the flow's messages up to its first question or
 * collect step, a route's or end's text, stopping at a branch or attributes step (they
 * depend on the visitor). The server's `flow::opening`, which the widget is sent.
 */
export function flowOpening(steps: StepDraft[]): Prompt[] {
  const shown: Prompt[] = [];
  let i = 0;
  const seen = new Set<number>();
  while (i < steps.length && !seen.has(i) && shown.length < FLOW_LIMITS.steps) {
    seen.add(i);
    const step = steps[i];
    if (!step) break;
    const text = step.text.trim();
    switch (step.kind) {
      case FlowStepKind.MESSAGE: {
        shown.push({ text, quickReplies: [] });
        if (!step.next) i += 1;
        else if (step.next.startsWith("missing:")) return shown;
        else i = steps.findIndex((s) => s.key === step.next);
        if (i < 0) return shown;
        break;
      }
      case FlowStepKind.QUESTION:
        shown.push({
          text,
          quickReplies: step.choices.map((c) => c.label.trim()).filter(Boolean),
        });
        return shown;
      case FlowStepKind.COLLECT:
        shown.push({ text, quickReplies: [] });
        return shown;
      case FlowStepKind.ROUTE:
      case FlowStepKind.END:
        if (text) shown.push({ text, quickReplies: [] });
        return shown;
      default:
        return shown;
    }
  }
  return shown;
}

/** Step ids: 1 to 40 of a-z, 0-9, `_` and `-` (`flow.proto`). */
export function isStepId(id: string): boolean {
  return /^[a-z0-9_-]{1,40}$/.test(id.trim());
}

/**
 * What the editor refuses to send, by request path as the server names it: a workflow
 * without steps, step ids that are malformed or taken twice (references follow steps, not
 * ids, so two equal ids could not be told apart in what is sent), a branch's case that
 * goes nowhere.
 */
export function flowProblems(steps: StepDraft[], workflow: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (workflow && steps.length === 0) {
    out[`${FLOW_PATH}.steps`] =
      "A guided flow needs at least one step: add one, or choose who else answers.";
  }
  steps.forEach((s, i) => {
    // A case always names its step (the server refuses an empty one, unlike other nexts).
    if (s.kind === FlowStepKind.BRANCH) {
      s.cases.forEach((c, j) => {
        if (!c.next)
          out[`${FLOW_PATH}.steps[${i}].cases[${j}].next`] = "Choose the step this case goes to.";
      });
    }
    const id = s.id.trim();
    if (!isStepId(id)) {
      out[`${FLOW_PATH}.steps[${i}].id`] = "Use 1 to 40 of a-z, 0-9, _ and -.";
    } else if (steps.slice(0, i).some((o) => o.id.trim() === id)) {
      out[`${FLOW_PATH}.steps[${i}].id`] = "Another step has this id.";
    }
  });
  return out;
}

/** Violations of one step, by the path under it (`next`, `choices[1].label`, "" for itself). */
export type StepErrors = Record<string, string>;

/** Violations of the flow: the whole flow's, and each step's by its local key. */
export interface FlowErrors {
  flow?: string;
  steps: Record<string, StepErrors>;
}

/**
 * Violations under `settings.flow` placed on the steps they name, by the steps' keys as
 * they were sent (so moving steps afterwards keeps each message on its step).
 */
export function flowErrors(fields: Record<string, string>, sent: StepDraft[]): FlowErrors {
  const out: FlowErrors = { steps: {} };
  for (const [path, message] of Object.entries(fields)) {
    if (path === FLOW_PATH || path === `${FLOW_PATH}.steps`) {
      out.flow = out.flow ? `${out.flow} ${message}` : message;
      continue;
    }
    const match = /^settings\.flow\.steps\[(\d+)\](?:\.(.+))?$/.exec(path);
    if (!match) continue;
    const step = sent[Number(match[1])];
    if (!step) {
      out.flow = out.flow ? `${out.flow} ${message}` : message;
      continue;
    }
    const under = match[2] ?? "";
    const errors = out.steps[step.key] ?? {};
    out.steps[step.key] = errors;
    errors[under] = errors[under] ? `${errors[under]} · ${message}` : message;
  }
  return out;
}

/**
 * A step's violation at `field`: exact (`text`), or any under it (`choices[0].label` for
 * `choices[0]`, `attributes[plan]` for `attributes`).
 */
export function errorAt(errors: StepErrors | undefined, field: string): string | undefined {
  if (!errors) return undefined;
  if (errors[field]) return errors[field];
  const under = Object.entries(errors)
    .filter(([k]) => k.startsWith(`${field}[`) || k.startsWith(`${field}.`))
    .map(([k, m]) => {
      const key = /^attributes\[(.+)\]$/.exec(k)?.[1];
      return key ? `“${key}”: ${m}` : m;
    });
  return under.length > 0 ? under.join(" · ") : undefined;
}

/** The violations of a step no field of the kind shows (e.g. `kind`), as one line. */
export function otherErrors(errors: StepErrors | undefined, shown: string[]): string | undefined {
  if (!errors) return undefined;
  const rest = Object.entries(errors)
    .filter(([k]) => !shown.some((f) => k === f || k.startsWith(`${f}[`) || k.startsWith(`${f}.`)))
    .map(([, m]) => m);
  return rest.length > 0 ? rest.join(" · ") : undefined;
}

/**
 * An example to start from: ask what the visitor needs; sales leads leave an e-mail and go
 * to the agents, support questions are pointed to help and end.
 */
export function exampleFlow(): StepDraft[] {
  const ask = blankStep(FlowStepKind.QUESTION, "ask");
  const email = blankStep(FlowStepKind.COLLECT, "email");
  const route = blankStep(FlowStepKind.ROUTE, "to-sales");
  const help = blankStep(FlowStepKind.END, "help");
  ask.text = "Hi! What can we help you with?";
  ask.attribute = "topic";
  ask.choices = [
    { key: newKey("c"), label: "Buying", next: email.key },
    { key: newKey("c"), label: "An order", next: help.key },
  ];
  email.text = "Great! What's your e-mail address, in case we get cut off?";
  route.text = "Thanks! Someone from the team will be with you in a moment.";
  help.text =
    "You can track and change orders under My account › Orders. Anything else, just write!";
  return [ask, email, route, help];
}
