//! The panel's memory across page loads: what is stored, how the scroll position is measured
//! (from the end, 0 at the end) and put back, that bad or missing data means "closed", and
//! that the visitor closing the panel is kept for the visit.

// @vitest-environment happy-dom

import { afterEach, describe, expect, it } from "vitest";
import {
  distanceFromEnd,
  memoryKey,
  type PanelMemory,
  panelMemory,
  parseMemory,
  scrollTopFor,
} from "./memory.js";

describe("panel memory", () => {
  afterEach(() => sessionStorage.clear());

  it("reads anything unreadable as closed at the end", () => {
    const closed: PanelMemory = { open: false, fromEnd: 0, closed: false };
    for (const raw of [null, undefined, "", "{", "[]", "42", '{"open":"yes","fromEnd":"x"}'])
      expect(parseMemory(raw)).toEqual(closed);
    expect(parseMemory('{"open":true,"fromEnd":-5}')).toEqual({
      open: true,
      fromEnd: 0,
      closed: false,
    });
    expect(parseMemory('{"open":true,"fromEnd":120.4}')).toEqual({
      open: true,
      fromEnd: 120,
      closed: false,
    });
  });

  it("measures the scroll position from the end, with a little slack at the end", () => {
    const list = { scrollHeight: 2000, clientHeight: 500 };
    expect(distanceFromEnd({ ...list, scrollTop: 1500 })).toBe(0);
    expect(distanceFromEnd({ ...list, scrollTop: 1490 })).toBe(0);
    expect(distanceFromEnd({ ...list, scrollTop: 1200 })).toBe(300);
    expect(distanceFromEnd({ ...list, scrollTop: 0 })).toBe(1500);
    // A list that does not scroll is at its end.
    expect(distanceFromEnd({ scrollHeight: 300, clientHeight: 500, scrollTop: 0 })).toBe(0);
  });

  it("puts the list back as far up from its end as it was, at most at its top", () => {
    expect(scrollTopFor({ scrollHeight: 2000, clientHeight: 500 }, 300)).toBe(1200);
    expect(scrollTopFor({ scrollHeight: 2000, clientHeight: 500 }, 0)).toBe(1500);
    // Fewer messages loaded than when it was left: the top, never a negative offset.
    expect(scrollTopFor({ scrollHeight: 700, clientHeight: 500 }, 300)).toBe(0);
    // Round trip.
    const list = { scrollHeight: 3000, clientHeight: 640 };
    const fromEnd = distanceFromEnd({ ...list, scrollTop: 1111 });
    expect(scrollTopFor(list, fromEnd)).toBe(1111);
  });

  it("keeps each widget's state in this tab's session storage, until forgotten", () => {
    const one = panelMemory("tok_one");
    const two = panelMemory("tok_two");
    expect(one.read()).toEqual({ open: false, fromEnd: 0, closed: false });
    one.write({ open: true });
    one.write({ fromEnd: 240 });
    expect(one.read()).toEqual({ open: true, fromEnd: 240, closed: false });
    expect(JSON.parse(sessionStorage.getItem(memoryKey("tok_one")) ?? "")).toEqual({
      open: true,
      fromEnd: 240,
      closed: false,
    });
    // Closed by the visitor: kept for the rest of the visit, also once opened again.
    one.write({ open: false, closed: true });
    one.write({ open: true });
    expect(one.read()).toEqual({ open: true, fromEnd: 240, closed: true });
    expect(parseMemory('{"closed":"yes"}').closed).toBe(false);
    expect(two.read()).toEqual({ open: false, fromEnd: 0, closed: false });
    expect(localStorage.getItem(memoryKey("tok_one"))).toBeNull();
    one.forget();
    expect(one.read()).toEqual({ open: false, fromEnd: 0, closed: false });
  });
});
