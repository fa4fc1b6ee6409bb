//! The warning shown where the AI bot would answer but the server has no model
//! (GetBotStatus's `configured` is false): its conversations go to the agents until the
//! operator configures one, as the README's section "The AI bot" describes.

import { TriangleAlert } from "lucide-react";
import { cn } from "../components/ui/cn";
import { NO_MODEL_NOTICE } from "./bot";

export function NoModelNotice({ className }: { className?: string }) {
  return (
    <div
      role="alert"
      data-testid="no-model"
      className={cn(
        "flex items-start gap-3 rounded-xl bg-amber-50 px-4 py-3 text-[13px] ring-1 ring-amber-300 ring-inset dark:bg-amber-500/10 dark:ring-amber-700/60",
        className,
      )}
    >
      <TriangleAlert
        className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400"
        aria-hidden
      />
      <div className="min-w-0 text-amber-950 dark:text-amber-100">
        <p className="font-medium">{NO_MODEL_NOTICE}.</p>
        <p className="mt-1 text-amber-800 dark:text-amber-300/90">
          How to set one (OpenAI, Gemini, a local Ollama…): the section “The AI bot” in Porthole's
          README. The settings below are kept and apply as soon as a model is configured.
        </p>
      </div>
    </div>
  );
}
