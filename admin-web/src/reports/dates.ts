//! The report's days: plain calendar dates (`YYYY-MM-DD`) in the workspace's time zone, the
//! range presets, the limit of 366 days, the period compared with, and which volume
//! intervals a range allows (`report.proto`). No React, no clock of its own: "today" is
//! always passed in or read for a time zone.

import { ReportInterval } from "@porthole/client";

/** A calendar date, `YYYY-MM-DD`. */
export type PlainDate = string;

/** A range of whole days, both ends included. */
export interface DateRange {
  from: PlainDate;
  to: PlainDate;
}

/** The longest range GetReport and ExportConversations accept, counted inclusively. */
export const MAX_RANGE_DAYS = 366;
/** The longest range whose volume may be split into hours. */
export const MAX_HOURLY_DAYS = 31;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a plain date (for arithmetic only), or NaN when it is not a real date. */
function dayNumber(date: PlainDate): number {
  const m = DATE.exec(date);
  if (!m) return Number.NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = Date.UTC(year, month - 1, day);
  const back = new Date(at);
  // 2024-02-30 rolls over to March: not a date.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return Number.NaN;
  return at / DAY_MS;
}

function fromDayNumber(n: number): PlainDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function isPlainDate(value: string): boolean {
  return Number.isFinite(dayNumber(value));
}

/** `date` moved by `days` (negative: back). */
export function addDays(date: PlainDate, days: number): PlainDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Days in the range, both ends counted (1 for a single day); NaN for bad dates. */
export function rangeDays({ from, to }: DateRange): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/** The time zone as given, or UTC when it is empty or unknown to this browser. */
export function usableTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** The date it is at `now` in `timeZone`. */
export function todayIn(timeZone: string, now: Date = new Date()): PlainDate {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: usableTimeZone(timeZone),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export type PresetId =
  | "today"
  | "yesterday"
  | "last7"
  | "last30"
  | "thisMonth"
  | "lastMonth"
  | "last365";

export interface Preset {
  id: PresetId;
  label: string;
  range: (today: PlainDate) => DateRange;
}

function firstOfMonth(date: PlainDate): PlainDate {
  return `${date.slice(0, 8)}01`;
}

/** The presets in the order the picker offers them. */
export const PRESETS: readonly Preset[] = [
  { id: "today", label: "Today", range: (t) => ({ from: t, to: t }) },
  {
    id: "yesterday",
    label: "Yesterday",
    range: (t) => ({ from: addDays(t, -1), to: addDays(t, -1) }),
  },
  { id: "last7", label: "Last 7 days", range: (t) => ({ from: addDays(t, -6), to: t }) },
  { id: "last30", label: "Last 30 days", range: (t) => ({ from: addDays(t, -29), to: t }) },
  { id: "thisMonth", label: "This month", range: (t) => ({ from: firstOfMonth(t), to: t }) },
  {
    id: "lastMonth",
    label: "Last month",
    range: (t) => {
      const lastDay = addDays(firstOfMonth(t), -1);
      return { from: firstOfMonth(lastDay), to: lastDay };
    },
  },
  { id: "last365", label: "Last 365 days", range: (t) => ({ from: addDays(t, -364), to: t }) },
];

export function presetById(id: string | null | undefined): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** What is wrong with a range, in words, or undefined when GetReport would accept it. */
export function rangeProblem(range: DateRange): string | undefined {
  if (!isPlainDate(range.from)) return "Enter the first day of the range.";
  if (!isPlainDate(range.to)) return "Enter the last day of the range.";
  const days = rangeDays(range);
  if (days < 1) return "The last day is before the first.";
  if (days > MAX_RANGE_DAYS) {
    return `A report covers at most ${MAX_RANGE_DAYS} days; this range has ${days.toLocaleString("en")}.`;
  }
  return undefined;
}

/** The days of the same count just before the range: what GetReport's `previous` covers. */
export function previousRange(range: DateRange): DateRange {
  const days = rangeDays(range);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** "previous day", "previous 30 days": what a change is measured against. */
export function previousLabel(range: DateRange): string {
  const days = rangeDays(range);
  return days === 1 ? "previous day" : `previous ${days.toLocaleString("en")} days`;
}

/** "12 May 2025", "1 – 30 Apr 2025", "28 Dec 2024 – 3 Jan 2025". */
export function rangeLabel(range: DateRange): string {
  const day = (d: PlainDate, opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", ...opts }).format(
      new Date(dayNumber(d) * DAY_MS),
    );
  const full: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
  if (range.from === range.to) return day(range.from, full);
  const sameYear = range.from.slice(0, 4) === range.to.slice(0, 4);
  const sameMonth = sameYear && range.from.slice(0, 7) === range.to.slice(0, 7);
  const start = sameMonth
    ? day(range.from, { day: "numeric" })
    : day(range.from, sameYear ? { day: "numeric", month: "short" } : full);
  return `${start} – ${day(range.to, full)}`;
}

/** The interval choices of the picker: automatic, or one the caller names. */
export type IntervalChoice = "auto" | "hour" | "day" | "week";

export const INTERVAL_CHOICES: readonly IntervalChoice[] = ["auto", "hour", "day", "week"];

export const intervalOf: Record<IntervalChoice, ReportInterval> = {
  auto: ReportInterval.UNSPECIFIED,
  hour: ReportInterval.HOUR,
  day: ReportInterval.DAY,
  week: ReportInterval.WEEK,
};

/** What the server chooses for `auto`: hours up to 2 days, days up to 92, weeks beyond. */
export function autoInterval(days: number): Exclude<IntervalChoice, "auto"> {
  if (days <= 2) return "hour";
  if (days <= 92) return "day";
  return "week";
}

/** Whether `choice` may be asked for this many days (hours only up to 31 days). */
export function intervalAllowed(choice: IntervalChoice, days: number): boolean {
  return choice !== "hour" || days <= MAX_HOURLY_DAYS;
}

/** The interval to ask for: the choice, or automatic when the range no longer allows it. */
export function effectiveChoice(choice: IntervalChoice, days: number): IntervalChoice {
  return intervalAllowed(choice, days) ? choice : "auto";
}

/** The interval a request will get, in the picker's words ("auto" resolved). */
export function resolvedInterval(
  choice: IntervalChoice,
  days: number,
): Exclude<IntervalChoice, "auto"> {
  const effective = effectiveChoice(choice, days);
  return effective === "auto" ? autoInterval(days) : effective;
}

export const intervalWords: Record<
  Exclude<IntervalChoice, "auto">,
  { label: string; per: string }
> = {
  hour: { label: "Hours", per: "hour" },
  day: { label: "Days", per: "day" },
  week: { label: "Weeks", per: "week" },
};

/** The server's answer as a choice (UNSPECIFIED never comes back, but reads as days). */
export function choiceOf(interval: ReportInterval): Exclude<IntervalChoice, "auto"> {
  if (interval === ReportInterval.HOUR) return "hour";
  if (interval === ReportInterval.WEEK) return "week";
  return "day";
}
