//! The wire under the generated clients: gRPC over HTTP/2 (tonic's channel) or, with the
//! `grpc-web` feature, grpc-web over HTTP/1.1 (hyper-util's client behind tonic-web's
//! client layer, as a browser speaks it). Both are erased to one [`Transport`] type so
//! every service handle works over either.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;

use crate::ConnectError;

/// Either protocol's HTTP service, with tonic's body on both sides.
pub(crate) type Transport =
    BoxCloneSyncService<http::Request<tonic::body::Body>, http::Response<tonic::body::Body>, TransportError>;

/// A connection-level failure of either transport (refused, reset, timed out). A concrete
/// type rather than `BoxError`: with `BoxError` here, rustc cannot prove the generated
/// clients' futures `Send`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct TransportError(pub(crate) tower::BoxError);

/// The wire protocol a [`crate::Porthole`] speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// gRPC over HTTP/2: every call and feed shares one connection.
    #[default]
    Grpc,
    /// grpc-web over HTTP/1.1, as browsers speak it (for servers reached through proxies
    /// that pass only HTTP/1.1): one connection per call or feed in flight.
    #[cfg(feature = "grpc-web")]
    GrpcWeb,
}

impl Protocol {
    /// Its name: `grpc` or `grpc-web`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grpc => "grpc",
            #[cfg(feature = "grpc-web")]
            Self::GrpcWeb => "grpc-web",
        }
    }
}

/// A protocol name that is not `grpc` (or `grpc-web` with that feature).
#[derive(Debug, thiserror::Error)]
#[error("unknown protocol {0:?}: grpc or grpc-web")]
pub struct UnknownProtocol(String);

impl FromStr for Protocol {
    type Err = UnknownProtocol;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "grpc" => Ok(Self::Grpc),
            #[cfg(feature = "grpc-web")]
            "grpc-web" => Ok(Self::GrpcWeb),
            other => Err(UnknownProtocol(other.to_owned())),
        }
    }
}

/// How to reach the server; see [`crate::Builder`].
#[derive(Clone, Debug)]
pub(crate) struct Wire {
    pub(crate) url: String,
    pub(crate) protocol: Protocol,
    pub(crate) local_address: Option<IpAddr>,
    pub(crate) connect_timeout: Duration,
    /// HTTP/2 ping interval and the wait for its answer (gRPC only): finds a connection
    /// that died without a word (a NAT that forgot it, a cable pulled) so feeds reconnect.
    pub(crate) keepalive: Option<(Duration, Duration)>,
}

impl Wire {
    /// Opens the transport. gRPC connects now (so a wrong address fails here); grpc-web
    /// connects on the first call.
    pub(crate) async fn open(&self) -> Result<Transport, ConnectError> {
        match self.protocol {
            Protocol::Grpc => {
                let mut endpoint = tonic::transport::Endpoint::from_shared(self.url.clone())
                    .map_err(|source| ConnectError::InvalidUrl { url: self.url.clone(), source: source.into() })?
                    .local_address(self.local_address)
                    .tcp_nodelay(true)
                    .connect_timeout(self.connect_timeout);
                if let Some((interval, timeout)) = self.keepalive {
                    endpoint = endpoint
                        .http2_keep_alive_interval(interval)
                        .keep_alive_timeout(timeout)
                        .keep_alive_while_idle(true);
                }
                let channel = endpoint
                    .connect()
                    .await
                    .map_err(|source| ConnectError::Connect { url: self.url.clone(), source: source.into() })?;
                Ok(Transport::new(
                    channel.map_response(|r| r.map(tonic::body::Body::new)).map_err(|e| TransportError(Box::new(e))),
                ))
            }
            #[cfg(feature = "grpc-web")]
            Protocol::GrpcWeb => self.open_grpc_web(),
        }
    }

    #[cfg(feature = "grpc-web")]
    fn open_grpc_web(&self) -> Result<Transport, ConnectError> {
        use hyper_util::client::legacy::connect::HttpConnector;
        use hyper_util::rt::TokioExecutor;

        let origin: http::Uri = self.url.parse().map_err(|source: http::uri::InvalidUri| ConnectError::InvalidUrl {
            url: self.url.clone(),
            source: source.into(),
        })?;
        if origin.scheme_str() != Some("http") || origin.host().is_none() {
            return Err(ConnectError::InvalidUrl {
                url: self.url.clone(),
                source: "grpc-web needs an http://host:port URL (no TLS in this transport)".into(),
            });
        }
        let mut connector = HttpConnector::new();
        // As the server does, so small frames are not held back by Nagle's algorithm.
        connector.set_nodelay(true);
        connector.set_local_address(self.local_address);
        connector.set_connect_timeout(Some(self.connect_timeout));
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
        Ok(Transport::new(service))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_parse_by_name() {
        assert_eq!("grpc".parse::<Protocol>().unwrap(), Protocol::Grpc);
        assert_eq!(Protocol::Grpc.as_str(), "grpc");
        #[cfg(feature = "grpc-web")]
        assert_eq!("grpc-web".parse::<Protocol>().unwrap().as_str(), "grpc-web");
        assert!("http".parse::<Protocol>().is_err());
    }
}
