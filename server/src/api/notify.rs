//! Who is told about what by e-mail when it happens: the jobs a change writes with itself.
//! A visitor's offline message goes to every member whose settings say so (by default
//! everyone), and our replies a visitor has not read a few minutes later go to the visitor.
//! What members are told of the rest of the event log is `notifications`.

use crate::AppState;
use crate::domain::id::{ConversationId, MessageId, WorkspaceId};
use crate::domain::notification::{Channel, Notice};
use crate::error::Error;
use crate::jobs::mail::{self, OfflineMessage};
use crate::jobs::{Job, NewJob};
use crate::store::now_ms;
use std::time::Duration;

/// A visitor's offline message as it is about to be stored.
pub struct Offline<'a> {
    pub workspace_id: &'a WorkspaceId,
    pub conversation_id: &'a ConversationId,
    pub visitor_name: &'a str,
    pub visitor_email: &'a str,
    pub body: &'a str,
}

/// The e-mails telling members about an offline message (per their settings); none when
/// the server sends no e-mail.
pub async fn offline_message(state: &AppState, offline: &Offline<'_>) -> Result<Vec<NewJob>, Error> {
    if state.mailer.is_none() {
        return Ok(Vec::new());
    }
    let workspace = state.store.workspace(offline.workspace_id).await?.ok_or(Error::NotFound("workspace"))?;
    let link = format!("{}/app/inbox/{}", state.public_url.trim_end_matches('/'), offline.conversation_id);
    let message = OfflineMessage {
        workspace: &workspace.name,
        visitor_name: offline.visitor_name,
        visitor_email: offline.visitor_email,
        body: offline.body,
        link: &link,
    };
    let members = state.store.workload(offline.workspace_id, now_ms()).await?.members;
    let settings = state.store.notification_settings(offline.workspace_id).await?;
    Ok(members
        .iter()
        .filter(|m| settings.of(&m.user_id).on(Notice::OfflineMessage, Channel::Email))
        .map(|m| NewJob {
            workspace_id: Some(offline.workspace_id.to_owned()),
            summary: format!("Offline message to {}", m.email),
            job: Job::Email(mail::offline_message(&m.email, &message)),
            delay: Duration::ZERO,
        })
        .collect())
}

/// The job that e-mails the visitor our reply `message_id` (with any other unread ones) if
/// it is still unread after the configured delay; none when the visitor gave no address
/// (or the conversation is not the workspace's: the send then answers NOT_FOUND).
pub async fn unread_reply(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
    message_id: &MessageId,
) -> Result<Vec<NewJob>, Error> {
    let Some(view) = state.store.conversation(workspace_id, conversation_id, None).await? else {
        return Ok(Vec::new());
    };
    if view.visitor_email.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![NewJob {
        workspace_id: Some(workspace_id.to_owned()),
        summary: format!("Unread reply to {}", view.visitor_email),
        job: Job::VisitorReply {
            workspace_id: workspace_id.to_owned(),
            conversation_id: conversation_id.to_owned(),
            message_id: message_id.to_owned(),
        },
        delay: state.config.unread_reply_delay,
    }])
}
