//! What the visitor and agent APIs share: validating and sending messages, changing
//! conversations, and storing uploads — each followed by publishing what was logged.

use porthole_proto::v1 as pb;

use super::convert;
use crate::AppState;
use crate::attachments;
use crate::domain::Violations;
use crate::domain::conversation::{self as rules, Sender};
use crate::error::Error;
use crate::ids;
use crate::realtime::event::{BusMessage, ConversationView, Event};
use crate::store::conversations::{ChangeOutcome, ConversationOp, NewMessage, SendOutcome};
use crate::store::models::AttachmentRow;
use crate::store::now_ms;

/// A message as an API received it.
pub struct Outgoing {
    pub workspace_id: String,
    pub conversation_id: String,
    pub visitor_id: Option<String>,
    pub sender: Sender,
    pub sender_id: String,
    pub sender_name: String,
    pub body: String,
    pub internal: bool,
    pub attachment_ids: Vec<String>,
    pub client_key: String,
}

/// Publishes events after their transaction committed (latency only: feeds that miss
/// them read the store).
pub async fn publish(state: &AppState, events: Vec<Event>) {
    for event in events {
        state.bus.publish(BusMessage::Event(event)).await;
    }
}

/// Validates, stores (idempotently) and publishes a message.
pub async fn send(state: &AppState, out: Outgoing) -> Result<pb::Message, Error> {
    let mut v = Violations::default();
    let chars = out.body.chars().count();
    if chars > rules::MAX_BODY_CHARS {
        v.add("body", format!("must be at most {} characters (this one has {chars})", rules::MAX_BODY_CHARS));
    }
    if out.body.trim().is_empty() && out.attachment_ids.is_empty() {
        v.add("body", "must not be empty unless attachments are sent");
    }
    let key_chars = out.client_key.chars().count();
    if key_chars == 0 || key_chars > rules::MAX_CLIENT_KEY_CHARS {
        v.add(
            "client_key",
            format!("must be 1 to {} characters, unique per message (e.g. a UUID)", rules::MAX_CLIENT_KEY_CHARS),
        );
    }
    if out.attachment_ids.len() > rules::MAX_ATTACHMENTS {
        v.add("attachment_ids", format!("at most {} attachments per message", rules::MAX_ATTACHMENTS));
    }
    if out.internal && out.sender == Sender::Visitor {
        v.add("internal", "visitors cannot write internal notes");
    }
    v.into_result(())?;

    let outcome = state
        .store
        .send_message(NewMessage {
            workspace_id: out.workspace_id,
            conversation_id: out.conversation_id,
            visitor_id: out.visitor_id,
            sender: out.sender,
            sender_id: out.sender_id,
            sender_name: out.sender_name,
            body: out.body,
            internal: out.internal,
            attachment_ids: out.attachment_ids,
            client_key: out.client_key,
            message_id: ids::new_id("msg"),
            now: now_ms(),
        })
        .await?;
    match outcome {
        SendOutcome::Sent(message, events) => {
            publish(state, events).await;
            Ok(convert::message(&message, &state.signer))
        }
        SendOutcome::Duplicate(message) => Ok(convert::message(&message, &state.signer)),
        SendOutcome::NotFound => Err(Error::NotFound("conversation")),
        SendOutcome::BadAttachment(id) => Err(Error::invalid(
            "attachment_ids",
            format!("attachment {id} is unknown, belongs to another conversation, or was already sent"),
        )),
        SendOutcome::Refused(refused) => Err(Error::failed_precondition(refused.0)),
    }
}

/// Applies a conversation change and publishes it; returns the conversation after it.
pub async fn change(
    state: &AppState,
    workspace_id: &str,
    conversation_id: &str,
    visitor_id: Option<&str>,
    op: ConversationOp,
) -> Result<ConversationView, Error> {
    match state.store.change_conversation(workspace_id, conversation_id, visitor_id, op, now_ms()).await? {
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
    workspace_id: &str,
    conversation_id: &str,
    uploader_id: &str,
    file_name: &str,
    data: &[u8],
) -> Result<pb::Attachment, Error> {
    let content_type = attachments::sniff(data)?;
    let row = AttachmentRow {
        id: ids::new_id("att"),
        workspace_id: workspace_id.to_owned(),
        conversation_id: conversation_id.to_owned(),
        uploader_id: uploader_id.to_owned(),
        file_name: attachments::clean_file_name(file_name),
        content_type: content_type.to_owned(),
        size_bytes: i64::try_from(data.len()).unwrap_or(i64::MAX),
        message_id: None,
        created_at: now_ms(),
    };
    // Bytes first: a record never points at a missing file.
    attachments::save(&state.config.data_dir, workspace_id, &row.id, data).await?;
    let row = state.store.insert_attachment(row).await?;
    Ok(convert::attachment(&row, &state.signer))
}
