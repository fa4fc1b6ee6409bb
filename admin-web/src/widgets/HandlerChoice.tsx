//! "Who answers": the handler of a widget's conversations: agents, the AI bot, hybrid
//! (agents first, the bot while nobody is available) or a guided flow (scripted steps; its
//! editor is `FlowEditor.tsx`, below the choice).

import type { HandlerType } from "@porthole/client";
import { cn } from "../components/ui/cn";
import { handlerLabel, SELECTABLE_HANDLERS } from "./settings";

export function HandlerChoice({
  value,
  onChange,
  error,
}: {
  /** The handler in the form. */
  value: HandlerType;
  onChange: (handler: HandlerType) => void;
  error?: string | undefined;
}) {
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
      {error && <p className="text-xs text-red-600">{error}</p>}
    </fieldset>
  );
}
