//! `GET /docs/api`: the generated API reference is served, with its security headers, and
//! documents every service and method of the descriptor set the server was built from.

use prost::Message as _;

use crate::common::http1;
use crate::common::{Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_names_every_service_and_method() {
    let server = TestServer::start(Backend::Sqlite).await;

    let (head, body) = http1(server.addr, "GET /docs/api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(lower.contains("content-security-policy: default-src 'none'; style-src 'sha256-"), "{head}");
    assert!(lower.contains("x-frame-options: deny"), "{head}");
    assert!(lower.contains("x-content-type-options: nosniff"), "{head}");
    let page = String::from_utf8(body).unwrap();
    assert!(!page.contains("<script"), "the page runs no script");

    // Every service and method the server was compiled with has its section: a stale page
    // (proto changed, `npm run generate` not run) fails here as well as in check:generated.
    let descriptors = prost_types::FileDescriptorSet::decode(porthole_proto::FILE_DESCRIPTOR_SET).unwrap();
    let mut methods = 0;
    for file in descriptors.file.iter().filter(|file| file.package().starts_with("porthole.")) {
        let package = file.package();
        for service in &file.service {
            let service_id = format!("{package}.{}", service.name());
            assert!(page.contains(&format!("id=\"{service_id}\"")), "{service_id} is documented");
            for method in &service.method {
                let id = format!("{service_id}.{}", method.name());
                assert!(page.contains(&format!("id=\"{id}\"")), "{id} is documented");
                methods += 1;
            }
        }
        for message in &file.message_type {
            let id = format!("{package}.{}", message.name());
            assert!(page.contains(&format!("id=\"{id}\"")), "{id} is documented");
            for field in &message.field {
                let id = format!("{id}.{}", field.name());
                assert!(page.contains(&format!("id=\"{id}\"")), "{id} is documented");
            }
        }
    }
    assert!(methods > 50, "the descriptor set holds the whole API ({methods} methods)");
    // Streaming methods are marked, and methods list the codes their comments name.
    assert!(page.contains("WatchWorkspace <span class=\"tag stream\">server stream</span>"));
    assert!(page.contains("<a class=\"code\" href=\"#code-PERMISSION_DENIED\">"));

    // Revalidation by ETag answers 304 without the page.
    let etag = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().starts_with("etag:").then(|| line[5..].trim().to_owned()))
        .unwrap();
    let (head, body) = http1(
        server.addr,
        &format!("GET /docs/api HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"),
        b"",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 304"), "{head}");
    assert!(body.is_empty());
    server.stop().await;
}

/// The 600 KB page goes out brotli- or gzip-compressed as the browser accepts, each form
/// with its own ETag, and decodes to the page itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_is_sent_compressed() {
    use std::io::Read as _;

    let server = TestServer::start(Backend::Sqlite).await;
    let get = |accept: &'static str, if_none_match: String| {
        let addr = server.addr;
        async move {
            let head = format!(
                "GET /docs/api HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {accept}\r\n{if_none_match}Connection: close\r\n\r\n"
            );
            let (head, body) = http1(addr, &head, b"").await;
            let lower = head.to_ascii_lowercase();
            let header = |name: &str| {
                lower.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned)).unwrap_or_default()
            };
            (lower.clone(), header("content-encoding"), header("etag"), body)
        }
    };
    let (head, encoding, plain_etag, plain) = get("identity", String::new()).await;
    assert!(head.starts_with("http/1.1 200") && encoding.is_empty(), "{head}");
    assert!(head.contains("vary: accept-encoding"), "{head}");

    let (head, encoding, br_etag, br) = get("gzip, deflate, br, zstd", String::new()).await;
    assert_eq!(encoding, "br", "{head}");
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
    assert_eq!(decoded, plain);
    assert!(br.len() * 5 < plain.len(), "brotli: {} of {} bytes", br.len(), plain.len());

    let (head, encoding, gz_etag, gz) = get("gzip", String::new()).await;
    assert_eq!(encoding, "gzip", "{head}");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded, plain);
    assert!(gz.len() * 5 < plain.len(), "gzip: {} of {} bytes", gz.len(), plain.len());

    assert!(br_etag != plain_etag && gz_etag != plain_etag && br_etag != gz_etag);
    // Each form revalidates with its own ETag; another form's ETag gets the page again.
    let (head, encoding, _, body) = get("br", format!("If-None-Match: {br_etag}\r\n")).await;
    assert!(head.starts_with("http/1.1 304") && body.is_empty() && encoding.is_empty(), "{head}");
    let (head, _, _, _) = get("gzip", format!("If-None-Match: {br_etag}\r\n")).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    server.stop().await;
}
