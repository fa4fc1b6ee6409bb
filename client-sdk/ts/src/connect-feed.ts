//! What the ready-made feeds (`createWorkspaceFeed`, `createVisitorFeed`) share: the shared
//! `ResumableFeed` (rules/feed.ts) read through Connect's errors, with defaults that suit an
//! app or a Node process: no reset handler needed, and a stop on errors no retry can fix.
//! The same code runs in browsers and in Node 20+, because the grpc-web transport needs
//! nothing but `fetch`.

import { Code, ConnectError } from "@connectrpc/connect";
import { type FeedStatus, ResumableFeed } from "./rules/feed.js";

/** What the caller of a ready-made feed says; everything but `onEvent` is optional. */
export interface WatchOptions<T extends { cursor: string }> {
  /**
   * Every event but heartbeats, in order and each once; the next one waits for a returned
   * promise, and one whose promise rejects is delivered again after a reconnect.
   */
  onEvent: (item: T) => void | Promise<void>;
  /**
   * The stream opened from now (first start, or the server no longer had the cursor), so
   * events may have been missed: reload what you show. Awaited before the first event.
   */
  onReset?: () => void | Promise<void>;
  /** Connection state changes, e.g. for a "reconnecting…" note. */
  onStatus?: (status: FeedStatus) => void;
  /** A cursor saved by an earlier run: the first stream replays everything after it. */
  resumeFrom?: string;
  /**
   * Whether to reconnect after this error. By default every error is retried except
   * {@link isPermanentFeedError} ones (the feed then stops). Refresh an expired token here
   * and return true to go on.
   */
  shouldRetry?: (error: ConnectError) => boolean | Promise<boolean>;
  /** The wait before reconnect attempt `attempt`; 500 ms doubling to 10 s, jittered, by default. */
  backoff?: (attempt: number) => number;
  /** Silence after which a stream counts as dead; 45 s (three server heartbeats) by default. */
  idleTimeoutMs?: number;
}

/**
 * Errors a reconnect cannot fix: the token is missing, expired or revoked
 * (UNAUTHENTICATED), the caller may not watch (PERMISSION_DENIED), the widget or visitor
 * is gone (NOT_FOUND), the cursor is not one of the server's (INVALID_ARGUMENT), or the
 * server has no such method (UNIMPLEMENTED).
 */
export function isPermanentFeedError(error: unknown): boolean {
  const { code } = ConnectError.from(error);
  return (
    code === Code.Unauthenticated ||
    code === Code.PermissionDenied ||
    code === Code.NotFound ||
    code === Code.InvalidArgument ||
    code === Code.Unimplemented
  );
}

/** A {@link ResumableFeed} over a Connect server stream. */
export function connectFeed<T extends { cursor: string }>(
  watch: (cursor: string, signal: AbortSignal) => AsyncIterable<T>,
  isHeartbeat: (item: T) => boolean,
  options: WatchOptions<T>,
): ResumableFeed<T> {
  const { shouldRetry, onReset, ...rest } = options;
  return new ResumableFeed<T>({
    ...rest,
    watch,
    isHeartbeat,
    onReset: onReset ?? (() => {}),
    codeOf: (error) => ConnectError.from(error).code,
    shouldRetry: (error) =>
      shouldRetry ? shouldRetry(ConnectError.from(error)) : !isPermanentFeedError(error),
  });
}
