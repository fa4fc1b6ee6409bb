//! The widget editor's Behaviour section and saving: the quiet period after a resolve is
//! sent with the settings; custom minutes the server would refuse are refused at the field
//! before anything is sent; the server's own refusal of the field is shown there.

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  type UpdateWidgetRequest,
  UpdateWidgetResponseSchema,
  WidgetSchema,
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
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  const widget = create(WidgetSchema, {
    id: "wgt_1",
    name: "Main site",
    active: true,
    settings: behavior ? { behavior } : {},
  });
  qc.setQueryData(keys.widget(widget.id), widget);
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/widgets/wgt_1?section=behavior"]}>
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
