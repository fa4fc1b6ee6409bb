//! Settings' workspace card: the time zone reports count days in, shown as stored, chosen
//! from the browser's zones, saved with UpdateWorkspace only when changed, a refusal shown
//! at the field; agents do not see the card.

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  GetMeResponseSchema,
  ListCannedResponsesResponseSchema,
  Role,
  RoutingMode,
  UpdateWorkspaceResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { workspaceClient } from "../lib/api";
import { SettingsScreen } from "./SettingsScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const workspace = {
  id: "ws_1",
  name: "Shop Co",
  routingMode: RoutingMode.LEAST_LOADED,
  unassignOnOffline: false,
  timeZone: "Europe/Berlin",
};

function renderScreen(role: Role) {
  const qc = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } },
  });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, {
      user: { id: "usr_1", displayName: "Olivia", email: "o@example.com" },
      role,
      workspace,
    }),
  );
  qc.setQueryData(keys.canned, create(ListCannedResponsesResponseSchema, {}));
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/settings#time-zone"]}>
        <SettingsScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return qc;
}

test("the time zone: the stored one shown, a change saved alone, the refusal at the field", async () => {
  const qc = renderScreen(Role.ADMIN);
  const select = screen.getByLabelText("Time zone for reports") as HTMLSelectElement;
  expect(select.value).toBe("Europe/Berlin");
  // Linked to from the reports: focused on arrival.
  expect(document.activeElement).toBe(select);
  const options = within(select).getAllByRole("option") as HTMLOptionElement[];
  expect(options[0]?.value).toBe("UTC");
  expect(options.map((o) => o.value)).toContain("America/New_York");
  expect(options.length).toBeGreaterThan(300);
  expect(options.find((o) => o.value === "Asia/Tokyo")?.textContent).toBe("Asia/Tokyo (UTC+9)");

  const update = vi
    .spyOn(workspaceClient, "updateWorkspace")
    .mockRejectedValueOnce(
      new ConnectError("invalid request", Code.InvalidArgument, undefined, [
        {
          desc: BadRequestSchema,
          value: create(BadRequestSchema, {
            fieldViolations: [{ field: "time_zone", description: "unknown time zone" }],
          }),
        },
      ]),
    )
    .mockResolvedValueOnce(
      create(UpdateWorkspaceResponseSchema, {
        workspace: { ...workspace, timeZone: "America/New_York" },
      }),
    );
  const save = screen.getByRole("button", { name: "Save workspace" }) as HTMLButtonElement;
  expect(save.disabled).toBe(true);
  fireEvent.change(select, { target: { value: "America/New_York" } });
  fireEvent.click(save);
  expect(await screen.findByText("unknown time zone")).toBeTruthy();
  expect(select.getAttribute("aria-invalid")).toBe("true");
  expect(update).toHaveBeenLastCalledWith({
    name: "Shop Co",
    routingMode: RoutingMode.LEAST_LOADED,
    unassignOnOffline: false,
    timeZone: "America/New_York",
  });
  fireEvent.click(save);
  await waitFor(() =>
    expect(
      qc.getQueryData<{ workspace?: { timeZone: string } }>(keys.me)?.workspace?.timeZone,
    ).toBe("America/New_York"),
  );

  // Another change of the card leaves the time zone out.
  update.mockResolvedValueOnce(
    create(UpdateWorkspaceResponseSchema, { workspace: { ...workspace, name: "Shop" } }),
  );
  cleanup();
  renderScreen(Role.OWNER);
  fireEvent.change(screen.getByLabelText("Workspace name"), { target: { value: "Shop" } });
  fireEvent.click(screen.getByRole("button", { name: "Save workspace" }));
  await waitFor(() => expect(update).toHaveBeenCalledTimes(3));
  expect(update.mock.calls[2]?.[0]).not.toHaveProperty("timeZone");
});

test("agents do not see the workspace card", () => {
  renderScreen(Role.AGENT);
  expect(screen.queryByLabelText("Time zone for reports")).toBeNull();
});
