//! Search marks: the runs a row draws, matches marked, whatever the case, nothing lost.

import { expect, test } from "vitest";
import { hasMatch, highlightParts } from "./highlight";

const joined = (text: string, query: string) =>
  highlightParts(text, query)
    .map((p) => p.text)
    .join("");

test("every match is marked, ignoring case, and the runs put together are the text", () => {
  expect(highlightParts("Do you ship to Norway? norway!", "NORWAY")).toEqual([
    { text: "Do you ship to ", match: false },
    { text: "Norway", match: true },
    { text: "? ", match: false },
    { text: "norway", match: true },
    { text: "!", match: false },
  ]);
  expect(joined("Do you ship to Norway? norway!", "NORWAY")).toBe("Do you ship to Norway? norway!");
});

test("the query is trimmed and taken literally, as the server's search does", () => {
  expect(highlightParts("order #1042 (late)", "  (late) ")).toEqual([
    { text: "order #1042 ", match: false },
    { text: "(late)", match: true },
  ]);
  expect(hasMatch("a.b", ".")).toBe(true);
  expect(hasMatch("ab", ".")).toBe(false);
  expect(hasMatch("price $5", "$5")).toBe(true);
});

test("no query, no text or no match: one unmarked run", () => {
  expect(highlightParts("Hello", "")).toEqual([{ text: "Hello", match: false }]);
  expect(highlightParts("Hello", "   ")).toEqual([{ text: "Hello", match: false }]);
  expect(highlightParts("", "x")).toEqual([{ text: "", match: false }]);
  expect(highlightParts("Hello", "bye")).toEqual([{ text: "Hello", match: false }]);
});

test("whole matches at the edges and beyond ASCII", () => {
  expect(highlightParts("Ödön ödön", "ÖDÖN")).toEqual([
    { text: "Ödön", match: true },
    { text: " ", match: false },
    { text: "ödön", match: true },
  ]);
  expect(joined("Straße", "SSE")).toBe("Straße");
});
