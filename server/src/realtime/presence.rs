//! Visitor presence: visitors send heartbeats while on the site; most only move their
//! `last_seen_at`, kept in [`Touches`] and written together; the sweeper marks the silent
//! ones offline and tells the agents.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::event::BusMessage;
use crate::AppState;
use crate::domain::id::VisitorId;
use crate::store::{Store, StoreError, now_ms};

/// A visitor silent this long is offline (the widget beats every 30 s).
pub const OFFLINE_AFTER_MS: i64 = 75_000;
const SWEEP_EVERY: Duration = Duration::from_secs(15);
/// How often [`Touches`] are written: a crash loses at most this much of `last_seen_at`,
/// far inside [`OFFLINE_AFTER_MS`].
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// Touches kept at most; beyond it a heartbeat is written at once, as any other change, so
/// memory stays bounded however many visitors beat.
const MAX_PENDING: usize = 100_000;

/// Heartbeats that change nothing agents see (the visitor online, on the same page, in the
/// same visit) only move the visitor's `last_seen_at`. Written one by one, each was a
/// transaction under its workspace's lock: at 20,000 visitors, 667 a second and most of the
/// server's work (bench `realistic`). They are kept here instead, the newest time per
/// visitor, and written together every [`FLUSH_EVERY`] without the workspace's lock.
#[derive(Default)]
pub struct Touches {
    pending: Mutex<HashMap<VisitorId, i64>>,
}

impl Touches {
    /// Records that `visitor` was seen at `at`; false when full (write the heartbeat now).
    pub fn touch(&self, visitor: &VisitorId, at: i64) -> bool {
        keep_newest(&mut self.pending.lock().unwrap_or_else(PoisonError::into_inner), visitor, at, MAX_PENDING)
    }

    /// When `visitor` was last seen, if that is not written yet.
    pub fn pending(&self, visitor: &VisitorId) -> Option<i64> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).get(visitor).copied()
    }

    /// Writes what is pending. On failure it stays pending (newer touches win) for the next.
    pub async fn flush(&self, store: &Store) -> Result<(), StoreError> {
        let taken: Vec<(VisitorId, i64)> =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner)).into_iter().collect();
        if taken.is_empty() {
            return Ok(());
        }
        let written = store.touch_visitors(&taken).await;
        if written.is_err() {
            // They go back beside the touches that came meanwhile (which stop at MAX_PENDING),
            // up to twice that while the store fails; a visitor left out loses one beat of the
            // two or more it sends before it would be swept offline.
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            for (visitor, at) in &taken {
                keep_newest(&mut pending, visitor, *at, 2 * MAX_PENDING);
            }
        }
        written
    }
}

/// Page views accepted and not yet stored: the newest per visitor, and whose request it is.
///
/// A heartbeat naming the page that a pending view is about to store changes nothing the
/// view will not announce itself, so it stays quiet. Without this, while a workspace's
/// writes queue (a burst of arrivals, a slow commit) every heartbeat that followed a
/// navigation found the old page stored and became one more write behind the view it
/// repeated: more writes the further behind, so a queue fed itself. Should the view fail,
/// the visitor's next heartbeat finds the old page stored and writes the new one.
#[derive(Default)]
pub struct PagesInFlight {
    /// The request's token and its URL's hash (a URL may be 2,048 characters; a collision
    /// would only keep one of the visitor's own heartbeats quiet).
    pages: Mutex<HashMap<VisitorId, (u64, u64)>>,
    next: AtomicU64,
    hasher: RandomState,
}

impl PagesInFlight {
    /// Notes that `visitor`'s view of `url` is being stored, until the returned guard drops
    /// (stored, refused, or the request cancelled); `None` when [`MAX_PENDING`] visitors
    /// already have one (a heartbeat meanwhile is then written, as it was before).
    pub fn enter(&self, visitor: &VisitorId, url: &str) -> Option<PageInFlight<'_>> {
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        if pages.len() >= MAX_PENDING && !pages.contains_key(visitor) {
            return None;
        }
        pages.insert(visitor.clone(), (token, self.hasher.hash_one(url)));
        Some(PageInFlight { pages: self, visitor: visitor.clone(), token })
    }

    /// Whether `visitor`'s newest view being stored is of `url`.
    pub fn holds(&self, visitor: &VisitorId, url: &str) -> bool {
        let hash = self.hasher.hash_one(url);
        let pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        pages.get(visitor).is_some_and(|(_, page)| *page == hash)
    }
}

/// A page view being stored ([`PagesInFlight::enter`]); forgotten when dropped, unless a
/// newer view of the same visitor took its place.
pub struct PageInFlight<'a> {
    pages: &'a PagesInFlight,
    visitor: VisitorId,
    token: u64,
}

impl Drop for PageInFlight<'_> {
    fn drop(&mut self) {
        let mut pages = self.pages.pages.lock().unwrap_or_else(PoisonError::into_inner);
        if pages.get(&self.visitor).is_some_and(|(token, _)| *token == self.token) {
            pages.remove(&self.visitor);
        }
    }
}

/// Keeps the newer of `at` and the time pending for `visitor`; false when `visitor` has none
/// and `pending` already holds `cap` visitors.
fn keep_newest(pending: &mut HashMap<VisitorId, i64>, visitor: &VisitorId, at: i64, cap: usize) -> bool {
    if let Some(seen) = pending.get_mut(visitor) {
        *seen = (*seen).max(at);
        return true;
    }
    if pending.len() >= cap {
        return false;
    }
    pending.insert(visitor.clone(), at);
    true
}

/// Writes the heartbeats' [`Touches`] every [`FLUSH_EVERY`] until shutdown (the server
/// writes the last ones once its connections have drained).
pub async fn write_touches(state: Arc<AppState>) {
    let mut shutdown = state.shutdown.clone();
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => {}
        }
        if let Err(error) = state.touches.flush(&state.store).await {
            tracing::warn!(%error, "writing heartbeats failed; trying again");
        }
    }
}

/// Marks silent visitors offline, and agents whose dashboards have been gone for the grace
/// period (handing their conversations back when the workspace says so). Runs until shutdown. Safe on several replicas: each offline transition is a
/// conditional update, so exactly one replica announces it.
pub async fn expire_visitors(state: Arc<AppState>) {
    let mut shutdown = state.shutdown.clone();
    // Sweep often enough that a short grace period (tests) is honoured closely.
    let grace = Duration::from_millis(u64::try_from(state.store.agent_grace_ms()).unwrap_or(60_000));
    let mut tick = tokio::time::interval(SWEEP_EVERY.min(grace / 3).max(Duration::from_millis(200)));
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => {}
        }
        // This replica's pending heartbeats first: a visitor who beat must not be swept.
        if let Err(error) = state.touches.flush(&state.store).await {
            tracing::warn!(%error, "writing heartbeats before the presence sweep failed; sweeping later");
            continue;
        }
        let now = now_ms();
        let swept = match state.store.expire_visitor_presence(now - OFFLINE_AFTER_MS, now).await {
            Ok(mut events) => state.store.expire_agent_presence(now).await.map(|more| {
                events.extend(more);
                events
            }),
            Err(error) => Err(error),
        };
        match swept {
            Ok(events) => {
                for event in events {
                    state.bus.publish(BusMessage::Event(event)).await;
                }
            }
            Err(error) => tracing::warn!(%error, "presence sweep failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touch_keeps_the_newest_time_and_a_full_set_refuses_new_visitors() {
        let touches = Touches::default();
        let a = VisitorId::new();
        assert!(touches.touch(&a, 20));
        assert!(touches.touch(&a, 10), "an older time is taken and ignored");
        assert_eq!(touches.pending(&a), Some(20));
        for _ in 1..MAX_PENDING {
            assert!(touches.touch(&VisitorId::new(), 1));
        }
        assert!(!touches.touch(&VisitorId::new(), 1), "full: the caller writes it itself");
        assert!(touches.touch(&a, 30), "a visitor already kept is still taken");
        assert_eq!(touches.pending(&a), Some(30));
    }

    #[test]
    fn a_page_in_flight_is_forgotten_by_its_own_guard_only() {
        let pages = PagesInFlight::default();
        let a = VisitorId::new();
        let first = pages.enter(&a, "/one");
        assert!(pages.holds(&a, "/one") && !pages.holds(&a, "/two"));
        let second = pages.enter(&a, "/two");
        assert!(pages.holds(&a, "/two") && !pages.holds(&a, "/one"), "the newest view counts");
        drop(first);
        assert!(pages.holds(&a, "/two"), "an older view's end leaves the newer one");
        drop(second);
        assert!(!pages.holds(&a, "/two"));
        let kept: Vec<_> = (0..MAX_PENDING).filter_map(|_| pages.enter(&VisitorId::new(), "/x")).collect();
        assert_eq!(kept.len(), MAX_PENDING);
        assert!(pages.enter(&a, "/three").is_none(), "full: the heartbeats are written meanwhile");
    }
}
