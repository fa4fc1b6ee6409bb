//! The service worker's decisions: a push's notification (urgent ones stay, a tag replaces
//! and still sounds, no tag no renotify), where a click leads (only inside the dashboard),
//! which window takes it, and which worker messages the dashboard follows.

import { describe, expect, test } from "vitest";
import {
  clickTarget,
  dashboardRoute,
  NAVIGATE_MESSAGE,
  notificationFor,
  parsePush,
  pickWindow,
  safeUrl,
} from "./logic";

const scope = "https://chat.example.com/app/";

describe("a push's notification", () => {
  test("the server's note: title, body, tag, url, renotify; urgent ones require interaction", () => {
    const body = JSON.stringify({
      title: "New conversation: Ada",
      body: "Do you ship to Norway?",
      url: "/app/inbox/cnv_1",
      tag: "cnv_1",
      urgent: false,
    });
    expect(notificationFor(body, scope)).toEqual({
      title: "New conversation: Ada",
      options: {
        body: "Do you ship to Norway?",
        tag: "cnv_1",
        data: { url: "https://chat.example.com/app/inbox/cnv_1" },
        requireInteraction: false,
        renotify: true,
        icon: "https://chat.example.com/app/favicon.svg",
      },
    });
    const urgent = notificationFor(
      JSON.stringify({
        title: "Assigned to you: Ada",
        body: "hi",
        url: "/app/inbox/cnv_2",
        tag: "cnv_2",
        urgent: true,
      }),
      scope,
    );
    expect(urgent.options.requireInteraction).toBe(true);
  });

  test("without a tag there is no renotify (browsers refuse it)", () => {
    const shown = notificationFor(JSON.stringify({ title: "T", body: "B", url: "/app/" }), scope);
    expect(shown.options.renotify).toBe(false);
    expect("tag" in shown.options).toBe(false);
  });

  test("a body that is not the server's JSON still shows something", () => {
    expect(parsePush("plain words")).toEqual({
      title: "Porthole",
      body: "plain words",
      url: "",
      tag: "",
      urgent: false,
    });
    expect(parsePush(undefined).title).toBe("Porthole");
    expect(parsePush("[1,2]").title).toBe("Porthole");
    expect(parsePush(JSON.stringify({ title: 5, body: null, urgent: "yes" }))).toEqual({
      title: "Porthole",
      body: "",
      url: "",
      tag: "",
      urgent: false,
    });
    expect(notificationFor("garbage", scope).options.data.url).toBe(scope);
  });
});

describe("where a click leads", () => {
  test("dashboard paths, resolved against the scope", () => {
    expect(clickTarget({ url: "/app/inbox/cnv_9" }, scope)).toBe(
      "https://chat.example.com/app/inbox/cnv_9",
    );
    expect(clickTarget({ url: "/app/settings/notifications" }, scope)).toBe(
      "https://chat.example.com/app/settings/notifications",
    );
  });

  test("anything outside the dashboard, or no url, opens its start page", () => {
    for (const data of [
      { url: "https://evil.example.net/app/inbox" },
      { url: "/demo" },
      { url: "//evil.example.net/x" },
      { url: "javascript:alert(1)" },
      { url: 7 },
      {},
      null,
      "string",
    ]) {
      expect(clickTarget(data, scope)).toBe(scope);
    }
    expect(safeUrl("", scope)).toBe(scope);
  });
});

describe("which window takes a click", () => {
  const w = (url: string, focused = false, visibilityState = "hidden") => ({
    url,
    focused,
    visibilityState,
  });

  test("a dashboard window: the focused one, then a visible one, then any", () => {
    const other = w("https://chat.example.com/demo", true, "visible");
    const hidden = w("https://chat.example.com/app/inbox");
    const visible = w("https://chat.example.com/app/team", false, "visible");
    const focused = w("https://chat.example.com/app/settings", true, "visible");
    expect(pickWindow([other, hidden, visible, focused], scope)).toBe(focused);
    expect(pickWindow([other, hidden, visible], scope)).toBe(visible);
    expect(pickWindow([other, hidden], scope)).toBe(hidden);
  });

  test("none when no dashboard is open (a new window opens instead)", () => {
    expect(pickWindow([], scope)).toBeUndefined();
    expect(
      pickWindow(
        [w("https://chat.example.com/demo", true), w("https://other.example.com/app/", true)],
        scope,
      ),
    ).toBeUndefined();
  });
});

describe("the worker's message to a dashboard window", () => {
  const origin = "https://chat.example.com";
  test("a dashboard URL becomes a route without the base", () => {
    expect(
      dashboardRoute(
        { type: NAVIGATE_MESSAGE, url: "https://chat.example.com/app/inbox/cnv_1" },
        origin,
        "/app/",
      ),
    ).toBe("/inbox/cnv_1");
    expect(
      dashboardRoute({ type: NAVIGATE_MESSAGE, url: "/app/inbox?status=open#x" }, origin, "/app"),
    ).toBe("/inbox?status=open#x");
  });

  test("anything else is ignored", () => {
    expect(dashboardRoute({ type: "other", url: "/app/inbox" }, origin, "/app/")).toBeUndefined();
    expect(
      dashboardRoute(
        { type: NAVIGATE_MESSAGE, url: "https://evil.example.net/app/inbox" },
        origin,
        "/app/",
      ),
    ).toBeUndefined();
    expect(
      dashboardRoute({ type: NAVIGATE_MESSAGE, url: "/demo" }, origin, "/app/"),
    ).toBeUndefined();
    expect(dashboardRoute({ type: NAVIGATE_MESSAGE, url: 3 }, origin, "/app/")).toBeUndefined();
    expect(dashboardRoute(null, origin, "/app/")).toBeUndefined();
  });
});
