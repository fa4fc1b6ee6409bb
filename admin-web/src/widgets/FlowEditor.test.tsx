//! The guided flow in the widget editor: choosing "Guided flow" shows the flow's editor;
//! steps are added by kind with the fields that kind uses, answers go to chosen steps,
//! steps move and are removed; the opening is previewed as a visitor sees it; the flow is
//! saved with the settings; a flow without steps or with a repeated id is refused as typed;
//! the server's violations (`settings.flow.steps[2].next`) show at the step they name.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  FlowField,
  FlowStepKind,
  GetBotStatusResponseSchema,
  HandlerType,
  ListTeamsResponseSchema,
  type UpdateWidgetRequest,
  UpdateWidgetResponseSchema,
  WidgetSchema,
  type WidgetSettingsSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { widgetClient } from "../lib/api";
import { WidgetEditorScreen } from "./WidgetEditorScreen";

vi.mock("./WidgetPreview", () => ({ WidgetPreview: () => null }));

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderWith(settings: MessageInitShape<typeof WidgetSettingsSchema>) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  const widget = create(WidgetSchema, { id: "wgt_1", name: "Shop", active: true, settings });
  qc.setQueryData(keys.widget(widget.id), widget);
  qc.setQueryData(keys.botStatus, create(GetBotStatusResponseSchema, {}));
  qc.setQueryData(
    keys.teams,
    create(ListTeamsResponseSchema, { teams: [{ id: "tem_sales", name: "Sales" }] }),
  );
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/widgets/wgt_1?section=routing"]}>
        <Routes>
          <Route path="/widgets/:widgetId" element={<WidgetEditorScreen />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

function echoSaves() {
  return vi.spyOn(widgetClient, "updateWidget").mockImplementation(async (req) =>
    create(UpdateWidgetResponseSchema, {
      widget: { id: "wgt_1", name: req.name ?? "", active: true, settings: req.settings },
    }),
  );
}

const stepsList = () => within(screen.getByRole("list", { name: "Flow steps" }));
const step = (n: number) => within(stepsList().getByRole("listitem", { name: `Step ${n}` }));

async function addStep(kind: string) {
  const trigger = screen.getByRole("button", { name: "Add step" });
  // Radix opens its menu on pointer down.
  fireEvent.pointerDown(trigger, { button: 0, pointerType: "mouse" });
  fireEvent.click(await screen.findByRole("menuitem", { name: new RegExp(`^${kind}`) }));
}

test("choosing Guided flow shows the flow's editor; a flow without steps is refused", async () => {
  const update = echoSaves();
  renderWith({});
  expect(screen.queryByRole("heading", { name: "Guided flow" })).toBeNull();
  fireEvent.click(screen.getByRole("radio", { name: /^Guided flow/ }));
  expect(screen.getByRole("heading", { name: "Guided flow" })).toBeTruthy();
  expect(screen.getByText("No steps yet")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  expect(
    screen.getByText("A guided flow needs at least one step: add one, or choose who else answers."),
  ).toBeTruthy();
  expect(update).not.toHaveBeenCalled();

  // The example fills it; the preview shows its opening.
  fireEvent.click(screen.getByRole("button", { name: "Start from an example" }));
  const preview = within(screen.getByRole("figure", { name: "What visitors see first" }));
  expect(preview.getByText("Hi! What can we help you with?")).toBeTruthy();
  expect(preview.getByRole("list", { name: "Answers offered" }).textContent).toBe("BuyingAn order");
  expect(preview.getByText("Assistant · Automated")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  const sent = update.mock.calls[0]?.[0] as UpdateWidgetRequest;
  expect(sent.settings?.handlerType).toBe(HandlerType.WORKFLOW);
  expect(sent.settings?.flow?.steps.map((s) => s.id)).toEqual(["ask", "email", "to-sales", "help"]);
  expect(sent.settings?.flow?.steps[0]?.choices.map((c) => c.next)).toEqual(["email", "help"]);
  await screen.findByRole("button", { name: "Saved" });
});

test("building a flow step by step: kinds, answers going to steps, moving and removing", async () => {
  const update = echoSaves();
  renderWith({ handlerType: HandlerType.WORKFLOW });

  await addStep("Question");
  fireEvent.change(step(1).getByLabelText("Question"), {
    target: { value: "What can we help with?" },
  });
  fireEvent.change(step(1).getByLabelText("Answer 1"), { target: { value: "Sales" } });
  fireEvent.change(step(1).getByLabelText("Answer 2"), { target: { value: "Support" } });
  expect((step(1).getByLabelText("Step 1 id") as HTMLInputElement).value).toBe("ask");
  // Other answers ask again unless another step is chosen.
  expect(
    (step(1).getByLabelText("Other answers") as HTMLSelectElement).selectedOptions[0]?.textContent,
  ).toBe("Ask the question again");

  await addStep("Collect");
  expect((step(2).getByLabelText("Accepts") as HTMLSelectElement).value).toBe(
    String(FlowField.EMAIL),
  );
  expect((step(2).getByLabelText("Save as attribute") as HTMLInputElement).value).toBe("email");
  fireEvent.change(step(2).getByLabelText("What to ask"), {
    target: { value: "What's your e-mail?" },
  });
  fireEvent.change(step(2).getByLabelText("Step 2 id"), { target: { value: "email" } });

  await addStep("Route to team");
  fireEvent.change(step(3).getByLabelText("Hand to"), { target: { value: "tem_sales" } });
  expect(step(3).queryByLabelText(/^Then go to/)).toBeNull();

  await addStep("End");
  fireEvent.change(step(4).getByLabelText("Message (optional)"), {
    target: { value: "Thanks, bye" },
  });
  fireEvent.change(step(4).getByLabelText("Step 4 id"), { target: { value: "bye" } });

  // The answers go to chosen steps; the choice lists every other step.
  const sales = step(1).getByLabelText("Answer 1 goes to") as HTMLSelectElement;
  expect([...sales.options].map((o) => o.textContent)).toEqual([
    "The next one (2. email)",
    "2. email · Collect",
    "3. route · Route to team",
    "4. bye · End",
  ]);
  const byText = (select: HTMLSelectElement, text: string) =>
    [...select.options].find((o) => o.textContent === text)?.value ?? "";
  fireEvent.change(sales, { target: { value: byText(sales, "2. email · Collect") } });
  const support = step(1).getByLabelText("Answer 2 goes to") as HTMLSelectElement;
  fireEvent.change(support, { target: { value: byText(support, "4. bye · End") } });

  // Retyping an id keeps what points at it.
  fireEvent.change(step(4).getByLabelText("Step 4 id"), { target: { value: "goodbye" } });
  expect(
    (step(1).getByLabelText("Answer 2 goes to") as HTMLSelectElement).selectedOptions[0]
      ?.textContent,
  ).toBe("4. goodbye · End");

  // Moving: a message put first, then removed again.
  await addStep("Message");
  fireEvent.change(step(5).getByLabelText("Message"), { target: { value: "Hello!" } });
  for (const n of [5, 4, 3, 2])
    fireEvent.click(step(n).getByRole("button", { name: `Move Step ${n} up` }));
  expect((step(1).getByLabelText("Step 1 id") as HTMLInputElement).value).toBe("say");
  const preview = within(screen.getByRole("figure", { name: "What visitors see first" }));
  expect(preview.getByText("Hello!")).toBeTruthy();
  expect(preview.getByText("What can we help with?")).toBeTruthy();
  fireEvent.click(step(1).getByRole("button", { name: "Remove Step 1" }));

  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  const flow = (update.mock.calls[0]?.[0] as UpdateWidgetRequest | undefined)?.settings?.flow;
  expect(flow?.steps.map((s) => [s.id, s.kind])).toEqual([
    ["ask", FlowStepKind.QUESTION],
    ["email", FlowStepKind.COLLECT],
    ["route", FlowStepKind.ROUTE],
    ["goodbye", FlowStepKind.END],
  ]);
  expect(flow?.steps[0]?.choices.map((c) => [c.label, c.next])).toEqual([
    ["Sales", "email"],
    ["Support", "goodbye"],
  ]);
  expect(flow?.steps[1]).toMatchObject({ field: FlowField.EMAIL, attribute: "email", next: "" });
  expect(flow?.steps[2]).toMatchObject({ teamId: "tem_sales" });
  expect(flow?.steps[3]).toMatchObject({ text: "Thanks, bye" });
});

test("a repeated id is refused at its step; the server's violations show at theirs", async () => {
  const update = vi.spyOn(widgetClient, "updateWidget").mockRejectedValue(
    new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      {
        desc: BadRequestSchema,
        value: create(BadRequestSchema, {
          fieldViolations: [
            {
              field: "settings.flow.steps[1].next",
              description: "must be the id of a step of this flow, or empty for the next one",
            },
            {
              field: "settings.flow.steps[0].choices[0].label",
              description: "must be 1 to 60 characters",
            },
          ],
        }),
      },
    ]),
  );
  renderWith({
    handlerType: HandlerType.WORKFLOW,
    flow: {
      steps: [
        {
          id: "ask",
          kind: FlowStepKind.QUESTION,
          text: "Which?",
          choices: [{ label: "A" }],
        },
        { id: "hello", kind: FlowStepKind.MESSAGE, text: "Hi", next: "gone" },
      ],
    },
  });
  // A stored reference to no step says so.
  expect(
    (step(2).getByLabelText("Then go to") as HTMLSelectElement).selectedOptions[0]?.textContent,
  ).toBe("(missing step “gone”)");
  fireEvent.change(step(2).getByLabelText("Step 2 id"), { target: { value: "ask" } });
  expect(step(2).getByText("Id: Another step has this id.")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Appearance" }));
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  // The editor goes back to the problem instead of the server.
  expect(screen.getByRole("button", { name: "Who answers" }).getAttribute("aria-current")).toBe(
    "page",
  );
  expect(update).not.toHaveBeenCalled();

  fireEvent.change(step(2).getByLabelText("Step 2 id"), { target: { value: "hi" } });
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await step(2).findByText("must be the id of a step of this flow, or empty for the next one");
  expect(step(2).getByLabelText("Then go to").getAttribute("aria-invalid")).toBe("true");
  expect(step(1).getByText("must be 1 to 60 characters")).toBeTruthy();
  // Moved afterwards, each message stays with its step.
  fireEvent.click(step(2).getByRole("button", { name: "Move Step 2 up" }));
  expect(
    step(1).getByText("must be the id of a step of this flow, or empty for the next one"),
  ).toBeTruthy();
});
