//! Resumable feeds: live events from the bus, gaps and lag filled from the store's event
//! log, so a subscriber sees every event after its cursor exactly once, in order.
//!
//! **Invariant:** a feed subscribes to the bus *before* reading the store, never sends an
//! event whose `seq` is at or below its cursor, and advances the cursor only after queuing
//! an event to send (or skipping an invisible one); since `seq` is gap-free and in commit
//! order, a live event with `seq > cursor + 1` means the events in between are committed
//! and are read from the store first.
//!
//! A visitor's feed receives only that visitor's messages from the bus, so its `seq`s jump
//! by design; each event it may see carries `visitor_prev_seq`, the one of theirs before
//! it. That at or below the cursor means nothing of theirs is missing.
//!
//! Events are published after their commit by whoever committed them, so they often arrive
//! a little out of order (a batch of sends commits together, then each sender publishes).
//! An event that does not follow the cursor is held back for up to [`GAP_WAIT`] while the
//! missing one is on its way; if it does not come (its publisher was cancelled, or another
//! replica's message was lost), the feed reads the gap from the store.

use crate::domain::id::{DashboardId, SessionId, UserId, VisitorId, WidgetId, WorkspaceId};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use super::bus::{Bus, BusHealth};
use super::event::{BusMessage, Event, EventBody};
use crate::domain::conversation::Sender;
use crate::error::Error;
use crate::slots::{self, Slots};
use crate::store::Store;
use crate::store::events::EventFilter;

/// Most feeds one visitor may hold open on a server at once (a tab each). Every feed is a
/// connection's buffers, a bus subscription and timers: without a cap one visitor token held 1,000. A
/// watcher over the cap is refused; its older feeds are not closed for it.
pub const MAX_PER_VISITOR: usize = 16;
/// Most feeds one member may hold open on a server at once (dashboards on several devices).
pub const MAX_PER_MEMBER: usize = 32;
/// When a watcher with all its feeds open may try again.
const RETRY_FULL: Duration = Duration::from_secs(10);
/// How often an idle feed sends a heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// How often an open agent feed refreshes its member's presence.
const PRESENCE_TOUCH: Duration = Duration::from_secs(20);
/// How often a feed reads the store while cross-replica delivery is down.
const DEGRADED_POLL: Duration = Duration::from_secs(1);
/// Events read from the store per query when replaying.
const REPLAY_BATCH: i64 = 500;
/// How long a feed holds back an event while the one before it has not arrived live.
pub const GAP_WAIT: Duration = Duration::from_millis(50);
/// Most events a feed holds back; one more and it reads the gap from the store at once.
const GAP_HOLD: usize = 64;

/// Who is watching: decides which events are visible.
#[derive(Clone, Debug)]
pub enum Audience {
    /// A member of the workspace (by user id): sees everything; while the feed is open the
    /// member counts as present.
    Agent(UserId),
    /// One visitor: their own conversations, no internal notes or agent-only changes.
    Visitor(VisitorId),
}

impl Audience {
    /// The bus subscription carrying what this audience may see (and a little more).
    fn subscribe(&self, bus: &Bus, workspace_id: &WorkspaceId) -> broadcast::Receiver<Arc<BusMessage>> {
        match self {
            Audience::Agent(_) => bus.subscribe(workspace_id),
            Audience::Visitor(id) => bus.subscribe_visitor(workspace_id, id),
        }
    }

    fn filter(&self) -> EventFilter {
        match self {
            Audience::Agent(_) => EventFilter::Workspace,
            Audience::Visitor(id) => EventFilter::Visitor(id.clone()),
        }
    }

    fn sees_event(&self, event: &Event) -> bool {
        match self {
            Audience::Agent(user_id) => match &event.body {
                EventBody::AssignmentNotice { recipient, .. } => recipient == user_id,
                _ => true,
            },
            Audience::Visitor(id) => event.visitor_visible && event.visitor_id.as_ref() == Some(id),
        }
    }

    fn sees(&self, message: &BusMessage) -> bool {
        match (self, message) {
            (_, BusMessage::Event(event)) => self.sees_event(event),
            (Audience::Agent(_), BusMessage::Typing(_)) => true,
            (Audience::Visitor(id), BusMessage::Typing(t)) => {
                t.visitor_id == *id && t.sender_type != Sender::Visitor && !t.internal
            }
        }
    }
}

/// What a feed hands to the protocol layer.
pub enum FeedItem<'a> {
    /// An event or typing indicator the audience may see.
    Message(&'a BusMessage),
    /// Keep-alive (also the first item of every stream).
    Heartbeat,
}

/// Parses a client cursor: empty means "from now".
pub fn parse_cursor(cursor: &str) -> Result<Option<i64>, Error> {
    if cursor.trim().is_empty() {
        return Ok(None);
    }
    match cursor.trim().parse::<i64>() {
        Ok(seq) if seq >= 0 => Ok(Some(seq)),
        _ => Err(Error::invalid("cursor", "must be a cursor received from this feed, or empty")),
    }
}

/// How often an open feed checks that its watcher may still watch, when it cannot be told:
/// a member's session, or a widget while cross-replica delivery is down.
pub const ACCESS_CHECK: Duration = Duration::from_secs(5);

/// What allows a watcher to watch, re-checked while the feed is open: once it is gone
/// (member removed, logged out, password changed; widget turned off or deleted) the feed
/// ends with UNAUTHENTICATED. A member's session is asked every [`ACCESS_CHECK`]. A
/// widget's feeds are told when the widget may have changed (`WidgetStates::forgotten`)
/// and ask then, and otherwise every [`ACCESS_CHECK`] while the bus is `Degraded` and every
/// `widget_states::MAX_AGE` while it is `Live` (the bound the cache keeps for an
/// announcement lost on its way): an idle feed wakes for little but its heartbeat, and
/// each wake polls its connection's whole stack (BENCHMARKS.md, "light streams").
#[derive(Clone, Debug)]
pub enum Grant {
    /// A member's session (its refresh-token family) in the feed's workspace.
    Member { user_id: UserId, session_id: SessionId },
    /// A visitor token's widget.
    Widget { widget_id: WidgetId },
}

/// Everything a feed needs.
pub struct FeedSource {
    pub store: Store,
    pub bus: Bus,
    pub shutdown: watch::Receiver<bool>,
    /// The feeds open on this server, per watcher (`m:` user id, `v:` visitor id).
    pub open: Arc<Slots<String>>,
    /// Widgets' on/off answers, shared with the visitor API: a widget's feeds ask the same
    /// question (see [`Grant`]), and asking the store for each cost 2,000 reads a second
    /// (10 % of a core) at 10,000 idle feeds when they asked every [`ACCESS_CHECK`].
    pub widget_states: Arc<crate::auth::widget_states::WidgetStates>,
}

/// Opens a feed of `workspace_id` and returns it as a stream. `convert` turns each item into
/// the wire message (with the cursor to put on it); `None` skips it.
///
/// The stream is the feed: it does its work (receiving from the bus, replaying, timers)
/// only while the response body polls it, with no task or channel of its own, and it ends
/// when the response is dropped. An idle feed is this one state machine and its bus
/// subscription (BENCHMARKS.md, "light streams").
pub async fn watch<T, F>(
    source: FeedSource,
    workspace_id: WorkspaceId,
    audience: Audience,
    grant: Option<Grant>,
    cursor: Option<i64>,
    convert: F,
) -> Result<impl tokio_stream::Stream<Item = Result<T, tonic::Status>> + Send + 'static, Error>
where
    T: Send + 'static,
    F: Fn(FeedItem<'_>, i64) -> Option<T> + Send + 'static,
{
    let (key, max, who) = match &audience {
        Audience::Agent(user_id) => (format!("m:{user_id}"), MAX_PER_MEMBER, "member"),
        Audience::Visitor(id) => (format!("v:{id}"), MAX_PER_VISITOR, "visitor"),
    };
    let Some(slot) = source.open.claim(key, max) else {
        return Err(Error::exhausted(
            format!("this {who} already has {max} live feeds open; close another tab or window"),
            RETRY_FULL,
        ));
    };
    // Subscribe before reading the store so nothing committed after the read is missed.
    let live = audience.subscribe(&source.bus, &workspace_id);
    let latest = source.store.latest_event_seq(&workspace_id).await?;
    let cursor = match cursor {
        None => latest,
        Some(seq) if seq > latest => {
            return Err(Error::OutOfRange(
                "cursor is ahead of this workspace's event log; reload and watch with an empty cursor".into(),
            ));
        }
        Some(seq) => {
            // The log is pruned from its oldest end (`retention`): if events right after the
            // cursor are gone, resuming would skip them silently.
            let first_kept = source.store.oldest_event_seq(&workspace_id).await?.unwrap_or(latest + 1);
            if seq + 1 < first_kept {
                return Err(Error::OutOfRange(
                    "cursor is older than this workspace's retained event log; reload and watch with an empty cursor"
                        .into(),
                ));
            }
            seq
        }
    };
    let dashboard = DashboardId::new();
    let presence = match &audience {
        Audience::Agent(user_id) => {
            dashboard_seen(&source.store, &dashboard, &workspace_id, user_id).await;
            // Touch well within the grace period, so a connected agent never looks gone.
            let grace = Duration::from_millis(u64::try_from(source.store.agent_grace_ms()).unwrap_or(60_000));
            Some(tokio::time::interval(PRESENCE_TOUCH.min(grace / 3).max(Duration::from_millis(100))))
        }
        Audience::Visitor(_) => None,
    };
    let mut health = source.bus.health();
    let degraded = matches!(*health.borrow_and_update(), BusHealth::Degraded);
    let now = tokio::time::Instant::now();
    let feed = Feed {
        access: grant.as_ref().map(|grant| access_checks(grant, degraded)),
        forgotten: match &grant {
            Some(Grant::Widget { .. }) => Some(source.widget_states.forgotten()),
            _ => None,
        },
        source,
        workspace_id,
        audience,
        grant,
        cursor,
        convert,
        live,
        health,
        poll: degraded.then(|| tokio::time::interval(DEGRADED_POLL)),
        heartbeat: tokio::time::interval_at(now + HEARTBEAT, HEARTBEAT),
        presence,
        // The first item of every stream is a heartbeat with the starting cursor; then
        // whatever was logged after the client's cursor.
        queue: VecDeque::from([(cursor, Queued::Heartbeat)]),
        replay: Some(Replay::ToHead),
        stop: None,
        held: BTreeMap::new(),
        gap_deadline: None,
        dashboard,
        _slot: slot,
        _out: std::marker::PhantomData,
    };
    Ok(futures_util::stream::unfold(feed, |mut feed| async move {
        let item = feed.next().await?;
        Some((item, feed))
    }))
}

/// An item waiting to be converted and sent, with the cursor it carries.
enum Queued {
    Heartbeat,
    /// From the bus, or read from the log.
    Message(Arc<BusMessage>),
}

/// A replay from the store that is under way.
#[derive(Clone, Copy)]
enum Replay {
    /// Up to the newest committed event (not read yet).
    ToHead,
    /// Up to the event before this `seq`.
    Before(i64),
}

struct Feed<T, F> {
    source: FeedSource,
    workspace_id: WorkspaceId,
    audience: Audience,
    /// `None` only in tests of the feed itself.
    grant: Option<Grant>,
    cursor: i64,
    convert: F,
    live: broadcast::Receiver<Arc<BusMessage>>,
    health: watch::Receiver<BusHealth>,
    /// While cross-replica delivery is down: when to read the store next.
    poll: Option<tokio::time::Interval>,
    heartbeat: tokio::time::Interval,
    /// Agents' feeds: when to refresh the member's presence.
    presence: Option<tokio::time::Interval>,
    /// When to re-check the grant without being told.
    access: Option<tokio::time::Interval>,
    /// Widget grants: told when the widget may have changed.
    forgotten: Option<watch::Receiver<()>>,
    /// What is ready to send. Filled only while empty, by one step (a replay batch or a
    /// live event and the held ones it releases), so it never holds more than
    /// [`REPLAY_BATCH`] items or [`GAP_HOLD`] + 1.
    queue: VecDeque<(i64, Queued)>,
    /// Set while a replay is under way: its next batch is read once the queue is sent.
    replay: Option<Replay>,
    /// Set when the feed has stopped: the queue is sent, then the error if any.
    stop: Option<Stop>,
    /// Live events that arrived before one they follow, by `seq` (see the module docs).
    held: BTreeMap<i64, Arc<BusMessage>>,
    /// When to stop waiting for the missing event and read the store; set while `held`
    /// is not empty.
    gap_deadline: Option<tokio::time::Instant>,
    /// For an agent's feed: its row among open dashboards (members with one get no push).
    dashboard: DashboardId,
    /// This feed's place among its watcher's open feeds, given back when the feed ends.
    _slot: slots::Slot<String>,
    /// What `convert` makes.
    _out: std::marker::PhantomData<fn() -> T>,
}

impl<T, F> Drop for Feed<T, F> {
    /// An agent's dashboard stops counting as open (the store write cannot be awaited in a
    /// drop, so it runs on its own; if it fails, the row expires within a minute).
    fn drop(&mut self) {
        let Audience::Agent(_) = self.audience else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let store = self.source.store.clone();
        let dashboard = self.dashboard.clone();
        runtime.spawn(async move {
            if let Err(error) = store.dashboard_closed(&dashboard).await {
                tracing::warn!(%error, "could not record a dashboard closing; it stops counting within a minute");
            }
        });
    }
}

/// Ends the feed when its grant is gone; a failing check is logged and the feed goes on
/// (the next check decides).
async fn check_grant(source: &FeedSource, workspace_id: &WorkspaceId, grant: &Grant) -> Result<(), Stop> {
    let store = &source.store;
    let (allowed, ended) = match grant {
        Grant::Member { user_id, session_id } => (
            store.live_session_role(workspace_id, user_id, session_id).await.map(|role| role.is_some()),
            "this session has ended (signed out, password changed, or removed from the workspace); sign in again",
        ),
        Grant::Widget { widget_id } => (
            source.widget_states.active(store, workspace_id, widget_id).await,
            "this chat was turned off or removed by the site",
        ),
    };
    match allowed {
        Ok(true) => Ok(()),
        Ok(false) => Err(Stop::Failed(Error::unauthenticated(ended))),
        Err(error) => {
            tracing::warn!(%error, "could not re-check a feed's access; it stays open until the next check");
            Ok(())
        }
    }
}

/// Why a feed stopped.
enum Stop {
    /// The server is shutting down or the bus is gone.
    Done,
    /// The store failed (the client is told and may resume from its cursor), or the
    /// watcher's grant is gone (UNAUTHENTICATED).
    Failed(Error),
}

/// Records that an agent's dashboard (feed `id`) is open now.
async fn dashboard_seen(store: &Store, id: &DashboardId, workspace_id: &WorkspaceId, user_id: &UserId) {
    let now = crate::store::now_ms();
    if let Err(error) = store.dashboard_seen(id, workspace_id, user_id, now).await {
        tracing::warn!(%error, "could not record an open dashboard");
    }
}

/// When to re-check `grant` without being told (see [`Grant`]); the first check is one
/// period from now.
fn access_checks(grant: &Grant, degraded: bool) -> tokio::time::Interval {
    let period = match grant {
        Grant::Widget { .. } if !degraded => crate::auth::widget_states::MAX_AGE,
        _ => ACCESS_CHECK,
    };
    tokio::time::interval_at(tokio::time::Instant::now() + period, period)
}

/// Waits for `receiver` to change; never, without one or once its sender is gone.
async fn changed(receiver: &mut Option<watch::Receiver<()>>) {
    if let Some(receiver) = receiver
        && receiver.changed().await.is_ok()
    {
        return;
    }
    std::future::pending().await
}

/// Waits for `interval`'s next tick; never, without one (that branch is also disabled).
async fn tick(interval: &mut Option<tokio::time::Interval>) {
    match interval {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

impl<T, F> Feed<T, F>
where
    T: Send + 'static,
    F: Fn(FeedItem<'_>, i64) -> Option<T> + Send + 'static,
{
    /// The next item to send; `None` once the feed has ended.
    async fn next(&mut self) -> Option<Result<T, tonic::Status>> {
        loop {
            if let Some((cursor, queued)) = self.queue.pop_front() {
                if self.queue.is_empty() {
                    // Give a replay batch's room back; an idle feed holds no buffer.
                    self.queue = VecDeque::new();
                }
                if let Some(out) = self.output(queued, cursor) {
                    return Some(Ok(out));
                }
                continue;
            }
            match self.stop.replace(Stop::Done) {
                Some(Stop::Done) => return None,
                Some(Stop::Failed(error)) => return Some(Err(error.into())),
                None => self.stop = None,
            }
            // The cold paths (store reads and writes, publishing) are boxed where they are
            // awaited: inline, their futures made every idle feed's state several KB; boxed,
            // the box exists only while they run.
            let step = match self.replay {
                Some(replay) => Box::pin(self.replay_step(replay)).await,
                None => self.wait().await,
            };
            if let Err(stop) = step {
                self.stop = Some(stop);
            }
        }
    }

    /// Waits for the next thing to do and does it: queues what is to be sent, or starts a
    /// replay.
    async fn wait(&mut self) -> Result<(), Stop> {
        tokio::select! {
            _ = self.source.shutdown.changed() => return Err(Stop::Done),
            received = self.live.recv() => match received {
                Ok(message) => self.deliver(message),
                // Too slow for the live stream: catch up from the store instead of
                // buffering without bound.
                Err(broadcast::error::RecvError::Lagged(_)) => self.replay = Some(Replay::ToHead),
                Err(broadcast::error::RecvError::Closed) => return Err(Stop::Done),
            },
            changed = self.health.changed() => {
                if changed.is_err() {
                    return Err(Stop::Done);
                }
                let degraded = matches!(*self.health.borrow_and_update(), BusHealth::Degraded);
                self.poll = degraded.then(|| tokio::time::interval(DEGRADED_POLL));
                self.access = self.grant.as_ref().map(|grant| access_checks(grant, degraded));
                // Whatever other replicas published while the link was down, or since it
                // came back, is in the store.
                self.replay = Some(Replay::ToHead);
            }
            () = tick(&mut self.poll), if self.poll.is_some() => self.replay = Some(Replay::ToHead),
            () = tokio::time::sleep_until(self.gap_deadline.unwrap_or_else(tokio::time::Instant::now)),
                if self.gap_deadline.is_some() => self.fill_gap(),
            () = tick(&mut self.presence), if self.presence.is_some() => {
                Box::pin(self.touch_presence()).await;
                return Ok(());
            }
            () = tick(&mut self.access), if self.access.is_some() => {
                if let Some(grant) = &self.grant {
                    Box::pin(check_grant(&self.source, &self.workspace_id, grant)).await?;
                }
                return Ok(());
            }
            () = changed(&mut self.forgotten), if self.forgotten.is_some() => {
                if let Some(grant) = &self.grant {
                    Box::pin(check_grant(&self.source, &self.workspace_id, grant)).await?;
                }
                return Ok(());
            }
            _ = self.heartbeat.tick() => {
                self.enqueue(Queued::Heartbeat);
                return Ok(());
            }
        }
        self.heartbeat.reset();
        Ok(())
    }

    /// Refreshes an agent's presence and their dashboard's row (`&mut`: the feed is `Send`,
    /// not `Sync`).
    async fn touch_presence(&mut self) {
        let Audience::Agent(user_id) = &self.audience else { return };
        let now = crate::store::now_ms();
        dashboard_seen(&self.source.store, &self.dashboard, &self.workspace_id, user_id).await;
        match self.source.store.touch_member(&self.workspace_id, user_id, now).await {
            Ok(events) => {
                for event in events {
                    self.source.bus.publish(BusMessage::Event(event)).await;
                }
            }
            Err(error) => tracing::warn!(%error, "could not record agent presence"),
        }
    }

    fn deliver(&mut self, message: Arc<BusMessage>) {
        let BusMessage::Event(event) = &*message else {
            if self.audience.sees(&message) {
                self.enqueue(Queued::Message(message));
            }
            return;
        };
        if event.seq <= self.cursor {
            return;
        }
        // An event a visitor may not see leaves their cursor alone (one of theirs may
        // precede it); an agent's feed has it pass through the order like any other.
        if let Audience::Visitor(_) = self.audience
            && !self.audience.sees_event(event)
        {
            return;
        }
        if !self.follows_cursor(event) {
            self.held.insert(event.seq, Arc::clone(&message));
            if self.held.len() > GAP_HOLD {
                return self.fill_gap();
            }
            self.gap_deadline.get_or_insert_with(|| tokio::time::Instant::now() + GAP_WAIT);
            return;
        }
        self.send_live(message);
        // It may have been what held events were waiting for.
        while let Some((&seq, next)) = self.held.first_key_value() {
            let BusMessage::Event(event) = &**next else { break };
            if seq > self.cursor && !self.follows_cursor(event) {
                break;
            }
            let Some(next) = self.held.remove(&seq) else { break };
            if seq > self.cursor {
                self.send_live(next);
            }
        }
        if self.held.is_empty() {
            self.gap_deadline = None;
        }
    }

    /// Whether nothing this feed shows can be missing between its cursor and `event`.
    fn follows_cursor(&self, event: &Event) -> bool {
        match &self.audience {
            Audience::Agent(_) => event.seq == self.cursor + 1,
            Audience::Visitor(_) => event.visitor_prev_seq.is_some_and(|prev| prev <= self.cursor),
        }
    }

    /// Queues a live event that follows the cursor (if the audience sees it) and moves the
    /// cursor to it.
    fn send_live(&mut self, message: Arc<BusMessage>) {
        let BusMessage::Event(event) = &*message else { return };
        let seq = event.seq;
        if self.audience.sees_event(event) {
            self.enqueue(Queued::Message(message));
        }
        self.cursor = seq;
    }

    /// The event before the held ones did not arrive in time: reads everything up to the
    /// newest held one from the store (which has them all: they were published after commit).
    fn fill_gap(&mut self) {
        let Some((&newest, _)) = self.held.last_key_value() else {
            self.gap_deadline = None;
            return;
        };
        self.held.clear();
        self.gap_deadline = None;
        self.replay = Some(Replay::Before(newest + 1));
    }

    /// One step of a replay: queues the next batch of visible stored events after the
    /// cursor; once there are no more below its end, moves the cursor to just below it and
    /// ends the replay.
    async fn replay_step(&mut self, replay: Replay) -> Result<(), Stop> {
        let store = &self.source.store;
        let before = match replay {
            Replay::Before(seq) => seq,
            Replay::ToHead => {
                let before = store.latest_event_seq(&self.workspace_id).await.map_err(|e| Stop::Failed(e.into()))? + 1;
                self.replay = Some(Replay::Before(before));
                before
            }
        };
        if self.cursor + 1 < before {
            let events = store
                .events_after(&self.workspace_id, &self.audience.filter(), self.cursor, Some(before), REPLAY_BATCH)
                .await
                .map_err(|e| Stop::Failed(e.into()))?;
            let more = events.len() as i64 >= REPLAY_BATCH;
            for event in events {
                let seq = event.seq;
                if self.audience.sees_event(&event) {
                    self.enqueue(Queued::Message(Arc::new(BusMessage::Event(event))));
                }
                self.cursor = seq;
            }
            if more {
                return Ok(());
            }
        }
        self.cursor = self.cursor.max(before - 1);
        self.replay = None;
        // What was held back is in what was just read (or still ahead of it).
        self.held.retain(|seq, _| *seq > self.cursor);
        if self.held.is_empty() {
            self.gap_deadline = None;
        }
        Ok(())
    }

    /// Queues an item with the cursor it carries: an event's own `seq`, otherwise the
    /// cursor now (so a client resuming from it misses nothing queued before).
    fn enqueue(&mut self, queued: Queued) {
        let cursor = match &queued {
            Queued::Message(message) => match &**message {
                BusMessage::Event(event) => event.seq,
                BusMessage::Typing(_) => self.cursor,
            },
            Queued::Heartbeat => self.cursor,
        };
        self.queue.push_back((cursor, queued));
    }

    fn output(&self, queued: Queued, cursor: i64) -> Option<T> {
        match queued {
            Queued::Heartbeat => (self.convert)(FeedItem::Heartbeat, cursor),
            Queued::Message(message) => (self.convert)(FeedItem::Message(&message), cursor),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tokio_stream::StreamExt as _;

    use super::*;
    use crate::config::DatabaseConfig;
    use crate::realtime::payload::MemberView;
    use crate::store::StoreError;
    use crate::store::events::NewEvent;

    /// A store on a fresh SQLite file with one workspace; the folder is removed on drop.
    struct Fixture {
        dir: std::path::PathBuf,
        store: Store,
        bus: Bus,
        /// Kept so the feeds' shutdown receivers stay open.
        shutdown: watch::Sender<bool>,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    const WORKSPACE: &str = "wsp_feed_test";

    async fn fixture() -> Fixture {
        let dir = std::env::temp_dir().join(crate::ids::unique("porthole-feed-test"));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::connect(&DatabaseConfig::Sqlite(dir.join("test.db")), 2).await.unwrap();
        add_workspace(&store).await.unwrap();
        let bus = Bus::in_process();
        let (shutdown, _) = watch::channel(false);
        Fixture { dir, store, bus, shutdown }
    }

    async fn add_workspace(store: &Store) -> Result<(), StoreError> {
        store.insert_workspace(WORKSPACE, "Feed test", 0).await
    }

    /// An event about `visitor` (None: about nobody).
    fn new_event(visitor: Option<&str>, visible: bool) -> NewEvent {
        let member = MemberView {
            user_id: "usr_1".into(),
            email: String::new(),
            display_name: String::new(),
            role: crate::domain::account::Role::Agent,
            joined_at: 0,
            status: crate::domain::routing::AgentStatus::Online,
            presence: crate::domain::routing::AgentStatus::Online,
            max_chats: 1,
            load: 0,
        };
        NewEvent {
            conversation_id: None,
            visitor_id: visitor.map(Into::into),
            visitor_visible: visible,
            body: EventBody::MemberUpdated { member },
        }
    }

    async fn append(store: &Store, new: Vec<NewEvent>) -> Result<Vec<Event>, StoreError> {
        store.append_events(&WORKSPACE.into(), 0, new).await
    }

    /// Logs `count` events visible to `visitor` and returns them as they would be published.
    async fn log(store: &Store, count: usize, visitor: &str) -> Vec<Event> {
        append(store, (0..count).map(|_| new_event(Some(visitor), true)).collect()).await.unwrap()
    }

    /// The `seq`s a feed sends, skipping heartbeats.
    async fn open(fixture: &Fixture, audience: Audience) -> impl tokio_stream::Stream<Item = i64> + Unpin {
        open_with(fixture, audience, crate::auth::widget_states::WidgetStates::new(&fixture.bus), None).await
    }

    async fn open_with(
        fixture: &Fixture,
        audience: Audience,
        widget_states: Arc<crate::auth::widget_states::WidgetStates>,
        cursor: Option<i64>,
    ) -> impl tokio_stream::Stream<Item = i64> + Unpin {
        let source = FeedSource {
            store: fixture.store.clone(),
            bus: fixture.bus.clone(),
            shutdown: fixture.shutdown.subscribe(),
            open: Arc::default(),
            widget_states,
        };
        let stream = watch(source, WORKSPACE.into(), audience, None, cursor, |item, cursor| match item {
            FeedItem::Message(BusMessage::Event(_)) => Some(cursor),
            _ => None,
        })
        .await
        .unwrap();
        Box::pin(stream.map(Result::unwrap))
    }

    async fn next(feed: &mut (impl tokio_stream::Stream<Item = i64> + Unpin)) -> i64 {
        tokio::time::timeout(Duration::from_secs(5), feed.next()).await.expect("feed timed out").expect("feed ended")
    }

    async fn publish(bus: &Bus, event: &Event) {
        bus.publish(BusMessage::Event(event.clone())).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn events_published_out_of_order_are_sent_in_order() {
        let fixture = fixture().await;
        let mut agent = open(&fixture, Audience::Agent("usr_a".into())).await;
        let mut visitor = open(&fixture, Audience::Visitor("vis_1".into())).await;
        let events = log(&fixture.store, 4, "vis_1").await;
        assert_eq!(events.iter().map(|e| e.visitor_prev_seq).collect::<Vec<_>>(), [Some(0), Some(1), Some(2), Some(3)]);
        for i in [2, 0, 3, 1] {
            publish(&fixture.bus, &events[i]).await;
        }
        for feed in [&mut agent, &mut visitor] {
            for seq in 1..=4 {
                assert_eq!(next(feed).await, seq);
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_event_never_published_is_read_from_the_store() {
        let fixture = fixture().await;
        let mut agent = open(&fixture, Audience::Agent("usr_a".into())).await;
        let mut visitor = open(&fixture, Audience::Visitor("vis_1".into())).await;
        // One event through the bus first: both feeds are then past their initial replay,
        // which would otherwise read what follows straight from the store.
        let warm_up = log(&fixture.store, 1, "vis_1").await;
        publish(&fixture.bus, &warm_up[0]).await;
        assert_eq!(next(&mut agent).await, 1);
        assert_eq!(next(&mut visitor).await, 1);

        // Another visitor's event in between: the visitor's chain skips it.
        let first = log(&fixture.store, 1, "vis_1").await;
        let other = log(&fixture.store, 1, "vis_2").await;
        let last = log(&fixture.store, 2, "vis_1").await;
        assert_eq!(last[0].visitor_prev_seq, Some(2), "the chain skips other visitors' events");
        // The next two never reach the bus (say their publisher was cancelled).
        drop((first, other));
        let started = std::time::Instant::now();
        publish(&fixture.bus, &last[1]).await;
        publish(&fixture.bus, &last[0]).await;
        for seq in 2..=5 {
            assert_eq!(next(&mut agent).await, seq);
        }
        assert!(started.elapsed() >= GAP_WAIT, "waited for the missing event before reading the store");
        for seq in [2, 4, 5] {
            assert_eq!(next(&mut visitor).await, seq);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_visitor_chain_ignores_what_they_may_not_see() {
        let fixture = fixture().await;
        let mut visitor = open(&fixture, Audience::Visitor("vis_1".into())).await;
        let seen = log(&fixture.store, 1, "vis_1").await;
        // An internal note of their conversation: theirs, but not visible to them.
        let note = append(&fixture.store, vec![new_event(Some("vis_1"), false)]).await.unwrap();
        assert_eq!(note[0].visitor_prev_seq, None, "invisible events are not in the chain");
        let after = log(&fixture.store, 1, "vis_1").await;
        assert_eq!(after[0].visitor_prev_seq, Some(1));
        for event in [&seen[0], &note[0], &after[0]] {
            publish(&fixture.bus, event).await;
        }
        assert_eq!(next(&mut visitor).await, 1);
        assert_eq!(next(&mut visitor).await, 3);
    }

    /// A feed is the stream its response polls: no task (or channel) of its own, which was
    /// most of an idle stream's memory beside the connection's buffers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_open_feed_is_no_task_of_its_own() {
        let fixture = fixture().await;
        let states = crate::auth::widget_states::WidgetStates::new(&fixture.bus);
        let tasks = || tokio::runtime::Handle::current().metrics().num_alive_tasks();
        let before = tasks();
        let mut feeds = Vec::new();
        for i in 0..20 {
            let visitor = format!("vis_{i}");
            feeds
                .push(open_with(&fixture, Audience::Visitor(visitor.as_str().into()), Arc::clone(&states), None).await);
        }
        // Each feed works: its visitor's event reaches it.
        for (i, feed) in feeds.iter_mut().enumerate() {
            let event = log(&fixture.store, 1, &format!("vis_{i}")).await;
            publish(&fixture.bus, &event[0]).await;
            assert_eq!(next(feed).await, event[0].seq);
        }
        let open = tasks();
        assert!(open < before + 20, "20 open feeds run {} tasks more than none", open - before);
        drop(feeds);
    }

    /// A resume from far back reads the log in batches, sent in order, then goes live.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_long_replay_is_sent_whole_and_in_order_before_live_events() {
        let fixture = fixture().await;
        let backlog = usize::try_from(REPLAY_BATCH).unwrap() * 2 + 7;
        log(&fixture.store, backlog, "vis_1").await;
        let states = crate::auth::widget_states::WidgetStates::new(&fixture.bus);
        let mut agent = open_with(&fixture, Audience::Agent("usr_a".into()), Arc::clone(&states), Some(3)).await;
        let mut visitor = open_with(&fixture, Audience::Visitor("vis_1".into()), states, Some(0)).await;
        let live = log(&fixture.store, 1, "vis_1").await;
        publish(&fixture.bus, &live[0]).await;
        let last = i64::try_from(backlog).unwrap() + 1;
        for (feed, first) in [(&mut agent, 4), (&mut visitor, 1)] {
            for seq in first..=last {
                assert_eq!(next(feed).await, seq);
            }
        }
    }
}
