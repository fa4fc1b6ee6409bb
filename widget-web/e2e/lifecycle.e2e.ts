//! The conversation lifecycle (issue 18, items 4 and 6), end to end in Chromium against the
//! real server: with the widget's quiet period at 0, the visitor's next message after the
//! agent resolved goes into a new conversation (a file too), the old one keeping its messages
//! and rating; the list of the visitor's conversations from the header, an earlier one read
//! only; "Start a new conversation" from a resolved one within the quiet period; and the
//! offline form's e-mail field, optional on a server that sends no e-mail and required on one
//! that does. Screenshots, light and dark, desktop 1280×800 and phone 390×844, go to
//! widget-web/test-results.

import { ConversationStatus, PreChatField } from "@porthole/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../admin-web/e2e/harness.js";
import { type Mailbox, startMailbox } from "../../admin-web/e2e/mailbox.js";
import {
  type Browser,
  configure,
  conversationOf,
  desktop,
  isDark,
  launcher,
  panel,
  phone,
  type Setup,
  setOffline,
  setUp,
  shot,
  unreadableText,
  visit,
  widget,
} from "./helpers.js";

let browser: Browser;
let main: Setup;

const composer = (page: Page) => widget(page).getByRole("textbox", { name: "Type a message…" });
const bubbles = (page: Page) => widget(page).locator(".row .bubble").allTextContents();
const listButton = (page: Page) => widget(page).getByRole("button", { name: "Your conversations" });
const entries = (page: Page) => widget(page).locator(".conv");
const greeting = async (page: Page) => (await bubbles(page))[0] ?? "";

/** Waits until the visitor's message `body` is marked delivered. */
const delivered = (page: Page, body: string) =>
  widget(page).locator(".row.me", { hasText: body }).locator("[data-mark=delivered]").waitFor();

/** Writes `body` in the composer and sends it with Enter. */
async function write(page: Page, body: string): Promise<void> {
  await composer(page).fill(body);
  await composer(page).press("Enter");
}

/** The widget's settings for these tests: no pre-chat form, and `reopen` as the quiet period. */
const lifecycleSettings = (reopen?: number) =>
  configure(main, (s) => {
    if (!s.behavior) return;
    s.behavior.preChatName = PreChatField.HIDDEN;
    s.behavior.preChatEmail = PreChatField.HIDDEN;
    s.behavior.reopenWithinMinutes = reopen;
  });

beforeAll(async () => {
  browser = await launchBrowser();
  main = await setUp(browser);
});

afterAll(async () => {
  main?.agent.unwatch();
  await browser?.close();
  await main?.server.stop();
});

describe("after the quiet period", () => {
  it("quiet period 0: the next message after resolve starts a new conversation; the old keeps its rating; the list shows both", async () => {
    const restore = await lifecycleSettings(0);
    try {
      const context = await main.newContext({ ...desktop, colorScheme: "light" });
      const page = await visit(context, `${main.server.url}/demo`);
      await launcher(page).click();
      await write(page, "Do you have decaf beans?");
      const first = await conversationOf(main.agent, "Do you have decaf beans?");
      await main.agent.reply(first, "Yes: the Swiss water decaf.");
      await widget(page).getByText("Yes: the Swiss water decaf.").waitFor();

      // Resolved by the agent: the visitor rates it, and a new conversation is offered.
      await main.agent.conversations.resolveConversation({ conversationId: first });
      const rating = widget(page).locator("form[data-rating]");
      await rating.waitFor();
      await rating.getByRole("button", { name: "4 of 5" }).click();
      await rating.getByRole("button", { name: "Send rating" }).click();
      await widget(page).getByText("Thanks for your feedback!").waitFor();
      expect(
        await widget(page).getByRole("button", { name: "Start a new conversation" }).count(),
      ).toBe(1);
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "light-desktop-resolved-rated");

      // The quiet period is over at once: the server refuses the old conversation, and the
      // message goes into a new one without a word of error.
      await write(page, "And do you sell it ground?");
      const second = await conversationOf(main.agent, "And do you sell it ground?");
      expect(second).not.toBe(first);
      const hello = await greeting(page);
      await expect.poll(() => bubbles(page)).toEqual([hello, "And do you sell it ground?"]);
      await delivered(page, "And do you sell it ground?");
      expect(await widget(page).locator("form[data-rating], [data-rated]").count()).toBe(0);
      expect(await widget(page).locator("[data-end]").count()).toBe(0);
      expect(await widget(page).locator(".err").isVisible()).toBe(false);
      // On the server: the old conversation is still resolved with its rating and without the
      // new message.
      const old = (await main.agent.conversations.getConversation({ conversationId: first }))
        .conversation;
      expect(old?.status).toBe(ConversationStatus.RESOLVED);
      expect(old?.rating).toBe(4);
      expect((await main.agent.visitorMessages(first)).map((m) => m.body)).not.toContain(
        "And do you sell it ground?",
      );
      await main.agent.reply(second, "We do, in three grinds.");
      await widget(page).getByText("We do, in three grinds.").waitFor();
      expect(await widget(page).locator("form[data-rating], [data-rated]").count()).toBe(0);
      await shot(page, "light-desktop-new-conversation");

      // The list from the header: both, newest first, with date, state and last message.
      await listButton(page).click();
      await expect.poll(() => entries(page).count()).toBe(2);
      await expect
        .poll(() => entries(page).locator(".pv").allTextContents())
        .toEqual(["We do, in three grinds.", "Yes: the Swiss water decaf."]);
      const states = await entries(page).locator(".d b").allTextContents();
      expect(states).toEqual(["Open", "Solved"]);
      expect(await entries(page).first().getAttribute("aria-current")).toBe("true");
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "light-desktop-conversations");

      // The earlier one: read only, with its rating, and the way back to the open one.
      await entries(page).nth(1).click();
      await widget(page).getByText("Yes: the Swiss water decaf.").waitFor();
      expect(await composer(page).isVisible()).toBe(false);
      await widget(page).getByText("This conversation has ended.").waitFor();
      expect(await widget(page).getByText("Thanks for your feedback!").count()).toBe(1);
      const back = widget(page).getByRole("button", { name: "Back to the current conversation" });
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "light-desktop-earlier-conversation");
      await back.click();
      await widget(page).getByText("We do, in three grinds.").waitFor();
      expect(await composer(page).isVisible()).toBe(true);

      // The same visitor on a dark phone.
      const mobile = await main.newContext({
        ...phone,
        colorScheme: "dark",
        storageState: await context.storageState(),
      });
      const small = await visit(mobile, `${main.server.url}/demo`);
      await launcher(small).tap();
      await widget(small).getByText("We do, in three grinds.").waitFor();
      expect(await isDark(small)).toBe(true);
      expect(await panel(small).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      await shot(small, "dark-phone-new-conversation");
      await listButton(small).tap();
      await expect.poll(() => entries(small).locator(".pv").allTextContents()).toHaveLength(2);
      expect(await unreadableText(small)).toEqual([]);
      await shot(small, "dark-phone-conversations");
      await entries(small).nth(1).tap();
      await widget(small).getByText("This conversation has ended.").waitFor();
      expect(await unreadableText(small)).toEqual([]);
      await shot(small, "dark-phone-earlier-conversation");
      await mobile.close();
      await context.close();
    } finally {
      await restore();
    }
  });

  it("quiet period 0: a file sent after resolve goes into the new conversation", async () => {
    const restore = await lifecycleSettings(0);
    try {
      const context = await main.newContext(desktop);
      const page = await visit(context, `${main.server.url}/demo`);
      await launcher(page).click();
      await write(page, "I'll send you the receipt.");
      const first = await conversationOf(main.agent, "I'll send you the receipt.");
      await main.agent.conversations.resolveConversation({ conversationId: first });
      await widget(page).locator("form[data-rating]").waitFor();
      const png = Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
        "base64",
      );
      await widget(page)
        .locator('input[type="file"]')
        .setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: png });
      await widget(page).locator('.bubble img[alt="receipt.png"]').waitFor();
      expect(await widget(page).locator("form[data-rating]").count()).toBe(0);
      expect(await widget(page).locator(".err").isVisible()).toBe(false);
      // The visitor's other conversation, the new one, has the file; the old one has not.
      const visitorId = (await main.agent.conversations.getConversation({ conversationId: first }))
        .conversation?.visitorId;
      const withFile = async (conversationId: string) =>
        (await main.agent.visitorMessages(conversationId)).some(
          (m) => m.attachments[0]?.fileName === "receipt.png",
        );
      const second = async () =>
        (await main.agent.conversations.listConversations({ pageSize: 200 })).conversations.find(
          (c) => c.visitorId === visitorId && c.id !== first,
        )?.id ?? "";
      await expect.poll(async () => withFile(await second())).toBe(true);
      expect(await withFile(first)).toBe(false);
      await context.close();
    } finally {
      await restore();
    }
  });
});

describe("a new conversation on request", () => {
  it("starts anew from a resolved conversation within the quiet period", async () => {
    // The default quiet period (60 minutes): without asking, the next message would reopen it.
    const restore = await lifecycleSettings(undefined);
    try {
      const context = await main.newContext({ ...desktop, colorScheme: "dark" });
      const page = await visit(context, `${main.server.url}/demo`);
      await launcher(page).click();
      await write(page, "Where is my order 1042?");
      const first = await conversationOf(main.agent, "Where is my order 1042?");
      await main.agent.reply(first, "It left the roastery this morning.");
      await main.agent.conversations.resolveConversation({ conversationId: first });
      await widget(page).locator("form[data-rating]").waitFor();
      const start = widget(page).getByRole("button", { name: "Start a new conversation" });
      expect(await isDark(page)).toBe(true);
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-desktop-resolved");

      await start.click();
      expect(await bubbles(page)).toEqual([await greeting(page)]);
      expect(await widget(page).locator("form[data-rating]").count()).toBe(0);
      expect(
        await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName ?? ""),
      ).toBe("TEXTAREA");
      await shot(page, "dark-desktop-new-conversation-empty");
      await write(page, "Another thing: do you ship to Norway?");
      const second = await conversationOf(main.agent, "Another thing: do you ship to Norway?");
      expect(second).not.toBe(first);
      await delivered(page, "Another thing: do you ship to Norway?");
      const old = (await main.agent.conversations.getConversation({ conversationId: first }))
        .conversation;
      expect(old?.status).toBe(ConversationStatus.RESOLVED);

      // The next page load shows the new conversation, and the list both.
      await page.reload();
      await panel(page).waitFor();
      await widget(page).getByText("Another thing: do you ship to Norway?").waitFor();
      expect(await widget(page).getByText("It left the roastery this morning.").count()).toBe(0);
      await listButton(page).click();
      await expect.poll(() => entries(page).count()).toBe(2);
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-desktop-conversations");

      // On a light phone, in German.
      const mobile = await main.newContext({
        ...phone,
        colorScheme: "light",
        locale: "de-DE",
        storageState: await context.storageState(),
      });
      const small = await visit(mobile, `${main.server.url}/demo`);
      await launcher(small).tap();
      await widget(small).getByText("Another thing: do you ship to Norway?").waitFor();
      await widget(small).getByRole("button", { name: "Ihre Unterhaltungen" }).tap();
      await expect
        .poll(() => entries(small).locator(".d b").allTextContents())
        .toEqual(["Offen", "Gelöst"]);
      expect(await unreadableText(small)).toEqual([]);
      await shot(small, "light-phone-conversations-de");
      await entries(small).nth(1).tap();
      await widget(small).getByText("Diese Unterhaltung ist beendet.").waitFor();
      await shot(small, "light-phone-earlier-conversation-de");
      await mobile.close();
      await context.close();
    } finally {
      await restore();
    }
  });
});

describe("the offline form's e-mail field", () => {
  let mailbox: Mailbox;
  let mailing: Setup;

  beforeAll(async () => {
    mailbox = await startMailbox();
    mailing = await setUp(browser, {
      PORTHOLE_SMTP_URL: mailbox.url,
      PORTHOLE_SMTP_FROM: "Porthole <chat@example.com>",
    });
    mailing.agent.unwatch();
    await setOffline(mailing.server.url);
  });

  afterAll(async () => {
    await mailing?.server.stop();
    await mailbox?.close();
  });

  it("is required when the server sends e-mail", async () => {
    const context = await mailing.newContext(desktop);
    const page = await visit(context, `${mailing.server.url}/demo`);
    await launcher(page).click();
    const form = widget(page).locator("form[data-offline]");
    await form.waitFor();
    expect(await form.getByLabel("E-mail", { exact: true }).count()).toBe(1);
    await form.getByLabel("Message").fill("Do you roast on Saturdays?");
    await form.getByRole("button", { name: "Leave a message" }).click();
    await form.getByText("Please fill this in.").waitFor();
    // The error joins the label's text, so the field is found by its name here.
    expect(await form.locator("input[name=email]").getAttribute("aria-invalid")).toBe("true");
    await shot(page, "light-desktop-offline-email-required");
    await context.close();
  });

  it("is optional on a server without e-mail: the message goes without an address", async () => {
    // Last on the main server: it stays offline afterwards.
    main.agent.unwatch();
    await setOffline(main.server.url);
    const restore = await lifecycleSettings(undefined);
    try {
      for (const [options, scheme, name] of [
        [desktop, "light", "light-desktop-offline-email-optional"],
        [phone, "dark", "dark-phone-offline-email-optional"],
      ] as const) {
        const context = await main.newContext({ ...options, colorScheme: scheme });
        const page = await visit(context, `${main.server.url}/demo`);
        await launcher(page).click();
        const form = widget(page).locator("form[data-offline]");
        await form.waitFor();
        const email = form.getByLabel("E-mail (optional)");
        expect(await email.count()).toBe(1);
        expect(await email.evaluate((el) => (el as HTMLInputElement).required)).toBe(false);
        const body = `Back on Monday? (${name})`;
        await form.getByLabel("Message").fill(body);
        expect(await unreadableText(page)).toEqual([]);
        await shot(page, name);
        await form.getByRole("button", { name: "Leave a message" }).click();
        await widget(page)
          .getByText("Thanks, your message was sent. We'll answer here when you come back.")
          .waitFor();
        await shot(page, `${name}-sent`);
        const inbox = await main.agent.conversations.listConversations({});
        expect(inbox.conversations.map((c) => c.lastMessagePreview)).toContain(body);
        await context.close();
      }
    } finally {
      await restore();
    }
  });
});
