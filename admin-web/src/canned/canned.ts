//! Canned responses in the composer, without React: finding the `/query` being typed,
//! ranking matches, filling in placeholders and splicing the body into the reply.

/** What a suggestion needs of a canned response (the generated message satisfies it). */
export interface CannedLike {
  id: string;
  shortcut: string;
  title: string;
  body: string;
}

/** A `/query` being typed: `start` is the index of the `/`, `end` the caret. */
export interface SlashQuery {
  start: number;
  end: number;
  /** What follows the `/`, lower-cased (shortcuts are lowercase). */
  query: string;
}

/** Characters a shortcut may contain, as the server checks them. */
const shortcutChar = /[a-z0-9_-]/i;

/**
 * The `/query` that ends at `caret`, if the `/` starts a word (at the start of the text or
 * after white space) and only shortcut characters follow it. `https://x` or `and/or` do not
 * count.
 */
export function findSlashQuery(text: string, caret: number): SlashQuery | null {
  let i = caret;
  while (i > 0 && shortcutChar.test(text.charAt(i - 1))) i--;
  const slash = i - 1;
  if (slash < 0 || text.charAt(slash) !== "/") return null;
  if (slash > 0 && !/\s/.test(text.charAt(slash - 1))) return null;
  if (caret - slash - 1 > 32) return null;
  return { start: slash, end: caret, query: text.slice(slash + 1, caret).toLowerCase() };
}

/**
 * The canned responses matching `query`, best first: shortcut starting with it, then
 * shortcut containing it, then title containing it (each group by shortcut). An empty
 * query matches everything.
 */
export function filterCanned<T extends CannedLike>(
  list: readonly T[],
  query: string,
  limit = 8,
): T[] {
  const q = query.toLowerCase();
  const rank = (c: T): number => {
    if (c.shortcut.startsWith(q)) return 0;
    if (c.shortcut.includes(q)) return 1;
    if (c.title.toLowerCase().includes(q)) return 2;
    return 3;
  };
  return list
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r || a.c.shortcut.localeCompare(b.c.shortcut))
    .slice(0, limit)
    .map((x) => x.c);
}

/** The values placeholders are replaced with. */
export interface PlaceholderValues {
  visitorName: string;
  visitorEmail: string;
  agentName: string;
}

/** The placeholders a body may contain, for the settings screen's help text. */
export const PLACEHOLDERS: readonly { token: string; description: string }[] = [
  { token: "{{visitor.name}}", description: "the visitor's name, or “there” when unknown" },
  { token: "{{visitor.email}}", description: "the visitor's e-mail address (empty when unknown)" },
  { token: "{{agent.name}}", description: "the display name of the agent who inserts it" },
];

/**
 * `body` with its placeholders filled in (spaces inside the braces are allowed); unknown
 * `{{…}}` stay as written so a typo is visible before sending.
 */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi, (whole, name: string) => {
    switch (name.toLowerCase()) {
      case "visitor.name":
        return values.visitorName.trim() || "there";
      case "visitor.email":
        return values.visitorEmail.trim();
      case "agent.name":
        return values.agentName.trim();
      default:
        return whole;
    }
  });
}

/** `text` with the `/query` replaced by `body`, and where the caret goes after it. */
export function insertCanned(
  text: string,
  slash: SlashQuery,
  body: string,
): { text: string; caret: number } {
  return {
    text: text.slice(0, slash.start) + body + text.slice(slash.end),
    caret: slash.start + body.length,
  };
}
