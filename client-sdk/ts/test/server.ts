/// <reference types="node" />
//! The real `porthole` binary for the integration tests: on a free port with a throwaway
//! data directory (SQLite), stopped and started again on the same port and data.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PortholeServer {
  url: string;
  /** Stops the process (SIGTERM, SIGKILL after 10 s), keeping the data directory. */
  stop: () => Promise<void>;
  /** Starts it again on the same port with the same data; resolves once healthy. */
  start: () => Promise<void>;
  /** Stops it and deletes the data directory. */
  dispose: () => Promise<void>;
  /** What the server printed, for failure messages. */
  log: () => string;
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

/** Starts `bin serve` and waits for `/healthz`. */
export async function startPorthole(bin: string): Promise<PortholeServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "porthole-sdk-it-"));
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn(bin, ["serve"], {
      env: {
        ...process.env,
        PORTHOLE_LISTEN: `127.0.0.1:${port}`,
        PORTHOLE_DATA_DIR: dataDir,
        PORTHOLE_DEMO: "false",
        PORTHOLE_LOG: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
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
        if ((await fetch(`${url}/healthz`)).ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`porthole did not become healthy:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
