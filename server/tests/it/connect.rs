//! Connect's unary protocol (JSON over plain HTTP) beside gRPC and grpc-web, spoken over
//! raw HTTP/1.1 as `curl` speaks it.

use base64::Engine as _;
use porthole_client::pb;
use prost::Message as _;

use crate::common::{self, Backend, TestServer, http1, sign_up};

/// A Connect call: (HTTP status, headers, body as JSON or `Null` when it is not JSON).
async fn call(
    server: &TestServer,
    path: &str,
    token: Option<&str>,
    extra_headers: &str,
    body: &[u8],
) -> (u16, String, serde_json::Value) {
    let authorization = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{authorization}{extra_headers}\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (head, body) = http1(server.addr, &head, body).await;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    (status, head.to_ascii_lowercase(), json)
}

/// A member's call and a public one, answered in the proto's JSON form.
async fn unary_calls_answer_json(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, head, policy) = call(&server, "/porthole.v1.AuthService/GetSignUpPolicy", None, "", b"{}").await;
    assert_eq!(status, 200, "{head} {policy}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(policy["open"], true, "{policy}");

    // Signing up through JSON gives tokens the next JSON call uses.
    let sign_up = serde_json::json!({
        "email": "json@example.com",
        "password": "correct horse battery",
        "displayName": "Jay Son",
        "workspaceName": "JSON Co",
    });
    let (status, _, signed_up) =
        call(&server, "/porthole.v1.AuthService/SignUp", None, "", sign_up.to_string().as_bytes()).await;
    assert_eq!(status, 200, "{signed_up}");
    let token = signed_up["session"]["accessToken"].as_str().unwrap().to_owned();
    let (status, _, me) = call(&server, "/porthole.v1.AuthService/GetMe", Some(&token), "", b"{}").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], "json@example.com", "{me}");
    assert_eq!(me["workspace"]["name"], "JSON Co", "{me}");

    // Field names in the proto's own spelling are accepted too; the answer is the same
    // canned response the gRPC client reads.
    let create = br#"{"shortcut": "hello", "body": "Hello {{visitor.name}}!"}"#;
    let (status, _, created) =
        call(&server, "/porthole.v1.CannedResponseService/CreateCannedResponse", Some(&token), "", create).await;
    assert_eq!(status, 200, "{created}");
    let id = created["cannedResponse"]["id"].as_str().unwrap().to_owned();
    let owner = server.new_client();
    owner.set_token(Some(token.clone()));
    let listed = owner
        .canned()
        .list_canned_responses(pb::ListCannedResponsesRequest {})
        .await
        .unwrap()
        .into_inner()
        .canned_responses;
    assert_eq!(listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![id.as_str()]);

    // Health answers JSON too, for probes that speak plain HTTP.
    let (status, _, health) = call(&server, "/grpc.health.v1.Health/Check", None, "", b"{}").await;
    assert_eq!((status, health), (200, serde_json::json!({"status": "SERVING"})));
    server.stop().await;
}
on_both_backends!(unary_calls_answer_json);

/// Errors are Connect errors: the code's name, its HTTP status, the message, and for a bad
/// field our `BadRequest` (type, base64 value, and its JSON under `debug`).
async fn errors_are_connect_errors(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, _, error) = call(&server, "/porthole.v1.AuthService/GetMe", None, "", b"{}").await;
    assert_eq!(status, 401, "{error}");
    assert_eq!(error["code"], "unauthenticated", "{error}");
    let (status, _, error) = call(&server, "/porthole.v1.AuthService/GetMe", Some("not-a-token"), "", b"{}").await;
    assert_eq!((status, error["code"].as_str()), (401, Some("unauthenticated")), "{error}");

    let (_, session) = sign_up(&server, "errors@example.com", "Errors Co").await;
    let token = session.access_token;
    let bad = br#"{"shortcut": "Not A Shortcut!", "body": "x"}"#;
    let (status, _, error) =
        call(&server, "/porthole.v1.CannedResponseService/CreateCannedResponse", Some(&token), "", bad).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["code"], "invalid_argument", "{error}");
    assert!(error["message"].as_str().unwrap().contains("shortcut"), "{error}");
    let detail = &error["details"][0];
    assert_eq!(detail["type"], "porthole.v1.BadRequest", "{error}");
    assert_eq!(detail["debug"]["fieldViolations"][0]["field"], "shortcut", "{error}");
    // The value is the detail itself, as a Connect client decodes it.
    let value = base64::engine::general_purpose::STANDARD_NO_PAD.decode(detail["value"].as_str().unwrap()).unwrap();
    let decoded = pb::BadRequest::decode(value.as_slice()).unwrap();
    assert_eq!(decoded.field_violations[0].field, "shortcut");

    let (status, _, error) = call(
        &server,
        "/porthole.v1.CannedResponseService/DeleteCannedResponse",
        Some(&token),
        "",
        br#"{"cannedResponseId": "cnd_nothing"}"#,
    )
    .await;
    assert_eq!((status, error["code"].as_str()), (404, Some("not_found")), "{error}");
    server.stop().await;
}
on_both_backends!(errors_are_connect_errors);

/// What JSON over HTTP does not serve, and bodies that are not a request, answer clearly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_a_unary_call_is_refused_clearly() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (_, session) = sign_up(&server, "refused@example.com", "Refused Co").await;
    let token = session.access_token;

    for path in ["/porthole.v1.AuthService/NoSuchMethod", "/porthole.v1.NoSuchService/LogIn"] {
        let (status, _, error) = call(&server, path, Some(&token), "", b"{}").await;
        assert_eq!((status, error["code"].as_str()), (404, Some("unimplemented")), "{path}: {error}");
    }
    let (status, _, error) =
        call(&server, "/porthole.v1.ConversationService/WatchWorkspace", Some(&token), "", b"{}").await;
    assert_eq!((status, error["code"].as_str()), (415, Some("unimplemented")), "{error}");
    assert!(error["message"].as_str().unwrap().contains("gRPC-web"), "{error}");

    // Malformed JSON, a field the message lacks, an empty body, a wrong type: each names
    // the request as the bad field.
    for body in [&b"{\"email\": "[..], b"{\"nope\": 1}", b"", b"{\"email\": 5}", b"{} trailing"] {
        let (status, _, error) = call(&server, "/porthole.v1.AuthService/LogIn", None, "", body).await;
        assert_eq!((status, error["code"].as_str()), (400, Some("invalid_argument")), "{error}");
        assert_eq!(error["details"][0]["debug"]["fieldViolations"][0]["field"], "request", "{error}");
    }
    // A NUL is refused by the same check as over gRPC, naming its field.
    let (status, _, error) =
        call(&server, "/porthole.v1.AuthService/LogIn", None, "", br#"{"email": "a\u0000b", "password": "x"}"#).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["details"][0]["debug"]["fieldViolations"][0]["field"], "email", "{error}");

    // Over the method's limit (a visitor call: 256 KiB) by one byte.
    let limit = porthole_server::api::intake::MAX_VISITOR_REQUEST_BYTES;
    let mut big = br#"{"widgetToken": "w", "timeZone": ""#.to_vec();
    big.resize(limit - 1, b'x');
    big.extend_from_slice(b"\"}");
    assert_eq!(big.len(), limit + 1);
    let (status, _, error) = call(&server, "/porthole.v1.VisitorService/StartSession", None, "", &big).await;
    assert_eq!((status, error["code"].as_str()), (400, Some("invalid_argument")), "{error}");
    assert!(error["message"].as_str().unwrap().contains("limit"), "{error}");

    // Compressed bodies are not taken; other content types are not Connect at all.
    let (status, _, error) =
        call(&server, "/porthole.v1.AuthService/GetSignUpPolicy", None, "Content-Encoding: gzip\r\n", b"{}").await;
    assert_eq!((status, error["code"].as_str()), (415, Some("unimplemented")), "{error}");
    let head = "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n";
    let (head, _) = http1(server.addr, head, b"{}").await;
    assert!(head.starts_with("HTTP/1.1 405"), "plain HTTP routes are untouched: {head}");
    server.stop().await;
}

/// The binary form (`application/proto`) is served too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_form_is_served() {
    let server = TestServer::start(Backend::Sqlite).await;
    let head = "POST /porthole.v1.AuthService/GetSignUpPolicy HTTP/1.1\r\nHost: x\r\nContent-Type: application/proto\r\n\
                Content-Length: 0\r\nConnection: close\r\n\r\n";
    let (head, body) = http1(server.addr, head, b"").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: application/proto"), "{head}");
    assert!(pb::GetSignUpPolicyResponse::decode(body.as_slice()).unwrap().open);
    server.stop().await;
}

/// Rate limits, the caller's address (behind a trusted proxy) and CORS apply as they do
/// to gRPC and grpc-web calls: the translation goes through the same layers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_client_addresses_and_cors_apply() {
    use porthole_server::client_ip::TrustedProxies;
    use porthole_server::limits::Rates;
    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.rate_limits = Rates::parse("calls_per_member=3/1m").unwrap();
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let (owner, session) = sign_up(&server, "limits@example.com", "Limits Co").await;
    let token = session.access_token;
    let widget = common::create_widget(&owner, "Site").await.public_token;

    // The visitor's address is the one the trusted proxy forwarded.
    let start = serde_json::json!({ "widgetToken": widget }).to_string();
    let forwarded = "X-Forwarded-For: 198.51.100.7\r\n";
    let (status, _, started) =
        call(&server, "/porthole.v1.VisitorService/StartSession", None, forwarded, start.as_bytes()).await;
    assert_eq!(status, 200, "{started}");
    let (status, _, live) =
        call(&server, "/porthole.v1.ConversationService/ListLiveVisitors", Some(&token), "", b"{}").await;
    assert_eq!(status, 200, "{live}");
    assert_eq!(live["visitors"][0]["ipAddress"], "198.51.100.7", "{live}");

    // The member has spent 2 of 3 calls (CreateWidget, ListLiveVisitors): one more, then 429.
    let (status, _, _) = call(&server, "/porthole.v1.WorkspaceService/GetWorkspace", Some(&token), "", b"{}").await;
    assert_eq!(status, 200);
    let (status, head, error) =
        call(&server, "/porthole.v1.WorkspaceService/GetWorkspace", Some(&token), "", b"{}").await;
    assert_eq!((status, error["code"].as_str()), (429, Some("resource_exhausted")), "{error}");
    assert!(head.contains("retry-after: "), "{head}");

    // A browser on another origin may call: the preflight allows it, the answer says so.
    let preflight = "OPTIONS /porthole.v1.AuthService/GetSignUpPolicy HTTP/1.1\r\nHost: x\r\n\
                     Origin: https://tools.example\r\nAccess-Control-Request-Method: POST\r\n\
                     Access-Control-Request-Headers: content-type,connect-protocol-version\r\nConnection: close\r\n\r\n";
    let (head, _) = http1(server.addr, preflight, b"").await;
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("access-control-allow-origin: https://tools.example"), "{head}");
    let (status, head, _) = call(
        &server,
        "/porthole.v1.AuthService/GetSignUpPolicy",
        None,
        "Origin: https://tools.example\r\nConnect-Protocol-Version: 1\r\n",
        b"{}",
    )
    .await;
    assert_eq!(status, 200);
    assert!(head.contains("access-control-allow-origin: https://tools.example"), "{head}");
    server.stop().await;
}
