//! The resumable feed on scripted streams: resume from the cursor, start over on an
//! expired cursor, the idle watchdog, deliberate restarts, and handlers that fail.

import { describe, expect, test, vi } from "vitest";
import { type FeedOptions, type FeedStatus, ResumableFeed } from "./feed.js";

interface Item {
  cursor: string;
  event: string;
}

class CodedError extends Error {
  constructor(readonly code: number) {
    super(`code ${code}`);
  }
}
const unavailable = () => new CodedError(14);
const heartbeat = (cursor: string): Item => ({ cursor, event: "heartbeat" });
const event = (cursor: string, name = `e${cursor}`): Item => ({ cursor, event: name });

/** Yields `items`, then throws `end` (or ends cleanly). */
async function* stream(items: Item[], end?: unknown): AsyncGenerator<Item> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
  if (end) throw end;
}

/** Yields `items`, then stays silent until aborted. */
async function* silent(signal: AbortSignal, items: Item[] = []): AsyncGenerator<Item> {
  yield* stream(items);
  await new Promise((_, reject) => {
    if (signal.aborted) reject(new CodedError(1));
    signal.addEventListener("abort", () => reject(new CodedError(1)));
  });
}

/** A feed over `scripts` (one per connection, then silence), recording what happens. */
function scripted(
  scripts: ((signal: AbortSignal) => AsyncIterable<Item>)[],
  options: Partial<FeedOptions<Item>> = {},
) {
  const cursors: string[] = [];
  const events: string[] = [];
  const statuses: FeedStatus[] = [];
  const onReset = vi.fn();
  let calls = 0;
  const feed = new ResumableFeed<Item>({
    watch: (cursor, signal) => {
      cursors.push(cursor);
      const script = scripts[calls++];
      return script ? script(signal) : silent(signal);
    },
    isHeartbeat: (item) => item.event === "heartbeat",
    onEvent: (item) => {
      events.push(item.event);
    },
    onReset,
    onStatus: (s) => statuses.push(s),
    codeOf: (error) => (error instanceof CodedError ? error.code : undefined),
    backoff: () => 1,
    ...options,
  });
  return { feed, cursors, events, statuses, onReset };
}

describe("ResumableFeed", () => {
  test("resumes from the last cursor, and starts over when the server no longer has it", async () => {
    const { feed, cursors, events, statuses, onReset } = scripted([
      () => stream([heartbeat("10"), event("11"), event("12")], unavailable()),
      () => stream([heartbeat("12"), event("13")], new CodedError(11)),
      () => stream([heartbeat("40"), event("41")]),
    ]);
    feed.start();
    await vi.waitFor(() => expect(cursors).toHaveLength(4));
    feed.stop();
    // A drop resumes after the last event; OUT_OF_RANGE (11) starts from now, and only the
    // starts from now need a reset.
    expect({ cursors, events, resets: onReset.mock.calls.length }).toEqual({
      cursors: ["", "12", "", "41"],
      events: ["e11", "e12", "e13", "e41"],
      resets: 2,
    });
    expect(statuses.join(" ")).toBe(
      "connecting live reconnecting live reconnecting live reconnecting stopped",
    );
    expect(feed.lastCursor).toBe("41");
  });

  test("resumeFrom opens the first stream after a saved cursor, without a reset", async () => {
    const { feed, cursors, events, onReset } = scripted(
      [() => stream([heartbeat("7"), event("8")], unavailable())],
      { resumeFrom: "7" },
    );
    feed.start();
    await vi.waitFor(() => expect(cursors).toHaveLength(2));
    feed.stop();
    expect({ cursors, events, resets: onReset.mock.calls.length }).toEqual({
      cursors: ["7", "8"],
      events: ["e8"],
      resets: 0,
    });
  });

  test("a throttled stream waits the server's retry-after before it reconnects", async () => {
    vi.useFakeTimers();
    try {
      const throttled = Object.assign(new CodedError(8), {
        metadata: new Headers({ "retry-after": "20" }),
      });
      const { feed, cursors } = scripted([
        () => stream([heartbeat("3")], throttled),
        () => stream([], unavailable()),
      ]);
      feed.start();
      await vi.advanceTimersByTimeAsync(19_000);
      expect(cursors).toEqual([""]);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(cursors).toEqual(["", "3"]);
      // Without a retry-after, the normal backoff (1 ms here) applies again.
      await vi.advanceTimersByTimeAsync(5);
      expect(cursors.slice(0, 3)).toEqual(["", "3", "3"]);
      feed.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  test("the watchdog drops a silent stream and resumes it; heartbeats keep it open", async () => {
    const beats = (signal: AbortSignal) =>
      (async function* () {
        for (let i = 1; i <= 6; i++) {
          await new Promise((r) => setTimeout(r, 10));
          yield heartbeat(String(i));
        }
        yield* silent(signal);
      })();
    const shouldRetry = vi.fn(() => true);
    const { feed, cursors, statuses } = scripted([beats], { idleTimeoutMs: 40, shouldRetry });
    feed.start();
    await vi.waitFor(() => expect(cursors.length).toBeGreaterThanOrEqual(2));
    feed.stop();
    // Six heartbeats 10 ms apart outlast the 40 ms limit; then the silence is cut.
    expect(cursors.slice(0, 2)).toEqual(["", "6"]);
    expect(statuses.slice(0, 3)).toEqual(["connecting", "live", "reconnecting"]);
    // A stream the watchdog ended is not an error to judge.
    expect(shouldRetry).not.toHaveBeenCalled();
  });

  test("the watchdog also cuts a stream that never says anything", async () => {
    const { feed, cursors } = scripted([], { idleTimeoutMs: 20 });
    feed.start();
    await vi.waitFor(() => expect(cursors.length).toBeGreaterThanOrEqual(2));
    feed.stop();
    expect(cursors.slice(0, 2)).toEqual(["", ""]);
  });

  test("the watchdog waits while a handler runs", async () => {
    let release = () => {};
    const { feed, cursors, events } = scripted(
      [(signal) => silent(signal, [heartbeat("1"), event("2")])],
      {
        idleTimeoutMs: 20,
        onEvent: (item) =>
          new Promise<void>((resolve) => {
            events.push(item.event);
            release = resolve;
          }),
      },
    );
    feed.start();
    await vi.waitFor(() => expect(events).toEqual(["e2"]));
    await new Promise((r) => setTimeout(r, 60));
    expect(cursors).toEqual([""]);
    release();
    await vi.waitFor(() => expect(cursors.length).toBeGreaterThanOrEqual(2));
    feed.stop();
    expect(cursors.slice(0, 2)).toEqual(["", "2"]);
  });

  test("the reset is awaited before events, and a failed one starts over", async () => {
    const order: string[] = [];
    let resets = 0;
    const { feed, cursors } = scripted(
      [() => stream([heartbeat("3"), event("4")]), () => stream([heartbeat("7"), event("8")])],
      {
        onReset: async () => {
          resets += 1;
          await new Promise((r) => setTimeout(r, 5));
          if (resets === 1) throw unavailable();
          order.push("reset");
        },
        onEvent: (item) => {
          order.push(item.event);
        },
      },
    );
    feed.start();
    await vi.waitFor(() => expect(cursors).toHaveLength(3));
    feed.stop();
    // The first reset failed before the cursor moved, so the feed started over from now.
    expect(cursors).toEqual(["", "", "8"]);
    expect(order).toEqual(["reset", "e8"]);
  });

  test("an event whose handler fails is delivered again after the reconnect", async () => {
    let failures = 1;
    const seen: string[] = [];
    const { feed, cursors } = scripted(
      [
        () => stream([heartbeat("1"), event("2"), event("3")]),
        () => stream([heartbeat("2"), event("3")]),
      ],
      {
        onEvent: (item) => {
          seen.push(item.event);
          if (item.event === "e3" && failures-- > 0) throw new Error("store busy");
        },
      },
    );
    feed.start();
    await vi.waitFor(() => expect(cursors).toHaveLength(3));
    feed.stop();
    expect(cursors).toEqual(["", "2", "3"]);
    expect(seen).toEqual(["e2", "e3", "e3"]);
  });

  test("restart forgets the cursor and reconnects at once", async () => {
    const backoff = vi.fn(() => 60_000);
    const { feed, cursors, onReset } = scripted(
      [
        (signal) => silent(signal, [heartbeat("1"), event("2")]),
        (signal) => silent(signal, [heartbeat("5")]),
      ],
      { backoff },
    );
    feed.start();
    await vi.waitFor(() => expect(feed.lastCursor).toBe("2"));
    feed.restart();
    await vi.waitFor(() => expect(cursors).toEqual(["", ""]));
    expect(backoff).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(onReset).toHaveBeenCalledTimes(2));
    expect(feed.lastCursor).toBe("5");
    feed.stop();
  });

  test("retryNow skips the backoff wait", async () => {
    const { feed, cursors } = scripted([() => stream([], unavailable())], {
      backoff: () => 60_000,
    });
    feed.start();
    await vi.waitFor(() => expect(cursors).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 5));
    feed.retryNow();
    await vi.waitFor(() => expect(cursors).toHaveLength(2));
    feed.stop();
  });

  test("stops for good when retrying makes no sense", async () => {
    const { feed, cursors, statuses } = scripted([() => stream([], new CodedError(16))], {
      shouldRetry: async (error) => !(error instanceof CodedError && error.code === 16),
    });
    feed.start();
    await vi.waitFor(() => expect(statuses.at(-1)).toBe("stopped"));
    expect(cursors).toEqual([""]);
    expect(feed.currentStatus).toBe("stopped");
  });
});
