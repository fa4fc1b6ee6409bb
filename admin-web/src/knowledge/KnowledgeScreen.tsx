//! The knowledge base (`/knowledge`, every member; `KnowledgeService`): the workspace's
//! articles, most recently changed first (title, published or draft, tags, when changed,
//! where it is published), 50 at a time with "Load more"; a search box (SearchArticles:
//! best match first, with the excerpt around the match); reading an article. Owners and
//! admins add, edit and delete them (`ArticleDialogs.tsx`; deleting asks first); agents
//! see no write controls, as the server would refuse them.

import type { Article } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { BookOpen, ExternalLink, Pencil, Plus, Search, Trash2, X } from "lucide-react";
import { useState } from "react";
import { Button, IconButton } from "../components/ui/Button";
import { ConfirmDialog } from "../components/ui/Dialog";
import { FormAlert } from "../components/ui/Field";
import { EmptyState, Spinner } from "../components/ui/misc";
import { toast, toastError } from "../components/ui/Toast";
import { knowledgeClient } from "../lib/api";
import { useIsAdmin } from "../lib/auth";
import { describeError } from "../lib/errors";
import { ago, fullTime } from "../lib/format";
import { PageHeader } from "../shell/PageHeader";
import { ArticleEditor, ArticleReader, PublishedBadge, shortUrl, TagChips } from "./ArticleDialogs";
import { isSearchable, PAGE_RESULTS } from "./knowledge";
import { articlesChanged, useArticleSearch, useArticles, useDebounced } from "./queries";

export function KnowledgeScreen() {
  const canManage = useIsAdmin();
  const articles = useArticles();
  const [query, setQuery] = useState("");
  const settled = useDebounced(query, 250).trim();
  const searching = isSearchable(settled);
  // `null`: the editor is closed; `id` unset inside: a new article.
  const [editing, setEditing] = useState<{ id?: string } | null>(null);
  const [reading, setReading] = useState<Article>();
  const [deleting, setDeleting] = useState<Article>();
  const list = articles.data?.pages.flatMap((page) => page.articles) ?? [];
  const none = articles.data !== undefined && list.length === 0;
  const rowActions = {
    canManage,
    onOpen: setReading,
    onEdit: (a: Article) => setEditing({ id: a.id }),
    onDelete: setDeleting,
  };
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Knowledge base"
        description="Answers your team gives again and again, to search from any reply box."
        actions={
          canManage &&
          !none && (
            <Button variant="primary" onClick={() => setEditing({})}>
              <Plus className="size-4" /> New article
            </Button>
          )
        }
      />
      <div className="mx-auto max-w-4xl space-y-4 px-4 pb-10 sm:px-8">
        {articles.isPending ? (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        ) : !articles.data ? (
          <FormAlert>
            <span className="font-medium">Articles could not be loaded.</span>{" "}
            {describeError(articles.error)}
          </FormAlert>
        ) : none ? (
          <section className="rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <EmptyState
              icon={<BookOpen className="size-5" />}
              title="No articles yet"
              data-testid="knowledge-empty"
            >
              <p>
                Write down the answers your team gives again and again: policies, how-tos, common
                questions. Agents search them from the reply box and insert a link or the text;
                published articles are what visitors may be answered from.
              </p>
              {canManage ? (
                <div className="mt-4">
                  <Button variant="primary" onClick={() => setEditing({})}>
                    <Plus className="size-4" /> Write the first article
                  </Button>
                </div>
              ) : (
                <p className="mt-2">Owners and admins write them.</p>
              )}
            </EmptyState>
          </section>
        ) : (
          <>
            <SearchBox value={query} onChange={setQuery} />
            {query.trim() !== "" ? (
              searching ? (
                <SearchResults query={settled} {...rowActions} />
              ) : (
                <p className="px-1 text-[13px] text-zinc-500 dark:text-zinc-400">
                  Type a word to search titles, tags and text.
                </p>
              )
            ) : (
              <>
                <ArticleList label="Articles" {...rowActions}>
                  {list.map((a) => ({ article: a }))}
                </ArticleList>
                {articles.hasNextPage && (
                  <div className="flex justify-center">
                    <Button
                      loading={articles.isFetchingNextPage}
                      onClick={() => void articles.fetchNextPage()}
                    >
                      Load more
                    </Button>
                  </div>
                )}
                {articles.isFetchNextPageError && (
                  <FormAlert>
                    <span className="font-medium">More articles could not be loaded.</span>{" "}
                    {describeError(articles.error)}
                  </FormAlert>
                )}
              </>
            )}
          </>
        )}
      </div>
      <ArticleReader
        summary={reading}
        onOpenChange={(open) => !open && setReading(undefined)}
        {...(canManage && reading
          ? {
              onEdit: () => {
                setEditing({ id: reading.id });
                setReading(undefined);
              },
            }
          : {})}
      />
      {canManage && (
        <ArticleEditor
          key={editing?.id ?? "new"}
          open={editing !== null}
          {...(editing?.id ? { articleId: editing.id } : {})}
          onOpenChange={(open) => !open && setEditing(null)}
        />
      )}
      <DeleteArticle article={deleting} onDone={() => setDeleting(undefined)} />
    </div>
  );
}

function SearchBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <div className="relative">
      <Search
        aria-hidden
        className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
      />
      <input
        type="search"
        aria-label="Search articles"
        placeholder="Search titles, tags and text"
        value={value}
        maxLength={500}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape" && value) {
            e.preventDefault();
            onChange("");
          }
        }}
        className="h-10 w-full rounded-lg bg-white pr-9 pl-9 text-sm shadow-xs ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-brand-500 focus:outline-none dark:bg-zinc-900 dark:ring-zinc-700 [&::-webkit-search-cancel-button]:hidden"
      />
      {value && (
        <button
          type="button"
          aria-label="Clear search"
          onClick={() => onChange("")}
          className="absolute top-1/2 right-2.5 -translate-y-1/2 rounded p-0.5 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
        >
          <X className="size-4" />
        </button>
      )}
    </div>
  );
}

interface RowActions {
  canManage: boolean;
  onOpen: (article: Article) => void;
  onEdit: (article: Article) => void;
  onDelete: (article: Article) => void;
}

function SearchResults({ query, ...actions }: { query: string } & RowActions) {
  const search = useArticleSearch(query, PAGE_RESULTS);
  if (search.isPending)
    return (
      <div className="flex justify-center py-10">
        <Spinner />
      </div>
    );
  if (search.isError)
    return (
      <FormAlert>
        <span className="font-medium">The search failed.</span> {describeError(search.error)}
      </FormAlert>
    );
  const matches = search.data;
  if (matches.length === 0)
    return (
      <section className="rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
        <EmptyState icon={<Search className="size-5" />} title={`No article matches “${query}”`}>
          Words are matched by their stem (“refunds” finds “refund”); try another word.
        </EmptyState>
      </section>
    );
  return (
    <>
      <p className="px-1 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
        {matches.length === PAGE_RESULTS
          ? `The ${PAGE_RESULTS} best matches`
          : matches.length === 1
            ? "1 match"
            : `${matches.length} matches`}{" "}
        for “{query}”, best first
      </p>
      <ArticleList label="Search results" {...actions}>
        {matches.flatMap((m) => (m.article ? [{ article: m.article, excerpt: m.excerpt }] : []))}
      </ArticleList>
    </>
  );
}

function ArticleList({
  label,
  children: rows,
  ...actions
}: { label: string; children: { article: Article; excerpt?: string }[] } & RowActions) {
  return (
    <ul
      aria-label={label}
      className="divide-y divide-zinc-100 overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {rows.map((row) => (
        <ArticleRow key={row.article.id} {...row} {...actions} />
      ))}
    </ul>
  );
}

function ArticleRow({
  article: a,
  excerpt,
  canManage,
  onOpen,
  onEdit,
  onDelete,
}: { article: Article; excerpt?: string } & RowActions) {
  return (
    <li className="flex items-start gap-3 px-4 py-3.5 sm:px-5">
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <button
            type="button"
            onClick={() => onOpen(a)}
            className="min-w-0 text-left text-[14px] font-medium break-words text-zinc-900 hover:text-brand-600 hover:underline dark:text-zinc-100 dark:hover:text-brand-300"
          >
            {a.title}
          </button>
          <PublishedBadge published={a.published} />
        </div>
        {excerpt && (
          <p className="mt-1 line-clamp-2 text-[13px] text-zinc-600 dark:text-zinc-400">
            {excerpt}
          </p>
        )}
        <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1.5 text-xs text-zinc-500 dark:text-zinc-400">
          <TagChips tags={a.tags} />
          <span title={fullTime(a.updateTime)}>Updated {ago(a.updateTime)}</span>
          {a.url && (
            <a
              href={a.url}
              target="_blank"
              rel="noopener noreferrer"
              title={a.url}
              className="inline-flex max-w-full min-w-0 items-center gap-1 hover:text-brand-600 hover:underline dark:hover:text-brand-300"
            >
              <ExternalLink className="size-3 shrink-0" />
              <span className="truncate">{shortUrl(a.url)}</span>
            </a>
          )}
        </div>
      </div>
      {canManage && (
        <div className="flex shrink-0 gap-0.5">
          <IconButton size="sm" label={`Edit ${a.title}`} onClick={() => onEdit(a)}>
            <Pencil className="size-3.5" />
          </IconButton>
          <IconButton size="sm" label={`Delete ${a.title}`} onClick={() => onDelete(a)}>
            <Trash2 className="size-3.5" />
          </IconButton>
        </div>
      )}
    </li>
  );
}

function DeleteArticle({ article, onDone }: { article?: Article; onDone: () => void }) {
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: (a: Article) => knowledgeClient.deleteArticle({ articleId: a.id }),
    onSuccess: (_, a) => {
      articlesChanged(qc, a.id);
      toast("Article deleted");
      onDone();
    },
    onError: (e) => {
      onDone();
      toastError("Could not delete the article", describeError(e));
    },
  });
  return (
    <ConfirmDialog
      open={article !== undefined}
      onOpenChange={(open) => !open && onDone()}
      title={`Delete “${article?.title ?? ""}”?`}
      description="Your team no longer finds it, and visitors are no longer answered from it. Replies that already quoted it stay as they are."
      confirmLabel="Delete"
      danger
      pending={remove.isPending}
      onConfirm={() => article && remove.mutate(article)}
    />
  );
}
