//! Turning failed calls into words a person can act on, and field errors for forms.

import { Code, ConnectError, fieldViolationMap } from "@porthole/client";
import { throttleOf } from "@porthole/client/rules";

/** One sentence for a failed call, for toasts and form-level alerts. */
export function describeError(error: unknown): string {
  const e = ConnectError.from(error);
  const throttle = throttleOf(e);
  if (throttle.throttled)
    return `Too many requests — try again ${waitText(throttle.retryAfterMs)}.`;
  switch (e.code) {
    case Code.Unavailable:
      return "The server cannot be reached. Try again in a moment.";
    case Code.PermissionDenied:
      return e.rawMessage || "You are not allowed to do that.";
    case Code.Unauthenticated:
      return e.rawMessage || "Your session has ended. Sign in again.";
    case Code.Internal:
      return "Something went wrong on the server.";
    default:
      return e.rawMessage || "Something went wrong.";
  }
}

/**
 * "in 4 s" for a wait the server named (rounded up to whole seconds), "in a moment" when
 * it named none.
 */
export function waitText(ms: number | undefined): string {
  return ms === undefined ? "in a moment" : `in ${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/**
 * Field errors of a failed call keyed by request path (`settings.appearance.primary_color`),
 * plus the form-level message when no field was named.
 */
export function formErrors(error: unknown): { fields: Record<string, string>; form?: string } {
  const fields = fieldViolationMap(error);
  if (Object.keys(fields).length > 0) return { fields };
  return { fields, form: describeError(error) };
}

/**
 * {@link formErrors} for the screens that check a password (sign-in, sign-up, accepting an
 * invitation, a new password from a reset link), where a throttled call means too many
 * attempts.
 */
export function signInErrors(error: unknown): { fields: Record<string, string>; form?: string } {
  const throttle = throttleOf(ConnectError.from(error));
  if (!throttle.throttled) return formErrors(error);
  return {
    fields: {},
    form: `Too many sign-in attempts. Try again ${waitText(throttle.retryAfterMs)}.`,
  };
}
