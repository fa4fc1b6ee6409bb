//! What events carry: conversations, messages, visitors and members as feeds show them.
//!
//! These types are the format of the event log (`events.body`) and of the bus, so they
//! change only compatibly: the store builds them from its rows, and every field added after
//! v1 has `#[serde(default)]` (`realtime::golden` decodes the committed v1 fixtures). Field
//! names and the JSON-in-a-string shape of `tags` and `attachments` are v1's, which mirrored
//! the rows of the time.

use serde::{Deserialize, Serialize};

use crate::domain::account::Role;
use crate::domain::conversation::{Priority, Sender, Status};
use crate::domain::id::{
    ArticleId, AttachmentId, ConversationId, MessageId, TeamId, UserId, VisitorId, WidgetId, WorkspaceId,
};
use crate::domain::routing::{AgentStatus, Responder};

/// A conversation's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub widget_id: WidgetId,
    pub visitor_id: VisitorId,
    pub status: Status,
    pub priority: Priority,
    pub assignee_user_id: Option<UserId>,
    #[serde(with = "json_in_string")]
    pub tags: Vec<String>,
    pub source_url: String,
    pub source_title: String,
    pub last_message_preview: String,
    /// Sequence number of the latest message.
    pub last_seq: i64,
    /// Sequence number of the latest message the visitor may see (not an internal note).
    pub visitor_last_seq: i64,
    pub agent_read_seq: i64,
    pub visitor_read_seq: i64,
    pub agent_unread: i64,
    /// 1–5; 0 when unrated.
    pub rating: i32,
    pub rating_comment: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_message_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub responder: Responder,
    /// When it started waiting for an agent; `None` when not queued.
    pub queued_at: Option<i64>,
    /// Left through the offline form (nobody was available). Added after v1.
    #[serde(default)]
    pub left_offline: bool,
    /// The team it is routed to; `None`: the whole workspace. Added after v1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<TeamId>,
}

/// A conversation with the names lists show beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationView {
    /// Named `row` in v1's JSON.
    #[serde(rename = "row")]
    pub conversation: Conversation,
    pub visitor_name: String,
    pub visitor_email: String,
    /// Display name of the assignee; empty when unassigned.
    pub assignee_name: String,
    /// Place in the queue for an agent (1 = next); 0 when not queued.
    #[serde(default)]
    pub queue_position: i64,
}

/// A message of a conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    /// Position in the conversation: 1, 2, 3, …
    pub seq: i64,
    pub sender_type: Sender,
    pub sender_id: String,
    pub sender_name: String,
    pub body: String,
    /// An internal note: agents only.
    pub internal: bool,
    #[serde(with = "json_in_string")]
    pub attachments: Vec<Attachment>,
    /// The sender's idempotency key (the widget matches its pending messages by it).
    pub client_key: String,
    pub created_at: i64,
    /// The knowledge-base articles a bot answer cites, in citation order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
    /// A guided flow's question offers these answers as buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
}

impl Message {
    /// Written by automation (a rule or a guided flow), not by the AI model: such bot
    /// messages name their rule or `flow` as the sender; the model's answers name nobody.
    pub fn automated(&self) -> bool {
        self.sender_type == Sender::Bot && !self.sender_id.is_empty()
    }
}

/// A knowledge-base article an answer cites, as it was when the answer was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub article_id: ArticleId,
    pub title: String,
    /// Its public URL; empty when it has none.
    #[serde(default)]
    pub url: String,
}

/// A file sent with a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    pub uploader_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub message_id: Option<MessageId>,
    pub created_at: i64,
}

/// A website visitor as agents see them. The user agent stays in the store (agents see the
/// browser and OS parsed from it); the IP address is shown to agents, and visitor events
/// never reach visitors' feeds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visitor {
    pub id: VisitorId,
    pub workspace_id: WorkspaceId,
    pub widget_id: WidgetId,
    pub name: String,
    pub email: String,
    pub external_id: Option<String>,
    /// Identified by the site's signed identity token.
    pub verified: bool,
    /// A JSON object of strings, as the site set it.
    pub attributes: String,
    pub current_url: String,
    pub current_title: String,
    pub referrer: String,
    pub browser: String,
    pub os: String,
    pub language: String,
    pub time_zone: String,
    pub ip_address: String,
    pub page_views: i64,
    pub online: bool,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    /// When the current visit began (see `domain::visitor::visit_start`); 0 in events
    /// logged before it existed.
    #[serde(default)]
    pub visit_started_at: i64,
    /// ISO 3166-1 alpha-2 country of `ip_address` (`geo`); empty when unknown and in events
    /// logged before locations existed.
    #[serde(default)]
    pub country_code: String,
    /// English city name of `ip_address` (`geo`); empty when unknown.
    #[serde(default)]
    pub city: String,
}

/// What changed about a visitor, as agents' events carry it: a field is set only when its
/// value changed, so a page view logs and fans out the page, not the visitor's attributes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitorDelta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// The whole new JSON object of strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_views: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_started_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// A member with their presence and load, as dashboards show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: i64,
    /// What they chose.
    pub status: AgentStatus,
    /// What they are in effect (offline when their dashboard is disconnected).
    pub presence: AgentStatus,
    pub max_chats: i64,
    /// Open conversations assigned to them.
    pub load: i64,
}

/// v1 wrote tags and attachments as JSON text inside the JSON (they were text columns);
/// this keeps that shape on the wire while the Rust side has the values.
mod json_in_string {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(value).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}
