//! The service worker's decisions, as pure functions the unit tests import: what a push
//! shows, where a click on it leads, which open dashboard window takes it, and what the
//! dashboard does with the worker's message. `sw.ts` only wires them to the worker's
//! events. No DOM or worker types here, so both sides' TypeScript programs can check it.
//!
//! **Invariant:** this file imports nothing, so the worker (built on its own into
//! `dist/sw.js` by `vite.sw.config.ts`) stays small and carries none of the dashboard.

/** The decrypted body of a push, as the server writes it (`notifications/push.rs`). */
export interface PushNote {
  title: string;
  body: string;
  /** A dashboard path such as `/app/inbox/cnv_…`. */
  url: string;
  /** Notifications with one tag replace each other (one per conversation). */
  tag: string;
  /** Assignments: the notification stays until dealt with. */
  urgent: boolean;
}

/** What `registration.showNotification` is called with. */
export interface ShownNotification {
  title: string;
  options: {
    body: string;
    tag?: string;
    data: { url: string };
    requireInteraction: boolean;
    renotify: boolean;
    icon: string;
  };
}

/** The message the worker posts to a dashboard window to open a path in it. */
export const NAVIGATE_MESSAGE = "porthole.sw.navigate";

/** A push body as a note; whatever is missing or not JSON gets a neutral stand-in. */
export function parsePush(text: string | undefined): PushNote {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text ?? "");
    if (parsed && typeof parsed === "object") raw = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: show the text itself, so the push is not lost.
    raw = { body: text ?? "" };
  }
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    title: str(raw.title) || "Porthole",
    body: str(raw.body),
    url: str(raw.url),
    tag: str(raw.tag),
    urgent: raw.urgent === true,
  };
}

/**
 * The notification for a push. `scope` is the worker's registration scope
 * (`https://chat.example.com/app/`). A tag is only given when the push has one: browsers
 * refuse `renotify` without one, and a notification that replaces an earlier one of the
 * same conversation should still sound.
 */
export function notificationFor(text: string | undefined, scope: string): ShownNotification {
  const note = parsePush(text);
  return {
    title: note.title,
    options: {
      body: note.body,
      ...(note.tag ? { tag: note.tag } : {}),
      data: { url: safeUrl(note.url, scope) },
      requireInteraction: note.urgent,
      renotify: note.tag !== "",
      icon: new URL("favicon.svg", scope).href,
    },
  };
}

/**
 * `url` resolved against `scope` when it stays inside the dashboard (same origin, under the
 * scope's path); anything else opens the dashboard's start page.
 */
export function safeUrl(url: string, scope: string): string {
  const base = new URL(scope);
  try {
    const target = new URL(url || base.href, base);
    if (target.origin === base.origin && target.pathname.startsWith(base.pathname)) {
      return target.href;
    }
  } catch {
    // Not a URL: the start page.
  }
  return base.href;
}

/** Where a click on a notification leads: its `data.url`, made safe. */
export function clickTarget(data: unknown, scope: string): string {
  const url =
    data && typeof data === "object" && typeof (data as { url?: unknown }).url === "string"
      ? (data as { url: string }).url
      : "";
  return safeUrl(url, scope);
}

/** A window client as far as {@link pickWindow} looks at it. */
export interface WindowLike {
  url: string;
  focused: boolean;
  visibilityState: string;
}

/**
 * The open dashboard window that should show a clicked notification: one inside `scope`,
 * the focused one first, then a visible one, then any; none when no dashboard is open.
 */
export function pickWindow<W extends WindowLike>(
  windows: readonly W[],
  scope: string,
): W | undefined {
  const base = new URL(scope);
  const dashboards = windows.filter((w) => {
    try {
      const u = new URL(w.url);
      return u.origin === base.origin && u.pathname.startsWith(base.pathname);
    } catch {
      return false;
    }
  });
  return (
    dashboards.find((w) => w.focused) ??
    dashboards.find((w) => w.visibilityState === "visible") ??
    dashboards[0]
  );
}

/**
 * The dashboard route (`/inbox/cnv_1`, without the `/app` base) a worker message asks a
 * window to open; undefined for anything else: another kind of message, another origin, a
 * path outside the dashboard.
 */
export function dashboardRoute(message: unknown, origin: string, base: string): string | undefined {
  if (!message || typeof message !== "object") return undefined;
  const { type, url } = message as { type?: unknown; url?: unknown };
  if (type !== NAVIGATE_MESSAGE || typeof url !== "string") return undefined;
  let target: URL;
  try {
    target = new URL(url, origin);
  } catch {
    return undefined;
  }
  const prefix = base.endsWith("/") ? base : `${base}/`;
  if (target.origin !== origin || !target.pathname.startsWith(prefix)) return undefined;
  return `/${target.pathname.slice(prefix.length)}${target.search}${target.hash}`;
}
