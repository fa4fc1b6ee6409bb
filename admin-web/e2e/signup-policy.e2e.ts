//! The server's default sign-up policy (`PORTHOLE_SIGNUP=first`) as people meet it: the
//! first visitor gets the sign-up form and creates the server's workspace; after that the
//! sign-in screen no longer offers sign-up, the sign-up screen says to ask for an
//! invitation, SignUp itself is refused, and an invitation still lets a teammate in.

import { join } from "node:path";
import {
  AuthService,
  Code,
  ConnectError,
  createClient,
  createPortholeTransport,
  Role,
  WorkspaceService,
} from "@porthole/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  accessTokenOf,
  launchBrowser,
  type RunningServer,
  resultsDir,
  startServer,
} from "./harness";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ PORTHOLE_SIGNUP: "first" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(resultsDir, `${name}.png`) });

test("the first sign-up creates the workspace, then people join by invitation", async () => {
  const auth = createClient(AuthService, createPortholeTransport(server.url));
  const before = await auth.getSignUpPolicy({});
  expect(before.open).toBe(true);

  // The first visitor: sign-in offers sign-up, and the form creates the workspace.
  const first = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const owner = await first.newPage();
  await owner.goto(`${server.url}/app/login`);
  await owner.getByRole("link", { name: "Create a workspace" }).click();
  await owner.getByLabel("Your name").fill("Frida First");
  await owner.getByLabel("Work e-mail").fill("frida@first.test");
  await owner.getByLabel("Password").fill("a long enough password");
  await owner.getByLabel("Company or workspace name").fill("First Co");
  await owner.getByRole("button", { name: "Create workspace" }).click();
  await owner.getByRole("heading", { name: "Inbox" }).waitFor();
  // The owner invites a teammate (before signing out, which ends the session).
  const ownerToken = await accessTokenOf(owner);
  const workspace = createClient(
    WorkspaceService,
    createPortholeTransport(server.url, { getToken: () => ownerToken }),
  );
  const { inviteToken } = await workspace.createInvite({
    email: "tom@first.test",
    role: Role.AGENT,
  });

  expect(await auth.getSignUpPolicy({})).toMatchObject({ open: false });

  // The owner signs out; the sign-in screen no longer offers sign-up.
  await owner.getByRole("button", { name: "Account menu" }).click();
  await owner.getByRole("menuitem", { name: "Sign out" }).click();
  await owner.getByRole("heading", { name: "Sign in to Porthole" }).waitFor();
  await owner.getByText("New here? Ask a workspace admin for an invitation.").waitFor();
  expect(await owner.getByRole("link", { name: "Create a workspace" }).count()).toBe(0);
  await shot(owner, "signin-signup-closed");
  await first.close();

  // Someone else, in a fresh browser, goes to the sign-up page directly.
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await other.newPage();
  await page.goto(`${server.url}/app/signup`);
  await page
    .getByText("Sign-up is closed on this server. Ask a workspace admin for an invitation.")
    .waitFor();
  expect(await page.getByLabel("Company or workspace name").count()).toBe(0);
  await shot(page, "signup-closed");
  await page.getByRole("link", { name: "Back to sign in" }).click();
  await page.getByRole("heading", { name: "Sign in to Porthole" }).waitFor();

  // The server refuses SignUp itself, whatever a client shows.
  const refused = await auth
    .signUp({
      displayName: "Mallory",
      email: "mallory@elsewhere.test",
      password: "a long enough password",
      workspaceName: "Elsewhere",
    })
    .then(
      () => undefined,
      (error: unknown) => ConnectError.from(error),
    );
  expect(refused?.code).toBe(Code.PermissionDenied);

  // An invitation still lets a teammate in.
  await page.goto(`${server.url}/app/invite/${inviteToken}`);
  await page.getByLabel("Your name").fill("Tom Teammate");
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await other.close();
});
