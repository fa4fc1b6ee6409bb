//! Resumable feeds: live events from the bus, gaps and lag filled from the store's event
//! log, so a subscriber sees every event after its cursor exactly once, in order.
//!
//! **Invariant:** a feed subscribes to the bus *before* reading the store, never sends an
//! event whose `seq` is at or below its cursor, and advances the cursor only after sending
//! (or skipping an invisible) event; since `seq` is gap-free and in commit order, a live
//! event with `seq > cursor + 1` means the events in between are committed and are read
//! from the store first.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};

use super::bus::{Bus, BusHealth};
use super::event::{BusMessage, Event, EventBody};
use crate::error::Error;
use crate::store::Store;
use crate::store::events::EventFilter;

/// How often an idle feed sends a heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// How often an open agent feed refreshes its member's presence.
const PRESENCE_TOUCH: Duration = Duration::from_secs(20);
/// How often a feed reads the store while cross-replica delivery is down.
const DEGRADED_POLL: Duration = Duration::from_secs(1);
/// Events read from the store per query when replaying.
const REPLAY_BATCH: i64 = 500;

/// Who is watching: decides which events are visible.
#[derive(Clone, Debug)]
pub enum Audience {
    /// A member of the workspace (by user id): sees everything; while the feed is open the
    /// member counts as present.
    Agent(String),
    /// One visitor: their own conversations, no internal notes or agent-only changes.
    Visitor(String),
}

impl Audience {
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
            Audience::Visitor(id) => event.visitor_visible && event.visitor_id.as_deref() == Some(id),
        }
    }

    fn sees(&self, message: &BusMessage) -> bool {
        match (self, message) {
            (_, BusMessage::Event(event)) => self.sees_event(event),
            (Audience::Agent(_), BusMessage::Typing(_)) => true,
            (Audience::Visitor(id), BusMessage::Typing(t)) => {
                t.visitor_id == *id && t.sender_type != "visitor" && !t.internal
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

/// Everything a feed needs.
pub struct FeedSource {
    pub store: Store,
    pub bus: Bus,
    pub shutdown: watch::Receiver<bool>,
}

/// What a feed task sends: boxed, because a channel allocates its slots up front (a block
/// of 32) and the wire messages are several hundred bytes each — unboxed, that block was
/// most of an idle stream's memory.
type Slot<T> = Box<Result<T, tonic::Status>>;

/// Starts a feed task for `workspace_id` and returns the stream of its items. `convert`
/// turns each item into the wire message (with the cursor to put on it); `None` skips it.
pub async fn watch<T, F>(
    source: FeedSource,
    workspace_id: String,
    audience: Audience,
    cursor: Option<i64>,
    convert: F,
) -> Result<impl tokio_stream::Stream<Item = Result<T, tonic::Status>> + Send + 'static, Error>
where
    T: Send + 'static,
    F: Fn(FeedItem<'_>, i64) -> Option<T> + Send + 'static,
{
    // Subscribe before reading the store so nothing committed after the read is missed.
    let live = source.bus.subscribe(&workspace_id);
    let latest = source.store.latest_event_seq(&workspace_id).await?;
    let cursor = match cursor {
        None => latest,
        Some(seq) if seq > latest => {
            return Err(Error::OutOfRange(
                "cursor is ahead of this workspace's event log; reload and watch with an empty cursor".into(),
            ));
        }
        Some(seq) => seq,
    };
    let (tx, rx) = mpsc::channel::<Slot<T>>(32);
    let feed = Feed { source, workspace_id, audience, cursor, tx, convert };
    tokio::spawn(feed.run(live));
    Ok(tokio_stream::StreamExt::map(tokio_stream::wrappers::ReceiverStream::new(rx), |slot| *slot))
}

struct Feed<T, F> {
    source: FeedSource,
    workspace_id: String,
    audience: Audience,
    cursor: i64,
    tx: mpsc::Sender<Slot<T>>,
    convert: F,
}

/// Why a feed stopped.
enum Stop {
    /// The client went away or the server is shutting down.
    Done,
    /// The store failed; the client is told and may resume from its cursor.
    Failed(Error),
}

impl<T, F> Feed<T, F>
where
    T: Send + 'static,
    F: Fn(FeedItem<'_>, i64) -> Option<T> + Send + 'static,
{
    async fn run(mut self, live: broadcast::Receiver<Arc<BusMessage>>) {
        if let Err(Stop::Failed(error)) = self.serve(live).await {
            let _ = self.tx.send(Box::new(Err(error.into()))).await;
        }
    }

    async fn serve(&mut self, mut live: broadcast::Receiver<Arc<BusMessage>>) -> Result<(), Stop> {
        let mut health = self.source.bus.health();
        let mut degraded = matches!(*health.borrow_and_update(), BusHealth::Degraded);
        self.send(FeedItem::Heartbeat).await?;
        self.replay(None).await?;

        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        let mut poll = tokio::time::interval(DEGRADED_POLL);
        // Touch well within the grace period, so a connected agent never looks gone.
        let grace = Duration::from_millis(u64::try_from(self.source.store.agent_grace_ms()).unwrap_or(60_000));
        let mut presence = tokio::time::interval(PRESENCE_TOUCH.min(grace / 3).max(Duration::from_millis(100)));
        let member = match &self.audience {
            Audience::Agent(user_id) => Some(user_id.clone()),
            Audience::Visitor(_) => None,
        };
        let mut shutdown = self.source.shutdown.clone();
        loop {
            tokio::select! {
                () = self.tx.closed() => return Ok(()),
                _ = shutdown.changed() => return Ok(()),
                received = live.recv() => match received {
                    Ok(message) => self.deliver(&message).await?,
                    // Too slow for the live stream: catch up from the store instead of
                    // buffering without bound.
                    Err(broadcast::error::RecvError::Lagged(_)) => self.replay(None).await?,
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                changed = health.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    let now = *health.borrow_and_update();
                    degraded = matches!(now, BusHealth::Degraded);
                    // Whatever other replicas published while the link was down, or
                    // since it came back, is in the store.
                    self.replay(None).await?;
                }
                _ = poll.tick(), if degraded => self.replay(None).await?,
                _ = presence.tick(), if member.is_some() => {
                    if let Some(user_id) = &member {
                        let now = crate::store::now_ms();
                        match self.source.store.touch_member(&self.workspace_id, user_id, now).await {
                            Ok(events) => {
                                for event in events {
                                    self.source.bus.publish(BusMessage::Event(event)).await;
                                }
                            }
                            Err(error) => tracing::warn!(%error, "could not record agent presence"),
                        }
                    }
                    continue;
                }
                _ = heartbeat.tick() => {
                    self.send(FeedItem::Heartbeat).await?;
                    continue;
                }
            }
            heartbeat.reset();
        }
    }

    async fn deliver(&mut self, message: &BusMessage) -> Result<(), Stop> {
        match message {
            BusMessage::Event(event) => {
                if event.seq <= self.cursor {
                    return Ok(());
                }
                if event.seq > self.cursor + 1 {
                    self.replay(Some(event.seq)).await?;
                }
                if self.audience.sees_event(event) {
                    self.send(FeedItem::Message(message)).await?;
                }
                self.cursor = event.seq;
                Ok(())
            }
            BusMessage::Typing(_) if self.audience.sees(message) => self.send(FeedItem::Message(message)).await,
            BusMessage::Typing(_) => Ok(()),
        }
    }

    /// Sends every visible stored event after the cursor and below `before` (default: up
    /// to the newest committed event), then moves the cursor to just below `before`.
    async fn replay(&mut self, before: Option<i64>) -> Result<(), Stop> {
        let before = match before {
            Some(seq) => seq,
            None => {
                self.source.store.latest_event_seq(&self.workspace_id).await.map_err(|e| Stop::Failed(e.into()))? + 1
            }
        };
        let filter = self.audience.filter();
        while self.cursor + 1 < before {
            let events = self
                .source
                .store
                .events_after(&self.workspace_id, &filter, self.cursor, Some(before), REPLAY_BATCH)
                .await
                .map_err(|e| Stop::Failed(e.into()))?;
            let done = (events.len() as i64) < REPLAY_BATCH;
            for event in events {
                let seq = event.seq;
                if self.audience.sees_event(&event) {
                    self.send(FeedItem::Message(&BusMessage::Event(event))).await?;
                }
                self.cursor = seq;
            }
            if done {
                break;
            }
        }
        self.cursor = self.cursor.max(before - 1);
        Ok(())
    }

    async fn send(&mut self, item: FeedItem<'_>) -> Result<(), Stop> {
        let cursor = match &item {
            FeedItem::Message(BusMessage::Event(event)) => event.seq,
            _ => self.cursor,
        };
        let Some(out) = (self.convert)(item, cursor) else { return Ok(()) };
        self.tx.send(Box::new(Ok(out))).await.map_err(|_| Stop::Done)
    }
}
