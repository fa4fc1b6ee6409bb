//! A small grpc-web client over `fetch` for the service definitions protoc-gen-ts_proto
//! generates into `src/lean`. The widget uses it instead of Connect: with no descriptors or
//! reflection it costs a few kB, which is what lets the widget meet its size budget.
//!
//! Framing follows the grpc-web protocol: each message is a 5-byte header (flag, big-endian
//! length) and its bytes; the server ends with a trailer frame (flag 0x80) holding
//! `grpc-status` and `grpc-message`, or sends them as headers when there is no body.
//! A failed call keeps the answer's headers and trailers (`RpcError.metadata`), as
//! Connect's `ConnectError` does, so `throttleOf` (`rules/throttle.ts`) reads
//! `retry-after` from either.

import { BinaryReader, type BinaryWriter } from "@bufbuild/protobuf/wire";
import { BadRequest, type FieldViolation } from "./lean/porthole/v1/errors.js";

/** One method of a generated generic service definition. */
export interface LeanMethod<I, O> {
  readonly name: string;
  readonly requestType: { encode(message: I, writer?: BinaryWriter): BinaryWriter };
  readonly responseType: { decode(input: Uint8Array): O };
  readonly requestStream: false;
  readonly responseStream: boolean;
}

/** A generated generic service definition (`XServiceDefinition`). */
export interface LeanService {
  readonly fullName: string;
  // biome-ignore lint/suspicious/noExplicitAny: the methods' message types vary per method.
  readonly methods: Record<string, LeanMethod<any, any>>;
}

/** Per-call options. */
export interface LeanCallOptions {
  /** Cancels the call (and ends a stream). */
  signal?: AbortSignal;
}

/** Unary methods return a promise; server-streaming ones an async iterable. */
export type LeanClient<S extends LeanService> = {
  [K in keyof S["methods"]]: S["methods"][K] extends LeanMethod<infer I, infer O>
    ? S["methods"][K]["responseStream"] extends true
      ? (request: I, options?: LeanCallOptions) => AsyncIterable<O>
      : (request: I, options?: LeanCallOptions) => Promise<O>
    : never;
};

/** gRPC status codes the widget acts on (the numbers are the protocol's). */
export const GrpcCode = {
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/**
 * A failed call: the gRPC code, the server's message, any field violations, and the
 * response's headers and trailers (`retry-after`, …); empty when no answer arrived.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly fieldViolations: FieldViolation[] = [],
    readonly metadata: Headers = new Headers(),
  ) {
    super(message);
    this.name = "RpcError";
  }
}

/** Options of {@link createLeanClient}. */
export interface LeanClientOptions {
  /** The Porthole server, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** Asked before every call; a returned token is sent as `authorization: Bearer …`. */
  getToken?: () => string | undefined;
  /** Replacement for `globalThis.fetch` (tests). */
  fetch?: typeof globalThis.fetch;
}

/** Creates a client whose methods are named as in the definition (`sendMessage`, …). */
export function createLeanClient<S extends LeanService>(
  service: S,
  options: LeanClientOptions,
): LeanClient<S> {
  const client: Record<string, unknown> = {};
  const base = options.baseUrl.replace(/\/+$/, "");
  for (const [key, method] of Object.entries(service.methods)) {
    const url = `${base}/${service.fullName}/${method.name}`;
    const call = (request: unknown, callOptions?: LeanCallOptions) => {
      const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
      const headers: Record<string, string> = {
        "content-type": "application/grpc-web+proto",
        "x-grpc-web": "1",
      };
      const token = options.getToken?.();
      if (token) headers.authorization = `Bearer ${token}`;
      const body = frame(method.requestType.encode(request).finish());
      return fetchFn(url, { method: "POST", headers, body, signal: callOptions?.signal });
    };
    client[key] = method.responseStream
      ? (request: unknown, callOptions?: LeanCallOptions) =>
          streamCall(call(request, callOptions), method.responseType)
      : async (request: unknown, callOptions?: LeanCallOptions) => {
          for await (const message of streamCall(call(request, callOptions), method.responseType)) {
            return message;
          }
          throw new RpcError(GrpcCode.Internal, "the server sent no response message");
        };
  }
  return client as LeanClient<S>;
}

function frame(message: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(5 + message.length);
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
}

/** Reads the response frames, yielding decoded messages and throwing on a non-OK status. */
async function* streamCall<O>(
  pending: Promise<Response>,
  responseType: { decode(input: Uint8Array): O },
): AsyncGenerator<O> {
  let response: Response;
  try {
    response = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") {
      throw new RpcError(GrpcCode.Canceled, "the call was cancelled");
    }
    throw new RpcError(GrpcCode.Unavailable, "the chat server cannot be reached");
  }
  const headerStatus = response.headers.get("grpc-status");
  if (headerStatus !== null) checkStatus(response.headers);
  if (!response.ok || !response.body) {
    throw new RpcError(
      httpToCode(response.status),
      `HTTP ${response.status} from the chat server`,
      [],
      response.headers,
    );
  }
  if (headerStatus !== null) return; // Trailers-only answer with status OK: no messages.
  const reader = response.body.getReader();
  let buffer: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      while (buffer.length >= 5) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
        if (buffer.length < 5 + length) break;
        const flag = buffer[0] ?? 0;
        const data = buffer.slice(5, 5 + length);
        buffer = buffer.slice(5 + length);
        if (flag & 0x80) {
          const trailers = parseTrailers(data);
          // No status in the headers here, so adding them cannot change the outcome.
          for (const [name, value] of response.headers) trailers.append(name, value);
          checkStatus(trailers);
          return;
        }
        yield responseType.decode(data);
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new RpcError(GrpcCode.Unavailable, "the connection to the chat server was lost");
      }
      if (chunk.done) {
        throw new RpcError(GrpcCode.Unavailable, "the chat server closed the stream early");
      }
      const next = new Uint8Array(buffer.length + chunk.value.length);
      next.set(buffer);
      next.set(chunk.value, buffer.length);
      buffer = next;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function parseTrailers(data: Uint8Array): Headers {
  const trailers = new Headers();
  for (const line of new TextDecoder().decode(data).split("\r\n")) {
    const colon = line.indexOf(":");
    try {
      if (colon > 0) trailers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      // Not a valid header line: skip it.
    }
  }
  return trailers;
}

/** Throws the call's error unless `metadata` (headers or trailers) says status OK. */
function checkStatus(metadata: Headers): void {
  const status = metadata.get("grpc-status") ?? "2";
  const code = Number(status);
  if (code === 0) return;
  let text = metadata.get("grpc-message") ?? "";
  try {
    text = decodeURIComponent(text);
  } catch {
    // Not percent-encoded after all: keep it as sent.
  }
  throw new RpcError(
    Number.isFinite(code) ? code : GrpcCode.Unknown,
    text || `gRPC status ${status}`,
    violations(metadata.get("grpc-status-details-bin")),
    metadata,
  );
}

/** Field violations from a `google.rpc.Status` whose details hold a porthole BadRequest. */
function violations(details: string | null): FieldViolation[] {
  if (!details) return [];
  try {
    const padded = details + "=".repeat((4 - (details.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const found: FieldViolation[] = [];
    // google.rpc.Status: details = 3 (repeated Any { type_url = 1; value = 2 }).
    const status = new BinaryReader(bytes);
    while (status.pos < status.len) {
      const [field, wireType] = status.tag();
      if (field !== 3) {
        status.skip(wireType);
        continue;
      }
      const any = new BinaryReader(status.bytes());
      let typeUrl = "";
      let value: Uint8Array = new Uint8Array(0);
      while (any.pos < any.len) {
        const [anyField, anyWire] = any.tag();
        if (anyField === 1) typeUrl = any.string();
        else if (anyField === 2) value = any.bytes();
        else any.skip(anyWire);
      }
      if (typeUrl.endsWith("/porthole.v1.BadRequest")) {
        found.push(...BadRequest.decode(value).fieldViolations);
      }
    }
    return found;
  } catch {
    return [];
  }
}

function httpToCode(status: number): number {
  switch (status) {
    case 400:
      return GrpcCode.Internal;
    case 401:
      return GrpcCode.Unauthenticated;
    case 403:
      return GrpcCode.PermissionDenied;
    case 404:
      return GrpcCode.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcCode.Unavailable;
    default:
      return GrpcCode.Unknown;
  }
}
