//! Canned responses of a workspace. Every query is scoped by workspace id, so a foreign
//! canned response id simply is not found.

use crate::domain::id::{CannedResponseId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::CannedResponseRow;
use super::schema::canned_responses;
use super::{Store, StoreError, is_unique_violation, read, write};

/// A change to a canned response's stored fields; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = canned_responses)]
pub struct CannedResponseChange {
    pub shortcut: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub knowledge: Option<bool>,
    pub updated_at: i64,
}

/// What storing a canned response led to.
#[derive(Debug)]
pub enum CannedOutcome {
    /// Stored; the row as it is now.
    Saved(CannedResponseRow),
    /// Another canned response of the workspace has this shortcut; nothing was written.
    ShortcutTaken,
    /// No canned response of the workspace has this id (updates only).
    NotFound,
}

/// The unique index's outcome for a write that may collide on the shortcut.
fn shortcut_taken_or(result: Result<CannedOutcome, StoreError>) -> Result<CannedOutcome, StoreError> {
    match result {
        Err(StoreError::Query(e)) if is_unique_violation(&e) => Ok(CannedOutcome::ShortcutTaken),
        other => other,
    }
}

impl Store {
    /// Stores a new canned response, unless its shortcut is taken in the workspace.
    pub async fn insert_canned_response(&self, row: CannedResponseRow) -> Result<CannedOutcome, StoreError> {
        // The unique index on (workspace_id, shortcut) decides, so two concurrent creates
        // of one shortcut cannot both succeed.
        shortcut_taken_or(write!(self, |conn| {
            diesel::insert_into(canned_responses::table).values(&row).execute(conn).await?;
            Ok(CannedOutcome::Saved(row))
        }))
    }

    /// The canned responses the bot may answer from (at most `limit`, newest first).
    pub async fn knowledge_canned(
        &self,
        workspace_id: &WorkspaceId,
        limit: i64,
    ) -> Result<Vec<CannedResponseRow>, StoreError> {
        read!(self, |conn| {
            Ok(canned_responses::table
                .filter(canned_responses::workspace_id.eq(workspace_id))
                .filter(canned_responses::knowledge.eq(true))
                .order(canned_responses::updated_at.desc())
                .limit(limit)
                .select(CannedResponseRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// One canned response of the workspace.
    pub async fn canned_response(
        &self,
        workspace_id: &WorkspaceId,
        id: &CannedResponseId,
    ) -> Result<Option<CannedResponseRow>, StoreError> {
        read!(self, |conn| {
            Ok(canned_responses::table
                .filter(canned_responses::workspace_id.eq(workspace_id))
                .filter(canned_responses::id.eq(id))
                .select(CannedResponseRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// The workspace's canned responses, ordered by shortcut.
    pub async fn canned_responses(&self, workspace_id: &WorkspaceId) -> Result<Vec<CannedResponseRow>, StoreError> {
        read!(self, |conn| {
            Ok(canned_responses::table
                .filter(canned_responses::workspace_id.eq(workspace_id))
                .order(canned_responses::shortcut.asc())
                .select(CannedResponseRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// Applies `change` to a canned response of the workspace.
    pub async fn update_canned_response(
        &self,
        workspace_id: &WorkspaceId,
        canned_response_id: &str,
        change: CannedResponseChange,
    ) -> Result<CannedOutcome, StoreError> {
        shortcut_taken_or(write!(self, |conn| {
            let row = diesel::update(canned_responses::table)
                .filter(canned_responses::workspace_id.eq(workspace_id))
                .filter(canned_responses::id.eq(canned_response_id))
                .set(&change)
                .returning(CannedResponseRow::as_returning())
                .get_result(conn)
                .await
                .optional()?;
            Ok(row.map_or(CannedOutcome::NotFound, CannedOutcome::Saved))
        }))
    }

    /// Deletes a canned response of the workspace; false when there is none.
    pub async fn delete_canned_response(
        &self,
        workspace_id: &WorkspaceId,
        canned_response_id: &str,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let deleted = diesel::delete(
                canned_responses::table
                    .filter(canned_responses::workspace_id.eq(workspace_id))
                    .filter(canned_responses::id.eq(canned_response_id)),
            )
            .execute(conn)
            .await?;
            Ok(deleted > 0)
        })
    }
}
