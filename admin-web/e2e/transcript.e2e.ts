//! The transcript's lines on a conversation's course, in the real dashboard: routing's
//! assignment, a transfer, resolving, reopening by hand and by the visitor's message arrive
//! live as small centred lines with their time, in order, between the messages — not
//! bubbles, not notes, never the list's preview, never unread, never shown to the visitor.
//! A system message a member sends through the API (an integration's) looks the same.
//! Screenshots go to test-results/ (transcript-*.png).

import { join } from "node:path";
import {
  AuthService,
  ConversationService,
  createClient,
  createPortholeTransport,
  Role,
  SenderType,
  WidgetService,
  WorkspaceService,
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

/** A screenshot once transitions and fade-ins have ended (endless spinners aside). */
async function shot(page: Page, name: string) {
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path: join(resultsDir, `transcript-${name}.png`) });
}

/** The system lines of the open conversation, as read out, without their times. */
async function lines(page: Page): Promise<string[]> {
  const labels = await page
    .getByRole("region", { name: "Conversation" })
    .getByTestId("system-line")
    .getByRole("note")
    .evaluateAll((notes) => notes.map((n) => n.getAttribute("aria-label") ?? ""));
  return labels.map((label) => label.replace(/, [^,]+$/, ""));
}

test("assigning, resolving and reopening leave lines in the transcript, in order", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await collectCspViolations(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olivia Owner");
  await page.getByLabel("Work e-mail").fill("olivia@transcript.test");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Transcript Co");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(server.url, { getToken: () => token });
  const widgets = createClient(WidgetService, transport);
  const workspace = createClient(WorkspaceService, transport);
  const conversations = createClient(ConversationService, transport);
  const { widget } = await widgets.createWidget({ name: "Shop" });
  // Sam joins as an agent (and never opens the dashboard: routing passes him by).
  const { inviteToken } = await workspace.createInvite({
    email: "sam@transcript.test",
    role: Role.AGENT,
  });
  await createClient(AuthService, createPortholeTransport(server.url)).acceptInvite({
    inviteToken,
    password: "a long enough password",
    displayName: "Sam Agent",
  });
  await page.reload();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  // Vera writes; routing gives the conversation to Olivia, whose dashboard is open.
  const vera = visitorClient(server.url);
  await vera.start(widget?.publicToken ?? "");
  await vera.client.updateVisitor({ name: "Vera Visitor" });
  const { conversation } = await vera.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  const say = (body: string, clientKey: string) =>
    vera.client.sendMessage({ conversationId, body, clientKey });
  await say("Hello, my order has not arrived.", "v1");

  const row = page.getByRole("list", { name: "Conversations" }).getByRole("link", {
    name: /Vera Visitor/,
  });
  await row.click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByText("Hello, my order has not arrived.").waitFor();
  await expect.poll(() => lines(page)).toEqual(["Assigned to Olivia Owner"]);

  // Transferred to Sam from the header's menu.
  await pane.getByRole("button", { name: /^Assignee:/ }).click();
  await page.getByRole("menuitem", { name: /Sam Agent/ }).click();
  await expect
    .poll(() => lines(page))
    .toEqual([
      "Assigned to Olivia Owner",
      "Transferred from Olivia Owner to Sam Agent by Olivia Owner",
    ]);

  // Resolved, then reopened by hand.
  await pane.getByRole("button", { name: "Resolve" }).click();
  await pane.getByRole("button", { name: "Reopen" }).waitFor();
  await pane.getByRole("button", { name: "Reopen" }).click();
  await pane.getByRole("button", { name: "Resolve" }).waitFor();
  // Resolved again; Vera's next message reopens it, its line before her words.
  await pane.getByRole("button", { name: "Resolve" }).click();
  await pane.getByRole("button", { name: "Reopen" }).waitFor();
  await say("Sorry, one more thing: can I change the address?", "v2");
  const expected = [
    "Assigned to Olivia Owner",
    "Transferred from Olivia Owner to Sam Agent by Olivia Owner",
    "Resolved by Olivia Owner",
    "Reopened by Olivia Owner",
    "Resolved by Olivia Owner",
    "Reopened by a message from Vera Visitor",
  ];
  await expect.poll(() => lines(page)).toEqual(expected);

  // Between the messages, in the stored order: the reopening line just before Vera's words.
  const reopened = pane.getByRole("note", { name: /^Reopened by a message from Vera Visitor/ });
  const words = await pane
    .getByText("Sorry, one more thing: can I change the address?")
    .elementHandle();
  expect(
    await reopened.evaluate(
      (line, after) => Boolean(after && line.compareDocumentPosition(after) & 4),
      words,
    ),
  ).toBe(true);

  // Lines are not notes, not bubbles; the list shows Vera's words and counts only her
  // messages as unread; the visitor never sees a line.
  expect(await pane.getByTestId("note").count()).toBe(0);
  expect(await pane.getByText("Internal note").count()).toBe(0);
  await row.getByText("can I change the address?").waitFor();
  const stored = (await conversations.getConversation({ conversationId })).conversation;
  expect(stored?.lastMessagePreview).toBe("Sorry, one more thing: can I change the address?");
  const seen = (await vera.client.listMessages({ conversationId })).messages;
  expect(seen.map((m) => m.body)).toEqual([
    "Hello, my order has not arrived.",
    "Sorry, one more thing: can I change the address?",
  ]);
  await shot(page, "lines-desktop-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "lines-desktop-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // A system message a member sends (an integration's), internal or not, is a line too.
  await conversations.sendConversationMessage({
    conversationId,
    body: "Order 77 was refunded in the shop",
    internal: true,
    clientKey: "sys-1",
    senderType: SenderType.SYSTEM,
  });
  await conversations.sendConversationMessage({
    conversationId,
    body: "A courier has been booked",
    clientKey: "sys-2",
    senderType: SenderType.SYSTEM,
  });
  await expect
    .poll(() => lines(page))
    .toEqual([...expected, "Order 77 was refunded in the shop", "A courier has been booked"]);
  expect(await pane.getByTestId("note").count()).toBe(0);
  await shot(page, "system-messages-desktop");
  expect(await cspViolations(page)).toEqual([]);

  // On a phone: the lines fit the narrow transcript.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
  });
  const mobile = await phone.newPage();
  await mobile.goto(`${server.url}/app/login`);
  await mobile.getByLabel("E-mail").fill("olivia@transcript.test");
  await mobile.getByLabel("Password").fill("a long enough password");
  await mobile.getByRole("button", { name: "Sign in" }).click();
  await mobile.getByRole("heading", { name: "Inbox" }).waitFor();
  await mobile.goto(`${server.url}/app/inbox/${conversationId}`);
  await expect.poll(() => lines(mobile)).toHaveLength(expected.length + 2);
  await shot(mobile, "lines-phone");
  await phone.close();
  await context.close();
});
