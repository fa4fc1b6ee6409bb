//! The first hour of a new workspace, in the real dashboard: the navigation (labels on a
//! desktop, collapsible and remembered; a tab bar on a phone; every destination a page),
//! the empty inbox saying what to do next, creating a widget (which opens on its Install
//! section, with steps per platform), the editor's preview as a site shows it (corner and
//! launcher size, open and closed, light and dark, desktop and phone), the colour scheme,
//! the handlers (agents, AI bot, hybrid, guided flow; without a model, the warning; a flow
//! without steps refused), the test-chat page, search marks in the
//! list, and a resolved conversation keeping its row while it is open. Screenshots go to
//! test-results/ (first-hour-*.png).

import { join } from "node:path";
import {
  createClient,
  createPortholeTransport,
  HandlerType,
  WidgetService,
} from "@porthole/client";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
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

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `first-hour-${name}.png`) });

async function desktopContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP });
  await collectCspViolations(context);
  return context;
}

async function phoneContext(colorScheme: "light" | "dark" = "light"): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE,
    colorScheme,
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
  });
}

async function signUp(page: Page, email: string, workspace: string) {
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Maya Owner");
  await page.getByLabel("Work e-mail").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/app/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}

function widgetApi(token: string) {
  return createClient(
    WidgetService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
}

/** Where the owner's navigation leads, and a heading each page shows. */
const DESTINATIONS: Array<[string, string, RegExp]> = [
  ["Overview", "/app/overview", /^Overview$/],
  ["Inbox", "/app/inbox", /^Inbox$/],
  ["Live visitors", "/app/visitors", /Live visitors/],
  ["Reports", "/app/reports", /^Reports$/],
  ["Knowledge base", "/app/knowledge", /^Knowledge base$/],
  ["Rules", "/app/rules", /^Rules$/],
  ["Widgets", "/app/widgets", /^Widgets$/],
  ["Webhooks", "/app/webhooks", /^Webhooks$/],
  ["Team", "/app/team", /^Team$/],
  ["Audit log", "/app/audit", /Audit log/],
  ["E-mail deliveries", "/app/deliveries", /E-mail deliveries/],
  ["Settings", "/app/settings", /^Settings$/],
];

test("navigation: labels on a desktop, collapsible and remembered; every destination a page", async () => {
  const context = await desktopContext();
  const page = await context.newPage();
  await signUp(page, "maya@first-hour.test", "First Hour");
  const nav = page.getByRole("navigation", { name: "Main" });

  // A new workspace's inbox says what to do first.
  const empty = page.getByTestId("inbox-empty");
  await empty.getByText("Set up your chat widget").waitFor();
  await empty.getByRole("link", { name: "Create your widget" }).waitFor();
  // Labels beside the icons.
  for (const [label] of DESTINATIONS)
    expect(await nav.getByText(label, { exact: true }).isVisible()).toBe(true);
  await shot(page, "nav-labels-desktop");

  // Every destination is a page, not "Nothing here".
  for (const [label, path, heading] of DESTINATIONS) {
    await nav.getByRole("link", { name: label, exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(path);
    await page.getByRole("heading", { name: heading }).first().waitFor();
    expect(await page.getByText("Nothing here").count()).toBe(0);
  }
  // And the user menu's.
  for (const [item, heading] of [
    ["Profile and settings", /^Settings$/],
    ["Notifications", /^Notifications$/],
  ] as const) {
    await nav.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: item }).click();
    await page.getByRole("heading", { name: heading }).first().waitFor();
    expect(await page.getByText("Nothing here").count()).toBe(0);
  }
  // The API reference opens in a tab of its own, from the server.
  await nav.getByRole("button", { name: "Account menu" }).click();
  const [reference] = await Promise.all([
    context.waitForEvent("page"),
    page.getByRole("menuitem", { name: "API reference" }).click(),
  ]);
  await reference.getByRole("heading", { name: "Porthole API reference" }).waitFor();
  expect(new URL(reference.url()).pathname).toBe("/docs/api");
  await reference.close();

  // Collapsed to icons; the choice outlives a reload.
  await nav.getByRole("button", { name: "Collapse navigation" }).click();
  await nav.getByRole("button", { name: "Expand navigation" }).waitFor();
  expect(await nav.getByText("Live visitors", { exact: true }).count()).toBe(0);
  await nav.getByRole("link", { name: "Inbox", exact: true }).click();
  await page.getByTestId("inbox-empty").waitFor();
  await shot(page, "nav-collapsed-desktop");
  await page.reload();
  await nav.getByRole("button", { name: "Expand navigation" }).waitFor();
  expect(await nav.getByText("Live visitors", { exact: true }).count()).toBe(0);
  const stored = await page.evaluate(() => localStorage.getItem("porthole.prefs"));
  expect(JSON.parse(stored ?? "{}")).toMatchObject({ navCollapsed: true });
  // Icons still lead everywhere.
  await nav.getByRole("link", { name: "Team", exact: true }).click();
  await page.getByRole("heading", { name: "Team" }).first().waitFor();
  await nav.getByRole("button", { name: "Expand navigation" }).click();
  await nav.getByText("Live visitors", { exact: true }).waitFor();

  // Narrower: icons only, whatever the choice.
  await page.setViewportSize({ width: 1024, height: 760 });
  await nav.getByRole("link", { name: "Inbox", exact: true }).waitFor();
  expect(await nav.getByText("Live visitors", { exact: true }).count()).toBe(0);
  expect(await nav.getByRole("button", { name: /Collapse|Expand/ }).count()).toBe(0);
  await shot(page, "nav-tablet");
  expect(await cspViolations(page)).toEqual([]);
  await context.close();

  // A phone: the tab bar, as before; every tab a page.
  const phone = await phoneContext();
  const mobile = await phone.newPage();
  await signIn(mobile, "maya@first-hour.test");
  const tabs = mobile.getByRole("navigation", { name: "Main" });
  await mobile.getByTestId("inbox-empty").waitFor();
  await shot(mobile, "nav-phone");
  // Reports are not in the full tab bar: the Overview's "Reports" button leads there.
  for (const [label, path, heading] of DESTINATIONS.filter(([label]) => label !== "Reports")) {
    await tabs.getByRole("link", { name: label, exact: true }).click();
    await expect.poll(() => new URL(mobile.url()).pathname).toBe(path);
    await mobile.getByRole("heading", { name: heading }).first().waitFor();
    expect(await mobile.getByText("Nothing here").count()).toBe(0);
  }
  expect(await tabs.getByRole("link", { name: "Reports", exact: true }).count()).toBe(0);
  await tabs.getByRole("link", { name: "Overview", exact: true }).click();
  await mobile.getByRole("main").getByRole("link", { name: "Reports" }).click();
  await mobile
    .getByRole("heading", { name: /^Reports$/ })
    .first()
    .waitFor();
  await phone.close();
});

/** The widget inside the editor's preview frame. */
function previewWidget(page: Page) {
  const frame: FrameLocator = page.frameLocator('[data-testid="widget-preview"]');
  const root = frame.locator("[data-porthole]");
  return {
    frame,
    launcher: root.locator(".launcher"),
    panel: root.locator(".panel"),
    /** The panel's background, as the visitor sees it. */
    panelColour: () =>
      root.locator(".panel").evaluate((el) => getComputedStyle(el).backgroundColor),
  };
}

/** A choice of the appearance's colour scheme (a radio drawn as a segmented control). */
function scheme(page: Page, name: "Auto" | "Light" | "Dark") {
  return page.getByRole("group", { name: "Colour scheme" }).getByText(name, { exact: true });
}

/** Where an element sits in the frame's own viewport. */
function boxIn(locator: ReturnType<FrameLocator["locator"]>) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return {
      left: Math.round(r.left),
      top: Math.round(r.top),
      right: Math.round(innerWidth - r.right),
      bottom: Math.round(innerHeight - r.bottom),
      width: Math.round(r.width),
      viewport: innerWidth,
    };
  });
}

/** Whether an `rgb(…)` colour is dark (relative luminance well under the middle). */
function isDarkColour(rgb: string): boolean {
  const [r = 255, g = 255, b = 255] = (rgb.match(/\d+/g) ?? []).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 80;
}

test("widget: created on its Install section; the preview as the site shows it", async () => {
  const context = await desktopContext();
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await signUp(page, "lena@preview.test", "Preview Co");

  // From the empty inbox straight to the new-widget dialog.
  await page.getByTestId("inbox-empty").getByRole("link", { name: "Create your widget" }).click();
  const dialog = page.getByRole("dialog", { name: "New widget" });
  await dialog.getByLabel("Name").fill("Shop");
  await dialog.getByRole("button", { name: "Create widget" }).click();

  // A new widget opens on its snippet, with steps for each kind of site.
  await page.getByText("Your widget is ready: add it to your site").waitFor();
  expect(new URL(page.url()).searchParams.get("section")).toBe("install");
  expect(
    await page.getByRole("button", { name: "Install & security" }).getAttribute("aria-current"),
  ).toBe("page");
  expect(await page.getByTestId("embed-snippet").textContent()).toContain("/loader.js");
  const steps = page.getByRole("tabpanel");
  await steps.getByText("</body>").first().waitFor();
  await shot(page, "install-new-widget");
  await page.getByRole("tab", { name: "WordPress" }).click();
  await steps.getByText("WPCode").waitFor();
  await steps.getByText("Footer", { exact: true }).waitFor();
  await page.getByRole("tab", { name: "Shopify" }).click();
  await steps.getByText("theme.liquid").waitFor();
  await page.getByRole("tab", { name: "Google Tag Manager" }).click();
  await steps.getByText("Custom HTML").waitFor();
  await steps.getByText("All Pages").waitFor();
  await shot(page, "install-gtm");
  await page.getByRole("link", { name: "Try a test chat" }).waitFor();

  // Appearance: top left, a larger launcher, dark.
  await page.getByRole("button", { name: "Appearance" }).click();
  await page.getByLabel("Position").selectOption({ label: "Top left" });
  await page.getByLabel(/Launcher size/).fill("80");
  const preview = previewWidget(page);
  await preview.panel.waitFor();

  // Closed: only the launcher, in its corner, at its size.
  const closed = page.getByRole("button", { name: "Closed", exact: true });
  await closed.click();
  await preview.panel.waitFor({ state: "hidden" });
  await expect.poll(() => boxIn(preview.launcher)).toMatchObject({ left: 20, top: 20, width: 80 });
  // The frame's widget did not take the focus from the editor.
  await expect.poll(() => closed.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.getByTestId("preview-frame").screenshot({
    path: join(resultsDir, "first-hour-preview-desktop-light-closed.png"),
  });

  // Open: a floating panel below the launcher (a desktop window, not full screen).
  await page.getByRole("button", { name: "Open", exact: true }).click();
  await preview.panel.waitFor();
  const panel = await boxIn(preview.panel);
  expect(panel.width).toBe(380);
  expect(panel.left).toBe(20);
  expect(panel.viewport).toBeGreaterThan(520);
  expect(isDarkColour(await preview.panelColour())).toBe(false);
  await page.getByTestId("preview-frame").screenshot({
    path: join(resultsDir, "first-hour-preview-desktop-light-open.png"),
  });
  await shot(page, "editor-appearance-light");

  // Auto follows the visitor's system: dark there, dark panel with light text.
  expect(await page.getByRole("radio", { name: "Auto" }).isChecked()).toBe(true);
  await page.getByRole("button", { name: "Dark", exact: true }).click();
  await expect.poll(async () => isDarkColour(await preview.panelColour())).toBe(true);
  const text = await preview.frame
    .locator("[data-porthole] .bubble")
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  expect(isDarkColour(text)).toBe(false);
  await page.getByTestId("preview-frame").screenshot({
    path: join(resultsDir, "first-hour-preview-desktop-dark-open.png"),
  });
  await shot(page, "editor-appearance-dark");

  // A fixed light scheme stays light on a dark system; a fixed dark one stays dark.
  await scheme(page, "Light").click();
  await expect.poll(async () => isDarkColour(await preview.panelColour())).toBe(false);
  await scheme(page, "Dark").click();
  await page.getByRole("button", { name: "Light", exact: true }).click();
  await expect.poll(async () => isDarkColour(await preview.panelColour())).toBe(true);

  // A phone: full screen when open, the launcher in its corner when closed.
  await page.getByRole("button", { name: "Phone", exact: true }).click();
  await expect.poll(async () => (await boxIn(preview.panel)).viewport).toBe(390);
  await expect.poll(async () => (await boxIn(preview.panel)).width).toBe(390);
  await page.getByTestId("preview-frame").screenshot({
    path: join(resultsDir, "first-hour-preview-phone-dark-open.png"),
  });
  await scheme(page, "Auto").click();
  await expect.poll(async () => isDarkColour(await preview.panelColour())).toBe(false);
  await page.getByTestId("preview-frame").screenshot({
    path: join(resultsDir, "first-hour-preview-phone-light-open.png"),
  });
  await page.getByRole("button", { name: "Dark", exact: true }).click();
  await closed.click();
  await preview.panel.waitFor({ state: "hidden" });
  await expect.poll(() => boxIn(preview.launcher)).toMatchObject({ left: 20, top: 20, width: 80 });
  await page.getByTestId("preview-frame").screenshot({
    path: join(resultsDir, "first-hour-preview-phone-dark-closed.png"),
  });
  // The launcher clicked inside the preview opens it, and the toggle follows.
  // (Dispatched: Playwright's pointer cannot aim into a scaled frame.)
  await preview.launcher.dispatchEvent("click");
  await preview.panel.waitFor();
  await expect
    .poll(() =>
      page.getByRole("button", { name: "Open", exact: true }).getAttribute("aria-pressed"),
    )
    .toBe("true");

  // Saved, the scheme comes back.
  await scheme(page, "Dark").click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Appearance" }).click();
  expect(await page.getByRole("radio", { name: "Dark" }).isChecked()).toBe(true);
  expect(await page.getByLabel("Position").inputValue()).toBe("4");

  // Who answers: agents, the AI bot, hybrid or a guided flow.
  await page.getByRole("button", { name: "Who answers" }).click();
  const handlers = page.getByRole("radio");
  await page.getByRole("radio", { name: /Agents/ }).waitFor();
  expect(await handlers.count()).toBe(4);
  expect(await page.getByRole("radio", { name: /Agents/ }).isChecked()).toBe(true);
  expect(await page.getByRole("radio", { name: /^AI bot/ }).isChecked()).toBe(false);
  await page
    .getByRole("radio", { name: /Hybrid \(agents first, bot when nobody is available\)/ })
    .waitFor();
  expect(await page.getByRole("radio", { name: /^Guided flow/ }).isChecked()).toBe(false);
  await shot(page, "handler-agents");

  // A hybrid widget on this server, which has no model: the bot's settings, and a warning
  // that its conversations go to the agents until the operator sets one.
  const api = widgetApi(await accessTokenOf(page));
  const { widget: hybrid } = await api.createWidget({
    name: "Bot widget",
    settings: { handlerType: HandlerType.HYBRID },
  });
  await page.goto(`${server.url}/app/widgets/${hybrid?.id}?section=routing`);
  await page.getByTestId("no-model").waitFor();
  expect(await page.getByTestId("no-model").textContent()).toContain(
    "No AI model is configured: conversations go to your agents until you use your own model or the operator sets PORTHOLE_LLM_BASE_URL",
  );
  expect(await page.getByRole("radio", { name: /Hybrid/ }).isChecked()).toBe(true);
  expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Assistant");
  await shot(page, "handler-no-model");
  // A guided flow without steps is refused by the server.
  const refused = await api
    .createWidget({ name: "Flow", settings: { handlerType: HandlerType.WORKFLOW } })
    .then(
      () => "created",
      (e: unknown) => String(e),
    );
  expect(refused).toContain("settings.flow.steps");
  // Choosing Agents and saving hides the bot's settings.
  await page.getByRole("radio", { name: /Agents/ }).check();
  await page.getByTestId("no-model").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  const { widget: saved } = await api.getWidget({ widgetId: hybrid?.id ?? "" });
  expect(saved?.settings?.handlerType).toBe(HandlerType.AGENT);

  expect(await cspViolations(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await context.close();

  // The editor on a phone: the install steps and the preview below the form.
  const phone = await phoneContext();
  const mobile = await phone.newPage();
  await signIn(mobile, "lena@preview.test");
  await mobile.goto(`${server.url}/app/widgets/${hybrid?.id}?section=install`);
  await mobile.getByRole("tab", { name: "Shopify" }).click();
  await mobile.getByText("theme.liquid").waitFor();
  await shot(mobile, "install-phone");
  await mobile.getByRole("button", { name: "Appearance" }).click();
  await mobile.getByTestId("preview-frame").scrollIntoViewIfNeeded();
  await previewWidget(mobile).panel.waitFor();
  await shot(mobile, "editor-phone");
  await phone.close();
});

test("inbox: what to do next, a test chat, search marks, a resolved conversation kept while open", async () => {
  const context = await desktopContext();
  const page = await context.newPage();
  await signUp(page, "omar@inbox.test", "Inbox Co");
  const api = widgetApi(await accessTokenOf(page));
  const { widget } = await api.createWidget({ name: "Main site" });
  const widgetToken = widget?.publicToken ?? "";

  // A widget, but no conversation yet: install the snippet, or try a test chat.
  await page.reload();
  const empty = page.getByTestId("inbox-empty");
  await empty.getByText("No conversations yet").waitFor();
  await shot(page, "inbox-not-installed");
  await empty.getByRole("link", { name: "Install the snippet on your site" }).click();
  await page.getByTestId("embed-snippet").waitFor();
  await page.goBack();
  await empty.getByText("No conversations yet").waitFor();

  // The test page runs the real widget; what is written there arrives in the inbox.
  const [testPage] = await Promise.all([
    context.waitForEvent("page"),
    empty.getByRole("link", { name: "Try a test chat" }).click(),
  ]);
  await testPage.getByText("The widget is ready").waitFor();
  const visitorWidget = testPage.locator("[data-porthole]");
  await visitorWidget.locator(".launcher").click();
  const composer = visitorWidget.getByRole("textbox", { name: "Type a message…" });
  await composer.fill("Hello from the test page");
  await composer.press("Enter");
  await visitorWidget.getByText("Delivered").waitFor();
  await testPage.screenshot({ path: join(resultsDir, "first-hour-test-chat-page.png") });
  await page
    .getByRole("link", { name: /Hello from the test page/ })
    .first()
    .waitFor();
  expect(await cspViolations(testPage)).toEqual([]);
  await testPage.close();

  // More visitors write.
  const people = [
    { name: "Ada Lovelace", email: "ada@example.org", texts: ["Do you ship to Norway?"] },
    { name: "Grace Hopper", email: "grace@navy.example", texts: ["My parcel arrived damaged."] },
    {
      name: "Alan Turing",
      email: "alan@example.org",
      texts: ["Please send the invoice for order 77.", "Thanks, and have a nice day!"],
    },
  ];
  for (const person of people) {
    const v = visitorClient(server.url);
    await v.start(widgetToken);
    await v.client.updateVisitor({ name: person.name, email: person.email });
    const { conversation } = await v.client.startConversation({});
    for (const [i, body] of person.texts.entries())
      await v.client.sendMessage({
        conversationId: conversation?.id ?? "",
        body,
        clientKey: `k${i}`,
      });
  }
  const list = page.getByRole("list", { name: "Conversations" });
  const row = (name: string) => list.getByRole("link", { name: new RegExp(name) });
  await row("Alan Turing").getByText("have a nice day").waitFor();

  // Search marks its matches: in the preview, in a shown e-mail, or says where it matched.
  const search = page.getByLabel("Search conversations");
  await search.fill("norway");
  await expect.poll(() => list.getByRole("link").count()).toBe(1);
  await expect
    .poll(() => row("Ada Lovelace").locator("mark").allTextContents())
    .toEqual(["Norway"]);
  await shot(page, "inbox-search-marks");
  await search.fill("navy");
  await expect.poll(() => row("Grace Hopper").locator("mark").allTextContents()).toEqual(["navy"]);
  await search.fill("INVOICE");
  await row("Alan Turing").getByText("Matches a message in this conversation").waitFor();
  await search.fill("lovelace");
  await expect
    .poll(() => row("Ada Lovelace").locator("mark").allTextContents())
    .toEqual(["Lovelace"]);
  await search.fill("zebra");
  await page.getByTestId("inbox-empty").getByText("No matches").waitFor();
  await page.getByRole("button", { name: "Clear search" }).click();
  await row("Grace Hopper").waitFor();

  // Resolving the conversation one reads keeps its row until another is opened.
  await row("Grace Hopper").click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByText("My parcel arrived damaged.").waitFor();
  await pane.getByRole("button", { name: "Resolve" }).click();
  await page.getByText("Conversation resolved").first().waitFor();
  await pane.getByRole("button", { name: "Reopen" }).waitFor();
  await row("Grace Hopper").getByText("Resolved").waitFor();
  expect(await row("Grace Hopper").getAttribute("aria-current")).toBe("page");
  await shot(page, "inbox-resolved-kept");
  await row("Ada Lovelace").click();
  await row("Grace Hopper").waitFor({ state: "detached" });

  // Nothing open any more: what to do meanwhile.
  for (const name of ["Ada Lovelace", "Alan Turing", "Visitor"]) {
    await row(name).first().click();
    await pane.getByRole("button", { name: "Resolve" }).click();
    await pane.getByRole("button", { name: "Reopen" }).waitFor();
  }
  await page.keyboard.press("Escape");
  const done = page.getByTestId("inbox-empty");
  await done.getByText("No open conversations").waitFor();
  await done.getByRole("link", { name: "See who is on your site" }).waitFor();
  await shot(page, "inbox-caught-up");
  expect(await cspViolations(page)).toEqual([]);
  await context.close();

  // The search marks on a phone, in dark mode.
  const phone = await phoneContext("dark");
  const mobile = await phone.newPage();
  await signIn(mobile, "omar@inbox.test");
  await mobile.goto(`${server.url}/app/inbox?status=all&q=parcel`);
  await mobile
    .getByRole("list", { name: "Conversations" })
    .locator("mark", { hasText: "parcel" })
    .waitFor();
  await shot(mobile, "inbox-search-marks-phone-dark");
  await phone.close();
});
