//! The checklist's query (`GetSetupProgress`) and who sees the guide.
//!
//! Most of what the steps read is not in the workspace feed (a widget's first sighting on a
//! site, invitations, business hours), so the open checklist asks again: every 10 s while
//! the page is visible, when the window gains focus or becomes visible, and on opening.
//! The rest of the time the shell's copy is kept current by this dashboard's own changes
//! (widgets, invitations invalidate it) and by the feed (`inbox/cache.ts`: a new
//! conversation ticks the test chat; a visitor arriving while no widget has been seen
//! asks again).

import type { GetSetupProgressResponse } from "@porthole/client";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { keys } from "../inbox/cache";
import { workspaceClient } from "../lib/api";
import { useIsAdmin, useMe } from "../lib/auth";
import { setSetupHidden, useSetupHidden } from "./hidden";
import { setupComplete, setupCount } from "./steps";

/** How often the open checklist asks while a step is still open. */
export const SETUP_POLL_MS = 10_000;

/**
 * `live`: the checklist is on screen, so ask on opening, every 10 s while visible and a step
 * is open, and on focus or visibility.
 */
export function useSetupProgress({ live = false, enabled = true } = {}) {
  const query = useQuery({
    queryKey: keys.setupProgress,
    queryFn: ({ signal }) => workspaceClient.getSetupProgress({}, { signal }),
    enabled,
    ...(live
      ? {
          refetchOnMount: "always" as const,
          // Visibility (TanStack's focus manager); window focus below.
          refetchOnWindowFocus: "always" as const,
          refetchInterval: (q: { state: { data?: GetSetupProgressResponse } }) =>
            q.state.data && setupComplete(q.state.data) ? false : SETUP_POLL_MS,
          refetchIntervalInBackground: false,
        }
      : {}),
  });
  const { refetch } = query;
  useEffect(() => {
    if (!live || !enabled) return;
    // Back from another window (the site, the test page) that left this one visible.
    const again = () => void refetch({ cancelRefetch: false });
    window.addEventListener("focus", again);
    return () => window.removeEventListener("focus", again);
  }, [live, enabled, refetch]);
  return query;
}

/**
 * The guide as the signed-in member sees it: owners and admins are led to it (navigation
 * entry with the count, the inbox's panel) until every step is done or they hide it;
 * agents are not (most steps are not theirs).
 */
export function useSetupGuide() {
  const isAdmin = useIsAdmin();
  const workspaceId = useMe().data?.workspace?.id ?? "";
  const hidden = useSetupHidden(workspaceId);
  const progress = useSetupProgress({ enabled: isAdmin });
  const data = progress.data;
  const complete = data ? setupComplete(data) : false;
  // Seen complete once: later changes (hours turned off) do not bring the guide back.
  useEffect(() => {
    if (complete) setSetupHidden(workspaceId, true);
  }, [complete, workspaceId]);
  return {
    /** Whether to lead this member to the guide now. */
    show: isAdmin && !hidden && data !== undefined && !complete,
    count: data ? setupCount(data) : undefined,
    isAdmin,
    hidden,
    workspaceId,
  };
}
