//! The dashboard's Porthole clients: one grpc-web transport to the server that serves the
//! dashboard, carrying the signed-in agent's access token.

import { AuthService, createClient, createPortholeTransport } from "@porthole/client";

let accessToken: string | undefined;

/** Sets (or with `undefined`, clears) the token sent as `authorization: Bearer …`. */
export function setAccessToken(token: string | undefined): void {
  accessToken = token;
}

const transport = createPortholeTransport(window.location.origin, {
  getToken: () => accessToken,
});

export const authClient = createClient(AuthService, transport);
