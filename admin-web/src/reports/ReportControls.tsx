//! The Reports screen's controls: the period (presets, or custom first and last days, at
//! most 366 days, said so when more), whose conversations (the workspace, a widget, a team
//! or an agent: ListWidgets, ListTeams, ListMembers), durations in business hours, and the
//! volume interval (hours only up to 31 days). Every control is a labelled native one, so
//! it works by keyboard and with screen readers as such controls do.

import { Field, Input, Select } from "../components/ui/Field";
import { Switch } from "../components/ui/Switch";
import { useMembers } from "../inbox/queries";
import { useTeams } from "../team/queries";
import { useWidgets } from "../widgets/queries";
import {
  autoInterval,
  type DateRange,
  effectiveChoice,
  INTERVAL_CHOICES,
  type IntervalChoice,
  intervalAllowed,
  intervalWords,
  MAX_HOURLY_DAYS,
  MAX_RANGE_DAYS,
  PRESETS,
  rangeDays,
} from "./dates";
import type { ReportParams } from "./params";
import { cardClass } from "./Stat";

export function ReportControls({
  params,
  range,
  problem,
  onChange,
}: {
  params: ReportParams;
  /** The days shown now (the preset's, or the custom ones as typed). */
  range: DateRange;
  problem: string | undefined;
  onChange: (next: ReportParams) => void;
}) {
  const days = rangeDays(range);
  const set = (change: Partial<ReportParams>) => onChange({ ...params, ...change });
  const custom = params.preset === "custom";
  return (
    <div className={`${cardClass} space-y-4 p-4 sm:p-5`} data-testid="report-controls">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field label="Period">
          {(p) => (
            <Select
              {...p}
              value={params.preset}
              onChange={(e) => {
                const preset = e.target.value as ReportParams["preset"];
                // A custom period starts from the days shown, to be changed from there.
                set(preset === "custom" ? { preset, custom: range } : { preset });
              }}
            >
              {PRESETS.map((preset) => (
                <option key={preset.id} value={preset.id}>
                  {preset.label}
                </option>
              ))}
              <option value="custom">Custom dates…</option>
            </Select>
          )}
        </Field>
        <ScopeSelect value={params.scope} onChange={(scope) => set({ scope })} />
        <Field
          label="Interval"
          hint={
            Number.isFinite(days) && days > MAX_HOURLY_DAYS
              ? `Hours only for up to ${MAX_HOURLY_DAYS} days.`
              : undefined
          }
        >
          {(p) => (
            <Select
              {...p}
              value={
                Number.isFinite(days) ? effectiveChoice(params.interval, days) : params.interval
              }
              onChange={(e) => set({ interval: e.target.value as IntervalChoice })}
            >
              {INTERVAL_CHOICES.map((choice) => (
                <option
                  key={choice}
                  value={choice}
                  disabled={Number.isFinite(days) && !intervalAllowed(choice, days)}
                >
                  {choice === "auto"
                    ? Number.isFinite(days) && days > 0
                      ? `Automatic (${intervalWords[autoInterval(days)].label.toLowerCase()})`
                      : "Automatic"
                    : intervalWords[choice].label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="flex items-end pb-1.5">
          <div className="w-full">
            <Switch
              checked={params.businessHours}
              onCheckedChange={(businessHours) => set({ businessHours })}
              label="Business hours only"
              description="Count response and resolution times only while the widget is open."
            />
          </div>
        </div>
      </div>
      {custom && (
        <fieldset className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <legend className="sr-only">Custom period</legend>
          <Field label="From" error={problem && !isValid(params.custom.from) ? problem : undefined}>
            {(p) => (
              <Input
                {...p}
                type="date"
                value={params.custom.from}
                max={params.custom.to || undefined}
                onChange={(e) => set({ custom: { ...params.custom, from: e.target.value } })}
              />
            )}
          </Field>
          <Field
            label="To"
            error={problem && isValid(params.custom.from) ? problem : undefined}
            hint={`At most ${MAX_RANGE_DAYS} days, both included.`}
          >
            {(p) => (
              <Input
                {...p}
                type="date"
                value={params.custom.to}
                min={params.custom.from || undefined}
                onChange={(e) => set({ custom: { ...params.custom, to: e.target.value } })}
              />
            )}
          </Field>
        </fieldset>
      )}
      {!custom && problem && (
        <p role="alert" className="text-xs font-medium text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
    </div>
  );
}

function isValid(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date);
}

/** "Conversations of": the workspace, or one widget, team or agent. */
function ScopeSelect({ value, onChange }: { value: string; onChange: (scope: string) => void }) {
  const widgets = useWidgets().data?.widgets ?? [];
  const teams = useTeams().data ?? [];
  const members = useMembers().data?.members ?? [];
  const byName = <T,>(list: readonly T[], name: (t: T) => string) =>
    [...list].sort((a, b) => name(a).localeCompare(name(b)));
  const known =
    value === "" ||
    widgets.some((w) => `widget:${w.id}` === value) ||
    teams.some((t) => `team:${t.id}` === value) ||
    members.some((m) => `agent:${m.userId}` === value);
  return (
    <Field label="Conversations of">
      {(p) => (
        <Select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">The whole workspace</option>
          {/* A filter from the address whose lists have not arrived (or that is gone). */}
          {!known && <option value={value}>The chosen filter</option>}
          {widgets.length > 0 && (
            <optgroup label="Widget">
              {byName(widgets, (w) => w.name).map((w) => (
                <option key={w.id} value={`widget:${w.id}`}>
                  {w.name}
                </option>
              ))}
            </optgroup>
          )}
          {teams.length > 0 && (
            <optgroup label="Team">
              {byName(teams, (t) => t.name).map((t) => (
                <option key={t.id} value={`team:${t.id}`}>
                  {t.name}
                </option>
              ))}
            </optgroup>
          )}
          {members.length > 0 && (
            <optgroup label="Agent">
              {byName(members, (m) => m.displayName || m.email).map((m) => (
                <option key={m.userId} value={`agent:${m.userId}`}>
                  {m.displayName || m.email}
                </option>
              ))}
            </optgroup>
          )}
        </Select>
      )}
    </Field>
  );
}
