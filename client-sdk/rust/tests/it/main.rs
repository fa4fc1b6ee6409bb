//! The SDK against the real `porthole` binary: feeds through cut connections and server
//! restarts, session refresh, and the examples as built binaries.

// Test helpers panic on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod examples;
mod feeds;
mod session;
