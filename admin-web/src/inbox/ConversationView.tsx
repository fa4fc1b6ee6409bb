//! One conversation: header with status ("Left offline" too, explained), assignment, its
//! team ("Send to team": everyone or one team),
//! priority, tags and status actions; while the AI bot answers it, a banner saying so with
//! "Take over" (assigning oneself hands it to the agents), and while a guided flow takes the
//! visitor through its steps, a banner saying so; a summary from the AI model when
//! asked for; the live message history with typing and the bot's answer as it is written;
//! the composer; and the visitor panel beside it.

import { type Conversation, ConversationStatus, Priority, SenderType } from "@porthole/client";
import {
  ArrowDown,
  ArrowLeft,
  Bot,
  Check,
  ChevronDown,
  MessagesSquare,
  MoreHorizontal,
  PanelRight,
  RotateCcw,
  Star,
  UserRound,
  Users,
  Workflow,
} from "lucide-react";
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { SummaryPanel, useSummary } from "../bot/assist";
import { useBotName } from "../bot/queries";
import { Button, IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import {
  MenuContent,
  MenuItem,
  MenuLabel,
  MenuRoot,
  MenuSeparator,
  MenuTrigger,
} from "../components/ui/Menu";
import { Avatar, Badge, EmptyState, Kbd, Spinner } from "../components/ui/misc";
import { useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { dayLabel, priorityLabel, statusLabel, toMillis, visitorLabel } from "../lib/format";
import { useTeams } from "../team/queries";
import { EVERYONE, teamLabel } from "../team/teams";
import { useConversationActions } from "./actions";
import { Composer } from "./Composer";
import { PriorityIcon } from "./ConversationList";
import { viewing } from "./FeedProvider";
import { LeftOfflineToggletip } from "./LeftOfflineBadge";
import { AiBadge, BotDraft, MessageItem } from "./MessageItem";
import { botAnswers, flattenMessages, flowAnswers, isPending } from "./model";
import { useConversation, useMembers, useMessages } from "./queries";
import { useSender } from "./sender";
import { shortcuts } from "./shortcuts";
import { TagEditor } from "./TagEditor";
import { useBotDraft, useTypists } from "./typing";
import { VisitorPanel } from "./VisitorPanel";

const wideQuery = window.matchMedia("(min-width: 1280px)");

/** The pane beside the list with nothing open; `empty`: the list has nothing to open. */
export function NoConversation({ empty = false }: { empty?: boolean }) {
  if (empty) {
    return (
      <EmptyState
        icon={<MessagesSquare className="size-5" />}
        title="Conversations open here"
        className="h-full w-full"
      >
        When a visitor writes, their conversation appears in the list; open it to answer here. The
        list says what to do meanwhile.
      </EmptyState>
    );
  }
  return (
    <EmptyState
      icon={<MessagesSquare className="size-5" />}
      title="Pick a conversation"
      className="h-full w-full"
    >
      <p>Choose one from the list, or move through it with the keyboard.</p>
      <p className="mt-3 flex flex-wrap justify-center gap-x-3 gap-y-1 text-xs">
        <span>
          <Kbd>j</Kbd> <Kbd>k</Kbd> next / previous
        </span>
        <span>
          <Kbd>r</Kbd> reply
        </span>
        <span>
          <Kbd>e</Kbd> resolve
        </span>
        <span>
          <Kbd>?</Kbd> all shortcuts
        </span>
      </p>
    </EmptyState>
  );
}

const statusTone: Record<ConversationStatus, "neutral" | "amber" | "green" | "blue" | "brand"> = {
  [ConversationStatus.UNSPECIFIED]: "neutral",
  [ConversationStatus.PENDING]: "amber",
  [ConversationStatus.ACTIVE]: "brand",
  [ConversationStatus.WAITING]: "blue",
  [ConversationStatus.RESOLVED]: "green",
  [ConversationStatus.CLOSED]: "neutral",
};

export function ConversationView({
  conversationId,
  backTo,
}: {
  conversationId: string;
  backTo: string;
}) {
  const detail = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const actions = useConversationActions(conversationId);
  const sender = useSender(conversationId);
  const summary = useSummary(conversationId);
  // Beside the conversation on wide screens (open by default), a drawer below that.
  const [panelOpen, setPanelOpen] = useState(() => wideQuery.matches);
  useEffect(() => {
    const follow = () => setPanelOpen(wideQuery.matches);
    wideQuery.addEventListener("change", follow);
    return () => wideQuery.removeEventListener("change", follow);
  }, []);
  const conversation = detail.data?.conversation;
  const visitor = detail.data?.visitor;

  useEffect(() => {
    viewing.conversationId = conversationId;
    return () => {
      if (viewing.conversationId === conversationId) viewing.conversationId = undefined;
    };
  }, [conversationId]);

  // Mark read while the agent is looking at it.
  const lastSeq = conversation?.lastSeq ?? 0n;
  const readSeq = conversation?.agentReadSeq ?? 0n;
  const unread = conversation?.unreadCount ?? 0n;
  const markRead = actions.markRead.mutate;
  useEffect(() => {
    if (!messages.data || unread === 0n || lastSeq <= readSeq) return;
    const mark = () => {
      if (document.visibilityState === "visible" && document.hasFocus()) markRead(lastSeq);
    };
    mark();
    window.addEventListener("focus", mark);
    return () => window.removeEventListener("focus", mark);
  }, [messages.data, lastSeq, readSeq, unread, markRead]);

  const resolve = actions.resolve;
  useEffect(() => {
    shortcuts.resolve = () => {
      const s = conversation?.status;
      if (
        s !== ConversationStatus.RESOLVED &&
        s !== ConversationStatus.CLOSED &&
        !resolve.isPending
      )
        resolve.mutate();
    };
    return () => {
      shortcuts.resolve = undefined;
    };
  }, [conversation?.status, resolve]);

  if (detail.isError) {
    return (
      <EmptyState title="This conversation could not be opened" className="w-full">
        {describeError(detail.error)}
        <div className="mt-3">
          <Link to={backTo} className="font-medium text-brand-600">
            Back to the inbox
          </Link>
        </div>
      </EmptyState>
    );
  }

  return (
    <div className="flex min-h-0 w-full">
      <section
        aria-label="Conversation"
        className="@container flex min-h-0 min-w-0 flex-1 flex-col"
      >
        <Header
          conversation={conversation}
          visitorName={conversation ? visitorLabel(conversation) : ""}
          visitorEmail={conversation?.visitorEmail || visitor?.email || ""}
          online={visitor?.online}
          backTo={backTo}
          actions={actions}
          panelOpen={panelOpen}
          onTogglePanel={() => setPanelOpen((o) => !o)}
        />
        {conversation && botAnswers(conversation) && (
          <BotAnswering conversation={conversation} actions={actions} />
        )}
        {conversation && flowAnswers(conversation) && <FlowRunning />}
        <SummaryPanel state={summary} />
        <MessageList conversation={conversation} messages={messages} sender={sender} />
        <TypingLine conversationId={conversationId} />
        <Composer
          conversationId={conversationId}
          disabled={conversation?.status === ConversationStatus.CLOSED}
          disabledReason="This conversation is closed. Reopen it to reply."
          visitor={{
            name: conversation?.visitorName ?? "",
            email: conversation?.visitorEmail ?? "",
          }}
          onSend={sender.send}
          summarise={summary}
        />
      </section>
      {panelOpen && (
        <button
          type="button"
          aria-label="Close visitor details"
          tabIndex={-1}
          onClick={() => setPanelOpen(false)}
          className="fixed inset-0 z-20 bg-zinc-950/30 animate-fade-in xl:hidden"
        />
      )}
      {panelOpen && (
        <aside
          aria-label="Visitor"
          className="fixed inset-y-0 right-0 z-30 min-h-0 w-full overflow-y-auto border-l border-zinc-200 bg-white shadow-2xl sm:w-[340px] xl:static xl:z-auto xl:w-[300px] xl:shrink-0 xl:shadow-none dark:border-zinc-800 dark:bg-zinc-950"
        >
          <VisitorPanel
            conversation={conversation}
            visitor={visitor}
            onClose={() => setPanelOpen(false)}
          />
        </aside>
      )}
    </div>
  );
}

function Header({
  conversation: c,
  visitorName,
  visitorEmail,
  online,
  backTo,
  actions,
  panelOpen,
  onTogglePanel,
}: {
  conversation: Conversation | undefined;
  visitorName: string;
  visitorEmail: string;
  online: boolean | undefined;
  backTo: string;
  actions: ReturnType<typeof useConversationActions>;
  panelOpen: boolean;
  onTogglePanel: () => void;
}) {
  const members = useMembers().data?.members ?? [];
  const meId = useMe().data?.user?.id ?? "";
  const assignee = members.find((m) => m.userId === c?.assigneeUserId);
  const finished =
    c?.status === ConversationStatus.RESOLVED || c?.status === ConversationStatus.CLOSED;

  return (
    <header className="flex min-h-14 flex-wrap items-center gap-x-2 gap-y-2 border-b border-zinc-200 px-3 py-2 sm:px-4 dark:border-zinc-800">
      <Link
        to={backTo}
        aria-label="Back to the list"
        className="-ml-1 rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 md:hidden dark:hover:bg-zinc-800"
      >
        <ArrowLeft className="size-4" />
      </Link>
      {c ? (
        <>
          <div className="flex min-w-0 flex-1 basis-[calc(100%-2.5rem)] items-center gap-2.5 @2xl:basis-auto">
            <Avatar name={visitorName} seed={c.visitorId} size="sm" online={online} />
            <div className="min-w-0">
              <div className="flex items-center gap-2">
                <h2 className="truncate text-sm font-semibold">{visitorName}</h2>
                <Badge tone={statusTone[c.status]}>{statusLabel[c.status]}</Badge>
                {c.leftOffline && <LeftOfflineToggletip visitorEmail={visitorEmail} />}
              </div>
              <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">
                {c.sourceTitle || c.sourceUrl || c.visitorEmail || "Started on your site"}
              </p>
            </div>
          </div>
          <div className="flex w-full flex-wrap items-center justify-end gap-1 @2xl:w-auto">
            {!c.assigneeUserId && !finished && !botAnswers(c) && (
              <Button
                size="sm"
                onClick={() => actions.assign.mutate(meId)}
                loading={actions.assign.isPending}
              >
                Take it
              </Button>
            )}
            <MenuRoot>
              <MenuTrigger asChild>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Assignee: ${assignee?.displayName ?? "nobody"}`}
                >
                  {assignee ? (
                    <Avatar
                      name={assignee.displayName || assignee.email}
                      seed={assignee.userId}
                      size="xs"
                    />
                  ) : (
                    <UserRound className="size-3.5" />
                  )}
                  <span className="hidden max-w-28 truncate sm:inline">
                    {assignee
                      ? assignee.userId === meId
                        ? "You"
                        : assignee.displayName
                      : "Unassigned"}
                  </span>
                  <ChevronDown className="size-3 text-zinc-400" />
                </Button>
              </MenuTrigger>
              <MenuContent align="end">
                <MenuLabel>Assign to</MenuLabel>
                {c.assigneeUserId !== meId && (
                  <MenuItem onSelect={() => actions.assign.mutate(meId)}>
                    <UserRound className="size-3.5" /> Me
                  </MenuItem>
                )}
                {members
                  .filter((m) => m.userId !== meId)
                  .map((m) => (
                    <MenuItem key={m.userId} onSelect={() => actions.assign.mutate(m.userId)}>
                      <Avatar
                        name={m.displayName || m.email}
                        seed={m.userId}
                        size="xs"
                        online={m.presence === 1}
                      />
                      <span className="truncate">{m.displayName || m.email}</span>
                      {m.userId === c.assigneeUserId && <Check className="ml-auto size-3.5" />}
                      {m.userId !== c.assigneeUserId && (
                        <span className="ml-auto text-[11px] text-zinc-400 tabular-nums">
                          {m.currentLoad}/{m.maxConcurrentChats}
                        </span>
                      )}
                    </MenuItem>
                  ))}
                {c.assigneeUserId && (
                  <>
                    <MenuSeparator />
                    <MenuItem onSelect={() => actions.assign.mutate("")}>Unassign</MenuItem>
                  </>
                )}
              </MenuContent>
            </MenuRoot>
            <TeamMenu conversation={c} actions={actions} />
            <MenuRoot>
              <MenuTrigger asChild>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Priority: ${priorityLabel[c.priority]}`}
                >
                  <PriorityIcon priority={c.priority} />
                  <span className="hidden sm:inline">{priorityLabel[c.priority]}</span>
                </Button>
              </MenuTrigger>
              <MenuContent align="end">
                <MenuLabel>Priority</MenuLabel>
                {[Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW].map((p) => (
                  <MenuItem key={p} onSelect={() => actions.priority.mutate(p)}>
                    <PriorityIcon priority={p} /> {priorityLabel[p]}
                    {p === c.priority && <Check className="ml-auto size-3.5" />}
                  </MenuItem>
                ))}
              </MenuContent>
            </MenuRoot>
            <TagEditor tags={c.tags} onChange={(tags) => actions.tags.mutate(tags)} />
            {finished ? (
              <Button
                size="sm"
                onClick={() => actions.reopen.mutate()}
                loading={actions.reopen.isPending}
              >
                <RotateCcw className="size-3.5" /> Reopen
              </Button>
            ) : (
              <Button
                size="sm"
                variant="primary"
                onClick={() => actions.resolve.mutate()}
                loading={actions.resolve.isPending}
                title="Resolve (e)"
              >
                <Check className="size-3.5" /> Resolve
              </Button>
            )}
            <MenuRoot>
              <MenuTrigger asChild>
                <IconButton label="More actions" size="sm">
                  <MoreHorizontal className="size-4" />
                </IconButton>
              </MenuTrigger>
              <MenuContent align="end">
                {c.status !== ConversationStatus.CLOSED && (
                  <MenuItem onSelect={() => actions.close.mutate()}>Close conversation</MenuItem>
                )}
                {finished && <MenuItem onSelect={() => actions.reopen.mutate()}>Reopen</MenuItem>}
              </MenuContent>
            </MenuRoot>
            <IconButton
              label={panelOpen ? "Hide visitor details" : "Show visitor details"}
              size="sm"
              active={panelOpen}
              onClick={onTogglePanel}
            >
              <PanelRight className="size-4" />
            </IconButton>
          </div>
        </>
      ) : (
        <div className="h-5 w-48 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
      )}
    </header>
  );
}

/**
 * The conversation's team and "Send to team": everyone, or one team (the server unassigns
 * it and offers it to the team's members). Shown once the workspace has a team, or while
 * the conversation names one.
 */
function TeamMenu({
  conversation: c,
  actions,
}: {
  conversation: Conversation;
  actions: ReturnType<typeof useConversationActions>;
}) {
  const teams = useTeams().data ?? [];
  if (teams.length === 0 && !c.teamId) return null;
  const label = teamLabel(c.teamId, teams);
  return (
    <MenuRoot>
      <MenuTrigger asChild>
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Team: ${label}`}
          title={`Team: ${label}`}
          loading={actions.team.isPending}
        >
          <Users className="size-3.5" />
          <span className={cn("max-w-24 truncate", !c.teamId && "hidden sm:inline")}>{label}</span>
          <ChevronDown className="size-3 text-zinc-400" />
        </Button>
      </MenuTrigger>
      <MenuContent align="end">
        <MenuLabel>Send to team</MenuLabel>
        {[{ id: "", name: EVERYONE }, ...teams].map((t) => (
          <MenuItem
            key={t.id}
            disabled={t.id === c.teamId}
            onSelect={() => actions.team.mutate(t.id)}
          >
            <span className="truncate">{t.name}</span>
            {t.id === c.teamId && <Check className="ml-auto size-3.5" />}
          </MenuItem>
        ))}
      </MenuContent>
    </MenuRoot>
  );
}

/**
 * The AI bot answers this conversation: say so, so agents do not write alongside it, and
 * offer to take it over (assigning oneself makes the agents its responder).
 */
function BotAnswering({
  conversation: c,
  actions,
}: {
  conversation: Conversation;
  actions: ReturnType<typeof useConversationActions>;
}) {
  const meId = useMe().data?.user?.id ?? "";
  const name = useBotName(c.widgetId);
  return (
    <div
      role="status"
      data-testid="bot-answering"
      className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-violet-200 bg-violet-50 px-4 py-2.5 text-[13px] sm:px-6 dark:border-violet-500/20 dark:bg-violet-500/10"
    >
      <Bot className="size-4 shrink-0 text-violet-600 dark:text-violet-400" aria-hidden />
      <p className="min-w-0 flex-1 text-violet-950 dark:text-violet-100">
        <span className="font-medium">{name}</span> <AiBadge /> is answering this conversation.{" "}
        <span className="text-violet-800/80 dark:text-violet-200/70">
          Take it over to answer yourself; the bot then stops.
        </span>
      </p>
      <Button
        size="sm"
        variant="primary"
        onClick={() => actions.assign.mutate(meId)}
        loading={actions.assign.isPending}
      >
        Take over
      </Button>
    </div>
  );
}

/** A guided flow is taking the visitor through its steps: say so, so agents wait for it. */
function FlowRunning() {
  return (
    <div
      role="status"
      data-testid="flow-running"
      className="flex items-center gap-3 border-b border-sky-200 bg-sky-50 px-4 py-2.5 text-[13px] text-sky-950 sm:px-6 dark:border-sky-500/20 dark:bg-sky-500/10 dark:text-sky-100"
    >
      <Workflow className="size-4 shrink-0 text-sky-600 dark:text-sky-400" aria-hidden />
      <p className="min-w-0 flex-1">
        <span className="font-medium">A guided flow is asking the visitor its questions.</span>{" "}
        <span className="text-sky-800/80 dark:text-sky-200/70">
          It hands the conversation to your team when it is done.
        </span>
      </p>
    </div>
  );
}

function MessageList({
  conversation,
  messages,
  sender,
}: {
  conversation: Conversation | undefined;
  messages: ReturnType<typeof useMessages>;
  sender: ReturnType<typeof useSender>;
}) {
  const list = useMemo(() => flattenMessages(messages.data), [messages.data]);
  // The bot's answer while it is written, shown after the messages until it is stored.
  const draft = useBotDraft(conversation?.id);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const previousHeight = useRef(0);
  const loadingOlder = useRef(false);
  const newestId = useRef<string | undefined>(undefined);
  const [newBelow, setNewBelow] = useState(false);

  // Keep the view at the bottom as messages arrive, unless the agent scrolled up; keep the
  // position steady when older messages are added above.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (loadingOlder.current) {
      el.scrollTop += el.scrollHeight - previousHeight.current;
      loadingOlder.current = false;
    } else if (pinned.current) {
      el.scrollTop = el.scrollHeight;
    } else if (newestId.current !== undefined && list.at(-1)?.id !== newestId.current) {
      setNewBelow(true);
    }
    newestId.current = list.at(-1)?.id;
    previousHeight.current = el.scrollHeight;
  }, [list]);

  // The thread's box shrinking (a summary above it, the reply box growing) keeps the view at
  // the bottom too, if it was there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A growing draft keeps the view at the bottom, if it was there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-pin when the draft grows
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [draft?.draft]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (pinned.current) setNewBelow(false);
    if (el.scrollTop < 120 && messages.hasNextPage && !messages.isFetchingNextPage) {
      loadingOlder.current = true;
      previousHeight.current = el.scrollHeight;
      void messages.fetchNextPage();
    }
  };

  const lastMineSeen = conversation?.visitorReadSeq ?? 0n;

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      {newBelow && (
        <button
          type="button"
          onClick={() => {
            const el = scroller.current;
            if (el) el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
            setNewBelow(false);
          }}
          className="absolute bottom-3 left-1/2 z-10 inline-flex -translate-x-1/2 items-center gap-1 rounded-full bg-brand-600 px-3 py-1.5 text-xs font-medium text-white shadow-lg animate-pop-in hover:bg-brand-500"
        >
          <ArrowDown className="size-3.5" /> New messages
        </button>
      )}
      <div
        ref={scroller}
        onScroll={onScroll}
        onLoadCapture={() => {
          // Images grow the list after layout: stay at the bottom if we were there.
          const el = scroller.current;
          if (el && pinned.current) el.scrollTop = el.scrollHeight;
        }}
        className="min-h-0 flex-1 overflow-y-auto bg-zinc-50/60 px-3 pb-4 sm:px-6 dark:bg-zinc-900/30"
        aria-live="polite"
        aria-busy={messages.isPending}
      >
        {messages.isPending ? (
          <div className="flex h-full items-center justify-center">
            <Spinner className="size-5" />
          </div>
        ) : messages.isError ? (
          <EmptyState title="Messages could not be loaded">
            {describeError(messages.error)}
          </EmptyState>
        ) : (
          <div className="mx-auto max-w-3xl">
            {messages.hasNextPage ? (
              <div className="py-3 text-center">
                <Button
                  size="sm"
                  variant="ghost"
                  loading={messages.isFetchingNextPage}
                  onClick={() => {
                    loadingOlder.current = true;
                    previousHeight.current = scroller.current?.scrollHeight ?? 0;
                    void messages.fetchNextPage();
                  }}
                >
                  Load earlier messages
                </Button>
              </div>
            ) : (
              <ConversationStart conversation={conversation} />
            )}
            {list.map((m, i) => {
              const prev = list[i - 1];
              const day = dayLabel(m.createTime);
              const newDay = !prev || dayLabel(prev.createTime) !== day;
              const grouped =
                !newDay &&
                prev !== undefined &&
                prev.senderType === m.senderType &&
                prev.senderId === m.senderId &&
                prev.internal === m.internal &&
                toMillis(m.createTime) - toMillis(prev.createTime) < 5 * 60_000;
              const failed = isPending(m) && sender.failed.has(m.clientKey);
              return (
                <Fragment key={m.id}>
                  {newDay && (
                    <div className="my-4 flex items-center gap-3 text-[11px] font-medium text-zinc-400">
                      <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                      {day}
                      <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                    </div>
                  )}
                  <MessageItem
                    message={m}
                    grouped={grouped}
                    failed={failed}
                    waitSeconds={isPending(m) ? sender.waiting.get(m.clientKey) : undefined}
                    onRetry={() => void sender.retry(m)}
                    readByVisitor={
                      m.senderType === SenderType.AGENT &&
                      !m.internal &&
                      !isPending(m) &&
                      m.seq <= lastMineSeen &&
                      list
                        .slice(i + 1)
                        .every((n) => n.senderType !== SenderType.AGENT || n.internal)
                    }
                  />
                </Fragment>
              );
            })}
            {draft && <BotDraft name={draft.name} text={draft.draft} />}
            {conversation && conversation.rating > 0 && <RatingCard conversation={conversation} />}
          </div>
        )}
      </div>
    </div>
  );
}

function ConversationStart({ conversation: c }: { conversation: Conversation | undefined }) {
  if (!c) return null;
  return (
    <div className="py-6 text-center text-xs text-zinc-400">
      Conversation started {c.sourceUrl ? "on " : ""}
      {c.sourceUrl && (
        <a
          href={c.sourceUrl}
          target="_blank"
          rel="noopener noreferrer"
          className="font-medium text-zinc-500 underline-offset-2 hover:underline"
        >
          {c.sourceTitle || c.sourceUrl}
        </a>
      )}
    </div>
  );
}

function RatingCard({ conversation: c }: { conversation: Conversation }) {
  return (
    <div className="mx-auto mt-6 max-w-sm rounded-xl bg-white p-4 text-center ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <p className="text-xs font-medium text-zinc-500">The visitor rated this conversation</p>
      <div
        className="mt-2 flex justify-center gap-0.5"
        role="img"
        aria-label={`${c.rating} out of 5 stars`}
      >
        {[1, 2, 3, 4, 5].map((n) => (
          <Star
            key={n}
            className={cn(
              "size-5",
              n <= c.rating ? "fill-amber-400 text-amber-400" : "text-zinc-300 dark:text-zinc-700",
            )}
          />
        ))}
      </div>
      {c.ratingComment && (
        <p className="mt-2 text-[13px] text-zinc-700 italic dark:text-zinc-300">
          “{c.ratingComment}”
        </p>
      )}
    </div>
  );
}

function TypingLine({ conversationId }: { conversationId: string }) {
  const typists = useTypists(conversationId);
  const meId = useMe().data?.user?.id;
  // The bot's words show as its growing bubble; before the first, this line says it writes.
  const others = typists.filter((t) => t.senderId !== meId && !(t.bot && t.draft !== ""));
  if (others.length === 0) return <div className="h-0" />;
  const t = others[0];
  if (!t) return null;
  const label = t.visitor
    ? `${t.name || "The visitor"} is typing`
    : t.bot
      ? `${t.name || "The bot"} (AI) is writing an answer`
      : t.internal
        ? `${t.name} is writing a note`
        : `${t.name} is replying`;
  return (
    <div
      className="flex items-center gap-2 bg-zinc-50/60 px-6 py-1.5 text-xs text-zinc-500 dark:bg-zinc-900/30 dark:text-zinc-400"
      aria-live="polite"
    >
      <span className="flex gap-0.5" aria-hidden>
        {[0, 1, 2].map((i) => (
          <span
            key={i}
            className="size-1.5 animate-blink rounded-full bg-zinc-400"
            style={{ animationDelay: `${i * 0.15}s` }}
          />
        ))}
      </span>
      {label}
    </div>
  );
}
