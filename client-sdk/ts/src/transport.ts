//! Transport and interceptor helpers shared by every Porthole client, in browsers and in Node
//! 20+ (grpc-web needs only `fetch`).

import type { Interceptor, Transport } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

/** Returns the bearer token to send, or nothing for an anonymous call. */
export type TokenGetter = () => string | undefined | Promise<string | undefined>;

/** Options of {@link createPortholeTransport}. */
export interface PortholeTransportOptions {
  /** When given, every call carries `authorization: Bearer <token>` while it returns one. */
  getToken?: TokenGetter;
  /** Further interceptors, run after the auth interceptor. */
  interceptors?: Interceptor[];
  /** Replacement for `globalThis.fetch` (tests, service workers). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Adds `authorization: Bearer <token>` to each request while `getToken` returns a token.
 * The getter is asked on every call, so a refreshed token is picked up without rebuilding
 * the transport.
 */
export function createAuthInterceptor(getToken: TokenGetter): Interceptor {
  return (next) => async (req) => {
    const token = await getToken();
    if (token) {
      req.header.set("authorization", `Bearer ${token}`);
    }
    return next(req);
  };
}

/**
 * A grpc-web transport to the Porthole server at `baseUrl` (e.g. `window.location.origin`).
 * grpc-web is what the server speaks to browsers; responses use the binary format.
 */
export function createPortholeTransport(
  baseUrl: string,
  options: PortholeTransportOptions = {},
): Transport {
  const interceptors: Interceptor[] = [];
  if (options.getToken) {
    interceptors.push(createAuthInterceptor(options.getToken));
  }
  interceptors.push(...(options.interceptors ?? []));
  return createGrpcWebTransport({
    baseUrl,
    interceptors,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
