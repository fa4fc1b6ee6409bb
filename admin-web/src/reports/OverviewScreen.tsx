//! Overview (`/overview`, every member; issue 17 item 2): the workspace right now, live
//! from `WatchLiveFigures` (`live.ts`): open, not yet answered and queued conversations,
//! how long the longest wait has lasted (ticking), who is online or away, and today's
//! started and resolved conversations with the average and median first response, today
//! being the workspace's day (its time zone). The numbers change as the server sends them;
//! nothing is reloaded. Owners and admins get a way to the reports.

import { Code, ConnectError } from "@porthole/client";
import {
  ChartColumn,
  CircleCheck,
  Clock,
  Hourglass,
  Inbox,
  MessageCircleQuestionMark,
  MessagesSquare,
  Moon,
  Timer,
  Users,
} from "lucide-react";
import { type ReactNode, useEffect, useState } from "react";
import { Link } from "react-router";
import { buttonClasses } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { FormAlert } from "../components/ui/Field";
import { useIsAdmin } from "../lib/auth";
import { describeError } from "../lib/errors";
import { PageHeader } from "../shell/PageHeader";
import { formatCount, formatWait, summaryDuration } from "./format";
import { type LiveState, longestWaitSeconds, useLiveFigures } from "./live";
import { useWorkspaceTimeZone } from "./queries";
import { StatCard, useNow } from "./Stat";

/** A wait from which the longest wait shows in amber. */
const LONG_WAIT_SECONDS = 5 * 60;

export function OverviewScreen() {
  const live = useLiveFigures();
  const isAdmin = useIsAdmin();
  const timeZone = useWorkspaceTimeZone();
  return (
    <div className="relative h-full overflow-y-auto">
      <PageHeader
        wide
        title="Overview"
        description="Your workspace right now. It updates by itself as conversations come and go."
        actions={
          isAdmin && (
            <Link to="/reports" className={buttonClasses("secondary")}>
              <ChartColumn className="size-4" aria-hidden /> Reports
            </Link>
          )
        }
      />
      <div className="mx-auto max-w-6xl space-y-8 px-4 pb-10 sm:px-8">
        <LiveStatus live={live} />
        <LiveFigureCards live={live} timeZone={timeZone} />
      </div>
    </div>
  );
}

/** How long a reconnect may take before the screen says the figures may be old. */
const RECONNECT_NOTICE_MS = 3000;

function LiveStatus({ live }: { live: LiveState }) {
  // A stream the server ended is usually back within a second: no alarm for that.
  const [late, setLate] = useState(false);
  useEffect(() => {
    setLate(false);
    if (live.status !== "reconnecting") return;
    const timer = setTimeout(() => setLate(true), RECONNECT_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [live.status]);
  if (live.failure) {
    const code = ConnectError.from(live.failure).code;
    return (
      <FormAlert>
        <span className="font-medium">Live figures are not available.</span>{" "}
        {code === Code.Unimplemented
          ? "This server does not offer reports yet."
          : describeError(live.failure)}
      </FormAlert>
    );
  }
  const on = live.status === "live" || (live.status === "reconnecting" && !late);
  return (
    <p
      role="status"
      className="flex items-center gap-2 text-[13px] text-zinc-500 dark:text-zinc-400"
      data-testid="live-status"
    >
      <span
        aria-hidden
        className={cn("size-2 rounded-full", on ? "bg-emerald-500" : "animate-blink bg-amber-500")}
      />
      {on
        ? "Live: the figures change as conversations do."
        : live.status === "connecting"
          ? "Connecting…"
          : "Reconnecting… the figures shown may be out of date."}
    </p>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  const id = title.toLowerCase().replace(/\W+/g, "-");
  return (
    <section aria-labelledby={id} className="space-y-3">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 id={id} className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          {title}
        </h2>
        {hint && <p className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</p>}
      </div>
      {children}
    </section>
  );
}

function LiveFigureCards({ live, timeZone }: { live: LiveState; timeZone: string }) {
  const now = useNow();
  const f = live.figures;
  const count = (n: bigint | undefined) => (f ? formatCount(n ?? 0n) : "—");
  const wait = longestWaitSeconds(f, live.receivedAt, now);
  const today = f?.firstResponseToday;
  return (
    <>
      <Section title="Right now">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
          <StatCard
            testId="live-open"
            label="Open"
            value={count(f?.open)}
            detail="Not resolved yet"
            icon={<MessagesSquare className="size-4" />}
          />
          <StatCard
            testId="live-pending"
            label="Unanswered"
            value={count(f?.pending)}
            detail="No reply yet"
            icon={<MessageCircleQuestionMark className="size-4" />}
          />
          <StatCard
            testId="live-queued"
            label="In the queue"
            value={count(f?.queued)}
            detail="Waiting for an agent"
            icon={<Inbox className="size-4" />}
          />
          <StatCard
            testId="live-waiting"
            label="Waiting longest"
            value={!f ? "—" : wait === undefined ? "Nobody" : formatWait(wait)}
            detail={wait === undefined ? "The queue is empty" : "In the queue"}
            tone={wait !== undefined && wait >= LONG_WAIT_SECONDS ? "warning" : undefined}
            icon={<Hourglass className="size-4" />}
          />
          <StatCard
            testId="live-online"
            label="Agents online"
            value={count(f?.agentsOnline)}
            detail="Taking chats"
            icon={<Users className="size-4" />}
          />
          <StatCard
            testId="live-away"
            label="Away or busy"
            value={count(f?.agentsAway)}
            detail="Dashboard open"
            icon={<Moon className="size-4" />}
          />
        </div>
      </Section>
      <Section title="Today" hint={`Since midnight in ${timeZone}`}>
        <div className="grid grid-cols-2 gap-3 xl:grid-cols-4">
          <StatCard
            testId="live-started"
            label="Started"
            value={count(f?.startedToday)}
            detail="New conversations"
            icon={<MessagesSquare className="size-4" />}
          />
          <StatCard
            testId="live-resolved"
            label="Resolved"
            value={count(f?.resolvedToday)}
            detail="Resolved or closed"
            icon={<CircleCheck className="size-4" />}
          />
          <StatCard
            testId="live-frt-mean"
            label="Average first response"
            value={f ? summaryDuration(today, "mean") : "—"}
            detail={
              today && today.count > 0n
                ? `Over ${formatCount(today.count)} first ${today.count === 1n ? "response" : "responses"}`
                : "No first responses yet"
            }
            icon={<Timer className="size-4" />}
          />
          <StatCard
            testId="live-frt-median"
            label="Median first response"
            value={f ? summaryDuration(today, "median") : "—"}
            detail="Half were answered faster"
            icon={<Clock className="size-4" />}
          />
        </div>
      </Section>
    </>
  );
}
