//! Who is typing where, from the feed's typing events. Entries expire on their own in case
//! the "stopped typing" event never comes (closed tab, lost connection).

import type { TypingEvent } from "@porthole/client";
import { SenderType } from "@porthole/client";
import { useSyncExternalStore } from "react";

export interface Typist {
  senderId: string;
  name: string;
  visitor: boolean;
  internal: boolean;
  until: number;
}

const EXPIRE_MS = 8_000;

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
    const key = `${event.conversationId}/${event.senderId}`;
    clearTimeout(this.timers.get(key));
    const others = this.get(event.conversationId).filter((t) => t.senderId !== event.senderId);
    if (event.typing) {
      others.push({
        senderId: event.senderId,
        name: event.name,
        visitor: event.senderType === SenderType.VISITOR,
        internal: event.internal,
        until: now + EXPIRE_MS,
      });
      this.timers.set(
        key,
        setTimeout(() => this.apply({ ...event, typing: false }), EXPIRE_MS),
      );
    }
    this.set(event.conversationId, others);
  }

  /** A message from someone ends their typing. */
  stopped(conversationId: string, senderId: string): void {
    if (!this.get(conversationId).some((t) => t.senderId === senderId)) return;
    clearTimeout(this.timers.get(`${conversationId}/${senderId}`));
    this.set(
      conversationId,
      this.get(conversationId).filter((t) => t.senderId !== senderId),
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
