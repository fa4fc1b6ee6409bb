//! The knowledge base's rules without React: tags as typed, the server's field errors on
//! the article form, an edit as only what changed, which search queries are worth sending,
//! and splicing an article's link or text into a reply at the caret. The limits are the
//! ones `knowledge.proto` documents; the server checks them, this file only words them.

import { fieldViolations } from "@porthole/client";
import { describeError } from "../lib/errors";

/** The limits `knowledge.proto` documents (the server enforces them). */
export const LIMITS = {
  title: 200,
  body: 50_000,
  tags: 20,
  tag: 40,
  url: 2000,
  query: 500,
} as const;

/** Results the composer's search asks for, and the knowledge page's. */
export const COMPOSER_RESULTS = 8;
export const PAGE_RESULTS = 20;

/**
 * Tags as typed in one box, comma-separated: trimmed, lowercased, empty ones and repeats
 * dropped (the server does the same; doing it here makes its errors point at what was
 * typed).
 */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const raw of text.split(",")) {
    const tag = raw.trim().toLowerCase();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** Tags for the one box they are edited in. */
export function tagsText(tags: readonly string[]): string {
  return tags.join(", ");
}

/** The form's fields, as the server names them. */
export type ArticleField = "title" | "body" | "tags" | "url";

export type ArticleErrors = { fields: Partial<Record<ArticleField, string>>; form?: string };

/**
 * The server's violations as the form shows them. A tag's own error (`tags[2]`, or
 * `tags.tags[2]` from UpdateArticle) goes under the tags box, naming the tag; several on a
 * field are joined. Anything unnamed is a form-level message.
 */
export function articleFormErrors(error: unknown, tags: readonly string[]): ArticleErrors {
  const fields: Partial<Record<ArticleField, string>> = {};
  const add = (field: ArticleField, message: string) => {
    fields[field] = fields[field] ? `${fields[field]}; ${message}` : message;
  };
  for (const { field, description } of fieldViolations(error)) {
    const tag = /^(?:tags\.)?tags(?:\[(\d+)\])?$/.exec(field);
    if (tag) {
      const named = tag[1] === undefined ? undefined : tags[Number(tag[1])];
      add("tags", named === undefined ? description : `“${named}” ${description}`);
    } else if (field === "title" || field === "body" || field === "url") {
      add(field, description);
    }
  }
  if (Object.keys(fields).length > 0) return { fields };
  return { fields, form: describeError(error) };
}

/** What the article form holds. */
export interface ArticleDraft {
  title: string;
  body: string;
  /** As typed: comma-separated. */
  tags: string;
  published: boolean;
  url: string;
}

/** An article as the form needs it (the generated message satisfies it). */
export interface ArticleLike {
  title: string;
  body: string;
  tags: readonly string[];
  published: boolean;
  url: string;
}

/** The form's content for an article, or an empty one for a new article. */
export function draftOf(article?: ArticleLike): ArticleDraft {
  return {
    title: article?.title ?? "",
    body: article?.body ?? "",
    tags: tagsText(article?.tags ?? []),
    published: article?.published ?? false,
    url: article?.url ?? "",
  };
}

/** What CreateArticle is sent for a draft. */
export function createRequest(draft: ArticleDraft) {
  return {
    title: draft.title,
    body: draft.body,
    tags: parseTags(draft.tags),
    published: draft.published,
    url: draft.url.trim(),
  };
}

/** What UpdateArticle changes: only the fields that differ (`tags` wrapped, as it is sent). */
export interface ArticleChanges {
  title?: string;
  body?: string;
  tags?: { tags: string[] };
  published?: boolean;
  url?: string;
}

/** The changes a draft makes to an article; empty when it makes none. */
export function articleChanges(article: ArticleLike, draft: ArticleDraft): ArticleChanges {
  const changes: ArticleChanges = {};
  if (draft.title.trim() !== article.title) changes.title = draft.title;
  if (draft.body !== article.body) changes.body = draft.body;
  const tags = parseTags(draft.tags);
  if (tags.join("\n") !== article.tags.join("\n")) changes.tags = { tags };
  if (draft.published !== article.published) changes.published = draft.published;
  if (draft.url.trim() !== article.url) changes.url = draft.url.trim();
  return changes;
}

/**
 * Whether a query is worth sending to SearchArticles: a letter or digit in it, at most
 * 500 characters (the server refuses anything else).
 */
export function isSearchable(query: string): boolean {
  return query.length <= LIMITS.query && /[\p{L}\p{N}]/u.test(query);
}

/** A reply's text after inserting `snippet` in place of the selection, and where the caret goes. */
export interface Insertion {
  text: string;
  caret: number;
}

/**
 * Splices `snippet` into `text` in place of `start`–`end`. A link (`inline`) is set apart
 * from the words around it by a space; a passage (`block`) by a blank line, so it reads as
 * its own paragraph. The caret goes right after the snippet.
 */
export function insertSnippet(
  text: string,
  start: number,
  end: number,
  snippet: string,
  kind: "inline" | "block",
): Insertion {
  let before = text.slice(0, start);
  let after = text.slice(end);
  let lead = "";
  let trail = "";
  if (kind === "inline") {
    if (before !== "" && !/\s$/.test(before)) lead = " ";
    if (after !== "" && !/^\s/.test(after)) trail = " ";
  } else {
    if (before.trim() === "") before = "";
    else {
      before = before.replace(/[ \t]+$/, "");
      lead = before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    }
    if (after.trim() === "") after = "";
    else {
      after = after.replace(/^[ \t]+/, "");
      trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    }
  }
  const inserted = before + lead + snippet;
  return { text: inserted + trail + after, caret: inserted.length };
}
