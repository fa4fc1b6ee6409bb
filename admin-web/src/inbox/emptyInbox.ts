//! What an empty conversation list says, decided from what the workspace has: no widget
//! yet (create one), a widget but never a conversation (install the snippet, try a test
//! chat), nothing open now, or nothing matching a search or filter. Pure, so each case is
//! tested; `InboxEmptyState.tsx` draws it.

import type { Widget } from "@porthole/client";
import { defaultFilter, type InboxFilter } from "./model";

export type EmptyInbox =
  /** What the workspace has is still loading. */
  | { kind: "loading" }
  /** A search found nothing. */
  | { kind: "no-match" }
  /** Filters other than the default ones hide everything. */
  | { kind: "filtered" }
  /** No widget: nothing can bring a chat yet. */
  | { kind: "no-widget" }
  /** Widgets, but never a conversation: the snippet is probably not on the site yet. */
  | { kind: "not-installed"; widget: Widget }
  /** Conversations exist, none is open now. */
  | { kind: "caught-up" };

/**
 * `widgets` is undefined while loading and `"unknown"` when it could not be loaded; the
 * same for `anyConversation` (whether the workspace has had any conversation).
 */
export function emptyInbox(input: {
  filter: InboxFilter;
  widgets: readonly Widget[] | undefined | "unknown";
  anyConversation: boolean | undefined | "unknown";
}): EmptyInbox {
  const { filter, widgets, anyConversation } = input;
  if (filter.query.trim()) return { kind: "no-match" };
  if (widgets === undefined) return { kind: "loading" };
  if (widgets !== "unknown" && widgets.length === 0) return { kind: "no-widget" };
  if (anyConversation === undefined) return { kind: "loading" };
  if (anyConversation === false && widgets !== "unknown") {
    const widget = widgets.find((w) => w.active) ?? widgets[0];
    if (widget) return { kind: "not-installed", widget };
  }
  const narrowed =
    filter.assignee !== defaultFilter.assignee ||
    filter.priority !== defaultFilter.priority ||
    filter.widgetId !== defaultFilter.widgetId ||
    filter.teamId !== defaultFilter.teamId ||
    (filter.status !== defaultFilter.status && filter.status !== "all");
  return narrowed ? { kind: "filtered" } : { kind: "caught-up" };
}
