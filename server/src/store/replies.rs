//! What one side of a conversation has not read: our replies the visitor has not (the
//! e-mail of `jobs::Job::VisitorReply`), and visitor messages its agents have not (the
//! e-mail of `jobs::Job::UnseenMessage`).

use crate::domain::id::{ConversationId, MessageId, UserId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{conversations, messages, visitors, workspaces};
use super::{Store, StoreError, read};
use crate::domain::conversation::Sender;

/// Most replies one e-mail carries (the newest are what the visitor needs).
const MOST_REPLIES: i64 = 20;

/// One reply the visitor has not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub message_id: MessageId,
    pub sender_name: String,
    pub body: String,
}

/// A conversation's replies the visitor has not read, with what the e-mail needs.
#[derive(Clone, Debug)]
pub struct UnreadReplies {
    /// Empty when the visitor gave none.
    pub visitor_email: String,
    pub visitor_name: String,
    pub workspace_name: String,
    /// The page the conversation started on (where the visitor can answer).
    pub source_url: String,
    /// The visitor's browser language (may be empty).
    pub visitor_language: String,
    /// Visible agent and bot messages after the visitor's read mark, oldest first.
    pub replies: Vec<Reply>,
}

impl Store {
    /// The unread replies of a conversation of the workspace; `None` when it is gone.
    pub async fn unread_replies(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
    ) -> Result<Option<UnreadReplies>, StoreError> {
        read!(self, |conn| {
            let Some((read_seq, source_url, visitor_email, visitor_name, visitor_language)) = conversations::table
                .inner_join(visitors::table)
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq(conversation_id))
                .select((
                    conversations::visitor_read_seq,
                    conversations::source_url,
                    visitors::email,
                    visitors::name,
                    visitors::language,
                ))
                .get_result::<(i64, String, String, String, String)>(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let workspace_name: String =
                workspaces::table.find(workspace_id).select(workspaces::name).get_result(conn).await?;
            let mut newest: Vec<(MessageId, String, String)> = messages::table
                .filter(messages::workspace_id.eq(workspace_id))
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::seq.gt(read_seq))
                .filter(messages::internal.eq(false))
                .filter(messages::sender_type.eq_any([Sender::Agent, Sender::Bot]))
                .order(messages::seq.desc())
                .limit(MOST_REPLIES)
                .select((messages::id, messages::sender_name, messages::body))
                .load(conn)
                .await?;
            newest.reverse();
            let replies = newest
                .into_iter()
                .map(|(message_id, sender_name, body)| Reply { message_id, sender_name, body })
                .collect();
            Ok(Some(UnreadReplies {
                visitor_email,
                visitor_name,
                workspace_name,
                source_url,
                visitor_language,
                replies,
            }))
        })
    }
}

/// A conversation's visitor messages its agents have not read, with what the e-mail to the
/// assignee needs.
#[derive(Clone, Debug)]
pub struct UnseenMessages {
    pub assignee_user_id: Option<UserId>,
    pub visitor_name: String,
    pub visitor_email: String,
    pub workspace_name: String,
    /// Visitor messages after the agents' read mark, oldest first (at most 20).
    pub messages: Vec<Reply>,
}

impl Store {
    /// The visitor messages of a conversation of the workspace that its agents have not
    /// read; `None` when it is gone.
    pub async fn unseen_visitor_messages(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
    ) -> Result<Option<UnseenMessages>, StoreError> {
        read!(self, |conn| {
            let Some((read_seq, assignee_user_id, visitor_email, visitor_name)) = conversations::table
                .inner_join(visitors::table)
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq(conversation_id))
                .select((
                    conversations::agent_read_seq,
                    conversations::assignee_user_id,
                    visitors::email,
                    visitors::name,
                ))
                .get_result::<(i64, Option<UserId>, String, String)>(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let workspace_name: String =
                workspaces::table.find(workspace_id).select(workspaces::name).get_result(conn).await?;
            let mut newest: Vec<(MessageId, String, String)> = messages::table
                .filter(messages::workspace_id.eq(workspace_id))
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::seq.gt(read_seq))
                .filter(messages::sender_type.eq(Sender::Visitor))
                .order(messages::seq.desc())
                .limit(MOST_REPLIES)
                .select((messages::id, messages::sender_name, messages::body))
                .load(conn)
                .await?;
            newest.reverse();
            let messages = newest
                .into_iter()
                .map(|(message_id, sender_name, body)| Reply { message_id, sender_name, body })
                .collect();
            Ok(Some(UnseenMessages { assignee_user_id, visitor_name, visitor_email, workspace_name, messages }))
        })
    }
}
