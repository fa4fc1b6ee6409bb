//! The main navigation as data: every destination with its label, a shorter label for the
//! phone's tab bar, its icon and who sees it. Every `to` is a route of `App.tsx`
//! (`e2e/first-hour.e2e.ts` opens each one and expects a page, not "Nothing here"), and so
//! is `GET_STARTED`, the first-run checklist, shown above them only for a while.

import {
  Blocks,
  BookOpen,
  ChartColumn,
  Gauge,
  Inbox,
  ListChecks,
  type LucideIcon,
  Radar,
  ScrollText,
  Send,
  Settings,
  Users,
  Webhook,
  Zap,
} from "lucide-react";

export interface NavItem {
  to: string;
  label: string;
  /** For the phone's tab bar, where space is short. */
  short: string;
  icon: LucideIcon;
  /** Who sees it: every member, admins and owners, or owners only. */
  audience: "member" | "admin" | "owner";
  /**
   * False to leave it out of the phone's tab bar, which is full: Reports, reached there from
   * the Overview's "Reports" button.
   */
  phone?: boolean;
}

export const NAVIGATION: readonly NavItem[] = [
  { to: "/overview", label: "Overview", short: "Overview", icon: Gauge, audience: "member" },
  { to: "/inbox", label: "Inbox", short: "Inbox", icon: Inbox, audience: "member" },
  { to: "/visitors", label: "Live visitors", short: "Visitors", icon: Radar, audience: "member" },
  {
    to: "/reports",
    label: "Reports",
    short: "Reports",
    icon: ChartColumn,
    audience: "admin",
    phone: false,
  },
  {
    to: "/knowledge",
    label: "Knowledge base",
    short: "Articles",
    icon: BookOpen,
    audience: "member",
  },
  { to: "/rules", label: "Rules", short: "Rules", icon: Zap, audience: "member" },
  { to: "/widgets", label: "Widgets", short: "Widgets", icon: Blocks, audience: "admin" },
  { to: "/webhooks", label: "Webhooks", short: "Hooks", icon: Webhook, audience: "admin" },
  { to: "/team", label: "Team", short: "Team", icon: Users, audience: "member" },
  { to: "/audit", label: "Audit log", short: "Audit", icon: ScrollText, audience: "owner" },
  {
    to: "/deliveries",
    label: "E-mail deliveries",
    short: "E-mail",
    icon: Send,
    audience: "owner",
  },
  { to: "/settings", label: "Settings", short: "Settings", icon: Settings, audience: "member" },
];

/**
 * The first-run checklist: first in the desktop navigation, with its count, for owners and
 * admins while steps remain and they have not hidden it (`setup/queries.ts`). Not in the
 * phone's tab bar, which is full: there the inbox's banner and the account menu lead to it.
 */
export const GET_STARTED: NavItem = {
  to: "/get-started",
  label: "Get started",
  short: "Start",
  icon: ListChecks,
  audience: "admin",
};

/** The destinations a member with these rights sees, in order (on a phone: `phone` ones). */
export function navigationFor(rights: { isAdmin: boolean; isOwner: boolean }): NavItem[] {
  return NAVIGATION.filter(
    (item) =>
      item.audience === "member" ||
      (item.audience === "admin" && rights.isAdmin) ||
      (item.audience === "owner" && rights.isOwner),
  );
}
