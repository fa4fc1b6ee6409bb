//! The dashboard end to end: sign up, create and edit a widget, paste its snippet into a
//! site; a visitor writes in the real widget there and the message arrives live; the agent
//! sees them typing, writes a note (which the widget never shows) and replies with a canned
//! response picked by its `/shortcut` (created in settings first), resolves,
//! and the visitor rates in the widget; then a teammate joins through an invite link and
//! sees the same inbox. Along the way, nothing breaks the server's Content-Security-Policy.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type HostSite, hostSite } from "../../widget-web/e2e/hostpage.js";
import {
  collectCspViolations,
  cspViolations,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
} from "./harness";

let server: RunningServer;
let browser: Browser;
let site: HostSite;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  site = await hostSite();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await site?.close();
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(resultsDir, `${name}.png`) });
}

describe("agent dashboard", () => {
  test("sign up, widget, live chat, note, resolve, invite", async () => {
    const owner = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Every frame keeps the Content-Security-Policy violations it sees.
    await collectCspViolations(owner);
    const page = await owner.newPage();
    const consoleErrors: string[] = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.text().includes("Content Security Policy")) consoleErrors.push(m.text());
    });
    try {
      await run(page, consoleErrors);
    } catch (error) {
      await shot(page, "failure-owner");
      for (const other of browser.contexts().flatMap((c) => c.pages())) {
        if (other !== page) await shot(other, "failure-teammate");
      }
      throw error;
    }
    await owner.close();
  });
});

function conversationPane(page: Page) {
  return page.getByRole("region", { name: "Conversation" });
}

async function run(page: Page, consoleErrors: string[]) {
  // The dashboard is served with a strict Content-Security-Policy; only the widget
  // preview's frame page may be framed, and only by the dashboard.
  const dashboard = await page.goto(`${server.url}/app/`);
  const headers = dashboard?.headers() ?? {};
  expect(headers["content-security-policy"]).toContain("script-src 'self';");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  const framePage = await fetch(`${server.url}/app/widget-preview.html`);
  expect(framePage.status).toBe(200);
  expect(await framePage.text()).toContain("widget-preview.js");
  expect(framePage.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
  expect(framePage.headers.get("x-frame-options")).toBeNull();

  // Sign up.
  await page.getByRole("link", { name: "Create a workspace" }).click();
  await page.getByLabel("Your name").fill("Olivia Owner");
  await page.getByLabel("Work e-mail").fill("olivia@example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Company or workspace name").fill("Acme");
  await page.getByRole("button", { name: "Create workspace" }).click();
  // The server's field error shows under the password field.
  await page.getByText(/at least 8/i).waitFor();
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByTestId("inbox-empty").getByText("Set up your chat widget").waitFor();

  // Create a widget (it opens on its snippet) and edit it.
  await page.getByRole("link", { name: "Widgets" }).click();
  await page.getByRole("button", { name: "New widget" }).first().click();
  await page.getByLabel("Name").fill("Main site");
  await page.getByRole("button", { name: "Create widget" }).click();
  await page.getByLabel("Widget name").waitFor();
  await page.getByTestId("embed-snippet").waitFor();
  await page.getByRole("button", { name: "Appearance" }).click();
  // A bad colour is refused by the server and shown next to the field.
  await page.getByLabel("Main colour", { exact: true }).fill("blue");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page
    .getByText(/#rrggbb|colour|color/i)
    .first()
    .waitFor();
  await page.getByLabel("Main colour", { exact: true }).fill("#0f766e");
  await page.getByRole("button", { name: "Texts" }).click();
  await page.getByLabel("Welcome title").fill("Hello from Acme");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Widget saved").first().waitFor();
  // Ask visitors for their name (required) and e-mail (optional) before the chat.
  await page.getByRole("button", { name: "Behaviour" }).click();
  await page.getByLabel("Ask for the name").selectOption({ label: "Required" });
  await page.getByLabel("Ask for the e-mail").selectOption({ label: "Optional" });
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await page.getByRole("button", { name: "Appearance" }).click();
  // The live preview is the real widget (in a sandboxed frame), following unsaved edits.
  const preview = page.frameLocator('[data-testid="widget-preview"]').locator("[data-porthole]");
  await preview.getByRole("heading", { name: "Hello from Acme" }).waitFor();
  const headerColour = () =>
    preview.locator(".head").evaluate((el) => getComputedStyle(el).backgroundColor);
  await expect.poll(headerColour).toBe("rgb(15, 118, 110)");
  await page.getByLabel("Main colour", { exact: true }).fill("#b45309");
  await expect.poll(headerColour).toBe("rgb(180, 83, 9)");
  await page.getByRole("button", { name: "Offline", exact: true }).click();
  await preview.getByRole("button", { name: "Leave a message" }).waitFor();
  await page.getByRole("button", { name: "Conversation", exact: true }).click();
  await page.getByLabel("Main colour", { exact: true }).fill("#0f766e");
  await expect.poll(headerColour).toBe("rgb(15, 118, 110)");
  await shot(page, "widget-settings");
  await page
    .getByTestId("widget-preview")
    .screenshot({ path: join(resultsDir, "widget-preview.png") });
  // The dashboard and the preview's frame ran under the policy without breaking it.
  expect(await cspViolations(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
  // Business hours: a day closing before it opens is refused next to that day.
  await page.getByRole("button", { name: "Business hours" }).click();
  await page.getByRole("switch", { name: /Use business hours/ }).click();
  await page.getByLabel("monday closes").fill("08:00");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("end must be after start").waitFor();
  await page.getByLabel("monday closes").fill("18:00");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await shot(page, "widget-hours");
  // Off again, so the chat below does not depend on the time of day the test runs at.
  await page.getByRole("switch", { name: /Use business hours/ }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await page.getByRole("button", { name: "Install & security" }).click();
  const snippet = await page.getByTestId("embed-snippet").textContent();
  expect(snippet).toContain("<script");
  const token = (await page.getByTestId("public-token").textContent())?.trim() ?? "";
  await page.getByLabel("Domains").fill("bad domain!");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("“bad domain!” must be a host name").waitFor();
  // The owner's site (served by this test on 127.0.0.1) and their production domains.
  await page.getByLabel("Domains").fill("acme.test\n*.acme.test\n127.0.0.1");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("button", { name: "Saved" }).waitFor();
  await shot(page, "widget-install");
  expect(token.length).toBeGreaterThan(8);

  await page.getByRole("link", { name: "All widgets" }).click();
  await page.getByRole("link", { name: /Main site/ }).waitFor();
  await shot(page, "widgets");

  // A canned response for a question the team gets every day.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "New", exact: true }).click();
  const cannedDialog = page.getByRole("dialog", { name: "New canned response" });
  await cannedDialog.getByLabel("Shortcut").fill("norway");
  await cannedDialog.getByLabel("Title (optional)").fill("Shipping to Norway");
  await cannedDialog
    .getByLabel("Message")
    .fill("Yes {{visitor.name}}, we ship to Norway in 3–5 days.");
  await cannedDialog.getByRole("button", { name: "Add canned response" }).click();
  await cannedDialog.waitFor({ state: "detached" });
  await page.getByRole("list", { name: "Canned responses" }).getByText("/norway").waitFor();

  // The owner pastes the snippet into their site (a second origin); a visitor opens it.
  await page.getByRole("link", { name: /Inbox/ }).first().click();
  await page.getByTestId("inbox-empty").getByText("No conversations yet").waitFor();
  site.page(
    "/pricing",
    `<!doctype html><html><head><title>Pricing · Acme</title></head><body>
       <h1>Pricing</h1>
       <script>
         window.Porthole = window.Porthole || function () { (Porthole.q = Porthole.q || []).push(arguments); };
         Porthole("setAttributes", { plan: "pro" });
       </script>
       ${snippet ?? ""}
     </body></html>`,
  );
  const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const visitor = await visitorContext.newPage();
  visitor.on("pageerror", (e) => consoleErrors.push(`visitor: ${String(e)}`));
  await visitor.goto(`${site.url}/pricing`);
  const widget = visitor.locator("[data-porthole]");
  const widgetComposer = widget.getByRole("textbox", { name: "Type a message…" });
  await widget.locator(".launcher").click();
  await widget.getByRole("heading", { name: "Hello from Acme" }).waitFor();
  const preChat = widget.locator("form[data-prechat]");
  await preChat.getByLabel("Name").fill("Ada Lovelace");
  await preChat.getByLabel("E-mail").fill("ada@example.org");
  await preChat.getByRole("button", { name: "Start chat" }).click();
  await widgetComposer.fill("Hello, do you ship to Norway?");
  await widgetComposer.press("Enter");
  await widget.getByText("Delivered").waitFor();

  // It appears live, unread.
  const row = page.getByRole("link", { name: /Ada Lovelace/ });
  await row.waitFor();
  await row.getByTitle("1 unread").waitFor();
  await expect.poll(() => page.title()).toMatch(/^\(1\)/);
  await shot(page, "inbox-live");

  // The agent opens it: the message is there, it is marked read (the visitor sees "Read"),
  // and the visitor panel shows the page, the pre-chat details and the attribute.
  await row.click();
  await conversationPane(page).getByText("Hello, do you ship to Norway?").waitFor();
  await expect.poll(() => page.title()).not.toMatch(/^\(/);
  await widget.getByText("Read").waitFor();
  await page.getByTestId("current-page").getByText("Pricing · Acme").waitFor();
  await page.getByText("ada@example.org").first().waitFor();
  await page.getByText("pro", { exact: true }).first().waitFor();

  // The visitor types in the widget, the agent sees it.
  await widgetComposer.pressSequentially("Also", { delay: 30 });
  await page.getByText("Ada Lovelace is typing").waitFor();
  await widgetComposer.fill("");

  // An internal note, visibly different; then a reply with Enter. The widget shows the
  // reply and never the note, although the note was written first.
  await page.getByRole("tab", { name: "Note" }).click();
  const note = page.getByLabel("Internal note");
  await note.fill("VIP: offer free shipping");
  await note.press("Enter");
  await page.getByTestId("note").getByText("VIP: offer free shipping").waitFor();
  await page.getByRole("tab", { name: "Reply" }).click();
  const reply = page.getByLabel("Reply to the visitor");
  await reply.click();
  await reply.pressSequentially("/nor");
  const suggestions = conversationPane(page).getByRole("listbox", { name: "Canned responses" });
  await suggestions.getByText("Shipping to Norway").waitFor();
  await reply.press("Enter");
  const answer = "Yes Ada Lovelace, we ship to Norway in 3–5 days.";
  await expect.poll(() => reply.inputValue()).toBe(answer);
  await reply.press("Enter");
  await conversationPane(page).getByText(answer).waitFor();
  await widget.getByText(answer).waitFor();
  expect(await widget.getByText("VIP: offer free shipping").count()).toBe(0);

  // More from the visitor, live.
  await widgetComposer.fill("Perfect, thank you!");
  await widgetComposer.press("Enter");
  await conversationPane(page).getByText("Perfect, thank you!").waitFor();

  // Resolve with the keyboard (e); the widget asks for a rating and the agent sees it.
  await page.locator("body").click({ position: { x: 700, y: 400 } });
  await page.keyboard.press("e");
  await page.getByText("Conversation resolved").first().waitFor();
  const rating = widget.locator("form[data-rating]");
  await rating.waitFor();
  await rating.getByRole("button", { name: "5 of 5" }).click();
  await rating.getByRole("textbox").fill("Fast and friendly");
  await rating.getByRole("button", { name: "Send rating" }).click();
  await widget.getByText("Thanks for your feedback!").waitFor();
  await conversationPane(page).getByText("“Fast and friendly”").waitFor();
  await shot(page, "conversation");
  await visitor.screenshot({ path: join(resultsDir, "dashboard-visitor-rated.png") });

  // Invite a teammate.
  await page.getByRole("link", { name: "Team" }).click();
  await page.getByRole("button", { name: "Invite teammate" }).click();
  // In the dialog: the navigation's "E-mail deliveries" is labelled "E-mail…" too.
  await page.getByRole("dialog").getByLabel("E-mail").fill("sam@example.com");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = await page.getByLabel("Invitation link").inputValue();
  expect(link).toContain("/app/invite/");
  await page.getByRole("button", { name: "Done" }).click();
  await page
    .getByRole("list", { name: "Pending invitations" })
    .getByText("sam@example.com")
    .waitFor();
  await shot(page, "team");

  // The teammate accepts in another browser and sees the same inbox.
  const teammate = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page2 = await teammate.newPage();
  await page2.goto(link);
  await page2.getByRole("heading", { name: "Join your team on Porthole" }).waitFor();
  await shot(page2, "accept-invite");
  await page2.getByLabel("Your name").fill("Sam Agent");
  await page2.getByLabel("Password").fill("another long password");
  await page2.getByRole("button", { name: "Accept invitation" }).click();
  await page2.getByRole("heading", { name: "Inbox" }).waitFor();
  await page2.goto(`${server.url}/app/inbox?status=all`);
  await page2.getByRole("link", { name: /Ada Lovelace/ }).waitFor();

  // A new visitor message reopens the conversation; both dashboards see it live.
  await widgetComposer.fill("One more question…");
  await widgetComposer.press("Enter");
  await page2
    .getByRole("link", { name: /Ada Lovelace/ })
    .getByText("One more question…")
    .waitFor();
  await page.getByRole("link", { name: /Inbox/ }).first().click();
  await page
    .getByRole("link", { name: /Ada Lovelace/ })
    .getByText("One more question…")
    .waitFor();

  // The owner sees Sam in the team.
  await page.getByRole("link", { name: "Team" }).click();
  await page.getByRole("list", { name: "Members" }).getByText("Sam Agent").waitFor();

  expect(consoleErrors).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  await teammate.close();
  await visitorContext.close();
}
