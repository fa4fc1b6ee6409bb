//! Rules end to end, with the real widget on the demo page (PORTHOLE_DEMO=true; needs the
//! built widget and dashboard, `npm run build -w widget-web && npm run build -w admin-web`).
//! The demo owner creates on the Rules page a "Greeting" (from its template) and a keyword
//! rule ("refund" → a reply, the tag "refund", priority High; a tag the server refuses is
//! shown at its field first). A visitor on the demo page writes "hello" and is greeted, then
//! "I want a refund" and gets the keyword reply, each an automated message within seconds.
//! In the inbox the conversation has the tag and the priority, and the automated messages
//! carry the assistant's name with "Automated". Then a page-visit rule made from the
//! "Proactive message" template opens a new visitor's widget with its message on the page it
//! names, and not on another. Switching a rule off and deleting one (asks first) work from
//! the list; an agent sees the rules without write controls. Screenshots (light, dark, phone)
//! go to test-results/rules-*.png.

import { join } from "node:path";
import {
  AuthService,
  ConversationService,
  createClient,
  createPortholeTransport,
  Priority,
  Role,
  RuleService,
  SenderType,
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
} from "./harness";

const e2e = shareServerAndBrowser({ PORTHOLE_DEMO: "true" });

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

const GREETING = "Thanks for writing! We usually answer within minutes.";
const REFUND_REPLY = "Refunds take 5 days.";
const PROACTIVE = "Questions about our roasts? Ask away!";

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
  await page.screenshot({ path: join(resultsDir, `rules-${name}.png`) });
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

async function newContext(): Promise<BrowserContext> {
  const context = await e2e.browser.newContext({ viewport: DESKTOP });
  await collectCspViolations(context);
  return context;
}

/** The widget's root on the host page (its shadow root is pierced by locators). */
const widget = (page: Page) => page.locator("[data-porthole]");

test("rules greet, answer a keyword, tag and prioritise; a page visit opens the widget", async () => {
  const ownerContext = await newContext();
  const page = await ownerContext.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`${e2e.server.url}/app/login`);
  await page.getByLabel("E-mail").fill("demo@porthole.test");
  await page.getByLabel("Password").fill("porthole-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(e2e.server.url, { getToken: () => token });
  const rulesApi = createClient(RuleService, transport);

  // The Rules page: nothing yet, the templates on offer.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Rules", exact: true })
    .click();
  await page.getByRole("heading", { name: "Rules", exact: true }).waitFor();
  const empty = page.getByTestId("rules-empty");
  await empty.getByText("No rules yet").waitFor();
  await shot(page, "empty");

  // A greeting, from its template.
  await page.getByRole("button", { name: /^Greeting/ }).click();
  let dialog = page.getByRole("dialog", { name: "New rule" });
  expect(await dialog.getByLabel("Name").inputValue()).toBe("Greeting");
  expect(await dialog.getByRole("radio", { name: /New conversation/ }).isChecked()).toBe(true);
  await dialog.getByLabel(/^Reply/).fill(GREETING);
  await dialog.evaluate((el) => el.scrollTo(0, 0));
  await shot(page, "form-greeting");
  await dialog.getByRole("button", { name: "Add rule" }).click();
  await dialog.waitFor({ state: "detached" });
  const list = page.getByRole("list", { name: "Rules" });
  await list.getByRole("listitem", { name: "Greeting" }).waitFor();
  await dismissToasts(page);

  // A keyword rule: a tag the server refuses is shown at its field; then it is added.
  await page.getByRole("button", { name: /New rule/ }).click();
  await page.getByRole("menuitem", { name: /^Keyword reply/ }).click();
  dialog = page.getByRole("dialog", { name: "New rule" });
  await dialog.getByLabel("Name").fill("Refunds");
  await dialog.getByLabel("The message contains any of").fill("refund");
  await dialog.getByLabel(/^Reply/).fill(REFUND_REPLY);
  await dialog.getByLabel("Add tags").fill(`refund, ${"x".repeat(41)}`);
  await dialog.getByLabel("Priority").selectOption({ label: "High" });
  await dialog.getByRole("button", { name: "Add rule" }).click();
  await expect.poll(() => dialog.getByLabel("Add tags").getAttribute("aria-invalid")).toBe("true");
  await dialog.getByText(/^“x{41}”: /).waitFor();
  await shot(page, "form-error");
  await dialog.getByLabel("Add tags").fill("refund");
  await dialog.getByRole("button", { name: "Add rule" }).click();
  await dialog.waitFor({ state: "detached" });
  const refunds = list.getByRole("listitem", { name: "Refunds" });
  await refunds
    .getByText(
      "If the message contains “refund” → reply “Refunds take 5 days.”, tag refund, priority High",
    )
    .waitFor();
  await dismissToasts(page);
  expect(
    await list
      .getByRole("listitem")
      .evaluateAll((li) => li.map((x) => x.getAttribute("aria-label"))),
  ).toEqual(["Greeting", "Refunds"]);
  const stored = (await rulesApi.listRules({})).rules;
  expect(stored.map((r) => r.name)).toEqual(["Greeting", "Refunds"]);
  expect(stored[1]?.actions).toMatchObject({
    reply: REFUND_REPLY,
    addTags: ["refund"],
    priority: Priority.HIGH,
  });
  await shotThemes(page, "page");

  // A visitor on the demo page writes "hello": the greeting arrives, automated.
  const visitorContext = await newContext();
  const visitor = await visitorContext.newPage();
  visitor.on("pageerror", (e) => pageErrors.push(`visitor: ${e}`));
  await visitor.goto(`${e2e.server.url}/demo`);
  await widget(visitor).locator(".launcher").click();
  const composer = widget(visitor).getByRole("textbox", { name: "Type a message…" });
  await composer.fill("hello");
  await composer.press("Enter");
  await widget(visitor).getByText(GREETING).waitFor();
  await composer.fill("I want a refund");
  await composer.press("Enter");
  await widget(visitor).getByText(REFUND_REPLY).waitFor();
  await visitor.screenshot({ path: join(resultsDir, "rules-widget.png") });
  // The greeting acted once: "I want a refund" did not bring it again.
  expect(await widget(visitor).getByText(GREETING).count()).toBe(1);

  // The inbox: the conversation has the tag and the priority; the replies are automated.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Inbox/ })
    .click();
  await page.getByRole("list", { name: "Conversations" }).getByRole("link").first().click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByText("I want a refund").waitFor();
  await pane.getByRole("button", { name: "Priority: High" }).waitFor();
  await pane.getByRole("button", { name: "Tags: refund" }).waitFor();
  const automated = pane.getByTestId("automated-message");
  await expect.poll(() => automated.count()).toBe(2);
  expect(await automated.allInnerTexts()).toEqual([GREETING, REFUND_REPLY]);
  await pane.getByText("Automated", { exact: true }).first().waitFor();
  expect(await pane.getByText("AI", { exact: true }).count()).toBe(0);
  const conversationId = new URL(page.url()).pathname.split("/").pop() ?? "";
  const conversations = createClient(ConversationService, transport);
  const { conversation } = await conversations.getConversation({ conversationId });
  expect(conversation?.tags).toContain("refund");
  expect(conversation?.priority).toBe(Priority.HIGH);
  const { messages } = await conversations.listConversationMessages({ conversationId });
  const bot = messages.filter((m) => m.senderType === SenderType.BOT);
  expect(bot.map((m) => [m.body, m.automated])).toEqual([
    [GREETING, true],
    [REFUND_REPLY, true],
  ]);
  expect(bot.map((m) => m.senderId)).toEqual(stored.map((r) => r.id));
  await page.mouse.move(0, 0);
  await shotThemes(page, "transcript");

  // A page-visit rule, from its template: it opens a new visitor's widget on pricing only.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Rules", exact: true })
    .click();
  await page.getByRole("button", { name: /New rule/ }).click();
  await page.getByRole("menuitem", { name: /^Proactive message/ }).click();
  dialog = page.getByRole("dialog", { name: "New rule" });
  expect(await dialog.getByRole("radio", { name: /Page visit/ }).isChecked()).toBe(true);
  // A page visit only shows a message: no tags, priority, team or agent.
  expect(await dialog.getByLabel("Add tags").count()).toBe(0);
  await dialog.getByLabel("Name").fill("Pricing nudge");
  await dialog.getByLabel("The page's address matches").fill("*/demo?page=pricing*");
  await dialog.getByLabel("Seconds on the page").fill("1");
  await dialog.getByLabel(/^Message/).fill(PROACTIVE);
  await shot(page, "form-proactive");
  await dialog.getByRole("button", { name: "Add rule" }).click();
  await dialog.waitFor({ state: "detached" });
  await list.getByRole("listitem", { name: "Pricing nudge" }).getByText("Page visit").waitFor();
  await dismissToasts(page);

  const otherContext = await newContext();
  const other = await otherContext.newPage();
  other.on("pageerror", (e) => pageErrors.push(`other visitor: ${e}`));
  // Not on another page.
  await other.goto(`${e2e.server.url}/demo`);
  await widget(other).locator(".launcher").waitFor();
  await other.waitForTimeout(2500);
  expect(await widget(other).getByText(PROACTIVE).count()).toBe(0);
  // On pricing, the widget opens by itself with the message.
  await other.goto(`${e2e.server.url}/demo?page=pricing`);
  const panel = widget(other).locator("[role=dialog]");
  await panel.getByText(PROACTIVE).waitFor();
  await panel.waitFor({ state: "visible" });
  await other.screenshot({ path: join(resultsDir, "rules-proactive-widget.png") });

  // Switched off from the list, a rule says so; deleting asks first.
  const nudge = list.getByRole("listitem", { name: "Pricing nudge" });
  await nudge.getByRole("switch", { name: "Enabled" }).click();
  await nudge.getByText("Off", { exact: true }).waitFor();
  await expect
    .poll(
      async () =>
        (await rulesApi.listRules({})).rules.find((r) => r.name === "Pricing nudge")?.enabled,
    )
    .toBe(false);
  await dismissToasts(page);
  await nudge.getByRole("button", { name: "Delete Pricing nudge" }).click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByText("Delete “Pricing nudge”?").waitFor();
  await shot(page, "delete");
  await confirm.getByRole("button", { name: "Delete rule" }).click();
  // While the dialog is open the page behind it is hidden from role queries: a row that
  // is merely hidden would count as gone.
  await confirm.waitFor({ state: "detached" });
  await nudge.waitFor({ state: "detached" });
  expect((await rulesApi.listRules({})).rules.map((r) => r.name)).toEqual(["Greeting", "Refunds"]);

  // An agent sees the rules, read-only.
  const { inviteToken } = await createClient(WorkspaceService, transport).createInvite({
    email: "sam@rules.test",
    role: Role.AGENT,
  });
  await createClient(AuthService, createPortholeTransport(e2e.server.url)).acceptInvite({
    inviteToken,
    password: "a long enough password",
    displayName: "Sam Agent",
  });
  const agentContext = await newContext();
  const agent = await agentContext.newPage();
  await agent.goto(`${e2e.server.url}/app/login`);
  await agent.getByLabel("E-mail").fill("sam@rules.test");
  await agent.getByLabel("Password").fill("a long enough password");
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Inbox" }).waitFor();
  await agent.goto(`${e2e.server.url}/app/rules`);
  const agentList = agent.getByRole("list", { name: "Rules" });
  await agentList
    .getByRole("listitem", { name: "Refunds" })
    .getByText(/priority High$/)
    .waitFor();
  expect(await agent.getByRole("button", { name: /New rule/ }).count()).toBe(0);
  expect(await agent.getByRole("switch").count()).toBe(0);
  expect(await agent.getByRole("button", { name: /^(Edit|Delete) / }).count()).toBe(0);
  await shot(agent, "agent");
  await agentContext.close();

  expect(pageErrors).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  await ownerContext.close();
  await visitorContext.close();
  await otherContext.close();
});
