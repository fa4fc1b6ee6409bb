//! Password reset's rules without React: what the new-password form checks before it sends
//! anything, and what the server's refusals of AuthService.RequestPasswordReset and
//! ResetPassword mean for the two screens.

import { Code, ConnectError, fieldViolationMap } from "@porthole/client";
import { throttleOf } from "@porthole/client/rules";
import { formErrors, signInErrors, waitText } from "../lib/errors";

/** The server's bounds for a password (`check_password`), counted in characters. */
export const minPasswordChars = 8;
export const maxPasswordChars = 256;

export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

/**
 * What is wrong with a new password and its confirmation before it goes to the server,
 * keyed like the server's field violations (`new_password`), plus `confirm`. Empty when
 * both are fine. Lengths count characters (code points), as the server does.
 */
export function checkNewPassword(password: string, confirm: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const chars = [...password].length;
  if (chars < minPasswordChars) {
    fields.new_password = `Use at least ${minPasswordChars} characters.`;
  } else if (chars > maxPasswordChars) {
    fields.new_password = `Use at most ${maxPasswordChars} characters.`;
  }
  if (confirm === "") {
    if (password !== "") fields.confirm = "Type the new password again.";
  } else if (confirm !== password) {
    fields.confirm = "The passwords do not match.";
  }
  return fields;
}

/**
 * A refused RequestPasswordReset: a bad address on the e-mail field; a server that cannot
 * send e-mail in its own words (they say what to do); too many requests with the wait.
 */
export function requestResetErrors(error: unknown): FormErrors {
  const e = ConnectError.from(error);
  if (e.code === Code.FailedPrecondition) {
    return {
      fields: {},
      form:
        sentence(e.rawMessage) || "This server cannot send e-mail, so it cannot reset passwords.",
    };
  }
  if (e.code === Code.ResourceExhausted) {
    return {
      fields: {},
      form: `Too many password-reset requests. Try again ${waitText(throttleOf(e).retryAfterMs)}.`,
    };
  }
  return formErrors(error);
}

/** A refused ResetPassword: either the link is spent, or errors to show on the form. */
export type ResetRefusal = { linkExpired: true } | { linkExpired: false; errors: FormErrors };

/**
 * NOT_FOUND (an unknown, expired or used link) and a refused token both mean the link no
 * longer works; a weak password lands on its field; throttling reads as on the other
 * password screens (the server counts each try as a sign-in attempt).
 */
export function resetPasswordRefusal(error: unknown): ResetRefusal {
  const e = ConnectError.from(error);
  if (e.code === Code.NotFound || fieldViolationMap(e).reset_token !== undefined) {
    return { linkExpired: true };
  }
  return { linkExpired: false, errors: signInErrors(error) };
}

/** The server's lower-case message as a sentence: capital first letter, final period. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return "";
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
