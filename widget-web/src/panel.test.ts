//! The panel's look and manners (happy-dom): light or dark by the widget's colour scheme,
//! auto following the system setting live; the launcher turning into a close button while
//! the panel is open; the greeting above the pre-chat form; the honest note while nobody
//! answers (never a queue position); and the panel reopening on the next page where the
//! visitor left it.

// @vitest-environment happy-dom

import {
  ColorScheme,
  ConversationStatus,
  PreChatField,
  SenderType,
  type VisitorConversation,
  type WidgetConfig,
} from "@porthole/client/lean";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";
import { translator } from "./i18n.js";
import { memoryKey, panelMemory } from "./memory.js";
import { fromServer } from "./state.js";
import { View } from "./view.js";

/** A stand-in for `matchMedia("(prefers-color-scheme: dark)")` the test can flip. */
function fakeSystemScheme(dark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    matches: dark,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal("matchMedia", () => query);
  return {
    set(value: boolean) {
      query.matches = value;
      for (const listener of listeners) listener();
    },
    listeners,
  };
}

const conversation = (more: Partial<VisitorConversation> = {}): VisitorConversation => ({
  id: "cnv_1",
  status: ConversationStatus.CONVERSATION_STATUS_WAITING,
  agentName: "",
  lastSeq: 1,
  agentReadSeq: 0,
  rating: 0,
  createTime: new Date(),
  lastMessageTime: new Date(),
  queuePosition: 1,
  withBot: false,
  withFlow: false,
  ...more,
});

function config(more: Partial<WidgetConfig> = {}, scheme = ColorScheme.COLOR_SCHEME_AUTO) {
  return {
    appearance: {
      primaryColor: "",
      textColor: "",
      position: 0,
      borderRadius: undefined,
      launcherSize: 0,
      logoUrl: "",
      fontFamily: "",
      showBranding: true,
      colorScheme: scheme,
    },
    texts: {
      welcomeTitle: "",
      welcomeMessage: "Hej! Ask us anything.",
      inputPlaceholder: "",
      offlineMessage: "",
    },
    behavior: {
      preChatName: PreChatField.PRE_CHAT_FIELD_HIDDEN,
      preChatEmail: PreChatField.PRE_CHAT_FIELD_HIDDEN,
      soundEnabled: true,
    },
    online: true,
    emailEnabled: false,
    bot: undefined,
    // Without a bot, a person answers exactly when the team is online.
    agentsOnline: more.online ?? true,
    proactiveMessages: [],
    flowOpening: [],
    assistantName: "",
    ...more,
  } satisfies WidgetConfig;
}

describe("the panel", () => {
  let chat: Chat;
  let view: View;
  let system: ReturnType<typeof fakeSystemScheme>;

  function show(widget: WidgetConfig, locale = "en", withMemory = false) {
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => view.render(),
      emit: () => {},
      chime: () => {},
      proactive: () => {},
    });
    chat.config = widget;
    chat.visitor = { id: "vis_1", name: "", email: "ada@example.org", verified: false };
    view = new View(
      chat,
      translator(locale),
      () => {},
      withMemory ? panelMemory("wtok") : undefined,
    );
    document.body.append(view.host);
    view.render();
  }

  const root = () => view.host.shadowRoot as ShadowRoot;
  const q = <T extends Element = HTMLElement>(selector: string) =>
    root().querySelector<T>(selector);
  const isDark = () => q(".root")?.classList.contains("dark");

  beforeEach(() => {
    system = fakeSystemScheme(false);
  });

  afterEach(() => {
    chat.shutdown();
    view.dispose();
    view.host.remove();
    sessionStorage.clear();
    vi.unstubAllGlobals();
  });

  it("is dark or light as the widget says, whatever the system prefers", () => {
    system = fakeSystemScheme(true);
    show(config({}, ColorScheme.COLOR_SCHEME_LIGHT));
    expect(isDark()).toBe(false);
    chat.config = config({}, ColorScheme.COLOR_SCHEME_DARK);
    system.set(false);
    expect(isDark()).toBe(true);
  });

  it("follows the system setting live when auto (or unset), and stops when disposed", () => {
    show(config({}, ColorScheme.COLOR_SCHEME_AUTO));
    expect(isDark()).toBe(false);
    system.set(true);
    expect(isDark()).toBe(true);
    chat.config = config({}, ColorScheme.COLOR_SCHEME_UNSPECIFIED);
    system.set(false);
    expect(isDark()).toBe(false);
    view.dispose();
    expect(system.listeners.size).toBe(0);
  });

  it("turns the launcher into a close button while the panel is open", () => {
    show(config(), "de");
    const launcher = q<HTMLButtonElement>(".launcher");
    const [chatIcon, closeIcon] = Array.from(launcher?.children ?? []) as HTMLElement[];
    expect(launcher?.getAttribute("aria-label")).toBe("Chat öffnen");
    expect([chatIcon?.hidden, closeIcon?.hidden]).toEqual([false, true]);
    launcher?.click();
    expect(launcher?.getAttribute("aria-expanded")).toBe("true");
    expect(launcher?.getAttribute("aria-label")).toBe("Chat schließen");
    expect(launcher?.title).toBe("Chat schließen");
    expect([chatIcon?.hidden, closeIcon?.hidden]).toEqual([true, false]);
    launcher?.click();
    expect(q(".panel")?.hidden).toBe(true);
    expect(launcher?.getAttribute("aria-label")).toBe("Chat öffnen");
  });

  it("greets the visitor above the pre-chat form", () => {
    show(
      config({
        behavior: {
          preChatName: PreChatField.PRE_CHAT_FIELD_REQUIRED,
          preChatEmail: PreChatField.PRE_CHAT_FIELD_HIDDEN,
          soundEnabled: true,
        },
      }),
    );
    chat.visitor = { id: "vis_1", name: "", email: "", verified: false };
    view.setOpen(true);
    const body = q(".body");
    expect(body?.children[0]?.textContent).toBe("Hej! Ask us anything.");
    expect(body?.children[1]?.matches("form[data-prechat]")).toBe(true);
    expect(root().activeElement?.getAttribute("name")).toBe("name");
  });

  it("while nobody answers: no queue position, the truth about the answer, an honest composer", () => {
    show(config({ online: false, emailEnabled: true }));
    chat.conversation = conversation({ queuePosition: 1 });
    chat.messages = [
      fromServer({
        id: "msg_1",
        conversationId: "cnv_1",
        seq: 1,
        senderType: SenderType.SENDER_TYPE_VISITOR,
        senderId: "vis_1",
        senderName: "",
        body: "Call me back",
        internal: false,
        attachments: [],
        clientKey: "k1",
        createTime: new Date(),
        citations: [],
        quickReplies: [],
        automated: false,
      }),
    ];
    chat.offlineSent = true;
    view.setOpen(true, false);
    expect(q("[data-queue]")).toBeNull();
    expect(q("[data-away]")?.textContent).toBe(
      "Thanks, your message was sent. We'll reply by e-mail to ada@example.org, and here.",
    );
    expect(q("textarea")?.getAttribute("placeholder")).toBe("Add to your message…");
    // The note comes after the messages.
    expect(q(".body")?.lastElementChild).toBe(q("[data-away]")?.parentElement);

    // No e-mail from this server: only here. On a later page, without the thanks.
    chat.config = config({ online: false, emailEnabled: false });
    chat.offlineSent = false;
    view.render();
    expect(q("[data-away]")?.textContent).toBe(
      "Nobody is available right now. We'll answer here when you come back.",
    );

    // Back online: the place in line, the usual composer.
    chat.config = config({ online: true, emailEnabled: false });
    view.render();
    expect(q("[data-away]")).toBeNull();
    expect(q("[data-queue]")?.textContent).toBe(
      "You're number 1 in line. An agent will be with you shortly.",
    );
    expect(q("textarea")?.getAttribute("placeholder")).toBe("Type a message…");
  });

  it("speaks the away note in every language", () => {
    show(config({ online: false, emailEnabled: true }), "fr");
    chat.conversation = conversation();
    view.setOpen(true, false);
    expect(q("[data-away]")?.textContent).toBe(
      "Personne n'est disponible pour le moment. Nous vous répondrons par e-mail à ada@example.org, et ici.",
    );
    expect(q("textarea")?.getAttribute("placeholder")).toBe("Compléter votre message…");
  });

  it("reopens where the visitor left it on the previous page, without taking focus", () => {
    sessionStorage.setItem(memoryKey("wtok"), JSON.stringify({ open: true, fromEnd: 300 }));
    show(config(), "en", true);
    chat.conversation = conversation({ queuePosition: 0 });
    const body = q(".body") as HTMLElement;
    Object.defineProperty(body, "scrollHeight", { configurable: true, value: 2000 });
    Object.defineProperty(body, "clientHeight", { configurable: true, value: 500 });
    body.scrollTop = 7;
    view.restore();
    expect(q(".panel")?.hidden).toBe(false);
    expect(root().activeElement).toBeNull();
    // The history has not arrived yet: the list is left alone, and so is the memory.
    body.dispatchEvent(new Event("scroll"));
    expect(body.scrollTop).toBe(7);
    expect(panelMemory("wtok").read()).toEqual({ open: true, fromEnd: 300, closed: false });
    chat.historyLoaded = true;
    view.render();
    expect(body.scrollTop).toBe(1200);

    // The visitor scrolls to the end, then closes the panel: both are remembered.
    body.scrollTop = 1500;
    body.dispatchEvent(new Event("scroll"));
    expect(panelMemory("wtok").read()).toEqual({ open: true, fromEnd: 0, closed: false });
    // Closed by the visitor: also no proactive message for the rest of the visit.
    view.setOpen(false);
    expect(panelMemory("wtok").read()).toEqual({ open: false, fromEnd: 0, closed: true });
  });

  it("stays closed on the next page when it was closed", () => {
    show(config(), "en", true);
    view.restore();
    expect(q(".panel")?.hidden).toBe(true);
  });
});
