//! The widget end to end, in Chromium against the real server: the demo page's launcher,
//! pre-chat, a conversation with an agent (typing both ways, read marks, links that stay
//! text), reload keeping history, a network cut resumed without gaps or duplicates,
//! attachments, rating, the offline form, hostile host CSS, a refused origin, the JS API
//! and events, page views, and the phone layout. Screenshots go to widget-web/test-results.
//! (The first hour's additions, colour scheme, the panel across pages, the pre-chat greeting,
//! the launcher's close control, focus rings and the honest offline flow: first-hour.e2e.ts.)

import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AgentStatus,
  ConversationStatus,
  createClient,
  createPortholeTransport,
  PreChatField,
  WidgetPosition,
  WorkspaceService,
} from "@porthole/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type RunningServer, startServer } from "../../admin-web/e2e/harness.js";
import { type Agent, agentFor, demoLogin } from "./agent.js";
import { type HostSite, hostileCss, hostSite, snippet } from "./hostpage.js";

const results = resolve(dirname(fileURLToPath(import.meta.url)), "../test-results");

let server: RunningServer;
let browser: Browser;
let agent: Agent;
let site: HostSite;
let demoToken = "";
let demoWidgetId = "";
let newContext: (options?: Parameters<Browser["newContext"]>[0]) => Promise<BrowserContext>;

const widget = (page: Page) => page.locator("[data-porthole]");
const launcher = (page: Page) => widget(page).locator(".launcher");
const composer = (page: Page) => widget(page).getByRole("textbox", { name: "Type a message…" });
const bubbles = (page: Page) => widget(page).locator(".row .bubble");

async function visitorPage(context: BrowserContext, url = `${server.url}/demo`): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(url);
  await launcher(page).waitFor();
  return page;
}

/** Waits until the agent's feed has an event matching `test`, returning it. */
async function feedEvent<T>(
  pick: (event: Agent["events"][number]) => T | undefined,
  since = 0,
): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const event of agent.events.slice(since)) {
      const found = pick(event);
      if (found !== undefined) return found;
    }
    if (Date.now() > deadline) throw new Error("the agent's feed never showed the expected event");
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  mkdirSync(results, { recursive: true });
  server = await startServer({ PORTHOLE_DEMO: "true" });
  browser = await launchBrowser();
  newContext = (options) => browser.newContext(options);
  site = await hostSite();
  agent = await agentFor(server.url);
  const list = await agent.widgets.listWidgets({});
  const demo = list.widgets[0];
  if (!demo) throw new Error("the demo widget was not seeded");
  demoToken = demo.publicToken;
  demoWidgetId = demo.id;
  // Ask for a name (required) and an e-mail address (optional) before chatting.
  const current = (await agent.widgets.getWidget({ widgetId: demoWidgetId })).widget;
  const settings = current?.settings;
  if (!settings?.behavior) throw new Error("demo widget without settings");
  settings.behavior.preChatName = PreChatField.REQUIRED;
  settings.behavior.preChatEmail = PreChatField.OPTIONAL;
  await agent.widgets.updateWidget({ widgetId: demoWidgetId, settings });
});

afterAll(async () => {
  agent?.unwatch();
  await browser?.close();
  await site?.close();
  await server?.stop();
});

describe("the widget on the demo page", () => {
  it("chats with an agent: pre-chat, send, typing both ways, reply, read mark, XSS stays text", async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    const page = await visitorPage(context);
    // Bottom right, not covering the page's layout.
    const box = await launcher(page).boundingBox();
    expect(box && box.x + box.width).toBeGreaterThan(1280 - 40);
    expect(box && box.y + box.height).toBeGreaterThan(800 - 40);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1280);

    await launcher(page).click();
    // The agent's dashboard feed is open: the team shows as online.
    await widget(page).getByText("We reply in a few minutes").waitFor();
    expect(await widget(page).locator(".head .dot.on").count()).toBe(1);
    const preChat = widget(page).locator("form[data-prechat]");
    await preChat.getByRole("button", { name: "Start chat" }).click();
    await expect.poll(() => preChat.getByText("Please fill this in.").count()).toBe(1);
    await preChat.getByLabel("Name").fill("Grace Hopper");
    await preChat.getByLabel("E-mail").fill("not-an-address");
    await preChat.getByRole("button", { name: "Start chat" }).click();
    await preChat.getByText("Please enter a valid e-mail address.").waitFor();
    await preChat.getByLabel("E-mail").fill("grace@example.com");
    await preChat.getByRole("button", { name: "Start chat" }).click();

    await composer(page).fill("Hello, do you ship beans to Oslo?");
    await composer(page).press("Enter");
    await widget(page).getByText("Delivered").waitFor();
    const created = await feedEvent((e) =>
      e.event.case === "messageCreated" && e.event.value.body.includes("Oslo")
        ? e.event.value
        : undefined,
    );
    const conversationId = created.conversationId;
    expect(created.senderName).toBe("Grace Hopper");

    // The visitor types; the agent's feed shows it.
    const mark = agent.events.length;
    await composer(page).pressSequentially("Also", { delay: 20 });
    await feedEvent(
      (e) => (e.event.case === "typing" && e.event.value.typing ? true : undefined),
      mark,
    );

    // The agent types; the visitor sees it; then the agent replies and reads.
    await agent.conversations.setAgentTyping({ conversationId, typing: true });
    await widget(page)
      .getByText(/is typing/)
      .waitFor();
    await page.screenshot({ path: `${results}/desktop-typing.png` });
    await agent.reply(
      conversationId,
      "Hi Grace! Yes — see https://example.com/shipping for rates.",
    );
    await widget(page).getByText("Hi Grace! Yes").waitFor();
    await expect
      .poll(() =>
        widget(page)
          .getByText(/is typing/)
          .count(),
      )
      .toBe(0);
    const link = widget(page).getByRole("link", { name: "https://example.com/shipping" });
    expect(await link.getAttribute("href")).toBe("https://example.com/shipping");
    expect(await link.getAttribute("rel")).toContain("noopener");
    await agent.conversations.markConversationRead({ conversationId, seq: created.seq + 1n });
    await widget(page).locator("[data-mark=read]").waitFor();

    // Hostile text from both sides is shown as text.
    await composer(page).fill(`<img src=x onerror="window.__xss=1">`);
    await composer(page).press("Enter");
    await feedEvent((e) =>
      e.event.case === "messageCreated" && e.event.value.body.includes("__xss=1")
        ? true
        : undefined,
    );
    await agent.reply(
      conversationId,
      `javascript:window.__xss=2 <a href="javascript:window.__xss=3">click</a>`,
    );
    await widget(page).getByText(`<img src=x onerror="window.__xss=1">`).waitFor();
    await widget(page)
      .getByText(/javascript:window.__xss=2/)
      .waitFor();
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await widget(page).locator(".bubble img").count()).toBe(0);
    expect(await widget(page).locator('a[href^="javascript"]').count()).toBe(0);
    await page.screenshot({ path: `${results}/desktop-conversation.png` });

    // A reload keeps the visitor and the whole history, without the pre-chat form, and the
    // panel open as it was (first-hour.e2e.ts tests that memory across pages).
    await page.reload();
    await widget(page).getByRole("dialog").waitFor();
    await widget(page).getByText("Hi Grace! Yes").waitFor();
    expect(await bubbles(page).allTextContents()).toEqual([
      "How can we help you today?",
      "Hello, do you ship beans to Oslo?",
      "Hi Grace! Yes — see https://example.com/shipping for rates.",
      `<img src=x onerror="window.__xss=1">`,
      `javascript:window.__xss=2 <a href="javascript:window.__xss=3">click</a>`,
    ]);
    expect(await widget(page).locator("form[data-prechat]").count()).toBe(0);

    // A second tab is the same visitor in the same conversation.
    const tab = await visitorPage(context);
    await launcher(tab).click();
    await widget(tab).getByText("Hi Grace! Yes").waitFor();

    // Cut the network and the server; the agent writes while the visitor is away.
    await context.setOffline(true);
    await server.kill();
    await widget(page).getByText("Connection lost. Reconnecting…").waitFor();
    await server.restart();
    await agent.watch();
    for (const n of [1, 2, 3]) await agent.reply(conversationId, `while you were away ${n}`);
    await context.setOffline(false);
    await widget(page).getByText("while you were away 3").waitFor();
    await expect
      .poll(() => widget(page).getByText("Connection lost. Reconnecting…").isVisible())
      .toBe(false);
    const texts = await bubbles(page).allTextContents();
    expect(texts.filter((t) => t.startsWith("while you were away"))).toEqual([
      "while you were away 1",
      "while you were away 2",
      "while you were away 3",
    ]);
    expect(new Set(texts).size).toBe(texts.length);
    const seqs = await widget(page)
      .locator(".row[data-seq]")
      .evaluateAll((rows) =>
        rows.map((r) => Number(r.getAttribute("data-seq"))).filter((s) => s > 0),
      );
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    // Attachments: a too-big file is refused in the browser; an image uploads and shows.
    const attach = widget(page).locator('input[type="file"]');
    await attach.setInputFiles({
      name: "huge.png",
      mimeType: "image/png",
      buffer: Buffer.alloc(11 * 1024 * 1024),
    });
    await widget(page).getByText("huge.png is too big (at most 10 MB).").waitFor();
    await attach.setInputFiles({
      name: "run.exe",
      mimeType: "application/x-msdownload",
      buffer: Buffer.from("MZ"),
    });
    await widget(page)
      .getByText(/run\.exe can't be sent/)
      .waitFor();
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    await attach.setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: png });
    await widget(page).locator('.bubble img[alt="receipt.png"]').waitFor();
    await expect
      .poll(async () =>
        (await agent.visitorMessages(conversationId)).some(
          (m) => m.attachments[0]?.fileName === "receipt.png",
        ),
      )
      .toBe(true);

    // Resolve: the visitor rates, the agent sees the rating.
    await agent.conversations.resolveConversation({ conversationId });
    const rating = widget(page).locator("form[data-rating]");
    await rating.waitFor();
    await rating.getByRole("button", { name: "5 of 5" }).click();
    await rating.getByRole("textbox").fill("Quick and friendly");
    await rating.getByRole("button", { name: "Send rating" }).click();
    await widget(page).getByText("Thanks for your feedback!").waitFor();
    const rated = await agent.conversations.getConversation({ conversationId });
    expect(rated.conversation?.rating).toBe(5);
    expect(rated.conversation?.ratingComment).toBe("Quick and friendly");
    expect(rated.conversation?.status).toBe(ConversationStatus.RESOLVED);
    await context.close();
  });

  it("arrives brotli-compressed: the chat app's script", async () => {
    const context = await newContext();
    const page = await context.newPage();
    const encodings = new Map<string, string>();
    page.on("response", (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith("/widget/"))
        encodings.set(path, response.headers()["content-encoding"] ?? "");
    });
    await page.goto(`${server.url}/demo`);
    await launcher(page).click();
    await widget(page).getByText("We reply in a few minutes").waitFor();
    // Chromium sends Accept-Encoding: gzip, deflate, br, zstd; every script of the widget
    // larger than a packet comes back as brotli and still runs.
    const scripts = [...encodings].filter(([path]) => path.startsWith("/widget/assets/"));
    expect(scripts.length).toBeGreaterThan(0);
    expect(
      scripts.filter(([path, encoding]) => path.endsWith(".js") && encoding === "br").length,
    ).toBeGreaterThan(0);
    await context.close();
  });

  it("goes full screen on a phone", async () => {
    const context = await newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await visitorPage(context);
    await page.screenshot({ path: `${results}/phone-closed.png` });
    await launcher(page).tap();
    const panel = widget(page).getByRole("dialog");
    await panel.waitFor();
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await page.screenshot({ path: `${results}/phone-open.png` });
    // Escape closes it and gives focus back to the launcher.
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.isVisible()).toBe(false);
    await context.close();
  });
});

describe("keyboard and motion", () => {
  it("is operable by keyboard with managed focus, and still under reduced motion", async () => {
    const context = await newContext({ reducedMotion: "reduce" });
    const page = await visitorPage(context);
    const focused = () =>
      page.evaluate(() => {
        const host = document.activeElement;
        if (!host?.hasAttribute("data-porthole")) return host?.tagName ?? "";
        const inner = host.shadowRoot?.activeElement;
        return `widget:${inner?.className || inner?.tagName || ""}`;
      });
    for (let i = 0; i < 10 && (await focused()) !== "widget:launcher"; i++)
      await page.keyboard.press("Tab");
    expect(await focused()).toBe("widget:launcher");
    expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
    await page.keyboard.press("Enter");
    await widget(page).getByRole("dialog").waitFor();
    expect(await launcher(page).getAttribute("aria-expanded")).toBe("true");
    // Focus moves into the panel (the first field of the pre-chat form).
    expect(await focused()).toBe("widget:INPUT");
    const motion = await widget(page)
      .getByRole("dialog")
      .evaluate((el) => getComputedStyle(el).transitionDuration);
    expect(motion.split(",").every((d) => Number.parseFloat(d) === 0)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => widget(page).getByRole("dialog").isVisible()).toBe(false);
    expect(await focused()).toBe("widget:launcher");
    await context.close();
  });
});

describe("settings from the dashboard", () => {
  it("apply on the next load: colours, corner, size, radius, font, logo, texts, branding, sound", async () => {
    const before = (await agent.widgets.getWidget({ widgetId: demoWidgetId })).widget?.settings;
    if (!before?.appearance || !before.texts || !before.behavior)
      throw new Error("demo widget without settings");
    const changed = structuredClone(before);
    Object.assign(changed.appearance ?? {}, {
      primaryColor: "#e11d48",
      textColor: "#fffbeb",
      position: WidgetPosition.TOP_LEFT,
      launcherSize: 72,
      borderRadius: 4,
      fontFamily: "Georgia, serif",
      logoUrl: "/app/favicon.svg",
      showBranding: false,
    });
    Object.assign(changed.texts ?? {}, {
      welcomeTitle: "Northwind help desk",
      inputPlaceholder: "Ask us anything",
    });
    Object.assign(changed.behavior ?? {}, {
      soundEnabled: false,
      preChatName: PreChatField.HIDDEN,
      preChatEmail: PreChatField.HIDDEN,
    });
    await agent.widgets.updateWidget({ widgetId: demoWidgetId, settings: changed });
    try {
      const context = await newContext({ viewport: { width: 1280, height: 800 } });
      // Count chimes: every chime starts oscillators.
      await context.addInitScript(() => {
        const w = window as unknown as { chimes: number };
        w.chimes = 0;
        const original = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function (this: AudioContext) {
          w.chimes++;
          return original.call(this);
        };
      });
      const page = await visitorPage(context);
      const look = await launcher(page).evaluate((el) => {
        const s = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          background: s.backgroundColor,
          color: s.color,
          width: box.width,
          left: box.left,
          top: box.top,
        };
      });
      expect(look).toEqual({
        background: "rgb(225, 29, 72)",
        color: "rgb(255, 251, 235)",
        width: 72,
        left: 20,
        top: 20,
      });
      await launcher(page).click();
      const panel = widget(page).getByRole("dialog");
      expect(
        await panel.evaluate((el) => [
          getComputedStyle(el).borderRadius,
          getComputedStyle(el).fontFamily,
        ]),
      ).toEqual(["4px", "Georgia, serif"]);
      await widget(page).getByRole("heading", { name: "Northwind help desk" }).waitFor();
      expect(await widget(page).locator(".head img").getAttribute("src")).toBe("/app/favicon.svg");
      expect(await widget(page).getByText("Powered by Porthole").isVisible()).toBe(false);
      const input = widget(page).getByRole("textbox", { name: "Ask us anything" });
      await input.fill("Is the sound off?");
      await input.press("Enter");
      const created = await feedEvent((e) =>
        e.event.case === "messageCreated" && e.event.value.body === "Is the sound off?"
          ? e.event.value
          : undefined,
      );
      await widget(page).locator("[data-close]").click();
      await agent.reply(created.conversationId, "It is.");
      await widget(page).locator(".badge", { hasText: "1" }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { chimes: number }).chimes)).toBe(0);

      // With the sound setting on, the same message chimes.
      await agent.widgets.updateWidget({
        widgetId: demoWidgetId,
        settings: {
          ...changed,
          behavior: { ...changed.behavior, soundEnabled: true } as typeof changed.behavior,
        },
      });
      await page.reload();
      await launcher(page).click();
      await widget(page).locator("[data-close]").click();
      await agent.reply(created.conversationId, "Now it is on.");
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { chimes: number }).chimes))
        .toBeGreaterThan(0);
      await page.screenshot({ path: `${results}/desktop-custom-settings.png` });
      await context.close();
    } finally {
      await agent.widgets.updateWidget({ widgetId: demoWidgetId, settings: before });
    }
  });
});

describe("languages", () => {
  it("speaks the browser's language, and the host page can override it", async () => {
    const context = await newContext({ locale: "de-DE" });
    const page = await visitorPage(context);
    expect(await launcher(page).getAttribute("aria-label")).toBe("Chat öffnen");
    await launcher(page).click();
    await widget(page).getByRole("button", { name: "Chat starten" }).waitFor();
    await page.evaluate(() =>
      (window as unknown as { Porthole: (...a: unknown[]) => void }).Porthole("setLocale", "fr"),
    );
    await widget(page).getByRole("button", { name: "Démarrer" }).waitFor();
    await context.close();
  });
});

describe("the widget on other sites", () => {
  it("keeps its looks on a page with hostile global CSS, and its CSS stays inside", async () => {
    site.page(
      "/hostile",
      `<!doctype html><html><head>${hostileCss}</head><body><button class="probe">Host button</button>${snippet(server.url, demoToken)}</body></html>`,
    );
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    const page = await visitorPage(context, `${site.url}/hostile`);
    const look = await launcher(page).evaluate((el) => {
      const s = getComputedStyle(el);
      // Rounded: a run after other tests once read 60.75px, not reproducible alone.
      return {
        width: `${Math.round(Number.parseFloat(s.width))}px`,
        height: `${Math.round(Number.parseFloat(s.height))}px`,
        background: s.backgroundColor,
        transform: s.transform,
        display: s.display,
      };
    });
    expect(look).toEqual({
      width: "60px",
      height: "60px",
      background: "rgb(31, 111, 235)",
      transform: "none",
      display: "grid",
    });
    await launcher(page).click();
    const panelBox = await widget(page).getByRole("dialog").boundingBox();
    expect(panelBox?.width).toBe(380);
    const font = await widget(page)
      .getByRole("dialog")
      .evaluate((el) => getComputedStyle(el).fontSize);
    expect(font).toBe("14px");
    // Nothing of the widget's stylesheet reaches the host page's own elements.
    expect(await page.locator(".probe").evaluate((el) => getComputedStyle(el).cursor)).toBe("text");
    await page.screenshot({ path: `${results}/hostile-css.png` });
    await context.close();
  });

  it("refuses an origin the widget does not allow, and shows nothing", async () => {
    const created = await agent.widgets.createWidget({
      name: "Only example.com",
      settings: { allowedDomains: ["example.com"] },
    });
    site.page(
      "/refused",
      `<!doctype html><html><body><p>Other site</p>${snippet(server.url, created.widget?.publicToken ?? "")}</body></html>`,
    );
    const context = await newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${site.url}/refused`);
    await expect.poll(() => errors.some((e) => e.includes("could not start"))).toBe(true);
    expect(errors.join("\n")).toMatch(/may not use this widget: add its domain/);
    expect(await page.locator("[data-porthole]").count()).toBe(0);
    await context.close();
  });

  it("answers the JS API queued before load, fires events, and records page views of a single-page app", async () => {
    site.page(
      "/spa",
      `<!doctype html><html><head><title>Shop home</title></head><body>
      <script>
        window.log = [];
        window.Porthole = window.Porthole || function () { (Porthole.q = Porthole.q || []).push(arguments); };
        Porthole("on", "ready", function (d) { log.push("ready:" + (d.visitorId ? "yes" : "no")); });
        Porthole("on", "open", function () { log.push("open"); });
        Porthole("on", "close", function () { log.push("close"); });
        Porthole("on", "message", function (d) { log.push("message:" + d.body); });
        Porthole("on", "unread", function (d) { log.push("unread:" + d.count); });
        window.addEventListener("porthole:open", function () { log.push("dom:open"); });
        Porthole("setAttributes", { plan: "pro" });
        Porthole("open");
      </script>
      ${snippet(server.url, demoToken)}</body></html>`,
    );
    const context = await newContext();
    const page = await visitorPage(context, `${site.url}/spa`);
    await widget(page).getByRole("dialog").waitFor();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { log: string[] }).log))
      .toEqual(["ready:yes", "open", "dom:open"]);

    // An SPA route change is a page view the agent sees.
    await page.evaluate(() => {
      document.title = "Checkout";
      history.pushState({}, "", "/spa/checkout");
    });
    await widget(page).locator("form[data-prechat]").getByLabel("Name").fill("Linus");
    await widget(page)
      .locator("form[data-prechat]")
      .getByRole("button", { name: "Start chat" })
      .click();
    await composer(page).fill("Where is my order?");
    await composer(page).press("Enter");
    const created = await feedEvent((e) =>
      e.event.case === "messageCreated" && e.event.value.body === "Where is my order?"
        ? e.event.value
        : undefined,
    );
    const details = await agent.conversations.getConversation({
      conversationId: created.conversationId,
    });
    expect(details.visitor?.currentUrl).toBe(`${site.url}/spa/checkout`);
    expect(details.visitor?.attributes.plan).toBe("pro");

    // Closed panel: a reply raises the unread count, the badge, the events.
    await page.evaluate(() =>
      (window as unknown as { Porthole: (c: string) => void }).Porthole("close"),
    );
    await agent.reply(created.conversationId, "It ships today.");
    await widget(page).locator(".badge", { hasText: "1" }).waitFor();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { log: string[] }).log.slice(3)))
      .toEqual(["close", "message:It ships today.", "unread:1"]);
    // Opening reads it.
    await launcher(page).click();
    await expect.poll(() => widget(page).locator(".badge").isVisible()).toBe(false);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { log: string[] }).log.slice(6)))
      .toEqual(["unread:0", "open", "dom:open"]);

    // While the tab is hidden, the unread count shows in the page title.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await agent.reply(created.conversationId, "Tracking number follows.");
    await expect.poll(() => page.title()).toBe("(1) Checkout");
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await expect.poll(() => page.title()).toBe("Checkout");

    // The host site identifies its signed-in user with an HMAC from its backend.
    const secret = (await agent.widgets.getIdentitySecret({ widgetId: demoWidgetId }))
      .identitySecret;
    const userHash = createHmac("sha256", secret).update("user-42").digest("hex");
    await page.evaluate(
      (hash) =>
        (window as unknown as { Porthole: (...a: unknown[]) => void }).Porthole("identify", {
          externalId: "user-42",
          userHash: hash,
          name: "Linus T.",
          email: "linus@example.com",
        }),
      userHash,
    );
    await expect
      .poll(
        async () =>
          (await agent.conversations.getConversation({ conversationId: created.conversationId }))
            .visitor?.verified,
      )
      .toBe(true);
    await widget(page).getByText("Tracking number follows.").waitFor();
    await context.close();
  });

  it("opens by itself when an agent starts a conversation (proactive message)", async () => {
    const context = await newContext();
    // Learn the visitor's id from the `ready` event, queued before the widget loads.
    await context.addInitScript(() => {
      const w = window as unknown as {
        Porthole: { (...a: unknown[]): void; q?: unknown[][] };
        visitorId?: string;
      };
      w.Porthole = (...args: unknown[]) => {
        w.Porthole.q ??= [];
        w.Porthole.q.push(args);
      };
      w.Porthole("on", "ready", (d: { visitorId: string }) => {
        w.visitorId = d.visitorId;
      });
    });
    const page = await visitorPage(context);
    await expect
      .poll(() => page.evaluate(() => (window as { visitorId?: string }).visitorId))
      .toBeTruthy();
    const visitorId = await page.evaluate(() => (window as { visitorId?: string }).visitorId ?? "");
    const live = await agent.conversations.listLiveVisitors({ widgetId: demoWidgetId });
    expect(live.visitors.map((v) => v.id)).toContain(visitorId);
    await agent.conversations.startVisitorConversation({
      visitorId,
      body: "Hi! Need help choosing a roast?",
      clientKey: crypto.randomUUID(),
    });
    await widget(page).getByRole("dialog").waitFor();
    await widget(page).getByText("Hi! Need help choosing a roast?").waitFor();
    // It never takes focus away from the host page.
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await context.close();
  });

  it("pages back through a long history", async () => {
    const context = await newContext();
    const page = await visitorPage(context);
    await launcher(page).click();
    await widget(page).locator("form[data-prechat]").getByLabel("Name").fill("Ada");
    await widget(page)
      .locator("form[data-prechat]")
      .getByRole("button", { name: "Start chat" })
      .click();
    await composer(page).fill("first");
    await composer(page).press("Enter");
    const created = await feedEvent((e) =>
      e.event.case === "messageCreated" && e.event.value.senderName === "Ada"
        ? e.event.value
        : undefined,
    );
    for (let n = 1; n <= 60; n++) await agent.reply(created.conversationId, `line ${n}`);
    // The panel was open: it opens again by itself after the reload.
    await page.reload();
    await widget(page).getByRole("dialog").waitFor();
    await widget(page).getByText("line 60").waitFor();
    expect(await widget(page).getByText("first", { exact: true }).count()).toBe(0);
    await widget(page).getByRole("button", { name: "Show earlier messages" }).click();
    await widget(page).getByText("first", { exact: true }).waitFor();
    const texts = await bubbles(page).allTextContents();
    expect(texts.slice(1)).toEqual([
      "first",
      ...Array.from({ length: 60 }, (_, i) => `line ${i + 1}`),
    ]);
    expect(await widget(page).getByRole("button", { name: "Show earlier messages" }).count()).toBe(
      0,
    );
    await context.close();
  });

  it("offers the offline form when no agent is online, and agents find the message", async () => {
    // With the dashboard closed and the owner set offline, nobody answers.
    agent.unwatch();
    await setOffline(server.url);
    const context = await newContext();
    const page = await visitorPage(context);
    await launcher(page).click();
    const form = widget(page).locator("form[data-offline]");
    await form.waitFor();
    await form.getByLabel("E-mail").fill("night@example.com");
    await form.getByLabel("Message").fill("Please call me back tomorrow.");
    await form.getByRole("button", { name: "Leave a message" }).click();
    // Nobody is online and this server sends no e-mail: the answer comes here, later. The
    // server still counts a place in line, which the widget never shows while offline.
    await widget(page)
      .getByText("Thanks, your message was sent. We'll answer here when you come back.")
      .waitFor();
    expect(
      await widget(page)
        .getByText(/in line/)
        .count(),
    ).toBe(0);
    expect(await widget(page).getByText("We're away right now", { exact: true }).count()).toBe(1);
    expect(await widget(page).locator(".head .dot.on").count()).toBe(0);
    await page.screenshot({ path: `${results}/desktop-offline.png` });
    const inbox = await agent.conversations.listConversations({ query: "night@example.com" });
    expect(inbox.conversations.map((c) => c.lastMessagePreview)).toContain(
      "Please call me back tomorrow.",
    );
    await context.close();
  });
});

/** Sets the demo owner's status to offline. */
async function setOffline(baseUrl: string): Promise<void> {
  const { AuthService } = await import("@porthole/client");
  let token = "";
  const transport = createPortholeTransport(baseUrl, { getToken: () => token || undefined });
  token =
    (await createClient(AuthService, transport).logIn({ ...demoLogin, workspaceId: "" })).session
      ?.accessToken ?? "";
  await createClient(WorkspaceService, transport).setMyStatus({ status: AgentStatus.OFFLINE });
}
