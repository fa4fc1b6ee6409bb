//! Visitor presence: visitors send heartbeats while on the site; this sweeper marks the
//! silent ones offline and tells the agents.

use std::sync::Arc;
use std::time::Duration;

use super::event::BusMessage;
use crate::AppState;
use crate::store::now_ms;

/// A visitor silent this long is offline (the widget beats every 30 s).
pub const OFFLINE_AFTER_MS: i64 = 75_000;
const SWEEP_EVERY: Duration = Duration::from_secs(15);

/// Runs until shutdown. Safe on several replicas: each offline transition is a
/// conditional update, so exactly one replica announces it.
pub async fn expire_visitors(state: Arc<AppState>) {
    let mut shutdown = state.shutdown.clone();
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => {}
        }
        let now = now_ms();
        match state.store.expire_visitor_presence(now - OFFLINE_AFTER_MS, now).await {
            Ok(events) => {
                for event in events {
                    state.bus.publish(BusMessage::Event(event)).await;
                }
            }
            Err(error) => tracing::warn!(%error, "visitor presence sweep failed"),
        }
    }
}
