//! The settings table: a row per event (its name and when it happens), a column per
//! channel, a checkbox per cell. A channel that cannot work here is marked in its header
//! (the notes under the table say why); a cell that does nothing for its event shows a
//! dash instead of a checkbox.

import { BellRing, Mail, Monitor, TriangleAlert, Volume2 } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "../components/ui/cn";
import {
  applies,
  CHANNELS,
  type Channel,
  type ChannelNote,
  type Grid,
  NOTICES,
  noticeLabel,
  OFFLINE_OTHER_CHANNELS,
} from "./model";

const CHANNEL_ICONS: Record<Channel, ReactNode> = {
  email: <Mail aria-hidden className="size-3.5" />,
  push: <BellRing aria-hidden className="size-3.5" />,
  sound: <Volume2 aria-hidden className="size-3.5" />,
  desktop: <Monitor aria-hidden className="size-3.5" />,
};

export function RulesTable({
  label,
  grid,
  onToggle,
  disabled = false,
  unavailable = new Set(),
}: {
  /** The table's accessible name. */
  label: string;
  grid: Grid;
  onToggle: (event: string, channel: Channel, on: boolean) => void;
  /** Shown but not editable (while saving). */
  disabled?: boolean;
  /** Channels that cannot work here: marked in their header. */
  unavailable?: ReadonlySet<Channel>;
}) {
  return (
    <table aria-label={label} className="w-full border-collapse text-left">
      <thead>
        <tr className="border-b border-zinc-100 dark:border-zinc-800">
          <th
            scope="col"
            className="py-2.5 pr-2 pl-4 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase sm:pl-5 dark:text-zinc-400"
          >
            Event
          </th>
          {CHANNELS.map(({ key, label: channel }) => (
            <th
              key={key}
              scope="col"
              className="w-12 px-0.5 py-2.5 text-center text-[11px] font-semibold tracking-wide text-zinc-500 uppercase last:pr-3 sm:w-20 sm:px-1 sm:last:pr-4 dark:text-zinc-400"
            >
              <span className="inline-flex flex-col items-center gap-1">
                <span className="inline-flex items-center gap-1">
                  {CHANNEL_ICONS[key]}
                  {unavailable.has(key) && (
                    <TriangleAlert
                      aria-hidden
                      className="size-3 text-amber-600 dark:text-amber-400"
                    />
                  )}
                </span>
                <span className="normal-case sm:uppercase">{channel}</span>
                {unavailable.has(key) && <span className="sr-only">(unavailable here)</span>}
              </span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {grid.map((row) => {
          const info = NOTICES.find((n) => n.event === row.event);
          const name = noticeLabel(row.event);
          return (
            <tr key={row.event}>
              <th scope="row" className="py-3 pr-2 pl-4 align-top font-normal sm:pl-5">
                <span className="block text-[13px] font-medium text-zinc-800 dark:text-zinc-200">
                  {name}
                </span>
                {info && (
                  <span className="mt-0.5 block text-xs text-zinc-500 dark:text-zinc-400">
                    {info.explanation}
                  </span>
                )}
              </th>
              {CHANNELS.map(({ key, label: channel }) => (
                <td
                  key={key}
                  className="px-0.5 py-3 text-center align-top last:pr-3 sm:px-1 sm:last:pr-4"
                >
                  {applies(row.event, key) ? (
                    <input
                      type="checkbox"
                      aria-label={`${channel}: ${name}`}
                      checked={row[key]}
                      disabled={disabled}
                      onChange={(e) => onToggle(row.event, key, e.target.checked)}
                      className={cn(
                        "mt-0.5 size-4 rounded accent-brand-600",
                        disabled ? "cursor-not-allowed opacity-60" : "cursor-pointer",
                      )}
                    />
                  ) : (
                    <span
                      title={OFFLINE_OTHER_CHANNELS}
                      className="inline-block pt-0.5 text-zinc-300 dark:text-zinc-600"
                    >
                      <span aria-hidden>—</span>
                      <span className="sr-only">
                        {channel}: {name}: not used. {OFFLINE_OTHER_CHANNELS}
                      </span>
                    </span>
                  )}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Why channels cannot work here, under the table. */
export function ChannelNotes({
  notes,
  label = "Notes on your channels",
}: {
  notes: readonly ChannelNote[];
  label?: string;
}) {
  if (notes.length === 0) return null;
  return (
    <ul aria-label={label} className="space-y-1.5">
      {notes.map((note) => (
        <li
          key={`${note.channel}-${note.tone}`}
          className={cn(
            "flex gap-2 text-xs",
            note.tone === "unavailable"
              ? "text-amber-800 dark:text-amber-300"
              : "text-zinc-600 dark:text-zinc-400",
          )}
        >
          <span className="mt-px shrink-0">{CHANNEL_ICONS[note.channel]}</span>
          <span>
            <span className="font-medium">
              {CHANNELS.find((c) => c.key === note.channel)?.label}:
            </span>{" "}
            {note.text}
          </span>
        </li>
      ))}
    </ul>
  );
}
