//! Drives the transport helpers through a fake grpc-web server response: the auth header
//! goes out, and a BadRequest in `grpc-status-details-bin` comes back as field violations.

import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, base64Encode, WireType } from "@bufbuild/protobuf/wire";
import { AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  AuthService,
  BadRequestSchema,
  createPortholeTransport,
  fieldViolationMap,
  fieldViolations,
} from "./index.js";

/** Encodes a `google.rpc.Status` (code = 1, message = 2, repeated Any details = 3). */
function encodeRpcStatus(code: Code, message: string, details: Uint8Array[]): Uint8Array {
  const writer = new BinaryWriter();
  writer.tag(1, WireType.Varint).int32(code);
  writer.tag(2, WireType.LengthDelimited).string(message);
  for (const detail of details) {
    writer.tag(3, WireType.LengthDelimited).bytes(detail);
  }
  return writer.finish();
}

/** A fetch that records request headers and answers a grpc-web trailers-only error. */
function invalidArgumentFetch(seen: Headers[]): typeof globalThis.fetch {
  const badRequest = create(BadRequestSchema, {
    fieldViolations: [
      { field: "email", description: "must be an e-mail address" },
      { field: "password", description: "must not be empty" },
    ],
  });
  const detail = toBinary(AnySchema, anyPack(BadRequestSchema, badRequest));
  const status = encodeRpcStatus(Code.InvalidArgument, "invalid request", [detail]);
  return async (_input, init) => {
    seen.push(new Headers(init?.headers));
    return new Response(null, {
      status: 200,
      headers: {
        "content-type": "application/grpc-web+proto",
        "grpc-status": String(Code.InvalidArgument),
        "grpc-message": "invalid request",
        "grpc-status-details-bin": base64Encode(status, "std_raw"),
      },
    });
  };
}

describe("createPortholeTransport", () => {
  it("sends the bearer token and surfaces field violations", async () => {
    const seen: Headers[] = [];
    const transport = createPortholeTransport("http://porthole.test", {
      getToken: () => "tok-123",
      fetch: invalidArgumentFetch(seen),
    });
    const auth = createClient(AuthService, transport);

    const error = await auth.logIn({ email: "x", password: "" }).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(seen[0]?.get("authorization")).toBe("Bearer tok-123");
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect(fieldViolations(error).map((v) => v.field)).toEqual(["email", "password"]);
    expect(fieldViolationMap(error)).toEqual({
      email: "must be an e-mail address",
      password: "must not be empty",
    });
  });

  it("sends no authorization header without a token", async () => {
    const seen: Headers[] = [];
    const transport = createPortholeTransport("http://porthole.test", {
      getToken: () => undefined,
      fetch: invalidArgumentFetch(seen),
    });
    await createClient(AuthService, transport)
      .logIn({})
      .catch(() => undefined);
    expect(seen[0]?.has("authorization")).toBe(false);
  });

  it("finds no violations in other errors", () => {
    expect(fieldViolations(new Error("boom"))).toEqual([]);
    expect(fieldViolations(new ConnectError("nope", Code.Unauthenticated))).toEqual([]);
  });
});
