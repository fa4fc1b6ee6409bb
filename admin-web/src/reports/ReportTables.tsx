//! The report's tables: per agent (handled, first response and resolution times, ratings,
//! time online, busy and away), per widget and per team (their figures), and the latest
//! rating comments. Each table card saves its rows as CSV; wide tables scroll sideways
//! inside their card on a narrow screen.

import type { AgentReport, GetReportResponse, RatingComment, ScopeReport } from "@porthole/client";
import { MessageSquareQuote } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { cn } from "../components/ui/cn";
import { CsvButton, cellClass, headClass, tableClass } from "./Charts";
import {
  formatCount,
  formatDuration,
  formatRating,
  seconds,
  summaryDuration,
  zonedFormat,
} from "./format";
import { cardClass } from "./Stat";

export function TableCard({
  title,
  description,
  onDownload,
  children,
  testId,
}: {
  title: string;
  description?: ReactNode;
  onDownload?: () => void;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section aria-label={title} data-testid={testId} className={cn(cardClass, "min-w-0")}>
      <header className="flex flex-wrap items-start justify-between gap-2 border-b border-zinc-100 px-4 py-3 sm:px-5 dark:border-zinc-800">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold">{title}</h2>
          {description && (
            <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{description}</p>
          )}
        </div>
        {onDownload && <CsvButton onClick={onDownload} what={title} />}
      </header>
      <div className="relative overflow-x-auto px-2 py-2 sm:px-3">{children}</div>
    </section>
  );
}

function Head({ children, right }: { children: ReactNode; right?: boolean }) {
  return (
    <th scope="col" className={cn(headClass, "whitespace-nowrap", right && "text-right")}>
      {children}
    </th>
  );
}

function Num({ children }: { children: ReactNode }) {
  return <td className={cn(cellClass, "text-right whitespace-nowrap")}>{children}</td>;
}

function Empty({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="px-2 py-6 text-center text-[13px] text-zinc-500">
        {children}
      </td>
    </tr>
  );
}

function rating(s: { average: number; rated: bigint } | undefined): string {
  if (!s || s.rated === 0n) return "—";
  return `${formatRating(s.average, s.rated)} ★ (${formatCount(s.rated)})`;
}

export function AgentsTable({
  agents,
  onDownload,
}: {
  agents: readonly AgentReport[];
  onDownload: () => void;
}) {
  return (
    <TableCard
      title="Agents"
      description="Conversations count for the agent they are assigned to; first responses for who sent them."
      onDownload={onDownload}
      testId="agents-table"
    >
      <table className={cn(tableClass, "min-w-[760px]")}>
        <thead>
          <tr>
            <Head>Agent</Head>
            <Head right>Handled</Head>
            <Head right>First response median</Head>
            <Head right>First response mean</Head>
            <Head right>Resolution median</Head>
            <Head right>Rating</Head>
            <Head right>Online</Head>
            <Head right>Busy</Head>
            <Head right>Away</Head>
          </tr>
        </thead>
        <tbody>
          {agents.length === 0 && <Empty columns={9}>No agent was active in this period.</Empty>}
          {agents.map((a) => (
            <tr key={a.userId}>
              <th scope="row" className={cn(cellClass, "font-medium")}>
                {a.displayName || a.userId}
              </th>
              <Num>{formatCount(a.handled)}</Num>
              <Num>{summaryDuration(a.firstResponse, "median")}</Num>
              <Num>{summaryDuration(a.firstResponse, "mean")}</Num>
              <Num>{summaryDuration(a.resolution, "median")}</Num>
              <Num>{rating(a.satisfaction)}</Num>
              <Num>{a.online ? formatDuration(seconds(a.online)) : "—"}</Num>
              <Num>{a.busy ? formatDuration(seconds(a.busy)) : "—"}</Num>
              <Num>{a.away ? formatDuration(seconds(a.away)) : "—"}</Num>
            </tr>
          ))}
        </tbody>
      </table>
    </TableCard>
  );
}

export function ScopesTable({
  title,
  description,
  scopes,
  nameHead,
  empty,
  onDownload,
  testId,
}: {
  title: string;
  description: string;
  scopes: readonly ScopeReport[];
  nameHead: string;
  empty: string;
  onDownload: () => void;
  testId: string;
}) {
  return (
    <TableCard title={title} description={description} onDownload={onDownload} testId={testId}>
      <table className={cn(tableClass, "min-w-[680px]")}>
        <thead>
          <tr>
            <Head>{nameHead}</Head>
            <Head right>Started</Head>
            <Head right>Open</Head>
            <Head right>Resolved</Head>
            <Head right>Missed</Head>
            <Head right>First response median</Head>
            <Head right>Resolution median</Head>
            <Head right>Rating</Head>
          </tr>
        </thead>
        <tbody>
          {scopes.length === 0 && <Empty columns={8}>{empty}</Empty>}
          {scopes.map((s) => (
            <tr key={s.id}>
              <th scope="row" className={cn(cellClass, "font-medium")}>
                {s.name || s.id}
              </th>
              <Num>{formatCount(s.figures?.started ?? 0n)}</Num>
              <Num>{formatCount(s.figures?.open ?? 0n)}</Num>
              <Num>{formatCount(s.figures?.resolved ?? 0n)}</Num>
              <Num>{formatCount(s.figures?.missed ?? 0n)}</Num>
              <Num>{summaryDuration(s.figures?.firstResponse, "median")}</Num>
              <Num>{summaryDuration(s.figures?.resolution, "median")}</Num>
              <Num>{rating(s.figures?.satisfaction)}</Num>
            </tr>
          ))}
        </tbody>
      </table>
    </TableCard>
  );
}

function Stars({ rating: stars }: { rating: number }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span aria-hidden className="tracking-tight text-amber-500">
        {"★".repeat(stars)}
        <span className="text-zinc-300 dark:text-zinc-600">
          {"★".repeat(Math.max(0, 5 - stars))}
        </span>
      </span>
      <span className="sr-only">
        {stars} of 5 {stars === 1 ? "star" : "stars"}
      </span>
    </span>
  );
}

export function RatingComments({
  report,
  names,
}: {
  report: GetReportResponse;
  names: ReadonlyMap<string, string>;
}) {
  const when = zonedFormat(report.timeZone || "UTC", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  const comments: readonly RatingComment[] = report.recentComments;
  return (
    <TableCard
      title="Recent comments"
      description="The latest comments visitors left with a rating, newest first."
      testId="rating-comments"
    >
      {comments.length === 0 ? (
        <div className="flex flex-col items-center gap-2 px-4 py-8 text-center text-[13px] text-zinc-500 dark:text-zinc-400">
          <MessageSquareQuote className="size-5" aria-hidden />
          No comments with ratings in this period.
        </div>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {comments.map((c) => (
            <li key={`${c.conversationId}-${c.rateTime?.seconds ?? 0}`} className="px-2 py-3">
              <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
                <Stars rating={c.rating} />
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  {when(c.rateTime)}
                  {c.agentUserId && ` · ${names.get(c.agentUserId) ?? "Former member"}`}
                </span>
              </div>
              <p className="mt-1 text-[13px] break-words whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">
                {c.comment}
              </p>
              <Link
                to={`/inbox/${c.conversationId}`}
                className="mt-1 inline-block text-xs font-medium text-brand-600 hover:underline dark:text-brand-300"
              >
                Open conversation
              </Link>
            </li>
          ))}
        </ul>
      )}
    </TableCard>
  );
}
