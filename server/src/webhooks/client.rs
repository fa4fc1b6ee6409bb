//! Sending one delivery: the HTTP client that only reaches permitted addresses, and what an
//! attempt's outcome is.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::domain::webhook::{AddressPolicy, RESPONSE_EXCERPT_BYTES, signature};

/// How long a receiver has to answer (headers and the excerpt of the body).
pub const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const USER_AGENT: &str = concat!("Porthole-Webhooks/", env!("CARGO_PKG_VERSION"));

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("webhook HTTP client setup failed: {0}")]
pub struct SetupError(String);

/// The webhook HTTP client: resolves names itself and drops addresses the policy refuses,
/// follows no redirects, uses no proxy from the environment.
#[derive(Clone, Debug)]
pub struct Sender {
    http: reqwest::Client,
    policy: AddressPolicy,
}

/// What an attempt came to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// HTTP status; 0 without an answer.
    pub status: u16,
    pub latency_ms: i64,
    /// What went wrong; empty on a 2xx.
    pub error: String,
    pub excerpt: String,
    /// Whether another attempt may help (false: the address is refused).
    pub retryable: bool,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A request for one delivery.
pub struct Request<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub delivery_id: &'a str,
    pub event_type: &'a str,
    pub body: &'a str,
    /// 1 for the first attempt (a redelivery starts again at 1).
    pub attempt: i32,
}

impl Sender {
    pub fn new(policy: AddressPolicy) -> Result<Self, SetupError> {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| SetupError(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .dns_resolver(PermittedOnly(policy.clone()))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| SetupError(e.to_string()))?;
        Ok(Self { http, policy })
    }

    /// The address policy deliveries follow.
    pub fn policy(&self) -> &AddressPolicy {
        &self.policy
    }

    /// The client itself, for other outgoing requests under the same policy (Web Push).
    /// Literal addresses never reach its resolver: check them with [`refused_literal`].
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// POSTs one delivery, signed now.
    pub async fn send(&self, request: &Request<'_>) -> Outcome {
        let started = Instant::now();
        let elapsed = |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        // A literal address never reaches the resolver: check it here.
        if let Some(refused) = refused_literal(&self.policy, request.url) {
            return Outcome { error: refused, retryable: false, ..Outcome::default() };
        }
        let timestamp = chrono::Utc::now().timestamp();
        let sent = self
            .http
            .post(request.url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header("Porthole-Signature", signature(request.secret, timestamp, request.body))
            .header("Porthole-Delivery", request.delivery_id)
            .header("Porthole-Event", request.event_type)
            .header("Porthole-Attempt", request.attempt)
            .body(request.body.to_owned())
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => response,
            Err(error) => {
                let refused = is_refused_address(&error);
                return Outcome {
                    latency_ms: elapsed(started),
                    error: describe(&error),
                    retryable: !refused,
                    ..Outcome::default()
                };
            }
        };
        let status = response.status().as_u16();
        let latency_ms = elapsed(started);
        // Only the start of the body is kept; the rest is never read.
        let mut excerpt = Vec::new();
        while excerpt.len() < RESPONSE_EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        excerpt.truncate(RESPONSE_EXCERPT_BYTES);
        let excerpt = String::from_utf8_lossy(&excerpt).into_owned();
        let error = if (200..300).contains(&status) {
            String::new()
        } else if (300..400).contains(&status) {
            format!("the receiver answered {status} (a redirect); redirects are not followed — use the final URL")
        } else {
            format!("the receiver answered {status}")
        };
        Outcome { status, latency_ms, error, excerpt, retryable: true }
    }
}

/// Why a URL with a literal address may not be called, if it may not.
pub fn refused_literal(policy: &AddressPolicy, url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let ip: IpAddr = match url.host()? {
        url::Host::Ipv4(v4) => v4.into(),
        url::Host::Ipv6(v6) => v6.into(),
        url::Host::Domain(_) => return None,
    };
    (!policy.permits(ip)).then(|| refusal(&ip.to_string()))
}

fn refusal(what: &str) -> String {
    format!(
        "{what} is a private, loopback or reserved address; webhooks reach public addresses only \
         (the server's operator can allow a network with PORTHOLE_WEBHOOK_ALLOW_NETWORKS)"
    )
}

/// Resolves a host name and keeps only the addresses the policy permits (also the
/// resolver of workspaces' own models, `bot::provider`).
pub(crate) struct PermittedOnly(AddressPolicy);

impl PermittedOnly {
    pub(crate) fn new(policy: AddressPolicy) -> Self {
        Self(policy)
    }
}

/// The resolver's refusal, told apart from other failures by its type.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RefusedAddress(String);

impl reqwest::dns::Resolve for PermittedOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = all.iter().copied().filter(|a| policy.permits(a.ip())).collect();
            if permitted.is_empty() && !all.is_empty() {
                return Err(Box::new(RefusedAddress(refusal(&format!("{host} resolves to {}, which", all[0].ip()))))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(permitted.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether the request failed because the resolver refused every address.
fn is_refused_address(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<RefusedAddress>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// What happened, in the words of the innermost cause ("connection refused") rather than
/// reqwest's outer "error sending request".
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s", TIMEOUT.as_secs());
    }
    let mut innermost: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    innermost.to_string()
}

/// Whether a host name resolves only to refused addresses (checked when an endpoint is
/// saved, for a clear error at once; deliveries check again, since DNS can change).
/// Names that do not resolve now (or not within a few seconds: a caller must not hold a
/// handler with a slow name server) pass: their deliveries fail and show why.
pub async fn refused_host(policy: &AddressPolicy, url: &url::Url) -> Option<String> {
    if let Some(refused) = refused_literal(policy, url.as_str()) {
        return Some(refused);
    }
    let host = url.host_str()?;
    let lookup = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((host, 0))).await;
    let all: Vec<SocketAddr> = lookup.ok()?.ok()?.collect();
    let first = all.first()?;
    all.iter().all(|a| !policy.permits(a.ip())).then(|| refusal(&format!("{host} resolves to {}, which", first.ip())))
}
