//! Link detection in message bodies, shared by the widget and the dashboard: which runs of
//! text become links and where each link points. Only web addresses (`http`, `https`,
//! `www.`) and e-mail addresses qualify; anything else (`javascript:…`, `data:…`, HTML)
//! stays text, and both apps render text as text.

/** A piece of a message body: plain text, or a safe link with its target. */
export type BodyPart = { text: string } | { text: string; href: string };

const webStart = /^(?:https?:\/\/|www\.)/i;
const linkPattern = /\b(?:https?:\/\/|www\.)[^\s<>"]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gi;

/** Punctuation that ends a sentence rather than the address before it. */
const sentenceEnd = ".,;:!?'\"";
const closers: Record<string, string> = { ")": "(", "]": "[" };

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/**
 * The address without the punctuation that follows it in the sentence: `.` `,` `;` `:`
 * `!` `?` and quotes always go; `)` and `]` go unless the address opened them itself, as in
 * `https://en.wikipedia.org/wiki/Rust_(programming_language)`.
 */
function trimTrailing(text: string): string {
  let end = text.length;
  for (;;) {
    const last = text[end - 1] ?? "";
    const opener = closers[last];
    const inner = text.slice(0, end);
    if (last !== "" && sentenceEnd.includes(last)) end -= 1;
    else if (opener && count(inner, opener) < count(inner, last)) end -= 1;
    else return inner;
  }
}

/**
 * Splits a message body into plain runs and links, in order; joining every part's `text`
 * gives the body back unchanged.
 */
export function linkify(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let at = 0;
  for (const match of body.matchAll(linkPattern)) {
    const index = match.index ?? 0;
    const text = trimTrailing(match[0]);
    const web = webStart.exec(match[0])?.[0];
    // Only punctuation after the scheme (`https://.`, `www..`): not an address.
    if (web !== undefined && text.length <= web.length) continue;
    if (index > at) parts.push({ text: body.slice(at, index) });
    const href =
      web === undefined ? `mailto:${text}` : /^www\./i.test(web) ? `https://${text}` : text;
    parts.push({ text, href });
    at = index + text.length;
  }
  if (at < body.length) parts.push({ text: body.slice(at) });
  return parts;
}
