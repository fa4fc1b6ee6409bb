//! The notifications screen's cards: like `Card`, but a region named by its heading, and
//! with no padding of its own, so a table can run edge to edge.

import { type ReactNode, useId } from "react";

/** A card whose heading names it (a region), with room for a table edge to edge. */
export function Section({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <header className="border-b border-zinc-100 px-5 py-4 dark:border-zinc-800">
        <h2 id={id} className="text-sm font-semibold">
          {title}
        </h2>
        {description && (
          <p className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">{description}</p>
        )}
      </header>
      {children}
    </section>
  );
}
