//! The composer's knowledge-base search, as rendered in the composer: the book button opens
//! it with the recent articles, typing searches (drafts too), arrows choose, Enter inserts
//! the text (Markdown made plain) at the caret, Shift+Enter the link; the reply then has
//! the focus, and Enter sends as before.

import { create } from "@bufbuild/protobuf";
import {
  ArticleSchema,
  GetArticleResponseSchema,
  GetMeResponseSchema,
  ListArticlesResponseSchema,
  SearchArticlesResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { Composer } from "../inbox/Composer";
import { keys } from "../inbox/cache";
import { conversationClient, knowledgeClient } from "../lib/api";

const refunds = create(ArticleSchema, {
  id: "art_1",
  title: "Refund policy",
  published: true,
  url: "https://shop.test/help/refunds",
});
const shipping = create(ArticleSchema, { id: "art_2", title: "Shipping times", published: false });

beforeEach(() => {
  vi.spyOn(conversationClient, "setAgentTyping").mockResolvedValue(
    {} as Awaited<ReturnType<typeof conversationClient.setAgentTyping>>,
  );
  vi.spyOn(knowledgeClient, "searchArticles").mockResolvedValue(
    create(SearchArticlesResponseSchema, {
      matches: [
        { article: shipping, excerpt: "Parcels and refunds of postage…" },
        { article: refunds, excerpt: "We refund within 5 days…" },
      ],
    }),
  );
  vi.spyOn(knowledgeClient, "getArticle").mockResolvedValue(
    create(GetArticleResponseSchema, {
      article: { ...refunds, body: "We **refund** within 5 days.\n\n- Keep the receipt" },
    }),
  );
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderComposer() {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" } }));
  qc.setQueryData(keys.canned, { cannedResponses: [] });
  qc.setQueryData(keys.articles, {
    pages: [create(ListArticlesResponseSchema, { articles: [shipping, refunds] })],
    pageParams: [""],
  });
  const onSend = vi.fn();
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <Composer conversationId={`cnv_${Math.random()}`} onSend={onSend} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const box = screen.getByRole("textbox", { name: "Reply to the visitor" }) as HTMLTextAreaElement;
  return { box, onSend };
}

async function openAndSearch(query: string) {
  fireEvent.click(screen.getByRole("button", { name: "Knowledge base" }));
  const popover = within(await screen.findByRole("dialog", { name: "Knowledge base" }));
  const search = popover.getByRole("combobox", { name: "Search the knowledge base" });
  expect(document.activeElement).toBe(search);
  // Before a word is typed: the recently changed articles.
  expect(popover.getByText("Recently changed")).toBeTruthy();
  expect(popover.getAllByRole("option").map((o) => o.querySelector("span")?.textContent)).toEqual([
    "Shipping times",
    "Refund policy",
  ]);
  fireEvent.change(search, { target: { value: query } });
  await popover.findByText("We refund within 5 days…");
  return { popover, search };
}

test("typing searches; arrows choose; Enter inserts the text as plain text at the caret", async () => {
  const { box, onSend } = renderComposer();
  fireEvent.change(box, { target: { value: "Sure!" } });
  box.setSelectionRange(5, 5);
  const { popover, search } = await openAndSearch("refunds");
  expect(knowledgeClient.searchArticles).toHaveBeenCalledWith(
    { query: "refunds", limit: 8 },
    expect.anything(),
  );
  // Drafts are found too, and marked.
  expect(within(popover.getAllByRole("option")[0] as HTMLElement).getByText("Draft")).toBeTruthy();
  fireEvent.keyDown(search, { key: "ArrowDown" });
  const chosen = popover.getByRole("option", { selected: true });
  expect(chosen.textContent).toContain("Refund policy");
  expect(search.getAttribute("aria-activedescendant")).toBe(chosen.id);
  fireEvent.keyDown(search, { key: "Enter" });
  await waitFor(() =>
    expect(box.value).toBe("Sure!\n\nWe refund within 5 days.\n\n- Keep the receipt"),
  );
  expect(knowledgeClient.getArticle).toHaveBeenCalledWith(
    { articleId: "art_1" },
    expect.anything(),
  );
  expect(screen.queryByRole("dialog")).toBeNull();
  expect(document.activeElement).toBe(box);
  expect(box.selectionStart).toBe(box.value.length);
  const reply = box.value;
  fireEvent.keyDown(box, { key: "Enter" });
  expect(onSend).toHaveBeenCalledWith(reply, false, []);
});

test("Shift+Enter inserts the link among the words; an article without one has no link", async () => {
  const { box } = renderComposer();
  fireEvent.change(box, { target: { value: "Read this" } });
  box.setSelectionRange(9, 9);
  const { popover, search } = await openAndSearch("refunds");
  const [draft, published] = popover.getAllByRole("option") as HTMLElement[];
  expect(within(draft as HTMLElement).queryByText("Insert link")).toBeNull();
  expect(within(published as HTMLElement).getByText("Insert link")).toBeTruthy();
  // The first (no link): Shift+Enter does nothing.
  fireEvent.keyDown(search, { key: "Enter", shiftKey: true });
  expect(box.value).toBe("Read this");
  fireEvent.keyDown(search, { key: "ArrowUp" });
  await act(async () => {
    fireEvent.keyDown(search, { key: "Enter", shiftKey: true });
  });
  expect(box.value).toBe("Read this https://shop.test/help/refunds");
  expect(knowledgeClient.getArticle).not.toHaveBeenCalled();
});

test("the buttons insert too", async () => {
  const { box } = renderComposer();
  const { popover } = await openAndSearch("refunds");
  fireEvent.click(popover.getAllByText("Insert text")[1] as HTMLElement);
  await waitFor(() => expect(box.value).toBe("We refund within 5 days.\n\n- Keep the receipt"));
});

test("Escape closes the search and gives the reply the focus back, text untouched", async () => {
  const { box } = renderComposer();
  fireEvent.change(box, { target: { value: "Hello" } });
  const { search } = await openAndSearch("refunds");
  fireEvent.keyDown(search, { key: "Escape" });
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(document.activeElement).toBe(box);
  expect(box.value).toBe("Hello");
});

test("Enter typed before the results are in waits for them and takes the best match", async () => {
  vi.mocked(knowledgeClient.searchArticles).mockResolvedValueOnce(
    create(SearchArticlesResponseSchema, {
      matches: [{ article: refunds, excerpt: "We refund within 5 days…" }],
    }),
  );
  const { box } = renderComposer();
  fireEvent.click(screen.getByRole("button", { name: "Knowledge base" }));
  const popover = within(await screen.findByRole("dialog", { name: "Knowledge base" }));
  const search = popover.getByRole("combobox");
  // The recent list shows "Shipping times" first; the search will say "Refund policy".
  fireEvent.change(search, { target: { value: "refunds" } });
  expect(popover.getByRole("listbox").getAttribute("aria-busy")).toBe("true");
  fireEvent.keyDown(search, { key: "Enter" });
  await waitFor(() => expect(box.value).toBe("We refund within 5 days.\n\n- Keep the receipt"));
  expect(knowledgeClient.getArticle).toHaveBeenCalledWith(
    { articleId: "art_1" },
    expect.anything(),
  );
});
