//! The server's error type and its one mapping to `tonic::Status`.
//!
//! Handlers return `Result<T, Error>`; the variants are the small set of outcomes a client
//! can act on. Internal failures are logged here with their cause and reach the client
//! only as "internal error".

use porthole_proto::v1::BadRequest;
use prost::Message as _;

/// One invalid request field and what is wrong with it (sent as a `BadRequest` detail).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    /// The field's name as the proto spells it (`settings.brand_color`).
    pub field: String,
    /// What a person should change.
    pub description: String,
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more request fields are invalid (INVALID_ARGUMENT with a BadRequest detail).
    #[error("{}", describe_violations(.0))]
    InvalidArgument(Vec<FieldViolation>),
    /// The thing does not exist, or the caller may not know it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique thing already exists.
    #[error("{0}")]
    AlreadyExists(String),
    /// Missing, invalid or expired credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials without the right to do this.
    #[error("{0}")]
    PermissionDenied(String),
    /// The request is valid but the current state forbids it.
    #[error("{0}")]
    FailedPrecondition(String),
    /// A position outside what exists (e.g. a feed cursor ahead of the log).
    #[error("{0}")]
    OutOfRange(String),
    /// The caller took too long to send its request (DEADLINE_EXCEEDED).
    #[error("{0}")]
    DeadlineExceeded(String),
    /// The caller did something too often (RESOURCE_EXHAUSTED with `retry-after`).
    #[error("{message}; try again in {} s", retry_secs(*.retry_after))]
    ResourceExhausted { message: String, retry_after: std::time::Duration },
    /// The server is too busy for this now (UNAVAILABLE with `retry-after`).
    #[error("{message}; try again in {} s", retry_secs(*.retry_after))]
    Unavailable { message: String, retry_after: std::time::Duration },
    /// A failure of ours; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// An id of the wrong kind names nothing the caller can reach: the same answer as an id
/// that is not there.
impl From<crate::domain::id::WrongId> for Error {
    fn from(wrong: crate::domain::id::WrongId) -> Self {
        Error::NotFound(wrong.kind)
    }
}

impl From<crate::domain::id::WrongId> for tonic::Status {
    fn from(wrong: crate::domain::id::WrongId) -> Self {
        Error::from(wrong).into()
    }
}

impl Error {
    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation { field: field.into(), description: description.into() }])
    }

    /// Credentials problem with a message for the client.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::Unauthenticated(message.into())
    }

    /// Permission problem with a message for the client.
    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::PermissionDenied(message.into())
    }

    /// State problem with a message for the client.
    pub fn failed_precondition(message: impl Into<String>) -> Self {
        Self::FailedPrecondition(message.into())
    }

    /// A rate limit was hit; the caller may retry after `retry_after`.
    pub fn exhausted(message: impl Into<String>, retry_after: std::time::Duration) -> Self {
        Self::ResourceExhausted { message: message.into(), retry_after }
    }

    /// An internal failure with its cause (logged when turned into a status).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

/// Whole seconds to wait, at least 1 (what `retry-after` carries).
fn retry_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// A status that tells the client when to retry, in the `retry-after` metadata (seconds).
fn with_retry_after(code: tonic::Code, message: String, wait: std::time::Duration) -> tonic::Status {
    let mut status = tonic::Status::new(code, message);
    if let Ok(value) = retry_secs(wait).max(1).to_string().parse() {
        status.metadata_mut().insert("retry-after", value);
    }
    status
}

fn describe_violations(violations: &[FieldViolation]) -> String {
    let parts: Vec<String> = violations.iter().map(|v| format!("{}: {}", v.field, v.description)).collect();
    format!("invalid request: {}", parts.join("; "))
}

/// `google.rpc.Status`, the envelope `grpc-status-details-bin` carries (our `BadRequest`
/// travels in its `details`); public for the Connect translation and the tests that decode it.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RpcStatus {
    /// The gRPC status code.
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// The status message.
    #[prost(string, tag = "2")]
    pub message: String,
    /// The details, each a packed message (`porthole.v1.BadRequest`).
    #[prost(message, repeated, tag = "3")]
    pub details: Vec<prost_types::Any>,
}

/// Most violations one answer carries, and most characters of any text in it: a status
/// travels in HTTP/2 headers, which clients cap (16 KiB by default), so a request that
/// echoed a huge field name (an attribute key) or had hundreds of bad entries was answered
/// with a protocol error (INTERNAL on the client) instead of INVALID_ARGUMENT.
const MAX_VIOLATIONS_SENT: usize = 20;
const MAX_TEXT_SENT: usize = 200;
const MAX_MESSAGE_SENT: usize = 2048;

/// `text` cut to `max` characters, marked with an ellipsis when cut.
fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

impl From<Error> for tonic::Status {
    fn from(error: Error) -> Self {
        use tonic::Code;
        let error = match error {
            Error::InvalidArgument(violations) => {
                let more = violations.len().saturating_sub(MAX_VIOLATIONS_SENT);
                let mut kept: Vec<FieldViolation> = violations
                    .into_iter()
                    .take(MAX_VIOLATIONS_SENT)
                    .map(|v| FieldViolation {
                        field: clip(v.field, MAX_TEXT_SENT),
                        description: clip(v.description, MAX_TEXT_SENT),
                    })
                    .collect();
                if more > 0 {
                    kept.push(FieldViolation {
                        field: "request".to_owned(),
                        description: format!("and {more} more problems like these"),
                    });
                }
                Error::InvalidArgument(kept)
            }
            other => other,
        };
        let message = clip(error.to_string(), MAX_MESSAGE_SENT);
        match error {
            Error::InvalidArgument(field_violations) => {
                let detail = prost_types::Any {
                    type_url: "type.googleapis.com/porthole.v1.BadRequest".to_owned(),
                    value: BadRequest {
                        field_violations: field_violations
                            .into_iter()
                            .map(|v| porthole_proto::v1::FieldViolation { field: v.field, description: v.description })
                            .collect(),
                    }
                    .encode_to_vec(),
                };
                let envelope =
                    RpcStatus { code: Code::InvalidArgument as i32, message: message.clone(), details: vec![detail] };
                tonic::Status::with_details(Code::InvalidArgument, message, envelope.encode_to_vec().into())
            }
            Error::NotFound(_) => tonic::Status::not_found(message),
            Error::AlreadyExists(_) => tonic::Status::already_exists(message),
            Error::Unauthenticated(_) => tonic::Status::unauthenticated(message),
            Error::PermissionDenied(_) => tonic::Status::permission_denied(message),
            Error::FailedPrecondition(_) => tonic::Status::failed_precondition(message),
            Error::OutOfRange(_) => tonic::Status::out_of_range(message),
            Error::DeadlineExceeded(_) => tonic::Status::deadline_exceeded(message),
            Error::ResourceExhausted { retry_after, .. } => {
                with_retry_after(Code::ResourceExhausted, message, retry_after)
            }
            Error::Unavailable { retry_after, .. } => with_retry_after(Code::Unavailable, message, retry_after),
            Error::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                tonic::Status::internal("internal error")
            }
        }
    }
}

impl From<crate::store::StoreError> for Error {
    /// Keeps the whole cause chain for the log: diesel puts what went wrong in `source()`
    /// (e.g. "unknown Status \"snoozed\" stored" below "Error deserializing field").
    fn from(error: crate::store::StoreError) -> Self {
        let mut text = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            let line = inner.to_string();
            if !text.ends_with(&line) {
                text = format!("{text}: {line}");
            }
            cause = inner.source();
        }
        Self::Internal(text)
    }
}

impl From<crate::store::StoreError> for tonic::Status {
    fn from(error: crate::store::StoreError) -> Self {
        Error::from(error).into()
    }
}

/// Result of a request handler.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_carries_a_bad_request_detail() {
        let status: tonic::Status = Error::invalid("settings.appearance.primary_color", "expected #rrggbb").into();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().contains("primary_color"));
        let envelope = RpcStatus::decode(status.details()).unwrap();
        assert_eq!(envelope.details[0].type_url, "type.googleapis.com/porthole.v1.BadRequest");
        let bad = BadRequest::decode(envelope.details[0].value.as_slice()).unwrap();
        assert_eq!(bad.field_violations[0].field, "settings.appearance.primary_color");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let status: tonic::Status = Error::internal("connection refused to 10.0.0.1").into();
        assert_eq!(status.code(), tonic::Code::Internal);
        assert_eq!(status.message(), "internal error");
    }
}
