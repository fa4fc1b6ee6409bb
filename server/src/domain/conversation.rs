//! The conversation state machine, priorities, and message rules.

use super::Violations;
use crate::domain::id::{ConversationId, MessageId, VisitorId, WorkspaceId};

/// Where a conversation stands. Stored and serialized as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Active,
    Waiting,
    Resolved,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Waiting => "waiting",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "pending" => Status::Pending,
            "active" => Status::Active,
            "waiting" => Status::Waiting,
            "resolved" => Status::Resolved,
            "closed" => Status::Closed,
            _ => return None,
        })
    }

    /// The statuses of open conversations: someone on our side still has to act. They count
    /// towards an agent's load and are the ones routing queues; resolved and closed ones do
    /// not. (A visitor still continues a resolved conversation instead of starting anew:
    /// everything but closed.)
    pub const OPEN: [Status; 3] = [Status::Pending, Status::Active, Status::Waiting];

    /// Whether it is one of [`Status::OPEN`].
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

/// How urgent a conversation is. Stored and serialized as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "low" => Priority::Low,
            "normal" => Priority::Normal,
            "high" => Priority::High,
            "urgent" => Priority::Urgent,
            _ => return None,
        })
    }
}

/// Who wrote a message. Stored and serialized as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    Visitor,
    Agent,
    Bot,
    System,
}

impl Sender {
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Visitor => "visitor",
            Sender::Agent => "agent",
            Sender::Bot => "bot",
            Sender::System => "system",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "visitor" => Sender::Visitor,
            "agent" => Sender::Agent,
            "bot" => Sender::Bot,
            "system" => Sender::System,
            _ => return None,
        })
    }
}

/// A transition that is not allowed, with a message for the client.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// Status after a message; `internal` notes and system messages change nothing.
pub fn after_message(status: Status, sender: Sender, internal: bool, assigned: bool) -> Result<Status, Refused> {
    if status == Status::Closed {
        return Err(Refused(match sender {
            Sender::Visitor => "this conversation is closed; start a new one",
            _ => "this conversation is closed; reopen it first",
        }));
    }
    if internal || sender == Sender::System {
        return Ok(status);
    }
    Ok(match sender {
        // The visitor writes: back to whoever handles it, reopening a resolved one.
        Sender::Visitor => match status {
            Status::Pending => Status::Pending,
            _ if assigned => Status::Active,
            _ => Status::Pending,
        },
        // An answer from our side: now we wait for the visitor.
        Sender::Agent | Sender::Bot => Status::Waiting,
        Sender::System => status,
    })
}

/// Status after (un)assignment.
pub fn after_assignment(status: Status, assigned: bool) -> Result<Status, Refused> {
    match status {
        Status::Closed => Err(Refused("this conversation is closed; reopen it first")),
        Status::Pending if assigned => Ok(Status::Active),
        Status::Active | Status::Waiting if !assigned => Ok(Status::Pending),
        other => Ok(other),
    }
}

/// Resolving is possible from any open, unresolved state.
pub fn resolve(status: Status) -> Result<Status, Refused> {
    match status {
        Status::Pending | Status::Active | Status::Waiting => Ok(Status::Resolved),
        Status::Resolved => Err(Refused("this conversation is already resolved")),
        Status::Closed => Err(Refused("this conversation is closed")),
    }
}

/// Closing is possible from any state but closed.
pub fn close(status: Status) -> Result<Status, Refused> {
    match status {
        Status::Closed => Err(Refused("this conversation is already closed")),
        _ => Ok(Status::Closed),
    }
}

/// Reopening brings a resolved or closed conversation back to its handler.
pub fn reopen(status: Status, assigned: bool) -> Result<Status, Refused> {
    match status {
        Status::Resolved | Status::Closed => Ok(if assigned { Status::Active } else { Status::Pending }),
        _ => Err(Refused("only resolved or closed conversations can be reopened")),
    }
}

/// Whether a visitor coming back to their latest conversation continues it rather than
/// starting a new one: an open one always; a resolved one within the widget's quiet period
/// after its resolution (so a quick "thanks!" stays in the thread, and a question days
/// later gets its own conversation, routing and rating); a closed one never.
pub fn visitor_continues(status: Status, resolved_at: Option<i64>, now: i64, reopen_within_ms: i64) -> bool {
    match status {
        Status::Pending | Status::Active | Status::Waiting => true,
        Status::Resolved => resolved_at.is_some_and(|at| now.saturating_sub(at) < reopen_within_ms),
        Status::Closed => false,
    }
}

/// Visitors rate resolved or closed conversations.
pub fn can_rate(status: Status) -> Result<(), Refused> {
    match status {
        Status::Resolved | Status::Closed => Ok(()),
        _ => Err(Refused("a conversation can be rated once it is resolved")),
    }
}

/// Longest message body in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// Longest idempotency key.
pub const MAX_CLIENT_KEY_CHARS: usize = 64;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 10;
/// Most tags on a conversation, and the longest tag.
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
/// Longest comment with a rating.
pub const MAX_RATING_COMMENT_CHARS: usize = 2000;
/// Longest inbox search text.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A message to send, as an API received it (and the id and time it is stored with).
#[derive(Debug, Clone)]
pub struct MessageToSend {
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    /// When set, the conversation must belong to this visitor (visitor API).
    pub visitor_id: Option<VisitorId>,
    pub sender: Sender,
    pub sender_id: String,
    /// The name shown with the message; `None` for a visitor's message, whose name is read
    /// from their row in the transaction (it saves the API a read before every send).
    pub sender_name: Option<String>,
    pub body: String,
    pub internal: bool,
    pub attachment_ids: Vec<String>,
    /// The sender's idempotency key: a retry with the same key gets the original message.
    pub client_key: String,
    pub message_id: MessageId,
    pub now: i64,
    /// Background jobs to write with the message (e-mails about it), only if it is stored.
    pub notify: Vec<crate::jobs::NewJob>,
    /// Store it only while the bot answers the conversation: the bot's own answers, which
    /// a hand-off to the agents that commits first makes moot (the bot never speaks after).
    pub while_bot: bool,
    /// The articles a bot answer cites.
    pub citations: Vec<crate::realtime::payload::Citation>,
    /// A guided flow's question: the answers offered as buttons.
    pub quick_replies: Vec<String>,
}

impl MessageToSend {
    /// Every field within its limits, checked before anything is written.
    pub fn check(&self) -> crate::error::Result<()> {
        let mut v = Violations::default();
        let chars = self.body.chars().count();
        if chars > MAX_BODY_CHARS {
            v.add("body", format!("must be at most {MAX_BODY_CHARS} characters (this one has {chars})"));
        }
        if self.body.trim().is_empty() && self.attachment_ids.is_empty() {
            v.add("body", "must not be empty unless attachments are sent");
        }
        let key_chars = self.client_key.chars().count();
        if key_chars == 0 || key_chars > MAX_CLIENT_KEY_CHARS {
            v.add(
                "client_key",
                format!("must be 1 to {MAX_CLIENT_KEY_CHARS} characters, unique per message (e.g. a UUID)"),
            );
        }
        if self.attachment_ids.len() > MAX_ATTACHMENTS {
            v.add("attachment_ids", format!("at most {MAX_ATTACHMENTS} attachments per message"));
        }
        if self.internal && self.sender == Sender::Visitor {
            v.add("internal", "visitors cannot write internal notes");
        }
        v.into_result(())
    }
}

/// A conversation's tags from a request: trimmed, without repeats, each 1 to
/// [`MAX_TAG_CHARS`] characters, at most [`MAX_TAGS`]. The count is checked first, so a
/// request with thousands of tags costs nothing more.
pub fn tags(requested: &[String], v: &mut Violations) -> Vec<String> {
    if requested.len() > MAX_TAGS {
        v.add("tags", format!("at most {MAX_TAGS} tags (this request has {})", requested.len()));
        return Vec::new();
    }
    let mut tags: Vec<String> = Vec::with_capacity(requested.len());
    for (i, tag) in requested.iter().enumerate() {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
            v.add(format!("tags[{i}]"), format!("must be 1 to {MAX_TAG_CHARS} characters"));
        } else if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// First line of a body, shortened for conversation lists.
pub fn preview(body: &str, attachments: usize) -> String {
    let line = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    if line.is_empty() && attachments > 0 {
        return if attachments == 1 { "📎 Attachment".to_owned() } else { format!("📎 {attachments} attachments") };
    }
    let mut out: String = line.chars().take(140).collect();
    if line.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// A line the transcript shows about the conversation's course, written by the server as
/// an internal system message (agents see it; visitors, previews and unread counts don't).
/// Names are display names as they were at the time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// Someone (or routing, `by: None`) gave the conversation to `to`.
    Assigned {
        to: String,
        by: Option<String>,
    },
    /// It moved from one agent to another.
    Transferred {
        from: String,
        to: String,
        by: Option<String>,
    },
    /// It went back to the queue.
    Unassigned {
        from: String,
        by: Option<String>,
    },
    /// Its agent went offline and the workspace hands such conversations back.
    WentOffline {
        from: String,
    },
    Resolved {
        by: Option<String>,
    },
    Closed {
        by: Option<String>,
    },
    Reopened {
        by: Option<String>,
    },
    /// A message to a resolved conversation opened it again.
    ReopenedByMessage {
        from: String,
    },
    /// It was sent to a team (`None`: to the whole workspace).
    Team {
        to: Option<String>,
        by: Option<String>,
    },
    /// The bot handed it to the human team, for this reason (`bot::HandOff`'s sentence).
    HandedToAgents {
        reason: String,
    },
}

impl Line {
    /// The line for a change of assignee (names; empty: nobody), called only when the
    /// assignee changed (two people may share a name).
    pub fn assignment(from: &str, to: &str, by: Option<String>) -> Option<Self> {
        Some(match (from, to) {
            ("", "") => return None,
            ("", to) => Line::Assigned { to: to.to_owned(), by },
            (from, "") => Line::Unassigned { from: from.to_owned(), by },
            (from, to) => Line::Transferred { from: from.to_owned(), to: to.to_owned(), by },
        })
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let by = |f: &mut std::fmt::Formatter<'_>, by: &Option<String>| match by {
            Some(name) => write!(f, " by {name}"),
            None => Ok(()),
        };
        match self {
            Line::Assigned { to, by: Some(name) } if name == to => write!(f, "{to} took the conversation"),
            Line::Assigned { to, by: who } => {
                write!(f, "Assigned to {to}")?;
                by(f, who)
            }
            Line::Transferred { from, to, by: who } => {
                write!(f, "Transferred from {from} to {to}")?;
                by(f, who)
            }
            Line::Unassigned { from, by: who } => {
                write!(f, "Unassigned from {from}")?;
                by(f, who)
            }
            Line::WentOffline { from } => write!(f, "Unassigned: {from} went offline"),
            Line::Resolved { by: who } => {
                f.write_str("Resolved")?;
                by(f, who)
            }
            Line::Closed { by: who } => {
                f.write_str("Closed")?;
                by(f, who)
            }
            Line::Reopened { by: who } => {
                f.write_str("Reopened")?;
                by(f, who)
            }
            Line::ReopenedByMessage { from } => write!(f, "Reopened by a message from {from}"),
            Line::Team { to: Some(team), by: who } => {
                write!(f, "Sent to team {team}")?;
                by(f, who)
            }
            Line::Team { to: None, by: who } => {
                f.write_str("Sent to everyone on the team")?;
                by(f, who)
            }
            Line::HandedToAgents { reason } if reason.is_empty() => f.write_str("Handed over to the team"),
            Line::HandedToAgents { reason } => write!(f, "Handed over to the team: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn a_visitor_continues_open_ones_and_recently_resolved_ones_only() {
        let hour = 3_600_000;
        for open in [Pending, Active, Waiting] {
            assert!(visitor_continues(open, None, 10 * hour, 0));
        }
        assert!(visitor_continues(Resolved, Some(hour), hour + hour - 1, hour));
        assert!(!visitor_continues(Resolved, Some(hour), hour + hour, hour), "the period is over");
        assert!(!visitor_continues(Resolved, Some(hour), hour, 0), "0: always a new one");
        assert!(!visitor_continues(Resolved, None, hour, hour), "no resolution time: start anew");
        assert!(!visitor_continues(Closed, Some(hour), hour, hour));
    }

    /// The browser clients show the same preview as the server (client-sdk rules/preview.ts
    /// checks the same vectors).
    #[test]
    fn preview_matches_the_shared_vectors() {
        #[derive(serde::Deserialize)]
        struct Vector {
            body: String,
            attachments: usize,
            preview: String,
        }
        let vectors: Vec<Vector> =
            serde_json::from_str(include_str!("../../../client-sdk/ts/src/rules/preview-vectors.json")).unwrap();
        assert!(vectors.len() >= 10);
        for v in vectors {
            assert_eq!(preview(&v.body, v.attachments), v.preview, "body {:?}, {} attachments", v.body, v.attachments);
        }
    }

    #[test]
    fn messages_move_the_conversation() {
        assert_eq!(after_message(Pending, Sender::Visitor, false, false), Ok(Pending));
        assert_eq!(after_message(Pending, Sender::Agent, false, true), Ok(Waiting));
        assert_eq!(after_message(Waiting, Sender::Visitor, false, true), Ok(Active));
        assert_eq!(after_message(Resolved, Sender::Visitor, false, true), Ok(Active));
        assert_eq!(after_message(Resolved, Sender::Visitor, false, false), Ok(Pending));
        assert_eq!(after_message(Active, Sender::Bot, false, false), Ok(Waiting));
        assert_eq!(after_message(Active, Sender::Agent, true, true), Ok(Active), "notes change nothing");
        assert_eq!(after_message(Active, Sender::System, false, true), Ok(Active));
        assert!(after_message(Closed, Sender::Visitor, false, true).is_err());
        assert!(after_message(Closed, Sender::Agent, true, true).is_err());
    }

    #[test]
    fn lifecycle() {
        assert_eq!(after_assignment(Pending, true), Ok(Active));
        assert_eq!(after_assignment(Waiting, false), Ok(Pending));
        assert_eq!(after_assignment(Resolved, true), Ok(Resolved));
        assert!(after_assignment(Closed, true).is_err());
        assert_eq!(resolve(Waiting), Ok(Resolved));
        assert!(resolve(Resolved).is_err());
        assert_eq!(close(Resolved), Ok(Closed));
        assert!(close(Closed).is_err());
        assert_eq!(reopen(Closed, true), Ok(Active));
        assert_eq!(reopen(Resolved, false), Ok(Pending));
        assert!(reopen(Active, true).is_err());
        assert!(can_rate(Resolved).is_ok() && can_rate(Active).is_err());
    }

    #[test]
    fn names_round_trip() {
        for s in [Pending, Active, Waiting, Resolved, Closed] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!(Pending.is_open() && Waiting.is_open() && !Resolved.is_open() && !Closed.is_open());
        for p in [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent] {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
        for s in [Sender::Visitor, Sender::Agent, Sender::Bot, Sender::System] {
            assert_eq!(Sender::parse(s.as_str()), Some(s));
        }
    }

    /// The count is checked before any other work: 60,000 copies of one tag used to be
    /// de-duplicated (quadratically) down to one and accepted.
    #[test]
    fn tag_lists_are_counted_first() {
        let mut v = Violations::default();
        let many = vec!["vip".to_owned(); 60_000];
        assert!(tags(&many, &mut v).is_empty());
        assert!(v.into_result(()).is_err());
        let mut v = Violations::default();
        let given = [" vip ", "vip", "billing"].map(String::from);
        assert_eq!(tags(&given, &mut v), ["vip", "billing"]);
        assert!(v.into_result(()).is_ok());
        let mut v = Violations::default();
        tags(&["".to_owned(), "x".repeat(MAX_TAG_CHARS + 1)], &mut v);
        assert!(v.into_result(()).is_err());
    }

    #[test]
    fn previews() {
        assert_eq!(preview("\n  hello there \nsecond", 0), "hello there");
        assert_eq!(preview("", 2), "📎 2 attachments");
        assert_eq!(preview(&"x".repeat(200), 0).chars().count(), 141);
    }

    #[test]
    fn lines_read_as_sentences() {
        let olivia = || Some("Olivia".to_owned());
        let line = |from: &str, to: &str, by| Line::assignment(from, to, by).map(|l| l.to_string());
        assert_eq!(line("", "Sam", None).as_deref(), Some("Assigned to Sam"));
        assert_eq!(line("", "Sam", olivia()).as_deref(), Some("Assigned to Sam by Olivia"));
        assert_eq!(line("", "Olivia", olivia()).as_deref(), Some("Olivia took the conversation"));
        assert_eq!(line("Sam", "Olivia", olivia()).as_deref(), Some("Transferred from Sam to Olivia by Olivia"));
        assert_eq!(line("Sam", "", olivia()).as_deref(), Some("Unassigned from Sam by Olivia"));
        assert_eq!(line("", "", olivia()), None);
        assert_eq!(Line::Resolved { by: olivia() }.to_string(), "Resolved by Olivia");
        assert_eq!(Line::Resolved { by: None }.to_string(), "Resolved");
        assert_eq!(Line::WentOffline { from: "Sam".into() }.to_string(), "Unassigned: Sam went offline");
        assert_eq!(Line::ReopenedByMessage { from: "Ada".into() }.to_string(), "Reopened by a message from Ada");
    }
}
