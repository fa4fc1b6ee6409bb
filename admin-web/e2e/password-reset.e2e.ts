//! A forgotten password, end to end: an owner signs out, asks for a reset link from the
//! sign-in screen, the server e-mails it through a real (local) SMTP server, the link opens
//! in the browser with a full page load, and the new password works while the old one no
//! longer does; the spent link then says it no longer works. A server without e-mail says
//! what to do instead.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  collectCspViolations,
  cspViolations,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
} from "./harness";
import { linkIn, type Mailbox, mailText, startMailbox } from "./mailbox";

let mailbox: Mailbox;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  mailbox = await startMailbox();
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

const email = "rita@reset.test";
const oldPassword = "the old password";
const newPassword = "a brand new password";

test("a forgotten password is reset through the e-mailed link", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await collectCspViolations(context);
  const page = await context.newPage();
  try {
    const link = await requestLink(page);
    await setNewPassword(page, link);
    await signInAgain(page);
    expect(await cspViolations(page)).toEqual([]);

    // The same link, opened again in another browser, has been spent.
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const again = await other.newPage();
    await again.goto(link);
    await again.getByLabel("New password", { exact: true }).fill("yet another password");
    await again.getByLabel("Confirm new password").fill("yet another password");
    await again.getByRole("button", { name: "Set new password" }).click();
    await again.getByRole("heading", { name: "This link no longer works" }).waitFor();
    await shot(again, "password-reset-link-spent");
    await again.getByRole("link", { name: "Request a new link" }).click();
    await again.getByRole("heading", { name: "Reset your password" }).waitFor();
    await other.close();
  } catch (error) {
    await shot(page, "password-reset-failure");
    throw error;
  }
  await context.close();
});

/** Signs up, signs out, and asks for a reset link from the sign-in screen; returns the link. */
async function requestLink(page: Page): Promise<string> {
  await page.goto(`${server.url}/app/login`);
  await page.getByRole("link", { name: "Create a workspace" }).click();
  await page.getByLabel("Your name").fill("Rita Reset");
  await page.getByLabel("Work e-mail").fill(email);
  await page.getByLabel("Password").fill(oldPassword);
  await page.getByLabel("Company or workspace name").fill("Reset Co");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Porthole" }).waitFor();
  // The e-mail typed so far comes along to the reset screen.
  await page.getByLabel("E-mail").fill(email);
  await shot(page, "password-reset-signin");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByRole("heading", { name: "Reset your password" }).waitFor();
  expect(await page.getByLabel("E-mail").inputValue()).toBe(email);
  await shot(page, "password-reset-request");
  await page.getByRole("button", { name: "Send reset link" }).click();
  const status = page.getByRole("status");
  await status.waitFor();
  expect(await status.textContent()).toBe(
    `If an account exists for ${email}, we sent a link to set a new password. It works for an hour.`,
  );
  await shot(page, "password-reset-sent");

  const [mail] = await mailbox.waitFor(1);
  if (!mail) throw new Error("no e-mail");
  expect(mail.to).toEqual([email]);
  expect(mailText(mail)).toContain("Set a new Porthole password");
  const link = linkIn(mail, "/app/reset-password/");
  expect(link.startsWith(`${server.url}/app/reset-password/prs_`)).toBe(true);
  return link;
}

/** Opens the link with a full page load and chooses a new password, by keyboard. */
async function setNewPassword(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
  await shot(page, "password-reset-choose");
  // The new password field has focus; Tab goes to the confirmation, Enter submits.
  await page.keyboard.type(newPassword);
  await page.keyboard.press("Tab");
  await page.keyboard.type(`${newPassword}!`);
  await page.keyboard.press("Enter");
  await page.getByText("The passwords do not match.").waitFor();
  await shot(page, "password-reset-mismatch");
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Your password is set" }).waitFor();
  expect(await page.getByRole("status").textContent()).toBe(
    "Every session of your account was signed out, on this device and all others.",
  );
  await shot(page, "password-reset-done");
}

/** "Sign in" leads to an empty sign-in form: the old password fails, the new one works. */
async function signInAgain(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Sign in to Porthole" }).waitFor();
  expect(await page.getByLabel("E-mail").inputValue()).toBe("");
  expect(await page.getByLabel("Password").inputValue()).toBe("");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(oldPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Wrong e-mail or password.").waitFor();
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByTestId("inbox-empty").waitFor();
}

test("a server that cannot send e-mail says what to do", async () => {
  const plain = await startServer();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${plain.url}/app/reset-password`);
    await page.getByLabel("E-mail").fill("someone@reset.test");
    await page.getByRole("button", { name: "Send reset link" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("PORTHOLE_SMTP_URL");
    await shot(page, "password-reset-no-smtp");
  } finally {
    await context.close();
    await plain.stop();
  }
});
