//! The figure cards of the Overview and the Reports screen: a label, a big number, a line
//! under it, and the change against the previous period (arrow, words and colour: green
//! when it is good news, red when bad, grey when neither), plus a hook for ticking clocks.

import { ArrowDownRight, ArrowRight, ArrowUpRight } from "lucide-react";
import { type ReactNode, useEffect, useId, useState } from "react";
import { cn } from "../components/ui/cn";
import type { Change } from "./format";

export const cardClass =
  "rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800";

const toneClass: Record<Change["tone"], string> = {
  good: "bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300",
  bad: "bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300",
  neutral: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
};

/** "+12%" with an arrow, coloured by whether it is good; `against` is read out after it. */
export function ChangeBadge({ change, against }: { change: Change; against?: string }) {
  const Icon =
    change.direction === "up"
      ? ArrowUpRight
      : change.direction === "down"
        ? ArrowDownRight
        : ArrowRight;
  return (
    <span className="inline-flex min-w-0 flex-wrap items-center gap-x-1.5 gap-y-0.5">
      <span
        className={cn(
          "inline-flex shrink-0 items-center gap-0.5 rounded-md px-1.5 py-0.5 text-[11px] font-semibold tabular-nums",
          toneClass[change.tone],
        )}
      >
        <Icon className="size-3" aria-hidden />
        {change.text}
      </span>
      {against && (
        <span className="text-[11px] text-zinc-500 dark:text-zinc-400">vs {against}</span>
      )}
    </span>
  );
}

/** One figure as a card; `role="group"` named by its label, so it reads as one thing. */
export function StatCard({
  label,
  value,
  detail,
  change,
  against,
  icon,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  change?: Change | undefined;
  against?: string;
  icon?: ReactNode;
  /** Draws attention to the value (a long wait). */
  tone?: "warning" | undefined;
  testId?: string;
}) {
  const id = useId();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a figure, not form controls: <fieldset> would say otherwise
    <div
      role="group"
      aria-labelledby={id}
      data-testid={testId}
      className={cn(cardClass, "flex min-w-0 flex-col gap-1 px-4 py-3.5")}
    >
      <div className="flex items-center justify-between gap-2">
        <span id={id} className="truncate text-[13px] font-medium text-zinc-600 dark:text-zinc-400">
          {label}
        </span>
        {icon && (
          <span aria-hidden className="shrink-0 text-zinc-400 dark:text-zinc-500">
            {icon}
          </span>
        )}
      </div>
      <span
        data-value
        className={cn(
          "text-2xl font-semibold tracking-tight tabular-nums",
          tone === "warning"
            ? "text-amber-700 dark:text-amber-300"
            : "text-zinc-900 dark:text-zinc-50",
        )}
      >
        {value}
      </span>
      {detail && <span className="text-xs text-zinc-500 dark:text-zinc-400">{detail}</span>}
      {change && (
        <span className="mt-0.5">
          <ChangeBadge change={change} against={against} />
        </span>
      )}
    </div>
  );
}

/** `Date.now()`, updated every `everyMs` while mounted (for waits that tick). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
