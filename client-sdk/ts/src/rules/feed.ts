//! A live feed that stays open: a server stream of items with cursors (WatchVisitorFeed,
//! WatchWorkspace), reopened after any drop from the last cursor with backoff, started over
//! when the server no longer has that cursor, and dropped by an idle watchdog when nothing
//! arrives for too long (a connection that died without an error). A stream the server
//! throttled waits at least the `retry-after` it named (`throttle.ts`). Generic over the item
//! type and the stream, so the widget's lean client and the dashboard's Connect client
//! share it; it knows gRPC only as status numbers.
//!
//! Invariant: the cursor moves past an item only after its handler has finished, so a
//! handler that fails, or a stream dropped meanwhile, resumes at that item: none is skipped.
//! The server sends nothing at or below the cursor, so a resumed stream has no duplicates.

import { reconnectDelay } from "./backoff.js";
import { throttleOf } from "./throttle.js";

/** What the UI shows about the connection. */
export type FeedStatus = "connecting" | "live" | "reconnecting" | "stopped";

/**
 * How long a stream may stay silent before it counts as dead: three of the server's
 * heartbeats, which an idle feed sends every 15 s (`HEARTBEAT` in
 * server/src/realtime/feed.rs), the first of them as soon as the stream opens.
 */
export const feedIdleTimeoutMs = 45_000;

/** gRPC OUT_OF_RANGE: the cursor is older than the server keeps. */
const outOfRange = 11;

/** What a feed needs from its app. */
export interface FeedOptions<T extends { cursor: string }> {
  /** Opens the stream after `cursor` (empty: from now); `signal` ends it. */
  watch: (cursor: string, signal: AbortSignal) => AsyncIterable<T>;
  /** True for the server's keep-alive items, which only feed the watchdog. */
  isHeartbeat: (item: T) => boolean;
  /** Every other item, in order; the next one waits for a returned promise. */
  onEvent: (item: T) => void | Promise<void>;
  /**
   * The stream opened without a usable cursor, so events may have been missed: reload
   * what is shown. Called (and awaited) once the first item arrived, so a reload sees
   * everything before it and the stream delivers everything after it.
   */
  onReset: () => void | Promise<void>;
  onStatus?: (status: FeedStatus) => void;
  /** The gRPC status code of a stream error, when it has one. */
  codeOf: (error: unknown) => number | undefined;
  /** Whether to keep trying after this error; false stops the feed (e.g. signed out). */
  shouldRetry?: (error: unknown) => boolean | Promise<boolean>;
  /**
   * The wait before reconnect attempt `attempt` (0, 1, …); {@link reconnectDelay} by
   * default. A throttled stream waits at least the server's `retry-after`.
   */
  backoff?: (attempt: number) => number;
  /** Silence after which the stream is dropped and resumed; {@link feedIdleTimeoutMs} by default. */
  idleTimeoutMs?: number;
  /**
   * A cursor from an earlier run (e.g. saved by a process that restarted) to resume after,
   * so the first stream replays what was missed instead of starting from now. No reset
   * then, unless the server no longer has that cursor.
   */
  resumeFrom?: string;
}

/** A feed kept open until {@link ResumableFeed.stop}. */
export class ResumableFeed<T extends { cursor: string }> {
  private cursor = "";
  private status: FeedStatus = "stopped";
  private running = false;
  private stream: AbortController | undefined;
  /** The current stream was ended on purpose to start over: reconnect without waiting. */
  private restarting = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: FeedOptions<T>) {
    this.cursor = options.resumeFrom ?? "";
  }

  /** The cursor of the last item handled; what a reconnect resumes from. */
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
    this.stream?.abort();
    this.wake?.();
    this.setStatus("stopped");
  }

  /** Skips the backoff wait (e.g. when the browser comes back online). */
  retryNow(): void {
    this.wake?.();
  }

  /** Forgets the cursor and reopens at once, from now (e.g. the visitor changed). */
  restart(): void {
    this.cursor = "";
    this.restarting = true;
    this.stream?.abort();
    this.wake?.();
  }

  private setStatus(status: FeedStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async loop(): Promise<void> {
    const idleMs = this.options.idleTimeoutMs ?? feedIdleTimeoutMs;
    let attempt = 0;
    let everLive = false;
    while (this.running) {
      /** What the server asked for when it throttled this stream; 0 otherwise. */
      let retryAfterMs = 0;
      this.setStatus(everLive ? "reconnecting" : "connecting");
      const stream = new AbortController();
      this.stream = stream;
      this.restarting = false;
      // The watchdog runs only while waiting for the server, never during a handler.
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const watch = () => {
        watchdog = setTimeout(() => stream.abort(), idleMs);
      };
      try {
        const fresh = this.cursor === "";
        let opened = false;
        watch();
        for await (const item of this.options.watch(this.cursor, stream.signal)) {
          clearTimeout(watchdog);
          if (!opened) {
            opened = true;
            attempt = 0;
            everLive = true;
            if (fresh) await this.options.onReset();
            // Stopped or restarted meanwhile: this stream's items no longer count.
            if (stream.signal.aborted) break;
            this.setStatus("live");
          }
          if (!this.options.isHeartbeat(item)) await this.options.onEvent(item);
          if (stream.signal.aborted) break;
          if (item.cursor) this.cursor = item.cursor;
          watch();
        }
      } catch (error) {
        if (!this.running) break;
        // A stream we ended ourselves (watchdog, restart) needs no verdict.
        if (!stream.signal.aborted) {
          retryAfterMs = throttleOf(error).retryAfterMs ?? 0;
          if (this.options.codeOf(error) === outOfRange) {
            this.cursor = "";
          } else if (this.options.shouldRetry && !(await this.options.shouldRetry(error))) {
            this.stop();
            break;
          }
        }
      } finally {
        clearTimeout(watchdog);
      }
      if (!this.running) break;
      if (this.restarting) continue;
      this.setStatus("reconnecting");
      await this.sleep(Math.max(retryAfterMs, (this.options.backoff ?? reconnectDelay)(attempt)));
      attempt += 1;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
