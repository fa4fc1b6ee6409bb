//! The widget editor's Behaviour section and saving: the quiet period after a resolve is
//! sent with the settings; custom minutes the server would refuse are refused at the field
//! before anything is sent; the server's own refusal of the field is shown there. "Who
//! answers": choosing the AI bot or hybrid shows the bot's persona (saved with the
//! settings, its limits checked as typed, the server's refusals inline) and, when the
//! server has no model, says where conversations go.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  GetBotStatusResponseSchema,
  HandlerType,
  type UpdateWidgetRequest,
  UpdateWidgetResponseSchema,
  WidgetSchema,
  type WidgetSettingsSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { widgetClient } from "../lib/api";
import { WidgetEditorScreen } from "./WidgetEditorScreen";

// The preview (a frame with the real widget) has its own tests; happy-dom loads no frames.
vi.mock("./WidgetPreview", () => ({ WidgetPreview: () => null }));

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The editor on the Behaviour section of a widget stored with `behavior`. */
function renderEditor(behavior: { reopenWithinMinutes?: number } | undefined) {
  return renderWith(behavior ? { behavior } : {}, "behavior");
}

/** The editor on `section` of a widget stored with `settings`; the server has a model or not. */
function renderWith(
  settings: MessageInitShape<typeof WidgetSettingsSchema>,
  section: string,
  configured = true,
) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  const widget = create(WidgetSchema, { id: "wgt_1", name: "Main site", active: true, settings });
  qc.setQueryData(keys.widget(widget.id), widget);
  qc.setQueryData(
    keys.botStatus,
    create(
      GetBotStatusResponseSchema,
      configured ? { configured, model: "gpt-4o-mini", providerHost: "api.openai.com" } : {},
    ),
  );
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[`/widgets/wgt_1?section=${section}`]}>
        <Routes>
          <Route path="/widgets/:widgetId" element={<WidgetEditorScreen />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return widget;
}

const period = () =>
  screen.getByLabelText("Continue a resolved conversation for") as HTMLSelectElement;

/** UpdateWidget answering with the settings it was sent. */
function echoSaves() {
  return vi.spyOn(widgetClient, "updateWidget").mockImplementation(async (req) =>
    create(UpdateWidgetResponseSchema, {
      widget: { id: "wgt_1", name: req.name ?? "", active: true, settings: req.settings },
    }),
  );
}

test("a widget without the setting shows the default, an hour; a preset is saved", async () => {
  const update = echoSaves();
  renderEditor(undefined);
  expect(screen.getByRole("button", { name: "Behaviour" }).getAttribute("aria-current")).toBe(
    "page",
  );
  expect(period().value).toBe("60");
  expect(screen.getByRole("button", { name: "Saved" })).toBeTruthy();

  fireEvent.change(period(), { target: { value: "1440" } });
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  const sent = update.mock.calls[0]?.[0] as UpdateWidgetRequest;
  expect(sent.settings?.behavior?.reopenWithinMinutes).toBe(1_440);
  await screen.findByRole("button", { name: "Saved" });
  expect(period().value).toBe("1440");
});

test("never (0) is a value the editor keeps and sends", async () => {
  const update = echoSaves();
  renderEditor({ reopenWithinMinutes: 0 });
  expect(period().value).toBe("0");
  fireEvent.click(screen.getByRole("switch", { name: /Sound on new messages/ }));
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  expect(update.mock.calls[0]?.[0].settings?.behavior?.reopenWithinMinutes).toBe(0);
});

test("custom minutes beyond 30 days are refused at the field; nothing is sent", async () => {
  const update = echoSaves();
  renderEditor({ reopenWithinMinutes: 60 });
  fireEvent.change(period(), { target: { value: "custom" } });
  fireEvent.change(screen.getByLabelText("Minutes"), { target: { value: "50000" } });
  expect(screen.getByText("Enter whole minutes from 0 to 43,200 (30 days).")).toBeTruthy();
  // The section is marked, and Save goes to the problem instead of the server.
  fireEvent.click(screen.getByRole("button", { name: "Texts" }));
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  expect(screen.getByRole("button", { name: "Behaviour" }).getAttribute("aria-current")).toBe(
    "page",
  );
  expect(update).not.toHaveBeenCalled();

  fireEvent.change(screen.getByLabelText("Minutes"), { target: { value: "43200" } });
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  expect(update.mock.calls[0]?.[0].settings?.behavior?.reopenWithinMinutes).toBe(43_200);
});

test("the server's refusal of the quiet period is shown at the field", async () => {
  vi.spyOn(widgetClient, "updateWidget").mockRejectedValue(
    new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      {
        desc: BadRequestSchema,
        value: create(BadRequestSchema, {
          fieldViolations: [
            {
              field: "settings.behavior.reopen_within_minutes",
              description: "must be from 0 to 43200 minutes (30 days)",
            },
          ],
        }),
      },
    ]),
  );
  renderEditor({ reopenWithinMinutes: 60 });
  // Saved from another section, the editor opens the one with the refused field.
  fireEvent.click(screen.getByRole("button", { name: "Texts" }));
  fireEvent.change(screen.getByLabelText("Welcome title"), { target: { value: "Hello" } });
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await screen.findByText("must be from 0 to 43200 minutes (30 days)");
  expect(period().getAttribute("aria-invalid")).toBe("true");
});

test("choosing the AI bot shows its persona with the defaults; it is saved with the settings", async () => {
  const update = echoSaves();
  renderWith({}, "routing");
  expect(screen.queryByLabelText("Instructions")).toBeNull();
  fireEvent.click(screen.getByRole("radio", { name: /^AI bot/ }));
  const name = screen.getByLabelText("Name") as HTMLInputElement;
  expect(name.value).toBe("Assistant");
  expect((screen.getByLabelText("Answers per conversation") as HTMLInputElement).value).toBe("5");
  expect(screen.getByText(/^Answers with/).textContent).toBe(
    "Answers with gpt-4o-mini on api.openai.com",
  );
  // Porthole's rules are listed: the instructions are added to them.
  expect(screen.getByText("Answer only from your published knowledge-base articles.")).toBeTruthy();
  expect(screen.queryByTestId("no-model")).toBeNull();

  fireEvent.change(name, { target: { value: "Penny" } });
  fireEvent.change(screen.getByLabelText("Instructions"), {
    target: { value: "We are Olive Oils. Be warm." },
  });
  expect(screen.getByText("27 / 4,000")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Answers per conversation"), { target: { value: "8" } });
  fireEvent.change(screen.getByLabelText("Avatar URL"), { target: { value: "/penny.png" } });
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  const sent = update.mock.calls[0]?.[0] as UpdateWidgetRequest;
  expect(sent.settings?.handlerType).toBe(HandlerType.AI_BOT);
  expect(sent.settings?.bot).toMatchObject({
    name: "Penny",
    avatarUrl: "/penny.png",
    instructions: "We are Olive Oils. Be warm.",
    maxTurns: 8,
  });
  await screen.findByRole("button", { name: "Saved" });
});

test("without a model the bot's section says conversations go to the agents", () => {
  renderWith({ handlerType: HandlerType.HYBRID }, "routing", false);
  expect(screen.getByRole("radio", { name: /Hybrid/ })).toHaveProperty("checked", true);
  expect(screen.getByTestId("no-model").textContent).toContain(
    "No AI model is configured: conversations go to your agents until you use your own model or the operator sets PORTHOLE_LLM_BASE_URL",
  );
  expect(screen.getByTestId("no-model").textContent).toContain("“The AI bot”");
  // Choosing agents hides the bot's section and its warning.
  fireEvent.click(screen.getByRole("radio", { name: /Agents/ }));
  expect(screen.queryByTestId("no-model")).toBeNull();
  expect(screen.queryByLabelText("Instructions")).toBeNull();
});

test("a persona over its limits is refused as typed; nothing is sent", async () => {
  const update = echoSaves();
  renderWith({ handlerType: HandlerType.AI_BOT }, "routing");
  fireEvent.change(screen.getByLabelText("Instructions"), {
    target: { value: "x".repeat(4_001) },
  });
  expect(screen.getByText("At most 4,000 characters: remove 1.")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Answers per conversation"), { target: { value: "0" } });
  expect(screen.getByText("Enter a whole number from 1 to 50.")).toBeTruthy();
  // Saved from another section, the editor goes back to the problem instead of the server.
  fireEvent.click(screen.getByRole("button", { name: "Texts" }));
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  expect(screen.getByRole("button", { name: "Who answers" }).getAttribute("aria-current")).toBe(
    "page",
  );
  expect(update).not.toHaveBeenCalled();
  fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "Be brief." } });
  fireEvent.change(screen.getByLabelText("Answers per conversation"), { target: { value: "50" } });
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
  expect(update.mock.calls[0]?.[0].settings?.bot?.maxTurns).toBe(50);
});

test("the server's refusal of a persona field is shown at the field", async () => {
  vi.spyOn(widgetClient, "updateWidget").mockRejectedValue(
    new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      {
        desc: BadRequestSchema,
        value: create(BadRequestSchema, {
          fieldViolations: [
            { field: "settings.bot.avatar_url", description: "must be an http(s) URL or a path" },
          ],
        }),
      },
    ]),
  );
  renderWith({ handlerType: HandlerType.AI_BOT }, "routing");
  fireEvent.change(screen.getByLabelText("Avatar URL"), { target: { value: "ftp://x" } });
  fireEvent.click(screen.getByRole("button", { name: "Appearance" }));
  fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await screen.findByText("must be an http(s) URL or a path");
  expect(screen.getByLabelText("Avatar URL").getAttribute("aria-invalid")).toBe("true");
});
