//! Typed Rust client for the Porthole gRPC API: a handle per service, feeds that survive
//! dropped connections and server restarts, and a member session that refreshes itself.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::StreamExt as _;
//! use porthole_client::{FeedItem, FeedOptions, Porthole, pb};
//!
//! let porthole = Porthole::connect("http://127.0.0.1:8080").await?;
//! porthole.log_in("me@example.com", "secret123").await?; // refreshed from now on
//! let widgets = porthole.widgets().list_widgets(pb::ListWidgetsRequest {}).await?.into_inner().widgets;
//!
//! let mut feed = porthole.watch_workspace(FeedOptions::default());
//! while let Some(item) = feed.next().await {
//!     if let FeedItem::Event(event) = item? {
//!         println!("{:?} (resume after {})", event.event, event.cursor);
//!     }
//! }
//! # let _ = widgets; Ok(()) }
//! ```
//!
//! Features: `grpc-web` (on by default) adds [`Protocol::GrpcWeb`] (grpc-web over
//! HTTP/1.1, as browsers speak it) for servers behind proxies that pass only HTTP/1.1.

#![warn(missing_docs)]

mod error;
mod feed;
mod session;
mod transport;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

pub use error::Error;
pub use feed::{
    Feed, FeedEvent, FeedItem, FeedOptions, FeedStatus, IDLE_TIMEOUT, MAX_RECONNECT_DELAY, reconnect_delay,
};
pub use session::{Authorized, SessionHook};
pub use transport::{Protocol, TransportError, UnknownProtocol};

use session::Credentials;
use transport::{Transport, Wire};

/// The generated messages and service clients of `porthole.v1`.
pub use porthole_proto::v1 as pb;

/// How long before its expiry an access token is refreshed, by default.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Why a connection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is not one the chosen protocol can use.
    #[error("invalid server URL {url:?}: {source}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        source: tower::BoxError,
    },
    /// Nothing answered at the URL (gRPC connects at once; grpc-web on the first call).
    #[error("cannot connect to {url}: {source}")]
    Connect {
        /// The URL given.
        url: String,
        /// Why the connection failed.
        source: tower::BoxError,
    },
}

/// Settings of a connection; made by [`Porthole::builder`].
#[must_use]
pub struct Builder {
    wire: Wire,
    refresh_margin: Duration,
    on_session: Option<SessionHook>,
}

impl Builder {
    /// The wire protocol (default [`Protocol::Grpc`]).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.wire.protocol = protocol;
        self
    }

    /// The local address to connect from (default: any).
    pub fn local_address(mut self, address: Option<IpAddr>) -> Self {
        self.wire.local_address = address;
        self
    }

    /// How long connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.wire.connect_timeout = timeout;
        self
    }

    /// gRPC only: how often an HTTP/2 ping checks the connection and how long its answer
    /// may take before the connection counts as dead (default 30 s and 10 s), so that feeds
    /// on a connection that died silently reconnect.
    pub fn keepalive(mut self, interval: Duration, timeout: Duration) -> Self {
        self.wire.keepalive = Some((interval, timeout));
        self
    }

    /// gRPC only: no HTTP/2 pings (a dead connection is then found only by the feeds' idle
    /// watchdog); for load generators holding thousands of idle connections.
    pub fn without_keepalive(mut self) -> Self {
        self.wire.keepalive = None;
        self
    }

    /// How long before its expiry the access token is refreshed (default [`REFRESH_MARGIN`]).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Called with every new member session (log-in, each refresh) and with `None` when it
    /// ends: refresh tokens rotate, so an app that stores one must store each new one.
    pub fn on_session(mut self, hook: impl Fn(Option<&pb::Session>) + Send + Sync + 'static) -> Self {
        self.on_session = Some(Arc::new(hook));
        self
    }

    /// Opens the connection.
    pub async fn connect(self) -> Result<Porthole, ConnectError> {
        let transport = self.wire.open().await?;
        Ok(Porthole { transport, credentials: Arc::new(Credentials::new(self.refresh_margin, self.on_session)) })
    }
}

/// A connection to a Porthole server with its credentials; clone it freely (clones share
/// the connection and the credentials).
///
/// Credentials are either a member's session ([`Porthole::log_in`] and friends: the access
/// token is refreshed before it expires, and once when the server refuses it, then the call
/// is sent again, with refreshes serialised because a refresh token works once) or a fixed
/// token ([`Porthole::set_token`], e.g. a visitor token).
#[derive(Clone)]
pub struct Porthole {
    transport: Transport,
    credentials: Arc<Credentials>,
}

impl Porthole {
    /// Connects over gRPC (HTTP/2) to `url`, e.g. `http://127.0.0.1:8080`.
    pub async fn connect(url: impl Into<String>) -> Result<Self, ConnectError> {
        Self::builder(url).connect().await
    }

    /// Settings for a connection to `url`, e.g. to choose grpc-web.
    pub fn builder(url: impl Into<String>) -> Builder {
        Builder {
            wire: Wire {
                url: url.into(),
                protocol: Protocol::Grpc,
                local_address: None,
                connect_timeout: Duration::from_secs(10),
                keepalive: Some((Duration::from_secs(30), Duration::from_secs(10))),
            },
            refresh_margin: REFRESH_MARGIN,
            on_session: None,
        }
    }

    /// Sends a fixed token on every call from now on (a visitor token, or an access token
    /// managed elsewhere; `None`: none). Replaces a session, which is then not refreshed.
    pub fn set_token(&self, token: Option<String>) {
        self.credentials.set_token(token);
    }

    /// The token calls carry now (the session's access token, or the fixed one).
    pub fn token(&self) -> Option<String> {
        self.credentials.token()
    }

    /// A second handle on the same connection with its own credentials (another user),
    /// with the same refresh settings.
    pub fn with_separate_token(&self) -> Self {
        Self { transport: self.transport.clone(), credentials: Arc::new(self.credentials.empty_like()) }
    }

    /// The member's session calls run on, if any (with the latest tokens).
    pub fn session(&self) -> Option<pb::Session> {
        self.credentials.session()
    }

    /// Runs calls on `session` from now on (e.g. one stored earlier), refreshing it as needed.
    pub fn use_session(&self, session: pb::Session) {
        self.credentials.set_session(Some(session));
    }

    /// Signs in to a workspace (the account's oldest membership) and runs calls on the new
    /// session. Errors: UNAUTHENTICATED (wrong e-mail or password), RESOURCE_EXHAUSTED.
    pub async fn log_in(&self, email: &str, password: &str) -> Result<pb::Session, Error> {
        let request = pb::LogInRequest { email: email.to_owned(), password: password.to_owned(), ..Default::default() };
        let response = self.auth().log_in(request).await?.into_inner();
        self.adopt(response.session)
    }

    /// Creates an account and its workspace and runs calls on the owner's new session.
    pub async fn sign_up(&self, request: pb::SignUpRequest) -> Result<pb::Session, Error> {
        let response = self.auth().sign_up(request).await?.into_inner();
        self.adopt(response.session)
    }

    /// Runs calls on the session of a stored refresh token (refreshing it now).
    pub async fn resume(&self, refresh_token: impl Into<String>) -> Result<pb::Session, Error> {
        self.credentials.set_session(Some(pb::Session { refresh_token: refresh_token.into(), ..Default::default() }));
        self.refresh().await
    }

    /// Exchanges the refresh token for new tokens now. Errors: [`Error::NoSession`];
    /// UNAUTHENTICATED when the server has ended the session (which is then forgotten).
    pub async fn refresh(&self) -> Result<pb::Session, Error> {
        self.credentials.refresh(&self.transport).await
    }

    /// Ends the session on the server and forgets it; harmless without one.
    pub async fn log_out(&self) -> Result<(), Error> {
        self.credentials.log_out(&self.transport).await
    }

    /// Starts (or, with the visitor token of an earlier one, resumes) a visitor session on
    /// the widget with public token `widget_token`, and sends its visitor token on every
    /// call from now on. Errors: those of VisitorService.StartSession.
    pub async fn start_visitor_session(
        &self,
        widget_token: &str,
        previous: Option<String>,
    ) -> Result<pb::StartSessionResponse, Error> {
        let request = pb::StartSessionRequest {
            widget_token: widget_token.to_owned(),
            visitor_token: previous.unwrap_or_default(),
            ..Default::default()
        };
        let started = self.visitor().start_session(request).await?.into_inner();
        self.set_token(Some(started.visitor_token.clone()));
        Ok(started)
    }

    fn adopt(&self, session: Option<pb::Session>) -> Result<pb::Session, Error> {
        let session = session.ok_or(Error::MissingField("session"))?;
        self.credentials.set_session(Some(session.clone()));
        Ok(session)
    }

    /// The workspace feed (agents) as a stream that stays open; see [`Feed`].
    pub fn watch_workspace(&self, options: FeedOptions) -> Feed<pb::WatchWorkspaceResponse> {
        let client = self.conversations();
        let open: feed::Opener<pb::WatchWorkspaceResponse> = Box::new(move |cursor| {
            let mut client = client.clone();
            Box::pin(
                async move { Ok(client.watch_workspace(pb::WatchWorkspaceRequest { cursor }).await?.into_inner()) },
            )
        });
        Feed::new(options, open, self.token_reader(), Some(self.refresher()))
    }

    /// The visitor's feed (with a visitor token set) as a stream that stays open; see [`Feed`].
    pub fn watch_visitor_feed(&self, options: FeedOptions) -> Feed<pb::WatchVisitorFeedResponse> {
        let client = self.visitor();
        let open: feed::Opener<pb::WatchVisitorFeedResponse> = Box::new(move |cursor| {
            let mut client = client.clone();
            Box::pin(async move {
                Ok(client.watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor }).await?.into_inner())
            })
        });
        Feed::new(options, open, self.token_reader(), Some(self.refresher()))
    }

    fn token_reader(&self) -> Box<dyn Fn() -> Option<String> + Send> {
        let credentials = self.credentials.clone();
        Box::new(move || credentials.token())
    }

    fn refresher(&self) -> feed::Refresher {
        let credentials = self.credentials.clone();
        let transport = self.transport.clone();
        Box::new(move |rejected| {
            let credentials = credentials.clone();
            let transport = transport.clone();
            Box::pin(async move { credentials.refresh_after_rejection(&transport, rejected.as_deref()).await })
        })
    }

    fn authed(&self) -> Authorized {
        Authorized { transport: self.transport.clone(), credentials: self.credentials.clone() }
    }

    /// Accounts and sessions.
    pub fn auth(&self) -> pb::auth_service_client::AuthServiceClient<Authorized> {
        pb::auth_service_client::AuthServiceClient::new(self.authed())
    }

    /// The workspace, members and invites.
    pub fn workspace(&self) -> pb::workspace_service_client::WorkspaceServiceClient<Authorized> {
        pb::workspace_service_client::WorkspaceServiceClient::new(self.authed())
    }

    /// Chat widgets.
    pub fn widgets(&self) -> pb::widget_service_client::WidgetServiceClient<Authorized> {
        pb::widget_service_client::WidgetServiceClient::new(self.authed())
    }

    /// Canned responses: saved replies (any member lists, admins and owners manage).
    pub fn canned(&self) -> pb::canned_response_service_client::CannedResponseServiceClient<Authorized> {
        pb::canned_response_service_client::CannedResponseServiceClient::new(self.authed())
    }

    /// Teams of members (any member lists them; admins and owners manage them).
    pub fn teams(&self) -> pb::team_service_client::TeamServiceClient<Authorized> {
        pb::team_service_client::TeamServiceClient::new(self.authed())
    }

    /// Rules: greetings, away and keyword replies, conditional actions, proactive messages
    /// (any member lists them; admins and owners manage them).
    pub fn rules(&self) -> pb::rule_service_client::RuleServiceClient<Authorized> {
        pb::rule_service_client::RuleServiceClient::new(self.authed())
    }

    /// Reports (admins and owners) and the live figures (any member).
    pub fn reports(&self) -> pb::report_service_client::ReportServiceClient<Authorized> {
        pb::report_service_client::ReportServiceClient::new(self.authed())
    }

    /// The AI bot's status: model, usage and last failure (admins and owners).
    pub fn bot(&self) -> pb::bot_service_client::BotServiceClient<Authorized> {
        pb::bot_service_client::BotServiceClient::new(self.authed())
    }

    /// The knowledge base: articles (any member lists, reads and searches; admins and
    /// owners manage).
    pub fn knowledge(&self) -> pb::knowledge_service_client::KnowledgeServiceClient<Authorized> {
        pb::knowledge_service_client::KnowledgeServiceClient::new(self.authed())
    }

    /// Webhook endpoints and their delivery log (admins and owners).
    pub fn webhooks(&self) -> pb::webhook_service_client::WebhookServiceClient<Authorized> {
        pb::webhook_service_client::WebhookServiceClient::new(self.authed())
    }

    /// Notification settings and push browsers (every member; defaults: admins).
    pub fn notifications(&self) -> pb::notification_service_client::NotificationServiceClient<Authorized> {
        pb::notification_service_client::NotificationServiceClient::new(self.authed())
    }

    /// Conversations and the raw workspace feed (agents; see [`Porthole::watch_workspace`]).
    pub fn conversations(&self) -> pb::conversation_service_client::ConversationServiceClient<Authorized> {
        pb::conversation_service_client::ConversationServiceClient::new(self.authed())
    }

    /// The visitor API (what the widget uses).
    pub fn visitor(&self) -> pb::visitor_service_client::VisitorServiceClient<Authorized> {
        pb::visitor_service_client::VisitorServiceClient::new(self.authed())
    }
}
