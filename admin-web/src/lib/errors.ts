//! Turning failed calls into words a person can act on, and field errors for forms.

import { Code, ConnectError, fieldViolationMap } from "@porthole/client";

/** One sentence for a failed call, for toasts and form-level alerts. */
export function describeError(error: unknown): string {
  const e = ConnectError.from(error);
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
 * Field errors of a failed call keyed by request path (`settings.appearance.primary_color`),
 * plus the form-level message when no field was named.
 */
export function formErrors(error: unknown): { fields: Record<string, string>; form?: string } {
  const fields = fieldViolationMap(error);
  if (Object.keys(fields).length > 0) return { fields };
  return { fields, form: describeError(error) };
}
