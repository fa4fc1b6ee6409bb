//! The session store: one refresh at a time, the rotated token persisted, another tab's
//! refresh adopted instead of spending a used token, sign-out when the server refuses.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, SessionSchema } from "@porthole/client";
import { expect, test, vi } from "vitest";
import { type KeyValueStorage, SessionStore } from "./session";

function memory(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

function session(n: number, expiresAt: number) {
  return create(SessionSchema, {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    accessTokenExpireTime: timestampFromMs(expiresAt),
    user: { id: "usr_1" },
    workspace: { id: "ws_1" },
  });
}

test("a fresh token is used as is; an expiring one is refreshed once for all callers", async () => {
  let now = 1_000_000;
  let n = 1;
  const refresh = vi.fn(async (token: string) => {
    expect(token).toBe(`refresh-${n}`);
    n += 1;
    return session(n, now + 15 * 60_000);
  });
  const storage = memory();
  const store = new SessionStore(storage, refresh, () => now);
  store.set(session(1, now + 15 * 60_000));
  expect(await store.accessToken()).toBe("access-1");
  expect(refresh).not.toHaveBeenCalled();

  now += 14.5 * 60_000; // inside the one-minute margin
  const tokens = await Promise.all([store.accessToken(), store.accessToken(), store.accessToken()]);
  expect(tokens).toEqual(["access-2", "access-2", "access-2"]);
  expect(refresh).toHaveBeenCalledOnce();
  expect(JSON.parse(storage.map.get("porthole.session") ?? "{}").refreshToken).toBe("refresh-2");
});

test("a session refreshed by another tab is adopted without spending the old token", async () => {
  const now = 1_000_000;
  const refresh = vi.fn();
  const storage = memory();
  const tabA = new SessionStore(storage, refresh, () => now);
  tabA.set(session(1, now + 30_000)); // about to expire
  // Tab B refreshed meanwhile and wrote the new session.
  const tabB = new SessionStore(
    storage,
    async () => session(2, now + 15 * 60_000),
    () => now,
  );
  await tabB.refresh();
  expect(await tabA.accessToken()).toBe("access-2");
  expect(refresh).not.toHaveBeenCalled();
});

test("a rejected access token forces a refresh even before it expires", async () => {
  const now = 1_000_000;
  const store = new SessionStore(
    memory(),
    async () => session(2, now + 15 * 60_000),
    () => now,
  );
  store.set(session(1, now + 10 * 60_000));
  expect(await store.refresh("access-1")).toBe("access-2");
});

test("a refused refresh signs out; a network failure does not", async () => {
  const now = 1_000_000;
  const storage = memory();
  let fail: ConnectError = new ConnectError("offline", Code.Unavailable);
  const store = new SessionStore(
    storage,
    async () => {
      throw fail;
    },
    () => now,
  );
  const listener = vi.fn();
  store.subscribe(listener);
  store.set(session(1, now));
  await expect(store.accessToken()).rejects.toThrow("offline");
  expect(store.get()).toBeDefined();
  fail = new ConnectError("reused", Code.Unauthenticated);
  expect(await store.accessToken()).toBeUndefined();
  expect(store.get()).toBeUndefined();
  expect(storage.map.has("porthole.session")).toBe(false);
  expect(listener).toHaveBeenCalled();
});
