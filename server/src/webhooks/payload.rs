//! What a webhook delivery's body says (documented in `proto/porthole/v1/webhooks.md`):
//! which logged events an endpoint hears of, and their JSON. This is a public format: fields
//! are only ever added; `fixtures/` holds one body per type as released and a test keeps
//! them so.

use crate::domain::id::{
    AttachmentId, ConversationId, EventId, MessageId, UserId, VisitorId, WebhookId, WidgetId, WorkspaceId,
};
use serde::Serialize;

use crate::domain::conversation::Status;
use crate::domain::webhook::EventType;
use crate::realtime::event::{Event, EventBody, UpdateCause};
use crate::realtime::payload::{ConversationView, Message};

/// A delivery's body.
#[derive(Clone, Debug, Serialize)]
pub struct Envelope {
    /// Unique per event and endpoint (`evt_…`); the same on redelivery, so receivers can
    /// ignore a body they already handled.
    pub id: EventId,
    #[serde(rename = "type")]
    pub event_type: &'static str,
    /// When it happened (RFC 3339, UTC, milliseconds).
    pub created_at: String,
    pub workspace_id: WorkspaceId,
    pub data: Data,
}

/// The event's subject.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Data {
    Conversation { conversation: ConversationData },
    Message { message: MessageData },
    Visitor { visitor: VisitorData },
    Test { webhook_id: WebhookId, message: &'static str },
}

#[derive(Clone, Debug, Serialize)]
pub struct ConversationData {
    pub id: ConversationId,
    pub widget_id: WidgetId,
    pub status: &'static str,
    pub priority: &'static str,
    /// `null` when unassigned.
    pub assignee: Option<Person>,
    pub tags: Vec<String>,
    /// 1–5; `null` when unrated.
    pub rating: Option<i32>,
    pub rating_comment: String,
    pub source_url: String,
    pub visitor: VisitorRef,
    /// Link to the conversation in the dashboard.
    pub url: String,
    pub created_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct VisitorRef {
    pub id: VisitorId,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MessageData {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// Position in the conversation: 1, 2, 3, …
    pub seq: i64,
    /// `visitor`, `agent`, `bot` or `system`.
    pub sender_type: &'static str,
    pub sender_id: String,
    pub sender_name: String,
    pub body: String,
    /// An internal note: agents only, never shown to the visitor.
    pub internal: bool,
    pub attachments: Vec<AttachmentData>,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttachmentData {
    pub id: AttachmentId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct VisitorData {
    pub id: VisitorId,
    /// The site's own id for this person.
    pub external_id: String,
    /// Identified with the site's signed identity token.
    pub verified: bool,
    pub name: String,
    pub email: String,
}

/// RFC 3339 in UTC with milliseconds.
pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Which webhook event a logged event is, if any. `visitor.identified` needs the visitor's
/// current name and e-mail, which the caller reads (the event carries only what changed).
pub fn event_type_of(event: &Event) -> Option<EventType> {
    match &event.body {
        EventBody::ConversationCreated { .. } => Some(EventType::ConversationCreated),
        EventBody::ConversationUpdated { conversation, cause } => {
            let c = &conversation.conversation;
            match cause {
                UpdateCause::Assignment if c.assignee_user_id.is_some() => Some(EventType::ConversationAssigned),
                UpdateCause::Status if c.status == Status::Resolved => Some(EventType::ConversationResolved),
                UpdateCause::Status if c.status == Status::Closed => Some(EventType::ConversationClosed),
                UpdateCause::Rating if c.rating > 0 => Some(EventType::ConversationRated),
                _ => None,
            }
        }
        EventBody::MessageCreated { .. } => Some(EventType::MessageCreated),
        EventBody::VisitorChanged { changes, .. } if changes.external_id.is_some() => {
            Some(EventType::VisitorIdentified)
        }
        _ => None,
    }
}

/// The data of a conversation event.
pub fn conversation(view: &ConversationView, public_url: &str) -> Data {
    let c = &view.conversation;
    Data::Conversation {
        conversation: ConversationData {
            id: c.id.clone(),
            widget_id: c.widget_id.clone(),
            status: c.status.as_str(),
            priority: c.priority.as_str(),
            assignee: c.assignee_user_id.as_ref().map(|id| Person { id: id.clone(), name: view.assignee_name.clone() }),
            tags: c.tags.clone(),
            rating: (c.rating > 0).then_some(c.rating),
            rating_comment: c.rating_comment.clone(),
            source_url: c.source_url.clone(),
            visitor: VisitorRef {
                id: c.visitor_id.clone(),
                name: view.visitor_name.clone(),
                email: view.visitor_email.clone(),
            },
            url: format!("{}/app/inbox/{}", public_url.trim_end_matches('/'), c.id),
            created_at: time(c.created_at),
            first_response_at: c.first_response_at.map(time),
            resolved_at: c.resolved_at.map(time),
            closed_at: c.closed_at.map(time),
        },
    }
}

/// The data of a `message.created` event.
pub fn message(m: &Message) -> Data {
    Data::Message {
        message: MessageData {
            id: m.id.clone(),
            conversation_id: m.conversation_id.clone(),
            seq: m.seq,
            sender_type: m.sender_type.as_str(),
            sender_id: m.sender_id.clone(),
            sender_name: m.sender_name.clone(),
            body: m.body.clone(),
            internal: m.internal,
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentData {
                    id: a.id.clone(),
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    size_bytes: a.size_bytes,
                })
                .collect(),
            created_at: time(m.created_at),
        },
    }
}

/// Golden tests of the body format: customers' receivers parse it, so what a sample event
/// sends must stay what `fixtures/v1/` says (fields may be added to the fixtures with the
/// code, never changed or removed). A new type: add a sample and run the tests once with
/// `PORTHOLE_BLESS=1`.
#[cfg(test)]
mod golden {
    use super::*;
    use crate::realtime::golden::{conversation, message};

    fn envelope(event_type: EventType, data: Data) -> Envelope {
        Envelope {
            id: "evt_1".into(),
            event_type: event_type.as_str(),
            created_at: time(1_764_000_100_000),
            workspace_id: "wsp_1".into(),
            data,
        }
    }

    fn samples() -> Vec<(&'static str, Envelope)> {
        vec![
            (
                "conversation",
                envelope(EventType::ConversationAssigned, super::conversation(&conversation(), "https://chat.example")),
            ),
            ("message", envelope(EventType::MessageCreated, super::message(&message()))),
            (
                "visitor",
                envelope(
                    EventType::VisitorIdentified,
                    Data::Visitor {
                        visitor: VisitorData {
                            id: "vis_1".into(),
                            external_id: "customer-42".into(),
                            verified: true,
                            name: "Ada".into(),
                            email: "ada@example.com".into(),
                        },
                    },
                ),
            ),
            (
                "test",
                envelope(EventType::Test, Data::Test { webhook_id: "whk_1".into(), message: "A test from Porthole." }),
            ),
        ]
    }

    #[test]
    fn bodies_are_what_v1_sent() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/webhooks/fixtures/v1");
        let bless = std::env::var_os("PORTHOLE_BLESS").is_some();
        for (name, sample) in samples() {
            let path = dir.join(format!("{name}.json"));
            let now = serde_json::to_value(&sample).unwrap();
            if bless && !path.exists() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (new type? run once with PORTHOLE_BLESS=1)", path.display()));
            let released: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(now, released, "{name}: the body changed from what v1 sent");
        }
    }

    /// Which logged events are which webhook events.
    #[test]
    fn events_map_to_their_types() {
        use crate::realtime::event::Event;
        let event = |body| Event {
            workspace_id: "wsp_1".into(),
            seq: 1,
            visitor_id: None,
            visitor_visible: false,
            visitor_prev_seq: None,
            body,
        };
        let with = |status, cause, assignee: Option<&str>, rating| {
            let mut view = conversation();
            view.conversation.status = status;
            view.conversation.assignee_user_id = assignee.map(Into::into);
            view.conversation.rating = rating;
            event(EventBody::ConversationUpdated { conversation: view, cause })
        };
        assert_eq!(
            event_type_of(&event(EventBody::ConversationCreated { conversation: conversation() })),
            Some(EventType::ConversationCreated)
        );
        assert_eq!(
            event_type_of(&with(Status::Active, UpdateCause::Assignment, Some("usr_1"), 0)),
            Some(EventType::ConversationAssigned)
        );
        assert_eq!(event_type_of(&with(Status::Pending, UpdateCause::Assignment, None, 0)), None, "unassigned");
        assert_eq!(
            event_type_of(&with(Status::Resolved, UpdateCause::Status, None, 0)),
            Some(EventType::ConversationResolved)
        );
        assert_eq!(
            event_type_of(&with(Status::Closed, UpdateCause::Status, None, 0)),
            Some(EventType::ConversationClosed)
        );
        assert_eq!(event_type_of(&with(Status::Active, UpdateCause::Status, None, 0)), None, "reopened");
        assert_eq!(
            event_type_of(&with(Status::Resolved, UpdateCause::Rating, None, 4)),
            Some(EventType::ConversationRated)
        );
        assert_eq!(event_type_of(&with(Status::Active, UpdateCause::Tags, None, 0)), None);
        assert_eq!(
            event_type_of(&event(EventBody::MessageCreated { message: message() })),
            Some(EventType::MessageCreated)
        );
        let identified =
            crate::realtime::payload::VisitorDelta { external_id: Some("c-1".into()), ..Default::default() };
        assert_eq!(
            event_type_of(&event(EventBody::VisitorChanged { visitor_id: "vis_1".into(), changes: identified })),
            Some(EventType::VisitorIdentified)
        );
        let moved =
            crate::realtime::payload::VisitorDelta { current_url: Some("https://x".into()), ..Default::default() };
        assert_eq!(
            event_type_of(&event(EventBody::VisitorChanged { visitor_id: "vis_1".into(), changes: moved })),
            None
        );
    }
}
