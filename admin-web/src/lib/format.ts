//! Formatting of times, names and enum values for display.

import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { AgentStatus, ConversationStatus, Priority, Role } from "@porthole/client";

export function toDate(ts: Timestamp | undefined): Date | undefined {
  return ts ? timestampDate(ts) : undefined;
}

export function toMillis(ts: Timestamp | undefined): number {
  return ts ? Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6) : 0;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "now", "5m", "3h", "Mon 4", for dense lists. */
export function shortAgo(ts: Timestamp | undefined, now = Date.now()): string {
  const at = toMillis(ts);
  if (!at) return "";
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return "now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days}d`;
  return dayFormat.format(at);
}

/** "just now", "5m ago", "Mar 4". */
export function ago(ts: Timestamp | undefined, now = Date.now()): string {
  const short = shortAgo(ts, now);
  if (short === "now") return "just now";
  return /^\d+[mhd]$/.test(short) ? `${short} ago` : short;
}

export function clockTime(ts: Timestamp | undefined): string {
  const at = toMillis(ts);
  return at ? timeFormat.format(at) : "";
}

export function fullTime(ts: Timestamp | undefined): string {
  const at = toMillis(ts);
  return at ? fullFormat.format(at) : "—";
}

/** "Today", "Yesterday" or a date, for separators between messages. */
export function dayLabel(ts: Timestamp | undefined, now = new Date()): string {
  const at = toDate(ts);
  if (!at) return "";
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const diff = startOfToday - new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();
  if (diff === 0) return "Today";
  if (diff === 86_400_000) return "Yesterday";
  return new Intl.DateTimeFormat(undefined, {
    weekday: "long",
    month: "long",
    day: "numeric",
  }).format(at);
}

export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s@._-]+/)
    .filter(Boolean);
  const letters =
    (parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "");
  return letters.toUpperCase() || "?";
}

export function visitorLabel(c: {
  visitorName: string;
  visitorEmail: string;
  visitorId: string;
}): string {
  return c.visitorName || c.visitorEmail || `Visitor ${c.visitorId.slice(-4)}`;
}

export const statusLabel: Record<ConversationStatus, string> = {
  [ConversationStatus.UNSPECIFIED]: "—",
  [ConversationStatus.PENDING]: "Pending",
  [ConversationStatus.ACTIVE]: "Active",
  [ConversationStatus.WAITING]: "Waiting",
  [ConversationStatus.RESOLVED]: "Resolved",
  [ConversationStatus.CLOSED]: "Closed",
};

export const priorityLabel: Record<Priority, string> = {
  [Priority.UNSPECIFIED]: "Any priority",
  [Priority.LOW]: "Low",
  [Priority.NORMAL]: "Normal",
  [Priority.HIGH]: "High",
  [Priority.URGENT]: "Urgent",
};

export const roleLabel: Record<Role, string> = {
  [Role.UNSPECIFIED]: "—",
  [Role.OWNER]: "Owner",
  [Role.ADMIN]: "Admin",
  [Role.AGENT]: "Agent",
};

export const agentStatusLabel: Record<AgentStatus, string> = {
  [AgentStatus.UNSPECIFIED]: "Unknown",
  [AgentStatus.ONLINE]: "Online",
  [AgentStatus.AWAY]: "Away",
  [AgentStatus.BUSY]: "Busy",
  [AgentStatus.OFFLINE]: "Offline",
};

export function formatBytes(bytes: bigint | number): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
