//! The signed-in frame: the navigation (`navigation.ts`; icons and labels on wide screens,
//! collapsible to icons, the choice kept per browser in `lib/prefs.ts`; icons alone below
//! that; a tab bar on phones, without what `navigation.ts` marks `phone: false`; "Get
//! started" with its count first while an owner's or admin's setup steps remain), the user menu with status, theme, the setup guide and the API reference, the
//! live-connection indicator, and the unread count in the tab title. It loads the member's
//! notification settings (the feed's sound and desktop notifications follow them) and opens
//! what a clicked push asks for (the service worker's message).

import { AgentStatus } from "@porthole/client";
import * as Tooltip from "@radix-ui/react-tooltip";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Bell,
  Code,
  ListChecks,
  LogOut,
  type LucideIcon,
  Monitor,
  Moon,
  PanelLeftClose,
  PanelLeftOpen,
  Settings,
  Sun,
} from "lucide-react";
import { useEffect } from "react";
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
import { useMediaQuery, WIDE_QUERY } from "../lib/media";
import { setPrefs, usePrefs } from "../lib/prefs";
import { followWorkerNavigation } from "../notifications/push";
import { useNotificationSettings } from "../notifications/queries";
import { useSetupGuide } from "../setup/queries";
import { GET_STARTED, navigationFor } from "./navigation";

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
  "get-started": "Get started",
  overview: "Overview",
  inbox: "Inbox",
  visitors: "Live visitors",
  reports: "Reports",
  knowledge: "Knowledge base",
  rules: "Rules",
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

  const nav = navigationFor({ isAdmin, isOwner }).map((item) => ({
    ...item,
    badge: item.to === "/inbox" ? unread : 0,
  }));
  const setup = useSetupGuide();
  const prefs = usePrefs();
  const wide = useMediaQuery(WIDE_QUERY);
  // Labels on wide screens unless this browser chose icons only; icons alone below that.
  const labelled = wide && !prefs.navCollapsed;

  return (
    <div className="flex h-dvh flex-col bg-white md:flex-row dark:bg-zinc-950">
      <nav
        aria-label="Main"
        className={cn(
          "hidden shrink-0 flex-col gap-1 border-r border-zinc-200 bg-zinc-50 py-3 md:flex dark:border-zinc-800 dark:bg-zinc-900/60",
          labelled ? "w-56 px-3" : "w-[60px] items-center",
        )}
      >
        <NavLink
          to="/inbox"
          aria-label="Porthole home"
          className={cn("mb-3 flex items-center gap-2", labelled && "px-1.5")}
        >
          <LogoMark className="size-8" />
          {labelled && (
            <span aria-hidden className="text-[15px] font-semibold tracking-tight">
              Porthole
            </span>
          )}
        </NavLink>
        {setup.show && setup.count && (
          <RailLink {...GET_STARTED} badge={0} progress={setup.count} labelled={labelled} />
        )}
        {nav.map((item) => (
          <RailLink key={item.to} {...item} labelled={labelled} />
        ))}
        <div className={cn("mt-auto flex flex-col gap-3", labelled ? "px-1.5" : "items-center")}>
          <ConnectionDot labelled={labelled} />
          <UserMenu meId={meId} labelled={labelled} />
          {wide && (
            <CollapseButton
              collapsed={prefs.navCollapsed}
              onToggle={() => setPrefs({ navCollapsed: !prefs.navCollapsed })}
            />
          )}
        </div>
      </nav>
      <main className="min-h-0 min-w-0 flex-1">
        <Outlet />
      </main>
      <nav
        aria-label="Main"
        className="flex shrink-0 items-stretch justify-around border-t border-zinc-200 bg-white pb-[env(safe-area-inset-bottom)] md:hidden dark:border-zinc-800 dark:bg-zinc-950"
      >
        {/* Tabs as wide as their labels plus an equal share of what is left: short labels
            ("Team") leave room for long ones ("Settings") when every destination is shown. */}
        {nav
          .filter((item) => item.phone !== false)
          .map((item) => (
            <NavLink
              key={item.to}
              to={item.to}
              aria-label={item.badge > 0 ? `${item.label}, ${item.badge} unread` : item.label}
              className={({ isActive }) =>
                cn(
                  "relative flex min-w-0 flex-auto flex-col items-center gap-0.5 px-px py-2 text-[10px] font-medium tracking-tight",
                  isActive ? "text-brand-600 dark:text-brand-400" : "text-zinc-500",
                )
              }
            >
              <item.icon className="size-[18px]" aria-hidden />
              <span className="max-w-full truncate">{item.short}</span>
              {item.badge > 0 && (
                <span className="absolute top-1 left-1/2 ml-1.5 min-w-4 rounded-full bg-brand-600 px-1 text-center text-[10px] leading-4 text-white">
                  {item.badge}
                </span>
              )}
            </NavLink>
          ))}
        <div className="flex flex-auto items-center justify-center">
          <UserMenu meId={meId} labelled={false} />
        </div>
      </nav>
    </div>
  );
}

function CollapseButton({ collapsed, onToggle }: { collapsed: boolean; onToggle: () => void }) {
  const label = collapsed ? "Show labels in the navigation" : "Show icons only";
  return (
    <button
      type="button"
      onClick={onToggle}
      aria-pressed={!collapsed}
      aria-label={collapsed ? "Expand navigation" : "Collapse navigation"}
      title={label}
      className={cn(
        "flex items-center gap-2 rounded-lg text-xs font-medium text-zinc-500 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
        collapsed ? "size-10 justify-center" : "h-8 px-1.5",
      )}
    >
      {collapsed ? (
        <PanelLeftOpen className="size-[18px]" aria-hidden />
      ) : (
        <>
          <PanelLeftClose className="size-[18px]" aria-hidden />
          Collapse
        </>
      )}
    </button>
  );
}

function RailLink({
  to,
  label,
  icon: Icon,
  badge,
  progress,
  labelled,
}: {
  to: string;
  label: string;
  icon: LucideIcon;
  badge: number;
  /** Steps done of all (the setup guide), shown instead of an unread count. */
  progress?: { done: number; total: number };
  labelled: boolean;
}) {
  // Radix's Slot merges class names as strings, so NavLink's class function cannot be used.
  const isActive = useMatch({ path: to, end: false }) !== null;
  const tone = isActive
    ? "bg-white text-brand-600 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-brand-300 dark:ring-zinc-700"
    : "text-zinc-500 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100";
  const name = progress
    ? `${label}, ${progress.done} of ${progress.total} done`
    : badge > 0
      ? `${label}, ${badge} unread`
      : label;
  const count = badge > 99 ? "99+" : badge;
  const steps = progress && (
    <span className="rounded-full bg-brand-100 px-1.5 text-center text-[10px] leading-[18px] font-semibold text-brand-700 tabular-nums dark:bg-brand-500/20 dark:text-brand-200">
      {progress.done}/{progress.total}
    </span>
  );
  if (labelled) {
    return (
      <NavLink
        to={to}
        aria-label={name}
        className={cn(
          "flex h-9 items-center gap-3 rounded-lg px-2.5 text-[13px] font-medium transition-colors",
          tone,
          isActive && "text-zinc-900 dark:text-zinc-100",
        )}
      >
        <Icon
          className={cn("size-[18px] shrink-0", isActive && "text-brand-600 dark:text-brand-300")}
          aria-hidden
        />
        <span className="min-w-0 flex-1 truncate">{label}</span>
        {steps}
        {badge > 0 && (
          <span className="min-w-[18px] rounded-full bg-brand-600 px-1 text-center text-[10px] leading-[18px] font-semibold text-white">
            {count}
          </span>
        )}
      </NavLink>
    );
  }
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <NavLink
          to={to}
          aria-label={name}
          className={cn(
            "relative flex size-10 items-center justify-center rounded-lg transition-colors",
            tone,
          )}
        >
          <Icon className="size-[18px]" aria-hidden />
          {steps && <span className="absolute -top-1.5 -right-2.5">{steps}</span>}
          {badge > 0 && (
            <span className="absolute -top-1 -right-1 min-w-[18px] rounded-full bg-brand-600 px-1 text-center text-[10px] leading-[18px] font-semibold text-white ring-2 ring-zinc-50 dark:ring-zinc-900">
              {count}
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
          {progress ? `${label} · ${progress.done} of ${progress.total} done` : label}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

export function ConnectionDot({ labelled = false }: { labelled?: boolean }) {
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
      className={cn(
        "flex items-center gap-2.5",
        labelled && "px-[3px] text-xs text-zinc-500 dark:text-zinc-400",
      )}
    >
      <span className="relative flex size-3 shrink-0 items-center justify-center">
        {live && (
          <span className="absolute size-3 animate-ping rounded-full bg-emerald-400 opacity-40 [animation-duration:3s]" />
        )}
        <span
          className={cn("relative size-2 rounded-full", live ? "bg-emerald-500" : "bg-amber-500")}
        />
      </span>
      {labelled && <span aria-hidden>{live ? "Connected" : label}</span>}
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

/** The API reference the server serves, generated from the proto comments. */
const API_REFERENCE = "/docs/api";

function UserMenu({ meId, labelled }: { meId: string; labelled: boolean }) {
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
  const setup = useSetupGuide();
  return (
    <MenuRoot>
      <MenuTrigger
        aria-label="Account menu"
        className={cn(
          "flex min-w-0 items-center gap-2.5 text-left",
          labelled
            ? "-mx-1.5 rounded-lg p-1.5 hover:bg-zinc-200/60 dark:hover:bg-zinc-800"
            : "rounded-full",
        )}
      >
        <span className="relative shrink-0">
          <Avatar name={name} seed={meId} size="sm" />
          <span
            className={cn(
              "absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full ring-2 ring-zinc-50 dark:ring-zinc-900",
              statusDot[status],
            )}
          />
        </span>
        {labelled && (
          <span aria-hidden className="min-w-0 flex-1">
            <span className="block truncate text-[13px] font-medium">{name}</span>
            <span className="block truncate text-[11px] text-zinc-500 dark:text-zinc-400">
              {agentStatusLabel[status]}
            </span>
          </span>
        )}
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
        {setup.isAdmin && (
          // Also the way back to the guide once it was hidden or finished.
          <MenuItem onSelect={() => navigate(GET_STARTED.to)}>
            <ListChecks className="size-3.5" /> {GET_STARTED.label}
            {setup.count && (
              <span className="ml-auto text-xs text-zinc-400 tabular-nums">
                {setup.count.done}/{setup.count.total}
              </span>
            )}
          </MenuItem>
        )}
        <MenuItem onSelect={() => navigate("/settings")}>
          <Settings className="size-3.5" /> Profile and settings
        </MenuItem>
        <MenuItem onSelect={() => navigate("/settings/notifications")}>
          <Bell className="size-3.5" /> Notifications
        </MenuItem>
        {/* The server's generated reference of every API method (`/docs/api`), for
            integrations; a page of its own, outside the app. */}
        <MenuItem onSelect={() => window.open(API_REFERENCE, "_blank", "noopener")}>
          <Code className="size-3.5" /> API reference
        </MenuItem>
        <MenuItem onSelect={() => void signOut()}>
          <LogOut className="size-3.5" /> Sign out
        </MenuItem>
      </MenuContent>
    </MenuRoot>
  );
}
