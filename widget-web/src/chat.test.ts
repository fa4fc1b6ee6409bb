//! The chat against a scripted grpc-web server. The live feed: heartbeats keep it open, and
//! a stream that goes silent (no event, not even a heartbeat, for 45 s) is dropped and
//! resumed from its cursor. Throttling: a send the server refuses with RESOURCE_EXHAUSTED
//! stays pending with a note and goes again once after `retry-after`; page views wait
//! silently. The transcript by e-mail: offered once the team has answered, prefilled with
//! the visitor's address, and a refusal (bad address, hourly limit, failure) shown in the
//! form and never retried by itself. The shared rules themselves are tested in
//! client-sdk/ts/src/rules.

// @vitest-environment happy-dom

import {
  ConversationStatus,
  EmailTranscriptRequest,
  GetWidgetConfigResponse,
  ListMessagesResponse,
  ListVisitorConversationsResponse,
  type Message,
  SenderType,
  SendMessageRequest,
  SendMessageResponse,
  StartConversationResponse,
  StartSessionResponse,
  WatchVisitorFeedRequest,
  WatchVisitorFeedResponse,
} from "@porthole/client/lean";
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

/** A trailers-only answer as the server's rate limiter sends it. */
function throttled(retryAfter?: string): Response {
  const headers: Record<string, string> = {
    "grpc-status": "8",
    "grpc-message": encodeURIComponent("too many messages from this visitor; try again in 4 s"),
  };
  if (retryAfter) headers["retry-after"] = retryAfter;
  return new Response(null, { headers });
}

/** A unary answer carrying `bytes`. */
const answer = (bytes: Uint8Array) =>
  new Response(new Uint8Array([...frame(0, bytes), ...ok]), {
    headers: { "content-type": "application/grpc-web+proto" },
  });

/** A trailers-only refusal with gRPC status `code`. */
const refusal = (code: number, message: string) =>
  new Response(null, {
    headers: { "grpc-status": String(code), "grpc-message": encodeURIComponent(message) },
  });

/**
 * A server whose feeds stay open until told. Unary calls take the next scripted answer of
 * their method, if any; otherwise StartConversation opens `cnv_1`, SendMessage stores the
 * message, and the rest answer with an empty message.
 */
function fakeServer(script: Record<string, Response[]> = {}) {
  const feeds: { cursor: string; send: (bytes: Uint8Array) => void }[] = [];
  const calls: { method: string; at: number; request: Uint8Array }[] = [];
  let seq = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = String(input).split("/").pop() ?? "";
    const headers = { "content-type": "application/grpc-web+proto" };
    const sent = (init?.body ?? new Uint8Array(5)) as Uint8Array;
    if (method !== "WatchVisitorFeed") {
      calls.push({ method, at: Date.now(), request: sent.slice(5) });
      const scripted = script[method]?.shift();
      if (scripted) return scripted;
      let answer = new Uint8Array();
      if (method === "StartConversation") {
        answer = StartConversationResponse.encode({
          conversation: {
            id: "cnv_1",
            status: ConversationStatus.CONVERSATION_STATUS_PENDING,
            agentName: "",
            lastSeq: 0,
            agentReadSeq: 0,
            rating: 0,
            createTime: undefined,
            lastMessageTime: undefined,
            queuePosition: 0,
            withBot: false,
          },
          resumed: false,
        }).finish();
      } else if (method === "SendMessage") {
        const request = SendMessageRequest.decode(sent.slice(5));
        seq += 1;
        answer = SendMessageResponse.encode({
          message: {
            id: `msg_${seq}`,
            conversationId: request.conversationId,
            seq,
            senderType: SenderType.SENDER_TYPE_VISITOR,
            senderId: "vis_1",
            senderName: "",
            body: request.body,
            internal: false,
            attachments: [],
            clientKey: request.clientKey,
            createTime: new Date(),
          },
        }).finish();
      }
      return new Response(new Uint8Array([...frame(0, answer), ...ok]), { headers });
    }
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
  return { feeds, calls, fetch };
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

describe("when the server throttles", () => {
  let server: ReturnType<typeof fakeServer>;
  let chat: Chat;

  async function boot(script: Record<string, Response[]>, wait = 100) {
    server = fakeServer(script);
    vi.stubGlobal("fetch", server.fetch);
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => {},
      emit: () => {},
      chime: () => {},
      proactive: () => {},
    });
    const booting = chat.boot("en");
    await vi.advanceTimersByTimeAsync(wait);
    await booting;
  }
  const sends = () =>
    server.calls
      .filter((c) => c.method === "SendMessage")
      .map((c) => ({ at: c.at, key: SendMessageRequest.decode(c.request).clientKey }));

  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    chat.shutdown();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("keeps a message pending, says when it goes again, and sends it after retry-after", async () => {
    await boot({ SendMessage: [throttled("4")] });
    const sending = chat.send("Hello?");
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.messages.map((m) => [m.body, m.state])).toEqual([["Hello?", "sending"]]);
    expect(chat.slowDown).toBe(4);
    expect(chat.notice).toBe("");

    // A message written meanwhile waits too instead of running into the limit.
    const second = chat.send("Anyone there?");
    await vi.advanceTimersByTimeAsync(3_900);
    expect(sends()).toHaveLength(1);
    expect(chat.messages.map((m) => m.state)).toEqual(["sending", "sending"]);

    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([sending, second]);
    const [first, again, other] = sends();
    expect(again?.key).toBe(first?.key); // the same idempotency key: never sent twice
    expect((again?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(4_000);
    expect(other?.key).not.toBe(first?.key);
    expect(chat.messages.map((m) => [m.body, m.state])).toEqual([
      ["Hello?", "sent"],
      ["Anyone there?", "sent"],
    ]);
    expect(chat.slowDown).toBe(0);
  });

  it("retries once only: a second refusal marks the message failed, kept for Retry", async () => {
    await boot({ SendMessage: [throttled("2"), throttled("2")] });
    const sending = chat.send("Hello?");
    await vi.advanceTimersByTimeAsync(2_000);
    await sending;
    expect(sends()).toHaveLength(2);
    expect(chat.messages.map((m) => [m.body, m.state])).toEqual([["Hello?", "failed"]]);
    expect(chat.notice).toContain("too many messages");
    expect(chat.slowDown).toBe(0);

    const key = chat.messages[0]?.key ?? "";
    const retried = chat.retry(key);
    await vi.advanceTimersByTimeAsync(0);
    await retried;
    expect(sends().map((s) => s.key)).toEqual([key, key, key]);
    expect(chat.messages.map((m) => m.state)).toEqual(["sent"]);
  });

  it("without retry-after, waits the normal backoff", async () => {
    await boot({ SendMessage: [throttled()] });
    const sending = chat.send("Hello?");
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.slowDown).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    await sending;
    expect(sends()).toHaveLength(2);
    expect(chat.messages.map((m) => m.state)).toEqual(["sent"]);
  });

  it("a throttled page view waits silently, then goes again", async () => {
    await boot({ RecordPageView: [throttled("3")] });
    const views = () => server.calls.filter((c) => c.method === "RecordPageView");
    expect(views()).toHaveLength(1);
    expect(chat.slowDown).toBe(0);
    await vi.advanceTimersByTimeAsync(2_800);
    expect(views()).toHaveLength(1);
    expect(chat.slowDown).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(views()).toHaveLength(2);
  });

  it("a throttled session start waits, then starts", async () => {
    await boot({ StartSession: [throttled("2")] }, 2_100);
    expect(server.calls.map((c) => c.method)).toEqual([
      "GetWidgetConfig",
      "StartSession",
      "StartSession",
      "RecordPageView",
    ]);
  });
});

describe("the transcript by e-mail", () => {
  let server: ReturnType<typeof fakeServer>;
  let chat: Chat;

  const line = (seq: number, senderType: SenderType, body: string): Message => ({
    id: `msg_${seq}`,
    conversationId: "cnv_1",
    seq,
    senderType,
    senderId: "",
    senderName: senderType === SenderType.SENDER_TYPE_AGENT ? "Ann" : "Ada",
    body,
    internal: false,
    attachments: [],
    clientKey: "",
    createTime: new Date(),
  });

  /** Boots a chat whose conversation has `messages`, on a server that sends e-mail or not. */
  async function boot(options: {
    emailEnabled: boolean;
    visitorEmail: string;
    messages: Message[];
    emailTranscript?: Response[];
  }) {
    server = fakeServer({
      GetWidgetConfig: [
        answer(
          GetWidgetConfigResponse.encode({
            config: {
              appearance: undefined,
              texts: undefined,
              behavior: undefined,
              online: true,
              emailEnabled: options.emailEnabled,
            },
          }).finish(),
        ),
      ],
      StartSession: [
        answer(
          StartSessionResponse.encode({
            visitorToken: "vtok",
            visitor: { id: "vis_1", name: "Ada", email: options.visitorEmail, verified: false },
          }).finish(),
        ),
      ],
      ListVisitorConversations: [
        answer(
          ListVisitorConversationsResponse.encode({
            conversations: [
              {
                id: "cnv_1",
                status: ConversationStatus.CONVERSATION_STATUS_WAITING,
                agentName: "Ann",
                lastSeq: options.messages.length,
                agentReadSeq: 0,
                rating: 0,
                createTime: new Date(),
                lastMessageTime: new Date(),
                queuePosition: 0,
                withBot: false,
              },
            ],
          }).finish(),
        ),
      ],
      ListMessages: [
        answer(
          ListMessagesResponse.encode({ messages: options.messages, hasMore: false }).finish(),
        ),
      ],
      EmailTranscript: options.emailTranscript ?? [],
    });
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
    server.feeds[0]?.send(heartbeat("1"));
    await vi.advanceTimersByTimeAsync(100);
  }

  const requests = () =>
    server.calls
      .filter((c) => c.method === "EmailTranscript")
      .map((c) => EmailTranscriptRequest.decode(c.request));

  const answered = [
    line(1, SenderType.SENDER_TYPE_VISITOR, "Do you ship to Norway?"),
    line(2, SenderType.SENDER_TYPE_AGENT, "We do."),
  ];

  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    chat.shutdown();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("is offered only once the team has answered, and only when the server sends e-mail", async () => {
    await boot({ emailEnabled: true, visitorEmail: "", messages: answered.slice(0, 1) });
    expect(chat.messages).toHaveLength(1);
    expect(chat.canEmailTranscript).toBe(false);
    chat.shutdown();

    await boot({ emailEnabled: false, visitorEmail: "", messages: answered });
    expect(chat.messages).toHaveLength(2);
    expect(chat.canEmailTranscript).toBe(false);
    chat.shutdown();

    await boot({ emailEnabled: true, visitorEmail: "", messages: answered });
    expect(chat.canEmailTranscript).toBe(true);
  });

  it("opens prefilled with the visitor's address, sends, and says where it went", async () => {
    await boot({
      emailEnabled: true,
      visitorEmail: "ada@example.org",
      messages: answered,
      emailTranscript: [answer(new Uint8Array())],
    });
    expect(chat.transcript).toEqual({ step: "closed" });
    chat.showTranscriptForm(true);
    expect(chat.transcript).toEqual({
      step: "open",
      conversationId: "cnv_1",
      email: "ada@example.org",
      problem: "",
    });

    const sending = chat.emailTranscript("ada@work.example");
    expect(chat.transcript.step).toBe("sending");
    await sending;
    expect(requests()).toEqual([{ conversationId: "cnv_1", email: "ada@work.example" }]);
    expect(chat.transcript).toEqual({
      step: "sent",
      conversationId: "cnv_1",
      email: "ada@work.example",
    });
    // The visitor already had an address: the server keeps it, and so does the widget.
    expect(chat.visitor?.email).toBe("ada@example.org");
  });

  it("remembers the address for next time when the visitor had none", async () => {
    await boot({
      emailEnabled: true,
      visitorEmail: "",
      messages: answered,
      emailTranscript: [answer(new Uint8Array())],
    });
    chat.showTranscriptForm(true);
    expect(chat.transcript).toMatchObject({ step: "open", email: "" });
    await chat.emailTranscript("ada@example.org");
    expect(chat.visitor?.email).toBe("ada@example.org");
    chat.showTranscriptForm(true);
    expect(chat.transcript).toMatchObject({ step: "open", email: "ada@example.org" });
  });

  it("shows why it was refused and leaves trying again to the visitor", async () => {
    await boot({
      emailEnabled: true,
      visitorEmail: "",
      messages: answered,
      emailTranscript: [
        refusal(3, "email: must be an e-mail address"),
        refusal(8, "too many transcripts by e-mail; try again in 1200 s"),
        refusal(14, "the server is restarting"),
        answer(new Uint8Array()),
      ],
    });
    chat.showTranscriptForm(true);

    await chat.emailTranscript("ada@example");
    expect(chat.transcript).toMatchObject({
      step: "open",
      email: "ada@example",
      problem: "badEmail",
    });

    // Over the hourly limit: told to come back later, and nothing goes again by itself.
    await chat.emailTranscript("ada@example.org");
    expect(chat.transcript).toMatchObject({ step: "open", problem: "transcriptLimit" });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(requests()).toHaveLength(2);
    expect(chat.slowDown).toBe(0);

    await chat.emailTranscript("ada@example.org");
    expect(chat.transcript).toMatchObject({ step: "open", problem: "transcriptFailed" });
    await chat.emailTranscript("ada@example.org");
    expect(chat.transcript).toMatchObject({ step: "sent", email: "ada@example.org" });
    expect(requests()).toHaveLength(4);
  });

  it("closes with Cancel, and a new conversation starts without the old form", async () => {
    await boot({ emailEnabled: true, visitorEmail: "", messages: answered });
    chat.showTranscriptForm(true);
    chat.showTranscriptForm(false);
    expect(chat.transcript).toEqual({ step: "closed" });

    chat.showTranscriptForm(true);
    chat.conversation = chat.conversation && { ...chat.conversation, id: "cnv_2" };
    expect(chat.transcript).toEqual({ step: "closed" });
  });
});
