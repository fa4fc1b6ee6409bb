//! The title row of settings-like pages.

import type { ReactNode } from "react";
import { cn } from "../components/ui/cn";

export function PageHeader({
  title,
  description,
  actions,
  back,
  wide,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  back?: ReactNode;
  /** For pages of figures (Overview, Reports), whose content is `max-w-6xl` too. */
  wide?: boolean;
}) {
  return (
    <div
      className={cn(
        "mx-auto flex flex-wrap items-end justify-between gap-4 px-4 pt-8 pb-6 sm:px-8",
        wide ? "max-w-6xl" : "max-w-4xl",
      )}
    >
      <div className="min-w-0">
        {back}
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description && (
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{description}</p>
        )}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}
