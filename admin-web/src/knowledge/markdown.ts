//! The Markdown of articles, read without React: a small parser for what articles use —
//! headings, paragraphs (a single line break is kept, as in a chat), lists, quotes, code,
//! rules, and inline emphasis, code and links — drawn by `Markdown.tsx` for the editor's
//! preview and the reader, and turned into plain text by `markdownToText` for a reply
//! (visitors see messages as plain text, with links detected).
//!
//! **Invariant:** nothing here produces HTML; links keep only `http:`, `https:` and
//! `mailto:` addresses (anything else stays text).

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong" | "em" | "del"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] };

export type Block =
  | { type: "heading"; level: number; content: Inline[] }
  | { type: "paragraph"; lines: Inline[][] }
  | { type: "list"; ordered: boolean; start: number; items: Inline[][] }
  | { type: "quote"; blocks: Block[] }
  | { type: "code"; text: string }
  | { type: "rule" };

/** Addresses a link may have; others are shown as text. */
export function safeHref(href: string): string | undefined {
  return /^(https?:\/\/|mailto:)\S+$/i.test(href) ? href : undefined;
}

// One alternative per inline form, tried left to right: code, image or link, autolink,
// strong (** or __), strikethrough, emphasis (* or a _ that is not inside a word).
const INLINE =
  /`([^`]+)`|!?\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)|<((?:https?:\/\/|mailto:)[^>\s]+)>|\*\*(?=\S)(.+?)\*\*|(?<![\p{L}\p{N}])__(?=\S)(.+?)__(?![\p{L}\p{N}])|~~(?=\S)(.+?)~~|\*(?=[^\s*])([^*]+?)\*|(?<![\p{L}\p{N}_])_(?=[^\s_])([^_]+?)_(?![\p{L}\p{N}_])/gu;

/** Inline Markdown of one line. Backslash escapes (`\*`) stand for the character. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pushText = (t: string) => {
    if (!t) return;
    const unescaped = t.replace(/\\([\\`*_[\]()#+\-.!~>])/g, "$1");
    const last = out[out.length - 1];
    if (last?.type === "text") last.text += unescaped;
    else out.push({ type: "text", text: unescaped });
  };
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    const index = m.index ?? 0;
    // An escaped opening character is text, not markup.
    if (index > 0 && text.charAt(index - 1) === "\\") continue;
    if (index < at) continue;
    pushText(text.slice(at, index));
    at = index + m[0].length;
    const [, code, label, href, auto, strong, strong2, del, em, em2] = m;
    if (code !== undefined) out.push({ type: "code", text: code });
    else if (href !== undefined) {
      const safe = safeHref(href);
      const children = parseInline(label || href);
      if (safe) out.push({ type: "link", href: safe, children });
      else out.push(...children);
    } else if (auto !== undefined)
      out.push({ type: "link", href: auto, children: [{ type: "text", text: auto }] });
    else if (strong !== undefined || strong2 !== undefined)
      out.push({ type: "strong", children: parseInline(strong ?? strong2 ?? "") });
    else if (del !== undefined) out.push({ type: "del", children: parseInline(del) });
    else out.push({ type: "em", children: parseInline(em ?? em2 ?? "") });
  }
  pushText(text.slice(at));
  return out;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** The blocks of a Markdown text. */
export function parseMarkdown(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").trimStart().startsWith(fence[1] ?? "```")) {
        code.push(lines[i] ?? "");
        i++;
      }
      i++; // the closing fence (or the end)
      blocks.push({ type: "code", text: code.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({
        type: "heading",
        level: heading[1]?.length ?? 1,
        content: parseInline(heading[2] ?? ""),
      });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? "")) {
        quoted.push(QUOTE.exec(lines[i] ?? "")?.[1] ?? "");
        i++;
      }
      blocks.push({ type: "quote", blocks: parseMarkdown(quoted.join("\n")) });
      continue;
    }
    const numbered = NUMBERED.exec(line);
    if (BULLET.test(line) || numbered) {
      const ordered = numbered !== null;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? "";
        const item = ordered ? NUMBERED.exec(current)?.[2] : BULLET.exec(current)?.[1];
        if (item !== undefined) items.push(item);
        else if (current.trim() !== "" && /^\s/.test(current) && items.length > 0)
          // An indented line continues the item.
          items[items.length - 1] += ` ${current.trim()}`;
        else break;
        i++;
      }
      blocks.push({
        type: "list",
        ordered,
        start: ordered ? Number(numbered?.[1] ?? 1) : 1,
        items: items.map(parseInline),
      });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const current = lines[i] ?? "";
      if (
        current.trim() === "" ||
        FENCE.test(current) ||
        HEADING.test(current) ||
        RULE.test(current) ||
        QUOTE.test(current) ||
        BULLET.test(current) ||
        NUMBERED.test(current)
      )
        break;
      paragraph.push(current.trim());
      i++;
    }
    blocks.push({ type: "paragraph", lines: paragraph.map(parseInline) });
  }
  return blocks;
}

/** Inline content as plain text; a link whose text is not its address adds it in brackets. */
export function inlineText(content: readonly Inline[]): string {
  return content
    .map((node) => {
      switch (node.type) {
        case "text":
        case "code":
          return node.text;
        case "link": {
          const label = inlineText(node.children);
          const address = node.href.replace(/^mailto:/i, "");
          return label === node.href || label === address ? address : `${label} (${address})`;
        }
        default:
          return inlineText(node.children);
      }
    })
    .join("");
}

function blocksText(blocks: readonly Block[]): string {
  return blocks
    .flatMap((block) => {
      switch (block.type) {
        case "heading":
          return [inlineText(block.content)];
        case "paragraph":
          return [block.lines.map(inlineText).join("\n")];
        case "list":
          return [
            block.items
              .map(
                (item, n) => `${block.ordered ? `${block.start + n}.` : "-"} ${inlineText(item)}`,
              )
              .join("\n"),
          ];
        case "quote":
          return [blocksText(block.blocks)];
        case "code":
          return [block.text];
        case "rule":
          return [];
      }
      return [];
    })
    .filter((part) => part.trim() !== "")
    .join("\n\n");
}

/**
 * An article's Markdown as the plain text of a chat reply: marks dropped, links as
 * "text (address)", list items as "- item", blocks a blank line apart.
 */
export function markdownToText(markdown: string): string {
  return blocksText(parseMarkdown(markdown)).trim();
}
