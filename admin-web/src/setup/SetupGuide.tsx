//! The first-run checklist as drawn: the steps of `steps.ts` in order, each with what it is
//! and why, a button that leads where it is done, and a tick that the server's progress sets
//! (the checklist asks again by itself, `queries.ts`). Shown as the "Get started" page, in
//! the inbox's empty pane while steps remain, and as a banner on a phone's inbox. Agents see
//! who does the owners' steps instead of buttons.

import type { GetSetupProgressResponse, Widget } from "@porthole/client";
import { ArrowRight, Check, ExternalLink, EyeOff, PartyPopper, Radar, X } from "lucide-react";
import { Link } from "react-router";
import { Button, buttonClasses } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Spinner } from "../components/ui/misc";
import { describeError } from "../lib/errors";
import { useWidgets } from "../widgets/queries";
import { setSetupHidden } from "./hidden";
import { useSetupGuide, useSetupProgress } from "./queries";
import { type SetupStep, setupComplete, setupCount, setupSteps } from "./steps";

/** "2 of 5 done" and a bar; announced when it changes. */
function Progress({ done, total }: { done: number; total: number }) {
  return (
    <div className="flex items-center gap-3">
      <div
        className="h-1.5 flex-1 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
        aria-hidden
      >
        <div
          className="h-full rounded-full bg-emerald-500 transition-[width] duration-500"
          style={{ width: `${(done / total) * 100}%` }}
        />
      </div>
      <span
        role="status"
        className="shrink-0 text-xs font-medium text-zinc-500 tabular-nums dark:text-zinc-400"
        data-testid="setup-count"
      >
        {done} of {total} done
      </span>
    </div>
  );
}

function Tick({ step, index, next }: { step: SetupStep; index: number; next: boolean }) {
  if (step.done) {
    return (
      <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-emerald-500 text-white shadow-sm animate-pop-in dark:bg-emerald-500/90">
        <Check className="size-4" strokeWidth={3} aria-hidden />
      </span>
    );
  }
  return (
    <span
      aria-hidden
      className={cn(
        "flex size-7 shrink-0 items-center justify-center rounded-full text-xs font-semibold tabular-nums ring-2 ring-inset",
        next
          ? "text-brand-700 ring-brand-500 dark:text-brand-300 dark:ring-brand-400"
          : "text-zinc-400 ring-zinc-200 dark:text-zinc-500 dark:ring-zinc-700",
      )}
    >
      {index + 1}
    </span>
  );
}

function StepAction({ step, next, isAdmin }: { step: SetupStep; next: boolean; isAdmin: boolean }) {
  if (step.adminOnly && !isAdmin) {
    return step.done ? null : (
      <p className="text-xs text-zinc-500 dark:text-zinc-400">An owner or admin does this.</p>
    );
  }
  const { action } = step;
  // A done step's button is a quiet link: back there to change something.
  const look = step.done
    ? "inline-flex items-center gap-1.5 text-[13px] font-medium text-brand-600 hover:underline dark:text-brand-400"
    : buttonClasses(next ? "primary" : "secondary", "sm");
  if ("blocked" in action) {
    return (
      <span className="flex flex-col items-start gap-1 sm:items-end">
        <Button size="sm" variant="secondary" disabled>
          {action.label}
        </Button>
        <span className="text-[11px] text-zinc-500 dark:text-zinc-400">
          {isAdmin ? action.blocked : "Waits for the widget an owner or admin creates."}
        </span>
      </span>
    );
  }
  if ("href" in action) {
    return (
      <a href={action.href} target="_blank" rel="noopener" className={look}>
        <ExternalLink className="size-3.5" aria-hidden /> {action.label}
      </a>
    );
  }
  return (
    <Link to={action.to} className={look}>
      {action.label}
      {!step.done && <ArrowRight className="size-3.5" aria-hidden />}
    </Link>
  );
}

function StepRow({
  step,
  index,
  next,
  isAdmin,
}: {
  step: SetupStep;
  index: number;
  next: boolean;
  isAdmin: boolean;
}) {
  return (
    <li
      data-testid={`setup-step-${step.id}`}
      data-state={step.done ? "done" : "todo"}
      aria-labelledby={`setup-step-${step.id}-title`}
      className={cn(
        "flex gap-3.5 px-4 py-4 sm:px-5",
        next && "bg-brand-50/50 dark:bg-brand-500/[0.06]",
      )}
    >
      <Tick step={step} index={index} next={next} />
      <div className="flex min-w-0 flex-1 flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h3
            id={`setup-step-${step.id}-title`}
            className={cn("text-sm font-semibold", step.done && "text-zinc-500 dark:text-zinc-400")}
          >
            <span className="sr-only">{step.done ? "Done: " : "To do: "}</span>
            {step.title}
          </h3>
          {/* Once done, what showed it says enough. */}
          {!step.done && (
            <p className="mt-0.5 text-[13px] leading-relaxed text-zinc-500 dark:text-zinc-400">
              {step.why}
            </p>
          )}
          {step.proof && (
            <p
              className="mt-0.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-[13px] text-emerald-700 dark:text-emerald-400"
              data-testid={`setup-proof-${step.id}`}
            >
              {step.proof}
              {step.id === "install" && (
                <Link
                  to="/visitors"
                  className="inline-flex items-center gap-1 font-medium text-brand-600 hover:underline dark:text-brand-400"
                >
                  <Radar className="size-3.5" aria-hidden /> See who is on your site
                </Link>
              )}
            </p>
          )}
        </div>
        <div className="shrink-0">
          <StepAction step={step} next={next} isAdmin={isAdmin} />
        </div>
      </div>
    </li>
  );
}

/** The steps with their ticks, for any member. */
export function SetupChecklist({
  progress,
  widgets,
  isAdmin,
}: {
  progress: GetSetupProgressResponse;
  widgets: readonly Widget[];
  isAdmin: boolean;
}) {
  const steps = setupSteps(progress, widgets);
  // The step to do now: the first open one this member can do.
  const nextId = steps.find((s) => !s.done && (isAdmin || !s.adminOnly))?.id;
  return (
    <ol
      aria-label="Setup steps"
      className="divide-y divide-zinc-100 overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {steps.map((step, index) => (
        <StepRow
          key={step.id}
          step={step}
          index={index}
          next={step.id === nextId}
          isAdmin={isAdmin}
        />
      ))}
    </ol>
  );
}

/**
 * The whole guide: heading, progress, the steps, and hiding it. `page` is the Get started
 * page; `panel` the inbox's empty pane (which disappears once hidden).
 */
export function SetupGuide({ variant }: { variant: "page" | "panel" }) {
  const guide = useSetupGuide();
  const progress = useSetupProgress({ live: true });
  const widgets = useWidgets();
  const { hidden } = guide;
  if (progress.isError) {
    return (
      <p className="text-sm text-zinc-500">
        Your progress could not be loaded: {describeError(progress.error)}
      </p>
    );
  }
  if (!progress.data || widgets.isPending) {
    return (
      <div className="flex justify-center py-16">
        <Spinner className="size-5" />
      </div>
    );
  }
  const { done, total } = setupCount(progress.data);
  const complete = setupComplete(progress.data);
  const Title = variant === "page" ? "h1" : "h2";
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <Title className="text-xl font-semibold tracking-tight">
            {variant === "page" ? "Get started" : "Get Porthole ready"}
          </Title>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
            {complete
              ? "Everything is in place."
              : "A few steps to your first chat. Each one ticks itself off as you go."}
          </p>
        </div>
        {guide.isAdmin && !complete && (
          <div className="flex items-center gap-1">
            {variant === "panel" && (
              <Link to="/get-started" className={buttonClasses("ghost", "sm")}>
                Open as a page
              </Link>
            )}
            {hidden ? (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setSetupHidden(guide.workspaceId, false)}
              >
                Show in the navigation
              </Button>
            ) : (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setSetupHidden(guide.workspaceId, true)}
                title="Hide it from the navigation and the inbox; the account menu still opens it"
              >
                <EyeOff className="size-3.5" aria-hidden /> Hide this guide
              </Button>
            )}
          </div>
        )}
      </div>
      <Progress done={done} total={total} />
      {complete && (
        <div className="flex items-start gap-3 rounded-xl bg-emerald-50 px-4 py-3.5 text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-500/10 dark:text-emerald-100 dark:ring-emerald-500/30">
          <PartyPopper className="mt-0.5 size-5 shrink-0" aria-hidden />
          <div className="text-[13px]">
            <p className="font-semibold">You're all set.</p>
            <p className="mt-0.5">
              Visitors can reach you and your team will see their chats.{" "}
              <Link to="/inbox" className="font-medium underline underline-offset-2">
                Go to the inbox
              </Link>
              . This guide has left the navigation; the account menu still opens it.
            </p>
          </div>
        </div>
      )}
      {hidden && !complete && guide.isAdmin && (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          Hidden from the navigation and the inbox in this browser. The account menu's “Get started”
          opens it.
        </p>
      )}
      <SetupChecklist
        progress={progress.data}
        widgets={widgets.data?.widgets ?? []}
        isAdmin={guide.isAdmin}
      />
      {!complete && (
        <p className="flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
          <span className="relative flex size-2">
            <span className="absolute size-2 animate-ping rounded-full bg-emerald-400 opacity-50 [animation-duration:2.5s]" />
            <span className="relative size-2 rounded-full bg-emerald-500" />
          </span>
          Checking by itself every few seconds while this is open.
        </p>
      )}
    </div>
  );
}

/** The inbox's empty pane while an owner's or admin's steps remain. */
export function SetupPanel() {
  return (
    <div className="h-full w-full overflow-y-auto bg-zinc-50/60 dark:bg-zinc-900/30">
      <div className="mx-auto max-w-2xl px-6 py-8" data-testid="setup-panel">
        <SetupGuide variant="panel" />
      </div>
    </div>
  );
}

/** On a phone's inbox (where the pane is not shown): where the guide is, and how far. */
export function SetupBanner() {
  const guide = useSetupGuide();
  if (!guide.show || !guide.count) return null;
  const { done, total } = guide.count;
  return (
    <div
      className="flex items-center gap-3 border-b border-brand-100 bg-brand-50 px-4 py-2.5 dark:border-brand-900 dark:bg-brand-500/10"
      data-testid="setup-banner"
    >
      <Link
        to="/get-started"
        className="flex min-w-0 flex-1 items-center gap-3 text-[13px] text-brand-900 dark:text-brand-100"
      >
        <span className="font-semibold whitespace-nowrap">Get started</span>
        <span className="truncate text-brand-700 dark:text-brand-300">
          {done} of {total} steps done
        </span>
        <ArrowRight className="ml-auto size-4 shrink-0" aria-hidden />
      </Link>
      <button
        type="button"
        aria-label="Hide the setup guide"
        onClick={() => setSetupHidden(guide.workspaceId, true)}
        className="rounded p-0.5 text-brand-700 hover:bg-brand-100 dark:text-brand-300 dark:hover:bg-brand-500/20"
      >
        <X className="size-4" aria-hidden />
      </button>
    </div>
  );
}
