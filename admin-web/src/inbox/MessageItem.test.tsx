//! Messages as drawn: a system message is a small centred line with its time, read out as a
//! sentence, neither a bubble nor a note, whether the server wrote it or an integration. The
//! bot's answers carry its name, an "AI" badge and their sources (links only to http and
//! https addresses, in a new tab); its note for the team is a note. Automated messages (a
//! rule's or a flow's) carry an "Automated" label, never "AI"; a flow question's answers show
//! as read-only chips.

import { create } from "@bufbuild/protobuf";
import { CitationSchema, SenderType } from "@porthole/client";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, expect, test } from "vitest";
import { clockTime } from "../lib/format";
import { BotDraft, MessageItem } from "./MessageItem";
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

test("a bot answer: its name with an AI badge, the body, and its sources as safe links", () => {
  const answer = message("c1", 5, {
    senderType: SenderType.BOT,
    senderId: "",
    senderName: "Penny",
    body: "Refunds take 5 working days [1]. See also [2] and [3].",
    citations: [
      create(CitationSchema, {
        articleId: "art_1",
        title: "Refund policy",
        url: "https://shop.example/help/refunds",
      }),
      create(CitationSchema, { articleId: "art_2", title: "Returns", url: "" }),
      create(CitationSchema, { articleId: "art_3", title: "Tricky", url: "javascript:alert(1)" }),
    ],
  });
  render(<MessageItem message={answer} grouped={false} />);
  expect(screen.getByText("Penny")).toBeTruthy();
  expect(screen.getByText("AI").getAttribute("title")).toBe("Written by the AI bot");
  expect(screen.getByTestId("bot-message").textContent).toBe(answer.body);
  const sources = screen.getByRole("list", { name: "Sources" });
  const items = within(sources).getAllByRole("listitem");
  expect(items.map((li) => li.textContent)).toEqual([
    "[1]Refund policy",
    "[2]Returns",
    "[3]Tricky",
  ]);
  const links = within(sources).getAllByRole("link");
  expect(links).toHaveLength(1);
  expect(links[0]?.getAttribute("href")).toBe("https://shop.example/help/refunds");
  expect(links[0]?.getAttribute("target")).toBe("_blank");
  expect(links[0]?.getAttribute("rel")).toBe("noopener noreferrer");
});

test("the bot's summary for the team is an internal note, marked AI", () => {
  const note = message("c1", 7, {
    senderType: SenderType.BOT,
    senderId: "",
    senderName: "Penny",
    internal: true,
    body: "Summary for the team: the visitor wants a refund.",
  });
  render(<MessageItem message={note} grouped={false} />);
  const drawn = screen.getByTestId("note");
  expect(drawn.textContent).toContain("Internal note · Penny");
  expect(within(drawn).getByText("AI")).toBeTruthy();
  expect(screen.queryByTestId("bot-message")).toBeNull();
});

test("the bot's answer while it is written: its bubble with the text so far", () => {
  render(<BotDraft name="Penny" text="Refunds take 5" />);
  const draft = screen.getByTestId("bot-draft");
  expect(draft.textContent).toContain("Penny");
  expect(draft.textContent).toContain("is writing…");
  expect(draft.textContent).toContain("Refunds take 5");
});

test("an automated message: the assistant's name with an Automated label, not AI", () => {
  const reply = message("c1", 8, {
    senderType: SenderType.BOT,
    senderId: "rul_1",
    senderName: "Assistant",
    automated: true,
    body: "Thanks for writing! We usually answer within minutes.",
  });
  render(<MessageItem message={reply} grouped={false} />);
  expect(screen.getByText("Assistant")).toBeTruthy();
  expect(screen.getByText("Automated").getAttribute("title")).toBe(
    "Sent automatically by a rule or a guided flow",
  );
  expect(screen.queryByText("AI")).toBeNull();
  expect(screen.getByTestId("automated-message").textContent).toBe(reply.body);
  expect(screen.queryByTestId("bot-message")).toBeNull();
  expect(screen.queryByRole("list", { name: "Answers offered" })).toBeNull();
});

test("a flow's question shows the answers it offered as read-only chips", () => {
  const question = message("c1", 9, {
    senderType: SenderType.BOT,
    senderId: "flow",
    senderName: "Assistant",
    automated: true,
    body: "What can we help with?",
    quickReplies: ["Sales", "Support"],
  });
  render(<MessageItem message={question} grouped={false} />);
  const chips = screen.getByRole("list", { name: "Answers offered" });
  expect(
    within(chips)
      .getAllByRole("listitem")
      .map((li) => li.textContent),
  ).toEqual(["Sales", "Support"]);
  // Read-only: agents do not answer for the visitor.
  expect(within(chips).queryByRole("button")).toBeNull();
});
