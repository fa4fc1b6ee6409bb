//! Pure rules of the live visitors list: how a feed update changes it, how long a visitor
//! has been on the site in this visit, and how long ago they were first seen.

import type { VisitorChange, VisitorProfile } from "@porthole/client";
import { toMillis } from "../lib/format";
import { applyVisitorChange, isActivity } from "./change";

/**
 * The list after a `visitorUpdated` event (a whole profile, from servers before
 * `visitorChanged`): an online visitor moves to the top (the server lists the most recently
 * active first and an update means activity), an offline one leaves. Returns `list` itself
 * when nothing changes.
 */
export function mergeLiveVisitor(
  list: VisitorProfile[],
  visitor: VisitorProfile,
): VisitorProfile[] {
  const rest = list.filter((v) => v.id !== visitor.id);
  if (!visitor.online) return rest.length === list.length ? list : rest;
  return [visitor, ...rest];
}

/**
 * The list after a `visitorChanged` event: a listed visitor who left goes; one who is
 * active moves to the top with the change applied; a profile edit is applied in place.
 * Returns `list` itself when it does not hold the visitor: a change is no profile to show,
 * so a new arrival has to be fetched (see {@link isArrival}).
 */
export function applyLiveVisitorChange(
  list: VisitorProfile[],
  change: VisitorChange,
): VisitorProfile[] {
  const listed = list.find((v) => v.id === change.id);
  if (!listed) return list;
  const rest = () => list.filter((v) => v !== listed);
  if (change.online === false) return rest();
  const visitor = applyVisitorChange(listed, change);
  if (isActivity(change)) return [visitor, ...rest()];
  return list.map((v) => (v === listed ? visitor : v));
}

/** Whether the change brings a visitor online whom the list does not hold yet. */
export function isArrival(list: readonly VisitorProfile[], change: VisitorChange): boolean {
  return change.online === true && !list.some((v) => v.id === change.id);
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

/**
 * Time on site: how long the current visit has lasted (a visit ends after 30 minutes
 * without activity; the server says when this one began).
 */
export function timeOnSite(visitor: VisitorProfile, now: number): string {
  const start = toMillis(visitor.visitStartTime);
  return start ? formatDuration(now - start) : "—";
}

/**
 * Whether the visitor was here before this visit (first seen well before it began), so
 * "first seen" says something the time on site does not.
 */
export function isReturning(visitor: VisitorProfile): boolean {
  const start = toMillis(visitor.visitStartTime);
  const first = toMillis(visitor.firstSeenTime);
  return start > 0 && first > 0 && start - first > 60_000;
}

/** The page to show: its title, else its URL without the scheme. */
export function pageLabel(visitor: VisitorProfile): string {
  return visitor.currentTitle || visitor.currentUrl.replace(/^https?:\/\//, "") || "Unknown page";
}
