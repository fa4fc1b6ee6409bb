//! The knowledge base's rules: tags as typed, the server's errors on the form, an edit as
//! only what changed, which queries are searched, and splicing into a reply.

import { create } from "@bufbuild/protobuf";
import { BadRequestSchema, Code, ConnectError } from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  articleChanges,
  articleFormErrors,
  createRequest,
  draftOf,
  insertSnippet,
  isSearchable,
  parseTags,
  tagsText,
} from "./knowledge";

function invalid(...violations: [string, string][]) {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, {
        fieldViolations: violations.map(([field, description]) => ({ field, description })),
      }),
    },
  ]);
}

test("tags are typed comma-separated, lowercased, without empties or repeats", () => {
  expect(parseTags(" Billing, refunds,,billing , Gift Cards ,")).toEqual([
    "billing",
    "refunds",
    "gift cards",
  ]);
  expect(parseTags("")).toEqual([]);
  expect(tagsText(["billing", "gift cards"])).toBe("billing, gift cards");
});

describe("the server's field errors", () => {
  test("land on their fields; a tag's error names the tag, from Create and Update alike", () => {
    const tags = ["billing", "re/funds", "ok"];
    expect(
      articleFormErrors(
        invalid(
          ["title", "must not be empty"],
          ["tags[1]", 'may only contain letters, digits, "-", "_" and spaces'],
          ["url", "must be an absolute http:// or https:// address"],
        ),
        tags,
      ),
    ).toEqual({
      fields: {
        title: "must not be empty",
        tags: '“re/funds” may only contain letters, digits, "-", "_" and spaces',
        url: "must be an absolute http:// or https:// address",
      },
    });
    expect(articleFormErrors(invalid(["tags.tags[1]", "bad"]), tags).fields.tags).toBe(
      "“re/funds” bad",
    );
    expect(articleFormErrors(invalid(["tags.tags", "at most 20 tags"]), tags).fields.tags).toBe(
      "at most 20 tags",
    );
    // Several on one field are all said.
    expect(
      articleFormErrors(invalid(["tags[0]", "bad"], ["tags[2]", "worse"]), tags).fields.tags,
    ).toBe("“billing” bad; “ok” worse");
  });

  test("anything else is a sentence for the form", () => {
    const full = new ConnectError("5,000 articles already", Code.FailedPrecondition);
    expect(articleFormErrors(full, [])).toEqual({ fields: {}, form: "5,000 articles already" });
    expect(articleFormErrors(invalid(["request", "too large"]), []).form).toBe("invalid request");
  });
});

describe("an edit sends only what changed", () => {
  const article = {
    title: "Refunds",
    body: "We refund within 5 days.",
    tags: ["billing"],
    published: false,
    url: "",
  };

  test("nothing changed, nothing sent", () => {
    expect(articleChanges(article, draftOf(article))).toEqual({});
    // Spaces the server trims are no change either.
    expect(articleChanges(article, { ...draftOf(article), title: " Refunds ", url: " " })).toEqual(
      {},
    );
  });

  test("each changed field, tags wrapped as UpdateArticle takes them", () => {
    expect(
      articleChanges(article, {
        title: "Refund policy",
        body: article.body,
        tags: "Billing, returns",
        published: true,
        url: " https://example.com/refunds ",
      }),
    ).toEqual({
      title: "Refund policy",
      tags: { tags: ["billing", "returns"] },
      published: true,
      url: "https://example.com/refunds",
    });
    // Removing every tag is a change, sent as an empty list.
    expect(articleChanges(article, { ...draftOf(article), tags: "" })).toEqual({
      tags: { tags: [] },
    });
  });

  test("a new article sends every field", () => {
    expect(
      createRequest({ title: "T", body: "B", tags: "a, A, b", published: true, url: " " }),
    ).toEqual({ title: "T", body: "B", tags: ["a", "b"], published: true, url: "" });
  });
});

test("only queries with a word, of at most 500 characters, are searched", () => {
  expect(isSearchable("refunds")).toBe(true);
  expect(isSearchable("  7 ")).toBe(true);
  expect(isSearchable("Rückgabe")).toBe(true);
  expect(isSearchable("")).toBe(false);
  expect(isSearchable(" ?! ")).toBe(false);
  expect(isSearchable("a".repeat(501))).toBe(false);
});

describe("inserting into a reply", () => {
  test("a link is set apart from the words around it by spaces", () => {
    expect(insertSnippet("", 0, 0, "https://x.test/a", "inline")).toEqual({
      text: "https://x.test/a",
      caret: 16,
    });
    const text = "See here:and more";
    expect(insertSnippet(text, 9, 9, "https://x.test", "inline")).toEqual({
      text: "See here: https://x.test and more",
      caret: 24,
    });
    // Replacing a selection, spaces already there.
    expect(insertSnippet("Read THIS please", 5, 9, "https://x.test", "inline").text).toBe(
      "Read https://x.test please",
    );
  });

  test("a passage is its own paragraph", () => {
    expect(insertSnippet("", 0, 0, "Refunds take 5 days.", "block")).toEqual({
      text: "Refunds take 5 days.",
      caret: 20,
    });
    expect(insertSnippet("Sure! ", 6, 6, "Refunds take 5 days.", "block")).toEqual({
      text: "Sure!\n\nRefunds take 5 days.",
      caret: 27,
    });
    expect(insertSnippet("Hi,\nThanks", 4, 4, "Body.", "block")).toEqual({
      text: "Hi,\n\nBody.\n\nThanks",
      caret: 10,
    });
    expect(insertSnippet("Hi\n\n  ", 6, 6, "Body.", "block").text).toBe("Hi\n\nBody.");
  });
});
