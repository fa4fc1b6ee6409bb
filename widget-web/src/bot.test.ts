//! The AI bot in the panel (happy-dom, the chat against a scripted grpc-web server): the
//! header names it as an AI assistant, the bar above the composer hands the conversation to a
//! person, its answer grows in one bubble while it is written and the stored message takes
//! that bubble's place once (never both, also for a late draft), a dropped answer goes away,
//! and the articles an answer cites are listed, linked only to http(s) addresses. Handed to
//! the team (by the visitor or by the server), the widget reads again whether a person is
//! there: the place in line if so, else the truth and a field for the visitor's address.

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
  UpdateVisitorRequest,
  UpdateVisitorResponse,
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
/** A refusal with gRPC status `code` (trailers only). */
const refusal = (code: number) =>
  new Response(new Uint8Array(frame(0x80, new TextEncoder().encode(`grpc-status: ${code}\r\n`))), {
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
  withFlow: false,
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
  quickReplies: [],
  automated: false,
  ...more,
});

describe("the AI bot in the panel", () => {
  let chat: Chat;
  let view: View;
  let feed: ((event: WatchVisitorFeedResponse["event"]) => void) | undefined;
  let calls: string[];
  /** What GetWidgetConfig says now: whether a person answers, whether the server mails. */
  let team: { agentsOnline: boolean; emailEnabled: boolean };
  /** The visitor's conversation as ListVisitorConversations lists it now. */
  let listed: VisitorConversation;
  /** The addresses UpdateVisitor was given, and what it answers next (a refusal's code). */
  let addresses: string[];
  let refuseUpdate: number | undefined;

  /**
   * A visitor on a bot widget (avatar `avatarUrl`) whose conversation is with the bot and
   * holds their question; RequestHuman answers with the conversation queued. By default a
   * person answers now (`team`), and the server sends no e-mail.
   */
  async function boot(avatarUrl = "") {
    const unary: Record<string, (request: Uint8Array) => Uint8Array> = {
      GetWidgetConfig: () =>
        GetWidgetConfigResponse.encode({
          config: {
            appearance: undefined,
            texts: undefined,
            behavior: undefined,
            // The bot answers around the clock: `online` says nothing about people.
            online: true,
            emailEnabled: team.emailEnabled,
            bot: { name: "Penny", avatarUrl },
            agentsOnline: team.agentsOnline,
            proactiveMessages: [],
            flowOpening: [],
            assistantName: "",
          },
        }).finish(),
      StartSession: () =>
        StartSessionResponse.encode({
          visitorToken: "vtok",
          visitor: { id: "vis_1", name: "Ada", email: "", verified: false },
        }).finish(),
      UpdateVisitor: (request) => {
        const email = UpdateVisitorRequest.decode(request).email ?? "";
        addresses.push(email);
        return UpdateVisitorResponse.encode({
          visitor: { id: "vis_1", name: "Ada", email, verified: false },
        }).finish();
      },
      ListVisitorConversations: () =>
        ListVisitorConversationsResponse.encode({ conversations: [listed] }).finish(),
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
      if (method === "UpdateVisitor" && refuseUpdate !== undefined) return refusal(refuseUpdate);
      const request = ((init?.body ?? new Uint8Array(5)) as Uint8Array).slice(5);
      if (method !== "WatchVisitorFeed")
        return answer(unary[method]?.(request) ?? new Uint8Array());
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
    team = { agentsOnline: true, emailEnabled: false };
    listed = conversation();
    addresses = [];
    refuseUpdate = undefined;
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
    // With the team now: no bar, the header and the log say the team has it. Whether a person
    // is there was read again at the hand-over: someone is, so the place in line.
    expect(calls.filter((c) => c === "GetWidgetConfig")).toHaveLength(2);
    expect(q("[data-bot]")?.hidden).toBe(true);
    expect(q(".head p")?.textContent).toBe("Waiting for our team");
    expect(q("[data-queue]")?.textContent).toBe(
      "Our team has your message: you're number 1 in line. We'll answer here as soon as someone is free.",
    );
    expect(q("[data-away]")).toBeNull();
    expect(root().activeElement).toBe(q(".compose textarea"));
  });

  it("handed over with nobody there: says so, and takes an address for the answer", async () => {
    team = { agentsOnline: false, emailEnabled: true };
    await boot();
    q<HTMLButtonElement>("[data-human]")?.click();
    await vi.advanceTimersByTimeAsync(10);
    expect(q(".head p")?.textContent).toBe("Waiting for our team");
    // Never a place in a line nobody serves: the truth, and what the visitor can do.
    expect(q("[data-queue]")).toBeNull();
    expect(q("[data-away]")?.textContent).toBe(
      "Nobody is available right now. Leave your e-mail address and we'll reply by e-mail, and here.",
    );
    expect(q(".compose textarea")?.getAttribute("placeholder")).toBe("Add to your message…");
    const form = () => q<HTMLFormElement>("form[data-away-email]");
    const field = () => form()?.querySelector<HTMLInputElement>("input");
    expect(field()?.getAttribute("aria-label")).toBe("E-mail");

    // A bad address is caught here, beside the field, before anything is sent.
    (field() as HTMLInputElement).value = "sam@";
    form()?.requestSubmit();
    expect(form()?.querySelector(".e")?.textContent).toBe("Please enter a valid e-mail address.");
    expect(field()?.getAttribute("aria-invalid")).toBe("true");
    expect(addresses).toEqual([]);

    (field() as HTMLInputElement).value = " sam@example.org ";
    form()?.requestSubmit();
    await vi.advanceTimersByTimeAsync(10);
    expect(addresses).toEqual(["sam@example.org"]);
    expect(form()).toBeNull();
    expect(q("[data-away]")?.textContent).toBe(
      "Nobody is available right now. We'll reply by e-mail to sam@example.org, and here.",
    );
    expect(root().activeElement).toBe(q(".compose textarea"));
  });

  it("keeps the address and says why when the server refuses it", async () => {
    team = { agentsOnline: false, emailEnabled: true };
    await boot();
    q<HTMLButtonElement>("[data-human]")?.click();
    await vi.advanceTimersByTimeAsync(10);
    const form = () => q<HTMLFormElement>("form[data-away-email]");
    const field = () => form()?.querySelector<HTMLInputElement>("input");
    refuseUpdate = 3;
    (field() as HTMLInputElement).value = "sam@example.invalid";
    form()?.requestSubmit();
    await vi.advanceTimersByTimeAsync(10);
    expect(form()?.querySelector("[role=alert]")?.textContent).toBe(
      "Please enter a valid e-mail address.",
    );
    expect(field()?.value).toBe("sam@example.invalid");
    expect(root().activeElement).toBe(field());
    refuseUpdate = 14;
    form()?.requestSubmit();
    await vi.advanceTimersByTimeAsync(10);
    expect(form()?.querySelector("[role=alert]")?.textContent).toBe(
      "Your address couldn't be saved. Please try again.",
    );
  });

  it("without e-mail from the server, promises only an answer here", async () => {
    team = { agentsOnline: false, emailEnabled: false };
    await boot();
    q<HTMLButtonElement>("[data-human]")?.click();
    await vi.advanceTimersByTimeAsync(10);
    expect(q("[data-away]")?.textContent).toBe(
      "Nobody is available right now. We'll answer here when you come back.",
    );
    expect(q("form[data-away-email]")).toBeNull();
  });

  it("handed over by the server: reads who is there, and follows them coming in", async () => {
    // Nobody there at first: the model failed and the server gave the conversation to the team.
    team = { agentsOnline: false, emailEnabled: false };
    await boot();
    listed = conversation({ withBot: false, queuePosition: 1 });
    await say({ $case: "conversationUpdated", value: listed });
    expect(calls.filter((c) => c === "GetWidgetConfig")).toHaveLength(2);
    expect(q("[data-bot]")?.hidden).toBe(true);
    expect(q("[data-away]")).not.toBeNull();
    expect(q("[data-queue]")).toBeNull();
    // Someone comes in: the next heartbeat's fresh configuration says so.
    team.agentsOnline = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(q("[data-away]")).toBeNull();
    expect(q("[data-queue]")?.textContent).toContain("you're number 1 in line");
    // An update that is no hand-over reads nothing again.
    const reads = calls.filter((c) => c === "GetWidgetConfig").length;
    await say({ $case: "conversationUpdated", value: conversation({ withBot: false }) });
    expect(calls.filter((c) => c === "GetWidgetConfig")).toHaveLength(reads);
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
