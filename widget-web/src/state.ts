//! The widget's state rules without IO: merging messages from history, the live feed and
//! optimistic sends into one ordered list without duplicates, unread counting, delivery
//! marks and the reconnect schedule. Unit-tested in state.test.ts.

import type { Attachment, Message } from "@porthole/client/lean";
import { SenderType } from "@porthole/client/lean";

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
    time: message.createTime ?? new Date(),
    state: "sent",
  };
}

/**
 * Adds or replaces messages: a stored message replaces the optimistic line with the same
 * key (or the same id), so history, feed and send answers may arrive in any order and
 * any number of times. Stored lines are ordered by `seq`; unsent ones stay at the end in
 * the order they were written.
 */
export function mergeMessages(
  list: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): ChatMessage[] {
  const byKey = new Map<string, ChatMessage>();
  for (const line of list) byKey.set(line.key, line);
  for (const line of incoming) {
    const existing = byKey.get(line.key) ?? (line.id ? findById(byKey, line.id) : undefined);
    if (existing && existing.key !== line.key) byKey.delete(existing.key);
    // Never let a late optimistic copy overwrite the stored one.
    if (existing && existing.state === "sent" && line.state !== "sent") continue;
    byKey.set(line.key, line);
  }
  const lines = [...byKey.values()];
  const stored = lines.filter((l) => l.seq > 0).sort((a, b) => a.seq - b.seq);
  const unsent = lines.filter((l) => l.seq === 0);
  return [...stored, ...unsent];
}

function findById(byKey: Map<string, ChatMessage>, id: string): ChatMessage | undefined {
  for (const line of byKey.values()) if (line.id === id) return line;
  return undefined;
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
 * How long to wait before reconnect attempt `attempt` (0-based): exponential from 500 ms
 * up to 10 s, with jitter so that many widgets do not return at the same instant after a
 * server restart.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(10_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Files the server accepts, checked before uploading so the visitor learns at once. */
export const maxAttachmentBytes = 10 * 1024 * 1024;
const allowedTypes =
  /^(image\/(png|jpeg|gif|webp)|application\/(pdf|zip)|text\/plain|application\/vnd\.openxmlformats-officedocument\.)/;
const allowedExtensions = /\.(png|jpe?g|gif|webp|pdf|zip|docx|xlsx|pptx|txt|csv|log|md)$/i;

/** Why a file cannot be sent, or undefined when it may be. */
export function attachmentProblem(file: {
  name: string;
  size: number;
  type: string;
}): "tooBig" | "badType" | undefined {
  if (file.size > maxAttachmentBytes) return "tooBig";
  if (!allowedTypes.test(file.type) && !allowedExtensions.test(file.name)) return "badType";
  return undefined;
}

/** Pieces of a message body: plain text and safe links (http, https, mailto only). */
export type BodyPart = { text: string } | { text: string; href: string };

const linkPattern = /\b(?:https?:\/\/|www\.)[^\s<>"]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gi;

/**
 * Splits text into plain runs and links. Only web and e-mail addresses become links;
 * anything else (`javascript:…`, HTML) stays text, and the view renders text as text.
 */
export function linkify(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let at = 0;
  for (const match of body.matchAll(linkPattern)) {
    let text = match[0];
    // Trailing punctuation usually ends the sentence, not the URL.
    const trail = /[.,;:!?)\]]+$/.exec(text)?.[0] ?? "";
    text = text.slice(0, text.length - trail.length);
    const index = match.index ?? 0;
    if (index > at) parts.push({ text: body.slice(at, index) });
    const href =
      text.includes("@") && !text.includes("/")
        ? `mailto:${text}`
        : text.startsWith("www.")
          ? `https://${text}`
          : text;
    parts.push({ text, href });
    at = index + text.length;
  }
  if (at < body.length) parts.push({ text: body.slice(at) });
  return parts;
}
