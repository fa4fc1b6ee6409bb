//! The AI bot's rules without React: which handlers use it, its persona's limits and
//! defaults as `widget.proto` documents them (checked here as the server checks them, so
//! the editor refuses what would be refused), the links of its citations, its usage over the
//! last 30 days, and what the composer's assist actions (a suggested reply, a summary) make
//! of the server's answers and refusals.

import { create } from "@bufbuild/protobuf";
import {
  type BotSettings,
  BotSettingsSchema,
  type BotUsageDay,
  type Citation,
  Code,
  ConnectError,
  HandlerType,
} from "@porthole/client";
import { throttleOf } from "@porthole/client/rules";
import { describeError, waitText } from "../lib/errors";

/** The name the server gives a bot whose name is empty. */
export const DEFAULT_BOT_NAME = "Assistant";
/** Longest bot name, in characters. */
export const MAX_BOT_NAME_CHARS = 60;
/** Longest instructions, in characters. */
export const MAX_INSTRUCTIONS_CHARS = 4000;
/** Answers per conversation: the server's default, and the range it accepts. */
export const DEFAULT_MAX_TURNS = 5;
export const MIN_MAX_TURNS = 1;
export const MAX_MAX_TURNS = 50;

/** Request paths of the persona's fields, as the server names them in field violations. */
export const BOT_PATHS = {
  name: "settings.bot.name",
  avatarUrl: "settings.bot.avatar_url",
  instructions: "settings.bot.instructions",
  maxTurns: "settings.bot.max_turns",
} as const;

/**
 * What Porthole tells the model before the owner's instructions, in the editor's words
 * (`domain::bot::system_prompt` on the server): the instructions are added to these and
 * cannot replace them.
 */
export const PORTHOLE_RULES: readonly string[] = [
  "Answer only from your published knowledge-base articles.",
  "Cite the articles an answer comes from.",
  "Never invent policies, prices or promises; say when the articles do not cover a question.",
  "Hand the conversation to your team when the visitor asks for a person.",
];

/**
 * Shown where the bot would answer but cannot: neither the workspace nor the server has a
 * model (GetBotStatus's `configured` is false). Owners and admins can set the workspace's
 * own (the bot card's "Use your own model"); the README's section "The AI bot" says how the
 * operator sets the server's.
 */
export const NO_MODEL_NOTICE =
  "No AI model is configured: conversations go to your agents until you use your own model or the operator sets PORTHOLE_LLM_BASE_URL";

/** Whether a widget with this handler lets the bot answer (always, or while nobody is free). */
export function usesBot(handler: HandlerType): boolean {
  return handler === HandlerType.AI_BOT || handler === HandlerType.HYBRID;
}

/** Characters as the server counts them (Unicode scalar values, not UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The server's words as a sentence: a capital first, a full stop last. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** A persona with every field filled as the server stores it (older servers send none). */
export function completeBot(bot: BotSettings | undefined): BotSettings {
  return create(BotSettingsSchema, {
    name: bot?.name || DEFAULT_BOT_NAME,
    avatarUrl: bot?.avatarUrl ?? "",
    instructions: bot?.instructions ?? "",
    maxTurns: bot?.maxTurns || DEFAULT_MAX_TURNS,
  });
}

/**
 * The answers per conversation typed into the editor, or why they cannot be saved: whole
 * numbers from 1 to 50, as the server checks `settings.bot.max_turns`.
 */
export function parseMaxTurns(text: string): { turns: number } | { error: string } {
  const trimmed = text.trim();
  const turns = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || turns < MIN_MAX_TURNS || turns > MAX_MAX_TURNS) {
    return { error: `Enter a whole number from ${MIN_MAX_TURNS} to ${MAX_MAX_TURNS}.` };
  }
  return { turns };
}

/**
 * What the editor refuses to send about the persona, by request path: a name or
 * instructions over their limits (the counters show them as typed) and answers per
 * conversation out of range (`turnsText`, the field as typed).
 */
export function botProblems(bot: BotSettings, turnsText: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (charCount(bot.name.trim()) > MAX_BOT_NAME_CHARS) {
    problems[BOT_PATHS.name] = `At most ${MAX_BOT_NAME_CHARS} characters.`;
  }
  const instructions = charCount(bot.instructions);
  if (instructions > MAX_INSTRUCTIONS_CHARS) {
    problems[BOT_PATHS.instructions] =
      `At most ${MAX_INSTRUCTIONS_CHARS.toLocaleString("en")} characters: remove ${(instructions - MAX_INSTRUCTIONS_CHARS).toLocaleString("en")}.`;
  }
  const turns = parseMaxTurns(turnsText);
  if ("error" in turns) problems[BOT_PATHS.maxTurns] = turns.error;
  return problems;
}

/** A citation's address when it may be a link (http and https only), else undefined. */
export function citationHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The bot's work added up over the days GetBotStatus returned. */
export interface UsageTotals {
  requests: bigint;
  tokens: bigint;
  answers: bigint;
  handOffs: bigint;
  failures: bigint;
}

export function usageTotals(days: readonly BotUsageDay[]): UsageTotals {
  const totals: UsageTotals = { requests: 0n, tokens: 0n, answers: 0n, handOffs: 0n, failures: 0n };
  for (const d of days) {
    totals.requests += d.requests;
    totals.tokens += d.promptTokens + d.completionTokens;
    totals.answers += d.answers;
    totals.handOffs += d.handOffs;
    totals.failures += d.failures;
  }
  return totals;
}

/** A count for the table: "1,234". */
export function count(n: bigint): string {
  return n.toLocaleString("en");
}

/** A UTC day (`2025-03-07`) as the table shows it: "7 Mar". */
export function dayOf(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** How long a failure counts as recent, shown prominently: a day. */
export const RECENT_FAILURE_MS = 24 * 60 * 60_000;

export function isRecent(at: number | undefined, now = Date.now()): boolean {
  return at !== undefined && at > 0 && now - at < RECENT_FAILURE_MS;
}

/** The composer's two requests to the model. */
export type AssistAction = "suggest" | "summarise";

/** A refused assist request in words, and whether it said the server has no model. */
export interface AssistProblem {
  text: string;
  noModel: boolean;
}

/**
 * A failed SuggestReply or SummarizeConversation as a sentence (`bot.proto`):
 * FAILED_PRECONDITION is no model for the workspace, its own model unusable (the server
 * says why) or nothing to work from yet;
 * UNAVAILABLE, the model failed (the server says why); RESOURCE_EXHAUSTED, too many asked.
 */
export function assistProblem(error: unknown, action: AssistAction): AssistProblem {
  const e = ConnectError.from(error);
  const wait = waitText(throttleOf(e).retryAfterMs);
  switch (e.code) {
    case Code.ResourceExhausted:
      return { text: `Too many suggestions and summaries — try again ${wait}.`, noModel: false };
    case Code.FailedPrecondition:
      if (/\bno AI model\b/i.test(e.rawMessage)) {
        return {
          text: "No AI model is configured, so it cannot suggest or summarise. An owner or admin can set the workspace's own on the Widgets page, or the operator the server's with PORTHOLE_LLM_BASE_URL.",
          noModel: true,
        };
      }
      // Nothing to work from yet: the server's two ways of saying it, or no words at all.
      if (!e.rawMessage.trim() || /not written anything|no messages/i.test(e.rawMessage)) {
        return {
          text:
            action === "suggest"
              ? "There is no visitor message to answer yet."
              : "There is nothing to summarise yet: the conversation has no messages.",
          noModel: false,
        };
      }
      // The workspace's own model cannot be used (its key unreadable, its address refused):
      // the server says why and what to do.
      return { text: sentence(e.rawMessage), noModel: false };
    case Code.Unavailable: {
      // The server says "the AI model failed: <why>"; anything else is our own connection.
      const why = /^the AI model failed:?\s*(.*)$/is.exec(e.rawMessage.trim())?.[1];
      if (why === undefined) return { text: describeError(e), noModel: false };
      const reason = why.trim().replace(/[.\s]+$/, "");
      const failed = reason ? `The AI model failed: ${reason}.` : "The AI model failed.";
      // The server may already say when to try again.
      return {
        text: /try again/i.test(reason) ? failed : `${failed} Try again ${wait}.`,
        noModel: false,
      };
    }
    case Code.NotFound:
      return { text: "This conversation no longer exists.", noModel: false };
    default:
      return { text: describeError(e), noModel: false };
  }
}

/**
 * A suggested reply as the reply box receives it: the draft, and under it the articles it
 * cites with their public addresses, so the `[n]` markers mean something to the visitor. A
 * marker whose article has no public address is taken out (the visitor cannot open it).
 */
export function suggestionText(text: string, citations: readonly Citation[]): string {
  let body = text.trim();
  const sources: string[] = [];
  citations.forEach((c, i) => {
    const n = i + 1;
    const href = citationHref(c.url);
    if (href) sources.push(`[${n}] ${c.title}: ${href}`);
    else body = body.replaceAll(new RegExp(` ?\\[${n}\\]`, "g"), "");
  });
  return sources.length > 0 ? `${body}\n\n${sources.join("\n")}` : body;
}
