//! What every gRPC request passes before its handler: a size limit per method, and no NUL
//! character in any string field.
//!
//! The request body is read up to the method's limit (anonymous visitor calls get a small
//! one, only uploads a large one), so an oversized or half-sent body costs at most that
//! much memory, and a body over it is INVALID_ARGUMENT (as the proto documents) instead of
//! tonic's OUT_OF_RANGE. The message is then read once against the API's descriptors
//! (prost-reflect), and a string field holding U+0000 is INVALID_ARGUMENT naming the
//! field, on both databases: PostgreSQL cannot store it in `TEXT` (it answered INTERNAL)
//! and SQLite stored it, so the same request behaved differently.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use prost_reflect::{DescriptorPool, DynamicMessage, MapKey, MessageDescriptor, Value};

use crate::error::Error;

/// Largest request of a visitor call (the public, anonymous API) other than an upload.
pub const MAX_VISITOR_REQUEST_BYTES: usize = 256 * 1024;
/// Largest request of any other call but an upload.
pub const MAX_MEMBER_REQUEST_BYTES: usize = 1024 * 1024;
/// Largest upload: an attachment plus its envelope.
pub const MAX_UPLOAD_REQUEST_BYTES: usize = crate::attachments::MAX_BYTES + 64 * 1024;

/// How long a request's body may take to arrive (uploads: [`UPLOAD_BODY_TIME`]). A body
/// is read whole before the handler runs, so a sender that stalls would otherwise hold
/// its buffer and connection for as long as it likes.
pub const BODY_TIME: std::time::Duration = std::time::Duration::from_secs(30);
/// How long an upload's body may take: 10 MiB at 40 KiB/s.
pub const UPLOAD_BODY_TIME: std::time::Duration = std::time::Duration::from_secs(256);

/// The gRPC frame header: a compression flag and a big-endian length.
const FRAME_HEADER: usize = 5;

/// Each method's limit and request type, by path (`/porthole.v1.VisitorService/SendMessage`).
pub struct Intake {
    methods: HashMap<String, (usize, MessageDescriptor)>,
}

impl Intake {
    /// Reads the API's descriptors; fails only if the compiled-in descriptor set is broken.
    pub fn new() -> Result<Self, String> {
        let pool = DescriptorPool::decode(porthole_proto::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string())?;
        let mut methods = HashMap::new();
        for service in pool.services() {
            for method in service.methods() {
                let limit = limit_for(service.name(), method.name());
                methods.insert(format!("/{}/{}", service.full_name(), method.name()), (limit, method.input()));
            }
        }
        Ok(Self { methods })
    }
}

/// The largest request (the message, without its frame) a method of ours accepts, by
/// service and method name (`VisitorService`, `SendMessage`).
pub fn limit_for(service: &str, method: &str) -> usize {
    if method.starts_with("Upload") {
        MAX_UPLOAD_REQUEST_BYTES
    } else if service == "VisitorService" {
        MAX_VISITOR_REQUEST_BYTES
    } else {
        MAX_MEMBER_REQUEST_BYTES
    }
}

/// Checks the request's size and text, then hands it on with its body read.
pub async fn check(State(intake): State<Arc<Intake>>, request: Request, next: Next) -> Response {
    // Health and reflection are not ours; tonic and their own limits handle them.
    let Some((limit, input)) = intake.methods.get(request.uri().path()) else { return next.run(request).await };
    let (parts, body) = request.into_parts();
    let time = if *limit == MAX_UPLOAD_REQUEST_BYTES { UPLOAD_BODY_TIME } else { BODY_TIME };
    let bytes = match tokio::time::timeout(time, axum::body::to_bytes(body, limit + FRAME_HEADER)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(error)) => {
            let too_large = error.into_inner().downcast_ref::<http_body_util::LengthLimitError>().is_some();
            let error = if too_large {
                Error::invalid("request", format!("the request is larger than this method's limit of {limit} bytes"))
            } else {
                Error::invalid("request", "the request body could not be read (for grpc-web-text: is it base64?)")
            };
            return tonic::Status::from(error).into_http::<Body>().into_response();
        }
        Err(_) => {
            let error = Error::DeadlineExceeded(format!(
                "the request did not arrive within {} s; check the connection and send it again",
                time.as_secs()
            ));
            return tonic::Status::from(error).into_http::<Body>().into_response();
        }
    };
    // Every request is read here anyway; one that is not a well-formed message is the
    // caller's mistake (INVALID_ARGUMENT), where tonic's decoder answered INTERNAL.
    let refused = match message_of(&bytes) {
        None => Some(Error::invalid("request", "must be exactly one uncompressed gRPC message frame")),
        Some(message) => match DynamicMessage::decode(input.clone(), message) {
            Err(error) => Some(Error::invalid("request", format!("is not a valid {}: {error}", input.name()))),
            Ok(message) => nul_field(&message, "")
                .map(|field| Error::invalid(field, "must not contain the NUL character (U+0000)")),
        },
    };
    if let Some(error) = refused {
        return tonic::Status::from(error).into_http::<Body>().into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The message of an uncompressed single-frame gRPC body.
fn message_of(body: &[u8]) -> Option<&[u8]> {
    let (header, rest) = body.split_at_checked(FRAME_HEADER)?;
    let length = usize::try_from(u32::from_be_bytes([header[1], header[2], header[3], header[4]])).ok()?;
    (header[0] == 0 && rest.len() == length).then_some(rest)
}

/// The path of the first string field (at any depth) holding U+0000.
fn nul_field(message: &DynamicMessage, prefix: &str) -> Option<String> {
    message.fields().find_map(|(field, value)| {
        let name = if prefix.is_empty() { field.name().to_owned() } else { format!("{prefix}.{}", field.name()) };
        nul_in_value(value, &name)
    })
}

fn nul_in_value(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(|| path.to_owned()),
        Value::Message(inner) => nul_field(inner, path),
        Value::List(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_in_value(item, &format!("{path}[{i}]")))
        }
        Value::Map(entries) => entries.iter().find_map(|(key, item)| {
            let key_text = match key {
                MapKey::String(text) => text.clone(),
                other => format!("{other:?}"),
            };
            if key_text.contains('\0') {
                return Some(path.to_owned());
            }
            nul_in_value(item, &format!("{path}[{key_text}]"))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn frame(message: &impl prost::Message) -> Vec<u8> {
        let body = message.encode_to_vec();
        let mut out = vec![0];
        out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&body);
        out
    }

    fn nul_of(intake: &Intake, path: &str, framed: &[u8]) -> Option<String> {
        let (_, input) = intake.methods.get(path).unwrap();
        nul_field(&DynamicMessage::decode(input.clone(), message_of(framed).unwrap()).unwrap(), "")
    }

    #[test]
    fn every_method_has_a_limit_and_uploads_the_largest() {
        let intake = Intake::new().unwrap();
        let limit = |path: &str| intake.methods.get(path).unwrap().0;
        assert_eq!(limit("/porthole.v1.VisitorService/SendMessage"), MAX_VISITOR_REQUEST_BYTES);
        assert_eq!(limit("/porthole.v1.VisitorService/UploadAttachment"), MAX_UPLOAD_REQUEST_BYTES);
        assert_eq!(limit("/porthole.v1.ConversationService/UploadConversationAttachment"), MAX_UPLOAD_REQUEST_BYTES);
        assert_eq!(limit("/porthole.v1.AuthService/LogIn"), MAX_MEMBER_REQUEST_BYTES);
        assert!(intake.methods.len() > 50, "{}", intake.methods.len());
    }

    #[test]
    fn nul_characters_are_found_at_any_depth() {
        use porthole_proto::v1 as pb;
        let intake = Intake::new().unwrap();
        let send = pb::SendMessageRequest { body: "a\0b".into(), ..Default::default() };
        assert_eq!(nul_of(&intake, "/porthole.v1.VisitorService/SendMessage", &frame(&send)).as_deref(), Some("body"));
        let clean = pb::SendMessageRequest { body: "ab".into(), client_key: "k".into(), ..Default::default() };
        assert_eq!(nul_of(&intake, "/porthole.v1.VisitorService/SendMessage", &frame(&clean)), None);
        let tags = pb::SetConversationTagsRequest { tags: vec!["ok".into(), "b\0d".into()], ..Default::default() };
        assert_eq!(
            nul_of(&intake, "/porthole.v1.ConversationService/SetConversationTags", &frame(&tags)).as_deref(),
            Some("tags[1]")
        );
        let mut attributes = std::collections::HashMap::new();
        attributes.insert("plan".to_owned(), "pro\0".to_owned());
        let visitor = pb::UpdateVisitorRequest { attributes, ..Default::default() };
        assert_eq!(
            nul_of(&intake, "/porthole.v1.VisitorService/UpdateVisitor", &frame(&visitor)).as_deref(),
            Some("attributes[plan]")
        );
    }

    #[test]
    fn frames_are_read_strictly() {
        assert_eq!(message_of(&[0, 0, 0, 0, 2, 7, 8]), Some(&[7, 8][..]));
        assert_eq!(message_of(&[0, 0, 0, 0, 3, 7, 8]), None, "short");
        assert_eq!(message_of(&[1, 0, 0, 0, 1, 7]), None, "compressed");
        assert_eq!(message_of(&[0, 0]), None);
    }
}
