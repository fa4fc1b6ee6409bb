//! The limits checked before sending: file size and type.

import { describe, expect, it } from "vitest";
import { attachmentProblem, maxAttachmentBytes } from "./limits.js";

describe("attachmentProblem", () => {
  it("refuses files over 10 MiB and types the server refuses", () => {
    expect(attachmentProblem({ name: "a.png", size: 1000, type: "image/png" })).toBeUndefined();
    expect(attachmentProblem({ name: "notes.txt", size: 10, type: "" })).toBeUndefined();
    expect(attachmentProblem({ name: "big.png", size: 11 * 1024 * 1024, type: "image/png" })).toBe(
      "tooBig",
    );
    expect(attachmentProblem({ name: "run.exe", size: 10, type: "application/x-msdownload" })).toBe(
      "badType",
    );
  });

  it("accepts exactly 10 MiB, as the server does", () => {
    expect(maxAttachmentBytes).toBe(10_485_760);
    const file = { name: "a.pdf", type: "application/pdf" };
    expect(attachmentProblem({ ...file, size: maxAttachmentBytes })).toBeUndefined();
    expect(attachmentProblem({ ...file, size: maxAttachmentBytes + 1 })).toBe("tooBig");
  });
});
