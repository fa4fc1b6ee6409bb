//! Automation in the widget (issue 16, items 7 and 8), end to end in Chromium against the
//! real server, everything set up through the real API as the dashboard would:
//! - a page-visit rule (RuleService) opens the widget by itself on a matching page after its
//!   time on the page, with its text from the assistant, and not on another page; the
//!   visitor's answer starts a conversation whose first message is that text (automated),
//!   then theirs, each shown once;
//! - a workflow widget's guided flow shows its opening with quick-reply buttons before any
//!   conversation exists; pressing "Sales" starts it, the e-mail step asks again after an
//!   invalid address, a valid one routes the conversation to the team "Sales" (its team_id)
//!   with the address stored as the visitor's attribute;
//! - a greeting rule and a keyword rule reply to the visitor's messages as the assistant,
//!   without the AI tag.
//! Screenshots of the proactive message and the quick replies, light and dark, desktop and
//! phone, go to /tmp/shots (auto-*.png).

import { mkdirSync } from "node:fs";
import {
  AuthService,
  createClient,
  createPortholeTransport,
  FlowField,
  FlowStepKind,
  HandlerType,
  Role,
  RuleService,
  RuleTrigger,
  SenderType,
  TeamService,
  WorkspaceService,
} from "@porthole/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../admin-web/e2e/harness.js";
import { demoLogin } from "./agent.js";
import {
  type Browser,
  conversationOf,
  desktop,
  launcher,
  panel,
  type Setup,
  setUp,
  unreadableText,
  visit,
  widget,
} from "./helpers.js";
import { type HostSite, hostSite, snippet } from "./hostpage.js";

const shots = "/tmp/shots";

let browser: Browser;
let main: Setup;
let site: HostSite;
/** The demo owner's clients (an owner manages rules and teams). */
let owner: {
  rules: ReturnType<typeof createClient<typeof RuleService>>;
  teams: ReturnType<typeof createClient<typeof TeamService>>;
  workspace: ReturnType<typeof createClient<typeof WorkspaceService>>;
};

async function ownerClients(baseUrl: string): Promise<typeof owner> {
  let token = "";
  const transport = createPortholeTransport(baseUrl, { getToken: () => token || undefined });
  token =
    (await createClient(AuthService, transport).logIn({ ...demoLogin, workspaceId: "" })).session
      ?.accessToken ?? "";
  return {
    rules: createClient(RuleService, transport),
    teams: createClient(TeamService, transport),
    workspace: createClient(WorkspaceService, transport),
  };
}

/** A new widget of the demo workspace; returns its id and public token. */
async function newWidget(
  name: string,
  settings: Parameters<Setup["agent"]["widgets"]["createWidget"]>[0]["settings"] = {},
): Promise<{ id: string; token: string }> {
  const created = await main.agent.widgets.createWidget({ name, settings });
  const token = created.widget?.publicToken;
  if (!token) throw new Error("no widget token");
  return { id: created.widget?.id ?? "", token };
}

/** A host page at `path` (and any query) on the second origin embedding the widget. */
function hostPage(path: string, token: string, title = "Shop"): string {
  site.page(
    path.split("?")[0] ?? path,
    `<!doctype html><title>${title}</title><h1>${title}</h1><p>Plans for every team.</p>${snippet(main.server.url, token)}`,
  );
  return `${site.url}${path}`;
}

const composer = (page: Page) => widget(page).locator(".compose textarea");
const bubblesWith = (page: Page, text: string) =>
  widget(page).locator(".row .bubble").filter({ hasText: text });
const replies = (page: Page) => widget(page).getByRole("group", { name: "Suggested replies" });

async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

/** Screenshots of the page as it is now: desktop and phone width, light and dark. */
async function screenshots(page: Page, name: string) {
  for (const [width, height, size] of [
    [1280, 800, "desktop"],
    [390, 844, "phone"],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await unreadableText(page), `${name} ${size} ${scheme}`).toEqual([]);
      await page.screenshot({
        path: `${shots}/auto-${name}-${size}-${scheme}.png`,
        animations: "disabled",
      });
    }
  }
  await page.setViewportSize(desktop.viewport);
  await page.emulateMedia({ colorScheme: "light" });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launchBrowser();
  main = await setUp(browser);
  site = await hostSite();
  owner = await ownerClients(main.server.url);
});

afterAll(async () => {
  main?.agent.unwatch();
  await browser?.close();
  await site?.close();
  await main?.server.stop();
});

describe("automation in the widget", () => {
  it("a page-visit rule opens the widget on matching pages, and the answer starts the conversation with it", async () => {
    const text = "Need a hand with pricing?";
    const shop = await newWidget("Shop (proactive)");
    const { rule } = await owner.rules.createRule({
      name: "Pricing nudge",
      enabled: true,
      trigger: RuleTrigger.PAGE_VISIT,
      conditions: { pageUrlPattern: `${site.url}/pricing*`, timeOnPageSeconds: 1 },
      actions: { reply: text },
    });
    try {
      // Another page: the widget stays closed.
      const elsewhere = await main.newContext(desktop);
      const about = await visit(elsewhere, hostPage(`/about/${shop.token}`, shop.token));
      await about.waitForTimeout(2_500);
      expect(await panel(about).isVisible()).toBe(false);
      await elsewhere.close();

      // The pricing page: after a second on it, the panel opens by itself with the message.
      const context = await main.newContext(desktop);
      await context.addInitScript(() => {
        window.addEventListener("porthole:open", () => {
          (window as unknown as { openedAt: number }).openedAt = performance.now();
        });
      });
      const page = await visit(
        context,
        hostPage(`/pricing/${shop.token}?plan=team`, shop.token, "Pricing"),
      );
      const prompt = widget(page).locator("[data-prompt]");
      await prompt.waitFor({ timeout: 10_000 });
      expect(await panel(page).isVisible()).toBe(true);
      const openedAt = await page.evaluate(
        () => (window as unknown as { openedAt: number }).openedAt,
      );
      expect(openedAt).toBeGreaterThanOrEqual(1_000);
      expect(await prompt.locator(".bubble").textContent()).toBe(text);
      // From the assistant, not an AI; focus stays with the page.
      expect(await prompt.locator(".who").textContent()).toBe("AAssistant");
      expect(await prompt.locator(".ai").count()).toBe(0);
      expect(
        await widget(page).evaluate((host) => host.shadowRoot?.activeElement ?? null),
      ).toBeNull();
      // Nothing exists on the server until the visitor answers.
      const before = await main.agent.conversations.listConversations({ widgetId: shop.id });
      expect(before.conversations).toHaveLength(0);
      await screenshots(page, "proactive");

      // The visitor answers: the conversation starts with the message, then theirs.
      const answer = "Yes, which plan fits a team of 5?";
      await say(page, answer);
      await widget(page).locator("[data-mark=delivered]").waitFor();
      await expect.poll(() => prompt.count()).toBe(0);
      expect(await bubblesWith(page, text).count()).toBe(1);
      expect(await bubblesWith(page, answer).count()).toBe(1);
      // The stored messages, in the server's order: its text, then the visitor's.
      expect(await widget(page).locator(".row[data-seq] .bubble").allTextContents()).toEqual([
        text,
        answer,
      ]);
      await page.waitForTimeout(1_500);
      expect(await bubblesWith(page, text).count()).toBe(1);

      const conversationId = await conversationOf(main.agent, answer);
      const stored = (await main.agent.visitorMessages(conversationId)).filter(
        (m) => m.senderType !== SenderType.SYSTEM && !m.internal,
      );
      expect(stored.map((m) => [m.senderType, m.automated, m.body])).toEqual([
        [SenderType.BOT, true, text],
        [SenderType.VISITOR, false, answer],
      ]);
      expect(stored[0]?.senderId).toBe(rule?.id);
      await context.close();
    } finally {
      await owner.rules.deleteRule({ ruleId: rule?.id ?? "" });
    }
  });

  it("a guided flow's quick replies route the visitor to Sales once a valid e-mail is given", async () => {
    // The team "Sales", with an agent.
    const { inviteToken } = await owner.workspace.createInvite({
      email: "sam@sales.test",
      role: Role.AGENT,
    });
    const accepted = await createClient(
      AuthService,
      createPortholeTransport(main.server.url),
    ).acceptInvite({
      inviteToken,
      password: "a long enough password",
      displayName: "Sam Sales",
    });
    const samId = accepted.session?.user?.id ?? "";
    const { team } = await owner.teams.createTeam({ name: "Sales", memberUserIds: [samId] });
    const salesId = team?.id ?? "";
    expect(salesId).not.toBe("");

    const shop = await newWidget("Shop (flow)", {
      handlerType: HandlerType.WORKFLOW,
      bot: { name: "Penny" },
      flow: {
        steps: [
          {
            id: "topic",
            kind: FlowStepKind.QUESTION,
            text: "What can we help with?",
            choices: [
              { label: "Sales", next: "email" },
              { label: "Support", next: "bye" },
            ],
          },
          {
            id: "email",
            kind: FlowStepKind.COLLECT,
            text: "What's your e-mail?",
            field: FlowField.EMAIL,
            attribute: "email",
          },
          {
            id: "route",
            kind: FlowStepKind.ROUTE,
            text: "Connecting you with Sales…",
            teamId: salesId,
          },
          { id: "bye", kind: FlowStepKind.END, text: "Our help centre has the answers." },
        ],
      },
    });

    const context = await main.newContext(desktop);
    const page = await visit(context, hostPage(`/flow/${shop.token}`, shop.token));
    await launcher(page).click();
    // The opening, with its buttons, before any conversation exists.
    const prompt = widget(page).locator("[data-prompt]");
    await prompt.first().waitFor();
    expect(await prompt.locator(".bubble").allTextContents()).toEqual(["What can we help with?"]);
    expect(await prompt.locator(".who").textContent()).toBe("PPenny");
    expect(await replies(page).getByRole("button").allTextContents()).toEqual(["Sales", "Support"]);
    expect(
      (await main.agent.conversations.listConversations({ widgetId: shop.id })).conversations,
    ).toHaveLength(0);
    await screenshots(page, "quick-replies");

    // From the keyboard: Tab to "Sales", Enter. It becomes the visitor's message.
    const sales = replies(page).getByRole("button", { name: "Sales" });
    await sales.focus();
    await page.keyboard.press("Enter");
    await widget(page).locator(".row.me .bubble").filter({ hasText: "Sales" }).waitFor();
    await bubblesWith(page, "What's your e-mail?").waitFor({ timeout: 10_000 });
    expect(await replies(page).count()).toBe(0);
    expect(await prompt.count()).toBe(0);
    expect(await bubblesWith(page, "What can we help with?").count()).toBe(1);
    // While the flow answers, nobody is told to wait in line.
    expect(await widget(page).locator("[data-queue], [data-away]").count()).toBe(0);
    // Focus went on to the composer: typing the answer just works.
    expect(
      await widget(page).evaluate((host) => host.shadowRoot?.activeElement?.tagName ?? ""),
    ).toBe("TEXTAREA");

    // An invalid address is asked for again; a valid one routes to Sales.
    const automated = widget(page).locator(".row:not(.me)[data-seq]");
    const shown = await automated.count();
    await say(page, "not an address");
    await expect.poll(() => automated.count(), { timeout: 10_000 }).toBeGreaterThan(shown);
    expect(await bubblesWith(page, "Connecting you with Sales…").count()).toBe(0);
    await say(page, "sam.visitor@example.org");
    await bubblesWith(page, "Connecting you with Sales…").waitFor({ timeout: 10_000 });
    // Automation throughout: never the AI tag.
    expect(await widget(page).locator(".who .ai").count()).toBe(0);
    // Handed to Sales: now it waits in line (the flow no longer answers).
    await widget(page)
      .locator("[data-queue]")
      .getByText(/number 1 in line/)
      .waitFor();
    await screenshots(page, "flow-routed");

    const conversationId = await conversationOf(main.agent, "sam.visitor@example.org");
    const opened = await main.agent.conversations.getConversation({ conversationId });
    expect(opened.conversation?.teamId).toBe(salesId);
    expect(opened.visitor?.attributes.email).toBe("sam.visitor@example.org");
    const stored = (await main.agent.visitorMessages(conversationId)).filter(
      (m) => m.senderType !== SenderType.SYSTEM && !m.internal,
    );
    expect(stored.slice(0, 3).map((m) => [m.senderType, m.body])).toEqual([
      [SenderType.BOT, "What can we help with?"],
      [SenderType.VISITOR, "Sales"],
      [SenderType.BOT, "What's your e-mail?"],
    ]);
    expect(stored[0]?.quickReplies).toEqual(["Sales", "Support"]);
    expect(stored.filter((m) => m.senderType === SenderType.BOT).every((m) => m.automated)).toBe(
      true,
    );
    // Each message once in the widget, as stored.
    for (const m of stored) expect(await bubblesWith(page, m.body).count()).toBeGreaterThan(0);
    expect(await widget(page).locator(".row[data-seq]").count()).toBe(
      (await main.agent.visitorMessages(conversationId)).filter((m) => !m.internal).length,
    );
    await context.close();
  });

  it("a greeting rule and a keyword rule answer as the assistant, without the AI tag", async () => {
    const greeting = await owner.rules.createRule({
      name: "Greeting",
      enabled: true,
      trigger: RuleTrigger.CONVERSATION_STARTED,
      conditions: {},
      actions: { reply: "Thanks for writing!" },
    });
    const refunds = await owner.rules.createRule({
      name: "Refunds",
      enabled: true,
      trigger: RuleTrigger.VISITOR_MESSAGE,
      conditions: { messageContainsAny: ["refund"] },
      actions: { reply: "Refunds take 5 days." },
    });
    try {
      const shop = await newWidget("Shop (rules)");
      const context = await main.newContext(desktop);
      const page = await visit(context, hostPage(`/rules/${shop.token}`, shop.token));
      await launcher(page).click();
      await say(page, "Hello there");
      const thanks = widget(page)
        .locator(".row[data-seq]")
        .filter({ hasText: "Thanks for writing!" });
      await thanks.waitFor({ timeout: 10_000 });
      expect(await thanks.locator(".who").textContent()).toBe("AAssistant");
      expect(await thanks.locator(".ai").count()).toBe(0);

      await say(page, "How do I get a refund?");
      const refund = widget(page)
        .locator(".row[data-seq]")
        .filter({ hasText: "Refunds take 5 days." });
      await refund.waitFor({ timeout: 10_000 });
      expect(await refund.locator(".ai").count()).toBe(0);
      expect(await refund.locator("[data-sources]").count()).toBe(0);
      // Each rule acts once per conversation.
      await say(page, "And another refund question");
      await page.waitForTimeout(2_000);
      expect(await bubblesWith(page, "Refunds take 5 days.").count()).toBe(1);
      expect(await bubblesWith(page, "Thanks for writing!").count()).toBe(1);

      const conversationId = await conversationOf(main.agent, "Hello there");
      const bots = (await main.agent.visitorMessages(conversationId)).filter(
        (m) => m.senderType === SenderType.BOT,
      );
      expect(bots.map((m) => [m.automated, m.senderName, m.body])).toEqual([
        [true, "Assistant", "Thanks for writing!"],
        [true, "Assistant", "Refunds take 5 days."],
      ]);
      await context.close();
    } finally {
      await owner.rules.deleteRule({ ruleId: greeting.rule?.id ?? "" });
      await owner.rules.deleteRule({ ruleId: refunds.rule?.id ?? "" });
    }
  });
});
