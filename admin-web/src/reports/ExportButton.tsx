//! "Export conversations (CSV)": reads every conversation of the report's days and filter
//! through ExportConversations (`exportConversations.ts`), showing how far it got against
//! the report's count of started conversations, with Cancel; an error stops it and is
//! shown; the finished file is saved by `lib/download.ts`.

import { Code, ConnectError } from "@porthole/client";
import { FileDown, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "../components/ui/Button";
import { FormAlert } from "../components/ui/Field";
import { toast } from "../components/ui/Toast";
import { reportClient } from "../lib/api";
import { downloadText } from "../lib/download";
import { describeError } from "../lib/errors";
import { conversationsCsv, csvFileName } from "./csv";
import { type ExportScope, readAllConversations } from "./exportConversations";
import { formatCount } from "./format";

type State =
  | { phase: "idle" }
  | { phase: "running"; rows: number }
  | { phase: "failed"; error: unknown };

export function ExportButton({
  scope,
  expected,
}: {
  /** The report's days and filter; nothing can be exported while they are invalid. */
  scope: ExportScope | undefined;
  /** Conversations the report counted as started: the export's likely length. */
  expected: number | undefined;
}) {
  const [state, setState] = useState<State>({ phase: "idle" });
  const running = useRef<AbortController | undefined>(undefined);
  // Leaving the screen ends a running export.
  useEffect(() => () => running.current?.abort(), []);

  const start = async () => {
    if (!scope) return;
    const controller = new AbortController();
    running.current = controller;
    setState({ phase: "running", rows: 0 });
    try {
      const rows = await readAllConversations(reportClient, scope, {
        signal: controller.signal,
        onPage: (n) => setState({ phase: "running", rows: n }),
      });
      downloadText(
        csvFileName("conversations", scope.fromDate, scope.toDate),
        conversationsCsv(rows),
        "text/csv;charset=utf-8",
      );
      setState({ phase: "idle" });
      toast(
        `Exported ${formatCount(rows.length)} ${rows.length === 1 ? "conversation" : "conversations"}`,
      );
    } catch (error) {
      if (controller.signal.aborted || ConnectError.from(error).code === Code.Canceled) {
        setState({ phase: "idle" });
        return;
      }
      setState({ phase: "failed", error });
    } finally {
      if (running.current === controller) running.current = undefined;
    }
  };

  const rows = state.phase === "running" ? state.rows : 0;
  const total = Math.max(expected ?? 0, rows);
  return (
    <div className="flex flex-col items-end gap-2">
      {state.phase === "running" ? (
        <div
          className="flex items-center gap-3 rounded-lg bg-white px-3 py-1.5 text-[13px] ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
          data-testid="export-progress"
        >
          <div className="w-32">
            <div
              role="progressbar"
              aria-label="Exporting conversations"
              aria-valuemin={0}
              aria-valuemax={total || undefined}
              aria-valuenow={rows}
              aria-valuetext={`${formatCount(rows)} of ${total ? formatCount(total) : "?"} conversations`}
              className="h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
            >
              <div
                className="h-full rounded-full bg-brand-600 transition-[width] dark:bg-brand-400"
                style={{ width: total ? `${Math.min(100, (rows / total) * 100)}%` : "10%" }}
              />
            </div>
          </div>
          <span className="whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-300">
            {formatCount(rows)}
            {total ? ` of ${formatCount(total)}` : ""}
          </span>
          <Button size="sm" variant="ghost" onClick={() => running.current?.abort()}>
            <X className="size-3.5" aria-hidden /> Cancel
          </Button>
        </div>
      ) : (
        <Button onClick={() => void start()} disabled={!scope}>
          <FileDown className="size-4" aria-hidden /> Export conversations (CSV)
        </Button>
      )}
      {state.phase === "failed" && (
        <div className="max-w-sm">
          <FormAlert>
            <span className="font-medium">The export stopped.</span> {describeError(state.error)}
          </FormAlert>
        </div>
      )}
    </div>
  );
}
