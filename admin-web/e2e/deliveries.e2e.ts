//! E-mail deliveries end to end, with the server e-mailing through a real (local) SMTP
//! server: an owner invites two teammates from the Team screen (the dialog says the
//! invitation is being e-mailed); the mail server takes one and refuses the other for good,
//! and the owner's "E-mail deliveries" screen shows the first done and the second failed
//! with the mail server's words. A server whose mail server cannot be reached shows the
//! invitation queued with the error and a countdown to the next attempt; a server without
//! SMTP says it sends no e-mail. Screenshots go to test-results/.

import { join } from "node:path";
import { createClient, createPortholeTransport, Role, WorkspaceService } from "@porthole/client";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  accessTokenOf,
  collectCspViolations,
  cspViolations,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
} from "./harness";
import { linkIn, type Mailbox, mailText, startMailbox } from "./mailbox";

const accepted = "tom@team.test";
const refused = "nobody@team.test";
/** What the mail server says about `refused`: a multi-line 550, as large providers answer. */
const refusal = [
  "550-5.1.1 The email account that you tried to reach does not exist. Please try",
  "550-5.1.1 double-checking the recipient's email address for typos or unnecessary",
  "550 5.1.1 spaces. Learn more at https://support.example.com/mail/?p=NoSuchUser",
];

/** Whether the mail server still refuses `refused` (until the owner's retry). */
let refusing = true;
let mailbox: Mailbox;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  mailbox = await startMailbox({
    refuse: (to) => (refusing && to === refused ? refusal : undefined),
  });
  server = await startServer({
    PORTHOLE_SMTP_URL: mailbox.url,
    PORTHOLE_SMTP_FROM: "Porthole <chat@example.com>",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mailbox?.close();
});

// Transitions stopped, so that a button that just stopped loading shows its final colour.
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `${name}.png`), animations: "disabled" });

async function signUp(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}

async function openDeliveries(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).first().waitFor();
  await page.getByRole("link", { name: "E-mail deliveries" }).click();
  await page.getByRole("heading", { name: "E-mail deliveries" }).waitFor();
}

/** The row of the job whose summary mentions `text`. */
const rowOf = (page: Page, text: string): Locator =>
  page
    .getByRole("table", { name: "E-mail deliveries" })
    .locator("tbody tr")
    .filter({ hasText: text });

/** Presses Refresh until the row of `text` contains `state` (jobs are not live). */
async function refreshUntil(page: Page, text: string, state: string): Promise<string> {
  const refresh = page.getByRole("button", { name: "Refresh" });
  let seen = "";
  await expect
    .poll(
      async () => {
        // Clicking waits for the button to be enabled: the previous refresh has ended.
        await refresh.click();
        const row = rowOf(page, text);
        seen = (await row.count()) > 0 ? ((await row.textContent()) ?? "") : "";
        return seen;
      },
      { timeout: 20_000, interval: 300 },
    )
    .toContain(state);
  return seen;
}

test("invitations e-mailed from the Team screen are listed as done or failed", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await collectCspViolations(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await signUp(page, server.url, "olive@deliveries.test");

    // Two invitations; the dialog says each is being e-mailed.
    await page.getByRole("link", { name: "Team" }).click();
    await page.getByRole("button", { name: "Invite teammate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("E-mail").fill(accepted);
    await dialog.getByRole("button", { name: "Create invitation" }).click();
    await dialog.getByRole("heading", { name: "Invitation sent" }).waitFor();
    expect(await dialog.textContent()).toContain(`We are e-mailing ${accepted} a link to join.`);
    await dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    await shot(page, "deliveries-invite-sent");
    await dialog.getByRole("button", { name: "Invite another" }).click();
    await dialog.getByLabel("E-mail").fill(refused);
    await dialog.getByRole("button", { name: "Create invitation" }).click();
    await dialog.getByRole("heading", { name: "Invitation sent" }).waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();

    // The mail server received the first (with its link) and refused the second.
    const [mail] = await mailbox.waitFor(1);
    if (!mail) throw new Error("no e-mail");
    expect(mail.to).toEqual([accepted]);
    expect(linkIn(mail, "/app/invite/").startsWith(`${server.url}/app/invite/`)).toBe(true);
    expect(mailText(mail)).toContain("Olive Oils");

    await openDeliveries(page);
    expect(await page.getByRole("note").count()).toBe(0);
    const done = await refreshUntil(page, `Invitation to ${accepted}`, "Done");
    expect(done).toContain("E-mail");
    expect(done).toContain("1 of 8");
    expect(done).not.toContain("attempt failed");
    const failed = await refreshUntil(page, `Invitation to ${refused}`, "Failed");
    expect(failed).toContain("1 of 8");
    expect(failed).toContain("Gave up:");
    expect(failed).toContain("550");
    expect(mailbox.received()).toHaveLength(1);

    // Newest first: the refused invitation was written last.
    const summaries = await page
      .getByRole("table", { name: "E-mail deliveries" })
      .locator("tbody tr td:first-child > span:first-child")
      .allTextContents();
    expect(summaries).toEqual([`Invitation to ${refused}`, `Invitation to ${accepted}`]);
    await shot(page, "deliveries");

    // The mail server's whole answer, on demand.
    const failedRow = rowOf(page, `Invitation to ${refused}`);
    await failedRow.getByRole("button", { name: "Show all" }).click();
    expect(await failedRow.textContent()).toContain("NoSuchUser");
    await shot(page, "deliveries-error-whole");

    // The address's mailbox exists now: the owner tries again and it is delivered.
    refusing = false;
    await failedRow.getByRole("button", { name: `Try again: Invitation to ${refused}` }).click();
    const retried = await refreshUntil(page, `Invitation to ${refused}`, "Done");
    expect(retried).toContain("1 of 8");
    expect(mailbox.received()).toHaveLength(2);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await new Promise((r) => setTimeout(r, 500));
    await shot(page, "deliveries-phone-dark");

    expect(errors).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  } catch (error) {
    await shot(page, "deliveries-failure");
    throw error;
  }
  await context.close();
});

test("an unreachable mail server leaves the invitation queued, with a countdown", async () => {
  // A port where nothing listens any more.
  const gone = await startMailbox();
  await gone.close();
  const unreachable = await startServer({
    PORTHOLE_SMTP_URL: gone.url,
    PORTHOLE_SMTP_FROM: "Porthole <chat@example.com>",
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await signUp(page, unreachable.url, "olive@unreachable.test");
    const token = await accessTokenOf(page);
    const workspace = createClient(
      WorkspaceService,
      createPortholeTransport(unreachable.url, { getToken: () => token }),
    );
    const invite = await workspace.createInvite({ email: accepted, role: Role.AGENT });
    expect(invite.emailed).toBe(true);

    await openDeliveries(page);
    const row = await refreshUntil(page, `Invitation to ${accepted}`, "Last attempt failed:");
    expect(row).toContain("Queued");
    expect(row).toContain("1 of 8");
    expect(row).toMatch(/next attempt in \d+s|next attempt due now/);
    // The countdown ticks without a request.
    const countdown = rowOf(page, `Invitation to ${accepted}`).getByText(/next attempt/);
    const before = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(before);
    await shot(page, "deliveries-retrying");
  } catch (error) {
    await shot(page, "deliveries-retrying-failure");
    throw error;
  } finally {
    await context.close();
    await unreachable.stop();
  }
});

test("a server without SMTP says it sends no e-mail", async () => {
  const plain = await startServer();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await signUp(page, plain.url, "olive@plain.test");

    // The invitation is a link to hand over.
    await page.getByRole("link", { name: "Team" }).click();
    await page.getByRole("button", { name: "Invite teammate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("E-mail").fill(accepted);
    await dialog.getByRole("button", { name: "Create invitation" }).click();
    await dialog.getByRole("heading", { name: "Invitation ready" }).waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();

    await openDeliveries(page);
    const note = page.getByRole("note");
    await note.waitFor();
    expect(await note.textContent()).toContain("This server does not send e-mail.");
    expect(await note.textContent()).toContain("PORTHOLE_SMTP_URL");
    expect(await page.getByRole("table").count()).toBe(0);
    await shot(page, "deliveries-no-smtp");
  } catch (error) {
    await shot(page, "deliveries-no-smtp-failure");
    throw error;
  } finally {
    await context.close();
    await plain.stop();
  }
});
