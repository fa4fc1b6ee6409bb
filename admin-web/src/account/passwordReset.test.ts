//! Password reset's rules: the new password checked as the server would, and the server's
//! refusals read for the two screens.

import { create } from "@bufbuild/protobuf";
import { BadRequestSchema, Code, ConnectError } from "@porthole/client";
import { expect, test } from "vitest";
import {
  checkNewPassword,
  requestResetErrors,
  resetPasswordRefusal,
  sentence,
} from "./passwordReset";

function badRequest(field: string, description: string): ConnectError {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, { fieldViolations: [{ field, description }] }),
    },
  ]);
}

test("a new password needs 8 to 256 characters and the same confirmation", () => {
  expect(checkNewPassword("long enough", "long enough")).toEqual({});
  expect(checkNewPassword("short", "short")).toEqual({
    new_password: "Use at least 8 characters.",
  });
  expect(checkNewPassword("x".repeat(257), "x".repeat(257))).toEqual({
    new_password: "Use at most 256 characters.",
  });
  expect(checkNewPassword("x".repeat(256), "x".repeat(256))).toEqual({});
  expect(checkNewPassword("long enough", "long enougj")).toEqual({
    confirm: "The passwords do not match.",
  });
  expect(checkNewPassword("long enough", "")).toEqual({
    confirm: "Type the new password again.",
  });
  // Nothing typed at all: only the password field speaks.
  expect(checkNewPassword("", "")).toEqual({ new_password: "Use at least 8 characters." });
});

test("lengths count characters, as the server does, not UTF-16 units", () => {
  // Four emoji are 8 UTF-16 units but 4 characters.
  expect(checkNewPassword("🔑🔑🔑🔑", "🔑🔑🔑🔑").new_password).toBe("Use at least 8 characters.");
  expect(checkNewPassword("🔑".repeat(8), "🔑".repeat(8))).toEqual({});
});

test("a refused reset request: field, the server's own words, or the wait", () => {
  expect(requestResetErrors(badRequest("email", "must be an e-mail address"))).toEqual({
    fields: { email: "must be an e-mail address" },
  });
  expect(
    requestResetErrors(
      new ConnectError(
        "this server cannot send e-mail, so passwords cannot be reset by e-mail; ask the person who runs it to set PORTHOLE_SMTP_URL",
        Code.FailedPrecondition,
      ),
    ),
  ).toEqual({
    fields: {},
    form: "This server cannot send e-mail, so passwords cannot be reset by e-mail; ask the person who runs it to set PORTHOLE_SMTP_URL.",
  });
  expect(
    requestResetErrors(
      new ConnectError(
        "too many password-reset requests; try again in 42 s",
        Code.ResourceExhausted,
        {
          "retry-after": "42",
        },
      ),
    ),
  ).toEqual({ fields: {}, form: "Too many password-reset requests. Try again in 42 s." });
  expect(requestResetErrors(new ConnectError("slow down", Code.ResourceExhausted)).form).toBe(
    "Too many password-reset requests. Try again in a moment.",
  );
  expect(requestResetErrors(new ConnectError("down", Code.Unavailable)).form).toBe(
    "The server cannot be reached. Try again in a moment.",
  );
});

test("a refused reset: a spent link, a weak password on its field, or too many tries", () => {
  expect(
    resetPasswordRefusal(new ConnectError("password-reset link not found", Code.NotFound)),
  ).toEqual({ linkExpired: true });
  expect(resetPasswordRefusal(badRequest("reset_token", "must not be empty"))).toEqual({
    linkExpired: true,
  });
  expect(resetPasswordRefusal(badRequest("new_password", "must be at least 8 characters"))).toEqual(
    { linkExpired: false, errors: { fields: { new_password: "must be at least 8 characters" } } },
  );
  expect(
    resetPasswordRefusal(
      new ConnectError("too many sign-in attempts; try again in 9 s", Code.ResourceExhausted, {
        "retry-after": "9",
      }),
    ),
  ).toEqual({
    linkExpired: false,
    errors: { fields: {}, form: "Too many sign-in attempts. Try again in 9 s." },
  });
  expect(
    resetPasswordRefusal(
      new ConnectError("too many passwords being checked", Code.Unavailable, {
        "retry-after": "2",
      }),
    ),
  ).toEqual({
    linkExpired: false,
    errors: { fields: {}, form: "Too many sign-in attempts. Try again in 2 s." },
  });
});

test("the server's messages become sentences", () => {
  expect(sentence("cannot send e-mail")).toBe("Cannot send e-mail.");
  expect(sentence("  Done already.  ")).toBe("Done already.");
  expect(sentence("")).toBe("");
});
