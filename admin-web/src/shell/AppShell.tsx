//! The signed-in frame: a navigation rail (a tab bar on phones), the user menu with status
//! and theme, the live-connection indicator, and the unread count in the tab title. It
//! loads the member's notification settings (the feed's sound and desktop notifications
//! follow them) and opens what a clicked push asks for (the service worker's message).

import { AgentStatus } from "@porthole/client";
import * as Tooltip from "@radix-ui/react-tooltip";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Bell,
  Blocks,
  Inbox,
  LogOut,
  Monitor,
  Moon,
  Radar,
  ScrollText,
  Send,
  Settings,
  Sun,
  Users,
  Webhook,
} from "lucide-react";
import { type ReactNode, useEffect } from "react";
import { NavLink, Outlet, useLocation, useMatch, useNavigate } from "react-router";
import { LogoMark } from "../components/Logo";
import { cn } from "../components/ui/cn";
import {
  MenuContent,
  MenuItem,
  MenuLabel,
  MenuRoot,
  MenuSeparator,
  MenuTrigger,
} from "../components/ui/Menu";
import { Avatar, Spinner } from "../components/ui/misc";
import { toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { FeedProvider, useFeedStatus } from "../inbox/FeedProvider";
import { defaultFilter, flattenList, unreadConversations } from "../inbox/model";
import { useConversationList, useMembers } from "../inbox/queries";
import { workspaceClient } from "../lib/api";
import { titleWith } from "../lib/attention";
import { useIsAdmin, useIsOwner, useMe, useSignOut } from "../lib/auth";
import { describeError } from "../lib/errors";
import { agentStatusLabel } from "../lib/format";
import { setPrefs, usePrefs } from "../lib/prefs";
import { followWorkerNavigation } from "../notifications/push";
import { useNotificationSettings } from "../notifications/queries";

export function AppShell() {
  const me = useMe();
  if (!me.data?.user) {
    return (
      <div className="flex h-dvh items-center justify-center">
        {me.isError ? <SignedOutNotice /> : <Spinner className="size-5" />}
      </div>
    );
  }
  return (
    <FeedProvider meId={me.data.user.id}>
      <Shell meId={me.data.user.id} />
    </FeedProvider>
  );
}

function SignedOutNotice() {
  const signOut = useSignOut();
  return (
    <div className="text-center">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Your account could not be loaded.</p>
      <button
        type="button"
        className="mt-2 text-sm font-medium text-brand-600"
        onClick={() => void signOut()}
      >
        Sign in again
      </button>
    </div>
  );
}

function useUnreadCount(meId: string): number {
  const list = useConversationList(defaultFilter);
  return unreadConversations(flattenList(list.data), meId);
}

const SECTION_TITLES: Record<string, string> = {
  inbox: "Inbox",
  visitors: "Live visitors",
  widgets: "Widgets",
  webhooks: "Webhooks",
  team: "Team",
  audit: "Audit log",
  deliveries: "E-mail deliveries",
  settings: "Settings",
  "settings/notifications": "Notifications",
};

function Shell({ meId }: { meId: string }) {
  const unread = useUnreadCount(meId);
  const location = useLocation();
  const isAdmin = useIsAdmin();
  const isOwner = useIsOwner();
  const [, first = "inbox", second] = location.pathname.split("/");
  const section = SECTION_TITLES[`${first}/${second}`] ?? SECTION_TITLES[first] ?? "Porthole";
  const navigate = useNavigate();
  // Loaded with the dashboard: the feed's notifications read it from the cache.
  useNotificationSettings();

  useEffect(() => {
    document.title = titleWith(unread, `${section} · Porthole`);
  }, [unread, section]);

  useEffect(() => followWorkerNavigation((route) => navigate(route)), [navigate]);

  const nav = [
    { to: "/inbox", label: "Inbox", icon: <Inbox className="size-[18px]" />, badge: unread },
    {
      to: "/visitors",
      label: "Live visitors",
      short: "Visitors",
      icon: <Radar className="size-[18px]" />,
      badge: 0,
    },
    ...(isAdmin
      ? [
          { to: "/widgets", label: "Widgets", icon: <Blocks className="size-[18px]" />, badge: 0 },
          {
            to: "/webhooks",
            label: "Webhooks",
            short: "Hooks",
            icon: <Webhook className="size-[18px]" />,
            badge: 0,
          },
        ]
      : []),
    { to: "/team", label: "Team", icon: <Users className="size-[18px]" />, badge: 0 },
    ...(isOwner
      ? [
          {
            to: "/audit",
            label: "Audit log",
            short: "Audit",
            icon: <ScrollText className="size-[18px]" />,
            badge: 0,
          },
          {
            to: "/deliveries",
            label: "E-mail deliveries",
            short: "E-mail",
            icon: <Send className="size-[18px]" />,
            badge: 0,
          },
        ]
      : []),
    { to: "/settings", label: "Settings", icon: <Settings className="size-[18px]" />, badge: 0 },
  ];

  return (
    <div className="flex h-dvh flex-col bg-white md:flex-row dark:bg-zinc-950">
      <nav
        aria-label="Main"
        className="hidden w-[60px] shrink-0 flex-col items-center gap-1 border-r border-zinc-200 bg-zinc-50 py-3 md:flex dark:border-zinc-800 dark:bg-zinc-900/60"
      >
        <NavLink to="/inbox" aria-label="Porthole home" className="mb-3">
          <LogoMark className="size-8" />
        </NavLink>
        {nav.map((item) => (
          <RailLink key={item.to} {...item} />
        ))}
        <div className="mt-auto flex flex-col items-center gap-3">
          <ConnectionDot />
          <UserMenu meId={meId} />
        </div>
      </nav>
      <main className="min-h-0 min-w-0 flex-1">
        <Outlet />
      </main>
      <nav
        aria-label="Main"
        className="flex shrink-0 items-stretch justify-around border-t border-zinc-200 bg-white pb-[env(safe-area-inset-bottom)] md:hidden dark:border-zinc-800 dark:bg-zinc-950"
      >
        {nav.map((item) => (
          <NavLink
            key={item.to}
            to={item.to}
            className={({ isActive }) =>
              cn(
                "relative flex flex-1 flex-col items-center gap-0.5 py-2 text-[11px] font-medium",
                isActive ? "text-brand-600 dark:text-brand-400" : "text-zinc-500",
              )
            }
          >
            {item.icon}
            {"short" in item ? item.short : item.label}
            {item.badge > 0 && (
              <span className="absolute top-1 left-1/2 ml-1.5 min-w-4 rounded-full bg-brand-600 px-1 text-center text-[10px] leading-4 text-white">
                {item.badge}
              </span>
            )}
          </NavLink>
        ))}
        <div className="flex flex-1 items-center justify-center">
          <UserMenu meId={meId} />
        </div>
      </nav>
    </div>
  );
}

function RailLink({
  to,
  label,
  icon,
  badge,
}: {
  to: string;
  label: string;
  icon: ReactNode;
  badge: number;
}) {
  // Radix's Slot merges class names as strings, so NavLink's class function cannot be used.
  const isActive = useMatch({ path: to, end: false }) !== null;
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <NavLink
          to={to}
          aria-label={badge > 0 ? `${label}, ${badge} unread` : label}
          className={cn(
            "relative flex size-10 items-center justify-center rounded-lg transition-colors",
            isActive
              ? "bg-white text-brand-600 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-brand-300 dark:ring-zinc-700"
              : "text-zinc-500 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
          )}
        >
          {icon}
          {badge > 0 && (
            <span className="absolute -top-1 -right-1 min-w-[18px] rounded-full bg-brand-600 px-1 text-center text-[10px] leading-[18px] font-semibold text-white ring-2 ring-zinc-50 dark:ring-zinc-900">
              {badge > 99 ? "99+" : badge}
            </span>
          )}
        </NavLink>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content
          side="right"
          sideOffset={8}
          className="z-50 rounded-md bg-zinc-900 px-2 py-1 text-xs font-medium text-white shadow animate-fade-in dark:bg-zinc-100 dark:text-zinc-900"
        >
          {label}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

export function ConnectionDot() {
  const status = useFeedStatus();
  const live = status === "live";
  const label = live
    ? "Live: new chats appear instantly"
    : status === "connecting"
      ? "Connecting…"
      : "Reconnecting…";
  return (
    <span
      title={label}
      aria-label={label}
      role="status"
      className="relative flex size-3 items-center justify-center"
    >
      {live && (
        <span className="absolute size-3 animate-ping rounded-full bg-emerald-400 opacity-40 [animation-duration:3s]" />
      )}
      <span
        className={cn("relative size-2 rounded-full", live ? "bg-emerald-500" : "bg-amber-500")}
      />
    </span>
  );
}

const statusDot: Record<AgentStatus, string> = {
  [AgentStatus.UNSPECIFIED]: "bg-zinc-400",
  [AgentStatus.ONLINE]: "bg-emerald-500",
  [AgentStatus.AWAY]: "bg-amber-500",
  [AgentStatus.BUSY]: "bg-red-500",
  [AgentStatus.OFFLINE]: "bg-zinc-400",
};

function UserMenu({ meId }: { meId: string }) {
  const me = useMe().data;
  const members = useMembers();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const prefs = usePrefs();
  const mine = members.data?.members.find((m) => m.userId === meId);
  const setStatus = useMutation({
    mutationFn: (status: AgentStatus) => workspaceClient.setMyStatus({ status }),
    onSuccess: (res) => {
      if (!res.member) return;
      const member = res.member;
      qc.setQueryData(keys.members, (old: typeof members.data) =>
        old
          ? { ...old, members: old.members.map((m) => (m.userId === member.userId ? member : m)) }
          : old,
      );
    },
    onError: (e) => toastError("Could not change your status", describeError(e)),
  });
  const name = me?.user?.displayName || me?.user?.email || "";
  const status = mine?.status ?? AgentStatus.ONLINE;
  return (
    <MenuRoot>
      <MenuTrigger aria-label="Account menu" className="relative rounded-full">
        <Avatar name={name} seed={meId} size="sm" />
        <span
          className={cn(
            "absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full ring-2 ring-zinc-50 dark:ring-zinc-900",
            statusDot[status],
          )}
        />
      </MenuTrigger>
      <MenuContent align="start" className="w-60">
        <div className="px-2 py-2">
          <p className="truncate text-[13px] font-medium">{name}</p>
          <p className="truncate text-xs text-zinc-500">{me?.workspace?.name}</p>
        </div>
        <MenuSeparator />
        <MenuLabel>Status</MenuLabel>
        {[AgentStatus.ONLINE, AgentStatus.AWAY, AgentStatus.BUSY, AgentStatus.OFFLINE].map((s) => (
          <MenuItem key={s} onSelect={() => setStatus.mutate(s)}>
            <span className={cn("size-2 rounded-full", statusDot[s])} />
            {agentStatusLabel[s]}
            {s === status && <span className="ml-auto text-xs text-zinc-400">current</span>}
          </MenuItem>
        ))}
        <MenuSeparator />
        <MenuLabel>Theme</MenuLabel>
        <div className="flex gap-1 px-2 pb-1.5">
          {(
            [
              ["light", <Sun key="l" className="size-3.5" />],
              ["dark", <Moon key="d" className="size-3.5" />],
              ["system", <Monitor key="s" className="size-3.5" />],
            ] as const
          ).map(([theme, icon]) => (
            <button
              key={theme}
              type="button"
              aria-pressed={prefs.theme === theme}
              onClick={() => setPrefs({ theme })}
              className={cn(
                "flex flex-1 items-center justify-center gap-1 rounded-md py-1 text-xs capitalize ring-1 ring-inset",
                prefs.theme === theme
                  ? "bg-brand-50 text-brand-700 ring-brand-200 dark:bg-brand-500/15 dark:text-brand-300 dark:ring-brand-800"
                  : "text-zinc-600 ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-400 dark:ring-zinc-700 dark:hover:bg-zinc-800",
              )}
            >
              {icon}
              {theme}
            </button>
          ))}
        </div>
        <MenuSeparator />
        <MenuItem onSelect={() => navigate("/settings")}>
          <Settings className="size-3.5" /> Profile and settings
        </MenuItem>
        <MenuItem onSelect={() => navigate("/settings/notifications")}>
          <Bell className="size-3.5" /> Notifications
        </MenuItem>
        <MenuItem onSelect={() => void signOut()}>
          <LogOut className="size-3.5" /> Sign out
        </MenuItem>
      </MenuContent>
    </MenuRoot>
  );
}
