//! Who is typing, and the bot's answer while it is written: each draft replaces the one
//! before, its stored message (or "stopped") ends it, and a lost draft expires.

import { create } from "@bufbuild/protobuf";
import { SenderType, TypingEventSchema } from "@porthole/client";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { BOT_TYPIST, TypingStore, typistOf } from "./typing";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const botTyping = (draft: string, typing = true) =>
  create(TypingEventSchema, {
    conversationId: "c1",
    senderType: SenderType.BOT,
    senderId: "",
    name: "Penny",
    typing,
    draft,
  });

test("the bot's drafts grow in place and its stored answer ends them", () => {
  const store = new TypingStore();
  store.apply(botTyping(""));
  expect(store.get("c1")).toEqual([
    expect.objectContaining({ senderId: BOT_TYPIST, bot: true, name: "Penny", draft: "" }),
  ]);
  store.apply(botTyping("Refunds take"));
  store.apply(botTyping("Refunds take 5 working days [1]."));
  expect(store.get("c1")).toHaveLength(1);
  expect(store.get("c1")[0]?.draft).toBe("Refunds take 5 working days [1].");

  // A visitor typing meanwhile is someone else.
  store.apply(
    create(TypingEventSchema, {
      conversationId: "c1",
      senderType: SenderType.VISITOR,
      senderId: "vis_1",
      typing: true,
      draft: "ignored for people",
    }),
  );
  expect(store.get("c1").map((t) => [t.senderId, t.draft])).toEqual([
    [BOT_TYPIST, "Refunds take 5 working days [1]."],
    ["vis_1", ""],
  ]);

  // The stored answer (no sender id, like the bot's events) ends the draft, not the visitor.
  store.stopped("c1", { senderType: SenderType.BOT, senderId: "" });
  expect(store.get("c1").map((t) => t.senderId)).toEqual(["vis_1"]);
  // A system line (no sender id either) is not the bot.
  store.apply(botTyping("again"));
  store.stopped("c1", { senderType: SenderType.SYSTEM, senderId: "" });
  expect(store.get("c1").some((t) => t.bot)).toBe(true);
  // Nor does "stopped" leave a draft behind.
  store.apply(botTyping("", false));
  expect(store.get("c1").some((t) => t.bot)).toBe(false);
});

test("a draft with no news expires", () => {
  const store = new TypingStore();
  store.apply(botTyping("Refunds"));
  vi.advanceTimersByTime(7_000);
  store.apply(botTyping("Refunds take"));
  vi.advanceTimersByTime(7_000);
  expect(store.get("c1")[0]?.draft).toBe("Refunds take");
  vi.advanceTimersByTime(1_500);
  expect(store.get("c1")).toEqual([]);
});

test("typists are people by id, the bot by its kind", () => {
  expect(typistOf({ senderType: SenderType.AGENT, senderId: "usr_1" })).toBe("usr_1");
  expect(typistOf({ senderType: SenderType.BOT, senderId: "" })).toBe(BOT_TYPIST);
});
