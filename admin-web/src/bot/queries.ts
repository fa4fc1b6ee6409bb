//! The bot's status (GetBotStatus: owners and admins; agents are refused it), whether the
//! composer's assist actions can work here, and a widget's bot name. Usage is not in the feed: the status is read
//! when a screen showing it opens, and again on "Refresh".

import { type QueryClient, useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { botClient } from "../lib/api";
import { useIsAdmin } from "../lib/auth";
import { useWidgets } from "../widgets/queries";
import { DEFAULT_BOT_NAME } from "./bot";

/**
 * GetBotStatus, asked only for owners and admins (`enabled`). `fresh`: read again whenever
 * a screen showing the usage opens (it is not in the feed); others only need `configured`,
 * which changes with a server restart at most.
 */
export function useBotStatus(enabled = true, fresh = false) {
  return useQuery({
    queryKey: keys.botStatus,
    queryFn: () => botClient.getBotStatus({}),
    enabled,
    ...(fresh ? { staleTime: 0 } : {}),
  });
}

/** Remembers, for this session, that the server said it has no model. */
export function rememberNoModel(qc: QueryClient): void {
  qc.setQueryData(keys.noModel, true);
}

/**
 * Whether to offer "Suggest a reply" and "Summarise": owners and admins know from
 * GetBotStatus (hidden while it says no model, and until it answers); agents, who may not
 * ask it, see them until a request is refused for want of a model, then not again this
 * session.
 */
export function useAssistOffered(): boolean {
  const isAdmin = useIsAdmin();
  const status = useBotStatus(isAdmin);
  // Only ever set by rememberNoModel; never fetched.
  const noModel = useQuery({ queryKey: keys.noModel, queryFn: () => false, enabled: false }).data;
  if (noModel) return false;
  if (isAdmin) return status.data?.configured === true;
  return true;
}

/** The name of the bot that answers a widget's conversations, from its settings. */
export function useBotName(widgetId: string | undefined): string {
  const widgets = useWidgets().data?.widgets;
  const bot = widgets?.find((w) => w.id === widgetId)?.settings?.bot;
  return bot?.name || DEFAULT_BOT_NAME;
}
