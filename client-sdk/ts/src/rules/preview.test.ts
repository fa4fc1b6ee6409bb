//! The preview text against the vectors the server's Rust tests read too, so the dashboard's
//! live previews and the stored `last_message_preview` never disagree.

import { describe, expect, test } from "vitest";
import { previewText } from "./preview.js";
import vectors from "./preview-vectors.json" with { type: "json" };

describe("previewText", () => {
  test("as the server computes it", () => {
    expect(previewText("\n  hello there \nsecond", 0)).toBe("hello there");
    expect(previewText("", 2)).toBe("📎 2 attachments");
    expect(previewText("", 1)).toBe("📎 Attachment");
    expect(Array.from(previewText("x".repeat(200), 0))).toHaveLength(141);
  });

  test.each(vectors.map((v, i) => ({ ...v, i })))(
    "vector $i: $attachments attachment(s)",
    ({ body, attachments, preview }) => {
      expect(previewText(body, attachments)).toBe(preview);
    },
  );

  test("the vectors cover the edges", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(15);
    const lengths = vectors.map((v) => Array.from(v.body).length);
    for (const edge of [140, 141]) expect(lengths).toContain(edge);
  });
});
