//! E-mail deliveries (owners): what the server sends, or is trying to send, on the
//! workspace's behalf (so far invitations to teammates; `ListJobs`), newest first, 50 at a
//! time with "Load more": each with its state, attempts, last error and times, and a notice
//! when the server sends no e-mail at all. Not fed by the workspace feed: read when opened,
//! when the window regains focus, and on "Refresh". The server retries by itself; a failed
//! job can be tried again by hand ("Try again", `RetryJob`).

import { type Job, JobState } from "@porthole/client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { MailX, RefreshCw, Send } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { FormAlert } from "../components/ui/Field";
import { Badge, EmptyState, Spinner } from "../components/ui/misc";
import { keys } from "../inbox/cache";
import { workspaceClient } from "../lib/api";
import { useIsOwner, useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { ago, fullTime, toMillis } from "../lib/format";
import { PageHeader } from "../shell/PageHeader";
import {
  attemptsLabel,
  errorLabel,
  errorPreview,
  jobKindLabel,
  jobStateHint,
  jobStateLabel,
  jobStateTone,
  nextAttemptLabel,
} from "./jobs";

const PAGE_SIZE = 50;

function useJobs(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.jobs,
    queryFn: ({ pageParam, signal }) =>
      workspaceClient.listJobs({ pageSize: PAGE_SIZE, pageToken: pageParam }, { signal }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    enabled,
    // Not fed by the workspace feed (jobs move on the server's own time): read again
    // whenever the screen opens or the window comes back into focus, besides "Refresh".
    refetchOnMount: "always",
    refetchOnWindowFocus: "always",
  });
}

/** The current time, every `intervalMs`, for countdowns and "5m ago". */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function DeliveriesScreen() {
  const me = useMe();
  const isOwner = useIsOwner();
  const jobs = useJobs(isOwner);
  const list = jobs.data?.pages.flatMap((page) => page.jobs) ?? [];
  const emailEnabled = jobs.data?.pages[0]?.emailEnabled ?? true;
  // A countdown ticks each second; otherwise "5m ago" is kept roughly current.
  const now = useNow(list.some((j) => j.state === JobState.QUEUED) ? 1000 : 30_000);
  const refreshing = jobs.isRefetching && !jobs.isFetchingNextPage;
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="E-mail deliveries"
        description="What the server e-mails on this workspace's behalf, and how each delivery went."
        actions={
          isOwner &&
          jobs.data && (
            <Button loading={refreshing} onClick={() => void jobs.refetch()}>
              {!refreshing && <RefreshCw className="size-4" />}
              Refresh
            </Button>
          )
        }
      />
      <div className="mx-auto max-w-4xl space-y-4 px-4 pb-10 sm:px-8">
        {me.data && !isOwner ? (
          <EmptyState icon={<Send className="size-5" />} title="Only owners see e-mail deliveries">
            Ask an owner of this workspace if an invitation did not arrive.
          </EmptyState>
        ) : jobs.isPending ? (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        ) : !jobs.data ? (
          <FormAlert>
            <span className="font-medium">E-mail deliveries could not be loaded.</span>{" "}
            {describeError(jobs.error)}
          </FormAlert>
        ) : (
          <>
            {!emailEnabled && <NoEmailNotice />}
            {jobs.isRefetchError && (
              <FormAlert>
                <span className="font-medium">E-mail deliveries could not be refreshed.</span>{" "}
                {describeError(jobs.error)}
              </FormAlert>
            )}
            {list.length > 0 ? (
              <JobsTable jobs={list} now={now} />
            ) : (
              // Without e-mail the notice says why the list is empty.
              emailEnabled && (
                <section className="rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
                  <EmptyState icon={<Send className="size-5" />} title="Nothing sent yet">
                    Invitations you send from the Team screen are listed here, with how their
                    delivery went.
                  </EmptyState>
                </section>
              )
            )}
            {jobs.hasNextPage && (
              <div className="flex justify-center">
                <Button loading={jobs.isFetchingNextPage} onClick={() => void jobs.fetchNextPage()}>
                  Load more
                </Button>
              </div>
            )}
            {jobs.isFetchNextPageError && (
              <FormAlert>
                <span className="font-medium">More deliveries could not be loaded.</span>{" "}
                {describeError(jobs.error)}
              </FormAlert>
            )}
          </>
        )}
      </div>
    </div>
  );
}

/** The server has no SMTP: say so, and what invitations are instead. */
function NoEmailNotice() {
  return (
    <div
      role="note"
      className="flex gap-3 rounded-xl bg-amber-50 px-4 py-3 text-[13px] text-amber-900 ring-1 ring-amber-200 ring-inset dark:bg-amber-500/10 dark:text-amber-200 dark:ring-amber-500/25"
    >
      <MailX aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400" />
      <div>
        <p className="font-medium">This server does not send e-mail.</p>
        <p className="mt-0.5 text-amber-800 dark:text-amber-300/90">
          Its operator has not set{" "}
          <code className="rounded bg-amber-100 px-1 font-mono text-[12px] dark:bg-amber-500/15">
            PORTHOLE_SMTP_URL
          </code>
          . Invitations are links you hand over yourself: copy one when you invite a teammate.
        </p>
      </div>
    </div>
  );
}

const headCell =
  "px-4 py-2.5 text-left text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400";
/**
 * On phones each row is a small card: the summary (and its error), then state and attempts
 * on one line, then the times; from `sm` up, a table.
 */
const tableCell = "sm:table-cell sm:px-4 sm:py-3 sm:align-top";
const cell = `block ${tableCell}`;
const inlineCell = `inline pr-1 ${tableCell}`;
/** Words a table header says, which a phone's card says in the row. */
const phoneOnly = "sm:hidden";

function JobsTable({ jobs, now }: { jobs: Job[]; now: number }) {
  return (
    <section className="overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="w-full text-[13px]" aria-label="E-mail deliveries">
        <thead className="hidden border-b border-zinc-100 bg-zinc-50/60 sm:table-header-group dark:border-zinc-800 dark:bg-zinc-900/60">
          <tr>
            <th scope="col" className={headCell}>
              What
            </th>
            <th scope="col" className={headCell}>
              State
            </th>
            <th scope="col" className={headCell}>
              Attempts
            </th>
            <th scope="col" className={headCell}>
              Created
            </th>
            <th scope="col" className={headCell}>
              Updated
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} now={now} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function JobRow({ job, now }: { job: Job; now: number }) {
  const next = nextAttemptLabel(job, now);
  return (
    <tr className="block space-y-1 px-4 py-3 sm:table-row sm:p-0">
      <td className={`${cell} min-w-0 sm:w-full`}>
        <span className="block font-medium break-words text-zinc-800 dark:text-zinc-200">
          {job.summary || job.id}
        </span>
        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
          {jobKindLabel(job.kind)}
        </span>
        <JobError job={job} />
      </td>
      <td className={`${inlineCell} sm:whitespace-nowrap`}>
        <Badge tone={jobStateTone[job.state]}>
          <span title={jobStateHint[job.state]}>{jobStateLabel[job.state]}</span>
        </Badge>
        {next && (
          <span className="ml-1.5 text-xs text-zinc-500 tabular-nums sm:mt-1 sm:ml-0 sm:block dark:text-zinc-400">
            {next}
          </span>
        )}
        {job.state === JobState.FAILED && <RetryButton job={job} />}
      </td>
      <td
        className={`${inlineCell} text-xs text-zinc-600 tabular-nums sm:text-[13px] sm:whitespace-nowrap dark:text-zinc-400`}
      >
        <span className={phoneOnly}>· attempt </span>
        {attemptsLabel(job)}
      </td>
      <td
        className={`${cell} text-xs text-zinc-500 sm:text-[13px] sm:whitespace-nowrap dark:text-zinc-400`}
      >
        <span className={phoneOnly}>Created </span>
        <Time ts={job.createTime} now={now} main="full" />
        <span className={phoneOnly}>
          {" "}
          · updated <Time ts={job.updateTime} now={now} main="ago" />
        </span>
      </td>
      <td className="hidden text-zinc-500 sm:table-cell sm:px-4 sm:py-3 sm:align-top sm:whitespace-nowrap dark:text-zinc-400">
        <Time ts={job.updateTime} now={now} main="ago" />
      </td>
    </tr>
  );
}

/** Runs a failed job again with fresh attempts; the list is read again after. */
function RetryButton({ job }: { job: Job }) {
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: () => workspaceClient.retryJob({ jobId: job.id }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.jobs }),
  });
  return (
    <span className="ml-1.5 inline-block sm:mt-2 sm:ml-0 sm:block">
      <Button
        size="sm"
        loading={retry.isPending}
        onClick={() => retry.mutate()}
        aria-label={`Try again: ${job.summary || job.id}`}
      >
        Try again
      </Button>
      {retry.error && (
        <span role="alert" className="mt-1 block text-xs text-red-700 dark:text-red-300">
          {describeError(retry.error)}
        </span>
      )}
    </span>
  );
}

/** A time as a date (hover: how long ago) or as how long ago (hover: the date). */
function Time({ ts, now, main }: { ts: Job["createTime"]; now: number; main: "full" | "ago" }) {
  if (!ts) return <>—</>;
  const full = fullTime(ts);
  const since = ago(ts, now);
  return (
    <time dateTime={new Date(toMillis(ts)).toISOString()} title={main === "full" ? since : full}>
      {main === "full" ? full : since}
    </time>
  );
}

/** Why the last attempt failed: one line, and the whole on demand when it is longer. */
function JobError({ job }: { job: Job }) {
  const [whole, setWhole] = useState(false);
  const label = errorLabel(job);
  if (!label) return null;
  const preview = errorPreview(job.lastError);
  return (
    <p
      className={cn(
        "mt-1.5 text-xs break-words",
        job.state === JobState.FAILED
          ? "text-red-700 dark:text-red-300"
          : "text-amber-800 dark:text-amber-300",
      )}
    >
      <span className="font-medium">{label}</span>{" "}
      <span className={cn(whole && "whitespace-pre-wrap")}>
        {whole ? job.lastError : preview.text}
      </span>
      {preview.cut && (
        <>
          {" "}
          <button
            type="button"
            aria-expanded={whole}
            onClick={() => setWhole((w) => !w)}
            className="font-medium whitespace-nowrap underline decoration-current/40 underline-offset-2 hover:decoration-current"
          >
            {whole ? "Show less" : "Show all"}
          </button>
        </>
      )}
    </p>
  );
}
