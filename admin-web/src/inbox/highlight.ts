//! Where a search's text occurs in what a conversation row shows, so the row can mark it.
//! The server searches visitor name, e-mail and message text for the whole query,
//! ignoring case; the row marks the same, and says so when the match is in none of the
//! texts it shows (an earlier message, or an e-mail it does not show).

/** A run of text, and whether it is a match of the search. */
export interface Part {
  text: string;
  match: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `text` cut into runs, the matches of `query` (trimmed, case ignored) marked. Without a
 * query or a match it is one unmarked run. Case is compared without changing the text, so
 * the runs put together are `text` exactly.
 */
export function highlightParts(text: string, query: string): Part[] {
  const q = query.trim();
  if (!q || !text) return [{ text, match: false }];
  const pattern = new RegExp(escapeRegExp(q), "giu");
  const parts: Part[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const at = found.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at), match: false });
    parts.push({ text: found[0], match: true });
    last = at + found[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts.length > 0 ? parts : [{ text, match: false }];
}

/** Whether `text` contains `query` (trimmed, case ignored), as the row marks it. */
export function hasMatch(text: string, query: string): boolean {
  return highlightParts(text, query).some((p) => p.match);
}
