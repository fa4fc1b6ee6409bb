//! A guided flow end to end, with the real widget on the demo page (PORTHOLE_DEMO=true; needs
//! the built widget and dashboard, `npm run build -w widget-web && npm run build -w
//! admin-web`). The demo owner creates the team "Sales" with themself as its member, then
//! builds in the widget editor a flow for the demo widget: a question "What can we help
//! with?" with the answers Sales and Support; Sales → collect the e-mail (attribute `email`)
//! → route to Sales; Support → end "Thanks, bye". Two answers labelled alike are refused by
//! the server at the step first. A visitor presses "Sales" in the widget and gives an
//! e-mail (meanwhile the owner's inbox marks the conversation "Guided flow", with a banner
//! above it); the owner finds the conversation under the inbox's Sales filter, sent to Sales,
//! with the flow's automated messages (the answers offered as chips) and the e-mail among
//! the visitor's attributes. Screenshots (light, dark, phone) go to test-results/flows-*.png.

import { join } from "node:path";
import {
  ConversationService,
  createClient,
  createPortholeTransport,
  FlowField,
  FlowStepKind,
  HandlerType,
  TeamService,
  WidgetService,
} from "@porthole/client";
import type { BrowserContext, Locator, Page } from "playwright-core";
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
  await page.screenshot({ path: join(resultsDir, `flows-${name}.png`) });
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

/** Adds a step of `kind` from the "Add step" menu; the new step is the last. */
async function addStep(page: Page, kind: string): Promise<Locator> {
  await page.getByRole("button", { name: "Add step" }).click();
  await page.getByRole("menuitem", { name: new RegExp(`^${kind}`) }).click();
  const steps = page.getByRole("list", { name: "Flow steps" }).getByRole("listitem");
  const n = await steps.count();
  return page.getByRole("list", { name: "Flow steps" }).getByRole("listitem", {
    name: `Step ${n}`,
    exact: true,
  });
}

test("a guided flow asks, collects the e-mail and routes to Sales", async () => {
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
  const widgets = createClient(WidgetService, transport);
  const [demo] = (await widgets.listWidgets({})).widgets;
  if (!demo) throw new Error("the demo widget is missing");

  // The team "Sales", with the owner as its member.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Team", exact: true })
    .click();
  const card = page
    .locator("section")
    .filter({ has: page.getByRole("heading", { name: "Teams", exact: true }) });
  await card.getByRole("button", { name: "New team" }).click();
  const teamDialog = page.getByRole("dialog", { name: "New team" });
  await teamDialog.getByLabel("Name").fill("Sales");
  await teamDialog.getByRole("checkbox").first().check();
  await teamDialog.getByRole("button", { name: "Create team" }).click();
  await teamDialog.waitFor({ state: "detached" });
  await dismissToasts(page);
  const [sales] = (await createClient(TeamService, transport).listTeams({})).teams;
  expect(sales?.name).toBe("Sales");

  // The editor: "Guided flow" is offered; its editor starts empty.
  await page.goto(`${e2e.server.url}/app/widgets/${demo.id}?section=routing`);
  await page.getByRole("radio", { name: /^Guided flow/ }).check();
  await page.getByRole("heading", { name: "Guided flow" }).waitFor();
  await page.getByText("No steps yet").waitFor();

  // 1. The question, with two answers.
  const ask = await addStep(page, "Question");
  await ask.getByLabel("Question").fill("What can we help with?");
  await ask.getByLabel("Answer 1", { exact: true }).fill("Sales");
  // Labelled alike (ignoring case): the server refuses it, at the step.
  await ask.getByLabel("Answer 2", { exact: true }).fill("sales");
  // 2. Collect the e-mail.
  const email = await addStep(page, "Collect");
  await email.getByLabel("Step 2 id").fill("email");
  await email.getByLabel("What to ask").fill("What's your e-mail address?");
  expect(await email.getByLabel("Save as attribute").inputValue()).toBe("email");
  // 3. Route to Sales.
  const route = await addStep(page, "Route to team");
  await route.getByLabel("Message (optional)").fill("Thanks! Connecting you with Sales.");
  await route.getByLabel("Hand to").selectOption({ label: "Sales" });
  // 4. The end.
  const bye = await addStep(page, "End");
  await bye.getByLabel("Step 4 id").fill("bye");
  await bye.getByLabel("Message (optional)").fill("Thanks, bye");
  // The answers go to their steps.
  await ask.getByLabel("Answer 1 goes to").selectOption({ label: "2. email · Collect" });
  await ask.getByLabel("Answer 2 goes to").selectOption({ label: "4. bye · End" });

  await page.getByRole("button", { name: "Save changes" }).click();
  await ask.getByText("another answer of this question has this label").waitFor();
  expect(await ask.getByLabel("Answer 2", { exact: true }).getAttribute("aria-invalid")).toBe(
    "true",
  );
  await ask.evaluate((el) => el.scrollIntoView({ block: "start" }));
  await shot(page, "editor-error");
  await ask.getByLabel("Answer 2", { exact: true }).fill("Support");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await dismissToasts(page);

  const saved = (await widgets.getWidget({ widgetId: demo.id })).widget?.settings;
  expect(saved?.handlerType).toBe(HandlerType.WORKFLOW);
  expect(saved?.flow?.steps.map((s) => [s.id, s.kind])).toEqual([
    ["ask", FlowStepKind.QUESTION],
    ["email", FlowStepKind.COLLECT],
    ["route", FlowStepKind.ROUTE],
    ["bye", FlowStepKind.END],
  ]);
  expect(saved?.flow?.steps[0]?.choices.map((c) => [c.label, c.next])).toEqual([
    ["Sales", "email"],
    ["Support", "bye"],
  ]);
  expect(saved?.flow?.steps[1]).toMatchObject({ field: FlowField.EMAIL, attribute: "email" });
  expect(saved?.flow?.steps[2]?.teamId).toBe(sales?.id);

  // The opening as a visitor sees it.
  const preview = page.getByRole("figure", { name: "What visitors see first" });
  await preview.getByText("What can we help with?").waitFor();
  expect(await preview.getByRole("listitem").allInnerTexts()).toEqual(["Sales", "Support"]);
  await page
    .getByRole("heading", { name: "Guided flow" })
    .evaluate((el) => el.scrollIntoView({ block: "start" }));
  await shotThemes(page, "editor");
  await ask.getByLabel("Answer 1 goes to").evaluate((el) => el.scrollIntoView({ block: "start" }));
  await shot(page, "editor-steps");

  // The owner's dashboard is open (so they are online for Sales).
  await page.goto(`${e2e.server.url}/app/inbox`);
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor();

  // A visitor opens the widget: the question with its answers; "Sales", then the e-mail.
  const visitorContext = await newContext();
  const visitor = await visitorContext.newPage();
  visitor.on("pageerror", (e) => pageErrors.push(`visitor: ${e}`));
  await visitor.goto(`${e2e.server.url}/demo`);
  await widget(visitor).locator(".launcher").click();
  await widget(visitor).getByText("What can we help with?").waitFor();
  await widget(visitor).getByRole("button", { name: "Sales", exact: true }).click();
  await widget(visitor).getByText("What's your e-mail address?").waitFor();

  // Meanwhile the owner sees the flow at work: in the list and above the conversation.
  const row = page.getByRole("list", { name: "Conversations" }).getByRole("link").first();
  await row.getByText("· Guided flow").waitFor();
  await row.click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByTestId("flow-running").waitFor();
  await pane.getByText("What's your e-mail address?").waitFor();
  await page.mouse.move(0, 0);
  await shot(page, "running");

  const composer = widget(visitor).getByRole("textbox", { name: "Type a message…" });
  await composer.fill("not an address");
  await composer.press("Enter");
  // An invalid answer is told so, and asked again.
  await widget(visitor)
    .getByText(/doesn't look like an e-mail address/)
    .waitFor();
  await composer.fill("vera@example.com");
  await composer.press("Enter");
  await widget(visitor).getByText("Thanks! Connecting you with Sales.").waitFor();
  await visitor.screenshot({ path: join(resultsDir, "flows-widget.png") });

  // The owner finds it under the Sales filter, sent to Sales, the e-mail among the attributes.
  await page.getByRole("button", { name: "Team: All teams" }).click();
  await page.getByRole("menuitem", { name: "Sales" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("team")).toBe(sales?.id);
  await page.getByRole("list", { name: "Conversations" }).getByRole("link").first().click();
  await pane.getByText("vera@example.com").first().waitFor();
  // Handed to the team, the flow's banner is gone.
  await pane.getByTestId("flow-running").waitFor({ state: "detached" });
  await pane.getByRole("button", { name: "Team: Sales" }).waitFor();
  const question = pane
    .getByTestId("automated-message")
    .filter({ hasText: "What can we help with?" });
  await question.waitFor();
  const chips = pane.getByRole("list", { name: "Answers offered" }).first();
  expect(await chips.getByRole("listitem").allInnerTexts()).toEqual(["Sales", "Support"]);
  const panel = page.getByRole("complementary", { name: "Visitor" });
  const attributes = panel.locator("section").filter({ hasText: "Attributes" });
  await attributes.getByText("vera@example.com").waitFor();
  await attributes.getByText("email", { exact: true }).waitFor();

  const conversationId = new URL(page.url()).pathname.split("/").pop() ?? "";
  const { conversation } = await createClient(ConversationService, transport).getConversation({
    conversationId,
  });
  expect(conversation?.teamId).toBe(sales?.id);
  await page.mouse.move(0, 0);
  // The question with the answers it offered, then the hand-over below it.
  await question.evaluate((el) => el.parentElement?.scrollIntoView({ block: "start" }));
  await shotThemes(page, "transcript");

  expect(pageErrors).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  await ownerContext.close();
  await visitorContext.close();
});
