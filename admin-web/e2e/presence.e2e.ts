//! Presence, queue and offline state across dashboard and widget, with the real widget on
//! the demo page: with the only agent offline the widget shows the away state and the
//! offline form; the visitor's message waits in the queue, which the inbox and the team
//! view show; when the agent comes online the conversation is assigned to them at once and
//! the widget shows who answers. Outside the widget's business hours the widget is away
//! although an agent is online, and online again once hours allow it.

import { join } from "node:path";
import {
  AgentStatus,
  createClient,
  createPortholeTransport,
  WidgetService,
  WorkspaceService,
} from "@porthole/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  accessTokenOf,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
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

const widget = (page: Page) => page.locator("[data-porthole]");

async function setStatus(agent: Page, status: AgentStatus) {
  const token = await accessTokenOf(agent);
  const workspace = createClient(
    WorkspaceService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
  await workspace.setMyStatus({ status });
}

async function signIn(agent: Page) {
  await agent.goto(`${server.url}/app/login`);
  await agent.getByLabel("E-mail").fill("demo@porthole.test");
  await agent.getByLabel("Password").fill("porthole-demo");
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Inbox" }).waitFor();
}

/** Turns the demo widget's business hours on (every day closed) or off. */
async function setAlwaysClosed(agent: Page, closed: boolean) {
  const token = await accessTokenOf(agent);
  const widgets = createClient(
    WidgetService,
    createPortholeTransport(server.url, { getToken: () => token }),
  );
  const [demo] = (await widgets.listWidgets({})).widgets;
  const settings = demo?.settings;
  if (!demo || !settings) throw new Error("the demo widget is missing");
  const closedDay = { enabled: false, start: "09:00", end: "17:00" };
  settings.businessHours = {
    $typeName: "porthole.v1.BusinessHours",
    enabled: closed,
    timeZone: "Pacific/Kiritimati",
    ...Object.fromEntries(
      ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => [
        d,
        { $typeName: "porthole.v1.DayHours", ...closedDay },
      ]),
    ),
  };
  await widgets.updateWidget({ widgetId: demo.id, settings });
}

describe("presence", () => {
  test("offline agent: away widget, queued message; online again: assigned and named", async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await agentContext.newPage();
    const visitor = await visitorContext.newPage();
    await signIn(agent);
    await setStatus(agent, AgentStatus.OFFLINE);

    // Nobody answers: the widget says so and offers the offline form.
    await visitor.goto(`${server.url}/demo`);
    await widget(visitor).locator(".launcher").click();
    await widget(visitor).getByText("We're away right now", { exact: true }).waitFor();
    const form = widget(visitor).locator("form[data-offline]");
    await form.getByLabel("E-mail").fill("queued@example.com");
    await form.getByLabel("Message").fill("Anyone there?");
    await form.getByRole("button", { name: "Leave a message" }).click();
    // Nobody is online: the widget promises no place in a queue, only what will happen.
    await widget(visitor).getByText("We'll answer here when you come back.").waitFor();
    expect(
      await widget(visitor)
        .getByText(/in line/)
        .count(),
    ).toBe(0);

    // The inbox shows the waiting conversation with its place; the team view the queue.
    await agent.goto(`${server.url}/app/inbox?status=all`);
    await agent.getByText("#1 in queue").first().waitFor();
    await agent.goto(`${server.url}/app/team`);
    const waiting = agent.getByText("Waiting for an agent").locator("..");
    await expect.poll(() => waiting.textContent()).toContain("1");
    await agent.screenshot({ path: join(resultsDir, "team-queue.png") });

    // Back online: the oldest waiting conversation is assigned to this agent at once.
    await setStatus(agent, AgentStatus.ONLINE);
    await widget(visitor).locator(".head").getByText("Demo Agent").waitFor();
    await expect
      .poll(() =>
        widget(visitor)
          .getByText(/number 1 in line/)
          .count(),
      )
      .toBe(0);
    await agent.goto(`${server.url}/app/inbox?status=all`);
    await agent.getByText("Anyone there?").first().waitFor();
    expect(await agent.getByText("#1 in queue").count()).toBe(0);
    await agentContext.close();
    await visitorContext.close();
  });

  test("outside business hours the widget is away although an agent is online", async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await agentContext.newPage();
    await signIn(agent);
    await setStatus(agent, AgentStatus.ONLINE);
    await setAlwaysClosed(agent, true);

    const visitor = await visitorContext.newPage();
    await visitor.goto(`${server.url}/demo`);
    await widget(visitor).locator(".launcher").click();
    await widget(visitor).getByText("We're away right now", { exact: true }).waitFor();
    await widget(visitor).locator("form[data-offline]").waitFor();
    await visitor.screenshot({ path: join(resultsDir, "widget-outside-hours.png") });

    // Hours off again: the same agent is online, so the next load shows the team online.
    await setAlwaysClosed(agent, false);
    await visitor.reload();
    // The panel stays open across page loads of the site.
    await widget(visitor).getByText("We reply in a few minutes").waitFor();
    expect(await widget(visitor).locator("form[data-offline]").count()).toBe(0);
    await agentContext.close();
    await visitorContext.close();
  });
});
