//! Report figures in words: durations ("3 min 20 s"), counts, rates, the change against the
//! previous period ("+12% vs previous 30 days", and whether that is good), and times in the
//! workspace's time zone. No React.

import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import type { DurationSummary } from "@porthole/client";
import { toMillis } from "../lib/format";

/** Whole seconds of a proto Duration (0 when unset). */
export function seconds(d: Duration | undefined): number {
  if (!d) return 0;
  return Math.round(Number(d.seconds) + d.nanos / 1e9);
}

/**
 * A duration as people say it, to two units at most: "45 s", "3 min 20 s", "3 min",
 * "2 h 5 min", "1 d 4 h".
 */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (s < 3600) return pair(Math.floor(s / 60), "min", s % 60, "s");
  if (s < 86_400) return pair(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "min");
  return pair(Math.floor(s / 86_400), "d", Math.floor((s % 86_400) / 3600), "h");
}

/** How long someone has been waiting, in one unit: "45 s", "12 min", "2 h 5 min", "1 d 4 h". */
export function formatWait(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return formatDuration(s);
}

/** A summary's figure in words, "—" while there are none. */
export function summaryDuration(
  summary: DurationSummary | undefined,
  which: "median" | "p90" | "mean",
): string {
  if (!summary || summary.count === 0n) return "—";
  return formatDuration(seconds(summary[which]));
}

const integer = new Intl.NumberFormat("en");

export function formatCount(n: bigint | number): string {
  return integer.format(Number(n));
}

/** "62%" for 0.62; rates may pass 100% (ratings of conversations resolved earlier). */
export function formatRate(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** "4.3" (one decimal), "—" when nobody rated. */
export function formatRating(average: number, rated: bigint | number): string {
  return Number(rated) > 0 ? average.toFixed(1) : "—";
}

/** Whether a rise of a figure is good news, bad news, or neither. */
export type Better = "higher" | "lower" | "neither";

export interface Change {
  /** The words after the figure: "+12%", "−8%", "No change", "Up from 0", "+0.4". */
  text: string;
  direction: "up" | "down" | "flat";
  tone: "good" | "bad" | "neutral";
}

/** How a figure is compared: relative (counts, durations) or in points (ratings, rates). */
export type ChangeKind =
  | { kind: "percent" }
  /** An absolute difference: `unit` after it ("pts"), `scale` applied first (100 for rates). */
  | { kind: "points"; unit?: string; scale?: number; decimals?: number };

const MINUS = "\u2212";

function signed(n: number, decimals: number): string {
  const abs = Math.abs(n).toFixed(decimals);
  return n > 0 ? `+${abs}` : n < 0 ? `${MINUS}${abs}` : abs;
}

/**
 * The change from `previous` to `current`. A figure that was 0 before has no percentage,
 * so it "Up from 0"; one that rounds to no change says so. `better` says which way is good:
 * a shorter response time is good, more missed conversations are bad.
 */
export function change(
  current: number,
  previous: number,
  better: Better,
  how: ChangeKind = { kind: "percent" },
): Change {
  const direction = current > previous ? "up" : current < previous ? "down" : "flat";
  const tone = (dir: "up" | "down" | "flat"): Change["tone"] =>
    dir === "flat" || better === "neither"
      ? "neutral"
      : (dir === "up") === (better === "higher")
        ? "good"
        : "bad";
  if (how.kind === "points") {
    const scale = how.scale ?? 1;
    const decimals = how.decimals ?? 0;
    const diff = Number(((current - previous) * scale).toFixed(decimals));
    if (diff === 0) return { text: "No change", direction: "flat", tone: "neutral" };
    const unit = how.unit ? ` ${how.unit}` : "";
    return { text: `${signed(diff, decimals)}${unit}`, direction, tone: tone(direction) };
  }
  if (current === previous) return { text: "No change", direction: "flat", tone: "neutral" };
  if (previous === 0) return { text: "Up from 0", direction: "up", tone: tone("up") };
  const percent = Math.round(((current - previous) / previous) * 100);
  if (percent === 0) return { text: "About the same", direction: "flat", tone: "neutral" };
  return { text: `${signed(percent, 0)}%`, direction, tone: tone(direction) };
}

/** "+12% vs previous 30 days", "No change vs previous day", "Up from 0 vs previous 7 days". */
export function changeSentence(c: Change, against: string): string {
  return `${c.text} vs ${against}`;
}

/** Formats instants in one time zone. */
export function zonedFormat(timeZone: string, options: Intl.DateTimeFormatOptions) {
  const format = new Intl.DateTimeFormat("en-GB", { timeZone, ...options });
  return (ts: Timestamp | undefined | number) => {
    const at = typeof ts === "number" ? ts : toMillis(ts);
    return at ? format.format(at) : "";
  };
}

/** "UTC+2", "UTC−3:30", "UTC" for a time zone at `at`. */
export function utcOffset(timeZone: string, at: Date = new Date()): string {
  try {
    const name =
      new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" })
        .formatToParts(at)
        .find((p) => p.type === "timeZoneName")?.value ?? "";
    // "GMT+2", "GMT-3:30", "GMT" (some engines: "GMT+0").
    if (/^GMT([+-]0(:00)?)?$/.test(name)) return "UTC";
    return name.replace(/^GMT/, "UTC").replace("-", MINUS);
  } catch {
    return "";
  }
}

/**
 * The label of one point of the volume series, in the workspace's time zone: "14:00" (with
 * the day when the range has several), "Mon 3 Jun", "Week of 3 Jun".
 */
export function pointLabel(
  start: Timestamp | undefined,
  interval: "hour" | "day" | "week",
  timeZone: string,
  severalDays: boolean,
): string {
  switch (interval) {
    case "hour":
      return zonedFormat(
        timeZone,
        severalDays
          ? { weekday: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
          : { hour: "2-digit", minute: "2-digit" },
      )(start);
    case "day":
      return zonedFormat(timeZone, { weekday: "short", day: "numeric", month: "short" })(start);
    case "week":
      return `Week of ${zonedFormat(timeZone, { day: "numeric", month: "short", year: "numeric" })(start)}`;
  }
}

/** ISO weekdays 1 (Monday) to 7, as the busiest-hours grid has them. */
export const WEEKDAYS = [
  { short: "Mon", long: "Monday" },
  { short: "Tue", long: "Tuesday" },
  { short: "Wed", long: "Wednesday" },
  { short: "Thu", long: "Thursday" },
  { short: "Fri", long: "Friday" },
  { short: "Sat", long: "Saturday" },
  { short: "Sun", long: "Sunday" },
] as const;

/** "09:00–10:00". */
export function hourSpan(hour: number): string {
  const pad = (h: number) => String(h % 24).padStart(2, "0");
  return `${pad(hour)}:00–${pad(hour + 1)}:00`;
}
