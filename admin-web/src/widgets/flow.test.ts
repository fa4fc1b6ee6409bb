//! Guided flows without React: a stored flow comes back from the editor as it was; only
//! what a kind uses is sent; references follow steps (retyping an id keeps them, removing a
//! step sends them to the next one); the opening a visitor sees; the editor's refusals and
//! the server's violations on the steps they name.

import { create } from "@bufbuild/protobuf";
import { FlowField, FlowStepKind, GuidedFlowSchema } from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  blankStep,
  draftFlow,
  errorAt,
  exampleFlow,
  flowErrors,
  flowOf,
  flowOpening,
  flowProblems,
  moveStep,
  newCase,
  newStepId,
  otherErrors,
  removeStep,
} from "./flow";

/** The flow the e2e test builds: ask, collect an e-mail, route to Sales; or end. */
const stored = create(GuidedFlowSchema, {
  steps: [
    { id: "welcome", kind: FlowStepKind.MESSAGE, text: "Hi there!" },
    {
      id: "ask",
      kind: FlowStepKind.QUESTION,
      text: "What can we help with?",
      choices: [
        { label: "Sales", next: "email" },
        { label: "Support", next: "bye" },
      ],
      attribute: "topic",
    },
    {
      id: "email",
      kind: FlowStepKind.COLLECT,
      text: "Your e-mail?",
      field: FlowField.EMAIL,
      attribute: "email",
      invalidText: "Try again",
    },
    { id: "route", kind: FlowStepKind.ROUTE, text: "Connecting you…", teamId: "tem_sales" },
    {
      id: "plan",
      kind: FlowStepKind.BRANCH,
      attribute: "plan",
      cases: [{ equals: "pro", next: "route" }],
      next: "bye",
    },
    { id: "mark", kind: FlowStepKind.SET_ATTRIBUTES, attributes: { lead: "yes", source: "chat" } },
    { id: "bye", kind: FlowStepKind.END, text: "Thanks, bye" },
  ],
});

describe("the flow the editor sends", () => {
  test("a stored flow comes back as it was", () => {
    expect(flowOf(draftFlow(stored))).toEqual(stored);
  });

  test("no steps: no flow", () => {
    expect(flowOf([])).toBeUndefined();
    expect(draftFlow(undefined)).toEqual([]);
  });

  test("only the fields a kind uses are sent, so switching kinds leaves nothing behind", () => {
    const steps = draftFlow(stored);
    const ask = steps[1];
    if (!ask) throw new Error("no step");
    // A question turned into a message keeps its answers in the editor, but sends none.
    const asMessage = steps.map((s) => (s === ask ? { ...s, kind: FlowStepKind.MESSAGE } : s));
    const sent = flowOf(asMessage)?.steps[1];
    expect(sent).toMatchObject({ kind: FlowStepKind.MESSAGE, text: "What can we help with?" });
    expect(sent?.choices).toEqual([]);
    expect(sent?.attribute).toBe("");
    // An end step goes nowhere.
    const end = flowOf([{ ...blankStep(FlowStepKind.END, "end"), next: "x", text: "Bye" }]);
    expect(end?.steps[0]).toMatchObject({ next: "", text: "Bye" });
  });

  test("retyping a step's id keeps everything that points at it", () => {
    const steps = draftFlow(stored);
    const renamed = steps.map((s) => (s.id === "email" ? { ...s, id: "e" } : s));
    const sent = flowOf(renamed);
    expect(sent?.steps[1]?.choices[0]?.next).toBe("e");
    expect(sent?.steps[2]?.id).toBe("e");
  });

  test("removing a step sends what pointed at it to the next one", () => {
    const steps = draftFlow(stored);
    const bye = steps.find((s) => s.id === "bye");
    const sent = flowOf(removeStep(steps, bye?.key ?? ""));
    expect(sent?.steps.map((s) => s.id)).toEqual([
      "welcome",
      "ask",
      "email",
      "route",
      "plan",
      "mark",
    ]);
    expect(sent?.steps[1]?.choices.map((c) => c.next)).toEqual(["email", ""]);
    expect(sent?.steps[4]?.next).toBe("");
  });

  test("moving a step; nothing moves past either end", () => {
    const steps = draftFlow(stored);
    expect(
      moveStep(steps, 1, -1)
        .map((s) => s.id)
        .slice(0, 2),
    ).toEqual(["ask", "welcome"]);
    expect(moveStep(steps, 0, -1)).toBe(steps);
    expect(moveStep(steps, steps.length - 1, 1)).toBe(steps);
  });

  test("a stored reference to no step is kept and sent as it was", () => {
    const broken = create(GuidedFlowSchema, {
      steps: [{ id: "a", kind: FlowStepKind.MESSAGE, text: "x", next: "gone" }],
    });
    const steps = draftFlow(broken);
    expect(steps[0]?.next).toBe("missing:gone");
    expect(flowOf(steps)?.steps[0]?.next).toBe("gone");
  });

  test("new steps get a word for their kind, numbered when taken", () => {
    expect(newStepId(FlowStepKind.QUESTION, [])).toBe("ask");
    expect(newStepId(FlowStepKind.QUESTION, [{ id: "ask" }, { id: "ask-2" }])).toBe("ask-3");
    const collect = blankStep(FlowStepKind.COLLECT, "collect");
    expect(collect).toMatchObject({ field: FlowField.EMAIL, attribute: "email" });
    expect(blankStep(FlowStepKind.QUESTION, "ask").choices).toHaveLength(2);
  });
});

describe("the opening", () => {
  test("messages up to the first question, with its answers as buttons", () => {
    expect(flowOpening(draftFlow(stored))).toEqual([
      { text: "Hi there!", quickReplies: [] },
      { text: "What can we help with?", quickReplies: ["Sales", "Support"] },
    ]);
  });

  test("a message's next is followed; a branch or a loop stops it", () => {
    const steps = draftFlow(
      create(GuidedFlowSchema, {
        steps: [
          { id: "a", kind: FlowStepKind.MESSAGE, text: "One", next: "c" },
          { id: "b", kind: FlowStepKind.MESSAGE, text: "Skipped" },
          { id: "c", kind: FlowStepKind.MESSAGE, text: "Two", next: "a" },
        ],
      }),
    );
    expect(flowOpening(steps).map((p) => p.text)).toEqual(["One", "Two"]);
    const branch = draftFlow(
      create(GuidedFlowSchema, {
        steps: [
          { id: "a", kind: FlowStepKind.MESSAGE, text: "One" },
          { id: "b", kind: FlowStepKind.BRANCH, attribute: "plan" },
          { id: "c", kind: FlowStepKind.MESSAGE, text: "Never" },
        ],
      }),
    );
    expect(flowOpening(branch).map((p) => p.text)).toEqual(["One"]);
  });

  test("a route or end says its text when it has one", () => {
    const steps = [
      { ...blankStep(FlowStepKind.END, "end"), text: "" },
      blankStep(FlowStepKind.MESSAGE, "x"),
    ];
    expect(flowOpening(steps)).toEqual([]);
    expect(flowOpening([{ ...blankStep(FlowStepKind.ROUTE, "r"), text: "To the team" }])).toEqual([
      { text: "To the team", quickReplies: [] },
    ]);
  });

  test("the example flow opens with its question", () => {
    const opening = flowOpening(exampleFlow());
    expect(opening).toHaveLength(1);
    expect(opening[0]?.quickReplies).toEqual(["Buying", "An order"]);
    expect(flowProblems(exampleFlow(), true)).toEqual({});
  });
});

describe("refusals", () => {
  test("a guided flow needs a step; ids well formed and unique", () => {
    expect(flowProblems([], true)).toHaveProperty(["settings.flow.steps"]);
    expect(flowProblems([], false)).toEqual({});
    const steps = [
      blankStep(FlowStepKind.MESSAGE, "hello"),
      blankStep(FlowStepKind.MESSAGE, "Hello There"),
      blankStep(FlowStepKind.MESSAGE, "hello"),
    ];
    expect(flowProblems(steps, true)).toEqual({
      "settings.flow.steps[1].id": "Use 1 to 40 of a-z, 0-9, _ and -.",
      "settings.flow.steps[2].id": "Another step has this id.",
    });
    // A branch's case must name its step (the server refuses an empty one).
    const branch = blankStep(FlowStepKind.BRANCH, "plan");
    expect(flowProblems([branch], true)).toEqual({
      "settings.flow.steps[0].cases[0].next": "Choose the step this case goes to.",
    });
    branch.cases = [{ ...newCase(), next: branch.key }];
    expect(flowProblems([branch], true)).toEqual({});
  });

  test("the server's violations land on the steps they name, whatever moved since", () => {
    const sent = draftFlow(stored);
    const errors = flowErrors(
      {
        "settings.flow.steps": "at most 50 steps",
        "settings.flow.steps[1].choices[1].next": "must be the id of a step of this flow",
        "settings.flow.steps[2].field": "choose what to collect",
        "settings.flow.steps[5].attributes[bad key]": "must be an attribute key",
        "settings.flow.steps[3].kind": "choose what the step does",
        "settings.team_id": "not ours",
      },
      sent,
    );
    expect(errors.flow).toBe("at most 50 steps");
    const [, ask, email, route, , mark] = sent;
    expect(errors.steps[ask?.key ?? ""]).toEqual({
      "choices[1].next": "must be the id of a step of this flow",
    });
    expect(errorAt(errors.steps[email?.key ?? ""], "field")).toBe("choose what to collect");
    expect(errorAt(errors.steps[mark?.key ?? ""], "attributes")).toBe(
      "“bad key”: must be an attribute key",
    );
    expect(errorAt(errors.steps[ask?.key ?? ""], "choices")).toBe(
      "must be the id of a step of this flow",
    );
    // A violation no field of the kind shows is listed with the step.
    expect(otherErrors(errors.steps[route?.key ?? ""], ["id", "text", "team_id"])).toBe(
      "choose what the step does",
    );
    // Moving steps afterwards keeps each message on its step: they are keyed, not indexed.
    expect(Object.keys(errors.steps)).toHaveLength(4);
  });
});
