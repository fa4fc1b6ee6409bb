//! The SDK's error type: what a call, a session operation or a feed can fail with.

use std::time::Duration;

/// Why an SDK operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server (or the transport under it) answered with a gRPC status; the code says
    /// what to do (UNAUTHENTICATED: log in again; INVALID_ARGUMENT: fix the request; …).
    #[error("{}: {}", .0.code(), .0.message())]
    Status(#[from] tonic::Status),
    /// A session operation (refresh, log-out) was asked for without a session.
    #[error("no session: log in first")]
    NoSession,
    /// The server's answer lacked a field the contract promises (a server bug or an
    /// incompatible server version).
    #[error("the server's answer has no {0}")]
    MissingField(&'static str),
}

impl Error {
    /// The gRPC code of the failure (UNAUTHENTICATED for [`Error::NoSession`], INTERNAL for
    /// [`Error::MissingField`]).
    pub fn code(&self) -> tonic::Code {
        match self {
            Error::Status(status) => status.code(),
            Error::NoSession => tonic::Code::Unauthenticated,
            Error::MissingField(_) => tonic::Code::Internal,
        }
    }

    /// How long the server asked the caller to wait before trying again (`retry-after`
    /// metadata on RESOURCE_EXHAUSTED and UNAVAILABLE), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Status(status) => retry_after(status),
            _ => None,
        }
    }
}

/// The `retry-after` metadata of a status: whole seconds, as the server sends it.
pub(crate) fn retry_after(status: &tonic::Status) -> Option<Duration> {
    let seconds: u64 = status.metadata().get("retry-after")?.to_str().ok()?.trim().parse().ok()?;
    // A hostile or broken server must not park a client for days.
    Some(Duration::from_secs(seconds.min(3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_whole_seconds_and_caps_them() {
        let mut status = tonic::Status::resource_exhausted("slow down");
        assert_eq!(retry_after(&status), None);
        status.metadata_mut().insert("retry-after", "7".parse().unwrap());
        assert_eq!(Error::from(status.clone()).retry_after(), Some(Duration::from_secs(7)));
        status.metadata_mut().insert("retry-after", "99999999".parse().unwrap());
        assert_eq!(retry_after(&status), Some(Duration::from_secs(3600)));
        status.metadata_mut().insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&status), None);
    }
}
