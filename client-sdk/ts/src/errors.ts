//! Reads Porthole's structured error details (porthole.v1.BadRequest) from failed calls.

import { ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, type FieldViolation } from "./gen/porthole/v1/errors_pb.js";

/**
 * The rejected request fields of a failed call, in the order the server checked them.
 *
 * The server sends them with INVALID_ARGUMENT as a `porthole.v1.BadRequest` inside the
 * `google.rpc.Status` of the `grpc-status-details-bin` trailer. Anything that is not a
 * ConnectError, or carries no such detail, yields an empty list.
 */
export function fieldViolations(error: unknown): FieldViolation[] {
  if (!(error instanceof ConnectError)) {
    return [];
  }
  return error.findDetails(BadRequestSchema).flatMap((detail) => detail.fieldViolations);
}

/**
 * The same violations keyed by field path (first description wins), convenient for
 * showing a message under each form input.
 */
export function fieldViolationMap(error: unknown): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const { field, description } of fieldViolations(error)) {
    byField[field] ??= description;
  }
  return byField;
}
