//! `/metrics` as Prometheus sees it: calls that succeed, fail, are rate-limited and stream
//! move the right series, and the endpoint answers only the callers its setting allows.

use std::time::Duration;

use porthole_proto::v1 as pb;
use porthole_server::limits::Rates;
use porthole_server::metrics::{Exposure, MetricsAccess};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_stream::StreamExt as _;
use tonic::Code;

use crate::common::{self, Backend, TestServer, sign_up};

/// `GET /metrics` over HTTP/1.0 with extra header lines; returns (status code, body).
async fn get_metrics(server: &TestServer, extra_headers: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!("GET /metrics HTTP/1.0\r\nHost: localhost\r\n{extra_headers}\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

async fn scrape(server: &TestServer) -> String {
    let (status, body) = get_metrics(server, "").await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The value of the series `name` whose labels include every pair of `labels`, summed
/// over the series that match (0 when none does).
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, number) = line.rsplit_once(' ')?;
            let (series_name, series_labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let wanted = series_name == name
                && labels.iter().all(|(k, v)| series_labels.split(',').any(|pair| pair == format!("{k}=\"{v}\"")));
            wanted.then(|| number.parse::<f64>().ok()).flatten()
        })
        .sum()
}

/// Waits until `check` holds for a fresh scrape (figures settle when bodies end).
async fn eventually(server: &TestServer, what: &str, check: impl Fn(&str) -> bool) -> String {
    for _ in 0..100 {
        let text = scrape(server).await;
        if check(&text) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} never held:\n{}", scrape(server).await);
}

const LOG_IN: &str = "porthole.v1.AuthService/LogIn";
const GET_WORKSPACE: &str = "porthole.v1.WorkspaceService/GetWorkspace";
const WATCH: &str = "porthole.v1.ConversationService/WatchWorkspace";

/// A successful call, failed ones, rate-limited ones and a stream each move their series;
/// the pool, query, bus, job and memory figures are there and plausible.
async fn calls_move_their_series(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.rate_limits = Rates::parse("login_per_ip=3/1h").unwrap();
    })
    .await;
    let (owner, _) = sign_up(&server, "metrics@example.com", "Metrics Co").await;
    let before = scrape(&server).await;
    for name in [
        "porthole_rpc_requests_total",
        "porthole_rpc_duration_seconds",
        "porthole_streams_open",
        "porthole_bus_delivery_seconds",
        "porthole_event_log_lag_seconds",
        "porthole_db_pool_connections",
        "porthole_db_pool_max",
        "porthole_db_query_duration_seconds",
        "porthole_jobs_queued",
        "porthole_job_failures_total",
        "porthole_rate_limited_total",
        "process_resident_memory_bytes",
    ] {
        assert!(before.contains(&format!("# TYPE {name} ")), "{name} missing:\n{before}");
    }

    // Success.
    owner.workspace().get_workspace(pb::GetWorkspaceRequest::default()).await.unwrap();
    // Failures, then the rate limit (3 sign-in attempts an hour from one address).
    let client = server.new_client();
    let mut codes = Vec::new();
    for _ in 0..5 {
        let attempt =
            pb::LogInRequest { email: "metrics@example.com".into(), password: "wrong".into(), ..Default::default() };
        codes.push(client.auth().log_in(attempt).await.unwrap_err().code());
    }
    assert_eq!(codes.iter().filter(|c| **c == Code::ResourceExhausted).count(), 2, "{codes:?}");
    let failed = codes.iter().filter(|c| **c == Code::Unauthenticated).count();

    let after = eventually(&server, "the calls are counted", |text| {
        value(text, "porthole_rpc_requests_total", &[("method", GET_WORKSPACE), ("code", "OK")]) >= 1.0
    })
    .await;
    let delta = |name: &str, labels: &[(&str, &str)]| value(&after, name, labels) - value(&before, name, labels);
    assert_eq!(delta("porthole_rpc_requests_total", &[("method", GET_WORKSPACE), ("code", "OK")]), 1.0);
    #[allow(clippy::cast_precision_loss)]
    let failed = failed as f64;
    assert_eq!(delta("porthole_rpc_requests_total", &[("method", LOG_IN), ("code", "UNAUTHENTICATED")]), failed);
    assert_eq!(delta("porthole_rpc_requests_total", &[("method", LOG_IN), ("code", "RESOURCE_EXHAUSTED")]), 2.0);
    assert_eq!(delta("porthole_rate_limited_total", &[("limit", "login_per_ip")]), 2.0);
    assert_eq!(delta("porthole_rate_limited_total", &[("limit", "messages_per_visitor")]), 0.0);
    assert_eq!(delta("porthole_rpc_duration_seconds_count", &[("method", GET_WORKSPACE)]), 1.0);
    assert_eq!(delta("porthole_rpc_duration_seconds_count", &[("method", LOG_IN)]), 5.0);
    assert!(value(&after, "porthole_db_query_duration_seconds_count", &[("op", "read")]) > 0.0);
    assert!(value(&after, "porthole_db_query_duration_seconds_count", &[("op", "write")]) > 0.0);

    // The pools: SQLite has one writer beside its 4 readers; PostgreSQL one pool of 4.
    let max = value(&after, "porthole_db_pool_max", &[]);
    assert_eq!(max, if matches!(backend, Backend::Sqlite) { 5.0 } else { 4.0 });
    let open = value(&after, "porthole_db_pool_connections", &[("state", "in_use")])
        + value(&after, "porthole_db_pool_connections", &[("state", "idle")]);
    assert!(open >= 1.0 && open <= max, "{open} connections of {max}");
    assert!(value(&after, "process_resident_memory_bytes", &[]) > 1e6);
    assert_eq!(value(&after, "porthole_jobs_queued", &[("kind", "webhook")]), 0.0);
    let lag = value(&after, "porthole_event_log_lag_seconds", &[]);
    assert!((0.0..30.0).contains(&lag), "event log lag {lag}");

    // A stream: open while it runs, closed (and counted) when the client drops it.
    let widget = common::create_widget(&owner, "Site").await;
    let mut feed =
        owner.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    feed.next().await.unwrap().unwrap(); // the first heartbeat: the feed is live
    let open = eventually(&server, "the feed counts as open", |text| {
        value(text, "porthole_streams_open", &[("kind", "workspace_feed")]) == 1.0
    })
    .await;
    assert_eq!(value(&open, "porthole_rpc_requests_total", &[("method", WATCH)]), 0.0, "counted only when it ends");

    // A visitor's message reaches the open feed through the bus: one delivery timed.
    let deliveries_before = value(&open, "porthole_bus_delivery_seconds_count", &[]);
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    common::visitor_says(&visitor, &conversation.id, "hello", "m-1").await;
    eventually(&server, "bus deliveries are timed", |text| {
        value(text, "porthole_bus_delivery_seconds_count", &[]) > deliveries_before
    })
    .await;

    drop(feed);
    let closed = eventually(&server, "the feed counts as closed", |text| {
        value(text, "porthole_streams_open", &[("kind", "workspace_feed")]) == 0.0
    })
    .await;
    assert_eq!(value(&closed, "porthole_rpc_requests_total", &[("method", WATCH), ("code", "CANCELLED")]), 1.0);
    assert_eq!(value(&closed, "porthole_rpc_duration_seconds_count", &[("method", WATCH)]), 0.0, "streams untimed");
    server.stop().await;
}
on_both_backends!(calls_move_their_series);

/// A failing webhook delivery counts as a failed job of its kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_jobs_are_counted_by_kind() {
    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.webhook_addresses.allowed = vec!["127.0.0.0/8".parse().unwrap()];
        config.first_job_retry = Duration::from_secs(600);
    })
    .await;
    // Nothing listens on this port: every delivery attempt fails.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (owner, _) = sign_up(&server, "hooks@example.com", "Hooks Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    owner
        .webhooks()
        .create_webhook(pb::CreateWebhookRequest {
            url: format!("http://127.0.0.1:{closed_port}/hook"),
            description: String::new(),
            event_types: vec!["message.created".into()],
        })
        .await
        .unwrap();
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    common::visitor_says(&visitor, &conversation.id, "hello", "m-1").await;
    let text = eventually(&server, "the failed delivery is counted", |text| {
        value(text, "porthole_job_failures_total", &[("kind", "webhook")]) >= 1.0
    })
    .await;
    assert_eq!(value(&text, "porthole_job_failures_total", &[("kind", "email")]), 0.0);
    server.stop().await;
}

/// By default only this host may scrape, and not through a proxy; a token, when set, is
/// required; `off` hides the endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_allowed_callers_may_scrape() {
    let server = TestServer::start(Backend::Sqlite).await;
    assert_eq!(get_metrics(&server, "").await.0, 200, "a loopback caller is served by default");
    let (status, _) = get_metrics(&server, "X-Forwarded-For: 203.0.113.9\r\n").await;
    assert_eq!(status, 403, "a request a proxy forwarded is not local");
    server.stop().await;

    let token = "a-metrics-token-for-tests";
    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.metrics = MetricsAccess { exposure: Exposure::On, token: Some(token.into()) };
    })
    .await;
    assert_eq!(get_metrics(&server, "").await.0, 401);
    assert_eq!(get_metrics(&server, "Authorization: Bearer not-the-token\r\n").await.0, 401);
    let (status, body) = get_metrics(&server, &format!("Authorization: Bearer {token}\r\n")).await;
    assert_eq!(status, 200);
    assert!(body.contains("porthole_db_pool_max"), "{body}");
    server.stop().await;

    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.metrics = MetricsAccess { exposure: Exposure::Off, token: None };
    })
    .await;
    assert_eq!(get_metrics(&server, "").await.0, 404);
    server.stop().await;
}

/// The method table names every method of the API, streams as streams.
#[test]
fn the_method_table_knows_every_method() {
    let methods = porthole_server::api::methods();
    let find = |path: &str| methods.iter().find(|m| m.path == path).map(|m| m.server_streaming);
    assert_eq!(find("/porthole.v1.AuthService/LogIn"), Some(false));
    assert_eq!(find("/porthole.v1.ConversationService/WatchWorkspace"), Some(true));
    assert_eq!(find("/porthole.v1.VisitorService/WatchVisitorFeed"), Some(true));
    assert_eq!(find("/grpc.health.v1.Health/Check"), Some(false));
    assert!(methods.len() > 40, "{} methods", methods.len());
}

/// Across replicas the bus delivery time covers Redis: a message published on replica A
/// is timed when replica B hands it to its agent's feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_from_another_replica_are_timed() {
    let (a, b) = common::replica_pair(common::test_redis_url()).await;
    let (owner, _) = sign_up(&a, "replica-metrics@example.com", "Replica Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let agent_b = common::log_in(&b, "replica-metrics@example.com").await;
    let mut feed =
        agent_b.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    feed.next().await.unwrap().unwrap();
    let before = value(&scrape(&b).await, "porthole_bus_delivery_seconds_count", &[]);

    let (visitor, _) = common::start_visitor(&a, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    common::visitor_says(&visitor, &conversation.id, "hello from A", "ra-1").await;
    let text = eventually(&b, "replica B times what A published", |text| {
        value(text, "porthole_bus_delivery_seconds_count", &[]) > before
    })
    .await;
    // Two processes on one host share a clock: the time is small and never negative.
    let sum = value(&text, "porthole_bus_delivery_seconds_sum", &[]);
    let count = value(&text, "porthole_bus_delivery_seconds_count", &[]);
    assert!(sum >= 0.0 && sum / count < 1.0, "mean delivery {} s", sum / count);
    drop(feed);
    b.stop().await;
    a.stop().await;
}
