//! Website visitors: sessions, profile, identity, activity and presence.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::events::{NewEvent, append_events};
use super::models::VisitorRow;
use super::schema::{conversations, visitors};
use super::{Store, StoreError, read, write};
use crate::realtime::event::{Event, EventBody};

/// A change to a visitor's profile or activity; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
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
}

fn visitor_event(visitor: &VisitorRow) -> NewEvent {
    NewEvent {
        conversation_id: None,
        visitor_id: Some(visitor.id.clone()),
        visitor_visible: false,
        body: EventBody::VisitorUpdated { visitor: visitor.clone() },
    }
}

impl Store {
    /// Stores a new visitor.
    pub async fn insert_visitor(&self, row: VisitorRow) -> Result<VisitorRow, StoreError> {
        write!(self, |conn| {
            diesel::insert_into(visitors::table).values(&row).execute(conn).await?;
            Ok(row)
        })
    }

    /// The visitor with this id in this workspace.
    pub async fn visitor(&self, workspace_id: &str, visitor_id: &str) -> Result<Option<VisitorRow>, StoreError> {
        // Every visitor request reads this: `get_result` (a key lookup) spares SQLite the
        // re-prepare that the bound `LIMIT` of `first` causes.
        read!(self, |conn| {
            Ok(visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::id.eq(visitor_id))
                .select(VisitorRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Applies `change`, adds `page_views`, and (when `announce`) logs a VisitorUpdated event
    /// for agents. `None` when the visitor does not exist.
    pub async fn update_visitor(
        &self,
        workspace_id: &str,
        visitor_id: &str,
        change: VisitorChange,
        page_views: i64,
        announce: bool,
        now: i64,
    ) -> Result<Option<(VisitorRow, Vec<Event>)>, StoreError> {
        write!(self, |conn| {
            let target =
                visitors::table.filter(visitors::workspace_id.eq(workspace_id)).filter(visitors::id.eq(visitor_id));
            let Some(before) = target.select(VisitorRow::as_select()).first(conn).await.optional()? else {
                return Ok(None);
            };
            diesel::update(target)
                .set(visitors::page_views.eq(visitors::page_views + page_views))
                .execute(conn)
                .await?;
            let visitor: VisitorRow =
                diesel::update(target).set(&change).returning(VisitorRow::as_returning()).get_result(conn).await?;
            // Heartbeats are announced only when something agents see changed.
            let changed = visitor.online != before.online
                || visitor.current_url != before.current_url
                || visitor.name != before.name
                || visitor.email != before.email
                || visitor.attributes != before.attributes
                || page_views > 0;
            let events = if announce && changed {
                append_events!(conn, workspace_id, now, vec![visitor_event(&visitor)])
            } else {
                Vec::new()
            };
            Ok(Some((visitor, events)))
        })
    }

    /// Marks `current` as the host site's user `external_id`. If another visitor of the
    /// workspace already is that user, `current`'s conversations move to it and it is
    /// returned instead, so the user's history follows them across devices.
    pub async fn identify_visitor(
        &self,
        workspace_id: &str,
        current: &str,
        external_id: &str,
        change: VisitorChange,
        now: i64,
    ) -> Result<Option<(VisitorRow, Vec<Event>)>, StoreError> {
        write!(self, |conn| {
            let known: Option<String> = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::external_id.eq(external_id))
                .select(visitors::id)
                .first(conn)
                .await
                .optional()?;
            let target_id = match known {
                Some(id) if id != current => {
                    diesel::update(conversations::table.filter(conversations::visitor_id.eq(current)))
                        .set(conversations::visitor_id.eq(&id))
                        .execute(conn)
                        .await?;
                    id
                }
                _ => current.to_owned(),
            };
            let target =
                visitors::table.filter(visitors::workspace_id.eq(workspace_id)).filter(visitors::id.eq(&target_id));
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
            let events = append_events!(conn, workspace_id, now, vec![visitor_event(&visitor)]);
            Ok(Some((visitor, events)))
        })
    }

    /// Marks visitors unseen since `cutoff` offline, announcing each; returns the events.
    pub async fn expire_visitor_presence(&self, cutoff: i64, now: i64) -> Result<Vec<Event>, StoreError> {
        let stale: Vec<(String, String)> = read!(self, |conn| {
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
            let events = write!(self, |conn| {
                // Conditional: a heartbeat that arrived meanwhile (or another replica) wins.
                let visitor = diesel::update(
                    visitors::table
                        .filter(visitors::id.eq(&visitor_id))
                        .filter(visitors::online.eq(true))
                        .filter(visitors::last_seen_at.lt(cutoff)),
                )
                .set(visitors::online.eq(false))
                .returning(VisitorRow::as_returning())
                .get_result(conn)
                .await
                .optional()?;
                Ok::<_, StoreError>(match visitor {
                    Some(visitor) => append_events!(conn, &workspace_id, now, vec![visitor_event(&visitor)]),
                    None => Vec::new(),
                })
            })?;
            all.extend(events);
        }
        Ok(all)
    }

    /// Visitors of the workspace seen since `since`, most recent first (live visitors).
    pub async fn recent_visitors(
        &self,
        workspace_id: &str,
        since: i64,
        limit: i64,
    ) -> Result<Vec<VisitorRow>, StoreError> {
        read!(self, |conn| {
            Ok(visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::last_seen_at.ge(since))
                .order(visitors::last_seen_at.desc())
                .limit(limit)
                .select(VisitorRow::as_select())
                .load(conn)
                .await?)
        })
    }
}
