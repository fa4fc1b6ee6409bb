//! The AI bot in the widget (issue 16), end to end in Chromium against the real server and a
//! stand-in OpenAI-compatible model (model.ts): on a hybrid widget with nobody online the
//! bot's answer streams into a growing bubble, the stored answer takes its place once (never
//! both), it cites the knowledge-base article it used as a link; "Talk to a person" hands the
//! conversation to the team (a person is online by then: the widget shows the place in line),
//! an agent answers, and the bot never speaks again. On an AI-bot widget whose provider is
//! down and with nobody online, the visitor's message goes to the team and the widget says
//! plainly that nobody is available, takes the visitor's e-mail address, and the team's
//! answer reaches it. Screenshots of the streaming bubble, the cited answer, the hand-off and
//! the note while nobody is there, light and dark, desktop and phone, go to
//! widget-web/test-results (bot-*.png).

import { mkdirSync } from "node:fs";
import {
  AgentStatus,
  AuthService,
  createClient,
  createPortholeTransport,
  HandlerType,
  KnowledgeService,
  RoutingMode,
  SenderType,
} from "@porthole/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../admin-web/e2e/harness.js";
import { type Mailbox, mailText, startMailbox } from "../../admin-web/e2e/mailbox.js";
import { demoLogin } from "./agent.js";
import {
  type Browser,
  desktop,
  launcher,
  results,
  type Setup,
  setOffline,
  setStatus,
  setUp,
  shot,
  unreadableText,
  visit,
  widget,
  workspaceFor,
} from "./helpers.js";
import { type HostSite, hostSite, snippet } from "./hostpage.js";
import { answer, type Model, modelServer } from "./model.js";

let browser: Browser;
let main: Setup;
let site: HostSite;
let model: Model;
let mailbox: Mailbox;

const article = {
  title: "Refund policy",
  body: "Refunds are paid back within 30 days of the returned item arriving at our warehouse.",
  url: "https://shop.example/help/refunds",
};

/** The owner's KnowledgeService, as the dashboard uses it. */
async function knowledgeFor(baseUrl: string) {
  let token = "";
  const transport = createPortholeTransport(baseUrl, { getToken: () => token || undefined });
  token =
    (await createClient(AuthService, transport).logIn({ ...demoLogin, workspaceId: "" })).session
      ?.accessToken ?? "";
  return createClient(KnowledgeService, transport);
}

/** A new widget answered by `handlerType`, with the bot named Penny. */
async function botWidget(
  name: string,
  handlerType: HandlerType,
): Promise<{ id: string; token: string }> {
  const created = await main.agent.widgets.createWidget({
    name,
    settings: { handlerType, bot: { name: "Penny" } },
  });
  const token = created.widget?.publicToken;
  if (!token) throw new Error("no widget token");
  return { id: created.widget?.id ?? "", token };
}

/** A host page on the second origin embedding the widget with `token`. */
function hostPage(token: string): string {
  const path = `/${token}`;
  site.page(
    path,
    `<!doctype html><title>Shop</title><h1>Shop</h1>${snippet(main.server.url, token)}`,
  );
  return `${site.url}${path}`;
}

const composer = (page: Page) => widget(page).locator(".compose textarea");
const subtitle = (page: Page) => widget(page).locator(".head p");
/** The stored bot answers (not the draft). */
const botRows = (page: Page) => widget(page).locator(".row[data-seq]:has(.who .ai)");

/** Screenshots of the page as it is now: desktop and phone width, light and dark. */
async function shots(page: Page, name: string) {
  for (const [width, height, size] of [
    [1280, 800, "desktop"],
    [390, 844, "phone"],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await unreadableText(page), `${name} ${size} ${scheme}`).toEqual([]);
      await shot(page, `bot-${name}-${size}-${scheme}`);
    }
  }
  await page.setViewportSize(desktop.viewport);
  await page.emulateMedia({ colorScheme: "light" });
}

/**
 * Records in the page, at every change of the widget's DOM, the draft's text and whether a
 * stored bot answer is shown: what the visitor saw, step by step.
 */
async function recordDrafts(page: Page): Promise<void> {
  await widget(page).evaluate((host) => {
    const root = host.shadowRoot as ShadowRoot;
    const seen: { draft: string | null; answers: number }[] = [];
    (window as unknown as { seen: typeof seen }).seen = seen;
    new MutationObserver(() => {
      const draft = root.querySelector("[data-draft] .bubble");
      seen.push({
        draft: draft ? (draft.textContent ?? "") : null,
        answers: root.querySelectorAll(".row[data-seq]:has(.who .ai)").length,
      });
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
}

const seenIn = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { seen: { draft: string | null; answers: number }[] }).seen,
  );

beforeAll(async () => {
  mkdirSync(results, { recursive: true });
  browser = await launchBrowser();
  model = await modelServer();
  mailbox = await startMailbox();
  main = await setUp(browser, {
    PORTHOLE_LLM_BASE_URL: model.baseUrl,
    PORTHOLE_LLM_MODEL: "stand-in",
    PORTHOLE_LLM_TIMEOUT_SECS: "30",
    PORTHOLE_LLM_RETRIES: "1",
    // The server sends e-mail: a visitor nobody answers may leave an address, and the
    // team's unread answer goes there a second later.
    PORTHOLE_SMTP_URL: mailbox.url,
    PORTHOLE_SMTP_FROM: "Porthole <chat@example.com>",
    PORTHOLE_UNREAD_REPLY_SECS: "1",
  });
  // Nobody on the team is available: a hybrid widget's conversations go to the bot.
  main.agent.unwatch();
  await setOffline(main.server.url);
  site = await hostSite();
});

afterAll(async () => {
  main?.agent.unwatch();
  await browser?.close();
  await site?.close();
  await main?.server.stop();
  await model?.close();
  await mailbox?.close();
});

describe("the AI bot in the widget", () => {
  it("hybrid, nobody online at first: the answer streams in, cites its article, and a person who came in takes over for good", async () => {
    const knowledge = await knowledgeFor(main.server.url);
    await knowledge.createArticle({ ...article, tags: ["refunds"], published: true });
    const shop = await botWidget("Shop (hybrid)", HandlerType.HYBRID);

    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const text = "Refunds are paid back within 30 days of the returned item arriving [1]. ";
    model.next({ ...answer(`${text}Keep your receipt handy.`, 150, 6), holdAfter: 3, held });

    const context = await main.newContext(desktop);
    const page = await visit(context, hostPage(shop.token));
    await launcher(page).click();
    await composer(page).waitFor();
    await recordDrafts(page);
    await composer(page).fill("How long do refunds take?");
    await composer(page).press("Enter");

    // The answer grows in a bubble under the bot's name, marked as AI, in the header too.
    const draft = widget(page).locator("[data-draft]");
    await draft.waitFor();
    await expect
      .poll(() => draft.locator(".bubble").textContent(), { timeout: 10_000 })
      .toContain("within 30 days");
    expect(await draft.locator(".who").textContent()).toBe("PPennyAI");
    expect(await subtitle(page).textContent()).toBe("Penny · AI assistant");
    const bar = widget(page).locator("[data-bot]");
    expect(await bar.isVisible()).toBe(true);
    expect(await bar.textContent()).toContain("Penny is an AI assistant.");
    await shots(page, "streaming");

    // The rest of the answer; the stored message takes the draft's place.
    release();
    await botRows(page).first().waitFor();
    await expect.poll(() => draft.count(), { timeout: 10_000 }).toBe(0);
    expect(await botRows(page).count()).toBe(1);
    const bubble = botRows(page).locator(".bubble");
    expect(await bubble.textContent()).toBe(
      `${text}Keep your receipt handy.Sources${article.title}`,
    );
    // Seen step by step: the draft grew before the message came, never beside it.
    const seen = await seenIn(page);
    const drafts = [...new Set(seen.map((s) => s.draft).filter((d): d is string => !!d))];
    expect(drafts.length).toBeGreaterThanOrEqual(3);
    for (const [i, d] of drafts.entries())
      if (i > 0) expect(d.startsWith(drafts[i - 1] ?? "")).toBe(true);
    expect(seen.filter((s) => s.draft !== null && s.answers > 0)).toEqual([]);
    const firstAnswer = seen.findIndex((s) => s.answers > 0);
    expect(seen.slice(0, firstAnswer).some((s) => s.draft)).toBe(true);

    // It cites the article: a link opening the owner's page in a new tab.
    const link = bubble.getByRole("link", { name: article.title });
    expect(await link.getAttribute("href")).toBe(article.url);
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    // The model was given the article.
    expect(model.asked).toHaveLength(1);
    expect(model.asked[0]?.messages[0]?.content).toContain(article.title);
    await shots(page, "cited");

    // A person comes in (dashboard open, online), in a workspace where conversations wait
    // until an agent takes one: the hand-over then queues it while someone is there.
    const workspace = await workspaceFor(main.server.url);
    await workspace.updateWorkspace({ routingMode: RoutingMode.MANUAL });
    await main.agent.watch();
    await setStatus(main.server.url, AgentStatus.ONLINE);

    // "Talk to a person": the team has it now, and the widget says so: a person is there,
    // so the place in line, never the note that nobody is available.
    await bar.getByRole("button", { name: "Talk to a person" }).click();
    await expect
      .poll(() => subtitle(page).textContent(), { timeout: 10_000 })
      .toBe("Waiting for our team");
    expect(await bar.isVisible()).toBe(false);
    await widget(page)
      .getByText(/Our team has your message: you're number 1 in line\./)
      .waitFor();
    expect(await widget(page).locator("[data-away]").count()).toBe(0);
    await shots(page, "handed-off");

    // An agent answers; the visitor sees it.
    const listed = await main.agent.conversations.listConversations({ widgetId: shop.id });
    const conversationId = listed.conversations[0]?.id ?? "";
    await main.agent.reply(conversationId, "Hi, Sam here from the team. What did you order?");
    await widget(page).getByText("Hi, Sam here from the team.").waitFor();

    // The visitor writes again: never another bot answer, and the model is not asked.
    await composer(page).fill("A blue kettle, last week.");
    await composer(page).press("Enter");
    await widget(page).locator("[data-mark=delivered]").waitFor();
    await page.waitForTimeout(3_000);
    expect(await botRows(page).count()).toBe(1);
    expect(await widget(page).locator("[data-draft]").count()).toBe(0);
    expect(model.asked).toHaveLength(1);
    // The agent's side: the bot answered once, before the hand-off.
    const stored = await main.agent.visitorMessages(conversationId);
    console.log(
      stored.map((m) => [m.seq, m.senderType, m.senderName, m.internal, m.body.slice(0, 40)]),
    );
    const bots = stored.filter((m) => m.senderType === SenderType.BOT && !m.internal);
    expect(bots.map((m) => m.body)).toEqual([`${text}Keep your receipt handy.`]);
    await context.close();
  });

  it("AI bot, provider down, nobody online: says so, takes the visitor's address, and the answer reaches it", async () => {
    // Nobody on the team (whatever the test before left), routing as it was by default.
    main.agent.unwatch();
    await setOffline(main.server.url);
    await (await workspaceFor(main.server.url)).updateWorkspace({
      routingMode: RoutingMode.LEAST_LOADED,
    });
    const shop = await botWidget("Shop (bot)", HandlerType.AI_BOT);
    const asked = model.asked.length;
    model.fallback = { kind: "fail", status: 500 };
    try {
      const context = await main.newContext(desktop);
      const page = await visit(context, hostPage(shop.token));
      await launcher(page).click();
      await composer(page).fill("Where is my parcel?");
      await composer(page).press("Enter");
      // The model fails, the server hands the conversation to the team, and nobody is there:
      // the widget says so and offers what it can (an answer by e-mail), never a queue.
      const note = widget(page).locator("[data-away]");
      await widget(page)
        .getByText(
          "Nobody is available right now. Leave your e-mail address and we'll reply by e-mail, and here.",
        )
        .waitFor({ timeout: 20_000 });
      expect(model.asked.length).toBeGreaterThan(asked);
      expect(await subtitle(page).textContent()).toBe("Waiting for our team");
      expect(
        await widget(page)
          .getByText(/in line/)
          .count(),
      ).toBe(0);
      expect(await widget(page).locator("[data-bot]").isVisible()).toBe(false);
      expect(await widget(page).locator("[data-draft]").count()).toBe(0);
      expect(await botRows(page).count()).toBe(0);
      expect(await composer(page).getAttribute("placeholder")).toBe("Add to your message…");
      const form = widget(page).locator("form[data-away-email]");
      const field = form.getByRole("textbox", { name: "E-mail" });
      expect(await field.isVisible()).toBe(true);
      await shots(page, "provider-down");

      // The visitor leaves an address: the note now says where the answer goes.
      await field.fill("sam@example.org");
      await form.getByRole("button", { name: "Save" }).click();
      await widget(page)
        .getByText(
          "Nobody is available right now. We'll reply by e-mail to sam@example.org, and here.",
        )
        .waitFor();
      expect(await form.count()).toBe(0);
      expect(await note.count()).toBe(1);
      await shots(page, "provider-down-email");

      // The team sees the address on the visitor...
      const listed = await main.agent.conversations.listConversations({ widgetId: shop.id });
      const conversationId = listed.conversations[0]?.id ?? "";
      const opened = await main.agent.conversations.getConversation({ conversationId });
      expect(opened.visitor?.email).toBe("sam@example.org");
      expect(opened.conversation?.visitorEmail).toBe("sam@example.org");
      // ...and its answer, unread because the visitor has left, goes there.
      await context.close();
      await main.agent.reply(conversationId, "Your parcel left our warehouse this morning.");
      await expect
        .poll(() => mailbox.received().filter((m) => m.to.includes("sam@example.org")).length, {
          timeout: 15_000,
        })
        .toBe(1);
      const mail = mailbox.received().find((m) => m.to.includes("sam@example.org"));
      expect(mailText(mail as NonNullable<typeof mail>)).toContain(
        "Your parcel left our warehouse this morning.",
      );
    } finally {
      model.fallback = answer("I do not know.", 20, 1);
    }
  });
});
