//! The live figures (`WatchLiveFigures`), kept open while the Overview is on screen: the
//! shared resumable feed (`@porthole/client/rules`) reconnects with backoff after every end
//! or failure (waiting out a throttle's `retry-after`), refreshes the token once on
//! UNAUTHENTICATED, and gives up only on what a retry cannot fix (a server without
//! reports). The stream has no cursor and no heartbeats; each item is the whole picture,
//! so reconnecting simply replaces it. Also: how long the longest wait is now.

import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  isPermanentFeedError,
  type LiveFigures,
  type WatchLiveFiguresResponse,
} from "@porthole/client";
import { type FeedStatus, ResumableFeed } from "@porthole/client/rules";
import { useEffect, useState } from "react";
import { reportClient, session } from "../lib/api";
import { toMillis } from "../lib/format";

/**
 * Silence after which the stream is dropped and opened again. The server sends figures
 * only when they may have changed, so a quiet workspace is silent for long; this only
 * guards against a connection that died without a word.
 */
export const LIVE_IDLE_MS = 10 * 60_000;

/** One item of the feed: the figures, with the empty cursor the shared feed expects. */
interface Item {
  cursor: string;
  figures: LiveFigures | undefined;
  /** When this browser received them (`Date.now()`), to tick waits without clock skew. */
  receivedAt: number;
}

export interface LiveState {
  figures?: LiveFigures;
  receivedAt: number;
  status: FeedStatus;
  /** Why the feed stopped for good (no reports on this server, signed out). */
  failure?: unknown;
}

type Watch = (signal: AbortSignal) => AsyncIterable<WatchLiveFiguresResponse>;

const watchFromServer: Watch = (signal) => reportClient.watchLiveFigures({}, { signal });

async function* items(stream: AsyncIterable<WatchLiveFiguresResponse>): AsyncIterable<Item> {
  for await (const res of stream)
    yield { cursor: "", figures: res.figures, receivedAt: Date.now() };
}

/**
 * Starts the feed; `onChange` hears every new state. Returns the stop function. `backoff`
 * (the shared reconnect delay by default) is for tests.
 */
export function watchLiveFigures(
  onChange: (change: Partial<LiveState>) => void,
  watch: Watch = watchFromServer,
  backoff?: (attempt: number) => number,
): () => void {
  const feed = new ResumableFeed<Item>({
    ...(backoff ? { backoff } : {}),
    watch: (_cursor, signal) => items(watch(signal)),
    isHeartbeat: () => false,
    onEvent: (item) => onChange({ figures: item.figures, receivedAt: item.receivedAt }),
    onReset: () => {},
    onStatus: (status) => onChange({ status }),
    codeOf: (error) => ConnectError.from(error).code,
    idleTimeoutMs: LIVE_IDLE_MS,
    shouldRetry: async (error) => {
      const e = ConnectError.from(error);
      if (e.code === Code.Unauthenticated) {
        try {
          if (await session.refresh(session.get()?.accessToken)) return true;
        } catch {
          return true;
        }
      }
      if (isPermanentFeedError(e)) {
        onChange({ failure: e });
        return false;
      }
      return true;
    },
  });
  feed.start();
  const wake = () => feed.retryNow();
  window.addEventListener("online", wake);
  return () => {
    window.removeEventListener("online", wake);
    feed.stop();
  };
}

/** The live figures as React state, watched while the calling component is mounted. */
export function useLiveFigures(watch?: Watch): LiveState {
  const [state, setState] = useState<LiveState>({ receivedAt: 0, status: "connecting" });
  useEffect(
    () => watchLiveFigures((change) => setState((s) => ({ ...s, ...change })), watch),
    [watch],
  );
  return state;
}

/**
 * Seconds the conversation queued longest has waited at `now`: measured on the server's
 * clock (`as_of − oldest_queued_time`) plus the time since the figures arrived, so a
 * browser whose clock is off still counts right. Undefined while the queue is empty.
 */
export function longestWaitSeconds(
  figures: Pick<LiveFigures, "oldestQueuedTime" | "asOf"> | undefined,
  receivedAt: number,
  now: number,
): number | undefined {
  const oldest: Timestamp | undefined = figures?.oldestQueuedTime;
  if (!oldest) return undefined;
  const asOf = figures?.asOf ? toMillis(figures.asOf) : receivedAt;
  const waited = asOf - toMillis(oldest) + Math.max(0, now - receivedAt);
  return Math.max(0, waited / 1000);
}
