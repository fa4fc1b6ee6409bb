//! The frame of the signed-out pages: logo, a heading and a card.

import type { ReactNode } from "react";
import { Logo } from "../components/Logo";

export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <main className="flex min-h-dvh flex-col items-center bg-zinc-50 px-4 py-12 sm:justify-center dark:bg-zinc-950">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <h1 className="text-center text-xl font-semibold tracking-tight">{title}</h1>
        {subtitle && (
          <p className="mt-1.5 text-center text-sm text-zinc-500 dark:text-zinc-400">{subtitle}</p>
        )}
        <div className="mt-6 rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
          {children}
        </div>
        {footer && (
          <p className="mt-6 text-center text-sm text-zinc-500 dark:text-zinc-400">{footer}</p>
        )}
      </div>
    </main>
  );
}

/**
 * The card's content when it says something instead of showing a form: an icon, the
 * message (announced to screen readers), more detail, and what to do next.
 */
export function AuthNotice({
  icon,
  tone = "brand",
  message,
  detail,
  children,
}: {
  icon: ReactNode;
  tone?: "brand" | "green" | "amber";
  message: ReactNode;
  detail?: ReactNode;
  children?: ReactNode;
}) {
  const tones = {
    brand: "bg-brand-50 text-brand-600 dark:bg-brand-500/10 dark:text-brand-400",
    green: "bg-emerald-50 text-emerald-600 dark:bg-emerald-500/10 dark:text-emerald-400",
    amber: "bg-amber-50 text-amber-600 dark:bg-amber-500/10 dark:text-amber-400",
  };
  return (
    <div className="flex flex-col items-center text-center">
      <div className={`mb-3 flex size-10 items-center justify-center rounded-full ${tones[tone]}`}>
        {icon}
      </div>
      <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
        {message}
      </p>
      {detail && <p className="mt-2 text-[13px] text-zinc-500 dark:text-zinc-400">{detail}</p>}
      {children && <div className="mt-5 flex w-full flex-col gap-2">{children}</div>}
    </div>
  );
}
