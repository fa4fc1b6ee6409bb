//! Articles' Markdown: parsed into blocks and inline runs, drawn without HTML (unsafe links
//! stay text), and turned into the plain text a reply gets.

import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { Markdown } from "./Markdown";
import { markdownToText, parseInline, parseMarkdown } from "./markdown";

afterEach(cleanup);

describe("inline", () => {
  test("emphasis, code, links and escapes", () => {
    expect(parseInline("a **b** *c* `d*e*` ~~f~~ [g](https://g.test) \\*h\\*")).toEqual([
      { type: "text", text: "a " },
      { type: "strong", children: [{ type: "text", text: "b" }] },
      { type: "text", text: " " },
      { type: "em", children: [{ type: "text", text: "c" }] },
      { type: "text", text: " " },
      { type: "code", text: "d*e*" },
      { type: "text", text: " " },
      { type: "del", children: [{ type: "text", text: "f" }] },
      { type: "text", text: " " },
      { type: "link", href: "https://g.test", children: [{ type: "text", text: "g" }] },
      { type: "text", text: " *h*" },
    ]);
  });

  test("underscores inside words are not emphasis", () => {
    expect(parseInline("use order_id and _this_")).toEqual([
      { type: "text", text: "use order_id and " },
      { type: "em", children: [{ type: "text", text: "this" }] },
    ]);
  });

  test("only web and mail addresses become links", () => {
    expect(parseInline("[x](javascript:alert(1))")).toEqual([{ type: "text", text: "x)" }]);
    expect(parseInline("<mailto:help@shop.test>")).toEqual([
      {
        type: "link",
        href: "mailto:help@shop.test",
        children: [{ type: "text", text: "mailto:help@shop.test" }],
      },
    ]);
  });
});

test("blocks: headings, paragraphs, lists, quotes, code, rules", () => {
  const blocks = parseMarkdown(
    [
      "# Refunds",
      "First line",
      "second line",
      "",
      "- one",
      "  continued",
      "* two",
      "",
      "3. three",
      "4. four",
      "> quoted",
      "```",
      "# not a heading",
      "```",
      "---",
    ].join("\n"),
  );
  expect(blocks.map((b) => b.type)).toEqual([
    "heading",
    "paragraph",
    "list",
    "list",
    "quote",
    "code",
    "rule",
  ]);
  expect(blocks[1]).toMatchObject({ lines: [[{ text: "First line" }], [{ text: "second line" }]] });
  expect(blocks[2]).toMatchObject({
    ordered: false,
    items: [[{ text: "one continued" }], [{ text: "two" }]],
  });
  expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
  expect(blocks[5]).toEqual({ type: "code", text: "# not a heading" });
});

test("as a reply's plain text", () => {
  expect(
    markdownToText(
      [
        "## How refunds work",
        "",
        "Refunds reach your card within **5 working days**.",
        "Keep the *receipt*.",
        "",
        "1. Open [your orders](https://shop.test/orders)",
        "2. Choose `Return`",
        "",
        "- Questions? <https://shop.test/help>",
        "",
        "***",
        "> Write to [help@shop.test](mailto:help@shop.test)",
      ].join("\n"),
    ),
  ).toBe(
    [
      "How refunds work",
      "",
      "Refunds reach your card within 5 working days.",
      "Keep the receipt.",
      "",
      "1. Open your orders (https://shop.test/orders)",
      "2. Choose Return",
      "",
      "- Questions? https://shop.test/help",
      "",
      "Write to help@shop.test",
    ].join("\n"),
  );
  expect(markdownToText("Plain text stays\nas it is.")).toBe("Plain text stays\nas it is.");
});

test("drawn as elements: headings, links to new tabs, no HTML from the text", () => {
  render(
    <Markdown text={"# Title\n\nSee [the policy](https://shop.test/p) <b>now</b>\n\n- a\n- b"} />,
  );
  expect(screen.getByRole("heading", { name: "Title" })).toBeTruthy();
  const link = screen.getByRole("link", { name: "the policy" });
  expect(link.getAttribute("href")).toBe("https://shop.test/p");
  expect(link.getAttribute("target")).toBe("_blank");
  expect(link.getAttribute("rel")).toContain("noopener");
  expect(screen.getByText(/<b>now<\/b>/)).toBeTruthy();
  expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["a", "b"]);
});
