//! Entry point `@porthole/client/visitor`: only what the embedded widget needs.
//!
//! Invariant: nothing here imports the agent-side services (auth, workspace, widget admin,
//! conversation), so a widget bundle never carries their descriptors.

export type { CallOptions, Client, Interceptor, Transport } from "@connectrpc/connect";
// Connect's runtime pieces that callers need, so apps depend on @porthole/client alone.
export { Code, ConnectError, createClient } from "@connectrpc/connect";
export { isPermanentFeedError, type WatchOptions } from "./connect-feed.js";
export * from "./errors.js";
export * from "./gen/porthole/v1/chat_pb.js";
export * from "./gen/porthole/v1/errors_pb.js";
export * from "./gen/porthole/v1/visitor_pb.js";
export * from "./gen/porthole/v1/widget_settings_pb.js";
export type { FeedOptions, FeedStatus } from "./rules/feed.js";
export { feedIdleTimeoutMs, ResumableFeed } from "./rules/feed.js";
export * from "./transport.js";
export * from "./visitor-feed.js";
