//! Forgetting what is no longer needed: old events, uploads never sent, visitors who never
//! chatted; and the bytes a workspace's attachments take. Every sweep works in small
//! batches, so it never holds a lock for long, and is safe to run on several replicas at
//! once (deleting what is already deleted deletes nothing).

use crate::domain::id::{AttachmentId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::AttachmentRow;
use super::schema::{attachments, conversations, events, visitors, workspaces};
use super::{Store, StoreError, read, write};

/// Rows deleted per statement.
const BATCH: i64 = 1000;

impl Store {
    /// The oldest event sequence number the workspace's log still holds (`None` when it
    /// holds none).
    pub async fn oldest_event_seq(&self, workspace_id: &WorkspaceId) -> Result<Option<i64>, StoreError> {
        read!(self, |conn| {
            Ok(events::table
                .filter(events::workspace_id.eq(workspace_id))
                .order(events::seq.asc())
                .select(events::seq)
                .first(conn)
                .await
                .optional()?)
        })
    }

    /// Every workspace's id (for sweeps).
    pub async fn workspace_ids(&self) -> Result<Vec<WorkspaceId>, StoreError> {
        read!(self, |conn| { Ok(workspaces::table.select(workspaces::id).load(conn).await?) })
    }

    /// Deletes a workspace's events created before `before` (ms) and all but its newest
    /// `keep`; returns how many. The log is pruned from its oldest end only, so what stays
    /// is still gap-free.
    pub async fn prune_events(&self, workspace_id: &WorkspaceId, before: i64, keep: i64) -> Result<u64, StoreError> {
        let latest = self.latest_event_seq(workspace_id).await?;
        let keep_from = latest.saturating_sub(keep).saturating_add(1);
        let mut deleted = 0u64;
        loop {
            let removed = write!(self, |conn| {
                // The batch: the oldest rows, by the primary key.
                let upper: Option<i64> = events::table
                    .filter(events::workspace_id.eq(workspace_id))
                    .order(events::seq.asc())
                    .offset(BATCH - 1)
                    .select(events::seq)
                    .first(conn)
                    .await
                    .optional()?;
                let mut batch = diesel::delete(events::table)
                    .filter(events::workspace_id.eq(workspace_id))
                    .filter(events::created_at.lt(before).or(events::seq.lt(keep_from)))
                    .into_boxed();
                if let Some(upper) = upper {
                    batch = batch.filter(events::seq.le(upper));
                }
                Ok::<_, StoreError>(batch.execute(conn).await?)
            })?;
            deleted += removed as u64;
            if i64::try_from(removed).unwrap_or(i64::MAX) < BATCH {
                return Ok(deleted);
            }
        }
    }

    /// Uploads created before `before` (ms) that no message ever took, deleted in one
    /// batch; returns their rows, so the caller removes the files.
    pub async fn expire_unsent_uploads(&self, before: i64) -> Result<Vec<AttachmentRow>, StoreError> {
        write!(self, |conn| {
            let rows: Vec<AttachmentRow> = attachments::table
                .filter(attachments::message_id.is_null())
                .filter(attachments::created_at.lt(before))
                .order(attachments::created_at.asc())
                .limit(BATCH)
                .select(AttachmentRow::as_select())
                .load(conn)
                .await?;
            let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
            // Still unsent: a send that took one meanwhile keeps it (and it stays listed).
            diesel::delete(attachments::table)
                .filter(attachments::id.eq_any(&ids))
                .filter(attachments::message_id.is_null())
                .execute(conn)
                .await?;
            let kept: Vec<AttachmentId> =
                attachments::table.filter(attachments::id.eq_any(&ids)).select(attachments::id).load(conn).await?;
            Ok(rows.into_iter().filter(|row| !kept.contains(&row.id)).collect())
        })
    }

    /// Deletes, in one batch, visitors last seen before `before` (ms) who never started a
    /// conversation (with their page views); returns how many.
    pub async fn prune_idle_visitors(&self, before: i64) -> Result<usize, StoreError> {
        write!(self, |conn| {
            let chatted = conversations::table.select(conversations::visitor_id);
            let ids: Vec<String> = visitors::table
                .filter(visitors::last_seen_at.lt(before))
                .filter(diesel::dsl::not(visitors::id.eq_any(chatted)))
                .limit(BATCH)
                .select(visitors::id)
                .load(conn)
                .await?;
            if ids.is_empty() {
                return Ok(0);
            }
            // Page views go with them (ON DELETE CASCADE); a visitor who chatted meanwhile
            // has a conversation, which the cascade would take too, so check again.
            let chatted = conversations::table.select(conversations::visitor_id);
            Ok(diesel::delete(visitors::table)
                .filter(visitors::id.eq_any(&ids))
                .filter(diesel::dsl::not(visitors::id.eq_any(chatted)))
                .execute(conn)
                .await?)
        })
    }

    /// The bytes the workspace's attachments take.
    pub async fn attachment_bytes(&self, workspace_id: &WorkspaceId) -> Result<i64, StoreError> {
        read!(self, |conn| {
            // SUM of BIGINT is NUMERIC on PostgreSQL; the cast keeps one Rust type.
            let total = diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT)");
            Ok(attachments::table
                .filter(attachments::workspace_id.eq(workspace_id))
                .select(total)
                .get_result(conn)
                .await?)
        })
    }
}
