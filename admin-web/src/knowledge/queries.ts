//! The knowledge base's queries, shared by its page and the composer. Articles are not in
//! the workspace feed: what this browser changes invalidates them at once (`articlesChanged`),
//! other browsers' changes show within a minute or on the next visit.

import type { Article } from "@porthole/client";
import {
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useQuery,
} from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { keys } from "../inbox/cache";
import { knowledgeClient } from "../lib/api";
import { isSearchable } from "./knowledge";

const PAGE_SIZE = 50;
const STALE_MS = 60_000;

/** The workspace's articles, most recently changed first, without bodies; 50 a page. */
export function useArticles() {
  return useInfiniteQuery({
    queryKey: keys.articles,
    queryFn: ({ pageParam, signal }) =>
      knowledgeClient.listArticles({ pageSize: PAGE_SIZE, pageToken: pageParam }, { signal }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    staleTime: STALE_MS,
  });
}

/**
 * SearchArticles for `query` (best match first, each with an excerpt), asked only for a
 * query the server takes; the previous results stay while the next ones load.
 */
export function useArticleSearch(query: string, limit: number) {
  const q = query.trim();
  return useQuery({
    queryKey: keys.articleSearch(q, limit),
    queryFn: ({ signal }) => knowledgeClient.searchArticles({ query: q, limit }, { signal }),
    enabled: isSearchable(q),
    staleTime: STALE_MS,
    placeholderData: keepPreviousData,
    select: (data) => data.matches,
  });
}

function articleQuery(id: string) {
  return {
    queryKey: keys.article(id),
    queryFn: async ({ signal }: { signal: AbortSignal }): Promise<Article> => {
      const { article } = await knowledgeClient.getArticle({ articleId: id }, { signal });
      if (!article) throw new Error("The server sent no article.");
      return article;
    },
    staleTime: STALE_MS,
  };
}

/** One article with its body (lists and search results have none). */
export function useArticle(id: string | undefined) {
  return useQuery({ ...articleQuery(id ?? ""), enabled: id !== undefined });
}

/** One article with its body, from the cache when fresh (the composer's "Insert text"). */
export function fetchArticle(qc: QueryClient, id: string): Promise<Article> {
  return qc.fetchQuery(articleQuery(id));
}

/**
 * After this browser changed an article: its own entry holds the server's copy (or is
 * dropped when deleted), and lists and searches are read again.
 */
export function articlesChanged(qc: QueryClient, id: string, saved?: Article): void {
  if (saved) qc.setQueryData(keys.article(id), saved);
  else qc.removeQueries({ queryKey: keys.article(id) });
  void qc.invalidateQueries({
    queryKey: keys.knowledge,
    predicate: (query) => query.queryKey[1] !== "article",
  });
}

/** `value`, once it has not changed for `ms` (search as you type, once the typing pauses). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
