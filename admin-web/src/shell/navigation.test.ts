//! The main navigation: who sees what, and every destination is a route of the app.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { GET_STARTED, NAVIGATION, navigationFor } from "./navigation";

test("agents, admins and owners each see their destinations, in order", () => {
  const paths = (rights: { isAdmin: boolean; isOwner: boolean }) =>
    navigationFor(rights).map((item) => item.to);
  expect(paths({ isAdmin: false, isOwner: false })).toEqual([
    "/overview",
    "/inbox",
    "/visitors",
    "/knowledge",
    "/rules",
    "/team",
    "/settings",
  ]);
  expect(paths({ isAdmin: true, isOwner: false })).toEqual([
    "/overview",
    "/inbox",
    "/visitors",
    "/reports",
    "/knowledge",
    "/rules",
    "/widgets",
    "/webhooks",
    "/team",
    "/settings",
  ]);
  expect(paths({ isAdmin: true, isOwner: true })).toEqual(NAVIGATION.map((item) => item.to));
});

test("every destination is a route of App.tsx (no link leads to Nothing here)", () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const app = readFileSync(resolve(here, "../App.tsx"), "utf8");
  const routes = new Set([...app.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => m[1]));
  for (const item of [...NAVIGATION, GET_STARTED]) expect(routes, item.to).toContain(item.to);
  // The user menu's destinations too.
  expect(routes).toContain("/settings/notifications");
});

test("the phone's tab bar leaves out Reports (the Overview leads there)", () => {
  const phone = navigationFor({ isAdmin: true, isOwner: true }).filter((i) => i.phone !== false);
  expect(phone.map((i) => i.to)).not.toContain("/reports");
  expect(phone.map((i) => i.to)).toContain("/overview");
});

test("every destination has a short label for the phone's tab bar", () => {
  for (const item of NAVIGATION) {
    expect(item.short.length).toBeGreaterThan(0);
    expect(item.short.length).toBeLessThanOrEqual(8);
  }
});
