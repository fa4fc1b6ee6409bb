//! The ready-made feeds on scripted Connect streams: heartbeats only feed the watchdog, a
//! drop resumes from the last cursor, errors no retry can fix stop the feed, and a caller's
//! `shouldRetry` sees a ConnectError.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, test, vi } from "vitest";
import { isPermanentFeedError } from "./connect-feed.js";
import {
  WatchVisitorFeedResponseSchema,
  type WatchWorkspaceResponse,
  WatchWorkspaceResponseSchema,
} from "./index.js";
import { createVisitorFeed } from "./visitor-feed.js";
import { createWorkspaceFeed } from "./workspace-feed.js";

const heartbeat = (cursor: string) =>
  create(WatchWorkspaceResponseSchema, { cursor, event: { case: "heartbeat", value: {} } });
const message = (cursor: string, id: string) =>
  create(WatchWorkspaceResponseSchema, {
    cursor,
    event: { case: "messageCreated", value: { id } },
  });

/** Yields `items`, then throws `end`, or stays open until aborted when `end` is absent. */
async function* script<T>(items: T[], signal: AbortSignal, end?: unknown): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
  if (end) throw end;
  await new Promise((_, reject) => {
    signal.addEventListener("abort", () => reject(new ConnectError("aborted", Code.Canceled)));
  });
}

describe("createWorkspaceFeed", () => {
  test("delivers events once across a drop, and resumes from the last cursor", async () => {
    const cursors: string[] = [];
    const scripts = [
      (signal: AbortSignal) =>
        script(
          [heartbeat("4"), message("5", "m5"), message("6", "m6")],
          signal,
          new ConnectError("reset", Code.Unavailable),
        ),
      (signal: AbortSignal) => script([heartbeat("6"), message("7", "m7")], signal),
    ];
    const watchWorkspace = vi.fn(
      (request: { cursor?: string }, options?: { signal?: AbortSignal }) => {
        cursors.push(request.cursor ?? "");
        const next = scripts[cursors.length - 1] ?? ((signal: AbortSignal) => script([], signal));
        return next(options?.signal ?? new AbortController().signal);
      },
    );
    const seen: string[] = [];
    const onReset = vi.fn();
    const feed = createWorkspaceFeed({ watchWorkspace } as never, {
      onEvent: (item: WatchWorkspaceResponse) => {
        if (item.event.case === "messageCreated") seen.push(item.event.value.id);
      },
      onReset,
      backoff: () => 1,
    });
    feed.start();
    await vi.waitFor(() => expect(seen).toEqual(["m5", "m6", "m7"]));
    feed.stop();
    expect(cursors).toEqual(["", "6"]);
    expect(onReset).toHaveBeenCalledTimes(1);
    expect(feed.lastCursor).toBe("7");
  });

  test("stops on UNAUTHENTICATED by default; a caller's shouldRetry decides otherwise", async () => {
    const unauthenticated = new ConnectError("token expired", Code.Unauthenticated);
    const failing = () => ({
      watchWorkspace: vi.fn((_: unknown, options?: { signal?: AbortSignal }) =>
        script<never>([], options?.signal ?? new AbortController().signal, unauthenticated),
      ),
    });
    const byDefault = failing();
    const statuses: string[] = [];
    const stopping = createWorkspaceFeed(byDefault as never, {
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
      backoff: () => 1,
    });
    stopping.start();
    await vi.waitFor(() => expect(statuses.at(-1)).toBe("stopped"));
    expect(byDefault.watchWorkspace).toHaveBeenCalledTimes(1);

    const refreshing = failing();
    const shouldRetry = vi.fn((error: ConnectError) => error.code === Code.Unauthenticated);
    const retrying = createWorkspaceFeed(refreshing as never, {
      onEvent: () => {},
      shouldRetry,
      backoff: () => 1,
    });
    retrying.start();
    await vi.waitFor(() => expect(refreshing.watchWorkspace.mock.calls.length).toBeGreaterThan(2));
    retrying.stop();
    expect(shouldRetry.mock.calls[0]?.[0]).toBeInstanceOf(ConnectError);
  });

  test("isPermanentFeedError", () => {
    expect(isPermanentFeedError(new ConnectError("", Code.PermissionDenied))).toBe(true);
    expect(isPermanentFeedError(new ConnectError("", Code.Unavailable))).toBe(false);
    expect(isPermanentFeedError(new ConnectError("", Code.ResourceExhausted))).toBe(false);
    expect(isPermanentFeedError(new TypeError("fetch failed"))).toBe(false);
  });
});

describe("createVisitorFeed", () => {
  test("watches the visitor feed and skips its heartbeats", async () => {
    const items = [
      create(WatchVisitorFeedResponseSchema, {
        cursor: "2",
        event: { case: "heartbeat", value: {} },
      }),
      create(WatchVisitorFeedResponseSchema, {
        cursor: "3",
        event: { case: "messageCreated", value: { id: "msg_3", body: "hi" } },
      }),
    ];
    const watchVisitorFeed = vi.fn((_: unknown, options?: { signal?: AbortSignal }) =>
      script(items, options?.signal ?? new AbortController().signal),
    );
    const bodies: string[] = [];
    const feed = createVisitorFeed({ watchVisitorFeed } as never, {
      resumeFrom: "1",
      onEvent: (item) => {
        bodies.push(
          item.event.case === "messageCreated" ? item.event.value.body : (item.event.case ?? ""),
        );
      },
    });
    feed.start();
    await vi.waitFor(() => expect(feed.lastCursor).toBe("3"));
    feed.stop();
    expect(bodies).toEqual(["hi"]);
    expect(watchVisitorFeed.mock.calls[0]?.[0]).toEqual({ cursor: "1" });
  });
});
