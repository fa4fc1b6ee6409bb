//! The chat's live feed against a scripted grpc-web server: heartbeats keep it open, and a
//! stream that goes silent (no event, not even a heartbeat, for 45 s) is dropped and
//! resumed from its cursor. The feed rules themselves are tested in client-sdk/ts/src/rules.

// @vitest-environment happy-dom

import { WatchVisitorFeedRequest, WatchVisitorFeedResponse } from "@porthole/client/lean";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";

/** One grpc-web frame: the flag byte, the big-endian length, the bytes. */
function frame(flag: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array([flag, 0, 0, 0, 0, ...data]);
  new DataView(out.buffer).setUint32(1, data.length);
  return out;
}

const ok = frame(0x80, new TextEncoder().encode("grpc-status: 0\r\n"));
const heartbeat = (cursor: string) =>
  frame(
    0,
    WatchVisitorFeedResponse.encode({ cursor, event: { $case: "heartbeat", value: {} } }).finish(),
  );

/** A server whose unary answers are empty messages and whose feeds stay open until told. */
function fakeServer() {
  const feeds: { cursor: string; send: (bytes: Uint8Array) => void }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = String(input).split("/").pop();
    const headers = { "content-type": "application/grpc-web+proto" };
    if (method !== "WatchVisitorFeed") {
      const body = new Uint8Array([...frame(0, new Uint8Array()), ...ok]);
      return new Response(body, { headers });
    }
    const sent = (init?.body ?? new Uint8Array(5)) as Uint8Array;
    const request = WatchVisitorFeedRequest.decode(sent.slice(5));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        feeds.push({ cursor: request.cursor, send: (bytes) => controller.enqueue(bytes) });
        init?.signal?.addEventListener("abort", () =>
          controller.error(new DOMException("aborted", "AbortError")),
        );
      },
    });
    return new Response(body, { headers });
  };
  return { feeds, fetch };
}

describe("the chat's feed", () => {
  let server: ReturnType<typeof fakeServer>;
  let chat: Chat;

  beforeEach(async () => {
    vi.useFakeTimers();
    server = fakeServer();
    vi.stubGlobal("fetch", server.fetch);
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => {},
      emit: () => {},
      chime: () => {},
      proactive: () => {},
    });
    await chat.boot("en");
    await vi.advanceTimersByTimeAsync(0);
    server.feeds[0]?.send(heartbeat("7"));
    await vi.advanceTimersByTimeAsync(100);
  });

  afterEach(() => {
    chat.shutdown();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("stays open while the server's heartbeats arrive", async () => {
    expect(chat.connection).toBe("live");
    for (let i = 0; i < 8; i++) {
      await vi.advanceTimersByTimeAsync(15_000);
      server.feeds[0]?.send(heartbeat("7"));
    }
    expect(server.feeds.map((f) => f.cursor)).toEqual([""]);
    expect(chat.connection).toBe("live");
  });

  it("drops a silent stream after 45 s and resumes from its cursor", async () => {
    await vi.advanceTimersByTimeAsync(44_000);
    expect(server.feeds).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(chat.connection).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.feeds.map((f) => f.cursor)).toEqual(["", "7"]);
    server.feeds[1]?.send(heartbeat("7"));
    await vi.advanceTimersByTimeAsync(100);
    expect(chat.connection).toBe("live");
  });
});
