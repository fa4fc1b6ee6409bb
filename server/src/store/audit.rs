//! The audit log: administrative actions, newest first, for owners.

use crate::domain::id::WorkspaceId;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::AuditRow;
use super::schema::audit_log;
use super::{Store, StoreError, read, write};

impl Store {
    /// Records an action.
    pub async fn record_audit(&self, row: AuditRow) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::insert_into(audit_log::table).values(&row).execute(conn).await?;
            Ok(())
        })
    }

    /// Up to `limit` entries of the workspace, newest first, before the keyset `before`
    /// (`(created_at, id)` of the last entry of the previous page).
    pub async fn audit_log(
        &self,
        workspace_id: &WorkspaceId,
        before: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        read!(self, |conn| {
            let mut query = audit_log::table
                .filter(audit_log::workspace_id.eq(workspace_id))
                .order((audit_log::created_at.desc(), audit_log::id.desc()))
                .limit(limit)
                .select(AuditRow::as_select())
                .into_boxed();
            if let Some((at, id)) = before.clone() {
                query = query
                    .filter(audit_log::created_at.lt(at).or(audit_log::created_at.eq(at).and(audit_log::id.lt(id))));
            }
            Ok(query.load(conn).await?)
        })
    }
}
