//! Merging messages from history pages, live feed replays, send answers and optimistic
//! sends into one list, for any message shape: each stored message once, ordered by
//! `seq`, and the optimistic copy of a send replaced by the stored one with the same client
//! key, whichever of them arrives first and however often.

/** How the merge reads a message of the app's own shape. */
export interface MessageIdentity<M> {
  /** True once the server stored the message (false for an optimistic copy). */
  stored(message: M): boolean;
  /** The server's id; only read for stored messages. */
  id(message: M): string;
  /** The sender's idempotency key; empty when there is none. */
  clientKey(message: M): string;
  /** Position in the conversation; only read for stored messages. */
  seq(message: M): number | bigint;
}

/**
 * `list` with `incoming` merged in, in order:
 * - a stored message already in the list (same id) is kept as it is: a replay changes nothing;
 * - a stored message removes the optimistic copy with its client key;
 * - an optimistic copy is dropped when its message is already stored, and replaces an
 *   earlier optimistic copy with the same client key (a retry) in place.
 *
 * Stored messages come first, ascending by `seq`; optimistic ones follow in the order they
 * were written. When nothing changes, `list` itself is returned.
 */
export function mergeMessages<M>(
  list: readonly M[],
  incoming: readonly M[],
  identity: MessageIdentity<M>,
): readonly M[] {
  const storedIds = new Set<string>();
  const storedKeys = new Set<string>();
  const stored: M[] = [];
  let optimistic: M[] = [];
  const keep = (message: M) => {
    if (identity.stored(message)) {
      stored.push(message);
      storedIds.add(identity.id(message));
      const key = identity.clientKey(message);
      if (key) storedKeys.add(key);
    } else {
      optimistic.push(message);
    }
  };
  for (const message of list) keep(message);

  let changed = false;
  for (const message of incoming) {
    const key = identity.clientKey(message);
    if (identity.stored(message)) {
      if (storedIds.has(identity.id(message))) continue;
      if (key) optimistic = optimistic.filter((m) => identity.clientKey(m) !== key);
      keep(message);
    } else {
      if (key && storedKeys.has(key)) continue;
      const retried = key ? optimistic.findIndex((m) => identity.clientKey(m) === key) : -1;
      if (retried >= 0) optimistic[retried] = message;
      else keep(message);
    }
    changed = true;
  }
  if (!changed) return list;
  stored.sort((a, b) => {
    const x = identity.seq(a);
    const y = identity.seq(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return [...stored, ...optimistic];
}
