//! The report's summary: conversations started, open, resolved and missed as big cards,
//! then first response and resolution times (median, p90, mean), satisfaction (average
//! rating, response rate) and the bot's share, each figure with its change against the
//! previous period of the same length (shorter times and fewer missed are good news).

import type { DurationSummary, GetReportResponse, ReportFigures } from "@porthole/client";
import { Bot, CircleCheck, Clock, MessagesSquare, PhoneMissed, Star, Timer } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "../components/ui/cn";
import {
  type Better,
  type Change,
  type ChangeKind,
  change,
  formatCount,
  formatRate,
  formatRating,
  seconds,
  summaryDuration,
} from "./format";
import { ChangeBadge, cardClass, StatCard } from "./Stat";

/** The chip for a figure the previous period had none of (no duration, no rating). */
const NOTHING_BEFORE: Change = { text: "None before", direction: "flat", tone: "neutral" };

/** The change of a duration figure; none while this period has no such duration. */
export function durationChange(
  current: DurationSummary | undefined,
  previous: DurationSummary | undefined,
  which: "median" | "p90" | "mean",
): Change | undefined {
  if (!current || current.count === 0n) return undefined;
  if (!previous || previous.count === 0n) return NOTHING_BEFORE;
  return change(seconds(current[which]), seconds(previous[which]), "lower");
}

function countChange(current: bigint | undefined, previous: bigint | undefined, better: Better) {
  return change(Number(current ?? 0n), Number(previous ?? 0n), better);
}

export function SummaryCards({ report, against }: { report: GetReportResponse; against: string }) {
  const cur = report.current;
  const prev = report.previous;
  const started = Number(cur?.started ?? 0n);
  const resolved = Number(cur?.resolved ?? 0n);
  return (
    <div className="space-y-3" data-testid="summary">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatCard
          testId="summary-started"
          label="Started"
          value={formatCount(started)}
          detail="New conversations"
          icon={<MessagesSquare className="size-4" />}
          change={countChange(cur?.started, prev?.started, "neither")}
          against={against}
        />
        <StatCard
          testId="summary-open"
          label="Still open"
          value={formatCount(cur?.open ?? 0n)}
          detail={
            started > 0
              ? `${formatRate(Number(cur?.open ?? 0n) / started)} of those started`
              : "Of those started"
          }
          icon={<Clock className="size-4" />}
          change={countChange(cur?.open, prev?.open, "neither")}
          against={against}
        />
        <StatCard
          testId="summary-resolved"
          label="Resolved"
          value={formatCount(resolved)}
          detail="Resolved or closed"
          icon={<CircleCheck className="size-4" />}
          change={countChange(cur?.resolved, prev?.resolved, "neither")}
          against={against}
        />
        <StatCard
          testId="summary-missed"
          label="Missed"
          value={formatCount(cur?.missed ?? 0n)}
          detail={
            resolved > 0
              ? `${formatRate(Number(cur?.missed ?? 0n) / resolved)} ended without an answer`
              : "Ended without an answer"
          }
          icon={<PhoneMissed className="size-4" />}
          change={countChange(cur?.missed, prev?.missed, "lower")}
          against={against}
        />
      </div>
      <div className="grid gap-3 md:grid-cols-2 2xl:grid-cols-4">
        <DurationCard
          testId="summary-first-response"
          title="First response"
          icon={<Timer className="size-4" />}
          current={cur?.firstResponse}
          previous={prev?.firstResponse}
          counted="first responses"
          against={against}
        />
        <DurationCard
          testId="summary-resolution"
          title="Resolution time"
          icon={<CircleCheck className="size-4" />}
          current={cur?.resolution}
          previous={prev?.resolution}
          counted="resolutions"
          against={against}
        />
        <SatisfactionCard current={cur} previous={prev} against={against} />
        <BotCard current={cur} previous={prev} against={against} />
      </div>
    </div>
  );
}

/** A card of several figures, each a row with its value and change. */
function FiguresCard({
  title,
  icon,
  footer,
  against,
  testId,
  children,
}: {
  title: string;
  icon: ReactNode;
  footer?: ReactNode;
  against: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      className={cn(cardClass, "flex min-w-0 flex-col px-4 py-3.5")}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-[13px] font-semibold text-zinc-800 dark:text-zinc-200">{title}</h3>
        <span aria-hidden className="text-zinc-400 dark:text-zinc-500">
          {icon}
        </span>
      </div>
      <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</dl>
      <p className="mt-auto pt-2 text-[11px] text-zinc-500 dark:text-zinc-400">
        {footer}
        {footer ? " · " : ""}Changes vs {against}
      </p>
    </section>
  );
}

function FigureRow({
  label,
  value,
  change: delta,
  strong,
}: {
  label: string;
  value: string;
  change?: Change | undefined;
  strong?: boolean;
}) {
  return (
    <div className="flex items-center justify-between gap-2 py-1.5">
      <dt className="min-w-0 text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="flex shrink-0 items-center gap-2">
        <span
          data-value
          className={cn(
            "tabular-nums",
            strong
              ? "text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50"
              : "text-[13px] font-medium text-zinc-800 dark:text-zinc-200",
          )}
        >
          {value}
        </span>
        {delta && <ChangeBadge change={delta} />}
      </dd>
    </div>
  );
}

function DurationCard({
  title,
  icon,
  current,
  previous,
  counted,
  against,
  testId,
}: {
  title: string;
  icon: ReactNode;
  current: DurationSummary | undefined;
  previous: DurationSummary | undefined;
  counted: string;
  against: string;
  testId: string;
}) {
  return (
    <FiguresCard
      title={title}
      icon={icon}
      against={against}
      testId={testId}
      footer={`${formatCount(current?.count ?? 0n)} ${counted}`}
    >
      <FigureRow
        strong
        label="Median"
        value={summaryDuration(current, "median")}
        change={durationChange(current, previous, "median")}
      />
      <FigureRow
        label="90th percentile"
        value={summaryDuration(current, "p90")}
        change={durationChange(current, previous, "p90")}
      />
      <FigureRow
        label="Mean"
        value={summaryDuration(current, "mean")}
        change={durationChange(current, previous, "mean")}
      />
    </FiguresCard>
  );
}

function pointsChange(
  current: number,
  previous: number,
  hasCurrent: boolean,
  hasPrevious: boolean,
  how: ChangeKind,
): Change | undefined {
  if (!hasCurrent) return undefined;
  if (!hasPrevious) return NOTHING_BEFORE;
  return change(current, previous, "higher", how);
}

function SatisfactionCard({
  current,
  previous,
  against,
}: {
  current: ReportFigures | undefined;
  previous: ReportFigures | undefined;
  against: string;
}) {
  const cur = current?.satisfaction;
  const prev = previous?.satisfaction;
  const rated = cur?.rated ?? 0n;
  const hadRatings = (prev?.rated ?? 0n) > 0n;
  return (
    <FiguresCard
      title="Satisfaction"
      icon={<Star className="size-4" />}
      against={against}
      testId="summary-satisfaction"
      footer={`${formatCount(rated)} ${rated === 1n ? "rating" : "ratings"}`}
    >
      <FigureRow
        strong
        label="Average rating"
        value={rated > 0n ? `${formatRating(cur?.average ?? 0, rated)} / 5` : "—"}
        change={pointsChange(cur?.average ?? 0, prev?.average ?? 0, rated > 0n, hadRatings, {
          kind: "points",
          decimals: 1,
        })}
      />
      <FigureRow
        label="Response rate"
        value={(current?.resolved ?? 0n) > 0n ? formatRate(cur?.responseRate ?? 0) : "—"}
        change={pointsChange(
          cur?.responseRate ?? 0,
          prev?.responseRate ?? 0,
          (current?.resolved ?? 0n) > 0n,
          (previous?.resolved ?? 0n) > 0n,
          { kind: "points", unit: "pts", scale: 100 },
        )}
      />
      <FigureRow
        label="Ratings given"
        value={formatCount(rated)}
        change={change(Number(rated), Number(prev?.rated ?? 0n), "higher")}
      />
    </FiguresCard>
  );
}

function BotCard({
  current,
  previous,
  against,
}: {
  current: ReportFigures | undefined;
  previous: ReportFigures | undefined;
  against: string;
}) {
  const cur = current?.bot;
  const prev = previous?.bot;
  return (
    <FiguresCard
      title="AI bot and flows"
      icon={<Bot className="size-4" />}
      against={against}
      testId="summary-bot"
    >
      <FigureRow
        strong
        label="Answered first"
        value={formatCount(cur?.answered ?? 0n)}
        change={countChange(cur?.answered, prev?.answered, "neither")}
      />
      <FigureRow
        label="Resolved without a person"
        value={formatCount(cur?.resolved ?? 0n)}
        change={countChange(cur?.resolved, prev?.resolved, "higher")}
      />
      <FigureRow
        label="Handed to agents"
        value={formatCount(cur?.handedOff ?? 0n)}
        change={countChange(cur?.handedOff, prev?.handedOff, "neither")}
      />
    </FiguresCard>
  );
}
