//! The live visitors list follows feed updates and changes; durations read well.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { VisitorChangeSchema, type VisitorProfile, VisitorProfileSchema } from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  applyLiveVisitorChange,
  formatDuration,
  isArrival,
  isReturning,
  mergeLiveVisitor,
  pageLabel,
  sinceFirstSeen,
  timeOnSite,
} from "./live";

function visitor(id: string, init: Partial<Omit<VisitorProfile, "$typeName">> = {}) {
  return create(VisitorProfileSchema, { id, online: true, ...init });
}

describe("mergeLiveVisitor", () => {
  test("a new online visitor goes to the top", () => {
    const list = [visitor("a"), visitor("b")];
    expect(mergeLiveVisitor(list, visitor("c")).map((v) => v.id)).toEqual(["c", "a", "b"]);
  });

  test("an update replaces the old copy and moves it up", () => {
    const list = [visitor("a"), visitor("b", { currentTitle: "Home" })];
    const next = mergeLiveVisitor(list, visitor("b", { currentTitle: "Pricing" }));
    expect(next.map((v) => [v.id, v.currentTitle])).toEqual([
      ["b", "Pricing"],
      ["a", ""],
    ]);
  });

  test("an offline visitor leaves; an unknown offline one changes nothing", () => {
    const list = [visitor("a"), visitor("b")];
    expect(mergeLiveVisitor(list, visitor("a", { online: false })).map((v) => v.id)).toEqual(["b"]);
    expect(mergeLiveVisitor(list, visitor("z", { online: false }))).toBe(list);
  });
});

describe("applyLiveVisitorChange", () => {
  const change = (id: string, init: MessageInitShape<typeof VisitorChangeSchema>) =>
    create(VisitorChangeSchema, { id, ...init });
  const rows = (list: VisitorProfile[]) => list.map((v) => `${v.id}:${v.currentTitle}:${v.name}`);

  test("activity merges the change and moves the visitor to the top", () => {
    const list = [visitor("a"), visitor("b", { currentTitle: "Home", name: "Bo" })];
    const next = applyLiveVisitorChange(list, change("b", { currentTitle: "Pricing" }));
    expect(rows(next)).toEqual(["b:Pricing:Bo", "a::"]);
    const seen = applyLiveVisitorChange(list, change("b", { lastSeenTime: timestampFromMs(5) }));
    expect(seen.map((v) => v.id)).toEqual(["b", "a"]);
    expect(seen[0]?.lastSeenTime).toEqual(timestampFromMs(5));
  });

  test("a profile edit is merged where the visitor is", () => {
    const list = [visitor("a"), visitor("b", { currentTitle: "Home" })];
    expect(rows(applyLiveVisitorChange(list, change("b", { name: "Bo" })))).toEqual([
      "a::",
      "b:Home:Bo",
    ]);
  });

  test("a listed visitor who left goes", () => {
    const list = [visitor("a"), visitor("b")];
    expect(applyLiveVisitorChange(list, change("a", { online: false })).map((v) => v.id)).toEqual([
      "b",
    ]);
  });

  test("a visitor the list lacks changes nothing: a change is no profile to show", () => {
    const list = [visitor("a")];
    expect(applyLiveVisitorChange(list, change("z", { online: true, currentTitle: "X" }))).toBe(
      list,
    );
    expect(applyLiveVisitorChange(list, change("z", { online: false }))).toBe(list);
  });

  test("an arrival is an unlisted visitor coming online", () => {
    const list = [visitor("a")];
    expect(isArrival(list, change("z", { online: true }))).toBe(true);
    expect(isArrival(list, change("a", { online: true }))).toBe(false);
    expect(isArrival(list, change("z", { online: false }))).toBe(false);
    expect(isArrival(list, change("z", { currentTitle: "Pricing" }))).toBe(false);
  });
});

describe("durations", () => {
  test("compact units", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(45_900)).toBe("45s");
    expect(formatDuration(252_000)).toBe("4m 12s");
    expect(formatDuration(7_500_000)).toBe("2h 5m");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3d 4h");
    expect(formatDuration(-5)).toBe("0s");
  });

  test("since first seen, and without a time", () => {
    const v = visitor("a", { firstSeenTime: timestampFromMs(1_000_000) });
    expect(sinceFirstSeen(v, 1_065_000)).toBe("1m 5s");
    expect(sinceFirstSeen(visitor("b"), 1_065_000)).toBe("—");
  });

  test("page label prefers the title", () => {
    expect(
      pageLabel(visitor("a", { currentTitle: "Pricing", currentUrl: "https://x.test/p" })),
    ).toBe("Pricing");
    expect(pageLabel(visitor("a", { currentUrl: "https://x.test/p" }))).toBe("x.test/p");
    expect(pageLabel(visitor("a"))).toBe("Unknown page");
  });
});

describe("time on site", () => {
  test("counts from the start of the current visit, not from first seen", () => {
    const v = visitor("a", {
      firstSeenTime: timestampFromMs(1_000),
      visitStartTime: timestampFromMs(86_400_000),
    });
    expect(timeOnSite(v, 86_400_000 + 252_000)).toBe("4m 12s");
    expect(sinceFirstSeen(v, 86_400_000 + 252_000)).toBe("1d 0h");
    expect(isReturning(v)).toBe(true);
  });

  test("a first visit is not returning; no visit start shows a dash", () => {
    const first = visitor("a", {
      firstSeenTime: timestampFromMs(5_000),
      visitStartTime: timestampFromMs(5_000),
    });
    expect(isReturning(first)).toBe(false);
    expect(timeOnSite(first, 50_000)).toBe("45s");
    expect(timeOnSite(visitor("b"), 50_000)).toBe("—");
    expect(isReturning(visitor("b"))).toBe(false);
  });
});
