//! The report's days: presets across month and year ends and leap days, the 366-day limit,
//! the period compared with, today in the workspace's time zone, and the interval choice.

import { ReportInterval } from "@porthole/client";
import { expect, test } from "vitest";
import {
  addDays,
  autoInterval,
  choiceOf,
  effectiveChoice,
  intervalAllowed,
  PRESETS,
  previousLabel,
  previousRange,
  rangeDays,
  rangeLabel,
  rangeProblem,
  resolvedInterval,
  todayIn,
  usableTimeZone,
} from "./dates";

const presets = (today: string) =>
  Object.fromEntries(PRESETS.map((p) => [p.id, p.range(today)] as const));

test("presets in the middle of a month", () => {
  expect(presets("2025-05-14")).toEqual({
    today: { from: "2025-05-14", to: "2025-05-14" },
    yesterday: { from: "2025-05-13", to: "2025-05-13" },
    last7: { from: "2025-05-08", to: "2025-05-14" },
    last30: { from: "2025-04-15", to: "2025-05-14" },
    thisMonth: { from: "2025-05-01", to: "2025-05-14" },
    lastMonth: { from: "2025-04-01", to: "2025-04-30" },
    last365: { from: "2024-05-15", to: "2025-05-14" },
  });
  for (const [id, days] of [
    ["last7", 7],
    ["last30", 30],
    ["last365", 365],
  ] as const) {
    expect(rangeDays(presets("2025-05-14")[id] ?? { from: "", to: "" })).toBe(days);
  }
});

test("presets on the first of a month: yesterday and last month cross the boundary", () => {
  // 1 March of a leap year: yesterday is 29 February, last month all of February.
  const leap = presets("2024-03-01");
  expect(leap.yesterday).toEqual({ from: "2024-02-29", to: "2024-02-29" });
  expect(leap.thisMonth).toEqual({ from: "2024-03-01", to: "2024-03-01" });
  expect(leap.lastMonth).toEqual({ from: "2024-02-01", to: "2024-02-29" });
  expect(presets("2025-03-01").lastMonth).toEqual({ from: "2025-02-01", to: "2025-02-28" });
  // New Year's Day: last month is December of the year before.
  const newYear = presets("2025-01-01");
  expect(newYear.yesterday).toEqual({ from: "2024-12-31", to: "2024-12-31" });
  expect(newYear.lastMonth).toEqual({ from: "2024-12-01", to: "2024-12-31" });
  expect(newYear.last7).toEqual({ from: "2024-12-26", to: "2025-01-01" });
  // The last day of a 31-day month.
  expect(presets("2025-07-31").lastMonth).toEqual({ from: "2025-06-01", to: "2025-06-30" });
  expect(presets("2025-07-31").thisMonth).toEqual({ from: "2025-07-01", to: "2025-07-31" });
});

test("at most 366 days, both ends counted; the end not before the start", () => {
  expect(rangeProblem({ from: "2024-01-01", to: "2024-12-31" })).toBeUndefined(); // 366, leap year
  expect(rangeProblem({ from: "2025-01-01", to: "2026-01-01" })).toBeUndefined(); // 366
  expect(rangeProblem({ from: "2025-01-01", to: "2026-01-02" })).toBe(
    "A report covers at most 366 days; this range has 367.",
  );
  expect(rangeProblem({ from: "2020-01-01", to: "2025-01-01" })).toBe(
    "A report covers at most 366 days; this range has 1,828.",
  );
  expect(rangeProblem({ from: "2025-05-02", to: "2025-05-01" })).toBe(
    "The last day is before the first.",
  );
  expect(rangeProblem({ from: "", to: "2025-05-01" })).toBe("Enter the first day of the range.");
  expect(rangeProblem({ from: "2025-02-30", to: "2025-03-01" })).toBe(
    "Enter the first day of the range.",
  );
  expect(rangeProblem({ from: "2025-05-01", to: "" })).toBe("Enter the last day of the range.");
});

test("the previous period has the same number of days, just before", () => {
  expect(previousRange({ from: "2025-05-14", to: "2025-05-14" })).toEqual({
    from: "2025-05-13",
    to: "2025-05-13",
  });
  expect(previousRange({ from: "2024-03-01", to: "2024-03-31" })).toEqual({
    from: "2024-01-30",
    to: "2024-02-29",
  });
  expect(previousLabel({ from: "2025-05-14", to: "2025-05-14" })).toBe("previous day");
  expect(previousLabel({ from: "2025-04-15", to: "2025-05-14" })).toBe("previous 30 days");
  expect(previousLabel({ from: "2024-05-15", to: "2025-05-14" })).toBe("previous 365 days");
});

test("ranges in words", () => {
  expect(rangeLabel({ from: "2025-05-14", to: "2025-05-14" })).toBe("14 May 2025");
  expect(rangeLabel({ from: "2025-04-01", to: "2025-04-30" })).toBe("1 – 30 Apr 2025");
  expect(rangeLabel({ from: "2025-04-15", to: "2025-05-14" })).toBe("15 Apr – 14 May 2025");
  expect(rangeLabel({ from: "2024-12-28", to: "2025-01-03" })).toBe("28 Dec 2024 – 3 Jan 2025");
});

test("today is the workspace's day, not the browser's", () => {
  const lateEvening = new Date("2025-06-30T23:30:00Z");
  expect(todayIn("UTC", lateEvening)).toBe("2025-06-30");
  expect(todayIn("Europe/Berlin", lateEvening)).toBe("2025-07-01");
  expect(todayIn("America/New_York", lateEvening)).toBe("2025-06-30");
  expect(todayIn("Pacific/Kiritimati", new Date("2025-12-31T10:30:00Z"))).toBe("2026-01-01");
  // An empty or unknown zone counts in UTC.
  expect(todayIn("", lateEvening)).toBe("2025-06-30");
  expect(usableTimeZone("Mars/Olympus_Mons")).toBe("UTC");
  expect(usableTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
  expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
});

test("the interval: automatic by length, hours only up to 31 days", () => {
  expect(autoInterval(1)).toBe("hour");
  expect(autoInterval(2)).toBe("hour");
  expect(autoInterval(3)).toBe("day");
  expect(autoInterval(92)).toBe("day");
  expect(autoInterval(93)).toBe("week");
  expect(autoInterval(366)).toBe("week");

  expect(intervalAllowed("hour", 31)).toBe(true);
  expect(intervalAllowed("hour", 32)).toBe(false);
  expect(intervalAllowed("week", 1)).toBe(true);
  expect(intervalAllowed("day", 366)).toBe(true);
  // A choice the range no longer allows falls back to automatic, and says what that is.
  expect(effectiveChoice("hour", 30)).toBe("hour");
  expect(effectiveChoice("hour", 90)).toBe("auto");
  expect(resolvedInterval("hour", 90)).toBe("day");
  expect(resolvedInterval("auto", 7)).toBe("day");
  expect(resolvedInterval("week", 7)).toBe("week");

  expect(choiceOf(ReportInterval.HOUR)).toBe("hour");
  expect(choiceOf(ReportInterval.WEEK)).toBe("week");
  expect(choiceOf(ReportInterval.DAY)).toBe("day");
});
