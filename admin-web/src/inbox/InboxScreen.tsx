//! The inbox: the conversation list beside the open conversation (one at a time on phones),
//! filters kept in the URL, and the keyboard shortcuts j/k (next/previous), r (reply), e
//! (resolve). The open conversation keeps its row while it is open, even once it no longer
//! matches the filter (`keepOpenConversation`): resolving what one reads does not pull it
//! out from under the cursor. While an owner's or admin's setup steps remain, the empty pane
//! beside the list shows the "Get started" checklist (on phones, a banner above the list).

import type { Conversation } from "@porthole/client";
import { Priority } from "@porthole/client";
import { useEffect, useMemo, useRef, useState } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { cn } from "../components/ui/cn";
import { Dialog } from "../components/ui/Dialog";
import { Kbd } from "../components/ui/misc";
import { useSetupGuide } from "../setup/queries";
import { SetupBanner, SetupPanel } from "../setup/SetupGuide";
import { ConversationList } from "./ConversationList";
import { ConversationView, NoConversation } from "./ConversationView";
import {
  type AssigneeChoice,
  defaultFilter,
  flattenList,
  type InboxFilter,
  keepOpenConversation,
  type StatusFilter,
} from "./model";
import { useConversation, useConversationList } from "./queries";
import { shortcuts } from "./shortcuts";

const STATUSES: StatusFilter[] = [
  "open",
  "pending",
  "active",
  "waiting",
  "resolved",
  "closed",
  "all",
];
const ASSIGNEES: AssigneeChoice[] = ["mine", "unassigned", "all"];

function readFilter(params: URLSearchParams): InboxFilter {
  const status = params.get("status") as StatusFilter | null;
  const assignee = params.get("assignee") as AssigneeChoice | null;
  const priority = Number(params.get("priority") ?? 0) as Priority;
  return {
    status: status && STATUSES.includes(status) ? status : defaultFilter.status,
    assignee: assignee && ASSIGNEES.includes(assignee) ? assignee : defaultFilter.assignee,
    priority: Priority[priority] !== undefined ? priority : Priority.UNSPECIFIED,
    query: params.get("q") ?? "",
    widgetId: params.get("widget") ?? "",
    teamId: params.get("team") ?? "",
  };
}

function writeFilter(filter: InboxFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.status !== defaultFilter.status) params.set("status", filter.status);
  if (filter.assignee !== defaultFilter.assignee) params.set("assignee", filter.assignee);
  if (filter.priority !== Priority.UNSPECIFIED) params.set("priority", String(filter.priority));
  if (filter.query) params.set("q", filter.query);
  if (filter.widgetId) params.set("widget", filter.widgetId);
  if (filter.teamId) params.set("team", filter.teamId);
  return params;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function InboxScreen() {
  const { conversationId } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filter = useMemo(() => readFilter(params), [params]);
  const list = useConversationList(filter);
  const open = useConversation(conversationId).data?.conversation;
  // The list as last shown, for the same open conversation and filter.
  const shown = useRef<{ key: string; list: Conversation[] }>({ key: "", list: [] });
  const shownKey = `${conversationId ?? ""} ${JSON.stringify(filter)}`;
  const conversations = useMemo(
    () =>
      keepOpenConversation(
        flattenList(list.data),
        shown.current.key === shownKey ? shown.current.list : [],
        conversationId,
        open,
      ),
    [list.data, shownKey, conversationId, open],
  );
  useEffect(() => {
    shown.current = { key: shownKey, list: conversations };
  }, [shownKey, conversations]);
  const search = params.toString() ? `?${params.toString()}` : "";
  const [help, setHelp] = useState(false);
  const setup = useSetupGuide();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector("[role=dialog],[role=alertdialog],[role=menu]")) return;
      const index = conversations.findIndex((c) => c.id === conversationId);
      if (event.key === "j" || event.key === "k") {
        const next = event.key === "j" ? index + 1 : index - 1;
        const target =
          conversations[Math.max(0, Math.min(conversations.length - 1, index < 0 ? 0 : next))];
        if (target) {
          event.preventDefault();
          navigate(`/inbox/${target.id}${search}`);
          document
            .getElementById(`conversation-${target.id}`)
            ?.scrollIntoView({ block: "nearest" });
        }
      } else if (event.key === "r" && conversationId) {
        event.preventDefault();
        shortcuts.focusReply?.();
      } else if (event.key === "e" && conversationId) {
        event.preventDefault();
        shortcuts.resolve?.();
      } else if (event.key === "?") {
        event.preventDefault();
        setHelp(true);
      } else if (event.key === "Escape" && conversationId) {
        navigate(`/inbox${search}`);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [conversations, conversationId, navigate, search]);

  return (
    <div className="flex h-full min-h-0">
      <div
        className={cn(
          "min-h-0 w-full shrink-0 flex-col border-r border-zinc-200 md:flex md:w-[320px] lg:w-[360px] dark:border-zinc-800",
          conversationId ? "hidden" : "flex",
        )}
      >
        <div className="md:hidden">
          <SetupBanner />
        </div>
        <ConversationList
          filter={filter}
          onFilter={(next) => setParams(writeFilter(next), { replace: true })}
          list={list}
          conversations={conversations}
          selectedId={conversationId}
          search={search}
        />
      </div>
      <div className={cn("min-h-0 min-w-0 flex-1", conversationId ? "flex" : "hidden md:flex")}>
        {conversationId ? (
          <ConversationView
            key={conversationId}
            conversationId={conversationId}
            backTo={`/inbox${search}`}
          />
        ) : setup.show ? (
          <SetupPanel />
        ) : (
          <NoConversation empty={!list.isPending && conversations.length === 0} />
        )}
      </div>
      <Dialog
        open={help}
        onOpenChange={setHelp}
        title="Keyboard shortcuts"
        description="In the inbox, when not typing."
      >
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {[
            ["j", "Next conversation"],
            ["k", "Previous conversation"],
            ["r", "Reply"],
            ["e", "Resolve"],
            ["Esc", "Back to the list"],
            ["Enter", "Send (Shift+Enter: new line)"],
            ["?", "This help"],
          ].map(([key, what]) => (
            <div key={key} className="contents">
              <dt>
                <Kbd>{key}</Kbd>
              </dt>
              <dd className="text-zinc-600 dark:text-zinc-400">{what}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
    </div>
  );
}
