//! The knowledge page's dialogs: reading an article (its Markdown drawn, tags, where it is
//! published; any member), and writing one (owners and admins): title, the Markdown body
//! with a preview, tags, the published switch and the public URL; the server's field
//! errors show next to their fields, and an edit sends only what changed.

import type { Article } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ExternalLink, Pencil } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input, Textarea } from "../components/ui/Field";
import { Badge, Spinner } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast } from "../components/ui/Toast";
import { knowledgeClient } from "../lib/api";
import { describeError } from "../lib/errors";
import { ago, fullTime } from "../lib/format";
import {
  type ArticleDraft,
  type ArticleErrors,
  articleChanges,
  articleFormErrors,
  createRequest,
  draftOf,
  LIMITS,
  parseTags,
} from "./knowledge";
import { Markdown } from "./Markdown";
import { articlesChanged, useArticle } from "./queries";

/** "Published" or "Draft", in words and colour. */
export function PublishedBadge({ published }: { published: boolean }) {
  return (
    <span title={published ? "Visitors may be answered from it" : "Only your team finds it"}>
      {published ? <Badge tone="green">Published</Badge> : <Badge>Draft</Badge>}
    </span>
  );
}

/** An article's tags as small chips. */
export function TagChips({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul aria-label="Tags" className="flex flex-wrap gap-1">
      {tags.map((t) => (
        <li
          key={t}
          className="rounded-md bg-zinc-100 px-1.5 py-0.5 text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
        >
          {t}
        </li>
      ))}
    </ul>
  );
}

/** The host and path of a URL, for a short link text. */
export function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//i, "").replace(/\/$/, "");
}

/**
 * Reads an article (any member). `summary` is the list's copy, shown while the body loads;
 * `onEdit` is given to owners and admins.
 */
export function ArticleReader({
  summary,
  onOpenChange,
  onEdit,
}: {
  summary: Article | undefined;
  onOpenChange: (open: boolean) => void;
  onEdit?: () => void;
}) {
  const full = useArticle(summary?.id);
  const article = full.data ?? summary;
  return (
    <Dialog
      open={summary !== undefined}
      onOpenChange={onOpenChange}
      title={article?.title ?? ""}
      description={
        article && (
          <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <PublishedBadge published={article.published} />
            <span title={fullTime(article.updateTime)}>Updated {ago(article.updateTime)}</span>
          </span>
        )
      }
      className="max-h-[calc(100dvh-2rem)] max-w-2xl overflow-y-auto"
    >
      <div className="space-y-4">
        {article && <TagChips tags={article.tags} />}
        <div className="max-h-[55vh] overflow-y-auto rounded-lg bg-zinc-50 px-4 py-3 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-950/40 dark:ring-zinc-800">
          {full.data ? (
            <Markdown text={full.data.body} />
          ) : full.isError ? (
            <FormAlert>{describeError(full.error)}</FormAlert>
          ) : (
            <div className="flex justify-center py-6">
              <Spinner />
            </div>
          )}
        </div>
        <div className="flex flex-wrap items-center justify-end gap-2">
          {article?.url && (
            <a
              href={article.url}
              target="_blank"
              rel="noopener noreferrer"
              className="mr-auto inline-flex min-w-0 items-center gap-1.5 text-[13px] font-medium text-brand-600 hover:underline dark:text-brand-400"
            >
              <ExternalLink className="size-3.5 shrink-0" />
              <span className="truncate">{shortUrl(article.url)}</span>
            </a>
          )}
          {onEdit && (
            <Button onClick={onEdit}>
              <Pencil className="size-3.5" /> Edit
            </Button>
          )}
          <Button variant="primary" onClick={() => onOpenChange(false)}>
            Close
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

/**
 * Writes an article (owners and admins): a new one when `articleId` is unset. An existing
 * article's body is loaded first (lists carry none).
 */
export function ArticleEditor({
  open,
  articleId,
  onOpenChange,
}: {
  open: boolean;
  articleId?: string;
  onOpenChange: (open: boolean) => void;
}) {
  const existing = useArticle(open ? articleId : undefined);
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={articleId ? "Edit article" : "New article"}
      description={
        articleId
          ? "Agents find the change at once; a reply already sent keeps what it said."
          : "An answer your team gives again and again: a policy, a how-to, a common question."
      }
      className="max-h-[calc(100dvh-2rem)] max-w-2xl overflow-y-auto"
    >
      {!articleId ? (
        <ArticleForm onDone={() => onOpenChange(false)} />
      ) : existing.data ? (
        <ArticleForm
          key={existing.data.id}
          existing={existing.data}
          onDone={() => onOpenChange(false)}
        />
      ) : existing.isError ? (
        <FormAlert>{describeError(existing.error)}</FormAlert>
      ) : (
        <div className="flex justify-center py-10">
          <Spinner />
        </div>
      )}
    </Dialog>
  );
}

function ArticleForm({ existing, onDone }: { existing?: Article; onDone: () => void }) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ArticleDraft>(() => draftOf(existing));
  const [errors, setErrors] = useState<ArticleErrors>({ fields: {} });
  const set = <K extends keyof ArticleDraft>(key: K, value: ArticleDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const save = useMutation({
    mutationFn: async () => {
      if (!existing) return (await knowledgeClient.createArticle(createRequest(draft))).article;
      const changes = articleChanges(existing, draft);
      if (Object.keys(changes).length === 0) return existing;
      return (await knowledgeClient.updateArticle({ articleId: existing.id, ...changes })).article;
    },
    onSuccess: (saved) => {
      if (saved) articlesChanged(qc, saved.id, saved);
      toast(existing ? "Article saved" : "Article added", {
        description: saved?.published
          ? "Published: visitors may be answered from it."
          : "A draft: only your team finds it.",
      });
      onDone();
    },
    onError: (e) => setErrors(articleFormErrors(e, parseTags(draft.tags))),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({ fields: {} });
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field label="Title" error={errors.fields.title}>
        {(p) => (
          <Input
            {...p}
            autoFocus={!existing}
            autoComplete="off"
            placeholder="e.g. How refunds work"
            value={draft.title}
            onChange={(e) => set("title", e.target.value)}
          />
        )}
      </Field>
      <BodyField
        value={draft.body}
        onChange={(body) => set("body", body)}
        error={errors.fields.body}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Tags (optional)"
          hint={`Separated by commas; up to ${LIMITS.tags}.`}
          error={errors.fields.tags}
        >
          {(p) => (
            <Input
              {...p}
              autoComplete="off"
              placeholder="billing, returns"
              value={draft.tags}
              onChange={(e) => set("tags", e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Public URL (optional)"
          hint="Where it is published on your site, for a link in replies."
          error={errors.fields.url}
        >
          {(p) => (
            <Input
              {...p}
              type="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://example.com/help/refunds"
              value={draft.url}
              onChange={(e) => set("url", e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="rounded-lg bg-zinc-50 px-3 py-2.5 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-800/40 dark:ring-zinc-700/60">
        <Switch
          checked={draft.published}
          onCheckedChange={(on) => set("published", on)}
          label="Published"
          description="Published articles are what visitors may be answered from. Drafts are found only by your team."
        />
      </div>
      <FormAlert>{errors.form}</FormAlert>
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" loading={save.isPending}>
          {existing ? "Save" : "Add article"}
        </Button>
      </div>
    </form>
  );
}

/** The Markdown body: a textarea, or its preview, switched by two tabs above it. */
function BodyField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const [preview, setPreview] = useState(false);
  const described = error ? `${id}-error` : `${id}-hint`;
  const tab = (on: boolean) =>
    cn(
      "rounded-md px-2 py-0.5 text-xs font-medium",
      on
        ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
        : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
    );
  return (
    <div className="space-y-1.5">
      <div className="flex items-end justify-between gap-3">
        <label
          htmlFor={id}
          className="block text-[13px] font-medium text-zinc-700 dark:text-zinc-300"
        >
          Body
        </label>
        <div role="tablist" aria-label="Write or preview" className="flex gap-1">
          <button
            type="button"
            role="tab"
            aria-selected={!preview}
            className={tab(!preview)}
            onClick={() => setPreview(false)}
          >
            Write
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={preview}
            className={tab(preview)}
            onClick={() => setPreview(true)}
          >
            Preview
          </button>
        </div>
      </div>
      {preview ? (
        <div
          role="tabpanel"
          aria-label="Preview"
          className="max-h-[45vh] min-h-[190px] overflow-y-auto rounded-lg bg-zinc-50 px-3 py-2 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-950/40 dark:ring-zinc-800"
        >
          {value.trim() ? (
            <Markdown text={value} />
          ) : (
            <p className="text-[13px] text-zinc-400">Nothing to preview yet.</p>
          )}
        </div>
      ) : (
        <Textarea
          id={id}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
          invalid={error !== undefined}
          rows={9}
          placeholder={
            "Refunds reach your card within **5 working days**.\n\n- Keep the receipt\n- [Start a return](https://example.com/returns)"
          }
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="max-h-[45vh] min-h-[190px] resize-y font-mono text-[13px] leading-relaxed"
        />
      )}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
          Markdown: **bold**, *italic*, [link](https://…), lists with -. Up to{" "}
          {LIMITS.body.toLocaleString("en")} characters.
        </p>
      )}
    </div>
  );
}
