//! Tags of a conversation, edited in a popover: type and Enter to add, × to remove.

import * as Popover from "@radix-ui/react-popover";
import { Tag, X } from "lucide-react";
import { useState } from "react";
import { Button } from "../components/ui/Button";

export function TagEditor({
  tags,
  onChange,
}: {
  tags: string[];
  onChange: (tags: string[]) => void;
}) {
  const [draft, setDraft] = useState("");
  const add = () => {
    const tag = draft.trim().toLowerCase().slice(0, 40);
    if (tag && !tags.includes(tag) && tags.length < 20) onChange([...tags, tag]);
    setDraft("");
  };
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button
          size="sm"
          variant="ghost"
          aria-label={tags.length ? `Tags: ${tags.join(", ")}` : "Add tags"}
        >
          <Tag className="size-3.5" />
          {tags.length > 0 && <span className="hidden tabular-nums sm:inline">{tags.length}</span>}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          className="z-50 w-72 rounded-lg bg-white p-3 shadow-lg ring-1 ring-zinc-950/10 animate-pop-in dark:bg-zinc-900 dark:ring-white/10"
        >
          <p className="mb-2 text-xs font-semibold text-zinc-500">Tags</p>
          <div className="mb-2 flex flex-wrap gap-1">
            {tags.length === 0 && <span className="text-xs text-zinc-400">No tags yet.</span>}
            {tags.map((t) => (
              <span
                key={t}
                className="inline-flex items-center gap-1 rounded-md bg-zinc-100 py-0.5 pr-0.5 pl-1.5 text-xs dark:bg-zinc-800"
              >
                {t}
                <button
                  type="button"
                  aria-label={`Remove tag ${t}`}
                  onClick={() => onChange(tags.filter((x) => x !== t))}
                  className="rounded p-0.5 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
                >
                  <X className="size-3" />
                </button>
              </span>
            ))}
          </div>
          <input
            aria-label="New tag"
            placeholder="Add a tag and press Enter"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" || e.key === ",") {
                e.preventDefault();
                add();
              }
            }}
            className="h-8 w-full rounded-md bg-zinc-100 px-2 text-[13px] focus:ring-2 focus:ring-brand-500 focus:outline-none dark:bg-zinc-800"
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
