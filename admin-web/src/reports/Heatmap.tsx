//! The busiest hours: conversations started per weekday and local hour over the range, as
//! a plain table (7 rows × 24 hours) whose cells are shaded by how busy they were. Being a
//! table, screen readers read it as one (each cell named by its day and hour); the shade
//! comes with the number, so colour is never the only carrier. The scrolling box is
//! `relative` so the cells' screen-reader text (absolutely placed) scrolls and clips with
//! them instead of widening the page.

import type { HourCell } from "@porthole/client";
import { cn } from "../components/ui/cn";
import { formatCount, hourSpan, WEEKDAYS } from "./format";

/** Five shades, from none to busiest, each with a text colour that reads on it (AA). */
const SHADES = [
  "bg-zinc-50 text-zinc-500 dark:bg-zinc-800/50 dark:text-zinc-400",
  "bg-brand-100 text-brand-900 dark:bg-brand-500/20 dark:text-brand-100",
  "bg-brand-200 text-brand-900 dark:bg-brand-500/35 dark:text-white",
  "bg-brand-300 text-brand-900 dark:bg-brand-700 dark:text-white",
  "bg-brand-600 text-white dark:bg-brand-400 dark:text-zinc-950",
];

/** The shade of a count against the busiest cell: 0 for none, then four steps. */
export function shadeOf(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((count / max) * 4)));
}

/** The 168 cells as a weekday × hour grid of counts (missing cells count 0). */
export function gridOf(cells: readonly HourCell[]): number[][] {
  const grid = WEEKDAYS.map(() => Array.from({ length: 24 }, () => 0));
  for (const c of cells) {
    const row = grid[c.weekday - 1];
    if (row && c.hour >= 0 && c.hour < 24) row[c.hour] = Number(c.started);
  }
  return grid;
}

export function Heatmap({ cells, timeZone }: { cells: readonly HourCell[]; timeZone: string }) {
  const grid = gridOf(cells);
  const max = Math.max(0, ...grid.flat());
  return (
    <div className="relative -mx-1 overflow-x-auto px-1 pb-1">
      <table className="w-full min-w-[640px] table-fixed border-separate border-spacing-0.5 text-[10px] tabular-nums">
        <caption className="sr-only">
          Conversations started by weekday and hour, in {timeZone}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="sticky left-0 w-10 bg-white dark:bg-zinc-900">
              <span className="sr-only">Day</span>
            </th>
            {grid[0]?.map((_, hour) => (
              <th
                // biome-ignore lint/suspicious/noArrayIndexKey: the hours are the columns
                key={hour}
                scope="col"
                className="pb-1 text-center font-medium text-zinc-500 dark:text-zinc-400"
              >
                <span aria-hidden>{hour % 3 === 0 ? String(hour).padStart(2, "0") : ""}</span>
                <span className="sr-only">{hourSpan(hour)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.map((row, day) => (
            <tr key={WEEKDAYS[day]?.short}>
              <th
                scope="row"
                className="sticky left-0 bg-white pr-1 text-left text-[11px] font-medium text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400"
              >
                <span aria-hidden>{WEEKDAYS[day]?.short}</span>
                <span className="sr-only">{WEEKDAYS[day]?.long}</span>
              </th>
              {row.map((count, hour) => (
                <td
                  // biome-ignore lint/suspicious/noArrayIndexKey: the hours are the columns
                  key={hour}
                  title={`${WEEKDAYS[day]?.long} ${hourSpan(hour)}: ${formatCount(count)} started`}
                  className={cn(
                    "h-7 rounded-[3px] text-center align-middle font-medium",
                    SHADES[shadeOf(count, max)],
                  )}
                >
                  {count > 0 ? formatCount(count) : <span className="sr-only">0</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div
        aria-hidden
        className="mt-2 flex items-center justify-end gap-1 text-[11px] text-zinc-500 dark:text-zinc-400"
      >
        Fewer
        {SHADES.map((shade) => (
          <span key={shade} className={cn("size-3 rounded-[3px]", shade)} />
        ))}
        More
      </div>
    </div>
  );
}
