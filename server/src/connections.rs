//! Accepting and keeping TCP connections: how many, from whom, for how long, and how dead
//! peers are noticed. Every limit here is on the transport, before any request is parsed;
//! what a request may ask for is `api::intake`'s and the rate limiter's business.
//!
//! - At most `max` connections at once (the server stops accepting until one closes), and
//!   at most `max_per_ip` from one peer address (more are closed at once). Trusted
//!   proxies carry many clients' connections and are exempt from the second.
//! - A connection must complete its first request's headers within [`FIRST_REQUEST`]
//!   (slow or silent openers are dropped), and one with no request in progress is closed
//!   after `idle`. An HTTP/1.1 connection also waits at most [`FIRST_REQUEST`] for each
//!   next request head (hyper's header-read timeout), so idle HTTP/1.1 keep-alive ends
//!   sooner than `idle`; a request in progress (a feed is one long response) is never cut.
//! - HTTP/2 peers are pinged every [`PING_EVERY`] and dropped if they do not answer within
//!   [`PING_TIMEOUT`]; at most [`MAX_STREAMS`] streams run on one connection. TCP
//!   keep-alive probes find dead HTTP/1.1 peers that hold a stream open.
//! - On shutdown every connection is asked to finish (GOAWAY, or close after the current
//!   response) and the server waits up to [`DRAIN`] for them.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt as _;

use crate::client_ip::TrustedProxies;
use crate::slots::{Slot, Slots};

/// How long a new connection may take to send its first request's headers, and any
/// HTTP/1.1 request its headers.
pub const FIRST_REQUEST: Duration = Duration::from_secs(10);
/// How often HTTP/2 peers are pinged.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// How long an HTTP/2 peer has to answer a ping.
pub const PING_TIMEOUT: Duration = Duration::from_secs(20);
/// Most concurrent streams on one HTTP/2 connection.
pub const MAX_STREAMS: u32 = 200;
/// How long shutdown waits for open connections to finish.
pub const DRAIN: Duration = Duration::from_secs(30);
/// TCP keep-alive: first probe after this much silence, then every [`PROBE_EVERY`], and
/// the peer counts as dead after [`PROBES`] unanswered.
const PROBE_AFTER: Duration = Duration::from_secs(30);
const PROBE_EVERY: Duration = Duration::from_secs(10);
const PROBES: u32 = 3;

/// The operator's connection limits.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Most open connections.
    pub max: usize,
    /// Most open connections from one peer address (trusted proxies exempt).
    pub max_per_ip: usize,
    /// How long a connection may sit with no request in progress.
    pub idle: Duration,
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    proxies: TrustedProxies,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max));
    let per_ip: Arc<Slots<IpAddr>> = Arc::default();
    let builder = Arc::new(builder());
    let (closing, closing_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        // Stop accepting while full: new peers wait in the kernel's backlog.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ip = crate::client_ip::canonical(peer.ip());
        let cap = if proxies.trusts(ip) { usize::MAX } else { limits.max_per_ip };
        let Some(ip_slot) = per_ip.claim(ip, cap) else {
            tracing::debug!(%ip, "connection refused: too many from this address");
            continue;
        };
        tune(&tcp);
        let connection = Connection {
            peer,
            router: router.clone(),
            builder: builder.clone(),
            closing: closing_rx.clone(),
            idle: limits.idle,
            _held: (permit, ip_slot),
        };
        tokio::spawn(connection.run(tcp));
    }
    drop(listener);
    let _ = closing.send(true);
    let all = u32::try_from(limits.max).unwrap_or(u32::MAX);
    if tokio::time::timeout(DRAIN, open.acquire_many(all)).await.is_err() {
        tracing::warn!(open = limits.max - open.available_permits(), "connections still open after the drain time");
    }
    Ok(())
}

/// The HTTP/1.1 and HTTP/2 settings every connection gets.
fn builder() -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(FIRST_REQUEST);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(PING_EVERY)
        .keep_alive_timeout(PING_TIMEOUT)
        .max_concurrent_streams(MAX_STREAMS)
        // CONNECT for HTTP/2, as axum's own server enables.
        .enable_connect_protocol();
    builder
}

/// Accept errors: a peer that gave up before we took it costs nothing; anything else
/// (out of file descriptors) gets a pause so the loop does not spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(%error, "accept failed; pausing");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Nagle off (feeds write many small frames: +20 ms measured on a shared connection
/// without this) and keep-alive probes on.
fn tune(tcp: &TcpStream) {
    if let Err(error) = tcp.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
    let probes = socket2::TcpKeepalive::new().with_time(PROBE_AFTER).with_interval(PROBE_EVERY).with_retries(PROBES);
    if let Err(error) = socket2::SockRef::from(tcp).set_tcp_keepalive(&probes) {
        tracing::debug!(%error, "could not set TCP keep-alive");
    }
}

/// One accepted connection and what it holds.
struct Connection {
    peer: SocketAddr,
    router: Router,
    builder: Arc<auto::Builder<TokioExecutor>>,
    closing: watch::Receiver<bool>,
    idle: Duration,
    /// Its place among all connections and among its address's.
    _held: (tokio::sync::OwnedSemaphorePermit, Slot<IpAddr>),
}

impl Connection {
    async fn run(mut self, tcp: TcpStream) {
        let activity = Arc::new(Activity::new());
        let (router, peer, tracked) = (self.router.clone(), self.peer, activity.clone());
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let busy = Busy::start(tracked.clone());
            // Boxed: hyper keeps room for this future for the connection's life (HTTP/1.1)
            // or the stream's (HTTP/2), and the router's is ~3.7 KB; boxed, that room is
            // a pointer and the box is freed once the response head is ready, which for a
            // feed is long before its body ends (heaptrack, BENCHMARKS.md "light streams").
            let response = Box::pin(router.clone().oneshot(request.map(Body::new)));
            async move {
                let response = match response.await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                // In progress until the body is sent or dropped: a feed is one long response.
                Ok::<_, Infallible>(response.map(|body| Tracked { body, _busy: busy }))
            }
        });
        let connection = self.builder.serve_connection_with_upgrades(TokioIo::new(tcp), service);
        let mut connection = pin!(connection);
        let mut winding_down = false;
        loop {
            let deadline = activity.deadline(self.idle);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, peer = %self.peer, "connection ended with an error");
                    }
                    return;
                }
                // A request finished: the deadline moves.
                () = activity.quiet.notified() => {}
                changed = self.closing.changed(), if !winding_down => {
                    let _ = changed;
                    winding_down = true;
                    connection.as_mut().graceful_shutdown();
                }
                () = tokio::time::sleep_until(deadline) => {
                    // Requests may have come and gone since this deadline was set.
                    if activity.in_progress() || Instant::now() < activity.deadline(self.idle) {
                        continue;
                    }
                    if !activity.served() || winding_down {
                        // Never sent a whole request (or ignored being asked to finish).
                        tracing::debug!(peer = %self.peer, "connection dropped: no request in time");
                        return;
                    }
                    winding_down = true;
                    connection.as_mut().graceful_shutdown();
                    activity.touch();
                }
            }
        }
    }
}

/// When a connection last finished a request, and whether one is in progress.
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened` that the connection last went quiet.
    quiet_since_ms: AtomicU64,
    in_progress: AtomicUsize,
    served: AtomicBool,
    /// Woken when a request finishes, so the connection re-reads its deadline.
    quiet: tokio::sync::Notify,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            quiet_since_ms: AtomicU64::new(0),
            in_progress: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            quiet: tokio::sync::Notify::new(),
        }
    }

    fn in_progress(&self) -> bool {
        self.in_progress.load(Ordering::Acquire) > 0
    }

    fn served(&self) -> bool {
        self.served.load(Ordering::Acquire)
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.quiet_since_ms.store(ms, Ordering::Release);
    }

    /// When the connection will have been quiet too long (checked again then: a request
    /// may have come and gone meanwhile).
    fn deadline(&self, idle: Duration) -> Instant {
        let limit = if self.served() { idle } else { FIRST_REQUEST };
        if self.in_progress() {
            return Instant::now() + limit;
        }
        self.opened + Duration::from_millis(self.quiet_since_ms.load(Ordering::Acquire)) + limit
    }
}

/// A request in progress on its connection, from its headers until its response body ends.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: Arc<Activity>) -> Self {
        activity.served.store(true, Ordering::Release);
        activity.in_progress.fetch_add(1, Ordering::AcqRel);
        Self(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_progress.fetch_sub(1, Ordering::AcqRel);
        self.0.quiet.notify_one();
    }
}

/// A response body that keeps its request counted as in progress until it is done.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
