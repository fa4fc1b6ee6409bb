//! The AI bot in the panel (happy-dom, the chat against a scripted grpc-web server): the
//! header names it as an AI assistant, the bar above the composer hands the conversation to a
//! person, its answer grows in one bubble while it is written and the stored message takes
//! that bubble's place once (never both, also for a late draft), a dropped answer goes away,
//! and the articles an answer cites are listed, linked only to http(s) addresses.

// @vitest-environment happy-dom

import {
  ConversationStatus,
  GetWidgetConfigResponse,
  ListMessagesResponse,
  ListVisitorConversationsResponse,
  type Message,
  RequestHumanResponse,
  SenderType,
  StartSessionResponse,
  type VisitorConversation,
  WatchVisitorFeedResponse,
} from "@porthole/client/lean";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";
import { translator } from "./i18n.js";
import { View } from "./view.js";

/** One grpc-web frame: the flag byte, the big-endian length, the bytes. */
function frame(flag: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array([flag, 0, 0, 0, 0, ...data]);
  new DataView(out.buffer).setUint32(1, data.length);
  return out;
}
const ok = frame(0x80, new TextEncoder().encode("grpc-status: 0\r\n"));
const answer = (bytes: Uint8Array) =>
  new Response(new Uint8Array([...frame(0, bytes), ...ok]), {
    headers: { "content-type": "application/grpc-web+proto" },
  });

const conversation = (more: Partial<VisitorConversation> = {}): VisitorConversation => ({
  id: "cnv_1",
  status: ConversationStatus.CONVERSATION_STATUS_PENDING,
  agentName: "",
  lastSeq: 1,
  agentReadSeq: 0,
  rating: 0,
  createTime: new Date(),
  lastMessageTime: new Date(),
  queuePosition: 0,
  withBot: true,
  ...more,
});

const message = (seq: number, from: SenderType, body: string, more: Partial<Message> = {}) => ({
  id: `msg_${seq}`,
  conversationId: "cnv_1",
  seq,
  senderType: from,
  senderId: "",
  senderName: from === SenderType.SENDER_TYPE_BOT ? "Penny" : "Ada",
  body,
  internal: false,
  attachments: [],
  clientKey: from === SenderType.SENDER_TYPE_VISITOR ? `key_${seq}` : "",
  createTime: new Date(),
  citations: [],
  ...more,
});

describe("the AI bot in the panel", () => {
  let chat: Chat;
  let view: View;
  let feed: ((event: WatchVisitorFeedResponse["event"]) => void) | undefined;
  let calls: string[];

  /**
   * A visitor on a bot widget (avatar `avatarUrl`) whose conversation is with the bot and
   * holds their question; RequestHuman answers with the conversation queued.
   */
  async function boot(avatarUrl = "") {
    const unary: Record<string, () => Uint8Array> = {
      GetWidgetConfig: () =>
        GetWidgetConfigResponse.encode({
          config: {
            appearance: undefined,
            texts: undefined,
            behavior: undefined,
            online: true,
            emailEnabled: false,
            bot: { name: "Penny", avatarUrl },
          },
        }).finish(),
      StartSession: () =>
        StartSessionResponse.encode({
          visitorToken: "vtok",
          visitor: { id: "vis_1", name: "Ada", email: "", verified: false },
        }).finish(),
      ListVisitorConversations: () =>
        ListVisitorConversationsResponse.encode({ conversations: [conversation()] }).finish(),
      ListMessages: () =>
        ListMessagesResponse.encode({
          messages: [message(1, SenderType.SENDER_TYPE_VISITOR, "How long do refunds take?")],
          hasMore: false,
        }).finish(),
      RequestHuman: () =>
        RequestHumanResponse.encode({
          conversation: conversation({ withBot: false, queuePosition: 1 }),
        }).finish(),
    };
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = String(input).split("/").pop() ?? "";
      calls.push(method);
      if (method !== "WatchVisitorFeed") return answer(unary[method]?.() ?? new Uint8Array());
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          feed = (event) =>
            controller.enqueue(
              frame(0, WatchVisitorFeedResponse.encode({ cursor: "1", event }).finish()),
            );
          init?.signal?.addEventListener("abort", () =>
            controller.error(new DOMException("aborted", "AbortError")),
          );
        },
      });
      return new Response(body, { headers: { "content-type": "application/grpc-web+proto" } });
    });
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => view?.render(),
      emit: () => {},
      chime: () => {},
      proactive: () => {},
    });
    view = new View(chat, translator("en"), () => {});
    document.body.append(view.host);
    view.setOpen(true, false);
    await chat.boot("en");
    await vi.advanceTimersByTimeAsync(0);
    feed?.({ $case: "heartbeat", value: {} });
    await vi.advanceTimersByTimeAsync(100);
  }

  const root = () => view.host.shadowRoot as ShadowRoot;
  const q = <T extends Element = HTMLElement>(selector: string) =>
    root().querySelector<T>(selector);
  const all = (selector: string) => Array.from(root().querySelectorAll<HTMLElement>(selector));
  const say = async (event: WatchVisitorFeedResponse["event"]) => {
    feed?.(event);
    await vi.advanceTimersByTimeAsync(10);
  };
  const typing = (draft: string, typing = true) =>
    say({ $case: "typing", value: { conversationId: "cnv_1", typing, name: "Penny", draft } });
  /** The rows showing `text` in a bubble: the draft's and the messages'. */
  const rowsWith = (text: string) =>
    all(".row").filter((row) => row.querySelector(".bubble")?.textContent?.includes(text));

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    feed = undefined;
  });

  afterEach(() => {
    chat.shutdown();
    view.dispose();
    view.host.remove();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("names the bot as an AI assistant and hands over to a person from the bar", async () => {
    await boot();
    expect(q(".head p")?.textContent).toBe("Penny · AI assistant");
    const bar = q("[data-bot]");
    expect(bar?.hidden).toBe(false);
    expect(bar?.textContent).toContain("Penny is an AI assistant.");
    q<HTMLButtonElement>("[data-human]")?.click();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toContain("RequestHuman");
    // With the team now: no bar, the header and the log say the team has it.
    expect(q("[data-bot]")?.hidden).toBe(true);
    expect(q(".head p")?.textContent).toBe("Waiting for our team");
    expect(q("[data-queue]")?.textContent).toBe(
      "Our team has your message: you're number 1 in line. We'll answer here as soon as someone is free.",
    );
    expect(root().activeElement).toBe(q(".compose textarea"));
  });

  it("grows the answer in one bubble, then the stored message takes its place once", async () => {
    await boot();
    await typing("");
    expect(q(".typing")?.textContent).toBe("Penny is typing…");
    expect(q("[data-draft]")).toBeNull();

    await typing("Refunds take");
    const draft = q("[data-draft]");
    expect(draft?.querySelector(".bubble")?.textContent).toBe("Refunds take");
    expect(draft?.querySelector(".who")?.textContent).toContain("Penny");
    expect(draft?.getAttribute("aria-hidden")).toBe("true");
    // The line says it to screen readers only: the bubble shows it.
    expect(q(".typing .sr")?.textContent).toBe("Penny is typing…");
    await typing("Refunds take 30 days [1].");
    expect(all("[data-draft]")).toHaveLength(1);
    expect(q("[data-draft] .bubble")?.textContent).toBe("Refunds take 30 days [1].");

    const stored = message(2, SenderType.SENDER_TYPE_BOT, "Refunds take 30 days [1].", {
      citations: [
        { articleId: "art_1", title: "Refund policy", url: "https://shop.example/refunds" },
      ],
    });
    await say({ $case: "messageCreated", value: stored });
    expect(q("[data-draft]")).toBeNull();
    expect(rowsWith("Refunds take 30 days")).toHaveLength(1);
    // A late draft of the same answer changes nothing; the stop ends the typing line.
    await typing("Refunds take 30 days [1].");
    expect(rowsWith("Refunds take 30 days")).toHaveLength(1);
    await typing("", false);
    expect(rowsWith("Refunds take 30 days")).toHaveLength(1);
    expect(q(".typing")?.textContent).toBe("");

    const row = q('[data-seq="2"]');
    expect(row?.querySelector(".who")?.textContent).toBe("PPennyAI");
    const link = row?.querySelector<HTMLAnchorElement>("[data-sources] a");
    expect(link?.textContent).toBe("Refund policy");
    expect(link?.getAttribute("href")).toBe("https://shop.example/refunds");
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(link?.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("takes a dropped answer away (handed to a person while it was written)", async () => {
    await boot();
    await typing("Let me check");
    expect(q("[data-draft]")).not.toBeNull();
    await typing("", false);
    expect(q("[data-draft]")).toBeNull();
    expect(rowsWith("Let me check")).toHaveLength(0);
  });

  it("forgets a draft that stopped coming (lost with the connection)", async () => {
    await boot();
    await typing("Let me check");
    await vi.advanceTimersByTimeAsync(14_000);
    expect(q("[data-draft]")).not.toBeNull();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(q("[data-draft]")).toBeNull();
  });

  it("lists sources as text unless they have an http(s) address, and shows avatars safely", async () => {
    await boot("/avatars/penny.png");
    await say({
      $case: "messageCreated",
      value: message(2, SenderType.SENDER_TYPE_BOT, "See [1], [2] and [3].", {
        citations: [
          { articleId: "art_1", title: "Refunds", url: "http://shop.example/refunds" },
          { articleId: "art_2", title: "Shipping", url: "" },
          { articleId: "art_3", title: "<b>Trick</b>", url: "javascript:alert(1)" },
        ],
      }),
    });
    const items = all("[data-sources] li");
    expect(items.map((li) => li.textContent)).toEqual(["Refunds", "Shipping", "<b>Trick</b>"]);
    expect(items.map((li) => li.querySelector("a")?.getAttribute("href") ?? "")).toEqual([
      "http://shop.example/refunds",
      "",
      "",
    ]);
    expect(root().querySelector("[data-sources] b")).toBeNull();
    expect(q<HTMLImageElement>('[data-seq="2"] img.av')?.getAttribute("src")).toBe(
      "http://chat.test/avatars/penny.png",
    );
  });

  it("shows the initial instead of an avatar that is not a web address", async () => {
    await boot("javascript:alert(1)");
    await typing("Hello");
    expect(q("[data-draft] img")).toBeNull();
    expect(q("[data-draft] .av")?.textContent).toBe("P");
  });
});
