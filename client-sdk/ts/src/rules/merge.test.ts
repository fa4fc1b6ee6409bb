//! The message merge on a minimal message shape: replays and duplicates change nothing,
//! optimistic copies give way to the stored message whichever arrives first.

import { describe, expect, it } from "vitest";
import { type MessageIdentity, mergeMessages } from "./merge.js";

interface Line {
  id: string;
  key: string;
  seq: bigint;
}

const identity: MessageIdentity<Line> = {
  stored: (m) => m.seq > 0n,
  id: (m) => m.id,
  clientKey: (m) => m.key,
  seq: (m) => m.seq,
};
const stored = (seq: number, key = ""): Line => ({ id: `m${seq}`, key, seq: BigInt(seq) });
const optimistic = (key: string): Line => ({ id: "", key, seq: 0n });
const merge = (list: readonly Line[], ...incoming: Line[]) =>
  mergeMessages(list, incoming, identity);
const ids = (list: readonly Line[]) => list.map((m) => m.id || m.key);

describe("mergeMessages", () => {
  it("orders stored messages by seq and drops replays", () => {
    const list = merge([stored(1), stored(2), stored(4)], stored(2), stored(3), stored(5));
    expect(ids(list)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    expect(merge(list, stored(3), stored(5))).toBe(list);
  });

  it("keeps the copy it has when a stored message comes again", () => {
    const first = stored(1);
    const list = merge([], first);
    expect(merge(list, { ...stored(1), key: "late" })[0]).toBe(first);
  });

  it("replaces the optimistic copy with the stored message", () => {
    const sending = merge([stored(1)], optimistic("k"));
    expect(ids(sending)).toEqual(["m1", "k"]);
    const sent = merge(sending, stored(2, "k"));
    expect(ids(sent)).toEqual(["m1", "m2"]);
    // The send answer after the feed event, and a late optimistic retry: nothing changes.
    expect(merge(sent, stored(2, "k"), optimistic("k"))).toBe(sent);
  });

  it("keeps optimistic copies last, in the order written; a retry keeps its place", () => {
    const list = merge([], optimistic("a"), stored(3), optimistic("b"));
    expect(ids(list)).toEqual(["m3", "a", "b"]);
    const retry = { ...optimistic("a"), id: "" };
    const retried = merge(list, retry);
    expect(ids(retried)).toEqual(["m3", "a", "b"]);
    expect(retried[1]).toBe(retry);
  });

  it("never pairs messages without a client key", () => {
    expect(ids(merge([optimistic("")], optimistic(""), stored(1)))).toEqual(["m1", "", ""]);
  });
});
