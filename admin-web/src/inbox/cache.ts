//! Query keys of the dashboard and the bridge from feed events into the query cache: every
//! cached list, conversation and history is updated in place, so screens re-render
//! without refetching, and a list fetched while the feed ran keeps the feed's changes.

import { create } from "@bufbuild/protobuf";
import {
  type Conversation,
  type GetConversationResponse,
  type GetSetupProgressResponse,
  type ListConversationsResponse,
  ListConversationsResponseSchema,
  type ListLiveVisitorsResponse,
  type ListMembersResponse,
  type Member,
  type Message,
  type VisitorChange,
  type VisitorErased,
  type VisitorProfile,
  type WatchWorkspaceResponse,
} from "@porthole/client";
import type { QueryClient } from "@tanstack/react-query";
import { applyVisitorChange } from "../visitors/change";
import { applyLiveVisitorChange, isArrival, mergeLiveVisitor } from "../visitors/live";
import {
  applyMessage,
  flattenList,
  type InboxFilter,
  isFirstVisibleMessage,
  type ListData,
  type MessagesData,
  mergeMessage,
  removeFromList,
  upsertIntoList,
} from "./model";
import { pageViewsChanged } from "./pageViews";

export const keys = {
  me: ["me"] as const,
  members: ["members"] as const,
  invites: ["invites"] as const,
  widgets: ["widgets"] as const,
  widget: (id: string) => ["widget", id] as const,
  allLists: ["conversations"] as const,
  list: (filter: InboxFilter) => ["conversations", filter] as const,
  /** Whether the workspace has had any conversation (for the empty inbox's advice). */
  anyConversation: ["any-conversation"] as const,
  conversation: (id: string) => ["conversation", id] as const,
  messages: (id: string) => ["messages", id] as const,
  visitorHistory: (visitorId: string) => ["visitor-history", visitorId] as const,
  pageViews: (visitorId: string) => ["page-views", visitorId] as const,
  liveVisitors: ["live-visitors"] as const,
  canned: ["canned-responses"] as const,
  /** The workspace's teams (`team/`; not in the feed). */
  teams: ["teams"] as const,
  /** The workspace's automation rules, in run order (`rules/`; not in the feed). */
  rules: ["rules"] as const,
  /** Everything of the knowledge base (`knowledge/`): invalidated whole after a change. */
  knowledge: ["knowledge"] as const,
  articles: ["knowledge", "list"] as const,
  article: (id: string) => ["knowledge", "article", id] as const,
  articleSearch: (query: string, limit: number) => ["knowledge", "search", query, limit] as const,
  signUpPolicy: ["sign-up-policy"] as const,
  auditLog: ["audit-log"] as const,
  jobs: ["jobs"] as const,
  webhooks: ["webhooks"] as const,
  webhookDeliveries: (webhookId: string) => ["webhook-deliveries", webhookId] as const,
  notificationSettings: ["notification-settings"] as const,
  /** The first-run checklist's steps (`setup/`). */
  setupProgress: ["setup-progress"] as const,
  /** The AI bot's model, usage and last failure (`bot/`; owners and admins). */
  botStatus: ["bot-status"] as const,
  /** Set once the server said it has no AI model (`bot/queries.ts`): assist actions hide. */
  noModel: ["bot-no-model"] as const,
  /** Every report (`reports/`; not in the feed): read again when the time zone changes. */
  reports: ["reports"] as const,
  report: (request: unknown) => ["reports", request] as const,
};

function listQueries(qc: QueryClient) {
  return qc.getQueriesData<ListData>({ queryKey: keys.allLists });
}

/** The freshest copy of a conversation anywhere in the cache. */
export function findConversation(qc: QueryClient, id: string): Conversation | undefined {
  const detail = qc.getQueryData<GetConversationResponse>(keys.conversation(id));
  if (detail?.conversation) return detail.conversation;
  for (const [, data] of listQueries(qc)) {
    const found = flattenList(data).find((c) => c.id === id);
    if (found) return found;
  }
  return undefined;
}

/** A change the feed made to the conversation lists. */
type ListChange =
  | { kind: "upsert"; conversation: Conversation; meId: string }
  | { kind: "remove"; drop: (c: Conversation) => boolean };

/**
 * The list changes the feed made while each list fetch was on its way. A list's answer may
 * have been read before them (a refetch asked for before a conversation was created and
 * answered after its event), and the feed does not send a change twice: without these,
 * the answer would undo the change until the next refetch.
 */
const changesDuringFetch = new WeakMap<QueryClient, Set<ListChange[]>>();

function recordListChange(qc: QueryClient, change: ListChange): void {
  for (const changes of changesDuringFetch.get(qc) ?? []) changes.push(change);
}

function applyListChange(
  data: ListData,
  change: ListChange,
  filter: InboxFilter,
  first: boolean,
): ListData {
  if (change.kind === "remove") return removeFromList(data, change.drop);
  // A later page takes no new rows: their place is on the first page, or not loaded.
  if (!first && !flattenList(data).some((c) => c.id === change.conversation.id)) return data;
  return upsertIntoList(data, change.conversation, filter, change.meId);
}

/**
 * One page of the list for `filter`, fetched by `fetchPage`, with the feed's changes made
 * while it was on its way laid over it. Changes that come after the answer but before the
 * cache holds it are applied once it does.
 */
export async function fetchListPage(
  qc: QueryClient,
  filter: InboxFilter,
  first: boolean,
  fetchPage: () => Promise<ListConversationsResponse>,
): Promise<ListConversationsResponse> {
  let open = changesDuringFetch.get(qc);
  if (!open) {
    open = new Set();
    changesDuringFetch.set(qc, open);
  }
  const changes: ListChange[] = [];
  open.add(changes);
  let answered = 0;
  try {
    let page: ListData = { pages: [await fetchPage()], pageParams: [""] };
    for (const change of changes) page = applyListChange(page, change, filter, first);
    answered = changes.length;
    return page.pages[0] ?? create(ListConversationsResponseSchema);
  } finally {
    const registered = open;
    // TanStack stores the answer a few microtasks after it is returned.
    setTimeout(() => {
      registered.delete(changes);
      const late = changes.slice(answered);
      if (late.length === 0) return;
      qc.setQueryData<ListData>(keys.list(filter), (data) =>
        data ? late.reduce((d, change) => applyListChange(d, change, filter, true), data) : data,
      );
    }, 0);
  }
}

/** Writes a changed or new conversation into every list and its detail entry. */
export function upsertConversation(qc: QueryClient, c: Conversation, meId: string): void {
  recordListChange(qc, { kind: "upsert", conversation: c, meId });
  for (const [key, data] of listQueries(qc)) {
    const filter = key[1] as InboxFilter | undefined;
    if (!data || !filter) continue;
    const next = upsertIntoList(data, c, filter, meId);
    if (next !== data) qc.setQueryData(key, next);
  }
  qc.setQueryData<GetConversationResponse>(keys.conversation(c.id), (old) =>
    old ? { ...old, conversation: c } : old,
  );
}

/**
 * Adds a message to its cached history and moves its conversation in every list. Returns
 * whether it is the first message the visitor side sees (`isFirstVisibleMessage`).
 */
export function applyMessageEvent(qc: QueryClient, m: Message, meId: string): boolean {
  qc.setQueryData<MessagesData>(keys.messages(m.conversationId), (old) =>
    old ? mergeMessage(old, m) : old,
  );
  const known = findConversation(qc, m.conversationId);
  const first = isFirstVisibleMessage(known, m);
  if (!known) {
    // Not loaded anywhere: only the server knows where it goes.
    void qc.invalidateQueries({ queryKey: keys.allLists });
    return first;
  }
  const updated = applyMessage(known, m);
  if (updated !== known) upsertConversation(qc, updated, meId);
  // Lists that held an older copy than `known` get the update too.
  for (const [key, data] of listQueries(qc)) {
    const filter = key[1] as InboxFilter | undefined;
    if (!data || !filter) continue;
    const copy = flattenList(data).find((c) => c.id === m.conversationId);
    if (copy && copy.lastSeq < m.seq)
      qc.setQueryData(key, upsertIntoList(data, applyMessage(copy, m), filter, meId));
  }
  return first;
}

/**
 * Rewrites the visitor's profile in every cached conversation of theirs; returns the profile
 * held before, if any.
 */
function updateConversationVisitor(
  qc: QueryClient,
  visitorId: string,
  update: (profile: VisitorProfile) => VisitorProfile,
): VisitorProfile | undefined {
  let previous: VisitorProfile | undefined;
  for (const [key, data] of qc.getQueriesData<GetConversationResponse>({
    queryKey: ["conversation"],
  })) {
    if (data?.visitor?.id === visitorId) {
      previous = data.visitor;
      qc.setQueryData(key, { ...data, visitor: update(data.visitor) });
    }
  }
  return previous;
}

/** Refetches the visitor's page views if a panel shows them (at most a few small pages). */
function refreshPageViews(qc: QueryClient, visitorId: string): void {
  void qc.invalidateQueries({ queryKey: keys.pageViews(visitorId) });
}

/**
 * The live-visitors refetch each client runs for the feed, if any, and whether one more is
 * due after it.
 */
const liveRefetches = new WeakMap<QueryClient, { again: boolean }>();

/** Whether an answer to ListLiveVisitors is on its way (or about to be asked for). */
function liveFetchPending(qc: QueryClient): boolean {
  return liveRefetches.has(qc) || qc.getQueryState(keys.liveVisitors)?.fetchStatus === "fetching";
}

/**
 * Refetches the live visitors, one fetch at a time, so that a burst of arrivals costs one or
 * two fetches rather than one each: a call while a fetch is on its way joins it
 * (`cancelRefetch: false`) and asks for one more after it, since its answer may predate
 * what the call was for.
 */
function refetchLiveVisitors(qc: QueryClient): void {
  const running = liveRefetches.get(qc);
  if (running) {
    running.again = true;
    return;
  }
  // A fetch someone else started (the screen opening, a feed reset) may predate it too.
  const round = { again: qc.getQueryState(keys.liveVisitors)?.fetchStatus === "fetching" };
  liveRefetches.set(qc, round);
  void qc
    .invalidateQueries({ queryKey: keys.liveVisitors, exact: true }, { cancelRefetch: false })
    .finally(() => {
      liveRefetches.delete(qc);
      if (round.again) refetchLiveVisitors(qc);
    });
}

/**
 * A visitor's whole profile (`visitorUpdated`, from servers before `visitorChanged`): it
 * replaces the cached copies and is merged into the live list.
 */
function applyVisitor(qc: QueryClient, visitor: VisitorProfile): void {
  const previous = updateConversationVisitor(qc, visitor.id, () => visitor);
  // A new page view: the open visitor panel refetches its history; presence-only updates
  // cost nothing.
  if (pageViewsChanged(previous, visitor)) refreshPageViews(qc, visitor.id);
  const listed = qc
    .getQueryData<ListLiveVisitorsResponse>(keys.liveVisitors)
    ?.visitors.some((v) => v.id === visitor.id);
  qc.setQueryData<ListLiveVisitorsResponse>(keys.liveVisitors, (old) => {
    if (!old) return old;
    const visitors = mergeLiveVisitor(old.visitors, visitor);
    return visitors === old.visitors ? old : { ...old, visitors };
  });
  // An answer on its way may predate this arrival or departure and undo it.
  if ((!visitor.online || !listed) && liveFetchPending(qc)) refetchLiveVisitors(qc);
}

/**
 * What changed about a visitor (`visitorChanged`): applied to the cached copies of their
 * profile and to the live list. A visitor coming online whom the list lacks is fetched with
 * the list: the change alone is no profile to show.
 */
function applyVisitorChangeEvent(qc: QueryClient, change: VisitorChange): void {
  updateConversationVisitor(qc, change.id, (profile) => applyVisitorChange(profile, change));
  // The count comes only when it moved, i.e. with a new page view.
  if (change.pageViews !== undefined) refreshPageViews(qc, change.id);
  const live = qc.getQueryState<ListLiveVisitorsResponse>(keys.liveVisitors);
  if (!live) return; // The list is not cached: nothing to keep current.
  if (isArrival(live.data?.visitors ?? [], change)) {
    refetchLiveVisitors(qc);
    return;
  }
  qc.setQueryData<ListLiveVisitorsResponse>(keys.liveVisitors, (old) => {
    if (!old) return old;
    const visitors = applyLiveVisitorChange(old.visitors, change);
    return visitors === old.visitors ? old : { ...old, visitors };
  });
  // An answer on its way may predate this departure and list them again.
  if (change.online === false && liveFetchPending(qc)) refetchLiveVisitors(qc);
}

/**
 * Forgets an erased visitor: their conversations leave every list, and their profile,
 * conversations, messages, page views and past conversations leave the cache. The ids the
 * server named are dropped, and so is any cached conversation of the visitor it did not
 * name (the erasing member's own answer names none).
 */
export function removeVisitor(
  qc: QueryClient,
  visitorId: string,
  conversationIds: readonly string[] = [],
): void {
  const gone = new Set(conversationIds);
  for (const [, data] of qc.getQueriesData<GetConversationResponse>({
    queryKey: ["conversation"],
  })) {
    const c = data?.conversation;
    if (c && (c.visitorId === visitorId || data.visitor?.id === visitorId)) gone.add(c.id);
  }
  const drop = (c: Conversation) => c.visitorId === visitorId || gone.has(c.id);
  recordListChange(qc, { kind: "remove", drop });
  for (const [key, data] of listQueries(qc)) {
    if (!data) continue;
    const next = removeFromList(data, drop);
    if (next === data) continue;
    for (const c of flattenList(data)) if (c.visitorId === visitorId) gone.add(c.id);
    qc.setQueryData(key, next);
  }
  for (const id of gone) {
    qc.removeQueries({ queryKey: keys.conversation(id), exact: true });
    qc.removeQueries({ queryKey: keys.messages(id), exact: true });
  }
  qc.removeQueries({ queryKey: keys.pageViews(visitorId) });
  qc.removeQueries({ queryKey: keys.visitorHistory(visitorId) });
  qc.setQueryData<ListLiveVisitorsResponse>(keys.liveVisitors, (old) => {
    if (!old?.visitors.some((v) => v.id === visitorId)) return old;
    return { ...old, visitors: old.visitors.filter((v) => v.id !== visitorId) };
  });
}

/** Whether conversation `id` is one of the erased visitor's (by the event, else the cache). */
export function isErasedConversation(qc: QueryClient, erased: VisitorErased, id: string): boolean {
  return (
    erased.conversationIds.includes(id) || findConversation(qc, id)?.visitorId === erased.visitorId
  );
}

/** The checklist's test chat is done once the workspace has a conversation. */
function tickTestChat(qc: QueryClient): void {
  qc.setQueryData<GetSetupProgressResponse>(keys.setupProgress, (old) =>
    old && !old.chatTried ? { ...old, chatTried: true } : old,
  );
}

/** At most one checklist refetch per this long for arriving visitors. */
const ARRIVAL_REFETCH_MS = 5_000;
/** Each client's last refetch for an arrival, and the one due after it, if any. */
const arrivalRefetches = new WeakMap<
  QueryClient,
  { at: number; due?: ReturnType<typeof setTimeout> }
>();

/**
 * A visitor came online (their first page view) while no widget has been seen on a site:
 * this may be the first sighting the checklist waits for (the feed does not say), so ask
 * again — at most every few seconds, arrivals in between asking once at the end of the
 * wait (the test page's visitors arrive too). Once a widget was seen, arrivals cost nothing.
 */
function visitorArrived(qc: QueryClient): void {
  const progress = qc.getQueryData<GetSetupProgressResponse>(keys.setupProgress);
  if (!progress || progress.widgetSeen) return;
  const now = Date.now();
  const last = arrivalRefetches.get(qc);
  const wait = last ? last.at + ARRIVAL_REFETCH_MS - now : 0;
  if (last && wait > 0) {
    last.due ??= setTimeout(() => {
      last.due = undefined;
      visitorArrived(qc);
    }, wait);
    return;
  }
  arrivalRefetches.set(qc, { at: now });
  void qc.invalidateQueries({ queryKey: keys.setupProgress, exact: true });
}

function applyMember(qc: QueryClient, member: Member): void {
  qc.setQueryData<ListMembersResponse>(keys.members, (old) =>
    old
      ? {
          ...old,
          members: old.members.map((m) => (m.userId === member.userId ? member : m)),
        }
      : old,
  );
}

/** Hooks for what the cache alone cannot do (typing, notifications). */
export interface FeedSideEffects {
  typing?: (event: Extract<WatchWorkspaceResponse["event"], { case: "typing" }>["value"]) => void;
  /** `first`: the first message the visitor side sees (system lines and notes may precede it). */
  message?: (m: Message, context: { first: boolean }) => void;
  created?: (c: Conversation) => void;
  assigned?: (c: Conversation, transfer: boolean) => void;
  /** Called before the visitor leaves the cache, so an open view of theirs can be found. */
  erased?: (erased: VisitorErased) => void;
}

/** Applies one feed item to the cache. */
export function applyFeedEvent(
  qc: QueryClient,
  item: WatchWorkspaceResponse,
  meId: string,
  effects: FeedSideEffects = {},
): void {
  const event = item.event;
  switch (event.case) {
    case "conversationCreated":
      upsertConversation(qc, event.value, meId);
      qc.setQueryData(keys.anyConversation, true);
      tickTestChat(qc);
      effects.created?.(event.value);
      break;
    case "conversationUpdated":
      upsertConversation(qc, event.value, meId);
      break;
    case "assignedToYou":
      if (event.value.conversation) {
        upsertConversation(qc, event.value.conversation, meId);
        effects.assigned?.(event.value.conversation, event.value.transfer);
      }
      break;
    case "messageCreated": {
      const first = applyMessageEvent(qc, event.value, meId);
      effects.message?.(event.value, { first });
      break;
    }
    case "typing":
      effects.typing?.(event.value);
      break;
    case "visitorChanged":
      applyVisitorChangeEvent(qc, event.value);
      if (event.value.online === true) visitorArrived(qc);
      break;
    case "visitorUpdated":
      applyVisitor(qc, event.value);
      if (event.value.online) visitorArrived(qc);
      break;
    case "memberUpdated":
      applyMember(qc, event.value);
      break;
    case "visitorErased":
      effects.erased?.(event.value);
      removeVisitor(qc, event.value.visitorId, event.value.conversationIds);
      break;
    default:
      break;
  }
}
