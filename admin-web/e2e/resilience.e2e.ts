//! What must survive real life: expired access tokens refreshed by two tabs at once without
//! killing the session (rotating refresh tokens), a server restart while the dashboard is
//! open (reconnect with the cursor, no gaps, no duplicates), and the visitor's page changes
//! arriving live.

import { createClient, createPortholeTransport, WidgetService } from "@porthole/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  accessTokenOf,
  launchBrowser,
  type RunningServer,
  startServer,
  visitorClient,
} from "./harness";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // The long-inbox test seeds 62 visitors from this one address, above the default
  // 60 sessions per address in 10 minutes; the other limits stay at their defaults.
  server = await startServer({ PORTHOLE_RATE_LIMITS: "sessions_per_ip=200/10m" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const storedSession = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(localStorage.getItem("porthole.session") ?? "null") as {
        refreshToken: string;
      } | null,
  );

test("refresh from two tabs, server restart, live visitor page", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Rita Resilient");
  await page.getByLabel("Work e-mail").fill("rita@example.com");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Sturdy");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  // Two tabs whose access token has expired refresh at the same time.
  const before = await storedSession(page);
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem("porthole.session") ?? "{}");
    localStorage.setItem("porthole.session", JSON.stringify({ ...s, accessExpiresAt: 0 }));
  });
  const second = await context.newPage();
  await Promise.all([page.reload(), second.goto(`${server.url}/app/inbox`)]);
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await second.getByRole("heading", { name: "Inbox" }).waitFor();
  const after = await storedSession(page);
  expect(after?.refreshToken).toBeTruthy();
  expect(after?.refreshToken).not.toBe(before?.refreshToken);
  // Both tabs still work after another reload: the session was not revoked.
  await second.reload();
  await second.getByTestId("inbox-empty").waitFor();
  await second.close();

  // Profile: a new name, a new password; this browser stays signed in after its access
  // token expires (the password change revoked the old refresh tokens).
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Display name").fill("Rita R.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("Profile saved").first().waitFor();
  await page.getByLabel("Current password").fill("wrong password");
  await page.getByLabel("New password").fill("an even longer password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("This is not your current password.").waitFor();
  await page.getByLabel("Current password").fill("a long enough password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed").first().waitFor();
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem("porthole.session") ?? "{}");
    localStorage.setItem("porthole.session", JSON.stringify({ ...s, accessExpiresAt: 0 }));
  });
  await page.goto(`${server.url}/app/inbox`);
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  // Sign out, and in again with the new password.
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByLabel("E-mail").fill("rita@example.com");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Wrong e-mail or password.").waitFor();
  await page.getByLabel("Password").fill("an even longer password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menu").getByText("Rita R.").waitFor();
  await page.keyboard.press("Escape");

  // A visitor starts a conversation; the agent opens it.
  const token = await accessTokenOf(page);
  const widgets = createClient(
    WidgetService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
  const { widget } = await widgets.createWidget({ name: "Site" });
  const visitor = visitorClient(server.url);
  await visitor.start(widget?.publicToken ?? "");
  await visitor.client.updateVisitor({ name: "Victor Visitor" });
  await visitor.client.recordPageView({ url: "https://sturdy.test/", title: "Home · Sturdy" });
  const { conversation } = await visitor.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  await visitor.client.sendMessage({ conversationId, body: "Before the restart", clientKey: "1" });
  await page.getByRole("link", { name: /Victor Visitor/ }).click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByText("Before the restart").waitFor();

  // The visitor moves to another page: the panel follows live.
  await visitor.client.recordPageView({
    url: "https://sturdy.test/pricing",
    title: "Pricing · Sturdy",
  });
  await page.getByTestId("current-page").getByText("Pricing · Sturdy").waitFor();

  // The server goes away: the dashboard says so, and comes back by itself.
  await server.kill();
  await page.getByText("Reconnecting…").first().waitFor();
  await server.restart();
  await visitor.client.sendMessage({ conversationId, body: "After the restart", clientKey: "2" });
  await pane.getByText("After the restart").waitFor({ timeout: 45_000 });
  await page.getByText("Live", { exact: true }).waitFor();
  // Exactly once, and in order.
  await visitor.client.sendMessage({ conversationId, body: "And once more", clientKey: "3" });
  await pane.getByText("And once more").waitFor();
  const bodies = await pane.locator("div.whitespace-pre-wrap").allTextContents();
  expect(bodies.filter((b) => b === "After the restart")).toHaveLength(1);
  expect(
    bodies.filter((b) => b.startsWith("Before") || b.startsWith("After") || b.startsWith("And")),
  ).toEqual(["Before the restart", "After the restart", "And once more"]);
  await context.close();
});

test("a long inbox pages in as the agent scrolls", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Paula Pager");
  await page.getByLabel("Work e-mail").fill("paula@example.com");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Busy");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  const token = await accessTokenOf(page);
  const widgets = createClient(
    WidgetService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
  const { widget } = await widgets.createWidget({ name: "Site" });
  const total = 62;
  const write = async (i: number) => {
    const visitor = visitorClient(server.url);
    await visitor.start(widget?.publicToken ?? "");
    await visitor.client.updateVisitor({ name: `Visitor number ${i}` });
    const { conversation } = await visitor.client.startConversation({});
    await visitor.client.sendMessage({
      conversationId: conversation?.id ?? "",
      body: `Question ${i}`,
      clientKey: "1",
    });
  };
  for (let i = 0; i < total; i++) await write(i);
  const rows = page.getByRole("list", { name: "Conversations" }).getByRole("link");
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(50);
  await rows.last().scrollIntoViewIfNeeded();
  await expect.poll(() => rows.count()).toBe(total);
  // Newest first, each once.
  const names = await rows.locator("span.truncate").allTextContents();
  const visitors = names.filter((n) => n.startsWith("Visitor number"));
  expect(new Set(visitors).size).toBe(total);
  expect(visitors[0]).toBe(`Visitor number ${total - 1}`);
  await context.close();
});
