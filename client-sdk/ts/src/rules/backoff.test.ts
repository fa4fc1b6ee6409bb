//! The reconnect schedule.

import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./backoff.js";

describe("reconnectDelay", () => {
  it("grows exponentially with jitter and stays under 10 s", () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 1)).toBe(4000);
    expect(reconnectDelay(50, () => 1)).toBe(10_000);
    expect(reconnectDelay(50, () => 0)).toBe(5000);
  });
});
