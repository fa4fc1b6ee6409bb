//! The widget's state rules without IO: chat lines, merging them (the shared rule from
//! `@porthole/client/rules`, applied to the widget's line shape), unread counting,
//! delivery marks, the transcript-by-e-mail form, what the visitor is told about who will
//! answer (queue position, or the honest note that nobody is there, offering to answer by
//! e-mail), the conversation lifecycle (which conversation the composer continues, when a
//! message goes into a new one, what an ended one offers, the list of earlier ones), the
//! colour scheme, and the AI bot: who answers now, its answer streaming in as a draft until
//! the stored message replaces it, and the articles an answer cites. Automation: page-URL
//! patterns and which proactive message shows, who is a returning visitor, the quick replies
//! offered, and whether a guided flow has the conversation. Unit-tested in state.test.ts.

import type {
  Attachment,
  AutomatedPrompt,
  Citation,
  Message,
  ProactiveMessage,
  VisitorConversation,
  VisitorTypingEvent,
  WidgetConfig,
} from "@porthole/client/lean";
import { ColorScheme, ConversationStatus, GrpcCode, SenderType } from "@porthole/client/lean";
import { type MessageIdentity, mergeMessages as merge } from "@porthole/client/rules";

/** One line of the conversation as the widget shows it. */
export interface ChatMessage {
  /** The client key for the visitor's own messages, the server id otherwise. */
  key: string;
  /** Server id; empty while sending. */
  id: string;
  /** Position in the conversation; 0 while not stored yet. */
  seq: number;
  /** Written by this visitor. */
  mine: boolean;
  senderName: string;
  senderType: SenderType;
  body: string;
  attachments: Attachment[];
  /** The knowledge-base articles a bot answer cites (`[1]` is the first); empty otherwise. */
  citations: Citation[];
  /** A guided flow's choices, offered as buttons while this is the newest line. */
  quickReplies: string[];
  /** Written by automation (a rule, a guided flow, a proactive message), not by the AI. */
  automated: boolean;
  time: Date;
  /** `sending` until the server stored it, `failed` when it could not. */
  state: "sending" | "sent" | "failed";
}

/** A stored message as a chat line. */
export function fromServer(message: Message): ChatMessage {
  const mine = message.senderType === SenderType.SENDER_TYPE_VISITOR;
  return {
    key: mine && message.clientKey ? message.clientKey : message.id,
    id: message.id,
    seq: message.seq,
    mine,
    senderName: message.senderName,
    senderType: message.senderType,
    body: message.body,
    attachments: message.attachments,
    citations: message.citations,
    quickReplies: message.quickReplies,
    automated: message.automated,
    time: message.createTime ?? new Date(),
    state: "sent",
  };
}

/** How the shared merge reads a chat line: the visitor's own lines pair by client key. */
const lineIdentity: MessageIdentity<ChatMessage> = {
  stored: (line) => line.seq > 0,
  id: (line) => line.id,
  clientKey: (line) => (line.mine ? line.key : ""),
  seq: (line) => line.seq,
};

/**
 * Adds messages from history, the feed or a send: a stored message replaces the optimistic
 * line with its key, a replay changes nothing, so they may arrive in any order and any
 * number of times. Stored lines are ordered by `seq`; unsent ones stay at the end in the
 * order they were written.
 */
export function mergeMessages(
  list: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): readonly ChatMessage[] {
  return merge(list, incoming, lineIdentity);
}

/**
 * The visitor's lines not stored yet (sending, waiting out a throttle, or failed): what a
 * new conversation keeps from the list, so a message is never dropped before it is sent.
 */
export function unsent(list: readonly ChatMessage[]): readonly ChatMessage[] {
  return list.filter((l) => l.mine && l.seq === 0);
}

/**
 * Whether a guided flow has the conversation (it answers at once, so nobody need be told to
 * wait for people): the server says so (`with_flow`) until the flow hands it to the agents.
 */
export function withFlow(conversation: VisitorConversation | undefined): boolean {
  return conversation?.withFlow ?? false;
}

/** Messages from the team (agents, bot, system) newer than what the visitor has seen. */
export function unreadCount(list: readonly ChatMessage[], seenSeq: number): number {
  return list.filter((l) => !l.mine && l.seq > seenSeq).length;
}

/** The newest stored sequence number in the list (0 when empty). */
export function lastSeq(list: readonly ChatMessage[]): number {
  let last = 0;
  for (const line of list) if (line.seq > last) last = line.seq;
  return last;
}

/** What to show under the visitor's own message. */
export function deliveryMark(
  line: ChatMessage,
  agentReadSeq: number,
): "sending" | "failed" | "delivered" | "read" {
  if (line.state !== "sent") return line.state;
  return line.seq <= agentReadSeq ? "read" : "delivered";
}

/**
 * Whether to offer the transcript by e-mail: the server sends e-mail, and someone on our
 * side (an agent or the bot) has written in the conversation, as the server requires
 * (VisitorService.EmailTranscript answers FAILED_PRECONDITION before that).
 */
export function canEmailTranscript(emailEnabled: boolean, list: readonly ChatMessage[]): boolean {
  return (
    emailEnabled &&
    list.some(
      (l) =>
        l.seq > 0 &&
        (l.senderType === SenderType.SENDER_TYPE_AGENT ||
          l.senderType === SenderType.SENDER_TYPE_BOT),
    )
  );
}

/** Why a transcript was not sent, as a text key the visitor reads in their language. */
export type TranscriptProblem =
  | "badEmail"
  | "transcriptLimit"
  | "transcriptUnavailable"
  | "transcriptFailed";

/**
 * The "e-mail me this conversation" form of one conversation: closed, open (showing what
 * went wrong last time, if anything), sending, or sent.
 */
export type TranscriptForm =
  | { step: "closed" }
  | { step: "open"; conversationId: string; email: string; problem: TranscriptProblem | "" }
  | { step: "sending" | "sent"; conversationId: string; email: string };

/** The form as it applies to `conversationId`: another conversation's counts as closed. */
export function transcriptFormOf(
  form: TranscriptForm,
  conversationId: string | undefined,
): TranscriptForm {
  return form.step !== "closed" && form.conversationId === conversationId
    ? form
    : { step: "closed" };
}

/**
 * What the visitor is told for a failed EmailTranscript (by gRPC code): a bad address, the
 * hourly limit, a conversation that cannot be mailed, or anything else (network, server),
 * which is worth trying again.
 */
export function transcriptProblem(code: number | undefined): TranscriptProblem {
  if (code === GrpcCode.InvalidArgument) return "badEmail";
  if (code === GrpcCode.ResourceExhausted) return "transcriptLimit";
  if (code === GrpcCode.FailedPrecondition) return "transcriptUnavailable";
  return "transcriptFailed";
}

/**
 * What the visitor is told at the end of the log about who will answer:
 * - `queue`: their place in line, only while a person answers now (a queue position while
 *   nobody answers would promise what nobody keeps);
 * - `away`: nobody answers now (the team is offline, or the bot handed the conversation to a
 *   team with nobody there), so the answer comes later: by e-mail to `email` (when the
 *   server sends e-mail and the visitor gave an address) and here, or only here (`email`
 *   empty) when they come back. `offerEmail`: the server sends e-mail but the visitor gave
 *   no address, so the widget offers to take one (never silence);
 * - `none`: nothing to say (no open conversation, the bot answers, or it has ended).
 */
export type Expectation =
  | { kind: "none" }
  | { kind: "queue"; position: number }
  | { kind: "away"; email: string; offerEmail: boolean };

/**
 * `team.agentsOnline` is whether a person answers now (`WidgetConfig.agents_online`), not
 * `online`: on a widget with a bot, `online` only says that the bot answers.
 */
export function expectation(
  team: { agentsOnline: boolean; emailEnabled: boolean },
  conversation: VisitorConversation | undefined,
  visitorEmail: string,
): Expectation {
  const status = conversation?.status;
  if (
    !conversation ||
    conversation.withBot ||
    status === ConversationStatus.CONVERSATION_STATUS_RESOLVED ||
    status === ConversationStatus.CONVERSATION_STATUS_CLOSED
  )
    return { kind: "none" };
  if (!team.agentsOnline)
    return {
      kind: "away",
      email: team.emailEnabled ? visitorEmail : "",
      offerEmail: team.emailEnabled && !visitorEmail,
    };
  return conversation.queuePosition > 0
    ? { kind: "queue", position: conversation.queuePosition }
    : { kind: "none" };
}

/**
 * The form that takes the visitor's address while nobody answers: sending, or open with what
 * went wrong last time (`problem`, a text key; "" for nothing) and the address typed.
 */
export interface AwayEmailForm {
  sending: boolean;
  email: string;
  problem: "" | "badEmail" | "emailNotSaved";
}

/**
 * Why the address was not taken (UpdateVisitor's gRPC code): a bad address, or anything else
 * (network, server), which is worth trying again.
 */
export function awayEmailProblem(code: number | undefined): AwayEmailForm["problem"] {
  return code === GrpcCode.InvalidArgument ? "badEmail" : "emailNotSaved";
}

/** A resolved or closed conversation: the visitor may rate it, and its transcript is offered in the log. */
export function ended(status: ConversationStatus | undefined): boolean {
  return (
    status === ConversationStatus.CONVERSATION_STATUS_RESOLVED ||
    status === ConversationStatus.CONVERSATION_STATUS_CLOSED
  );
}

/**
 * The conversation the composer continues, from the visitor's conversations (newest
 * activity first): the newest one not closed, as a resolved one may still continue (the
 * server decides, by the widget's quiet period). After the visitor asked for a new
 * conversation (`fresh`), only an open one: the resolved one stays behind, in the list.
 */
export function currentConversation(
  list: readonly VisitorConversation[],
  fresh: boolean,
): VisitorConversation | undefined {
  return list.find((c) =>
    fresh ? !ended(c.status) : c.status !== ConversationStatus.CONVERSATION_STATUS_CLOSED,
  );
}

/**
 * Whether a refused SendMessage means "this conversation has ended for good; start a new
 * one": FAILED_PRECONDITION, which the server sends for a closed conversation and for one
 * resolved longer ago than the widget's quiet period (`reopen_within_minutes`), and for
 * nothing else. The message then goes into a new conversation.
 */
export function startsOver(code: number | undefined): boolean {
  return code === GrpcCode.FailedPrecondition;
}

/**
 * Whether the conversation shown is an earlier one the visitor opened from the list
 * (`earlierId`, not the current one) and that has ended: its messages are shown without the
 * composer.
 */
export function isReadOnly(shown: VisitorConversation | undefined, earlierId: string): boolean {
  return !!shown && shown.id === earlierId && ended(shown.status);
}

/**
 * What the end of an ended conversation offers: to start a new conversation, or, when
 * another one is still open (a visitor has at most one), to go back to it.
 */
export function endAction(
  shown: VisitorConversation | undefined,
  list: readonly VisitorConversation[],
): "newConversation" | "backToCurrent" | "" {
  if (!shown || !ended(shown.status)) return "";
  return list.some((c) => c.id !== shown.id && !ended(c.status))
    ? "backToCurrent"
    : "newConversation";
}

/** How the list names a conversation's state. */
export function statusText(
  status: ConversationStatus,
): "statusOpen" | "statusSolved" | "statusClosed" {
  if (status === ConversationStatus.CONVERSATION_STATUS_RESOLVED) return "statusSolved";
  if (status === ConversationStatus.CONVERSATION_STATUS_CLOSED) return "statusClosed";
  return "statusOpen";
}

/** The last message of a conversation as the list shows it (empty text: nothing to show). */
export interface Preview {
  /** The conversation's `last_seq` it was read at: a newer one means it is stale. */
  seq: number;
  mine: boolean;
  text: string;
}

/**
 * The preview of a conversation from its latest messages (oldest first, as ListMessages
 * pages them): the newest one a person or the bot wrote, its text or else its file name.
 */
export function previewOf(messages: readonly Message[], seq: number): Preview {
  const last = [...messages].reverse().find((m) => m.senderType !== SenderType.SENDER_TYPE_SYSTEM);
  const text = last
    ? last.body.replace(/\s+/g, " ").trim() || (last.attachments[0]?.fileName ?? "")
    : "";
  return { seq, mine: last?.senderType === SenderType.SENDER_TYPE_VISITOR, text };
}

/**
 * Whether the widget is dark: the widget's setting, or the visitor's system setting when it
 * is auto (or unset, which the server stores as auto).
 */
export function isDark(scheme: ColorScheme | undefined, systemDark: boolean): boolean {
  if (scheme === ColorScheme.COLOR_SCHEME_DARK) return true;
  if (scheme === ColorScheme.COLOR_SCHEME_LIGHT) return false;
  return systemDark;
}

/**
 * Who answers the conversation now, as the header says it:
 * - `bot`: the AI bot (its name, "" when the widget no longer names it);
 * - `agent`: the agent it is assigned to (also kept for an ended conversation);
 * - `waiting`: with the team but nobody has taken it yet, on a widget with a bot, whose
 *   `online` only says that the bot answers, not whether a person is there;
 * - `team`: the team's availability as the widget's configuration says it.
 */
export type Answerer =
  | { kind: "bot"; name: string }
  | { kind: "agent"; name: string }
  | { kind: "waiting" }
  | { kind: "team"; online: boolean };

export function answerer(
  config: Pick<WidgetConfig, "online" | "bot">,
  conversation: VisitorConversation | undefined,
): Answerer {
  const open = !!conversation && !ended(conversation.status);
  if (open && conversation.withBot) return { kind: "bot", name: config.bot?.name ?? "" };
  if (conversation?.agentName) return { kind: "agent", name: conversation.agentName };
  if (open && config.bot) return { kind: "waiting" };
  return { kind: "team", online: config.online };
}

/**
 * Whether an update of a conversation hands it from the bot to the team (the visitor's
 * button, the visitor asking, the model deciding or failing): what the visitor is told next
 * depends on whether a person is there now, so the widget reads its configuration again.
 */
export function handedOver(
  before: VisitorConversation | undefined,
  after: VisitorConversation,
): boolean {
  return !!before && before.id === after.id && before.withBot && !after.withBot;
}

/**
 * The bot's answer while it is being written: the whole text so far (each typing event
 * repeats all of it), in one conversation, begun after the stored message `after`.
 */
export interface Draft {
  conversationId: string;
  name: string;
  text: string;
  /** The newest stored seq when the draft began: a bot message after it is the answer. */
  after: number;
}

/**
 * The draft after a typing event: a draft with text starts or grows it; typing without a
 * draft (the bot about to write, or an agent) or stopping ends it (a stop without a message
 * means the answer was dropped: the conversation went to a person). `lastSeq` is the newest
 * stored message shown now.
 */
export function draftAfterTyping(
  draft: Draft | undefined,
  event: VisitorTypingEvent,
  lastSeq: number,
): Draft | undefined {
  if (!event.typing || !event.draft) return undefined;
  if (draft?.conversationId === event.conversationId)
    return { ...draft, name: event.name || draft.name, text: event.draft };
  return {
    conversationId: event.conversationId,
    name: event.name,
    text: event.draft,
    after: lastSeq,
  };
}

/**
 * The draft to show in conversation `conversationId`, if any: never once the stored answer
 * (a bot message after the draft began) is in the list, however the two arrived (the feed,
 * a reload of the history after a reconnect, a late draft event), so the answer never shows
 * twice.
 */
export function visibleDraft(
  draft: Draft | undefined,
  conversationId: string | undefined,
  list: readonly ChatMessage[],
): Draft | undefined {
  if (!draft?.text || draft.conversationId !== conversationId) return undefined;
  const answered = list.some(
    (l) => l.senderType === SenderType.SENDER_TYPE_BOT && l.seq > draft.after,
  );
  return answered ? undefined : draft;
}

/** A web address the widget may open or load: http(s) only, relative ones against `base`. */
export function webUrl(url: string, base?: string): string {
  if (!url) return "";
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : "";
  } catch {
    return "";
  }
}

/** A cited article as the "Sources" list shows it: a link only to an http(s) address. */
export interface Source {
  title: string;
  href: string;
}

export function sources(citations: readonly Citation[]): Source[] {
  return citations.map((c) => ({ title: c.title || c.url, href: webUrl(c.url) }));
}

/** The first letter of a name, for an avatar without a picture. */
export function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? "?").toLocaleUpperCase();
}

/**
 * Whether `url` matches a page-URL pattern whole: `*` stands for any characters (also none),
 * the rest is compared literally, ignoring ASCII case; an empty pattern matches every URL.
 * The server's `domain::rule::url_matches` is the same rule (and the same test vectors).
 */
export function urlMatches(pattern: string, url: string): boolean {
  if (!pattern) return true;
  const lower = (text: string) => text.replace(/[A-Z]+/g, (c) => c.toLowerCase());
  const [first = "", ...rest] = lower(pattern).split("*");
  const whole = lower(url);
  if (!whole.startsWith(first)) return false;
  const last = rest.pop();
  if (last === undefined) return whole === first;
  let at = first.length;
  for (const part of rest) {
    const found = whole.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return whole.length - at >= last.length && whole.endsWith(last);
}

/** What decides whether a proactive message shows on this page now. */
export interface PageFacts {
  /** The page's whole address (`location.href`). */
  url: string;
  /** Milliseconds since the page loaded. */
  onPageMs: number;
  /** A returning visitor (`returningVisit`). */
  returning: boolean;
}

/**
 * The proactive message to show now: the first, in the order given (the order the rules
 * run), whose conditions all hold: its page pattern matches, the visitor has been on the page
 * long enough, and it is for every visitor or this one is returning.
 */
export function proactiveFor(
  list: readonly ProactiveMessage[],
  page: PageFacts,
): ProactiveMessage | undefined {
  return list.find(
    (m) =>
      !!m.text &&
      urlMatches(m.pageUrlPattern, page.url) &&
      page.onPageMs >= m.timeOnPageSeconds * 1000 &&
      (!m.returningVisitorOnly || page.returning),
  );
}

/** A visit ends after this long without a page load or heartbeat (as web analytics count visits). */
export const visitGapMs = 30 * 60_000;

/**
 * Whether this visit is a returning visitor's, decided when the visit's first page loads and
 * kept for the rest of the visit (`kept`: "1" or "0" from this tab's sessionStorage; null on
 * the visit's first page): the browser already held a visitor token (the widget has run here
 * before) and its last activity here (a page load or a heartbeat, `lastActive` in epoch ms,
 * 0 when unknown) was more than `visitGapMs` ago, so it belonged to an earlier visit. A second
 * tab opened during a visit is not a return; a tab reopened the next day is.
 */
export function returningVisit(
  kept: string | null,
  hadToken: boolean,
  lastActive: number,
  now: number,
): boolean {
  if (kept === "1" || kept === "0") return kept === "1";
  return hadToken && now - lastActive > visitGapMs;
}

/**
 * The buttons to offer under the conversation: the quick replies of the newest line shown
 * (its messages, or else the last of the automated prompts shown before them), and none once
 * anything came after it (the visitor's answer, typed or pressed).
 */
export function quickRepliesOf(
  list: readonly ChatMessage[],
  prompts: readonly AutomatedPrompt[],
): readonly string[] {
  const last = list[list.length - 1];
  if (last) return last.mine ? [] : last.quickReplies;
  return prompts[prompts.length - 1]?.quickReplies ?? [];
}
