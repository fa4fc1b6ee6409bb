//! Pure rules of a visitor's page-view history: when a feed update means new pages, how the
//! loaded pages read as one list, and how a page is labelled.

import type { ListVisitorPageViewsResponse, PageView, VisitorProfile } from "@porthole/client";
import { toMillis } from "../lib/format";

/**
 * Whether a `visitorUpdated` event (a whole profile) may have brought page views the cached
 * history lacks: the count moved, or there is no earlier copy to compare with. A
 * `visitorChanged` event says so itself: it carries `pageViews` only when the count moved.
 */
export function pageViewsChanged(
  previous: VisitorProfile | undefined,
  next: VisitorProfile,
): boolean {
  return !previous || previous.pageViews !== next.pageViews;
}

/** One page view of a flattened history, with a key stable across refetches. */
export interface PageViewItem {
  key: string;
  view: PageView;
}

/**
 * The loaded pages as one list, newest first. Pages are keyed by position in time, not by
 * offset, so they never overlap; a view repeated anyway (a refetch racing a new view) is
 * shown once.
 */
export function flattenPageViews(
  pages: readonly ListVisitorPageViewsResponse[] | undefined,
): PageViewItem[] {
  const seen = new Set<string>();
  const items: PageViewItem[] = [];
  for (const page of pages ?? []) {
    for (const view of page.pageViews) {
      const key = `${toMillis(view.viewTime)} ${view.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push({ key, view });
    }
  }
  return items;
}

/** The page's title, else its URL without the scheme. */
export function pageViewTitle(view: PageView): string {
  return view.title.trim() || stripScheme(view.url) || "Unknown page";
}

/** The URL as shown under the title: without the scheme, and without a trailing slash. */
export function stripScheme(url: string): string {
  return url.replace(/^https?:\/\//, "").replace(/\/$/, "");
}
