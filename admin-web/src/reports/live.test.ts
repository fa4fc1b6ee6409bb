//! The live figures' feed: every item replaces the figures, a stream that ends or fails is
//! opened again, a server without reports stops it with the reason, and the longest wait
//! is counted on the server's clock.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  LiveFiguresSchema,
  type WatchLiveFiguresResponse,
  WatchLiveFiguresResponseSchema,
} from "@porthole/client";
import { afterEach, expect, test, vi } from "vitest";
import { type LiveState, longestWaitSeconds, watchLiveFigures } from "./live";

afterEach(() => vi.restoreAllMocks());

const item = (open: bigint) =>
  create(WatchLiveFiguresResponseSchema, { figures: create(LiveFiguresSchema, { open }) });

test("each item replaces the figures; an ended or failed stream is opened again", async () => {
  const opened: number[] = [];
  let stop = () => {};
  const states: Partial<LiveState>[] = [];
  const done = new Promise<void>((resolve) => {
    async function* stream(n: number): AsyncIterable<WatchLiveFiguresResponse> {
      opened.push(n);
      if (n === 1) {
        yield item(1n);
        yield item(2n);
        return; // The server hung up: reconnect.
      }
      if (n === 2) throw new ConnectError("unavailable", Code.Unavailable);
      yield item(5n);
      resolve();
      await new Promise(() => {}); // Stays open.
    }
    let n = 0;
    stop = watchLiveFigures(
      (change) => states.push(change),
      () => {
        n += 1;
        return stream(n);
      },
      () => 0,
    );
  });
  await done;
  stop();
  expect(opened).toEqual([1, 2, 3]);
  expect(states.flatMap((s) => (s.figures ? [Number(s.figures.open)] : []))).toEqual([1, 2, 5]);
  const statuses = states.flatMap((s) => (s.status ? [s.status] : []));
  expect(statuses[0]).toBe("connecting");
  expect(statuses).toContain("live");
  expect(statuses).toContain("reconnecting");
  expect(statuses.at(-1)).toBe("stopped");
  expect(states.some((s) => s.failure)).toBe(false);
});

test("a server without reports stops the feed and says why", async () => {
  const states: Partial<LiveState>[] = [];
  let calls = 0;
  await new Promise<void>((resolve) => {
    watchLiveFigures(
      (change) => {
        states.push(change);
        if (change.status === "stopped") resolve();
      },
      () => {
        calls += 1;
        // biome-ignore lint/correctness/useYield: a stream that fails at once
        return (async function* (): AsyncIterable<WatchLiveFiguresResponse> {
          throw new ConnectError("no such method", Code.Unimplemented);
        })();
      },
      () => 0,
    );
  });
  expect(calls).toBe(1);
  expect(ConnectError.from(states.find((s) => s.failure)?.failure).code).toBe(Code.Unimplemented);
});

test("the longest wait runs on the server's clock, ticking on from when it arrived", () => {
  const asOf = Date.parse("2025-05-01T10:12:00Z");
  const figures = create(LiveFiguresSchema, {
    oldestQueuedTime: timestampFromMs(asOf - 12 * 60_000),
    asOf: timestampFromMs(asOf),
  });
  // This browser's clock is an hour off: it does not matter.
  const receivedAt = asOf + 3_600_000;
  expect(longestWaitSeconds(figures, receivedAt, receivedAt)).toBe(720);
  expect(longestWaitSeconds(figures, receivedAt, receivedAt + 30_000)).toBe(750);
  expect(longestWaitSeconds(create(LiveFiguresSchema, {}), receivedAt, receivedAt)).toBeUndefined();
  expect(longestWaitSeconds(undefined, 0, 0)).toBeUndefined();
});
