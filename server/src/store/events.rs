//! The per-workspace event log: appending inside write transactions, and reading back for
//! feed replay.
//!
//! **Invariant:** an event's `seq` comes from `workspaces.event_seq`, incremented under that
//! row's lock in the same transaction that writes the change, so sequence numbers are
//! gap-free and in commit order: once event N is visible, every event below N is too.

use crate::domain::id::{ConversationId, VisitorId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::EventRow;
#[cfg(test)]
use super::queries::Writes as _;
use super::schema::{events, workspaces};
#[cfg(test)]
use super::write;
use super::{Store, StoreError, read};
use crate::realtime::event::{Event, EventBody};

/// An event to append; its sequence number is assigned on append.
#[derive(Debug)]
pub struct NewEvent {
    pub conversation_id: Option<ConversationId>,
    pub visitor_id: Option<VisitorId>,
    pub visitor_visible: bool,
    pub body: EventBody,
}

/// Whose events a replay reads.
#[derive(Clone, Debug)]
pub enum EventFilter {
    /// Everything in the workspace (agents).
    Workspace,
    /// What one visitor may see.
    Visitor(VisitorId),
}

/// An event as read back from the log (its place in the visitor's chain is not stored:
/// feeds check the store for it).
fn logged(row: EventRow) -> Result<Event, StoreError> {
    Ok(Event {
        workspace_id: row.workspace_id,
        seq: row.seq,
        visitor_id: row.visitor_id,
        visitor_visible: row.visitor_visible,
        visitor_prev_seq: None,
        body: serde_json::from_str(&row.body)?,
    })
}

impl Store {
    /// The workspace's newest event sequence number (0 before the first event).
    pub async fn latest_event_seq(&self, workspace_id: &WorkspaceId) -> Result<i64, StoreError> {
        read!(self, |conn| {
            // A key lookup: `get_result` spares SQLite the re-prepare a bound `LIMIT` causes.
            Ok(workspaces::table
                .find(workspace_id)
                .select(workspaces::event_seq)
                .get_result(conn)
                .await
                .optional()?
                .unwrap_or(0))
        })
    }

    /// Up to `limit` events after `after` (and below `before`, when given), oldest first.
    pub async fn events_after(
        &self,
        workspace_id: &WorkspaceId,
        filter: &EventFilter,
        after: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let rows: Vec<EventRow> = read!(self, |conn| {
            let mut query = events::table
                .filter(events::workspace_id.eq(workspace_id))
                .filter(events::seq.gt(after))
                .order(events::seq.asc())
                .limit(limit)
                .select(EventRow::as_select())
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(events::seq.lt(before));
            }
            if let EventFilter::Visitor(visitor_id) = filter {
                query =
                    query.filter(events::visitor_id.eq(visitor_id.clone())).filter(events::visitor_visible.eq(true));
            }
            Ok::<_, StoreError>(query.load(conn).await?)
        })?;
        rows.into_iter().map(logged).collect()
    }

    /// The workspace's events logged at or after `since`, at most the newest `limit`, oldest
    /// first (what a restarted replica publishes again, see `realtime::recovery`).
    pub async fn events_since(
        &self,
        workspace_id: &WorkspaceId,
        since: i64,
        limit: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let latest = self.latest_event_seq(workspace_id).await?;
        let rows: Vec<EventRow> = read!(self, |conn| {
            // By sequence (the primary key), not by time: no scan of the whole log.
            Ok::<_, StoreError>(
                events::table
                    .filter(events::workspace_id.eq(workspace_id))
                    .filter(events::seq.gt(latest.saturating_sub(limit)))
                    .filter(events::created_at.ge(since))
                    .order(events::seq.asc())
                    .select(EventRow::as_select())
                    .load(conn)
                    .await?,
            )
        })?;
        rows.into_iter().map(logged).collect()
    }

    /// Appends events to a workspace's log in a transaction of their own (feed tests).
    #[cfg(test)]
    pub(crate) async fn append_events(
        &self,
        workspace_id: &WorkspaceId,
        now: i64,
        new: Vec<NewEvent>,
    ) -> Result<Vec<Event>, StoreError> {
        write!(self, workspace = workspace_id, |conn| { conn.append_events(workspace_id, now, new).await })
    }

    /// Creates a bare workspace (feed tests).
    #[cfg(test)]
    pub(crate) async fn insert_workspace(&self, id: &str, name: &str, now: i64) -> Result<(), StoreError> {
        let row = super::models::WorkspaceRow::new(id.into(), name.to_owned(), now);
        write!(self, |conn| {
            diesel::insert_into(workspaces::table).values(&row).execute(conn).await?;
            Ok(())
        })
    }
}
