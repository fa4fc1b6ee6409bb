//! Random idempotency keys for sends. `crypto.randomUUID` exists only in secure contexts,
//! and a self-hosted dashboard may be opened over plain HTTP on a LAN address.

export function newClientKey(): string {
  if (typeof crypto.randomUUID === "function" && globalThis.isSecureContext !== false) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
