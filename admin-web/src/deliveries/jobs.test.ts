//! E-mail deliveries' words: states, kinds (every one the proto documents), attempts, the
//! countdown to a queued job's next attempt, and long errors cut to one line.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { JobState } from "@porthole/client";
import { expect, test } from "vitest";
import {
  attemptsLabel,
  ERROR_PREVIEW_CHARS,
  errorLabel,
  errorPreview,
  JOB_KIND_LABELS,
  jobKindLabel,
  jobStateHint,
  jobStateLabel,
  jobStateTone,
  nextAttemptLabel,
} from "./jobs";

/** The kinds listed in `Job.kind`'s comment in workspace.proto ("What it does: `email`."). */
function documentedKinds(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const proto = readFileSync(resolve(here, "../../../proto/porthole/v1/workspace.proto"), "utf8");
  const job = proto.slice(proto.indexOf("message Job {"));
  const comment = job.slice(0, job.indexOf("string kind ="));
  return [...comment.matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? "");
}

test("every kind the server documents has a label; unknown kinds show as sent", () => {
  const documented = documentedKinds();
  expect(documented).toContain("email");
  expect(Object.keys(JOB_KIND_LABELS).sort()).toEqual([...documented].sort());
  expect(jobKindLabel("email")).toBe("E-mail");
  expect(jobKindLabel("webhook")).toBe("webhook");
});

test("each state has a label and a badge tone", () => {
  const states = [JobState.QUEUED, JobState.RUNNING, JobState.DONE, JobState.FAILED];
  expect(states.map((s) => jobStateLabel[s])).toEqual(["Queued", "Running", "Done", "Failed"]);
  expect(states.map((s) => jobStateTone[s])).toEqual(["amber", "blue", "green", "red"]);
  expect(jobStateLabel[JobState.UNSPECIFIED]).toBe("Unknown");
  for (const state of states) expect(jobStateHint[state]).not.toBe("");
  expect(jobStateHint[JobState.DONE]).toBe("The mail server accepted it");
});

test("attempts read as n of max", () => {
  expect(attemptsLabel({ attempts: 0, maxAttempts: 8 })).toBe("0 of 8");
  expect(attemptsLabel({ attempts: 3, maxAttempts: 8 })).toBe("3 of 8");
  // A job without a limit (not sent by today's server) shows the count alone.
  expect(attemptsLabel({ attempts: 2, maxAttempts: 0 })).toBe("2");
});

test("a queued job counts down to its next attempt, rounded up to the second", () => {
  const now = 1_700_000_000_000;
  const queued = (attempts: number, inMs: number | undefined) => ({
    state: JobState.QUEUED,
    attempts,
    nextAttemptTime: inMs === undefined ? undefined : timestampFromMs(now + inMs),
  });
  expect(nextAttemptLabel(queued(1, 8_000), now)).toBe("next attempt in 8s");
  expect(nextAttemptLabel(queued(1, 7_200), now)).toBe("next attempt in 8s");
  expect(nextAttemptLabel(queued(1, 300), now)).toBe("next attempt in 1s");
  expect(nextAttemptLabel(queued(3, 252_000), now)).toBe("next attempt in 4m 12s");
  expect(nextAttemptLabel(queued(7, 3_600_000), now)).toBe("next attempt in 1h 0m");
  expect(nextAttemptLabel(queued(1, 0), now)).toBe("next attempt due now");
  expect(nextAttemptLabel(queued(1, -5_000), now)).toBe("next attempt due now");
  expect(nextAttemptLabel(queued(1, undefined), now)).toBe("next attempt due now");
  expect(nextAttemptLabel(queued(0, 2_000), now)).toBe("first attempt in 2s");
  expect(nextAttemptLabel(queued(0, -10), now)).toBe("first attempt due now");
  for (const state of [JobState.RUNNING, JobState.DONE, JobState.FAILED]) {
    expect(nextAttemptLabel({ ...queued(1, 8_000), state }, now)).toBe("");
  }
});

test("an error is called what it means for the job", () => {
  expect(errorLabel({ state: JobState.FAILED, lastError: "550 no such user" })).toBe("Gave up:");
  expect(errorLabel({ state: JobState.QUEUED, lastError: "connection refused" })).toBe(
    "Last attempt failed:",
  );
  expect(errorLabel({ state: JobState.RUNNING, lastError: "timed out" })).toBe(
    "Last attempt failed:",
  );
  expect(errorLabel({ state: JobState.DONE, lastError: "" })).toBe("");
  expect(errorLabel({ state: JobState.QUEUED, lastError: "" })).toBe("");
});

test("a short error shows whole; a long or multi-line one is cut, at a word if it can", () => {
  expect(errorPreview("connection refused")).toEqual({ text: "connection refused", cut: false });
  expect(errorPreview("  padded \n")).toEqual({ text: "padded", cut: false });

  const words = "the mail server said no because ".repeat(10);
  const long = errorPreview(words);
  expect(long.cut).toBe(true);
  expect(long.text.endsWith("…")).toBe(true);
  expect(long.text.length).toBeLessThanOrEqual(ERROR_PREVIEW_CHARS + 1);
  expect(long.text).not.toMatch(/ …$/);
  expect(words.startsWith(long.text.slice(0, -1))).toBe(true);
  // Cut between words, not inside one.
  expect(words.charAt(long.text.length - 1)).toBe(" ");

  // One long token (a URL) is cut where the limit falls.
  const token = `https://${"x".repeat(300)}`;
  expect(errorPreview(token).text).toBe(`${token.slice(0, ERROR_PREVIEW_CHARS)}…`);

  // Several lines: the first, and the rest on demand.
  expect(errorPreview("permanent error (550)\nmailbox unavailable")).toEqual({
    text: "permanent error (550)",
    cut: true,
  });
});
