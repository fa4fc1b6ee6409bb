//! What a visitor has not read of our replies in a conversation, and where to write to
//! them: what the e-mail of unread replies (`jobs::Job::VisitorReply`) is made of.

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
    pub message_id: String,
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
    /// Visible agent and bot messages after the visitor's read mark, oldest first.
    pub replies: Vec<Reply>,
}

impl Store {
    /// The unread replies of a conversation of the workspace; `None` when it is gone.
    pub async fn unread_replies(
        &self,
        workspace_id: &str,
        conversation_id: &str,
    ) -> Result<Option<UnreadReplies>, StoreError> {
        read!(self, |conn| {
            let Some((read_seq, source_url, visitor_email, visitor_name)) = conversations::table
                .inner_join(visitors::table)
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq(conversation_id))
                .select((conversations::visitor_read_seq, conversations::source_url, visitors::email, visitors::name))
                .get_result::<(i64, String, String, String)>(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let workspace_name: String =
                workspaces::table.find(workspace_id).select(workspaces::name).get_result(conn).await?;
            let mut newest: Vec<(String, String, String)> = messages::table
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
            Ok(Some(UnreadReplies { visitor_email, visitor_name, workspace_name, source_url, replies }))
        })
    }
}
