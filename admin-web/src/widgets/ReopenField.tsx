//! "Continue a resolved conversation for": the quiet period after a resolve within which a
//! visitor writing again reopens their conversation (later, they start a new one). Presets
//! by name, or custom minutes checked as the server checks them; the rule in one sentence
//! under it, following the choice; the server's refusal of the field shown in its place.
//! The editor holds the custom text (so it outlives a switch to another section) and
//! refuses to save while it is wrong.

import { Field, Input, Select } from "../components/ui/Field";
import { parseReopenMinutes, REOPEN_MAX_MINUTES, REOPEN_PRESETS, reopenRule } from "./settings";

const CUSTOM = "custom";

export function ReopenField({
  value,
  custom,
  onChange,
  onCustom,
  error,
}: {
  /** The quiet period in minutes, as the settings hold it (the last valid one). */
  value: number;
  /** The custom minutes as typed, or undefined while a preset is chosen. */
  custom: string | undefined;
  /** A valid new period. */
  onChange: (minutes: number) => void;
  /** The custom minutes typed, or undefined when a preset is chosen. */
  onCustom: (text: string | undefined) => void;
  /** The server's refusal of `settings.behavior.reopen_within_minutes`. */
  error?: string | undefined;
}) {
  const parsed = custom === undefined ? undefined : parseReopenMinutes(custom);
  const problem = parsed && "error" in parsed ? parsed.error : undefined;

  const choose = (choice: string) => {
    if (choice === CUSTOM) {
      onCustom(String(value));
      return;
    }
    onCustom(undefined);
    onChange(Number(choice));
  };
  const type = (text: string) => {
    onCustom(text);
    const next = parseReopenMinutes(text);
    if ("minutes" in next) onChange(next.minutes);
  };

  const shown = problem ?? error;
  return (
    <Field label="Continue a resolved conversation for" hint={reopenRule(value)} error={shown}>
      {({ invalid, "aria-invalid": refused, ...p }) => (
        <div className="flex flex-wrap items-center gap-2">
          <Select
            {...p}
            className="sm:max-w-48"
            // In custom mode what is wrong is the minutes, not the choice.
            aria-invalid={(custom === undefined && refused) || undefined}
            invalid={Boolean(invalid) && custom === undefined}
            value={custom === undefined ? String(value) : CUSTOM}
            onChange={(e) => choose(e.target.value)}
          >
            {REOPEN_PRESETS.map((preset) => (
              <option key={preset.minutes} value={preset.minutes}>
                {preset.label}
              </option>
            ))}
            <option value={CUSTOM}>Custom…</option>
          </Select>
          {custom !== undefined && (
            <span className="flex items-center gap-2">
              <Input
                type="number"
                inputMode="numeric"
                min={0}
                max={REOPEN_MAX_MINUTES}
                step={1}
                aria-label="Minutes"
                aria-describedby={p["aria-describedby"]}
                aria-invalid={Boolean(shown) || undefined}
                invalid={Boolean(shown)}
                className="w-28 max-w-28 tabular-nums"
                value={custom}
                onChange={(e) => type(e.target.value)}
              />
              <span className="text-[13px] text-zinc-500 dark:text-zinc-400">minutes</span>
            </span>
          )}
        </div>
      )}
    </Field>
  );
}
