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
