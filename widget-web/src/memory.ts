//! What the panel remembers across page loads of the same site, so moving to another page
//! mid-conversation neither closes the chat nor loses the visitor's place in it: whether the
//! panel is open, and how far the message list is scrolled up from its end (0 = at the end,
//! so new messages keep it there). Measured from the end because a page load shows the
//! newest page of history: an offset from the top would point elsewhere once the visitor
//! had loaded earlier pages.
//!
//! Kept in `sessionStorage` under the widget's public token: per tab, like the page history
//! it follows, and per site, because the widget lives in the host page (no iframe). A new
//! tab starts closed; `shutdown` forgets it.

/** The panel's remembered state. */
export interface PanelMemory {
  open: boolean;
  /** Pixels between the bottom of the visible part of the list and its end; 0 at the end. */
  fromEnd: number;
  /** The visitor closed the panel during this visit: no proactive message opens it again. */
  closed: boolean;
}

/** Scrolled this close to the end counts as at the end (a rounding or a last-line nudge). */
const endSlack = 24;

/** The storage key of a widget's panel memory. */
export const memoryKey = (widgetToken: string) => `porthole:${widgetToken}:panel`;

/** Reads what was stored; anything unreadable (absent, old or tampered) is "closed, at the end". */
export function parseMemory(raw: string | null | undefined): PanelMemory {
  try {
    const value = JSON.parse(raw ?? "{}") as Partial<PanelMemory>;
    const fromEnd = Number(value.fromEnd);
    return {
      open: value.open === true,
      fromEnd: Number.isFinite(fromEnd) && fromEnd > 0 ? Math.round(fromEnd) : 0,
      closed: value.closed === true,
    };
  } catch {
    return { open: false, fromEnd: 0, closed: false };
  }
}

/** How far a list is scrolled up from its end, 0 when at (or within a few pixels of) it. */
export function distanceFromEnd(list: {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}): number {
  const distance = list.scrollHeight - list.clientHeight - list.scrollTop;
  return distance <= endSlack ? 0 : Math.round(distance);
}

/** The `scrollTop` that puts a list `fromEnd` pixels up from its end (at most its top). */
export function scrollTopFor(
  list: { scrollHeight: number; clientHeight: number },
  fromEnd: number,
): number {
  return Math.max(0, list.scrollHeight - list.clientHeight - fromEnd);
}

/** Reads and writes one widget's memory; storage blocked (sandbox, privacy mode) forgets. */
export function panelMemory(widgetToken: string) {
  const key = memoryKey(widgetToken);
  const storage = (): Storage | undefined => {
    try {
      return window.sessionStorage;
    } catch {
      return undefined;
    }
  };
  return {
    read(): PanelMemory {
      try {
        return parseMemory(storage()?.getItem(key));
      } catch {
        return parseMemory(undefined);
      }
    },
    write(change: Partial<PanelMemory>): void {
      try {
        storage()?.setItem(key, JSON.stringify({ ...this.read(), ...change }));
      } catch {
        // Full or blocked: the panel simply starts closed on the next page.
      }
    },
    forget(): void {
      try {
        storage()?.removeItem(key);
      } catch {
        // Nothing was kept.
      }
    },
  };
}

export type PanelMemoryStore = ReturnType<typeof panelMemory>;
