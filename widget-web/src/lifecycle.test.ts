//! The conversation lifecycle in the panel (happy-dom): the list of the visitor's
//! conversations from the header (date, state, last message), an earlier one shown read
//! only with the way to a new conversation, a message that moves on to a new conversation
//! leaving the old rating card behind, and the offline form's address, optional when the
//! server sends no e-mail.

// @vitest-environment happy-dom

import {
  ConversationStatus,
  ListMessagesRequest,
  ListMessagesResponse,
  ListVisitorConversationsResponse,
  type Message,
  SenderType,
  SendMessageRequest,
  SendMessageResponse,
  StartConversationResponse,
  SubmitOfflineMessageRequest,
  SubmitOfflineMessageResponse,
  type VisitorConversation,
  type WidgetConfig,
} from "@porthole/client/lean";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";
import { translator } from "./i18n.js";
import { fromServer } from "./state.js";
import { View } from "./view.js";

/** A unary grpc-web answer carrying `bytes`. */
function answer(bytes: Uint8Array): Response {
  const frame = (flag: number, data: Uint8Array) => {
    const out = new Uint8Array([flag, 0, 0, 0, 0, ...data]);
    new DataView(out.buffer).setUint32(1, data.length);
    return out;
  };
  const trailer = new TextEncoder().encode("grpc-status: 0\r\n");
  return new Response(new Uint8Array([...frame(0, bytes), ...frame(0x80, trailer)]), {
    headers: { "content-type": "application/grpc-web+proto" },
  });
}

const refusal = (code: number, message: string) =>
  new Response(null, {
    headers: { "grpc-status": String(code), "grpc-message": encodeURIComponent(message) },
  });

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
  createTime: new Date(Date.UTC(2026, 10, 2, 9, 0)),
  lastMessageTime: new Date(Date.UTC(2026, 10, 2, 9, 30)),
  queuePosition: 0,
  withBot: false,
  withFlow: false,
  ...more,
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
  clientKey: "",
  createTime: new Date(),
  citations: [],
  quickReplies: [],
  automated: false,
});

const latest = conversation("cnv_2", ConversationStatus.CONVERSATION_STATUS_RESOLVED);
const earlier = conversation("cnv_1", ConversationStatus.CONVERSATION_STATUS_CLOSED, {
  rating: 5,
  lastMessageTime: new Date(Date.UTC(2026, 9, 14, 16, 5)),
});
const messagesOf: Record<string, Message[]> = {
  cnv_2: [
    line("cnv_2", 1, SenderType.SENDER_TYPE_VISITOR, "Is the grinder back in stock?"),
    line("cnv_2", 2, SenderType.SENDER_TYPE_AGENT, "Yes, since Monday."),
  ],
  cnv_1: [
    line("cnv_1", 1, SenderType.SENDER_TYPE_AGENT, "Your order is on its way."),
    line("cnv_1", 2, SenderType.SENDER_TYPE_VISITOR, "Thanks!"),
  ],
};

function config(more: Partial<WidgetConfig> = {}): WidgetConfig {
  return {
    appearance: undefined,
    texts: undefined,
    behavior: undefined,
    online: true,
    emailEnabled: false,
    bot: undefined,
    // Without a bot, a person answers exactly when the team is online.
    agentsOnline: more.online ?? true,
    proactiveMessages: [],
    flowOpening: [],
    assistantName: "",
    ...more,
  };
}

describe("the conversation lifecycle in the panel", () => {
  let chat: Chat;
  let view: View;
  let calls: { method: string; request: Uint8Array }[];

  /**
   * A server listing `latest` and `earlier` with their messages; `script` answers other
   * methods in turn (SendMessage stores the message when not scripted).
   */
  function serve(script: Record<string, Response[]> = {}) {
    calls = [];
    let seq = 2;
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = String(input).split("/").pop() ?? "";
      const request = ((init?.body ?? new Uint8Array(5)) as Uint8Array).slice(5);
      calls.push({ method, request });
      const scripted = script[method]?.shift();
      if (scripted) return scripted;
      if (method === "ListVisitorConversations")
        return answer(
          ListVisitorConversationsResponse.encode({ conversations: [latest, earlier] }).finish(),
        );
      if (method === "ListMessages") {
        const { conversationId } = ListMessagesRequest.decode(request);
        return answer(
          ListMessagesResponse.encode({
            messages: messagesOf[conversationId] ?? [],
            hasMore: false,
          }).finish(),
        );
      }
      if (method === "SendMessage") {
        const sent = SendMessageRequest.decode(request);
        seq += 1;
        return answer(
          SendMessageResponse.encode({
            message: {
              ...line(sent.conversationId, seq, SenderType.SENDER_TYPE_VISITOR, sent.body),
              clientKey: sent.clientKey,
            },
          }).finish(),
        );
      }
      return answer(new Uint8Array());
    });
  }

  /** The panel open on `latest` (resolved, not rated), in `locale`. */
  function show(widget: WidgetConfig = config(), locale = "en") {
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => view.render(),
      emit: () => {},
      chime: () => {},
      proactive: () => {},
    });
    chat.config = widget;
    chat.visitor = { id: "vis_1", name: "Ada", email: "", verified: false };
    chat.conversation = latest;
    chat.conversations = [latest, earlier];
    chat.messages = (messagesOf.cnv_2 ?? []).map(fromServer);
    view = new View(chat, translator(locale), () => {});
    document.body.append(view.host);
    view.setOpen(true, false);
  }

  const root = () => view.host.shadowRoot as ShadowRoot;
  const q = <T extends HTMLElement = HTMLElement>(selector: string) =>
    root().querySelector<T>(selector);
  const all = (selector: string) => Array.from(root().querySelectorAll<HTMLElement>(selector));
  const composer = () => q<HTMLFormElement>("form.compose");
  const listButton = () => q<HTMLButtonElement>(".head [data-list]");

  afterEach(() => {
    chat.shutdown();
    view.host.remove();
    vi.unstubAllGlobals();
  });

  it("lists the visitor's conversations from the header, with date, state and last message", async () => {
    serve();
    show();
    const button = listButton();
    expect(button?.hidden).toBe(false);
    expect(button?.getAttribute("aria-label")).toBe("Your conversations");
    expect(button?.getAttribute("aria-pressed")).toBe("false");
    button?.click();
    expect(q(".list h3")?.textContent).toBe("Your conversations");
    expect(composer()?.hidden).toBe(true);
    await vi.waitFor(() => expect(q("[data-preview=cnv_1]")?.textContent).toBe("You: Thanks!"));
    const entries = all(".conv");
    const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
    expect(entries.map((e) => e.querySelector(".d")?.textContent)).toEqual([
      `${date.format(latest.lastMessageTime)} · Solved`,
      `${date.format(earlier.lastMessageTime)} · Closed`,
    ]);
    expect(entries.map((e) => e.querySelector(".pv")?.textContent)).toEqual([
      "Yes, since Monday.",
      "You: Thanks!",
    ]);
    // The one shown is marked, and has focus.
    expect(entries[0]?.getAttribute("aria-current")).toBe("true");
    expect(entries[1]?.hasAttribute("aria-current")).toBe(false);
    expect(root().activeElement).toBe(entries[0]);
    expect(listButton()?.getAttribute("aria-pressed")).toBe("true");
    // Nothing is open: a new conversation is offered here too.
    expect(q(".list [data-new]")?.textContent).toBe("Start a new conversation");
    expect(calls.map((c) => c.method)).toEqual([
      "ListVisitorConversations",
      "ListMessages",
      "ListMessages",
    ]);

    // Back: the chat again, with the composer.
    Array.from(all(".list button"))
      .find((b) => b.textContent === "Back")
      ?.click();
    expect(q(".list")).toBeNull();
    expect(composer()?.hidden).toBe(false);
    expect(root().activeElement?.tagName).toBe("TEXTAREA");
  });

  it("shows an earlier conversation read only, with a way to a new conversation", async () => {
    serve();
    show();
    listButton()?.click();
    await vi.waitFor(() => expect(all(".conv")).toHaveLength(2));
    all(".conv")[1]?.click();
    await vi.waitFor(() => expect(chat.conversation?.id).toBe("cnv_1"));
    expect(all(".row .bubble").map((b) => b.textContent)).toEqual([
      "How can we help you today?",
      "Your order is on its way.",
      "Thanks!",
    ]);
    expect(composer()?.hidden).toBe(true);
    expect(all(".sys").map((s) => s.textContent)).toContain("This conversation has ended.");
    const end = q<HTMLButtonElement>("[data-end]");
    expect(end?.textContent).toBe("Start a new conversation");
    expect(root().activeElement).toBe(end);

    end?.click();
    expect(chat.conversation).toBeUndefined();
    expect(all(".row .bubble").map((b) => b.textContent)).toEqual(["How can we help you today?"]);
    expect(q("form[data-rating]")).toBeNull();
    expect(composer()?.hidden).toBe(false);
    expect(root().activeElement?.tagName).toBe("TEXTAREA");
  });

  it("offers a new conversation under a resolved one, and keeps its rating card there", async () => {
    serve({
      SendMessage: [refusal(9, "this conversation was resolved; start a new one")],
      StartConversation: [
        answer(
          StartConversationResponse.encode({
            conversation: conversation("cnv_3", ConversationStatus.CONVERSATION_STATUS_PENDING, {
              lastSeq: 0,
              agentName: "",
            }),
            resumed: false,
          }).finish(),
        ),
      ],
    });
    show(config(), "de");
    // The current conversation, resolved: rate it, write on, or start anew.
    expect(q("form[data-rating]")).not.toBeNull();
    expect(composer()?.hidden).toBe(false);
    expect(q("[data-end]")?.textContent).toBe("Neue Unterhaltung beginnen");
    expect(listButton()?.getAttribute("aria-label")).toBe("Ihre Unterhaltungen");

    await chat.send("Noch eine Frage");
    expect(chat.conversation?.id).toBe("cnv_3");
    expect(all(".row .bubble").map((b) => b.textContent)).toEqual([
      "How can we help you today?",
      "Noch eine Frage",
    ]);
    expect(q("form[data-rating]")).toBeNull();
    expect(q("[data-end]")).toBeNull();
    expect(q(".err")?.hidden).toBe(true);
  });

  it("asks for the address in the offline form only when the server sends e-mail", async () => {
    serve({
      SubmitOfflineMessage: [
        answer(
          SubmitOfflineMessageResponse.encode({
            conversation: conversation("cnv_3", ConversationStatus.CONVERSATION_STATUS_PENDING),
          }).finish(),
        ),
      ],
    });
    const submitted = () =>
      calls
        .filter((c) => c.method === "SubmitOfflineMessage")
        .map((c) => SubmitOfflineMessageRequest.decode(c.request));
    const offline = (emailEnabled: boolean, locale = "en") => {
      show(config({ online: false, emailEnabled }), locale);
      chat.conversation = undefined;
      chat.messages = [];
      view.render();
      const form = q<HTMLFormElement>("form[data-offline]");
      const email = form?.querySelector<HTMLInputElement>("input[name=email]");
      return { form, email, label: email?.parentElement?.firstChild?.textContent };
    };

    const mailing = offline(true);
    expect(mailing.label).toBe("E-mail");
    expect(mailing.email?.required).toBe(true);
    (mailing.form?.querySelector("textarea") as HTMLTextAreaElement).value = "Open on Sunday?";
    mailing.form?.requestSubmit();
    expect(mailing.form?.textContent).toContain("Please fill this in.");
    expect(submitted()).toEqual([]);
    chat.shutdown();
    view.host.remove();

    expect(offline(false, "fr").label).toBe("E-mail (facultatif)");
    chat.shutdown();
    view.host.remove();

    const here = offline(false);
    expect(here.label).toBe("E-mail (optional)");
    expect(here.email?.required).toBe(false);
    (here.form?.querySelector("textarea") as HTMLTextAreaElement).value = "Open on Sunday?";
    here.form?.requestSubmit();
    await vi.waitFor(() => expect(submitted()).toHaveLength(1));
    expect(submitted()[0]).toMatchObject({ email: "", message: "Open on Sunday?" });
    expect(here.form?.querySelector("[aria-invalid=true]")).toBeNull();
  });
});
