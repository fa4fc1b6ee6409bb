//! Connections to the server under test: gRPC over HTTP/2 (tonic's channel, as native clients
//! use) or grpc-web over HTTP/1.1 (hyper-util's client behind tonic-web's client layer, as the
//! widget in a browser speaks it). Both are erased to one transport type so every scenario
//! drives either through the same generated clients.

use std::net::IpAddr;

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use porthole_client::{BearerToken, pb};
use tonic::service::interceptor::InterceptedService;
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;

/// Either protocol's HTTP service, with tonic's body on both sides.
type Transport =
    BoxCloneSyncService<http::Request<tonic::body::Body>, http::Response<tonic::body::Body>, TransportError>;

/// A connection-level failure of either transport. A concrete type rather than `BoxError`:
/// with `BoxError` here, rustc cannot prove the generated clients' futures `Send`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct TransportError(tower::BoxError);
type Authed = InterceptedService<Transport, BearerToken>;

/// The wire protocol a scenario's clients speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// gRPC over HTTP/2: many streams share one connection.
    Grpc,
    /// grpc-web over HTTP/1.1: one request (a unary call or a whole stream) per connection at a time.
    GrpcWeb,
}

impl Protocol {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "grpc" => Ok(Self::Grpc),
            "grpc-web" => Ok(Self::GrpcWeb),
            other => Err(format!("unknown protocol {other:?}: grpc or grpc-web")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Grpc => "grpc",
            Self::GrpcWeb => "grpc-web",
        }
    }
}

/// A connection (gRPC: one HTTP/2 connection; grpc-web: hyper's pool, which opens one HTTP/1.1
/// connection per request in flight) with a swappable bearer token. Clones share both.
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    token: BearerToken,
}

impl Client {
    /// Connects to `url` (e.g. `http://127.0.0.1:8080`) from `local` (any address when `None`).
    /// gRPC connects now; grpc-web connects on the first call.
    pub async fn connect(protocol: Protocol, url: &str, local: Option<IpAddr>) -> Result<Self, String> {
        let transport = match protocol {
            Protocol::Grpc => {
                let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
                    .map_err(|e| format!("bad URL {url}: {e}"))?
                    .local_address(local)
                    .tcp_nodelay(true)
                    .connect()
                    .await
                    .map_err(|e| format!("cannot connect to {url}: {e}"))?;
                Transport::new(
                    channel.map_response(|r| r.map(tonic::body::Body::new)).map_err(|e| TransportError(Box::new(e))),
                )
            }
            Protocol::GrpcWeb => {
                let origin: http::Uri = url.parse().map_err(|e| format!("bad URL {url}: {e}"))?;
                let mut connector = HttpConnector::new();
                // As the server does, so small frames are not held back by Nagle's algorithm.
                connector.set_nodelay(true);
                connector.set_local_address(local);
                let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector);
                let web = tower::ServiceBuilder::new().layer(tonic_web::GrpcWebClientLayer::new()).service(http);
                // Generated clients send the path only; hyper's client needs the absolute URI.
                let service = web
                    .map_request(move |mut request: http::Request<tonic::body::Body>| {
                        let mut parts = origin.clone().into_parts();
                        parts.path_and_query = request.uri().path_and_query().cloned();
                        if let Ok(uri) = http::Uri::from_parts(parts) {
                            *request.uri_mut() = uri;
                        }
                        request
                    })
                    .map_response(|r| r.map(tonic::body::Body::new))
                    .map_err(|e| TransportError(Box::new(e)));
                Transport::new(service)
            }
        };
        Ok(Self { transport, token: BearerToken::default() })
    }

    /// Sets the access token (agents) or visitor token (visitors) sent on every call.
    pub fn set_token(&self, token: Option<String>) {
        self.token.set(token);
    }

    /// A second handle on the same connection with its own token (e.g. another visitor).
    pub fn with_separate_token(&self) -> Self {
        Self { transport: self.transport.clone(), token: BearerToken::default() }
    }

    fn authed(&self) -> Authed {
        InterceptedService::new(self.transport.clone(), self.token.clone())
    }

    pub fn auth(&self) -> pb::auth_service_client::AuthServiceClient<Authed> {
        pb::auth_service_client::AuthServiceClient::new(self.authed())
    }

    pub fn workspace(&self) -> pb::workspace_service_client::WorkspaceServiceClient<Authed> {
        pb::workspace_service_client::WorkspaceServiceClient::new(self.authed())
    }

    pub fn widgets(&self) -> pb::widget_service_client::WidgetServiceClient<Authed> {
        pb::widget_service_client::WidgetServiceClient::new(self.authed())
    }

    pub fn conversations(&self) -> pb::conversation_service_client::ConversationServiceClient<Authed> {
        pb::conversation_service_client::ConversationServiceClient::new(self.authed())
    }

    pub fn reports(&self) -> pb::report_service_client::ReportServiceClient<Authed> {
        pb::report_service_client::ReportServiceClient::new(self.authed())
    }

    pub fn teams(&self) -> pb::team_service_client::TeamServiceClient<Authed> {
        pb::team_service_client::TeamServiceClient::new(self.authed())
    }

    pub fn visitor(&self) -> pb::visitor_service_client::VisitorServiceClient<Authed> {
        pb::visitor_service_client::VisitorServiceClient::new(self.authed())
    }
}
