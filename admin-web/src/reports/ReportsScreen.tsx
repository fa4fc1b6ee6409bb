//! Reports (`/reports`, owners and admins; issue 17 item 2): what happened in a range of
//! days, from GetReport. The period, filter, business-hours switch and interval live in the
//! address (`params.ts`). Summary cards with the change against the previous period, the
//! conversations over time and ratings charts (uPlot, each with its table), the busiest
//! hours, and tables per agent, widget and team, with the latest rating comments. Every
//! table saves as CSV, and "Export conversations (CSV)" saves one row per conversation.
//! Days and times are the workspace's (its time zone, changed in Settings). Agents are told
//! reports are for owners and admins; the server would refuse them anyway.

import type { GetReportResponse } from "@porthole/client";
import { ChartColumn, Globe, RefreshCw } from "lucide-react";
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { Button } from "../components/ui/Button";
import { FormAlert } from "../components/ui/Field";
import { EmptyState, Spinner } from "../components/ui/misc";
import { useIsAdmin, useMe } from "../lib/auth";
import { downloadText } from "../lib/download";
import { describeError } from "../lib/errors";
import { PageHeader } from "../shell/PageHeader";
import { CsvButton, RatingsChart, VolumeChart } from "./Charts";
import { agentsCsv, csvFileName, scopesCsv, summaryCsv, volumeCsv } from "./csv";
import { type DateRange, previousLabel, previousRange, rangeLabel, todayIn } from "./dates";
import { ExportButton } from "./ExportButton";
import { utcOffset } from "./format";
import { Heatmap } from "./Heatmap";
import { readParams, requestOf, writeParams } from "./params";
import { useReport, useWorkspaceTimeZone } from "./queries";
import { ReportControls } from "./ReportControls";
import { AgentsTable, RatingComments, ScopesTable } from "./ReportTables";
import { cardClass, useNow } from "./Stat";
import { SummaryCards } from "./SummaryCards";

export function ReportsScreen() {
  const me = useMe();
  const isAdmin = useIsAdmin();
  return (
    <div className="relative h-full overflow-y-auto">
      {me.data && !isAdmin ? (
        <>
          <PageHeader wide title="Reports" />
          <div className="mx-auto max-w-6xl px-4 pb-10 sm:px-8">
            <EmptyState
              icon={<ChartColumn className="size-5" />}
              title="Only owners and admins see reports"
            >
              <p>Ask an admin of this workspace for the figures you need.</p>
              <p className="mt-2">
                <Link
                  to="/overview"
                  className="font-medium text-brand-600 hover:underline dark:text-brand-300"
                >
                  See what is happening now
                </Link>
              </p>
            </EmptyState>
          </div>
        </>
      ) : (
        <Report enabled={isAdmin} />
      )}
    </div>
  );
}

function Report({ enabled }: { enabled: boolean }) {
  const [search, setSearch] = useSearchParams();
  const params = readParams(search);
  const timeZone = useWorkspaceTimeZone();
  // Read once a minute, so "Today" moves on at the workspace's midnight.
  const now = useNow(60_000);
  const today = todayIn(timeZone, new Date(now));
  const { range, request, problem } = requestOf(params, today);
  const report = useReport(request, enabled);
  const data = report.data;
  const exportScope = request && {
    fromDate: request.fromDate,
    toDate: request.toDate,
    filter: request.filter,
  };
  return (
    <>
      <PageHeader
        wide
        title="Reports"
        description="How your team and widgets did: volume, response times, satisfaction."
        actions={
          <>
            <Button
              variant="ghost"
              onClick={() => void report.refetch()}
              loading={report.isFetching}
              disabled={!request}
              aria-label="Refresh the report"
            >
              {!report.isFetching && <RefreshCw className="size-4" aria-hidden />}
              <span className="hidden sm:inline">Refresh</span>
            </Button>
            <ExportButton
              scope={exportScope}
              expected={data ? Number(data.current?.started ?? 0n) : undefined}
            />
          </>
        }
      />
      <div className="mx-auto max-w-6xl space-y-5 px-4 pb-10 sm:px-8">
        <ReportControls
          params={params}
          range={range}
          problem={problem}
          onChange={(next) => setSearch(writeParams(next), { replace: true })}
        />
        <RangeLine range={problem ? undefined : range} timeZone={data?.timeZone || timeZone} />
        {problem ? null : report.isPending ? (
          <div className="flex justify-center py-16">
            <Spinner className="size-5" />
          </div>
        ) : !data ? (
          <FormAlert>
            <span className="font-medium">The report could not be loaded.</span>{" "}
            {describeError(report.error)}
          </FormAlert>
        ) : (
          <ReportBody report={data} range={range} stale={report.isPlaceholderData} />
        )}
        {data && report.isError && (
          <FormAlert>
            <span className="font-medium">The report could not be refreshed.</span>{" "}
            {describeError(report.error)}
          </FormAlert>
        )}
      </div>
    </>
  );
}

/** "1 – 30 Apr 2025, compared with 2 – 31 Mar 2025 · Times in Europe/Berlin (UTC+2) · Change". */
function RangeLine({ range, timeZone }: { range: DateRange | undefined; timeZone: string }) {
  const offset = utcOffset(timeZone);
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 px-1 text-[13px] text-zinc-600 dark:text-zinc-400">
      {range && (
        <span data-testid="report-range">
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{rangeLabel(range)}</span>,
          compared with {rangeLabel(previousRange(range))}
        </span>
      )}
      <span className="inline-flex items-center gap-1.5" data-testid="report-time-zone">
        <Globe className="size-3.5" aria-hidden />
        Times in {timeZone}
        {offset && offset !== "UTC" ? ` (${offset})` : ""}
        <Link
          to="/settings#time-zone"
          className="font-medium text-brand-600 hover:underline dark:text-brand-300"
        >
          Change<span className="sr-only"> the workspace's time zone</span>
        </Link>
      </span>
    </p>
  );
}

function ReportBody({
  report,
  range,
  stale,
}: {
  report: GetReportResponse;
  range: DateRange;
  stale: boolean;
}) {
  const against = previousLabel(range);
  const save = (what: string, csv: string) =>
    downloadText(csvFileName(what, range.from, range.to), csv, "text/csv;charset=utf-8");
  const names = useMemo(
    () => new Map(report.agents.map((a) => [a.userId, a.displayName || a.userId])),
    [report.agents],
  );
  return (
    <div
      className={stale ? "space-y-5 opacity-60 transition-opacity" : "space-y-5"}
      aria-busy={stale}
      data-testid="report"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="px-1 text-sm font-semibold">Summary</h2>
        <CsvButton what="Summary" onClick={() => save("summary", summaryCsv(report))} />
      </div>
      <SummaryCards report={report} against={against} />
      <div className="grid gap-5 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <VolumeChart report={report} onDownload={() => save("volume", volumeCsv(report))} />
        </div>
        <RatingsChart satisfaction={report.current?.satisfaction} />
      </div>
      <section aria-labelledby="busiest-hours" className={`${cardClass} p-4 sm:p-5`}>
        <h2 id="busiest-hours" className="text-sm font-semibold">
          Busiest hours
        </h2>
        <p className="mt-0.5 mb-3 text-xs text-zinc-500 dark:text-zinc-400">
          Conversations started by weekday and hour, over the whole period, in{" "}
          {report.timeZone || "UTC"}
        </p>
        <Heatmap cells={report.busiestHours} timeZone={report.timeZone || "UTC"} />
      </section>
      <AgentsTable
        agents={report.agents}
        onDownload={() => save("agents", agentsCsv(report.agents))}
      />
      <div className="grid gap-5">
        <ScopesTable
          title="Widgets"
          description="Each widget's conversations."
          nameHead="Widget"
          empty="No widgets yet."
          scopes={report.widgets}
          onDownload={() => save("widgets", scopesCsv(report.widgets))}
          testId="widgets-table"
        />
        <ScopesTable
          title="Teams"
          description="Conversations by the team they are in now."
          nameHead="Team"
          empty="No teams yet."
          scopes={report.teams}
          onDownload={() => save("teams", scopesCsv(report.teams))}
          testId="teams-table"
        />
      </div>
      <RatingComments report={report} names={names} />
    </div>
  );
}
