//! The built widget and dashboard, embedded in the binary (read from disk in debug builds),
//! served with validators and cache headers suited to each.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::{EmbeddedFile, RustEmbed};

use super::compressed;

/// `widget-web/dist`: the loader and the lazily loaded chat app.
#[derive(RustEmbed)]
#[folder = "../widget-web/dist"]
#[allow_missing = true]
struct WidgetAssets;

/// `admin-web/dist`: the dashboard (a single-page app under `/app/`).
#[derive(RustEmbed)]
#[folder = "../admin-web/dist"]
#[allow_missing = true]
struct DashboardAssets;

/// How long browsers may reuse a file without asking.
#[derive(Clone, Copy)]
enum Caching {
    /// Stable URLs whose content changes with releases (the loader): short.
    Short,
    /// Unhashed app files: an hour, then revalidate by ETag.
    Hour,
    /// Content-hashed file names: forever.
    Immutable,
    /// The dashboard's index.html: always revalidate.
    Revalidate,
}

async fn respond(file: EmbeddedFile, caching: Caching, request_headers: &HeaderMap) -> Response {
    let hash = file.metadata.sha256_hash();
    let etag = format!("\"{}\"", hex::encode(hash));
    let content_type = file.metadata.mimetype().to_owned();
    let mut headers = HeaderMap::new();
    let cache = match caching {
        Caching::Short => "public, max-age=300",
        Caching::Hour => "public, max-age=3600",
        Caching::Immutable => "public, max-age=31536000, immutable",
        Caching::Revalidate => "no-cache",
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let data = match file.data {
        std::borrow::Cow::Borrowed(data) => Bytes::from_static(data),
        std::borrow::Cow::Owned(data) => Bytes::from(data),
    };
    let mut body = data.clone();
    let mut sent_etag = etag.clone();
    if compressed::worth_compressing(&content_type, data.len()) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(encoding) = compressed::preferred(request_headers)
            && let Some(encoded) = compressed::encoded(hash, data, encoding).await
        {
            compressed::mark(&mut headers, encoding, &etag);
            sent_etag = compressed::encoded_etag(&etag, Some(encoding));
            body = encoded;
        }
    }
    if !headers.contains_key(header::ETAG)
        && let Ok(value) = HeaderValue::from_str(&etag)
    {
        headers.insert(header::ETAG, value);
    }
    if request_headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(sent_etag.as_str()) {
        headers.remove(header::CONTENT_ENCODING);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    (StatusCode::OK, headers, body).into_response()
}

fn not_built(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("{what} not found (if this is a fresh checkout, build the web assets: npm ci && npm run build:web)\n"),
    )
        .into_response()
}

/// `GET /widget/{token}/loader.js`: the script the embed snippet loads. The token stays in
/// the URL so the loader can read it from its own `src`.
pub async fn loader(headers: HeaderMap) -> Response {
    match WidgetAssets::get("loader.js") {
        Some(file) => respond(file, Caching::Short, &headers).await,
        None => not_built("widget loader"),
    }
}

/// `GET /widget/assets/{*path}`: the chat app and its files.
pub async fn widget_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match WidgetAssets::get(&path) {
        Some(file) => respond(file, Caching::Hour, &headers).await,
        None => not_built("widget file"),
    }
}

/// What the dashboard may load: its own scripts, styles, images and API only, so an
/// injected script (from a visitor's message, say) has nowhere to come from and nowhere to
/// send what it reads. Inline styles stay allowed: React and the widget set them, and a
/// style cannot run code.
const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The same for the widget preview page, which the dashboard itself frames (sandboxed);
/// widgets' logos are https URLs on the customer's own site.
const PREVIEW_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; \
     frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The dashboard's page that frames the real widget for its live preview.
const PREVIEW_PAGE: &str = "widget-preview.html";

/// `GET /app/{*path}`: dashboard files; any other path is a client-side route and gets
/// `index.html`. Every answer carries the dashboard's security headers: no other site may
/// frame it (clickjacking), nothing is content-sniffed, and its URLs (conversation ids)
/// never leak as a referrer.
pub async fn dashboard_file(path: Option<Path<String>>, headers: HeaderMap) -> Response {
    let path = path.map(|Path(p)| p).unwrap_or_default();
    let mut response = if let Some(file) = DashboardAssets::get(&path).filter(|_| !path.is_empty()) {
        let caching = if path.starts_with("assets/") { Caching::Immutable } else { Caching::Hour };
        respond(file, caching, &headers).await
    } else {
        match DashboardAssets::get("index.html") {
            Some(file) => respond(file, Caching::Revalidate, &headers).await,
            None => not_built("dashboard"),
        }
    };
    let out = response.headers_mut();
    if path == PREVIEW_PAGE {
        out.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PREVIEW_CSP));
    } else {
        out.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DASHBOARD_CSP));
        out.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    out.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
