//! Property tests of what every gRPC request passes before its handler: grpc-web framing
//! (tonic-web), the intake (`api::intake`: size limit, NUL check) and the decoding of the
//! public methods' requests. Arbitrary bodies go over raw HTTP/1.1, as from a browser, to
//! one real server; every answer must be HTTP 200 with a `grpc-status` (or a 4xx), never a
//! 5xx or a dropped connection, and the server must still be healthy afterwards.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use porthole_client::pb;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{TestCaseError, TestRunner};
use prost::Message as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::common::{self, Backend, TestServer};

const GET_WIDGET_CONFIG: &str = "/porthole.v1.VisitorService/GetWidgetConfig";
const START_SESSION: &str = "/porthole.v1.VisitorService/StartSession";
const LOG_IN: &str = "/porthole.v1.AuthService/LogIn";

/// gRPC's UNKNOWN and INTERNAL: what a client cannot act on.
const UNKNOWN: u32 = 2;
const INTERNAL: u32 = 13;
const INVALID_ARGUMENT: u32 = 3;

/// One request as a browser (or anything else) might send it.
#[derive(Clone, Debug)]
struct Call {
    method: &'static str,
    content_type: &'static str,
    /// The grpc-web body before any base64 (`-text` content types encode it on sending).
    body: Vec<u8>,
    /// Sent as is instead of `body` (`-text` bodies that are not base64 at all).
    raw: Option<Vec<u8>>,
}

impl Call {
    fn is_text(&self) -> bool {
        self.content_type.starts_with("application/grpc-web-text")
    }

    /// The bytes on the wire after the head.
    fn wire(&self) -> Vec<u8> {
        match &self.raw {
            Some(raw) => raw.clone(),
            None if self.is_text() => base64::engine::general_purpose::STANDARD.encode(&self.body).into_bytes(),
            None => self.body.clone(),
        }
    }

    /// The message, if the body is exactly one uncompressed frame holding a message that
    /// decodes as the method's request type (what tonic decodes without complaint).
    fn well_formed_message(&self) -> Option<&[u8]> {
        if self.raw.is_some() {
            return None;
        }
        let (header, message) = self.body.split_at_checked(5)?;
        let length = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
        if header[0] != 0 || usize::try_from(length).ok()? != message.len() {
            return None;
        }
        let decodes = match self.method {
            GET_WIDGET_CONFIG => pb::GetWidgetConfigRequest::decode(message).is_ok(),
            START_SESSION => pb::StartSessionRequest::decode(message).is_ok(),
            _ => pb::LogInRequest::decode(message).is_ok(),
        };
        decodes.then_some(message)
    }

    /// Whether the well-formed message has U+0000 in any string field.
    fn has_nul(&self) -> bool {
        let Some(message) = self.well_formed_message() else { return false };
        let strings: Vec<String> = match self.method {
            GET_WIDGET_CONFIG => vec![pb::GetWidgetConfigRequest::decode(message).unwrap().widget_token],
            START_SESSION => {
                let r = pb::StartSessionRequest::decode(message).unwrap();
                vec![r.widget_token, r.visitor_token, r.language, r.time_zone]
            }
            _ => {
                let r = pb::LogInRequest::decode(message).unwrap();
                vec![r.email, r.password, r.workspace_id]
            }
        };
        strings.iter().any(|s| s.contains('\0'))
    }
}

/// What came back.
#[derive(Debug)]
struct Answer {
    http_status: u16,
    grpc_status: Option<u32>,
    grpc_message: String,
}

// --- generating requests -----------------------------------------------------------------

/// Text with what breaks naive handling: NUL, controls, multi-byte, right-to-left,
/// combining marks, and now and then a long run.
fn text() -> BoxedStrategy<String> {
    const HOSTILE: &[char] = &[
        '\0',
        '\u{1}',
        '\n',
        ' ',
        '\u{a0}',
        'a',
        'Z',
        '0',
        '.',
        '@',
        ':',
        '/',
        '%',
        'é',
        'İ',
        '\u{301}',
        '\u{202e}',
        'א',
        '😀',
        '\u{10ffff}',
    ];
    prop_oneof![
        8 => vec(select(HOSTILE), 0..40).prop_map(String::from_iter),
        2 => any::<String>(),
        1 => (select(HOSTILE), 0..5000_usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
    .boxed()
}

/// A request of `method`'s own type with arbitrary field values (the widget's real token
/// now and then, so StartSession gets past the token).
fn request(method: &'static str, widget_token: String) -> BoxedStrategy<Vec<u8>> {
    let token = prop_oneof![Just(widget_token), text()];
    match method {
        GET_WIDGET_CONFIG => {
            token.prop_map(|widget_token| pb::GetWidgetConfigRequest { widget_token }.encode_to_vec()).boxed()
        }
        START_SESSION => (token, prop_oneof![text(), Just("eyJhbGciOiJIUzI1NiJ9.e30.x".to_owned())], text(), text())
            .prop_map(|(widget_token, visitor_token, language, time_zone)| {
                pb::StartSessionRequest { widget_token, visitor_token, language, time_zone }.encode_to_vec()
            })
            .boxed(),
        _ => (prop_oneof![text(), "[a-z]{1,8}@[a-z]{1,8}\\.test"], text(), text())
            .prop_map(|(email, password, workspace_id)| {
                pb::LogInRequest { email, password, workspace_id }.encode_to_vec()
            })
            .boxed(),
    }
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Bytes that look like protobuf: fields of any number and wire type (groups and invalid
/// types too), varints that may never end, lengths that may lie, strings that may not be
/// UTF-8; or no structure at all.
fn protobufish() -> BoxedStrategy<Vec<u8>> {
    let field = (0..40_u64, 0..8_u64, vec(any::<u8>(), 0..40), -3..4_i64).prop_map(|(number, wire, payload, lie)| {
        let mut out = Vec::new();
        varint(number << 3 | wire, &mut out);
        match wire {
            2 => {
                let declared = i64::try_from(payload.len()).unwrap() + lie;
                varint(u64::try_from(declared.max(0)).unwrap(), &mut out);
                out.extend_from_slice(&payload);
            }
            1 => out.extend(payload.iter().copied().chain(std::iter::repeat(0)).take(8)),
            5 => out.extend(payload.iter().copied().chain(std::iter::repeat(0)).take(4)),
            _ => out.extend_from_slice(&payload),
        }
        out
    });
    prop_oneof![
        3 => vec(field, 0..6).prop_map(|fields| fields.concat()),
        1 => vec(any::<u8>(), 0..64),
    ]
    .boxed()
}

/// One frame around `message`, its flag and declared length as given or made up.
fn frame(message: BoxedStrategy<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    let flag = prop_oneof![6 => Just(0_u8), 1 => Just(1), 1 => Just(0x80), 1 => any::<u8>()];
    let length = prop_oneof![
        6 => Just(None),
        2 => (-8..8_i64).prop_map(Some),
        1 => select(&[u32::MAX, 0x7fff_ffff, 256 * 1024 + 1, 1024 * 1024 + 1, 11 * 1024 * 1024][..])
            .prop_map(|n| Some(i64::from(n) + 1_000_000_000_000)),
    ];
    (flag, length, message)
        .prop_map(|(flag, length, message)| {
            let actual = i64::try_from(message.len()).unwrap();
            let declared = match length {
                None => actual,
                // A fixed huge value, marked by the offset above.
                Some(n) if n > 1_000_000_000_000 => n - 1_000_000_000_000,
                Some(delta) => (actual + delta).max(0),
            };
            let mut out = vec![flag];
            out.extend_from_slice(&u32::try_from(declared).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(&message);
            out
        })
        .boxed()
}

/// Bodies: mostly one frame; some several, some cut anywhere, some huge, some empty.
fn body(method: &'static str, widget_token: String) -> BoxedStrategy<Vec<u8>> {
    let message = prop_oneof![3 => request(method, widget_token), 2 => protobufish()].boxed();
    let big = (0..2_usize).prop_map(|i| {
        // Over the visitor methods' 256 KiB limit; under LogIn's 1 MiB.
        let request = pb::LogInRequest { email: "x".repeat(300 * 1024 + i), ..Default::default() };
        let message = request.encode_to_vec();
        let mut out = vec![0];
        out.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&message);
        out
    });
    prop_oneof![
        12 => frame(message.clone()),
        2 => vec(frame(message.clone()), 2..4).prop_map(|frames| frames.concat()),
        2 => (frame(message), any::<prop::sample::Index>()).prop_map(|(body, cut)| body[..cut.index(body.len() + 1)].to_vec()),
        1 => Just(Vec::new()),
        1 => big,
    ]
    .boxed()
}

fn call(widget_token: String) -> impl Strategy<Value = Call> {
    let content_type = select(
        &[
            "application/grpc-web+proto",
            "application/grpc-web",
            "application/grpc-web-text",
            "application/grpc-web-text+proto",
        ][..],
    );
    select(&[GET_WIDGET_CONFIG, START_SESSION, LOG_IN][..])
        .prop_flat_map(move |method| {
            let raw = prop_oneof![
                9 => Just(None),
                1 => vec(select(&[b'A', b'z', b'=', b'+', b'/', b'-', b' ', b'\n', 0, 0xff][..]), 0..40).prop_map(Some),
            ];
            (Just(method), content_type.clone(), body(method, widget_token.clone()), raw)
        })
        .prop_map(|(method, content_type, body, raw)| {
            let raw = raw.filter(|_| content_type.starts_with("application/grpc-web-text"));
            Call { method, content_type, body, raw }
        })
}

// --- talking to the server ---------------------------------------------------------------

/// Sends `call` on a fresh connection and reads the whole answer.
async fn send(addr: SocketAddr, call: &Call) -> Result<Answer, String> {
    let wire = call.wire();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {}\r\nX-Grpc-Web: 1\r\n\
         Origin: https://customer-site.example\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        call.method,
        call.content_type,
        wire.len()
    );
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&wire).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        Ok::<_, std::io::Error>(raw)
    };
    let raw = match tokio::time::timeout(Duration::from_secs(20), exchange).await {
        Ok(Ok(raw)) => raw,
        Ok(Err(e)) => return Err(format!("connection failed: {e}")),
        Err(_) => return Err("no answer within 20 s".to_owned()),
    };
    parse_answer(&raw)
}

/// Status line, headers, and the grpc-web body (dechunked, base64 undone for `-text`).
fn parse_answer(raw: &[u8]) -> Result<Answer, String> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("the connection closed before a whole head")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let http_status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no status line in {head:?}"))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            (n.trim() == name).then(|| v.trim().to_owned())
        })
    };
    let mut body = raw[split + 4..].to_vec();
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        body = dechunk(&body)?;
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok())
        && body.len() != length
    {
        return Err(format!("body cut short: {} of {length} bytes", body.len()));
    }
    let mut grpc_status = header("grpc-status").and_then(|v| v.parse().ok());
    let mut grpc_message = header("grpc-message").unwrap_or_default();
    if header("content-type").is_some_and(|v| v.starts_with("application/grpc-web-text")) {
        body = unbase64(&body)?;
    }
    let mut rest = body.as_slice();
    while !rest.is_empty() {
        let (frame_header, after) = rest.split_at_checked(5).ok_or("a response frame cut short")?;
        let length = u32::from_be_bytes(frame_header[1..5].try_into().unwrap()) as usize;
        let payload = after.get(..length).ok_or("a response frame cut short")?;
        if frame_header[0] & 0x80 != 0 {
            for line in String::from_utf8_lossy(payload).lines() {
                match line.split_once(':').map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim())) {
                    Some((name, value)) if name == "grpc-status" => grpc_status = value.parse().ok(),
                    Some((name, value)) if name == "grpc-message" => grpc_message = value.to_owned(),
                    _ => {}
                }
            }
        }
        rest = &after[length..];
    }
    Ok(Answer { http_status, grpc_status, grpc_message })
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").ok_or("chunked body cut short")?;
        let size = std::str::from_utf8(&raw[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .ok_or("bad chunk size")?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(raw.get(..size).ok_or("chunked body cut short")?);
        raw = raw.get(size + 2..).ok_or("chunked body cut short")?;
    }
}

/// `-text` bodies: each frame base64-encoded on its own, so padding may appear mid-stream.
fn unbase64(text: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for group in text.chunks(4) {
        out.extend(base64::engine::general_purpose::STANDARD.decode(group).map_err(|e| format!("base64: {e}"))?);
    }
    Ok(out)
}

/// Starts one server with a widget, runs `cases` generated calls through `check`, then
/// checks the server still answers `/healthz`.
fn run(cases: u32, check: impl Fn(&Call, &Answer) -> Result<(), TestCaseError>) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(TestServer::start(Backend::Sqlite));
    let widget = rt.block_on(async {
        let (owner, _) = common::sign_up(&server, "props@example.com", "Props Co").await;
        common::create_widget(&owner, "Site").await
    });
    let config = ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(cases) };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&call(widget.public_token), |call| {
        let answer = rt.block_on(send(server.addr, &call)).map_err(TestCaseError::fail)?;
        prop_assert!(
            answer.http_status == 200 || (400..500).contains(&answer.http_status),
            "HTTP {} for {:?}",
            answer.http_status,
            answer
        );
        if answer.http_status == 200 {
            prop_assert!(answer.grpc_status.is_some(), "HTTP 200 without a grpc-status");
        }
        check(&call, &answer)
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let health = rt.block_on(async {
        let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        String::from_utf8_lossy(&raw).into_owned()
    });
    assert!(health.starts_with("HTTP/1.1 200") && health.ends_with("ok\n"), "{health}");
    rt.block_on(server.stop());
}

/// Every body gets an answer a client can act on; a well-formed request is never
/// INTERNAL or UNKNOWN, and one with NUL in a string is INVALID_ARGUMENT naming it.
/// (A body that is not one well-formed frame may still be INTERNAL: see the ignored
/// property below.)
#[test]
fn any_grpc_web_body_is_answered_and_well_formed_ones_never_internal() {
    run(64, |call, answer| {
        let Some(code) = answer.grpc_status else { return Ok(()) };
        prop_assert_ne!(code, UNKNOWN, "{:?}", answer);
        if call.well_formed_message().is_some() {
            prop_assert_ne!(code, INTERNAL, "a well-formed request: {:?}", answer);
            if call.has_nul() {
                prop_assert_eq!(code, INVALID_ARGUMENT, "{:?}", answer);
                prop_assert!(answer.grpc_message.to_ascii_lowercase().contains("nul%20character"), "{:?}", answer);
            }
        }
        Ok(())
    });
}

/// The brief's stronger property: no body at all is answered INTERNAL.
#[test]
fn no_grpc_web_body_is_answered_internal() {
    run(64, |_, answer| {
        prop_assert!(!matches!(answer.grpc_status, Some(UNKNOWN | INTERNAL)), "{:?}", answer);
        Ok(())
    });
}

/// The size limit's message is for bodies over the limit only.
#[test]
fn only_bodies_over_the_limit_are_called_too_large() {
    run(64, |call, answer| {
        let limit = if call.method == LOG_IN { 1024 * 1024 } else { 256 * 1024 };
        let size = call.raw.as_ref().map_or(call.body.len(), Vec::len);
        if size + 5 <= limit {
            prop_assert!(!answer.grpc_message.contains("larger%20than"), "{} bytes: {:?}", size, answer);
        }
        Ok(())
    });
}

/// What a visitor sets as attributes is within the request limit, so however it is
/// refused, a gRPC client must be able to read the refusal.
#[test]
fn any_visitor_attributes_are_refused_readably_over_grpc() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(TestServer::start(Backend::Sqlite));
    let visitor = rt.block_on(async {
        let (owner, _) = common::sign_up(&server, "attrs@example.com", "Attrs Co").await;
        let widget = common::create_widget(&owner, "Site").await;
        common::start_visitor(&server, &widget.public_token).await.0
    });
    let key = prop_oneof![
        text(),
        (select(&['k', 'é', '😀', '\u{1}'][..]), 0..8000_usize).prop_map(|(c, n)| c.to_string().repeat(n))
    ];
    let attributes = vec((key, text()), 1..4);
    let config = ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(32) };
    let result = TestRunner::new(config).run(&attributes, |pairs| {
        let request = pb::UpdateVisitorRequest { attributes: pairs.into_iter().collect(), ..Default::default() };
        if let Err(status) = rt.block_on(visitor.visitor().update_visitor(request)) {
            prop_assert!(
                !matches!(status.code(), tonic::Code::Internal | tonic::Code::Unknown),
                "{:?}: {}",
                status.code(),
                status.message()
            );
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    rt.block_on(server.stop());
}
