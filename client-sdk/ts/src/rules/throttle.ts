//! Whether a failed call was the server asking the caller to slow down, and how long to wait
//! before trying again. The server's contract: over a rate limit it answers
//! RESOURCE_EXHAUSTED (8); with its password-hashing queue full, UNAVAILABLE (14). Either may
//! carry the metadata entry `retry-after`, a whole number of seconds (at least 1) after
//! which a retry may succeed — in grpc-web a trailer, or a header in a trailers-only answer.
//! Without it the wait is unknown and the caller uses the normal backoff ({@link retryDelay}).
//!
//! Both clients' errors are read by shape, not by class, so this file imports nothing: the
//! dashboard's `ConnectError` and the widget's `RpcError` (`lean-client.ts`) both have a
//! numeric `code` (the gRPC numbers) and `metadata` (a `Headers` with the response's
//! headers and trailers).

import { reconnectDelay } from "./backoff.js";

/** The longest wait taken from `retry-after`; a larger value is read as this. */
export const maxRetryAfterMs = 5 * 60_000;

/** gRPC RESOURCE_EXHAUSTED and UNAVAILABLE. */
const resourceExhausted = 8;
const unavailable = 14;

/** What a failed call says about throttling. */
export interface Throttle {
  /**
   * The server refused the call for now: RESOURCE_EXHAUSTED, or UNAVAILABLE with a usable
   * `retry-after` (UNAVAILABLE without one is an ordinary outage).
   */
  throttled: boolean;
  /** From `retry-after`, between 1 s and {@link maxRetryAfterMs}; absent when unknown. */
  retryAfterMs?: number;
}

/** Reads a failed call of either client (anything else is not throttled). */
export function throttleOf(error: unknown): Throttle {
  if (typeof error !== "object" || error === null) return { throttled: false };
  const { code, metadata } = error as { code?: unknown; metadata?: unknown };
  if (code !== resourceExhausted && code !== unavailable) return { throttled: false };
  const retryAfterMs = parseRetryAfter(headerValue(metadata, "retry-after"));
  if (retryAfterMs === undefined) return { throttled: code === resourceExhausted };
  return { throttled: true, retryAfterMs };
}

/**
 * The wait before retry `attempt` (0 for the first) of a throttled call: what the server
 * asked for, else the normal reconnect backoff.
 */
export function retryDelay(throttle: Throttle, attempt = 0): number {
  return throttle.retryAfterMs ?? reconnectDelay(attempt);
}

/**
 * `retry-after` in milliseconds: whole seconds, at least 1, at most
 * {@link maxRetryAfterMs}. A value repeated in headers and trailers arrives joined
 * (`"4, 4"`), so the first one counts. Missing, empty, zero, negative, fractional or
 * otherwise garbled values are unknown.
 */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  const first = value?.split(",")[0]?.trim() ?? "";
  if (!/^\d+$/.test(first)) return undefined;
  const seconds = Number(first);
  if (seconds < 1) return undefined;
  return Math.min(seconds * 1000, maxRetryAfterMs);
}

function headerValue(metadata: unknown, name: string): string | null {
  if (typeof metadata !== "object" || metadata === null) return null;
  const get = (metadata as { get?: unknown }).get;
  if (typeof get !== "function") return null;
  const value: unknown = get.call(metadata, name);
  return typeof value === "string" ? value : null;
}
