//! Pure rules of the live visitors list: how a feed update changes it, and how long ago a
//! visitor was first seen.

import type { VisitorProfile } from "@porthole/client";
import { toMillis } from "../lib/format";

/**
 * The list after a `visitorUpdated` event: an online visitor moves to the top (the server
 * lists the most recently active first and an update means activity), an offline one
 * leaves. Returns `list` itself when nothing changes.
 */
export function mergeLiveVisitor(
  list: VisitorProfile[],
  visitor: VisitorProfile,
): VisitorProfile[] {
  const rest = list.filter((v) => v.id !== visitor.id);
  if (!visitor.online) return rest.length === list.length ? list : rest;
  return [visitor, ...rest];
}

/** "45s", "4m 12s", "2h 5m", "3d 4h": a compact, second-precise duration. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

/** How long ago the visitor was first seen, for a ticking display. */
export function sinceFirstSeen(visitor: VisitorProfile, now: number): string {
  const first = toMillis(visitor.firstSeenTime);
  return first ? formatDuration(now - first) : "—";
}

/** The page to show: its title, else its URL without the scheme. */
export function pageLabel(visitor: VisitorProfile): string {
  return visitor.currentTitle || visitor.currentUrl.replace(/^https?:\/\//, "") || "Unknown page";
}
