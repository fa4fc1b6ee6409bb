//! The composer's knowledge-base search: a button beside "Attach a file" opens a popover
//! with a search box (SearchArticles, drafts included: agents answer from every article)
//! and the matches, each with its title, published or draft, and the excerpt; with the box
//! empty, the most recently changed articles. "Insert text" puts the article's body, as
//! plain text (`markdownToText`), into the reply at the caret; "Insert link" its public
//! URL, when it has one. From the keyboard: the search box keeps focus, ↑/↓ choose
//! (`aria-activedescendant`), Enter inserts the text, Shift+Enter the link, Escape closes;
//! either way the reply has the focus again.

import type { Article } from "@porthole/client";
import * as Popover from "@radix-ui/react-popover";
import { useQueryClient } from "@tanstack/react-query";
import { BookOpen, Link2, Search, TextQuote } from "lucide-react";
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Badge, Kbd, Spinner } from "../components/ui/misc";
import { toastError } from "../components/ui/Toast";
import { describeError } from "../lib/errors";
import { COMPOSER_RESULTS, isSearchable } from "./knowledge";
import { markdownToText } from "./markdown";
import { fetchArticle, useArticleSearch, useArticles, useDebounced } from "./queries";

/** Articles shown while the search box is empty. */
const RECENT = 5;

/** What the reply receives: a link goes in among the words, a passage as its own paragraph. */
export type KnowledgeInsert = (snippet: string, kind: "inline" | "block") => void;

export function KnowledgeButton({
  disabled,
  onInsert,
  onReturn,
}: {
  disabled?: boolean | undefined;
  onInsert: KnowledgeInsert;
  /** Gives the reply the focus back when the popover closes by Escape or this button. */
  onReturn: () => void;
}) {
  const [open, setOpen] = useState(false);
  // Set when an insert closed the popover (the reply then takes the focus and the caret
  // itself), or a click elsewhere did (the focus stays where that click put it).
  const inserted = useRef(false);
  const outside = useRef(false);
  return (
    <Popover.Root
      open={open}
      onOpenChange={(next) => {
        if (next) inserted.current = outside.current = false;
        setOpen(next);
      }}
    >
      <Popover.Trigger asChild>
        <IconButton label="Knowledge base" size="sm" disabled={disabled} active={open}>
          <BookOpen className="size-4" />
        </IconButton>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="top"
          align="start"
          sideOffset={8}
          collisionPadding={12}
          aria-label="Knowledge base"
          onInteractOutside={() => {
            outside.current = true;
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            if (!inserted.current && !outside.current) onReturn();
          }}
          // Escape closes this popover only, not the open conversation (InboxScreen's keys).
          onKeyDown={(e) => e.key === "Escape" && e.stopPropagation()}
          className="z-50 flex max-h-[min(32rem,var(--radix-popover-content-available-height))] w-[min(28rem,calc(100vw-1.5rem))] flex-col overflow-hidden rounded-xl bg-white shadow-xl ring-1 ring-zinc-950/10 animate-pop-in dark:bg-zinc-900 dark:ring-white/10"
        >
          <KnowledgeSearch
            onInsert={(snippet, kind) => {
              inserted.current = true;
              setOpen(false);
              onInsert(snippet, kind);
            }}
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

interface Row {
  article: Article;
  excerpt?: string;
}

/** The popover's content: the search box and the results as a listbox it controls. */
export function KnowledgeSearch({ onInsert }: { onInsert: KnowledgeInsert }) {
  const qc = useQueryClient();
  const [query, setQuery] = useState("");
  const settled = useDebounced(query, 200).trim();
  const searching = isSearchable(settled);
  const search = useArticleSearch(settled, COMPOSER_RESULTS);
  const recent = useArticles();
  const [active, setActive] = useState(0);
  // The article whose body is being fetched for "Insert text".
  const [loading, setLoading] = useState<string>();
  const listId = useId();
  const hintId = useId();
  const list = useRef<HTMLDivElement>(null);

  const rows: Row[] = searching
    ? (search.data ?? []).flatMap((m) =>
        m.article ? [{ article: m.article, excerpt: m.excerpt }] : [],
      )
    : (recent.data?.pages[0]?.articles ?? []).slice(0, RECENT).map((article) => ({ article }));
  const optionId = (index: number) => `${listId}-option-${index}`;
  const current = rows[Math.min(active, rows.length - 1)];

  // A new query (or list) starts at the top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when what is shown changes
  useEffect(() => setActive(0), [settled, searching]);
  useEffect(() => {
    list.current
      ?.querySelector(`[id="${CSS.escape(optionId(active))}"]`)
      ?.scrollIntoView({ block: "nearest" });
  });

  async function insertText(article: Article) {
    setLoading(article.id);
    try {
      const full = await fetchArticle(qc, article.id);
      onInsert(markdownToText(full.body), "block");
    } catch (error) {
      toastError("Could not load the article", describeError(error));
    } finally {
      setLoading(undefined);
    }
  }
  const insertLink = (article: Article) => {
    if (article.url) onInsert(article.url, "inline");
  };

  // Typed faster than the search answers: the rows shown are not yet the query's.
  const typed = query.trim();
  const stale =
    (isSearchable(typed) && typed !== settled) ||
    (searching && (search.isPending || search.isPlaceholderData));
  // Enter pressed while stale waits for the query's results and takes the best match.
  const [queued, setQueued] = useState<"text" | "link">();
  const best = rows[0];
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once the results are in
  useEffect(() => {
    if (stale || !queued) return;
    setQueued(undefined);
    if (!best) return;
    if (queued === "link") insertLink(best.article);
    else void insertText(best.article);
  }, [stale, queued]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.nativeEvent.isComposing) return;
    const count = rows.length;
    if (event.key === "ArrowDown" && count > 0) setActive((i) => (i + 1) % count);
    else if (event.key === "ArrowUp" && count > 0) setActive((i) => (i - 1 + count) % count);
    else if (event.key === "Enter" && stale) setQueued(event.shiftKey ? "link" : "text");
    else if (event.key === "Enter" && current) {
      if (event.shiftKey) insertLink(current.article);
      else void insertText(current.article);
    } else return;
    event.preventDefault();
  }

  const pending = searching ? search.isPending : recent.isPending;
  const error = searching ? search.error : recent.error;
  let status: ReactNode = null;
  if (pending)
    status = (
      <div className="flex justify-center py-6">
        <Spinner />
      </div>
    );
  else if (error) status = <Note>{describeError(error)}</Note>;
  else if (rows.length === 0)
    status = searching ? (
      <Note>No article matches “{settled}”.</Note>
    ) : (
      <Note>
        No articles yet. Owners and admins write them in the{" "}
        <Link to="/knowledge" className="font-medium text-brand-600 hover:underline">
          Knowledge base
        </Link>
        .
      </Note>
    );

  return (
    <>
      <div className="relative border-b border-zinc-100 dark:border-zinc-800">
        <Search
          aria-hidden
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
        />
        <input
          type="search"
          role="combobox"
          aria-label="Search the knowledge base"
          aria-expanded={rows.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-describedby={hintId}
          {...(current ? { "aria-activedescendant": optionId(rows.indexOf(current)) } : {})}
          placeholder="Search articles…"
          maxLength={500}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          className="h-11 w-full bg-transparent pr-3 pl-9 text-[14px] placeholder:text-zinc-400 focus:outline-none [&::-webkit-search-cancel-button]:hidden"
        />
      </div>
      {!searching && rows.length > 0 && (
        <p className="px-3 pt-2 text-[11px] font-medium tracking-wide text-zinc-400 uppercase">
          Recently changed
        </p>
      )}
      {status}
      <div
        ref={list}
        id={listId}
        role="listbox"
        aria-label="Articles"
        aria-busy={stale}
        className={cn(
          "min-h-0 flex-1 overflow-y-auto p-1 transition-opacity",
          rows.length === 0 && "hidden",
          stale && "opacity-60",
        )}
      >
        {rows.map((row, i) => (
          <ArticleOption
            key={row.article.id}
            id={optionId(i)}
            row={row}
            active={row === current}
            loading={loading === row.article.id}
            onHover={() => setActive(i)}
            onInsertText={() => void insertText(row.article)}
            onInsertLink={() => insertLink(row.article)}
          />
        ))}
      </div>
      <p
        id={hintId}
        className="hidden border-t border-zinc-100 px-3 py-1.5 text-[11px] text-zinc-400 sm:block dark:border-zinc-800"
      >
        <Kbd>↑</Kbd> <Kbd>↓</Kbd> to choose · <Kbd>Enter</Kbd> to insert the text · <Kbd>Shift</Kbd>
        +<Kbd>Enter</Kbd> the link
      </p>
    </>
  );
}

function Note({ children }: { children: ReactNode }) {
  return <p className="px-4 py-5 text-center text-[13px] text-zinc-500">{children}</p>;
}

function ArticleOption({
  id,
  row: { article, excerpt },
  active,
  loading,
  onHover,
  onInsertText,
  onInsertLink,
}: {
  id: string;
  row: Row;
  active: boolean;
  loading: boolean;
  onHover: () => void;
  onInsertText: () => void;
  onInsertLink: () => void;
}) {
  const action =
    "inline-flex h-6 items-center gap-1 rounded-md px-2 text-[12px] font-medium ring-1 ring-inset transition-colors";
  return (
    // The search box keeps focus and the keyboard; options and their buttons are clicked.
    // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the search box
    <div
      id={id}
      role="option"
      tabIndex={-1}
      aria-selected={active}
      // Keep the focus in the search box.
      onMouseDown={(e) => e.preventDefault()}
      onMouseMove={() => !active && onHover()}
      onClick={onInsertText}
      className={cn(
        "cursor-pointer rounded-lg px-3 py-2",
        active ? "bg-brand-50 dark:bg-brand-500/15" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/60",
      )}
    >
      <div className="flex items-baseline gap-2">
        <span
          className={cn(
            "min-w-0 flex-1 truncate text-[13px] font-medium",
            active ? "text-brand-700 dark:text-brand-200" : "text-zinc-900 dark:text-zinc-100",
          )}
        >
          {article.title}
        </span>
        {!article.published && <Badge>Draft</Badge>}
      </div>
      {excerpt ? (
        <p className="mt-0.5 line-clamp-2 text-xs text-zinc-500 dark:text-zinc-400">{excerpt}</p>
      ) : (
        article.tags.length > 0 && (
          <p className="mt-0.5 truncate text-xs text-zinc-500 dark:text-zinc-400">
            {article.tags.join(" · ")}
          </p>
        )
      )}
      <div className="mt-1.5 flex flex-wrap gap-1.5">
        <button
          type="button"
          tabIndex={-1}
          onClick={(e) => {
            e.stopPropagation();
            onInsertText();
          }}
          className={cn(
            action,
            "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-200 dark:ring-zinc-700 dark:hover:bg-zinc-800",
          )}
        >
          {loading ? <Spinner className="size-3" /> : <TextQuote className="size-3" />}
          Insert text
        </button>
        {article.url && (
          <button
            type="button"
            tabIndex={-1}
            title={article.url}
            onClick={(e) => {
              e.stopPropagation();
              onInsertLink();
            }}
            className={cn(
              action,
              "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-200 dark:ring-zinc-700 dark:hover:bg-zinc-800",
            )}
          >
            <Link2 className="size-3" />
            Insert link
          </button>
        )}
      </div>
    </div>
  );
}
