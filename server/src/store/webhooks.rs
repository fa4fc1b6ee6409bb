//! Webhook endpoints and their deliveries: managing endpoints, turning logged events into
//! deliveries (each with its job), and recording how each attempt went.
//!
//! **Invariant:** an event becomes a delivery for an endpoint exactly once: deliveries are
//! written in the transaction that moves the endpoint's `event_cursor` past the event, and
//! that move only happens from the cursor the dispatcher read (a replica that lost the race
//! writes nothing).

use crate::domain::id::{DeliveryId, WebhookId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::{DeliveryRow, WebhookRow};
use super::queries::Writes as _;
use super::schema::{webhook_deliveries, webhooks, workspaces};
use super::{Store, StoreError, read, write};
use crate::domain::webhook::{DISABLE_AFTER_FAILED_IN_A_ROW, DeliveryState, MAX_WEBHOOKS};
use crate::jobs::{Job, NewJob};

/// A change to an endpoint; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct WebhookChange {
    pub url: Option<String>,
    pub description: Option<String>,
    /// JSON array of names.
    pub event_types: Option<String>,
    pub enabled: Option<bool>,
}

/// A delivery to write, with its job.
#[derive(Clone, Debug)]
pub struct NewDelivery {
    pub id: DeliveryId,
    pub event_type: String,
    pub payload: String,
}

/// How an attempt ended, as the delivery log records it.
#[derive(Clone, Debug, Default)]
pub struct AttemptRecord {
    pub response_status: i32,
    pub latency_ms: i64,
    pub error: String,
    pub response_excerpt: String,
}

/// What follows an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterAttempt {
    Succeeded,
    /// Failed; tried again at this time.
    RetryAt(i64),
    /// Failed for good.
    Failed,
}

impl Store {
    /// The workspace's endpoints, oldest first.
    pub async fn webhooks_of(&self, workspace_id: &WorkspaceId) -> Result<Vec<WebhookRow>, StoreError> {
        read!(self, |conn| {
            Ok(webhooks::table
                .filter(webhooks::workspace_id.eq(workspace_id))
                .order((webhooks::created_at, webhooks::id))
                .select(WebhookRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// The workspace's endpoint `id`.
    pub async fn webhook(&self, workspace_id: &WorkspaceId, id: &str) -> Result<Option<WebhookRow>, StoreError> {
        read!(self, |conn| {
            Ok(webhooks::table
                .filter(webhooks::workspace_id.eq(workspace_id))
                .filter(webhooks::id.eq(id))
                .select(WebhookRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Adds an endpoint receiving events after the workspace's latest; `None` when the
    /// workspace already has [`MAX_WEBHOOKS`] (counted in the same transaction, under the
    /// workspace lock, so concurrent creations cannot pass it).
    pub async fn create_webhook(&self, mut row: WebhookRow) -> Result<Option<WebhookRow>, StoreError> {
        let workspace_id = row.workspace_id.clone();
        write!(self, workspace = &workspace_id, |conn| {
            let count: i64 =
                webhooks::table.filter(webhooks::workspace_id.eq(&workspace_id)).count().get_result(conn).await?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_WEBHOOKS {
                return Ok(None);
            }
            row.event_cursor =
                workspaces::table.find(&workspace_id).select(workspaces::event_seq).get_result(conn).await?;
            diesel::insert_into(webhooks::table).values(&row).execute(conn).await?;
            Ok(Some(row))
        })
    }

    /// Changes the workspace's endpoint `id`; `None` when it has none. Enabling a disabled
    /// endpoint starts it at the workspace's latest event with a clean failure count.
    pub async fn update_webhook(
        &self,
        workspace_id: &WorkspaceId,
        id: &str,
        change: WebhookChange,
        now: i64,
    ) -> Result<Option<WebhookRow>, StoreError> {
        write!(self, workspace = workspace_id, |conn| {
            let Some(mut row) = webhooks::table
                .filter(webhooks::workspace_id.eq(workspace_id))
                .filter(webhooks::id.eq(id))
                .select(WebhookRow::as_select())
                .get_result(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            if let Some(url) = change.url {
                row.url = url;
            }
            if let Some(description) = change.description {
                row.description = description;
            }
            if let Some(types) = change.event_types {
                row.event_types = types;
            }
            match change.enabled {
                Some(true) if !row.enabled => {
                    row.enabled = true;
                    row.disabled_reason.clear();
                    row.failed_in_a_row = 0;
                    row.event_cursor =
                        workspaces::table.find(workspace_id).select(workspaces::event_seq).get_result(conn).await?;
                }
                Some(false) if row.enabled => {
                    row.enabled = false;
                    row.disabled_reason.clear();
                }
                _ => {}
            }
            row.updated_at = now;
            diesel::update(webhooks::table.find(id))
                .set((
                    webhooks::url.eq(&row.url),
                    webhooks::description.eq(&row.description),
                    webhooks::event_types.eq(&row.event_types),
                    webhooks::enabled.eq(row.enabled),
                    webhooks::disabled_reason.eq(&row.disabled_reason),
                    webhooks::failed_in_a_row.eq(row.failed_in_a_row),
                    webhooks::event_cursor.eq(row.event_cursor),
                    webhooks::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            Ok(Some(row))
        })
    }

    /// Deletes the workspace's endpoint `id` with its deliveries; their jobs, when they
    /// run, find nothing to do. `false` when it has none.
    pub async fn delete_webhook(&self, workspace_id: &WorkspaceId, id: &str) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let deleted = diesel::delete(
                webhooks::table.filter(webhooks::workspace_id.eq(workspace_id)).filter(webhooks::id.eq(id)),
            )
            .execute(conn)
            .await?;
            Ok(deleted == 1)
        })
    }

    /// Replaces the signing secret of the workspace's endpoint `id`; `false` when it has none.
    pub async fn set_webhook_secret(
        &self,
        workspace_id: &WorkspaceId,
        id: &str,
        secret: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let updated = diesel::update(
                webhooks::table.filter(webhooks::workspace_id.eq(workspace_id)).filter(webhooks::id.eq(id)),
            )
            .set((webhooks::secret.eq(secret), webhooks::updated_at.eq(now)))
            .execute(conn)
            .await?;
            Ok(updated == 1)
        })
    }

    /// Enabled endpoints whose workspace logged events after their cursor.
    pub async fn webhooks_behind(&self) -> Result<Vec<WebhookRow>, StoreError> {
        read!(self, |conn| {
            Ok(webhooks::table
                .inner_join(workspaces::table.on(workspaces::id.eq(webhooks::workspace_id)))
                .filter(webhooks::enabled.eq(true))
                .filter(webhooks::event_cursor.lt(workspaces::event_seq))
                .select(WebhookRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// Writes `deliveries` of endpoint `webhook` (with a job each) and moves its cursor
    /// from `from` to `to`, in one transaction; `false`, writing nothing, when the cursor is
    /// no longer at `from` (another replica dispatched these events) or the endpoint was
    /// disabled or deleted meanwhile.
    pub async fn dispatch_webhook(
        &self,
        webhook: &WebhookRow,
        from: i64,
        to: i64,
        deliveries: &[NewDelivery],
        now: i64,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            // Claims the range first: on PostgreSQL a racing replica's update waits for this
            // transaction, then finds the cursor moved and updates nothing.
            let claimed = diesel::update(
                webhooks::table
                    .find(&webhook.id)
                    .filter(webhooks::event_cursor.eq(from))
                    .filter(webhooks::enabled.eq(true)),
            )
            .set(webhooks::event_cursor.eq(to))
            .execute(conn)
            .await?;
            if claimed != 1 {
                return Ok(false);
            }
            for delivery in deliveries {
                conn.write_delivery(webhook, delivery, now).await?;
            }
            Ok(true)
        })
    }

    /// Writes one delivery of `webhook` (a test or a redelivery) with its job.
    pub async fn enqueue_delivery(
        &self,
        webhook: &WebhookRow,
        delivery: &NewDelivery,
        now: i64,
    ) -> Result<DeliveryRow, StoreError> {
        write!(self, |conn| { conn.write_delivery(webhook, delivery, now).await })
    }

    /// The workspace's delivery `id`.
    pub async fn delivery(&self, workspace_id: &WorkspaceId, id: &str) -> Result<Option<DeliveryRow>, StoreError> {
        read!(self, |conn| {
            Ok(webhook_deliveries::table
                .filter(webhook_deliveries::workspace_id.eq(workspace_id))
                .filter(webhook_deliveries::id.eq(id))
                .select(DeliveryRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// A delivery with its endpoint, for an attempt; `None` when either is gone.
    pub async fn delivery_to_attempt(&self, id: &str) -> Result<Option<(DeliveryRow, WebhookRow)>, StoreError> {
        read!(self, |conn| {
            Ok(webhook_deliveries::table
                .inner_join(webhooks::table)
                .filter(webhook_deliveries::id.eq(id))
                .select((DeliveryRow::as_select(), WebhookRow::as_select()))
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Up to `limit` deliveries of the workspace's endpoint, newest first, before the
    /// keyset `before` (`(created_at, id)` of the last one of the previous page).
    pub async fn deliveries_of(
        &self,
        workspace_id: &WorkspaceId,
        webhook_id: &WebhookId,
        before: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        read!(self, |conn| {
            let mut query = webhook_deliveries::table
                .filter(webhook_deliveries::workspace_id.eq(workspace_id))
                .filter(webhook_deliveries::webhook_id.eq(webhook_id))
                .order((webhook_deliveries::created_at.desc(), webhook_deliveries::id.desc()))
                .limit(limit)
                .select(DeliveryRow::as_select())
                .into_boxed();
            if let Some((at, id)) = before.clone() {
                query = query.filter(
                    webhook_deliveries::created_at
                        .lt(at)
                        .or(webhook_deliveries::created_at.eq(at).and(webhook_deliveries::id.lt(id))),
                );
            }
            Ok(query.load(conn).await?)
        })
    }

    /// Records attempt `attempt` of delivery `id` and what follows it. A delivery failed
    /// for good counts against its endpoint: the [`DISABLE_AFTER_FAILED_IN_A_ROW`]th in a
    /// row disables the endpoint (with `reason`) and writes `on_disable` (the owners'
    /// e-mails), in the same transaction; a success resets the count. Returns whether the
    /// endpoint was disabled now.
    pub async fn record_delivery_attempt(
        &self,
        id: &str,
        attempt: i32,
        record: &AttemptRecord,
        after: AfterAttempt,
        disable: (&str, &[NewJob]),
        now: i64,
    ) -> Result<bool, StoreError> {
        let (state, next) = match after {
            AfterAttempt::Succeeded => (DeliveryState::Succeeded, None),
            AfterAttempt::RetryAt(at) => (DeliveryState::Pending, Some(at)),
            AfterAttempt::Failed => (DeliveryState::Failed, None),
        };
        let (reason, on_disable) = disable;
        write!(self, |conn| {
            let webhook_id: Option<WebhookId> = diesel::update(webhook_deliveries::table.find(id))
                .set((
                    webhook_deliveries::state.eq(state),
                    webhook_deliveries::attempts.eq(attempt),
                    webhook_deliveries::next_attempt_at.eq(next),
                    webhook_deliveries::response_status.eq(record.response_status),
                    webhook_deliveries::latency_ms.eq(record.latency_ms),
                    webhook_deliveries::error.eq(&record.error),
                    webhook_deliveries::response_excerpt.eq(&record.response_excerpt),
                    webhook_deliveries::updated_at.eq(now),
                ))
                .returning(webhook_deliveries::webhook_id)
                .get_result(conn)
                .await
                .optional()?;
            let Some(webhook_id) = webhook_id else { return Ok(false) };
            match after {
                AfterAttempt::Succeeded => {
                    diesel::update(webhooks::table.find(&webhook_id).filter(webhooks::failed_in_a_row.ne(0)))
                        .set(webhooks::failed_in_a_row.eq(0))
                        .execute(conn)
                        .await?;
                    Ok(false)
                }
                AfterAttempt::RetryAt(_) => Ok(false),
                AfterAttempt::Failed => {
                    // Only an enabled endpoint counts failures (a disabled one's count says
                    // why it was disabled).
                    let in_a_row: Option<i32> =
                        diesel::update(webhooks::table.find(&webhook_id).filter(webhooks::enabled.eq(true)))
                            .set(webhooks::failed_in_a_row.eq(webhooks::failed_in_a_row + 1))
                            .returning(webhooks::failed_in_a_row)
                            .get_result(conn)
                            .await
                            .optional()?;
                    if in_a_row.is_none_or(|n| n < DISABLE_AFTER_FAILED_IN_A_ROW) {
                        return Ok(false);
                    }
                    diesel::update(webhooks::table.find(&webhook_id))
                        .set((
                            webhooks::enabled.eq(false),
                            webhooks::disabled_reason.eq(reason),
                            webhooks::updated_at.eq(now),
                        ))
                        .execute(conn)
                        .await?;
                    for job in on_disable {
                        conn.enqueue_job(job, now).await?;
                    }
                    Ok(true)
                }
            }
        })
    }

    /// Deletes deliveries that finished before `cutoff`; returns how many.
    pub async fn prune_deliveries(&self, cutoff: i64) -> Result<usize, StoreError> {
        write!(self, |conn| {
            Ok(diesel::delete(
                webhook_deliveries::table
                    .filter(webhook_deliveries::state.ne(DeliveryState::Pending))
                    .filter(webhook_deliveries::updated_at.lt(cutoff)),
            )
            .execute(conn)
            .await?)
        })
    }
}

/// The job that makes a delivery's attempts.
pub fn delivery_job(webhook: &WebhookRow, delivery: &NewDelivery) -> NewJob {
    NewJob {
        workspace_id: Some(webhook.workspace_id.clone()),
        summary: format!("{} to {}", delivery.event_type, webhook.url),
        job: Job::Webhook { delivery_id: delivery.id.clone() },
        delay: std::time::Duration::ZERO,
    }
}
