//! The visitor's first hour (issue 18), end to end in Chromium against the real server: the
//! colour scheme (light, dark, auto following the system live) with readable text on every
//! screen, the panel staying open and scrolled where it was across pages of the same site,
//! the greeting above the pre-chat form, the launcher's close control, focus rings in the
//! primary colour (never red), and the offline flow telling the truth: no queue position,
//! and where the answer will come (by e-mail and here when the server sends e-mail, else
//! here). Screenshots, light and dark, desktop 1280×800 and phone 390×844, go to
//! widget-web/test-results.

import { ColorScheme, PreChatField } from "@porthole/client";
import type { BrowserContext, Page } from "playwright-core";
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
  list,
  panel,
  panelBackground,
  phone,
  primary,
  type Setup,
  setOffline,
  setUp,
  shot,
  unreadableText,
  visit,
  widget,
} from "./helpers.js";
import { type HostSite, hostSite, snippet } from "./hostpage.js";

let browser: Browser;
let main: Setup;
let site: HostSite;

beforeAll(async () => {
  browser = await launchBrowser();
  main = await setUp(browser);
  site = await hostSite();
});

afterAll(async () => {
  main?.agent.unwatch();
  await browser?.close();
  await site?.close();
  await main?.server.stop();
});

describe("colour scheme", () => {
  it("dark: every screen dark and readable, launcher and header in the primary colour (desktop and phone)", async () => {
    const restore = await configure(main, (s) => {
      if (s.appearance) s.appearance.colorScheme = ColorScheme.DARK;
      if (s.behavior) s.behavior.preChatName = PreChatField.OPTIONAL;
    });
    try {
      // The system says light: the widget's setting wins.
      const context = await main.newContext({ ...desktop, colorScheme: "light" });
      const page = await visit(context, `${main.server.url}/demo`);
      expect(await launcher(page).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
        primary,
      );
      await launcher(page).click();
      const form = widget(page).locator("form[data-prechat]");
      await form.waitFor();
      expect(await isDark(page)).toBe(true);
      expect(await panelBackground(page)).toBe("rgb(28, 28, 33)");
      expect(
        await widget(page)
          .locator(".head")
          .evaluate((el) => getComputedStyle(el).backgroundColor),
      ).toBe(primary);
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-desktop-prechat");

      await form.getByLabel("Name").fill("Nora");
      await form.getByRole("button", { name: "Start chat" }).click();
      const composer = widget(page).getByRole("textbox", { name: "Type a message…" });
      await composer.fill("Hi, is the Ethiopian roast in stock?");
      await composer.press("Enter");
      const conversationId = await conversationOf(
        main.agent,
        "Hi, is the Ethiopian roast in stock?",
      );
      await main.agent.reply(conversationId, "It is! See https://example.com/roasts for more.");
      await widget(page).getByText("It is!").waitFor();
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-desktop-conversation");

      // The rating card after the agent resolves it.
      await main.agent.conversations.resolveConversation({ conversationId });
      await widget(page).locator("form[data-rating]").waitFor();
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-desktop-rating");

      // The same visitor on a phone.
      const mobile = await main.newContext({
        ...phone,
        colorScheme: "light",
        storageState: await context.storageState(),
      });
      const small = await visit(mobile, `${main.server.url}/demo`);
      await shot(small, "dark-phone-closed");
      await launcher(small).tap();
      await widget(small).locator("form[data-rating]").waitFor();
      expect(await panel(small).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      expect(await isDark(small)).toBe(true);
      expect(await unreadableText(small)).toEqual([]);
      await shot(small, "dark-phone-rating");
      await mobile.close();
      await context.close();
    } finally {
      await restore();
    }
  });

  it("light stays light on a dark system; auto follows the system live", async () => {
    const restore = await configure(main, (s) => {
      if (s.appearance) s.appearance.colorScheme = ColorScheme.LIGHT;
      if (s.behavior) s.behavior.preChatName = PreChatField.OPTIONAL;
    });
    try {
      const context = await main.newContext({ ...desktop, colorScheme: "dark" });
      const page = await visit(context, `${main.server.url}/demo`);
      await launcher(page).click();
      await widget(page).locator("form[data-prechat]").waitFor();
      expect(await isDark(page)).toBe(false);
      expect(await panelBackground(page)).toBe("rgb(255, 255, 255)");
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "light-desktop-prechat");
      await context.close();
    } finally {
      await restore();
    }

    // Auto (also what an unset scheme means): the system decides, and a change applies at once.
    const restoreAuto = await configure(main, (s) => {
      if (s.appearance) s.appearance.colorScheme = ColorScheme.AUTO;
      if (s.behavior) s.behavior.preChatName = PreChatField.OPTIONAL;
    });
    try {
      const context = await main.newContext({ ...phone, colorScheme: "light" });
      const page = await visit(context, `${main.server.url}/demo`);
      await launcher(page).tap();
      await widget(page).locator("form[data-prechat]").waitFor();
      expect(await isDark(page)).toBe(false);
      await shot(page, "light-phone-prechat");
      await page.emulateMedia({ colorScheme: "dark" });
      await expect.poll(() => isDark(page)).toBe(true);
      expect(await panelBackground(page)).toBe("rgb(28, 28, 33)");
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-phone-prechat-auto");
      await page.emulateMedia({ colorScheme: "light" });
      await expect.poll(() => isDark(page)).toBe(false);
      await context.close();
    } finally {
      await restoreAuto();
    }
  });
});

describe("the pre-chat screen, the launcher and focus", () => {
  it("greets above the pre-chat form, closes from the launcher, and rings focus in the primary colour", async () => {
    const restore = await configure(main, (s) => {
      if (s.texts) s.texts.welcomeMessage = "Welcome to Northwind! Questions about beans?";
      if (s.behavior) {
        s.behavior.preChatName = PreChatField.REQUIRED;
        s.behavior.preChatEmail = PreChatField.OPTIONAL;
      }
    });
    try {
      const context = await main.newContext({ ...desktop, reducedMotion: "reduce" });
      const page = await visit(context, `${main.server.url}/demo`);
      expect(await launcher(page).getAttribute("aria-label")).toBe("Open chat");
      // By keyboard: Tab to the launcher, Enter opens; its ring is the primary colour.
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press("Tab");
        const onLauncher = await page.evaluate(
          () =>
            document.activeElement?.shadowRoot?.activeElement?.classList.contains("launcher") ??
            false,
        );
        if (onLauncher) break;
      }
      const ring = (selector: string) =>
        widget(page)
          .locator(selector)
          .first()
          .evaluate((el) => {
            const s = getComputedStyle(el);
            return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
          });
      expect(await ring(".launcher")).toBe(`solid 2px ${primary}`);
      await page.keyboard.press("Enter");
      const form = widget(page).locator("form[data-prechat]");
      await form.waitFor();
      // The greeting comes first, then the questions.
      const first = widget(page).locator(".body > *").first();
      expect(await first.textContent()).toBe("Welcome to Northwind! Questions about beans?");
      expect(await widget(page).locator(".body > *").nth(1).getAttribute("data-prechat")).toBe("");
      // Open: the launcher is a close button showing an X.
      expect(await launcher(page).getAttribute("aria-label")).toBe("Close chat");
      expect(await launcher(page).getAttribute("title")).toBe("Close chat");
      expect(await launcher(page).locator("span:not([hidden]) path").getAttribute("d")).toBe(
        "M6 6l12 12M18 6L6 18",
      );
      // Focus went to the first field: ringed in the primary colour, not red.
      expect(await ring("form[data-prechat] input[name=name]:focus")).toBe(`solid 2px ${primary}`);
      await shot(page, "light-desktop-prechat-focus");
      // A field with an error: the message and the border say so; focus still rings blue.
      await form.getByRole("button", { name: "Start chat" }).click();
      await form.getByText("Please fill this in.").waitFor();
      const invalid = form.locator("input[name=name]");
      expect(await invalid.getAttribute("aria-invalid")).toBe("true");
      expect(await ring("form[data-prechat] input[name=name]:focus")).toBe(`solid 2px ${primary}`);
      const noRed = await widget(page).evaluate((host) =>
        Array.from((host.shadowRoot as ShadowRoot).querySelectorAll("*"))
          .map((el) => getComputedStyle(el))
          .filter(
            (s) =>
              s.outlineStyle !== "none" &&
              /^rgb\((1[5-9]\d|2\d\d), ([0-9]|[1-5]\d), /.test(s.outlineColor),
          )
          .map((s) => s.outlineColor),
      );
      expect(noRed).toEqual([]);
      await shot(page, "light-desktop-prechat-error-focus");
      // Header buttons sit on the primary colour: their ring is the header's text colour.
      await page.keyboard.press("Shift+Tab");
      expect(
        await page.evaluate(
          () =>
            document.activeElement?.shadowRoot?.activeElement?.hasAttribute("data-close") ?? false,
        ),
      ).toBe(true);
      expect(await ring("[data-close]")).toBe("solid 2px rgb(255, 255, 255)");
      // The launcher closes the panel.
      await launcher(page).click();
      await expect.poll(() => panel(page).isVisible()).toBe(false);
      expect(await launcher(page).getAttribute("aria-label")).toBe("Open chat");
      await context.close();
    } finally {
      await restore();
    }
  });
});

describe("across pages of the same site", () => {
  it("stays open, at the end or where the visitor scrolled to, and closed when closed", async () => {
    const page = (name: string, next: string) =>
      `<!doctype html><html><head><title>Shop ${name}</title></head><body style="font:16px system-ui;margin:40px">
      <h1>Shop page ${name}</h1><p><a id="next" href="${next}">Go to the next page</a></p>
      ${snippet(main.server.url, main.token)}</body></html>`;
    site.page("/shop/a", page("A", "/shop/b"));
    site.page("/shop/b", page("B", "/shop/a"));
    const restore = await configure(main, (s) => {
      if (s.behavior) {
        s.behavior.preChatName = PreChatField.HIDDEN;
        s.behavior.preChatEmail = PreChatField.HIDDEN;
      }
    });
    try {
      const context = await main.newContext(desktop);
      const tab = await visit(context, `${site.url}/shop/a`);
      await launcher(tab).click();
      const composer = widget(tab).getByRole("textbox", { name: "Type a message…" });
      await composer.fill("Which grinder do you recommend?");
      await composer.press("Enter");
      const conversationId = await conversationOf(main.agent, "Which grinder do you recommend?");
      for (let n = 1; n <= 30; n++)
        await main.agent.reply(conversationId, `Grinder note ${n}: burrs, steps and noise.`);
      await widget(tab).getByText("Grinder note 30:").waitFor();
      const position = (p: Page) =>
        list(p).evaluate((el) => ({
          fromEnd: Math.round(el.scrollHeight - el.clientHeight - el.scrollTop),
          scrollable: el.scrollHeight > el.clientHeight + 400,
        }));
      expect(await position(tab)).toEqual({ fromEnd: 0, scrollable: true });

      // Next page, mid-conversation: open again, at the end, the host page keeps focus.
      await tab.locator("#next").click();
      await tab.waitForURL(`${site.url}/shop/b`);
      await widget(tab).getByText("Grinder note 30:").waitFor();
      expect(await panel(tab).isVisible()).toBe(true);
      await expect.poll(() => position(tab)).toEqual({ fromEnd: 0, scrollable: true });
      expect(await tab.evaluate(() => document.activeElement === document.body)).toBe(true);
      await shot(tab, "light-desktop-next-page-at-end");

      // Scrolled up, then on to another page: the same place in the conversation.
      await list(tab).evaluate((el) => {
        el.scrollTop = el.scrollHeight - el.clientHeight - 500;
      });
      await expect
        .poll(() =>
          tab.evaluate(
            (key) => JSON.parse(sessionStorage.getItem(key) ?? "{}").fromEnd,
            `porthole:${main.token}:panel`,
          ),
        )
        .toBe(500);
      const visibleBefore = await widget(tab)
        .locator(".row")
        .evaluateAll((rows) => {
          const body = rows[0]?.closest(".body")?.getBoundingClientRect();
          return rows
            .filter((r) => {
              const box = r.getBoundingClientRect();
              return body && box.top >= body.top && box.bottom <= body.bottom;
            })
            .map((r) => r.textContent);
        });
      await tab.locator("#next").click();
      await tab.waitForURL(`${site.url}/shop/a`);

      await widget(tab).getByText("Grinder note 30:").waitFor();
      await expect.poll(() => position(tab)).toEqual({ fromEnd: 500, scrollable: true });
      const visibleAfter = await widget(tab)
        .locator(".row")
        .evaluateAll((rows) => {
          const body = rows[0]?.closest(".body")?.getBoundingClientRect();
          return rows
            .filter((r) => {
              const box = r.getBoundingClientRect();
              return body && box.top >= body.top && box.bottom <= body.bottom;
            })
            .map((r) => r.textContent);
        });
      expect(visibleAfter).toEqual(visibleBefore);
      expect(visibleAfter.length).toBeGreaterThan(0);
      await shot(tab, "light-desktop-next-page-scrolled");

      // Another tab starts closed (the memory is per tab, like the page history).
      const other = await visit(context, `${site.url}/shop/b`);
      await other.waitForTimeout(1500);
      expect(await panel(other).isVisible()).toBe(false);
      await other.close();

      // Closed with the launcher's X: closed on the next page.
      await launcher(tab).click();
      await expect.poll(() => panel(tab).isVisible()).toBe(false);
      await tab.locator("#next").click();
      await tab.waitForURL(`${site.url}/shop/b`);
      await launcher(tab).waitFor();
      await tab.waitForTimeout(1500);
      expect(await panel(tab).isVisible()).toBe(false);
      expect(await launcher(tab).getAttribute("aria-label")).toBe("Open chat");
      await context.close();
    } finally {
      await restore();
    }
  });
});

/** Leaves an offline message from a fresh visitor; returns the page. */
async function leaveOfflineMessage(
  setup: Setup,
  options: Parameters<Setup["newContext"]>[0],
  email: string,
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await setup.newContext(options);
  const page = await visit(context, `${setup.server.url}/demo`);
  await launcher(page).click();
  const form = widget(page).locator("form[data-offline]");
  await form.waitFor();
  expect(await unreadableText(page)).toEqual([]);
  await form.locator("input[name=email]").fill(email);
  await form.locator("textarea[name=message]").fill("Do you deliver on Saturdays?");
  return { page, context };
}

describe("offline, honestly", () => {
  let mailbox: Mailbox;
  let mailing: Setup;

  beforeAll(async () => {
    mailbox = await startMailbox();
    mailing = await setUp(browser, {
      PORTHOLE_SMTP_URL: mailbox.url,
      PORTHOLE_SMTP_FROM: "Porthole <chat@example.com>",
    });
    // Nobody answers on this server: the dashboard closed, the owner offline.
    mailing.agent.unwatch();
    await setOffline(mailing.server.url);
  });

  afterAll(async () => {
    await mailing?.server.stop();
    await mailbox?.close();
  });

  it("with e-mail: promises a reply by e-mail to the address given, and here; never a queue position", async () => {
    const { page, context } = await leaveOfflineMessage(mailing, desktop, "night@example.com");
    await shot(page, "light-desktop-offline-form");
    await widget(page)
      .locator("form[data-offline]")
      .getByRole("button", { name: "Leave a message" })
      .click();
    await widget(page)
      .getByText(
        "Thanks, your message was sent. We'll reply by e-mail to night@example.com, and here.",
      )
      .waitFor();
    expect(
      await widget(page)
        .getByText(/in line/)
        .count(),
    ).toBe(0);
    expect(await widget(page).getByText("We're away right now", { exact: true }).count()).toBe(1);
    // The composer adds to the message, and says so.
    const composer = widget(page).getByRole("textbox", { name: "Add to your message…" });
    await composer.fill("Ideally before noon.");
    await composer.press("Enter");
    await widget(page).getByText("Delivered").waitFor();
    expect(
      await widget(page)
        .getByText(/in line/)
        .count(),
    ).toBe(0);
    expect(await unreadableText(page)).toEqual([]);
    await shot(page, "light-desktop-offline-sent-email");
    // On the next page load (the panel open again, as it was left) the note stays, without
    // the thanks.
    await page.reload();
    await panel(page).waitFor();
    await widget(page)
      .getByText(
        "Nobody is available right now. We'll reply by e-mail to night@example.com, and here.",
      )
      .waitFor();
    expect(
      await widget(page)
        .getByText(/in line/)
        .count(),
    ).toBe(0);
    await context.close();
  });

  it("dark, on a phone, in German", async () => {
    const restore = await configure(mailing, (s) => {
      if (s.appearance) s.appearance.colorScheme = ColorScheme.DARK;
    });
    try {
      const { page, context } = await leaveOfflineMessage(
        mailing,
        { ...phone, locale: "de-DE" },
        "nacht@example.com",
      );
      expect(await isDark(page)).toBe(true);
      await shot(page, "dark-phone-offline-form");
      await widget(page)
        .locator("form[data-offline]")
        .getByRole("button", { name: "Nachricht hinterlassen" })
        .click();
      await widget(page)
        .getByText(
          "Danke, Ihre Nachricht wurde gesendet. Wir antworten per E-Mail an nacht@example.com und hier.",
        )
        .waitFor();
      expect(
        await widget(page)
          .getByText(/Warteschlange/)
          .count(),
      ).toBe(0);
      expect(
        await widget(page)
          .getByRole("textbox", { name: "Etwas zu Ihrer Nachricht ergänzen…" })
          .count(),
      ).toBe(1);
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-phone-offline-sent-email");
      await context.close();
    } finally {
      await restore();
    }
  });

  it("without e-mail: the answer comes here, when the visitor comes back", async () => {
    // Last on the main server: it stays offline afterwards.
    main.agent.unwatch();
    await setOffline(main.server.url);
    const restore = await configure(main, (s) => {
      if (s.appearance) s.appearance.colorScheme = ColorScheme.DARK;
    });
    try {
      const { page, context } = await leaveOfflineMessage(main, desktop, "late@example.com");
      await widget(page)
        .locator("form[data-offline]")
        .getByRole("button", { name: "Leave a message" })
        .click();
      await widget(page)
        .getByText("Thanks, your message was sent. We'll answer here when you come back.")
        .waitFor();
      expect(
        await widget(page)
          .getByText(/in line|e-mail to/)
          .count(),
      ).toBe(0);
      expect(await unreadableText(page)).toEqual([]);
      await shot(page, "dark-desktop-offline-sent-here");
      await context.close();
    } finally {
      await restore();
    }
  });
});
