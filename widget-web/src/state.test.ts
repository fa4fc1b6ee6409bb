//! The widget's state rules: merging history, feed replays and optimistic sends without
//! gaps or duplicates, unread counts, delivery marks. (Reconnect delays, file checks and
//! links are shared rules, tested in client-sdk/ts/src/rules.)

import { type Message, SenderType } from "@porthole/client/lean";
import { describe, expect, it } from "vitest";
import {
  type ChatMessage,
  deliveryMark,
  fromServer,
  lastSeq,
  mergeMessages,
  unreadCount,
  unsent,
} from "./state.js";

function message(seq: number, from: SenderType, clientKey = ""): Message {
  return {
    id: `msg_${seq}`,
    conversationId: "cnv_1",
    seq,
    senderType: from,
    senderId: "",
    senderName: from === SenderType.SENDER_TYPE_AGENT ? "Ann" : "",
    body: `message ${seq}`,
    internal: false,
    attachments: [],
    clientKey,
    createTime: new Date(1_700_000_000_000 + seq),
  };
}

const agent = (seq: number) => fromServer(message(seq, SenderType.SENDER_TYPE_AGENT));
const mine = (seq: number, key: string) =>
  fromServer(message(seq, SenderType.SENDER_TYPE_VISITOR, key));
const sending = (key: string): ChatMessage => ({
  ...mine(1, key),
  id: "",
  seq: 0,
  state: "sending",
});

describe("mergeMessages", () => {
  it("orders by seq and drops duplicates from a replayed feed", () => {
    const history = [agent(1), agent(2), agent(4)];
    const replay = [agent(2), agent(3), agent(4), agent(5)];
    const merged = mergeMessages(history, replay);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeMessages(merged, replay)).toEqual(merged);
  });

  it("replaces the optimistic line with the stored message, whichever arrives first", () => {
    const optimistic = mergeMessages([agent(1)], [sending("k1")]);
    expect(optimistic.map((m) => m.state)).toEqual(["sent", "sending"]);
    const stored = mergeMessages(optimistic, [mine(2, "k1")]);
    expect(stored.map((m) => [m.key, m.seq, m.state])).toEqual([
      ["msg_1", 1, "sent"],
      ["k1", 2, "sent"],
    ]);
    // The feed's copy and then a late optimistic retry change nothing.
    expect(mergeMessages(stored, [mine(2, "k1"), sending("k1")])).toEqual(stored);
  });

  it("keeps unsent lines after stored ones, in the order written", () => {
    const merged = mergeMessages([], [sending("a"), agent(3), sending("b")]);
    expect(merged.map((m) => m.key)).toEqual(["msg_3", "a", "b"]);
  });

  it("a new conversation keeps only the visitor's unsent lines (sending or failed)", () => {
    const list = [
      agent(1),
      mine(2, "k"),
      sending("a"),
      { ...sending("b"), state: "failed" as const },
    ];
    expect(unsent(list).map((m) => [m.key, m.state])).toEqual([
      ["a", "sending"],
      ["b", "failed"],
    ]);
  });
});

describe("unread and marks", () => {
  it("counts only the team's messages after the last seen one", () => {
    const list = [agent(1), mine(2, "k"), agent(3), agent(4)];
    expect(unreadCount(list, 0)).toBe(3);
    expect(unreadCount(list, 3)).toBe(1);
    expect(unreadCount(list, lastSeq(list))).toBe(0);
  });

  it("shows sending, delivered and read", () => {
    expect(deliveryMark(sending("k"), 10)).toBe("sending");
    expect(deliveryMark({ ...sending("k"), state: "failed" }, 10)).toBe("failed");
    expect(deliveryMark(mine(5, "k"), 4)).toBe("delivered");
    expect(deliveryMark(mine(5, "k"), 5)).toBe("read");
  });
});
