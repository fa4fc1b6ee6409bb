//! The knowledge page: agents read and search, owners and admins also write; the empty
//! state says what articles are for; the server's field errors show by their fields; an
//! edit sends only what changed; deleting asks first.

import { create } from "@bufbuild/protobuf";
import {
  type Article,
  ArticleSchema,
  BadRequestSchema,
  Code,
  ConnectError,
  CreateArticleResponseSchema,
  DeleteArticleResponseSchema,
  GetMeResponseSchema,
  ListArticlesResponseSchema,
  Role,
  SearchArticlesResponseSchema,
  UpdateArticleResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { knowledgeClient } from "../lib/api";
import { KnowledgeScreen } from "./KnowledgeScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const refunds = create(ArticleSchema, {
  id: "art_1",
  title: "Refund policy",
  tags: ["billing", "returns"],
  published: true,
  url: "https://shop.test/help/refunds",
  updateTime: { seconds: BigInt(Math.floor(Date.now() / 1000) - 300) },
});
const shipping = create(ArticleSchema, {
  id: "art_2",
  title: "Shipping times",
  published: false,
  updateTime: { seconds: BigInt(Math.floor(Date.now() / 1000) - 7200) },
});

function renderScreen(role: Role, articles: Article[] = [refunds, shipping]) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_1" }, role }));
  qc.setQueryData(keys.articles, {
    pages: [create(ListArticlesResponseSchema, { articles })],
    pageParams: [""],
  });
  // Lists are read again after a change.
  vi.spyOn(knowledgeClient, "listArticles").mockResolvedValue(
    create(ListArticlesResponseSchema, { articles }),
  );
  render(
    <QueryClientProvider client={qc}>
      <KnowledgeScreen />
    </QueryClientProvider>,
  );
  return qc;
}

const list = () => within(screen.getByRole("list", { name: "Articles" }));

test("agents read the list: title, published or draft, tags, when changed; no write controls", () => {
  renderScreen(Role.AGENT);
  expect(list().getByRole("button", { name: "Refund policy" })).toBeTruthy();
  expect(list().getByText("Published")).toBeTruthy();
  expect(list().getByText("Draft")).toBeTruthy();
  expect(list().getByText("billing")).toBeTruthy();
  expect(list().getByText("Updated 5m ago")).toBeTruthy();
  expect(list().getByText("shop.test/help/refunds")).toBeTruthy();
  expect(screen.queryByRole("button", { name: /New article/ })).toBeNull();
  expect(screen.queryByRole("button", { name: /^Edit / })).toBeNull();
  expect(screen.queryByRole("button", { name: /^Delete / })).toBeNull();
});

test("the empty state says what articles are for, and who writes them", () => {
  renderScreen(Role.AGENT, []);
  const empty = screen.getByTestId("knowledge-empty");
  expect(empty.textContent).toContain("published articles are what visitors may be answered from");
  expect(empty.textContent).toContain("Agents search them from the reply box");
  expect(empty.textContent).toContain("Owners and admins write them.");
  expect(screen.queryByRole("searchbox")).toBeNull();
  cleanup();
  renderScreen(Role.ADMIN, []);
  expect(screen.getByRole("button", { name: "Write the first article" })).toBeTruthy();
});

test("searching shows the matches with their excerpts", async () => {
  const search = vi.spyOn(knowledgeClient, "searchArticles").mockResolvedValue(
    create(SearchArticlesResponseSchema, {
      matches: [{ article: refunds, excerpt: "…we refund the full price within 5 days…" }],
    }),
  );
  renderScreen(Role.AGENT);
  fireEvent.change(screen.getByRole("searchbox", { name: "Search articles" }), {
    target: { value: "refunds" },
  });
  const results = within(await screen.findByRole("list", { name: "Search results" }));
  expect(results.getByText("…we refund the full price within 5 days…")).toBeTruthy();
  expect(screen.getByText(/1 match\s+for “refunds”/)).toBeTruthy();
  expect(search).toHaveBeenCalledWith({ query: "refunds", limit: 20 }, expect.anything());
  // Punctuation alone is not sent.
  fireEvent.change(screen.getByRole("searchbox"), { target: { value: "?!" } });
  await screen.findByText("Type a word to search titles, tags and text.");
});

test("a new article: the server's field errors show by their fields", async () => {
  const createArticle = vi.spyOn(knowledgeClient, "createArticle").mockRejectedValueOnce(
    new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      {
        desc: BadRequestSchema,
        value: create(BadRequestSchema, {
          fieldViolations: [
            { field: "tags[1]", description: "may only contain letters, digits" },
            { field: "url", description: "must be an absolute http:// or https:// address" },
          ],
        }),
      },
    ]),
  );
  renderScreen(Role.ADMIN);
  fireEvent.click(screen.getByRole("button", { name: "New article" }));
  const dialog = within(screen.getByRole("dialog", { name: "New article" }));
  fireEvent.change(dialog.getByLabelText("Title"), { target: { value: "Gift cards" } });
  fireEvent.change(dialog.getByLabelText("Body"), { target: { value: "They **never** expire." } });
  fireEvent.change(dialog.getByLabelText("Tags (optional)"), {
    target: { value: "Billing, gift/cards" },
  });
  fireEvent.change(dialog.getByLabelText("Public URL (optional)"), {
    target: { value: "shop.test/gift" },
  });
  fireEvent.click(dialog.getByRole("switch"));
  // The preview draws the Markdown.
  fireEvent.click(dialog.getByRole("tab", { name: "Preview" }));
  expect(dialog.getByText("never").closest("strong")).toBeTruthy();
  fireEvent.click(dialog.getByRole("button", { name: "Add article" }));
  await dialog.findByText("“gift/cards” may only contain letters, digits");
  expect(dialog.getByText("must be an absolute http:// or https:// address")).toBeTruthy();
  expect(dialog.getByLabelText("Public URL (optional)").getAttribute("aria-invalid")).toBe("true");
  expect(createArticle).toHaveBeenCalledWith({
    title: "Gift cards",
    body: "They **never** expire.",
    tags: ["billing", "gift/cards"],
    published: true,
    url: "shop.test/gift",
  });

  createArticle.mockResolvedValueOnce(
    create(CreateArticleResponseSchema, { article: { id: "art_3", title: "Gift cards" } }),
  );
  fireEvent.change(dialog.getByLabelText("Tags (optional)"), { target: { value: "billing" } });
  fireEvent.click(dialog.getByRole("button", { name: "Add article" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
});

test("an edit loads the body and sends only what changed", async () => {
  const full = create(ArticleSchema, { ...refunds, body: "We refund within 5 days." });
  vi.spyOn(knowledgeClient, "getArticle").mockResolvedValue({
    $typeName: "porthole.v1.GetArticleResponse",
    article: full,
  });
  const update = vi
    .spyOn(knowledgeClient, "updateArticle")
    .mockResolvedValue(create(UpdateArticleResponseSchema, { article: full }));
  renderScreen(Role.ADMIN);
  fireEvent.click(list().getByRole("button", { name: "Edit Refund policy" }));
  const dialog = within(screen.getByRole("dialog", { name: "Edit article" }));
  const body = (await dialog.findByLabelText("Body")) as HTMLTextAreaElement;
  expect(body.value).toBe("We refund within 5 days.");
  expect((dialog.getByLabelText("Tags (optional)") as HTMLInputElement).value).toBe(
    "billing, returns",
  );
  fireEvent.change(dialog.getByLabelText("Title"), { target: { value: "Refunds" } });
  fireEvent.click(dialog.getByRole("button", { name: "Save" }));
  await waitFor(() => expect(update).toHaveBeenCalled());
  expect(update.mock.calls[0]?.[0]).toEqual({ articleId: "art_1", title: "Refunds" });
});

test("deleting asks first", async () => {
  const remove = vi
    .spyOn(knowledgeClient, "deleteArticle")
    .mockResolvedValue(create(DeleteArticleResponseSchema, {}));
  renderScreen(Role.OWNER);
  fireEvent.click(list().getByRole("button", { name: "Delete Shipping times" }));
  const confirm = within(screen.getByRole("alertdialog", { name: "Delete “Shipping times”?" }));
  expect(remove).not.toHaveBeenCalled();
  fireEvent.click(confirm.getByRole("button", { name: "Delete" }));
  await waitFor(() => expect(remove).toHaveBeenCalledWith({ articleId: "art_2" }));
});

test("any member reads an article; its Markdown is drawn", async () => {
  vi.spyOn(knowledgeClient, "getArticle").mockResolvedValue({
    $typeName: "porthole.v1.GetArticleResponse",
    article: create(ArticleSchema, { ...refunds, body: "## Steps\n\n- Keep the receipt" }),
  });
  renderScreen(Role.AGENT);
  fireEvent.click(list().getByRole("button", { name: "Refund policy" }));
  const dialog = within(screen.getByRole("dialog", { name: "Refund policy" }));
  await dialog.findByRole("heading", { name: "Steps" });
  expect(dialog.getByText("Keep the receipt")).toBeTruthy();
  expect(dialog.queryByRole("button", { name: "Edit" })).toBeNull();
});
