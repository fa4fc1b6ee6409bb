//! The report's charts, drawn by uPlot on a canvas: conversations over time (started,
//! resolved, missed) and the ratings' distribution. Each sits in a `ChartCard` with its
//! title, a description for screen readers (`role="img"` with the figures in words) and
//! its data table under "Show as table", so nothing is only in pixels. Colours follow the
//! theme (the chart is drawn again when it changes); missed is dashed, so the lines differ
//! by more than colour. Where a canvas cannot be drawn (tests), only the table is there.

import "uplot/dist/uPlot.min.css";
import "./charts.css";
import type { GetReportResponse, Satisfaction } from "@porthole/client";
import { Download } from "lucide-react";
import { type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { toMillis } from "../lib/format";
import { choiceOf, intervalWords } from "./dates";
import { formatCount, pointLabel, zonedFormat } from "./format";
import { cardClass } from "./Stat";

/** Whether the page is dark now (the `dark` class on <html>, see lib/prefs.ts). */
export function useIsDark(): boolean {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains("dark"));
  useEffect(() => {
    const html = document.documentElement;
    const observer = new MutationObserver(() => setDark(html.classList.contains("dark")));
    observer.observe(html, { attributes: true, attributeFilter: ["class"] });
    return () => observer.disconnect();
  }, []);
  return dark;
}

export interface Palette {
  axis: string;
  grid: string;
  started: string;
  resolved: string;
  missed: string;
  rating: string;
}

const LIGHT: Palette = {
  axis: "#52525b",
  grid: "#ececef",
  started: "#4f5bd5",
  resolved: "#059669",
  missed: "#dc2626",
  rating: "#f59e0b",
};

const DARK: Palette = {
  axis: "#a1a1aa",
  grid: "#2a2a30",
  started: "#8f98ff",
  resolved: "#34d399",
  missed: "#f87171",
  rating: "#fbbf24",
};

const FONT = '11px "Inter Variable", ui-sans-serif, system-ui, sans-serif';
/** Steps between a count axis' ticks: whole numbers only. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000];

function canDraw(): boolean {
  try {
    return Boolean(document.createElement("canvas").getContext("2d"));
  } catch {
    return false;
  }
}

/** uPlot in a box as wide as its parent, drawn again on resize, theme and data changes. */
function Plot({
  options,
  data,
  height,
  label,
  testId,
}: {
  options: (palette: Palette) => Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  height: number;
  label: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const dark = useIsDark();
  useEffect(() => {
    const el = box.current;
    if (!el || !canDraw()) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const plot = new uPlot({ ...options(dark ? DARK : LIGHT), width: width(), height }, data, el);
    const resize = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [options, data, dark, height]);
  return (
    <div
      ref={box}
      role="img"
      aria-label={label}
      data-testid={testId}
      className="report-chart w-full min-w-0 text-zinc-700 dark:text-zinc-300"
    />
  );
}

const axis = (p: Palette, extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
  stroke: p.axis,
  font: FONT,
  grid: { stroke: p.grid, width: 1 },
  ticks: { stroke: p.grid, width: 1, size: 4 },
  ...extra,
});

/**
 * The time axis' labels in the workspace's time zone: "14:00" for hours (the date at
 * midnight), "2 May" for days and weeks.
 */
function tickFormat(interval: "hour" | "day" | "week", timeZone: string) {
  const day = zonedFormat(timeZone, { day: "numeric", month: "short" });
  const time = zonedFormat(timeZone, { hour: "2-digit", minute: "2-digit" });
  return (seconds: number): string => {
    const ms = seconds * 1000;
    if (interval !== "hour") return day(ms);
    const t = time(ms);
    return t === "00:00" ? day(ms) : t;
  };
}

/** A card holding one chart: title, what it shows, a CSV button, the chart, its table. */
export function ChartCard({
  title,
  description,
  onDownload,
  table,
  children,
  className,
}: {
  title: string;
  description?: ReactNode;
  onDownload?: () => void;
  table: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <figure
      aria-labelledby={`${id}-title`}
      className={cn(cardClass, "min-w-0 p-4 sm:p-5", className)}
    >
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={`${id}-title`} className="text-sm font-semibold">
            {title}
          </h2>
          {description && (
            <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{description}</p>
          )}
        </div>
        {onDownload && <CsvButton onClick={onDownload} what={title} />}
      </div>
      {children}
      <details className="group mt-3 text-[13px]">
        <summary className="cursor-pointer rounded text-xs font-medium text-zinc-600 select-none hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
          Show as table
        </summary>
        <div className="relative mt-2 max-h-80 overflow-auto">{table}</div>
      </details>
    </figure>
  );
}

/** "Download CSV", named for the table it saves. */
export function CsvButton({ onClick, what }: { onClick: () => void; what: string }) {
  return (
    <Button size="sm" variant="ghost" onClick={onClick} aria-label={`Download CSV: ${what}`}>
      <Download className="size-3.5" aria-hidden /> Download CSV
    </Button>
  );
}

export const tableClass = "w-full text-left text-[13px] tabular-nums";
export const headClass =
  "border-b border-zinc-100 px-2 py-1.5 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400";
export const cellClass = "border-b border-zinc-50 px-2 py-1.5 dark:border-zinc-800/60";

/** Conversations started, resolved and missed per interval. */
export function VolumeChart({
  report,
  onDownload,
}: {
  report: GetReportResponse;
  onDownload: () => void;
}) {
  const timeZone = report.timeZone || "UTC";
  const interval = choiceOf(report.interval);
  const severalDays = toMillis(report.endTime) - toMillis(report.startTime) > 26 * 3_600_000;
  const labels = useMemo(
    () => report.volume.map((p) => pointLabel(p.startTime, interval, timeZone, severalDays)),
    [report.volume, interval, timeZone, severalDays],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [
      report.volume.map((p) => toMillis(p.startTime) / 1000),
      report.volume.map((p) => Number(p.started)),
      report.volume.map((p) => Number(p.resolved)),
      report.volume.map((p) => Number(p.missed)),
    ],
    [report.volume],
  );
  const totals = report.volume.reduce(
    (t, p) => ({
      started: t.started + Number(p.started),
      resolved: t.resolved + Number(p.resolved),
      missed: t.missed + Number(p.missed),
    }),
    { started: 0, resolved: 0, missed: 0 },
  );
  const peak = report.volume.reduce(
    (best, p, i) => (Number(p.started) > best.started ? { started: Number(p.started), i } : best),
    { started: 0, i: -1 },
  );
  const per = intervalWords[interval].per;
  const summary =
    `Line chart of conversations per ${per}, ${report.volume.length} ${per}s: ` +
    `${formatCount(totals.started)} started, ${formatCount(totals.resolved)} resolved, ` +
    `${formatCount(totals.missed)} missed in all.` +
    (peak.i >= 0 ? ` Busiest: ${labels[peak.i]} with ${formatCount(peak.started)} started.` : "");
  const options = useMemo(() => {
    const many = report.volume.length > 62;
    const tick = tickFormat(interval, timeZone);
    /** The legend: the figures under the cursor, or the period's totals while none is. */
    const value =
      (total: number) =>
      (_u: uPlot, v: number | null, _s: number, i: number | null): string =>
        formatCount(i === null || v === null ? total : v);
    return (p: Palette): Omit<uPlot.Options, "width" | "height"> => ({
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      cursor: { drag: { x: false, y: false, setScale: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      series: [
        {
          label: intervalWords[interval].label.replace(/s$/, ""),
          value: (_u, _v, _s, i) => (i === null ? "Total" : (labels[i] ?? "")),
        },
        {
          label: "Started",
          stroke: p.started,
          width: 2,
          points: { show: !many, size: 5 },
          value: value(totals.started),
        },
        {
          label: "Resolved",
          stroke: p.resolved,
          width: 2,
          points: { show: !many, size: 5 },
          value: value(totals.resolved),
        },
        {
          label: "Missed",
          stroke: p.missed,
          width: 2,
          dash: [6, 4],
          points: { show: !many, size: 5 },
          value: value(totals.missed),
        },
      ],
      axes: [
        axis(p, { values: (_u, splits) => splits.map((ts) => tick(ts)) }),
        axis(p, { incrs: COUNT_STEPS, size: 40 }),
      ],
    });
  }, [
    labels,
    interval,
    report.volume.length,
    timeZone,
    totals.started,
    totals.resolved,
    totals.missed,
  ]);
  return (
    <ChartCard
      title="Conversations over time"
      description={`Started, resolved and missed per ${per}, in ${timeZone}`}
      onDownload={onDownload}
      table={
        <table className={tableClass} data-testid="volume-table">
          <caption className="sr-only">Conversations per {per}</caption>
          <thead>
            <tr>
              <th scope="col" className={headClass}>
                {intervalWords[interval].label.replace(/s$/, "")}
              </th>
              <th scope="col" className={cn(headClass, "text-right")}>
                Started
              </th>
              <th scope="col" className={cn(headClass, "text-right")}>
                Resolved
              </th>
              <th scope="col" className={cn(headClass, "text-right")}>
                Missed
              </th>
            </tr>
          </thead>
          <tbody>
            {report.volume.map((p, i) => (
              <tr key={toMillis(p.startTime)}>
                <th scope="row" className={cn(cellClass, "font-normal whitespace-nowrap")}>
                  {labels[i]}
                </th>
                <td className={cn(cellClass, "text-right")}>{formatCount(p.started)}</td>
                <td className={cn(cellClass, "text-right")}>{formatCount(p.resolved)}</td>
                <td className={cn(cellClass, "text-right")}>{formatCount(p.missed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <Plot options={options} data={data} height={240} label={summary} testId="volume-chart" />
    </ChartCard>
  );
}

const STARS = [1, 2, 3, 4, 5] as const;

/** How many ratings of each star count, as bars. */
export function RatingsChart({ satisfaction }: { satisfaction: Satisfaction | undefined }) {
  const counts = STARS.map((s) => Number(satisfaction?.distribution[s - 1] ?? 0n));
  const rated = counts.reduce((a, b) => a + b, 0);
  const share = (n: number) => (rated > 0 ? `${Math.round((n / rated) * 100)}%` : "—");
  const key = counts.join(",");
  const data = useMemo<uPlot.AlignedData>(() => [[...STARS], key.split(",").map(Number)], [key]);
  const options = useMemo(
    () =>
      (p: Palette): Omit<uPlot.Options, "width" | "height"> => ({
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [0.4, 5.6] },
          y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] },
        },
        series: [
          {},
          {
            label: "Ratings",
            stroke: p.rating,
            fill: `${p.rating}cc`,
            width: 1,
            paths: uPlot.paths.bars?.({ size: [0.62, 56], align: 0 }),
            points: { show: false },
          },
        ],
        axes: [
          axis(p, {
            grid: { show: false },
            splits: () => [...STARS],
            values: (_u, splits) => splits.map((v) => `${v} ★`),
          }),
          axis(p, { incrs: COUNT_STEPS, size: 40 }),
        ],
      }),
    [],
  );
  const summary =
    rated === 0
      ? "Bar chart of ratings: no ratings in this period."
      : `Bar chart of ${formatCount(rated)} ratings: ${STARS.map((s) => `${s} star${s > 1 ? "s" : ""} ${formatCount(counts[s - 1] ?? 0)}`).join(", ")}.`;
  return (
    <ChartCard
      title="Ratings"
      description={rated > 0 ? `${formatCount(rated)} ratings by visitors` : "No ratings yet"}
      table={
        <table className={tableClass} data-testid="ratings-table">
          <caption className="sr-only">Ratings by stars</caption>
          <thead>
            <tr>
              <th scope="col" className={headClass}>
                Stars
              </th>
              <th scope="col" className={cn(headClass, "text-right")}>
                Ratings
              </th>
              <th scope="col" className={cn(headClass, "text-right")}>
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {[...STARS].reverse().map((s) => (
              <tr key={s}>
                <th scope="row" className={cn(cellClass, "font-normal")}>
                  {s} {s === 1 ? "star" : "stars"}
                </th>
                <td className={cn(cellClass, "text-right")}>{formatCount(counts[s - 1] ?? 0)}</td>
                <td className={cn(cellClass, "text-right")}>{share(counts[s - 1] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <Plot options={options} data={data} height={268} label={summary} testId="ratings-chart" />
    </ChartCard>
  );
}
