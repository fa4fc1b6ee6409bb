//! The workspace's teams, shared by the Team screen, the widget editor and the inbox.

import { useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { teamClient } from "../lib/api";

/** Every team of the workspace with its members, by name (any member may list). */
export function useTeams() {
  return useQuery({
    queryKey: keys.teams,
    queryFn: ({ signal }) => teamClient.listTeams({}, { signal }),
    // Teams are not in the feed: this browser's changes invalidate them; others' show
    // within a minute or on the next visit.
    staleTime: 60_000,
    select: (data) => data.teams,
  });
}
