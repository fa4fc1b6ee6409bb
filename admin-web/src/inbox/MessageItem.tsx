//! One message in the conversation: visitor on the left, team on the right, internal notes
//! in amber, system messages (the server's lines on the conversation's course, "Resolved by
//! Sam", "Handed over to the team: …", and any an integration sends) as a small centred line
//! with the time; attachments as inline images or file links. The AI bot's messages carry
//! its name with an "AI" badge and the articles they cite (links only to http and https
//! addresses); its answer while being written is `BotDraft`, the same bubble growing.
//! Automated messages (`Message.automated`: a rule's reply, a guided flow's step, a
//! proactive message) carry the assistant's name with an "Automated" label, never "AI", in
//! a bubble of their own; the answers a flow's question offered (`quick_replies`) show
//! under it as small read-only chips.

import { type Attachment, type Citation, type Message, SenderType } from "@porthole/client";
import { linkify } from "@porthole/client/rules";
import { AlertCircle, BookOpen, FileText, Lock, RotateCw, Zap } from "lucide-react";
import { citationHref } from "../bot/bot";
import { cn } from "../components/ui/cn";
import { Avatar } from "../components/ui/misc";
import { clockTime, formatBytes, fullTime, toDate } from "../lib/format";
import { isPending } from "./model";

/** A body as text with its safe links (the shared link rule); never interprets HTML. */
function Body({ text }: { text: string }) {
  return linkify(text).map((part, i) =>
    "href" in part ? (
      <a
        // biome-ignore lint/suspicious/noArrayIndexKey: positions in an immutable string
        key={i}
        href={part.href}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="underline decoration-current/40 underline-offset-2 hover:decoration-current"
      >
        {part.text}
      </a>
    ) : (
      part.text
    ),
  );
}

function Attachments({ attachments, mine }: { attachments: Attachment[]; mine: boolean }) {
  if (attachments.length === 0) return null;
  return (
    <div className={cn("mt-1 flex flex-col gap-1.5", mine ? "items-end" : "items-start")}>
      {attachments.map((a) =>
        a.contentType.startsWith("image/") ? (
          <a key={a.id} href={a.url} target="_blank" rel="noopener noreferrer" className="block">
            <img
              src={a.url}
              alt={a.fileName}
              loading="lazy"
              className="max-h-60 max-w-[min(100%,320px)] rounded-lg object-cover ring-1 ring-zinc-200 dark:ring-zinc-700"
            />
          </a>
        ) : (
          <a
            key={a.id}
            href={a.url}
            target="_blank"
            rel="noopener noreferrer"
            className="flex max-w-72 items-center gap-2 rounded-lg bg-white px-3 py-2 text-[13px] ring-1 ring-zinc-200 hover:bg-zinc-50 dark:bg-zinc-900 dark:ring-zinc-700 dark:hover:bg-zinc-800"
          >
            <FileText className="size-4 shrink-0 text-zinc-400" />
            <span className="truncate font-medium">{a.fileName}</span>
            <span className="shrink-0 text-xs text-zinc-400">{formatBytes(a.sizeBytes)}</span>
          </a>
        ),
      )}
    </div>
  );
}

export function MessageItem({
  message: m,
  grouped,
  failed,
  waitSeconds,
  onRetry,
  readByVisitor,
}: {
  message: Message;
  /** Same author as the previous message shortly before: no name or avatar. */
  grouped: boolean;
  failed?: boolean;
  /** Throttled by the server: seconds until it is sent again. */
  waitSeconds?: number | undefined;
  onRetry?: () => void;
  readByVisitor?: boolean;
}) {
  if (m.senderType === SenderType.SYSTEM) return <SystemLine message={m} />;
  const visitor = m.senderType === SenderType.VISITOR;
  const bot = m.senderType === SenderType.BOT;
  // Written by a rule or a flow, not the AI model.
  const automated = bot && m.automated;
  const pending = isPending(m);
  const name =
    m.senderName || (visitor ? "Visitor" : m.senderType === SenderType.BOT ? "Bot" : "Agent");

  if (m.internal) {
    return (
      <div className={cn("flex justify-end", grouped ? "mt-1" : "mt-4")} data-testid="note">
        <div className="max-w-[min(85%,560px)]">
          {!grouped && (
            <div className="mb-1 flex items-center justify-end gap-1.5 text-[11px] text-amber-700 dark:text-amber-400">
              <Lock className="size-3" />
              <span className="font-medium">Internal note</span> · {name}
              {automated ? <AutomatedBadge /> : bot && <AiBadge />}
            </div>
          )}
          <div
            className={cn(
              "rounded-xl border border-dashed border-amber-300 bg-amber-50 px-3 py-2 text-[13.5px] leading-relaxed break-words whitespace-pre-wrap text-amber-950 dark:border-amber-700/60 dark:bg-amber-500/10 dark:text-amber-100",
              pending && "opacity-60",
            )}
            title={fullTime(m.createTime)}
          >
            <Body text={m.body} />
            <Attachments attachments={m.attachments} mine />
          </div>
          <Meta
            m={m}
            pending={pending}
            failed={failed}
            waitSeconds={waitSeconds}
            onRetry={onRetry}
            mine
          />
        </div>
      </div>
    );
  }

  return (
    <div
      className={cn(
        "flex gap-2.5",
        visitor ? "justify-start" : "justify-end",
        grouped ? "mt-1" : "mt-4",
      )}
    >
      {visitor && (
        <div className="w-7 shrink-0">
          {!grouped && <Avatar name={name} seed={m.senderId} size="sm" />}
        </div>
      )}
      <div
        className={cn(
          "flex max-w-[min(80%,560px)] flex-col",
          visitor ? "items-start" : "items-end",
        )}
      >
        {!grouped && (
          <div className="mb-1 flex items-center gap-1.5 px-1 text-[11px] text-zinc-500 dark:text-zinc-400">
            <span className="font-medium text-zinc-700 dark:text-zinc-300">{name}</span>
            {automated ? <AutomatedBadge /> : bot && <AiBadge />}
          </div>
        )}
        {(m.body || m.attachments.length === 0) && (
          <div
            title={fullTime(m.createTime)}
            data-testid={automated ? "automated-message" : bot ? "bot-message" : undefined}
            className={cn(
              "rounded-2xl px-3.5 py-2 text-[13.5px] leading-relaxed break-words whitespace-pre-wrap",
              visitor
                ? "rounded-tl-md bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
                : automated
                  ? AUTOMATED_BUBBLE
                  : bot
                    ? BOT_BUBBLE
                    : "rounded-tr-md bg-brand-600 text-white",
              pending && "opacity-60",
              failed && "ring-2 ring-red-400",
            )}
          >
            <Body text={m.body} />
          </div>
        )}
        {bot && <Citations citations={m.citations} />}
        <QuickReplies labels={m.quickReplies} />
        <Attachments attachments={m.attachments} mine={!visitor} />
        <Meta
          m={m}
          pending={pending}
          failed={failed}
          waitSeconds={waitSeconds}
          onRetry={onRetry}
          mine={!visitor}
          readByVisitor={readByVisitor}
        />
      </div>
    </div>
  );
}

/** The bot's bubble: the team's side, in its own colour, so nobody takes it for a person. */
const BOT_BUBBLE =
  "rounded-tr-md bg-violet-50 text-violet-950 ring-1 ring-violet-200 ring-inset dark:bg-violet-500/15 dark:text-violet-50 dark:ring-violet-500/30";

/** An automated message's bubble: the team's side, neither a person's nor the AI's colour. */
const AUTOMATED_BUBBLE =
  "rounded-tr-md bg-sky-50 text-sky-950 ring-1 ring-sky-200 ring-inset dark:bg-sky-500/15 dark:text-sky-50 dark:ring-sky-500/30";

/** "Automated", beside the name of a rule's or a flow's message. */
export function AutomatedBadge() {
  return (
    <span
      title="Sent automatically by a rule or a guided flow"
      className="inline-flex items-center gap-0.5 rounded bg-sky-100 px-1 text-[10px] leading-4 font-semibold tracking-wide text-sky-700 dark:bg-sky-500/20 dark:text-sky-300"
    >
      <Zap className="size-2.5" aria-hidden />
      Automated
    </span>
  );
}

/**
 * The answers a guided flow's question offered the visitor, as the widget showed them:
 * small chips under the message, read-only here (the visitor presses them, not agents).
 */
export function QuickReplies({ labels }: { labels: readonly string[] }) {
  if (labels.length === 0) return null;
  return (
    <ul
      aria-label="Answers offered"
      className="mt-1.5 flex max-w-full flex-wrap justify-end gap-1 px-1"
    >
      {labels.map((label, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: a stored message's list never changes
          key={i}
          className="rounded-full bg-white px-2 py-0.5 text-[11.5px] font-medium text-zinc-600 ring-1 ring-zinc-300 ring-inset dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-700"
        >
          {label}
        </li>
      ))}
    </ul>
  );
}

/** "AI", beside the bot's name. */
export function AiBadge() {
  return (
    <span
      title="Written by the AI bot"
      className="rounded bg-violet-100 px-1 text-[10px] leading-4 font-semibold tracking-wide text-violet-700 dark:bg-violet-500/20 dark:text-violet-300"
    >
      AI
    </span>
  );
}

/**
 * The articles a bot answer cites, numbered as the answer's `[n]` markers; a title is a link
 * (new tab) only when its address is http or https.
 */
export function Citations({ citations }: { citations: readonly Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <ol
      aria-label="Sources"
      className="mt-1 flex max-w-full flex-col items-end gap-0.5 px-1 text-[11.5px] text-zinc-500 dark:text-zinc-400"
    >
      {citations.map((c, i) => {
        const href = citationHref(c.url);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a stored message's list never changes
          <li key={i} className="flex max-w-full items-center gap-1">
            <BookOpen className="size-3 shrink-0 text-violet-500" aria-hidden />
            <span className="tabular-nums">[{i + 1}]</span>
            {href ? (
              <a
                href={href}
                target="_blank"
                rel="noopener noreferrer"
                className="truncate font-medium text-violet-700 underline decoration-violet-300 underline-offset-2 hover:decoration-current dark:text-violet-300 dark:decoration-violet-500/50"
              >
                {c.title}
              </a>
            ) : (
              <span className="truncate font-medium text-zinc-700 dark:text-zinc-300">
                {c.title}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** The bot's answer while it is written: its bubble, growing with each draft. */
export function BotDraft({ name, text }: { name: string; text: string }) {
  return (
    <div className="mt-4 flex justify-end" data-testid="bot-draft">
      <div className="flex max-w-[min(80%,560px)] flex-col items-end">
        <div className="mb-1 flex items-center gap-1.5 px-1 text-[11px] text-zinc-500 dark:text-zinc-400">
          <span className="font-medium text-zinc-700 dark:text-zinc-300">{name || "Bot"}</span>
          <AiBadge />
          <span>is writing…</span>
        </div>
        <div
          aria-busy="true"
          className={cn(
            "rounded-2xl px-3.5 py-2 text-[13.5px] leading-relaxed break-words whitespace-pre-wrap",
            BOT_BUBBLE,
          )}
        >
          {text}
          <span
            aria-hidden
            className="ml-0.5 inline-block h-3.5 w-1.5 translate-y-0.5 animate-blink rounded-sm bg-violet-400"
          />
        </div>
      </div>
    </div>
  );
}

/**
 * A system message: not a bubble and not a note, whoever it is for; read out as its sentence
 * and time ("Resolved by Sam, 14:02").
 */
function SystemLine({ message: m }: { message: Message }) {
  const time = clockTime(m.createTime);
  return (
    <div className="my-3 flex justify-center" data-testid="system-line">
      <p
        role="note"
        aria-label={time ? `${m.body}, ${time}` : m.body}
        title={fullTime(m.createTime)}
        className="max-w-[min(90%,560px)] rounded-2xl bg-zinc-100 px-3 py-1 text-center text-[11.5px] leading-snug break-words whitespace-pre-wrap text-zinc-600 dark:bg-zinc-800/70 dark:text-zinc-400"
      >
        <Body text={m.body} />
        {time && (
          <time
            dateTime={toDate(m.createTime)?.toISOString()}
            className="ml-1.5 text-zinc-400 tabular-nums dark:text-zinc-500"
          >
            {time}
          </time>
        )}
      </p>
    </div>
  );
}

function Meta({
  m,
  pending,
  failed,
  waitSeconds,
  onRetry,
  mine,
  readByVisitor,
}: {
  m: Message;
  pending: boolean;
  failed?: boolean | undefined;
  waitSeconds?: number | undefined;
  onRetry?: (() => void) | undefined;
  mine: boolean;
  readByVisitor?: boolean | undefined;
}) {
  if (failed) {
    return (
      <button
        type="button"
        onClick={onRetry}
        className="mt-1 inline-flex items-center gap-1 px-1 text-[11px] font-medium text-red-600 hover:underline dark:text-red-400"
      >
        <AlertCircle className="size-3" /> Not sent · <RotateCw className="size-3" /> Retry
      </button>
    );
  }
  if (waitSeconds) {
    return (
      <div
        role="status"
        className="mt-1 px-1 text-right text-[11px] text-amber-700 dark:text-amber-400"
      >
        Too many requests — sending again in {waitSeconds} s
      </div>
    );
  }
  return (
    <div
      className={cn(
        "mt-0.5 px-1 text-[10.5px] text-zinc-400 tabular-nums",
        mine ? "text-right" : "text-left",
      )}
    >
      {pending ? "Sending…" : clockTime(m.createTime)}
      {!pending && readByVisitor && " · Seen"}
    </div>
  );
}
