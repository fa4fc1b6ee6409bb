//! Where the panel offers the transcript by e-mail: a header button while the chat goes on,
//! a button in the log once it has ended, never before the team has answered; the inline
//! form prefilled with the visitor's address, checked before it is sent, and its outcome in
//! the visitor's language.

// @vitest-environment happy-dom

import {
  ConversationStatus,
  type Message,
  SenderType,
  type VisitorConversation,
} from "@porthole/client/lean";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chat } from "./chat.js";
import { translator } from "./i18n.js";
import { fromServer } from "./state.js";
import { View } from "./view.js";

function line(seq: number, senderType: SenderType): Message {
  return {
    id: `msg_${seq}`,
    conversationId: "cnv_1",
    seq,
    senderType,
    senderId: "",
    senderName: senderType === SenderType.SENDER_TYPE_AGENT ? "Ann" : "Ada",
    body: `message ${seq}`,
    internal: false,
    attachments: [],
    clientKey: "",
    createTime: new Date(),
    citations: [],
    quickReplies: [],
    automated: false,
  };
}

const conversation = (status: ConversationStatus): VisitorConversation => ({
  id: "cnv_1",
  status,
  agentName: "Ann",
  lastSeq: 2,
  agentReadSeq: 0,
  rating: 0,
  createTime: new Date(),
  lastMessageTime: new Date(),
  queuePosition: 0,
  withBot: false,
  withFlow: false,
});

describe("the transcript offer in the panel", () => {
  let chat: Chat;
  let view: View;
  let calls: string[];

  /** A chat shown in German, with the team's answer or not, on a server sending e-mail. */
  function show(options: { answered: boolean; status?: ConversationStatus }) {
    chat = new Chat({
      baseUrl: "http://chat.test",
      widgetToken: "wtok",
      changed: () => view.render(),
      emit: () => {},
      chime: () => {},
      proactive: () => {},
    });
    chat.config = {
      appearance: undefined,
      texts: undefined,
      behavior: undefined,
      online: true,
      emailEnabled: true,
      bot: undefined,
      agentsOnline: true,
      proactiveMessages: [],
      flowOpening: [],
      assistantName: "",
    };
    chat.visitor = { id: "vis_1", name: "Ada", email: "ada@example.org", verified: false };
    chat.conversation = conversation(
      options.status ?? ConversationStatus.CONVERSATION_STATUS_WAITING,
    );
    chat.messages = [line(1, SenderType.SENDER_TYPE_VISITOR)]
      .concat(options.answered ? [line(2, SenderType.SENDER_TYPE_AGENT)] : [])
      .map(fromServer);
    view = new View(chat, translator("de"), () => {});
    document.body.append(view.host);
    view.setOpen(true, false);
  }

  const root = () => view.host.shadowRoot as ShadowRoot;
  const headerButton = () =>
    root().querySelector<HTMLButtonElement>(
      '.head button[aria-label="Unterhaltung per E-Mail erhalten"]',
    );
  const form = () => root().querySelector<HTMLFormElement>("form[data-transcript]");

  beforeEach(() => {
    calls = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
      calls.push(String(input).split("/").pop() ?? "");
      return new Response(null, { headers: { "grpc-status": "8", "grpc-message": "too many" } });
    });
  });

  afterEach(() => {
    chat.shutdown();
    view.host.remove();
    vi.unstubAllGlobals();
  });

  it("is not offered before the team has answered", () => {
    show({ answered: false });
    expect(headerButton()?.hidden).toBe(true);
    expect(root().querySelector(".offer")).toBeNull();
  });

  it("opens from the header while the chat goes on, prefilled with the visitor's address", () => {
    show({ answered: true });
    const button = headerButton();
    expect(button?.hidden).toBe(false);
    button?.click();
    const input = form()?.querySelector("input");
    expect(input?.value).toBe("ada@example.org");
    expect(root().activeElement).toBe(input);
    // The form is open: the header offers it no more, Cancel closes it.
    expect(headerButton()?.hidden).toBe(true);
    const cancel = Array.from(form()?.querySelectorAll("button") ?? []).find(
      (b) => b.textContent === "Abbrechen",
    );
    cancel?.click();
    expect(form()).toBeNull();
    expect(headerButton()?.hidden).toBe(false);
  });

  it("is offered in the log once the conversation is resolved", () => {
    show({ answered: true, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED });
    expect(headerButton()?.hidden).toBe(true);
    const offer = root().querySelector<HTMLButtonElement>(".offer");
    expect(offer?.textContent).toBe("Unterhaltung per E-Mail erhalten");
    // Below the rating card.
    expect(root().querySelector("form[data-rating]")?.nextElementSibling).toBe(offer);
    offer?.click();
    expect(form()).not.toBeNull();
    expect(root().querySelector(".offer")).toBeNull();
  });

  it("checks the address first, then shows the server's refusal in the visitor's language", async () => {
    show({ answered: true });
    headerButton()?.click();
    const input = form()?.querySelector("input") as HTMLInputElement;
    input.value = "not an address";
    form()?.requestSubmit();
    expect(form()?.textContent).toContain("Bitte geben Sie eine gültige E-Mail-Adresse ein.");
    expect(calls).toEqual([]);

    input.value = "ada@example.org";
    form()?.requestSubmit();
    await vi.waitFor(() =>
      expect(form()?.querySelector("[role=alert]")?.textContent).toBe(
        "Sie haben das schon mehrmals angefordert. Bitte versuchen Sie es später erneut.",
      ),
    );
    expect(calls).toEqual(["EmailTranscript"]);
    const again = form()?.querySelector("input");
    expect(again?.value).toBe("ada@example.org");
    await vi.waitFor(() => expect(root().activeElement).toBe(again));
  });

  it("says where it was sent", async () => {
    vi.stubGlobal("fetch", async () => {
      const ok = new TextEncoder().encode("grpc-status: 0\r\n");
      const body = new Uint8Array([0, 0, 0, 0, 0, 0x80, 0, 0, 0, ok.length, ...ok]);
      return new Response(body, { headers: { "content-type": "application/grpc-web+proto" } });
    });
    show({ answered: true });
    headerButton()?.click();
    form()?.requestSubmit();
    await vi.waitFor(() =>
      expect(root().querySelector("[role=status].sys")?.textContent).toBe(
        "An ada@example.org gesendet.",
      ),
    );
    expect(form()).toBeNull();
    expect(root().activeElement?.tagName).toBe("TEXTAREA");
    // Sent: the header offers it again, for a later copy of a longer chat.
    expect(headerButton()?.hidden).toBe(false);
    // Resolved later: the note stays, with the offer below it instead of in the header.
    chat.conversation = conversation(ConversationStatus.CONVERSATION_STATUS_RESOLVED);
    view.render();
    expect(headerButton()?.hidden).toBe(true);
    const note = root().querySelector("[role=status].sys");
    expect(note?.nextElementSibling?.classList.contains("offer")).toBe(true);
  });
});
