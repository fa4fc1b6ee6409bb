//! The workspace's canned responses, shared by the settings card and the composer.

import { useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { cannedClient } from "../lib/api";

/** Every canned response of the workspace, ordered by shortcut (any member may list). */
export function useCannedResponses() {
  return useQuery({
    queryKey: keys.canned,
    queryFn: ({ signal }) => cannedClient.listCannedResponses({}, { signal }),
    // Edits come from admins on the settings screen, which updates this cache itself;
    // other browsers pick changes up within a minute or on the next visit.
    staleTime: 60_000,
    select: (data) => data.cannedResponses,
  });
}
