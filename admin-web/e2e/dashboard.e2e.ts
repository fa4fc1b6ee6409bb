//! The dashboard end to end: sign up, create and edit a widget, a visitor's message arrives
//! live, the agent replies and writes a note (which the visitor never gets), resolves, the
//! visitor rates; then a teammate joins through an invite link and sees the same inbox.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
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

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(resultsDir, `${name}.png`) });
}

describe("agent dashboard", () => {
  test("sign up, widget, live chat, note, resolve, invite", async () => {
    const owner = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await owner.newPage();
    const consoleErrors: string[] = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    try {
      await run(page, consoleErrors);
    } catch (error) {
      await shot(page, "failure-owner");
      for (const other of browser.contexts().flatMap((c) => c.pages())) {
        if (other !== page) await shot(other, "failure-teammate");
      }
      throw error;
    }
    await owner.close();
  });
});

function conversationPane(page: Page) {
  return page.getByRole("region", { name: "Conversation" });
}

async function run(page: Page, consoleErrors: string[]) {
  // Sign up.
  await page.goto(`${server.url}/app/`);
  await page.getByRole("link", { name: "Create a workspace" }).click();
  await page.getByLabel("Your name").fill("Olivia Owner");
  await page.getByLabel("Work e-mail").fill("olivia@example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Company or workspace name").fill("Acme");
  await page.getByRole("button", { name: "Create workspace" }).click();
  // The server's field error shows under the password field.
  await page.getByText(/at least 8/i).waitFor();
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByText("All caught up").waitFor();

  // Create a widget and edit it.
  await page.getByRole("link", { name: "Widgets" }).click();
  await page.getByRole("button", { name: "New widget" }).first().click();
  await page.getByLabel("Name").fill("Main site");
  await page.getByRole("button", { name: "Create widget" }).click();
  await page.getByLabel("Widget name").waitFor();
  // A bad colour is refused by the server and shown next to the field.
  await page.getByLabel("Main colour", { exact: true }).fill("blue");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page
    .getByText(/#rrggbb|colour|color/i)
    .first()
    .waitFor();
  await page.getByLabel("Main colour", { exact: true }).fill("#0f766e");
  await page.getByRole("button", { name: "Texts" }).click();
  await page.getByLabel("Welcome title").fill("Hello from Acme");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Widget saved").first().waitFor();
  await page.getByRole("button", { name: "Appearance" }).click();
  // The live preview is the real widget (in a sandboxed frame), following unsaved edits.
  const preview = page.frameLocator('[data-testid="widget-preview"]').locator("[data-porthole]");
  await preview.getByRole("heading", { name: "Hello from Acme" }).waitFor();
  const headerColour = () =>
    preview.locator(".head").evaluate((el) => getComputedStyle(el).backgroundColor);
  await expect.poll(headerColour).toBe("rgb(15, 118, 110)");
  await page.getByLabel("Main colour", { exact: true }).fill("#b45309");
  await expect.poll(headerColour).toBe("rgb(180, 83, 9)");
  await page.getByRole("button", { name: "Offline", exact: true }).click();
  await preview.getByRole("button", { name: "Leave a message" }).waitFor();
  await page.getByRole("button", { name: "Conversation", exact: true }).click();
  await page.getByLabel("Main colour", { exact: true }).fill("#0f766e");
  await shot(page, "widget-settings");
  // Business hours: a day closing before it opens is refused next to that day.
  await page.getByRole("button", { name: "Business hours" }).click();
  await page.getByRole("switch", { name: /Use business hours/ }).click();
  await page.getByLabel("monday closes").fill("08:00");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("end must be after start").waitFor();
  await page.getByLabel("monday closes").fill("18:00");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await shot(page, "widget-hours");
  await page.getByRole("button", { name: "Install & security" }).click();
  const snippet = await page.getByTestId("embed-snippet").textContent();
  expect(snippet).toContain("<script");
  const token = (await page.getByTestId("public-token").textContent())?.trim() ?? "";
  await page.getByLabel("Domains").fill("bad domain!");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("“bad domain!” must be a host name").waitFor();
  await page.getByLabel("Domains").fill("acme.test\n*.acme.test");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await shot(page, "widget-install");
  expect(token.length).toBeGreaterThan(8);

  await page.getByRole("link", { name: "All widgets" }).click();
  await page.getByRole("link", { name: /Main site/ }).waitFor();
  await shot(page, "widgets");

  // Back to the inbox; a visitor writes.
  await page.getByRole("link", { name: /Inbox/ }).first().click();
  await page.getByText("All caught up").waitFor();
  const visitor = visitorClient(server.url);
  await visitor.start(token);
  await visitor.client.updateVisitor({
    name: "Ada Lovelace",
    email: "ada@example.org",
    attributes: { plan: "pro" },
  });
  await visitor.client.recordPageView({
    url: "https://acme.test/pricing",
    title: "Pricing · Acme",
  });
  const started = await visitor.client.startConversation({
    sourceUrl: "https://acme.test/pricing",
    sourceTitle: "Pricing · Acme",
  });
  const conversationId = started.conversation?.id ?? "";
  await visitor.client.sendMessage({
    conversationId,
    body: "Hello, do you ship to Norway?",
    clientKey: "v-1",
  });

  // It appears live, unread.
  const row = page.getByRole("link", { name: /Ada Lovelace/ });
  await row.waitFor();
  await row.getByTitle("1 unread").waitFor();
  await expect.poll(() => page.title()).toMatch(/^\(1\)/);
  await shot(page, "inbox-live");

  // The agent opens it: the message is there, and it is marked read.
  await row.click();
  await conversationPane(page).getByText("Hello, do you ship to Norway?").waitFor();
  await expect.poll(() => page.title()).not.toMatch(/^\(/);
  await page.getByTestId("current-page").getByText("Pricing · Acme").waitFor();

  // The visitor types, the agent sees it.
  await visitor.client.setTyping({ conversationId, typing: true });
  await page.getByText("Ada Lovelace is typing").waitFor();

  // Reply with Enter.
  const reply = page.getByLabel("Reply to the visitor");
  await reply.fill("Yes, we ship to Norway in 3–5 days.");
  await reply.press("Enter");
  await conversationPane(page).getByText("Yes, we ship to Norway in 3–5 days.").waitFor();
  await expect
    .poll(async () =>
      (await visitor.client.listMessages({ conversationId })).messages.map((m) => m.body),
    )
    .toContain("Yes, we ship to Norway in 3–5 days.");

  // An internal note, visibly different, never reaches the visitor.
  await page.getByRole("tab", { name: "Note" }).click();
  const note = page.getByLabel("Internal note");
  await note.fill("VIP: offer free shipping");
  await note.press("Enter");
  await page.getByTestId("note").getByText("VIP: offer free shipping").waitFor();
  const agentSide = await visitor.client.listMessages({ conversationId });
  expect(agentSide.messages.map((m) => m.body)).not.toContain("VIP: offer free shipping");
  expect(agentSide.messages.every((m) => !m.internal)).toBe(true);

  // More from the visitor, live.
  await visitor.client.sendMessage({
    conversationId,
    body: "Perfect, thank you!",
    clientKey: "v-2",
  });
  await conversationPane(page).getByText("Perfect, thank you!").waitFor();

  // Resolve with the keyboard (e), then the visitor rates.
  await page.getByRole("tab", { name: "Reply" }).click();
  await page.locator("body").click({ position: { x: 700, y: 400 } });
  await page.keyboard.press("e");
  await page.getByText("Conversation resolved").first().waitFor();
  await visitor.client.rateConversation({
    conversationId,
    rating: 5,
    comment: "Fast and friendly",
  });
  await conversationPane(page).getByText("“Fast and friendly”").waitFor();
  await shot(page, "conversation");

  // Invite a teammate.
  await page.getByRole("link", { name: "Team" }).click();
  await page.getByRole("button", { name: "Invite teammate" }).click();
  await page.getByLabel("E-mail").fill("sam@example.com");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = await page.getByLabel("Invitation link").inputValue();
  expect(link).toContain("/app/invite/");
  await page.getByRole("button", { name: "Done" }).click();
  await page
    .getByRole("list", { name: "Pending invitations" })
    .getByText("sam@example.com")
    .waitFor();
  await shot(page, "team");

  // The teammate accepts in another browser and sees the same inbox.
  const teammate = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page2 = await teammate.newPage();
  await page2.goto(link);
  await page2.getByRole("heading", { name: "Join your team on Porthole" }).waitFor();
  await shot(page2, "accept-invite");
  await page2.getByLabel("Your name").fill("Sam Agent");
  await page2.getByLabel("Password").fill("another long password");
  await page2.getByRole("button", { name: "Accept invitation" }).click();
  await page2.getByRole("heading", { name: "Inbox" }).waitFor();
  await page2.goto(`${server.url}/app/inbox?status=all`);
  await page2.getByRole("link", { name: /Ada Lovelace/ }).waitFor();

  // A new visitor message reopens the conversation; both dashboards see it live.
  await visitor.client.sendMessage({
    conversationId,
    body: "One more question…",
    clientKey: "v-3",
  });
  await page2
    .getByRole("link", { name: /Ada Lovelace/ })
    .getByText("One more question…")
    .waitFor();
  await page.getByRole("link", { name: /Inbox/ }).first().click();
  await page
    .getByRole("link", { name: /Ada Lovelace/ })
    .getByText("One more question…")
    .waitFor();

  // The owner sees Sam in the team.
  await page.getByRole("link", { name: "Team" }).click();
  await page.getByRole("list", { name: "Members" }).getByText("Sam Agent").waitFor();

  expect(consoleErrors).toEqual([]);
  await teammate.close();
}
