//! Plain HTTP beside gRPC on the same port: health, attachments, static assets, the demo
//! page, and the answer for paths that are none of these.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::AppState;

pub mod assets;
pub mod compressed;
pub mod demo;
pub mod docs;

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
            // Throttled calls say when to retry; the widget runs on other sites' origins.
            HeaderName::from_static("retry-after"),
        ])
        .max_age(std::time::Duration::from_secs(86_400));

    let proxies = state.config.trusted_proxies.clone();
    let http = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/attachments/{id}/{name}", get(download_attachment))
        .route("/widget/{token}/loader.js", get(assets::loader))
        .route("/widget/assets/{*path}", get(assets::widget_file))
        .route("/app", get(|| async { Redirect::permanent("/app/") }))
        .route("/app/", get(assets::dashboard_file))
        .route("/app/{*path}", get(assets::dashboard_file))
        .route("/", get(|| async { Redirect::temporary("/app/") }))
        .route("/demo", get(demo::page))
        .route("/docs/api", get(docs::api_reference))
        .with_state(state);
    // Replaces the gRPC router's own fallback, which sits behind the grpc-web layer and so
    // answered every unknown plain HTTP path (`/favicon.ico`) with 400.
    grpc.merge(http)
        .fallback(not_found)
        // Connect unary calls (JSON over plain HTTP) become gRPC calls to the same routes.
        .layer(axum::middleware::from_fn(crate::api::connect::unary))
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(proxies, crate::client_ip::record))
        .layer(TraceLayer::new_for_http())
}

/// Unknown paths: UNIMPLEMENTED for gRPC and grpc-web callers, a plain 404 for the rest.
async fn not_found(headers: HeaderMap) -> Response {
    let grpc = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"));
    if grpc {
        tonic::Status::unimplemented("no such method").into_http::<axum::body::Body>()
    } else {
        (StatusCode::NOT_FOUND, "not found\n").into_response()
    }
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

/// Query of a signed attachment URL.
#[derive(serde::Deserialize)]
struct Signature {
    exp: i64,
    sig: String,
}

/// Serves an attachment to whoever holds a valid signed URL (only the conversation's
/// visitor and the workspace's agents are ever given one).
async fn download_attachment(
    State(state): State<Arc<AppState>>,
    Path((id, _name)): Path<(String, String)>,
    Query(signature): Query<Signature>,
) -> Response {
    if !state.signer.verify(&id, signature.exp, &signature.sig) {
        return (StatusCode::FORBIDDEN, "this link is invalid or has expired\n").into_response();
    }
    let row = match state.store.attachment(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return (StatusCode::NOT_FOUND, "attachment not found\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "attachment lookup failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again later\n").into_response();
        }
    };
    let path = crate::attachments::path(&state.config.data_dir, &row.workspace_id, &row.id);
    // Streamed from disk in small chunks: 200 slow readers of a 10 MiB file held 1.4 GB
    // when each download was read into memory first.
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(error) => {
            tracing::error!(%error, path = %path.display(), "attachment file unreadable");
            return (StatusCode::NOT_FOUND, "attachment not found\n").into_response();
        }
    };
    let length = file.metadata().await.map(|m| m.len()).ok();
    let mut headers = HeaderMap::new();
    let content_type =
        HeaderValue::from_str(&row.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    // Images show inline; everything else downloads. Nothing may run as a page.
    let disposition = if row.content_type.starts_with("image/") { "inline" } else { "attachment" };
    let name: String = url::form_urlencoded::byte_serialize(row.file_name.as_bytes()).collect();
    if let Ok(value) = HeaderValue::from_str(&format!("{disposition}; filename*=UTF-8''{name}")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, DOWNLOAD_CHUNK));
    (StatusCode::OK, headers, body).into_response()
}

/// Bytes read from disk per chunk of a download.
const DOWNLOAD_CHUNK: usize = 64 * 1024;
