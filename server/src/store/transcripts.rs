//! A conversation's transcript as its visitor may see it (VisitorService.EmailTranscript).

use crate::domain::id::{ConversationId, VisitorId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{conversations, messages, visitors, workspaces};
use super::{Store, StoreError, read};
use crate::domain::conversation::Sender;

/// Most messages one transcript carries (the newest; a longer chat says where the rest is).
pub const MOST_MESSAGES: i64 = 500;

/// One visible message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub sender_type: Sender,
    pub sender_name: String,
    pub body: String,
    pub created_at: i64,
}

/// What the e-mail of a transcript is made of.
#[derive(Clone, Debug)]
pub struct Transcript {
    pub workspace_name: String,
    /// The visitor's browser language (may be empty).
    pub language: String,
    /// The visitor's IANA time zone (may be empty: UTC).
    pub time_zone: String,
    pub started_at: i64,
    /// Oldest first; internal notes left out.
    pub lines: Vec<Line>,
    /// More visible messages than [`MOST_MESSAGES`] were left out (the oldest).
    pub truncated: bool,
}

impl Store {
    /// The transcript of a conversation of the workspace (of visitor `visitor_id`, when
    /// given); `None` when there is none.
    pub async fn transcript(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: Option<&VisitorId>,
        conversation_id: &ConversationId,
    ) -> Result<Option<Transcript>, StoreError> {
        read!(self, |conn| {
            let mut query = conversations::table
                .inner_join(visitors::table)
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq(conversation_id))
                .into_boxed();
            if let Some(visitor_id) = visitor_id {
                query = query.filter(conversations::visitor_id.eq(visitor_id.to_owned()));
            }
            let Some((started_at, language, time_zone)) = query
                .select((conversations::created_at, visitors::language, visitors::time_zone))
                .get_result::<(i64, String, String)>(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let workspace_name: String =
                workspaces::table.find(workspace_id).select(workspaces::name).get_result(conn).await?;
            let mut newest: Vec<(Sender, String, String, i64)> = messages::table
                .filter(messages::workspace_id.eq(workspace_id))
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::internal.eq(false))
                .order(messages::seq.desc())
                .limit(MOST_MESSAGES + 1)
                .select((messages::sender_type, messages::sender_name, messages::body, messages::created_at))
                .load(conn)
                .await?;
            let truncated = newest.len() > usize::try_from(MOST_MESSAGES).unwrap_or(usize::MAX);
            newest.truncate(usize::try_from(MOST_MESSAGES).unwrap_or(usize::MAX));
            newest.reverse();
            let lines = newest
                .into_iter()
                .map(|(sender_type, sender_name, body, created_at)| Line { sender_type, sender_name, body, created_at })
                .collect();
            Ok(Some(Transcript { workspace_name, language, time_zone, started_at, lines, truncated }))
        })
    }
}
