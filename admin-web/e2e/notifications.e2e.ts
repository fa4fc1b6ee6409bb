//! Notifications end to end, with the server's Web Push going to a real (local) push
//! service. Headless Chromium cannot subscribe to a push service here (its contexts are
//! private windows, and there is no network), so the test plays the browser's part of the
//! subscription: it makes a P-256 key pair and an auth secret, registers the subscription
//! through the API as the dashboard would, and its push service decrypts every push
//! (RFC 8291, aes128gcm) and checks the VAPID header (RFC 8292) against the server's key.
//!
//! An owner opens the Notifications screen (the table, the note on e-mail this server does
//! not send). While their dashboard is open, a visitor's new conversation makes no push;
//! once it is closed, the next one does, with the visitor's message and the conversation's
//! path. Reopened, the screen lists the registered browser; "Turn on push in this browser"
//! registers the real service worker (`/app/sw.js`) and says why the private window's push
//! service refused; "Send a test" pushes even with the dashboard open, and the decrypted
//! pushes, handed to that service worker, show as notifications; a click on one opens its
//! conversation in the dashboard. Switching push off for new conversations, saved, means
//! no push for the next one. Screenshots go to test-results/.

import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
} from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  createClient,
  createPortholeTransport,
  NotificationService,
  RoutingMode,
  WidgetService,
  WorkspaceService,
} from "@porthole/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  accessTokenOf,
  collectCspViolations,
  cspViolations,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
  visitorClient,
} from "./harness";

/** The decrypted body of a push (`notifications/push.rs`'s `PushNote`). */
interface Note {
  title: string;
  body: string;
  url: string;
  tag: string;
  urgent: boolean;
}

/** One push the push service took. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The decrypted body, as text. */
  text: string;
  note: Note;
}

/** The browser's side of a subscription: its key pair and auth secret. */
interface BrowserKeys {
  ecdh: ReturnType<typeof createECDH>;
  publicKey: Buffer;
  auth: Buffer;
}

function browserKeys(): BrowserKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16) };
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, length));

/**
 * Decrypts an aes128gcm push body as the browser would (RFC 8291 §3.4 with RFC 8188):
 * header `salt(16) | rs(4) | idlen(1) | keyid` where keyid is the server's ephemeral public
 * key; one record, its last 16 bytes the GCM tag, padded with a 0x02 delimiter then zeros.
 */
function decrypt(body: Buffer, keys: BrowserKeys): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (idlen !== 65 || asPublic[0] !== 4) throw new Error(`keyid is not a P-256 point (${idlen})`);
  if (record.length > rs) throw new Error(`more than one record (${record.length} > ${rs})`);
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), keys.publicKey, asPublic]);
  const ikm = hkdf(ecdhSecret, keys.auth, info, 32);
  const cek = hkdf(ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record padding delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<key>` as a push service does: `k` is the key
 * the server advertises, the ES256 token verifies with it, is meant for this push
 * service's origin and has not expired. Returns `k`.
 */
function checkVapid(header: string, audience: string): string {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header);
  if (!match) throw new Error(`not a VAPID header: ${header}`);
  const [, token = "", k = ""] = match;
  const point = Buffer.from(k, "base64url");
  const publicKey = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  });
  const [head = "", claims = "", signature = ""] = token.split(".");
  const signed = verify(
    "sha256",
    Buffer.from(`${head}.${claims}`),
    { key: publicKey, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!signed) throw new Error("the VAPID token's signature does not verify with k");
  const { aud, exp, sub } = JSON.parse(Buffer.from(claims, "base64url").toString("utf8"));
  if (aud !== audience) throw new Error(`VAPID aud ${aud}, expected ${audience}`);
  if (!(exp > Date.now() / 1000) || exp > Date.now() / 1000 + 24 * 3600)
    throw new Error(`VAPID exp ${exp} is not within 24 h`);
  if (typeof sub !== "string" || !sub) throw new Error("VAPID sub missing");
  return k;
}

/** A push service on 127.0.0.1 for one browser: decrypts and keeps what it is sent. */
interface PushService {
  /** The subscription's endpoint. */
  endpoint: string;
  origin: string;
  keys: BrowserKeys;
  received: Received[];
  /** Requests it could not read (bad encryption, bad VAPID): the test fails on them. */
  failures: string[];
  /** Called with each push as it arrives. */
  onPush: (push: Received) => void;
  close: () => Promise<void>;
}

async function startPushService(): Promise<PushService> {
  const service: PushService = {
    endpoint: "",
    origin: "",
    keys: browserKeys(),
    received: [],
    failures: [],
    onPush: () => {},
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        if (req.method !== "POST") throw new Error(`${req.method} instead of POST`);
        if (req.headers["content-encoding"] !== "aes128gcm")
          throw new Error(`content-encoding ${req.headers["content-encoding"]}`);
        checkVapid(String(req.headers.authorization ?? ""), service.origin);
        const text = decrypt(Buffer.concat(chunks), service.keys);
        const push = { path: req.url ?? "", headers: req.headers, text, note: JSON.parse(text) };
        service.received.push(push);
        service.onPush(push);
        // RFC 8030: the push service accepted the message.
        res.writeHead(201, { location: `${service.origin}/message/${service.received.length}` });
        res.end();
      } catch (error) {
        service.failures.push(String(error));
        res.writeHead(400);
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  service.origin = `http://127.0.0.1:${port}`;
  service.endpoint = `${service.origin}/push/${randomBytes(8).toString("hex")}`;
  service.close = () => new Promise((done) => server.close(() => done()));
  return service;
}

let push: PushService;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  push = await startPushService();
  // Push endpoints on loopback (and plain http to them) only where the operator allows.
  server = await startServer({ PORTHOLE_WEBHOOK_ALLOW_NETWORKS: "127.0.0.0/8" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await push?.close();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `${name}.png`), animations: "disabled" });

/** Closes the toasts still shown (each closes itself after a few seconds anyway). */
async function dismissToasts(page: Page): Promise<void> {
  const dismiss = page.getByRole("button", { name: "Dismiss" });
  for (let i = 0; i < 5 && (await dismiss.count()) > 0; i++) {
    await dismiss
      .first()
      .click({ timeout: 1000 })
      .catch(() => {});
  }
}

async function signUp(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}

/** A dashboard page in `context` that fails the test on page errors and CSP violations. */
async function dashboardPage(context: BrowserContext): Promise<{
  page: Page;
  check: () => Promise<void>;
}> {
  await collectCspViolations(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    page,
    check: async () => {
      expect(errors).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
    },
  };
}

/** The pushes received since `from` for conversation `id`. */
const pushesFor = (id: string, from = 0) =>
  push.received.slice(from).filter((p) => p.note.tag === id);

/** A visitor who starts a conversation and writes `text`; its id. */
async function visitorWrites(widgetToken: string, text: string): Promise<string> {
  const visitor = visitorClient(server.url);
  await visitor.start(widgetToken);
  const { conversation } = await visitor.client.startConversation({});
  const id = conversation?.id ?? "";
  await visitor.client.sendMessage({ conversationId: id, body: text, clientKey: "1" });
  return id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("pushes only while no dashboard is open, decrypted; the screen, a test push, the service worker", async () => {
  // The owner signs up and opens the Notifications screen from Settings.
  const first = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, check } = await dashboardPage(first);
  let conversationHello = "";
  try {
    await signUp(page, server.url, "olive@push.test");
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    const link = page.getByRole("link", { name: "Notification settings" });
    await link.scrollIntoViewIfNeeded();
    await shot(page, "notifications-settings-link");
    await link.click();
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    expect(await page.title()).toBe("Notifications · Porthole");
    const mine = page.getByRole("table", { name: "Your notifications" });
    await mine.waitFor();
    expect(await mine.getByRole("rowheader").allTextContents()).toEqual([
      expect.stringMatching(/^New conversationA visitor starts a conversation/),
      expect.stringMatching(/^Offline messageA visitor leaves a message while nobody is online/),
      expect.stringMatching(/^Assigned to meA conversation is assigned or transferred to you/),
      expect.stringMatching(/^Visitor message in my conversationA visitor writes/),
    ]);
    expect(await mine.getByRole("columnheader").allTextContents()).toEqual([
      "Event",
      "E-mail(unavailable here)",
      "Push",
      "Sound",
      "Desktop",
    ]);
    expect(await mine.getByRole("checkbox").count()).toBe(13);
    // Following the workspace's defaults (Porthole's): no e-mail for every new conversation.
    expect(await mine.getByRole("checkbox", { name: "E-mail: New conversation" }).isChecked()).toBe(
      false,
    );
    expect(await mine.getByRole("checkbox", { name: "Push: New conversation" }).isChecked()).toBe(
      true,
    );
    const notes = page.getByRole("list", { name: "Notes on your channels" });
    expect(await notes.textContent()).toContain(
      "E-mail: This server does not send e-mail (its operator has not set PORTHOLE_SMTP_URL).",
    );
    expect(await notes.textContent()).toContain(
      "Push: No browser of yours receives pushes yet: turn push on below.",
    );
    await page
      .getByText("E-mail and push are sent only while no Porthole dashboard of yours is open.")
      .waitFor();
    // An owner also edits the workspace's defaults.
    await page.getByRole("table", { name: "Workspace defaults" }).waitFor();
    await shot(page, "notifications-screen");
    await page.getByRole("heading", { name: "Push notifications" }).scrollIntoViewIfNeeded();
    await shot(page, "notifications-push-card");
    await page.getByRole("table", { name: "Workspace defaults" }).scrollIntoViewIfNeeded();
    await shot(page, "notifications-workspace-defaults");

    // The browser's part of a subscription, registered as the dashboard would.
    const token = await accessTokenOf(page);
    const transport = createPortholeTransport(server.url, { getToken: () => token });
    const notifications = createClient(NotificationService, transport);
    const { vapidPublicKey } = await notifications.getNotificationSettings({});
    expect(Buffer.from(vapidPublicKey, "base64url")).toHaveLength(65);
    const { subscription } = await notifications.addPushSubscription({
      endpoint: push.endpoint,
      p256dh: push.keys.publicKey.toString("base64url"),
      auth: push.keys.auth.toString("base64url"),
      label: "E2E push service",
    });
    expect(subscription?.id).toMatch(/^psh_/);
    expect(subscription?.pushService).toBe("127.0.0.1");
    const { widget } = await createClient(WidgetService, transport).createWidget({ name: "Shop" });
    const widgetToken = widget?.publicToken ?? "";
    // Conversations wait unassigned: the owner stays assignable for a grace period after
    // their dashboard closes, and a push for an assignment at a conversation's start
    // stands for its new-conversation push.
    await createClient(WorkspaceService, transport).updateWorkspace({
      routingMode: RoutingMode.MANUAL,
    });

    // With the dashboard open on the inbox, a new conversation shows there and pushes nothing.
    await page.getByRole("link", { name: "Inbox" }).first().click();
    await page.getByRole("status", { name: "Live: new chats appear instantly" }).first().waitFor();
    const seen = await visitorWrites(widgetToken, "Is anyone there?");
    await page.getByText("Is anyone there?").first().waitFor();
    await sleep(3000);
    expect(pushesFor(seen)).toEqual([]);
    expect(push.received).toEqual([]);
    await shot(page, "notifications-dashboard-open");
    await check();
  } catch (error) {
    await shot(page, "notifications-failure");
    throw error;
  }

  // The dashboard closes (its workspace feed ends); the next conversation is pushed.
  const state = await first.storageState();
  await first.close();
  await sleep(1000);
  {
    const token = JSON.parse(
      state.origins[0]?.localStorage.find((e) => e.name === "porthole.session")?.value ?? "{}",
    ).accessToken as string;
    const transport = createPortholeTransport(server.url, { getToken: () => token });
    const { widgets } = await createClient(WidgetService, transport).listWidgets({});
    const widgetToken = widgets[0]?.publicToken ?? "";
    const { vapidPublicKey } = await createClient(
      NotificationService,
      transport,
    ).getNotificationSettings({});
    conversationHello = await visitorWrites(widgetToken, "Hello from a visitor");
    await expect.poll(() => pushesFor(conversationHello).length, { timeout: 10_000 }).toBe(1);
    const [hello] = pushesFor(conversationHello);
    expect(hello?.note.title).toMatch(/^New conversation/);
    expect(hello?.note.body).toBe("Hello from a visitor");
    expect(hello?.note.url).toBe(`/app/inbox/${conversationHello}`);
    expect(hello?.note.urgent).toBe(false);
    expect(hello?.path).toBe(new URL(push.endpoint).pathname);
    const k = /, k=([\w-]+)$/.exec(String(hello?.headers.authorization))?.[1];
    expect(k).toBe(vapidPublicKey);
    expect(Number(hello?.headers.ttl)).toBeGreaterThan(0);
    expect(hello?.headers.urgency).toBe("normal");
    expect(push.failures).toEqual([]);
  }

  // Reopened: the screen lists the browser; a test push comes even with the dashboard open.
  const second = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    storageState: state,
  });
  await second.grantPermissions(["notifications"], { origin: server.url });
  const { page: again, check: checkAgain } = await dashboardPage(second);
  try {
    await again.goto(`${server.url}/app/settings/notifications`);
    const browsers = again.getByRole("list", { name: "Your browsers" });
    await browsers.waitFor();
    const rows = await browsers.getByRole("listitem").allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain("E2E push service");
    expect(rows[0]).toContain("via 127.0.0.1");
    expect(rows[0]).not.toContain("This browser");
    expect(
      await again.getByRole("list", { name: "Notes on your channels" }).textContent(),
    ).not.toContain("No browser of yours");

    // This (private) window's push service refuses, but the service worker is registered.
    await again.getByRole("button", { name: "Turn on push in this browser" }).click();
    const refused = again.getByRole("alert").filter({ hasText: "push service" });
    await refused.waitFor();
    expect(await refused.textContent()).toContain(
      "This browser's push service did not take the subscription",
    );
    expect(await browsers.getByRole("listitem").count()).toBe(1);
    await again.getByText("Push is off in this browser.").waitFor();
    const sw = await fetch(`${server.url}/app/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    const { cdp, registrationId } = await serviceWorkerRegistration(second, again);

    // What the push service decrypts goes on to the real service worker, as a browser's
    // push service would deliver it.
    const deliver = (text: string) =>
      cdp.send("ServiceWorker.deliverPushMessage", {
        origin: server.url,
        registrationId,
        data: text,
      });
    push.onPush = (p) => {
      deliver(p.text).catch((e) => push.failures.push(`delivering to the worker: ${e}`));
    };

    const before = push.received.length;
    await again.getByRole("button", { name: "Send a test" }).click();
    await again.getByText("Test push sent", { exact: true }).waitFor();
    await expect.poll(() => push.received.length, { timeout: 10_000 }).toBe(before + 1);
    const testPush = push.received.at(-1);
    expect(testPush?.note.title).toBe("Porthole notifications work");
    expect(testPush?.note.url).toBe("/app/settings/notifications");
    await expect
      .poll(async () => (await shownNotifications(again)).map((n) => n.title), {
        timeout: 5000,
      })
      .toEqual(["Porthole notifications work"]);
    const [shownTest] = await shownNotifications(again);
    expect(shownTest?.data).toEqual({ url: `${server.url}/app/settings/notifications` });
    await dismissToasts(again);
    await shot(again, "notifications-reopened");

    // The pushed conversation, shown by the worker; a click opens it in this dashboard.
    const hello = pushesFor(conversationHello)[0];
    const shownHello = async () =>
      (await shownNotifications(again)).find((n) => n.tag === conversationHello);
    await deliver(hello?.text ?? "");
    // The worker shows it asynchronously. Under CI load it sometimes never did (2 runs in
    // 3, not reproduced alone): CDP's delivery seems lost while the worker restarts. Say
    // so in the log and deliver once more, as a push service retries an unacknowledged
    // push; a worker that does not show it then still fails the test.
    let waited = 0;
    while (!(await shownHello()) && waited < 5000) {
      await again.waitForTimeout(250);
      waited += 250;
    }
    if (!(await shownHello())) {
      console.warn(
        `the worker showed no notification for ${conversationHello} within 5 s; shown: ${JSON.stringify(
          await shownNotifications(again),
        )}; delivering again`,
      );
      await deliver(hello?.text ?? "");
    }
    await expect.poll(shownHello, { timeout: 10_000 }).toMatchObject({
      title: expect.stringMatching(/^New conversation/),
      body: "Hello from a visitor",
      data: { url: `${server.url}/app/inbox/${conversationHello}` },
      requireInteraction: false,
      renotify: true,
    });
    await clickNotification(second, conversationHello);
    await again.waitForURL(`${server.url}/app/inbox/${conversationHello}`);
    await again.getByText("Hello from a visitor").first().waitFor();
    await shot(again, "notifications-clicked");

    // No push for new conversations any more: chosen, saved.
    await again.goto(`${server.url}/app/settings/notifications`);
    const mine = again.getByRole("table", { name: "Your notifications" });
    await mine.waitFor();
    // Changing a box while following the defaults starts one's own from them.
    await mine.getByRole("checkbox", { name: "Push: New conversation" }).uncheck();
    await again.getByRole("button", { name: "Save", exact: true }).click();
    await again.getByText("Notification settings saved", { exact: true }).waitFor();
    expect(
      await again
        .getByRole("switch", { name: /Use the workspace's defaults/ })
        .getAttribute("aria-checked"),
    ).toBe("false");
    expect(await mine.getByRole("checkbox", { name: "Push: New conversation" }).isChecked()).toBe(
      false,
    );
    await dismissToasts(again);
    await shot(again, "notifications-own-choice");
    await again.setViewportSize({ width: 390, height: 844 });
    await again.emulateMedia({ colorScheme: "dark" });
    await sleep(300);
    await shot(again, "notifications-phone-dark");
    await checkAgain();
  } catch (error) {
    await shot(again, "notifications-failure");
    throw error;
  }
  await second.close();
  await sleep(1000);

  const token = JSON.parse(
    state.origins[0]?.localStorage.find((e) => e.name === "porthole.session")?.value ?? "{}",
  ).accessToken as string;
  const transport = createPortholeTransport(server.url, { getToken: () => token });
  const { widgets } = await createClient(WidgetService, transport).listWidgets({});
  const quiet = await visitorWrites(widgets[0]?.publicToken ?? "", "Nobody pushed?");
  await sleep(4000);
  expect(pushesFor(quiet)).toEqual([]);
  expect(push.failures).toEqual([]);
});

/**
 * The dashboard's service worker registration, and a DevTools session that can deliver
 * pushes to it.
 */
async function serviceWorkerRegistration(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  const found = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const mine = registrations.find(
        (r: { scopeURL: string; isDeleted: boolean }) =>
          r.scopeURL === `${server.url}/app/` && !r.isDeleted,
      );
      if (mine) resolve(mine.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  return { cdp, registrationId: await found };
}

/** The notifications the dashboard's service worker shows now. */
async function shownNotifications(page: Page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/app/");
    const shown = (await registration?.getNotifications()) ?? [];
    return shown.map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data as unknown,
      requireInteraction: n.requireInteraction,
      renotify: (n as Notification & { renotify?: boolean }).renotify,
    }));
  });
}

/**
 * Clicks the notification tagged `tag` as far as a test can: DevTools has no click, so the
 * worker gets a `notificationclick` made in its own scope (untrusted, so its `waitUntil`
 * throws, after the handler has started opening the conversation).
 */
async function clickNotification(context: BrowserContext, tag: string): Promise<void> {
  const [worker] = context.serviceWorkers();
  if (!worker) throw new Error("no service worker");
  await worker.evaluate(async (wanted) => {
    const scope = self as unknown as {
      registration: { getNotifications: () => Promise<{ tag: string }[]> };
      dispatchEvent: (e: Event) => boolean;
    };
    const all = await scope.registration.getNotifications();
    const notification = all.find((n) => n.tag === wanted);
    const Click = (
      globalThis as unknown as { NotificationEvent: new (t: string, i: unknown) => Event }
    ).NotificationEvent;
    try {
      scope.dispatchEvent(new Click("notificationclick", { notification }));
    } catch {
      // waitUntil refuses an untrusted event; the handler's work has begun.
    }
  }, tag);
}
