//! The Overview: the live figures as they arrive (a second item changes them without a
//! reload), the longest wait in words, today's first responses, reconnecting said as such,
//! and a way to the reports for admins only.

import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  GetMeResponseSchema,
  LiveFiguresSchema,
  Role,
  type WatchLiveFiguresResponse,
  WatchLiveFiguresResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { reportClient } from "../lib/api";
import { OverviewScreen } from "./OverviewScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A server stream the test writes to. */
function fakeStream() {
  const queue: WatchLiveFiguresResponse[] = [];
  let wake: (() => void) | undefined;
  async function* stream(signal?: AbortSignal): AsyncIterable<WatchLiveFiguresResponse> {
    while (!signal?.aborted) {
      const next = queue.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  return {
    stream,
    send(figures: Parameters<typeof create<typeof LiveFiguresSchema>>[1]) {
      queue.push(
        create(WatchLiveFiguresResponseSchema, { figures: create(LiveFiguresSchema, figures) }),
      );
      wake?.();
    },
  };
}

function renderScreen(role: Role) {
  const live = fakeStream();
  const watch = vi
    .spyOn(reportClient, "watchLiveFigures")
    .mockImplementation((_req, options) => live.stream(options?.signal));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, {
      user: { id: "usr_1" },
      role,
      workspace: { id: "ws_1", timeZone: "Europe/Berlin" },
    }),
  );
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <OverviewScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { live, watch };
}

const figure = (name: string) =>
  within(screen.getByRole("group", { name })).getByText(
    (_, el) => el?.hasAttribute("data-value") ?? false,
  );

test("the live figures as they arrive, and again when they change", async () => {
  const { live, watch } = renderScreen(Role.AGENT);
  expect(screen.getByRole("heading", { name: "Overview", level: 1 })).toBeTruthy();
  expect(figure("Open").textContent).toBe("—");
  expect(screen.getByTestId("live-status").textContent).toContain("Connecting");

  const now = Date.now();
  live.send({
    open: 7n,
    pending: 3n,
    queued: 2n,
    oldestQueuedTime: timestampFromMs(now - 12 * 60_000 - 5_000),
    agentsOnline: 2n,
    agentsAway: 1n,
    startedToday: 11n,
    resolvedToday: 4n,
    firstResponseToday: {
      count: 6n,
      median: durationFromMs(45_000),
      p90: durationFromMs(300_000),
      mean: durationFromMs(200_000),
    },
    asOf: timestampFromMs(now),
  });
  await waitFor(() => expect(figure("Open").textContent).toBe("7"));
  expect(figure("Unanswered").textContent).toBe("3");
  expect(figure("In the queue").textContent).toBe("2");
  expect(figure("Waiting longest").textContent).toBe("12 min");
  expect(figure("Agents online").textContent).toBe("2");
  expect(figure("Away or busy").textContent).toBe("1");
  expect(figure("Started").textContent).toBe("11");
  expect(figure("Resolved").textContent).toBe("4");
  expect(figure("Average first response").textContent).toBe("3 min 20 s");
  expect(figure("Median first response").textContent).toBe("45 s");
  expect(screen.getByText("Over 6 first responses")).toBeTruthy();
  expect(screen.getByText("Since midnight in Europe/Berlin")).toBeTruthy();
  expect(screen.getByTestId("live-status").textContent).toContain("Live");

  // Another visitor writes: the server sends new figures, the screen follows.
  live.send({ open: 8n, pending: 4n, queued: 0n, startedToday: 12n, asOf: timestampFromMs(now) });
  await waitFor(() => expect(figure("Open").textContent).toBe("8"));
  expect(figure("Started").textContent).toBe("12");
  expect(figure("Waiting longest").textContent).toBe("Nobody");
  expect(figure("Median first response").textContent).toBe("—");
  expect(screen.getByText("No first responses yet")).toBeTruthy();
  expect(watch).toHaveBeenCalledTimes(1);
  // Agents have no reports.
  expect(screen.queryByRole("link", { name: /Reports/ })).toBeNull();
});

test("owners and admins get a way to the reports", () => {
  renderScreen(Role.ADMIN);
  expect(screen.getByRole("link", { name: /Reports/ }).getAttribute("href")).toBe("/reports");
});
