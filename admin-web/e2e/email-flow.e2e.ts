//! A visitor's conversation by e-mail, end to end, with the server e-mailing through a real
//! (local) SMTP server: the owner signs up, creates a widget, goes offline and closes the
//! dashboard; a visitor on the owner's site leaves a message in the widget's offline form,
//! which is e-mailed to the owner. The owner answers in the inbox while the visitor's page
//! is closed, so the unread reply is e-mailed to the visitor a moment later. The visitor
//! comes back and asks the widget (its header button) to e-mail them the conversation: the
//! transcript arrives with both sides' messages. Once the owner resolves the conversation
//! the widget offers it below the rating, and a fourth copy within the hour is refused with
//! the widget's own words. Nothing breaks the dashboard's Content-Security-Policy.
//! Screenshots of the widget's offer, transcript form, confirmation, resolved state and
//! refusal go to test-results/email-flow-*.png.

import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type HostSite, hostSite } from "../../widget-web/e2e/hostpage.js";
import {
  collectCspViolations,
  cspViolations,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
} from "./harness";
import { type Mailbox, type ReceivedMail, startMailbox } from "./mailbox";

const owner = "olive@oils.test";
const visitorEmail = "ada@visitor.test";
const question = "Do you ship olive oil to Norway?";
const answer = "We do: a 5 l tin reaches Oslo in 4 days.";

let mailbox: Mailbox;
let server: RunningServer;
let browser: Browser;
let site: HostSite;

beforeAll(async () => {
  mailbox = await startMailbox();
  server = await startServer({
    PORTHOLE_SMTP_URL: mailbox.url,
    PORTHOLE_SMTP_FROM: "Porthole <chat@example.com>",
    // An agent's reply left unread for 2 s is e-mailed to the visitor.
    PORTHOLE_UNREAD_REPLY_SECS: "2",
  });
  browser = await launchBrowser();
  site = await hostSite();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mailbox?.close();
  await site?.close();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `${name}.png`), animations: "disabled" });

/** The value of header `name`, unfolded, with RFC 2047 encoded words decoded. */
function header(mail: ReceivedMail, name: string): string {
  const head = mail.data.split("\r\n\r\n")[0]?.replace(/\r\n[ \t]+/g, " ") ?? "";
  const line = head.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return decodeWords(line?.slice(name.length + 1).trim() ?? "");
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, _charset, encoding: string, text: string) =>
      encoding.toLowerCase() === "b"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replaceAll("_", " ")),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** The text/plain part of `mail`, decoded from its transfer encoding. */
function plainText(mail: ReceivedMail): string {
  const parts = mail.data.split(/\r\n--[^\r\n]+\r\n/);
  for (const part of parts) {
    const [head = "", ...rest] = part.split("\r\n\r\n");
    if (!/content-type:\s*text\/plain/i.test(head)) continue;
    const body = rest.join("\r\n\r\n").replace(/\r\n--[^\r\n]+--[\s\S]*$/, "");
    const encoding = head.match(/content-transfer-encoding:\s*(\S+)/i)?.[1]?.toLowerCase();
    if (encoding === "base64") return Buffer.from(body, "base64").toString("utf8");
    if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
    return body;
  }
  throw new Error(`no text part in the e-mail:\n${mail.data}`);
}

/** Waits for the next e-mail whose subject matches `subject` (arriving after `seen`). */
async function nextMail(seen: number, subject: RegExp, timeoutMs = 15_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = mailbox
      .received()
      .slice(seen)
      .find((m) => subject.test(header(m, "Subject")));
    if (found) return found;
    if (Date.now() > deadline) {
      const subjects = mailbox.received().map((m) => header(m, "Subject"));
      throw new Error(`no e-mail with subject ${subject}; received: ${JSON.stringify(subjects)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signUpWithWidget(page: Page): Promise<string> {
  await page.goto(`${server.url}/app/signup`);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Work e-mail").fill(owner);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Company or workspace name").fill("Olive Oils");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();

  await page.getByRole("link", { name: "Widgets" }).click();
  await page.getByRole("button", { name: "New widget" }).first().click();
  await page.getByLabel("Name").fill("Shop");
  await page.getByRole("button", { name: "Create widget" }).click();
  await page.getByLabel("Widget name").waitFor();
  await page.getByRole("button", { name: "Install & security" }).click();
  const snippet = (await page.getByTestId("embed-snippet").textContent()) ?? "";
  expect(snippet).toContain("<script");
  return snippet;
}

/** Sets the signed-in member's status from the account menu. */
async function setStatus(page: Page, status: "Online" | "Offline"): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: status }).click();
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: new RegExp(`${status}\\s*current`) }).waitFor();
  await page.keyboard.press("Escape");
}

test("offline message, unread reply and transcript, each e-mailed", async () => {
  const ownerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const visitorContext = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
  });
  await collectCspViolations(ownerContext);
  await collectCspViolations(visitorContext);
  const errors: string[] = [];
  const watch = (page: Page, who: string) => {
    page.on("pageerror", (e) => errors.push(`${who}: ${String(e)}`));
    page.on("console", (m) => {
      if (m.text().includes("Content Security Policy")) errors.push(`${who}: ${m.text()}`);
    });
  };
  const pages: Page[] = [];
  const open = async (context: typeof ownerContext, who: string) => {
    const page = await context.newPage();
    watch(page, who);
    pages.push(page);
    return page;
  };
  try {
    // The owner sets up, goes offline and closes the dashboard.
    const dashboard = await open(ownerContext, "owner");
    const snippet = await signUpWithWidget(dashboard);
    await setStatus(dashboard, "Offline");
    expect(await cspViolations(dashboard)).toEqual([]);
    await dashboard.close();
    site.page(
      "/shop",
      `<!doctype html><html><head><title>Shop · Olive Oils</title></head><body>
         <h1>Olive oils</h1>${snippet}</body></html>`,
    );

    // 1. Nobody is online: the visitor leaves a message, which is e-mailed to the owner.
    let visitor = await open(visitorContext, "visitor");
    await visitor.goto(`${site.url}/shop`);
    let widget = visitor.locator("[data-porthole]");
    await widget.locator(".launcher").click();
    await widget.getByText("We're away right now", { exact: true }).waitFor();
    const offline = widget.locator("form[data-offline]");
    await offline.getByLabel("Name").fill("Ada Lovelace");
    await offline.getByLabel("E-mail").fill(visitorEmail);
    await offline.getByLabel("Message").fill(question);
    await offline.getByRole("button", { name: "Leave a message" }).click();
    await widget
      .getByText(
        `Thanks, your message was sent. We'll reply by e-mail to ${visitorEmail}, and here.`,
      )
      .waitFor();
    // No transcript to offer yet: nobody has answered.
    expect(await widget.getByRole("button", { name: "E-mail me this conversation" }).count()).toBe(
      0,
    );
    const offlineMail = await nextMail(0, /^Offline message on Olive Oils/);
    expect(offlineMail.to).toEqual([owner]);
    expect(header(offlineMail, "To")).toContain(owner);
    expect(header(offlineMail, "Reply-To")).toContain(visitorEmail);
    expect(plainText(offlineMail)).toContain(question);
    expect(plainText(offlineMail)).toContain(`Ada Lovelace <${visitorEmail}>`);

    // 2. The visitor has left; the owner answers in the inbox, and the reply nobody read is
    // e-mailed to the visitor.
    await visitor.close();
    const inbox = await open(ownerContext, "owner");
    await inbox.goto(`${server.url}/app/`);
    await inbox.getByRole("heading", { name: "Inbox" }).waitFor();
    await inbox.getByRole("link", { name: /Ada Lovelace/ }).click();
    const pane = inbox.getByRole("region", { name: "Conversation" });
    await pane.getByText(question).waitFor();
    const reply = inbox.getByLabel("Reply to the visitor");
    await reply.fill(answer);
    await reply.press("Enter");
    await pane.getByText(answer).waitFor();
    const repliedAt = Date.now();
    const seenBefore = mailbox.received().length;
    const replyMail = await nextMail(seenBefore, /replied to you at Olive Oils/);
    const replyDelay = Date.now() - repliedAt;
    expect(replyMail.to).toEqual([visitorEmail]);
    expect(header(replyMail, "Subject")).toBe("Olive Owner replied to you at Olive Oils");
    expect(plainText(replyMail)).toContain(answer);
    expect(plainText(replyMail)).toContain(`${site.url}/shop`);
    // Sent after the 2 s the reply may stay unread, not at once.
    expect(replyDelay).toBeGreaterThanOrEqual(1_500);
    expect(await cspViolations(inbox)).toEqual([]);

    // 3. The visitor comes back (same browser): the conversation is there with the answer,
    // and they have it e-mailed to them from the chat's header.
    visitor = await open(visitorContext, "visitor");
    await visitor.goto(`${site.url}/shop`);
    widget = visitor.locator("[data-porthole]");
    await widget.locator(".launcher").click();
    await widget.getByText(answer).waitFor();
    const offer = widget
      .locator(".head")
      .getByRole("button", { name: "E-mail me this conversation" });
    await settle(widget);
    await shot(visitor, "email-flow-transcript-offer");
    await offer.click();
    const form = widget.getByRole("form", { name: "E-mail me this conversation" });
    const address = form.getByLabel("E-mail");
    // Prefilled with the address the visitor left, and focused.
    expect(await address.inputValue()).toBe(visitorEmail);
    await expect
      .poll(() => address.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
      .toBe(true);
    await settle(widget);
    await shot(visitor, "email-flow-transcript-form");
    const mailsBefore = mailbox.received().length;
    await form.getByRole("button", { name: "Send" }).click();
    const sent = widget.getByRole("status").filter({ hasText: `Sent to ${visitorEmail}.` });
    await sent.waitFor();
    expect(await form.count()).toBe(0);
    await settle(widget);
    await shot(visitor, "email-flow-transcript-sent");

    const transcript = await nextMail(mailsBefore, /^Your conversation with/);
    expect(transcript.to).toEqual([visitorEmail]);
    expect(header(transcript, "Subject")).toBe("Your conversation with Olive Oils");
    const text = plainText(transcript);
    expect(text).toContain(question);
    expect(text).toContain(answer);
    expect(text).toContain("Olive Owner");
    expect(text).toContain("Ada Lovelace");
    // The visitor's message comes before the answer.
    expect(text.indexOf(question)).toBeLessThan(text.indexOf(answer));

    // Sent: the header offers it again (for a later copy). Once the owner resolves the
    // conversation, it is offered below the rating instead.
    await offer.waitFor();
    await pane.getByRole("button", { name: "Resolve" }).click();
    const rating = widget.locator("form[data-rating]");
    await rating.waitFor();
    expect(await offer.count()).toBe(0);
    const again = widget.getByRole("log").getByRole("button", {
      name: "E-mail me this conversation",
    });
    await again.waitFor();
    expect(await sent.count()).toBe(1);
    await settle(widget);
    await shot(visitor, "email-flow-transcript-resolved");

    // Two more copies are fine; the fourth within the hour is refused, in the visitor's words.
    for (const n of [2, 3]) {
      await again.click();
      await form.getByRole("button", { name: "Send" }).click();
      await sent.waitFor();
      await nextMail(mailsBefore + n - 1, /^Your conversation with/);
    }
    await again.click();
    await form.getByRole("button", { name: "Send" }).click();
    await form
      .getByRole("alert")
      .filter({ hasText: "You've asked for this a few times already. Please try again later." })
      .waitFor();
    expect(await address.inputValue()).toBe(visitorEmail);
    await settle(widget);
    await shot(visitor, "email-flow-transcript-limit");
    await form.getByRole("button", { name: "Cancel" }).click();
    await again.waitFor();

    // The owner sees the transcript among the e-mail deliveries.
    await inbox.getByRole("link", { name: "E-mail deliveries" }).click();
    await inbox.getByRole("heading", { name: "E-mail deliveries" }).waitFor();
    const deliveries = inbox
      .getByRole("table", { name: "E-mail deliveries" })
      .getByText(`Transcript to ${visitorEmail}`);
    await deliveries.first().waitFor();
    expect(await deliveries.count()).toBe(3);

    expect(errors).toEqual([]);
    for (const page of [inbox, visitor]) expect(await cspViolations(page)).toEqual([]);
  } catch (error) {
    for (const [i, page] of pages.entries()) {
      if (!page.isClosed()) await shot(page, `email-flow-failure-${i}`);
    }
    throw error;
  } finally {
    await ownerContext.close();
    await visitorContext.close();
  }
});

/** Waits until the widget has stopped moving (panel transitions, scrolling). */
async function settle(widget: Locator): Promise<void> {
  await widget.evaluate((el) =>
    Promise.all(
      (el.shadowRoot?.getAnimations() ?? []).map((a) => a.finished.catch(() => undefined)),
    ),
  );
}
