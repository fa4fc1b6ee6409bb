//! The feed connection: resumes from the last cursor after a drop, resets on OUT_OF_RANGE,
//! reports its status, and passes events on once.

import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  VisitorErasedSchema,
  type WatchWorkspaceResponse,
  WatchWorkspaceResponseSchema,
  WorkspaceFeedHeartbeatSchema,
} from "@porthole/client";
import { expect, test, vi } from "vitest";
import { type FeedStatus, WorkspaceFeed } from "./feed";
import { conversation } from "./testing";

function heartbeat(cursor: string): WatchWorkspaceResponse {
  return create(WatchWorkspaceResponseSchema, {
    cursor,
    event: { case: "heartbeat", value: create(WorkspaceFeedHeartbeatSchema) },
  });
}

function created(cursor: string, id: string): WatchWorkspaceResponse {
  return create(WatchWorkspaceResponseSchema, {
    cursor,
    event: { case: "conversationCreated", value: conversation(id, 1) },
  });
}

function erased(cursor: string, visitorId: string, conversationIds: string[]) {
  return create(WatchWorkspaceResponseSchema, {
    cursor,
    event: {
      case: "visitorErased",
      value: create(VisitorErasedSchema, { visitorId, conversationIds }),
    },
  });
}

/** A scripted stream: yields `items`, then throws `end` (or ends cleanly). */
async function* stream(items: WatchWorkspaceResponse[], end?: unknown) {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
  if (end) throw end;
}

function never(signal: AbortSignal): AsyncIterable<WatchWorkspaceResponse> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () =>
            reject(new ConnectError("aborted", Code.Canceled)),
          ),
        ),
    }),
  };
}

test("reconnects with the last cursor and hands each event on once", async () => {
  const cursors: string[] = [];
  const events: string[] = [];
  const statuses: FeedStatus[] = [];
  const resets = vi.fn();
  const scripts = [
    () =>
      stream(
        [heartbeat("10"), created("11", "a"), created("12", "b")],
        new ConnectError("network", Code.Unavailable),
      ),
    () =>
      stream([heartbeat("12"), created("13", "c")], new ConnectError("network", Code.Unavailable)),
  ];
  let calls = 0;
  const feed = new WorkspaceFeed({
    watch: (cursor, signal) => {
      cursors.push(cursor);
      const script = scripts[calls++];
      return script ? script() : never(signal);
    },
    onEvent: (item) => {
      if (item.event.case === "conversationCreated") events.push(item.event.value.id);
    },
    onReset: resets,
    onStatus: (s) => statuses.push(s),
    backoff: () => 1,
  });
  feed.start();
  await vi.waitFor(() => expect(cursors).toHaveLength(3));
  feed.stop();
  expect(cursors).toEqual(["", "12", "13"]);
  expect(events).toEqual(["a", "b", "c"]);
  // Only the first, cursor-less start needs the lists refetched.
  expect(resets).toHaveBeenCalledTimes(1);
  expect(statuses).toEqual([
    "connecting",
    "live",
    "reconnecting",
    "live",
    "reconnecting",
    "stopped",
  ]);
  expect(feed.lastCursor).toBe("13");
});

test("a cursor the server no longer has starts over and refetches", async () => {
  const cursors: string[] = [];
  const resets = vi.fn();
  let calls = 0;
  const feed = new WorkspaceFeed({
    watch: (cursor, signal) => {
      cursors.push(cursor);
      calls += 1;
      if (calls === 1)
        return stream(
          [heartbeat("5"), created("6", "a")],
          new ConnectError("drop", Code.Unavailable),
        );
      if (calls === 2) return stream([], new ConnectError("too old", Code.OutOfRange));
      if (calls === 3) return stream([heartbeat("40")]);
      return never(signal);
    },
    onEvent: () => {},
    onReset: resets,
    backoff: () => 1,
  });
  feed.start();
  await vi.waitFor(() => expect(cursors).toHaveLength(4));
  feed.stop();
  expect(cursors).toEqual(["", "6", "", "40"]);
  expect(resets).toHaveBeenCalledTimes(2);
});

test("a silent connection is dropped by the watchdog and resumed", async () => {
  const cursors: string[] = [];
  let calls = 0;
  const feed = new WorkspaceFeed({
    watch: (cursor, signal) => {
      cursors.push(cursor);
      calls += 1;
      if (calls === 1) {
        return (async function* () {
          yield heartbeat("7");
          yield* never(signal);
        })();
      }
      return never(signal);
    },
    onEvent: () => {},
    onReset: () => {},
    backoff: () => 1,
    idleTimeoutMs: 20,
  });
  feed.start();
  await vi.waitFor(() => expect(cursors.length).toBeGreaterThanOrEqual(2));
  feed.stop();
  expect(cursors.slice(0, 2)).toEqual(["", "7"]);
});

test("stops when retrying makes no sense (signed out)", async () => {
  const statuses: FeedStatus[] = [];
  const feed = new WorkspaceFeed({
    watch: () => stream([], new ConnectError("no token", Code.Unauthenticated)),
    onEvent: () => {},
    onReset: () => {},
    onStatus: (s) => statuses.push(s),
    shouldRetry: () => false,
    backoff: () => 1,
  });
  feed.start();
  await vi.waitFor(() => expect(statuses.at(-1)).toBe("stopped"));
});

test("a visitor erasure is handed on once, in order, and moves the cursor", async () => {
  const cursors: string[] = [];
  const seen: string[] = [];
  let calls = 0;
  const feed = new WorkspaceFeed({
    watch: (cursor, signal) => {
      cursors.push(cursor);
      calls += 1;
      if (calls === 1)
        return stream(
          [created("20", "a"), erased("21", "vis_a", ["a"])],
          new ConnectError("drop", Code.Unavailable),
        );
      // The server resumes after the cursor: nothing is repeated.
      if (calls === 2) return stream([created("22", "b")]);
      return never(signal);
    },
    onEvent: (item) => {
      const e = item.event;
      if (e.case === "conversationCreated") seen.push(`created ${e.value.id}`);
      if (e.case === "visitorErased")
        seen.push(`erased ${e.value.visitorId} ${e.value.conversationIds.join(",")}`);
    },
    onReset: () => {},
    backoff: () => 1,
  });
  feed.start();
  await vi.waitFor(() => expect(cursors).toHaveLength(3));
  feed.stop();
  expect(cursors).toEqual(["", "21", "22"]);
  expect(seen).toEqual(["created a", "erased vis_a a", "created b"]);
});
