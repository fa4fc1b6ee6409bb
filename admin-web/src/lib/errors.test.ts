//! Failed calls in words: the server's throttling (RESOURCE_EXHAUSTED, or UNAVAILABLE with
//! `retry-after`) says when to try again, in general and on the password screens.

import { Code, ConnectError } from "@porthole/client";
import { expect, test } from "vitest";
import { describeError, formErrors, signInErrors, waitText } from "./errors";

const refused = (code: Code, retryAfter?: string) =>
  new ConnectError(
    "too many requests from this member; try again in 4 s",
    code,
    retryAfter ? { "retry-after": retryAfter } : undefined,
  );

test("a throttled call says when to try again", () => {
  expect(describeError(refused(Code.ResourceExhausted, "4"))).toBe(
    "Too many requests — try again in 4 s.",
  );
  expect(describeError(refused(Code.ResourceExhausted))).toBe(
    "Too many requests — try again in a moment.",
  );
  // A full password-hashing queue is UNAVAILABLE with retry-after.
  expect(describeError(refused(Code.Unavailable, "2"))).toBe(
    "Too many requests — try again in 2 s.",
  );
  // Without it, UNAVAILABLE is an outage.
  expect(describeError(refused(Code.Unavailable))).toBe(
    "The server cannot be reached. Try again in a moment.",
  );
  expect(formErrors(refused(Code.ResourceExhausted, "600"))).toEqual({
    fields: {},
    form: "Too many requests — try again in 300 s.",
  });
});

test("the password screens speak of sign-in attempts", () => {
  expect(signInErrors(refused(Code.ResourceExhausted, "12"))).toEqual({
    fields: {},
    form: "Too many sign-in attempts. Try again in 12 s.",
  });
  expect(signInErrors(refused(Code.Unavailable, "3")).form).toBe(
    "Too many sign-in attempts. Try again in 3 s.",
  );
  expect(signInErrors(refused(Code.ResourceExhausted, "soon")).form).toBe(
    "Too many sign-in attempts. Try again in a moment.",
  );
  // Anything else reads as before.
  expect(signInErrors(new ConnectError("invalid request", Code.InvalidArgument))).toEqual({
    fields: {},
    form: "invalid request",
  });
});

test("waits are whole seconds, rounded up", () => {
  expect(waitText(undefined)).toBe("in a moment");
  expect(waitText(4000)).toBe("in 4 s");
  expect(waitText(4001)).toBe("in 5 s");
  expect(waitText(200)).toBe("in 1 s");
});
