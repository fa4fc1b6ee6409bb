//! What happens in a workspace, as stored in the event log and carried on the bus (what the
//! events carry is in `payload`).
//!
//! Durable events have a per-workspace sequence number (the feed cursor); typing
//! indicators are ephemeral and never stored.

use crate::domain::id::{ConversationId, UserId, VisitorId, WorkspaceId};
use serde::{Deserialize, Serialize};

use super::payload::{ConversationView, MemberView, Message, Visitor, VisitorDelta};
use crate::domain::conversation::Sender;

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
        message: Message,
    },
    /// A visitor's whole profile: what servers logged before `VisitorChanged`; kept so that
    /// their logs still replay.
    VisitorUpdated {
        visitor: Visitor,
    },
    /// What changed about a visitor (came, left, moved to a page, profile).
    VisitorChanged {
        visitor_id: VisitorId,
        changes: VisitorDelta,
    },
    /// A conversation was given to `recipient` (their feed alone shows it).
    AssignmentNotice {
        conversation: ConversationView,
        recipient: UserId,
        transfer: bool,
    },
    MemberUpdated {
        member: MemberView,
    },
    /// A visitor and their conversations were erased (EraseVisitor).
    VisitorErased {
        visitor_id: VisitorId,
        conversation_ids: Vec<ConversationId>,
    },
    /// What remains of an event about an erased visitor: nothing but its place, so the log
    /// stays gap-free. Feeds skip it.
    Erased,
}

/// A durable event: one row of a workspace's event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub workspace_id: WorkspaceId,
    /// Position in the workspace's log: 1, 2, 3, … in commit order, no gaps.
    pub seq: i64,
    /// The visitor whose feed may show it.
    pub visitor_id: Option<VisitorId>,
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
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    pub visitor_id: VisitorId,
    /// A visitor, an agent or the bot.
    pub sender_type: Sender,
    pub sender_id: String,
    pub name: String,
    pub typing: bool,
    /// An agent typing an internal note (never shown to the visitor).
    pub internal: bool,
    /// The bot's answer so far while it streams (all of it each time); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub draft: String,
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
