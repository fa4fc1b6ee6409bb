//! What the server keeps, and for how long: the sweeper that prunes the event log (and
//! finished jobs and webhook deliveries as old), expires uploads that were never sent and forgets visitors who
//! never chatted, and the per-workspace storage quota for attachments. Without these the event log and the uploads
//! directory only grew (5,000 anonymous sessions left 5,000 visitor rows; 200 MiB of unsent
//! uploads stayed forever).

use std::sync::Arc;
use std::time::Duration;

use crate::AppState;
use crate::store::now_ms;

/// The operator's retention settings.
#[derive(Clone, Debug)]
pub struct Retention {
    /// Events older than this are pruned (feeds resuming from before then reload).
    pub event_age: Duration,
    /// At most this many events are kept per workspace.
    pub event_count: i64,
    /// Uploads no message took within this long are deleted.
    pub unsent_upload_age: Duration,
    /// Visitors who never started a conversation are forgotten this long after their last
    /// visit.
    pub idle_visitor_age: Duration,
    /// Most bytes of attachments one workspace may store.
    pub workspace_storage_bytes: i64,
    /// How often the sweep runs (not a setting: tests shorten it).
    pub sweep_every: Duration,
}

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub events: u64,
    pub uploads: usize,
    pub visitors: usize,
    pub jobs: usize,
    pub deliveries: usize,
}

/// Sweeps every `sweep_every` until shutdown.
pub async fn run(state: Arc<AppState>) {
    let mut shutdown = state.shutdown.clone();
    let every = state.config.retention.sweep_every;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => {}
        }
        match sweep(&state).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "retention sweep"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "retention sweep failed; the next one retries"),
        }
    }
}

/// One sweep over every workspace.
pub async fn sweep(state: &AppState) -> Result<Swept, crate::store::StoreError> {
    let rules = &state.config.retention;
    let now = now_ms();
    let ago = |age: Duration| now.saturating_sub(i64::try_from(age.as_millis()).unwrap_or(i64::MAX));
    let mut swept = Swept::default();
    for workspace_id in state.store.workspace_ids().await? {
        swept.events += state.store.prune_events(&workspace_id, ago(rules.event_age), rules.event_count).await?;
    }
    loop {
        let expired = state.store.expire_unsent_uploads(ago(rules.unsent_upload_age)).await?;
        if expired.is_empty() {
            break;
        }
        crate::attachments::remove_files(&state.config.data_dir, &expired, "expired upload").await;
        swept.uploads += expired.len();
    }
    loop {
        let removed = state.store.prune_idle_visitors(ago(rules.idle_visitor_age)).await?;
        if removed == 0 {
            break;
        }
        swept.visitors += removed;
    }
    // Finished jobs are kept as long as events, for owners to look back at.
    swept.jobs = state.store.prune_jobs(ago(rules.event_age)).await?;
    // So are finished webhook deliveries.
    swept.deliveries = state.store.prune_deliveries(ago(rules.event_age)).await?;
    Ok(swept)
}
