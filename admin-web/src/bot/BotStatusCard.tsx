//! The AI bot's card on the Widgets page (owners and admins; GetBotStatus): whether a model
//! answers this workspace (which, from which host, whether it is the workspace's own; else
//! the warning that conversations go to the agents), which widgets it answers, "Use your
//! own model" (`WorkspaceModelSection.tsx`), the last 30 days' work (totals, then a compact
//! table per UTC day: requests, tokens, answers, hand-offs, failures) and the last failure
//! talking to the model, in red while it is recent. Usage is not in the feed: it is read
//! when the page opens and on "Refresh".

import { HandlerType, type Widget } from "@porthole/client";
import { Bot, CircleAlert, RefreshCw } from "lucide-react";
import { Link } from "react-router";
import { Button } from "../components/ui/Button";
import { Badge, Card, Spinner } from "../components/ui/misc";
import { useIsAdmin } from "../lib/auth";
import { describeError } from "../lib/errors";
import { ago, fullTime, toMillis } from "../lib/format";
import { count, dayOf, isRecent, sentence, usageTotals, usesBot } from "./bot";
import { NoModelNotice } from "./NoModelNotice";
import { useBotStatus } from "./queries";
import { WorkspaceModelSection } from "./WorkspaceModelSection";

export function BotStatusCard({ widgets }: { widgets: readonly Widget[] }) {
  const status = useBotStatus(true, true);
  const isAdmin = useIsAdmin();
  const data = status.data;
  const answering = widgets.filter((w) => usesBot(w.settings?.handlerType ?? HandlerType.AGENT));
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          <Bot className="size-4 text-violet-600 dark:text-violet-400" aria-hidden /> AI bot
          {data &&
            (data.configured ? (
              <Badge tone="green">Ready</Badge>
            ) : (
              <Badge tone="amber">No model</Badge>
            ))}
        </span>
      }
      description="Answers visitors on AI bot and Hybrid widgets from your published articles, and hands over to your team."
      actions={
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void status.refetch()}
          loading={status.isFetching}
        >
          {!status.isFetching && <RefreshCw className="size-3.5" />} Refresh
        </Button>
      }
    >
      <section aria-label="AI bot status" data-testid="bot-status" className="space-y-4">
        {status.isPending ? (
          <div className="flex justify-center py-6">
            <Spinner />
          </div>
        ) : !data ? (
          <p className="text-[13px] text-red-600 dark:text-red-400">
            The bot's status could not be loaded: {describeError(status.error)}
          </p>
        ) : (
          <>
            {!data.configured && <NoModelNotice place="card" />}
            {data.configured && (
              <dl className="flex flex-wrap gap-x-6 gap-y-1 text-[13px]">
                <div className="flex gap-1.5">
                  <dt className="text-zinc-500 dark:text-zinc-400">Model</dt>
                  <dd className="font-mono text-[12px] font-medium">{data.model}</dd>
                </div>
                <div className="flex gap-1.5">
                  <dt className="text-zinc-500 dark:text-zinc-400">Provider</dt>
                  <dd className="font-mono text-[12px] font-medium">{data.providerHost || "—"}</dd>
                </div>
                {data.workspaceModel && <Badge tone="brand">Your own model</Badge>}
              </dl>
            )}
            <LastError status={data} />
            <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
              {answering.length > 0 ? (
                <>
                  Answers on{" "}
                  {answering.map((w, i) => (
                    <span key={w.id}>
                      {i > 0 && ", "}
                      <Link
                        to={`/widgets/${w.id}?section=routing`}
                        className="font-medium text-brand-600 hover:underline dark:text-brand-400"
                      >
                        {w.name}
                      </Link>{" "}
                      ({w.settings?.handlerType === HandlerType.HYBRID ? "hybrid" : "AI bot"})
                    </span>
                  ))}
                  .
                </>
              ) : (
                "No widget uses it yet: choose AI bot or Hybrid under a widget's “Who answers”."
              )}
            </p>
            {isAdmin && <WorkspaceModelSection status={data} />}
            <Usage status={data} />
          </>
        )}
      </section>
    </Card>
  );
}

type Status = NonNullable<ReturnType<typeof useBotStatus>["data"]>;

/** The last failure: a red alert while recent (a day), a quiet line after. */
function LastError({ status }: { status: Status }) {
  const message = status.lastError;
  const at = toMillis(status.lastErrorTime);
  if (!message) return null;
  const when = at ? `${ago(status.lastErrorTime)} (${fullTime(status.lastErrorTime)})` : "";
  if (isRecent(at)) {
    return (
      <div
        role="alert"
        className="flex items-start gap-3 rounded-lg bg-red-50 px-4 py-3 text-[13px] ring-1 ring-red-200 ring-inset dark:bg-red-950/40 dark:ring-red-900"
      >
        <CircleAlert
          className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400"
          aria-hidden
        />
        <div className="min-w-0 text-red-800 dark:text-red-200">
          <p className="font-medium">The model failed {when}</p>
          <p className="mt-0.5 break-words">{sentence(message)}</p>
          <p className="mt-1 text-xs text-red-700/80 dark:text-red-300/80">
            Conversations it could not answer went to your team.
          </p>
        </div>
      </div>
    );
  }
  return (
    <p className="text-xs text-zinc-500 dark:text-zinc-400">
      Last failure {when}: <span className="break-words">{sentence(message)}</span>
    </p>
  );
}

function Usage({ status }: { status: Status }) {
  const totals = usageTotals(status.days);
  const tiles: Array<[string, bigint, string?]> = [
    ["Answers", totals.answers],
    ["Hand-offs", totals.handOffs],
    ["Requests", totals.requests],
    ["Tokens", totals.tokens],
    ["Failures", totals.failures, totals.failures > 0n ? "text-red-600 dark:text-red-400" : ""],
  ];
  return (
    <div>
      <h3 className="mb-2 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">
        Last 30 days
      </h3>
      <dl
        aria-label="Last 30 days"
        className="grid grid-cols-3 gap-2 sm:grid-cols-5"
        data-testid="bot-usage-totals"
      >
        {tiles.map(([label, value, tone]) => (
          <div
            key={label}
            className="rounded-lg bg-zinc-50 px-3 py-2 ring-1 ring-zinc-200/70 ring-inset dark:bg-zinc-800/40 dark:ring-zinc-800"
          >
            <dt className="text-[11px] text-zinc-500 dark:text-zinc-400">{label}</dt>
            <dd className={`text-lg font-semibold tabular-nums ${tone ?? ""}`}>{count(value)}</dd>
          </div>
        ))}
      </dl>
      {status.days.length === 0 ? (
        <p className="mt-3 text-[13px] text-zinc-500 dark:text-zinc-400">
          Nothing yet: the bot has not been asked anything in the last 30 days.
        </p>
      ) : (
        <div className="mt-3 max-h-72 overflow-auto rounded-lg ring-1 ring-zinc-200 dark:ring-zinc-800">
          <table className="w-full text-right text-xs tabular-nums">
            <caption className="sr-only">The bot's work per day (UTC), newest first</caption>
            <thead className="sticky top-0 bg-zinc-50 text-[11px] text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-1.5 pr-1 pl-2 text-left font-medium sm:pl-3">
                  Day
                </th>
                <th scope="col" className="px-1 py-1.5 font-medium sm:px-2">
                  Requests
                </th>
                <th scope="col" className="px-1 py-1.5 font-medium sm:px-2">
                  Tokens
                </th>
                <th scope="col" className="px-1 py-1.5 font-medium sm:px-2">
                  Answers
                </th>
                <th scope="col" className="px-1 py-1.5 font-medium sm:px-2">
                  Hand-offs
                </th>
                <th scope="col" className="py-1.5 pr-2 pl-1 font-medium sm:pr-3">
                  Failures
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {status.days.map((d) => (
                <tr key={d.date}>
                  <th
                    scope="row"
                    className="py-1.5 pr-1 pl-2 text-left font-medium whitespace-nowrap sm:pl-3"
                  >
                    {dayOf(d.date)}
                  </th>
                  <td className="px-1 py-1.5 sm:px-2">{count(d.requests)}</td>
                  <td
                    className="px-1 py-1.5 sm:px-2"
                    title={`${count(d.promptTokens)} in the prompts, ${count(d.completionTokens)} in the answers`}
                  >
                    {count(d.promptTokens + d.completionTokens)}
                  </td>
                  <td className="px-1 py-1.5 sm:px-2">{count(d.answers)}</td>
                  <td className="px-1 py-1.5 sm:px-2">{count(d.handOffs)}</td>
                  <td
                    className={
                      d.failures > 0n
                        ? "py-1.5 pr-2 pl-1 font-medium text-red-600 sm:pr-3 dark:text-red-400"
                        : "py-1.5 pr-2 pl-1 sm:pr-3"
                    }
                  >
                    {count(d.failures)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
