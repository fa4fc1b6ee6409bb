//! The warning shown where the AI bot would answer but no model answers this workspace
//! (GetBotStatus's `configured` is false): its conversations go to the agents until an
//! owner or admin sets the workspace's own model (the bot card's "Use your own model") or
//! the operator configures the server's, as the README's section "The AI bot" describes.

import { TriangleAlert } from "lucide-react";
import { cn } from "../components/ui/cn";
import { NO_MODEL_NOTICE } from "./bot";

/** `place`: in the bot card, the own-model form is just below; in the widget editor, not. */
export function NoModelNotice({
  className,
  place = "editor",
}: {
  className?: string;
  place?: "card" | "editor";
}) {
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
          {place === "card"
            ? "Give this workspace its own model below (OpenAI, Gemini, a self-hosted Ollama…), or have the operator set the server's (the section “The AI bot” of Porthole's README)."
            : "Give this workspace its own model (OpenAI, Gemini, a self-hosted Ollama…) in the AI bot card on the Widgets page, or have the operator set the server's (the section “The AI bot” of Porthole's README). The settings below are kept and apply as soon as there is a model."}
        </p>
      </div>
    </div>
  );
}
