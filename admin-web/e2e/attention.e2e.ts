//! Getting the agent's attention: the inbox offers desktop notifications from a button,
//! then a visitor's message to a conversation the agent is not looking at raises one, and
//! the tab title counts unread conversations.

import { createClient, createPortholeTransport, WidgetService } from "@porthole/client";
import type { Browser } from "playwright-core";
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
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("desktop notification and title count for a new message", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["notifications"], { origin: server.url });
  // Record notifications instead of showing them.
  await context.addInitScript(() => {
    const shown: Array<{ title: string; body: string }> = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class RecordingNotification {
      static permission: NotificationPermission = "default";
      static requestPermission = async () => {
        RecordingNotification.permission = "granted";
        return "granted" as const;
      };
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        shown.push({ title, body: options?.body ?? "" });
      }
      close() {}
    }
    Object.defineProperty(window, "Notification", { value: RecordingNotification });
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Alex Attentive");
  await page.getByLabel("Work e-mail").fill("alex@example.com");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Attentive");
  await page.getByRole("button", { name: "Create workspace" }).click();

  // Asked politely, from a button.
  await page.getByRole("button", { name: "Turn on notifications" }).click();
  await page.getByText("Never miss a chat").waitFor({ state: "detached" });

  const token = await accessTokenOf(page);
  const widgets = createClient(
    WidgetService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
  const { widget } = await widgets.createWidget({ name: "Site" });
  const visitor = visitorClient(server.url);
  await visitor.start(widget?.publicToken ?? "");
  await visitor.client.updateVisitor({ name: "Nina Notify" });
  const { conversation } = await visitor.client.startConversation({});
  await visitor.client.sendMessage({
    conversationId: conversation?.id ?? "",
    body: "Anyone there?",
    clientKey: "1",
  });

  await page.getByRole("link", { name: /Nina Notify/ }).waitFor();
  await expect.poll(() => page.title()).toBe("(1) Inbox · Porthole");
  await expect
    .poll(() =>
      page.evaluate(
        () => (window as unknown as { shownNotifications: unknown[] }).shownNotifications,
      ),
    )
    .toContainEqual({ title: "Nina Notify", body: "Anyone there?" });
  await context.close();
});
