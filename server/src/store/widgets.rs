//! Widgets of a workspace. Every query is scoped by workspace id, so a foreign widget id
//! simply is not found.

use crate::domain::id::{WidgetId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::WidgetRow;
use super::schema::widgets;
use super::{Store, StoreError, read, write};

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
}
