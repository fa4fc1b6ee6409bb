//! Which credentials calls carry, and refreshing a member's session: before the access
//! token expires, and once when the server refuses it (UNAUTHENTICATED), then the call is
//! sent again. Lives in a tower service under the generated clients ([`Authorized`]), so
//! every typed handle gets it without wrapping a single method.
//!
//! **Invariant:** a refresh token is presented at most once. Refresh tokens rotate on every
//! use and the server revokes the whole session when a spent one comes back, so refreshes
//! are serialised behind one lock, and a caller that finds the token already replaced by
//! another caller uses the new one instead of refreshing again.

use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

use crate::error::Error;
use crate::pb;
use crate::transport::{Transport, TransportError};

/// AuthService methods that start or end sessions: they never carry the access token and
/// never trigger a refresh (RefreshSession itself is among them).
const SESSIONLESS_METHODS: [&str; 8] = [
    "/porthole.v1.AuthService/SignUp",
    "/porthole.v1.AuthService/GetSignUpPolicy",
    "/porthole.v1.AuthService/LogIn",
    "/porthole.v1.AuthService/RefreshSession",
    "/porthole.v1.AuthService/LogOut",
    "/porthole.v1.AuthService/AcceptInvite",
    "/porthole.v1.AuthService/RequestPasswordReset",
    "/porthole.v1.AuthService/ResetPassword",
];

/// Told every new session (after log-in, each refresh) and `None` when it ends, e.g. to
/// store the rotating refresh token.
pub type SessionHook = Arc<dyn Fn(Option<&pb::Session>) + Send + Sync>;

/// What calls carry now.
#[derive(Clone, Default)]
enum State {
    /// Nothing: only public calls work.
    #[default]
    None,
    /// A fixed token (a visitor token, or an access token the caller manages).
    Token(String),
    /// A member's session, refreshed as needed.
    Session(Box<pb::Session>),
}

/// The credentials a [`crate::Porthole`] and its clones share.
pub(crate) struct Credentials {
    state: RwLock<State>,
    /// Serialises refreshes (see the module's invariant).
    refresh_lock: tokio::sync::Mutex<()>,
    margin: Duration,
    on_session: Option<SessionHook>,
}

impl Credentials {
    pub(crate) fn new(margin: Duration, on_session: Option<SessionHook>) -> Self {
        Self { state: RwLock::new(State::None), refresh_lock: tokio::sync::Mutex::new(()), margin, on_session }
    }

    /// The same settings without credentials (for [`crate::Porthole::with_separate_token`]).
    pub(crate) fn empty_like(&self) -> Self {
        Self::new(self.margin, self.on_session.clone())
    }

    fn read(&self) -> State {
        // A poisoned lock only means a panic elsewhere mid-write of a plain value.
        match self.state.read() {
            Ok(state) => state.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn write(&self, state: State) {
        let session = match &state {
            State::Session(session) => Some(session.as_ref().clone()),
            _ => None,
        };
        let was_session = matches!(self.read(), State::Session(_));
        match self.state.write() {
            Ok(mut slot) => *slot = state,
            Err(poisoned) => *poisoned.into_inner() = state,
        }
        if let Some(hook) = &self.on_session
            && (session.is_some() || was_session)
        {
            hook(session.as_ref());
        }
    }

    /// Replaces whatever calls carried with a fixed token (`None`: nothing).
    pub(crate) fn set_token(&self, token: Option<String>) {
        self.write(token.map_or(State::None, State::Token));
    }

    /// Adopts a member's session (after LogIn, SignUp, AcceptInvite, or one stored earlier).
    pub(crate) fn set_session(&self, session: Option<pb::Session>) {
        self.write(session.map_or(State::None, |s| State::Session(Box::new(s))));
    }

    /// The member's session, if calls run on one.
    pub(crate) fn session(&self) -> Option<pb::Session> {
        match self.read() {
            State::Session(session) => Some(*session),
            _ => None,
        }
    }

    /// The token calls carry now.
    pub(crate) fn token(&self) -> Option<String> {
        match self.read() {
            State::None => None,
            State::Token(token) => Some(token),
            State::Session(session) => Some(session.access_token),
        }
    }

    /// Whether the session's access token expires within the margin (by this machine's
    /// clock; a skewed clock only costs an early refresh or one UNAUTHENTICATED answer).
    fn needs_refresh(&self) -> bool {
        let State::Session(session) = self.read() else { return false };
        let Some(expires) = session.access_token_expire_time else { return false };
        if session.refresh_token.is_empty() {
            return false;
        }
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        let expires = Duration::new(u64::try_from(expires.seconds).unwrap_or(0), 0);
        expires.saturating_sub(now) < self.margin
    }

    /// Exchanges the refresh token for a new session now.
    pub(crate) async fn refresh(&self, transport: &Transport) -> Result<pb::Session, Error> {
        let _serial = self.refresh_lock.lock().await;
        self.refresh_locked(transport).await
    }

    /// Ends the session on the server and forgets it (harmless without one).
    pub(crate) async fn log_out(&self, transport: &Transport) -> Result<(), Error> {
        let _serial = self.refresh_lock.lock().await;
        if let State::Session(session) = self.read() {
            let mut auth = pb::auth_service_client::AuthServiceClient::new(transport.clone());
            auth.log_out(pb::LogOutRequest { refresh_token: session.refresh_token }).await?;
        }
        self.write(State::None);
        Ok(())
    }

    /// Refreshes under the lock; a refusal (the session is gone) forgets the session.
    async fn refresh_locked(&self, transport: &Transport) -> Result<pb::Session, Error> {
        let refresh_token = match self.read() {
            State::Session(session) if !session.refresh_token.is_empty() => session.refresh_token,
            _ => return Err(Error::NoSession),
        };
        // The raw transport: RefreshSession carries no access token and must not recurse.
        let mut auth = pb::auth_service_client::AuthServiceClient::new(transport.clone());
        match auth.refresh_session(pb::RefreshSessionRequest { refresh_token }).await {
            Ok(response) => {
                let session = response.into_inner().session.ok_or(Error::MissingField("session"))?;
                self.write(State::Session(Box::new(session.clone())));
                Ok(session)
            }
            Err(status) => {
                let error = Error::from(status);
                if session_ended(&error) {
                    self.write(State::None);
                }
                Err(error)
            }
        }
    }

    /// The access token to send, refreshed first when it is about to expire. Only a
    /// refusal of the refresh is an error; an unreachable server leaves the old token,
    /// which may still work.
    async fn fresh_token(&self, transport: &Transport) -> Result<Option<String>, Error> {
        if self.needs_refresh() {
            let _serial = self.refresh_lock.lock().await;
            if self.needs_refresh()
                && let Err(error) = self.refresh_locked(transport).await
                && session_ended(&error)
            {
                return Err(error);
            }
        }
        Ok(self.token())
    }

    /// After the server refused `rejected`: refreshes unless another caller already has.
    /// True when the call is worth sending again with [`Self::token`].
    pub(crate) async fn refresh_after_rejection(
        &self,
        transport: &Transport,
        rejected: Option<&str>,
    ) -> Result<bool, Error> {
        let _serial = self.refresh_lock.lock().await;
        match self.read() {
            State::Session(session) if Some(session.access_token.as_str()) != rejected => Ok(true),
            State::Session(_) => self.refresh_locked(transport).await.map(|_| true),
            _ => Ok(false),
        }
    }
}

/// Whether a failed refresh means the session is gone for good (log in again), rather than
/// a server that could not be reached.
pub(crate) fn session_ended(error: &Error) -> bool {
    matches!(error.code(), tonic::Code::Unauthenticated | tonic::Code::InvalidArgument)
}

/// The transport with credentials added: what every generated client of a
/// [`crate::Porthole`] sends through.
#[derive(Clone)]
pub struct Authorized {
    pub(crate) transport: Transport,
    pub(crate) credentials: Arc<Credentials>,
}

impl tower::Service<http::Request<tonic::body::Body>> for Authorized {
    type Response = http::Response<tonic::body::Body>;
    type Error = TransportError;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Each call drives its own clone of the transport to readiness (`oneshot`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.send(request).await })
    }
}

impl Authorized {
    async fn send(
        self,
        mut request: http::Request<tonic::body::Body>,
    ) -> Result<http::Response<tonic::body::Body>, TransportError> {
        let path = request.uri().path();
        if SESSIONLESS_METHODS.contains(&path) {
            return self.transport.oneshot(request).await;
        }
        if self.credentials.session().is_none() {
            // A fixed token or none: sent as it is, nothing to refresh.
            if let Some(token) = self.credentials.token() {
                authorize(&mut request, &token)?;
            }
            return self.transport.oneshot(request).await;
        }
        let token = match self.credentials.fresh_token(&self.transport).await {
            Ok(token) => token,
            Err(error) => return Ok(refusal(&error)),
        };
        // Kept so the call can be sent again after a refresh. Requests are small (the
        // server takes at most 1 MiB, uploads 10 MiB), and tonic has encoded them whole.
        let (parts, body) = request.into_parts();
        let bytes: Bytes = body.collect().await.map_err(|e| TransportError(Box::new(e)))?.to_bytes();
        let rebuild = |token: Option<&str>| -> Result<_, TransportError> {
            let mut request = http::Request::new(tonic::body::Body::new(http_body_util::Full::new(bytes.clone())));
            *request.method_mut() = parts.method.clone();
            *request.uri_mut() = parts.uri.clone();
            *request.version_mut() = parts.version;
            *request.headers_mut() = parts.headers.clone();
            *request.extensions_mut() = parts.extensions.clone();
            if let Some(token) = token {
                authorize(&mut request, token)?;
            }
            Ok(request)
        };
        let response = self.transport.clone().oneshot(rebuild(token.as_deref())?).await?;
        if !is_unauthenticated(&response) {
            return Ok(response);
        }
        match self.credentials.refresh_after_rejection(&self.transport, token.as_deref()).await {
            Ok(true) => {
                let token = self.credentials.token();
                self.transport.oneshot(rebuild(token.as_deref())?).await
            }
            // Nothing to refresh, or the refresh failed: the caller sees the refusal.
            Ok(false) | Err(_) => Ok(response),
        }
    }
}

/// Adds `authorization: Bearer <token>`.
fn authorize(request: &mut http::Request<tonic::body::Body>, token: &str) -> Result<(), TransportError> {
    let value = http::HeaderValue::try_from(format!("Bearer {token}"))
        .map_err(|_| TransportError("the token contains characters not allowed in a header".into()))?;
    request.headers_mut().insert(http::header::AUTHORIZATION, value);
    Ok(())
}

/// Whether a response is an UNAUTHENTICATED refusal. The server refuses a token before the
/// call runs, so the status comes in the headers (a "trailers-only" response).
fn is_unauthenticated<B>(response: &http::Response<B>) -> bool {
    response.headers().get("grpc-status").is_some_and(|code| code.as_bytes() == b"16")
}

/// A refused session as the gRPC answer the caller would have got from the server.
fn refusal(error: &Error) -> http::Response<tonic::body::Body> {
    let status = match error {
        Error::Status(status) => tonic::Status::new(status.code(), status.message().to_owned()),
        other => tonic::Status::unauthenticated(other.to_string()),
    };
    status.into_http()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_in: i64) -> pb::Session {
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
        pb::Session {
            access_token: "a".into(),
            refresh_token: "r".into(),
            access_token_expire_time: Some(prost_types::Timestamp { seconds: now + expires_in, nanos: 0 }),
            ..Default::default()
        }
    }

    #[test]
    fn a_token_is_refreshed_within_the_margin_only() {
        let credentials = Credentials::new(Duration::from_secs(30), None);
        credentials.set_session(Some(session(600)));
        assert!(!credentials.needs_refresh());
        credentials.set_session(Some(session(10)));
        assert!(credentials.needs_refresh());
        credentials.set_session(Some(session(-10)));
        assert!(credentials.needs_refresh());
        credentials.set_token(Some("fixed".into()));
        assert!(!credentials.needs_refresh());
        assert_eq!(credentials.token().as_deref(), Some("fixed"));
    }

    #[test]
    fn the_hook_hears_sessions_and_their_end_but_not_fixed_tokens() {
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = heard.clone();
        let hook: SessionHook = Arc::new(move |s| log.lock().unwrap().push(s.map(|s| s.access_token.clone())));
        let credentials = Credentials::new(Duration::from_secs(30), Some(hook));
        credentials.set_token(Some("visitor".into()));
        credentials.set_session(Some(session(600)));
        credentials.set_token(None);
        credentials.set_token(None);
        assert_eq!(*heard.lock().unwrap(), vec![Some("a".to_owned()), None]);
    }

    #[test]
    fn only_header_refusals_count_as_unauthenticated() {
        let refused = tonic::Status::unauthenticated("no").into_http::<tonic::body::Body>();
        assert!(is_unauthenticated(&refused));
        let denied = tonic::Status::permission_denied("no").into_http::<tonic::body::Body>();
        assert!(!is_unauthenticated(&denied));
    }
}
