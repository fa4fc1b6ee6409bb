//! Feeds that stay open: WatchWorkspace and WatchVisitorFeed as a [`futures_util::Stream`]
//! that reopens a dropped stream from the last cursor, with backoff, and starts over when
//! the server no longer has that cursor. The same rules as the TypeScript and Python SDKs.
//!
//! What the server promises (proto comments of WatchWorkspace / WatchVisitorFeed): every
//! stream first sends a heartbeat carrying its starting cursor; after that it replays
//! everything after the cursor it was given, then streams live, never sending an event at
//! or below that cursor; heartbeats (every 15 s when idle) and typing events repeat the
//! cursor of the last stored event; a cursor the server does not know answers OUT_OF_RANGE.
//!
//! What a feed does with it, in [`Reader::next`]:
//!
//! 1. *Commit*: the cursor moves to the event handed out last time only now, when the
//!    caller polls for the next one, i.e. after its loop body finished with that event. So
//!    a cursor stored from [`Feed::cursor`] never points past an event still being handled.
//! 2. *Open* a stream after the committed cursor (empty: from now) when none is open.
//! 3. *Read* with an idle watchdog: a stream silent for three heartbeats is dropped, as a
//!    stuck stream would never end by itself (a dead connection is found sooner by the
//!    channel's HTTP/2 keepalive pings).
//! 4. On the first item of a stream opened without a cursor, hand out [`FeedItem::Reset`]:
//!    events before it may have been missed, so the caller reloads what it holds;
//!    everything after it arrives through the feed.
//! 5. Heartbeats move the cursor at once (they carry nothing to handle) and are swallowed
//!    unless asked for; a stored event whose cursor was handed out recently is dropped (a
//!    second guard against a duplicate, should a server break its promise); any other event
//!    is handed out.
//! 6. When a stream ends: resume after a transient failure (UNAVAILABLE, INTERNAL, …), a
//!    clean end or a silent stream, waiting [`reconnect_delay`] (at least the server's
//!    `retry-after`); forget the cursor on OUT_OF_RANGE; refresh the member's session once
//!    on UNAUTHENTICATED; end the feed with the error on anything else.
//!
//! **Invariant (no gaps, no duplicates):** the cursor only ever holds the position of an
//! item that was fully handled (or a heartbeat), and every stream is opened after it; the
//! server sends nothing at or below it and everything above it. So a resumed stream neither
//! skips nor repeats an event, however often the connection drops or the server restarts.
//!
//! No task is spawned: the feed's state machine runs inside the caller's `poll_next`.

use std::collections::VecDeque;
use std::hash::{BuildHasher as _, Hasher as _};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use futures_util::future::BoxFuture;

use crate::error::{Error, retry_after};
use crate::pb;

/// Seconds a stream may stay silent before it counts as dead: three of the server's
/// heartbeats, which an idle feed sends every 15 s, the first as soon as a stream opens.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);

/// The longest wait between two reconnect attempts.
pub const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(10);

/// How many handed-out cursors of stored events a feed remembers to drop repeats.
const RECENT: usize = 256;

/// The wait before reconnect attempt `attempt` (0 for the first after a drop): a ceiling
/// doubling from 0.5 s up to [`MAX_RECONNECT_DELAY`], and a random wait between half the
/// ceiling and all of it (`unit` in `0..1`), so that many clients do not come back at the
/// same instant after a server restart (the rule of `@porthole/client/rules`' backoff).
pub fn reconnect_delay(attempt: u32, unit: f64) -> Duration {
    let ceiling = (0.5 * f64::from(1u32 << attempt.min(10))).min(MAX_RECONNECT_DELAY.as_secs_f64());
    Duration::from_secs_f64(ceiling / 2.0 + unit.clamp(0.0, 1.0) * ceiling / 2.0)
}

/// A number in `0..1` for jitter: std's per-instance random hash keys are enough for
/// spreading reconnects, and spare the SDK a random-number crate.
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Codes after which a stream is simply reopened from its cursor. INTERNAL is among them
/// because the server ends a feed with it when a replay fails, expecting a retry.
fn is_transient(code: tonic::Code) -> bool {
    use tonic::Code::*;
    matches!(code, Unavailable | Internal | Unknown | DeadlineExceeded | ResourceExhausted | Aborted | Cancelled)
}

/// A response message of a Watch… stream, as a feed needs it.
pub trait FeedEvent: Send + 'static {
    /// The event's cursor (opaque; empty on none).
    fn cursor(&self) -> &str;
    /// Whether it is a keep-alive with no content.
    fn is_heartbeat(&self) -> bool;
    /// Whether it is stored in the server's event log, i.e. has a cursor of its own
    /// (typing events and heartbeats only repeat the last stored one's).
    fn is_stored(&self) -> bool;
}

impl FeedEvent for pb::WatchWorkspaceResponse {
    fn cursor(&self) -> &str {
        &self.cursor
    }
    fn is_heartbeat(&self) -> bool {
        matches!(self.event, Some(pb::watch_workspace_response::Event::Heartbeat(_)))
    }
    fn is_stored(&self) -> bool {
        use pb::watch_workspace_response::Event;
        !matches!(self.event, None | Some(Event::Heartbeat(_) | Event::Typing(_)))
    }
}

impl FeedEvent for pb::WatchVisitorFeedResponse {
    fn cursor(&self) -> &str {
        &self.cursor
    }
    fn is_heartbeat(&self) -> bool {
        matches!(self.event, Some(pb::watch_visitor_feed_response::Event::Heartbeat(_)))
    }
    fn is_stored(&self) -> bool {
        use pb::watch_visitor_feed_response::Event;
        !matches!(self.event, None | Some(Event::Heartbeat(_) | Event::Typing(_)))
    }
}

/// What a feed hands out.
#[derive(Clone, Debug, PartialEq)]
pub enum FeedItem<T> {
    /// A stream opened without a cursor (a feed begun from now, or after OUT_OF_RANGE) is
    /// live: events before this point may have been missed, so reload what you hold (lists,
    /// histories); everything after it arrives through the feed.
    Reset,
    /// An event of the stream.
    Event(T),
}

/// What a feed is doing, e.g. for a "reconnecting…" hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    /// Opening its first stream.
    Connecting,
    /// A stream is open and has answered.
    Live,
    /// Waiting to reopen, or reopening, a dropped stream.
    Reconnecting,
    /// Ended (after an error that retrying cannot fix).
    Stopped,
}

/// How a feed behaves; `FeedOptions::default()` suits most callers.
#[derive(Clone, Debug)]
pub struct FeedOptions {
    cursor: String,
    heartbeats: bool,
    idle_timeout: Option<Duration>,
}

impl Default for FeedOptions {
    fn default() -> Self {
        Self { cursor: String::new(), heartbeats: false, idle_timeout: Some(IDLE_TIMEOUT) }
    }
}

impl FeedOptions {
    /// Resume after this cursor (an event's `cursor`, or [`Feed::cursor`], from an earlier
    /// feed); without one the feed starts from now.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = cursor.into();
        self
    }

    /// Also hand out the server's heartbeats.
    pub fn heartbeats(mut self, heartbeats: bool) -> Self {
        self.heartbeats = heartbeats;
        self
    }

    /// After how long without a word a stream is dropped and resumed (`None`: never).
    pub fn idle_timeout(mut self, idle: Option<Duration>) -> Self {
        self.idle_timeout = idle;
        self
    }
}

/// Opens one stream after a cursor (empty: from now).
pub(crate) type Opener<T> =
    Box<dyn FnMut(String) -> BoxFuture<'static, Result<tonic::Streaming<T>, tonic::Status>> + Send>;

/// Refreshes the member's session after the server refused `token`: `Ok(true)` when a
/// stream is worth reopening.
pub(crate) type Refresher = Box<dyn Fn(Option<String>) -> BoxFuture<'static, Result<bool, Error>> + Send + Sync>;

/// A read in progress: it owns the reader and gives it back with the item.
type Flight<T> = BoxFuture<'static, (Box<Reader<T>>, Option<Result<FeedItem<T>, Error>>)>;

/// What the caller can read while the feed runs.
#[derive(Debug)]
struct Shared {
    cursor: String,
    status: FeedStatus,
    reconnects: u64,
}

/// A live feed as a [`Stream`] that stays open: `while let Some(item) = feed.next().await`.
///
/// Made by [`crate::Porthole::watch_workspace`] and [`crate::Porthole::watch_visitor_feed`].
/// Yields [`FeedItem`]s: the stream's response messages (heartbeats left out unless asked
/// for) and a [`FeedItem::Reset`] whenever it starts from now. A dropped stream is reopened
/// from [`Feed::cursor`] with backoff, so the loop sees every event once, in order; see the
/// module docs for the exact rules. It ends only after an error that retrying cannot fix
/// (handed out as the last item); drop it to stop.
pub struct Feed<T: FeedEvent> {
    reader: Option<Box<Reader<T>>>,
    in_flight: Option<Flight<T>>,
    shared: Arc<Mutex<Shared>>,
}

impl<T: FeedEvent> Feed<T> {
    pub(crate) fn new(
        options: FeedOptions,
        open: Opener<T>,
        token: Box<dyn Fn() -> Option<String> + Send>,
        refresh: Option<Refresher>,
    ) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            cursor: options.cursor.clone(),
            status: FeedStatus::Connecting,
            reconnects: 0,
        }));
        let reader = Reader {
            open,
            token,
            refresh,
            options,
            shared: shared.clone(),
            stream: None,
            stash: VecDeque::new(),
            pending: None,
            recent: VecDeque::new(),
            opened_with: None,
            fresh: false,
            opened: false,
            ever_live: false,
            refreshed: false,
            attempt: 0,
            finished: false,
        };
        Self { reader: Some(Box::new(reader)), in_flight: None, shared }
    }

    /// The position after the last handled event: what a reconnect resumes from, and what
    /// to store to resume in another process (pass it to [`FeedOptions::cursor`]).
    pub fn cursor(&self) -> String {
        lock(&self.shared).cursor.clone()
    }

    /// What the feed is doing now.
    pub fn status(&self) -> FeedStatus {
        lock(&self.shared).status
    }

    /// How many times a stream was reopened after it ended, failed or went silent (for
    /// monitoring a flaky path).
    pub fn reconnects(&self) -> u64 {
        lock(&self.shared).reconnects
    }

    /// Opens the stream now and waits until it is live (its first item arrived), so that
    /// everything that happens from here on is delivered. Items read meanwhile are kept
    /// for the stream. An error that retrying cannot fix is returned (and ends the feed).
    pub async fn open(&mut self) -> Result<(), Error> {
        if let Some(flight) = self.in_flight.take() {
            let (reader, item) = flight.await;
            self.reader = Some(reader);
            if let Some(item) = item {
                self.reader_mut()?.stash_result(item);
            }
        }
        let reader = self.reader_mut()?;
        reader.open().await
    }

    fn reader_mut(&mut self) -> Result<&mut Reader<T>, Error> {
        // Only absent while a read is in flight, which `open` awaits first.
        self.reader.as_deref_mut().ok_or(Error::Status(tonic::Status::cancelled("feed busy")))
    }
}

impl<T: FeedEvent> Stream for Feed<T> {
    type Item = Result<FeedItem<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.in_flight.is_none() {
            let Some(mut reader) = this.reader.take() else { return Poll::Ready(None) };
            this.in_flight = Some(Box::pin(async move {
                let item = reader.next().await;
                (reader, item)
            }));
        }
        let Some(flight) = this.in_flight.as_mut() else { return Poll::Ready(None) };
        match flight.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((reader, item)) => {
                this.in_flight = None;
                this.reader = Some(reader);
                Poll::Ready(item)
            }
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    match shared.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The outcome of one step of reading.
enum Pulled<T> {
    /// Something to hand out.
    Item(FeedItem<T>),
    /// Nothing to hand out yet (a swallowed heartbeat, a reconnect): read again.
    Nothing,
    /// The feed is over.
    Fatal(Error),
}

/// The feed's state between streams and the steps of the module docs.
struct Reader<T: FeedEvent> {
    open: Opener<T>,
    token: Box<dyn Fn() -> Option<String> + Send>,
    refresh: Option<Refresher>,
    options: FeedOptions,
    shared: Arc<Mutex<Shared>>,
    stream: Option<tonic::Streaming<T>>,
    /// Items read by [`Feed::open`] and not yet handed out.
    stash: VecDeque<Result<FeedItem<T>, Error>>,
    /// The cursor of the item handed out last, committed when the caller is back.
    pending: Option<String>,
    /// Cursors of stored events handed out lately (step 5).
    recent: VecDeque<String>,
    /// The token the open stream was opened with (what a refusal refused).
    opened_with: Option<String>,
    /// The open stream began without a cursor.
    fresh: bool,
    /// The open stream has sent its first item.
    opened: bool,
    ever_live: bool,
    /// A refresh was tried since the last stream went live.
    refreshed: bool,
    attempt: u32,
    finished: bool,
}

impl<T: FeedEvent> Reader<T> {
    fn set_status(&self, status: FeedStatus) {
        lock(&self.shared).status = status;
    }

    fn set_cursor(&mut self, cursor: String) {
        lock(&self.shared).cursor.clone_from(&cursor);
        self.options.cursor = cursor;
    }

    /// The next item for the caller; `None` once the feed is over.
    async fn next(&mut self) -> Option<Result<FeedItem<T>, Error>> {
        // Step 1: the caller is back, so the item handed out last was handled.
        if let Some(cursor) = self.pending.take() {
            self.set_cursor(cursor);
        }
        if let Some(item) = self.stash.pop_front() {
            return Some(self.hand_out(item));
        }
        while !self.finished {
            match self.pull().await {
                Pulled::Item(item) => return Some(self.hand_out(Ok(item))),
                Pulled::Nothing => {}
                Pulled::Fatal(error) => return Some(self.hand_out(Err(error))),
            }
        }
        None
    }

    /// Waits until a stream is live, stashing what arrives meanwhile.
    async fn open(&mut self) -> Result<(), Error> {
        while !(self.finished || self.stream.is_some() && self.opened) {
            match self.pull().await {
                Pulled::Item(item) => self.stash.push_back(Ok(item)),
                Pulled::Nothing => {}
                Pulled::Fatal(error) => return Err(error),
            }
        }
        Ok(())
    }

    fn stash_result(&mut self, item: Result<FeedItem<T>, Error>) {
        self.stash.push_front(item);
    }

    fn hand_out(&mut self, item: Result<FeedItem<T>, Error>) -> Result<FeedItem<T>, Error> {
        match &item {
            Ok(FeedItem::Event(event)) if !event.cursor().is_empty() => {
                self.pending = Some(event.cursor().to_owned());
                if event.is_stored() {
                    if self.recent.len() == RECENT {
                        self.recent.pop_front();
                    }
                    self.recent.push_back(event.cursor().to_owned());
                }
            }
            Err(_) => {
                self.finished = true;
                self.stream = None;
                self.set_status(FeedStatus::Stopped);
            }
            _ => {}
        }
        item
    }

    /// Steps 2 to 6 once: reads one item (opening a stream first if none is open).
    async fn pull(&mut self) -> Pulled<T> {
        let Some(stream) = self.stream.as_mut() else {
            // Step 2.
            self.set_status(if self.ever_live { FeedStatus::Reconnecting } else { FeedStatus::Connecting });
            self.fresh = self.options.cursor.is_empty();
            self.opened = false;
            self.opened_with = (self.token)();
            return match (self.open)(self.options.cursor.clone()).await {
                Ok(stream) => {
                    self.stream = Some(stream);
                    Pulled::Nothing
                }
                Err(status) => self.after(Some(status)).await,
            };
        };
        // Step 3.
        let read = match self.options.idle_timeout {
            Some(idle) => tokio::time::timeout(idle, stream.message()).await.ok(),
            None => Some(stream.message().await),
        };
        let item = match read {
            Some(Ok(Some(item))) => item,
            Some(Ok(None)) | None => return self.after(None).await,
            Some(Err(status)) => return self.after(Some(status)).await,
        };
        let mut reset = false;
        if !self.opened {
            // Step 4.
            self.opened = true;
            self.ever_live = true;
            self.attempt = 0;
            self.refreshed = false;
            self.set_status(FeedStatus::Live);
            if self.fresh {
                self.recent.clear();
                reset = true;
            }
        }
        // Step 5.
        let taken = if item.is_heartbeat() {
            // Not while an item read earlier waits to be handed out: the cursor would pass it.
            if !item.cursor().is_empty() && self.pending.is_none() && self.stash.is_empty() {
                self.set_cursor(item.cursor().to_owned());
            }
            self.options.heartbeats.then_some(item)
        } else if item.is_stored() && self.recent.iter().any(|seen| seen == item.cursor()) {
            None
        } else {
            Some(item)
        };
        match (reset, taken) {
            (true, Some(item)) => {
                self.stash.push_back(Ok(FeedItem::Event(item)));
                Pulled::Item(FeedItem::Reset)
            }
            (true, None) => Pulled::Item(FeedItem::Reset),
            (false, Some(item)) => Pulled::Item(FeedItem::Event(item)),
            (false, None) => Pulled::Nothing,
        }
    }

    /// Step 6: a stream ended with `error` (`None`: cleanly, or it went silent).
    async fn after(&mut self, error: Option<tonic::Status>) -> Pulled<T> {
        self.stream = None;
        let mut wait = Duration::ZERO;
        if let Some(status) = error {
            match status.code() {
                tonic::Code::OutOfRange => self.set_cursor(String::new()),
                tonic::Code::Unauthenticated if self.refresh.is_some() && !self.refreshed => {
                    self.refreshed = true;
                    let Some(refresh) = &self.refresh else { return Pulled::Fatal(status.into()) };
                    match refresh(self.opened_with.clone()).await {
                        Ok(true) => return Pulled::Nothing,
                        Ok(false) => return Pulled::Fatal(status.into()),
                        Err(error) if crate::session::session_ended(&error) => return Pulled::Fatal(status.into()),
                        // The server could not be asked: wait, then try the stream (and so
                        // the refresh) again.
                        Err(error) => {
                            self.refreshed = false;
                            wait = error.retry_after().unwrap_or_default();
                        }
                    }
                }
                code if is_transient(code) => wait = retry_after(&status).unwrap_or_default(),
                _ => return Pulled::Fatal(status.into()),
            }
        }
        let delay = wait.max(reconnect_delay(self.attempt, jitter()));
        self.attempt = self.attempt.saturating_add(1);
        {
            let mut shared = lock(&self.shared);
            shared.status = FeedStatus::Reconnecting;
            shared.reconnects += 1;
        }
        tokio::time::sleep(delay).await;
        Pulled::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_to_its_ceiling_with_jitter_in_its_upper_half() {
        assert_eq!(reconnect_delay(0, 0.0), Duration::from_millis(250));
        assert_eq!(reconnect_delay(0, 1.0), Duration::from_millis(500));
        assert_eq!(reconnect_delay(1, 1.0), Duration::from_secs(1));
        assert_eq!(reconnect_delay(3, 0.0), Duration::from_secs(2));
        assert_eq!(reconnect_delay(5, 1.0), MAX_RECONNECT_DELAY);
        assert_eq!(reconnect_delay(u32::MAX, 0.0), MAX_RECONNECT_DELAY / 2);
        let spread: Vec<f64> = (0..50).map(|_| jitter()).collect();
        assert!(spread.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(spread.iter().any(|u| (u - spread[0]).abs() > 1e-9), "jitter must vary");
    }

    #[test]
    fn typing_and_heartbeats_are_not_stored_events() {
        use pb::watch_workspace_response::Event;
        let event = |e| pb::WatchWorkspaceResponse { cursor: "7".into(), event: Some(e) };
        assert!(event(Event::Heartbeat(Default::default())).is_heartbeat());
        assert!(!event(Event::Heartbeat(Default::default())).is_stored());
        assert!(!event(Event::Typing(Default::default())).is_stored());
        assert!(event(Event::MessageCreated(Default::default())).is_stored());
        use pb::watch_visitor_feed_response::Event as V;
        let visitor = |e| pb::WatchVisitorFeedResponse { cursor: "7".into(), event: Some(e) };
        assert!(visitor(V::Heartbeat(Default::default())).is_heartbeat());
        assert!(!visitor(V::Typing(Default::default())).is_stored());
        assert!(visitor(V::Read(Default::default())).is_stored());
    }
}
