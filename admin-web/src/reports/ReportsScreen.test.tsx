//! The Reports screen against a fake ReportService: the request for the period and filter,
//! summary cards with their changes, tables and chart tables, the time zone line, ranges
//! over 366 days refused as typed, CSV files, the conversation export with its progress
//! and its errors, and agents told reports are not theirs.

import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  ConversationFiguresSchema,
  ExportConversationsResponseSchema,
  GetMeResponseSchema,
  type GetReportRequest,
  GetReportResponseSchema,
  ListMembersResponseSchema,
  ListTeamsResponseSchema,
  ListWidgetsResponseSchema,
  ReportInterval,
  Role,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { reportClient } from "../lib/api";
import { downloadText } from "../lib/download";
import { todayIn } from "./dates";
import { ReportsScreen } from "./ReportsScreen";

vi.mock("../lib/download", () => ({ downloadText: vi.fn() }));

beforeEach(() => vi.mocked(downloadText).mockClear());
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const TZ = "Europe/Berlin";
const minutes = (n: number) => durationFromMs(n * 60_000);

function report() {
  const start = Date.parse("2025-05-31T22:00:00Z");
  return create(GetReportResponseSchema, {
    timeZone: TZ,
    startTime: timestampFromMs(start),
    endTime: timestampFromMs(start + 86_400_000),
    interval: ReportInterval.HOUR,
    current: {
      started: 4n,
      open: 1n,
      resolved: 3n,
      missed: 1n,
      firstResponse: { count: 2n, median: minutes(1), p90: minutes(3), mean: minutes(2) },
      resolution: { count: 3n, median: minutes(30), p90: minutes(125), mean: minutes(50) },
      satisfaction: {
        rated: 2n,
        average: 3.5,
        distribution: [0n, 1n, 0n, 0n, 1n],
        responseRate: 2 / 3,
      },
      bot: { answered: 0n, resolved: 0n, handedOff: 0n },
    },
    previous: {
      started: 2n,
      resolved: 3n,
      missed: 2n,
      firstResponse: { count: 1n, median: minutes(2), p90: minutes(2), mean: minutes(2) },
      satisfaction: { rated: 0n, distribution: [0n, 0n, 0n, 0n, 0n] },
    },
    volume: Array.from({ length: 24 }, (_, h) => ({
      startTime: timestampFromMs(start + h * 3_600_000),
      started: h === 9 ? 3n : h === 14 ? 1n : 0n,
      resolved: h === 10 ? 3n : 0n,
      missed: h === 10 ? 1n : 0n,
    })),
    busiestHours: Array.from({ length: 168 }, (_, i) => ({
      weekday: Math.floor(i / 24) + 1,
      hour: i % 24,
      started: i === 6 * 24 + 9 ? 3n : i === 6 * 24 + 14 ? 1n : 0n,
    })),
    agents: [
      {
        userId: "usr_1",
        displayName: "Olivia Owner",
        handled: 2n,
        firstResponse: { count: 2n, median: minutes(1), p90: minutes(3), mean: minutes(2) },
        resolution: { count: 2n, median: minutes(30), p90: minutes(30), mean: minutes(30) },
        satisfaction: { rated: 2n, average: 3.5, distribution: [0n, 1n, 0n, 0n, 1n] },
        online: durationFromMs(3 * 3_600_000 + 20 * 60_000),
      },
    ],
    widgets: [
      { id: "wgt_1", name: "Shop", figures: { started: 4n, open: 1n, resolved: 3n, missed: 1n } },
    ],
    teams: [],
    recentComments: [
      {
        conversationId: "cnv_9",
        rating: 5,
        comment: "Quick and kind, thank you!",
        rateTime: timestampFromMs(start + 11 * 3_600_000),
        agentUserId: "usr_1",
      },
    ],
  });
}

function renderScreen(role: Role, entry = "/reports?range=today") {
  // The lists set below stay as they are (no refetch to a server that is not there).
  const qc = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } },
  });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, {
      user: { id: "usr_1" },
      role,
      workspace: { id: "ws_1", name: "Shop Co", timeZone: TZ },
    }),
  );
  qc.setQueryData(
    keys.widgets,
    create(ListWidgetsResponseSchema, { widgets: [{ id: "wgt_1", name: "Shop" }] }),
  );
  qc.setQueryData(
    keys.teams,
    create(ListTeamsResponseSchema, { teams: [{ id: "tem_1", name: "Sales" }] }),
  );
  qc.setQueryData(
    keys.members,
    create(ListMembersResponseSchema, {
      members: [{ userId: "usr_1", displayName: "Olivia Owner", email: "o@example.com" }],
    }),
  );
  const getReport = vi.spyOn(reportClient, "getReport").mockResolvedValue(report());
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[entry]}>
        <ReportsScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { getReport };
}

const card = (testId: string) => within(screen.getByTestId(testId));
const lastRequest = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.at(-1)?.[0] as Partial<GetReportRequest>;

test("today's report: the request, the cards with their changes, the time zone", async () => {
  const { getReport } = renderScreen(Role.OWNER);
  await screen.findByTestId("report");
  const today = todayIn(TZ);
  expect(lastRequest(getReport)).toEqual({
    fromDate: today,
    toDate: today,
    filter: {},
    businessHours: false,
    interval: ReportInterval.UNSPECIFIED,
  });
  expect(card("summary-started").getByText("4")).toBeTruthy();
  expect(card("summary-started").getByText("+100%")).toBeTruthy();
  expect(card("summary-started").getByText("vs previous day")).toBeTruthy();
  expect(card("summary-open").getByText("25% of those started")).toBeTruthy();
  expect(card("summary-resolved").getByText("No change")).toBeTruthy();
  // Fewer missed is good news.
  const missed = card("summary-missed").getByText("\u221250%");
  expect(missed.className).toContain("emerald");
  // A shorter first response too.
  const frt = card("summary-first-response");
  expect(frt.getByText("1 min")).toBeTruthy();
  expect(frt.getAllByText("\u221250%")[0]?.className).toContain("emerald");
  expect(frt.getByText("3 min")).toBeTruthy();
  expect(frt.getByText(/2 first responses/)).toBeTruthy();
  const satisfaction = card("summary-satisfaction");
  expect(satisfaction.getByText("3.5 / 5")).toBeTruthy();
  expect(satisfaction.getByText("67%")).toBeTruthy();
  expect(satisfaction.getAllByText("None before").length).toBeGreaterThan(0);
  expect(card("summary-resolution").getByText("2 h 5 min")).toBeTruthy();

  expect(screen.getByTestId("report-time-zone").textContent).toMatch(
    /^Times in Europe\/Berlin \(UTC\+[12]\)/,
  );
  expect(
    within(screen.getByTestId("report-time-zone"))
      .getByRole("link", { name: /Change/ })
      .getAttribute("href"),
  ).toBe("/settings#time-zone");
  expect(screen.getByTestId("report-range").textContent).toContain("compared with");
});

test("the charts' tables, the busiest hours, agents, widgets and comments", async () => {
  renderScreen(Role.ADMIN);
  await screen.findByTestId("report");
  const volume = screen.getByTestId("volume-table");
  const rows = within(volume).getAllByRole("row");
  expect(rows).toHaveLength(25);
  expect(rows[10]?.textContent).toBe("09:00300");
  expect(rows[11]?.textContent).toBe("10:00031");
  const ratings = within(screen.getByTestId("ratings-table")).getAllByRole("row");
  expect(ratings.map((r) => r.textContent)).toEqual([
    "StarsRatingsShare",
    "5 stars150%",
    "4 stars00%",
    "3 stars00%",
    "2 stars150%",
    "1 star00%",
  ]);
  expect(
    screen.getByRole("img", {
      name: /Line chart of conversations per hour, 24 hours: 4 started, 3 resolved, 1 missed/,
    }),
  ).toBeTruthy();
  expect(screen.getByRole("img", { name: /Bar chart of 2 ratings/ })).toBeTruthy();

  const heat = screen.getByRole("table", { name: /Conversations started by weekday and hour/ });
  expect(within(heat).getByTitle("Sunday 09:00–10:00: 3 started").textContent).toBe("3");
  expect(within(heat).getByTitle("Sunday 14:00–15:00: 1 started").textContent).toBe("1");

  const agents = card("agents-table").getAllByRole("row");
  expect(agents[1]?.textContent).toBe("Olivia Owner21 min2 min30 min3.5 ★ (2)3 h 20 min——");
  expect(card("widgets-table").getAllByRole("row")[1]?.textContent).toContain("Shop4131");
  expect(card("teams-table").getByText("No teams yet.")).toBeTruthy();
  const comments = card("rating-comments");
  expect(comments.getByText("Quick and kind, thank you!")).toBeTruthy();
  expect(comments.getByText("5 of 5 stars")).toBeTruthy();
  expect(comments.getByText(/Olivia Owner/)).toBeTruthy();
  expect(comments.getByRole("link", { name: "Open conversation" }).getAttribute("href")).toBe(
    "/inbox/cnv_9",
  );
});

test("filters, business hours and the interval go into the request", async () => {
  const { getReport } = renderScreen(Role.OWNER, "/reports?range=last7");
  await screen.findByTestId("report");
  fireEvent.change(screen.getByLabelText("Conversations of"), {
    target: { value: "widget:wgt_1" },
  });
  await waitFor(() =>
    expect(lastRequest(getReport).filter).toEqual({ scope: { case: "widgetId", value: "wgt_1" } }),
  );
  fireEvent.change(screen.getByLabelText("Conversations of"), { target: { value: "agent:usr_1" } });
  await waitFor(() =>
    expect(lastRequest(getReport).filter).toEqual({
      scope: { case: "agentUserId", value: "usr_1" },
    }),
  );
  fireEvent.click(screen.getByRole("switch", { name: /Business hours only/ }));
  await waitFor(() => expect(lastRequest(getReport).businessHours).toBe(true));
  fireEvent.change(screen.getByLabelText("Interval"), { target: { value: "hour" } });
  await waitFor(() => expect(lastRequest(getReport).interval).toBe(ReportInterval.HOUR));
  // Hours are not offered for a year; the request falls back to automatic.
  fireEvent.change(screen.getByLabelText("Period"), { target: { value: "last365" } });
  await waitFor(() => expect(lastRequest(getReport).interval).toBe(ReportInterval.UNSPECIFIED));
  const hours = within(screen.getByLabelText("Interval")).getByRole("option", { name: "Hours" });
  expect((hours as HTMLOptionElement).disabled).toBe(true);
  expect(screen.getByText("Hours only for up to 31 days.")).toBeTruthy();
});

test("a custom range over 366 days is refused as typed; nothing is asked", async () => {
  const { getReport } = renderScreen(Role.OWNER);
  await screen.findByTestId("report");
  fireEvent.change(screen.getByLabelText("Period"), { target: { value: "custom" } });
  const from = screen.getByLabelText("From") as HTMLInputElement;
  const to = screen.getByLabelText("To") as HTMLInputElement;
  expect(from.value).toBe(todayIn(TZ));
  const calls = getReport.mock.calls.length;
  fireEvent.change(from, { target: { value: "2024-01-01" } });
  fireEvent.change(to, { target: { value: "2025-06-30" } });
  expect(
    await screen.findByText("A report covers at most 366 days; this range has 547."),
  ).toBeTruthy();
  expect(to.getAttribute("aria-invalid")).toBe("true");
  expect(screen.queryByTestId("report")).toBeNull();
  expect(getReport.mock.calls.length).toBe(calls);
  expect(
    (screen.getByRole("button", { name: /Export conversations/ }) as HTMLButtonElement).disabled,
  ).toBe(true);
  fireEvent.change(to, { target: { value: "2024-12-31" } });
  await waitFor(() =>
    expect(lastRequest(getReport)).toMatchObject({ fromDate: "2024-01-01", toDate: "2024-12-31" }),
  );
});

test("each table downloads as CSV", async () => {
  renderScreen(Role.OWNER);
  await screen.findByTestId("report");
  fireEvent.click(screen.getByRole("button", { name: "Download CSV: Agents" }));
  const today = todayIn(TZ);
  const [name, csv, type] = vi.mocked(downloadText).mock.calls.at(-1) ?? [];
  expect(name).toBe(`porthole-agents-${today}.csv`);
  expect(type).toBe("text/csv;charset=utf-8");
  expect(csv?.split("\r\n")[1]).toBe(
    "usr_1,Olivia Owner,2,2,60,180,120,2,1800,1800,1800,2,3.5,12000,0,0",
  );
  for (const [button, file] of [
    ["Download CSV: Conversations over time", "volume"],
    ["Download CSV: Widgets", "widgets"],
    ["Download CSV: Teams", "teams"],
    ["Download CSV: Summary", "summary"],
  ]) {
    fireEvent.click(screen.getByRole("button", { name: button }));
    expect(vi.mocked(downloadText).mock.calls.at(-1)?.[0]).toBe(`porthole-${file}-${today}.csv`);
  }
});

test("the conversation export pages through, shows progress, and downloads one file", async () => {
  renderScreen(Role.OWNER);
  await screen.findByTestId("report");
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const exportConversations = vi
    .spyOn(reportClient, "exportConversations")
    .mockImplementationOnce(async () =>
      create(ExportConversationsResponseSchema, {
        conversations: [
          create(ConversationFiguresSchema, { conversationId: "cnv_1", status: "resolved" }),
          create(ConversationFiguresSchema, { conversationId: "cnv_2", status: "pending" }),
        ],
        nextPageToken: "next",
      }),
    )
    .mockImplementationOnce(async () => {
      await held;
      return create(ExportConversationsResponseSchema, {
        conversations: [create(ConversationFiguresSchema, { conversationId: "cnv_3", rating: 5 })],
      });
    });
  fireEvent.click(screen.getByRole("button", { name: "Export conversations (CSV)" }));
  const progress = await screen.findByRole("progressbar", { name: "Exporting conversations" });
  await waitFor(() => expect(progress.getAttribute("aria-valuetext")).toBe("2 of 4 conversations"));
  expect(screen.getByRole("button", { name: "Cancel" })).toBeTruthy();
  release();
  await waitFor(() => expect(downloadText).toHaveBeenCalledTimes(1));
  const [name, csv] = vi.mocked(downloadText).mock.calls[0] ?? [];
  expect(name).toBe(`porthole-conversations-${todayIn(TZ)}.csv`);
  const lines = csv?.split("\r\n") ?? [];
  expect(lines[0]).toBe(
    "conversation_id,start_time,widget_id,team_id,assignee_user_id,status,first_response_time,first_responder,first_response_seconds,resolve_time,resolution_seconds,missed,rating,rating_comment,tags",
  );
  expect(lines.slice(1, 4).map((l) => l.split(",")[0])).toEqual(["cnv_1", "cnv_2", "cnv_3"]);
  expect(exportConversations.mock.calls.map((c) => c[0])).toEqual([
    expect.objectContaining({ pageSize: 1000, pageToken: "" }),
    expect.objectContaining({ pageSize: 1000, pageToken: "next" }),
  ]);
  await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
});

test("an export error stops it and is shown; Cancel stops it quietly", async () => {
  renderScreen(Role.OWNER);
  await screen.findByTestId("report");
  vi.spyOn(reportClient, "exportConversations")
    .mockResolvedValueOnce(
      create(ExportConversationsResponseSchema, {
        conversations: [create(ConversationFiguresSchema, { conversationId: "cnv_1" })],
        nextPageToken: "next",
      }),
    )
    .mockRejectedValueOnce(
      new ConnectError("page_token: not a page of this export", Code.InvalidArgument),
    );
  fireEvent.click(screen.getByRole("button", { name: "Export conversations (CSV)" }));
  expect((await screen.findByRole("alert")).textContent).toBe(
    "The export stopped. page_token: not a page of this export",
  );
  expect(downloadText).not.toHaveBeenCalled();

  vi.spyOn(reportClient, "exportConversations").mockImplementation(
    (_req, options) =>
      new Promise((_, reject) =>
        options?.signal?.addEventListener("abort", () =>
          reject(new ConnectError("canceled", Code.Canceled)),
        ),
      ),
  );
  fireEvent.click(screen.getByRole("button", { name: "Export conversations (CSV)" }));
  fireEvent.click(await screen.findByRole("button", { name: "Cancel" }));
  await screen.findByRole("button", { name: "Export conversations (CSV)" });
  expect(screen.queryByRole("alert")).toBeNull();
  expect(downloadText).not.toHaveBeenCalled();
});

test("agents are told reports are for owners and admins; nothing is asked", () => {
  const { getReport } = renderScreen(Role.AGENT);
  expect(screen.getByText("Only owners and admins see reports")).toBeTruthy();
  expect(screen.getByRole("link", { name: "See what is happening now" }).getAttribute("href")).toBe(
    "/overview",
  );
  expect(getReport).not.toHaveBeenCalled();
});
