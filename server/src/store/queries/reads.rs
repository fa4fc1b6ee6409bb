//! [`Reads`] for one connection type, `super::Conn` (compiled once per type, see
//! `store::queries`).

use crate::domain::id::{ConversationId, UserId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::Conn;
use crate::domain::calendar::Piece;
use crate::domain::conversation::Status;
use crate::realtime::payload::{Conversation, ConversationView};
use crate::store::StoreError;
use crate::store::models::{ConversationRow, FiguresRow};
use crate::store::queries::Reads;
use crate::store::schema::{conversations, memberships, report_figures, users, visitors, workspaces};

impl Reads for Conn {
    async fn figures_rows(
        &mut self,
        workspace_id: &WorkspaceId,
        piece: &Piece,
        dim: Option<&str>,
    ) -> Result<Vec<FiguresRow>, StoreError> {
        let span = i32::try_from(piece.span_ms / 1000).unwrap_or(i32::MAX);
        let mut rows = report_figures::table
            .filter(report_figures::workspace_id.eq(workspace_id))
            .filter(report_figures::span.eq(span))
            .filter(report_figures::start_at.ge(piece.from_ms))
            .filter(report_figures::start_at.lt(piece.to_ms))
            .into_boxed();
        if let Some(dim) = dim {
            rows = rows.filter(report_figures::dim.eq(dim.to_owned()));
        }
        Ok(rows.select(FiguresRow::as_select()).load(self).await?)
    }

    async fn conversation_view(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
    ) -> Result<Option<ConversationView>, StoreError> {
        let found: Option<(ConversationRow, String, String, Option<String>)> = conversations::table
            .inner_join(visitors::table)
            .left_join(users::table.on(conversations::assignee_user_id.eq(users::id.nullable())))
            .filter(conversations::id.eq(conversation_id))
            .filter(conversations::workspace_id.eq(workspace_id))
            .select((ConversationRow::as_select(), visitors::name, visitors::email, users::display_name.nullable()))
            .get_result(self)
            .await
            .optional()?;
        let Some((row, visitor_name, visitor_email, assignee)) = found else { return Ok(None) };
        let conversation = row.to_payload()?;
        let queue_position = self.queue_position(&conversation).await?;
        Ok(Some(ConversationView {
            conversation,
            visitor_name,
            visitor_email,
            assignee_name: assignee.unwrap_or_default(),
            queue_position,
        }))
    }

    async fn queue_position(&mut self, row: &Conversation) -> Result<i64, StoreError> {
        let Some(queued_at) = row.queued_at else { return Ok(0) };
        // Those ahead in the same line: the team's, or the workspace's own.
        let mut ahead = conversations::table
            .filter(conversations::workspace_id.eq(&row.workspace_id))
            .filter(conversations::queued_at.is_not_null())
            .filter(
                conversations::queued_at
                    .lt(queued_at)
                    .or(conversations::queued_at.eq(queued_at).and(conversations::id.lt(&row.id))),
            )
            .into_boxed();
        ahead = match &row.team_id {
            Some(team) => ahead.filter(conversations::team_id.eq(team)),
            None => ahead.filter(conversations::team_id.is_null()),
        };
        let ahead: i64 = ahead.count().get_result(self).await?;
        Ok(ahead + 1)
    }

    async fn agent_loads(&mut self, workspace_id: &WorkspaceId) -> Result<Vec<(UserId, i64)>, StoreError> {
        let loads: Vec<(Option<UserId>, i64)> = conversations::table
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::assignee_user_id.is_not_null())
            .filter(conversations::status.eq_any(Status::OPEN))
            .group_by(conversations::assignee_user_id)
            .select((conversations::assignee_user_id, diesel::dsl::count_star()))
            .load(self)
            .await?;
        Ok(loads.into_iter().filter_map(|(user, n)| Some((user?, n))).collect())
    }

    async fn user_name(&mut self, user_id: &UserId) -> Result<String, StoreError> {
        let name: Option<String> =
            users::table.find(user_id).select(users::display_name).get_result(self).await.optional()?;
        Ok(name.unwrap_or_default())
    }

    async fn other_workspace(&mut self, except_owner: &str) -> Result<Option<String>, StoreError> {
        let excepted = memberships::table
            .inner_join(users::table)
            .filter(users::email.eq(except_owner))
            .select(memberships::workspace_id);
        Ok(workspaces::table
            .filter(diesel::dsl::not(workspaces::id.eq_any(excepted)))
            .select(workspaces::id)
            .first(self)
            .await
            .optional()?)
    }
}
