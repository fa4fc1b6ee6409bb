//! Push in this browser: what it can do, its subscription (the service worker `/app/sw.js`
//! and `PushManager`), which of the member's registered browsers it is, forgetting it on
//! sign-out, and following the worker's "open this conversation" in the open dashboard.
//!
//! Which registration is this browser's is kept in localStorage (`porthole.push`: member,
//! registration id, endpoint): the server lists browsers by label and push service only.

import { ConnectError } from "@porthole/client";
import { notificationClient } from "../lib/api";
import { formErrors } from "../lib/errors";
import { dashboardRoute } from "../sw/logic";
import { type BrowserAbilities, base64UrlToBytes, sameKey } from "./model";

/** The dashboard's base path (`/app/`): the worker's directory and scope. */
const BASE = import.meta.env.BASE_URL;
const WORKER_URL = `${BASE}sw.js`;
const RECORD_KEY = "porthole.push";

/** Which of the member's registered browsers this one is. */
export interface PushRecord {
  userId: string;
  subscriptionId: string;
  endpoint: string;
}

/** Whether this browser has service workers and the Push API. */
export function pushSupported(): boolean {
  return (
    typeof navigator !== "undefined" &&
    "serviceWorker" in navigator &&
    typeof window !== "undefined" &&
    "PushManager" in window
  );
}

export function browserAbilities(): BrowserAbilities {
  return {
    pushSupported: pushSupported(),
    permission:
      typeof window !== "undefined" && "Notification" in window
        ? Notification.permission
        : "unsupported",
  };
}

export function readRecord(): PushRecord | undefined {
  try {
    const raw = localStorage.getItem(RECORD_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<PushRecord>) : undefined;
    return parsed?.userId && parsed.subscriptionId && parsed.endpoint
      ? (parsed as PushRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

function writeRecord(record: PushRecord | undefined): void {
  try {
    if (record) localStorage.setItem(RECORD_KEY, JSON.stringify(record));
    else localStorage.removeItem(RECORD_KEY);
  } catch {
    // Private mode: this browser just will not be recognised in the list.
  }
}

/** This browser's push subscription for the dashboard, if it has one. */
async function browserSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration(BASE);
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/**
 * The registration through which this browser receives `userId`'s pushes; undefined when
 * it receives none of theirs (never turned on, turned off, or the browser dropped the
 * subscription).
 */
export async function thisBrowser(userId: string): Promise<PushRecord | undefined> {
  const record = readRecord();
  if (!record || record.userId !== userId) return undefined;
  const subscription = await browserSubscription().catch(() => null);
  return subscription?.endpoint === record.endpoint ? record : undefined;
}

/** Turning push on was refused by the person (or the browser's settings). */
export class PermissionRefused extends Error {
  constructor(readonly permission: NotificationPermission) {
    super(
      permission === "denied"
        ? "Notifications are blocked for Porthole in this browser's site settings. Allow them there, then try again."
        : "Notifications were not allowed, so this browser cannot receive pushes.",
    );
  }
}

/**
 * Turns push on in this browser for `userId`: asks for permission (first, while the click
 * still counts as the person's), registers the service worker, subscribes with the
 * server's key (again if an old subscription used another key), and registers the
 * subscription with the server under `label`. A subscription the server refuses is
 * dropped again.
 */
export async function turnOnPush(
  userId: string,
  vapidPublicKey: string,
  label: string,
): Promise<PushRecord> {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") throw new PermissionRefused(permission);
  const registration = await navigator.serviceWorker.register(WORKER_URL, { scope: BASE });
  await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, vapidPublicKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlToBytes(vapidPublicKey),
  });
  const json = subscription.toJSON();
  try {
    const { subscription: added } = await notificationClient.addPushSubscription({
      endpoint: subscription.endpoint,
      p256dh: json.keys?.p256dh ?? "",
      auth: json.keys?.auth ?? "",
      label,
    });
    const record = { userId, subscriptionId: added?.id ?? "", endpoint: subscription.endpoint };
    writeRecord(record);
    return record;
  } catch (error) {
    await subscription.unsubscribe().catch(() => false);
    throw error;
  }
}

/**
 * Why turning push on failed, in words: the person's refusal, the server's (its field
 * violations, e.g. an endpoint it does not accept), or the browser's push service.
 */
export function describePushError(error: unknown): string {
  if (error instanceof PermissionRefused) return error.message;
  if (error instanceof ConnectError) {
    const { fields, form } = formErrors(error);
    return form ?? Object.values(fields).join(" ");
  }
  const reason = error instanceof Error ? error.message : String(error);
  return `This browser's push service did not take the subscription${reason ? ` (${reason})` : ""}. Private windows cannot receive pushes; in a normal one, try again later.`;
}

/** After this browser's registration was deleted: stop the subscription itself too. */
export async function forgetThisBrowser(): Promise<void> {
  writeRecord(undefined);
  const subscription = await browserSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}

/**
 * On sign-out: this browser stops receiving the member's pushes (a shared computer must
 * not show the next person their chats). The registration is deleted while the session
 * still works; if that fails, the dropped subscription makes the server forget it at the
 * next push. Waits at most `timeoutMs`.
 */
export async function releaseOnSignOut(timeoutMs = 3000): Promise<void> {
  const record = readRecord();
  if (!record) return;
  const work = Promise.allSettled([
    notificationClient.deletePushSubscription({ subscriptionId: record.subscriptionId }),
    forgetThisBrowser(),
  ]);
  await Promise.race([work, new Promise((done) => setTimeout(done, timeoutMs))]);
}

/**
 * Follows the service worker's "open this" (a clicked notification) with `navigate`, in
 * this window without a reload. Returns the unsubscribe.
 */
export function followWorkerNavigation(navigate: (route: string) => void): () => void {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return () => {};
  const container = navigator.serviceWorker;
  const onMessage = (event: MessageEvent) => {
    if (event.origin && event.origin !== location.origin) return;
    const route = dashboardRoute(event.data, location.origin, BASE);
    if (route) navigate(route);
  };
  container.addEventListener("message", onMessage);
  // Messages wait in a queue until the page says it listens.
  container.startMessages();
  return () => container.removeEventListener("message", onMessage);
}
