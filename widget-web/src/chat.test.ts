//! The chat against a scripted grpc-web server. The live feed: heartbeats keep it open, and
//! a stream that goes silent (no event, not even a heartbeat, for 45 s) is dropped and
//! resumed from its cursor. Throttling: a send the server refuses with RESOURCE_EXHAUSTED
//! stays pending with a note and goes again once after `retry-after`; page views wait
//! silently. The transcript by e-mail: offered once the team has answered, prefilled with
//! the visitor's address, and a refusal (bad address, hourly limit, failure) shown in the
//! form and never retried by itself. The conversation lifecycle: a message refused because
//! its conversation has ended goes into a new one (files uploaded again), a new conversation
//! on request, the list with each conversation's last message, earlier ones read only. The
//! shared rules themselves are tested in client-sdk/ts/src/rules.

// @vitest-environment happy-dom

import {
  ConversationStatus,
  EmailTranscriptRequest,
  GetWidgetConfigResponse,
  ListMessagesRequest,
  ListMessagesResponse,
  ListVisitorConversationsResponse,
  type Message,
  SenderType,
  SendMessageRequest,
  SendMessageResponse,
  StartConversationRequest,
  StartConversationResponse,
  StartSessionResponse,
  SubmitOfflineMessageResponse,
  UploadAttachmentRequest,
  UploadAttachmentResponse,
  type VisitorConversation,
  WatchVisitorFeedRequest,
  WatchVisitorFeedResponse,
} from "@porthole/client/lean";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";

// Uploads go through XMLHttpRequest for their progress; here, through the fake server.
vi.mock("./upload.js", () => ({
  fetchWithProgress: () => (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
}));

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
            withFlow: false,
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
            citations: [],
            quickReplies: [],
            automated: false,
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
    citations: [],
    quickReplies: [],
    automated: false,
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
              bot: undefined,
              agentsOnline: true,
              proactiveMessages: [],
              flowOpening: [],
              assistantName: "",
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
                withFlow: false,
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

describe("the conversation lifecycle", () => {
  let server: ReturnType<typeof fakeServer>;
  let chat: Chat;

  const conversation = (
    id: string,
    status: ConversationStatus,
    more: Partial<VisitorConversation> = {},
  ): VisitorConversation => ({
    id,
    status,
    agentName: "Ann",
    lastSeq: 2,
    agentReadSeq: 2,
    rating: 0,
    createTime: new Date(1_700_000_000_000),
    lastMessageTime: new Date(1_700_000_100_000),
    queuePosition: 0,
    withBot: false,
    withFlow: false,
    ...more,
  });
  const resolved = conversation("cnv_1", ConversationStatus.CONVERSATION_STATUS_RESOLVED, {
    rating: 4,
  });
  const line = (conversationId: string, seq: number, from: SenderType, body: string): Message => ({
    id: `msg_${conversationId}_${seq}`,
    conversationId,
    seq,
    senderType: from,
    senderId: "",
    senderName: from === SenderType.SENDER_TYPE_AGENT ? "Ann" : "Ada",
    body,
    internal: false,
    attachments: [],
    clientKey: from === SenderType.SENDER_TYPE_VISITOR ? `key_${seq}` : "",
    createTime: new Date(),
    citations: [],
    quickReplies: [],
    automated: false,
  });
  const history = [
    line("cnv_1", 1, SenderType.SENDER_TYPE_VISITOR, "Do you ship to Norway?"),
    line("cnv_1", 2, SenderType.SENDER_TYPE_AGENT, "We do."),
  ];
  const listed = (...conversations: VisitorConversation[]) =>
    answer(ListVisitorConversationsResponse.encode({ conversations }).finish());
  const page = (messages: Message[]) =>
    answer(ListMessagesResponse.encode({ messages, hasMore: false }).finish());
  const started = (id: string, resumed = false) =>
    answer(
      StartConversationResponse.encode({
        conversation: conversation(id, ConversationStatus.CONVERSATION_STATUS_PENDING, {
          lastSeq: 0,
          agentName: "",
        }),
        resumed,
      }).finish(),
    );
  const endedRefusal = () => refusal(9, "this conversation was resolved; start a new one");

  /** Boots a visitor whose latest conversation is `list[0]` (with `history`). */
  async function boot(script: Record<string, Response[]>, online = true) {
    server = fakeServer({
      GetWidgetConfig: [
        answer(
          GetWidgetConfigResponse.encode({
            config: {
              appearance: undefined,
              texts: undefined,
              behavior: undefined,
              online,
              emailEnabled: false,
              bot: undefined,
              agentsOnline: online,
              proactiveMessages: [],
              flowOpening: [],
              assistantName: "",
            },
          }).finish(),
        ),
      ],
      StartSession: [
        answer(
          StartSessionResponse.encode({
            visitorToken: "vtok",
            visitor: { id: "vis_1", name: "Ada", email: "ada@example.org", verified: false },
          }).finish(),
        ),
      ],
      ...script,
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

  const called = (...methods: string[]) =>
    server.calls.filter((c) => methods.includes(c.method)).map((c) => c.method);
  const requests = <T>(method: string, decode: (bytes: Uint8Array) => T) =>
    server.calls.filter((c) => c.method === method).map((c) => decode(c.request));
  const shown = () => chat.messages.map((m) => [m.body, m.state]);

  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    chat.shutdown();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("sends a message refused by an ended conversation into a new one, keeping the old rating there", async () => {
    await boot({
      ListVisitorConversations: [listed(resolved)],
      ListMessages: [page(history)],
      SendMessage: [endedRefusal()],
      StartConversation: [started("cnv_2")],
    });
    expect(chat.conversation?.id).toBe("cnv_1");
    expect(chat.endAction).toBe("newConversation");
    expect(chat.readOnly).toBe(false);

    await chat.send("One more question");
    const sends = requests("SendMessage", SendMessageRequest.decode);
    expect(sends.map((r) => [r.conversationId, r.body])).toEqual([
      ["cnv_1", "One more question"],
      ["cnv_2", "One more question"],
    ]);
    expect(sends[1]?.clientKey).toBe(sends[0]?.clientKey);
    expect(requests("StartConversation", StartConversationRequest.decode)[0]?.startNew).toBe(true);
    // The view moved on: only the new message, sent, no rating card and no error.
    expect(chat.conversation?.id).toBe("cnv_2");
    expect(shown()).toEqual([["One more question", "sent"]]);
    expect(chat.notice).toBe("");
    expect(chat.endAction).toBe("");
    // The old conversation, with its rating, is still the visitor's, in the list.
    expect(chat.conversations.map((c) => [c.id, c.rating])).toEqual([
      ["cnv_2", 0],
      ["cnv_1", 4],
    ]);
  });

  it("uploads a file again into the new conversation", async () => {
    const uploaded = (id: string) =>
      answer(
        UploadAttachmentResponse.encode({
          attachment: {
            id,
            fileName: "beans.png",
            contentType: "image/png",
            sizeBytes: 3,
            url: `/files/${id}`,
          },
        }).finish(),
      );
    await boot({
      ListVisitorConversations: [listed(resolved)],
      ListMessages: [page(history)],
      UploadAttachment: [uploaded("att_1"), uploaded("att_2")],
      SendMessage: [endedRefusal()],
      StartConversation: [started("cnv_2")],
    });
    await chat.attach(new File([new Uint8Array([1, 2, 3])], "beans.png", { type: "image/png" }));
    expect(
      requests("UploadAttachment", UploadAttachmentRequest.decode).map((r) => [
        r.conversationId,
        r.fileName,
        r.data.length,
      ]),
    ).toEqual([
      ["cnv_1", "beans.png", 3],
      ["cnv_2", "beans.png", 3],
    ]);
    expect(
      requests("SendMessage", SendMessageRequest.decode).map((r) => [
        r.conversationId,
        r.attachmentIds,
      ]),
    ).toEqual([
      ["cnv_1", ["att_1"]],
      ["cnv_2", ["att_2"]],
    ]);
    expect(chat.conversation?.id).toBe("cnv_2");
    expect(chat.upload).toBeUndefined();
    expect(chat.notice).toBe("");
  });

  it("gives up (Retry) when no new conversation comes, and on other refusals", async () => {
    const open = conversation("cnv_1", ConversationStatus.CONVERSATION_STATUS_ACTIVE);
    await boot({
      ListVisitorConversations: [listed(open)],
      ListMessages: [page(history)],
      SendMessage: [endedRefusal(), refusal(3, "body: must be at most 10000 characters")],
      StartConversation: [
        answer(StartConversationResponse.encode({ conversation: open, resumed: true }).finish()),
      ],
    });
    // The server hands back the same conversation: no loop, the message waits for Retry.
    await chat.send("Hello again");
    expect(called("SendMessage", "StartConversation")).toEqual([
      "SendMessage",
      "StartConversation",
    ]);
    expect(chat.messages.at(-1)?.state).toBe("failed");
    expect(chat.notice).toContain("start a new one");

    await chat.send("x");
    expect(called("StartConversation")).toHaveLength(1);
    expect(chat.messages.at(-1)?.state).toBe("failed");
  });

  it("starts a new conversation on request, even within the quiet period", async () => {
    await boot({
      ListVisitorConversations: [listed(resolved)],
      ListMessages: [page(history)],
      StartConversation: [started("cnv_2")],
    });
    chat.startNew();
    expect(chat.conversation).toBeUndefined();
    expect(chat.messages).toEqual([]);
    expect(chat.screen).toBe("chat");
    expect(called("StartConversation")).toEqual([]);

    // News of the resolved conversation meanwhile does not bring it back.
    server.feeds[0]?.send(
      frame(
        0,
        WatchVisitorFeedResponse.encode({
          cursor: "2",
          event: { $case: "conversationUpdated", value: resolved },
        }).finish(),
      ),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.conversation).toBeUndefined();

    await chat.send("A new question");
    expect(requests("StartConversation", StartConversationRequest.decode)[0]?.startNew).toBe(true);
    expect(requests("SendMessage", SendMessageRequest.decode).map((r) => r.conversationId)).toEqual(
      ["cnv_2"],
    );
    expect(chat.conversation?.id).toBe("cnv_2");
    expect(shown()).toEqual([["A new question", "sent"]]);
  });

  it("lists the conversations with their last messages, opens an earlier one read only", async () => {
    const open = conversation("cnv_2", ConversationStatus.CONVERSATION_STATUS_ACTIVE, {
      lastSeq: 1,
    });
    await boot({
      ListVisitorConversations: [
        listed(open, resolved),
        listed(open, resolved),
        listed(open, resolved),
        listed(open, resolved),
      ],
      ListMessages: [
        page([line("cnv_2", 1, SenderType.SENDER_TYPE_VISITOR, "Still there?")]),
        page([line("cnv_2", 1, SenderType.SENDER_TYPE_VISITOR, "Still there?")]),
        page(history),
        page(history),
      ],
    });
    expect(chat.conversation?.id).toBe("cnv_2");
    await chat.showConversations(true);
    expect(chat.screen).toBe("list");
    expect(chat.conversations.map((c) => c.id)).toEqual(["cnv_2", "cnv_1"]);
    expect(Object.fromEntries(chat.previews)).toEqual({
      cnv_2: { seq: 1, mine: true, text: "Still there?" },
      cnv_1: { seq: 2, mine: false, text: "We do." },
    });
    // Read once per new message: listing again asks for no messages.
    const pages = called("ListMessages").length;
    await chat.showConversations(true);
    expect(called("ListMessages")).toHaveLength(pages);

    await chat.openConversation("cnv_1");
    expect(chat.screen).toBe("chat");
    expect(chat.conversation?.id).toBe("cnv_1");
    expect(shown()).toEqual([
      ["Do you ship to Norway?", "sent"],
      ["We do.", "sent"],
    ]);
    expect(chat.readOnly).toBe(true);
    // Another conversation is open: the way back to it, not a new one.
    expect(chat.endAction).toBe("backToCurrent");
    expect(requests("ListMessages", ListMessagesRequest.decode).at(-1)?.conversationId).toBe(
      "cnv_1",
    );
  });

  it("takes an offline message without an address, keeping the one it knew", async () => {
    await boot(
      {
        ListVisitorConversations: [listed()],
        SubmitOfflineMessage: [
          answer(
            SubmitOfflineMessageResponse.encode({
              conversation: conversation("cnv_3", ConversationStatus.CONVERSATION_STATUS_PENDING),
            }).finish(),
          ),
        ],
      },
      false,
    );
    expect(chat.screen).toBe("offline");
    expect(await chat.submitOffline("", "", "Back on Monday?")).toBe(true);
    expect(chat.visitor?.email).toBe("ada@example.org");
    expect(chat.conversation?.id).toBe("cnv_3");
    expect(chat.screen).toBe("chat");
  });
});
