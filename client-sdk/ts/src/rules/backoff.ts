//! How long a client waits before reconnecting a dropped stream: exponential, capped, and
//! jittered so that many clients do not come back at the same instant after a restart.

/** The longest wait between two attempts. */
export const maxReconnectDelayMs = 10_000;

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a drop): a ceiling
 * doubling from 500 ms up to {@link maxReconnectDelayMs}, and a random wait between half
 * the ceiling and all of it.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxReconnectDelayMs, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
