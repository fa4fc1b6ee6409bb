//! The conversation list: search (its matches marked in the rows), filters, rows with
//! unread counts kept live by the feed ("Left offline" on those left through the widget's
//! offline form; the bot's name while the AI bot answers one; "Guided flow" while a flow
//! does), and an empty state saying
//! what to do next.

import { type Conversation, ConversationStatus, Priority } from "@porthole/client";
import type { UseInfiniteQueryResult } from "@tanstack/react-query";
import { BellRing, ChevronDown, ListFilter, Search, Users, X } from "lucide-react";
import { Fragment, memo, useEffect, useState } from "react";
import { Link } from "react-router";
import { DEFAULT_BOT_NAME } from "../bot/bot";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import {
  MenuContent,
  MenuItem,
  MenuLabel,
  MenuRoot,
  MenuSeparator,
  MenuTrigger,
} from "../components/ui/Menu";
import { Avatar, EmptyState, Spinner } from "../components/ui/misc";
import { notificationPermission, requestNotifications } from "../lib/attention";
import { useMe } from "../lib/auth";
import { priorityLabel, shortAgo, visitorLabel } from "../lib/format";
import { setPrefs, usePrefs } from "../lib/prefs";
import { useTeams } from "../team/queries";
import { teamLabel } from "../team/teams";
import { useWidgets } from "../widgets/queries";
import { useFeedStatus } from "./FeedProvider";
import { hasMatch, highlightParts } from "./highlight";
import { InboxEmptyState } from "./InboxEmptyState";
import { LeftOfflineBadge } from "./LeftOfflineBadge";
import {
  type AssigneeChoice,
  botAnswers,
  flowAnswers,
  type InboxFilter,
  type ListData,
  type StatusFilter,
} from "./model";
import { useMembers } from "./queries";
import { useTypists } from "./typing";

const statusChoices: Array<[StatusFilter, string]> = [
  ["open", "Open"],
  ["pending", "Pending"],
  ["active", "Active"],
  ["waiting", "Waiting"],
  ["resolved", "Resolved"],
  ["closed", "Closed"],
  ["all", "All statuses"],
];

const assigneeChoices: Array<[AssigneeChoice, string]> = [
  ["mine", "Mine"],
  ["unassigned", "Unassigned"],
  ["all", "All"],
];

export function ConversationList({
  filter,
  onFilter,
  list,
  conversations,
  selectedId,
  search,
}: {
  filter: InboxFilter;
  onFilter: (filter: InboxFilter) => void;
  list: UseInfiniteQueryResult<ListData>;
  conversations: Conversation[];
  selectedId: string | undefined;
  search: string;
}) {
  const [query, setQuery] = useState(filter.query);
  const status = useFeedStatus();
  const meId = useMe().data?.user?.id ?? "";
  const members = useMembers().data?.members ?? [];
  const widgets = useWidgets().data?.widgets ?? [];
  const teams = useTeams().data ?? [];

  // Search as you type, once the typing pauses.
  useEffect(() => {
    if (query === filter.query) return;
    const timer = setTimeout(() => onFilter({ ...filter, query }), 250);
    return () => clearTimeout(timer);
  }, [query, filter, onFilter]);

  // Tick so "2m" becomes "3m" without events.
  const [, setNow] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setNow((n) => n + 1), 30_000);
    return () => clearInterval(timer);
  }, []);

  const statusName = statusChoices.find(([s]) => s === filter.status)?.[1] ?? "Open";

  return (
    <div className="flex min-h-0 w-full flex-1 flex-col">
      <div className="space-y-3 border-b border-zinc-200 px-4 pt-4 pb-3 dark:border-zinc-800">
        <div className="flex items-center justify-between">
          <h1 className="text-base font-semibold tracking-tight">Inbox</h1>
          <span
            role="status"
            className={cn(
              "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-[11px] font-medium",
              status === "live"
                ? "text-emerald-700 dark:text-emerald-400"
                : "bg-amber-50 text-amber-700 dark:bg-amber-500/10 dark:text-amber-400",
            )}
          >
            <span
              className={cn(
                "size-1.5 rounded-full",
                status === "live" ? "bg-emerald-500" : "animate-pulse bg-amber-500",
              )}
            />
            {status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Reconnecting…"}
          </span>
        </div>
        <div className="relative">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-400" />
          <input
            type="search"
            aria-label="Search conversations"
            placeholder="Search name, e-mail or message"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="h-8 w-full rounded-lg bg-zinc-100 pr-8 pl-8 text-[13px] placeholder:text-zinc-400 focus:bg-white focus:ring-2 focus:ring-brand-500 focus:outline-none dark:bg-zinc-900 dark:focus:bg-zinc-900 [&::-webkit-search-cancel-button]:hidden"
          />
          {query && (
            <button
              type="button"
              aria-label="Clear search"
              onClick={() => setQuery("")}
              className="absolute top-1/2 right-2 -translate-y-1/2 rounded p-0.5 text-zinc-400 hover:text-zinc-700"
            >
              <X className="size-3.5" />
            </button>
          )}
        </div>
        <div className="flex items-center gap-2">
          <fieldset
            aria-label="Assignee"
            className="flex rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-900"
          >
            {assigneeChoices.map(([value, label]) => (
              <button
                key={value}
                type="button"
                aria-pressed={filter.assignee === value}
                onClick={() => onFilter({ ...filter, assignee: value })}
                className={cn(
                  "rounded-md px-2.5 py-1 text-xs font-medium transition-colors",
                  filter.assignee === value
                    ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-white"
                    : "text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200",
                )}
              >
                {label}
              </button>
            ))}
          </fieldset>
          <MenuRoot>
            <MenuTrigger asChild>
              <Button
                size="sm"
                variant="ghost"
                className="ml-auto"
                aria-label={`Status: ${statusName}`}
              >
                {statusName}
                <ChevronDown className="size-3.5" />
              </Button>
            </MenuTrigger>
            <MenuContent align="end">
              <MenuLabel>Status</MenuLabel>
              {statusChoices.map(([value, label]) => (
                <MenuItem key={value} onSelect={() => onFilter({ ...filter, status: value })}>
                  {label}
                  {filter.status === value && <span className="ml-auto text-brand-600">✓</span>}
                </MenuItem>
              ))}
            </MenuContent>
          </MenuRoot>
          <MenuRoot>
            <MenuTrigger asChild>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Priority: ${priorityLabel[filter.priority]}`}
                className={cn(
                  "px-1.5",
                  (filter.priority !== Priority.UNSPECIFIED || filter.widgetId !== "") &&
                    "text-brand-600 dark:text-brand-400",
                )}
              >
                <ListFilter className="size-3.5" />
                {filter.priority !== Priority.UNSPECIFIED && priorityLabel[filter.priority]}
              </Button>
            </MenuTrigger>
            <MenuContent align="end">
              <MenuLabel>Priority</MenuLabel>
              {[
                Priority.UNSPECIFIED,
                Priority.URGENT,
                Priority.HIGH,
                Priority.NORMAL,
                Priority.LOW,
              ].map((p) => (
                <MenuItem key={p} onSelect={() => onFilter({ ...filter, priority: p })}>
                  <PriorityIcon priority={p} />
                  {priorityLabel[p]}
                  {filter.priority === p && <span className="ml-auto text-brand-600">✓</span>}
                </MenuItem>
              ))}
              {widgets.length > 1 && (
                <>
                  <MenuSeparator />
                  <MenuLabel>Widget</MenuLabel>
                  {[{ id: "", name: "All widgets" }, ...widgets].map((w) => (
                    <MenuItem key={w.id} onSelect={() => onFilter({ ...filter, widgetId: w.id })}>
                      <span className="truncate">{w.name}</span>
                      {filter.widgetId === w.id && (
                        <span className="ml-auto text-brand-600">✓</span>
                      )}
                    </MenuItem>
                  ))}
                </>
              )}
            </MenuContent>
          </MenuRoot>
          {(teams.length > 0 || filter.teamId !== "") && (
            <TeamFilter
              teamId={filter.teamId}
              teams={teams}
              onChange={(teamId) => onFilter({ ...filter, teamId })}
            />
          )}
        </div>
      </div>
      <NotificationOffer />
      <div className="min-h-0 flex-1 overflow-y-auto" aria-busy={list.isPending}>
        {list.isPending ? (
          <ListSkeleton />
        ) : list.isError ? (
          <EmptyState title="The list could not be loaded">
            <Button size="sm" className="mt-3" onClick={() => void list.refetch()}>
              Try again
            </Button>
          </EmptyState>
        ) : conversations.length === 0 ? (
          <InboxEmptyState filter={filter} onFilter={onFilter} />
        ) : (
          <ul
            aria-label="Conversations"
            className="divide-y divide-zinc-100 dark:divide-zinc-800/70"
          >
            {conversations.map((c) => (
              <ConversationRow
                key={c.id}
                conversation={c}
                selected={c.id === selectedId}
                search={search}
                query={filter.query}
                assigneeName={
                  c.assigneeUserId === meId
                    ? "You"
                    : (members.find((m) => m.userId === c.assigneeUserId)?.displayName ?? "")
                }
                botName={
                  widgets.find((w) => w.id === c.widgetId)?.settings?.bot?.name || DEFAULT_BOT_NAME
                }
              />
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <div className="p-3 text-center" ref={loadMoreWhenVisible(list)}>
            <Button
              size="sm"
              variant="ghost"
              loading={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              Load more
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

export function PriorityIcon({ priority }: { priority: Priority }) {
  if (priority === Priority.UNSPECIFIED || priority === Priority.NORMAL) {
    return (
      <span
        className="size-2 rounded-full border border-zinc-300 dark:border-zinc-600"
        aria-hidden
      />
    );
  }
  const color =
    priority === Priority.URGENT
      ? "bg-red-500"
      : priority === Priority.HIGH
        ? "bg-orange-400"
        : "bg-zinc-300";
  return <span className={cn("size-2 rounded-full", color)} aria-hidden />;
}

const statusTone: Partial<Record<ConversationStatus, string>> = {
  [ConversationStatus.PENDING]: "text-amber-600 dark:text-amber-400",
  [ConversationStatus.RESOLVED]: "text-emerald-600 dark:text-emerald-400",
  [ConversationStatus.CLOSED]: "text-zinc-400",
};

/** `text` with the search's matches in `<mark>`. */
function Highlighted({ text, query }: { text: string; query: string }) {
  if (!query.trim()) return text;
  // Each run is keyed by where it starts in the text.
  let at = 0;
  return highlightParts(text, query).map((part) => {
    const key = at;
    at += part.text.length;
    return part.match ? (
      <mark
        key={key}
        className="rounded-[3px] bg-amber-200 text-zinc-900 dark:bg-amber-300/30 dark:text-amber-50"
      >
        {part.text}
      </mark>
    ) : (
      <Fragment key={key}>{part.text}</Fragment>
    );
  });
}

const ConversationRow = memo(function ConversationRow({
  conversation: c,
  selected,
  search,
  query,
  assigneeName,
  botName,
}: {
  conversation: Conversation;
  selected: boolean;
  search: string;
  /** The search the list shows, whose matches the row marks. */
  query: string;
  assigneeName: string;
  /** The name of the AI bot of the conversation's widget. */
  botName: string;
}) {
  const unread = Number(c.unreadCount);
  const typists = useTypists(c.id).filter((t) => t.visitor || t.bot);
  const name = visitorLabel(c);
  // A match the row would not show otherwise: the e-mail behind a name, or message text
  // other than the last message's preview.
  const emailMatch =
    query.trim() !== "" && name !== c.visitorEmail && hasMatch(c.visitorEmail, query);
  const hiddenMatch =
    query.trim() !== "" &&
    !emailMatch &&
    !hasMatch(name, query) &&
    !hasMatch(c.lastMessagePreview, query);
  return (
    <li id={`conversation-${c.id}`}>
      <Link
        to={`/inbox/${c.id}${search}`}
        aria-current={selected ? "page" : undefined}
        className={cn(
          "relative flex gap-3 px-4 py-3 transition-colors",
          selected
            ? "bg-brand-50/70 dark:bg-brand-500/10"
            : "hover:bg-zinc-50 dark:hover:bg-zinc-900/60",
        )}
      >
        {selected && <span className="absolute inset-y-0 left-0 w-0.5 bg-brand-600" />}
        <Avatar name={name} seed={c.visitorId} size="md" />
        <div className="min-w-0 flex-1">
          <div className="flex items-baseline gap-2">
            <span
              className={cn("truncate text-[13px]", unread > 0 ? "font-semibold" : "font-medium")}
            >
              <Highlighted text={name} query={query} />
            </span>
            {(c.priority === Priority.URGENT || c.priority === Priority.HIGH) && (
              <span
                className={cn(
                  "shrink-0 rounded px-1 text-[10px] font-semibold uppercase",
                  c.priority === Priority.URGENT
                    ? "bg-red-50 text-red-600 dark:bg-red-500/15 dark:text-red-400"
                    : "bg-orange-50 text-orange-600 dark:bg-orange-500/15 dark:text-orange-400",
                )}
              >
                {c.priority === Priority.URGENT ? "Urgent" : "High"}
              </span>
            )}
            <span className="ml-auto shrink-0 text-[11px] text-zinc-400 tabular-nums">
              {shortAgo(c.lastMessageTime)}
            </span>
          </div>
          <div className="mt-0.5 flex items-center gap-2">
            <p
              className={cn(
                "line-clamp-1 flex-1 text-[13px]",
                unread > 0
                  ? "text-zinc-800 dark:text-zinc-200"
                  : "text-zinc-500 dark:text-zinc-400",
              )}
            >
              {typists[0]?.bot ? (
                <span className="text-violet-600 italic dark:text-violet-400">
                  {botName} is answering…
                </span>
              ) : typists.length > 0 ? (
                <span className="text-brand-600 italic dark:text-brand-400">typing…</span>
              ) : (
                (c.lastMessagePreview && (
                  <Highlighted text={c.lastMessagePreview} query={query} />
                )) || <span className="italic">No messages yet</span>
              )}
            </p>
            {unread > 0 && (
              <span
                title={`${unread} unread`}
                className="min-w-5 shrink-0 rounded-full bg-brand-600 px-1.5 text-center text-[11px] leading-5 font-semibold text-white"
              >
                {unread}
                <span className="sr-only"> unread</span>
              </span>
            )}
          </div>
          {emailMatch && (
            <p className="mt-0.5 truncate text-xs text-zinc-500 dark:text-zinc-400">
              <Highlighted text={c.visitorEmail} query={query} />
            </p>
          )}
          {hiddenMatch && (
            <p className="mt-0.5 truncate text-xs text-zinc-500 italic dark:text-zinc-400">
              Matches a message in this conversation
            </p>
          )}
          <div className="mt-1 flex items-center gap-2 text-[11px] text-zinc-400">
            <span className={cn("font-medium", statusTone[c.status])}>
              {ConversationStatus[c.status].charAt(0) +
                ConversationStatus[c.status].slice(1).toLowerCase()}
            </span>
            {botAnswers(c) ? (
              <span
                className="truncate text-violet-600 dark:text-violet-400"
                title="The AI bot answers this conversation; take it over to answer yourself."
              >
                · {botName} (AI) answering
              </span>
            ) : flowAnswers(c) ? (
              <span
                className="truncate text-sky-700 dark:text-sky-400"
                title="A guided flow is asking the visitor its questions; it hands the conversation over when it is done."
              >
                · Guided flow
              </span>
            ) : c.queuePosition > 0 ? (
              <span className="text-amber-600 dark:text-amber-400">
                · #{c.queuePosition} in queue
              </span>
            ) : assigneeName ? (
              <span className="truncate">· {assigneeName}</span>
            ) : (
              <span>· Unassigned</span>
            )}
            {c.leftOffline && <LeftOfflineBadge visitorEmail={c.visitorEmail} />}
            {c.tags.slice(0, 2).map((t) => (
              <span
                key={t}
                className="truncate rounded bg-zinc-100 px-1 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400"
              >
                {t}
              </span>
            ))}
          </div>
        </div>
      </Link>
    </li>
  );
});

function ListSkeleton() {
  return (
    <div className="space-y-1 p-2" aria-hidden>
      {Array.from({ length: 7 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i} className="flex gap-3 rounded-lg px-2 py-3">
          <div className="size-9 animate-pulse rounded-full bg-zinc-100 dark:bg-zinc-800" />
          <div className="flex-1 space-y-2">
            <div className="h-3 w-1/3 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
            <div className="h-3 w-4/5 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
          </div>
        </div>
      ))}
      <span className="sr-only">
        <Spinner />
      </span>
    </div>
  );
}

/** Asks for desktop notifications from a button (never on load), until answered or dismissed. */
function NotificationOffer() {
  const prefs = usePrefs();
  const [permission, setPermission] = useState(notificationPermission());
  if (!prefs.offerNotifications || permission !== "default") return null;
  return (
    <div className="flex items-start gap-3 border-b border-zinc-200 bg-brand-50/60 px-4 py-3 dark:border-zinc-800 dark:bg-brand-500/10">
      <BellRing className="mt-0.5 size-4 shrink-0 text-brand-600 dark:text-brand-400" />
      <div className="min-w-0 flex-1 text-[13px]">
        <p className="font-medium">Never miss a chat</p>
        <p className="text-zinc-600 dark:text-zinc-400">
          Get a desktop notification when a visitor writes while you are elsewhere.
        </p>
        <Button
          size="sm"
          variant="primary"
          className="mt-2"
          onClick={async () => {
            const answer = await requestNotifications();
            setPermission(answer);
            setPrefs({ offerNotifications: false, desktop: answer === "granted" });
          }}
        >
          Turn on notifications
        </Button>
      </div>
      <button
        type="button"
        aria-label="Not now"
        onClick={() => setPrefs({ offerNotifications: false })}
        className="rounded p-0.5 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
      >
        <X className="size-3.5" />
      </button>
    </div>
  );
}

/** Loads the next page when the "Load more" row scrolls into view. */
function loadMoreWhenVisible(list: UseInfiniteQueryResult<ListData>) {
  return (el: HTMLDivElement | null) => {
    if (!el || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !list.isFetchingNextPage)
        void list.fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  };
}

/**
 * The list's team filter: every team (and none), or one team's conversations; the icon is
 * coloured while a team is chosen, and its name is in the label and tooltip.
 */
function TeamFilter({
  teamId,
  teams,
  onChange,
}: {
  teamId: string;
  teams: Array<{ id: string; name: string }>;
  onChange: (teamId: string) => void;
}) {
  const label = teamId ? teamLabel(teamId, teams) : "All teams";
  return (
    <MenuRoot>
      <MenuTrigger asChild>
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Team: ${label}`}
          title={`Team: ${label}`}
          className={cn("px-1.5", teamId && "text-brand-600 dark:text-brand-400")}
        >
          {/* Icon only: the row has no room for a name beside the other filters. */}
          <Users className="size-3.5" />
        </Button>
      </MenuTrigger>
      <MenuContent align="end">
        <MenuLabel>Team</MenuLabel>
        {[{ id: "", name: "All teams" }, ...teams].map((t) => (
          <MenuItem key={t.id} onSelect={() => onChange(t.id)}>
            <span className="truncate">{t.name}</span>
            {teamId === t.id && <span className="ml-auto text-brand-600">✓</span>}
          </MenuItem>
        ))}
      </MenuContent>
    </MenuRoot>
  );
}
