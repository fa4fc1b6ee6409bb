//! Automation in the panel (happy-dom, the chat against a scripted grpc-web server): rule
//! replies and guided-flow steps (automated bot messages) are shown under the assistant's
//! name without the AI tag or sources; a question's quick replies are real buttons under the
//! newest message that send their label as the visitor's message and go once anything comes
//! after it; a proactive message opens the panel by itself on a matching page after its time
//! (not elsewhere, not twice, not after the visitor closed the panel, not over an open
//! conversation, to returning visitors only when it says so) and the visitor's answer starts
//! the conversation with its rule id; a workflow widget shows its flow's opening before any
//! conversation exists (in the dashboard's preview too). Either way the server's copy of those
//! messages replaces the local one without ever showing both.

// @vitest-environment happy-dom

import {
  type AutomatedPrompt,
  ConversationStatus,
  GetWidgetConfigResponse,
  ListMessagesResponse,
  ListVisitorConversationsResponse,
  type Message,
  PreChatField,
  type ProactiveMessage,
  SenderType,
  SendMessageRequest,
  SendMessageResponse,
  StartConversationRequest,
  StartConversationResponse,
  StartSessionResponse,
  type VisitorConversation,
  WatchVisitorFeedResponse,
} from "@porthole/client/lean";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";
import { translator } from "./i18n.js";
import { memoryKey, panelMemory } from "./memory.js";
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
  status: ConversationStatus.CONVERSATION_STATUS_ACTIVE,
  agentName: "",
  lastSeq: 1,
  agentReadSeq: 0,
  rating: 0,
  createTime: new Date(),
  lastMessageTime: new Date(),
  queuePosition: 0,
  withBot: false,
  withFlow: false,
  ...more,
});

const message = (seq: number, from: SenderType, body: string, more: Partial<Message> = {}) => ({
  id: `msg_${seq}`,
  conversationId: "cnv_1",
  seq,
  senderType: from,
  senderId: from === SenderType.SENDER_TYPE_BOT ? "flow" : "vis_1",
  senderName: from === SenderType.SENDER_TYPE_BOT ? "Penny" : "",
  body,
  internal: false,
  attachments: [],
  clientKey: from === SenderType.SENDER_TYPE_VISITOR ? `key_${seq}` : "",
  createTime: new Date(),
  citations: [],
  quickReplies: [],
  automated: from === SenderType.SENDER_TYPE_BOT,
  ...more,
});
const bot = (seq: number, body: string, more: Partial<Message> = {}) =>
  message(seq, SenderType.SENDER_TYPE_BOT, body, more);

const pricing: ProactiveMessage = {
  ruleId: "rul_pricing",
  text: "Need a hand with pricing?",
  pageUrlPattern: "*/pricing*",
  timeOnPageSeconds: 1,
  returningVisitorOnly: false,
};

const opening: AutomatedPrompt[] = [
  { text: "Hi, I'm Penny.", quickReplies: [] },
  { text: "What can we help with?", quickReplies: ["Sales", "Support"] },
];

describe("automation in the panel", () => {
  let chat: Chat;
  let view: View;
  let feed: ((event: WatchVisitorFeedResponse["event"]) => void) | undefined;
  /** The methods called, in order, with their request bytes. */
  let calls: { method: string; request: Uint8Array }[];
  /** What the server holds: the visitor's conversations and the messages of cnv_1. */
  let listed: VisitorConversation[];
  let stored: Message[];
  /** What StartConversation writes first into the conversation it opens. */
  let writesFirst: Message[];
  /** Holds StartConversation's answer until resolved (to look at the panel meanwhile). */
  let startHeld: Promise<void> | undefined;
  let proactiveCalls: number;

  interface Setup {
    proactive?: ProactiveMessage[];
    flowOpening?: AutomatedPrompt[];
    preChatName?: PreChatField;
    dismissed?: boolean;
    /** Whether a person answers now (default: yes). */
    agentsOnline?: boolean;
  }

  /** Boots the chat and its panel (closed) against the scripted server. */
  async function boot(setup: Setup = {}) {
    const unary: Record<string, (request: Uint8Array) => Uint8Array | Promise<Uint8Array>> = {
      GetWidgetConfig: () =>
        GetWidgetConfigResponse.encode({
          config: {
            appearance: undefined,
            texts: undefined,
            behavior: {
              preChatName: setup.preChatName ?? PreChatField.PRE_CHAT_FIELD_HIDDEN,
              preChatEmail: PreChatField.PRE_CHAT_FIELD_HIDDEN,
              soundEnabled: false,
            },
            online: true,
            emailEnabled: false,
            bot: undefined,
            agentsOnline: setup.agentsOnline ?? true,
            proactiveMessages: setup.proactive ?? [],
            flowOpening: setup.flowOpening ?? [],
            assistantName: "Penny",
          },
        }).finish(),
      StartSession: () =>
        StartSessionResponse.encode({
          visitorToken: "vtok",
          visitor: { id: "vis_1", name: "", email: "", verified: false },
        }).finish(),
      ListVisitorConversations: () =>
        ListVisitorConversationsResponse.encode({ conversations: listed }).finish(),
      ListMessages: () =>
        ListMessagesResponse.encode({ messages: stored, hasMore: false }).finish(),
      StartConversation: async () => {
        await startHeld;
        // A workflow widget's conversation starts with its flow answering.
        const withFlow = (setup.flowOpening ?? []).length > 0;
        const started = conversation({ lastSeq: writesFirst.length, withFlow });
        listed = [started];
        stored = [...writesFirst];
        return StartConversationResponse.encode({
          conversation: started,
          resumed: false,
        }).finish();
      },
      SendMessage: (request) => {
        const sent = SendMessageRequest.decode(request);
        const line = message(stored.length + 1, SenderType.SENDER_TYPE_VISITOR, sent.body, {
          clientKey: sent.clientKey,
        });
        stored = [...stored, line];
        return SendMessageResponse.encode({ message: line }).finish();
      },
    };
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = String(input).split("/").pop() ?? "";
      const request = ((init?.body ?? new Uint8Array(5)) as Uint8Array).slice(5);
      calls.push({ method, request });
      if (method !== "WatchVisitorFeed")
        return answer((await unary[method]?.(request)) ?? new Uint8Array());
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
    const memory = panelMemory("wtok");
    if (setup.dismissed) memory.write({ closed: true });
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => view?.render(),
      emit: () => {},
      chime: () => {},
      proactive: () => {
        proactiveCalls += 1;
        view.setOpen(true, false);
      },
      dismissed: () => memory.read().closed,
    });
    view = new View(chat, translator("en"), () => {}, memory);
    document.body.append(view.host);
    await chat.boot("en");
    await vi.advanceTimersByTimeAsync(0);
    feed?.({ $case: "heartbeat", value: {} });
    await vi.advanceTimersByTimeAsync(100);
  }

  const root = () => view.host.shadowRoot as ShadowRoot;
  const q = <T extends Element = HTMLElement>(selector: string) =>
    root().querySelector<T>(selector);
  const all = (selector: string) => Array.from(root().querySelectorAll<HTMLElement>(selector));
  /** The feed brings `event`; a message is stored on the server too. */
  const say = async (event: WatchVisitorFeedResponse["event"]) => {
    if (event?.$case === "messageCreated" && !stored.some((m) => m.seq === event.value.seq))
      stored = [...stored, event.value];
    feed?.(event);
    await vi.advanceTimersByTimeAsync(10);
  };
  /** The texts of the conversation's bubbles, top to bottom (the greeting first). */
  const bubbles = () => all(".body .bubble").map((b) => b.textContent);
  const buttons = () => all("[data-replies] button").map((b) => b.textContent);
  const requests = (method: string) => calls.filter((c) => c.method === method);
  /** The page goes (the chat with it); what the browser stored stays. */
  const leavePage = () => {
    const [local, session] = [{ ...localStorage }, { ...sessionStorage }];
    chat.shutdown();
    view.dispose();
    view.host.remove();
    for (const [key, value] of Object.entries(local)) localStorage.setItem(key, value);
    for (const [key, value] of Object.entries(session)) sessionStorage.setItem(key, value);
  };
  const typeAndSend = async (text: string) => {
    const input = q<HTMLTextAreaElement>(".compose textarea") as HTMLTextAreaElement;
    input.value = text;
    (q(".compose") as HTMLFormElement).requestSubmit();
    await vi.advanceTimersByTimeAsync(10);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    feed = undefined;
    listed = [];
    stored = [];
    writesFirst = [];
    startHeld = undefined;
    proactiveCalls = 0;
    localStorage.clear();
    sessionStorage.clear();
    history.replaceState({}, "", "/");
  });

  afterEach(() => {
    chat.shutdown();
    view.dispose();
    view.host.remove();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("shows rule replies under the assistant's name, without the AI tag or sources", async () => {
    listed = [conversation({ lastSeq: 3 })];
    stored = [
      message(1, SenderType.SENDER_TYPE_VISITOR, "I'd like a refund"),
      bot(2, "Refunds take 5 days.", {
        senderId: "rul_1",
        // Whatever it carries, automation cites nothing.
        citations: [{ articleId: "art_1", title: "Refunds", url: "https://shop.example/r" }],
      }),
      bot(3, "Our policy is 30 days [1].", {
        automated: false,
        senderId: "",
        citations: [{ articleId: "art_1", title: "Refunds", url: "https://shop.example/r" }],
      }),
    ];
    await boot();
    view.setOpen(true, false);
    const [rule, ai] = [q('.row[data-seq="2"]'), q('.row[data-seq="3"]')];
    expect(rule?.querySelector(".who")?.textContent).toBe("PPenny");
    expect(rule?.querySelector(".ai")).toBeNull();
    expect(rule?.querySelector("[data-sources]")).toBeNull();
    // The AI bot's own answer keeps its tag and sources.
    expect(ai?.querySelector(".who")?.textContent).toBe("PPennyAI");
    expect(ai?.querySelector("[data-sources]")).not.toBeNull();
  });

  it("offers a question's quick replies as buttons that send their label, until answered", async () => {
    listed = [conversation({ lastSeq: 2 })];
    stored = [
      message(1, SenderType.SENDER_TYPE_VISITOR, "Hello"),
      bot(2, "What can we help with?", { quickReplies: ["Sales", "Support"] }),
    ];
    await boot();
    view.setOpen(true);
    const group = q("[data-replies]");
    expect(group?.getAttribute("role")).toBe("group");
    expect(group?.getAttribute("aria-label")).toBe("Suggested replies");
    // Under the question, after it in the log.
    expect(group?.previousElementSibling).toBe(q('.row[data-seq="2"]'));
    const [sales, support] = all("[data-replies] button") as HTMLButtonElement[];
    expect([sales?.type, sales?.textContent, sales?.getAttribute("aria-label")]).toEqual([
      "button",
      "Sales",
      "Sales",
    ]);
    expect(support?.textContent).toBe("Support");

    // Pressed (from the keyboard: the click has no pointer detail): sent as the visitor's
    // message, shown as their bubble; the buttons go and focus moves on to the composer.
    sales?.click();
    await vi.advanceTimersByTimeAsync(10);
    const sent = requests("SendMessage").map((c) => SendMessageRequest.decode(c.request));
    expect(sent.map((m) => [m.conversationId, m.body])).toEqual([["cnv_1", "Sales"]]);
    expect(q(".row.me:last-of-type .bubble")?.textContent).toBe("Sales");
    expect(q("[data-replies]")).toBeNull();
    expect(root().activeElement).toBe(q(".compose textarea"));

    // The next message without choices: none; the next question: its own.
    await say({ $case: "messageCreated", value: bot(4, "What's your e-mail?") });
    expect(q("[data-replies]")).toBeNull();
    await say({
      $case: "messageCreated",
      value: bot(5, "Anything else?", { quickReplies: ["No, thanks"] }),
    });
    expect(buttons()).toEqual(["No, thanks"]);
    // Typing instead works as well, and the buttons go with the answer.
    await typeAndSend("Where is my order?");
    expect(q("[data-replies]")).toBeNull();
    expect(requests("SendMessage").map((c) => SendMessageRequest.decode(c.request).body)).toEqual([
      "Sales",
      "Where is my order?",
    ]);
  });

  it("no quick replies under a conversation that has ended", async () => {
    listed = [conversation({ status: ConversationStatus.CONVERSATION_STATUS_RESOLVED })];
    stored = [bot(1, "Anything else?", { quickReplies: ["No, thanks"] })];
    await boot();
    view.setOpen(true);
    expect(q('.row[data-seq="1"]')).not.toBeNull();
    expect(q("[data-replies]")).toBeNull();
  });

  it("opens with a proactive message on a matching page after its time, and the answer starts the conversation with it", async () => {
    history.replaceState({}, "", "/pricing?plan=team");
    writesFirst = [bot(1, pricing.text, { senderId: pricing.ruleId })];
    await boot({
      proactive: [{ ...pricing, ruleId: "rul_careers", pageUrlPattern: "*/careers" }, pricing],
    });
    expect(view.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(800);
    expect(view.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    // Open, without taking focus from the page, with the text from the assistant.
    expect(view.isOpen).toBe(true);
    expect(proactiveCalls).toBe(1);
    expect(root().activeElement).toBeNull();
    const prompt = q("[data-prompt]");
    expect(prompt?.querySelector(".who")?.textContent).toBe("PPenny");
    expect(prompt?.querySelector(".ai")).toBeNull();
    expect(bubbles()).toEqual(["How can we help you today?", pricing.text]);
    // Nothing was started yet.
    expect(requests("StartConversation")).toEqual([]);

    // The visitor answers: while the conversation starts, the message stays above theirs.
    let release = () => {};
    startHeld = new Promise((r) => {
      release = r;
    });
    await typeAndSend("Yes, which plan fits a team of 5?");
    expect(bubbles()).toEqual([
      "How can we help you today?",
      pricing.text,
      "Yes, which plan fits a team of 5?",
    ]);
    release();
    await vi.advanceTimersByTimeAsync(10);
    const [start] = requests("StartConversation").map((c) =>
      StartConversationRequest.decode(c.request),
    );
    expect(start?.proactiveRuleId).toBe("rul_pricing");
    // The server's copy took the local one's place: each once, in the server's order.
    expect(q("[data-prompt]")).toBeNull();
    expect(bubbles()).toEqual([
      "How can we help you today?",
      pricing.text,
      "Yes, which plan fits a team of 5?",
    ]);
    expect(all(".row[data-seq]").map((r) => r.dataset.seq)).toEqual(["1", "2"]);
    // The feed's copy of the same messages changes nothing.
    await say({ $case: "messageCreated", value: bot(1, pricing.text) });
    expect(bubbles()).toHaveLength(3);

    // Once per page: nothing more opens it.
    view.setOpen(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(proactiveCalls).toBe(1);
  });

  it("shows no proactive message elsewhere, after the visitor closed the panel, or over an open conversation", async () => {
    history.replaceState({}, "", "/about");
    await boot({ proactive: [pricing] });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(proactiveCalls).toBe(0);
    leavePage();

    history.replaceState({}, "", "/pricing");
    await boot({ proactive: [pricing], dismissed: true });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(proactiveCalls).toBe(0);
    expect(view.isOpen).toBe(false);
    leavePage();
    sessionStorage.clear();

    listed = [conversation()];
    stored = [message(1, SenderType.SENDER_TYPE_VISITOR, "Hi")];
    await boot({ proactive: [pricing] });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(proactiveCalls).toBe(0);
    expect(q("[data-prompt]")).toBeNull();
  });

  it("over an ended conversation, starts afresh: the answer opens a new conversation", async () => {
    history.replaceState({}, "", "/pricing");
    listed = [conversation({ status: ConversationStatus.CONVERSATION_STATUS_RESOLVED })];
    stored = [message(1, SenderType.SENDER_TYPE_VISITOR, "Thanks, solved")];
    writesFirst = [bot(1, pricing.text)];
    await boot({ proactive: [{ ...pricing, timeOnPageSeconds: 0 }] });
    expect(view.isOpen).toBe(true);
    expect(bubbles()).toEqual(["How can we help you today?", pricing.text]);
    await typeAndSend("Yes please");
    const [start] = requests("StartConversation").map((c) =>
      StartConversationRequest.decode(c.request),
    );
    expect([start?.startNew, start?.proactiveRuleId]).toEqual([true, "rul_pricing"]);
  });

  it("shows a returning-visitors-only message to a visitor from an earlier visit only", async () => {
    history.replaceState({}, "", "/pricing");
    const back = { ...pricing, timeOnPageSeconds: 0, returningVisitorOnly: true };
    // First visit: no token stored yet.
    await boot({ proactive: [back] });
    expect(proactiveCalls).toBe(0);
    leavePage();
    // A later page of the same visit (token stored, active just now): still the first visit.
    await boot({ proactive: [back] });
    expect(proactiveCalls).toBe(0);
    leavePage();
    // The next day, in a new tab: a returning visitor.
    sessionStorage.clear();
    const storageKey = "porthole:wtok";
    const kept = JSON.parse(localStorage.getItem(storageKey) ?? "{}") as Record<string, string>;
    localStorage.setItem(
      storageKey,
      JSON.stringify({ ...kept, active: String(Date.now() - 24 * 3_600_000) }),
    );
    await boot({ proactive: [back] });
    expect(proactiveCalls).toBe(1);
    expect(sessionStorage.getItem(`${storageKey}:visit`)).toBe("1");
    expect(JSON.parse(sessionStorage.getItem(memoryKey("wtok")) ?? "{}").open).toBe(true);
  });

  it("shows a workflow widget's opening before any conversation, and the pressed choice starts it", async () => {
    writesFirst = [
      bot(1, "Hi, I'm Penny."),
      bot(2, "What can we help with?", { quickReplies: ["Sales", "Support"] }),
    ];
    // Nobody on the team is there: the flow answers meanwhile, and nobody says otherwise.
    await boot({ flowOpening: opening, agentsOnline: false });
    view.setOpen(true);
    expect(all("[data-prompt]").map((p) => p.querySelector(".bubble")?.textContent)).toEqual([
      "Hi, I'm Penny.",
      "What can we help with?",
    ]);
    expect(all("[data-prompt] .ai")).toEqual([]);
    expect(buttons()).toEqual(["Sales", "Support"]);
    expect(requests("StartConversation")).toEqual([]);

    (all("[data-replies] button")[0] as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(10);
    const [start] = requests("StartConversation").map((c) =>
      StartConversationRequest.decode(c.request),
    );
    expect(start?.proactiveRuleId).toBe("");
    // The opening is loaded before the answer goes, so it stays above it, each line once.
    expect(calls.map((c) => c.method).slice(-3)).toEqual([
      "StartConversation",
      "ListMessages",
      "SendMessage",
    ]);
    expect(q("[data-prompt]")).toBeNull();
    expect(bubbles()).toEqual([
      "How can we help you today?",
      "Hi, I'm Penny.",
      "What can we help with?",
      "Sales",
    ]);
    expect(q("[data-replies]")).toBeNull();
    // The flow goes on over the feed.
    await say({ $case: "messageCreated", value: bot(4, "What's your e-mail?") });
    expect(bubbles().at(-1)).toBe("What's your e-mail?");
    expect(all(".row[data-seq] .ai")).toEqual([]);
    expect(q("[data-away]")).toBeNull();
    expect(q(".compose textarea")?.getAttribute("placeholder")).toBe("Type a message…");
    // Routed to the agents (the conversation queued for them, the hand-over's line being
    // the agents' only): now the truth about when they answer.
    await typeAndSend("ada@example.org");
    expect(all(".row[data-seq]").map((r) => r.dataset.seq)).toEqual(["1", "2", "3", "4", "5"]);
    await say({ $case: "messageCreated", value: bot(6, "Connecting you with Sales…") });
    expect(q("[data-away]")).toBeNull();
    await say({
      $case: "conversationUpdated",
      value: conversation({ lastSeq: 6, queuePosition: 1 }),
    });
    expect(q("[data-away]")?.textContent).toBe(
      "Nobody is available right now. We'll answer here when you come back.",
    );
  });

  it("on a workflow widget, a proactive message comes before the flow's opening and its buttons", async () => {
    history.replaceState({}, "", "/pricing");
    await boot({ proactive: [{ ...pricing, timeOnPageSeconds: 0 }], flowOpening: opening });
    expect(view.isOpen).toBe(true);
    expect(bubbles()).toEqual([
      "How can we help you today?",
      pricing.text,
      "Hi, I'm Penny.",
      "What can we help with?",
    ]);
    expect(buttons()).toEqual(["Sales", "Support"]);
  });

  it("shows the opening above the pre-chat form, without its buttons", async () => {
    await boot({ flowOpening: opening, preChatName: PreChatField.PRE_CHAT_FIELD_REQUIRED });
    view.setOpen(true);
    expect(q("form[data-prechat]")).not.toBeNull();
    // Under the greeting, above the form.
    expect(
      all(".body > *").map((el) => el.querySelector(".bubble")?.textContent ?? el.tagName),
    ).toEqual(["How can we help you today?", "Hi, I'm Penny.", "What can we help with?", "FORM"]);
    expect(q("[data-replies]")).toBeNull();
  });

  it("previews a workflow widget's opening with its buttons in the dashboard, instead of the sample exchange", () => {
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
    const config = {
      appearance: undefined,
      texts: undefined,
      behavior: undefined,
      online: true,
      emailEnabled: false,
      bot: undefined,
      agentsOnline: true,
      proactiveMessages: [],
      flowOpening: opening,
      assistantName: "Penny",
    };
    const sample = { agent: "We do.", visitor: "Do you ship?" };
    chat.preview(config, "chat", sample);
    view.setOpen(true, false);
    expect(bubbles()).toEqual([
      "How can we help you today?",
      "Hi, I'm Penny.",
      "What can we help with?",
    ]);
    expect(buttons()).toEqual(["Sales", "Support"]);
    // Pressed in the preview: nothing is sent anywhere.
    (all("[data-replies] button")[0] as HTMLButtonElement).click();
    expect(chat.messages).toEqual([]);
    expect(buttons()).toEqual(["Sales", "Support"]);
    // Another handler: the sample exchange.
    chat.preview({ ...config, flowOpening: [] }, "chat", sample);
    expect(bubbles()).toEqual(["How can we help you today?", "Do you ship?", "We do."]);
    expect(q("[data-replies]")).toBeNull();
  });

  it("opens with a proactive message above the pre-chat form, once the time has come", async () => {
    history.replaceState({}, "", "/pricing");
    await boot({ proactive: [pricing], preChatName: PreChatField.PRE_CHAT_FIELD_REQUIRED });
    expect(view.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(view.isOpen).toBe(true);
    expect(
      all(".body > *").map((el) => el.querySelector(".bubble")?.textContent ?? el.tagName),
    ).toEqual(["How can we help you today?", pricing.text, "FORM"]);
  });
});
