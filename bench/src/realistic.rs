//! The `realistic` scenario (issue 19): Porthole against the Socket.IO peer under the load a
//! site with the widget puts on them, beside `compare`'s worst case of every visitor chatting.
//! On such a site most visitors only browse with the widget loaded, so what decides how many
//! a server carries is the cost of connected, browsing visitors, not of messages.
//!
//! **Porthole**: N visitors, each making the widget's calls as widget-web/src/chat.ts makes
//! them. Loading: GetWidgetConfig, StartSession, RecordPageView, WatchVisitorFeed and, after the
//! feed's first item, ListVisitorConversations (and ListMessages of the open conversation).
//! While the page is open: Heartbeat then GetWidgetConfig every 30 s (`heartbeatMs`), and a
//! RecordPageView on each navigation, every `--nav-interval` (60 s). `--chatting` (5 %) of the
//! visitors, spread over all, are in a conversation and send a message every `--chat-interval`
//! (20 s): SetTyping 2 s before (the widget says so at most every 3 s), SetTyping false as
//! they send. 20 agents (`--agents`) watch the workspace feed. Every call is due at its own
//! time, phases spread evenly (open loop: a late call is measured from when it was due).
//!
//! **The peer** does the same in its terms (bench/peer/load.js with `--nav-interval`): all N
//! connect, the chatting ones emit `typing` and `send`, every visitor emits `page_view` on
//! navigation, which the peer server stores with one INSERT. It has no sessions, widget
//! configuration or presence writes (Socket.IO's own ping keeps the connection) and tells the
//! agents nothing of page views: the comparison flatters it.
//!
//! **Measured**, after every visitor has loaded: messages and calls due from `--warmup` after
//! the steady state began, for `--duration`, then 1 s to drain. Send→deliver latency to the
//! visitor's feed and the agents' (a message due before the window carries a body the
//! receivers ignore, so exactly the window's messages are counted), each call's latency,
//! errors (failed calls, feeds ended early), server CPU and RSS; then, for each side, the
//! largest N with p99 ≤ 50 ms (`search::largest_n`, the search `compare` uses) and the ratio
//! (issue 19's target: Porthole's N at least 5× the peer's).
//!
//! Navigation is a single-page app's (the widget stays loaded and records a page view); on a
//! site whose every link loads a new page the widget would also load again and reopen its
//! feed. `--quick` runs 100 visitors with every interval a twentieth as long and 2 s windows.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use porthole_client::pb;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio_stream::StreamExt as _;

use crate::Args;
use crate::client::{Client, Protocol};
use crate::peer::{missing, run_peer};
use crate::process::{ServerEnv, StealMeter, cpu_time_of, set_open_files};
use crate::runs::{Figure, figure, scaled};
use crate::scenarios::{
    Shared, backend_name, histogram, latency_of, record, stamp, start_server, summary, watch_as_agents, workspace,
};
use crate::search::{P99_LIMIT_MS, caveats, largest_n, number, ratio, times};

/// The widget's heartbeat (`heartbeatMs` in widget-web/src/chat.ts).
const WIDGET_HEARTBEAT: Duration = Duration::from_secs(30);
/// How long a chatting visitor types before the message goes (one SetTyping at its start).
const TYPING_LEAD: Duration = Duration::from_secs(2);
/// Agents watching the workspace feed unless `--agents` is given (issue 19's load).
const AGENTS: usize = 20;
/// `--quick`: visitors unless `--visitors` is given (5 of them chat), every interval this
/// many times shorter, and each point's window.
const QUICK_VISITORS: usize = 100;
const QUICK_TIME_SCALE: u32 = 20;
const QUICK_WINDOW: Duration = Duration::from_secs(2);
/// Visitors loading at once while a run is set up (setup is not measured).
const LOAD_CONCURRENCY: usize = 64;
/// Visitors sharing one HTTP/2 connection (a pool for grpc-web's unary calls), as in `chat`.
const VISITORS_PER_CONNECTION: usize = 100;
/// A feed's first item (a heartbeat) is sent at once; this long without it is an error.
const FIRST_ITEM_LIMIT: Duration = Duration::from_secs(30);
/// File descriptors beyond one per feed connection (grpc-web).
const SPARE_FILES: u64 = 1024;
/// Issue 19's target: Porthole's largest N at least this many times the peer's.
const TARGET_RATIO: f64 = 5.0;
/// Where the visitors browse; the referrer that brought them (the widget sends it every time).
const SITE: &str = "https://shop.example.com";
const REFERRER: &str = "https://www.example.org/search?q=shop";

/// The figures `--runs` summarises for a realistic run.
pub const FIGURES: &[Figure] = &[
    figure("porthole to visitor p99", &["porthole", "to_visitor", "p99_ms"], "ms"),
    figure("peer to visitor p99", &["peer", "to_visitor", "p99_ms"], "ms"),
    figure("porthole to agents p99", &["porthole", "to_agents", "p99_ms"], "ms"),
    figure("peer to agents p99", &["peer", "to_agents", "p99_ms"], "ms"),
    figure("porthole CPU", &["porthole", "server_cpu_percent"], "%"),
    figure("peer CPU", &["peer", "server_cpu_percent"], "%"),
    scaled("porthole RSS", &["porthole", "server_rss_bytes"], "MB", 1e-6),
    scaled("peer RSS", &["peer", "server_rss_bytes"], "MB", 1e-6),
    figure("largest N porthole", &["search", "porthole", "largest_passing_visitors"], ""),
    figure("largest N peer", &["search", "peer", "largest_passing_visitors"], ""),
    figure("largest N porthole/peer", &["ratios_porthole_over_peer", "largest_n"], "×"),
];

/// How often each visitor does what (shortened together by `--quick`).
#[derive(Clone, Copy, Debug)]
struct Pace {
    chat: Duration,
    nav: Duration,
    heartbeat: Duration,
    typing_lead: Duration,
}

impl Pace {
    fn of(args: &Args) -> Self {
        let scale = if args.quick { QUICK_TIME_SCALE } else { 1 };
        let chat = args.chat_interval / scale;
        // Typing starts after the previous message went.
        let typing_lead = (TYPING_LEAD / scale).min(chat / 2);
        Self { chat, nav: args.nav_interval / scale, heartbeat: WIDGET_HEARTBEAT / scale, typing_lead }
    }
}

/// Whether visitor `v` is one of the chatting `share`: every (1/share)-th, so they are spread
/// over the shared connections. bench/peer/load.js picks the same ones.
fn chats(v: usize, share: f64) -> bool {
    ((v + 1) as f64 * share).floor() > (v as f64 * share).floor()
}

fn chatting_count(visitors: usize, share: f64) -> usize {
    (0..visitors).filter(|&v| chats(v, share)).count()
}

/// The page a visitor is on at `at`: page 1 from loading, one more at each navigation (the
/// first at `first_nav`, then every `every`).
fn page_at(at: Instant, first_nav: Instant, every: Duration) -> u64 {
    match at.checked_duration_since(first_nav) {
        Some(since) => 2 + (since.as_nanos() / every.as_nanos().max(1)) as u64,
        None => 1,
    }
}

fn page_url(page: u64) -> String {
    format!("{SITE}/products/{page}")
}

fn page_view(page: u64) -> pb::RecordPageViewRequest {
    pb::RecordPageViewRequest {
        url: page_url(page),
        title: format!("Product {page} | Shop"),
        referrer: REFERRER.into(),
    }
}

/// `args` with this scenario's own defaults: 20 agents, and `--quick`'s numbers.
fn prepared(args: &Args) -> Result<Args, String> {
    let mut args = args.clone();
    if !args.agents_given {
        args.agents = AGENTS;
    }
    if args.quick {
        if !args.visitors_given {
            args.visitors = QUICK_VISITORS;
        }
        // The first point and one doubling, as `compare --quick`.
        args.search_max = 2 * args.visitors;
        args.duration = QUICK_WINDOW;
        args.search_duration = QUICK_WINDOW;
    }
    if args.chat_interval.is_zero() || args.nav_interval.is_zero() {
        return Err("realistic: --chat-interval and --nav-interval must be longer than 0".into());
    }
    Ok(args)
}

/// Runs both sides at `--visitors`, then the largest-N search for each; fails at once, saying
/// what to install, when the peer cannot run.
pub async fn realistic(args: &Args) -> Result<Value, String> {
    if let Some(why) = missing(&args.peer_dir) {
        return Err(format!("realistic: {why}"));
    }
    let args = &prepared(args)?;
    let pace = Pace::of(args);
    let backend = backend_name(args);
    let porthole = porthole_point(args).await?;
    let peer = peer_point(args).await?;
    let peer_backend = peer["backend"].as_str().unwrap_or("?").to_owned();
    let mut search_porthole =
        largest_n(args, "realistic[porthole]", &porthole, async |a: &Args| porthole_point(a).await).await;
    let mut search_peer = largest_n(args, "realistic[peer]", &peer, async |a: &Args| peer_point(a).await).await;
    for search in [&mut search_porthole, &mut search_peer] {
        let largest = number(search, &["largest_passing_visitors"]) as usize;
        let rate = chatting_count(largest, args.chatting) as f64 / pace.chat.as_secs_f64();
        if let Value::Object(fields) = search {
            fields.insert("msgs_per_sec_at_largest".into(), json!(rate));
        }
    }

    let f = number;
    let p99_visitor = ratio(f(&porthole, &["to_visitor", "p99_ms"]), f(&peer, &["to_visitor", "p99_ms"]));
    let p99_agents = ratio(f(&porthole, &["to_agents", "p99_ms"]), f(&peer, &["to_agents", "p99_ms"]));
    let cpu = ratio(f(&porthole, &["server_cpu_percent"]), f(&peer, &["server_cpu_percent"]));
    let rss = ratio(f(&porthole, &["server_rss_bytes"]), f(&peer, &["server_rss_bytes"]));
    let n_porthole = f(&search_porthole, &["largest_passing_visitors"]);
    let n_peer = f(&search_peer, &["largest_passing_visitors"]);
    let max_clients = ratio(n_porthole, n_peer);
    let load = format!(
        "{} chatting one message per {} s, a page view per visitor every {} s, {} agents",
        chatting_count(args.visitors, args.chatting),
        pace.chat.as_secs_f64(),
        pace.nav.as_secs_f64(),
        args.agents,
    );
    println!(
        "realistic: same load ({} visitors, {load}; porthole over {} on {backend}, peer on {peer_backend}), porthole/peer: \
         to-visitor p99 {} ms / {} ms = {}; to-agents p99 {} / {} = {}; server CPU {:.0}% / {:.0}% = {}; RSS {:.1} / \
         {:.1} MB = {}",
        args.visitors,
        args.protocol.as_str(),
        porthole["to_visitor"]["p99_ms"],
        peer["to_visitor"]["p99_ms"],
        times(p99_visitor),
        porthole["to_agents"]["p99_ms"],
        peer["to_agents"]["p99_ms"],
        times(p99_agents),
        f(&porthole, &["server_cpu_percent"]),
        f(&peer, &["server_cpu_percent"]),
        times(cpu),
        f(&porthole, &["server_rss_bytes"]) / 1e6,
        f(&peer, &["server_rss_bytes"]) / 1e6,
        times(rss),
    );
    println!(
        "realistic: largest N with p99 ≤ {P99_LIMIT_MS} ms ({}% chatting one message per {} s, a page view every {} s, \
         {} agents; porthole on {backend}, peer on {peer_backend}): porthole {n_porthole}{}, peer {n_peer}{}; \
         porthole/peer = {} (issue 19 target ≥ {TARGET_RATIO}×)",
        args.chatting * 100.0,
        pace.chat.as_secs_f64(),
        pace.nav.as_secs_f64(),
        args.agents,
        caveats(&search_porthole),
        caveats(&search_peer),
        times(max_clients),
    );
    Ok(json!({ "scenario": "realistic", "backend": { "porthole": backend, "peer": peer_backend },
        "load": { "visitors": args.visitors, "agents": args.agents, "chatting_share": args.chatting,
            "chat_interval_s": pace.chat.as_secs_f64(), "nav_interval_s": pace.nav.as_secs_f64(),
            "heartbeat_interval_s": pace.heartbeat.as_secs_f64(), "typing_lead_s": pace.typing_lead.as_secs_f64(),
            "protocol": args.protocol.as_str(), "quick": args.quick },
        "p99_limit_ms": P99_LIMIT_MS, "porthole": porthole, "peer": peer,
        "search": { "porthole": search_porthole, "peer": search_peer },
        "ratios_porthole_over_peer": { "to_visitor_p99": p99_visitor, "to_agents_p99": p99_agents,
            "server_cpu": cpu, "server_rss": rss, "largest_n": max_clients },
        "target_largest_n_ratio": TARGET_RATIO }))
}

/// One summary line for a point of either side.
fn print_point(side: &str, args: &Args, result: &Value) {
    let (v, a) = (&result["to_visitor"], &result["to_agents"]);
    println!(
        "realistic[{side} on {}]: {} visitors ({} chatting), {} agents, {:.1} msg/s, {:.0} calls/s: to visitor p50 {} p99 \
         {} p99.9 {} max {} ms; to agents p50 {} p99 {} p99.9 {} max {} ms; page view p99 {} ms; {} errors; server CPU \
         {:.0}% RSS {:.1} MB; load client CPU {:.0}%",
        result["backend"].as_str().unwrap_or("?"),
        args.visitors,
        result["chatting"],
        args.agents,
        number(result, &["msgs_per_sec"]),
        number(result, &["calls_per_sec"]),
        v["p50_ms"],
        v["p99_ms"],
        v["p999_ms"],
        v["max_ms"],
        a["p50_ms"],
        a["p99_ms"],
        a["p999_ms"],
        a["max_ms"],
        result["calls"]["page_view"]["p99_ms"],
        result["errors"],
        number(result, &["server_cpu_percent"]),
        number(result, &["server_rss_bytes"]) / 1e6,
        number(result, &["client_cpu_percent"]),
    );
}

/// The peer at `args`: load.js in its realistic mode, with the same pace and chatting share.
async fn peer_point(args: &Args) -> Result<Value, String> {
    let pace = Pace::of(args);
    let seconds = |d: Duration| d.as_secs_f64().to_string();
    let flags = vec![
        "--chatting".into(),
        args.chatting.to_string(),
        "--chat-interval".into(),
        seconds(pace.chat),
        "--nav-interval".into(),
        seconds(pace.nav),
        "--typing-lead".into(),
        seconds(pace.typing_lead),
    ];
    let mut result = run_peer(args, flags).await?;
    let rate = number(&result, &["chatting"]) / pace.chat.as_secs_f64();
    if let Value::Object(fields) = &mut result {
        fields.insert("side".into(), json!("peer"));
        fields.insert("msgs_per_sec".into(), json!(rate));
    }
    print_point("peer", args, &result);
    Ok(result)
}

/// One kind of call the visitors make: its latency (from when it was due) for the calls due in
/// the window that succeeded.
struct Kind {
    name: &'static str,
    latency: Shared,
}

/// Every call's outcome in a Porthole run. Failures count whenever they happen.
struct Outcomes {
    measure_from: Instant,
    page_view: Kind,
    heartbeat: Kind,
    widget_config: Kind,
    typing: Kind,
    send: Kind,
    failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Outcomes {
    fn new(measure_from: Instant) -> Result<Self, String> {
        let kind = |name| histogram().map(|latency| Kind { name, latency });
        Ok(Self {
            measure_from,
            page_view: kind("RecordPageView")?,
            heartbeat: kind("Heartbeat")?,
            widget_config: kind("GetWidgetConfig")?,
            typing: kind("SetTyping")?,
            send: kind("SendMessage")?,
            failed: AtomicU64::new(0),
            first_error: Mutex::new(None),
        })
    }

    fn note<T>(&self, kind: &Kind, due: Instant, result: Result<T, tonic::Status>) {
        match result {
            Ok(_) if due >= self.measure_from => record(&kind.latency, due.elapsed().as_micros() as u64),
            Ok(_) => {}
            Err(status) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut first) = self.first_error.lock() {
                    first.get_or_insert_with(|| format!("{}: {status}", kind.name));
                }
            }
        }
    }

    fn kinds(&self) -> [&Kind; 5] {
        [&self.page_view, &self.heartbeat, &self.widget_config, &self.typing, &self.send]
    }
}

/// When a call of one kind is due: at `first`, then every `every`, before `end`. Each task
/// sleeps until the next and makes one call at a time (the widget chains its page views); each
/// is due at its own time, so a late one does not move the next (open loop). Tokio's timers
/// never fire early.
fn schedule(first: Instant, every: Duration, end: Instant) -> impl Iterator<Item = Instant> {
    std::iter::successors(Some(first), move |due| Some(*due + every)).take_while(move |due| *due < end)
}

/// What the visitors' feeds share: where deliveries go, and whether the run still goes on
/// (a feed that ends before is counted as dropped).
#[derive(Clone)]
struct Feeds {
    origin: Instant,
    to_visitor: Shared,
    running: Arc<AtomicBool>,
    dropped: Arc<AtomicU64>,
}

/// A visitor as the widget leaves it after loading.
struct Loaded {
    /// Carries the visitor's token.
    client: Client,
    /// Its conversation, when it is one of those chatting.
    conversation: Option<String>,
}

/// The error of a call made while loading, named.
fn failed(call: &'static str) -> impl Fn(tonic::Status) -> String {
    move |status| format!("{call}: {status}")
}

/// Loads the widget for visitor `v` on `connection` as the widget does on a page load (a
/// chatting visitor first gets the conversation it has been having), and starts its feed.
async fn load(
    connection: Client,
    url: String,
    widget_token: String,
    chatting: bool,
    protocol: Protocol,
    feeds: Feeds,
) -> Result<Loaded, String> {
    let client = connection.with_separate_token();
    client
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget_token.clone() })
        .await
        .map_err(failed("GetWidgetConfig"))?;
    let session = client
        .visitor()
        .start_session(pb::StartSessionRequest {
            widget_token,
            visitor_token: String::new(),
            language: "en".into(),
            time_zone: "Europe/Berlin".into(),
        })
        .await
        .map_err(failed("StartSession"))?
        .into_inner();
    client.set_token(Some(session.visitor_token.clone()));
    let conversation = if chatting {
        let started = client
            .visitor()
            .start_conversation(pb::StartConversationRequest {
                source_url: page_url(1),
                source_title: "Product 1 | Shop".into(),
                ..Default::default()
            })
            .await
            .map_err(failed("StartConversation"))?
            .into_inner();
        Some(started.conversation.ok_or("StartConversation: no conversation")?.id)
    } else {
        None
    };
    client.visitor().record_page_view(page_view(1)).await.map_err(failed("RecordPageView"))?;
    // Over grpc-web each feed holds an HTTP/1.1 connection of its own, as each browser tab does.
    let feed_client = match protocol {
        Protocol::Grpc => client.clone(),
        Protocol::GrpcWeb => {
            let own = crate::client::connect(protocol, &url, None).await?;
            own.set_token(Some(session.visitor_token));
            own
        }
    };
    let mut feed = feed_client
        .visitor()
        .watch_visitor_feed(pb::WatchVisitorFeedRequest::default())
        .await
        .map_err(failed("WatchVisitorFeed"))?
        .into_inner();
    // The widget loads the conversation after the feed's first item, so nothing written in
    // between is missed.
    match tokio::time::timeout(FIRST_ITEM_LIMIT, feed.next()).await {
        Ok(Some(Ok(_))) => {}
        Ok(Some(Err(status))) => return Err(format!("WatchVisitorFeed: {status}")),
        Ok(None) => return Err("WatchVisitorFeed: ended before its first item".into()),
        Err(_) => return Err(format!("WatchVisitorFeed: no first item within {FIRST_ITEM_LIMIT:?}")),
    }
    let listed = client
        .visitor()
        .list_visitor_conversations(pb::ListVisitorConversationsRequest {})
        .await
        .map_err(failed("ListVisitorConversations"))?
        .into_inner();
    if let Some(current) = listed.conversations.first() {
        client
            .visitor()
            .list_messages(pb::ListMessagesRequest {
                conversation_id: current.id.clone(),
                before_seq: 0,
                page_size: 50,
            })
            .await
            .map_err(failed("ListMessages"))?;
    }
    tokio::spawn(async move {
        // The client owns the feed's connection: keep it as long as the feed.
        let _connection = feed_client;
        while let Some(Ok(item)) = feed.next().await {
            if let Some(pb::watch_visitor_feed_response::Event::MessageCreated(m)) = item.event
                && let Some(us) = latency_of(feeds.origin, &m.body)
            {
                record(&feeds.to_visitor, us);
            }
        }
        if feeds.running.load(Ordering::Relaxed) {
            feeds.dropped.fetch_add(1, Ordering::Relaxed);
        }
    });
    Ok(Loaded { client, conversation })
}

/// Porthole at `args`: a server of its own, the visitors loaded, then the steady state.
async fn porthole_point(args: &Args) -> Result<Value, String> {
    let pace = Pace::of(args);
    let protocol = args.protocol;
    let n = args.visitors;
    // Over grpc-web every feed has a connection; over gRPC 100 visitors share one.
    let open_files = match protocol {
        Protocol::GrpcWeb => (n + args.agents) as u64 + SPARE_FILES,
        Protocol::Grpc => 0,
    };
    if open_files > 0 {
        set_open_files(None, open_files).map_err(|e| format!("realistic: this process: {e}"))?;
    }
    let started = start_server(args, ServerEnv { open_files, ..Default::default() }).await?;
    let server = &started.server;
    let (owner, widget_token) = workspace(protocol, &server.url).await?;
    let origin = Instant::now();
    let to_agents = histogram()?;
    // Only the window's messages carry a stamp, so every one that arrives counts.
    watch_as_agents(protocol, &server.url, &owner, args.agents, (origin, origin), &to_agents).await?;

    let feeds = Feeds {
        origin,
        to_visitor: histogram()?,
        running: Arc::new(AtomicBool::new(true)),
        dropped: Arc::new(AtomicU64::new(0)),
    };
    let mut connections = Vec::new();
    for _ in 0..n.div_ceil(VISITORS_PER_CONNECTION) {
        connections.push(crate::client::connect(protocol, &server.url, None).await?);
    }
    let mut loaded = Vec::with_capacity(n);
    let mut loading = JoinSet::new();
    for v in 0..n {
        if loading.len() >= LOAD_CONCURRENCY
            && let Some(done) = loading.join_next().await
        {
            loaded.push(done.map_err(|e| e.to_string())??);
        }
        let connection = connections.get(v / VISITORS_PER_CONNECTION).ok_or("no connection")?.clone();
        let (url, widget_token, feeds) = (server.url.clone(), widget_token.clone(), feeds.clone());
        let chatting = chats(v, args.chatting);
        loading.spawn(async move {
            load(connection, url, widget_token, chatting, protocol, feeds).await.map(|visitor| (v, visitor))
        });
    }
    while let Some(done) = loading.join_next().await {
        loaded.push(done.map_err(|e| e.to_string())??);
    }
    // Phases follow the visitor's number, as load.js's do.
    loaded.sort_unstable_by_key(|(v, _)| *v);
    let setup_s = origin.elapsed().as_secs_f64();

    let cpu_before = server.cpu_time();
    let bench_cpu_before = cpu_time_of(std::process::id());
    let steal = StealMeter::start();
    let wall = Instant::now();
    let start = Instant::now() + Duration::from_millis(200);
    let measure_from = start + args.warmup;
    let end = measure_from + args.duration;
    let outcomes = Arc::new(Outcomes::new(measure_from)?);
    let (sent, measured_sent) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let chatting = loaded.iter().filter(|(_, l)| l.conversation.is_some()).count();
    let mut k = 0;
    let mut tasks = JoinSet::new();
    for (v, visitor) in loaded {
        let phase = |every: Duration| every.mul_f64(v as f64 / n as f64);
        let first_nav = start + phase(pace.nav);
        let (client, o) = (visitor.client.clone(), outcomes.clone());
        tasks.spawn(async move {
            for due in schedule(first_nav, pace.nav, end) {
                tokio::time::sleep_until(due.into()).await;
                let result = client.visitor().record_page_view(page_view(page_at(due, first_nav, pace.nav))).await;
                o.note(&o.page_view, due, result);
            }
        });
        let (client, o, widget_token) = (visitor.client.clone(), outcomes.clone(), widget_token.clone());
        let first_beat = start + phase(pace.heartbeat);
        tasks.spawn(async move {
            // The widget's tick: the heartbeat, then the configuration (who answers now).
            for due in schedule(first_beat, pace.heartbeat, end) {
                tokio::time::sleep_until(due.into()).await;
                let url = page_url(page_at(due, first_nav, pace.nav));
                let result = client.visitor().heartbeat(pb::HeartbeatRequest { url }).await;
                let beat = result.is_ok();
                o.note(&o.heartbeat, due, result);
                if beat {
                    // Timed from when it went (after the heartbeat), not from the tick.
                    let asked_at = Instant::now();
                    let asked = pb::GetWidgetConfigRequest { widget_token: widget_token.clone() };
                    o.note(&o.widget_config, asked_at, client.visitor().get_widget_config(asked).await);
                }
            }
        });
        let Some(conversation) = visitor.conversation else { continue };
        let (client, o) = (visitor.client, outcomes.clone());
        let (sent, measured_sent) = (sent.clone(), measured_sent.clone());
        // Chatting visitors' phases spread over the interval among themselves.
        let typing_from = start + pace.chat.mul_f64(k as f64 / chatting.max(1) as f64);
        k += 1;
        let lead = pace.typing_lead;
        tasks.spawn(async move {
            for typing_due in schedule(typing_from, pace.chat, end.checked_sub(lead).unwrap_or(end)) {
                tokio::time::sleep_until(typing_due.into()).await;
                let typing = |typing| pb::SetTypingRequest { conversation_id: conversation.clone(), typing };
                let due = typing_due + lead;
                let measured = due >= measure_from;
                let micros = due.duration_since(origin).as_micros();
                // Messages due before the window carry a body the feeds do not count.
                let body = if measured { stamp(origin, due) } else { format!("w:{micros}") };
                let message = pb::SendMessageRequest {
                    conversation_id: conversation.clone(),
                    body,
                    client_key: format!("r{v}-{micros}"),
                    attachment_ids: vec![],
                };
                // As the widget: SetTyping is never waited for, so the message goes when it is
                // due, and "stopped typing" goes beside it.
                let (mut starting, mut stopping, mut sending) = (client.visitor(), client.visitor(), client.visitor());
                let started_typing = async { o.note(&o.typing, typing_due, starting.set_typing(typing(true)).await) };
                let send = async {
                    tokio::time::sleep_until(due.into()).await;
                    tokio::join!(stopping.set_typing(typing(false)), sending.send_message(message))
                };
                let ((), (stopped, result)) = tokio::join!(started_typing, send);
                o.note(&o.typing, due, stopped);
                if result.is_ok() {
                    sent.fetch_add(1, Ordering::Relaxed);
                }
                if measured {
                    measured_sent.fetch_add(1, Ordering::Relaxed);
                }
                o.note(&o.send, due, result);
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| e.to_string())?;
    }
    // Deliveries still on their way.
    tokio::time::sleep(Duration::from_secs(1)).await;
    feeds.running.store(false, Ordering::Relaxed);
    let seconds = wall.elapsed().as_secs_f64();
    let cpu = server.cpu_time().saturating_sub(cpu_before).as_secs_f64() / seconds * 100.0;
    let bench_cpu = cpu_time_of(std::process::id()).saturating_sub(bench_cpu_before).as_secs_f64() / seconds * 100.0;
    let rss = server.rss_bytes();

    let calls: serde_json::Map<String, Value> = [
        ("page_view", &outcomes.page_view),
        ("heartbeat", &outcomes.heartbeat),
        ("widget_config", &outcomes.widget_config),
        ("typing", &outcomes.typing),
        ("send", &outcomes.send),
    ]
    .into_iter()
    .map(|(key, kind)| (key.to_owned(), summary(&kind.latency)))
    .collect();
    let answered: u64 = outcomes.kinds().iter().map(|k| k.latency.lock().map_or(0, |h| h.len())).sum();
    let calls_per_sec = answered as f64 / args.duration.as_secs_f64();
    let call_errors = outcomes.failed.load(Ordering::Relaxed);
    let dropped = feeds.dropped.load(Ordering::Relaxed);
    let first_error = outcomes.first_error.lock().ok().and_then(|first| first.clone());
    if let Some(why) = &first_error {
        eprintln!("realistic[porthole]: first failed call: {why}");
    }
    let result = json!({ "scenario": "realistic", "side": "porthole", "backend": backend_name(args),
        "protocol": protocol.as_str(), "visitors": n, "agents": args.agents, "chatting": chatting,
        "chat_interval_s": pace.chat.as_secs_f64(), "nav_interval_s": pace.nav.as_secs_f64(),
        "heartbeat_interval_s": pace.heartbeat.as_secs_f64(), "setup_s": setup_s,
        "msgs_per_sec": chatting as f64 / pace.chat.as_secs_f64(), "calls_per_sec": calls_per_sec,
        "messages_sent": sent.load(Ordering::Relaxed), "measured_sent": measured_sent.load(Ordering::Relaxed),
        "errors": call_errors + dropped, "call_errors": call_errors, "feeds_dropped": dropped,
        "first_error": first_error, "to_visitor": summary(&feeds.to_visitor), "to_agents": summary(&to_agents),
        "calls": calls, "server_cpu_percent": cpu, "server_rss_bytes": rss, "client_cpu_percent": bench_cpu,
        "steal_percent": steal.percent() });
    print_point(&format!("porthole over {}", protocol.as_str()), args, &result);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_visitor_in_twenty_chats_spread_over_all() {
        let chatting: Vec<usize> = (0..100).filter(|&v| chats(v, 0.05)).collect();
        assert_eq!(chatting, [19, 39, 59, 79, 99]);
        assert_eq!(chatting_count(10_000, 0.05), 500);
        assert_eq!(chatting_count(100, 0.0), 0);
        assert_eq!(chatting_count(7, 1.0), 7);
    }

    #[test]
    fn a_visitor_is_on_page_one_until_its_first_navigation_then_one_more_each() {
        let t0 = Instant::now();
        let first = t0 + Duration::from_secs(10);
        let every = Duration::from_secs(60);
        assert_eq!(page_at(t0, first, every), 1);
        assert_eq!(page_at(first, first, every), 2);
        assert_eq!(page_at(first + Duration::from_secs(59), first, every), 2);
        assert_eq!(page_at(first + Duration::from_secs(60), first, every), 3);
    }

    #[test]
    fn quick_mode_shortens_every_interval_alike_and_typing_fits_between_messages() {
        let args = Args { quick: true, ..Args::default() };
        let pace = Pace::of(&args);
        assert_eq!(pace.chat, Duration::from_secs(1));
        assert_eq!(pace.nav, Duration::from_secs(3));
        assert_eq!(pace.heartbeat, Duration::from_millis(1500));
        assert!(pace.typing_lead < pace.chat);
        let short = Args { chat_interval: Duration::from_secs(1), ..Args::default() };
        assert_eq!(Pace::of(&short).typing_lead, Duration::from_millis(500));
    }
}
