//! The one port from a browser's point of view: grpc-web over HTTP/1.1, CORS preflight
//! for foreign origins, and plain HTTP health, spoken byte by byte over a TCP socket.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Backend, TestServer, http1};
use porthole_client::pb;
use prost::Message as _;

/// A grpc-web call over HTTP/1.1 as a browser makes it; returns the response message
/// bytes (if any) and the trailer text.
async fn grpc_web(addr: std::net::SocketAddr, path: &str, message: &[u8]) -> (String, Option<Vec<u8>>, String) {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(message);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/grpc-web+proto\r\nX-Grpc-Web: 1\r\n\
         Origin: https://customer-site.example\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        frame.len()
    );
    let (headers, body) = http1(addr, &head, &frame).await;
    let mut rest = body.as_slice();
    let (mut data, mut trailers) = (None, String::new());
    while rest.len() >= 5 {
        let flag = rest[0];
        let len = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
        let payload = &rest[5..5 + len];
        if flag & 0x80 != 0 {
            trailers = String::from_utf8_lossy(payload).to_string();
        } else {
            data = Some(payload.to_vec());
        }
        rest = &rest[5 + len..];
    }
    // An error before any message comes as a trailers-only response in the headers.
    if trailers.is_empty() {
        trailers = headers.clone();
    }
    (headers, data, trailers.to_ascii_lowercase().replace(": ", ":"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_web_over_http1_health_and_cors() {
    let server = TestServer::start(Backend::Sqlite).await;

    let (head, body) = http1(server.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, b"ok\n");

    // A foreign page's preflight for a grpc-web call with an Authorization header.
    let (head, _) = http1(
        server.addr,
        "OPTIONS /porthole.v1.AuthService/LogIn HTTP/1.1\r\nHost: x\r\nOrigin: https://customer-site.example\r\n\
         Access-Control-Request-Method: POST\r\n\
         Access-Control-Request-Headers: authorization,content-type,x-grpc-web\r\nConnection: close\r\n\r\n",
        b"",
    )
    .await;
    let lower = head.to_ascii_lowercase();
    assert!(lower.starts_with("http/1.1 200"), "{head}");
    assert!(lower.contains("access-control-allow-origin: https://customer-site.example"), "{head}");
    assert!(lower.contains("authorization"), "{head}");

    // Sign up over grpc-web / HTTP/1.1.
    let request = pb::SignUpRequest {
        email: "web@example.com".into(),
        password: "browser password".into(),
        display_name: "Web".into(),
        workspace_name: "Web Inc".into(),
    };
    let (head, data, trailers) =
        grpc_web(server.addr, "/porthole.v1.AuthService/SignUp", &request.encode_to_vec()).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("access-control-expose-headers"), "{head}");
    // A widget on another origin must be able to read when to retry a throttled call.
    assert!(head.to_ascii_lowercase().contains("retry-after"), "{head}");
    assert!(trailers.contains("grpc-status:0"), "{trailers}");
    let response = pb::SignUpResponse::decode(data.unwrap().as_slice()).unwrap();
    assert_eq!(response.session.unwrap().user.unwrap().email, "web@example.com");

    // Errors reach a browser as grpc-web trailers with the status and message.
    let (_, _, trailers) = grpc_web(server.addr, "/porthole.v1.AuthService/SignUp", &request.encode_to_vec()).await;
    assert!(trailers.contains("grpc-status:6"), "ALREADY_EXISTS expected: {trailers}");
    let (_, _, trailers) =
        grpc_web(server.addr, "/porthole.v1.WidgetService/ListWidgets", &pb::ListWidgetsRequest {}.encode_to_vec())
            .await;
    assert!(trailers.contains("grpc-status:16"), "UNAUTHENTICATED expected: {trailers}");
    let (_, _, trailers) = grpc_web(server.addr, "/porthole.v1.Nope/Nothing", b"").await;
    assert!(trailers.contains("grpc-status:12"), "UNIMPLEMENTED expected: {trailers}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_page_embeds_the_seeded_widget() {
    let server = TestServer::start_with(Backend::Sqlite, |c| c.demo = true).await;
    let (head, body) = http1(server.addr, "GET /demo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let body = String::from_utf8(body).unwrap();
    let start = body.find("/widget/").expect("snippet in the demo page");
    let token = &body[start + "/widget/".len()..][..32];
    // The demo owner can log in and sees that very widget.
    let owner = server.new_client();
    let session = owner
        .auth()
        .log_in(pb::LogInRequest {
            email: porthole_server::web::demo::DEMO_EMAIL.into(),
            password: porthole_server::web::demo::DEMO_PASSWORD.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    owner.set_token(Some(session.access_token));
    let widgets = owner.widgets().list_widgets(pb::ListWidgetsRequest {}).await.unwrap().into_inner().widgets;
    assert_eq!(widgets[0].public_token, token);
    let (head, _) = http1(server.addr, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"").await;
    assert!(head.starts_with("HTTP/1.1 307") && head.contains("/app/"), "{head}");
    server.stop().await;
}

/// Unknown paths: a plain 404 for browsers (`/favicon.ico`), UNIMPLEMENTED for gRPC and
/// grpc-web callers of a method that does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (head, body) =
        http1(server.addr, "GET /favicon.ico HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"").await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    assert_eq!(body, b"not found\n");

    let (_, data, trailers) = grpc_web(server.addr, "/porthole.v1.NoSuchService/Call", b"").await;
    assert!(data.is_none());
    assert!(trailers.contains("grpc-status:12"), "{trailers}");

    // Over gRPC (HTTP/2) the same: the status a client can act on, not a transport error.
    let channel = tonic::transport::Channel::from_shared(server.url.clone()).unwrap().connect().await.unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let codec = tonic_prost::ProstCodec::<pb::GetMeRequest, pb::GetMeResponse>::default();
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/porthole.v1.NoSuchService/Call");
    let status = grpc.unary(tonic::Request::new(pb::GetMeRequest {}), path, codec).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unimplemented, "{status:?}");
    server.stop().await;
}

/// The dashboard cannot be framed by another site, loads only this server's scripts, is
/// never content-sniffed and leaks no referrer; its widget-preview page may be framed by
/// the dashboard only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_carries_its_security_headers() {
    let server = TestServer::start(Backend::Sqlite).await;
    for path in ["/app/", "/app/inbox", "/app/widget-preview.html"] {
        let head = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let (head, _) = http1(server.addr, &head, b"").await;
        let lower = head.to_ascii_lowercase();
        let csp = lower
            .lines()
            .find_map(|line| line.strip_prefix("content-security-policy: "))
            .unwrap_or_else(|| panic!("{path}: no CSP in {head}"));
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(lower.contains("x-content-type-options: nosniff"), "{head}");
        assert!(lower.contains("referrer-policy: no-referrer"), "{head}");
        if path.ends_with("widget-preview.html") {
            assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
            assert!(!lower.contains("x-frame-options"), "{head}");
        } else {
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
            assert!(lower.contains("x-frame-options: deny"), "{head}");
        }
    }
    server.stop().await;
}
