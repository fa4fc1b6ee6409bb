//! What a replica does for the others when it starts: it publishes the last minute of
//! events again.
//!
//! A process killed between a commit and its publish (kill -9, a crash, a lost machine)
//! leaves events that feeds on other replicas never received; they would see them only
//! when a later event of theirs revealed the gap, which for a visitor's last message may be
//! never. Feeds drop what they already have (at or below their cursor), so publishing
//! again is harmless. Only with Redis: a single node's feeds died with it and resume from
//! the store.

use std::sync::Arc;
use std::time::Duration;

use crate::AppState;
use crate::realtime::event::BusMessage;
use crate::store::now_ms;

/// How far back a restarted replica publishes again.
const WINDOW: Duration = Duration::from_secs(60);
/// At most this many events per workspace.
const MOST_PER_WORKSPACE: i64 = 500;

/// Publishes every workspace's events of the last minute again; returns how many.
pub async fn republish_recent(state: Arc<AppState>) -> usize {
    let since = now_ms().saturating_sub(i64::try_from(WINDOW.as_millis()).unwrap_or(i64::MAX));
    let workspaces = match state.store.workspace_ids().await {
        Ok(ids) => ids,
        Err(error) => {
            tracing::warn!(%error, "could not list workspaces to publish recent events again");
            return 0;
        }
    };
    let mut published = 0;
    for workspace_id in workspaces {
        match state.store.events_since(&workspace_id, since, MOST_PER_WORKSPACE).await {
            Ok(events) => {
                published += events.len();
                for event in events {
                    state.bus.publish(BusMessage::Event(event)).await;
                }
            }
            Err(error) => tracing::warn!(%error, %workspace_id, "could not publish recent events again"),
        }
    }
    if published > 0 {
        tracing::info!(published, "published the last minute's events again for other replicas");
    }
    published
}
