//! The audit log screen: entries as the server orders them (newest first) with readable
//! actions, "Load more" with the page token, an empty state, and nothing for non-owners.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  GetMeResponseSchema,
  type ListAuditLogRequest,
  ListAuditLogResponseSchema,
  Role,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { workspaceClient } from "../lib/api";
import { AuditLogScreen } from "./AuditLogScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderScreen(role: Role) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" }, role }));
  render(
    <QueryClientProvider client={qc}>
      <AuditLogScreen />
    </QueryClientProvider>,
  );
}

const entry = (id: string, at: number, action: string, detail = "") => ({
  id,
  createTime: timestampFromMs(at),
  actorUserId: "usr_me",
  actorName: "Olive Owner",
  action,
  targetId: `vis_${id}`,
  detail,
});

test("entries newest first with readable actions, and Load more with the token", async () => {
  const list = vi
    .spyOn(workspaceClient, "listAuditLog")
    .mockImplementation(async (req: Partial<ListAuditLogRequest>) =>
      req.pageToken === "page2"
        ? create(ListAuditLogResponseSchema, {
            entries: [entry("a1", 1_000, "member.role_changed", "role agent → admin")],
          })
        : create(ListAuditLogResponseSchema, {
            entries: [entry("a3", 3_000, "visitor.erased"), entry("a2", 2_000, "visitor.exported")],
            nextPageToken: "page2",
          }),
    );
  renderScreen(Role.OWNER);
  const table = await screen.findByRole("table", { name: "Audit log" });
  const rows = () =>
    within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => r.textContent);
  expect(rows()).toEqual([
    expect.stringContaining("erased a visitor"),
    expect.stringContaining("exported a visitor's data"),
  ]);
  expect(rows()[0]).toContain("Olive Owner");
  expect(rows()[0]).toContain("visitor.erased");
  expect(rows()[0]).toContain("vis_a3");
  expect(list).toHaveBeenCalledWith(
    { pageSize: 50, pageToken: "" },
    expect.objectContaining({ signal: expect.anything() }),
  );

  fireEvent.click(screen.getByRole("button", { name: "Load more" }));
  await waitFor(() => expect(rows()).toHaveLength(3));
  expect(rows()[2]).toContain("changed a role");
  expect(rows()[2]).toContain("role agent → admin");
  expect(list).toHaveBeenLastCalledWith(
    { pageSize: 50, pageToken: "page2" },
    expect.objectContaining({ signal: expect.anything() }),
  );
  // The last page has no token: nothing more to load.
  expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
});

test("an empty log says what will appear there", async () => {
  vi.spyOn(workspaceClient, "listAuditLog").mockResolvedValue(
    create(ListAuditLogResponseSchema, {}),
  );
  renderScreen(Role.OWNER);
  await screen.findByText("Nothing recorded yet");
  expect(screen.queryByRole("table")).toBeNull();
});

test("a refusal is shown, and non-owners are not asked for the log at all", async () => {
  vi.spyOn(workspaceClient, "listAuditLog").mockRejectedValue(
    new ConnectError("owners only", Code.PermissionDenied),
  );
  renderScreen(Role.OWNER);
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("The audit log could not be loaded.");
  expect(alert.textContent).toContain("owners only");
  cleanup();
  vi.restoreAllMocks();

  const list = vi.spyOn(workspaceClient, "listAuditLog");
  renderScreen(Role.ADMIN);
  await screen.findByText("Only owners see the audit log");
  expect(list).not.toHaveBeenCalled();
});
