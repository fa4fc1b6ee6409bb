//! Live visitors end to end, with the real widget on the demo page: the visitor appears on
//! the agent's Live visitors screen with the page they are on and their time on site, moves
//! to another page and the screen follows without a reload; the agent writes first, the
//! visitor's widget opens by itself with the message, the visitor answers and the agent
//! reads it in the inbox, where the visitor panel lists the pages viewed and follows the
//! visitor's next page live. The server has the test location database and trusts
//! loopback as a proxy, and the visitor's browser sends `X-Forwarded-For` with an address
//! that database places in Berlin: both screens show "Berlin, Germany".

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, type RunningServer, resultsDir, startServer } from "./harness";

let server: RunningServer;
let browser: Browser;

/** The test location database (`server/tests/fixtures/geo/make.py`). */
const geoDb = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../server/tests/fixtures/geo/test-city.mmdb",
);

beforeAll(async () => {
  server = await startServer({
    PORTHOLE_DEMO: "true",
    PORTHOLE_GEOIP_DB: geoDb,
    PORTHOLE_TRUSTED_PROXIES: "127.0.0.1",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(resultsDir, `${name}.png`) });
}

const widget = (page: Page) => page.locator("[data-porthole]");

describe("live visitors", () => {
  test("a visitor shows up live, changes page, gets a proactive message and answers", async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // As if behind a proxy that names the visitor's address (203.0.113.0/24: Berlin).
    const visitorContext = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.7" },
    });
    const agent = await agentContext.newPage();
    const visitor = await visitorContext.newPage();
    const errors: string[] = [];
    agent.on("pageerror", (e) => errors.push(`agent: ${e}`));
    visitor.on("pageerror", (e) => errors.push(`visitor: ${e}`));
    try {
      await run(agent, visitor);
      expect(errors).toEqual([]);
    } catch (error) {
      await shot(agent, "failure-live-visitors-agent");
      await shot(visitor, "failure-live-visitors-visitor");
      throw error;
    }
    await agentContext.close();
    await visitorContext.close();
  });
});

async function run(agent: Page, visitor: Page) {
  // The demo owner signs in and opens the screen before anyone is on the site.
  await agent.goto(`${server.url}/app/login`);
  await agent.getByLabel("E-mail").fill("demo@porthole.test");
  await agent.getByLabel("Password").fill("porthole-demo");
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Inbox" }).waitFor();
  await agent.getByRole("link", { name: "Live visitors" }).first().click();
  await agent.getByRole("heading", { name: /Live visitors/ }).waitFor();
  await agent.getByText("No one is on your sites now").waitFor();

  // A visitor opens the demo page: they appear with its title, without a reload.
  await visitor.goto(`${server.url}/demo`);
  await widget(visitor).locator(".launcher").waitFor();
  const list = agent.getByRole("list", { name: "Live visitors" });
  const row = list.getByRole("listitem");
  await row.getByText("Porthole demo — Northwind Coffee").waitFor();
  expect(await row.count()).toBe(1);
  await row.getByText(/^Visitor \w{4}$/).waitFor();
  await row.getByText(/^On site \d+s$/).waitFor();
  // A first visit: "first seen" would only repeat the time on site.
  expect(await row.getByText(/First seen/).count()).toBe(0);
  await row.getByText(/Chrom/).waitFor();
  // Where they are, from their address: city and country.
  expect(await row.getByTestId("visitor-location").textContent()).toBe("Berlin, Germany");

  // The visitor moves to another page of the single-page app: the row follows.
  await visitor.evaluate(() => {
    document.title = "Pricing — Northwind Coffee";
    history.pushState({}, "", "/demo?page=pricing");
  });
  await row.getByText("Pricing — Northwind Coffee").waitFor();
  await row.getByText(/\/demo\?page=pricing$/).waitFor();
  // The time on site ticks on its own.
  await row.getByText(/^On site [1-9]\d*s$/).waitFor();
  await shot(agent, "live-visitors");
  // The same screen on a phone, in dark mode.
  await agent.setViewportSize({ width: 390, height: 844 });
  await agent.emulateMedia({ colorScheme: "dark" });
  await row.getByRole("button", { name: /^Message / }).waitFor();
  await agent.waitForTimeout(300); // colour transitions
  await shot(agent, "live-visitors-phone-dark");
  await agent.emulateMedia({ colorScheme: "light" });
  await agent.setViewportSize({ width: 1440, height: 900 });

  // The agent writes first.
  await row.getByRole("button", { name: /^Message / }).click();
  const dialog = agent.getByRole("dialog");
  await dialog.getByText(/They are on Pricing — Northwind Coffee/).waitFor();
  await dialog.getByLabel("Message").fill("Hi! Looking for a roast? Happy to help.");
  await agent.waitForTimeout(300); // colour transitions
  await shot(agent, "live-visitors-message");
  await dialog.getByRole("button", { name: "Send message" }).click();
  // The conversation opens in the inbox with the message.
  await agent.waitForURL(/\/app\/inbox\/[^/]+$/);
  const pane = agent.getByRole("region", { name: "Conversation" });
  await pane.getByText("Hi! Looking for a roast? Happy to help.").waitFor();

  // The visitor's widget opens by itself with the message.
  const panel = widget(visitor).locator("[role=dialog]");
  await panel.waitFor({ state: "visible" });
  await panel.getByText("Hi! Looking for a roast? Happy to help.").waitFor();
  await shot(visitor, "live-visitors-widget");

  // The visitor answers in the widget; the agent sees it live.
  const composer = widget(visitor).getByRole("textbox", { name: "Type a message…" });
  await composer.fill("Yes please, something fruity.");
  await composer.press("Enter");
  await pane.getByText("Yes please, something fruity.").waitFor();
  await shot(agent, "live-visitors-conversation");

  // The visitor panel beside the conversation lists the pages viewed, newest first.
  const visitorPanel = agent.getByRole("complementary", { name: "Visitor" });
  const pagesViewed = visitorPanel.getByRole("list", { name: "Pages viewed" });
  const pageTitles = () => pagesViewed.getByRole("listitem").allInnerTexts();
  await pagesViewed.getByText("Pricing — Northwind Coffee").waitFor();
  let titles = await pageTitles();
  expect(titles).toHaveLength(2);
  expect(titles[0]).toMatch(/^Pricing — Northwind Coffee\s+\S+\/demo\?page=pricing\s+just now$/);
  expect(titles[1]).toMatch(/^Porthole demo — Northwind Coffee\s/);
  const first = pagesViewed.getByRole("link").first();
  expect(await first.getAttribute("target")).toBe("_blank");
  expect(await first.getAttribute("rel")).toBe("noopener noreferrer");
  expect(await first.getAttribute("href")).toMatch(/\/demo\?page=pricing$/);

  // The visitor opens another page: it appears on top without a reload.
  await visitor.evaluate(() => {
    document.title = "Beans — Northwind Coffee";
    history.pushState({}, "", "/demo?page=beans");
  });
  await pagesViewed.getByText("Beans — Northwind Coffee").waitFor();
  titles = await pageTitles();
  expect(titles.map((t) => t.split("\n")[0])).toEqual([
    "Beans — Northwind Coffee",
    "Pricing — Northwind Coffee",
    "Porthole demo — Northwind Coffee",
  ]);
  await visitorPanel.getByText("Visit started").waitFor();
  expect(await visitorPanel.getByTestId("visitor-location").textContent()).toBe("Berlin, Germany");
  await agent.waitForTimeout(300); // colour transitions
  await visitorPanel.screenshot({ path: join(resultsDir, "visitor-panel-pages-viewed.png") });
  // The same panel on a phone, in dark mode.
  await agent.setViewportSize({ width: 390, height: 844 });
  await agent.emulateMedia({ colorScheme: "dark" });
  if (!(await visitorPanel.isVisible())) {
    await agent.getByRole("button", { name: "Show visitor details" }).click();
  }
  await pagesViewed.getByText("Beans — Northwind Coffee").waitFor();
  await agent.waitForTimeout(300);
  await shot(agent, "visitor-panel-pages-viewed-phone-dark");
}
