//! The composer's canned-response rules: which `/query` opens suggestions, how they are
//! ranked, placeholders, and what inserting does to the text.

import { describe, expect, it } from "vitest";
import {
  type CannedLike,
  fillPlaceholders,
  filterCanned,
  findSlashQuery,
  insertCanned,
} from "./canned";

const canned = (shortcut: string, title = "", body = `${shortcut} body`): CannedLike => ({
  id: `cnd_${shortcut}`,
  shortcut,
  title,
  body,
});

describe("findSlashQuery", () => {
  it("finds a slash at the start of the text or of a word", () => {
    expect(findSlashQuery("/", 1)).toEqual({ start: 0, end: 1, query: "" });
    expect(findSlashQuery("/hel", 4)).toEqual({ start: 0, end: 4, query: "hel" });
    expect(findSlashQuery("Sure! /Ref", 10)).toEqual({ start: 6, end: 10, query: "ref" });
    expect(findSlashQuery("line\n/a-b_1", 11)).toEqual({ start: 5, end: 11, query: "a-b_1" });
  });

  it("looks at the word the caret is in, not the end of the text", () => {
    const text = "/hel and more";
    expect(findSlashQuery(text, 4)).toEqual({ start: 0, end: 4, query: "hel" });
    expect(findSlashQuery(text, text.length)).toBeNull();
  });

  it("ignores slashes inside words, URLs, after spaces and over-long queries", () => {
    expect(findSlashQuery("and/or", 6)).toBeNull();
    expect(findSlashQuery("see https://x", 13)).toBeNull();
    expect(findSlashQuery("/hi there", 9)).toBeNull();
    expect(findSlashQuery("no slash", 8)).toBeNull();
    expect(findSlashQuery(`/${"x".repeat(33)}`, 34)).toBeNull();
    expect(findSlashQuery("", 0)).toBeNull();
  });
});

describe("filterCanned", () => {
  const list = [
    canned("thanks", "Thank you"),
    canned("refund", "Refund policy"),
    canned("hello", "Greeting"),
    canned("shipping-refund", "Returns"),
    canned("hours", "Opening hours"),
  ];
  const shortcuts = (q: string) => filterCanned(list, q).map((c) => c.shortcut);

  it("lists everything, by shortcut, for an empty query", () => {
    expect(shortcuts("")).toEqual(["hello", "hours", "refund", "shipping-refund", "thanks"]);
  });

  it("ranks prefix, then substring, then title matches", () => {
    expect(shortcuts("ref")).toEqual(["refund", "shipping-refund"]);
    expect(shortcuts("h")).toEqual(["hello", "hours", "shipping-refund", "thanks"]);
    expect(shortcuts("greet")).toEqual(["hello"]);
    expect(shortcuts("opening")).toEqual(["hours"]);
    expect(shortcuts("Policy")).toEqual(["refund"]);
    expect(shortcuts("zzz")).toEqual([]);
  });

  it("limits the list", () => {
    const many = Array.from({ length: 20 }, (_, i) => canned(`s${String(i).padStart(2, "0")}`));
    expect(filterCanned(many, "s", 8)).toHaveLength(8);
    expect(filterCanned(many, "s", 8)[0]?.shortcut).toBe("s00");
  });
});

describe("fillPlaceholders", () => {
  const values = { visitorName: "Grace", visitorEmail: "grace@example.com", agentName: "Ann" };

  it("fills every known placeholder, each time it occurs", () => {
    expect(
      fillPlaceholders(
        "Hi {{visitor.name}}! I'm {{agent.name}}. We'll write to {{ visitor.email }}, {{visitor.name}}.",
        values,
      ),
    ).toBe("Hi Grace! I'm Ann. We'll write to grace@example.com, Grace.");
  });

  it("says “there” for a visitor without a name and leaves unknown placeholders", () => {
    const anonymous = { visitorName: "  ", visitorEmail: "", agentName: "Ann" };
    expect(fillPlaceholders("Hi {{visitor.name}},", anonymous)).toBe("Hi there,");
    expect(fillPlaceholders("<{{visitor.email}}>", anonymous)).toBe("<>");
    expect(fillPlaceholders("{{visitor.phone}} {{agent}}", anonymous)).toBe(
      "{{visitor.phone}} {{agent}}",
    );
  });
});

describe("insertCanned", () => {
  it("replaces the /query with the body and puts the caret after it", () => {
    const text = "Sure! /ref and more";
    const slash = findSlashQuery(text, 10);
    expect(slash).not.toBeNull();
    if (!slash) return;
    const result = insertCanned(text, slash, "Refunds take 5 days.");
    expect(result.text).toBe("Sure! Refunds take 5 days. and more");
    expect(result.caret).toBe("Sure! Refunds take 5 days.".length);
  });

  it("works on a lone slash", () => {
    expect(insertCanned("/", { start: 0, end: 1, query: "" }, "Hello")).toEqual({
      text: "Hello",
      caret: 5,
    });
  });
});
