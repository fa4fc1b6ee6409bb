//! The dashboard as people see it: a busy inbox with attachments, notes, priorities and
//! tags, on a desktop in dark mode and on a phone. Saves screenshots to test-results/ and
//! checks the layout adapts (list or conversation on phones, back button).

import { join } from "node:path";
import { createClient, createPortholeTransport, WidgetService } from "@porthole/client";
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

async function signUp(page: Page) {
  await page.goto(`${server.url}/app/signup`);
  await shot(page, "signup");
  await page.getByLabel("Your name").fill("Nora Baker");
  await page.getByLabel("Work e-mail").fill("nora@northwind.test");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Northwind");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}

test("busy inbox on desktop (dark) and phone", async () => {
  const desktop = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    colorScheme: "dark",
  });
  const page = await desktop.newPage();
  await signUp(page);

  const token = await accessTokenOf(page);
  const widgets = createClient(
    WidgetService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
  const { widget } = await widgets.createWidget({ name: "Shop" });
  const widgetToken = widget?.publicToken ?? "";

  // Three visitors write; one sends a screenshot.
  const image = await page.screenshot({ clip: { x: 0, y: 0, width: 480, height: 300 } });
  const people = [
    {
      name: "Ada Lovelace",
      email: "ada@example.org",
      text: "Hi! Is the Ethiopia roast still in stock?",
    },
    {
      name: "Grace Hopper",
      email: "grace@example.org",
      text: "My order #1042 arrived damaged, see the photo.",
    },
    { name: "", email: "", text: "Do you ship to Canada?" },
  ];
  let damagedId = "";
  let graceVisitor = visitorClient(server.url).client;
  for (const person of people) {
    const v = visitorClient(server.url);
    await v.start(widgetToken);
    if (person.name) await v.client.updateVisitor({ name: person.name, email: person.email });
    await v.client.recordPageView({
      url: "https://northwind.test/shop/ethiopia",
      title: "Ethiopia Guji · Northwind",
    });
    const { conversation } = await v.client.startConversation({
      sourceUrl: "https://northwind.test/shop",
      sourceTitle: "Shop · Northwind",
    });
    const id = conversation?.id ?? "";
    await v.client.sendMessage({ conversationId: id, body: person.text, clientKey: "a" });
    if (person.name === "Grace Hopper") {
      damagedId = id;
      graceVisitor = v.client;
      const { attachment } = await v.client.uploadAttachment({
        conversationId: id,
        fileName: "parcel.png",
        data: image,
      });
      await v.client.sendMessage({
        conversationId: id,
        body: "",
        clientKey: "b",
        attachmentIds: [attachment?.id ?? ""],
      });
      await v.client.setTyping({ conversationId: id, typing: true });
    }
  }

  const grace = page.getByRole("link", { name: /Grace Hopper/ });
  await grace.click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByRole("img", { name: "parcel.png" }).waitFor();
  await pane
    .getByLabel("Reply to the visitor")
    .fill("So sorry about that! A replacement ships today.");
  await pane.getByLabel("Reply to the visitor").press("Enter");
  // The agent attaches a file too; the visitor receives it with a signed URL.
  await pane.locator('input[type="file"]').setInputFiles({
    name: "label.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
  });
  await pane.getByRole("list", { name: "Attachments" }).getByText("label.pdf").waitFor();
  await pane.getByRole("button", { name: "Send" }).click();
  await pane.getByRole("link", { name: /label\.pdf/ }).waitFor();
  await expect
    .poll(async () => {
      const { messages } = await graceVisitor.listMessages({ conversationId: damagedId });
      return messages.flatMap((m) =>
        m.attachments.map((a) => `${a.fileName} ${a.url.startsWith("http")}`),
      );
    })
    .toContain("label.pdf true");
  await page.getByRole("tab", { name: "Note" }).click();
  await pane.getByLabel("Internal note").fill("Refund shipping, courier claim #88-231 opened.");
  await pane.getByLabel("Internal note").press("Enter");
  await pane.getByText("Refund shipping, courier claim #88-231 opened.").waitFor();
  await pane.getByRole("button", { name: /Priority/ }).click();
  await page.getByRole("menuitem", { name: "Urgent" }).click();
  await pane.getByRole("button", { name: /tags/i }).click();
  await page.getByLabel("New tag").fill("damaged");
  await page.getByLabel("New tag").press("Enter");
  await page.getByLabel("New tag").fill("refund");
  await page.getByLabel("New tag").press("Enter");
  await page.keyboard.press("Escape");
  await grace.getByText("Urgent").waitFor();
  // Let the visitor's typing indicator show.
  await page.getByText("Grace Hopper is typing").waitFor();
  await shot(page, "conversation-dark");

  // Narrower windows keep everything reachable.
  for (const width of [1024, 800]) {
    await page.setViewportSize({ width, height: 760 });
    await pane.getByRole("button", { name: "Resolve" }).waitFor();
    await shot(page, `conversation-${width}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // Keyboard: j/k move through the list.
  await page.locator("body").click({ position: { x: 900, y: 120 } });
  await page.keyboard.press("j");
  await expect.poll(() => page.url()).not.toContain(damagedId);
  await page.keyboard.press("k");
  await expect.poll(() => page.url()).toContain(damagedId);

  // Settings page in dark mode.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  await shot(page, "settings-dark");
  await desktop.close();

  // The same account on a phone: the list, then one conversation with a way back.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
  });
  const mobile = await phone.newPage();
  await mobile.goto(`${server.url}/app/login`);
  await mobile.getByLabel("E-mail").fill("nora@northwind.test");
  await mobile.getByLabel("Password").fill("a long enough password");
  await mobile.getByRole("button", { name: "Sign in" }).click();
  await mobile.getByRole("link", { name: /Ada Lovelace/ }).waitFor();
  await shot(mobile, "phone-inbox");
  await mobile.getByRole("link", { name: /Grace Hopper/ }).click();
  await mobile
    .getByRole("region", { name: "Conversation" })
    .getByRole("img", { name: "parcel.png" })
    .waitFor();
  expect(await mobile.getByRole("heading", { name: "Inbox" }).isVisible()).toBe(false);
  await shot(mobile, "phone-conversation");
  await mobile.getByRole("link", { name: "Back to the list" }).click();
  await mobile.getByRole("heading", { name: "Inbox" }).waitFor();
  await phone.close();
});
