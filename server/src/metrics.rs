//! Prometheus metrics: what this process counts, the hooks that count it, and `/metrics`.
//!
//! Every figure lives in one [`Metrics`] per server (not a process-wide registry), so
//! several servers in one process — the integration tests — count apart. The hot-path hooks
//! are atomics on handles resolved in advance: a call's counter is found through the
//! method table built at start (never from the client's path text, so random paths cannot
//! add series), a histogram observation is a few atomic adds (TiKV's `prometheus` crate:
//! no lock), and figures that need IO (pool use, queued jobs, memory) are read when
//! scraped, not kept up to date.
//!
//! The series (names are a contract with `deploy/`'s dashboard and alerts):
//! - `porthole_rpc_requests_total{method,code}`: finished gRPC calls by method
//!   (`porthole.v1.ChatService/Send` form) and status code name (`OK`, `NOT_FOUND`, …; a
//!   call whose client left before its status is `CANCELLED`). A stream counts when it ends.
//! - `porthole_rpc_duration_seconds{method}`: unary calls, from the request reaching the
//!   gRPC layers (before authentication) to the end of the response. Streams are not in it
//!   (their life is not a latency); they are `porthole_streams_open`.
//! - `porthole_streams_open{kind}`: server streams open now (`workspace_feed`,
//!   `visitor_feed`, `live_figures`, `health_watch`, …), counted from their response headers
//!   to the end (or drop) of their body.
//! - `porthole_bus_delivery_seconds`: from `Bus::publish` on the publishing replica to this
//!   process handing the message to its subscribers of the workspace (once per message and
//!   receiving process, only where someone subscribes). In process that is the hub's lock
//!   and channel sends; across replicas it adds Redis and the subscriber task, measured by
//!   the two hosts' clocks (their skew adds in).
//! - `porthole_event_log_lag_seconds`: how far this process's log followers (the webhook
//!   dispatcher and the member notifier) trail the event log: the time since the start of
//!   the latest pass that found nothing left to do, the larger of the two. Every event
//!   committed before `now - lag` has been handed on. A healthy server reads 0–2 s (the
//!   followers look every 2 s for other replicas' events); a growing value means a backlog.
//! - `porthole_db_pool_connections{state="in_use"|"idle"}`, `porthole_db_pool_max`: the
//!   store's pools added up (SQLite: the writer and the readers).
//! - `porthole_db_query_duration_seconds{op="read"|"write"}`: one store call (`read!`, or
//!   a `write!` transaction), from having its connection to giving it back. Group commits
//!   run outside these and are not in it: message sends, and on PostgreSQL visitor updates
//!   (`store::group_commit`).
//! - `porthole_jobs_queued{kind}`: jobs due now and not taken by a worker (every replica's).
//! - `porthole_job_failures_total{kind}`: failed attempts (retried or final) in this process.
//! - `porthole_rate_limited_total{limit}`: calls refused by a rate limit, by its
//!   `PORTHOLE_RATE_LIMITS` name.
//! - `process_resident_memory_bytes`: resident set size (`VmRSS` of `/proc/self/status`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use http_body::{Frame, SizeHint};
use prometheus::{
    Encoder as _, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use tracing::Instrument as _;

use crate::AppState;

/// Who may read `/metrics` (`PORTHOLE_METRICS`, `PORTHOLE_METRICS_TOKEN`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricsAccess {
    /// Which callers, by network.
    pub exposure: Exposure,
    /// When set, every scrape must also send `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

/// Which callers may scrape, by network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Nobody: `/metrics` answers 404.
    Off,
    /// Callers on this host: the TCP peer is a loopback address and the request names no
    /// forwarded client (a reverse proxy on the same host would otherwise pass the public
    /// through).
    Local,
    /// Anyone who reaches the port.
    On,
}

impl Exposure {
    /// Parses `off`, `local` or `on`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "off" => Some(Self::Off),
            "local" => Some(Self::Local),
            "on" => Some(Self::On),
            _ => None,
        }
    }
}

/// A gRPC method the server answers, for the method table.
#[derive(Clone, Debug)]
pub struct MethodInfo {
    /// `/package.Service/Method`, as requests name it.
    pub path: String,
    /// Whether the server answers with a stream.
    pub server_streaming: bool,
}

/// The gRPC status codes by number, as their names (`tonic::Code` order).
const CODES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];
const CANCELLED: usize = 1;
const UNKNOWN: usize = 2;
const INTERNAL: usize = 13;

/// Label of calls to paths the table does not know (the auth layer refuses them).
const UNKNOWN_METHOD: &str = "unknown";

/// The job kinds the failure and queue figures are kept for (`Job::kind`); others are
/// counted as `other`.
const JOB_KINDS: [&str; 5] = ["email", "push", "webhook", "bot", "automation"];

/// Buckets of request and query latencies, in seconds.
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Buckets of bus delivery, in seconds: in process it is microseconds.
const BUS_BUCKETS: [f64; 14] =
    [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// The figures of one method, resolved at start.
struct MethodFigures {
    /// The `method` label: the path without its leading slash.
    label: String,
    /// Open streams of its kind; `None` for unary methods.
    streams: Option<IntGauge>,
    /// Whether it is a stream (then it has no latency).
    streaming: bool,
    /// Latency, created on first use (so the text lists methods that were called).
    duration: OnceLock<Histogram>,
    /// Finished calls by code, created on first use so that only codes seen are exported.
    calls: [OnceLock<IntCounter>; 17],
}

/// The store call a query timing is for.
#[derive(Clone, Copy, Debug)]
pub enum QueryOp {
    /// A `read!` call.
    Read,
    /// A `write!` transaction.
    Write,
}

/// The query latency histograms, handed to the store.
#[derive(Clone)]
pub struct QueryTiming {
    read: Histogram,
    write: Histogram,
}

impl QueryTiming {
    /// Starts timing one store call; the time is recorded when the guard drops (also on an
    /// early `?` return).
    pub fn start(&self, op: QueryOp) -> QueryTimer<'_> {
        let histogram = match op {
            QueryOp::Read => &self.read,
            QueryOp::Write => &self.write,
        };
        QueryTimer { histogram, started: Instant::now() }
    }
}

/// Records a store call's duration when dropped.
pub struct QueryTimer<'a> {
    histogram: &'a Histogram,
    started: Instant,
}

impl Drop for QueryTimer<'_> {
    fn drop(&mut self) {
        self.histogram.observe(self.started.elapsed().as_secs_f64());
    }
}

/// When a log follower last found nothing to do.
#[derive(Debug)]
pub struct LogFollower {
    /// Milliseconds after [`Metrics::started`] at which its latest idle pass began.
    caught_up_at_ms: AtomicU64,
}

/// This server's metrics (see the module docs for each series).
pub struct Metrics {
    registry: Registry,
    started: Instant,
    /// Method path (with its leading slash) → index into `methods`.
    method_index: HashMap<String, usize>,
    methods: Vec<MethodFigures>,
    rpc_requests: IntCounterVec,
    rpc_duration: HistogramVec,
    bus_delivery: Histogram,
    event_log_lag: Gauge,
    /// The webhook dispatcher's place in the log.
    pub webhooks_follower: LogFollower,
    /// The member notifier's place in the log.
    pub notifications_follower: LogFollower,
    pool_in_use: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    queries: QueryTiming,
    jobs_queued: IntGaugeVec,
    job_failures: Vec<(&'static str, IntCounter)>,
    rate_limited: Vec<(&'static str, IntCounter)>,
    resident_memory: IntGauge,
    /// When the database-derived figures were last read (ms after `started`), so that
    /// frequent scrapes cost one query a second at most.
    refreshed_at_ms: AtomicU64,
}

/// Why the metrics could not be set up (a name or label clash: a programming error that
/// a test catches).
#[derive(Debug, thiserror::Error)]
#[error("metrics setup failed: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

/// The `kind` label of a server-streaming method: named for the three feeds the
/// dashboard shows, else derived from the method's name (bounded: the table is fixed).
fn stream_kind(path: &str) -> String {
    match path {
        "/porthole.v1.ConversationService/WatchWorkspace" => "workspace_feed".to_owned(),
        "/porthole.v1.VisitorService/WatchVisitorFeed" => "visitor_feed".to_owned(),
        "/porthole.v1.ReportService/WatchLiveFigures" => "live_figures".to_owned(),
        "/grpc.health.v1.Health/Watch" => "health_watch".to_owned(),
        _ if path.contains("ServerReflection") => "reflection".to_owned(),
        _ => {
            let method = path.rsplit('/').next().unwrap_or(path);
            let mut kind = String::new();
            for (i, c) in method.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    kind.push('_');
                }
                kind.push(c.to_ascii_lowercase());
            }
            kind
        }
    }
}

impl Metrics {
    /// Sets up every series for the given gRPC methods and rate limits (by name).
    pub fn new(methods: &[MethodInfo], limits: &[&'static str]) -> Result<Self, MetricsError> {
        let registry = Registry::new();
        let register = |collector: Box<dyn prometheus::core::Collector>| registry.register(collector);

        let rpc_requests = IntCounterVec::new(
            Opts::new("porthole_rpc_requests_total", "Finished gRPC calls by method and status code."),
            &["method", "code"],
        )?;
        register(Box::new(rpc_requests.clone()))?;
        let rpc_duration = HistogramVec::new(
            HistogramOpts::new(
                "porthole_rpc_duration_seconds",
                "Unary gRPC call latency, from the gRPC layers to the end of the response.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method"],
        )?;
        register(Box::new(rpc_duration.clone()))?;
        let streams_open =
            IntGaugeVec::new(Opts::new("porthole_streams_open", "Server streams open now, by kind."), &["kind"])?;
        register(Box::new(streams_open.clone()))?;

        let mut method_index = HashMap::new();
        let mut figures = Vec::new();
        let all = methods.iter().map(|m| (m.path.as_str(), m.server_streaming)).chain([("/unknown", false)]);
        for (path, streaming) in all {
            let label = if path == "/unknown" { UNKNOWN_METHOD } else { path.trim_start_matches('/') }.to_owned();
            let streams = streaming.then(|| streams_open.with_label_values(&[stream_kind(path)]));
            method_index.insert(path.to_owned(), figures.len());
            figures.push(MethodFigures {
                label,
                streams,
                streaming,
                duration: OnceLock::new(),
                calls: Default::default(),
            });
        }

        // The call series are created on first use; the health check's start at zero so
        // that both names exist before any call.
        if let Some(check) = method_index.get("/grpc.health.v1.Health/Check").and_then(|i| figures.get(*i)) {
            let label = check.label.as_str();
            let _ = check.calls[0].set(rpc_requests.with_label_values(&[label, CODES[0]]));
            let _ = check.duration.set(rpc_duration.with_label_values(&[label]));
        }

        let bus_delivery = Histogram::with_opts(
            HistogramOpts::new(
                "porthole_bus_delivery_seconds",
                "From publishing a bus message to handing it to this process's subscribers.",
            )
            .buckets(BUS_BUCKETS.to_vec()),
        )?;
        register(Box::new(bus_delivery.clone()))?;
        let event_log_lag = Gauge::new(
            "porthole_event_log_lag_seconds",
            "Time since this process's log followers (webhooks, notifications) last found the event log fully handled.",
        )?;
        register(Box::new(event_log_lag.clone()))?;

        let pool = IntGaugeVec::new(
            Opts::new("porthole_db_pool_connections", "Database connections of this process by state."),
            &["state"],
        )?;
        register(Box::new(pool.clone()))?;
        let pool_max = IntGauge::new("porthole_db_pool_max", "Most database connections this process may open.")?;
        register(Box::new(pool_max.clone()))?;
        let query_duration = HistogramVec::new(
            HistogramOpts::new(
                "porthole_db_query_duration_seconds",
                "Store calls: a read, or a write transaction, from having a connection to giving it back.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["op"],
        )?;
        register(Box::new(query_duration.clone()))?;

        let jobs_queued = IntGaugeVec::new(
            Opts::new("porthole_jobs_queued", "Background jobs due now and not yet taken by a worker."),
            &["kind"],
        )?;
        register(Box::new(jobs_queued.clone()))?;
        let failures = IntCounterVec::new(
            Opts::new("porthole_job_failures_total", "Failed background job attempts (retried or final)."),
            &["kind"],
        )?;
        register(Box::new(failures.clone()))?;
        let rate_limited =
            IntCounterVec::new(Opts::new("porthole_rate_limited_total", "Calls refused by a rate limit."), &["limit"])?;
        register(Box::new(rate_limited.clone()))?;
        let resident_memory = IntGauge::new("process_resident_memory_bytes", "Resident memory size in bytes.")?;
        register(Box::new(resident_memory.clone()))?;

        // Every known label value starts at zero, so each series exists from the start
        // (dashboards and `rate()` need the series before its first event).
        for kind in JOB_KINDS.iter().chain(&["other"]) {
            jobs_queued.with_label_values(&[*kind]).set(0);
        }
        let job_failures =
            JOB_KINDS.iter().chain(&["other"]).map(|kind| (*kind, failures.with_label_values(&[*kind]))).collect();
        let rate_limited = limits.iter().map(|name| (*name, rate_limited.with_label_values(&[*name]))).collect();

        Ok(Self {
            started: Instant::now(),
            method_index,
            methods: figures,
            rpc_requests,
            rpc_duration,
            bus_delivery,
            event_log_lag,
            webhooks_follower: LogFollower { caught_up_at_ms: AtomicU64::new(0) },
            notifications_follower: LogFollower { caught_up_at_ms: AtomicU64::new(0) },
            pool_in_use: pool.with_label_values(&["in_use"]),
            pool_idle: pool.with_label_values(&["idle"]),
            pool_max,
            queries: QueryTiming {
                read: query_duration.with_label_values(&["read"]),
                write: query_duration.with_label_values(&["write"]),
            },
            jobs_queued,
            job_failures,
            rate_limited,
            resident_memory,
            refreshed_at_ms: AtomicU64::new(0),
            registry,
        })
    }

    /// The bus delivery histogram, for [`crate::realtime::bus::Bus::time_deliveries`].
    pub fn bus_delivery(&self) -> Histogram {
        self.bus_delivery.clone()
    }

    /// The query histograms, for [`crate::store::Store::with_query_timing`].
    pub fn query_timing(&self) -> QueryTiming {
        self.queries.clone()
    }

    /// Counts a call refused by the rate limit named `limit`.
    pub fn rate_limited(&self, limit: &str) {
        if let Some((_, counter)) = self.rate_limited.iter().find(|(name, _)| *name == limit) {
            counter.inc();
        }
    }

    /// Counts a failed attempt of a job of `kind`.
    pub fn job_failed(&self, kind: &str) {
        let counter = self.job_failures.iter().find(|(k, _)| *k == kind).or_else(|| self.job_failures.last());
        if let Some((_, counter)) = counter {
            counter.inc();
        }
    }

    /// Milliseconds since these metrics were set up.
    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The moment a log follower's pass begins, to hand to [`Metrics::caught_up`] if it
    /// finds nothing to do.
    pub fn pass_started(&self) -> u64 {
        self.elapsed_ms()
    }

    /// Records that `follower`'s pass begun at `started` (from [`Metrics::pass_started`])
    /// found the log fully handled.
    pub fn caught_up(&self, follower: &LogFollower, started: u64) {
        follower.caught_up_at_ms.fetch_max(started, Ordering::Relaxed);
    }

    /// Reads what is read at scrape time and encodes every series as Prometheus text.
    async fn render(&self, state: &AppState) -> String {
        let now = self.elapsed_ms();
        let lag_ms = [&self.webhooks_follower, &self.notifications_follower]
            .iter()
            .map(|f| now.saturating_sub(f.caught_up_at_ms.load(Ordering::Relaxed)))
            .max()
            .unwrap_or(0);
        #[allow(clippy::cast_precision_loss)] // milliseconds well within f64's exact range
        self.event_log_lag.set(lag_ms as f64 / 1000.0);

        let pools = state.store.pool_status();
        self.pool_in_use.set(to_i64(pools.in_use));
        self.pool_idle.set(to_i64(pools.idle));
        self.pool_max.set(to_i64(pools.max));
        if let Some(bytes) = resident_memory_bytes() {
            self.resident_memory.set(to_i64(bytes));
        }

        let last = self.refreshed_at_ms.load(Ordering::Relaxed);
        let due = last == 0 || now.saturating_sub(last) >= 1000;
        if due && self.refreshed_at_ms.compare_exchange(last, now.max(1), Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            self.refresh_jobs(state).await;
        }

        let mut text = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            tracing::warn!(%error, "encoding metrics failed");
        }
        String::from_utf8(text).unwrap_or_default()
    }

    /// Reads the queued jobs; on failure the previous figures stay (and it is logged).
    async fn refresh_jobs(&self, state: &AppState) {
        let read = tokio::time::timeout(Duration::from_secs(2), state.store.due_jobs_by_kind(crate::store::now_ms()));
        match read.await {
            Ok(Ok(counts)) => {
                let mut by_kind: HashMap<&str, i64> = JOB_KINDS.iter().chain(&["other"]).map(|k| (*k, 0)).collect();
                for (kind, count) in &counts {
                    let key = JOB_KINDS.iter().find(|k| *k == kind).copied().unwrap_or("other");
                    *by_kind.entry(key).or_default() += count;
                }
                for (kind, count) in by_kind {
                    self.jobs_queued.with_label_values(&[kind]).set(count);
                }
            }
            Ok(Err(error)) => tracing::warn!(%error, "reading the job queue for /metrics failed"),
            Err(_) => tracing::warn!("reading the job queue for /metrics took over 2 s; skipped"),
        }
    }
}

fn to_i64(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// Resident set size from `/proc/self/status` (`VmRSS`, in kB); `None` off Linux.
fn resident_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// The status code number in a `grpc-status` value; an unparsable or unknown one is
/// UNKNOWN.
fn code_of(value: &HeaderValue) -> usize {
    std::str::from_utf8(value.as_bytes())
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|code| *code < CODES.len())
        .unwrap_or(UNKNOWN)
}

/// One call in progress: records its code once, and closes its stream, however it ends.
struct Call {
    metrics: Arc<Metrics>,
    method: usize,
    started: Instant,
    stream_open: bool,
    recorded: bool,
    /// The call's trace span (disabled unless traces are exported); ends with the call.
    span: tracing::Span,
}

impl Call {
    fn figures(&self) -> Option<&MethodFigures> {
        self.metrics.methods.get(self.method)
    }

    /// Counts the call with `code` (the first time only) and times it if it is unary.
    fn finish(&mut self, code: usize) {
        if std::mem::replace(&mut self.recorded, true) {
            return;
        }
        crate::otel::record_status(&self.span, code);
        let Some(figures) = self.metrics.methods.get(self.method) else { return };
        if !figures.streaming {
            let duration =
                figures.duration.get_or_init(|| self.metrics.rpc_duration.with_label_values(&[figures.label.as_str()]));
            duration.observe(self.started.elapsed().as_secs_f64());
        }
        let code = code.min(CODES.len() - 1);
        let Some(slot) = figures.calls.get(code) else { return };
        let counter =
            slot.get_or_init(|| self.metrics.rpc_requests.with_label_values(&[figures.label.as_str(), CODES[code]]));
        counter.inc();
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        // The body went away before its status: the client left (or the connection died).
        self.finish(CANCELLED);
        if self.stream_open
            && let Some(streams) = self.figures().and_then(|f| f.streams.as_ref())
        {
            streams.dec();
        }
    }
}

/// A response body that reports the call's status from its trailers.
struct Metered {
    inner: Body,
    call: Call,
}

impl http_body::Body for Metered {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_frame(cx);
        match &poll {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    this.call.finish(trailers.get("grpc-status").map_or(UNKNOWN, code_of));
                }
            }
            Poll::Ready(Some(Err(_))) => this.call.finish(INTERNAL),
            // Ended without trailers: no status was sent.
            Poll::Ready(None) => this.call.finish(UNKNOWN),
            Poll::Pending => {}
        }
        poll
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The gRPC layer that counts calls (inside grpc-web, so trailers are still trailers).
/// Costs per call: a hash of the path, two clock reads, an `Arc` clone, a boxed body
/// wrapper, and an atomic add or two.
pub async fn track_rpc(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let method = metrics
        .method_index
        .get(request.uri().path())
        .or_else(|| metrics.method_index.get("/unknown"))
        .copied()
        .unwrap_or(usize::MAX);
    let label = metrics.methods.get(method).map_or(UNKNOWN_METHOD, |f| f.label.as_str());
    let span = crate::otel::rpc_span(label, request.headers());
    let mut call = Call { metrics, method, started: Instant::now(), stream_open: false, recorded: false, span };
    let response = next.run(request).instrument(call.span.clone()).await;
    let (parts, body) = response.into_parts();
    // Trailers-only answers (refused by the auth layer, most errors) carry the status in
    // their headers and have no body to wait for.
    if let Some(status) = parts.headers.get("grpc-status") {
        call.finish(code_of(status));
        return Response::from_parts(parts, body);
    }
    if let Some(streams) = call.figures().and_then(|f| f.streams.as_ref()) {
        streams.inc();
        call.stream_open = true;
    }
    Response::from_parts(parts, Body::new(Metered { inner: body, call }))
}

/// `GET /metrics`: the Prometheus text format, to the callers `PORTHOLE_METRICS` allows.
pub async fn scrape(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let access = &state.config.metrics;
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let Err(refusal) = admit(access, peer, request.headers()) {
        return refusal.into_response();
    }
    let text = state.metrics.render(&state).await;
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], text)
        .into_response()
}

/// Why a scrape is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// `PORTHOLE_METRICS=off`.
    Off,
    /// Not from this host (`local`).
    NotLocal,
    /// The token is missing or wrong.
    Token,
}

impl Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Off => (StatusCode::NOT_FOUND, "not found\n").into_response(),
            Refusal::NotLocal => {
                (StatusCode::FORBIDDEN, "metrics are served to this host only (PORTHOLE_METRICS=local)\n")
                    .into_response()
            }
            Refusal::Token => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
                "send Authorization: Bearer <PORTHOLE_METRICS_TOKEN>\n",
            )
                .into_response(),
        }
    }
}

/// Whether this scrape may be answered.
fn admit(access: &MetricsAccess, peer: Option<IpAddr>, headers: &HeaderMap) -> Result<(), Refusal> {
    match access.exposure {
        Exposure::Off => return Err(Refusal::Off),
        Exposure::Local => {
            let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
            let local = peer.is_some_and(|ip| crate::client_ip::canonical(ip).is_loopback());
            if !local || forwarded {
                return Err(Refusal::NotLocal);
            }
        }
        Exposure::On => {}
    }
    if let Some(token) = &access.token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim());
        // Compared as digests, so the time taken says nothing about the token.
        use sha2::{Digest as _, Sha256};
        let matches = sent.is_some_and(|sent| Sha256::digest(sent.as_bytes()) == Sha256::digest(token.as_bytes()));
        if !matches {
            return Err(Refusal::Token);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn methods() -> Vec<MethodInfo> {
        vec![
            MethodInfo { path: "/porthole.v1.AuthService/LogIn".into(), server_streaming: false },
            MethodInfo { path: "/grpc.health.v1.Health/Check".into(), server_streaming: false },
            MethodInfo { path: "/porthole.v1.ConversationService/WatchWorkspace".into(), server_streaming: true },
        ]
    }

    fn text(metrics: &Metrics) -> String {
        let mut out = Vec::new();
        TextEncoder::new().encode(&metrics.registry.gather(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_series_exists_before_anything_happens() {
        let metrics = Metrics::new(&methods(), &["login_per_ip"]).unwrap();
        let text = text(&metrics);
        for name in [
            "porthole_rpc_requests_total{code=\"OK\",method=\"grpc.health.v1.Health/Check\"} 0",
            "porthole_rpc_duration_seconds_count{method=\"grpc.health.v1.Health/Check\"} 0",
            "porthole_streams_open{kind=\"workspace_feed\"} 0",
            "porthole_bus_delivery_seconds",
            "porthole_event_log_lag_seconds",
            "porthole_db_pool_connections{state=\"in_use\"}",
            "porthole_db_pool_max",
            "porthole_db_query_duration_seconds_bucket{op=\"write\"",
            "porthole_jobs_queued{kind=\"email\"} 0",
            "porthole_job_failures_total{kind=\"webhook\"} 0",
            "porthole_rate_limited_total{limit=\"login_per_ip\"} 0",
            "process_resident_memory_bytes",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
    }

    #[test]
    fn codes_come_from_the_table_and_unknown_paths_share_one_label() {
        let metrics = Metrics::new(&methods(), &[]).unwrap();
        let status = |v: &'static str| HeaderValue::from_static(v);
        assert_eq!(CODES[code_of(&status("0"))], "OK");
        assert_eq!(CODES[code_of(&status("16"))], "UNAUTHENTICATED");
        assert_eq!(CODES[code_of(&status("17"))], "UNKNOWN");
        assert_eq!(CODES[code_of(&status("x"))], "UNKNOWN");
        assert!(!metrics.method_index.contains_key("/porthole.v1.Random/Path"));
        assert_eq!(metrics.methods[metrics.method_index["/unknown"]].label, "unknown");
    }

    #[test]
    fn stream_kinds_are_named() {
        assert_eq!(stream_kind("/porthole.v1.VisitorService/WatchVisitorFeed"), "visitor_feed");
        assert_eq!(stream_kind("/porthole.v1.ReportService/WatchLiveFigures"), "live_figures");
        assert_eq!(stream_kind("/porthole.v1.X/StreamThings"), "stream_things");
    }

    #[test]
    fn access_follows_the_setting() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let remote: IpAddr = "203.0.113.7".parse().unwrap();
        let none = HeaderMap::new();
        let at = |exposure, token: Option<&str>| MetricsAccess { exposure, token: token.map(str::to_owned) };
        let status = |r: Result<(), Refusal>| r.err().map(|r| r.into_response().status());
        assert_eq!(status(admit(&at(Exposure::Off, None), Some(local), &none)), Some(StatusCode::NOT_FOUND));
        assert_eq!(status(admit(&at(Exposure::Local, None), Some(local), &none)), None);
        assert_eq!(status(admit(&at(Exposure::Local, None), Some(remote), &none)), Some(StatusCode::FORBIDDEN));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7"));
        assert_eq!(status(admit(&at(Exposure::Local, None), Some(local), &proxied)), Some(StatusCode::FORBIDDEN));
        assert_eq!(status(admit(&at(Exposure::On, None), Some(remote), &none)), None);
        let token = at(Exposure::On, Some("s3cret"));
        assert_eq!(status(admit(&token, Some(remote), &none)), Some(StatusCode::UNAUTHORIZED));
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        assert_eq!(status(admit(&token, Some(remote), &bearer)), None);
        bearer.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cre"));
        assert_eq!(status(admit(&token, Some(remote), &bearer)), Some(StatusCode::UNAUTHORIZED));
    }
}
