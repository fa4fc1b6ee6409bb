//! The widget's state rules: merging history, feed replays and optimistic sends without
//! gaps or duplicates, unread counts, delivery marks, and when and how the transcript by
//! e-mail is offered, what the visitor is told about who will answer (never a queue position
//! while nobody answers, and then an offer to answer by e-mail), the conversation lifecycle (which one continues, when a message
//! starts a new one, what an ended one offers, the list's previews), light or dark, and the
//! AI bot (who answers, its streaming draft never shown beside its stored answer, the
//! sources it cites), and automation: page-URL patterns (the server's test vectors), which
//! proactive message shows, who is a returning visitor, and which quick replies are offered.
//! (Reconnect delays, file checks and links are shared rules, tested in
//! client-sdk/ts/src/rules.)

import {
  ColorScheme,
  ConversationStatus,
  GrpcCode,
  type Message,
  type ProactiveMessage,
  SenderType,
  type VisitorConversation,
} from "@porthole/client/lean";
import { describe, expect, it } from "vitest";
import {
  answerer,
  awayEmailProblem,
  type ChatMessage,
  canEmailTranscript,
  currentConversation,
  deliveryMark,
  draftAfterTyping,
  endAction,
  ended,
  expectation,
  fromServer,
  handedOver,
  initial,
  isDark,
  isReadOnly,
  lastSeq,
  mergeMessages,
  previewOf,
  proactiveFor,
  quickRepliesOf,
  returningVisit,
  sources,
  startsOver,
  statusText,
  type TranscriptForm,
  transcriptFormOf,
  transcriptProblem,
  unreadCount,
  unsent,
  urlMatches,
  visibleDraft,
  visitGapMs,
  webUrl,
  withFlow,
} from "./state.js";

function message(seq: number, from: SenderType, clientKey = ""): Message {
  return {
    id: `msg_${seq}`,
    conversationId: "cnv_1",
    seq,
    senderType: from,
    senderId: "",
    senderName: from === SenderType.SENDER_TYPE_AGENT ? "Ann" : "",
    body: `message ${seq}`,
    internal: false,
    attachments: [],
    clientKey,
    createTime: new Date(1_700_000_000_000 + seq),
    citations: [],
    quickReplies: [],
    automated: false,
  };
}

const agent = (seq: number) => fromServer(message(seq, SenderType.SENDER_TYPE_AGENT));
const mine = (seq: number, key: string) =>
  fromServer(message(seq, SenderType.SENDER_TYPE_VISITOR, key));
const sending = (key: string): ChatMessage => ({
  ...mine(1, key),
  id: "",
  seq: 0,
  state: "sending",
});

describe("mergeMessages", () => {
  it("orders by seq and drops duplicates from a replayed feed", () => {
    const history = [agent(1), agent(2), agent(4)];
    const replay = [agent(2), agent(3), agent(4), agent(5)];
    const merged = mergeMessages(history, replay);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeMessages(merged, replay)).toEqual(merged);
  });

  it("replaces the optimistic line with the stored message, whichever arrives first", () => {
    const optimistic = mergeMessages([agent(1)], [sending("k1")]);
    expect(optimistic.map((m) => m.state)).toEqual(["sent", "sending"]);
    const stored = mergeMessages(optimistic, [mine(2, "k1")]);
    expect(stored.map((m) => [m.key, m.seq, m.state])).toEqual([
      ["msg_1", 1, "sent"],
      ["k1", 2, "sent"],
    ]);
    // The feed's copy and then a late optimistic retry change nothing.
    expect(mergeMessages(stored, [mine(2, "k1"), sending("k1")])).toEqual(stored);
  });

  it("keeps unsent lines after stored ones, in the order written", () => {
    const merged = mergeMessages([], [sending("a"), agent(3), sending("b")]);
    expect(merged.map((m) => m.key)).toEqual(["msg_3", "a", "b"]);
  });

  it("a new conversation keeps only the visitor's unsent lines (sending or failed)", () => {
    const list = [
      agent(1),
      mine(2, "k"),
      sending("a"),
      { ...sending("b"), state: "failed" as const },
    ];
    expect(unsent(list).map((m) => [m.key, m.state])).toEqual([
      ["a", "sending"],
      ["b", "failed"],
    ]);
  });
});

describe("unread and marks", () => {
  it("counts only the team's messages after the last seen one", () => {
    const list = [agent(1), mine(2, "k"), agent(3), agent(4)];
    expect(unreadCount(list, 0)).toBe(3);
    expect(unreadCount(list, 3)).toBe(1);
    expect(unreadCount(list, lastSeq(list))).toBe(0);
  });

  it("shows sending, delivered and read", () => {
    expect(deliveryMark(sending("k"), 10)).toBe("sending");
    expect(deliveryMark({ ...sending("k"), state: "failed" }, 10)).toBe("failed");
    expect(deliveryMark(mine(5, "k"), 4)).toBe("delivered");
    expect(deliveryMark(mine(5, "k"), 5)).toBe("read");
  });
});

describe("transcript by e-mail", () => {
  const from = (seq: number, type: SenderType) => fromServer(message(seq, type));

  it("is offered once an agent or the bot has written, when the server sends e-mail", () => {
    const visitorOnly = [mine(1, "k"), from(2, SenderType.SENDER_TYPE_SYSTEM)];
    expect(canEmailTranscript(true, [])).toBe(false);
    expect(canEmailTranscript(true, visitorOnly)).toBe(false);
    expect(canEmailTranscript(true, [...visitorOnly, agent(3)])).toBe(true);
    expect(canEmailTranscript(true, [...visitorOnly, from(3, SenderType.SENDER_TYPE_BOT)])).toBe(
      true,
    );
    expect(canEmailTranscript(false, [...visitorOnly, agent(3)])).toBe(false);
  });

  it("belongs to one conversation: another one's form counts as closed", () => {
    const form: TranscriptForm = {
      step: "sent",
      conversationId: "cnv_1",
      email: "ada@example.org",
    };
    expect(transcriptFormOf(form, "cnv_1")).toBe(form);
    expect(transcriptFormOf(form, "cnv_2")).toEqual({ step: "closed" });
    expect(transcriptFormOf(form, undefined)).toEqual({ step: "closed" });
  });

  it("tells the visitor why the server refused, in their words", () => {
    expect(transcriptProblem(GrpcCode.InvalidArgument)).toBe("badEmail");
    expect(transcriptProblem(GrpcCode.ResourceExhausted)).toBe("transcriptLimit");
    expect(transcriptProblem(GrpcCode.FailedPrecondition)).toBe("transcriptUnavailable");
    expect(transcriptProblem(GrpcCode.Unavailable)).toBe("transcriptFailed");
    expect(transcriptProblem(GrpcCode.Internal)).toBe("transcriptFailed");
    expect(transcriptProblem(undefined)).toBe("transcriptFailed");
  });
});

describe("who will answer", () => {
  const waiting = (queuePosition: number, more: Partial<VisitorConversation> = {}) => ({
    id: "cnv_1",
    status: ConversationStatus.CONVERSATION_STATUS_WAITING,
    agentName: "",
    lastSeq: 1,
    agentReadSeq: 0,
    rating: 0,
    createTime: undefined,
    lastMessageTime: undefined,
    queuePosition,
    withBot: false,
    withFlow: false,
    ...more,
  });
  // Whether a person answers now: `agentsOnline` (on a bot widget `online` only says the bot does).
  const online = { agentsOnline: true, emailEnabled: true };
  const offline = { agentsOnline: false, emailEnabled: true };
  const offlineNoMail = { agentsOnline: false, emailEnabled: false };

  it("shows the place in line only while a person answers", () => {
    expect(expectation(online, waiting(3), "ada@example.org")).toEqual({
      kind: "queue",
      position: 3,
    });
    expect(expectation(online, waiting(0), "ada@example.org")).toEqual({ kind: "none" });
    // The server still counts a place in line while nobody is online: never shown.
    expect(expectation(offline, waiting(1), "ada@example.org").kind).toBe("away");
    expect(expectation(offlineNoMail, waiting(1), "ada@example.org").kind).toBe("away");
  });

  it("offline, promises e-mail only when the server sends it and the visitor gave an address", () => {
    expect(expectation(offline, waiting(1), "ada@example.org")).toEqual({
      kind: "away",
      email: "ada@example.org",
      offerEmail: false,
    });
    expect(expectation(offlineNoMail, waiting(1), "ada@example.org")).toEqual({
      kind: "away",
      email: "",
      offerEmail: false,
    });
  });

  it("offline without an address, offers to take one, but only when the server sends e-mail", () => {
    expect(expectation(offline, waiting(1), "")).toEqual({
      kind: "away",
      email: "",
      offerEmail: true,
    });
    expect(expectation(offlineNoMail, waiting(1), "")).toEqual({
      kind: "away",
      email: "",
      offerEmail: false,
    });
  });

  it("handed over by the bot with nobody there: the truth, whatever the place in line", () => {
    // Provider down, or the visitor asked: the conversation is the team's, nobody is in.
    const handed = waiting(2, { status: ConversationStatus.CONVERSATION_STATUS_PENDING });
    expect(expectation(offline, handed, "")).toEqual({
      kind: "away",
      email: "",
      offerEmail: true,
    });
    expect(expectation(offline, handed, "sam@example.org")).toEqual({
      kind: "away",
      email: "sam@example.org",
      offerEmail: false,
    });
    // Someone is there: the queue as before; taken (no place in line left), nothing to add.
    expect(expectation(online, handed, "")).toEqual({ kind: "queue", position: 2 });
    expect(expectation(online, waiting(0, { agentName: "Sam" }), "")).toEqual({ kind: "none" });
    // Still with the bot: it answers, nothing to say about people.
    expect(expectation(offline, waiting(0, { withBot: true }), "")).toEqual({ kind: "none" });
  });

  it("says nothing without an open conversation a person should answer", () => {
    expect(expectation(offline, undefined, "ada@example.org")).toEqual({ kind: "none" });
    expect(expectation(online, waiting(2, { withBot: true }), "")).toEqual({ kind: "none" });
    for (const status of [
      ConversationStatus.CONVERSATION_STATUS_RESOLVED,
      ConversationStatus.CONVERSATION_STATUS_CLOSED,
    ]) {
      expect(expectation(offline, waiting(0, { status }), "a@b.co")).toEqual({ kind: "none" });
      expect(expectation(online, waiting(4, { status }), "a@b.co")).toEqual({ kind: "none" });
    }
  });

  it("tells why an address was not taken: a bad one, or a failure worth trying again", () => {
    expect(awayEmailProblem(GrpcCode.InvalidArgument)).toBe("badEmail");
    expect(awayEmailProblem(GrpcCode.Unavailable)).toBe("emailNotSaved");
    expect(awayEmailProblem(GrpcCode.Internal)).toBe("emailNotSaved");
    expect(awayEmailProblem(undefined)).toBe("emailNotSaved");
  });

  it("sees a hand-over from the bot to the team, and nothing else, as one", () => {
    const withBot = waiting(0, { withBot: true });
    expect(handedOver(withBot, waiting(1))).toBe(true);
    expect(handedOver(withBot, withBot)).toBe(false);
    expect(handedOver(waiting(1), waiting(2))).toBe(false);
    expect(handedOver(undefined, waiting(1))).toBe(false);
    expect(handedOver(withBot, waiting(1, { id: "cnv_2" }))).toBe(false);
  });
});

describe("the conversation lifecycle", () => {
  const S = ConversationStatus;
  const conv = (id: string, status: ConversationStatus): VisitorConversation => ({
    id,
    status,
    agentName: "",
    lastSeq: 1,
    agentReadSeq: 0,
    rating: 0,
    createTime: undefined,
    lastMessageTime: undefined,
    queuePosition: 0,
    withBot: false,
    withFlow: false,
  });
  const solved = conv("cnv_3", S.CONVERSATION_STATUS_RESOLVED);
  const closed = conv("cnv_4", S.CONVERSATION_STATUS_CLOSED);
  const open = conv("cnv_2", S.CONVERSATION_STATUS_ACTIVE);
  const old = conv("cnv_1", S.CONVERSATION_STATUS_RESOLVED);

  it("knows which conversations have ended", () => {
    expect(ended(S.CONVERSATION_STATUS_RESOLVED)).toBe(true);
    expect(ended(S.CONVERSATION_STATUS_CLOSED)).toBe(true);
    for (const status of [
      S.CONVERSATION_STATUS_PENDING,
      S.CONVERSATION_STATUS_ACTIVE,
      S.CONVERSATION_STATUS_WAITING,
      undefined,
    ])
      expect(ended(status)).toBe(false);
  });

  it("continues the newest conversation not closed; after 'new conversation', only an open one", () => {
    expect(currentConversation([closed, solved, old], false)).toBe(solved);
    expect(currentConversation([closed, solved, old], true)).toBeUndefined();
    expect(currentConversation([solved, open], true)).toBe(open);
    expect(currentConversation([], false)).toBeUndefined();
  });

  it("starts over only when the server says the conversation has ended", () => {
    expect(startsOver(GrpcCode.FailedPrecondition)).toBe(true);
    for (const code of [
      GrpcCode.InvalidArgument,
      GrpcCode.NotFound,
      GrpcCode.ResourceExhausted,
      GrpcCode.Unavailable,
      undefined,
    ])
      expect(startsOver(code)).toBe(false);
  });

  it("shows an earlier ended conversation read only, the current one never", () => {
    expect(isReadOnly(old, "cnv_1")).toBe(true);
    expect(isReadOnly(closed, "cnv_4")).toBe(true);
    // The current conversation (nothing opened from the list), even resolved.
    expect(isReadOnly(solved, "")).toBe(false);
    // An open one opened from the list continues.
    expect(isReadOnly(open, "cnv_2")).toBe(false);
    expect(isReadOnly(undefined, "")).toBe(false);
  });

  it("offers a new conversation at the end of an ended one, or the way back to the open one", () => {
    expect(endAction(solved, [solved, old])).toBe("newConversation");
    expect(endAction(closed, [closed])).toBe("newConversation");
    expect(endAction(old, [open, old])).toBe("backToCurrent");
    expect(endAction(open, [open, old])).toBe("");
    expect(endAction(undefined, [old])).toBe("");
  });

  it("names the state in three words", () => {
    expect(statusText(S.CONVERSATION_STATUS_PENDING)).toBe("statusOpen");
    expect(statusText(S.CONVERSATION_STATUS_WAITING)).toBe("statusOpen");
    expect(statusText(S.CONVERSATION_STATUS_RESOLVED)).toBe("statusSolved");
    expect(statusText(S.CONVERSATION_STATUS_CLOSED)).toBe("statusClosed");
  });

  it("previews the last message a person or the bot wrote, or its file", () => {
    const system = { ...message(3, SenderType.SENDER_TYPE_SYSTEM), body: "Ann resolved it" };
    const mineLast = { ...message(2, SenderType.SENDER_TYPE_VISITOR), body: "Thanks!\n\nBye" };
    expect(previewOf([message(1, SenderType.SENDER_TYPE_AGENT), mineLast, system], 3)).toEqual({
      seq: 3,
      mine: true,
      text: "Thanks! Bye",
    });
    const file = {
      ...message(4, SenderType.SENDER_TYPE_AGENT),
      body: "",
      attachments: [
        { id: "att_1", fileName: "invoice.pdf", contentType: "", sizeBytes: 1, url: "" },
      ],
    };
    expect(previewOf([file], 4)).toEqual({ seq: 4, mine: false, text: "invoice.pdf" });
    expect(previewOf([system], 3)).toEqual({ seq: 3, mine: false, text: "" });
    expect(previewOf([], 0)).toEqual({ seq: 0, mine: false, text: "" });
  });
});

describe("colour scheme", () => {
  it("is the widget's choice, or the system's when auto or unset", () => {
    for (const system of [false, true]) {
      expect(isDark(ColorScheme.COLOR_SCHEME_DARK, system)).toBe(true);
      expect(isDark(ColorScheme.COLOR_SCHEME_LIGHT, system)).toBe(false);
      expect(isDark(ColorScheme.COLOR_SCHEME_AUTO, system)).toBe(system);
      expect(isDark(ColorScheme.COLOR_SCHEME_UNSPECIFIED, system)).toBe(system);
      expect(isDark(undefined, system)).toBe(system);
    }
  });
});

describe("the AI bot", () => {
  const conv = (more: Partial<VisitorConversation> = {}): VisitorConversation => ({
    id: "cnv_1",
    status: ConversationStatus.CONVERSATION_STATUS_PENDING,
    agentName: "",
    lastSeq: 1,
    agentReadSeq: 0,
    rating: 0,
    createTime: undefined,
    lastMessageTime: undefined,
    queuePosition: 0,
    withBot: false,
    withFlow: false,
    ...more,
  });
  const penny = { online: true, bot: { name: "Penny", avatarUrl: "" } };
  const humans = { online: true, bot: undefined };
  const typing = (draft: string, typing = true, conversationId = "cnv_1") => ({
    conversationId,
    typing,
    name: "Penny",
    draft,
  });
  const bot = (seq: number) => fromServer(message(seq, SenderType.SENDER_TYPE_BOT));

  it("says who answers: the bot, the agent, the team waiting, or the team's availability", () => {
    expect(answerer(penny, conv({ withBot: true }))).toEqual({ kind: "bot", name: "Penny" });
    expect(answerer(humans, conv({ withBot: true }))).toEqual({ kind: "bot", name: "" });
    // Handed over: nobody has it yet. The widget's "online" only says the bot answers.
    expect(answerer(penny, conv({ queuePosition: 1 }))).toEqual({ kind: "waiting" });
    expect(answerer(penny, conv({ agentName: "Ann" }))).toEqual({ kind: "agent", name: "Ann" });
    // Without a bot, as before: the agent, else whether the team is online.
    expect(answerer(humans, conv({ queuePosition: 1 }))).toEqual({ kind: "team", online: true });
    expect(answerer({ ...humans, online: false }, undefined)).toEqual({
      kind: "team",
      online: false,
    });
    expect(answerer(penny, undefined)).toEqual({ kind: "team", online: true });
    // An ended conversation is nobody's to answer now; its agent is still named.
    const resolved = ConversationStatus.CONVERSATION_STATUS_RESOLVED;
    expect(answerer(penny, conv({ status: resolved, withBot: true })).kind).toBe("team");
    expect(answerer(penny, conv({ status: resolved, agentName: "Ann" }))).toEqual({
      kind: "agent",
      name: "Ann",
    });
  });

  it("grows a draft from the typing events and ends it when the bot stops", () => {
    expect(draftAfterTyping(undefined, typing(""), 1)).toBeUndefined();
    const first = draftAfterTyping(undefined, typing("Refunds"), 1);
    expect(first).toEqual({ conversationId: "cnv_1", name: "Penny", text: "Refunds", after: 1 });
    const grown = draftAfterTyping(first, typing("Refunds take 30 days [1]."), 2);
    // The same answer: it began after message 1, whatever arrived since.
    expect(grown).toEqual({ ...first, text: "Refunds take 30 days [1]." });
    // Stopped, with or without the answer stored: no draft.
    expect(draftAfterTyping(grown, typing("", false), 2)).toBeUndefined();
    // Another conversation's draft starts afresh.
    expect(draftAfterTyping(grown, typing("Hi", true, "cnv_2"), 5)?.after).toBe(5);
  });

  it("never shows the draft beside its stored answer, however they arrive", () => {
    const draft = { conversationId: "cnv_1", name: "Penny", text: "Refunds take", after: 1 };
    const asked = [mine(1, "k1")];
    expect(visibleDraft(draft, "cnv_1", asked)).toBe(draft);
    // Another conversation is shown, or there is no text yet.
    expect(visibleDraft(draft, "cnv_2", asked)).toBeUndefined();
    expect(visibleDraft({ ...draft, text: "" }, "cnv_1", asked)).toBeUndefined();
    // The stored answer is here (from the feed, or a reload after a reconnect): it replaces
    // the draft, and a late draft event changes nothing.
    const answered = mergeMessages(asked, [bot(2)]);
    expect(visibleDraft(draft, "cnv_1", answered)).toBeUndefined();
    const late = draftAfterTyping(draft, typing("Refunds take 30 days"), lastSeq(answered));
    expect(visibleDraft(late, "cnv_1", answered)).toBeUndefined();
    // The visitor asks again and the next answer streams: after message 3.
    const again = mergeMessages(answered, [mine(3, "k3")]);
    const next = draftAfterTyping(
      draftAfterTyping(late, typing(""), lastSeq(again)),
      typing("Yes"),
      lastSeq(again),
    );
    expect(visibleDraft(next, "cnv_1", again)?.text).toBe("Yes");
    // An agent's message after the draft began is not its answer.
    expect(visibleDraft(draft, "cnv_1", [...asked, agent(2)])).toBe(draft);
  });

  it("links sources and avatars only to http(s) addresses", () => {
    expect(
      sources([
        { articleId: "art_1", title: "Refunds", url: "https://shop.example/refunds" },
        { articleId: "art_2", title: "Shipping", url: "" },
        { articleId: "art_3", title: "Trick", url: "javascript:alert(1)" },
        { articleId: "art_4", title: "Data", url: "data:text/html,<b>x</b>" },
        { articleId: "art_5", title: "Relative", url: "/help/returns" },
        { articleId: "art_6", title: "", url: "http://shop.example/faq" },
      ]),
    ).toEqual([
      { title: "Refunds", href: "https://shop.example/refunds" },
      { title: "Shipping", href: "" },
      { title: "Trick", href: "" },
      { title: "Data", href: "" },
      { title: "Relative", href: "" },
      { title: "http://shop.example/faq", href: "http://shop.example/faq" },
    ]);
    expect(webUrl("/avatars/penny.png", "https://chat.example")).toBe(
      "https://chat.example/avatars/penny.png",
    );
    expect(webUrl("javascript:alert(1)", "https://chat.example")).toBe("");
    expect(webUrl("not a url")).toBe("");
    expect(webUrl("")).toBe("");
  });

  it("shows the name's first letter without an avatar", () => {
    expect(initial("penny")).toBe("P");
    expect(initial("  élise")).toBe("É");
    expect(initial("😀 Bot")).toBe("😀");
    expect(initial("")).toBe("?");
  });
});

describe("automation", () => {
  it("matches page URLs whole, `*` for any characters, ignoring ASCII case (as the server)", () => {
    // The vectors of server/src/domain/rule.rs `url_patterns_match_whole_urls_with_stars`.
    expect(urlMatches("", "https://shop.example/")).toBe(true);
    expect(urlMatches("*/pricing*", "https://shop.example/pricing?x=1")).toBe(true);
    expect(urlMatches("*/pricing", "https://shop.example/pricing?x=1")).toBe(false);
    expect(urlMatches("https://shop.example/*", "https://SHOP.example/a/b")).toBe(true);
    expect(urlMatches("https://shop.example/", "https://shop.example/a")).toBe(false);
    expect(urlMatches("https://shop.example/", "https://shop.example/")).toBe(true);
    expect(urlMatches("*a*a*", "xaxa")).toBe(true);
    expect(urlMatches("*aa*aa", "aaa")).toBe(false);
    expect(urlMatches("*", "")).toBe(true);
    // Everything but `*` is literal: no regular-expression characters, no `?` wildcard.
    expect(urlMatches("*/a.b?c=(1)*", "https://x/a.b?c=(1)&d")).toBe(true);
    expect(urlMatches("*/a.b*", "https://x/aXb")).toBe(false);
    expect(urlMatches("https://x/?", "https://x/a")).toBe(false);
    expect(urlMatches("*/Pricing", "https://x/pricing")).toBe(true);
  });

  it("picks the first proactive message, in the order given, whose conditions all hold now", () => {
    const message = (ruleId: string, more: Partial<ProactiveMessage> = {}): ProactiveMessage => ({
      ruleId,
      text: `Hello from ${ruleId}`,
      pageUrlPattern: "",
      timeOnPageSeconds: 0,
      returningVisitorOnly: false,
      ...more,
    });
    const list = [
      message("rul_pricing", { pageUrlPattern: "*/pricing*", timeOnPageSeconds: 5 }),
      message("rul_back", { returningVisitorOnly: true }),
      message("rul_late", { timeOnPageSeconds: 30 }),
    ];
    const page = { url: "https://shop.example/pricing", onPageMs: 0, returning: false };
    expect(proactiveFor(list, page)).toBeUndefined();
    expect(proactiveFor(list, { ...page, returning: true })?.ruleId).toBe("rul_back");
    expect(proactiveFor(list, { ...page, onPageMs: 4_999 })).toBeUndefined();
    expect(proactiveFor(list, { ...page, onPageMs: 5_000 })?.ruleId).toBe("rul_pricing");
    // Both hold: the first in the list.
    expect(proactiveFor(list, { ...page, onPageMs: 5_000, returning: true })?.ruleId).toBe(
      "rul_pricing",
    );
    expect(
      proactiveFor(list, { ...page, url: "https://shop.example/", onPageMs: 30_000 })?.ruleId,
    ).toBe("rul_late");
    // A message without text is nothing to show.
    expect(proactiveFor([message("rul_empty", { text: "" })], page)).toBeUndefined();
    expect(proactiveFor([], page)).toBeUndefined();
  });

  it("counts a visitor as returning when the widget knew them from an earlier visit", () => {
    const now = 1_800_000_000_000;
    // The visit's first page: a token from before, last active over 30 minutes ago.
    expect(returningVisit(null, true, now - visitGapMs - 1, now)).toBe(true);
    expect(returningVisit(null, true, 0, now)).toBe(true);
    // Active a minute ago (another tab of this visit), or never here: not returning.
    expect(returningVisit(null, true, now - 60_000, now)).toBe(false);
    expect(returningVisit(null, false, now - visitGapMs - 1, now)).toBe(false);
    // Later pages of the visit keep what its first page decided.
    expect(returningVisit("1", true, now - 1_000, now)).toBe(true);
    expect(returningVisit("0", true, 0, now)).toBe(false);
  });

  it("offers the quick replies of the newest line only, until the visitor answers", () => {
    const question = fromServer({
      ...message(2, SenderType.SENDER_TYPE_BOT),
      automated: true,
      quickReplies: ["Sales", "Support"],
    });
    const greeting = fromServer({ ...message(1, SenderType.SENDER_TYPE_BOT), automated: true });
    expect(quickRepliesOf([greeting, question], [])).toEqual(["Sales", "Support"]);
    expect(quickRepliesOf([question, greeting], [])).toEqual([]);
    // Answered (sending, or stored): gone.
    expect(quickRepliesOf([question, mine(0, "k1")], [])).toEqual([]);
    expect(quickRepliesOf([question, mine(3, "k1")], [])).toEqual([]);
    // Before the conversation: the last prompt's; the visitor's line being sent hides them.
    const prompts = [
      { text: "Hi!", quickReplies: [] },
      { text: "What can we help with?", quickReplies: ["Sales", "Support"] },
    ];
    expect(quickRepliesOf([], prompts)).toEqual(["Sales", "Support"]);
    expect(quickRepliesOf([mine(0, "k1")], prompts)).toEqual([]);
    expect(quickRepliesOf([], [])).toEqual([]);
  });

  it("knows when a guided flow has the conversation: the server says so", () => {
    const open: VisitorConversation = {
      id: "cnv_1",
      status: ConversationStatus.CONVERSATION_STATUS_PENDING,
      agentName: "",
      lastSeq: 1,
      agentReadSeq: 0,
      rating: 0,
      createTime: undefined,
      lastMessageTime: undefined,
      queuePosition: 0,
      withBot: false,
      withFlow: true,
    };
    expect(withFlow(open)).toBe(true);
    expect(withFlow({ ...open, withFlow: false, queuePosition: 1 })).toBe(false);
    expect(withFlow(undefined)).toBe(false);
  });
});
