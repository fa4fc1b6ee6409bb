//! The member's notification settings (`GetNotificationSettings`): their rules, the
//! workspace's defaults, whether the server sends e-mail, its push key and their browsers.
//! Not in the workspace feed: read when the dashboard opens (the shell needs it for sound
//! and desktop notifications), when the window regains focus after a minute, and after
//! every change made here.

import type { GetNotificationSettingsResponse } from "@porthole/client";
import { type QueryClient, useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { notificationClient } from "../lib/api";

export function useNotificationSettings() {
  return useQuery({
    queryKey: keys.notificationSettings,
    queryFn: ({ signal }) => notificationClient.getNotificationSettings({}, { signal }),
    staleTime: 60_000,
    refetchOnWindowFocus: true,
  });
}

/** The settings held now, for what happens outside React (the feed's notifications). */
export function heldNotificationSettings(qc: QueryClient) {
  return qc.getQueryData<GetNotificationSettingsResponse>(keys.notificationSettings)?.settings;
}

/** Writes a change the server confirmed into the held settings. */
export function changeHeldSettings(
  qc: QueryClient,
  change: (old: GetNotificationSettingsResponse) => GetNotificationSettingsResponse,
): void {
  qc.setQueryData<GetNotificationSettingsResponse>(keys.notificationSettings, (old) =>
    old ? change(old) : old,
  );
}
