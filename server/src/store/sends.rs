//! Message sends: what a send changes (decided from the conversation as read, without
//! statements), and group commit on both backends.
//!
//! Sends that arrive while a transaction is busy are stored together in the next one
//! ([`Writes::send_batch`](super::queries::Writes::send_batch)), so a busy workspace pays
//! one commit (one WAL flush) and one hold of its row lock per batch instead of per
//! message. On SQLite the single writer takes every workspace's sends ([`SendQueue`]); on
//! PostgreSQL each workspace has its own batches ([`PgSends`], `group_commit`), so
//! workspaces still commit side by side on their own connections.
//!
//! **Invariant:** each send keeps its own outcome. A refusal is a value, never an error; a
//! batch whose transaction fails is stored again one send per transaction, so a send that
//! fails for itself (a key raced in by another replica, say) never sinks the others.

use std::future::Future;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;

use super::group_commit::{Batched, MAX_BATCH, WorkspaceBatches, answer, stopped};
use super::models::{AttachmentRow, ConversationRow, MessageRow};
use super::queries::Writes as _;
use super::transaction::transaction;
use super::{SqliteWriter, StoreError};
use crate::domain::conversation::{self as rules, MessageToSend, Refused, Sender, Status};
use crate::domain::id::{UserId, WorkspaceId};
use crate::domain::routing::Responder;
use crate::store::conversations::{SendOutcome, VISITOR_FALLBACK_NAME, retried};

/// A send with the agent grace period routing uses if it requeues the conversation.
pub(crate) type Work = (MessageToSend, i64);

/// Each send's outcome, in the order given; `Err` of the whole: nothing was stored.
pub(crate) type BatchOutcome = super::group_commit::BatchOutcome<SendOutcome>;

/// The checks before anything is written: the conversation is the caller's and the key is
/// new. `Ok(Err(outcome))`: the send ends here with that outcome.
pub(crate) fn check(
    new: &MessageToSend,
    found: Option<(ConversationRow, Option<String>)>,
    original: Option<&MessageRow>,
) -> Result<Result<(ConversationRow, String), SendOutcome>, StoreError> {
    let Some((current, visitor_name)) = found else {
        return Ok(Err(SendOutcome::NotFound));
    };
    if current.workspace_id != new.workspace_id || new.visitor_id.as_ref().is_some_and(|v| *v != current.visitor_id) {
        return Ok(Err(SendOutcome::NotFound));
    }
    // The retry check comes after the conversation is known to be the caller's: the key
    // alone would hand anyone who replays an id and key the original message.
    if let Some(original) = original {
        return Ok(Err(retried(original, new)?));
    }
    // The bot's answer lost the race to a hand-off (or an end): it is never shown.
    if new.while_bot && (current.responder != Responder::Bot || !current.status.is_open()) {
        return Ok(Err(SendOutcome::Refused(Refused("the bot no longer answers this conversation"))));
    }
    let sender_name = match (&new.sender_name, visitor_name) {
        (Some(given), _) => given.clone(),
        (None, Some(name)) if !name.is_empty() => name,
        (None, _) => VISITOR_FALLBACK_NAME.to_owned(),
    };
    Ok(Ok((current, sender_name)))
}

/// Whether the send must first read the widget's quiet period: a visitor writing into a
/// resolved conversation may reopen it only within it.
pub(crate) fn needs_reopen_window(new: &MessageToSend, current: &ConversationRow) -> bool {
    new.sender == Sender::Visitor && current.status == Status::Resolved
}

/// What a send changes, decided from the conversation as read.
pub(crate) struct Plan {
    pub current: ConversationRow,
    pub sender_name: String,
    pub before: Status,
    pub status: Status,
    /// An agent answering a conversation the bot has takes it.
    pub takes_over: bool,
    /// Automation's message (a rule's reply, a flow's step): it answers nobody's question.
    pub automated: bool,
    /// A visitor reopening an unassigned conversation joins the queue again.
    pub requeue: bool,
}

impl Plan {
    /// Decides the send's effects, or refuses it (the conversation is closed, say).
    pub fn new(new: &MessageToSend, current: ConversationRow, sender_name: String) -> Result<Self, Refused> {
        let before = current.status;
        // The bot stops when a person answers, so it never talks over one. (Other
        // unassigned conversations stay in the queue as before.)
        let takes_over = new.sender == Sender::Agent
            && !new.internal
            && current.assignee_user_id.is_none()
            && current.responder == Responder::Bot;
        let assigned = current.assignee_user_id.is_some() || takes_over;
        // Automation's messages answer nobody's question for the team: the conversation
        // keeps its status and still awaits a first response.
        let automated = new.sender == Sender::Bot && !new.sender_id.is_empty();
        let status = match rules::after_message(before, new.sender, new.internal, assigned)? {
            _ if automated => before,
            status => status,
        };
        let requeue = status == Status::Pending
            && !takes_over
            && current.assignee_user_id.is_none()
            && current.queued_at.is_none()
            && current.responder == Responder::Agents;
        Ok(Self { current, sender_name, before, status, takes_over, automated, requeue })
    }

    /// The message is our side's visible answer (an agent's or the AI bot's).
    pub fn ours(&self, new: &MessageToSend) -> bool {
        matches!(new.sender, Sender::Agent | Sender::Bot) && !new.internal && !self.automated
    }

    /// It is the conversation's first response.
    pub fn first_response(&self, new: &MessageToSend) -> bool {
        self.ours(new) && self.current.first_response_at.is_none()
    }

    /// It opens a resolved conversation again.
    pub fn reopens(&self) -> bool {
        self.before == Status::Resolved && self.status != Status::Resolved
    }

    /// Whether the send changes nothing but the conversation's own row, its message and its
    /// one event: no attachment to claim, no transcript line, no status change, no routing,
    /// nothing for the reports. Such sends (nearly all of them) a batch stores with shared
    /// statements; the others take the one-send path inside the batch.
    pub fn is_plain(&self, new: &MessageToSend) -> bool {
        new.attachment_ids.is_empty()
            && self.before == self.status
            && !self.takes_over
            && !self.requeue
            && !self.first_response(new)
    }

    /// The stored message, numbered `seq`, with the files it claimed.
    pub fn message(&self, new: &MessageToSend, seq: i64, files: &[AttachmentRow]) -> Result<MessageRow, StoreError> {
        let json_or_empty = |empty: bool, value: Result<String, serde_json::Error>| {
            if empty { Ok(String::new()) } else { value }
        };
        Ok(MessageRow {
            id: new.message_id.clone(),
            workspace_id: new.workspace_id.clone(),
            conversation_id: new.conversation_id.clone(),
            seq,
            sender_type: new.sender,
            sender_id: new.sender_id.clone(),
            sender_name: self.sender_name.clone(),
            body: new.body.clone(),
            internal: new.internal,
            attachments: serde_json::to_string(files)?,
            client_key: new.client_key.clone(),
            created_at: new.now,
            citations: json_or_empty(new.citations.is_empty(), serde_json::to_string(&new.citations))?,
            quick_replies: json_or_empty(new.quick_replies.is_empty(), serde_json::to_string(&new.quick_replies))?,
        })
    }

    /// The job that answers a visitor's message (rules and the guided flow, or the AI bot),
    /// written with the message so it exists exactly when the message does, on any
    /// replica. Where rules or a flow run, their job asks the bot after them (a rule's reply
    /// stands for the bot's).
    pub fn answer_job(&self, new: &MessageToSend, has_rules: bool, seq: i64) -> Option<crate::jobs::NewJob> {
        let answered = new.sender == Sender::Visitor && !new.internal && self.status.is_open();
        let automate = answered && (has_rules || self.current.responder == Responder::Workflow);
        let ask_bot = answered && self.current.responder == Responder::Bot && !automate;
        let (workspace_id, conversation_id) = (new.workspace_id.clone(), new.conversation_id.clone());
        let (what, job) = if automate {
            (
                "Rules and guided flow after a visitor's message",
                crate::jobs::Job::Automate { workspace_id, conversation_id, seq },
            )
        } else if ask_bot {
            ("AI bot answer", crate::jobs::Job::BotReply { workspace_id, conversation_id, seq })
        } else {
            return None;
        };
        Some(crate::jobs::NewJob {
            workspace_id: Some(new.workspace_id.clone()),
            summary: format!("{what} in conversation {}", new.conversation_id),
            job,
            delay: std::time::Duration::ZERO,
        })
    }

    /// The new assignee when the send takes the conversation from the bot.
    pub fn taker(&self, new: &MessageToSend) -> Option<UserId> {
        self.takes_over.then(|| UserId::from_stored(new.sender_id.clone()))
    }
}

/// What a plain send ([`Plan::is_plain`]) changes in its conversation's row: one row of
/// `store::many_rows`'s batched update, and the part of the one-send path's update that
/// every send makes ([`plain_changes!`]).
pub(crate) struct PlainRow<'a> {
    pub conversation_id: &'a crate::domain::id::ConversationId,
    pub now: i64,
    /// Not an internal note: the visitor's seq, the preview and the last message time move.
    pub visible: bool,
    /// The visitor's own message: unread for the agents, read by the visitor.
    pub by_visitor: bool,
    pub preview: String,
}

impl<'a> PlainRow<'a> {
    /// The row of `new`, which carries `files` attachments (they show in the preview).
    pub fn new(new: &'a MessageToSend, files: usize) -> Self {
        Self {
            conversation_id: &new.conversation_id,
            now: new.now,
            visible: !new.internal,
            by_visitor: new.sender == Sender::Visitor,
            preview: rules::preview(&new.body, files),
        }
    }
}

/// The `SET` assignments of a [`PlainRow`] (an expression of `&PlainRow`) as a diesel
/// changeset tuple: SQLite's per-row update of a batch and the one-send path's update
/// (which adds its own assignments beside it) share it. `last_seq + 1` on the right of
/// `SET` reads the old value. A macro, because the changeset's type differs per use and
/// naming it would take longer than the assignments.
macro_rules! plain_changes {
    ($row:expr) => {{
        let row: &$crate::store::sends::PlainRow<'_> = $row;
        (
            conversations::last_seq.eq(conversations::last_seq + 1),
            conversations::updated_at.eq(row.now),
            row.visible.then(|| {
                (
                    conversations::visitor_last_seq.eq(conversations::last_seq + 1),
                    conversations::last_message_at.eq(row.now),
                    conversations::last_message_preview.eq(row.preview.as_str()),
                )
            }),
            // The visitor has seen their own message.
            row.by_visitor.then(|| {
                (
                    conversations::agent_unread.eq(conversations::agent_unread + 1),
                    conversations::visitor_read_seq.eq(conversations::last_seq + 1),
                )
            }),
        )
    }};
}
pub(crate) use plain_changes;

/// SQLite group commit: the single writer takes the sends that arrived while it was busy,
/// of every workspace, in its next transaction. Without a backlog a batch is one send, so
/// an idle server answers as fast as before.
#[derive(Clone)]
pub struct SendQueue {
    jobs: tokio::sync::mpsc::Sender<SendJob>,
}

struct SendJob {
    work: Work,
    reply: tokio::sync::oneshot::Sender<Result<SendOutcome, StoreError>>,
}

impl SendQueue {
    /// Starts the writer task on the current tokio runtime; it ends when every clone of
    /// the queue is dropped.
    pub fn start(writer: Pool<SqliteWriter>) -> Self {
        let (jobs, receiver) = tokio::sync::mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(Self::run(writer, receiver));
        Self { jobs }
    }

    /// Stores one message through the next batch.
    pub async fn send(&self, new: MessageToSend, grace: i64) -> Result<SendOutcome, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs.send(SendJob { work: (new, grace), reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    async fn run(writer: Pool<SqliteWriter>, mut receiver: tokio::sync::mpsc::Receiver<SendJob>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let (work, replies): (Vec<_>, Vec<_>) = batch.drain(..).map(|j| (j.work, j.reply)).unzip();
            let outcomes = match writer.get().await {
                Ok(mut pooled) => {
                    let conn = &mut *pooled;
                    let shared = async { transaction!(conn, { conn.send_batch(&work, true).await }) }.await;
                    match shared {
                        Ok(outcomes) => Ok(outcomes),
                        // One send's statement failed: again, each send in its own savepoint.
                        Err(_) => async { transaction!(conn, { conn.send_batch(&work, false).await }) }.await,
                    }
                }
                Err(error) => Err(StoreError::from_pool(error)),
            };
            answer(replies, outcomes);
        }
    }
}

/// PostgreSQL group commit of sends, per workspace (`group_commit`).
pub type PgSends = WorkspaceBatches<Work>;

impl Batched for Work {
    type Outcome = SendOutcome;

    fn workspace_id(&self) -> &WorkspaceId {
        &self.0.workspace_id
    }

    fn store(conn: &mut AsyncPgConnection, work: &[Self], shared: bool) -> impl Future<Output = BatchOutcome> + Send {
        conn.send_batch(work, shared)
    }
}
