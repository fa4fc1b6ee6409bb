//! Notification settings without React: the events and channels as people read them, the
//! settings table as the screen edits it, which channels cannot work here and why, what
//! the open dashboard plays or shows for a feed event, and the small conversions push
//! needs (the server's VAPID key, a label for this browser).

import type { NotificationRule, NotificationSettings } from "@porthole/client";

/** What a member can be told of (`NotificationRule.event` in notification.proto). */
export type NoticeEvent = "new_conversation" | "offline_message" | "assigned" | "visitor_message";

/** How a member can be told. */
export type Channel = "email" | "push" | "sound" | "desktop";

export const CHANNELS: readonly { key: Channel; label: string }[] = [
  { key: "email", label: "E-mail" },
  { key: "push", label: "Push" },
  { key: "sound", label: "Sound" },
  { key: "desktop", label: "Desktop" },
];

export interface NoticeInfo {
  event: NoticeEvent;
  label: string;
  /** One line on when it happens (and anything particular about its channels). */
  explanation: string;
  /**
   * The channels that do something for this event. An offline message reaches an open
   * dashboard and push as the new conversation (or message) it is, so only its e-mail is
   * its own.
   */
  channels: readonly Channel[];
}

const ALL_CHANNELS: readonly Channel[] = ["email", "push", "sound", "desktop"];

/** Every event the server documents, in the table's order; a unit test keeps it in step. */
export const NOTICES: readonly NoticeInfo[] = [
  {
    event: "new_conversation",
    label: "New conversation",
    explanation: "A visitor starts a conversation. Every member is told.",
    channels: ALL_CHANNELS,
  },
  {
    event: "offline_message",
    label: "Offline message",
    explanation:
      "A visitor leaves a message while nobody is online. E-mailed as it arrives, dashboard open or not; on screen and by push it counts as a new conversation.",
    channels: ["email"],
  },
  {
    event: "assigned",
    label: "Assigned to me",
    explanation:
      "A conversation is assigned or transferred to you. Its push is urgent and stays on screen.",
    channels: ALL_CHANNELS,
  },
  {
    event: "visitor_message",
    label: "Visitor message in my conversation",
    explanation:
      "A visitor writes in a conversation assigned to you. E-mailed only once it has stayed unread for 5 minutes.",
    channels: ALL_CHANNELS,
  },
];

/** Why an offline message's other channels show no checkbox. */
export const OFFLINE_OTHER_CHANNELS =
  "An offline message reaches push and the open dashboard as a new conversation (or a message in one): those rows decide.";

/** The readable event; one this dashboard does not know yet shows as the server named it. */
export function noticeLabel(event: string): string {
  return NOTICES.find((n) => n.event === event)?.label ?? event;
}

/** Whether `channel` does anything for `event` (unknown events: every channel). */
export function applies(event: string, channel: Channel): boolean {
  return NOTICES.find((n) => n.event === event)?.channels.includes(channel) ?? true;
}

/**
 * What Porthole does when nobody chose (the server's built-in defaults): everything on
 * screen and in the browser; e-mail for what needs someone away, not every new
 * conversation.
 */
export function portholeDefault(event: string, channel: Channel): boolean {
  return !(event === "new_conversation" && channel === "email");
}

/** One row of the table: an event's channels. */
export type Row = Record<Channel, boolean>;

/** The settings table: a row per event, in {@link NOTICES}' order, then any the dashboard does not know. */
export type Grid = readonly (Row & { event: string })[];

/**
 * The table for `settings`: a row for every known event (Porthole's default where the
 * server sent none) and the server's rows for events this dashboard does not know, kept so
 * that saving sends them back unchanged.
 */
export function gridOf(settings: NotificationSettings | undefined): Grid {
  const rules = settings?.rules ?? [];
  const known: Grid = NOTICES.map(({ event }) => {
    const rule = rules.find((r) => r.event === event);
    return {
      event,
      email: rule?.email ?? portholeDefault(event, "email"),
      push: rule?.push ?? portholeDefault(event, "push"),
      sound: rule?.sound ?? portholeDefault(event, "sound"),
      desktop: rule?.desktop ?? portholeDefault(event, "desktop"),
    };
  });
  const unknown = rules
    .filter((r) => !NOTICES.some((n) => n.event === r.event))
    .map(({ event, email, push, sound, desktop }) => ({ event, email, push, sound, desktop }));
  return [...known, ...unknown];
}

/** `grid` with one cell changed. */
export function withCell(grid: Grid, event: string, channel: Channel, on: boolean): Grid {
  return grid.map((row) => (row.event === event ? { ...row, [channel]: on } : row));
}

/** Whether two tables say the same. */
export function sameGrid(a: Grid, b: Grid): boolean {
  return (
    a.length === b.length &&
    a.every((row, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        row.event === other.event &&
        ALL_CHANNELS.every((c) => row[c] === other[c])
      );
    })
  );
}

/** The table as the request's rules (every row, so no event falls back to a default). */
export function rulesOf(grid: Grid): Pick<NotificationRule, "event" | Channel>[] {
  return grid.map(({ event, email, push, sound, desktop }) => ({
    event,
    email,
    push,
    sound,
    desktop,
  }));
}

/** What this browser can do, as {@link channelNotes} needs it. */
export interface BrowserAbilities {
  /** `serviceWorker` in navigator and `PushManager` in window. */
  pushSupported: boolean;
  /** `Notification.permission`, or "unsupported" without the Notification API. */
  permission: NotificationPermission | "unsupported";
}

/** Why a channel does not work here: `unavailable` ones cannot; `info` ones need a step. */
export interface ChannelNote {
  channel: Channel;
  tone: "unavailable" | "info";
  text: string;
}

/**
 * The notes under the table: e-mail when the server sends none, push and desktop when this
 * browser cannot or may not, push when no browser of the member's receives it yet.
 */
export function channelNotes(
  server: { emailAvailable: boolean; browsers: number },
  browser: BrowserAbilities,
): ChannelNote[] {
  const notes: ChannelNote[] = [];
  if (!server.emailAvailable) {
    notes.push({
      channel: "email",
      tone: "unavailable",
      text: "This server does not send e-mail (its operator has not set PORTHOLE_SMTP_URL). Your choices are kept for when it does.",
    });
  }
  if (!browser.pushSupported) {
    notes.push({
      channel: "push",
      tone: "unavailable",
      text: "This browser cannot receive push notifications (it has no service workers or Push API). Other browsers of yours still can.",
    });
  } else if (browser.permission === "denied") {
    notes.push({
      channel: "push",
      tone: "unavailable",
      text: "Notifications are blocked for Porthole in this browser's site settings, so it cannot receive pushes. Allow them there.",
    });
  } else if (server.browsers === 0) {
    notes.push({
      channel: "push",
      tone: "info",
      text: "No browser of yours receives pushes yet: turn push on below.",
    });
  }
  if (browser.permission === "unsupported") {
    notes.push({
      channel: "desktop",
      tone: "unavailable",
      text: "This browser cannot show desktop notifications.",
    });
  } else if (browser.permission === "denied") {
    notes.push({
      channel: "desktop",
      tone: "unavailable",
      text: "Notifications are blocked for Porthole in this browser's site settings, so it shows no desktop notifications. Allow them there.",
    });
  }
  return notes;
}

/** This browser's own switches (`lib/prefs.ts`), which can only silence it further. */
export interface LocalAttention {
  sound: boolean;
  desktop: boolean;
}

/**
 * Whether the open dashboard plays the chime and shows a desktop notification for `event`:
 * the member's settings for the event, and this browser's own switch. Without settings
 * (not loaded yet, or the call failed) the browser's switches alone decide, as before
 * settings lived on the server.
 */
export function attentionFor(
  settings: NotificationSettings | undefined,
  event: NoticeEvent,
  local: LocalAttention,
): { sound: boolean; desktop: boolean } {
  if (!settings) return { sound: local.sound, desktop: local.desktop };
  const rule = settings.rules.find((r) => r.event === event);
  const on = (channel: "sound" | "desktop") => rule?.[channel] ?? portholeDefault(event, channel);
  return { sound: on("sound") && local.sound, desktop: on("desktop") && local.desktop };
}

/**
 * Which event a visitor's message is to the open dashboard of `meId`: the first message of
 * a conversation, and any in one assigned to nobody, the new conversation every member is
 * told of (as the server counts it); in a conversation assigned to them,
 * `visitor_message`; in a colleague's, nothing.
 */
export function messageNotice(
  message: { first: boolean; assigneeUserId: string | undefined },
  meId: string,
): NoticeEvent | undefined {
  if (message.first || !message.assigneeUserId) return "new_conversation";
  return message.assigneeUserId === meId ? "visitor_message" : undefined;
}

/**
 * A base64url string (the server's VAPID public key) as bytes, for
 * `PushManager.subscribe`'s `applicationServerKey`. Padding is optional; anything that is
 * not base64url throws.
 */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const trimmed = text.replace(/=+$/, "");
  if (!/^[A-Za-z0-9_-]*$/.test(trimmed) || trimmed.length % 4 === 1) {
    throw new Error("not base64url");
  }
  const base64 = trimmed.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether a subscription's `applicationServerKey` is the key `base64Url` names. */
export function sameKey(key: ArrayBuffer | null | undefined, base64Url: string): boolean {
  if (!key) return false;
  const a = new Uint8Array(key);
  let b: Uint8Array;
  try {
    b = base64UrlToBytes(base64Url);
  } catch {
    return false;
  }
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** "Chrome on Linux", "Firefox on Windows", "Safari on iPhone": a registered browser's name. */
export function browserLabel(userAgent: string): string {
  const ua = userAgent;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /SamsungBrowser\//.test(ua)
        ? "Samsung Internet"
        : /Firefox\/|FxiOS\//.test(ua)
          ? "Firefox"
          : /Chrome\/|CriOS\/|Chromium\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : "Browser";
  const system = /iPhone/.test(ua)
    ? "iPhone"
    : /iPad/.test(ua)
      ? "iPad"
      : /Android/.test(ua)
        ? "Android"
        : /CrOS/.test(ua)
          ? "ChromeOS"
          : /Windows/.test(ua)
            ? "Windows"
            : /Mac OS X|Macintosh/.test(ua)
              ? "macOS"
              : /Linux/.test(ua)
                ? "Linux"
                : "";
  return system ? `${browser} on ${system}` : browser;
}
