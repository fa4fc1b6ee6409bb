//! The server's integration tests, as one binary (one link instead of one per topic): each
//! module starts the real server on port 0 and drives it through the real client
//! (`common::TestServer`), on SQLite and on a PostgreSQL database of its own, except
//! `tidy`, which checks the repository's stated invariants on its source text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

mod accounts;
mod automation;
mod bot;
mod canned;
mod chat;
mod connect;
mod connections;
mod docs;
mod geo;
mod http;
mod intake;
mod jobs;
mod knowledge;
mod limits;
mod mailbox;
mod metrics;
mod model;
mod notifications;
mod password_reset;
mod privacy;
mod process;
mod properties;
mod push_service;
mod receiver;
mod reports;
mod retention;
mod routing;
mod teams;
mod tidy;
mod traces;
mod visitors;
mod webhook_crash;
mod webhooks;
mod widgets;
