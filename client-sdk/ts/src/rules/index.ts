//! Entry point `@porthole/client/rules`: the client rules the widget and the dashboard
//! share (links, preview text, limits, reconnect backoff, the resumable feed, message
//! merge, reading the server's throttling), as plain functions over plain data.
//!
//! Invariant: nothing under rules/ imports anything but its siblings (rules.test.ts checks
//! it), so the widget bundle pulls in only the rules it calls and no protobuf runtime.

export * from "./backoff.js";
export * from "./feed.js";
export * from "./limits.js";
export * from "./links.js";
export * from "./merge.js";
export * from "./preview.js";
export * from "./throttle.js";
