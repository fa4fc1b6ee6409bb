//! What the visitor and agent APIs share: validating and sending messages, changing
//! conversations, and storing uploads — each followed by publishing what was logged.

use crate::domain::id::{AttachmentId, ConversationId, TeamId, UserId, VisitorId, WidgetId, WorkspaceId};
use porthole_proto::v1 as pb;

use super::convert;
use crate::AppState;
use crate::attachments;
use crate::domain::conversation::{MessageToSend, Priority, Status};
use crate::domain::routing::Responder;
use crate::domain::visitor as visitor_rules;
use crate::error::Error;
use crate::realtime::event::{BusMessage, Event};
use crate::realtime::payload::ConversationView;
use crate::store::conversations::{ChangeOutcome, SendOutcome};
use crate::store::models::{AttachmentRow, ConversationRow};
use crate::store::now_ms;

/// Publishes events after their transaction committed (latency only: feeds that miss
/// them read the store), and tells the webhook dispatcher and the notifier (which read
/// the log).
pub async fn publish(state: &AppState, events: Vec<Event>) {
    if !events.is_empty() {
        state.webhooks.events_logged();
        state.notifier.events_logged();
    }
    for event in events {
        state.bus.publish(BusMessage::Event(event)).await;
    }
}

/// A new conversation of a visitor on a widget, before routing.
pub struct NewConversation<'a> {
    pub workspace_id: &'a WorkspaceId,
    pub widget_id: &'a WidgetId,
    pub visitor_id: &'a VisitorId,
    pub source_url: &'a str,
    pub source_title: &'a str,
    pub responder: Responder,
    /// Set when an agent starts the conversation themselves (it then skips the queue).
    pub assignee_user_id: Option<UserId>,
    /// The team it goes to (the widget's); `None`: the whole workspace.
    pub team_id: Option<TeamId>,
    pub now: i64,
}

/// The stored row of a conversation that is about to start.
pub fn conversation_row(new: NewConversation<'_>) -> ConversationRow {
    let queued = new.responder == Responder::Agents && new.assignee_user_id.is_none();
    ConversationRow {
        id: ConversationId::new(),
        workspace_id: new.workspace_id.to_owned(),
        widget_id: new.widget_id.to_owned(),
        visitor_id: new.visitor_id.to_owned(),
        status: Status::Pending,
        priority: Priority::Normal,
        assignee_user_id: new.assignee_user_id,
        tags: "[]".to_owned(),
        source_url: visitor_rules::clip(new.source_url, visitor_rules::MAX_URL_CHARS),
        source_title: visitor_rules::clip(new.source_title, visitor_rules::MAX_TITLE_CHARS),
        last_message_preview: String::new(),
        last_seq: 0,
        visitor_last_seq: 0,
        agent_read_seq: 0,
        visitor_read_seq: 0,
        agent_unread: 0,
        rating: 0,
        rating_comment: String::new(),
        created_at: new.now,
        updated_at: new.now,
        last_message_at: new.now,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        flow_step: None,
        responder: new.responder,
        queued_at: queued.then_some(new.now),
        left_offline: false,
        team_id: new.team_id,
    }
}

/// Validates, stores (idempotently) and publishes a message, and wakes the job worker for
/// the jobs written with it.
pub async fn send(state: &AppState, message: MessageToSend) -> Result<pb::Message, Error> {
    message.check()?;
    let outcome = state.store.send_message(message).await?;
    match outcome {
        SendOutcome::Sent(message, events, with_jobs) => {
            publish(state, events).await;
            if with_jobs {
                state.jobs.job_written();
            }
            Ok(convert::message(&message, &state.signer))
        }
        SendOutcome::Duplicate(message) => Ok(convert::message(&message, &state.signer)),
        SendOutcome::NotFound => Err(Error::NotFound("conversation")),
        SendOutcome::KeyInUse => Err(Error::invalid(
            "client_key",
            "already used by another sender's message in this conversation; send with a new key",
        )),
        SendOutcome::BadAttachment(id) => Err(Error::invalid(
            "attachment_ids",
            format!("attachment {id} is unknown, belongs to another conversation, or was already sent"),
        )),
        SendOutcome::Refused(refused) => Err(Error::failed_precondition(refused.0)),
    }
}

/// Publishes what a conversation change led to; returns the conversation after it.
pub async fn conversation_changed(state: &AppState, outcome: ChangeOutcome) -> Result<ConversationView, Error> {
    match outcome {
        ChangeOutcome::Changed(view, events) => {
            publish(state, events).await;
            Ok(*view)
        }
        ChangeOutcome::Unchanged(view) => Ok(*view),
        ChangeOutcome::NotFound => Err(Error::NotFound("conversation")),
        ChangeOutcome::NoSuchAssignee => Err(Error::NotFound("assignee (not a member of this workspace)")),
        ChangeOutcome::Refused(refused) => Err(Error::failed_precondition(refused.0)),
    }
}

/// Sniffs, stores and records an upload for a conversation the caller may write in.
pub async fn upload(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
    uploader_id: &str,
    file_name: &str,
    data: &[u8],
) -> Result<pb::Attachment, Error> {
    let content_type = attachments::sniff(data)?;
    // Checked before each upload; uploads racing at the limit may pass it by one file each.
    let quota = state.config.retention.workspace_storage_bytes;
    let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
    if state.store.attachment_bytes(workspace_id).await?.saturating_add(size) > quota {
        return Err(Error::failed_precondition(format!(
            "this workspace's file storage is full ({} MiB); files can be sent again once older ones are removed",
            quota >> 20
        )));
    }
    let row = AttachmentRow {
        id: AttachmentId::new(),
        workspace_id: workspace_id.to_owned(),
        conversation_id: conversation_id.to_owned(),
        uploader_id: uploader_id.to_owned(),
        file_name: attachments::clean_file_name(file_name),
        content_type: content_type.to_owned(),
        size_bytes: size,
        message_id: None,
        created_at: now_ms(),
    };
    // Bytes first: a record never points at a missing file.
    attachments::save(&state.config.data_dir, workspace_id, &row.id, data).await?;
    let row = state.store.insert_attachment(row).await?;
    Ok(convert::attachment(&row.to_payload(), &state.signer))
}
