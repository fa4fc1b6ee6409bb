//! The workspace feed connection: WatchWorkspace kept open, resumed from the last cursor
//! after any drop, with backoff, a watchdog for silent connections and a status for the UI.
//!
//! The server never sends an event at or below the cursor we pass, so a resumed stream has
//! no gaps and no duplicates; the cache merges still drop repeated ids (see model.ts).

import { Code, ConnectError, type WatchWorkspaceResponse } from "@porthole/client";

export type FeedStatus = "connecting" | "live" | "reconnecting" | "stopped";

export interface FeedOptions {
  /** Opens the stream after `cursor` (empty: from now). */
  watch: (cursor: string, signal: AbortSignal) => AsyncIterable<WatchWorkspaceResponse>;
  /** Every item after the opening heartbeat. */
  onEvent: (item: WatchWorkspaceResponse) => void;
  /**
   * The feed (re)started without a usable cursor, so events may have been missed: refetch
   * lists. Called once the opening heartbeat arrived, so refetches see everything before it.
   */
  onReset: () => void;
  onStatus?: (status: FeedStatus) => void;
  /** Delay before reconnect attempt `n` (1, 2, …). */
  backoff?: (attempt: number) => number;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. */
  idleTimeoutMs?: number;
  /** Whether to keep trying after this error (e.g. false once signed out). */
  shouldRetry?: (error: unknown) => boolean | Promise<boolean>;
}

export function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
  return base / 2 + Math.random() * (base / 2);
}

export class WorkspaceFeed {
  private cursor = "";
  private status: FeedStatus = "stopped";
  private controller: AbortController | undefined;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: FeedOptions) {}

  /** The cursor of the last item received; what a reconnect resumes from. */
  get lastCursor(): string {
    return this.cursor;
  }

  get currentStatus(): FeedStatus {
    return this.status;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.controller?.abort();
    this.wake?.();
    this.setStatus("stopped");
  }

  /** Skips the backoff wait (e.g. when the browser comes back online). */
  retryNow(): void {
    this.wake?.();
  }

  private setStatus(status: FeedStatus) {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async loop() {
    let attempt = 0;
    let everLive = false;
    while (this.running) {
      this.setStatus(everLive ? "reconnecting" : "connecting");
      const controller = new AbortController();
      this.controller = controller;
      const idleMs = this.options.idleTimeoutMs ?? 45_000;
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      const armIdle = () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => controller.abort(), idleMs);
      };
      try {
        armIdle();
        const resumedFrom = this.cursor;
        let opened = false;
        for await (const item of this.options.watch(this.cursor, controller.signal)) {
          armIdle();
          if (item.cursor) this.cursor = item.cursor;
          if (!opened) {
            opened = true;
            attempt = 0;
            everLive = true;
            this.setStatus("live");
            if (!resumedFrom) this.options.onReset();
            if (item.event.case === "heartbeat") continue;
          }
          if (item.event.case === "heartbeat") continue;
          this.options.onEvent(item);
        }
      } catch (error) {
        if (!this.running) break;
        if (ConnectError.from(error).code === Code.OutOfRange) {
          // The cursor is older than the server keeps: start from now and refetch.
          this.cursor = "";
        } else if (this.options.shouldRetry && !(await this.options.shouldRetry(error))) {
          this.stop();
          break;
        }
      } finally {
        clearTimeout(idleTimer);
      }
      if (!this.running) break;
      attempt += 1;
      this.setStatus("reconnecting");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, (this.options.backoff ?? defaultBackoff)(attempt));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
