//! Plain HTTP beside gRPC on the same port: health, and (later) static assets.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, Method, StatusCode};
use axum::routing::get;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::AppState;

/// Adds the HTTP routes to the gRPC router and wraps everything in CORS and tracing.
pub fn routes(state: Arc<AppState>, grpc: Router) -> Router {
    // Widgets run on customers' sites, so any origin may call; allowed domains are checked
    // per widget by the visitor API. Credentials are bearer tokens, never cookies, so a
    // permissive CORS policy grants nothing a page could not already do.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            HeaderName::from_static("grpc-status"),
            HeaderName::from_static("grpc-message"),
            HeaderName::from_static("grpc-status-details-bin"),
        ])
        .max_age(std::time::Duration::from_secs(86_400));

    let http = Router::new().route("/healthz", get(healthz)).with_state(state);
    grpc.merge(http).layer(cors).layer(TraceLayer::new_for_http())
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<Arc<AppState>>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
