//! Webhooks end to end, with the server POSTing to a real (local) receiver that checks every
//! request's `Porthole-Signature` with the secret the dashboard showed: an owner adds an
//! endpoint (a private address is refused next to the URL field first), copies its secret
//! from the page, and "Send test" arrives signed and shows Succeeded with status 200. The
//! receiver then answers 500 while a visitor starts a conversation and writes: the log shows
//! both deliveries pending with the receiver's error; once it answers 200 again the server's
//! retries turn them Succeeded. Redeliver sends an event again (same body, new delivery);
//! after "Rotate secret" deliveries are signed with the new secret; a disabled endpoint's
//! Redeliver is refused with the server's words; Delete asks first. Screenshots go to
//! test-results/.

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createClient, createPortholeTransport, WidgetService } from "@porthole/client";
import type { Browser, Locator, Page } from "playwright-core";
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

/** One request the receiver got, and whether its signature checked out. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's `type` and `id` (the event's). */
  type: string;
  eventId: string;
  signed: boolean;
  /** The status the receiver answered. */
  status: number;
}

/**
 * A webhook receiver on 127.0.0.1: checks each request's signature with `secret` as a real
 * one would (HMAC-SHA256 of `<t>.<body>`, at most 5 minutes old), keeps what it got, and
 * answers 500 while `failing`.
 */
interface Receiver {
  url: string;
  secret: string;
  failing: boolean;
  received: Received[];
  close: () => Promise<void>;
}

/** The message a `message.created` delivery carries. */
function messageOf(received: Received) {
  const payload = JSON.parse(received.body) as {
    data?: { message?: { body?: string; sender_type?: string; internal?: boolean } };
  };
  return payload.data?.message;
}

function verifySignature(secret: string, header: string, body: string): boolean {
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!secret || !t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    secret: "",
    failing: false,
    received: [],
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let parsed: { type?: string; id?: string } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // Kept as it came; the test fails on its type.
      }
      const status = receiver.failing ? 500 : 200;
      receiver.received.push({
        headers: req.headers,
        body,
        type: parsed.type ?? "",
        eventId: parsed.id ?? "",
        signed: verifySignature(
          receiver.secret,
          String(req.headers["porthole-signature"] ?? ""),
          body,
        ),
        status,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 200 ? '{"ok":true}' : '{"error":"down for maintenance"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/porthole-hook`;
  receiver.close = () => new Promise((done) => server.close(() => done()));
  return receiver;
}

let receiver: Receiver;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startServer({ PORTHOLE_WEBHOOK_ALLOW_NETWORKS: "127.0.0.0/8" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
});

// Transitions stopped, so that a button that just stopped loading shows its final colour.
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `${name}.png`), animations: "disabled" });

/** Waits for a dialog's opening animation to end (for a screenshot). */
const settled = (dialog: Locator) =>
  dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));

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

/** The main row of each delivery in `card`'s log whose text contains `text`. */
const rowsOf = (card: Locator, text: string): Locator =>
  card.locator("table tbody > tr:first-child").filter({ hasText: text });

/**
 * The "Message created" row whose payload contains `text`, found by opening each row's
 * details: deliveries written in one batch (the visitor's message and the transcript's
 * line for routing) share their time, so their order in the log is not fixed.
 */
async function messageRowWith(card: Locator, text: string): Promise<Locator> {
  const rows = rowsOf(card, "Message created");
  const count = await rows.count();
  for (let i = 0; i < count; i += 1) {
    const row = rows.nth(i);
    await row.getByRole("button", { name: /^Details/ }).click();
    const payload = card.getByRole("figure", { name: "Payload" });
    await payload.waitFor();
    const found = (await payload.textContent())?.includes(text) ?? false;
    await row.getByRole("button", { name: /^Details/ }).click();
    await payload.waitFor({ state: "hidden" });
    if (found) return row;
  }
  throw new Error(`no "Message created" delivery contains ${JSON.stringify(text)}`);
}

/**
 * Waits until every delivery row of `event` in `card`'s log satisfies `ok` (and there are
 * `count` of them), pressing the log's Refresh between looks when `refresh` (the log reads
 * itself again only while something in it is pending).
 */
async function waitForRows(
  card: Locator,
  event: string,
  ok: (row: string) => boolean,
  { count = 1, refresh = false, timeout = 20_000 } = {},
): Promise<string[]> {
  let seen: string[] = [];
  await expect
    .poll(
      async () => {
        if (refresh) await card.getByRole("button", { name: "Refresh" }).click();
        seen = await rowsOf(card, event).allTextContents();
        return seen.length >= count && seen.every(ok);
      },
      { timeout, interval: 500 },
    )
    .toBe(true);
  return seen;
}

test("add an endpoint, test it, watch deliveries fail and recover, rotate, disable, delete", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await collectCspViolations(context);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await signUp(page, server.url, "olive@webhooks.test");
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByText("No webhooks yet").waitFor();
    await shot(page, "webhooks-empty");

    // A private address is refused, next to the URL field.
    await page.getByRole("button", { name: "Add webhook" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add webhook" });
    const url = dialog.getByLabel("URL");
    await url.fill("http://10.0.0.1/x");
    await dialog.getByLabel("Description (optional)").fill("CRM sync");
    await dialog.getByRole("checkbox", { name: /Conversation created/ }).check();
    await dialog.getByRole("checkbox", { name: /Message created/ }).check();
    expect(await dialog.getByText("conversation.created", { exact: true }).count()).toBe(1);
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    const refusal = dialog.getByText(/10\.0\.0\.1 is a private, loopback or reserved address/);
    await refusal.waitFor();
    expect(await url.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await url.getAttribute("aria-describedby")) ?? "";
    expect(describedBy.split(" ")).toContain(await refusal.getAttribute("id"));
    await settled(dialog);
    await shot(page, "webhooks-add-refused");

    // The receiver's address is allowed on this server; the secret is shown once.
    await url.fill(receiver.url);
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    const added = page.getByRole("dialog", { name: "Webhook added" });
    const secretBox = added.getByRole("textbox", { name: "Signing secret" });
    await secretBox.waitFor();
    receiver.secret = await secretBox.inputValue();
    expect(receiver.secret).toMatch(/^whsec_[\w-]{20,}$/);
    expect(await added.getByRole("note").textContent()).toContain(
      "Store it now: it is not shown again.",
    );
    await added.getByRole("button", { name: "Copy" }).click();
    await added.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(receiver.secret);
    await shot(page, "webhooks-secret");
    await added.getByRole("button", { name: "Done" }).click();
    await added.waitFor({ state: "detached" });
    expect(await page.getByText(receiver.secret).count()).toBe(0);

    const card = page.getByRole("region", { name: receiver.url });
    expect(await card.textContent()).toContain("CRM sync");
    expect(
      await card.getByRole("list", { name: "Events" }).getByRole("listitem").allTextContents(),
    ).toEqual(["Conversation created", "Message created"]);
    expect(await card.getByRole("switch", { name: "Enabled" }).getAttribute("aria-checked")).toBe(
      "true",
    );

    // Send test: signed with the secret the page showed; Succeeded with 200 in the log.
    await card.getByRole("button", { name: "Send test" }).click();
    const [test1] = await waitForRows(card, "Test", (r) => r.includes("Succeeded"));
    expect(test1).toContain("200");
    expect(test1).toMatch(/\d+ ms|\d(\.\d)? s/);
    const tests = receiver.received.filter((r) => r.type === "webhook.test");
    expect(tests).toHaveLength(1);
    expect(tests[0]?.signed).toBe(true);
    expect(tests[0]?.headers["porthole-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(tests[0]?.headers["porthole-event"]).toBe("webhook.test");
    expect(tests[0]?.headers["porthole-delivery"]).toMatch(/^whd_/);
    await dismissToasts(page);
    await shot(page, "webhooks-test-succeeded");

    // The receiver fails; a visitor writes in.
    receiver.failing = true;
    const token = await accessTokenOf(page);
    const transport = createPortholeTransport(server.url, { getToken: () => token });
    const { widget } = await createClient(WidgetService, transport).createWidget({ name: "Shop" });
    const visitor = visitorClient(server.url);
    await visitor.start(widget?.publicToken ?? "");
    const { conversation } = await visitor.client.startConversation({});
    await visitor.client.sendMessage({
      conversationId: conversation?.id ?? "",
      body: "Do you ship to Norway?",
      clientKey: "1",
    });

    // Both deliveries fail and wait for their retry, with the receiver's words.
    const failing = (row: string) =>
      row.includes("Pending") &&
      row.includes("Last attempt failed: the receiver answered 500") &&
      /next attempt (in \d+s|due now)/.test(row);
    for (const event of ["Conversation created", "Message created"]) {
      const [row] = await waitForRows(card, event, failing, { refresh: true });
      const attempts = /(\d+) attempts?/.exec(row ?? "")?.[1];
      expect(Number(attempts)).toBeGreaterThanOrEqual(1);
      expect(row).toContain("500");
    }
    expect(receiver.received.filter((r) => r.status === 500).length).toBeGreaterThanOrEqual(2);
    expect(receiver.received.every((r) => r.signed)).toBe(true);
    // The failed answer's body, and the payload, in the details.
    const messageRow = await messageRowWith(card, "Do you ship to Norway?");
    await messageRow.getByRole("button", { name: /^Details/ }).click();
    const payload = card.getByRole("figure", { name: "Payload" });
    await payload.waitFor();
    expect(await payload.textContent()).toContain('"type": "message.created"');
    expect(await payload.textContent()).toContain("Do you ship to Norway?");
    expect(await card.getByRole("figure", { name: /^Answer \(HTTP 500/ }).textContent()).toContain(
      '"error": "down for maintenance"',
    );
    await shot(page, "webhooks-failing");
    await messageRow.getByRole("button", { name: /^Details/ }).click();

    // The receiver is fixed: the server's retries (10 s after the first attempt) succeed,
    // and the open log follows by itself while anything in it is pending.
    receiver.failing = false;
    for (const event of ["Conversation created", "Message created"]) {
      const [row] = await waitForRows(card, event, (r) => r.includes("Succeeded"), {
        timeout: 45_000,
      });
      expect(row).toContain("200");
      expect(row).not.toContain("attempt failed");
    }
    const delivered = receiver.received.filter(
      (r) => r.status === 200 && r.type !== "webhook.test",
    );
    // The conversation, the visitor's message, and the transcript's line for routing's
    // assignment (the owner's dashboard is open): lines are delivered as message.created
    // too, as internal system messages.
    expect(delivered.map((r) => r.type).sort()).toEqual([
      "conversation.created",
      "message.created",
      "message.created",
    ]);
    const messages = delivered.filter((r) => r.type === "message.created").map(messageOf);
    expect(messages.map((m) => [m?.sender_type, m?.internal, m?.body]).sort()).toEqual([
      ["system", true, "Assigned to Olive Owner"],
      ["visitor", false, "Do you ship to Norway?"],
    ]);
    expect(delivered.every((r) => r.signed)).toBe(true);
    expect(await card.textContent()).not.toContain("deliveries failed");
    await shot(page, "webhooks-recovered");

    // Redeliver: the same body (and event id) again, as a new delivery at the top.
    const before = receiver.received.length;
    const messageEvent = delivered.find((r) => messageOf(r)?.sender_type === "visitor");
    await (await messageRowWith(card, "Do you ship to Norway?"))
      .getByRole("button", { name: /^Redeliver/ })
      .click();
    await waitForRows(card, "Message created", (r) => r.includes("Succeeded"), { count: 2 });
    await expect.poll(() => receiver.received.length).toBeGreaterThan(before);
    const again = receiver.received.slice(before).find((r) => r.type === "message.created");
    expect(again?.body).toBe(messageEvent?.body);
    expect(again?.eventId).toBe(messageEvent?.eventId);
    expect(again?.headers["porthole-delivery"]).not.toBe(
      messageEvent?.headers["porthole-delivery"],
    );
    expect(again?.signed).toBe(true);

    // Rotate: the old secret no longer signs; the new one, shown once, does.
    await card.getByRole("button", { name: "Rotate secret" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Rotate the signing secret?" });
    await confirm.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = page.getByRole("dialog", { name: "New signing secret" });
    const newSecret = await rotated.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(receiver.secret);
    await settled(rotated);
    await shot(page, "webhooks-rotated");
    await rotated.getByRole("button", { name: "Done" }).click();
    const oldSecret = receiver.secret;
    receiver.secret = newSecret;
    const beforeTest = receiver.received.length;
    await card.getByRole("button", { name: "Send test" }).click();
    await waitForRows(card, "Test", (r) => r.includes("Succeeded"), { count: 2 });
    const test2 = receiver.received.slice(beforeTest).find((r) => r.type === "webhook.test");
    expect(test2?.signed).toBe(true);
    const header = String(test2?.headers["porthole-signature"] ?? "");
    expect(verifySignature(oldSecret, header, test2?.body ?? "")).toBe(false);

    // Switched off: redelivering is refused with the server's words.
    await card.getByRole("switch", { name: "Enabled" }).click();
    await expect
      .poll(() => card.getByRole("switch", { name: "Enabled" }).getAttribute("aria-checked"))
      .toBe("false");
    expect(await card.textContent()).toContain("Switched off");
    const firstRow = rowsOf(card, "Message created").first();
    await firstRow.getByRole("button", { name: /^Redeliver/ }).click();
    const refused = firstRow.getByRole("alert");
    await refused.waitFor();
    expect(await refused.textContent()).toBe("the webhook is disabled; enable it, then redeliver");
    await shot(page, "webhooks-disabled");

    // The help, with its example, then the screen on a phone in the dark.
    await dismissToasts(page);
    await page.getByText("Example in Node.js").click();
    const example = page.getByText('import { createHmac, timingSafeEqual } from "node:crypto";');
    await example.scrollIntoViewIfNeeded();
    await shot(page, "webhooks-help");
    await card.scrollIntoViewIfNeeded();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await new Promise((r) => setTimeout(r, 500));
    await shot(page, "webhooks-phone-dark");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: "light" });

    // Delete asks first; the endpoint is gone.
    await card.getByRole("button", { name: "Delete" }).click();
    const sure = page.getByRole("alertdialog", { name: "Delete this webhook?" });
    expect(await sure.textContent()).toContain(receiver.url);
    await sure.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No webhooks yet").waitFor();
    expect(await page.getByRole("region", { name: receiver.url }).count()).toBe(0);

    expect(errors).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  } catch (error) {
    await shot(page, "webhooks-failure");
    throw error;
  }
  await context.close();
});
