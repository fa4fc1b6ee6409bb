//! `chaos` (issue 14): two server processes on one fresh PostgreSQL database and a Redis of
//! the bench's own, under chat load, while the bench kills (`kill -9`) and restarts each
//! server and Redis and cuts a tenth of the feeds every two seconds. Visitors retry failed
//! sends with the same client key and feeds resume from their last cursor, as the widget and
//! the dashboard do; at the end every feed must hold every acknowledged message it may see
//! exactly once and in order. Anything missing, repeated or reordered fails the run.

use std::collections::{HashMap, HashSet};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use porthole_client::pb;
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::{sleep, sleep_until, timeout};
use tokio_stream::{Stream, StreamExt as _};

use crate::Args;
use crate::client::Client;
use crate::infra::TempDatabase;
use crate::process::{RedisServer, Server, ServerEnv};
use crate::runs::{Figure, figure};
use crate::scenarios::{owner_token, visitor, workspace};

/// The figures `--runs` summarises.
pub const FIGURES: &[Figure] = &[
    figure("acked", &["acked"], ""),
    figure("send retries", &["retries"], ""),
    figure("replayed by key", &["replayed_by_key"], ""),
    figure("longest send", &["longest_send_ms"], "ms"),
    figure("feed reconnects", &["feed_reconnects"], ""),
    figure("catch-up", &["catch_up_ms"], "ms"),
    figure("missing", &["missing"], ""),
    figure("duplicates", &["duplicates"], ""),
    figure("out of order", &["out_of_order"], ""),
];

/// Every client key the bench sends starts with this, so its messages are told apart from
/// anything else a feed carries.
const KEY_PREFIX: &str = "chaos-";
/// Visitors sharing one connection per server (as in `chat`).
const VISITORS_PER_CONNECTION: usize = 100;
/// `--duration` and the most visitors in `--quick` (the test command's run).
const QUICK_DURATION: Duration = Duration::from_secs(8);
const QUICK_VISITORS: usize = 10;
/// How often a tenth of the feeds is cut.
const CUT_EVERY: Duration = Duration::from_secs(2);
/// When, as shares of `--duration`, server A, Redis and server B go down.
const KILL_A_AT: f64 = 0.2;
const RESTART_REDIS_AT: f64 = 0.45;
const KILL_B_AT: f64 = 0.7;
/// How long a killed process stays down before it is started again (a supervisor's delay):
/// long enough for sends and feeds to meet it dead.
const DOWN_FOR: Duration = Duration::from_millis(500);
/// One send in this many (per visitor) loses its first answer: the client gives up on the
/// attempt after [`ABANDON_WITHIN`] at most, as when a connection drops with the request
/// sent, so the retry meets a message that may be stored, being stored, or not stored.
const LOSE_ANSWER_EVERY: usize = 10;
const ABANDON_WITHIN: Duration = Duration::from_millis(20);
/// Longest one send attempt or one feed open may take before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// A send still unacknowledged after this long is given up (and fails the run).
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);
/// Retry backoff of sends and feed reopens.
const FIRST_BACKOFF: Duration = Duration::from_millis(20);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How long the feeds may take to catch up once the sends have stopped.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(15);

/// One visitor's acknowledged messages, in the order of their acks.
#[derive(Clone, Default)]
struct Acked {
    conversation: String,
    /// Message ids.
    ids: Vec<String>,
    /// How each was acknowledged (key, server, time, lost answers), to name what went missing.
    how: HashMap<String, String>,
}

/// What one feed received.
#[derive(Default)]
struct Received {
    /// (conversation id, message id) of each bench message, in arrival order, repeats kept.
    messages: Vec<(String, String)>,
    /// Streams opened after the first one.
    reconnects: u64,
    /// The server of the last stream opened (index into [`SERVER_NAMES`]).
    server: usize,
    /// Why the feed stopped for good (OUT_OF_RANGE, UNAUTHENTICATED, …).
    failure: Option<String>,
}

/// Who watches a feed; decides the RPC and what it should receive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Watcher {
    /// `WatchVisitorFeed` of visitor `n`: their own conversation.
    Visitor(usize),
    /// `WatchWorkspace`: every conversation.
    Agent,
}

/// A feed's item reduced to what the check needs.
struct Item {
    cursor: String,
    /// A bench message: (conversation id, message id).
    message: Option<(String, String)>,
}

type Items = Pin<Box<dyn Stream<Item = Result<Item, tonic::Status>> + Send>>;

/// A bench message carried by an event, if it is one.
fn bench_message(message: Option<pb::Message>) -> Option<(String, String)> {
    message.filter(|m| m.client_key.starts_with(KEY_PREFIX)).map(|m| (m.conversation_id, m.id))
}

/// Opens the watcher's feed on `client` after `cursor` ("" = from now).
async fn open(watcher: Watcher, client: &Client, cursor: String) -> Result<Items, tonic::Status> {
    Ok(match watcher {
        Watcher::Visitor(_) => {
            let stream =
                client.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor }).await?.into_inner();
            Box::pin(stream.map(|item| {
                item.map(|item| Item {
                    cursor: item.cursor,
                    message: bench_message(match item.event {
                        Some(pb::watch_visitor_feed_response::Event::MessageCreated(m)) => Some(m),
                        _ => None,
                    }),
                })
            }))
        }
        Watcher::Agent => {
            let stream =
                client.conversations().watch_workspace(pb::WatchWorkspaceRequest { cursor }).await?.into_inner();
            Box::pin(stream.map(|item| {
                item.map(|item| Item {
                    cursor: item.cursor,
                    message: bench_message(match item.event {
                        Some(pb::watch_workspace_response::Event::MessageCreated(m)) => Some(m),
                        _ => None,
                    }),
                })
            }))
        }
    })
}

/// Codes after which reconnecting or resending cannot help: the run has failed.
fn is_permanent(code: tonic::Code) -> bool {
    use tonic::Code;
    const PERMANENT: &[Code] = &[
        Code::InvalidArgument,
        Code::NotFound,
        Code::AlreadyExists,
        Code::PermissionDenied,
        Code::FailedPrecondition,
        Code::OutOfRange,
        Code::Unimplemented,
        Code::Unauthenticated,
        Code::DataLoss,
    ];
    PERMANENT.contains(&code)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Rung by the chaos task to cut a feed's stream. Heard only while the feed is connected:
/// a feed away after a cut is not cut again (its absence would outlast the run).
#[derive(Default)]
struct Bell {
    ring: Notify,
    connected: AtomicBool,
}

/// One watcher's feed: its handle on each server (A, B), what it received, and the bell
/// that cuts it.
struct Feed {
    watcher: Watcher,
    clients: [Client; 2],
    received: Arc<Mutex<Received>>,
    cut: Arc<Bell>,
}

/// Reads the feed until aborted: records bench messages and the cursor; when the stream
/// breaks, ends or is cut, reopens it after the last cursor on the other server (then on
/// each in turn, with backoff), as a client resuming after a disconnect does. A cut feed
/// stays away for `away` first, so that messages are written meanwhile and must be replayed.
async fn keep_feed(feed: Feed, mut server: usize, mut items: Items, mut cursor: String, away: Duration) {
    let Feed { watcher, clients, received, cut } = feed;
    loop {
        // Listening before it counts as connected, so no ring is lost in between.
        let ring = cut.ring.notified();
        tokio::pin!(ring);
        ring.as_mut().enable();
        cut.connected.store(true, Ordering::Relaxed);
        let was_cut = loop {
            tokio::select! {
                item = items.next() => match item {
                    Some(Ok(item)) => {
                        if let Some(message) = item.message {
                            lock(&received).messages.push(message);
                        }
                        if !item.cursor.is_empty() {
                            cursor = item.cursor;
                        }
                    }
                    Some(Err(status)) if is_permanent(status.code()) => {
                        lock(&received).failure = Some(format!("stream: {status}"));
                        return;
                    }
                    // Broken (server killed) or ended (server shutting down): resume.
                    Some(Err(_)) | None => break false,
                },
                () = &mut ring => break true,
            }
        };
        cut.connected.store(false, Ordering::Relaxed);
        drop(items);
        if was_cut {
            sleep(away).await;
        }
        let mut backoff = FIRST_BACKOFF;
        items = loop {
            server = 1 - server;
            match timeout(ATTEMPT_TIMEOUT, open(watcher, &clients[server], cursor.clone())).await {
                Ok(Ok(items)) => break items,
                // OUT_OF_RANGE would mean the cursor fell out of retention: never in this run.
                Ok(Err(status)) if is_permanent(status.code()) => {
                    lock(&received).failure = Some(format!("resuming after cursor {cursor:?}: {status}"));
                    return;
                }
                Ok(Err(_)) | Err(_) => {
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
        let mut state = lock(&received);
        state.reconnects += 1;
        state.server = server;
    }
}

/// Send outcomes shared by all visitors.
#[derive(Default)]
struct SendStats {
    retries: AtomicU64,
    /// Failed attempts by gRPC code, or "timeout", or "abandoned" (a lost answer).
    failures: Mutex<HashMap<String, u64>>,
    longest_micros: AtomicU64,
    /// Retries answered with a message stored before they began: an attempt the client saw
    /// fail had committed, and the client key kept it from being stored twice.
    replayed: AtomicU64,
    /// Sends given up or refused for good, with why.
    unacknowledged: Mutex<Vec<String>>,
}

/// A visitor that sends: number `n`, its handle on each server, what was acknowledged.
struct Sender {
    n: usize,
    clients: [Client; 2],
    conversation: String,
    acked: Arc<Mutex<Acked>>,
}

/// The visitor sends one message every `interval` from `first_due` until `stop`, each to the
/// next server in turn; a failed attempt is retried with the same client key on the other
/// server, then on each in turn with backoff, until acknowledged.
async fn keep_sending(
    sender: Sender,
    interval: Duration,
    first_due: Instant,
    mut stop: watch::Receiver<bool>,
    stats: Arc<SendStats>,
    origin: Instant,
) {
    let Sender { n, clients, conversation, acked } = sender;
    let mut due = first_due;
    let mut sequence = 0usize;
    while !*stop.borrow() {
        tokio::select! {
            () = sleep_until(due.into()) => {}
            // It only ever turns true.
            _ = stop.changed() => break,
        }
        sequence += 1;
        let key = format!("{KEY_PREFIX}{n}-{sequence}");
        let began = Instant::now();
        let mut server = (n + sequence) % 2;
        let mut backoff = FIRST_BACKOFF;
        let mut lose_answer = (n + sequence).is_multiple_of(LOSE_ANSWER_EVERY);
        let mut attempts = Vec::new();
        let outcome = loop {
            let attempt_began_ms = unix_ms();
            let wait = if lose_answer { ABANDON_WITHIN.mul_f64(rand::random::<f64>()) } else { ATTEMPT_TIMEOUT };
            let request = pb::SendMessageRequest {
                conversation_id: conversation.clone(),
                body: format!("chaos {n} {sequence}"),
                client_key: key.clone(),
                attachment_ids: vec![],
            };
            let failed = match timeout(wait, clients[server].visitor().send_message(request)).await {
                Ok(Ok(response)) => {
                    let Some(message) = response.into_inner().message else { break Err("no message".to_owned()) };
                    // Millisecond floors on both sides: same-millisecond stores are not counted.
                    let stored_ms =
                        message.create_time.map_or(i64::MAX, |t| t.seconds * 1000 + i64::from(t.nanos) / 1_000_000);
                    let replayed = stored_ms < attempt_began_ms;
                    if replayed {
                        stats.replayed.fetch_add(1, Ordering::Relaxed);
                    }
                    let how = format!(
                        "key {key}, acknowledged by {} at {:.2} s{} after {attempts:?}",
                        SERVER_NAMES[server],
                        at(origin),
                        if replayed { " with the message an earlier attempt stored" } else { "" }
                    );
                    break Ok((message.id, how));
                }
                Ok(Err(status)) if is_permanent(status.code()) => break Err(status.to_string()),
                Ok(Err(status)) => format!("{:?}", status.code()),
                Err(_) if lose_answer => "abandoned".to_owned(),
                Err(_) => "timeout".to_owned(),
            };
            lose_answer = false;
            attempts.push(format!("{}: {failed}", SERVER_NAMES[server]));
            *lock(&stats.failures).entry(failed.clone()).or_default() += 1;
            if began.elapsed() > GIVE_UP_AFTER {
                break Err(format!("not acknowledged after {GIVE_UP_AFTER:?} (last attempt: {failed})"));
            }
            stats.retries.fetch_add(1, Ordering::Relaxed);
            server = 1 - server;
            sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        };
        match outcome {
            Ok((id, how)) => {
                let mut acked = lock(&acked);
                acked.how.insert(id.clone(), how);
                acked.ids.push(id);
                stats.longest_micros.fetch_max(began.elapsed().as_micros() as u64, Ordering::Relaxed);
            }
            Err(why) => lock(&stats.unacknowledged).push(format!("{key}: {why}")),
        }
        // A send that took longer than the interval delays the next one, not bunches them.
        due = (due + interval).max(Instant::now());
    }
}

/// The servers' names in the log, by index.
const SERVER_NAMES: [&str; 2] = ["A", "B"];

/// Milliseconds since the Unix epoch, as the server stamps messages (same machine, same clock).
fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How a feed's messages compare with what it should have received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Delivery {
    /// Acknowledged messages it never received.
    missing: u64,
    /// Messages received more than once (each repeat counts).
    duplicates: u64,
    /// Messages received after a later message of their conversation.
    out_of_order: u64,
    /// Bench messages received that were never acknowledged (or are not the watcher's).
    unexpected: u64,
}

impl std::fmt::Display for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} missing, {} duplicates, {} out of order, {} unexpected",
            self.missing, self.duplicates, self.out_of_order, self.unexpected
        )
    }
}

impl Delivery {
    fn add(&mut self, other: Delivery) {
        self.missing += other.missing;
        self.duplicates += other.duplicates;
        self.out_of_order += other.out_of_order;
        self.unexpected += other.unexpected;
    }

    fn faults(&self) -> u64 {
        self.missing + self.duplicates + self.out_of_order + self.unexpected
    }

    fn to_json(self) -> Value {
        json!({ "missing": self.missing, "duplicates": self.duplicates, "out_of_order": self.out_of_order,
            "unexpected": self.unexpected })
    }
}

/// Compares `received` ((conversation, message id) in arrival order) with `expected`: for each
/// conversation the feed should see, its acknowledged message ids in ack order.
fn check(expected: &[&Acked], received: &[(String, String)]) -> Delivery {
    let position: HashMap<&str, (&str, usize)> = expected
        .iter()
        .flat_map(|a| a.ids.iter().enumerate().map(|(i, id)| (id.as_str(), (a.conversation.as_str(), i))))
        .collect();
    let mut delivery = Delivery::default();
    let mut seen = HashSet::new();
    // Per conversation, the furthest position delivered so far.
    let mut furthest: HashMap<&str, usize> = HashMap::new();
    for (_, id) in received {
        if !seen.insert(id.as_str()) {
            delivery.duplicates += 1;
            continue;
        }
        let Some(&(conversation, at)) = position.get(id.as_str()) else {
            delivery.unexpected += 1;
            continue;
        };
        match furthest.get(conversation) {
            Some(&before) if at < before => delivery.out_of_order += 1,
            _ => {
                furthest.insert(conversation, at);
            }
        }
    }
    delivery.missing = position.keys().filter(|id| !seen.contains(*id)).count() as u64;
    delivery
}

/// What a watcher should receive: its own conversation, or all.
fn expected_of(watcher: Watcher, acked: &[Acked]) -> Vec<&Acked> {
    match watcher {
        Watcher::Visitor(n) => acked.get(n).into_iter().collect(),
        Watcher::Agent => acked.iter().collect(),
    }
}

/// Every feed against what it should have received: (to visitors, to agents).
fn check_all(feeds: &[(Watcher, Arc<Mutex<Received>>)], acked: &[Acked]) -> (Delivery, Delivery) {
    let (mut to_visitors, mut to_agents) = (Delivery::default(), Delivery::default());
    for (watcher, received) in feeds {
        let delivery = check(&expected_of(*watcher, acked), &lock(received).messages);
        match watcher {
            Watcher::Visitor(_) => to_visitors.add(delivery),
            Watcher::Agent => to_agents.add(delivery),
        }
    }
    (to_visitors, to_agents)
}

/// Up to `limit` acknowledged messages some feed lacks, each with its feed and how it was
/// acknowledged.
fn missing_examples(feeds: &[(Watcher, Arc<Mutex<Received>>)], acked: &[Acked], limit: usize) -> Vec<String> {
    let mut examples = Vec::new();
    for (watcher, received) in feeds {
        let received = lock(received);
        let got: HashSet<&str> = received.messages.iter().map(|(_, id)| id.as_str()).collect();
        for a in expected_of(*watcher, acked) {
            for id in a.ids.iter().filter(|id| !got.contains(id.as_str())) {
                if examples.len() == limit {
                    return examples;
                }
                let feed = match watcher {
                    Watcher::Visitor(n) => format!("visitor {n}'s feed"),
                    Watcher::Agent => "an agent's feed".to_owned(),
                };
                let feed = format!("{feed} (last opened on {})", SERVER_NAMES[received.server]);
                let how = a.how.get(id).map_or("", String::as_str);
                examples.push(format!("{feed} lacks {id} of {} ({how})", a.conversation));
            }
        }
    }
    examples
}

/// Seconds since `origin`, for the action log.
fn at(origin: Instant) -> f64 {
    origin.elapsed().as_secs_f64()
}

/// Records and prints one chaos action.
fn log_action(actions: &mut Vec<Value>, origin: Instant, what: &str, took: Option<Duration>) {
    let at = at(origin);
    match took {
        Some(took) => println!("chaos: {at:6.2} s  {what} ({:.0} ms)", took.as_secs_f64() * 1000.0),
        None => println!("chaos: {at:6.2} s  {what}"),
    }
    actions.push(json!({ "at_s": at, "action": what, "took_ms": took.map(|t| t.as_secs_f64() * 1000.0) }));
}

/// Kills `server` (SIGKILL), leaves it down for [`DOWN_FOR`], starts it again on its port.
async fn crash_and_restart(
    server: &mut Server,
    name: &str,
    origin: Instant,
    actions: &mut Vec<Value>,
) -> Result<(), String> {
    tokio::task::block_in_place(|| server.kill());
    log_action(actions, origin, &format!("kill -9 server {name}"), None);
    sleep(DOWN_FOR).await;
    // Blocks until it serves: off the runtime's workers, which keep the load going.
    let serving = tokio::task::block_in_place(|| server.restart()).map_err(|e| format!("restarting {name}: {e}"))?;
    log_action(actions, origin, &format!("server {name} restarted, serving"), Some(serving));
    Ok(())
}

/// The chaos scenario (see the module docs).
pub async fn chaos(args: &Args) -> Result<Value, String> {
    let protocol = args.protocol;
    let (visitors, duration) =
        if args.quick { (args.visitors.min(QUICK_VISITORS), QUICK_DURATION) } else { (args.visitors, args.duration) };
    let agents = args.agents.max(1);
    let visitors = visitors.max(1);

    let database = TempDatabase::create(&args.postgres_url).await?;
    let mut redis = RedisServer::start().map_err(|e| e.to_string())?;
    let env = ServerEnv { database_url: database.url.clone(), redis_url: redis.url.clone(), ..Default::default() };
    // B starts after A has migrated the database.
    let a = Server::start(&args.server_bin, &env, args.pin).map_err(|e| format!("server A: {e}"))?;
    let b = Server::start(&args.server_bin, &env, args.pin).map_err(|e| format!("server B: {e}"))?;
    let mut servers = [a, b];
    let urls = [servers[0].url.clone(), servers[1].url.clone()];
    println!(
        "chaos: servers A {} and B {} on one PostgreSQL database and Redis {}; {visitors} visitors (one message every \
         {:.1} s), {agents} agents, {:.0} s of chaos",
        urls[0],
        urls[1],
        redis.url,
        args.interval.as_secs_f64(),
        duration.as_secs_f64()
    );

    let (owner, widget) = workspace(protocol, &urls[0]).await?;
    let agent_token = owner_token(&owner).await?;
    let mut connections: [Vec<Client>; 2] = [Vec::new(), Vec::new()];
    let mut feeds = Vec::new();
    let mut senders = Vec::new();
    let mut all_acked = Vec::new();
    for n in 0..visitors {
        if n % VISITORS_PER_CONNECTION == 0 {
            for (server, url) in urls.iter().enumerate() {
                connections[server].push(crate::client::connect(protocol, url, None).await?);
            }
        }
        let on = |server: usize| connections[server].last().ok_or("no connection");
        // Half the visitors start on each server.
        let home = n % 2;
        let (client, conversation, token) = visitor(on(home)?, &widget).await?;
        let other = on(1 - home)?.with_separate_token();
        other.set_token(Some(token));
        let clients = if home == 0 { [client, other] } else { [other, client] };
        feeds.push(Feed {
            watcher: Watcher::Visitor(n),
            clients: clients.clone(),
            received: Arc::default(),
            cut: Arc::default(),
        });
        let acked = Arc::new(Mutex::new(Acked { conversation: conversation.clone(), ..Default::default() }));
        all_acked.push(acked.clone());
        senders.push(Sender { n, clients, conversation, acked });
    }
    for _ in 0..agents {
        let mut clients = Vec::new();
        for url in &urls {
            let client = crate::client::connect(protocol, url, None).await?;
            client.set_token(agent_token.clone());
            clients.push(client);
        }
        let clients: [Client; 2] = clients.try_into().map_err(|_| "two agent connections")?;
        feeds.push(Feed { watcher: Watcher::Agent, clients, received: Arc::default(), cut: Arc::default() });
    }

    // Every feed open (from now) before the first send, so each should see every message.
    let mut feed_tasks = JoinSet::new();
    let mut received = Vec::new();
    let mut bells = Vec::new();
    // Two intervals: every cut visitor misses a message or two while away.
    let away = args.interval * 2;
    for (i, feed) in feeds.into_iter().enumerate() {
        let home = i % 2;
        let mut items =
            open(feed.watcher, &feed.clients[home], String::new()).await.map_err(|e| format!("opening a feed: {e}"))?;
        let cursor = match timeout(ATTEMPT_TIMEOUT, items.next()).await {
            Ok(Some(Ok(first))) => first.cursor,
            Ok(Some(Err(status))) => return Err(format!("a feed's first item: {status}")),
            Ok(None) | Err(_) => return Err("a feed sent no first heartbeat".into()),
        };
        lock(&feed.received).server = home;
        received.push((feed.watcher, feed.received.clone()));
        bells.push(feed.cut.clone());
        feed_tasks.spawn(keep_feed(feed, home, items, cursor, away));
    }

    let origin = Instant::now();
    let (stop, stopped) = watch::channel(false);
    let stats = Arc::new(SendStats::default());
    let mut send_tasks = JoinSet::new();
    for sender in senders {
        // Spread the visitors over the interval.
        let first_due = origin + args.interval.mul_f64(sender.n as f64 / visitors as f64);
        send_tasks.spawn(keep_sending(sender, args.interval, first_due, stopped.clone(), stats.clone(), origin));
    }

    // Cut a tenth of the feeds (at least one) every CUT_EVERY, from the client side; the
    // last cut feeds are back before the sends stop, so the catch-up time is the servers'.
    let cuts = Arc::new(AtomicU64::new(0));
    {
        let cuts = cuts.clone();
        let last = origin + duration.saturating_sub(away);
        feed_tasks.spawn(async move {
            let mut next = origin + CUT_EVERY / 2;
            while next <= last {
                sleep_until(next.into()).await;
                next += CUT_EVERY;
                let connected: Vec<&Bell> =
                    bells.iter().filter(|b| b.connected.load(Ordering::Relaxed)).map(|b| &**b).collect();
                let count = bells.len().div_ceil(10).min(connected.len());
                for i in rand::seq::index::sample(&mut rand::rng(), connected.len(), count) {
                    connected[i].ring.notify_waiters();
                }
                cuts.fetch_add(count as u64, Ordering::Relaxed);
                println!("chaos: {:6.2} s  cut {count} of {} feeds", at(origin), bells.len());
            }
        });
    }

    let mut actions = Vec::new();
    let chaos = async {
        sleep_until((origin + duration.mul_f64(KILL_A_AT)).into()).await;
        crash_and_restart(&mut servers[0], "A", origin, &mut actions).await?;
        sleep_until((origin + duration.mul_f64(RESTART_REDIS_AT)).into()).await;
        tokio::task::block_in_place(|| redis.kill());
        log_action(&mut actions, origin, "kill -9 Redis", None);
        sleep(DOWN_FOR).await;
        let restarted =
            tokio::task::block_in_place(|| redis.restart()).map_err(|e| format!("restarting Redis: {e}"))?;
        log_action(&mut actions, origin, "Redis restarted (empty), answering", Some(restarted));
        sleep_until((origin + duration.mul_f64(KILL_B_AT)).into()).await;
        crash_and_restart(&mut servers[1], "B", origin, &mut actions).await?;
        sleep_until((origin + duration).into()).await;
        Ok::<(), String>(())
    };
    let chaos_result = chaos.await;
    // No receiver left only if every sender ended, which is fine.
    let _ = stop.send(true);
    chaos_result?;
    while let Some(done) = send_tasks.join_next().await {
        done.map_err(|e| format!("a sender: {e}"))?;
    }
    let sending_ended = Instant::now();
    println!("chaos: {:6.2} s  sends stopped; waiting for the feeds to catch up", at(origin));

    let acked: Vec<Acked> = all_acked.iter().map(|a| lock(a).clone()).collect();
    let caught_up = |received: &[(Watcher, Arc<Mutex<Received>>)]| {
        received.iter().all(|(watcher, r)| {
            let r = lock(r);
            r.failure.is_some() || check(&expected_of(*watcher, &acked), &r.messages).missing == 0
        })
    };
    while !caught_up(&received) && sending_ended.elapsed() < CATCH_UP_LIMIT {
        sleep(Duration::from_millis(20)).await;
    }
    let catch_up = sending_ended.elapsed();
    let all_caught_up = caught_up(&received);
    // Anything still arriving late (a duplicate) would show in this grace period.
    sleep(Duration::from_millis(500)).await;
    feed_tasks.abort_all();

    let (to_visitors, to_agents) = check_all(&received, &acked);
    let mut total = to_visitors;
    total.add(to_agents);
    let failures: Vec<String> = received.iter().filter_map(|(_, r)| lock(r).failure.clone()).collect();
    let missing = missing_examples(&received, &acked, 5);
    let reconnects: u64 = received.iter().map(|(_, r)| lock(r).reconnects).sum();
    let acked_count: usize = acked.iter().map(|a| a.ids.len()).sum();
    let unacknowledged = lock(&stats.unacknowledged).clone();
    let retries = stats.retries.load(Ordering::Relaxed);
    let replayed = stats.replayed.load(Ordering::Relaxed);
    let failed_attempts = lock(&stats.failures).clone();
    let longest_send_ms = stats.longest_micros.load(Ordering::Relaxed) as f64 / 1000.0;
    let catch_up_ms = catch_up.as_secs_f64() * 1000.0;
    let feeds_cut = cuts.load(Ordering::Relaxed);
    let caught = if all_caught_up {
        format!("caught up {catch_up_ms:.0} ms after the last send")
    } else {
        format!("NOT caught up {CATCH_UP_LIMIT:?} after the last send")
    };
    println!(
        "chaos: {acked_count} messages acknowledged, {} not; {retries} retries (failed attempts {failed_attempts:?}), \
         {replayed} answered by client key with the message an earlier attempt stored; longest send \
         {longest_send_ms:.0} ms; {feeds_cut} feeds cut, {reconnects} reconnects; {caught}; to visitors: {to_visitors}; \
         to agents: {to_agents}",
        unacknowledged.len(),
    );

    drop(servers);
    drop(redis);
    drop(database);

    let result = json!({ "scenario": "chaos", "protocol": protocol.as_str(), "visitors": visitors, "agents": agents,
        "interval_s": args.interval.as_secs_f64(), "duration_s": duration.as_secs_f64(), "actions": actions,
        "acked": acked_count, "unacknowledged": unacknowledged, "retries": retries, "replayed_by_key": replayed,
        "failed_attempts": failed_attempts, "longest_send_ms": longest_send_ms,
        "feeds_cut": feeds_cut, "feed_reconnects": reconnects, "feed_failures": failures,
        "caught_up": all_caught_up, "catch_up_ms": catch_up_ms,
        "to_visitors": to_visitors.to_json(), "to_agents": to_agents.to_json(),
        "missing": total.missing, "duplicates": total.duplicates, "out_of_order": total.out_of_order,
        "unexpected": total.unexpected });
    if total.faults() > 0 || !unacknowledged.is_empty() || !failures.is_empty() || acked_count == 0 {
        return Err(format!(
            "chaos: delivery broke: {total}; missing, e.g.: {missing:?}; {} sends unacknowledged {:?}; feed failures {:?}",
            unacknowledged.len(),
            unacknowledged.iter().take(3).collect::<Vec<_>>(),
            failures.iter().take(3).collect::<Vec<_>>(),
        ));
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acked(conversation: &str, ids: &[&str]) -> Acked {
        Acked {
            conversation: conversation.into(),
            ids: ids.iter().map(|&id| id.to_owned()).collect(),
            ..Default::default()
        }
    }

    fn received(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|&(c, id)| (c.to_owned(), id.to_owned())).collect()
    }

    #[test]
    fn check_accepts_every_message_once_in_order_per_conversation() {
        let (x, y) = (acked("x", &["x1", "x2"]), acked("y", &["y1", "y2"]));
        // Conversations may interleave; each keeps its own order.
        let got = received(&[("y", "y1"), ("x", "x1"), ("y", "y2"), ("x", "x2")]);
        assert_eq!(check(&[&x, &y], &got), Delivery::default());
    }

    #[test]
    fn check_counts_missing_duplicated_reordered_and_unexpected_messages() {
        let x = acked("x", &["x1", "x2", "x3", "x4"]);
        let got = received(&[("x", "x2"), ("x", "x1"), ("x", "x2"), ("x", "x4"), ("x", "stray")]);
        let delivery = check(&[&x], &got);
        assert_eq!(delivery, Delivery { missing: 1, duplicates: 1, out_of_order: 1, unexpected: 1 });
        assert_eq!(delivery.faults(), 4);
    }

    #[test]
    fn a_visitor_expects_only_their_conversation() {
        let all = [acked("x", &["x1"]), acked("y", &["y1"])];
        let to_x = expected_of(Watcher::Visitor(0), &all);
        assert_eq!(check(&to_x, &received(&[("x", "x1")])), Delivery::default());
        // Another visitor's message on this visitor's feed is a leak, not a delivery.
        assert_eq!(check(&to_x, &received(&[("x", "x1"), ("y", "y1")])).unexpected, 1);
        assert_eq!(expected_of(Watcher::Agent, &all).len(), 2);
    }
}
