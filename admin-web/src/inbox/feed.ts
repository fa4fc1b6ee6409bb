//! The workspace feed connection: WatchWorkspace kept open by the shared resumable feed
//! (`@porthole/client/rules`): resumed from the last cursor after any drop, with backoff, a
//! watchdog for silent connections, a fresh start on OUT_OF_RANGE and a status for the UI.
//! This file only says how to read Connect's items and errors.
//!
//! The server never sends an event at or below the cursor we pass, so a resumed stream has
//! no gaps and no duplicates; the cache merges still drop repeated ids (see model.ts).

import { ConnectError, type WatchWorkspaceResponse } from "@porthole/client";
import { type FeedOptions, ResumableFeed } from "@porthole/client/rules";

export type { FeedStatus } from "@porthole/client/rules";

/** What the dashboard tells the feed: where items come from and what to do with them. */
export type WorkspaceFeedOptions = Omit<
  FeedOptions<WatchWorkspaceResponse>,
  "isHeartbeat" | "codeOf"
>;

export class WorkspaceFeed extends ResumableFeed<WatchWorkspaceResponse> {
  constructor(options: WorkspaceFeedOptions) {
    super({
      ...options,
      isHeartbeat: (item) => item.event.case === "heartbeat",
      codeOf: (error) => ConnectError.from(error).code,
    });
  }
}
