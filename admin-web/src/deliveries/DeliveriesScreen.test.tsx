//! The e-mail deliveries screen: jobs as the server orders them (newest first) with state,
//! attempts, countdown and error (the whole on demand), "Load more" with the page token,
//! "Refresh", the notice of a server without e-mail, an empty state, and nothing for
//! non-owners.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  GetMeResponseSchema,
  JobState,
  type ListJobsRequest,
  ListJobsResponseSchema,
  Role,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { workspaceClient } from "../lib/api";
import { DeliveriesScreen } from "./DeliveriesScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderScreen(role: Role) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" }, role }));
  render(
    <QueryClientProvider client={qc}>
      <DeliveriesScreen />
    </QueryClientProvider>,
  );
}

const longError = `permanent error (550): ${"the recipient's mailbox is unavailable ".repeat(6)}`;

const job = (id: string, state: JobState, summary: string, extra: object = {}) => ({
  id,
  kind: "email",
  summary,
  state,
  attempts: 1,
  maxAttempts: 8,
  createTime: timestampFromMs(Date.now() - 60_000),
  updateTime: timestampFromMs(Date.now() - 30_000),
  ...extra,
});

const rowsOf = (table: HTMLElement) => within(table).getAllByRole("row").slice(1);

test("jobs newest first with state, attempts, countdown and error, and Load more", async () => {
  const list = vi
    .spyOn(workspaceClient, "listJobs")
    .mockImplementation(async (req: Partial<ListJobsRequest>) =>
      req.pageToken === "page2"
        ? create(ListJobsResponseSchema, {
            jobs: [job("j1", JobState.DONE, "Invitation to ann@example.com")],
            emailEnabled: true,
          })
        : create(ListJobsResponseSchema, {
            jobs: [
              job("j3", JobState.QUEUED, "Invitation to cy@example.com", {
                attempts: 2,
                lastError: "connection refused",
                nextAttemptTime: timestampFromMs(Date.now() + 19_500),
              }),
              job("j2", JobState.FAILED, "Invitation to bo@example.com", {
                attempts: 1,
                lastError: longError,
              }),
            ],
            nextPageToken: "page2",
            emailEnabled: true,
          }),
    );
  renderScreen(Role.OWNER);
  const table = await screen.findByRole("table", { name: "E-mail deliveries" });
  const [queued, failed] = rowsOf(table);
  expect(queued?.textContent).toContain("Invitation to cy@example.com");
  expect(queued?.textContent).toContain("E-mail");
  expect(queued?.textContent).toContain("Queued");
  expect(queued?.textContent).toContain("2 of 8");
  expect(queued?.textContent).toMatch(/next attempt in (19|20)s/);
  expect(queued?.textContent).toContain("Last attempt failed: connection refused");
  expect(within(queued as HTMLElement).queryByRole("button")).toBeNull();
  expect(failed?.textContent).toContain("Failed");
  expect(failed?.textContent).toContain("Gave up:");
  expect(failed?.textContent).not.toContain(longError.trim());
  expect(screen.queryByRole("note")).toBeNull();
  expect(list).toHaveBeenCalledWith(
    { pageSize: 50, pageToken: "" },
    expect.objectContaining({ signal: expect.anything() }),
  );

  // A long error is cut, and shown whole on demand.
  const showAll = within(failed as HTMLElement).getByRole("button", { name: "Show all" });
  expect(showAll.getAttribute("aria-expanded")).toBe("false");
  fireEvent.click(showAll);
  expect(failed?.textContent).toContain(longError);
  fireEvent.click(within(failed as HTMLElement).getByRole("button", { name: "Show less" }));
  expect(failed?.textContent).not.toContain(longError.trim());

  fireEvent.click(screen.getByRole("button", { name: "Load more" }));
  await waitFor(() => expect(rowsOf(table)).toHaveLength(3));
  expect(rowsOf(table)[2]?.textContent).toContain("Done");
  expect(rowsOf(table)[2]?.textContent).not.toContain("attempt in");
  expect(list).toHaveBeenLastCalledWith(
    { pageSize: 50, pageToken: "page2" },
    expect.objectContaining({ signal: expect.anything() }),
  );
  expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
});

test("Refresh reads the list again", async () => {
  const list = vi
    .spyOn(workspaceClient, "listJobs")
    .mockResolvedValueOnce(
      create(ListJobsResponseSchema, {
        jobs: [job("j1", JobState.RUNNING, "Invitation to ann@example.com")],
        emailEnabled: true,
      }),
    )
    .mockResolvedValue(
      create(ListJobsResponseSchema, {
        jobs: [job("j1", JobState.DONE, "Invitation to ann@example.com")],
        emailEnabled: true,
      }),
    );
  renderScreen(Role.OWNER);
  const table = await screen.findByRole("table", { name: "E-mail deliveries" });
  expect(rowsOf(table)[0]?.textContent).toContain("Running");
  fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
  await waitFor(() => expect(rowsOf(table)[0]?.textContent).toContain("Done"));
  expect(list).toHaveBeenCalledTimes(2);
});

test("a server without e-mail says so instead of an empty list, and above a list", async () => {
  vi.spyOn(workspaceClient, "listJobs").mockResolvedValue(
    create(ListJobsResponseSchema, { emailEnabled: false }),
  );
  renderScreen(Role.OWNER);
  const note = await screen.findByRole("note");
  expect(note.textContent).toContain("This server does not send e-mail.");
  expect(note.textContent).toContain("PORTHOLE_SMTP_URL");
  expect(screen.queryByText("Nothing sent yet")).toBeNull();
  expect(screen.queryByRole("table")).toBeNull();
  cleanup();
  vi.restoreAllMocks();

  // Jobs written while it had e-mail stay listed (and say why they fail now).
  vi.spyOn(workspaceClient, "listJobs").mockResolvedValue(
    create(ListJobsResponseSchema, {
      jobs: [
        job("j1", JobState.QUEUED, "Invitation to ann@example.com", {
          lastError: "e-mail is not configured on this server (PORTHOLE_SMTP_URL)",
          nextAttemptTime: timestampFromMs(Date.now() + 60_000),
        }),
      ],
      emailEnabled: false,
    }),
  );
  renderScreen(Role.OWNER);
  await screen.findByRole("note");
  const table = await screen.findByRole("table", { name: "E-mail deliveries" });
  expect(rowsOf(table)[0]?.textContent).toContain("Last attempt failed: e-mail is not configured");
});

test("an empty list of a server with e-mail says what will appear there", async () => {
  vi.spyOn(workspaceClient, "listJobs").mockResolvedValue(
    create(ListJobsResponseSchema, { emailEnabled: true }),
  );
  renderScreen(Role.OWNER);
  await screen.findByText("Nothing sent yet");
  expect(screen.getByText(/Invitations you send from the Team screen/)).toBeTruthy();
  expect(screen.queryByRole("note")).toBeNull();
});

test("a refusal is shown, and non-owners are not asked for the list at all", async () => {
  vi.spyOn(workspaceClient, "listJobs").mockRejectedValue(
    new ConnectError("owners only", Code.PermissionDenied),
  );
  renderScreen(Role.OWNER);
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("E-mail deliveries could not be loaded.");
  expect(alert.textContent).toContain("owners only");
  cleanup();
  vi.restoreAllMocks();

  const list = vi.spyOn(workspaceClient, "listJobs");
  renderScreen(Role.ADMIN);
  await screen.findByText("Only owners see e-mail deliveries");
  expect(list).not.toHaveBeenCalled();
  expect(screen.queryByRole("button", { name: "Refresh" })).toBeNull();
});
