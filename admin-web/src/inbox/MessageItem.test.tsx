//! Messages as drawn: a system message is a small centred line with its time, read out as a
//! sentence, neither a bubble nor a note, whether the server wrote it or an integration.

import { SenderType } from "@porthole/client";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, expect, test } from "vitest";
import { clockTime } from "../lib/format";
import { MessageItem } from "./MessageItem";
import { message } from "./testing";

afterEach(cleanup);

test("a system line: centred, with its time, a note for screen readers, not a bubble", () => {
  const line = message("c1", 3, {
    senderType: SenderType.SYSTEM,
    senderId: "",
    internal: true,
    body: "Resolved by Olivia Owner",
  });
  render(<MessageItem message={line} grouped={false} />);
  const note = screen.getByRole("note");
  const time = clockTime(line.createTime);
  expect(note.getAttribute("aria-label")).toBe(`Resolved by Olivia Owner, ${time}`);
  expect(note.textContent).toBe(`Resolved by Olivia Owner${time}`);
  expect(screen.getByTestId("system-line")).toBeTruthy();
  // Not drawn as an internal note, whatever its `internal` flag says.
  expect(screen.queryByTestId("note")).toBeNull();
  expect(screen.queryByText("Internal note")).toBeNull();
});

test("a visible system message an integration sent looks the same", () => {
  const sent = message("c1", 4, {
    senderType: SenderType.SYSTEM,
    senderId: "",
    body: "Order 77 shipped",
  });
  render(<MessageItem message={sent} grouped={false} />);
  expect(screen.getByRole("note").textContent).toContain("Order 77 shipped");
  expect(screen.getByTestId("system-line")).toBeTruthy();
});
