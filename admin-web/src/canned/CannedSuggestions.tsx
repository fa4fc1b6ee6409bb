//! Canned responses in the composer: typing `/` at the start of a word opens a listbox of
//! matching responses above the reply box. ↑/↓ move, Enter or Tab inserts, Escape closes, a
//! click inserts. The textarea keeps focus throughout and points at the active option with
//! `aria-activedescendant`, so screen readers follow the choice.

import type { CannedResponse } from "@porthole/client";
import {
  type KeyboardEvent,
  type RefObject,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { cn } from "../components/ui/cn";
import { Kbd } from "../components/ui/misc";
import {
  fillPlaceholders,
  filterCanned,
  findSlashQuery,
  insertCanned,
  type PlaceholderValues,
} from "./canned";
import { useCannedResponses } from "./queries";

/** State and handlers that connect the composer's textarea to the suggestion list. */
export interface CannedCompletion {
  open: boolean;
  matches: CannedResponse[];
  active: number;
  listId: string;
  optionId: (index: number) => string;
  /** Props for the textarea (caret tracking and the listbox relation). */
  textareaProps: {
    onSelect: () => void;
    onBlur: () => void;
    "aria-autocomplete": "list";
    "aria-controls"?: string;
    "aria-activedescendant"?: string;
  };
  /** Handles the list's keys; true when the event was used (the composer must ignore it). */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** Updates the caret after the text changed by typing. */
  onTextChange: (caret: number) => void;
  choose: (canned: CannedResponse) => void;
  /** The body as it would be inserted (placeholders filled in). */
  preview: (canned: CannedResponse) => string;
  setActive: (index: number) => void;
}

export function useCannedCompletion({
  text,
  setText,
  area,
  values,
}: {
  text: string;
  setText: (text: string) => void;
  area: RefObject<HTMLTextAreaElement | null>;
  values: PlaceholderValues;
}): CannedCompletion {
  const canned = useCannedResponses().data;
  const listId = useId();
  // Where the caret is; null while the textarea is not focused (the list then stays shut).
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  // The `/` whose list was closed with Escape: it stays closed until that word is gone.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const pendingCaret = useRef<number | null>(null);

  const slash = caret === null ? null : findSlashQuery(text, caret);
  const matches = slash && canned ? filterCanned(canned, slash.query) : [];
  const open = slash !== null && matches.length > 0 && dismissed !== slash.start;

  const queryKey = slash ? `${slash.start}:${slash.query}` : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query starts at the top
  useEffect(() => setActive(0), [queryKey]);
  useEffect(() => {
    if (!slash && dismissed !== null) setDismissed(null);
  }, [slash, dismissed]);

  // After inserting, put the caret behind the inserted text.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the text was replaced
  useLayoutEffect(() => {
    const at = pendingCaret.current;
    const el = area.current;
    if (at === null || !el) return;
    pendingCaret.current = null;
    el.focus();
    el.setSelectionRange(at, at);
  }, [text]);

  const optionId = (index: number) => `${listId}-option-${index}`;

  function choose(c: CannedResponse) {
    if (!slash) return;
    const result = insertCanned(text, slash, fillPlaceholders(c.body, values));
    pendingCaret.current = result.caret;
    setCaret(result.caret);
    // A body that itself ends in `/word` must not reopen the list.
    setDismissed(findSlashQuery(result.text, result.caret)?.start ?? null);
    setText(result.text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || event.nativeEvent.isComposing) return false;
    const count = matches.length;
    switch (event.key) {
      case "ArrowDown":
        setActive((i) => (i + 1) % count);
        break;
      case "ArrowUp":
        setActive((i) => (i - 1 + count) % count);
        break;
      case "Enter":
      case "Tab": {
        if (event.shiftKey) return false;
        const chosen = matches[Math.min(active, count - 1)];
        if (!chosen) return false;
        choose(chosen);
        break;
      }
      case "Escape":
        setDismissed(slash?.start ?? null);
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  }

  const read = () => {
    const el = area.current;
    if (el && document.activeElement === el) setCaret(el.selectionStart);
  };

  return {
    open,
    matches,
    active,
    listId,
    optionId,
    textareaProps: {
      onSelect: read,
      onBlur: () => setCaret(null),
      "aria-autocomplete": "list",
      ...(open ? { "aria-controls": listId, "aria-activedescendant": optionId(active) } : {}),
    },
    onKeyDown,
    onTextChange: setCaret,
    choose,
    preview: (m) => fillPlaceholders(m.body, values),
    setActive,
  };
}

/** The suggestion list, placed above the reply box (its parent is `relative`). */
export function CannedSuggestions({ completion: c }: { completion: CannedCompletion }) {
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!c.open) return;
    list.current
      ?.querySelector(`[id="${CSS.escape(c.optionId(c.active))}"]`)
      ?.scrollIntoView({ block: "nearest" });
  }, [c.open, c.active, c.optionId]);
  if (!c.open) return null;
  return (
    <div className="absolute right-0 bottom-full left-0 z-30 mb-2 overflow-hidden rounded-xl bg-white shadow-xl ring-1 ring-zinc-950/10 animate-pop-in dark:bg-zinc-900 dark:ring-white/10">
      <div
        ref={list}
        id={c.listId}
        role="listbox"
        aria-label="Canned responses"
        className="max-h-64 overflow-y-auto p-1"
      >
        {c.matches.map((m, i) => (
          // The textarea keeps focus and the keyboard; options are only clicked.
          // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the textarea
          <div
            key={m.id}
            id={c.optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={i === c.active}
            // Keep focus (and the caret) in the textarea.
            onMouseDown={(e) => e.preventDefault()}
            onMouseMove={() => i !== c.active && c.setActive(i)}
            onClick={() => c.choose(m)}
            className={cn(
              "cursor-pointer rounded-lg px-3 py-2",
              i === c.active
                ? "bg-brand-50 dark:bg-brand-500/15"
                : "hover:bg-zinc-50 dark:hover:bg-zinc-800/60",
            )}
          >
            <div className="flex items-baseline gap-2">
              <span
                className={cn(
                  "font-mono text-[13px] font-medium",
                  i === c.active
                    ? "text-brand-700 dark:text-brand-300"
                    : "text-zinc-900 dark:text-zinc-100",
                )}
              >
                /{m.shortcut}
              </span>
              {m.title && (
                <span className="truncate text-[13px] text-zinc-600 dark:text-zinc-300">
                  {m.title}
                </span>
              )}
            </div>
            <p className="mt-0.5 truncate text-xs text-zinc-500 dark:text-zinc-400">
              {c.preview(m)}
            </p>
          </div>
        ))}
      </div>
      <p className="border-t border-zinc-100 px-3 py-1.5 text-[11px] text-zinc-400 dark:border-zinc-800">
        <Kbd>↑</Kbd> <Kbd>↓</Kbd> to choose · <Kbd>Enter</Kbd> or <Kbd>Tab</Kbd> to insert ·{" "}
        <Kbd>Esc</Kbd> to close
      </p>
    </div>
  );
}
