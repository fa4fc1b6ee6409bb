//! A conversation's life beyond the live chat, in the real dashboard with the real widget on
//! the demo page: with the only agent offline a visitor leaves a message through the
//! widget's offline form (with an e-mail) and another through the API (without one); the
//! inbox marks both "Left offline", in the list and in the open conversation's header, and
//! says how each visitor expects the answer (desktop and phone). The widget editor's
//! Behaviour section sets how long a resolved conversation is continued: a preset and
//! custom minutes are saved and still there after a reload; minutes beyond 30 days are
//! refused at the field. Screenshots go to test-results/ (lifecycle-*.png).

import { join } from "node:path";
import {
  AgentStatus,
  createClient,
  createPortholeTransport,
  WidgetService,
  WorkspaceService,
} from "@porthole/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
  server = await startServer({ PORTHOLE_DEMO: "true" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A screenshot once transitions and fade-ins have ended (endless spinners aside). */
async function shot(page: Page, name: string) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path: join(resultsDir, `lifecycle-${name}.png`) });
}

function phoneContext(): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
  });
}

async function signIn(agent: Page) {
  await agent.goto(`${server.url}/app/login`);
  await agent.getByLabel("E-mail").fill("demo@porthole.test");
  await agent.getByLabel("Password").fill("porthole-demo");
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Inbox" }).waitFor();
}

/** The clients the signed-in dashboard on `agent` may use. */
async function clientsOf(agent: Page) {
  const token = await accessTokenOf(agent);
  const transport = createPortholeTransport(server.url, { getToken: () => token });
  return {
    workspace: createClient(WorkspaceService, transport),
    widgets: createClient(WidgetService, transport),
  };
}

const widget = (page: Page) => page.locator("[data-porthole]");
const row = (page: Page, name: string) =>
  page.getByRole("list", { name: "Conversations" }).getByRole("link", { name: new RegExp(name) });
const headerBadge = (page: Page) =>
  page
    .getByRole("region", { name: "Conversation" })
    .locator("header")
    .getByRole("button", { name: "Left offline" });

test("messages left offline are marked in the inbox, saying how the answer is expected", async () => {
  const agentContext = await browser.newContext({ viewport: DESKTOP });
  const agent = await agentContext.newPage();
  await signIn(agent);
  const { workspace, widgets } = await clientsOf(agent);
  await workspace.setMyStatus({ status: AgentStatus.OFFLINE });

  // Nobody answers: a visitor leaves a message through the widget's offline form.
  const visitorContext = await browser.newContext({ viewport: DESKTOP });
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${server.url}/demo`);
  await widget(visitor).locator(".launcher").click();
  await widget(visitor).getByText("We're away right now", { exact: true }).waitFor();
  const form = widget(visitor).locator("form[data-offline]");
  await form.getByLabel("Name").fill("Olive Offline");
  await form.getByLabel("E-mail").fill("olive@example.com");
  await form.getByLabel("Message").fill("Do you deliver on Sundays?");
  await form.getByRole("button", { name: "Leave a message" }).click();

  // Another leaves one without an address (this server sends no e-mail, so none is needed).
  const [demo] = (await widgets.listWidgets({})).widgets;
  if (!demo) throw new Error("the demo widget is missing");
  const returning = visitorClient(server.url);
  await returning.start(demo.publicToken);
  await returning.client.submitOfflineMessage({
    name: "Rita Return",
    message: "Is the blue one back in stock?",
  });

  // The list marks both, in words; a conversation from a live chat is not marked.
  await agent.goto(`${server.url}/app/inbox?status=all`);
  const olive = row(agent, "Olive Offline");
  const rita = row(agent, "Rita Return");
  await olive.getByText("Left offline").waitFor();
  await rita.getByText("Left offline").waitFor();
  expect(await olive.getByText("Left offline").getAttribute("title")).toBe(
    "Left through the offline form; the visitor expects the answer by e-mail.",
  );
  expect(await rita.getByText("Left offline").getAttribute("title")).toBe(
    "Left through the offline form; the visitor expects the answer here on their return.",
  );

  // Open: the header says it too; hovering the badge explains it.
  await olive.click();
  await agent.getByText("Do you deliver on Sundays?").last().waitFor();
  await headerBadge(agent).hover();
  await expect
    .poll(() => agent.getByRole("tooltip").textContent())
    .toBe("Left through the offline form; the visitor expects the answer by e-mail.");
  await shot(agent, "inbox-left-offline-email");
  await agent.mouse.move(0, 0);
  await expect.poll(() => agent.getByRole("tooltip").count()).toBe(0);

  // By keyboard: focus shows it, Escape hides it.
  await rita.click();
  await agent.getByText("Is the blue one back in stock?").last().waitFor();
  await headerBadge(agent).focus();
  await agent.keyboard.press("Shift+Tab");
  await agent.keyboard.press("Tab");
  await expect
    .poll(() => agent.getByRole("tooltip").textContent())
    .toBe("Left through the offline form; the visitor expects the answer here on their return.");
  await shot(agent, "inbox-left-offline-return");
  await agent.keyboard.press("Escape");
  await expect.poll(() => agent.getByRole("tooltip").count()).toBe(0);

  // A phone: the badge in the list, and in the header, where a tap explains it.
  const phone = await phoneContext();
  const mobile = await phone.newPage();
  await signIn(mobile);
  await mobile.goto(`${server.url}/app/inbox?status=all`);
  await row(mobile, "Olive Offline").getByText("Left offline").waitFor();
  await shot(mobile, "inbox-left-offline-phone");
  await row(mobile, "Olive Offline").click();
  await headerBadge(mobile).tap();
  await expect
    .poll(() => mobile.getByRole("tooltip").textContent())
    .toContain("expects the answer by e-mail");
  await shot(mobile, "conversation-left-offline-phone");

  await phone.close();
  await visitorContext.close();
  await agentContext.close();
});

test("the editor saves how long a resolved conversation is continued", async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page);
  const { widgets } = await clientsOf(page);
  const [demo] = (await widgets.listWidgets({})).widgets;
  if (!demo) throw new Error("the demo widget is missing");

  await page.goto(`${server.url}/app/widgets/${demo.id}`);
  await page.getByRole("button", { name: "Behaviour" }).click();
  const period = page.getByLabel("Continue a resolved conversation for");
  // Never set: the server's default, an hour, with the rule it makes.
  expect(await period.inputValue()).toBe("60");
  await page.getByText(/within 1 hour of their conversation being resolved reopens it/).waitFor();

  // A preset, saved and still there after a reload.
  await period.selectOption({ label: "1 day" });
  await page.getByText(/within 1 day of their conversation being resolved/).waitFor();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Behaviour" }).click();
  expect(await period.inputValue()).toBe("1440");
  expect((await widgets.getWidget({ widgetId: demo.id })).widget?.settings?.behavior).toMatchObject(
    { reopenWithinMinutes: 1_440 },
  );

  // Custom minutes: beyond 30 days refused at the field, and nothing is saved.
  await period.selectOption({ label: "Custom…" });
  const minutes = page.getByLabel("Minutes", { exact: true });
  await minutes.fill("50000");
  await page.getByText("Enter whole minutes from 0 to 43,200 (30 days).").waitFor();
  expect(await minutes.getAttribute("aria-invalid")).toBe("true");
  await page.getByRole("button", { name: "Save changes" }).click();
  await shot(page, "editor-reopen-refused");
  expect(
    (await widgets.getWidget({ widgetId: demo.id })).widget?.settings?.behavior
      ?.reopenWithinMinutes,
  ).toBe(1_440);

  // 90 minutes is fine: saved, and shown as custom minutes after a reload.
  await minutes.fill("90");
  await page.getByText(/within 90 minutes of their conversation being resolved/).waitFor();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Behaviour" }).click();
  expect(await period.inputValue()).toBe("custom");
  expect(await minutes.inputValue()).toBe("90");
  await shot(page, "editor-reopen-custom");

  // Never: a resolved conversation is not continued.
  await period.selectOption({ label: "Never" });
  await page.getByText(/always starts a new one/).waitFor();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Behaviour" }).click();
  expect(await period.inputValue()).toBe("0");

  // A phone: the section as it reads there.
  const phone = await phoneContext();
  const mobile = await phone.newPage();
  await signIn(mobile);
  await mobile.goto(`${server.url}/app/widgets/${demo.id}?section=behavior`);
  await mobile.getByLabel("Continue a resolved conversation for").waitFor();
  await shot(mobile, "editor-reopen-phone");
  await phone.close();
  await context.close();
});
