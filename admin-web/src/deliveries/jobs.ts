//! E-mail deliveries' words, without React: a background job's state, kind and attempts as
//! people read them, when its next attempt is due, and its last error cut to one line.

import { type Job, JobState } from "@porthole/client";
import { toMillis } from "../lib/format";
import { formatDuration } from "../visitors/live";

export const jobStateLabel: Record<JobState, string> = {
  [JobState.UNSPECIFIED]: "Unknown",
  [JobState.QUEUED]: "Queued",
  [JobState.RUNNING]: "Running",
  [JobState.DONE]: "Done",
  [JobState.FAILED]: "Failed",
};

/** Badge tones as elsewhere: waiting amber (like a pending chat), busy blue, done green. */
export const jobStateTone: Record<JobState, "neutral" | "amber" | "blue" | "green" | "red"> = {
  [JobState.UNSPECIFIED]: "neutral",
  [JobState.QUEUED]: "amber",
  [JobState.RUNNING]: "blue",
  [JobState.DONE]: "green",
  [JobState.FAILED]: "red",
};

/** What each state means for an e-mail, for the badge's tooltip. */
export const jobStateHint: Record<JobState, string> = {
  [JobState.UNSPECIFIED]: "A state this dashboard does not know",
  [JobState.QUEUED]: "Waiting for its first attempt, or for a retry after a failed one",
  [JobState.RUNNING]: "Being handed to the mail server now",
  [JobState.DONE]: "The mail server accepted it",
  [JobState.FAILED]:
    "Given up: the mail server refused it for good, or its last attempt failed too",
};

/** Every kind the server documents (`Job.kind` in workspace.proto). */
export const JOB_KIND_LABELS: Readonly<Record<string, string>> = {
  email: "E-mail",
};

/** The readable kind; one this dashboard does not know yet shows as sent. */
export function jobKindLabel(kind: string): string {
  return JOB_KIND_LABELS[kind] ?? kind;
}

/** "1 of 8": attempts started so far out of those the job gets. */
export function attemptsLabel(job: Pick<Job, "attempts" | "maxAttempts">): string {
  return job.maxAttempts > 0 ? `${job.attempts} of ${job.maxAttempts}` : String(job.attempts);
}

/**
 * When a queued job runs again: "next attempt in 8s", "next attempt in 4m 12s" (rounded up
 * to the second, so it never reads 0s while time is left), "next attempt due now" once the
 * time has come (a worker picks it up within seconds). "First" before any attempt. Empty
 * for jobs that are not queued.
 */
export function nextAttemptLabel(
  job: Pick<Job, "state" | "attempts" | "nextAttemptTime">,
  now: number,
): string {
  if (job.state !== JobState.QUEUED) return "";
  const which = job.attempts === 0 ? "first attempt" : "next attempt";
  const left = toMillis(job.nextAttemptTime) - now;
  if (!job.nextAttemptTime || left <= 0) return `${which} due now`;
  return `${which} in ${formatDuration(Math.ceil(left / 1000) * 1000)}`;
}

/**
 * What a job's last error is called: the reason it was given up, or why the previous
 * attempt failed for one still being retried. Empty when no attempt failed (a done job's
 * error is cleared).
 */
export function errorLabel(job: Pick<Job, "state" | "lastError">): string {
  if (!job.lastError) return "";
  return job.state === JobState.FAILED ? "Gave up:" : "Last attempt failed:";
}

/** Errors longer than this, or on several lines, are cut, with the whole shown on demand. */
export const ERROR_PREVIEW_CHARS = 140;

/**
 * The first line of an error, cut at a word near `max` characters with "…"; `cut` says
 * whether anything was left out (so the whole is worth offering).
 */
export function errorPreview(
  error: string,
  max = ERROR_PREVIEW_CHARS,
): { text: string; cut: boolean } {
  const whole = error.trim();
  const firstLine = whole.split(/\r?\n/, 1)[0]?.trimEnd() ?? "";
  if (firstLine.length <= max) return { text: firstLine, cut: firstLine !== whole };
  const head = firstLine.slice(0, max);
  const space = head.lastIndexOf(" ");
  // A word boundary unless that throws away most of the line (one long token: a URL).
  const end = space > max * 0.6 ? space : max;
  return { text: `${head.slice(0, end).trimEnd()}…`, cut: true };
}
