//! Teams end to end: an owner creates the team "Sales" with an agent on the Team screen (an
//! empty name refused at its field first), sends a widget's conversations to Sales in the
//! editor; a visitor's conversation then goes to the Sales agent (whose dashboard is open,
//! so online) and not to the owner, who is online too. The inbox's team filter shows it, the
//! header names its team, and "Send to team → Everyone" moves it back. The agent sees the
//! teams without write controls. Screenshots (light, dark, phone) go to
//! test-results/teams-*.png.

import { join } from "node:path";
import {
  AuthService,
  ConversationService,
  createClient,
  createPortholeTransport,
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
  await page.screenshot({ path: join(resultsDir, `teams-${name}.png`) });
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

test("a widget sends its conversations to a team; the inbox filters and moves them", async () => {
  const ownerContext = await newContext();
  const page = await ownerContext.newPage();
  await page.goto(`${e2e.server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olivia Owner");
  await page.getByLabel("Work e-mail").fill("olivia@teams.test");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Teams Co");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  const token = await accessTokenOf(page);
  const transport = createPortholeTransport(e2e.server.url, { getToken: () => token });
  const { widget } = await createClient(WidgetService, transport).createWidget({ name: "Shop" });
  const widgetId = widget?.id ?? "";
  const { inviteToken } = await createClient(WorkspaceService, transport).createInvite({
    email: "sam@teams.test",
    role: Role.AGENT,
  });
  await createClient(AuthService, createPortholeTransport(e2e.server.url)).acceptInvite({
    inviteToken,
    password: "a long enough password",
    displayName: "Sam Agent",
  });

  // The Team screen: no teams yet; an empty name is refused at its field; then "Sales".
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Team", exact: true })
    .click();
  const card = page
    .locator("section")
    .filter({ has: page.getByRole("heading", { name: "Teams", exact: true }) });
  await card.getByText("No teams yet.").waitFor();
  await card.getByRole("button", { name: "New team" }).click();
  const editor = page.getByRole("dialog", { name: "New team" });
  await editor.getByRole("button", { name: "Create team" }).click();
  await expect.poll(() => editor.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
  await shot(page, "editor-error");
  await editor.getByLabel("Name").fill("Sales");
  await editor.getByRole("checkbox", { name: /Sam Agent/ }).check();
  await editor.getByRole("button", { name: "Create team" }).click();
  await editor.waitFor({ state: "detached" });
  const teams = page.getByRole("list", { name: "Teams" });
  const sales = teams.getByRole("listitem", { name: "Sales" });
  await sales.getByText("Sam Agent").waitFor();
  await dismissToasts(page);
  await shotThemes(page, "team-screen");

  // The widget sends its conversations to Sales.
  await page.goto(`${e2e.server.url}/app/widgets/${widgetId}?section=routing`);
  const sendTo = page.getByLabel("Send conversations to");
  await sendTo.selectOption({ label: "Sales" });
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await dismissToasts(page);
  await shot(page, "widget-routing");

  // Sam opens his dashboard (so he is online), and sees the teams without write controls.
  const agentContext = await newContext();
  const agent = await agentContext.newPage();
  await agent.goto(`${e2e.server.url}/app/login`);
  await agent.getByLabel("E-mail").fill("sam@teams.test");
  await agent.getByLabel("Password").fill("a long enough password");
  await agent.getByRole("button", { name: "Sign in" }).click();
  await agent.getByRole("heading", { name: "Inbox" }).waitFor();
  await agent.getByRole("status").filter({ hasText: "Live" }).waitFor();
  await agent.goto(`${e2e.server.url}/app/team`);
  await agent.getByRole("list", { name: "Teams" }).getByText("Sales").waitFor();
  expect(await agent.getByRole("button", { name: "New team" }).count()).toBe(0);
  expect(await agent.getByRole("button", { name: /^(Edit|Delete) Sales/ }).count()).toBe(0);
  await agent.goto(`${e2e.server.url}/app/`);
  await agent.getByRole("status").filter({ hasText: "Live" }).waitFor();

  // A visitor writes: the conversation goes to Sam (Sales), though Olivia is online too.
  await page.goto(`${e2e.server.url}/app/`);
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
  const vera = visitorClient(e2e.server.url);
  await vera.start(widget?.publicToken ?? "");
  await vera.client.updateVisitor({ name: "Vera Visitor" });
  const { conversation } = await vera.client.startConversation({});
  const conversationId = conversation?.id ?? "";
  await vera.client.sendMessage({ conversationId, body: "Do you sell in bulk?", clientKey: "1" });
  const conversations = createClient(ConversationService, transport);
  await expect
    .poll(async () => {
      const c = (await conversations.getConversation({ conversationId })).conversation;
      return { team: c?.teamId !== "", assigned: c?.assigneeUserId !== "" };
    })
    .toEqual({ team: true, assigned: true });
  await agent
    .getByRole("list", { name: "Conversations" })
    .getByRole("link", { name: /Vera Visitor/ })
    .waitFor();

  // Olivia filters the inbox by team: the conversation is there, assigned to Sam.
  await page.getByRole("button", { name: "Team: All teams" }).click();
  await page.getByRole("menuitem", { name: "Sales" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("team")).toMatch(/^tem_/);
  const row = page
    .getByRole("list", { name: "Conversations" })
    .getByRole("link", { name: /Vera Visitor/ });
  await row.click();
  const pane = page.getByRole("region", { name: "Conversation" });
  await pane.getByText("Do you sell in bulk?").waitFor();
  await pane.getByRole("button", { name: "Team: Sales" }).waitFor();
  await pane.getByRole("button", { name: "Assignee: Sam Agent" }).waitFor();
  await shotThemes(page, "inbox-team");

  // "Send to team → Everyone": the header says so, and the server unassigned and requeued it.
  await pane.getByRole("button", { name: "Team: Sales" }).click();
  await page.getByRole("menuitem", { name: "Everyone" }).click();
  await pane.getByRole("button", { name: "Team: Everyone" }).waitFor();
  await expect
    .poll(
      async () => (await conversations.getConversation({ conversationId })).conversation?.teamId,
    )
    .toBe("");
  await dismissToasts(page);
  await shot(page, "sent-to-everyone");

  expect(await cspViolations(page)).toEqual([]);
  expect(await cspViolations(agent)).toEqual([]);
  await ownerContext.close();
  await agentContext.close();
});
