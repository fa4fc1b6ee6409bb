//! Shared pieces of the widget's end-to-end tests: a Porthole server with its demo widget
//! and the demo owner as agent, the widget's parts on a page, changing the demo widget's
//! settings, waiting for the agent to see a message, the contrast check of the panel's text,
//! and the team going offline (or coming back).

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AgentStatus,
  AuthService,
  createClient,
  createPortholeTransport,
  type WidgetSettings,
  WorkspaceService,
} from "@porthole/client";
import type { BrowserContext, Page } from "playwright-core";
import {
  type launchBrowser,
  type RunningServer,
  startServer,
} from "../../admin-web/e2e/harness.js";
import { type Agent, agentFor, demoLogin } from "./agent.js";

export const results = resolve(dirname(fileURLToPath(import.meta.url)), "../test-results");
export const desktop = { viewport: { width: 1280, height: 800 } };
export const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** The default primary colour, as the browser reports it. */
export const primary = "rgb(31, 111, 235)";

export type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/** One Porthole server with its demo widget, the demo owner as agent, and a host site. */
export interface Setup {
  server: RunningServer;
  agent: Agent;
  widgetId: string;
  token: string;
  newContext: (options?: Parameters<Browser["newContext"]>[0]) => Promise<BrowserContext>;
}

export async function setUp(browser: Browser, env: Record<string, string> = {}): Promise<Setup> {
  const server = await startServer({ PORTHOLE_DEMO: "true", ...env });
  const agent = await agentFor(server.url);
  const demo = (await agent.widgets.listWidgets({})).widgets[0];
  if (!demo) throw new Error("the demo widget was not seeded");
  return {
    server,
    agent,
    widgetId: demo.id,
    token: demo.publicToken,
    newContext: (options) => browser.newContext(options),
  };
}

export const widget = (page: Page) => page.locator("[data-porthole]");
export const launcher = (page: Page) => widget(page).locator(".launcher");
export const panel = (page: Page) => widget(page).getByRole("dialog");
export const list = (page: Page) => widget(page).locator(".body");
export const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${results}/${name}.png`, animations: "disabled" });

export async function visit(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(url);
  await launcher(page).waitFor();
  return page;
}

/** Changes the demo widget's settings; returns a function putting the old ones back. */
export async function configure(
  setup: Setup,
  change: (settings: WidgetSettings) => void,
): Promise<() => Promise<void>> {
  const before = (await setup.agent.widgets.getWidget({ widgetId: setup.widgetId })).widget
    ?.settings;
  if (!before?.appearance || !before.behavior || !before.texts)
    throw new Error("demo widget without settings");
  const changed = structuredClone(before);
  change(changed);
  await setup.agent.widgets.updateWidget({ widgetId: setup.widgetId, settings: changed });
  return async () => {
    await setup.agent.widgets.updateWidget({ widgetId: setup.widgetId, settings: before });
  };
}

/** Waits for the agent's feed to carry the visitor's message `body`; returns its conversation. */
export async function conversationOf(agent: Agent, body: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const e of agent.events)
      if (e.event.case === "messageCreated" && e.event.value.body === body)
        return e.event.value.conversationId;
    if (Date.now() > deadline) throw new Error(`the agent never saw "${body}"`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Text in the panel that fails WCAG AA (4.5:1) against the background it is drawn on (the
 * nearest opaque one), among the team's side of the panel: bubbles, names, notes, forms,
 * fields, the composer and the branding line. Returns "selector: colour on colour (ratio)".
 */
export async function unreadableText(page: Page): Promise<string[]> {
  return widget(page).evaluate((host) => {
    const root = host.shadowRoot as ShadowRoot;
    const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r = 0, g = 0, b = 0]: number[]) => {
      const f = (v: number) => {
        const c = v / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element): number[] => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if ((c[3] ?? 1) > 0.9) return c;
      }
      return [255, 255, 255];
    };
    const selectors = [
      ".row:not(.me) .bubble",
      ".who",
      ".sys",
      ".away",
      ".away input",
      ".mark",
      ".note",
      ".more",
      "form.f p",
      "form.f label",
      "form.f input",
      "form.f textarea",
      "form.f .e",
      ".btn2",
      ".compose textarea",
      ".brand",
      ".botbar span",
      ".qr button",
      ".src p",
      ".src li",
      ".conn",
      ".list h3",
      ".conv .d",
      ".conv .pv",
    ];
    const issues: string[] = [];
    for (const selector of selectors) {
      for (const el of Array.from(root.querySelectorAll(selector))) {
        if (!(el as HTMLElement).checkVisibility?.() || !el.textContent?.trim()) {
          if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) continue;
        }
        const fg = rgba(getComputedStyle(el).color);
        const bg = background(el);
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a) as [number, number];
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5)
          issues.push(
            `${selector}: rgb(${fg.join(",")}) on rgb(${bg.join(",")}) (${ratio.toFixed(2)})`,
          );
      }
    }
    return issues;
  });
}

export const isDark = (page: Page) =>
  widget(page)
    .locator(".root")
    .evaluate((el) => el.classList.contains("dark"));
export const panelBackground = (page: Page) =>
  panel(page).evaluate((el) => getComputedStyle(el).backgroundColor);

/** The demo owner's WorkspaceService (their status, the workspace's routing). */
export async function workspaceFor(baseUrl: string) {
  let token = "";
  const transport = createPortholeTransport(baseUrl, { getToken: () => token || undefined });
  token =
    (await createClient(AuthService, transport).logIn({ ...demoLogin, workspaceId: "" })).session
      ?.accessToken ?? "";
  return createClient(WorkspaceService, transport);
}

/** Sets the demo owner's status (offline: the dashboard feed must be closed too). */
export async function setStatus(baseUrl: string, status: AgentStatus): Promise<void> {
  await (await workspaceFor(baseUrl)).setMyStatus({ status });
}

/** Sets the demo owner's status to offline (the dashboard feed must be closed too). */
export async function setOffline(baseUrl: string): Promise<void> {
  await setStatus(baseUrl, AgentStatus.OFFLINE);
}
