//! The event bus: fans `BusMessage`s out to this process's live subscribers of a workspace,
//! and, with Redis, to the other server replicas through pub/sub.
//!
//! A process has two kinds of subscriber per workspace: the workspace's (every message;
//! agents' feeds) and one visitor's (messages about that visitor; their feeds). Routing by
//! visitor keeps a message's cost independent of how many visitors are watching: a send
//! wakes its own visitor's feeds and the agents', not every visitor feed of the workspace.
//! Redis carries one channel per workspace; each replica routes what it receives locally.
//!
//! Delivery is best effort and live only; the store's event log is the truth. Subscribers
//! resume from it when they lag (`RecvError::Lagged`) and when [`Bus::health`] changes.
//!
//! With Redis, every replica publishes to `porthole:ws:{workspace_id}` (JSON
//! `{"node": …, "message": …}`) through a `ConnectionManager`, and one task per process
//! holds a separate pub/sub connection that PSUBSCRIBEs `porthole:ws:*` and hands other
//! nodes' messages to the local hub (its own were already delivered by `publish`).
//!
//! **Health rule.** The bus is `Live { generation }` while (a) its subscription connection
//! is up and answers keep-alive pings, and (b) the last publish, or publisher probe, that
//! finished succeeded. Otherwise it is `Degraded`.
//! - Losing the subscription makes it `Degraded`; the subscriber task reconnects with
//!   exponential backoff (100 ms → 5 s) and then reports `Live { generation: previous + 1 }`:
//!   other replicas' messages may have been missed meanwhile.
//! - A failed (or timed-out) publish makes it `Degraded` but keeps the generation: the
//!   subscription stayed up, so nothing from other replicas was missed. The subscriber task
//!   then probes Redis (PING, through a fresh connection manager after a failed probe) with
//!   the same backoff, and the first successful probe restores `Live` with the *same*
//!   generation. Feeds replay on every change of health anyway.
//! - Until that probe succeeds, `publish` does not wait on Redis at all (local delivery
//!   only), so callers are not slowed down by an outage.
//! - The newest durable event of each workspace that did not reach Redis is kept and
//!   published again once Redis answers, so other replicas' feeds see the `seq` gap and
//!   replay from the store instead of waiting for the workspace's next event. Typing
//!   indicators are ephemeral and simply dropped.
//!
//! Besides workspace messages, the bus tells other replicas that a widget was turned on or
//! off or deleted ([`Bus::announce_widget_change`], channel `porthole:widgets`), so that
//! their caches of widget states forget it at once.
//!
//! **Invariant:** no mutex here is held across an `.await` (the subscriber task is `Send`).

use crate::domain::id::{NodeId, VisitorId, WidgetId, WorkspaceId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::StreamExt as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, PubSubSink, PubSubStream};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::AbortHandle;
use tokio::time::{Instant, timeout};

use super::event::BusMessage;

/// Messages a workspace subscriber may fall behind by before it gets `RecvError::Lagged`.
pub const SUBSCRIBER_CAPACITY: usize = 1024;
/// The same for a visitor subscriber: a visitor sees few messages, and a broadcast channel
/// allocates all its slots up front, which every watching visitor pays for.
pub const VISITOR_SUBSCRIBER_CAPACITY: usize = 16;
/// Channel prefix; the workspace id follows.
const CHANNEL_PREFIX: &str = "porthole:ws:";
/// What the subscriber task listens to.
const CHANNEL_PATTERN: &str = "porthole:ws:*";
/// Longest a publish waits for Redis.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(1);
/// Where widget changes are published (one channel for every workspace: they are rare).
const WIDGETS_CHANNEL: &str = "porthole:widgets";
/// Widget changes a listener may fall behind by before it gets `RecvError::Lagged`.
const WIDGET_CHANGES_CAPACITY: usize = 256;
/// Shared rate-limit buckets: key prefix, and how long a check waits for Redis before the
/// process's own bucket decides.
const RATE_PREFIX: &str = "porthole:rl:";
const RATE_TIMEOUT: Duration = Duration::from_millis(250);
/// GCRA (the algorithm `governor` runs in process): the bucket is the time at which it
/// will be empty again (TAT). A spend conforms if, after adding `cost` intervals, the TAT
/// is at most `period` ahead of now; returns 0, or the milliseconds until it would.
/// KEYS[1] bucket; ARGV interval ms, period ms, cost. Redis's own clock serves every replica.
const GCRA_SCRIPT: &str = r"
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
if interval * cost > period then
  return period
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval * cost
if new_tat - now > period then
  return new_tat - now - period
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now + 1000)
return 0
";
/// Longest a PING (keep-alive or probe) waits for Redis.
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest opening the pub/sub connection and subscribing may take.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest `with_redis` waits for the first publisher connection.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(5);
/// How often an idle subscription is pinged, to notice half-open connections.
const KEEPALIVE: Duration = Duration::from_secs(5);
/// First delay of the reconnect / probe backoff.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
/// Longest delay of the reconnect / probe backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The hub sweeps workspaces without receivers once it holds at least this many entries.
const SWEEP_MIN: usize = 64;
/// At most this many workspaces and visitors keep an unsent event for republishing.
const MAX_UNSENT: usize = 10_000;

/// Health of cross-replica delivery, for feeds to decide whether to poll the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusHealth {
    /// Live delivery from every replica works. `generation` increases each time the
    /// Redis subscription is (re)established; feeds replay from the store when it changes,
    /// because events published while it was down were not received live.
    Live { generation: u64 },
    /// Cross-replica delivery is down (Redis unreachable): local events still arrive live,
    /// other replicas' events don't; feeds must poll the store's event log.
    Degraded,
}

/// Why the bus could not start.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The URL is not a Redis URL.
    #[error("invalid Redis URL: {0}")]
    InvalidUrl(#[source] redis::RedisError),
    /// Redis refused or failed the connection.
    #[error("connection failed: {0}")]
    Connect(#[source] redis::RedisError),
    /// Redis did not answer in time.
    #[error("no answer within {} ms", .0.as_millis())]
    Timeout(Duration),
}

/// A widget was turned on or off, or deleted: caches of its state must forget it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetChanged {
    pub workspace_id: WorkspaceId,
    pub widget_id: WidgetId,
}

/// The event bus; cheap to clone (all clones share one hub and one Redis link).
#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

/// What the clones of one `Bus` share; dropping it stops the subscriber task.
struct Inner {
    shared: Arc<Shared>,
    _subscriber: Option<AbortOnDrop>,
}

/// Aborts a task when dropped.
struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl fmt::Debug for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bus")
            .field("redis", &self.inner.shared.publisher.is_some())
            .field("health", &*self.inner.shared.health.borrow())
            .finish_non_exhaustive()
    }
}

impl Bus {
    /// Single node: in-process fan-out only; always `Live { generation: 0 }`.
    pub fn in_process() -> Self {
        Self { inner: Arc::new(Inner { shared: Arc::new(Shared::new(None)), _subscriber: None }) }
    }

    /// Several replicas: connects to Redis (fails if it cannot be reached now), starts the
    /// subscriber task, and keeps going through later outages (reconnecting with backoff,
    /// reporting `Degraded` meanwhile). Starts `Live { generation: 0 }`.
    pub async fn with_redis(url: &str) -> Result<Self, BusError> {
        let client = redis::Client::open(url).map_err(BusError::InvalidUrl)?;
        let manager = timeout(STARTUP_TIMEOUT, ConnectionManager::new_with_config(client.clone(), manager_config()))
            .await
            .map_err(|_| BusError::Timeout(STARTUP_TIMEOUT))?
            .map_err(BusError::Connect)?;
        let subscription = Subscription::open(&client).await?;
        let node = NodeId::new();
        let publisher = Publisher { node: node.clone(), client: client.clone(), manager: Mutex::new(manager) };
        let shared = Arc::new(Shared::new(Some(publisher)));
        let subscriber = Subscriber { shared: Arc::clone(&shared), client, node: node.clone() };
        let task = tokio::spawn(subscriber.run(subscription));
        tracing::info!(%node, "event bus connected to Redis");
        Ok(Self { inner: Arc::new(Inner { shared, _subscriber: Some(AbortOnDrop(task.abort_handle())) }) })
    }

    /// Delivers to this process's subscribers of the workspace at once, and (Redis) to
    /// other replicas. Never fails: a Redis error marks the bus `Degraded` and is logged.
    /// Waits at most about a second for Redis, and not at all while a failed publish is
    /// being probed (see the module docs).
    pub async fn publish(&self, message: BusMessage) {
        let shared = &self.inner.shared;
        let message = Arc::new(message);
        shared.deliver(&message, Some(now_micros()));
        if shared.publisher.is_none() {
            return;
        }
        if !shared.publisher_ok() {
            // Redis just failed and is being probed: don't make every caller wait for it.
            shared.remember_unsent(&message);
            return;
        }
        // In its own task so that a caller dropped mid-publish (a cancelled request) still
        // publishes, or records the failure.
        let shared = Arc::clone(shared);
        let remote = tokio::spawn(async move {
            if let Some(publisher) = &shared.publisher {
                shared.publish_remote(publisher, &message).await;
            }
        });
        if let Err(error) = remote.await {
            tracing::error!(%error, "publishing to Redis panicked");
        }
    }

    /// Records the time from each publish to its delivery here into `histogram`
    /// (`porthole_bus_delivery_seconds`); the first call counts.
    pub fn time_deliveries(&self, histogram: prometheus::Histogram) {
        let _ = self.inner.shared.delivery.set(histogram);
    }

    /// Spends `cost` cells of the rate bucket `key` that every replica shares, by GCRA in
    /// one Lua script on Redis's clock: `interval` per cell, a burst of `period`'s worth.
    /// `Some(None)`: allowed; `Some(Some(wait))`: refused until then; `None`: no shared
    /// bucket now (no Redis, or it failed or was slow), and the caller uses its own. The
    /// bus owns the process's Redis link, so shared buckets ride on it.
    pub async fn spend_shared(
        &self,
        key: &str,
        interval: Duration,
        period: Duration,
        cost: u32,
    ) -> Option<Option<Duration>> {
        let shared = &self.inner.shared;
        let publisher = shared.publisher.as_ref()?;
        if !shared.publisher_ok() {
            return None;
        }
        let mut command = redis::cmd("EVAL");
        command
            .arg(GCRA_SCRIPT)
            .arg(1)
            .arg(format!("{RATE_PREFIX}{key}"))
            .arg(u64::try_from(interval.as_millis()).unwrap_or(u64::MAX).max(1))
            .arg(u64::try_from(period.as_millis()).unwrap_or(u64::MAX))
            .arg(cost);
        let mut manager = publisher.manager();
        match timeout(RATE_TIMEOUT, command.query_async::<i64>(&mut manager)).await {
            Ok(Ok(wait_ms)) if wait_ms <= 0 => Some(None),
            Ok(Ok(wait_ms)) => Some(Some(Duration::from_millis(wait_ms.unsigned_abs()))),
            Ok(Err(error)) => {
                tracing::debug!(%error, "shared rate limit unavailable; using this process's");
                None
            }
            Err(_) => None,
        }
    }

    /// Every live message of one workspace from now on (agents' feeds). A subscriber more
    /// than [`SUBSCRIBER_CAPACITY`] messages behind gets `RecvError::Lagged` and should
    /// replay from the store.
    pub fn subscribe(&self, workspace_id: &WorkspaceId) -> broadcast::Receiver<Arc<BusMessage>> {
        let mut hub = lock(&self.inner.shared.hub);
        hub.topic(workspace_id).all.get_or_insert_with(|| broadcast::channel(SUBSCRIBER_CAPACITY).0).subscribe()
    }

    /// The live messages about one visitor of a workspace from now on: events and typing
    /// indicators whose `visitor_id` is theirs, whoever may see them (the feed decides).
    /// [`VISITOR_SUBSCRIBER_CAPACITY`] behind gives `RecvError::Lagged`.
    pub fn subscribe_visitor(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
    ) -> broadcast::Receiver<Arc<BusMessage>> {
        let mut hub = lock(&self.inner.shared.hub);
        let topic = hub.topic(workspace_id);
        if topic.visitors.len() >= topic.sweep_at {
            topic.sweep();
        }
        if let Some(sender) = topic.visitors.get(visitor_id) {
            return sender.subscribe();
        }
        let (sender, receiver) = broadcast::channel(VISITOR_SUBSCRIBER_CAPACITY);
        topic.visitors.insert(visitor_id.clone(), sender);
        receiver
    }

    /// Tells the other replicas that a widget changed (this process's own caches are the
    /// caller's to update). A failed publish marks the bus `Degraded` like any other.
    pub async fn announce_widget_change(&self, change: WidgetChanged) {
        let shared = Arc::clone(&self.inner.shared);
        if shared.publisher.is_none() {
            return;
        }
        // In its own task, as `publish`: a cancelled caller still announces.
        let remote = tokio::spawn(async move {
            let Some(publisher) = &shared.publisher else { return };
            if let Err(error) = publisher.send_widget_change(&change).await {
                tracing::warn!(%error, widget_id = %change.widget_id, "announcing a widget change to Redis failed");
                shared.update_link(|link| link.publisher_ok = false);
                shared.wake.notify_one();
            }
        });
        if let Err(error) = remote.await {
            tracing::error!(%error, "announcing a widget change panicked");
        }
    }

    /// Other replicas' widget changes from now on.
    pub fn widget_changes(&self) -> broadcast::Receiver<WidgetChanged> {
        self.inner.shared.widget_changes.subscribe()
    }

    /// Watch the health (starts `Live`).
    pub fn health(&self) -> watch::Receiver<BusHealth> {
        self.inner.shared.health.subscribe()
    }

    /// For tests/metrics: number of workspaces with live subscribers in this process
    /// (forgets the others while counting).
    pub fn local_workspaces(&self) -> usize {
        let mut hub = lock(&self.inner.shared.hub);
        hub.sweep();
        hub.topics.len()
    }
}

/// State shared by the `Bus` handles and the subscriber task.
struct Shared {
    hub: Mutex<Hub>,
    link: Mutex<LinkState>,
    health: watch::Sender<BusHealth>,
    /// Redis side; `None` in process.
    publisher: Option<Publisher>,
    /// Newest durable event whose publish failed, per workspace and per visitor: (seq, event).
    unsent: Mutex<HashMap<UnsentKey, (i64, Arc<BusMessage>)>>,
    /// Wakes the subscriber task when a publish failed, or succeeded with events unsent.
    wake: Notify,
    /// Other replicas' widget changes, for this process's caches.
    widget_changes: broadcast::Sender<WidgetChanged>,
    /// Publish-to-delivery times (`porthole_bus_delivery_seconds`), once set.
    delivery: std::sync::OnceLock<prometheus::Histogram>,
}

/// Whose newest unsent event an `unsent` entry is: the workspace's (what agents' feeds
/// need to notice a gap) or one visitor's (what that visitor's feeds need).
type UnsentKey = (WorkspaceId, Option<VisitorId>);

/// This process's subscribers, by workspace.
struct Hub {
    topics: HashMap<WorkspaceId, Topic>,
    /// Sweep when `topics` reaches this size (amortises the sweep over subscribes).
    sweep_at: usize,
}

impl Hub {
    /// The workspace's topic, created if needed (sweeping first when the hub has grown).
    fn topic(&mut self, workspace_id: &WorkspaceId) -> &mut Topic {
        if self.topics.len() >= self.sweep_at {
            self.sweep();
        }
        self.topics.entry(workspace_id.clone()).or_insert_with(Topic::new)
    }

    /// Forgets workspaces nobody listens to any more.
    fn sweep(&mut self) {
        self.topics.retain(|_, topic| {
            topic.sweep();
            topic.is_watched()
        });
        self.sweep_at = (self.topics.len() * 2).max(SWEEP_MIN);
    }
}

/// One workspace's subscribers in this process.
struct Topic {
    /// Every message (agents' feeds); created on the first such subscriber.
    all: Option<broadcast::Sender<Arc<BusMessage>>>,
    /// Messages about one visitor (their feeds), by visitor id.
    visitors: HashMap<VisitorId, broadcast::Sender<Arc<BusMessage>>>,
    /// Sweep `visitors` when it reaches this size.
    sweep_at: usize,
}

impl Topic {
    fn new() -> Self {
        Self { all: None, visitors: HashMap::new(), sweep_at: SWEEP_MIN }
    }

    /// Forgets visitors nobody listens to any more.
    fn sweep(&mut self) {
        self.visitors.retain(|_, sender| sender.receiver_count() > 0);
        self.sweep_at = (self.visitors.len() * 2).max(SWEEP_MIN);
        if self.all.as_ref().is_some_and(|all| all.receiver_count() == 0) {
            self.all = None;
        }
    }

    /// Whether anybody listens now (without sweeping).
    fn has_receivers(&self) -> bool {
        self.all.as_ref().is_some_and(|all| all.receiver_count() > 0)
            || self.visitors.values().any(|sender| sender.receiver_count() > 0)
    }

    /// Whether anybody listens (call after `sweep`, or it may count departed visitors).
    fn is_watched(&self) -> bool {
        self.all.is_some() || !self.visitors.is_empty()
    }

    /// Hands the message to the workspace's subscribers and to its visitor's; forgets a
    /// visitor (or the workspace subscription) nobody listens to any more.
    fn deliver(&mut self, message: &Arc<BusMessage>) {
        if let Some(all) = &self.all {
            // Fails only when nobody listens: nothing to deliver to.
            if all.send(Arc::clone(message)).is_err() {
                self.all = None;
            }
        }
        let Some(visitor_id) = message.visitor_id() else { return };
        if let Some(sender) = self.visitors.get(visitor_id)
            && sender.send(Arc::clone(message)).is_err()
        {
            self.visitors.remove(visitor_id);
        }
    }
}

/// What health is computed from (see the module docs for the rule).
#[derive(Clone, Copy, Debug)]
struct LinkState {
    subscribed: bool,
    publisher_ok: bool,
    generation: u64,
}

impl LinkState {
    /// The health this state stands for.
    fn health(self) -> BusHealth {
        if self.subscribed && self.publisher_ok {
            BusHealth::Live { generation: self.generation }
        } else {
            BusHealth::Degraded
        }
    }
}

impl Shared {
    /// A healthy state with an empty hub; `publisher` is `None` in process.
    fn new(publisher: Option<Publisher>) -> Self {
        let link = LinkState { subscribed: true, publisher_ok: true, generation: 0 };
        Self {
            hub: Mutex::new(Hub { topics: HashMap::new(), sweep_at: SWEEP_MIN }),
            link: Mutex::new(link),
            health: watch::Sender::new(link.health()),
            publisher,
            unsent: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            widget_changes: broadcast::channel(WIDGET_CHANGES_CAPACITY).0,
            delivery: std::sync::OnceLock::new(),
        }
    }

    /// Hands a message to this process's subscribers of its workspace and its visitor;
    /// forgets the workspace if nobody listens any more. `published` is when it was
    /// published, in Unix microseconds, for the delivery time (taken only if someone here
    /// subscribes: a message nobody receives was not delivered).
    fn deliver(&self, message: &Arc<BusMessage>, published: Option<i64>) {
        let mut hub = lock(&self.hub);
        let workspace_id = message.workspace_id();
        let Some(topic) = hub.topics.get_mut(workspace_id) else { return };
        topic.deliver(message);
        if !topic.is_watched() {
            hub.topics.remove(workspace_id);
        }
        drop(hub);
        if let (Some(delivery), Some(published)) = (self.delivery.get(), published) {
            #[allow(clippy::cast_precision_loss)] // microseconds: exact far beyond any delay
            delivery.observe(now_micros().saturating_sub(published).max(0) as f64 / 1e6);
        }
    }

    /// Whether anybody in this process listens to the workspace.
    fn has_subscribers(&self, workspace_id: &str) -> bool {
        lock(&self.hub).topics.get(workspace_id).is_some_and(Topic::has_receivers)
    }

    /// Changes the link state and publishes the resulting health if it changed.
    fn update_link(&self, change: impl FnOnce(&mut LinkState)) {
        let mut link = lock(&self.link);
        change(&mut link);
        let health = link.health();
        let changed = self.health.send_if_modified(|current| {
            let changed = *current != health;
            *current = health;
            changed
        });
        drop(link);
        if changed {
            match health {
                BusHealth::Live { generation } => {
                    tracing::info!(generation, "event bus live: cross-replica delivery works again");
                }
                BusHealth::Degraded => {
                    tracing::warn!("event bus degraded: other replicas' events are not received live");
                }
            }
        }
    }

    /// Whether the last publish or probe reached Redis.
    fn publisher_ok(&self) -> bool {
        lock(&self.link).publisher_ok
    }

    /// Publishes to other replicas and records the outcome in the health; `false` if Redis
    /// failed (the event is then kept for republishing).
    async fn publish_remote(&self, publisher: &Publisher, message: &Arc<BusMessage>) -> bool {
        match publisher.send(message).await {
            Ok(()) => {
                self.forget_unsent(message);
                self.update_link(|link| link.publisher_ok = true);
                if !lock(&self.unsent).is_empty() {
                    self.wake.notify_one();
                }
                true
            }
            Err(SendError::Encode(error)) => {
                tracing::error!(%error, "cannot encode a bus message; not sent to other replicas");
                true
            }
            Err(error) => {
                tracing::warn!(%error, workspace_id = message.workspace_id(), "publishing to Redis failed");
                self.remember_unsent(message);
                self.update_link(|link| link.publisher_ok = false);
                self.wake.notify_one();
                false
            }
        }
    }

    /// Keeps a durable event that did not reach Redis if it is the newest of its workspace,
    /// or of its visitor: other replicas' feeds notice a gap only from a later event of
    /// what they watch, so each kind keeps its newest.
    fn remember_unsent(&self, message: &Arc<BusMessage>) {
        let BusMessage::Event(event) = &**message else { return };
        let mut unsent = lock(&self.unsent);
        for key in unsent_keys(event) {
            match unsent.get(&key) {
                Some((seq, _)) if *seq >= event.seq => {}
                None if unsent.len() >= MAX_UNSENT => {
                    tracing::warn!(
                        workspace_id = %event.workspace_id,
                        "too many unsent bus events; not keeping this one"
                    );
                }
                _ => {
                    unsent.insert(key, (event.seq, Arc::clone(message)));
                }
            }
        }
    }

    /// A newer (or the same) event of the workspace (or visitor) reached Redis: other
    /// replicas will see any gap before it.
    fn forget_unsent(&self, message: &BusMessage) {
        let BusMessage::Event(event) = message else { return };
        let mut unsent = lock(&self.unsent);
        for key in unsent_keys(event) {
            if unsent.get(&key).is_some_and(|(seq, _)| *seq <= event.seq) {
                unsent.remove(&key);
            }
        }
    }

    /// Publishes the kept events again; stops (keeping the rest) at the first failure.
    async fn flush_unsent(&self) {
        let Some(publisher) = &self.publisher else { return };
        // An event kept under both its workspace and its visitor is sent once.
        let mut pending: Vec<_> = lock(&self.unsent).drain().map(|(_, kept)| kept).collect();
        pending.sort_by_key(|(seq, message)| (*seq, message.workspace_id().to_owned()));
        pending.dedup_by_key(|(seq, message)| (*seq, message.workspace_id().to_owned()));
        let pending: Vec<_> = pending.into_iter().map(|(_, message)| message).collect();
        tracing::info!(events = pending.len(), "republishing bus events that did not reach Redis");
        let mut pending = pending.into_iter();
        while let Some(message) = pending.next() {
            if !self.publish_remote(publisher, &message).await {
                pending.for_each(|rest| self.remember_unsent(&rest));
                return;
            }
        }
    }

    /// Pings Redis through the publisher; restores `publisher_ok` if it answers.
    async fn probe_publisher(&self) -> bool {
        let Some(publisher) = &self.publisher else { return true };
        let ok = publisher.ping().await;
        if ok {
            self.update_link(|link| link.publisher_ok = true);
        }
        ok
    }
}

/// The `unsent` entries an event counts for: its workspace's, and its visitor's if it has one.
fn unsent_keys(event: &super::event::Event) -> impl Iterator<Item = UnsentKey> + '_ {
    let workspace = (event.workspace_id.clone(), None);
    let visitor = event.visitor_id.as_ref().map(|id| (event.workspace_id.clone(), Some(id.clone())));
    std::iter::once(workspace).chain(visitor)
}

/// The publishing side of the Redis link.
struct Publisher {
    /// This process's random id, so the subscriber can skip its own messages.
    node: NodeId,
    client: redis::Client,
    /// Replaced by a fresh one when a probe fails (a connection stuck on a dead peer
    /// only times out and is never replaced by the manager itself).
    manager: Mutex<ConnectionManager>,
}

/// Why a publish did not reach Redis.
#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("cannot encode: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("{0}")]
    Redis(#[source] redis::RedisError),
    #[error("no answer within {} ms", .0.as_millis())]
    Timeout(Duration),
}

/// The JSON published to Redis.
#[derive(Serialize)]
struct OutgoingEnvelope<'a> {
    node: &'a str,
    message: &'a BusMessage,
    /// When it was published (Unix microseconds), for the receivers' delivery time.
    sent_at: i64,
}

/// The JSON received from Redis.
#[derive(Deserialize)]
struct IncomingEnvelope {
    node: NodeId,
    message: BusMessage,
    /// Absent from older replicas' messages.
    #[serde(default)]
    sent_at: Option<i64>,
}

/// The JSON of a widget change on Redis.
#[derive(Serialize, Deserialize)]
struct WidgetEnvelope {
    node: NodeId,
    change: WidgetChanged,
}

impl Publisher {
    /// The current connection manager (a cheap handle).
    fn manager(&self) -> ConnectionManager {
        lock(&self.manager).clone()
    }

    /// PUBLISHes the message on its workspace channel, waiting at most `PUBLISH_TIMEOUT`.
    async fn send(&self, message: &BusMessage) -> Result<(), SendError> {
        let payload = serde_json::to_vec(&OutgoingEnvelope { node: &self.node, message, sent_at: now_micros() })
            .map_err(SendError::Encode)?;
        let mut command = redis::cmd("PUBLISH");
        command.arg(format!("{CHANNEL_PREFIX}{}", message.workspace_id())).arg(payload);
        let mut manager = self.manager();
        match timeout(PUBLISH_TIMEOUT, command.query_async::<i64>(&mut manager)).await {
            Ok(Ok(_receivers)) => Ok(()),
            Ok(Err(error)) => Err(SendError::Redis(error)),
            Err(_) => Err(SendError::Timeout(PUBLISH_TIMEOUT)),
        }
    }

    /// PUBLISHes a widget change, waiting at most `PUBLISH_TIMEOUT`.
    async fn send_widget_change(&self, change: &WidgetChanged) -> Result<(), SendError> {
        let envelope = WidgetEnvelope { node: self.node.clone(), change: change.clone() };
        let payload = serde_json::to_vec(&envelope).map_err(SendError::Encode)?;
        let mut command = redis::cmd("PUBLISH");
        command.arg(WIDGETS_CHANNEL).arg(payload);
        let mut manager = self.manager();
        match timeout(PUBLISH_TIMEOUT, command.query_async::<i64>(&mut manager)).await {
            Ok(Ok(_receivers)) => Ok(()),
            Ok(Err(error)) => Err(SendError::Redis(error)),
            Err(_) => Err(SendError::Timeout(PUBLISH_TIMEOUT)),
        }
    }

    /// Whether Redis answers a PING; if not, starts over with a fresh connection manager.
    async fn ping(&self) -> bool {
        let mut manager = self.manager();
        match timeout(PING_TIMEOUT, redis::cmd("PING").query_async::<redis::Value>(&mut manager)).await {
            Ok(Ok(_)) => true,
            outcome => {
                let error = match outcome {
                    Ok(Err(error)) => error.to_string(),
                    _ => format!("no answer within {} ms", PING_TIMEOUT.as_millis()),
                };
                tracing::debug!(error, "Redis does not answer the publisher's PING");
                match ConnectionManager::new_lazy_with_config(self.client.clone(), manager_config()) {
                    Ok(fresh) => *lock(&self.manager) = fresh,
                    Err(error) => tracing::warn!(%error, "cannot create a Redis connection manager"),
                }
                false
            }
        }
    }
}

/// Reconnect policy of the publisher's connection manager (each publish is bounded by
/// `PUBLISH_TIMEOUT` anyway).
fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(PUBLISH_TIMEOUT))
        .set_number_of_retries(3)
        .set_min_delay(MIN_BACKOFF)
        .set_max_delay(MAX_BACKOFF)
}

/// An established pub/sub connection subscribed to every workspace channel.
struct Subscription {
    sink: PubSubSink,
    stream: PubSubStream,
}

impl Subscription {
    /// Opens a pub/sub connection, PSUBSCRIBEs the workspace channels and SUBSCRIBEs the
    /// widget channel, within `SUBSCRIBE_TIMEOUT`.
    async fn open(client: &redis::Client) -> Result<Self, BusError> {
        let attempt = async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.psubscribe(CHANNEL_PATTERN).await?;
            pubsub.subscribe(WIDGETS_CHANNEL).await?;
            Ok(pubsub.split())
        };
        match timeout(SUBSCRIBE_TIMEOUT, attempt).await {
            Ok(Ok((sink, stream))) => Ok(Self { sink, stream }),
            Ok(Err(error)) => Err(BusError::Connect(error)),
            Err(_) => Err(BusError::Timeout(SUBSCRIBE_TIMEOUT)),
        }
    }
}

/// The task that receives other replicas' messages and keeps the link healthy.
struct Subscriber {
    shared: Arc<Shared>,
    client: redis::Client,
    node: NodeId,
}

impl Subscriber {
    /// Runs until aborted (when the last `Bus` clone is dropped).
    async fn run(self, mut subscription: Subscription) {
        loop {
            self.listen(&mut subscription).await;
            drop(subscription);
            self.shared.update_link(|link| link.subscribed = false);
            subscription = self.resubscribe().await;
        }
    }

    /// Delivers messages until the subscription is lost; meanwhile probes a failing
    /// publisher and republishes unsent events once Redis answers.
    async fn listen(&self, subscription: &mut Subscription) {
        let mut keepalive = tokio::time::interval_at(Instant::now() + KEEPALIVE, KEEPALIVE);
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut probe_delay = MIN_BACKOFF;
        let mut next_probe: Option<Instant> = None;
        loop {
            if self.shared.publisher_ok() {
                next_probe = None;
                probe_delay = MIN_BACKOFF;
                if !lock(&self.shared.unsent).is_empty() {
                    self.shared.flush_unsent().await;
                    continue;
                }
            } else if next_probe.is_none() {
                next_probe = Some(Instant::now() + probe_delay);
            }
            tokio::select! {
                message = subscription.stream.next() => match message {
                    Some(message) => self.receive(&message),
                    None => {
                        tracing::warn!("lost the Redis subscription connection");
                        return;
                    }
                },
                _ = keepalive.tick() => {
                    match timeout(PING_TIMEOUT, subscription.sink.ping::<redis::Value>()).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(error)) => {
                            tracing::warn!(%error, "the Redis subscription connection failed a PING");
                            return;
                        }
                        Err(_) => {
                            tracing::warn!("the Redis subscription connection does not answer PING");
                            return;
                        }
                    }
                }
                () = self.shared.wake.notified() => {}
                () = tokio::time::sleep_until(next_probe.unwrap_or_else(Instant::now)), if next_probe.is_some() => {
                    if !self.shared.probe_publisher().await {
                        probe_delay = (probe_delay * 2).min(MAX_BACKOFF);
                        next_probe = Some(Instant::now() + probe_delay);
                    }
                }
            }
        }
    }

    /// Hands another replica's message to the local hub; skips our own, messages for
    /// workspaces nobody here watches, and anything undecodable.
    fn receive(&self, message: &redis::Msg) {
        let channel = message.get_channel_name();
        if channel == WIDGETS_CHANNEL {
            match serde_json::from_slice::<WidgetEnvelope>(message.get_payload_bytes()) {
                Ok(envelope) if envelope.node == self.node => {}
                // Fails only when nobody listens.
                Ok(envelope) => _ = self.shared.widget_changes.send(envelope.change),
                Err(error) => tracing::warn!(%error, "undecodable widget change skipped"),
            }
            return;
        }
        let Some(workspace_id) = channel.strip_prefix(CHANNEL_PREFIX) else {
            tracing::debug!(channel, "bus message on an unexpected channel skipped");
            return;
        };
        if !self.shared.has_subscribers(workspace_id) {
            return;
        }
        match serde_json::from_slice::<IncomingEnvelope>(message.get_payload_bytes()) {
            Ok(envelope) if envelope.node == self.node => {}
            Ok(envelope) if envelope.message.workspace_id() != workspace_id => {
                tracing::warn!(channel, "bus message for another workspace skipped");
            }
            // An older replica sends no time: its messages are delivered, not timed.
            Ok(envelope) => self.shared.deliver(&Arc::new(envelope.message), envelope.sent_at),
            Err(error) => tracing::warn!(%error, channel, "undecodable bus message skipped"),
        }
    }

    /// Reconnects with exponential backoff until subscribed again, then reports the new
    /// generation (and whether publishing works too).
    async fn resubscribe(&self) -> Subscription {
        let mut delay = MIN_BACKOFF;
        let mut attempt: u64 = 0;
        loop {
            tokio::time::sleep(delay).await;
            attempt += 1;
            match Subscription::open(&self.client).await {
                Ok(subscription) => {
                    let publisher_ok = self.shared.probe_publisher().await;
                    self.shared.update_link(|link| {
                        link.subscribed = true;
                        link.publisher_ok = publisher_ok;
                        link.generation += 1;
                    });
                    tracing::info!(attempt, "Redis subscription re-established");
                    return subscription;
                }
                Err(error) => {
                    delay = (delay * 2).min(MAX_BACKOFF);
                    tracing::warn!(%error, attempt, retry_in_ms = delay.as_millis(), "cannot re-subscribe to Redis");
                }
            }
        }
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it (every critical
/// section here leaves the data consistent).
/// The wall clock in Unix microseconds (comparable between replicas, unlike `Instant`).
fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::process::{Child, Command, Stdio};

    use tokio::sync::broadcast::error::{RecvError, TryRecvError};

    use super::*;
    use crate::domain::conversation::Sender;
    use crate::realtime::event::{Event, EventBody, Typing};
    use crate::realtime::payload::Message;

    /// The envelope on Redis as each release wrote it (`fixtures/envelope/`): v1 without
    /// `sent_at`, v2 (now) with it. During a rolling upgrade both are on one channel, so
    /// today's reader takes both, and today's writer writes v2 exactly — which v1 readers
    /// took too, as they ignore fields they do not know. Never rewrite a released fixture.
    #[test]
    fn envelopes_of_every_release_decode_and_today_writes_v2() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/realtime/fixtures/envelope");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        let v1: IncomingEnvelope = serde_json::from_str(&read("v1.json")).unwrap();
        assert_eq!(v1.node, *"node_4mQm3uV8W2xYtq7Kp9aZ");
        assert_eq!(v1.sent_at, None);
        let v2: IncomingEnvelope = serde_json::from_str(&read("v2.json")).unwrap();
        assert_eq!(v2.sent_at, Some(1_764_000_000_123_456));
        assert_eq!(v2.message, v1.message);
        assert!(matches!(&v2.message, BusMessage::Typing(t) if t.name == "Grace" && t.typing));

        let written = serde_json::to_value(OutgoingEnvelope {
            node: "node_4mQm3uV8W2xYtq7Kp9aZ",
            message: &v2.message,
            sent_at: 1_764_000_000_123_456,
        })
        .unwrap();
        let fixture: serde_json::Value = serde_json::from_str(&read("v2.json")).unwrap();
        assert_eq!(written, fixture, "the envelope's format changed: add fixtures/envelope/v3.json, keep v2");
    }

    fn typing(workspace_id: &str, name: &str) -> BusMessage {
        BusMessage::Typing(Typing {
            workspace_id: workspace_id.into(),
            conversation_id: "cnv_1".into(),
            visitor_id: "vis_1".into(),
            sender_type: Sender::Agent,
            sender_id: "usr_1".into(),
            name: name.to_owned(),
            typing: true,
            internal: false,
            draft: String::new(),
        })
    }

    fn event(workspace_id: &str, seq: i64) -> BusMessage {
        BusMessage::Event(Event {
            workspace_id: workspace_id.into(),
            seq,
            visitor_id: Some("vis_1".into()),
            visitor_visible: true,
            visitor_prev_seq: Some(seq - 1),
            body: EventBody::MessageCreated {
                message: Message {
                    id: format!("msg_{seq}").as_str().into(),
                    workspace_id: workspace_id.into(),
                    conversation_id: "cnv_1".into(),
                    seq,
                    sender_type: Sender::Visitor,
                    sender_id: "vis_1".into(),
                    sender_name: "Visitor".into(),
                    body: "hello".into(),
                    internal: false,
                    attachments: Vec::new(),
                    client_key: String::new(),
                    created_at: 0,
                    citations: Vec::new(),
                    quick_replies: Vec::new(),
                },
            },
        })
    }

    fn fresh_workspace() -> WorkspaceId {
        WorkspaceId::new()
    }

    fn shared_redis_url() -> String {
        std::env::var("PORTHOLE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
    }

    /// The next message within `wait`, or `None` if none came.
    async fn recv_within(receiver: &mut broadcast::Receiver<Arc<BusMessage>>, wait: Duration) -> Option<BusMessage> {
        match timeout(wait, receiver.recv()).await {
            Ok(Ok(message)) => Some((*message).clone()),
            Ok(Err(error)) => panic!("receiver failed: {error}"),
            Err(_) => None,
        }
    }

    /// Receives exactly `expected`, then nothing more for a short while.
    async fn expect_exactly_once(receiver: &mut broadcast::Receiver<Arc<BusMessage>>, expected: &BusMessage) {
        assert_eq!(recv_within(receiver, Duration::from_secs(5)).await.as_ref(), Some(expected));
        assert_eq!(recv_within(receiver, Duration::from_millis(300)).await, None, "delivered more than once");
    }

    /// Waits until the health satisfies `wanted`, returning it.
    async fn wait_for_health(
        health: &mut watch::Receiver<BusHealth>,
        wait: Duration,
        wanted: impl Fn(BusHealth) -> bool,
    ) -> BusHealth {
        let found = timeout(wait, async { health.wait_for(|h| wanted(*h)).await.map(|h| *h) }).await;
        match found {
            Ok(Ok(health)) => health,
            Ok(Err(_)) => panic!("health sender dropped"),
            Err(_) => panic!("health still {:?} after {wait:?}", *health.borrow()),
        }
    }

    /// A throwaway `redis-server` on its own port, killed on drop.
    struct RedisServer {
        port: u16,
        child: Option<Child>,
    }

    impl RedisServer {
        async fn start() -> Self {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut server = Self { port, child: None };
            server.restart().await;
            server
        }

        fn url(&self) -> String {
            format!("redis://127.0.0.1:{}", self.port)
        }

        /// Starts the server (again) on the same port and waits until it answers.
        async fn restart(&mut self) {
            assert!(self.child.is_none(), "already running");
            let port = self.port.to_string();
            let child = Command::new("/usr/bin/redis-server")
                .args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .args(["--daemonize", "no"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            self.child = Some(child);
            let client = redis::Client::open(self.url()).unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let ping = async {
                    let mut connection = client.get_multiplexed_async_connection().await?;
                    redis::cmd("PING").query_async::<String>(&mut connection).await
                };
                if let Ok(Ok(_)) = timeout(Duration::from_secs(1), ping).await {
                    return;
                }
                assert!(Instant::now() < deadline, "redis-server on port {} did not start", self.port);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }

        fn kill(&mut self) {
            if let Some(mut child) = self.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    impl Drop for RedisServer {
        fn drop(&mut self) {
            self.kill();
        }
    }

    /// Sends a raw command to Redis, as another program would.
    async fn raw_command(url: &str, command: &redis::Cmd) -> redis::Value {
        let client = redis::Client::open(url).unwrap();
        let mut connection =
            timeout(Duration::from_secs(5), client.get_multiplexed_async_connection()).await.unwrap().unwrap();
        timeout(Duration::from_secs(5), command.query_async(&mut connection)).await.unwrap().unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn in_process_delivers_to_every_subscriber_of_the_workspace_only() {
        let bus = Bus::in_process();
        let mut first = bus.subscribe(&"wsp_a".into());
        let mut second = bus.subscribe(&"wsp_a".into());
        let mut other = bus.subscribe(&"wsp_b".into());
        assert_eq!(*bus.health().borrow(), BusHealth::Live { generation: 0 });

        let message = typing("wsp_a", "Ann");
        bus.publish(message.clone()).await;

        assert_eq!(recv_within(&mut first, Duration::from_secs(1)).await, Some(message.clone()));
        assert_eq!(recv_within(&mut second, Duration::from_secs(1)).await, Some(message));
        assert!(matches!(other.try_recv(), Err(TryRecvError::Empty)));
        assert!(matches!(first.try_recv(), Err(TryRecvError::Empty)));
        assert_eq!(bus.local_workspaces(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn workspaces_without_subscribers_are_forgotten() {
        let bus = Bus::in_process();
        let hub_size = || lock(&bus.inner.shared.hub).topics.len();

        // Publishing to a workspace nobody watches any more forgets it.
        let receiver = bus.subscribe(&"wsp_once".into());
        drop(receiver);
        bus.publish(typing("wsp_once", "Ann")).await;
        assert_eq!(hub_size(), 0);

        // Workspaces watched once and never published to are swept by later subscribes:
        // the hub stays small however many come and go.
        let kept = bus.subscribe(&"wsp_kept".into());
        for i in 0..1000 {
            drop(bus.subscribe(&format!("wsp_{i}").as_str().into()));
            assert!(hub_size() <= SWEEP_MIN, "hub grew to {}", hub_size());
        }
        assert_eq!(bus.local_workspaces(), 1);
        assert_eq!(hub_size(), 1);
        drop(kept);
        assert_eq!(bus.local_workspaces(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_visitor_subscriber_gets_messages_about_that_visitor_only() {
        let bus = Bus::in_process();
        let mut workspace = bus.subscribe(&"wsp_a".into());
        let mut visitor = bus.subscribe_visitor(&"wsp_a".into(), &"vis_1".into());
        let mut same_visitor = bus.subscribe_visitor(&"wsp_a".into(), &"vis_1".into());
        let mut other_visitor = bus.subscribe_visitor(&"wsp_a".into(), &"vis_2".into());
        let mut other_workspace = bus.subscribe_visitor(&"wsp_b".into(), &"vis_1".into());

        let about_visitor = event("wsp_a", 1);
        bus.publish(about_visitor.clone()).await;
        let typing = typing("wsp_a", "Ann");
        bus.publish(typing.clone()).await;
        let BusMessage::Event(mut no_visitor) = event("wsp_a", 2) else { unreachable!() };
        no_visitor.visitor_id = None;
        let no_visitor = BusMessage::Event(no_visitor);
        bus.publish(no_visitor.clone()).await;

        for receiver in [&mut visitor, &mut same_visitor] {
            assert_eq!(recv_within(receiver, Duration::from_secs(1)).await, Some(about_visitor.clone()));
            assert_eq!(recv_within(receiver, Duration::from_secs(1)).await, Some(typing.clone()));
            assert!(matches!(receiver.try_recv(), Err(TryRecvError::Empty)));
        }
        for expected in [&about_visitor, &typing, &no_visitor] {
            assert_eq!(recv_within(&mut workspace, Duration::from_secs(1)).await.as_ref(), Some(expected));
        }
        assert!(matches!(other_visitor.try_recv(), Err(TryRecvError::Empty)));
        assert!(matches!(other_workspace.try_recv(), Err(TryRecvError::Empty)));

        // Visitors who stop watching are forgotten; the workspace with them once nobody is left.
        drop((visitor, same_visitor, workspace));
        bus.publish(about_visitor.clone()).await;
        assert_eq!(bus.local_workspaces(), 2);
        drop((other_visitor, other_workspace));
        assert_eq!(bus.local_workspaces(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn visitors_who_stopped_watching_are_swept() {
        let bus = Bus::in_process();
        let visitors = || lock(&bus.inner.shared.hub).topics.get("wsp_a").map_or(0, |topic| topic.visitors.len());
        let kept = bus.subscribe_visitor(&"wsp_a".into(), &"vis_kept".into());
        for i in 0..1000 {
            drop(bus.subscribe_visitor(&"wsp_a".into(), &format!("vis_{i}").as_str().into()));
            assert!(visitors() <= SWEEP_MIN, "the workspace's visitors grew to {}", visitors());
        }
        assert_eq!(bus.local_workspaces(), 1);
        assert_eq!(visitors(), 1);
        drop(kept);
        assert_eq!(bus.local_workspaces(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_subscriber_lags() {
        let bus = Bus::in_process();
        let mut slow = bus.subscribe(&"wsp_a".into());
        for i in 0..SUBSCRIBER_CAPACITY + 5 {
            bus.publish(typing("wsp_a", &i.to_string())).await;
        }
        assert!(matches!(slow.recv().await, Err(RecvError::Lagged(5))));
        // After the lag it continues with the oldest message still buffered.
        assert_eq!(recv_within(&mut slow, Duration::from_secs(1)).await, Some(typing("wsp_a", "5")));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn starting_without_redis_fails_clearly() {
        let invalid = Bus::with_redis("not a url").await;
        assert!(matches!(invalid, Err(BusError::InvalidUrl(_))), "{invalid:?}");

        let started = Instant::now();
        let unreachable = Bus::with_redis("redis://127.0.0.1:1").await;
        assert!(matches!(unreachable, Err(BusError::Connect(_) | BusError::Timeout(_))), "{unreachable:?}");
        assert!(started.elapsed() < STARTUP_TIMEOUT + Duration::from_secs(1));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn replicas_deliver_each_message_exactly_once() {
        let url = shared_redis_url();
        let a = Bus::with_redis(&url).await.unwrap();
        let b = Bus::with_redis(&url).await.unwrap();
        let workspace = fresh_workspace();
        let mut on_a = a.subscribe(&workspace);
        let mut on_b = b.subscribe(&workspace);
        let mut visitor_on_b = b.subscribe_visitor(&workspace, &"vis_1".into());
        let mut elsewhere = b.subscribe(&fresh_workspace());

        let from_a = event(&workspace, 1);
        a.publish(from_a.clone()).await;
        expect_exactly_once(&mut on_a, &from_a).await;
        expect_exactly_once(&mut on_b, &from_a).await;
        expect_exactly_once(&mut visitor_on_b, &from_a).await;

        let from_b = typing(&workspace, "Bea");
        b.publish(from_b.clone()).await;
        expect_exactly_once(&mut on_b, &from_b).await;
        expect_exactly_once(&mut on_a, &from_b).await;

        assert!(matches!(elsewhere.try_recv(), Err(TryRecvError::Empty)));
        assert_eq!(*a.health().borrow(), BusHealth::Live { generation: 0 });
        assert_eq!(*b.health().borrow(), BusHealth::Live { generation: 0 });
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn undecodable_and_misrouted_payloads_are_skipped() {
        let url = shared_redis_url();
        let bus = Bus::with_redis(&url).await.unwrap();
        let workspace = fresh_workspace();
        let mut receiver = bus.subscribe(&workspace);
        let channel = format!("{CHANNEL_PREFIX}{workspace}");

        raw_command(&url, redis::cmd("PUBLISH").arg(&channel).arg("not json")).await;
        let misrouted = serde_json::json!({ "node": "node_other", "message": typing("wsp_elsewhere", "Eve") });
        raw_command(&url, redis::cmd("PUBLISH").arg(&channel).arg(misrouted.to_string())).await;
        let valid = typing(&workspace, "Vic");
        let envelope = serde_json::json!({ "node": "node_other", "message": valid });
        raw_command(&url, redis::cmd("PUBLISH").arg(&channel).arg(envelope.to_string())).await;

        expect_exactly_once(&mut receiver, &valid).await;
        assert_eq!(*bus.health().borrow(), BusHealth::Live { generation: 0 });
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_outage_degrades_and_reconnecting_bumps_the_generation() {
        let mut server = RedisServer::start().await;
        let a = Bus::with_redis(&server.url()).await.unwrap();
        let b = Bus::with_redis(&server.url()).await.unwrap();
        let (mut health_a, mut health_b) = (a.health(), b.health());
        let workspace = fresh_workspace();
        let mut on_a = a.subscribe(&workspace);
        let mut on_b = b.subscribe(&workspace);
        let before = typing(&workspace, "before");
        a.publish(before.clone()).await;
        expect_exactly_once(&mut on_b, &before).await;
        expect_exactly_once(&mut on_a, &before).await;

        server.kill();
        wait_for_health(&mut health_a, Duration::from_secs(5), |h| h == BusHealth::Degraded).await;
        wait_for_health(&mut health_b, Duration::from_secs(5), |h| h == BusHealth::Degraded).await;

        // Local delivery goes on, and publishing stays bounded in time.
        let during = typing(&workspace, "during");
        let started = Instant::now();
        a.publish(during.clone()).await;
        assert!(started.elapsed() < Duration::from_secs(3), "publish blocked for {:?}", started.elapsed());
        expect_exactly_once(&mut on_a, &during).await;
        assert_eq!(*health_a.borrow(), BusHealth::Degraded);

        server.restart().await;
        let live = |h: BusHealth| matches!(h, BusHealth::Live { generation } if generation >= 1);
        let after_a = wait_for_health(&mut health_a, Duration::from_secs(20), live).await;
        let after_b = wait_for_health(&mut health_b, Duration::from_secs(20), live).await;
        assert!(matches!(after_a, BusHealth::Live { .. }) && matches!(after_b, BusHealth::Live { .. }));

        // The link carries messages both ways again (the typing indicator published during
        // the outage is not resent: it is ephemeral).
        let after = typing(&workspace, "after");
        a.publish(after.clone()).await;
        expect_exactly_once(&mut on_b, &after).await;
        expect_exactly_once(&mut on_a, &after).await;
        let reply = typing(&workspace, "reply");
        b.publish(reply.clone()).await;
        expect_exactly_once(&mut on_a, &reply).await;
        expect_exactly_once(&mut on_b, &reply).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_publish_degrades_until_redis_answers_and_the_event_is_resent() {
        let server = RedisServer::start().await;
        let a = Bus::with_redis(&server.url()).await.unwrap();
        let b = Bus::with_redis(&server.url()).await.unwrap();
        let mut health_a = a.health();
        let workspace = fresh_workspace();
        let mut on_a = a.subscribe(&workspace);
        let mut on_b = b.subscribe(&workspace);
        let mut visitor_on_b = b.subscribe_visitor(&workspace, &"vis_1".into());

        // Cut the publishers' connections (type normal) but not the subscriptions (pubsub).
        raw_command(&server.url(), redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal")).await;
        tokio::time::sleep(Duration::from_millis(200)).await;

        let lost = event(&workspace, 7);
        a.publish(lost.clone()).await;
        assert_eq!(*health_a.borrow_and_update(), BusHealth::Degraded);
        expect_exactly_once(&mut on_a, &lost).await;

        // The probe finds Redis answering: Live again with the same generation (the
        // subscription never dropped), and the event reaches the other replica after all.
        let live = wait_for_health(&mut health_a, Duration::from_secs(5), |h| h != BusHealth::Degraded).await;
        assert_eq!(live, BusHealth::Live { generation: 0 });
        // Kept under the workspace and the visitor, it is sent once.
        expect_exactly_once(&mut on_b, &lost).await;
        expect_exactly_once(&mut visitor_on_b, &lost).await;
        assert_eq!(*b.health().borrow(), BusHealth::Live { generation: 0 });
    }
}
