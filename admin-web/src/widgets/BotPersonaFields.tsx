//! The widget editor's AI bot settings, shown under "Who answers" when the bot answers the
//! widget (AI bot or Hybrid): its name, avatar, the owner's instructions (with a counter,
//! and Porthole's own rules they are added to) and how many answers it may give in one
//! conversation. Errors come by request path (`settings.bot.name`, …): the server's, and
//! what the editor refuses to send (`bot/bot.ts`, `botProblems`).

import type { BotSettings, GetBotStatusResponse } from "@porthole/client";
import { ShieldCheck } from "lucide-react";
import { Link } from "react-router";
import {
  BOT_PATHS,
  charCount,
  DEFAULT_BOT_NAME,
  MAX_BOT_NAME_CHARS,
  MAX_INSTRUCTIONS_CHARS,
  MAX_MAX_TURNS,
  MIN_MAX_TURNS,
  PORTHOLE_RULES,
} from "../bot/bot";
import { NoModelNotice } from "../bot/NoModelNotice";
import { cn } from "../components/ui/cn";
import { Field, Input, Textarea } from "../components/ui/Field";
import { Card } from "../components/ui/misc";

export function BotPersonaFields({
  bot,
  onChange,
  turnsText,
  onTurnsText,
  error,
  status,
}: {
  bot: BotSettings;
  onChange: (patch: Partial<BotSettings>) => void;
  /** Answers per conversation as typed (kept as text so it can be wrong for a moment). */
  turnsText: string;
  onTurnsText: (text: string) => void;
  /** The error of a request path, if any. */
  error: (path: string) => string | undefined;
  /** GetBotStatus, once it answered (owners and admins only). */
  status: GetBotStatusResponse | undefined;
}) {
  const instructions = charCount(bot.instructions);
  const name = charCount(bot.name.trim());
  return (
    <div className="space-y-4">
      {status && !status.configured && <NoModelNotice />}
      <Card
        title="The AI bot"
        description="How the bot presents itself to visitors, and what it should know about you."
      >
        <div className="space-y-5">
          {status?.configured && (
            <p className="-mt-1 flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
              <span className="size-1.5 shrink-0 rounded-full bg-emerald-500" aria-hidden />
              <span className="min-w-0 break-words">
                Answers with <span className="font-medium">{status.model}</span>
                {status.providerHost && <> on {status.providerHost}</>}
              </span>
            </p>
          )}
          <div className="grid gap-5 sm:grid-cols-2">
            <div>
              <Field
                label="Name"
                hint="Shown with its messages, with an “AI” mark."
                error={error(BOT_PATHS.name)}
              >
                {(p) => (
                  <Input
                    {...p}
                    placeholder={DEFAULT_BOT_NAME}
                    value={bot.name}
                    onChange={(e) => onChange({ name: e.target.value })}
                  />
                )}
              </Field>
              <Counter value={name} max={MAX_BOT_NAME_CHARS} />
            </div>
            <Field
              label="Answers per conversation"
              hint={`After this many, the visitor's next message goes to your team. ${MIN_MAX_TURNS} to ${MAX_MAX_TURNS}.`}
              error={error(BOT_PATHS.maxTurns)}
            >
              {(p) => (
                <Input
                  {...p}
                  type="number"
                  inputMode="numeric"
                  min={MIN_MAX_TURNS}
                  max={MAX_MAX_TURNS}
                  className="max-w-28"
                  value={turnsText}
                  onChange={(e) => onTurnsText(e.target.value)}
                />
              )}
            </Field>
          </div>
          <Field
            label="Avatar URL"
            hint="An https:// image, or a path on this server starting with /. Empty shows the name's initial."
            error={error(BOT_PATHS.avatarUrl)}
          >
            {(p) => (
              <Input
                {...p}
                type="url"
                placeholder="https://example.com/assistant.png"
                value={bot.avatarUrl}
                onChange={(e) => onChange({ avatarUrl: e.target.value })}
              />
            )}
          </Field>
          <div>
            <Field
              label="Instructions"
              hint="Who you are, your tone, what to avoid. For example: “We are Olive Oils, a family shop. Be warm and brief. Never discuss wholesale prices.”"
              error={error(BOT_PATHS.instructions)}
            >
              {(p) => (
                <Textarea
                  {...p}
                  rows={6}
                  value={bot.instructions}
                  onChange={(e) => onChange({ instructions: e.target.value })}
                />
              )}
            </Field>
            <Counter value={instructions} max={MAX_INSTRUCTIONS_CHARS} />
          </div>
          <div className="rounded-lg bg-zinc-50 px-4 py-3 text-[13px] ring-1 ring-zinc-200 ring-inset dark:bg-zinc-800/40 dark:ring-zinc-800">
            <p className="flex items-center gap-2 font-medium">
              <ShieldCheck
                className="size-4 shrink-0 text-emerald-600 dark:text-emerald-400"
                aria-hidden
              />
              Your instructions are added to Porthole's own rules, never replace them:
            </p>
            <ul className="mt-1.5 list-disc space-y-0.5 pl-10 text-zinc-600 dark:text-zinc-400">
              {PORTHOLE_RULES.map((rule) => (
                <li key={rule}>{rule}</li>
              ))}
            </ul>
            <p className="mt-2 text-zinc-600 dark:text-zinc-400">
              It answers from what your{" "}
              <Link to="/knowledge" className="font-medium text-brand-600 dark:text-brand-400">
                published articles
              </Link>{" "}
              say. Its usage and failures are on the{" "}
              <Link to="/widgets" className="font-medium text-brand-600 dark:text-brand-400">
                Widgets
              </Link>{" "}
              page.
            </p>
          </div>
        </div>
      </Card>
    </div>
  );
}

/** "123 / 4,000", red past the limit. */
function Counter({ value, max }: { value: number; max: number }) {
  return (
    <p
      className={cn(
        "mt-1 text-right text-[11px] tabular-nums",
        value > max ? "font-medium text-red-600 dark:text-red-400" : "text-zinc-400",
      )}
    >
      {value.toLocaleString("en")} / {max.toLocaleString("en")}
    </p>
  );
}
