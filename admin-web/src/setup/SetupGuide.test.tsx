//! The checklist as drawn: ticks from the server's progress, buttons for owners and admins,
//! who does what for agents, hiding it, and asking again when the window gains focus.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  GetMeResponseSchema,
  GetSetupProgressResponseSchema,
  ListWidgetsResponseSchema,
  Role,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { widgetClient, workspaceClient } from "../lib/api";
import { isSetupHidden, setSetupHidden } from "./hidden";
import { SetupGuide } from "./SetupGuide";

vi.mock("../lib/api", () => ({
  workspaceClient: { getSetupProgress: vi.fn() },
  widgetClient: { listWidgets: vi.fn() },
}));

afterEach(() => {
  cleanup();
  setSetupHidden("ws_1", false);
});

function renderGuide(role: Role, init: MessageInitShape<typeof GetSetupProgressResponseSchema>) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, { user: { id: "usr_me" }, workspace: { id: "ws_1" }, role }),
  );
  vi.mocked(workspaceClient.getSetupProgress).mockResolvedValue(
    create(GetSetupProgressResponseSchema, init),
  );
  vi.mocked(widgetClient.listWidgets).mockResolvedValue(
    create(ListWidgetsResponseSchema, {
      widgets: init.widgetCreated ? [{ id: "wgt_1", name: "Shop", publicToken: "tok1" }] : [],
    }),
  );
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <SetupGuide variant="page" />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const step = (id: string) => screen.getByTestId(`setup-step-${id}`);

test("an owner sees the steps ticked as the server says, with a button each", async () => {
  renderGuide(Role.OWNER, { widgetCreated: true, teamInvited: true });
  await screen.findByText("2 of 5 done");
  expect(step("widget").dataset.state).toBe("done");
  expect(step("install").dataset.state).toBe("todo");
  expect(within(step("widget")).getByRole("heading").textContent).toBe("Done: Create your widget");
  // The next step to do stands out; each leads where it is done.
  expect(
    within(step("install"))
      .getByRole("link", { name: /Get the snippet/ })
      .getAttribute("href"),
  ).toBe("/widgets/wgt_1?section=install");
  expect(
    within(step("hours"))
      .getByRole("link", { name: /Set hours/ })
      .getAttribute("href"),
  ).toBe("/widgets/wgt_1?section=hours");
  const test = within(step("chat")).getByRole("link", { name: /Open the test page/ });
  expect(test.getAttribute("target")).toBe("_blank");
});

test("an agent waiting for the widget is told who creates it", async () => {
  renderGuide(Role.AGENT, {});
  await screen.findByText("0 of 5 done");
  expect(
    within(step("chat")).getByText("Waits for the widget an owner or admin creates."),
  ).toBeTruthy();
});

test("an agent is told who does the owners' steps, and can still try a chat", async () => {
  renderGuide(Role.AGENT, { widgetCreated: true });
  await screen.findByText("1 of 5 done");
  expect(within(step("install")).queryByRole("link")).toBeNull();
  expect(within(step("install")).getByText("An owner or admin does this.")).toBeTruthy();
  expect(within(step("chat")).getByRole("link", { name: /Open the test page/ })).toBeTruthy();
  expect(screen.queryByRole("button", { name: /Hide this guide/ })).toBeNull();
});

test("hiding the guide is kept per workspace, and can be undone", async () => {
  renderGuide(Role.ADMIN, {});
  (await screen.findByRole("button", { name: /Hide this guide/ })).click();
  await screen.findByRole("button", { name: "Show in the navigation" });
  expect(isSetupHidden("ws_1")).toBe(true);
  expect(localStorage.getItem("porthole.setupHidden.ws_1")).toBe("1");
  expect(isSetupHidden("ws_2")).toBe(false);
  screen.getByRole("button", { name: "Show in the navigation" }).click();
  await screen.findByRole("button", { name: /Hide this guide/ });
  expect(isSetupHidden("ws_1")).toBe(false);
});

test("it asks again when the window gains focus, and ticks by itself", async () => {
  renderGuide(Role.OWNER, { widgetCreated: true });
  await screen.findByText("1 of 5 done");
  vi.mocked(workspaceClient.getSetupProgress).mockResolvedValue(
    create(GetSetupProgressResponseSchema, {
      widgetCreated: true,
      widgetSeen: true,
      firstSeenOrigin: "https://shop.example",
    }),
  );
  await act(async () => {
    window.dispatchEvent(new Event("focus"));
  });
  await screen.findByText("2 of 5 done");
  expect(step("install").dataset.state).toBe("done");
  expect(screen.getByTestId("setup-proof-install").textContent).toMatch(
    /^Seen on https:\/\/shop\.example at /,
  );
});

test("everything done: all set, and the guide leaves the navigation", async () => {
  renderGuide(Role.OWNER, {
    widgetCreated: true,
    widgetSeen: true,
    teamInvited: true,
    businessHoursSet: true,
    chatTried: true,
  });
  await screen.findByText("You're all set.");
  expect(isSetupHidden("ws_1")).toBe(true);
});
