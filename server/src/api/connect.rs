//! The Connect protocol's unary form: `POST /porthole.v1.Service/Method` with
//! `content-type: application/json` (or `application/proto`), so `curl` can call the API.
//!
//! No Rust crate serves Connect on top of tonic services (the `connectrpc` crate brings its
//! own code generator and message types), so this is a small translation around the same
//! gRPC router: the request becomes a one-frame gRPC request and goes on through every
//! layer a gRPC call passes (grpc-web, auth with its rate limits, intake with its size and
//! NUL checks, the detached handler), keeping its headers and extensions (the caller's
//! `ClientIp`); the answer comes back as the response message in JSON, or as a Connect
//! error (`{"code": "invalid_argument", "message": …, "details": […]}`) whose details carry
//! our `BadRequest` with its field violations.
//!
//! The request body is translated lazily, when the intake layer reads it, so a call the
//! auth layer refuses is answered before its body is read, as over gRPC. Streaming methods
//! are not served this way (UNIMPLEMENTED, pointing to gRPC and grpc-web).

use std::sync::{Arc, LazyLock, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor};
use tonic::Code;

use crate::api::intake;
use crate::error::{Error, RpcStatus};

/// How a Connect unary request carries its message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Codec {
    /// `application/json`: the proto3 JSON mapping.
    Json,
    /// `application/proto`: the binary message.
    Proto,
}

impl Codec {
    /// The codec a request's content type names, if it is a Connect unary one.
    fn of(headers: &HeaderMap) -> Option<Self> {
        let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        let essence = value.split(';').next().unwrap_or_default().trim();
        if essence.eq_ignore_ascii_case("application/json") {
            Some(Self::Json)
        } else if essence.eq_ignore_ascii_case("application/proto") {
            Some(Self::Proto)
        } else {
            None
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Json => "application/json",
            Self::Proto => "application/proto",
        })
    }
}

/// Our API's descriptors and health's, read once. `None` only if the compiled-in set were
/// broken, which the tests would show; calls then answer INTERNAL.
static POOL: LazyLock<Option<DescriptorPool>> = LazyLock::new(|| {
    let mut pool = DescriptorPool::decode(porthole_proto::FILE_DESCRIPTOR_SET).ok()?;
    pool.decode_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET).ok()?;
    Some(pool)
});

/// The gRPC frame header: a compression flag and a big-endian length.
const FRAME_HEADER: usize = 5;

/// Serves Connect unary calls; everything else passes through untouched.
pub async fn unary(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(codec) = Codec::of(request.headers()) else { return next.run(request).await };
    // Only `/package.Service/Method` paths are calls; `/healthz` and the rest are not.
    let Some((service_name, method_name)) = method_path(request.uri().path()) else {
        return next.run(request).await;
    };
    let Some(pool) = POOL.as_ref() else {
        tracing::error!("the API's descriptor set does not decode");
        return error_response(&tonic::Status::internal("internal error"), HeaderMap::new());
    };
    let Some(method) =
        pool.get_service_by_name(service_name).and_then(|s| s.methods().find(|m| m.name() == method_name))
    else {
        let status = tonic::Status::unimplemented(format!("no such method: {service_name}/{method_name}"));
        return refused_before_calling(&status, StatusCode::NOT_FOUND);
    };
    if method.is_client_streaming() || method.is_server_streaming() {
        let status = tonic::Status::unimplemented(format!(
            "{} is a streaming method: call it with gRPC or gRPC-web; JSON over HTTP serves unary methods only",
            method.full_name()
        ));
        return refused_before_calling(&status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    let encoding = request.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok());
    if encoding.is_some_and(|e| !e.eq_ignore_ascii_case("identity")) {
        let status = tonic::Status::unimplemented("compressed requests are not supported: send the body uncompressed");
        return refused_before_calling(&status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    let (mut parts, body) = request.into_parts();
    let timeout = parts.headers.get("connect-timeout-ms").and_then(|v| grpc_timeout(v.to_str().ok()?));
    // What a gRPC client would send. Everything else (authorization, forwarding headers,
    // the extensions with the caller's address) stays as the caller sent it.
    let protocol: Vec<HeaderName> = parts.headers.keys().filter(|name| is_protocol_header(name)).cloned().collect();
    for name in protocol {
        parts.headers.remove(name);
    }
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    parts.headers.insert(header::TE, HeaderValue::from_static("trailers"));
    if let Some(timeout) = timeout {
        parts.headers.insert("grpc-timeout", timeout);
    }
    // The grpc-web layer answers any HTTP/1.1 request that is not grpc-web with 400; this
    // one is gRPC now, whatever the connection speaks.
    parts.version = Version::HTTP_2;

    let refused = Arc::new(Mutex::new(None));
    let limit = intake::limit_for(method.parent_service().name(), method.name());
    let body = framed_lazily(body, codec, method.input(), limit, refused.clone());
    let response = next.run(Request::from_parts(parts, body)).await;
    answer(response, codec, &method, &refused).await
}

/// `(package.Service, Method)` of a path `/package.Service/Method`.
fn method_path(path: &str) -> Option<(&str, &str)> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    let plausible = service.contains('.') && !method.is_empty() && !method.contains('/');
    plausible.then_some((service, method))
}

/// `connect-timeout-ms` (at most 10 digits, per the protocol) as a `grpc-timeout` value.
fn grpc_timeout(millis: &str) -> Option<HeaderValue> {
    let valid = !millis.is_empty() && millis.len() <= 10 && millis.bytes().all(|b| b.is_ascii_digit());
    // grpc-timeout allows 8 digits; coarser units keep longer timeouts.
    let millis: u64 = millis.parse().ok().filter(|_| valid)?;
    let value =
        if millis < 100_000_000 { format!("{millis}m") } else { format!("{}S", millis.div_ceil(1000).min(99_999_999)) };
    HeaderValue::from_str(&value).ok()
}

/// Headers that belong to the protocols rather than to the call: HTTP body framing, the
/// caller's Connect headers and any `grpc-*` header, which the translation sets itself.
fn is_protocol_header(name: &HeaderName) -> bool {
    let name = name.as_str();
    name.starts_with("grpc-")
        || name.starts_with("connect-")
        || matches!(name, "content-type" | "content-length" | "content-encoding" | "accept-encoding" | "te" | "trailer")
}

/// The request's body as one gRPC frame, made when first read: read up to `limit` bytes,
/// decoded from JSON (or taken as it is), encoded and framed. A body that does not make a
/// message leaves its Connect error in `refused` and ends the body with an error; the
/// layers inside then refuse the call, and [`answer`] sends the error left here instead.
fn framed_lazily(
    body: Body,
    codec: Codec,
    input: MessageDescriptor,
    limit: usize,
    refused: Arc<Mutex<Option<tonic::Status>>>,
) -> Body {
    Body::from_stream(futures_util::stream::once(async move {
        match frame(body, codec, &input, limit).await {
            Ok(framed) => Ok(framed),
            Err(status) => {
                if let Ok(mut slot) = refused.lock() {
                    *slot = Some(status);
                }
                Err(std::io::Error::other("the Connect request was refused"))
            }
        }
    }))
}

async fn frame(body: Body, codec: Codec, input: &MessageDescriptor, limit: usize) -> Result<Bytes, tonic::Status> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|error| {
        let too_large = error.into_inner().downcast_ref::<http_body_util::LengthLimitError>().is_some();
        tonic::Status::from(if too_large {
            Error::invalid("request", format!("the request is larger than this method's limit of {limit} bytes"))
        } else {
            Error::invalid("request", "the request body could not be read")
        })
    })?;
    let message = match codec {
        Codec::Proto => bytes,
        Codec::Json => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(Error::invalid("request", "is empty: send a JSON object (`{}` for no fields)").into());
            }
            let mut json = serde_json::Deserializer::from_slice(&bytes);
            let message = DynamicMessage::deserialize(input.clone(), &mut json)
                .and_then(|message| json.end().map(|()| message))
                .map_err(|error| {
                    Error::invalid("request", format!("is not a valid {} in JSON: {error}", input.name()))
                })?;
            Bytes::from(message.encode_to_vec())
        }
    };
    let length = u32::try_from(message.len()).map_err(|_| {
        tonic::Status::from(Error::invalid(
            "request",
            format!("the request is larger than this method's limit of {limit} bytes"),
        ))
    })?;
    let mut framed = Vec::with_capacity(FRAME_HEADER + message.len());
    framed.push(0);
    framed.extend_from_slice(&length.to_be_bytes());
    framed.extend_from_slice(&message);
    Ok(Bytes::from(framed))
}

/// Turns the gRPC answer into the Connect one.
async fn answer(
    response: Response,
    codec: Codec,
    method: &MethodDescriptor,
    refused: &Mutex<Option<tonic::Status>>,
) -> Response {
    let (parts, body) = response.into_parts();
    let collected = body.collect().await;
    let refusal = refused.lock().ok().and_then(|mut slot| slot.take());
    if let Some(status) = refusal {
        return error_response(&status, HeaderMap::new());
    }
    let collected = match collected {
        Ok(collected) => collected,
        Err(error) => {
            tracing::error!(%error, method = method.full_name(), "a Connect call's gRPC answer could not be read");
            return error_response(&tonic::Status::internal("internal error"), HeaderMap::new());
        }
    };
    let trailers = collected.trailers().cloned().unwrap_or_default();
    let metadata = response_headers(&parts.headers, &trailers);
    // A trailers-only answer (every error before a message) has its status in the headers.
    let status = tonic::Status::from_header_map(&parts.headers).or_else(|| tonic::Status::from_header_map(&trailers));
    let Some(status) = status else {
        tracing::error!(http = %parts.status, method = method.full_name(), "a Connect call got an answer without a gRPC status");
        return error_response(&tonic::Status::unknown("the call had no gRPC status"), metadata);
    };
    if status.code() != Code::Ok {
        return error_response(&status, metadata);
    }
    let body = collected.to_bytes();
    let Some(message) = body.get(FRAME_HEADER..).filter(|_| body.first() == Some(&0)) else {
        tracing::error!(method = method.full_name(), "a Connect call's gRPC answer had no message frame");
        return error_response(&tonic::Status::internal("internal error"), metadata);
    };
    let content = match codec {
        Codec::Proto => Bytes::copy_from_slice(message),
        Codec::Json => match DynamicMessage::decode(method.output(), message).map(|m| serde_json::to_vec(&m)) {
            Ok(Ok(json)) => Bytes::from(json),
            Ok(Err(error)) => {
                tracing::error!(%error, method = method.full_name(), "a response did not encode as JSON");
                return error_response(&tonic::Status::internal("internal error"), metadata);
            }
            Err(error) => {
                tracing::error!(%error, method = method.full_name(), "a response did not decode");
                return error_response(&tonic::Status::internal("internal error"), metadata);
            }
        },
    };
    let mut headers = metadata;
    headers.insert(header::CONTENT_TYPE, codec.content_type());
    (StatusCode::OK, headers, content).into_response()
}

/// The call's metadata as Connect sends it: headers as headers, trailers prefixed with
/// `trailer-`; gRPC's own headers left out.
fn response_headers(headers: &HeaderMap, trailers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in headers.iter().filter(|(name, _)| !is_protocol_header(name)) {
        out.append(name.clone(), value.clone());
    }
    for (name, value) in trailers.iter().filter(|(name, _)| !is_protocol_header(name)) {
        if let Ok(name) = HeaderName::from_bytes(format!("trailer-{name}").as_bytes()) {
            out.append(name, value.clone());
        }
    }
    out
}

/// A Connect error: the HTTP status of its code, and a JSON body with the code's name, the
/// message and each detail of `grpc-status-details-bin` (type, base64 value, and the
/// detail as JSON under `debug` when it is one of ours).
fn error_response(status: &tonic::Status, mut headers: HeaderMap) -> Response {
    let (name, http) = connect_code(status.code());
    let mut body = serde_json::json!({ "code": name });
    if !status.message().is_empty() {
        body["message"] = serde_json::Value::from(status.message());
    }
    let details = details_of(status.details());
    if !details.is_empty() {
        body["details"] = serde_json::Value::Array(details);
    }
    // Metadata set on the status itself (retry-after on RESOURCE_EXHAUSTED).
    for (name, value) in status.metadata().clone().into_headers().iter() {
        if !is_protocol_header(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    (http, headers, body.to_string()).into_response()
}

/// A call this layer refuses itself, with the HTTP status connect-go gives it (404 for no
/// such method, 415 for a body this form does not take) rather than UNIMPLEMENTED's 501:
/// clients read the code from the body, and the trace layer logs every 5xx as an error,
/// which anyone could fill with made-up paths.
fn refused_before_calling(status: &tonic::Status, http: StatusCode) -> Response {
    let mut response = error_response(status, HeaderMap::new());
    *response.status_mut() = http;
    response
}

fn details_of(bytes: &[u8]) -> Vec<serde_json::Value> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let Ok(envelope) = RpcStatus::decode(bytes) else { return Vec::new() };
    envelope
        .details
        .iter()
        .map(|any| {
            let type_name = any.type_url.rsplit('/').next().unwrap_or_default();
            let mut detail = serde_json::json!({
                "type": type_name,
                "value": base64::engine::general_purpose::STANDARD_NO_PAD.encode(&any.value),
            });
            let debug = POOL
                .as_ref()
                .and_then(|pool| pool.get_message_by_name(type_name))
                .and_then(|descriptor| DynamicMessage::decode(descriptor, any.value.as_slice()).ok())
                .and_then(|message| serde_json::to_value(&message).ok());
            if let Some(debug) = debug {
                detail["debug"] = debug;
            }
            detail
        })
        .collect()
}

/// A gRPC code's Connect name and HTTP status, per the Connect protocol.
fn connect_code(code: Code) -> (&'static str, StatusCode) {
    let (name, http) = match code {
        Code::Ok => ("ok", 200),
        Code::Cancelled => ("canceled", 499),
        Code::Unknown => ("unknown", 500),
        Code::InvalidArgument => ("invalid_argument", 400),
        Code::DeadlineExceeded => ("deadline_exceeded", 504),
        Code::NotFound => ("not_found", 404),
        Code::AlreadyExists => ("already_exists", 409),
        Code::PermissionDenied => ("permission_denied", 403),
        Code::ResourceExhausted => ("resource_exhausted", 429),
        Code::FailedPrecondition => ("failed_precondition", 400),
        Code::Aborted => ("aborted", 409),
        Code::OutOfRange => ("out_of_range", 400),
        Code::Unimplemented => ("unimplemented", 501),
        Code::Internal => ("internal", 500),
        Code::Unavailable => ("unavailable", 503),
        Code::DataLoss => ("data_loss", 500),
        Code::Unauthenticated => ("unauthenticated", 401),
    };
    (name, StatusCode::from_u16(http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connect_content_types_are_taken() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            Codec::of(&headers)
        };
        assert_eq!(with("application/json"), Some(Codec::Json));
        assert_eq!(with("application/json; charset=utf-8"), Some(Codec::Json));
        assert_eq!(with("Application/JSON"), Some(Codec::Json));
        assert_eq!(with("application/proto"), Some(Codec::Proto));
        assert_eq!(with("application/grpc"), None);
        assert_eq!(with("application/grpc-web+proto"), None);
        assert_eq!(with("application/connect+json"), None, "streaming Connect is not served");
        assert_eq!(Codec::of(&HeaderMap::new()), None);
    }

    #[test]
    fn only_method_paths_are_calls() {
        assert_eq!(method_path("/porthole.v1.AuthService/LogIn"), Some(("porthole.v1.AuthService", "LogIn")));
        assert_eq!(method_path("/healthz"), None);
        assert_eq!(method_path("/app/settings"), None);
        assert_eq!(method_path("/attachments/a/b"), None);
        assert_eq!(method_path("/porthole.v1.AuthService/"), None);
        assert_eq!(method_path("/porthole.v1.AuthService/LogIn/x"), None);
    }

    #[test]
    fn timeouts_follow_the_protocols_limits() {
        assert_eq!(grpc_timeout("1500").unwrap(), "1500m");
        assert_eq!(grpc_timeout("99999999").unwrap(), "99999999m");
        assert_eq!(grpc_timeout("100000000").unwrap(), "100000S");
        assert_eq!(grpc_timeout("9999999999").unwrap(), "10000000S");
        assert!(grpc_timeout("").is_none());
        assert!(grpc_timeout("12345678901").is_none(), "11 digits");
        assert!(grpc_timeout("-5").is_none());
        assert!(grpc_timeout("1e3").is_none());
    }

    #[test]
    fn every_code_has_the_connect_name_and_status() {
        assert_eq!(connect_code(Code::InvalidArgument), ("invalid_argument", StatusCode::BAD_REQUEST));
        assert_eq!(connect_code(Code::Cancelled).0, "canceled");
        assert_eq!(connect_code(Code::Unauthenticated), ("unauthenticated", StatusCode::UNAUTHORIZED));
        assert_eq!(connect_code(Code::ResourceExhausted), ("resource_exhausted", StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(connect_code(Code::Unimplemented), ("unimplemented", StatusCode::NOT_IMPLEMENTED));
        assert_eq!(connect_code(Code::Cancelled).1.as_u16(), 499);
    }

    #[test]
    fn field_violations_become_details_with_their_json() {
        let status = tonic::Status::from(Error::invalid("email", "is not an e-mail address"));
        let details = details_of(status.details());
        assert_eq!(details.len(), 1);
        assert_eq!(details[0]["type"], "porthole.v1.BadRequest");
        assert_eq!(details[0]["debug"]["fieldViolations"][0]["field"], "email");
        let value =
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(details[0]["value"].as_str().unwrap()).unwrap();
        assert!(!value.is_empty());
        assert!(details_of(&[]).is_empty());
    }
}
