//! Static files sent compressed: brotli or gzip, whichever the browser accepts (brotli
//! first), compressed once per file content and kept for the life of the process.
//!
//! The files are a fixed set compiled into the binary (the widget, the dashboard, the API
//! reference), so the cache is bounded by what was built; each file is compressed on its
//! first request, on a blocking thread, at high settings (the widget loads on every page
//! of every site that embeds it). Each encoding has its own ETag, as HTTP caches expect.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

/// Files smaller than this go out as they are: compressing them saves less than a packet.
const MIN_SIZE: usize = 1024;
/// Brotli quality: 11 takes seconds on the 600 KB API reference for 3% less than 9.
const BROTLI_QUALITY: u32 = 9;
/// Brotli window (log2 bytes).
const BROTLI_WINDOW: u32 = 22;

/// A content encoding this server sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// The `Content-Encoding` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }

    /// The suffix that sets this encoding's ETag apart from the file's own.
    fn etag_suffix(self) -> &'static str {
        match self {
            Self::Brotli => "-br",
            Self::Gzip => "-gz",
        }
    }

    fn compress(self, data: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Brotli => {
                let mut out = Vec::with_capacity(data.len() / 4);
                let params = brotli::enc::BrotliEncoderParams {
                    quality: BROTLI_QUALITY as i32,
                    lgwin: BROTLI_WINDOW as i32,
                    ..Default::default()
                };
                brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
                Ok(out)
            }
            Self::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::best());
                encoder.write_all(data)?;
                encoder.finish()
            }
        }
    }
}

/// The encoding to send a response in, from the request's `Accept-Encoding`: brotli if
/// accepted, else gzip, else none. `q=0` refuses an encoding; other weights are not ranked
/// (browsers send none, and brotli is smaller).
pub fn preferred(request: &HeaderMap) -> Option<Encoding> {
    let mut brotli = false;
    let mut gzip = false;
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            if coding.eq_ignore_ascii_case("br") {
                brotli = true;
            } else if coding.eq_ignore_ascii_case("gzip") || coding == "*" {
                gzip = true;
            }
        }
    }
    if brotli {
        Some(Encoding::Brotli)
    } else if gzip {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

/// Whether a file of this type and size is worth compressing (text; images other than SVG,
/// fonts and archives are compressed already).
pub fn worth_compressing(content_type: &str, len: usize) -> bool {
    len >= MIN_SIZE
        && (content_type.starts_with("text/")
            || content_type.starts_with("application/javascript")
            || content_type.starts_with("application/json")
            || content_type.starts_with("application/manifest+json")
            || content_type.starts_with("image/svg+xml"))
}

/// One file's encoded forms by (content hash, encoding); `None` when compressing did not
/// make it smaller.
type Cache = Mutex<HashMap<([u8; 32], Encoding), Arc<OnceLock<Option<Bytes>>>>>;

static CACHE: LazyLock<Cache> = LazyLock::new(Default::default);

/// `data` (whose SHA-256 is `hash`) in `encoding`, compressed on first use; `None` if the
/// compressed form is no smaller (then send `data` as it is).
pub async fn encoded(hash: [u8; 32], data: Bytes, encoding: Encoding) -> Option<Bytes> {
    let slot = {
        let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.entry((hash, encoding)).or_default().clone()
    };
    if let Some(done) = slot.get() {
        return done.clone();
    }
    let compress = move || {
        slot.get_or_init(|| match encoding.compress(&data) {
            Ok(out) if out.len() < data.len() => Some(Bytes::from(out)),
            Ok(_) => None,
            Err(error) => {
                tracing::warn!(%error, encoding = encoding.name(), "compressing a static file failed");
                None
            }
        })
        .clone()
    };
    // A failed blocking task (a panic in the encoder) sends the file as it is.
    tokio::task::spawn_blocking(compress).await.ok().flatten()
}

/// Sets the headers of a response sent in `encoding`: `Content-Encoding`, and the ETag made
/// the encoding's own (`"<hash>-br"`).
pub fn mark(headers: &mut HeaderMap, encoding: Encoding, etag: &str) {
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.name()));
    if let Ok(value) = HeaderValue::from_str(&encoded_etag(etag, Some(encoding))) {
        headers.insert(header::ETAG, value);
    }
}

/// The ETag of a response: the file's `etag` (quoted) for `None`, with the encoding's
/// suffix inside the quotes otherwise.
pub fn encoded_etag(etag: &str, encoding: Option<Encoding>) -> String {
    match encoding {
        Some(encoding) => format!("{}{}\"", etag.trim_end_matches('"'), encoding.etag_suffix()),
        None => etag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn brotli_first_then_gzip_and_q0_refuses() {
        assert_eq!(preferred(&accepting("gzip, deflate, br, zstd")), Some(Encoding::Brotli));
        assert_eq!(preferred(&accepting("gzip, deflate")), Some(Encoding::Gzip));
        assert_eq!(preferred(&accepting("br;q=0, gzip;q=0.5")), Some(Encoding::Gzip));
        assert_eq!(preferred(&accepting("*")), Some(Encoding::Gzip));
        assert_eq!(preferred(&accepting("identity")), None);
        assert_eq!(preferred(&accepting("gzip;q=0")), None);
        assert_eq!(preferred(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn both_encodings_round_trip_and_are_kept() {
        let data = Bytes::from("const chat = 'porthole';\n".repeat(200));
        let hash = [7; 32];
        let br = encoded(hash, data.clone(), Encoding::Brotli).await.unwrap();
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut plain).unwrap();
        assert_eq!(plain, data);
        let gz = encoded(hash, data.clone(), Encoding::Gzip).await.unwrap();
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut plain).unwrap();
        assert_eq!(plain, data);
        assert!(br.len() < data.len() / 10 && gz.len() < data.len() / 10);
        // Kept: the same bytes again (not compressed anew from the different data given).
        assert_eq!(encoded(hash, Bytes::from_static(b"other"), Encoding::Brotli).await, Some(br));
        // Incompressible data is sent as it is.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                // xorshift64: bytes no encoder can shrink.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        assert_eq!(encoded([8; 32], Bytes::from(noise), Encoding::Gzip).await, None);
    }

    #[test]
    fn each_encoding_has_its_own_etag() {
        assert_eq!(encoded_etag("\"abc\"", Some(Encoding::Brotli)), "\"abc-br\"");
        assert_eq!(encoded_etag("\"abc\"", Some(Encoding::Gzip)), "\"abc-gz\"");
        assert_eq!(encoded_etag("\"abc\"", None), "\"abc\"");
        assert!(worth_compressing("application/javascript", 5000));
        assert!(!worth_compressing("application/javascript", 100));
        assert!(!worth_compressing("image/png", 50_000));
    }
}
