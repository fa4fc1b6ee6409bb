//! Canned responses end to end: an owner adds one in Settings (a bad shortcut is shown
//! next to its field first), opens a visitor's conversation, types `/th`, picks the response
//! from the suggestion list and sends it; the visitor receives the body with its
//! placeholders filled in. Deleting asks for confirmation. The owner marks one as bot
//! knowledge and its "Bot knowledge" badge is there after a reload. Screenshots of the
//! suggestion list and of the knowledge badge (light and dark) and of the settings card go to
//! test-results/.

import { join } from "node:path";
import {
  CannedResponseService,
  createClient,
  createPortholeTransport,
  WidgetService,
} from "@porthole/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  accessTokenOf,
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

test("create a canned response in settings, insert it with /shortcut, send it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill("olive@example.com");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(server.url, { getToken: () => token });
  // Two more, so the list has something to filter.
  const canned = createClient(CannedResponseService, transport);
  await canned.createCannedResponse({
    shortcut: "hours",
    title: "Opening hours",
    body: "We answer Monday to Friday, 9:00 to 17:00.",
  });
  await canned.createCannedResponse({
    shortcut: "refund",
    title: "Refund policy",
    body: "Refunds reach your account within 5 working days.",
  });

  // Settings: a new canned response; the server's field error shows next to the field.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("list", { name: "Canned responses" }).getByText("/hours").waitFor();
  await page.getByRole("button", { name: "New", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "New canned response" });
  await dialog.getByLabel("Shortcut").fill("thank you");
  await dialog.getByLabel("Title (optional)").fill("Thanks for writing");
  await dialog
    .getByLabel("Message")
    .fill(
      "Thanks for reaching out, {{visitor.name}}! I'm {{agent.name}} and I'll help you. " +
        "We'll also write to {{visitor.email}}.",
    );
  await dialog.getByRole("button", { name: "Add canned response" }).click();
  await dialog.getByText('may only contain lowercase letters a-z, digits, "-" and "_"').waitFor();
  await dialog.getByText("{{visitor.name}}", { exact: true }).waitFor(); // placeholders documented
  await shot(page, "canned-editor-error");
  await dialog.getByLabel("Shortcut").fill("thanks");
  await dialog.getByRole("button", { name: "Add canned response" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("list", { name: "Canned responses" }).getByText("/thanks").waitFor();
  await page.getByRole("button", { name: "Dismiss" }).click();
  await shot(page, "canned-settings");

  // A visitor with a name and e-mail writes in.
  const widgets = createClient(WidgetService, transport);
  const { widget } = await widgets.createWidget({ name: "Shop" });
  const visitor = visitorClient(server.url);
  await visitor.start(widget?.publicToken ?? "");
  await visitor.client.updateVisitor({ name: "Nina", email: "nina@example.com" });
  const { conversation } = await visitor.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  await visitor.client.sendMessage({ conversationId, body: "Hello?", clientKey: "1" });

  await page.getByRole("link", { name: "Inbox" }).click();
  await page.getByRole("link", { name: /Nina/ }).click();
  const pane = page.getByRole("region", { name: "Conversation" });
  const reply = pane.getByLabel("Reply to the visitor");
  await reply.click();
  await reply.pressSequentially("Sure! /");
  const list = pane.getByRole("listbox", { name: "Canned responses" });
  const shortcuts = () =>
    list
      .getByRole("option")
      .evaluateAll((options) => options.map((o) => o.querySelector("span")?.textContent ?? ""));
  await expect.poll(shortcuts).toEqual(["/hours", "/refund", "/thanks"]);
  await page.keyboard.press("ArrowDown");
  // The list previews bodies as they will be sent.
  await list.getByText("Thanks for reaching out, Nina! I'm Olive Owner").waitFor();
  await shot(page, "canned-suggestions");
  // Let colour transitions finish before each themed shot.
  const settle = () => new Promise((r) => setTimeout(r, 500));
  await page.emulateMedia({ colorScheme: "dark" });
  await settle();
  await shot(page, "canned-suggestions-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await settle();
  await shot(page, "canned-suggestions-phone-dark");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });
  await settle();
  // Filtering by title, then by shortcut.
  await reply.pressSequentially("polic");
  await expect.poll(shortcuts).toEqual(["/refund"]);
  for (let i = 0; i < 5; i++) await reply.press("Backspace");
  await reply.pressSequentially("th");
  await expect.poll(shortcuts).toEqual(["/thanks"]);

  await page.keyboard.press("Enter");
  await list.waitFor({ state: "detached" });
  const expected =
    "Sure! Thanks for reaching out, Nina! I'm Olive Owner and I'll help you. " +
    "We'll also write to nina@example.com.";
  expect(await reply.inputValue()).toBe(expected);
  // The list is closed, so Enter sends again.
  await page.keyboard.press("Enter");
  await expect.poll(() => reply.inputValue()).toBe("");
  await pane.getByText(expected).waitFor();
  await expect
    .poll(async () => {
      const { messages } = await visitor.client.listMessages({ conversationId });
      return messages.map((m) => m.body);
    })
    .toContain(expected);

  // Deleting asks first.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Delete /refund" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete /refund?" });
  await confirm.getByRole("button", { name: "Delete" }).click();
  await confirm.waitFor({ state: "detached" });
  await expect
    .poll(async () => (await canned.listCannedResponses({})).cannedResponses.map((c) => c.shortcut))
    .toEqual(["hours", "thanks"]);

  // Marking one as bot knowledge: the switch in its editor, the badge after a reload.
  await page.getByRole("button", { name: "Edit /hours" }).click();
  const edit = page.getByRole("dialog", { name: "Edit /hours" });
  const knowledge = edit.getByRole("switch", { name: /The AI bot may answer from this/ });
  await expect.poll(() => knowledge.getAttribute("aria-checked")).toBe("false");
  await knowledge.click();
  await expect.poll(() => knowledge.getAttribute("aria-checked")).toBe("true");
  await settle();
  await shot(page, "canned-knowledge-editor");
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "detached" });
  await expect
    .poll(async () =>
      (await canned.listCannedResponses({})).cannedResponses.map((c) => [c.shortcut, c.knowledge]),
    )
    .toEqual([
      ["hours", true],
      ["thanks", false],
    ]);
  await page.reload();
  const cards = page.getByRole("list", { name: "Canned responses" });
  const hoursRow = cards.getByRole("listitem").filter({ hasText: "/hours" });
  await hoursRow.getByText("Bot knowledge").waitFor();
  expect(
    await cards
      .getByRole("listitem")
      .filter({ hasText: "/thanks" })
      .getByText("Bot knowledge")
      .count(),
  ).toBe(0);
  await page.getByText("never shown to visitors as sources").waitFor();
  for (const t of await page.getByRole("button", { name: "Dismiss" }).all()) await t.click();
  await cards.scrollIntoViewIfNeeded();
  await shot(page, "canned-knowledge");
  await page.emulateMedia({ colorScheme: "dark" });
  await settle();
  await shot(page, "canned-knowledge-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await context.close();
});
