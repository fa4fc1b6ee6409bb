//! The command queue: calls queued before the widget loaded are replayed in order, chat
//! commands wait for boot, and a widget the server refuses stays invisible and says why.

// @vitest-environment happy-dom

import { afterEach, describe, expect, it, vi } from "vitest";
import { start } from "./widget.js";

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

/** A fetch answering every call with a grpc-web PERMISSION_DENIED. */
function refusingFetch(calls: string[]): typeof fetch {
  return async (input) => {
    calls.push(String(input));
    return new Response(null, {
      headers: { "grpc-status": "7", "grpc-message": "this site is not allowed to use the widget" },
    });
  };
}

describe("command queue", () => {
  it("replays queued listeners and boot, and a refused widget leaves no trace", async () => {
    const calls: string[] = [];
    vi.stubGlobal("fetch", refusingFetch(calls));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const ready = vi.fn();
    const api = start([
      ["on", "ready", ready],
      ["boot", { widgetToken: "wtok", baseUrl: "http://chat.test" }],
      ["open"],
    ]);
    expect(typeof api).toBe("function");
    await vi.waitFor(() => expect(errors).toHaveBeenCalled());
    expect(calls).toEqual(["http://chat.test/porthole.v1.VisitorService/GetWidgetConfig"]);
    expect(String(errors.mock.calls[0]?.[0])).toContain("this site is not allowed");
    expect(ready).not.toHaveBeenCalled();
    expect(document.querySelector("[data-porthole]")).toBeNull();
  });
});
