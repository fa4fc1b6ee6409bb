//! The inbox's state rules, without React or network: which conversations a filter shows,
//! how live events change lists, messages and unread counts, how duplicates are dropped
//! (the message merge and preview text are the rules shared with the widget, from
//! `@porthole/client/rules`; this file fits them to the query cache's pages), and what a
//! conversation left through the offline form tells the agent, and whether the AI bot is
//! answering one (agents then should not jump in).
//!
//! Lists are TanStack infinite-query data (pages of ListConversationsResponse, newest
//! activity first); message histories are pages of ListConversationMessagesResponse, the
//! newest page first, each page ascending by `seq`.

import { create } from "@bufbuild/protobuf";
import {
  AssigneeFilter,
  type Conversation,
  ConversationStatus,
  type ListConversationMessagesResponse,
  ListConversationMessagesResponseSchema,
  type ListConversationsResponse,
  ListConversationsResponseSchema,
  type Message,
  Priority,
  Responder,
  SenderType,
} from "@porthole/client";
import { type MessageIdentity, mergeMessages, previewText } from "@porthole/client/rules";
import { toMillis } from "../lib/format";

export type StatusFilter =
  | "open"
  | "pending"
  | "active"
  | "waiting"
  | "resolved"
  | "closed"
  | "all";
export type AssigneeChoice = "mine" | "unassigned" | "all";

/** What the inbox list shows; also part of the list's query key. */
export interface InboxFilter {
  status: StatusFilter;
  assignee: AssigneeChoice;
  priority: Priority;
  query: string;
  widgetId: string;
  /** Only conversations sent to this team (`tem_…`); empty: every team and none. */
  teamId: string;
}

export const defaultFilter: InboxFilter = {
  status: "open",
  assignee: "all",
  priority: Priority.UNSPECIFIED,
  query: "",
  widgetId: "",
  teamId: "",
};

export const OPEN_STATUSES = [
  ConversationStatus.PENDING,
  ConversationStatus.ACTIVE,
  ConversationStatus.WAITING,
];

export function statusesFor(status: StatusFilter): ConversationStatus[] {
  switch (status) {
    case "open":
      return OPEN_STATUSES;
    case "pending":
      return [ConversationStatus.PENDING];
    case "active":
      return [ConversationStatus.ACTIVE];
    case "waiting":
      return [ConversationStatus.WAITING];
    case "resolved":
      return [ConversationStatus.RESOLVED];
    case "closed":
      return [ConversationStatus.CLOSED];
    case "all":
      return [];
  }
}

export function assigneeFilterFor(choice: AssigneeChoice): AssigneeFilter {
  return choice === "mine"
    ? AssigneeFilter.MINE
    : choice === "unassigned"
      ? AssigneeFilter.UNASSIGNED
      : AssigneeFilter.ALL;
}

/**
 * Whether a conversation belongs in a list. `"unknown"` when only the server can tell
 * (a search that may match message text): such a conversation is updated where it is
 * shown but never added.
 */
export function matchesFilter(
  c: Conversation,
  filter: InboxFilter,
  meId: string,
): boolean | "unknown" {
  const statuses = statusesFor(filter.status);
  if (statuses.length > 0 && !statuses.includes(c.status)) return false;
  if (filter.assignee === "mine" && c.assigneeUserId !== meId) return false;
  if (filter.assignee === "unassigned" && c.assigneeUserId !== "") return false;
  if (filter.priority !== Priority.UNSPECIFIED && c.priority !== filter.priority) return false;
  if (filter.widgetId && c.widgetId !== filter.widgetId) return false;
  if (filter.teamId && c.teamId !== filter.teamId) return false;
  const q = filter.query.trim().toLowerCase();
  if (q) {
    const haystack = `${c.visitorName}\n${c.visitorEmail}\n${c.lastMessagePreview}`.toLowerCase();
    return haystack.includes(q) ? true : "unknown";
  }
  return true;
}

/** Newest activity first; ties by id descending, as the server orders them. */
export function compareActivity(a: Conversation, b: Conversation): number {
  const diff = toMillis(b.lastMessageTime) - toMillis(a.lastMessageTime);
  if (diff !== 0) return diff;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export interface ListData {
  pages: ListConversationsResponse[];
  pageParams: unknown[];
}

/** Every conversation of a list once, in page order. */
export function flattenList(data: ListData | undefined): Conversation[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: Conversation[] = [];
  for (const page of data.pages) {
    for (const c of page.conversations) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  return out;
}

/** Puts `items` back into pages of the old sizes; the last page takes any difference. */
function rechunk(data: ListData, items: Conversation[]): ListData {
  let offset = 0;
  const pages = data.pages.map((page, index) => {
    const last = index === data.pages.length - 1;
    const size = last ? Math.max(0, items.length - offset) : page.conversations.length;
    const slice = items.slice(offset, offset + size);
    offset += size;
    return create(ListConversationsResponseSchema, {
      conversations: slice,
      nextPageToken: page.nextPageToken,
    });
  });
  return { pages, pageParams: data.pageParams };
}

/**
 * A list after a conversation changed or appeared: inserted, replaced, moved to its place
 * by activity, or removed when it no longer matches the filter.
 */
export function upsertIntoList(
  data: ListData,
  conversation: Conversation,
  filter: InboxFilter,
  meId: string,
): ListData {
  const items = flattenList(data);
  const index = items.findIndex((c) => c.id === conversation.id);
  const match = matchesFilter(conversation, filter, meId);
  if (match === false || (match === "unknown" && index < 0)) {
    if (index < 0) return data;
    items.splice(index, 1);
    return rechunk(data, items);
  }
  if (index >= 0) items.splice(index, 1);
  // A conversation older than everything loaded belongs to a page not fetched yet.
  const last = items[items.length - 1];
  const hasMore = data.pages[data.pages.length - 1]?.nextPageToken !== "";
  if (index < 0 && hasMore && last && compareActivity(conversation, last) > 0) return data;
  items.push(conversation);
  items.sort(compareActivity);
  return rechunk(data, items);
}

/**
 * The list as shown while conversation `openId` is open. Once shown, it keeps its row even
 * after it stops matching the filter (the agent reading it resolved it), after the row
 * that preceded it, until another conversation is opened. `shownBefore` is the list as
 * last shown with the same conversation open (and the same filter); `latest` is the open
 * conversation's freshest copy, so the kept row shows its new status.
 */
export function keepOpenConversation(
  list: Conversation[],
  shownBefore: readonly Conversation[],
  openId: string | undefined,
  latest?: Conversation,
): Conversation[] {
  if (!openId || list.some((c) => c.id === openId)) return list;
  const index = shownBefore.findIndex((c) => c.id === openId);
  const kept = shownBefore[index];
  if (!kept) return list;
  const row = latest?.id === openId ? latest : kept;
  let at = 0;
  for (let i = index - 1; i >= 0; i--) {
    const before = list.findIndex((c) => c.id === shownBefore[i]?.id);
    if (before >= 0) {
      at = before + 1;
      break;
    }
  }
  return [...list.slice(0, at), row, ...list.slice(at)];
}

/** A list without the conversations `drop` picks (an erased visitor's); unchanged if none. */
export function removeFromList(data: ListData, drop: (c: Conversation) => boolean): ListData {
  const items = flattenList(data);
  const kept = items.filter((c) => !drop(c));
  return kept.length === items.length ? data : rechunk(data, kept);
}

/**
 * A conversation after one of its messages was written. Messages at or below `lastSeq`
 * are already counted (the list was fetched after them), so replays change nothing.
 * Internal messages (notes, and the server's system lines "Resolved by Sam") move only
 * `lastSeq`: never the preview, the time or the unread count. A system message sent as
 * visible (an integration's) is the preview, as the server makes it; never unread.
 */
export function applyMessage(c: Conversation, m: Message): Conversation {
  if (m.seq <= c.lastSeq) return c;
  const next: Conversation = { ...c, lastSeq: m.seq };
  if (!m.internal) {
    next.lastMessageTime = m.createTime;
    next.lastMessagePreview = previewText(m.body, m.attachments.length);
    if (m.senderType === SenderType.VISITOR) next.unreadCount = c.unreadCount + 1n;
  }
  return next;
}

/**
 * Whether `m` is the first message of its conversation the visitor side sees (notes and
 * system lines may come before it: routing's "Assigned to Sam" often does), judged from the
 * conversation as held before `m`: a preview appears with the first visible message. When
 * the copy held is unknown or already includes `m`, only seq 1 counts.
 */
export function isFirstVisibleMessage(before: Conversation | undefined, m: Message): boolean {
  if (m.internal) return false;
  if (!before || m.seq <= before.lastSeq) return m.seq === 1n;
  return before.lastMessagePreview === "";
}

/** A conversation after the agent side read up to `seq` (optimistic MarkConversationRead). */
export function applyRead(c: Conversation, seq: bigint): Conversation {
  if (seq <= c.agentReadSeq) return c;
  return { ...c, agentReadSeq: seq, unreadCount: 0n };
}

export interface MessagesData {
  pages: ListConversationMessagesResponse[];
  pageParams: unknown[];
}

/** Messages not yet confirmed by the server carry this id prefix and sort last. */
export const PENDING_PREFIX = "pending:";

export function isPending(m: Message): boolean {
  return m.id.startsWith(PENDING_PREFIX);
}

/** How the shared merge reads a message: pending ones are the optimistic copies. */
const messageIdentity: MessageIdentity<Message> = {
  stored: (m) => !isPending(m),
  id: (m) => m.id,
  clientKey: (m) => m.clientKey,
  seq: (m) => m.seq,
};

/** All messages of a history, oldest first, each once. */
export function flattenMessages(data: MessagesData | undefined): Message[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: Message[] = [];
  for (let i = data.pages.length - 1; i >= 0; i--) {
    for (const m of data.pages[i]?.messages ?? []) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      out.push(m);
    }
  }
  return out;
}

/**
 * A history after a message arrived (from the feed, a send answer or an optimistic send),
 * merged by the shared rule: a message already present by id is kept once; a confirmed
 * message replaces the pending one with the same client key. Older pages keep what they
 * hold; the newest page takes the rest, pending messages last.
 */
export function mergeMessage(data: MessagesData, message: Message): MessagesData {
  const all = flattenMessages(data);
  const merged = mergeMessages(all, [message], messageIdentity);
  if (merged === all) return data;
  const kept = new Set(merged);
  const older = data.pages.slice(1).map((page) =>
    page.messages.every((m) => kept.has(m))
      ? page
      : create(ListConversationMessagesResponseSchema, {
          messages: page.messages.filter((m) => kept.has(m)),
          hasMore: page.hasMore,
        }),
  );
  const inOlder = new Set(older.flatMap((page) => page.messages));
  const newest = create(ListConversationMessagesResponseSchema, {
    messages: merged.filter((m) => !inOlder.has(m)),
    hasMore: data.pages[0]?.hasMore ?? false,
  });
  return { pages: [newest, ...older], pageParams: data.pageParams.length ? data.pageParams : [0n] };
}

/** A history without the pending message of `clientKey` (a send that failed for good). */
export function dropPending(data: MessagesData, clientKey: string): MessagesData {
  return {
    pageParams: data.pageParams,
    pages: data.pages.map((page) =>
      create(ListConversationMessagesResponseSchema, {
        messages: page.messages.filter((m) => !(isPending(m) && m.clientKey === clientKey)),
        hasMore: page.hasMore,
      }),
    ),
  };
}

/** Conversations needing attention: unread and open, mine or nobody's. */
export function unreadConversations(conversations: Conversation[], meId: string): number {
  return conversations.filter(
    (c) =>
      c.unreadCount > 0n &&
      OPEN_STATUSES.includes(c.status) &&
      (c.assigneeUserId === meId || c.assigneeUserId === ""),
  ).length;
}

/**
 * Why a conversation carries "Left offline", for its badge's explanation: the visitor left
 * it through the widget's offline form while nobody was available, and expects the answer
 * by e-mail when they gave an address, otherwise in the chat when they come back.
 */
export function leftOfflineNote(visitorEmail: string): string {
  return visitorEmail.trim()
    ? "Left through the offline form; the visitor expects the answer by e-mail."
    : "Left through the offline form; the visitor expects the answer here on their return.";
}

/**
 * Whether the AI bot answers a conversation now: its responder is the bot and it is not
 * over. Assigning it to an agent (taking it over) hands it to the agents on the server.
 */
export function botAnswers(c: Pick<Conversation, "responder" | "status">): boolean {
  return (
    c.responder === Responder.BOT &&
    c.status !== ConversationStatus.RESOLVED &&
    c.status !== ConversationStatus.CLOSED
  );
}

/**
 * Whether a guided flow is taking the visitor through its steps now: its responder is the
 * workflow and it is not over. The flow hands the conversation to the agents itself (a
 * route step, or past its last step) or resolves it (an end step).
 */
export function flowAnswers(c: Pick<Conversation, "responder" | "status">): boolean {
  return (
    c.responder === Responder.WORKFLOW &&
    c.status !== ConversationStatus.RESOLVED &&
    c.status !== ConversationStatus.CLOSED
  );
}
