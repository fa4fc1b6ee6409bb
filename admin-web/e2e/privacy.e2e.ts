//! A visitor's privacy requests end to end: an owner opens the visitor's conversation,
//! exports their data (a real download of the server's JSON, under the dashboard's
//! Content-Security-Policy), erases them after typing ERASE (the conversation leaves the
//! inbox, and a second tab with it open is closed by the feed's `visitorErased` event),
//! then finds both actions in the audit log. Screenshots of the privacy section, the erase
//! dialog and the audit log go to test-results/.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Code,
  ConnectError,
  ConversationService,
  createClient,
  createPortholeTransport,
  WidgetService,
} from "@porthole/client";
import type { Browser, Page } from "playwright-core";
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

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `${name}.png`) });

/** Page errors and the console's CSP complaints, which must stay empty. */
function watchErrors(page: Page, errors: string[], label: string) {
  page.on("pageerror", (e) => errors.push(`${label}: ${String(e)}`));
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) errors.push(`${label}: ${m.text()}`);
  });
}

test("export a visitor's data, erase them, and find both in the audit log", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await collectCspViolations(context);
  const page = await context.newPage();
  const errors: string[] = [];
  watchErrors(page, errors, "owner");
  try {
    await run(page, errors);
  } catch (error) {
    for (const [i, p] of context.pages().entries()) await shot(p, `failure-privacy-${i}`);
    throw error;
  }
  await context.close();
});

async function run(page: Page, errors: string[]) {
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill("olive@example.com");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  // A visitor with a name and e-mail writes in.
  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(server.url, { getToken: () => token });
  const { widget } = await createClient(WidgetService, transport).createWidget({ name: "Shop" });
  const visitor = visitorClient(server.url);
  const session = await visitor.start(widget?.publicToken ?? "");
  const visitorId = session.visitor?.id ?? "";
  await visitor.client.updateVisitor({ name: "Nina Patel", email: "nina@example.com" });
  const { conversation } = await visitor.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  expect(visitorId).toMatch(/^vis_/);
  const body = "Please send me everything you store about me, then delete it.";
  await visitor.client.sendMessage({ conversationId, body, clientKey: "1" });

  // A second tab has the same conversation open; the feed will close it there.
  const other = await page.context().newPage();
  watchErrors(other, errors, "second tab");
  await other.goto(`${server.url}/app/inbox/${conversationId}`);
  await other.getByRole("region", { name: "Conversation" }).getByText(body).waitFor();

  await page.bringToFront();
  await page.getByRole("link", { name: /Nina Patel/ }).click();
  await page.getByRole("region", { name: "Conversation" }).getByText(body).waitFor();
  const panel = page.getByRole("complementary", { name: "Visitor" });
  const exportButton = panel.getByRole("button", { name: "Export data" });
  await exportButton.scrollIntoViewIfNeeded();
  await panel.getByText("Privacy", { exact: true }).waitFor();
  await panel.screenshot({ path: join(resultsDir, "privacy-section.png") });

  // Export: the browser saves the server's JSON under the server's file name.
  const [download] = await Promise.all([page.waitForEvent("download"), exportButton.click()]);
  expect(download.suggestedFilename()).toBe(`visitor-${visitorId}.json`);
  expect(await download.failure()).toBeNull();
  const json = readFileSync(await download.path(), "utf8");
  expect(() => JSON.parse(json)).not.toThrow();
  expect(json).toContain(visitorId);
  expect(json).toContain(body);
  await page.getByText("Data exported", { exact: true }).waitFor();

  // Erase: the red button waits for ERASE.
  await panel.getByRole("button", { name: "Erase visitor…" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase Nina Patel?" });
  const confirm = dialog.getByRole("button", { name: "Erase for good" });
  expect(await confirm.isDisabled()).toBe(true);
  await dialog.getByLabel("Type ERASE to confirm").fill("ERASE");
  expect(await confirm.isEnabled()).toBe(true);
  // Let the dialog's entrance animation finish before the picture.
  await dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  await shot(page, "privacy-erase-dialog");
  await confirm.click();
  await dialog.waitFor({ state: "detached" });
  await page.getByText("Visitor erased", { exact: true }).waitFor();
  await expect.poll(() => new URL(page.url()).pathname).toBe("/app/inbox");
  await page.getByRole("link", { name: /Nina Patel/ }).waitFor({ state: "detached" });
  await page.getByTestId("inbox-empty").waitFor();

  // The other tab learnt it from the feed: the conversation closed and left its list.
  await other.getByText("This visitor was erased", { exact: true }).waitFor();
  await expect.poll(() => new URL(other.url()).pathname).toBe("/app/inbox");
  await other.getByRole("link", { name: /Nina Patel/ }).waitFor({ state: "detached" });

  // The server has nothing left of the conversation.
  const conversations = createClient(ConversationService, transport);
  const gone = await conversations.getConversation({ conversationId }).then(
    () => undefined,
    (e: unknown) => ConnectError.from(e).code,
  );
  expect(gone).toBe(Code.NotFound);

  // The audit log (owners only, in the navigation) has both, newest first.
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("heading", { name: "Audit log" }).waitFor();
  const table = page.getByRole("table", { name: "Audit log" });
  await table.waitFor();
  const rows = table.locator("tbody tr");
  const erasedRow = rows.filter({ hasText: "visitor.erased" });
  const exportedRow = rows.filter({ hasText: "visitor.exported" });
  await erasedRow.waitFor();
  await exportedRow.waitFor();
  expect(await erasedRow.textContent()).toContain("erased a visitor");
  expect(await erasedRow.textContent()).toContain(visitorId);
  expect(await erasedRow.textContent()).toContain("Olive Owner");
  expect(await exportedRow.textContent()).toContain("exported a visitor's data");
  const actions = await rows.evaluateAll((trs) =>
    trs.map((tr) => tr.querySelector("td:nth-child(3) .font-mono")?.textContent ?? ""),
  );
  expect(actions.indexOf("visitor.erased")).toBeLessThan(actions.indexOf("visitor.exported"));
  await shot(page, "audit-log");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await new Promise((r) => setTimeout(r, 500));
  await shot(page, "audit-log-phone-dark");

  expect(errors).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  expect(await cspViolations(other)).toEqual([]);
}
