//! The reply box: reply or internal note, Enter sends and Shift+Enter breaks the line,
//! files attached by button, paste or drop, typing reported to the visitor (never for notes),
//! canned responses inserted by typing `/shortcut` (the list then owns Enter, Tab, arrows
//! and Escape), knowledge-base articles found with the book button beside the clip and
//! inserted at the caret, as a link or as text (`knowledge/KnowledgePicker.tsx`), and beside
//! it the AI model's help (`bot/assist.tsx`): "Suggest a reply" puts a draft into the box to
//! edit (never sends it), "Summarise" asks for the summary shown above the thread.

import type { Attachment } from "@porthole/client";
import { maxAttachmentBytes } from "@porthole/client/rules";
import { Lock, Paperclip, SendHorizontal, X } from "lucide-react";
import {
  type ClipboardEvent,
  type DragEvent,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { AssistButtons, type AssistState, SuggestStatus, useSuggestReply } from "../bot/assist";
import { useAssistOffered } from "../bot/queries";
import { CannedSuggestions, useCannedCompletion } from "../canned/CannedSuggestions";
import type { PlaceholderValues } from "../canned/canned";
import { Button, IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Kbd, Spinner } from "../components/ui/misc";
import { toastError } from "../components/ui/Toast";
import { KnowledgeButton, type KnowledgeInsert } from "../knowledge/KnowledgePicker";
import { insertSnippet } from "../knowledge/knowledge";
import { conversationClient } from "../lib/api";
import { useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { formatBytes } from "../lib/format";
import { shortcuts } from "./shortcuts";

/** Unsent replies by conversation, so switching conversations keeps what was typed. */
const drafts = new Map<string, string>();

interface Upload {
  key: string;
  name: string;
  attachment?: Attachment;
}

export function Composer({
  conversationId,
  disabled,
  disabledReason,
  visitor,
  onSend,
  summarise,
}: {
  conversationId: string;
  disabled?: boolean;
  disabledReason?: string;
  /** The visitor's name and e-mail, for canned responses' placeholders. */
  visitor?: { name: string; email: string };
  onSend: (body: string, internal: boolean, attachments: Attachment[]) => void;
  /** "Summarise" (its summary shows above the thread); absent, neither assist action shows. */
  summarise?: AssistState | undefined;
}) {
  const [text, setTextState] = useState(() => drafts.get(conversationId) ?? "");
  const setText = (value: string) => {
    setTextState(value);
    if (value) drafts.set(conversationId, value);
    else drafts.delete(conversationId);
  };
  const [note, setNote] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const agentName = useMe().data?.user?.displayName ?? "";
  const placeholderValues: PlaceholderValues = {
    visitorName: visitor?.name ?? "",
    visitorEmail: visitor?.email ?? "",
    agentName,
  };
  const canned = useCannedCompletion({
    text,
    setText: (value) => {
      setText(value);
      setTyping(value !== "");
    },
    area,
    values: placeholderValues,
  });
  const typing = useRef<{
    sentAt: number;
    stopTimer?: ReturnType<typeof setTimeout>;
    internal: boolean;
  }>({
    sentAt: 0,
    internal: false,
  });

  useEffect(() => {
    shortcuts.focusReply = () => area.current?.focus();
    return () => {
      shortcuts.focusReply = undefined;
    };
  }, []);

  // Grow with the text up to a limit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the text changes
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const setTyping = (on: boolean) => {
    const t = typing.current;
    clearTimeout(t.stopTimer);
    const now = Date.now();
    if (on) {
      if (now - t.sentAt > 3000 || t.internal !== note) {
        t.sentAt = now;
        t.internal = note;
        void conversationClient
          .setAgentTyping({ conversationId, typing: true, internal: note })
          .catch(() => {});
      }
      t.stopTimer = setTimeout(() => setTyping(false), 4000);
    } else if (t.sentAt) {
      t.sentAt = 0;
      void conversationClient
        .setAgentTyping({ conversationId, typing: false, internal: t.internal })
        .catch(() => {});
    }
  };

  // After an article was inserted, the caret goes behind it and the reply takes the focus.
  const caretAfterInsert = useRef<number | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the text was replaced
  useLayoutEffect(() => {
    const at = caretAfterInsert.current;
    const el = area.current;
    if (at === null || !el) return;
    caretAfterInsert.current = null;
    el.focus();
    el.setSelectionRange(at, at);
  }, [text]);

  const insertArticle: KnowledgeInsert = (snippet, kind) => {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const result = insertSnippet(text, start, end, snippet, kind);
    caretAfterInsert.current = result.caret;
    setText(result.text);
    setTyping(true);
    // Same text (nothing changed): the effect above would not run.
    if (result.text === text) {
      el?.focus();
      el?.setSelectionRange(result.caret, result.caret);
    }
  };

  // A suggested reply goes in like an article's text: its own paragraph at the caret, in
  // the reply (not a note), for the agent to edit and send.
  const suggest = useSuggestReply(conversationId, (suggestion) => {
    setNote(false);
    insertArticle(suggestion, "block");
  });
  const assistOffered = useAssistOffered() && summarise !== undefined;

  // Stop "typing" when leaving the conversation.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on unmount
  useEffect(() => () => setTyping(false), []);

  async function upload(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      // Only the size: the server also takes any UTF-8 text, whatever the browser calls it,
      // so the type is left to its answer.
      if (file.size > maxAttachmentBytes) {
        toastError(`${file.name} is too big`, "Files can be up to 10 MB.");
        continue;
      }
      const key = `${file.name}-${Math.random()}`;
      setUploads((u) => [...u, { key, name: file.name }]);
      try {
        const data = new Uint8Array(await file.arrayBuffer());
        const res = await conversationClient.uploadConversationAttachment({
          conversationId,
          fileName: file.name,
          data,
        });
        setUploads((u) =>
          u.map((x) =>
            x.key === key && res.attachment ? { ...x, attachment: res.attachment } : x,
          ),
        );
      } catch (error) {
        setUploads((u) => u.filter((x) => x.key !== key));
        toastError(`Could not upload ${file.name}`, describeError(error));
      }
    }
  }

  const uploading = uploads.some((u) => !u.attachment);
  const ready = uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
  const canSend = !disabled && !uploading && (text.trim() !== "" || ready.length > 0);

  function send() {
    if (!canSend) return;
    onSend(text.trim(), note, ready);
    setText("");
    setUploads([]);
    setTyping(false);
    area.current?.focus();
  }

  function onPaste(event: ClipboardEvent) {
    if (event.clipboardData.files.length > 0) {
      event.preventDefault();
      void upload(event.clipboardData.files);
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) void upload(event.dataTransfer.files);
  }

  return (
    <div className="border-t border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-950">
      <section
        aria-label="Reply"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn(
          "relative rounded-xl ring-1 transition-colors",
          note
            ? "bg-amber-50 ring-amber-300 focus-within:ring-2 focus-within:ring-amber-400 dark:bg-amber-500/10 dark:ring-amber-700/60"
            : "bg-white ring-zinc-300 focus-within:ring-2 focus-within:ring-brand-500 dark:bg-zinc-900 dark:ring-zinc-700",
          dragging && "ring-2 ring-brand-500",
        )}
      >
        <div className="flex items-center gap-1 px-2 pt-2">
          <div role="tablist" aria-label="Message type" className="flex gap-1">
            <button
              type="button"
              role="tab"
              aria-selected={!note}
              onClick={() => setNote(false)}
              className={cn(
                "rounded-md px-2 py-1 text-xs font-medium",
                !note
                  ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
                  : "text-zinc-500 hover:text-zinc-800",
              )}
            >
              Reply
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={note}
              onClick={() => setNote(true)}
              className={cn(
                "inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium",
                note
                  ? "bg-amber-200/70 text-amber-900 dark:bg-amber-500/25 dark:text-amber-200"
                  : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
              )}
            >
              <Lock className="size-3" /> Note
            </button>
          </div>
          {note && (
            <span className="ml-2 text-[11px] text-amber-700 dark:text-amber-400">
              Only your team sees notes
            </span>
          )}
        </div>
        <CannedSuggestions completion={canned} />
        <textarea
          ref={area}
          {...canned.textareaProps}
          rows={2}
          aria-label={note ? "Internal note" : "Reply to the visitor"}
          placeholder={
            disabled ? disabledReason : note ? "Write a note for your team…" : "Write a reply…"
          }
          disabled={disabled}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setTyping(e.target.value !== "");
            canned.onTextChange(e.target.selectionStart);
          }}
          onPaste={onPaste}
          onKeyDown={(e) => {
            if (canned.onKeyDown(e)) return;
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            } else if (e.key === "Escape") {
              area.current?.blur();
            }
          }}
          className="block max-h-60 min-h-[52px] w-full resize-none bg-transparent px-3 py-2 text-[14px] leading-relaxed placeholder:text-zinc-400 focus:outline-none disabled:cursor-not-allowed"
        />
        {uploads.length > 0 && (
          <ul className="flex flex-wrap gap-1.5 px-3 pb-2" aria-label="Attachments">
            {uploads.map((u) => (
              <li
                key={u.key}
                className="inline-flex items-center gap-1.5 rounded-md bg-zinc-100 py-1 pr-1 pl-2 text-xs dark:bg-zinc-800"
              >
                {!u.attachment && <Spinner className="size-3" />}
                <span className="max-w-40 truncate">{u.name}</span>
                {u.attachment && (
                  <span className="text-zinc-400">{formatBytes(u.attachment.sizeBytes)}</span>
                )}
                <button
                  type="button"
                  aria-label={`Remove ${u.name}`}
                  onClick={() => setUploads((list) => list.filter((x) => x.key !== u.key))}
                  className="rounded p-0.5 text-zinc-400 hover:text-zinc-700"
                >
                  <X className="size-3" />
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="flex items-center gap-1 px-2 pb-2">
          <IconButton
            label="Attach a file"
            size="sm"
            disabled={disabled}
            onClick={() => fileInput.current?.click()}
          >
            <Paperclip className="size-4" />
          </IconButton>
          <KnowledgeButton
            disabled={disabled}
            onInsert={insertArticle}
            onReturn={() => area.current?.focus()}
          />
          {assistOffered && summarise && (
            <AssistButtons suggest={suggest} summarise={summarise} disabled={disabled} />
          )}
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            onChange={(e) => {
              if (e.target.files) void upload(e.target.files);
              e.target.value = "";
            }}
          />
          <span className="ml-auto hidden text-[11px] text-zinc-400 @xl:inline">
            <Kbd>Enter</Kbd> to send · <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> new line
          </span>
          <Button
            size="sm"
            variant={note ? "secondary" : "primary"}
            className={cn(
              "ml-auto @xl:ml-2",
              note &&
                "bg-amber-500 text-white ring-0 hover:bg-amber-400 dark:bg-amber-600 dark:hover:bg-amber-500",
            )}
            disabled={!canSend}
            onClick={send}
          >
            {note ? "Add note" : "Send"}
            <SendHorizontal className="size-3.5" />
          </Button>
        </div>
        <SuggestStatus suggest={suggest} />
      </section>
    </div>
  );
}
