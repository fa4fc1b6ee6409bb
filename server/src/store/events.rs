//! The per-workspace event log: appending inside write transactions, and reading back for
//! feed replay.
//!
//! **Invariant:** an event's `seq` comes from `workspaces.event_seq`, incremented under that
//! row's lock in the same transaction that writes the change, so sequence numbers are
//! gap-free and in commit order: once event N is visible, every event below N is too.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::EventRow;
use super::schema::{events, workspaces};
use super::{Store, StoreError, read};
use crate::realtime::event::{Event, EventBody};

/// An event to append; its sequence number is assigned on append.
#[derive(Debug)]
pub struct NewEvent {
    pub conversation_id: Option<String>,
    pub visitor_id: Option<String>,
    pub visitor_visible: bool,
    pub body: EventBody,
}

/// Appends events to a workspace's log inside the current transaction and evaluates to
/// the stored `Vec<Event>` (for publishing after commit). Expanded per backend.
macro_rules! append_events {
    ($conn:ident, $workspace_id:expr, $now:expr, $new:expr) => {{
        let new: Vec<$crate::store::events::NewEvent> = $new;
        let workspace_id: &str = $workspace_id;
        let count = i64::try_from(new.len()).unwrap_or(i64::MAX);
        let last: i64 = diesel::update($crate::store::schema::workspaces::table.find(workspace_id))
            .set($crate::store::schema::workspaces::event_seq.eq($crate::store::schema::workspaces::event_seq + count))
            .returning($crate::store::schema::workspaces::event_seq)
            .get_result($conn)
            .await?;
        let mut stored = Vec::with_capacity(new.len());
        let mut rows = Vec::with_capacity(new.len());
        // Visitors of these events with the seq of their newest event they may see.
        let mut newest_visible: Vec<(String, i64)> = Vec::new();
        for (seq, event) in (last - count + 1..).zip(new) {
            // Each event a visitor may see names the one before it (their feeds find gaps
            // with it). Read under the workspace row lock taken above, so no other
            // transaction appends one of theirs in between.
            let visitor_prev_seq = match (&event.visitor_id, event.visitor_visible) {
                (Some(visitor_id), true) => Some(match newest_visible.iter_mut().find(|(id, _)| id == visitor_id) {
                    Some((_, newest)) => std::mem::replace(newest, seq),
                    None => {
                        use $crate::store::schema::events as ev;
                        let logged: Option<i64> = ev::table
                            .filter(ev::workspace_id.eq(workspace_id))
                            .filter(ev::visitor_id.eq(visitor_id))
                            .filter(ev::visitor_visible.eq(true))
                            .select(diesel::dsl::max(ev::seq))
                            .get_result($conn)
                            .await?;
                        newest_visible.push((visitor_id.clone(), seq));
                        logged.unwrap_or(0)
                    }
                }),
                _ => None,
            };
            rows.push($crate::store::models::EventRow {
                workspace_id: workspace_id.to_owned(),
                seq,
                conversation_id: event.conversation_id,
                visitor_id: event.visitor_id.clone(),
                visitor_visible: event.visitor_visible,
                body: serde_json::to_string(&event.body)?,
                created_at: $now,
            });
            stored.push($crate::realtime::event::Event {
                workspace_id: workspace_id.to_owned(),
                seq,
                visitor_id: event.visitor_id,
                visitor_visible: event.visitor_visible,
                visitor_prev_seq,
                body: event.body,
            });
        }
        // One statement per row: SQLite has no multi-row insert with optional columns.
        for row in &rows {
            diesel::insert_into($crate::store::schema::events::table).values(row).execute($conn).await?;
        }
        stored
    }};
}
pub(crate) use append_events;

/// Whose events a replay reads.
#[derive(Clone, Debug)]
pub enum EventFilter {
    /// Everything in the workspace (agents).
    Workspace,
    /// What one visitor may see.
    Visitor(String),
}

impl Store {
    /// The workspace's newest event sequence number (0 before the first event).
    pub async fn latest_event_seq(&self, workspace_id: &str) -> Result<i64, StoreError> {
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
        workspace_id: &str,
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
        rows.into_iter()
            .map(|row| {
                Ok(Event {
                    workspace_id: row.workspace_id,
                    seq: row.seq,
                    visitor_id: row.visitor_id,
                    visitor_visible: row.visitor_visible,
                    visitor_prev_seq: None,
                    body: serde_json::from_str(&row.body)?,
                })
            })
            .collect()
    }
}
