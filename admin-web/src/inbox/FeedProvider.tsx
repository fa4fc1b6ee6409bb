//! Keeps the workspace feed open while the dashboard is, applies its events to the query
//! cache and raises attention (sound, desktop notification) for what the agent is not
//! looking at, as their notification settings say per event (and this browser's switches
//! allow), and leaves a conversation whose visitor was erased. The feed also makes this
//! member count as online for the widget, and as present for the server's notifier, which
//! then sends them no e-mail or push.

import {
  Code,
  ConnectError,
  type Conversation,
  type Message,
  SenderType,
  type VisitorErased,
} from "@porthole/client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { toast } from "../components/ui/Toast";
import { conversationClient, session } from "../lib/api";
import { notify, playChime } from "../lib/attention";
import { toMillis, visitorLabel } from "../lib/format";
import { getPrefs } from "../lib/prefs";
import { attentionFor, messageNotice, type NoticeEvent } from "../notifications/model";
import { heldNotificationSettings } from "../notifications/queries";
import { applyFeedEvent, findConversation, isErasedConversation, keys } from "./cache";
import { type FeedStatus, WorkspaceFeed } from "./feed";
import { typingStore } from "./typing";

const FeedStatusContext = createContext<FeedStatus>("connecting");

export function useFeedStatus(): FeedStatus {
  return useContext(FeedStatusContext);
}

/** The conversation on screen, so its own messages do not notify. */
export const viewing: { conversationId: string | undefined } = { conversationId: undefined };

/**
 * Visitors this tab is erasing: their `visitorErased` event may come before the call's
 * answer, and the eraser gets their own toast (VisitorPrivacy.tsx), not a second one.
 */
export const erasingHere = new Set<string>();

function lookingAt(conversationId: string): boolean {
  return (
    viewing.conversationId === conversationId &&
    document.visibilityState === "visible" &&
    document.hasFocus()
  );
}

export function FeedProvider({ meId, children }: { meId: string; children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const [status, setStatus] = useState<FeedStatus>("connecting");

  useEffect(() => {
    const open = (id: string) => navigateRef.current(`/inbox/${id}`);
    const recent = (m: Message) => Date.now() - toMillis(m.createTime) < 120_000;
    /** The chime and the desktop notification for `event`, as far as they are wanted. */
    const attend = (event: NoticeEvent, title: string, body: string, conversationId: string) => {
      const wanted = attentionFor(heldNotificationSettings(qc), event, getPrefs());
      if (wanted.sound) playChime();
      if (wanted.desktop) notify(title, body, conversationId, () => open(conversationId));
    };
    const onMessage = (m: Message, { first }: { first: boolean }) => {
      typingStore.stopped(m.conversationId, m);
      // Only visitors' messages: never notes, replies, or system lines ("Resolved by Sam").
      if (m.senderType !== SenderType.VISITOR || m.internal || !recent(m)) return;
      if (lookingAt(m.conversationId)) return;
      const c = findConversation(qc, m.conversationId);
      const event = messageNotice({ first, assigneeUserId: c?.assigneeUserId }, meId);
      if (!event) return;
      attend(
        event,
        c ? visitorLabel(c) : m.senderName || "Visitor",
        m.body || "Sent an attachment",
        m.conversationId,
      );
    };
    const onCreated = (c: Conversation) => {
      if (lookingAt(c.id)) return;
      attend(
        "new_conversation",
        "New conversation",
        `${visitorLabel(c)}${c.sourceTitle ? ` on ${c.sourceTitle}` : ""}`,
        c.id,
      );
    };
    const onAssigned = (c: Conversation, transfer: boolean) => {
      if (lookingAt(c.id)) return;
      attend(
        "assigned",
        transfer ? "Conversation transferred to you" : "Conversation assigned to you",
        visitorLabel(c),
        c.id,
      );
    };
    const onErased = (erased: VisitorErased) => {
      const open = viewing.conversationId;
      const here = erasingHere.delete(erased.visitorId);
      if (!open || !isErasedConversation(qc, erased, open)) return;
      viewing.conversationId = undefined;
      // Replaced, so Back does not lead to a conversation that no longer exists.
      navigateRef.current(
        { pathname: "/inbox", search: window.location.search },
        { replace: true },
      );
      if (!here) {
        toast("This visitor was erased", {
          tone: "info",
          description: "Their profile and conversations were deleted, so the conversation closed.",
        });
      }
    };

    const feed = new WorkspaceFeed({
      watch: (cursor, signal) => conversationClient.watchWorkspace({ cursor }, { signal }),
      onEvent: (item) =>
        applyFeedEvent(qc, item, meId, {
          typing: (t) => typingStore.apply(t),
          message: onMessage,
          created: onCreated,
          assigned: onAssigned,
          erased: onErased,
        }),
      onReset: () => {
        void qc.invalidateQueries({ queryKey: keys.allLists });
        void qc.invalidateQueries({ queryKey: ["conversation"] });
        void qc.invalidateQueries({ queryKey: ["messages"] });
        void qc.invalidateQueries({ queryKey: keys.liveVisitors });
      },
      onStatus: setStatus,
      shouldRetry: async (error) => {
        if (ConnectError.from(error).code !== Code.Unauthenticated) return true;
        try {
          return Boolean(await session.refresh(session.get()?.accessToken));
        } catch {
          return true;
        }
      },
    });
    feed.start();
    const wake = () => feed.retryNow();
    window.addEventListener("online", wake);
    return () => {
      window.removeEventListener("online", wake);
      feed.stop();
    };
  }, [qc, meId]);

  return <FeedStatusContext.Provider value={status}>{children}</FeedStatusContext.Provider>;
}
