//! Handlers run to their end even when the caller goes away.
//!
//! A call whose client disconnects (or whose deadline passes) used to be dropped wherever
//! its handler was: after a send's commit but before its publish, so the stored message
//! reached no feed until a later event revealed the gap (and a retry with the same client
//! key found it stored and published nothing either); or in the middle of a PostgreSQL
//! transaction, leaving its connection "idle in transaction" in the pool with the
//! workspace row locked, so every write of the workspace waited until the pool discarded
//! the connection, seconds later. (Both found by `porthole-bench chaos`.) Each handler now
//! runs in a task of its own: the caller's going away only drops the response.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use tracing::Instrument as _;

/// Runs the rest of the request (the gRPC handler) in its own task.
pub async fn run_to_end(request: Request, next: Next) -> Response {
    // The call's trace span (if any) goes along.
    match tokio::spawn(next.run(request).in_current_span()).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "request handler panicked");
            tonic::Status::internal("the server failed while handling this call; it was logged")
                .into_http::<axum::body::Body>()
                .into_response()
        }
    }
}
