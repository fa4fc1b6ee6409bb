//! The dashboard's service worker, served as `/app/sw.js` (scope `/app/`): shows the pushes
//! the server sends members who have no dashboard open, and opens the conversation when
//! one is clicked. It handles no fetches, so it never stands between the dashboard and the
//! server. The decisions are in `logic.ts`, with unit tests; this file only wires them up.
//!
//! Built on its own into one classic script (`vite.sw.config.ts`), type-checked with the
//! worker's library (`tsconfig.json` here), and same-origin, as the dashboard's
//! Content-Security-Policy (`script-src 'self'`) requires.

/// <reference lib="webworker" />

import { clickTarget, NAVIGATE_MESSAGE, notificationFor, pickWindow } from "./logic";

declare const self: ServiceWorkerGlobalScope;

// A new version takes over at once: there is no cache to keep consistent.
self.addEventListener("install", () => {
  void self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", (event) => {
  const { title, options } = notificationFor(event.data?.text(), self.registration.scope);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = clickTarget(event.notification.data, self.registration.scope);
  event.waitUntil(openInDashboard(url));
});

/**
 * Shows `url` in an open dashboard window (focused, then asked to route there without a
 * reload, so its feed stays open), or in a new window when none is open.
 */
async function openInDashboard(url: string): Promise<void> {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const target = pickWindow(windows, self.registration.scope);
  if (!target) {
    await self.clients.openWindow(url);
    return;
  }
  const focused = await target.focus().catch(() => target);
  focused.postMessage({ type: NAVIGATE_MESSAGE, url });
}
