//! Notification settings' words and rules: every event the proto documents has a label,
//! the table from the server's settings (defaults for missing events, unknown ones kept),
//! editing and comparing it, the rules sent back, the notes on channels that cannot work
//! here, what the open dashboard plays or shows, and the conversions push needs.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { NotificationSettingsSchema } from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  applies,
  attentionFor,
  base64UrlToBytes,
  browserLabel,
  channelNotes,
  gridOf,
  messageNotice,
  NOTICES,
  noticeLabel,
  rulesOf,
  sameGrid,
  sameKey,
  withCell,
} from "./model";

/** The events `NotificationRule.event`'s comment in notification.proto lists. */
function documentedEvents(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const proto = readFileSync(
    resolve(here, "../../../proto/porthole/v1/notification.proto"),
    "utf8",
  );
  const rule = proto.slice(proto.indexOf("message NotificationRule {"));
  const comment = rule.slice(0, rule.indexOf("string event ="));
  return [...comment.matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? "");
}

const settings = (
  ...rules: { event: string; email?: boolean; push?: boolean; sound?: boolean; desktop?: boolean }[]
) => create(NotificationSettingsSchema, { rules });

test("every event the server documents has a label and an explanation, in the table's order", () => {
  const documented = documentedEvents();
  expect(documented).toEqual([
    "new_conversation",
    "offline_message",
    "assigned",
    "visitor_message",
  ]);
  expect(NOTICES.map((n) => n.event)).toEqual(documented);
  for (const n of NOTICES) {
    expect(n.label).not.toBe("");
    expect(n.explanation).toMatch(/\.$/);
  }
  expect(noticeLabel("assigned")).toBe("Assigned to me");
  expect(noticeLabel("visitor_message")).toBe("Visitor message in my conversation");
  expect(noticeLabel("rated")).toBe("rated");
});

test("an offline message has only its e-mail of its own; other events every channel", () => {
  expect(applies("offline_message", "email")).toBe(true);
  for (const c of ["push", "sound", "desktop"] as const) {
    expect(applies("offline_message", c)).toBe(false);
    expect(applies("new_conversation", c)).toBe(true);
  }
  expect(applies("some_future_event", "push")).toBe(true);
});

describe("the settings table", () => {
  test("a row per known event in order; missing ones get Porthole's defaults", () => {
    const grid = gridOf(
      settings(
        { event: "visitor_message", email: false, push: true, sound: false, desktop: true },
        { event: "assigned", email: true, push: false, sound: true, desktop: false },
      ),
    );
    expect(grid).toEqual([
      { event: "new_conversation", email: false, push: true, sound: true, desktop: true },
      { event: "offline_message", email: true, push: true, sound: true, desktop: true },
      { event: "assigned", email: true, push: false, sound: true, desktop: false },
      { event: "visitor_message", email: false, push: true, sound: false, desktop: true },
    ]);
    expect(gridOf(undefined)).toEqual(gridOf(settings()));
  });

  test("events this dashboard does not know are kept, after the known ones, and sent back", () => {
    const grid = gridOf(
      settings({ event: "rated", email: true, push: false, sound: false, desktop: true }),
    );
    expect(grid.map((r) => r.event)).toEqual([
      "new_conversation",
      "offline_message",
      "assigned",
      "visitor_message",
      "rated",
    ]);
    expect(rulesOf(grid).at(-1)).toEqual({
      event: "rated",
      email: true,
      push: false,
      sound: false,
      desktop: true,
    });
  });

  test("changing a cell changes that cell only; comparing sees it", () => {
    const before = gridOf(undefined);
    const after = withCell(before, "assigned", "email", false);
    expect(after.find((r) => r.event === "assigned")?.email).toBe(false);
    expect(before.find((r) => r.event === "assigned")?.email).toBe(true);
    expect(after.filter((r, i) => r !== before[i]).map((r) => r.event)).toEqual(["assigned"]);
    expect(sameGrid(before, after)).toBe(false);
    expect(sameGrid(before, withCell(after, "assigned", "email", true))).toBe(true);
    expect(sameGrid(before, before.slice(1))).toBe(false);
  });

  test("the rules sent: every row, every channel, nothing else", () => {
    const rules = rulesOf(gridOf(undefined));
    expect(rules).toHaveLength(4);
    expect(rules[0]).toEqual({
      event: "new_conversation",
      email: false,
      push: true,
      sound: true,
      desktop: true,
    });
  });
});

describe("channels that cannot work here", () => {
  const able = { pushSupported: true, permission: "granted" as const };

  test("none when the server sends e-mail and the browser may notify", () => {
    expect(channelNotes({ emailAvailable: true, browsers: 1 }, able)).toEqual([]);
  });

  test("e-mail without PORTHOLE_SMTP_URL", () => {
    const [note] = channelNotes({ emailAvailable: false, browsers: 1 }, able);
    expect(note?.channel).toBe("email");
    expect(note?.tone).toBe("unavailable");
    expect(note?.text).toContain(
      "does not send e-mail (its operator has not set PORTHOLE_SMTP_URL)",
    );
  });

  test("push without service workers or the Push API; push and desktop when blocked", () => {
    const unsupported = channelNotes(
      { emailAvailable: true, browsers: 0 },
      { pushSupported: false, permission: "default" },
    );
    expect(unsupported.map((n) => [n.channel, n.tone])).toEqual([["push", "unavailable"]]);
    expect(unsupported[0]?.text).toContain("cannot receive push notifications");

    const blocked = channelNotes(
      { emailAvailable: true, browsers: 2 },
      { pushSupported: true, permission: "denied" },
    );
    expect(blocked.map((n) => [n.channel, n.tone])).toEqual([
      ["push", "unavailable"],
      ["desktop", "unavailable"],
    ]);
    expect(blocked[1]?.text).toContain("blocked for Porthole in this browser's site settings");

    const noApi = channelNotes(
      { emailAvailable: true, browsers: 1 },
      { pushSupported: false, permission: "unsupported" },
    );
    expect(noApi.map((n) => n.channel)).toEqual(["push", "desktop"]);
    expect(noApi[1]?.text).toBe("This browser cannot show desktop notifications.");
  });

  test("push with no browser registered yet is a step to take, not a lack", () => {
    const notes = channelNotes(
      { emailAvailable: true, browsers: 0 },
      { pushSupported: true, permission: "default" },
    );
    expect(notes).toEqual([
      {
        channel: "push",
        tone: "info",
        text: "No browser of yours receives pushes yet: turn push on below.",
      },
    ]);
  });
});

describe("what the open dashboard plays and shows", () => {
  const loud = { sound: true, desktop: true };

  test("the member's settings per event decide", () => {
    const mine = settings(
      { event: "new_conversation", sound: false, desktop: true },
      { event: "assigned", sound: true, desktop: false },
    );
    expect(attentionFor(mine, "new_conversation", loud)).toEqual({ sound: false, desktop: true });
    expect(attentionFor(mine, "assigned", loud)).toEqual({ sound: true, desktop: false });
    // An event the server left out: Porthole's default (on).
    expect(attentionFor(mine, "visitor_message", loud)).toEqual({ sound: true, desktop: true });
  });

  test("this browser's switches can only silence it further", () => {
    const all = settings({ event: "assigned", sound: true, desktop: true });
    expect(attentionFor(all, "assigned", { sound: false, desktop: true })).toEqual({
      sound: false,
      desktop: true,
    });
    const none = settings({ event: "assigned", sound: false, desktop: false });
    expect(attentionFor(none, "assigned", loud)).toEqual({ sound: false, desktop: false });
  });

  test("without settings (not loaded, or failed) the browser's switches decide, as before", () => {
    expect(attentionFor(undefined, "new_conversation", loud)).toEqual(loud);
    expect(attentionFor(undefined, "assigned", { sound: false, desktop: true })).toEqual({
      sound: false,
      desktop: true,
    });
  });

  test("a visitor's message: first or unassigned is a new conversation; mine; not a colleague's", () => {
    expect(messageNotice({ first: true, assigneeUserId: "usr_other" }, "usr_me")).toBe(
      "new_conversation",
    );
    expect(messageNotice({ first: false, assigneeUserId: undefined }, "usr_me")).toBe(
      "new_conversation",
    );
    expect(messageNotice({ first: false, assigneeUserId: "" }, "usr_me")).toBe("new_conversation");
    expect(messageNotice({ first: false, assigneeUserId: "usr_me" }, "usr_me")).toBe(
      "visitor_message",
    );
    expect(messageNotice({ first: false, assigneeUserId: "usr_other" }, "usr_me")).toBeUndefined();
  });
});

describe("push conversions", () => {
  test("base64url to bytes, with or without padding", () => {
    expect([...base64UrlToBytes("AQID")]).toEqual([1, 2, 3]);
    expect([...base64UrlToBytes("-_8")]).toEqual([0xfb, 0xff]);
    expect([...base64UrlToBytes("-_8=")]).toEqual([0xfb, 0xff]);
    expect([...base64UrlToBytes("")]).toEqual([]);
    // A VAPID public key: an uncompressed P-256 point, 65 bytes starting with 4.
    const key = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xab)]).toString("base64url");
    const bytes = base64UrlToBytes(key);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(4);
    expect(bytes[64]).toBe(0xab);
  });

  test("anything else throws", () => {
    expect(() => base64UrlToBytes("a+b/")).toThrow();
    expect(() => base64UrlToBytes("abcde")).toThrow();
    expect(() => base64UrlToBytes("not base64!")).toThrow();
  });

  test("a subscription's key compared with the server's", () => {
    const key = Buffer.from([4, 1, 2, 3]);
    const buffer = key.buffer.slice(key.byteOffset, key.byteOffset + key.length) as ArrayBuffer;
    expect(sameKey(buffer, key.toString("base64url"))).toBe(true);
    expect(sameKey(buffer, Buffer.from([4, 1, 2, 4]).toString("base64url"))).toBe(false);
    expect(sameKey(null, key.toString("base64url"))).toBe(false);
    expect(sameKey(buffer, "!!")).toBe(false);
  });
});

test("a browser's label from its user agent", () => {
  const cases: [string, string][] = [
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      "Chrome on Linux",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Safari on macOS",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Firefox on Windows",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Edge on Windows",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Safari on iPhone",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      "Chrome on Android",
    ],
    ["curl/8.0", "Browser"],
  ];
  for (const [ua, label] of cases) expect(browserLabel(ua)).toBe(label);
});
