//! The AI bot in the dashboard, end to end, against a local OpenAI-compatible stand-in
//! (`model.ts`) the server is configured with: an owner sets a widget to "AI bot" named
//! Penny in the editor and publishes an article; a visitor asks; the owner watches Penny's
//! answer being written into a growing bubble, then the stored answer with its AI badge and
//! its source; the visitor asks for a person and the owner sees the hand-off line and
//! Penny's summary note; "Suggest a reply" fills the reply box (nothing is sent) and
//! "Summarise" shows a summary; the Widgets page's bot card counts the answer and the
//! hand-off. Then the model goes down: "Suggest a reply" says so, and the card shows the
//! failure. Another owner then gives their workspace its own model (the stand-in again, under
//! another name and with an API key; the operator allows 127.0.0.0/8): a private address
//! the operator did not allow is refused at its field, the card shows the saved model and
//! "API key stored" but never the key, the model receives the key, a change with the key's
//! field left empty keeps it, and "Stop using own model" goes back to the server's.
//! Screenshots (light, dark, phone) go to test-results/bot-*.png.

import { join } from "node:path";
import {
  BotService,
  createClient,
  createPortholeTransport,
  HandlerType,
  KnowledgeService,
  SenderType,
  WidgetService,
} from "@porthole/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  accessTokenOf,
  collectCspViolations,
  cspViolations,
  resultsDir,
  shareServerAndBrowser,
  visitorClient,
} from "./harness";
import { type Model, startModel } from "./model";

let model: Model;

/** Lets Penny's first answer go on once the half-written one was looked at. */
let release: () => void = () => {};
const held = new Promise<void>((done) => {
  release = done;
});

const ANSWER =
  "Refunds take 5 working days once we receive your return [1]. Keep your receipt handy.";
const DRAFT = "Hi Nina, refunds take 5 working days from when we receive your return [1].";
const SUMMARY =
  "Nina asked how long refunds take; Penny answered 5 working days from the refund policy. She then asked for a person: confirm her refund is under way.";

/** While set, the model is down. */
let down = false;

beforeAll(async () => {
  model = await startModel((asked) => {
    if (down) return { text: "the model is overloaded", status: 503 };
    if (asked.kind === "summary") return { text: SUMMARY, pieces: 3, pause: 50 };
    if (asked.kind === "draft") return { text: DRAFT, pieces: 3, pause: 50 };
    // The bot's answer, streamed slowly and held half way the first time.
    const first = model.asked.filter((a) => a.kind === "answer").length === 1;
    return { text: ANSWER, pieces: 8, pause: 150, ...(first ? { holdAfter: 4, held } : {}) };
  });
});

afterAll(async () => {
  release();
  await model?.close();
});

// After the model's hooks: the server starts once the model listens, and stops before it.
// Workspaces' own models reach private addresses only where the operator allows them (the
// webhooks' setting): here the stand-in's loopback.
const e2e = shareServerAndBrowser(() => ({
  PORTHOLE_LLM_BASE_URL: model.baseUrl,
  PORTHOLE_LLM_MODEL: "test-model",
  PORTHOLE_WEBHOOK_ALLOW_NETWORKS: "127.0.0.0/8",
}));

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A screenshot once transitions and fade-ins have ended (endless animations aside). */
async function shot(page: Page, name: string) {
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path: join(resultsDir, `bot-${name}.png`) });
}

/** The same view in dark, then on a phone (dark, then light), then back as it was. */
async function shotThemes(page: Page, name: string) {
  await shot(page, name);
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, `${name}-dark`);
  await page.setViewportSize(PHONE);
  await shot(page, `${name}-phone-dark`);
  await page.emulateMedia({ colorScheme: "light" });
  await shot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

async function dismissToasts(page: Page) {
  const dismiss = page.getByRole("button", { name: "Dismiss", exact: true });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

const REFUND_BODY = [
  "## How refunds work",
  "",
  "We refund the full price within **5 working days** of receiving your return.",
  "Keep your receipt.",
].join("\n");

test("Penny answers from an article, hands over, and helps the owner reply", async () => {
  const context = await e2e.browser.newContext({ viewport: DESKTOP });
  await collectCspViolations(context);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await page.goto(`${e2e.server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill("olive@bot.test");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(e2e.server.url, { getToken: () => token });
  const widgets = createClient(WidgetService, transport);
  const { widget } = await widgets.createWidget({ name: "Shop" });
  const widgetId = widget?.id ?? "";

  // The editor: AI bot, named Penny, with instructions; the server has a model.
  await page.goto(`${e2e.server.url}/app/widgets/${widgetId}?section=routing`);
  await page.getByRole("radio", { name: /Agents/ }).waitFor();
  expect(await page.getByRole("radio").count()).toBe(4);
  await page.getByRole("radio", { name: /^AI bot/ }).check();
  await page.getByLabel("Name", { exact: true }).fill("Penny");
  await page
    .getByLabel("Instructions")
    .fill("We are Olive Oils, a family shop. Be warm and brief. Never discuss wholesale prices.");
  await page.getByText("Answers with test-model on 127.0.0.1").waitFor();
  expect(await page.getByTestId("no-model").count()).toBe(0);
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await dismissToasts(page);
  const saved = (await widgets.getWidget({ widgetId })).widget?.settings;
  expect(saved?.handlerType).toBe(HandlerType.AI_BOT);
  expect(saved?.bot).toMatchObject({ name: "Penny", maxTurns: 5 });
  await page.getByLabel("Instructions").scrollIntoViewIfNeeded();
  await shotThemes(page, "editor");

  // A published article to answer from.
  await createClient(KnowledgeService, transport).createArticle({
    title: "Refund policy",
    body: REFUND_BODY,
    tags: ["billing"],
    published: true,
    url: "https://shop.example/help/refunds",
  });

  // Nina starts a conversation; the owner opens it: Penny answers it.
  const visitor = visitorClient(e2e.server.url);
  await visitor.start(widget?.publicToken ?? "");
  await visitor.client.updateVisitor({ name: "Nina" });
  const { conversation } = await visitor.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  await page.goto(`${e2e.server.url}/app/inbox/${conversationId}`);
  const pane = page.getByRole("region", { name: "Conversation" });
  const banner = pane.getByTestId("bot-answering");
  await banner.getByText("is answering this conversation").waitFor();
  expect(await banner.textContent()).toContain("Penny");
  await page
    .getByRole("list", { name: "Conversations" })
    .getByText("Penny (AI) answering")
    .waitFor();

  // She asks; the answer grows in one bubble while the model writes it…
  await visitor.client.sendMessage({
    conversationId,
    body: "Hello! How long do refunds take?",
    clientKey: "q1",
  });
  const draft = pane.getByTestId("bot-draft");
  await draft.getByText("Refunds take 5 working days").waitFor();
  expect(await pane.getByTestId("bot-draft").count()).toBe(1);
  await shot(page, "draft");
  release();
  // …and is replaced by the stored answer: name, AI badge, the cited article as a link.
  const answer = pane.getByTestId("bot-message");
  await expect.poll(() => answer.textContent(), { timeout: 15_000 }).toBe(ANSWER);
  await draft.waitFor({ state: "detached" });
  const source = pane.getByRole("list", { name: "Sources" }).getByRole("link", {
    name: "Refund policy",
  });
  expect(await source.getAttribute("href")).toBe("https://shop.example/help/refunds");
  expect(await source.getAttribute("target")).toBe("_blank");
  expect(await source.getAttribute("rel")).toBe("noopener noreferrer");
  expect(await pane.getByTitle("Written by the AI bot").count()).toBeGreaterThan(0);
  await shotThemes(page, "answer");

  // She asks for a person: the hand-off line and Penny's note for the team; the banner goes.
  await visitor.client.requestHuman({ conversationId });
  await pane.getByTestId("system-line").filter({ hasText: "Handed over to the team" }).waitFor();
  const note = pane.getByTestId("note").filter({ hasText: "Summary for the team:" });
  await note.waitFor();
  expect(await note.textContent()).toContain("Penny");
  await banner.waitFor({ state: "detached" });

  // "Suggest a reply" fills the reply box with the draft and its source; nothing is sent.
  const reply = pane.getByLabel("Reply to the visitor");
  await pane.getByRole("button", { name: "Suggest a reply" }).click();
  await expect
    .poll(() => reply.inputValue())
    .toBe(`${DRAFT}\n\n[1] Refund policy: https://shop.example/help/refunds`);
  const { messages } = await visitor.client.listMessages({ conversationId });
  expect(messages.some((m) => m.senderType === SenderType.AGENT)).toBe(false);

  // "Summarise" shows the summary above the thread.
  await pane.getByRole("button", { name: "Summarise" }).click();
  await pane.getByRole("region", { name: "Summary" }).getByText(SUMMARY).waitFor();
  await dismissToasts(page);
  await shotThemes(page, "assist");
  expect(model.asked.map((a) => a.kind)).toEqual(["answer", "draft", "summary"]);
  expect(model.asked.every((a) => a.model === "test-model" && a.stream)).toBe(true);

  // The Widgets page's bot card: the model, one answer, one hand-off, three requests.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Widgets", exact: true })
    .click();
  const card = page.getByTestId("bot-status");
  const totals = card.getByTestId("bot-usage-totals");
  const total = (label: string) =>
    totals.locator("div", { has: page.getByText(label, { exact: true }) }).locator("dd");
  await expect.poll(() => total("Answers").textContent()).toBe("1");
  expect(await total("Hand-offs").textContent()).toBe("1");
  expect(await total("Requests").textContent()).toBe("3");
  expect(await total("Failures").textContent()).toBe("0");
  await card.getByText("test-model").waitFor();
  await card.getByRole("link", { name: "Shop" }).waitFor();
  await card.scrollIntoViewIfNeeded();
  await shotThemes(page, "status");

  // The model goes down: the suggestion says so, as a sentence, and the card shows it.
  down = true;
  await page.goto(`${e2e.server.url}/app/inbox/${conversationId}`);
  await pane.getByRole("button", { name: "Suggest a reply" }).click();
  const problem = pane.getByRole("alert").filter({ hasText: "The AI model failed" });
  await problem.waitFor({ timeout: 30_000 });
  expect(await problem.textContent()).toMatch(/try again in \d+ s\./i);
  await shot(page, "suggest-failed");
  down = false;
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Widgets", exact: true })
    .click();
  const failure = card.getByRole("alert");
  await failure.getByText(/^The model failed/).waitFor();
  await expect.poll(() => total("Failures").textContent()).toBe("1");
  await card.scrollIntoViewIfNeeded();
  await shotThemes(page, "status-failed");

  expect(await cspViolations(page)).toEqual([]);
  // The failed suggestion's 503 is the one error the console may show.
  expect(consoleErrors.filter((e) => !/503|Service Unavailable/.test(e))).toEqual([]);
  await context.close();
});

test("an owner uses the workspace's own model: the card shows it, never its key", async () => {
  const KEY = "sk-e2e-own-model-key-0123456789";
  const context = await e2e.browser.newContext({ viewport: DESKTOP });
  await collectCspViolations(context);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await page.goto(`${e2e.server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Wanda Owner");
  await page.getByLabel("Work e-mail").fill("wanda@own-model.test");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Wanda Wines");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(e2e.server.url, { getToken: () => token });
  const bot = createClient(BotService, transport);

  // A conversation with a visitor message, for the model to draft replies to.
  const { widget } = await createClient(WidgetService, transport).createWidget({ name: "Cellar" });
  const visitor = visitorClient(e2e.server.url);
  await visitor.start(widget?.publicToken ?? "");
  const { conversation } = await visitor.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  await visitor.client.sendMessage({ conversationId, body: "Do you ship?", clientKey: "q1" });

  // The server's model answers until the workspace has its own. (Loaded afresh: the widget
  // was created outside this page.)
  await page.goto(`${e2e.server.url}/app/widgets`);
  await page.getByRole("link", { name: /Cellar/ }).waitFor();
  const card = page.getByTestId("bot-status");
  const own = card.getByTestId("own-model");
  await own.getByText("This workspace uses the server's model (above).").waitFor();
  await card.getByText("test-model", { exact: true }).waitFor();
  await own.getByRole("button", { name: "Use your own model" }).click();
  const baseUrl = own.getByLabel("Base URL", { exact: true });
  const modelName = own.getByLabel("Model", { exact: true });
  const apiKey = own.getByLabel("API key", { exact: true });
  expect(await apiKey.getAttribute("type")).toBe("password");

  // A private address the operator did not allow is refused at its field; nothing is saved.
  await baseUrl.fill("http://10.255.0.5:11434/v1");
  await modelName.fill("own-model");
  await apiKey.fill(KEY);
  await own.getByRole("button", { name: "Save", exact: true }).click();
  await expect.poll(() => baseUrl.getAttribute("aria-invalid")).toBe("true");
  expect(await own.textContent()).toMatch(
    /10\.255\.0\.5 is a private, loopback or reserved address/,
  );
  expect((await bot.getBotStatus({})).workspaceModel).toBeUndefined();

  // The stand-in, on the loopback the operator allows: saved, and the card shows it.
  await baseUrl.fill(model.baseUrl);
  await own.getByRole("button", { name: "Save", exact: true }).click();
  const stored = own.getByTestId("own-model-stored");
  await stored.getByText("API key stored").waitFor();
  expect(await stored.textContent()).toContain(model.baseUrl);
  expect(await stored.textContent()).toContain("own-model");
  await card.getByText("Your own model", { exact: true }).waitFor();
  await card.getByText("own-model", { exact: true }).first().waitFor();
  expect(await own.getByRole("form").count()).toBe(0);
  // The key is nowhere: not on the page, not in the status.
  expect(await page.content()).not.toContain(KEY);
  const status = await bot.getBotStatus({});
  expect(status).toMatchObject({ configured: true, model: "own-model", providerHost: "127.0.0.1" });
  expect(status.workspaceModel).toMatchObject({
    baseUrl: model.baseUrl,
    model: "own-model",
    apiKeySet: true,
  });
  expect(JSON.stringify(status, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
    KEY,
  );
  await dismissToasts(page);
  await own.scrollIntoViewIfNeeded();
  await shotThemes(page, "own-model");

  // The workspace's model answers, with the key it was given.
  await bot.suggestReply({ conversationId });
  expect(model.asked.at(-1)).toMatchObject({
    kind: "draft",
    model: "own-model",
    authorization: `Bearer ${KEY}`,
  });

  // A change with the key's field left empty keeps the stored key.
  await own.getByRole("button", { name: "Change" }).click();
  expect(await apiKey.inputValue()).toBe("");
  await modelName.fill("own-model-2");
  await own.getByRole("button", { name: "Save", exact: true }).click();
  await stored.getByText("own-model-2").waitFor();
  await bot.suggestReply({ conversationId });
  expect(model.asked.at(-1)).toMatchObject({
    model: "own-model-2",
    authorization: `Bearer ${KEY}`,
  });

  // "Stop using own model", confirmed: the server's model again.
  await dismissToasts(page);
  await own.getByRole("button", { name: "Stop using own model" }).click();
  const sure = page.getByRole("alertdialog", { name: "Stop using your own model?" });
  await sure.getByRole("button", { name: "Stop using own model" }).click();
  await own.getByText("This workspace uses the server's model (above).").waitFor();
  await card.getByText("test-model", { exact: true }).waitFor();
  expect(await card.getByText("Your own model", { exact: true }).count()).toBe(0);
  expect((await bot.getBotStatus({})).workspaceModel).toBeUndefined();
  await bot.suggestReply({ conversationId });
  expect(model.asked.at(-1)).toMatchObject({ model: "test-model" });

  expect(await cspViolations(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await context.close();
});
