//! Which widgets are turned on, remembered per process: a visitor token works only while
//! its widget exists and is on, and every visitor call asks. Reading the widget's row for
//! each call cost about a sixth of SQLite's ingest (BENCHMARKS.md), so the answer is kept.
//!
//! **Revocation stays immediate.** Turning a widget on or off or deleting it goes through
//! [`WidgetStates::changed`], which forgets the widget here before the caller answers and
//! announces the change to the other replicas over the bus, whose caches forget it as
//! they receive it. While the bus is `Degraded` (an announcement may have been missed) the
//! cache is not used, and it is emptied whenever the bus's health changes. An answer is
//! kept at most [`MAX_AGE`] in any case: a bound for an announcement lost on its way.
//!
//! A read that started before a change and ends after it is not kept (the epoch moved).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::domain::id::{WidgetId, WorkspaceId};
use crate::realtime::bus::{Bus, BusHealth, WidgetChanged};
use crate::store::{Store, StoreError};

/// Longest an answer is kept.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Most widgets remembered; beyond it the cache starts over (a workspace has a few).
const CAPACITY: usize = 10_000;

/// The process's cache of widget states; shared behind an `Arc`.
pub struct WidgetStates {
    entries: Mutex<HashMap<WidgetId, Entry>>,
    /// Moves on every forget; a read that began at another epoch is not kept.
    epoch: AtomicU64,
    health: watch::Receiver<BusHealth>,
    /// Told after every forget, so open feeds re-check their widget at once instead of
    /// each waking on a timer to ask (`realtime::feed`).
    forgotten: watch::Sender<()>,
}

/// One remembered answer.
struct Entry {
    workspace_id: WorkspaceId,
    active: bool,
    at: Instant,
}

impl WidgetStates {
    /// A cache that follows the bus: other replicas' changes and health changes empty it
    /// (a task that ends with the bus).
    pub fn new(bus: &Bus) -> Arc<Self> {
        let states = Arc::new(Self {
            entries: Mutex::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            health: bus.health(),
            forgotten: watch::Sender::new(()),
        });
        tokio::spawn(follow(Arc::downgrade(&states), bus.widget_changes(), bus.health()));
        states
    }

    /// Whether the widget exists in the workspace and is turned on.
    pub async fn active(
        &self,
        store: &Store,
        workspace_id: &WorkspaceId,
        widget_id: &WidgetId,
    ) -> Result<bool, StoreError> {
        let trusted = matches!(*self.health.borrow(), BusHealth::Live { .. });
        if trusted && let Some(active) = self.cached(workspace_id, widget_id) {
            return Ok(active);
        }
        let epoch = self.epoch.load(Ordering::Acquire);
        let active = store.widget_active(workspace_id, widget_id).await?;
        if trusted {
            self.keep(workspace_id, widget_id, active, epoch);
        }
        Ok(active)
    }

    /// The widget was turned on or off or deleted (call after the store's write): forgets
    /// it here and tells the other replicas.
    pub async fn changed(&self, bus: &Bus, workspace_id: &WorkspaceId, widget_id: &WidgetId) {
        self.forget(widget_id);
        bus.announce_widget_change(WidgetChanged { workspace_id: workspace_id.clone(), widget_id: widget_id.clone() })
            .await;
    }

    /// Changes (after the cache has forgotten) whenever a widget may have been turned on or
    /// off or deleted: here, or on another replica while the bus is `Live`. While it is
    /// `Degraded` changes on other replicas may go unseen; ask every so often then.
    pub fn forgotten(&self) -> watch::Receiver<()> {
        self.forgotten.subscribe()
    }

    fn cached(&self, workspace_id: &WorkspaceId, widget_id: &WidgetId) -> Option<bool> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(widget_id)?;
        // A token naming another workspace's widget finds nothing here and asks the store.
        (entry.workspace_id == *workspace_id && entry.at.elapsed() < MAX_AGE).then_some(entry.active)
    }

    fn keep(&self, workspace_id: &WorkspaceId, widget_id: &WidgetId, active: bool, epoch: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock that `forget` takes too, so a change cannot slip between.
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, entry| entry.at.elapsed() < MAX_AGE);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(widget_id.clone(), Entry { workspace_id: workspace_id.clone(), active, at: Instant::now() });
    }

    fn forget(&self, widget_id: &WidgetId) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.epoch.fetch_add(1, Ordering::AcqRel);
        entries.remove(widget_id);
        drop(entries);
        self.forgotten.send_replace(());
    }

    fn forget_all(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.epoch.fetch_add(1, Ordering::AcqRel);
        entries.clear();
        drop(entries);
        self.forgotten.send_replace(());
    }
}

/// Forgets what other replicas changed, and everything when the bus's health changes or
/// this listener fell behind; ends with the bus or the cache.
async fn follow(
    states: std::sync::Weak<WidgetStates>,
    mut changes: broadcast::Receiver<WidgetChanged>,
    mut health: watch::Receiver<BusHealth>,
) {
    loop {
        let outcome = tokio::select! {
            change = changes.recv() => match change {
                Ok(change) => Some(Some(change.widget_id)),
                Err(broadcast::error::RecvError::Lagged(_)) => Some(None),
                Err(broadcast::error::RecvError::Closed) => None,
            },
            changed = health.changed() => changed.ok().map(|()| None),
        };
        let (Some(outcome), Some(states)) = (outcome, states.upgrade()) else { return };
        match outcome {
            Some(widget_id) => states.forget(&widget_id),
            None => states.forget_all(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (WorkspaceId, WidgetId) {
        (WorkspaceId::from("ws_a"), WidgetId::from("wgt_a"))
    }

    #[tokio::test]
    async fn keeps_an_answer_for_its_workspace_only_and_not_past_its_age() {
        let states = WidgetStates::new(&Bus::in_process());
        let (workspace, widget) = ids();
        states.keep(&workspace, &widget, true, 0);
        assert_eq!(states.cached(&workspace, &widget), Some(true));
        assert_eq!(states.cached(&WorkspaceId::from("ws_b"), &widget), None);
        if let Some(entry) = states.entries.lock().unwrap().get_mut(&widget) {
            entry.at = Instant::now() - MAX_AGE;
        }
        assert_eq!(states.cached(&workspace, &widget), None);
    }

    #[tokio::test]
    async fn a_read_overtaken_by_a_change_is_not_kept() {
        let states = WidgetStates::new(&Bus::in_process());
        let (workspace, widget) = ids();
        let epoch = states.epoch.load(Ordering::Acquire);
        // The widget is turned off while the read of its old state is under way.
        states.changed(&Bus::in_process(), &workspace, &widget).await;
        states.keep(&workspace, &widget, true, epoch);
        assert_eq!(states.cached(&workspace, &widget), None);
    }

    #[tokio::test]
    async fn a_change_forgets_the_widget() {
        let states = WidgetStates::new(&Bus::in_process());
        let (workspace, widget) = ids();
        states.keep(&workspace, &widget, true, 0);
        states.keep(&workspace, &WidgetId::from("wgt_b"), true, 0);
        states.changed(&Bus::in_process(), &workspace, &widget).await;
        assert_eq!(states.cached(&workspace, &widget), None);
        assert_eq!(states.cached(&workspace, &WidgetId::from("wgt_b")), Some(true));
    }
}
