//! What happens in a workspace, as stored in the event log and carried on the bus.
//!
//! Durable events have a per-workspace sequence number (the feed cursor); typing
//! indicators are ephemeral and never stored.

use serde::{Deserialize, Serialize};

use crate::store::models::{ConversationRow, MessageRow, VisitorRow};

/// A conversation with the names lists show beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationView {
    pub row: ConversationRow,
    pub visitor_name: String,
    pub visitor_email: String,
    /// Display name of the assignee; empty when unassigned.
    pub assignee_name: String,
    /// Place in the queue for an agent (1 = next); 0 when not queued.
    #[serde(default)]
    pub queue_position: i64,
}

/// A member with their presence and load, as dashboards show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: i64,
    /// What they chose: online, away, busy, offline.
    pub status: String,
    /// What they are in effect (offline when their dashboard is disconnected).
    pub presence: String,
    pub max_chats: i64,
    /// Open conversations assigned to them.
    pub load: i64,
}

/// Why a conversation changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateCause {
    Status,
    Assignment,
    Priority,
    Tags,
    Rating,
    AgentRead,
    VisitorRead,
    Visitor,
}

/// The content of a durable event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    ConversationCreated {
        conversation: ConversationView,
    },
    ConversationUpdated {
        conversation: ConversationView,
        cause: UpdateCause,
    },
    MessageCreated {
        message: MessageRow,
    },
    VisitorUpdated {
        visitor: VisitorRow,
    },
    /// A conversation was given to `recipient` (their feed alone shows it).
    AssignmentNotice {
        conversation: ConversationView,
        recipient: String,
        transfer: bool,
    },
    MemberUpdated {
        member: MemberView,
    },
}

/// A durable event: one row of a workspace's event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub workspace_id: String,
    /// Position in the workspace's log: 1, 2, 3, … in commit order, no gaps.
    pub seq: i64,
    /// The visitor whose feed may show it.
    pub visitor_id: Option<String>,
    /// Whether that visitor may see it (false for internal notes, agent-only changes).
    pub visitor_visible: bool,
    /// For an event the visitor may see: the `seq` of the one before it that they may see
    /// (0 if none). A visitor's feed receives only their own events, so this is how it
    /// tells "nothing of mine in between" from "an event of mine is still on its way".
    /// `None` when unknown (read back from the log, or published by an older replica):
    /// the feed then checks the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_prev_seq: Option<i64>,
    pub body: EventBody,
}

/// Someone started or stopped typing; delivered live only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Typing {
    pub workspace_id: String,
    pub conversation_id: String,
    pub visitor_id: String,
    /// `visitor`, `agent` or `bot`.
    pub sender_type: String,
    pub sender_id: String,
    pub name: String,
    pub typing: bool,
    /// An agent typing an internal note (never shown to the visitor).
    pub internal: bool,
}

/// What the bus carries (always behind an `Arc`, so the variants' sizes do not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BusMessage {
    Event(Event),
    Typing(Typing),
}

impl BusMessage {
    /// The workspace whose subscribers receive it.
    pub fn workspace_id(&self) -> &str {
        match self {
            BusMessage::Event(e) => &e.workspace_id,
            BusMessage::Typing(t) => &t.workspace_id,
        }
    }

    /// The visitor it is about, whose feeds receive it too (they decide what they show).
    pub fn visitor_id(&self) -> Option<&str> {
        match self {
            BusMessage::Event(e) => e.visitor_id.as_deref(),
            BusMessage::Typing(t) => Some(&t.visitor_id),
        }
    }
}
