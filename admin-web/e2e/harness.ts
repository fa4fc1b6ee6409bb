//! End-to-end harness: starts the real `porthole` binary on a free port with a fresh data
//! directory, launches Debian's Chromium through playwright-core, and gives tests a visitor
//! client that speaks grpc-web to the server like the widget does.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, createPortholeTransport, VisitorService } from "@porthole/client/visitor";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
export const resultsDir = resolve(here, "../test-results");

export function serverBinary(): string {
  if (process.env.PORTHOLE_BIN) return process.env.PORTHOLE_BIN;
  if (existsSync("/work/target/debug/porthole")) return "/work/target/debug/porthole";
  // A relative CARGO_TARGET_DIR is relative to the repository root, where cargo runs.
  const repoRoot = resolve(here, "../..");
  return resolve(repoRoot, process.env.CARGO_TARGET_DIR ?? "target", "debug/porthole");
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface RunningServer {
  url: string;
  /** Stops the server and deletes its data directory. */
  stop: () => Promise<void>;
  /** Stops the process only, keeping the data (for restart). */
  kill: () => Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart: () => Promise<void>;
  log: () => string;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const bin = serverBinary();
  if (!existsSync(bin)) {
    throw new Error(
      `porthole binary not found at ${bin}: build it (cargo build -p porthole-server) or set PORTHOLE_BIN`,
    );
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "porthole-e2e-"));
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let child: ChildProcess | undefined;
  let stopping = false;

  async function spawnServer() {
    stopping = false;
    const proc = spawn(bin, ["serve"], {
      env: {
        ...process.env,
        PORTHOLE_LISTEN: `127.0.0.1:${port}`,
        PORTHOLE_DATA_DIR: dataDir,
        PORTHOLE_DEMO: "false",
        PORTHOLE_LOG: "warn",
        // Tests sign up many workspaces; signup-policy.e2e.ts tests the server's default.
        PORTHOLE_SIGNUP: "open",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    // A server that dies on its own fails the test later with a bare ECONNREFUSED: say so
    // here, with its output, so the cause is in the test log.
    proc.once("exit", (code, signal) => {
      if (stopping) return;
      process.stderr.write(
        `porthole on port ${port} exited unexpectedly (code ${code}, signal ${signal}); its output:\n${output}\n`,
      );
    });
    proc.stdout?.on("data", (d) => {
      output += d;
    });
    proc.stderr?.on("data", (d) => {
      output += d;
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`porthole exited early:\n${output}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`porthole did not become healthy:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function kill() {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    stopping = true;
    proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null) {
      proc.kill("SIGKILL");
      await exited;
    }
  }

  await spawnServer();
  return {
    url,
    log: () => output,
    kill,
    restart: spawnServer,
    stop: async () => {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(resultsDir, { recursive: true });
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The server and browser a test file shares, from {@link shareServerAndBrowser}. */
export interface E2eFixture {
  readonly server: RunningServer;
  readonly browser: Browser;
}

/**
 * Starts a server (with `env`, when given) and the browser before the file's tests, and
 * closes the browser and stops the server after them. Call it at the top level of a test
 * file; `server` and `browser` can be read once the tests run. `env` may be a function, read
 * when the server starts, for what the file's earlier `beforeAll` set up (a model's
 * address). Hooks run as a stack (vitest's default): what a file starts before calling this
 * is started first and stopped last.
 */
export function shareServerAndBrowser(
  env: Record<string, string> | (() => Record<string, string>) = {},
): E2eFixture {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(typeof env === "function" ? env() : env);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`the e2e ${what} is not started yet: use it in a test`);
    return value;
  };
  return {
    get server() {
      return started(server, "server");
    },
    get browser() {
      return started(browser, "browser");
    },
  };
}

/** A website visitor talking to the server through the VisitorService, as the widget does. */
export function visitorClient(baseUrl: string) {
  let token = "";
  const transport = createPortholeTransport(baseUrl, { getToken: () => token || undefined });
  const client = createClient(VisitorService, transport);
  return {
    client,
    async start(widgetToken: string) {
      const res = await client.startSession({
        widgetToken,
        language: "en-GB",
        timeZone: "Europe/London",
      });
      token = res.visitorToken;
      return res;
    },
  };
}

/** The access token of the dashboard signed in on `page` (from its stored session). */
export async function accessTokenOf(page: import("playwright-core").Page): Promise<string> {
  const raw = await page.evaluate(() => localStorage.getItem("porthole.session"));
  return (JSON.parse(raw ?? "{}") as { accessToken?: string }).accessToken ?? "";
}

/**
 * Makes every frame of every page in `context` keep the Content-Security-Policy violations
 * it sees, for {@link cspViolations}. Call before opening pages.
 */
export async function collectCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile})`),
    );
  });
}

/** The Content-Security-Policy violations every frame of `page` has seen. */
export async function cspViolations(page: Page): Promise<string[]> {
  const all: string[] = [];
  for (const frame of page.frames()) {
    all.push(
      ...(await frame.evaluate(
        () => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [],
      )),
    );
  }
  return all;
}
