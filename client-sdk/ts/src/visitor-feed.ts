//! `createVisitorFeed`: a visitor's WatchVisitorFeed kept open, resumed from its cursor after
//! every drop (messages, agent typing, read marks and conversation changes, each once).

import type { Client } from "@connectrpc/connect";
import { connectFeed, type WatchOptions } from "./connect-feed.js";
import type { VisitorService, WatchVisitorFeedResponse } from "./gen/porthole/v1/visitor_pb.js";
import type { ResumableFeed } from "./rules/feed.js";

/** The part of a `VisitorService` client the feed uses. */
export type VisitorFeedClient = Pick<Client<typeof VisitorService>, "watchVisitorFeed">;

/**
 * The visitor's live feed; call `start()` to open it and `stop()` to end it. The client's
 * transport must send the visitor token (`createPortholeTransport(url, { getToken })`).
 */
export function createVisitorFeed(
  client: VisitorFeedClient,
  options: WatchOptions<WatchVisitorFeedResponse>,
): ResumableFeed<WatchVisitorFeedResponse> {
  return connectFeed(
    (cursor, signal) => client.watchVisitorFeed({ cursor }, { signal }),
    (item) => item.event.case === "heartbeat",
    options,
  );
}
