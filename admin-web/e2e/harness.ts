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
import { type Browser, chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const resultsDir = resolve(here, "../test-results");

export function serverBinary(): string {
  if (process.env.PORTHOLE_BIN) return process.env.PORTHOLE_BIN;
  if (existsSync("/work/target/debug/porthole")) return "/work/target/debug/porthole";
  return resolve(process.env.CARGO_TARGET_DIR ?? resolve(here, "../../target"), "debug/porthole");
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
  stop: () => Promise<void>;
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
  let output = "";
  const child: ChildProcess = spawn(bin, ["serve"], {
    env: {
      ...process.env,
      PORTHOLE_LISTEN: `127.0.0.1:${port}`,
      PORTHOLE_DATA_DIR: dataDir,
      PORTHOLE_DEMO: "false",
      RUST_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`porthole exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`porthole did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(resultsDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
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
