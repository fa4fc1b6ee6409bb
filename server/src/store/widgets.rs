//! Widgets of a workspace. Every query is scoped by workspace id, so a foreign widget id
//! simply is not found.

use crate::domain::id::{WidgetId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::WidgetRow;
use super::schema::{conversations, invites, memberships, widgets};
use super::{Store, StoreError, read, write};
use crate::domain::widget::WidgetSettings;

/// A change to a widget's stored fields; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = widgets)]
pub struct WidgetChange {
    pub name: Option<String>,
    pub settings: Option<String>,
    pub active: Option<bool>,
    pub public_token: Option<String>,
    pub identity_secret: Option<String>,
    pub updated_at: i64,
}

impl Store {
    /// Stores a new widget.
    pub async fn insert_widget(&self, row: WidgetRow) -> Result<WidgetRow, StoreError> {
        write!(self, |conn| {
            diesel::insert_into(widgets::table).values(&row).execute(conn).await?;
            Ok(row)
        })
    }

    /// The workspace's widgets, oldest first.
    pub async fn widgets(&self, workspace_id: &WorkspaceId) -> Result<Vec<WidgetRow>, StoreError> {
        read!(self, |conn| {
            Ok(widgets::table
                .filter(widgets::workspace_id.eq(workspace_id))
                .order((widgets::created_at.asc(), widgets::id.asc()))
                .select(WidgetRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// One widget of the workspace.
    pub async fn widget(
        &self,
        workspace_id: &WorkspaceId,
        widget_id: &WidgetId,
    ) -> Result<Option<WidgetRow>, StoreError> {
        read!(self, |conn| {
            Ok(widgets::table
                .filter(widgets::workspace_id.eq(workspace_id))
                .filter(widgets::id.eq(widget_id))
                .select(WidgetRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })
    }

    /// Whether the widget exists in the workspace and is turned on: a visitor token works
    /// only while it does (checked on every visitor call, one key lookup).
    pub async fn widget_active(&self, workspace_id: &WorkspaceId, widget_id: &WidgetId) -> Result<bool, StoreError> {
        read!(self, |conn| {
            let active: Option<bool> = widgets::table
                .filter(widgets::workspace_id.eq(workspace_id))
                .filter(widgets::id.eq(widget_id))
                .select(widgets::active)
                .get_result(conn)
                .await
                .optional()?;
            Ok(active == Some(true))
        })
    }

    /// The widget with this id, whatever its workspace (server-internal use only).
    pub async fn widget_anywhere(&self, widget_id: &WidgetId) -> Result<Option<WidgetRow>, StoreError> {
        read!(self, |conn| {
            Ok(widgets::table.find(widget_id).select(WidgetRow::as_select()).first(conn).await.optional()?)
        })
    }

    /// The widget with this public token, whatever its workspace (visitor API entry point).
    pub async fn widget_by_public_token(&self, token: &str) -> Result<Option<WidgetRow>, StoreError> {
        read!(self, |conn| {
            Ok(widgets::table
                .filter(widgets::public_token.eq(token))
                .select(WidgetRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })
    }

    /// Applies `change` to a widget of the workspace; `None` when there is no such widget.
    pub async fn update_widget(
        &self,
        workspace_id: &WorkspaceId,
        widget_id: &WidgetId,
        change: WidgetChange,
    ) -> Result<Option<WidgetRow>, StoreError> {
        write!(self, |conn| {
            Ok(diesel::update(widgets::table)
                .filter(widgets::workspace_id.eq(workspace_id))
                .filter(widgets::id.eq(widget_id))
                .set(&change)
                .returning(WidgetRow::as_returning())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Deletes a widget of the workspace; false when there is none.
    pub async fn delete_widget(&self, workspace_id: &WorkspaceId, widget_id: &WidgetId) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let deleted = diesel::delete(
                widgets::table.filter(widgets::workspace_id.eq(workspace_id)).filter(widgets::id.eq(widget_id)),
            )
            .execute(conn)
            .await?;
            Ok(deleted > 0)
        })
    }

    /// Records that a visitor loaded the widget on `origin`, if nobody had yet; whether
    /// this call was the first.
    pub async fn mark_widget_seen(
        &self,
        workspace_id: &WorkspaceId,
        widget_id: &WidgetId,
        origin: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let marked = diesel::update(widgets::table)
                .filter(widgets::workspace_id.eq(workspace_id))
                .filter(widgets::id.eq(widget_id))
                .filter(widgets::first_seen_at.is_null())
                .set((widgets::first_seen_at.eq(now), widgets::first_seen_origin.eq(origin)))
                .execute(conn)
                .await?;
            Ok(marked > 0)
        })
    }

    /// How far the workspace is with its first steps (see `SetupProgress`).
    pub async fn setup_progress(&self, workspace_id: &WorkspaceId) -> Result<SetupProgress, StoreError> {
        read!(self, |conn| {
            let widgets: Vec<(Option<i64>, String, String)> = widgets::table
                .filter(widgets::workspace_id.eq(workspace_id))
                .select((widgets::first_seen_at, widgets::first_seen_origin, widgets::settings))
                .load(conn)
                .await?;
            let invited: i64 =
                invites::table.filter(invites::workspace_id.eq(workspace_id)).count().get_result(conn).await?;
            let members: i64 =
                memberships::table.filter(memberships::workspace_id.eq(workspace_id)).count().get_result(conn).await?;
            let conversation: Option<String> = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .select(conversations::id)
                .first(conn)
                .await
                .optional()?;
            let first_seen = widgets
                .iter()
                .filter_map(|(at, origin, _)| at.map(|at| (at, origin.clone())))
                .min_by_key(|(at, _)| *at);
            Ok(SetupProgress {
                widget_created: !widgets.is_empty(),
                // Unreadable settings mean the defaults (hours off).
                business_hours_set: widgets.iter().any(|(_, _, settings)| {
                    serde_json::from_str::<WidgetSettings>(settings).is_ok_and(|s| s.business_hours.enabled)
                }),
                first_seen,
                team_invited: invited > 0 || members > 1,
                chat_tried: conversation.is_some(),
            })
        })
    }
}

/// How far a workspace is with its first steps, worked out from what exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupProgress {
    pub widget_created: bool,
    /// When and where a widget was first loaded on the owner's site.
    pub first_seen: Option<(i64, String)>,
    pub team_invited: bool,
    pub business_hours_set: bool,
    pub chat_tried: bool,
}
