//! `createWorkspaceFeed`: a member's WatchWorkspace kept open, resumed from its cursor after
//! every drop (conversations, messages and notes, typing, visitors, members, each once).

import type { Client } from "@connectrpc/connect";
import { connectFeed, type WatchOptions } from "./connect-feed.js";
import type {
  ConversationService,
  WatchWorkspaceResponse,
} from "./gen/porthole/v1/conversation_pb.js";
import type { ResumableFeed } from "./rules/feed.js";

/** The part of a `ConversationService` client the feed uses. */
export type WorkspaceFeedClient = Pick<Client<typeof ConversationService>, "watchWorkspace">;

/**
 * The workspace's live feed for the signed-in member; call `start()` to open it and
 * `stop()` to end it. The client's transport must send the member's access token
 * (`createPortholeTransport(url, { getToken })`).
 */
export function createWorkspaceFeed(
  client: WorkspaceFeedClient,
  options: WatchOptions<WatchWorkspaceResponse>,
): ResumableFeed<WatchWorkspaceResponse> {
  return connectFeed(
    (cursor, signal) => client.watchWorkspace({ cursor }, { signal }),
    (item) => item.event.case === "heartbeat",
    options,
  );
}
