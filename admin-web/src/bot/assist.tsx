//! The composer's help from the AI model: "Suggest a reply" (SuggestReply: a draft from the
//! published articles, put into the reply box for the agent to edit, never sent) and
//! "Summarise" (SummarizeConversation: a few sentences, shown in a dismissible panel above
//! the thread). Each shows its progress where its result lands, and a refusal as a sentence
//! (`assistProblem`); a refusal for want of a model hides both for the rest of the session.
//! Whether they are offered at all is `useAssistOffered` (`queries.ts`).

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FileText, Sparkles, X } from "lucide-react";
import { useRef, useState } from "react";
import { IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Spinner } from "../components/ui/misc";
import { botClient } from "../lib/api";
import { type AssistAction, type AssistProblem, assistProblem, suggestionText } from "./bot";
import { rememberNoModel } from "./queries";

/** An assist request's state: running, its refusal (until dismissed). */
export interface AssistState {
  run: () => void;
  pending: boolean;
  problem: AssistProblem | undefined;
  dismiss: () => void;
}

/** A refusal as words, remembering a missing model so the actions hide. */
function useProblem(action: AssistAction) {
  const qc = useQueryClient();
  const [problem, setProblem] = useState<AssistProblem>();
  const fail = (error: unknown) => {
    const next = assistProblem(error, action);
    if (next.noModel) rememberNoModel(qc);
    setProblem(next);
  };
  return { problem, setProblem, fail };
}

/** SuggestReply for `conversationId`; `onText` receives the draft with its sources. */
export function useSuggestReply(
  conversationId: string,
  onText: (text: string) => void,
): AssistState {
  const { problem, setProblem, fail } = useProblem("suggest");
  // The reply box as it is when the answer comes, not when it was asked for.
  const latest = useRef(onText);
  latest.current = onText;
  const suggest = useMutation({
    mutationFn: () => botClient.suggestReply({ conversationId }),
    onMutate: () => setProblem(undefined),
    onSuccess: (res) => latest.current(suggestionText(res.text, res.citations)),
    onError: fail,
  });
  return {
    run: () => suggest.mutate(),
    pending: suggest.isPending,
    problem,
    dismiss: () => setProblem(undefined),
  };
}

/** SummarizeConversation for `conversationId`, and the summary until dismissed. */
export function useSummary(conversationId: string): AssistState & {
  summary: string | undefined;
} {
  const { problem, setProblem, fail } = useProblem("summarise");
  const [summary, setSummary] = useState<string>();
  const summarise = useMutation({
    mutationFn: () => botClient.summarizeConversation({ conversationId }),
    onMutate: () => setProblem(undefined),
    onSuccess: (res) => setSummary(res.summary.trim()),
    onError: fail,
  });
  return {
    run: () => summarise.mutate(),
    pending: summarise.isPending,
    problem,
    summary,
    dismiss: () => {
      setProblem(undefined);
      setSummary(undefined);
    },
  };
}

/** The two buttons beside the knowledge search. */
export function AssistButtons({
  suggest,
  summarise,
  disabled,
}: {
  suggest: AssistState;
  summarise: AssistState;
  disabled?: boolean | undefined;
}) {
  return (
    <>
      <IconButton
        label="Suggest a reply"
        size="sm"
        disabled={disabled || suggest.pending}
        aria-busy={suggest.pending}
        onClick={suggest.run}
      >
        {suggest.pending ? <Spinner className="size-3.5" /> : <Sparkles className="size-4" />}
      </IconButton>
      <IconButton
        label="Summarise"
        size="sm"
        disabled={summarise.pending}
        aria-busy={summarise.pending}
        onClick={summarise.run}
      >
        {summarise.pending ? <Spinner className="size-3.5" /> : <FileText className="size-4" />}
      </IconButton>
    </>
  );
}

/** The suggestion's progress or refusal, under the reply box's toolbar. */
export function SuggestStatus({ suggest }: { suggest: AssistState }) {
  if (suggest.pending) {
    return (
      <p role="status" className="px-3 pb-2 text-xs text-violet-700 dark:text-violet-300">
        Writing a suggestion from your articles…
      </p>
    );
  }
  if (!suggest.problem) return null;
  return <Problem text={suggest.problem.text} onDismiss={suggest.dismiss} className="mx-2 mb-2" />;
}

/** The summary above the thread: working, the summary, or why there is none. */
export function SummaryPanel({ state }: { state: ReturnType<typeof useSummary> }) {
  if (!state.pending && !state.summary && !state.problem) return null;
  return (
    <section
      aria-label="Summary"
      data-testid="summary"
      className="border-b border-violet-200 bg-violet-50/70 px-4 py-3 sm:px-6 dark:border-violet-500/20 dark:bg-violet-500/10"
    >
      <div className="mx-auto flex max-w-3xl items-start gap-3">
        <FileText className="mt-0.5 size-4 shrink-0 text-violet-600 dark:text-violet-400" />
        <div className="min-w-0 flex-1 text-[13px]">
          <p className="font-medium text-violet-900 dark:text-violet-200">
            Summary{" "}
            <span className="font-normal text-violet-700/70 dark:text-violet-300/70">
              · by the AI model, for you only
            </span>
          </p>
          {state.pending ? (
            <p
              role="status"
              className="mt-1 flex items-center gap-2 text-zinc-600 dark:text-zinc-400"
            >
              <Spinner className="size-3" /> Summarising the conversation…
            </p>
          ) : state.problem ? (
            <p role="alert" className="mt-1 text-red-700 dark:text-red-300">
              {state.problem.text}
            </p>
          ) : (
            <p className="mt-1 leading-relaxed whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">
              {state.summary}
            </p>
          )}
        </div>
        {!state.pending && (
          <IconButton label="Dismiss the summary" size="sm" onClick={state.dismiss}>
            <X className="size-3.5" />
          </IconButton>
        )}
      </div>
    </section>
  );
}

function Problem({
  text,
  onDismiss,
  className,
}: {
  text: string;
  onDismiss: () => void;
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cn(
        "flex items-start gap-2 rounded-lg bg-red-50 px-3 py-2 text-xs text-red-700 ring-1 ring-red-200 ring-inset dark:bg-red-950/40 dark:text-red-300 dark:ring-red-900",
        className,
      )}
    >
      <span className="min-w-0 flex-1">{text}</span>
      <button
        type="button"
        aria-label="Dismiss the message"
        onClick={onDismiss}
        className="rounded p-0.5 text-red-400 hover:text-red-700 dark:hover:text-red-200"
      >
        <X className="size-3" />
      </button>
    </div>
  );
}
