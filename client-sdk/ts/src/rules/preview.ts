//! The one-line preview of a message that conversation lists show. The server stores the
//! same text as `last_message_preview` (`preview` in server/src/domain/conversation.rs);
//! the dashboard computes it for live events, so the two must agree to the character.
//! preview-vectors.json holds the cases both sides test against.

/** Characters (Unicode scalar values) a preview keeps before it is cut with "…". */
export const previewChars = 140;

/**
 * Leading or trailing Unicode White_Space, which is what Rust's `str::trim` removes.
 * JavaScript's `String.prototype.trim` differs: it also strips U+FEFF and keeps U+0085.
 */
const edgeSpace =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function trim(text: string): string {
  return text.replace(edgeSpace, "");
}

/**
 * The first line of `body` with text on it, trimmed and cut after {@link previewChars}
 * characters; for a message with no text, what it carries: "📎 Attachment" or
 * "📎 3 attachments". Inner white space is kept as written.
 */
export function previewText(body: string, attachments: number): string {
  // Rust's `lines()` splits at "\n" (and drops a "\r" before it, which the trim removes
  // anyway); a lone "\r" is not a line break in either.
  let line = "";
  for (const candidate of body.split("\n")) {
    line = trim(candidate);
    if (line !== "") break;
  }
  if (line === "" && attachments > 0) {
    return attachments === 1 ? "📎 Attachment" : `📎 ${attachments} attachments`;
  }
  // Code points, as Rust's `chars()`: an emoji is one character, not two UTF-16 units.
  const chars = Array.from(line);
  return chars.length > previewChars ? `${chars.slice(0, previewChars).join("")}…` : line;
}
