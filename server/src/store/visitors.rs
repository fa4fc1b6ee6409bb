//! Website visitors: sessions, profile, identity, activity (visits, page views) and presence.

use crate::domain::id::{VisitorId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::events::NewEvent;
use super::group_commit::{BatchOutcome, Batched};
use super::models::{PageViewRow, VisitorRow};
use super::queries::{ManyRows as _, Writes as _};
use super::schema::{conversations, page_views, visitors};
use super::transaction::transaction;
use super::{Backend, Store, StoreError, read, write};
use crate::domain::visitor as rules;
use crate::realtime::event::{Event, EventBody};
use crate::realtime::payload::{Visitor, VisitorDelta};

/// Visitors' touches written per transaction (SQLite: about 2 ms of its writer).
const TOUCHES_PER_TRANSACTION: usize = 500;

/// A change to a visitor's profile or activity; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, AsChangeset)]
#[diesel(table_name = visitors)]
pub struct VisitorChange {
    pub name: Option<String>,
    pub email: Option<String>,
    pub attributes: Option<String>,
    pub current_url: Option<String>,
    pub current_title: Option<String>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub ip_address: Option<String>,
    pub online: Option<bool>,
    pub last_seen_at: Option<i64>,
    /// Set by the store from the activity rule, never by callers.
    pub visit_started_at: Option<i64>,
    /// Where `ip_address` is (`geo`): set together with it, empty when unknown.
    pub country_code: Option<String>,
    pub city: Option<String>,
}

/// A page the visitor opened, to add to their history.
#[derive(Clone, Debug)]
pub struct PageView {
    pub url: String,
    pub title: String,
    pub referrer: String,
}

/// One visitor's update ([`Store::update_visitor`]), a batch's item on PostgreSQL.
pub struct VisitorUpdate {
    pub workspace_id: WorkspaceId,
    pub visitor_id: VisitorId,
    pub change: VisitorChange,
    pub page_view: Option<PageView>,
    /// Logs a VisitorChanged event when something agents see changed.
    pub announce: bool,
    pub now: i64,
    /// The store's [`Store::visit_timeout_ms`].
    pub visit_timeout_ms: i64,
}

impl Batched for VisitorUpdate {
    /// The visitor as updated and the events logged; `None`: no such visitor.
    type Outcome = Option<(Visitor, Vec<Event>)>;

    fn workspace_id(&self) -> &WorkspaceId {
        &self.workspace_id
    }

    async fn store(conn: &mut AsyncPgConnection, updates: &[Self], _shared: bool) -> BatchOutcome<Self::Outcome> {
        let Some(first) = updates.first() else { return Ok(Vec::new()) };
        conn.lock_workspace(&first.workspace_id).await?;
        // Visitor rows locked in id order (byte order, a visitor's own updates in the order
        // they came): the heartbeats' touches, which take no workspace lock, lock theirs in
        // the same order, so the two never deadlock (`ManyRows::touch_visitors`).
        let mut order: Vec<usize> = (0..updates.len()).collect();
        order.sort_by(|a, b| updates[*a].visitor_id.as_str().cmp(updates[*b].visitor_id.as_str()));
        let mut outcomes: Vec<Option<Self::Outcome>> = updates.iter().map(|_| None).collect();
        for i in order {
            // One failing fails the transaction: `group_commit` then stores each alone.
            outcomes[i] = Some(conn.update_visitor(&updates[i]).await?);
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.ok_or_else(|| StoreError::Batch("an update was left out".to_owned())))
            .collect())
    }
}

/// Applies the visit rule to an activity at `change.last_seen_at` (if any): it continues
/// `before`'s visit or starts a new one.
pub(crate) fn with_visit(mut change: VisitorChange, before: &VisitorRow, timeout_ms: i64) -> VisitorChange {
    change.visit_started_at = change
        .last_seen_at
        .map(|seen| rules::visit_start(before.visit_started_at, before.last_seen_at, seen, timeout_ms));
    change
}

/// The event telling agents what changed about a visitor (only that: the log and the bus
/// carry a page view, not the visitor's attributes).
pub(crate) fn visitor_event(visitor_id: &VisitorId, changes: VisitorDelta) -> NewEvent {
    NewEvent {
        conversation_id: None,
        visitor_id: Some(visitor_id.to_owned()),
        visitor_visible: false,
        body: EventBody::VisitorChanged { visitor_id: visitor_id.to_owned(), changes },
    }
}

impl Store {
    /// Stores a new visitor.
    pub async fn insert_visitor(&self, row: VisitorRow) -> Result<Visitor, StoreError> {
        write!(self, |conn| {
            diesel::insert_into(visitors::table).values(&row).execute(conn).await?;
            Ok(row.to_payload())
        })
    }

    /// The visitor with this id in this workspace.
    pub async fn visitor(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
    ) -> Result<Option<Visitor>, StoreError> {
        // Every visitor request reads this: `get_result` (a key lookup) spares SQLite the
        // re-prepare that the bound `LIMIT` of `first` causes.
        read!(self, |conn| {
            Ok(visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::id.eq(visitor_id))
                .select(VisitorRow::as_select())
                .get_result(conn)
                .await
                .optional()?
                .map(|row| row.to_payload()))
        })
    }

    /// Applies `change` (an activity when it sets `last_seen_at`: it continues the current
    /// visit or starts a new one), records `page_view` in the visitor's history (keeping the
    /// newest [`rules::MAX_PAGE_VIEWS_KEPT`]), and (when `announce`) logs a VisitorChanged
    /// event for agents. `None` when the visitor does not exist. On PostgreSQL the updates
    /// of a workspace that arrive together share a transaction (`group_commit`): on a busy
    /// site page views are most of its writes.
    pub async fn update_visitor(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
        change: VisitorChange,
        page_view: Option<PageView>,
        announce: bool,
        now: i64,
    ) -> Result<Option<(Visitor, Vec<Event>)>, StoreError> {
        let update = VisitorUpdate {
            workspace_id: workspace_id.to_owned(),
            visitor_id: visitor_id.to_owned(),
            change,
            page_view,
            announce,
            now,
            visit_timeout_ms: self.visit_timeout_ms(),
        };
        match self.backend() {
            Backend::Postgres { visitor_updates, .. } => visitor_updates.write(update).await,
            Backend::Sqlite { writer, .. } => {
                let mut pooled = writer.get().await.map_err(StoreError::from_pool)?;
                let _timer = self.query_timer(crate::metrics::QueryOp::Write);
                let conn = &mut *pooled;
                transaction!(conn, {
                    conn.lock_workspace(workspace_id).await?;
                    conn.update_visitor(&update).await
                })
            }
        }
    }

    /// Moves these visitors' `last_seen_at` forward (never back): heartbeats that changed
    /// nothing else ([`crate::realtime::presence::Touches`]). No workspace lock and no event:
    /// nothing agents see changes. A transaction per [`TOUCHES_PER_TRANSACTION`], so SQLite's
    /// one writer is not held long from the sends.
    pub async fn touch_visitors(&self, seen: &[(VisitorId, i64)]) -> Result<(), StoreError> {
        for chunk in seen.chunks(TOUCHES_PER_TRANSACTION) {
            write!(self, |conn| { conn.touch_visitors(chunk).await })?;
        }
        Ok(())
    }

    /// A visitor's page views, newest first: at most `limit`, strictly older than `before`
    /// (`(viewed_at, id)` of the last one already listed) when given.
    pub async fn page_views(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
        before: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<PageViewRow>, StoreError> {
        read!(self, |conn| {
            let mut query = page_views::table
                .filter(page_views::workspace_id.eq(workspace_id))
                .filter(page_views::visitor_id.eq(visitor_id))
                .into_boxed();
            if let Some((at, id)) = before {
                query = query
                    .filter(page_views::viewed_at.lt(at).or(page_views::viewed_at.eq(at).and(page_views::id.lt(id))));
            }
            Ok(query
                .order((page_views::viewed_at.desc(), page_views::id.desc()))
                .limit(limit)
                .select(PageViewRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// Marks `current` as the host site's user `external_id`. If another visitor of the
    /// workspace already is that user, `current`'s conversations and page views move to it
    /// and it is returned instead, so the user's history follows them across devices.
    pub async fn identify_visitor(
        &self,
        workspace_id: &WorkspaceId,
        current: &str,
        external_id: &str,
        change: VisitorChange,
        now: i64,
    ) -> Result<Option<(Visitor, Vec<Event>)>, StoreError> {
        let timeout_ms = self.visit_timeout_ms();
        write!(self, workspace = workspace_id, |conn| {
            let Some(before) = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::id.eq(current))
                .select(VisitorRow::as_select())
                .first(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            // The visit going on is the one in this browser, whichever record it ends up on.
            let change = with_visit(change, &before, timeout_ms);
            let known = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::external_id.eq(external_id))
                .select(VisitorRow::as_select())
                .first(conn)
                .await
                .optional()?;
            // The record the identity ends up on, as it was: what the event reports is
            // measured against it.
            let target_before = match known {
                Some(row) if row.id != current => {
                    let id = &row.id;
                    diesel::update(conversations::table.filter(conversations::visitor_id.eq(current)))
                        .set(conversations::visitor_id.eq(id))
                        .execute(conn)
                        .await?;
                    // The pages seen in this browser join the user's history.
                    diesel::update(page_views::table.filter(page_views::visitor_id.eq(current)))
                        .set(page_views::visitor_id.eq(id))
                        .execute(conn)
                        .await?;
                    conn.prune_page_views(id).await?;
                    row
                }
                _ => before,
            };
            let target = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::id.eq(&target_before.id));
            diesel::update(target)
                .set((visitors::external_id.eq(external_id), visitors::verified.eq(true)))
                .execute(conn)
                .await?;
            let Some(visitor) = diesel::update(target)
                .set(&change)
                .returning(VisitorRow::as_returning())
                .get_result(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let event = visitor_event(&visitor.id, visitor.changes_since(&target_before));
            let events = conn.append_events(workspace_id, now, vec![event]).await?;
            Ok(Some((visitor.to_payload(), events)))
        })
    }

    /// Marks visitors unseen since `cutoff` offline, announcing each; returns the events.
    pub async fn expire_visitor_presence(&self, cutoff: i64, now: i64) -> Result<Vec<Event>, StoreError> {
        let stale: Vec<(WorkspaceId, VisitorId)> = read!(self, |conn| {
            Ok::<_, StoreError>(
                visitors::table
                    .filter(visitors::online.eq(true))
                    .filter(visitors::last_seen_at.lt(cutoff))
                    .select((visitors::workspace_id, visitors::id))
                    .limit(500)
                    .load(conn)
                    .await?,
            )
        })?;
        let mut all = Vec::new();
        for (workspace_id, visitor_id) in stale {
            let events = write!(self, workspace = &workspace_id, |conn| {
                // Conditional: a heartbeat that arrived meanwhile (or another replica) wins.
                let went_offline = diesel::update(
                    visitors::table
                        .filter(visitors::id.eq(&visitor_id))
                        .filter(visitors::online.eq(true))
                        .filter(visitors::last_seen_at.lt(cutoff)),
                )
                .set(visitors::online.eq(false))
                .execute(conn)
                .await?;
                if went_offline == 0 {
                    return Ok::<_, StoreError>(Vec::new());
                }
                let changes = VisitorDelta { online: Some(false), ..VisitorDelta::default() };
                conn.append_events(&workspace_id, now, vec![visitor_event(&visitor_id, changes)]).await
            })?;
            all.extend(events);
        }
        Ok(all)
    }

    /// Visitors of the workspace seen since `since`, most recent first (live visitors).
    pub async fn recent_visitors(
        &self,
        workspace_id: &WorkspaceId,
        since: i64,
        limit: i64,
    ) -> Result<Vec<Visitor>, StoreError> {
        read!(self, |conn| {
            let rows: Vec<VisitorRow> = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::last_seen_at.ge(since))
                .order(visitors::last_seen_at.desc())
                .limit(limit)
                .select(VisitorRow::as_select())
                .load(conn)
                .await?;
            Ok(rows.iter().map(VisitorRow::to_payload).collect())
        })
    }
}
