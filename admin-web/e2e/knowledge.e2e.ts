//! The knowledge base end to end: an owner opens "Knowledge base" from the navigation (the
//! empty page says what articles are for), writes two articles (a bad public URL is shown
//! next to its field first; the preview draws the Markdown), finds one by a stemmed word
//! ("refunds" finds an article saying "refund") with its excerpt, and edits the other. An
//! agent sees the articles without write controls, then, in a visitor's conversation, opens
//! the composer's knowledge search, inserts the article's text with Enter and its link with
//! Shift+Enter, and sends: the visitor receives both. Screenshots (light, dark, phone) go to
//! test-results/knowledge-*.png.

import { join } from "node:path";
import {
  AuthService,
  createClient,
  createPortholeTransport,
  KnowledgeService,
  Role,
  WidgetService,
  WorkspaceService,
} from "@porthole/client";
import type { BrowserContext, Page } from "playwright-core";
import { expect, test } from "vitest";
import {
  accessTokenOf,
  collectCspViolations,
  cspViolations,
  resultsDir,
  shareServerAndBrowser,
  visitorClient,
} from "./harness";

const e2e = shareServerAndBrowser();

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A screenshot once transitions and fade-ins have ended (endless spinners aside). */
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
  await page.screenshot({ path: join(resultsDir, `knowledge-${name}.png`) });
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
  const dismiss = page.getByRole("button", { name: "Dismiss" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

async function newContext(): Promise<BrowserContext> {
  const context = await e2e.browser.newContext({ viewport: DESKTOP });
  await collectCspViolations(context);
  return context;
}

const REFUND_BODY = [
  "## How refunds work",
  "",
  "We refund the full price within **5 working days** of receiving your return.",
  "",
  "- Keep your receipt",
  "- Start a return from [your orders](https://shop.example/orders)",
].join("\n");

test("an owner writes and finds articles; an agent inserts one into a reply", async () => {
  const ownerContext = await newContext();
  const page = await ownerContext.newPage();
  await page.goto(`${e2e.server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill("olive@knowledge.test");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  // From the navigation to the empty knowledge base, which says what articles are for.
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Knowledge base", exact: true }).click();
  await page.getByRole("heading", { name: "Knowledge base" }).waitFor();
  const empty = page.getByTestId("knowledge-empty");
  await empty.getByText("published articles are what visitors may be answered from").waitFor();
  await shot(page, "empty");

  // The first article: a URL without its scheme is refused by the server, next to the field.
  await empty.getByRole("button", { name: "Write the first article" }).click();
  let dialog = page.getByRole("dialog", { name: "New article" });
  await dialog.getByLabel("Title").fill("Refund policy");
  await dialog.getByLabel("Body").fill(REFUND_BODY);
  await dialog.getByLabel("Tags (optional)").fill("Billing, returns");
  await dialog.getByLabel("Public URL (optional)").fill("shop.example/help/refunds");
  await dialog.getByRole("switch", { name: /Published/ }).click();
  await dialog.getByRole("button", { name: "Add article" }).click();
  await dialog.getByText("must be an absolute http:// or https:// address").waitFor();
  expect(await dialog.getByLabel("Public URL (optional)").getAttribute("aria-invalid")).toBe(
    "true",
  );
  await shot(page, "editor-error");
  await dialog.getByRole("tab", { name: "Preview" }).click();
  await dialog.getByRole("heading", { name: "How refunds work" }).waitFor();
  await dialog.getByRole("link", { name: "your orders" }).waitFor();
  await shotThemes(page, "editor-preview");
  await dialog.getByLabel("Public URL (optional)").fill("https://shop.example/help/refunds");
  await dialog.getByRole("button", { name: "Add article" }).click();
  await dialog.waitFor({ state: "detached" });

  // The second, a draft.
  await page.getByRole("button", { name: "New article" }).click();
  dialog = page.getByRole("dialog", { name: "New article" });
  await dialog.getByLabel("Title").fill("Shipping times");
  await dialog
    .getByLabel("Body")
    .fill("Parcels leave our warehouse within 2 days and arrive 3 to 5 working days later.");
  await dialog.getByLabel("Tags (optional)").fill("shipping");
  await dialog.getByRole("button", { name: "Add article" }).click();
  await dialog.waitFor({ state: "detached" });
  const articles = page.getByRole("list", { name: "Articles" });
  await articles.getByRole("button", { name: "Shipping times", exact: true }).waitFor();
  await articles.getByRole("button", { name: "Refund policy", exact: true }).waitFor();
  await dismissToasts(page);
  await shotThemes(page, "list");

  // "refunds" finds the article that says "refund", with the excerpt around it.
  await page.getByRole("searchbox", { name: "Search articles" }).fill("refunds");
  const results = page.getByRole("list", { name: "Search results" });
  await results.getByText("We refund the full price within 5 working days").waitFor();
  expect(await results.getByRole("button", { name: "Shipping times", exact: true }).count()).toBe(
    0,
  );
  await shotThemes(page, "search");

  // Editing the draft: a new title, published.
  await page.getByRole("button", { name: "Clear search" }).click();
  await articles.getByRole("button", { name: "Edit Shipping times" }).click();
  dialog = page.getByRole("dialog", { name: "Edit article" });
  await expect.poll(() => dialog.getByLabel("Tags (optional)").inputValue()).toBe("shipping");
  await dialog.getByLabel("Title").fill("Shipping and delivery times");
  await dialog.getByRole("switch", { name: /Published/ }).click();
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "detached" });
  await articles
    .getByRole("button", { name: "Shipping and delivery times", exact: true })
    .waitFor();

  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(e2e.server.url, { getToken: () => token });
  const knowledge = createClient(KnowledgeService, transport);
  const stored = (await knowledge.listArticles({})).articles;
  expect(stored.map((a) => [a.title, a.published, a.tags])).toEqual([
    ["Shipping and delivery times", true, ["shipping"]],
    ["Refund policy", true, ["billing", "returns"]],
  ]);
  expect(stored[1]?.url).toBe("https://shop.example/help/refunds");
  expect(await cspViolations(page)).toEqual([]);

  // Sam joins as an agent, and a visitor writes in.
  const { inviteToken } = await createClient(WorkspaceService, transport).createInvite({
    email: "sam@knowledge.test",
    role: Role.AGENT,
  });
  await createClient(AuthService, createPortholeTransport(e2e.server.url)).acceptInvite({
    inviteToken,
    password: "a long enough password",
    displayName: "Sam Agent",
  });
  const { widget } = await createClient(WidgetService, transport).createWidget({ name: "Shop" });
  const visitor = visitorClient(e2e.server.url);
  await visitor.start(widget?.publicToken ?? "");
  await visitor.client.updateVisitor({ name: "Nina" });
  const { conversation } = await visitor.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  await visitor.client.sendMessage({
    conversationId,
    body: "Hello, how long do refunds take?",
    clientKey: "1",
  });

  const agentContext = await newContext();
  const agent = await agentContext.newPage();
  await agent.goto(`${e2e.server.url}/app/login`);
  await agent.getByLabel("E-mail").fill("sam@knowledge.test");
  await agent.getByLabel("Password").fill("a long enough password");
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Inbox" }).waitFor();

  // The agent reads the knowledge base but has nothing to write with.
  await agent
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Knowledge base", exact: true })
    .click();
  const agentList = agent.getByRole("list", { name: "Articles" });
  await agentList.getByRole("button", { name: "Refund policy", exact: true }).waitFor();
  expect(await agent.getByRole("button", { name: "New article" }).count()).toBe(0);
  expect(await agent.getByRole("button", { name: /^(Edit|Delete) / }).count()).toBe(0);
  await agentList.getByRole("button", { name: "Refund policy", exact: true }).click();
  const reader = agent.getByRole("dialog", { name: "Refund policy" });
  await reader.getByRole("heading", { name: "How refunds work" }).waitFor();
  expect(await reader.getByRole("button", { name: "Edit" }).count()).toBe(0);
  await shot(agent, "agent-reader");
  await reader.getByRole("button", { name: "Close" }).first().click();

  // In the conversation: the composer's knowledge search, all from the keyboard.
  await agent.goto(`${e2e.server.url}/app/inbox/${conversationId}`);
  const pane = agent.getByRole("region", { name: "Conversation" });
  await pane.getByText("Hello, how long do refunds take?").waitFor();
  const reply = pane.getByLabel("Reply to the visitor");
  await reply.click();
  await reply.pressSequentially("Hi Nina!");
  await pane.getByRole("button", { name: "Knowledge base" }).click();
  const popover = agent.getByRole("dialog", { name: "Knowledge base" });
  const search = popover.getByRole("combobox", { name: "Search the knowledge base" });
  await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
  await popover.getByText("Recently changed").waitFor();
  await agent.keyboard.type("refunds");
  const option = popover.getByRole("option", { name: /Refund policy/ });
  await option.getByText("We refund the full price").waitFor();
  await expect.poll(() => option.getAttribute("aria-selected")).toBe("true");
  await shotThemes(agent, "composer");
  await agent.keyboard.press("Enter");
  await popover.waitFor({ state: "detached" });
  const text = [
    "Hi Nina!",
    "",
    "How refunds work",
    "",
    "We refund the full price within 5 working days of receiving your return.",
    "",
    "- Keep your receipt",
    "- Start a return from your orders (https://shop.example/orders)",
  ].join("\n");
  await expect.poll(() => reply.inputValue()).toBe(text);
  expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true);

  // Then the link, at the end, with Shift+Enter.
  await reply.press("End");
  await agent.keyboard.type(" Details:");
  await pane.getByRole("button", { name: "Knowledge base" }).click();
  await agent.keyboard.type("refund");
  await popover.getByRole("option", { name: /Refund policy/ }).waitFor();
  await agent.keyboard.press("Shift+Enter");
  await popover.waitFor({ state: "detached" });
  const sent = `${text} Details: https://shop.example/help/refunds`;
  await expect.poll(() => reply.inputValue()).toBe(sent);
  await shot(agent, "composer-inserted");

  // Enter sends as always.
  await agent.keyboard.press("Enter");
  await expect.poll(() => reply.inputValue()).toBe("");
  await expect
    .poll(async () => {
      const { messages } = await visitor.client.listMessages({ conversationId });
      return messages.map((m) => m.body);
    })
    .toContain(sent);
  await shot(agent, "sent");
  expect(await cspViolations(agent)).toEqual([]);
  await agentContext.close();
  await ownerContext.close();
});
