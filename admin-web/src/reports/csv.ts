//! CSV files built in the browser from report data: RFC 4180 quoting, a guard against
//! spreadsheet formulas in text (visitors write the rating comments), the conversation
//! export's columns exactly as `report.proto` documents them (`ConversationFigures`, in
//! field order, named as the fields), and one file per report table.

import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  type AgentReport,
  type ConversationFigures,
  ConversationFiguresSchema,
  type DurationSummary,
  type GetReportResponse,
  type ReportFigures,
  type ScopeReport,
} from "@porthole/client";
import { toMillis } from "../lib/format";
import { choiceOf } from "./dates";
import { seconds } from "./format";

/** What a cell may hold; `undefined` and `null` are empty cells. */
export type CsvValue = string | number | bigint | boolean | undefined | null;

/** Characters a spreadsheet reads as the start of a formula (or that hide one). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at
 * its start) gets a leading `'`; numbers are written as they are. A cell with a comma,
 * quote or line break is quoted, its quotes doubled (RFC 4180).
 */
export function csvCell(value: CsvValue): string {
  if (value === undefined || value === null) return "";
  let text: string;
  if (typeof value === "string") {
    text = FORMULA_START.test(value) ? `'${value}` : value;
  } else {
    text = String(value);
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: a header row, then the rows, every line ended by CRLF (RFC 4180). */
export function buildCsv(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

/** RFC 3339 in UTC ("2025-05-01T09:30:00Z"; milliseconds only when there are some). */
export function rfc3339(ts: Timestamp | undefined): string {
  if (!ts) return "";
  return new Date(toMillis(ts)).toISOString().replace(".000Z", "Z");
}

/** The conversation export's columns: `ConversationFigures`' fields, in order, by name. */
export const CONVERSATION_COLUMNS: readonly string[] = ConversationFiguresSchema.fields.map(
  (f) => f.name,
);

/**
 * One conversation as a row of {@link CONVERSATION_COLUMNS}: times RFC 3339 UTC, durations
 * whole seconds, tags joined by `;`, absent values (no answer, still open, not rated)
 * empty.
 */
export function conversationRow(c: ConversationFigures): CsvValue[] {
  const cells: Record<string, CsvValue> = {
    conversation_id: c.conversationId,
    start_time: rfc3339(c.startTime),
    widget_id: c.widgetId,
    team_id: c.teamId,
    assignee_user_id: c.assigneeUserId,
    status: c.status,
    first_response_time: rfc3339(c.firstResponseTime),
    first_responder: c.firstResponder,
    first_response_seconds: c.firstResponseSeconds,
    resolve_time: rfc3339(c.resolveTime),
    resolution_seconds: c.resolutionSeconds,
    missed: c.missed,
    rating: c.rating > 0 ? c.rating : undefined,
    rating_comment: c.ratingComment,
    tags: c.tags.join(";"),
  };
  return CONVERSATION_COLUMNS.map((column) => cells[column]);
}

export function conversationsCsv(conversations: readonly ConversationFigures[]): string {
  return buildCsv(CONVERSATION_COLUMNS, conversations.map(conversationRow));
}

/** Whole seconds of a summary's figure, empty when it has none. */
function durationCells(summary: DurationSummary | undefined): CsvValue[] {
  if (!summary || summary.count === 0n) return [summary?.count ?? 0, "", "", ""];
  return [summary.count, seconds(summary.median), seconds(summary.p90), seconds(summary.mean)];
}

const FIGURE_COLUMNS = [
  "started",
  "open",
  "resolved",
  "missed",
  "first_responses",
  "first_response_median_seconds",
  "first_response_p90_seconds",
  "first_response_mean_seconds",
  "resolutions",
  "resolution_median_seconds",
  "resolution_p90_seconds",
  "resolution_mean_seconds",
  "ratings",
  "rating_average",
  "rating_response_rate",
  "bot_answered",
  "bot_resolved",
  "bot_handed_off",
] as const;

function figureCells(f: ReportFigures | undefined): CsvValue[] {
  const s = f?.satisfaction;
  return [
    f?.started ?? 0,
    f?.open ?? 0,
    f?.resolved ?? 0,
    f?.missed ?? 0,
    ...durationCells(f?.firstResponse),
    ...durationCells(f?.resolution),
    s?.rated ?? 0,
    s && s.rated > 0n ? Number(s.average.toFixed(2)) : "",
    s ? Number(s.responseRate.toFixed(4)) : 0,
    f?.bot?.answered ?? 0,
    f?.bot?.resolved ?? 0,
    f?.bot?.handedOff ?? 0,
  ];
}

/** The summary: one row per figure, this period and the previous one. */
export function summaryCsv(report: GetReportResponse): string {
  const current = figureCells(report.current);
  const previous = figureCells(report.previous);
  return buildCsv(
    ["figure", "current", "previous"],
    FIGURE_COLUMNS.map((name, i) => [name, current[i], previous[i]]),
  );
}

/** "2025-06-01 00:00" (or just the date): a local time in `timeZone`, sortable as text. */
export function localStamp(ts: Timestamp | undefined, timeZone: string, withTime: boolean): string {
  if (!ts) return "";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(toMillis(ts));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  return withTime ? `${date} ${part("hour")}:${part("minute")}` : date;
}

/** The volume series: each interval's start (UTC and local), started, resolved, missed. */
export function volumeCsv(report: GetReportResponse): string {
  const interval = choiceOf(report.interval);
  const timeZone = report.timeZone || "UTC";
  return buildCsv(
    ["start_time", "local_start", "interval", "started", "resolved", "missed"],
    report.volume.map((p) => [
      rfc3339(p.startTime),
      localStamp(p.startTime, timeZone, interval === "hour"),
      interval,
      p.started,
      p.resolved,
      p.missed,
    ]),
  );
}

/** One row per agent, durations in whole seconds. */
export function agentsCsv(agents: readonly AgentReport[]): string {
  return buildCsv(
    [
      "user_id",
      "display_name",
      "handled",
      "first_responses",
      "first_response_median_seconds",
      "first_response_p90_seconds",
      "first_response_mean_seconds",
      "resolutions",
      "resolution_median_seconds",
      "resolution_p90_seconds",
      "resolution_mean_seconds",
      "ratings",
      "rating_average",
      "online_seconds",
      "busy_seconds",
      "away_seconds",
    ],
    agents.map((a) => [
      a.userId,
      a.displayName,
      a.handled,
      ...durationCells(a.firstResponse),
      ...durationCells(a.resolution),
      a.satisfaction?.rated ?? 0,
      a.satisfaction && a.satisfaction.rated > 0n ? Number(a.satisfaction.average.toFixed(2)) : "",
      seconds(a.online),
      seconds(a.busy),
      seconds(a.away),
    ]),
  );
}

/** One row per widget or team: its id, name and every figure of the summary. */
export function scopesCsv(scopes: readonly ScopeReport[]): string {
  return buildCsv(
    ["id", "name", ...FIGURE_COLUMNS],
    scopes.map((s) => [s.id, s.name, ...figureCells(s.figures)]),
  );
}

/** "porthole-agents-2025-05-01-to-2025-05-31.csv". */
export function csvFileName(what: string, from: string, to: string): string {
  return from === to ? `porthole-${what}-${from}.csv` : `porthole-${what}-${from}-to-${to}.csv`;
}
