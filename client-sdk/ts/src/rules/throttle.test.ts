//! Reading the server's throttling from both clients' errors: Connect's `ConnectError`
//! (the dashboard) and the lean client's `RpcError` (the widget), with `retry-after`
//! present, missing, garbled or huge.

import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { GrpcCode, RpcError } from "../lean-client.js";
import { maxRetryAfterMs, parseRetryAfter, retryDelay, throttleOf } from "./throttle.js";

const connect = (code: Code, retryAfter?: string) =>
  new ConnectError(
    "too many messages from this visitor; try again in 4 s",
    code,
    retryAfter === undefined ? undefined : { "retry-after": retryAfter },
  );
const lean = (code: number, retryAfter?: string) =>
  new RpcError(
    code,
    "too many messages from this visitor; try again in 4 s",
    [],
    new Headers(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
  );

describe("throttleOf", () => {
  for (const [client, make] of [
    ["ConnectError", (code: number, retryAfter?: string) => connect(code as Code, retryAfter)],
    ["RpcError", lean],
  ] as const) {
    describe(client, () => {
      it("RESOURCE_EXHAUSTED is throttled, with the server's delay when it names one", () => {
        expect(Code.ResourceExhausted).toBe(GrpcCode.ResourceExhausted);
        expect(throttleOf(make(GrpcCode.ResourceExhausted, "4"))).toEqual({
          throttled: true,
          retryAfterMs: 4000,
        });
        expect(throttleOf(make(GrpcCode.ResourceExhausted))).toEqual({ throttled: true });
        expect(throttleOf(make(GrpcCode.ResourceExhausted, "soon"))).toEqual({ throttled: true });
      });

      it("UNAVAILABLE is throttled only with a usable retry-after (a full hashing queue)", () => {
        expect(Code.Unavailable).toBe(GrpcCode.Unavailable);
        expect(throttleOf(make(GrpcCode.Unavailable, "2"))).toEqual({
          throttled: true,
          retryAfterMs: 2000,
        });
        expect(throttleOf(make(GrpcCode.Unavailable))).toEqual({ throttled: false });
        expect(throttleOf(make(GrpcCode.Unavailable, "0"))).toEqual({ throttled: false });
        expect(throttleOf(make(GrpcCode.Unavailable, "-3"))).toEqual({ throttled: false });
      });

      it("other codes are not throttled, whatever their metadata", () => {
        for (const code of [
          GrpcCode.InvalidArgument,
          GrpcCode.Unauthenticated,
          GrpcCode.Internal,
          GrpcCode.Unknown,
        ]) {
          expect(throttleOf(make(code, "4"))).toEqual({ throttled: false });
        }
      });

      it("clamps a huge retry-after to the maximum", () => {
        expect(throttleOf(make(GrpcCode.ResourceExhausted, "86400"))).toEqual({
          throttled: true,
          retryAfterMs: maxRetryAfterMs,
        });
        expect(throttleOf(make(GrpcCode.ResourceExhausted, "9".repeat(400))).retryAfterMs).toBe(
          maxRetryAfterMs,
        );
      });
    });
  }

  it("reads a retry-after that came back in both headers and trailers", () => {
    // Connect appends the response headers to the trailers it throws with.
    const error = connect(Code.ResourceExhausted, "4");
    error.metadata.append("retry-after", "4");
    expect(error.metadata.get("retry-after")).toBe("4, 4");
    expect(throttleOf(error)).toEqual({ throttled: true, retryAfterMs: 4000 });
  });

  it("a ConnectError wrapped with ConnectError.from keeps its metadata", () => {
    expect(throttleOf(ConnectError.from(connect(Code.ResourceExhausted, "9")))).toEqual({
      throttled: true,
      retryAfterMs: 9000,
    });
  });

  it("anything that is not a call's error is not throttled", () => {
    for (const value of [
      undefined,
      null,
      "RESOURCE_EXHAUSTED",
      8,
      new Error("boom"),
      { code: 8, metadata: "retry-after: 4" },
      { code: 14, metadata: { get: () => 4 } },
    ]) {
      expect(throttleOf(value).retryAfterMs).toBeUndefined();
    }
    expect(throttleOf(new Error("boom")).throttled).toBe(false);
    // Shaped like a call's error, though: read as one.
    expect(throttleOf({ code: 8, metadata: new Headers({ "retry-after": "3" }) })).toEqual({
      throttled: true,
      retryAfterMs: 3000,
    });
  });
});

describe("parseRetryAfter", () => {
  it("takes whole seconds, at least 1, at most 5 minutes", () => {
    expect(parseRetryAfter("1")).toBe(1000);
    expect(parseRetryAfter(" 12 ")).toBe(12_000);
    expect(parseRetryAfter("300")).toBe(300_000);
    expect(parseRetryAfter("301")).toBe(maxRetryAfterMs);
    expect(parseRetryAfter("1e400")).toBeUndefined();
  });

  it("reads missing or garbled values as unknown", () => {
    for (const value of [
      null,
      undefined,
      "",
      " ",
      "0",
      "-1",
      "1.5",
      "4s",
      "soon",
      "Infinity",
      "NaN",
      "0x10",
      "Wed, 21 Oct 2026 07:28:00 GMT",
      ", 4",
    ]) {
      expect(parseRetryAfter(value), String(value)).toBeUndefined();
    }
  });
});

describe("retryDelay", () => {
  it("waits what the server asked for, else the normal backoff", () => {
    expect(retryDelay({ throttled: true, retryAfterMs: 4000 })).toBe(4000);
    const unknown = retryDelay({ throttled: true });
    expect(unknown).toBeGreaterThanOrEqual(250);
    expect(unknown).toBeLessThanOrEqual(500);
    expect(retryDelay({ throttled: true }, 3)).toBeGreaterThanOrEqual(2000);
  });
});
