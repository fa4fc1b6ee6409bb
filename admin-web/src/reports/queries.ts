//! The report query (GetReport, owners and admins) and the workspace's time zone. Reports
//! are not in the workspace feed and not live: a report is read when its days or filters
//! change, on "Refresh", and again after the time zone changed (`keys.reports`).

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { reportClient } from "../lib/api";
import { useMe } from "../lib/auth";
import { usableTimeZone } from "./dates";
import type { ReportRequest } from "./params";

export function useReport(request: ReportRequest | undefined, enabled: boolean) {
  return useQuery({
    queryKey: keys.report(request ?? null),
    queryFn: ({ signal }) => reportClient.getReport(request ?? {}, { signal }),
    enabled: enabled && request !== undefined,
    // Another range or filter keeps the last report on screen until its own arrives.
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The workspace's time zone for reports (`UTC` until an owner or admin sets one). */
export function useWorkspaceTimeZone(): string {
  return usableTimeZone(useMe().data?.workspace?.timeZone);
}
