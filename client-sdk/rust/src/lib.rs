//! Typed Rust client for the Porthole gRPC API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use porthole_client::{Porthole, pb};
//! let porthole = Porthole::connect("http://127.0.0.1:8080").await?;
//! let session = porthole
//!     .auth()
//!     .log_in(pb::LogInRequest { email: "me@example.com".into(), password: "secret123".into(), ..Default::default() })
//!     .await?
//!     .into_inner()
//!     .session
//!     .unwrap_or_default();
//! porthole.set_token(Some(session.access_token));
//! let widgets = porthole.widgets().list_widgets(pb::ListWidgetsRequest {}).await?.into_inner().widgets;
//! # let _ = widgets; Ok(()) }
//! ```

use std::sync::{Arc, RwLock};

use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

/// The generated messages and service clients of `porthole.v1`.
pub use porthole_proto::v1 as pb;

/// Why a connection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid server URL {url:?}: {source}")]
    InvalidUrl { url: String, source: tonic::transport::Error },
    #[error("cannot connect to {url}: {source}")]
    Connect { url: String, source: tonic::transport::Error },
}

/// Adds `authorization: Bearer <token>` when a token is set.
#[derive(Clone, Default)]
pub struct BearerToken(Arc<RwLock<Option<String>>>);

impl BearerToken {
    /// Replaces the token (`None` sends no header).
    pub fn set(&self, token: Option<String>) {
        if let Ok(mut slot) = self.0.write() {
            *slot = token;
        }
    }
}

impl tonic::service::Interceptor for BearerToken {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        let token = self.0.read().ok().and_then(|slot| slot.clone());
        if let Some(token) = token {
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|_| tonic::Status::invalid_argument("token contains characters not allowed in a header"))?;
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

/// A client-side channel with a swappable bearer token.
type Authed = InterceptedService<Channel, BearerToken>;

/// A connection to a Porthole server; clone it freely (clones share the channel and token).
#[derive(Clone)]
pub struct Porthole {
    channel: Channel,
    token: BearerToken,
}

impl Porthole {
    /// Connects over gRPC (HTTP/2) to `url`, e.g. `http://127.0.0.1:8080`.
    pub async fn connect(url: impl Into<String>) -> Result<Self, ConnectError> {
        let url = url.into();
        let endpoint = Endpoint::from_shared(url.clone())
            .map_err(|source| ConnectError::InvalidUrl { url: url.clone(), source })?;
        let channel = endpoint.connect().await.map_err(|source| ConnectError::Connect { url, source })?;
        Ok(Self { channel, token: BearerToken::default() })
    }

    /// Sets the access token (agents) or visitor token (visitors) sent on every call.
    pub fn set_token(&self, token: Option<String>) {
        self.token.set(token);
    }

    /// A second handle on the same channel with its own token (e.g. another user).
    pub fn with_separate_token(&self) -> Self {
        Self { channel: self.channel.clone(), token: BearerToken::default() }
    }

    fn authed(&self) -> Authed {
        InterceptedService::new(self.channel.clone(), self.token.clone())
    }

    /// Accounts and sessions.
    pub fn auth(&self) -> pb::auth_service_client::AuthServiceClient<Authed> {
        pb::auth_service_client::AuthServiceClient::new(self.authed())
    }

    /// The workspace, members and invites.
    pub fn workspace(&self) -> pb::workspace_service_client::WorkspaceServiceClient<Authed> {
        pb::workspace_service_client::WorkspaceServiceClient::new(self.authed())
    }

    /// Chat widgets.
    pub fn widgets(&self) -> pb::widget_service_client::WidgetServiceClient<Authed> {
        pb::widget_service_client::WidgetServiceClient::new(self.authed())
    }

    /// Canned responses: saved replies (any member lists, admins and owners manage).
    pub fn canned(&self) -> pb::canned_response_service_client::CannedResponseServiceClient<Authed> {
        pb::canned_response_service_client::CannedResponseServiceClient::new(self.authed())
    }

    /// Teams of members (any member lists them; admins and owners manage them).
    pub fn teams(&self) -> pb::team_service_client::TeamServiceClient<Authed> {
        pb::team_service_client::TeamServiceClient::new(self.authed())
    }

    /// Rules: greetings, away and keyword replies, conditional actions, proactive messages
    /// (any member lists them; admins and owners manage them).
    pub fn rules(&self) -> pb::rule_service_client::RuleServiceClient<Authed> {
        pb::rule_service_client::RuleServiceClient::new(self.authed())
    }

    /// Reports (admins and owners) and the live figures (any member).
    pub fn reports(&self) -> pb::report_service_client::ReportServiceClient<Authed> {
        pb::report_service_client::ReportServiceClient::new(self.authed())
    }

    /// The AI bot's status: model, usage and last failure (admins and owners).
    pub fn bot(&self) -> pb::bot_service_client::BotServiceClient<Authed> {
        pb::bot_service_client::BotServiceClient::new(self.authed())
    }

    /// The knowledge base: articles (any member lists, reads and searches; admins and
    /// owners manage).
    pub fn knowledge(&self) -> pb::knowledge_service_client::KnowledgeServiceClient<Authed> {
        pb::knowledge_service_client::KnowledgeServiceClient::new(self.authed())
    }

    /// Webhook endpoints and their delivery log (admins and owners).
    pub fn webhooks(&self) -> pb::webhook_service_client::WebhookServiceClient<Authed> {
        pb::webhook_service_client::WebhookServiceClient::new(self.authed())
    }

    /// Notification settings and push browsers (every member; defaults: admins).
    pub fn notifications(&self) -> pb::notification_service_client::NotificationServiceClient<Authed> {
        pb::notification_service_client::NotificationServiceClient::new(self.authed())
    }

    /// Conversations and the workspace feed (agents).
    pub fn conversations(&self) -> pb::conversation_service_client::ConversationServiceClient<Authed> {
        pb::conversation_service_client::ConversationServiceClient::new(self.authed())
    }

    /// The visitor API (what the widget uses).
    pub fn visitor(&self) -> pb::visitor_service_client::VisitorServiceClient<Authed> {
        pb::visitor_service_client::VisitorServiceClient::new(self.authed())
    }
}
