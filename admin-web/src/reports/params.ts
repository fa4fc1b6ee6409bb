//! What the Reports screen shows, as it is kept in the address (`?range=last7`,
//! `?range=custom&from=…&to=…`, `scope=widget:wgt_…`, `hours=business`, `interval=day`), so
//! a report can be reloaded, bookmarked and shared; and the GetReport request it makes.
//! No React.

import type { MessageInitShape } from "@bufbuild/protobuf";
import type { GetReportRequestSchema, ReportFilterSchema } from "@porthole/client";
import {
  type DateRange,
  effectiveChoice,
  INTERVAL_CHOICES,
  type IntervalChoice,
  intervalOf,
  isPlainDate,
  type PresetId,
  presetById,
  rangeDays,
  rangeProblem,
} from "./dates";

export interface ReportParams {
  preset: PresetId | "custom";
  /** The typed days, used when `preset` is custom (may be incomplete or wrong). */
  custom: DateRange;
  /** "" (the whole workspace), `widget:{id}`, `team:{id}` or `agent:{id}`. */
  scope: string;
  businessHours: boolean;
  interval: IntervalChoice;
}

export const DEFAULT_PRESET: PresetId = "last30";

export function readParams(search: URLSearchParams): ReportParams {
  const range = search.get("range");
  const preset: ReportParams["preset"] =
    range === "custom" ? "custom" : (presetById(range)?.id ?? DEFAULT_PRESET);
  const interval = search.get("interval");
  return {
    preset,
    custom: { from: search.get("from") ?? "", to: search.get("to") ?? "" },
    scope: scopeParts(search.get("scope") ?? "") ? (search.get("scope") ?? "") : "",
    businessHours: search.get("hours") === "business",
    interval: INTERVAL_CHOICES.includes(interval as IntervalChoice)
      ? (interval as IntervalChoice)
      : "auto",
  };
}

/** The address's query for `params`, leaving out what is the default. */
export function writeParams(params: ReportParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.preset !== DEFAULT_PRESET) search.set("range", params.preset);
  if (params.preset === "custom") {
    search.set("from", params.custom.from);
    search.set("to", params.custom.to);
  }
  if (params.scope) search.set("scope", params.scope);
  if (params.businessHours) search.set("hours", "business");
  if (params.interval !== "auto") search.set("interval", params.interval);
  return search;
}

/** The days `params` cover when today is `today` (in the workspace's time zone). */
export function rangeOf(params: ReportParams, today: string): DateRange {
  if (params.preset === "custom") return params.custom;
  return presetById(params.preset)?.range(today) ?? { from: today, to: today };
}

type ScopeKind = "widget" | "team" | "agent";

/** A scope value's kind and id, or undefined for the whole workspace or nonsense. */
export function scopeParts(scope: string): { kind: ScopeKind; id: string } | undefined {
  const m = /^(widget|team|agent):(.+)$/.exec(scope);
  return m ? { kind: m[1] as ScopeKind, id: m[2] ?? "" } : undefined;
}

/** The request's filter for a scope value. */
export function filterOf(scope: string): MessageInitShape<typeof ReportFilterSchema> {
  const parts = scopeParts(scope);
  switch (parts?.kind) {
    case "widget":
      return { scope: { case: "widgetId", value: parts.id } };
    case "team":
      return { scope: { case: "teamId", value: parts.id } };
    case "agent":
      return { scope: { case: "agentUserId", value: parts.id } };
    default:
      return {};
  }
}

export type ReportRequest = MessageInitShape<typeof GetReportRequestSchema> & {
  fromDate: string;
  toDate: string;
};

/**
 * The GetReport request for `params`, or the problem with its days in words (nothing is
 * asked while there is one). An hourly interval the range no longer allows becomes
 * automatic.
 */
export function requestOf(
  params: ReportParams,
  today: string,
): { range: DateRange; request?: ReportRequest; problem?: string } {
  const range = rangeOf(params, today);
  const problem = rangeProblem(range);
  if (problem) return { range, problem };
  return {
    range,
    request: {
      fromDate: range.from,
      toDate: range.to,
      filter: filterOf(params.scope),
      businessHours: params.businessHours,
      interval: intervalOf[effectiveChoice(params.interval, rangeDays(range))],
    },
  };
}

/** Whether a custom range was typed completely (both days real dates). */
export function customComplete(range: DateRange): boolean {
  return isPlainDate(range.from) && isPlainDate(range.to);
}
