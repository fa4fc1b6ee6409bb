//! `GET /docs/api`: the API reference, generated from the proto comments into
//! `docs/api/index.html` (`scripts/protoc-gen-api-docs.mjs`) and compiled into the binary.

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::compressed;

/// The page, as committed (checked against proto/ by `npm run check:generated`).
/// `include_str!` makes cargo rebuild the server when it changes.
const PAGE: &str = include_str!("../../../docs/api/index.html");

/// What the page may load, worked out once: the page has no script and one inline style
/// sheet, which is allowed by its hash, so nothing injected could run or restyle it.
struct Headers {
    /// The page's SHA-256, which keys its compressed forms.
    hash: [u8; 32],
    /// Quoted hex of `hash`.
    etag: String,
    csp: HeaderValue,
}

static HEADERS: LazyLock<Headers> = LazyLock::new(|| {
    let hash: [u8; 32] = Sha256::digest(PAGE.as_bytes()).into();
    let etag = format!("\"{}\"", hex::encode(hash));
    let style = inline_style(PAGE)
        .map(|css| {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
            format!("'sha256-{hash}'")
        })
        .unwrap_or_else(|| "'none'".to_owned());
    let csp = format!(
        "default-src 'none'; style-src {style}; img-src 'self' data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    );
    Headers {
        hash,
        etag,
        // The CSP's characters are always valid in a header value.
        csp: HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'none'")),
    }
});

/// The text between the page's `<style>` and `</style>`, which its CSP hash covers.
fn inline_style(page: &str) -> Option<&str> {
    let start = page.find("<style>")? + "<style>".len();
    let end = start + page[start..].find("</style>")?;
    Some(&page[start..end])
}

/// `GET /docs/api`: the reference page, compressed when the browser accepts it (600 KB of
/// HTML become about 60), revalidated by ETag (it changes only with a release), never
/// framed, never sniffed.
pub async fn api_reference(request_headers: HeaderMap) -> Response {
    let page = &*HEADERS;
    let mut headers = HeaderMap::new();
    let mut body = Bytes::from_static(PAGE.as_bytes());
    let mut etag = page.etag.clone();
    if let Some(encoding) = compressed::preferred(&request_headers)
        && let Some(encoded) = compressed::encoded(page.hash, body.clone(), encoding).await
    {
        compressed::mark(&mut headers, encoding, &page.etag);
        etag = compressed::encoded_etag(&page.etag, Some(encoding));
        body = encoded;
    } else if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::CONTENT_SECURITY_POLICY, page.csp.clone());
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if request_headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        headers.remove(header::CONTENT_ENCODING);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    (StatusCode::OK, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_sheet_is_found_and_hashed() {
        let css = inline_style(PAGE).unwrap_or_default();
        assert!(css.contains("font"), "the generated page has one inline style sheet");
        assert!(HEADERS.csp.to_str().unwrap_or_default().contains("'sha256-"));
        assert_eq!(inline_style("<p>no style</p>"), None);
    }
}
