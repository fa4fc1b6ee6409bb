//! Who is typing where, from the feed's typing events, and the AI bot's answer while it is
//! being written (its typing events carry the whole text so far, `draft`). Entries expire on
//! their own in case the "stopped typing" event never comes (closed tab, lost connection);
//! a message from the typist ends theirs, so the bot's stored answer replaces its draft.

import type { TypingEvent } from "@porthole/client";
import { SenderType } from "@porthole/client";
import { useSyncExternalStore } from "react";

export interface Typist {
  /** Who: the visitor's or agent's id, or {@link BOT_TYPIST} for the bot (which has none). */
  senderId: string;
  name: string;
  visitor: boolean;
  /** The AI bot, writing an answer. */
  bot: boolean;
  internal: boolean;
  /** The bot's answer so far; empty for people and before its first words. */
  draft: string;
  until: number;
}

/** The bot's typist id: its events and messages carry no sender id. */
export const BOT_TYPIST = "bot";

const EXPIRE_MS = 8_000;

/** The typist a typing event or a message is from. */
export function typistOf(from: { senderType: SenderType; senderId: string }): string {
  return from.senderType === SenderType.BOT ? BOT_TYPIST : from.senderId;
}

export class TypingStore {
  private byConversation = new Map<string, Typist[]>();
  private listeners = new Set<() => void>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get(conversationId: string): Typist[] {
    return this.byConversation.get(conversationId) ?? EMPTY;
  }

  apply(event: TypingEvent, now = Date.now()): void {
    const id = typistOf(event);
    const key = `${event.conversationId}/${id}`;
    clearTimeout(this.timers.get(key));
    const others = this.get(event.conversationId).filter((t) => t.senderId !== id);
    if (event.typing) {
      const bot = event.senderType === SenderType.BOT;
      others.push({
        senderId: id,
        name: event.name,
        visitor: event.senderType === SenderType.VISITOR,
        bot,
        internal: event.internal,
        draft: bot ? event.draft : "",
        until: now + EXPIRE_MS,
      });
      this.timers.set(
        key,
        setTimeout(() => this.apply({ ...event, typing: false }), EXPIRE_MS),
      );
    }
    this.set(event.conversationId, others);
  }

  /** A message from someone ends their typing (the bot's answer, its draft). */
  stopped(conversationId: string, from: { senderType: SenderType; senderId: string }): void {
    const id = typistOf(from);
    if (!this.get(conversationId).some((t) => t.senderId === id)) return;
    clearTimeout(this.timers.get(`${conversationId}/${id}`));
    this.set(
      conversationId,
      this.get(conversationId).filter((t) => t.senderId !== id),
    );
  }

  private set(conversationId: string, typists: Typist[]) {
    if (typists.length === 0) this.byConversation.delete(conversationId);
    else this.byConversation.set(conversationId, typists);
    for (const listener of this.listeners) listener();
  }
}

const EMPTY: Typist[] = [];

export const typingStore = new TypingStore();

export function useTypists(conversationId: string | undefined): Typist[] {
  return useSyncExternalStore(typingStore.subscribe, () =>
    conversationId ? typingStore.get(conversationId) : EMPTY,
  );
}

/** The bot's answer being written in a conversation, once it has words. */
export function useBotDraft(conversationId: string | undefined): Typist | undefined {
  return useTypists(conversationId).find((t) => t.bot && t.draft !== "");
}
