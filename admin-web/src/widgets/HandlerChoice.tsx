//! "Who answers": the handler of a widget's conversations: agents, the AI bot, or hybrid
//! (agents first, the bot while nobody is available). A workflow cannot be chosen (the
//! server refuses it: guided flows are not built); a widget stored with one shows it
//! read-only, saying its conversations go to agents, until the owner picks another.

import type { HandlerType } from "@porthole/client";
import { Info } from "lucide-react";
import { cn } from "../components/ui/cn";
import { handlerLabel, isUnavailableHandler, SELECTABLE_HANDLERS } from "./settings";

export function HandlerChoice({
  value,
  stored,
  onChange,
  error,
}: {
  /** The handler in the form. */
  value: HandlerType;
  /** The handler saved on the server (shown read-only when it cannot be chosen). */
  stored: HandlerType;
  onChange: (handler: HandlerType) => void;
  error?: string | undefined;
}) {
  const readOnly = [stored, value].find(isUnavailableHandler);
  return (
    <fieldset className="space-y-2">
      <legend className="mb-2 text-[13px] font-medium">
        Who answers this widget's conversations
      </legend>
      {SELECTABLE_HANDLERS.map((h) => (
        <label
          key={h}
          className={cn(
            "flex cursor-pointer items-start gap-3 rounded-lg p-3 ring-1",
            value === h
              ? "bg-brand-50/60 ring-brand-300 dark:bg-brand-500/10 dark:ring-brand-700"
              : "ring-zinc-200 hover:bg-zinc-50 dark:ring-zinc-800 dark:hover:bg-zinc-900",
          )}
        >
          <input
            type="radio"
            name="handler"
            checked={value === h}
            onChange={() => onChange(h)}
            className="mt-0.5 accent-brand-600"
          />
          <span>
            <span className="block text-[13px] font-medium">{handlerLabel[h].label}</span>
            <span className="block text-xs text-zinc-500">{handlerLabel[h].description}</span>
          </span>
        </label>
      ))}
      {readOnly !== undefined && (
        <div
          data-testid="unavailable-handler"
          className={cn(
            "flex items-start gap-3 rounded-lg p-3 ring-1 ring-amber-300 dark:ring-amber-700/60",
            value === readOnly
              ? "bg-amber-50/70 dark:bg-amber-500/10"
              : "bg-zinc-50 opacity-75 dark:bg-zinc-900",
          )}
        >
          <input
            type="radio"
            name="handler"
            checked={value === readOnly}
            disabled
            aria-describedby="unavailable-handler-note"
            aria-label={`${handlerLabel[readOnly].label} (not available yet)`}
            className="mt-0.5"
          />
          <span>
            <span className="block text-[13px] font-medium">
              {handlerLabel[readOnly].label}
              {value === readOnly && (
                <span className="ml-2 text-xs font-normal text-zinc-500">saved on this widget</span>
              )}
            </span>
            <span
              id="unavailable-handler-note"
              className="mt-0.5 flex items-center gap-1.5 text-xs text-amber-800 dark:text-amber-300"
            >
              <Info className="size-3.5 shrink-0" aria-hidden />
              Not available yet: conversations go to agents.
            </span>
          </span>
        </div>
      )}
      {error && <p className="text-xs text-red-600">{error}</p>}
    </fieldset>
  );
}
