//! Report figures in words: durations, waits, the change against the previous period (with
//! 0 on either side, and which way is good), offsets and times in the workspace's zone.

import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DurationSummarySchema } from "@porthole/client";
import { expect, test } from "vitest";
import {
  change,
  changeSentence,
  formatDuration,
  formatRate,
  formatWait,
  hourSpan,
  pointLabel,
  seconds,
  summaryDuration,
  utcOffset,
} from "./format";
import { durationChange } from "./SummaryCards";

test("durations read as people say them, two units at most", () => {
  expect(formatDuration(0)).toBe("0 s");
  expect(formatDuration(45)).toBe("45 s");
  expect(formatDuration(59.6)).toBe("1 min");
  expect(formatDuration(60)).toBe("1 min");
  expect(formatDuration(200)).toBe("3 min 20 s");
  expect(formatDuration(3599)).toBe("59 min 59 s");
  expect(formatDuration(3600)).toBe("1 h");
  expect(formatDuration(2 * 3600 + 5 * 60 + 30)).toBe("2 h 5 min");
  expect(formatDuration(86_400)).toBe("1 d");
  expect(formatDuration(86_400 + 4 * 3600 + 59 * 60)).toBe("1 d 4 h");
  expect(formatDuration(-5)).toBe("0 s");
});

test("a wait reads in one unit up to an hour", () => {
  expect(formatWait(12.9)).toBe("12 s");
  expect(formatWait(12 * 60 + 40)).toBe("12 min");
  expect(formatWait(3600 + 5 * 60)).toBe("1 h 5 min");
});

test("a summary's figures, none while it counts nothing", () => {
  const summary = create(DurationSummarySchema, {
    count: 3n,
    median: durationFromMs(200_000),
    p90: durationFromMs(7_500_000),
    mean: durationFromMs(45_000),
  });
  expect(summaryDuration(summary, "median")).toBe("3 min 20 s");
  expect(summaryDuration(summary, "p90")).toBe("2 h 5 min");
  expect(summaryDuration(summary, "mean")).toBe("45 s");
  expect(summaryDuration(create(DurationSummarySchema, { count: 0n }), "median")).toBe("—");
  expect(summaryDuration(undefined, "mean")).toBe("—");
  expect(seconds(durationFromMs(1500))).toBe(2);
});

test("the change against the previous period, in words", () => {
  expect(change(112, 100, "neither")).toEqual({ text: "+12%", direction: "up", tone: "neutral" });
  expect(change(92, 100, "neither").text).toBe("\u22128%");
  expect(change(5, 5, "higher")).toEqual({ text: "No change", direction: "flat", tone: "neutral" });
  expect(change(0, 0, "lower").text).toBe("No change");
  // Nothing before: no percentage of 0.
  expect(change(3, 0, "higher")).toEqual({ text: "Up from 0", direction: "up", tone: "good" });
  expect(change(3, 0, "lower").tone).toBe("bad");
  // Down to nothing is −100%.
  expect(change(0, 4, "neither").text).toBe("\u2212100%");
  // Rounds to 0: said as such, not "+0%".
  expect(change(1001, 1000, "higher")).toEqual({
    text: "About the same",
    direction: "flat",
    tone: "neutral",
  });
  expect(changeSentence(change(112, 100, "neither"), "previous 30 days")).toBe(
    "+12% vs previous 30 days",
  );
});

test("which way is good: shorter times and fewer missed are; more ratings are", () => {
  expect(change(90, 120, "lower")).toMatchObject({ text: "\u221225%", tone: "good" });
  expect(change(150, 120, "lower")).toMatchObject({ text: "+25%", tone: "bad" });
  expect(change(2, 4, "lower").tone).toBe("good");
  expect(change(4.5, 4.1, "higher", { kind: "points", decimals: 1 })).toEqual({
    text: "+0.4",
    direction: "up",
    tone: "good",
  });
  expect(change(0.5, 0.62, "higher", { kind: "points", unit: "pts", scale: 100 })).toEqual({
    text: "\u221212 pts",
    direction: "down",
    tone: "bad",
  });
  expect(change(4.02, 4.0, "higher", { kind: "points", decimals: 1 }).text).toBe("No change");
});

test("duration figures compare only when both periods have some", () => {
  const of = (count: bigint, s: number) =>
    create(DurationSummarySchema, {
      count,
      median: durationFromMs(s * 1000),
      p90: durationFromMs(s * 2000),
      mean: durationFromMs(s * 1000),
    });
  expect(durationChange(of(4n, 60), of(2n, 120), "median")).toMatchObject({
    text: "\u221250%",
    tone: "good",
  });
  expect(durationChange(of(4n, 60), of(0n, 0), "median")).toMatchObject({ text: "None before" });
  expect(durationChange(of(0n, 0), of(3n, 60), "median")).toBeUndefined();
});

test("rates, offsets, hours and the volume's labels in the workspace's time zone", () => {
  expect(formatRate(0.625)).toBe("63%");
  expect(formatRate(1.2)).toBe("120%");
  expect(utcOffset("UTC")).toBe("UTC");
  expect(utcOffset("Europe/Berlin", new Date("2025-07-01T12:00:00Z"))).toBe("UTC+2");
  expect(utcOffset("Asia/Kolkata", new Date("2025-07-01T12:00:00Z"))).toBe("UTC+5:30");
  expect(utcOffset("America/New_York", new Date("2025-01-01T12:00:00Z"))).toBe("UTC\u22125");
  expect(hourSpan(9)).toBe("09:00–10:00");
  expect(hourSpan(23)).toBe("23:00–00:00");

  // 22:00 UTC is midnight in Berlin in summer.
  const at = timestampFromMs(Date.parse("2025-06-01T22:00:00Z"));
  expect(pointLabel(at, "hour", "Europe/Berlin", false)).toBe("00:00");
  expect(pointLabel(at, "hour", "UTC", false)).toBe("22:00");
  expect(pointLabel(at, "day", "Europe/Berlin", true)).toBe("Mon 2 Jun");
  expect(pointLabel(at, "week", "Europe/Berlin", true)).toBe("Week of 2 Jun 2025");
});
