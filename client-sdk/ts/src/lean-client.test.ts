//! The lean grpc-web client against hand-built grpc-web responses: framing split across
//! chunks, streams, trailers-only errors with field violations, lost connections, and the
//! headers and trailers a failed call keeps (`retry-after`).

import { BinaryWriter, base64Encode, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { BadRequest } from "./lean/porthole/v1/errors.js";
import {
  createLeanClient,
  GrpcCode,
  RpcError,
  StartSessionResponse,
  VisitorServiceDefinition,
  WatchVisitorFeedResponse,
} from "./lean.js";

function frame(flag: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + bytes.length);
  out[0] = flag;
  new DataView(out.buffer).setUint32(1, bytes.length);
  out.set(bytes, 5);
  return out;
}

const trailer = (text: string) => frame(0x80, new TextEncoder().encode(text));

/** A response body that arrives in the given chunks. */
function chunked(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe("lean grpc-web client", () => {
  it("sends a framed request with the token and decodes a unary answer split across chunks", async () => {
    const seen: { url: string; headers: Headers; body: Uint8Array }[] = [];
    const answer = StartSessionResponse.encode({
      visitorToken: "vt_1",
      visitor: { id: "vis_1", name: "Ada", email: "", verified: false },
    }).finish();
    const body = concat(frame(0, answer), trailer("grpc-status: 0\r\ngrpc-message: \r\n"));
    const client = createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test/",
      getToken: () => "tok",
      fetch: async (input, init) => {
        seen.push({
          url: String(input),
          headers: new Headers(init?.headers),
          body: new Uint8Array(init?.body as Uint8Array),
        });
        return new Response(chunked(body.slice(0, 3), body.slice(3, 11), body.slice(11)), {
          headers: { "content-type": "application/grpc-web+proto" },
        });
      },
    });
    const response = await client.startSession({
      widgetToken: "w",
      visitorToken: "",
      language: "en",
      timeZone: "UTC",
    });
    expect(response.visitorToken).toBe("vt_1");
    expect(response.visitor?.name).toBe("Ada");
    expect(seen[0]?.url).toBe("http://chat.test/porthole.v1.VisitorService/StartSession");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer tok");
    expect(seen[0]?.headers.get("content-type")).toBe("application/grpc-web+proto");
    expect(seen[0]?.body[0]).toBe(0);
  });

  it("turns a trailers-only error into an RpcError with field violations", async () => {
    const badRequest = BadRequest.encode({
      fieldViolations: [{ field: "email", description: "must be an e-mail address" }],
    }).finish();
    const any = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .string("type.googleapis.com/porthole.v1.BadRequest")
      .tag(2, WireType.LengthDelimited)
      .bytes(badRequest)
      .finish();
    const status = new BinaryWriter()
      .tag(1, WireType.Varint)
      .int32(3)
      .tag(3, WireType.LengthDelimited)
      .bytes(any)
      .finish();
    const client = createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test",
      fetch: async () =>
        new Response(null, {
          headers: {
            "grpc-status": "3",
            "grpc-message": "invalid%20request%3A%20email",
            "grpc-status-details-bin": base64Encode(status, "std_raw"),
          },
        }),
    });
    const error = await client
      .updateVisitor({ name: undefined, email: "nope", attributes: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(GrpcCode.InvalidArgument);
    expect((error as RpcError).message).toBe("invalid request: email");
    expect((error as RpcError).fieldViolations).toEqual([
      { field: "email", description: "must be an e-mail address" },
    ]);
  });

  it("streams messages in order and reports a stream cut short as UNAVAILABLE", async () => {
    const event = (cursor: string) =>
      frame(
        0,
        WatchVisitorFeedResponse.encode({
          cursor,
          event: { $case: "heartbeat", value: {} },
        }).finish(),
      );
    const client = createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test",
      fetch: async () => new Response(chunked(concat(event("1"), event("2")), event("3"))),
    });
    const cursors: string[] = [];
    const error = await (async () => {
      for await (const item of client.watchVisitorFeed({ cursor: "" })) cursors.push(item.cursor);
    })().catch((e: unknown) => e);
    expect(cursors).toEqual(["1", "2", "3"]);
    expect((error as RpcError).code).toBe(GrpcCode.Unavailable);
  });

  it("maps a refused connection and HTTP errors to codes", async () => {
    const down = createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test",
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(down.heartbeat({ url: "" })).rejects.toMatchObject({ code: GrpcCode.Unavailable });
    const proxy = createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test",
      fetch: async () => new Response("bad gateway", { status: 502 }),
    });
    await expect(proxy.heartbeat({ url: "" })).rejects.toMatchObject({
      code: GrpcCode.Unavailable,
    });
  });

  it("keeps the answer's headers and trailers on the error (retry-after)", async () => {
    const answer = (response: () => Response) =>
      createLeanClient(VisitorServiceDefinition, {
        baseUrl: "http://chat.test",
        fetch: async () => response(),
      })
        .sendMessage({ conversationId: "c", body: "hi", clientKey: "k", attachmentIds: [] })
        .then(
          () => {
            throw new Error("the call should have failed");
          },
          (e: unknown) => e as RpcError,
        );

    // Trailers-only: the status and retry-after arrive as headers.
    const headersOnly = await answer(
      () =>
        new Response(null, {
          headers: { "grpc-status": "8", "grpc-message": "slow%20down", "retry-after": "4" },
        }),
    );
    expect(headersOnly.code).toBe(GrpcCode.ResourceExhausted);
    expect(headersOnly.message).toBe("slow down");
    expect(headersOnly.metadata.get("retry-after")).toBe("4");

    // In a trailer frame, with the response headers kept beside the trailers.
    const inTrailer = await answer(
      () =>
        new Response(
          chunked(trailer("grpc-status: 14\r\ngrpc-message: busy\r\nRetry-After: 7\r\n")),
          { headers: { "content-type": "application/grpc-web+proto", "x-served-by": "a" } },
        ),
    );
    expect(inTrailer.code).toBe(GrpcCode.Unavailable);
    expect(inTrailer.metadata.get("retry-after")).toBe("7");
    expect(inTrailer.metadata.get("x-served-by")).toBe("a");

    // A plain HTTP 429 from a proxy: UNAVAILABLE, with its Retry-After header.
    const proxy = await answer(
      () => new Response("slow down", { status: 429, headers: { "Retry-After": "30" } }),
    );
    expect(proxy.code).toBe(GrpcCode.Unavailable);
    expect(proxy.metadata.get("retry-after")).toBe("30");

    // No answer at all: no metadata.
    const down = (await createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test",
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    })
      .heartbeat({ url: "" })
      .catch((e: unknown) => e)) as RpcError;
    expect([...down.metadata]).toEqual([]);
  });

  it("skips a trailer line that is not a header instead of failing the call", async () => {
    const client = createLeanClient(VisitorServiceDefinition, {
      baseUrl: "http://chat.test",
      fetch: async () =>
        new Response(chunked(trailer("grpc-status: 5\r\nbad name: x\r\ngrpc-message: gone\r\n"))),
    });
    await expect(client.heartbeat({ url: "" })).rejects.toMatchObject({
      code: GrpcCode.NotFound,
      message: "gone",
    });
  });
});
