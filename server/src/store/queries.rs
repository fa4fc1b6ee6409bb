//! The queries that several store functions share, as named methods compiled once per
//! connection type.
//!
//! A store function's body is written once and expanded per backend by [`read!`] and
//! [`write!`](super::write); what such bodies share lives here instead of in more macros,
//! so each shared query exists once per connection type (not once per call site), has a
//! name in backtraces, and go-to-definition lands on it. The code is written once, in
//! `queries/reads.rs` and `queries/writes.rs`; each module below compiles it for its
//! connection type `Conn` (diesel's query types differ per backend, and generic functions
//! over them need bounds that are longer than the queries).
//!
//! [`read!`]: super::read

// Deliberate: one file, compiled once per connection type (see above).
#![allow(clippy::duplicate_mod)]

use super::StoreError;
use super::conversations::{ChangeOutcome, ConversationChange, Staged};
use super::events::NewEvent;
use crate::domain::conversation::MessageToSend;
use crate::domain::id::{ConversationId, JobId, UserId, VisitorId, WorkerId, WorkspaceId};
use crate::realtime::event::Event;
use crate::realtime::payload::{Conversation, ConversationView, MemberView};

/// Reads that both transactions and plain reads use (every connection type).
pub(crate) trait Reads {
    /// A conversation of the workspace with its visitor's and assignee's names and its
    /// place in the queue.
    async fn conversation_view(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
    ) -> Result<Option<ConversationView>, StoreError>;

    /// 1 + the number of conversations queued ahead of `row` in its workspace; 0 when it
    /// is not queued.
    async fn queue_position(&mut self, row: &Conversation) -> Result<i64, StoreError>;

    /// Each agent's number of open assigned conversations (agents with none are absent).
    async fn agent_loads(&mut self, workspace_id: &WorkspaceId) -> Result<Vec<(UserId, i64)>, StoreError>;

    /// The `report_figures` rows of one piece of a range: of the scope `dim` (its key), or
    /// of every scope when `None`.
    async fn figures_rows(
        &mut self,
        workspace_id: &WorkspaceId,
        piece: &crate::domain::calendar::Piece,
        dim: Option<&str>,
    ) -> Result<Vec<super::models::FiguresRow>, StoreError>;

    /// An account's display name; empty when there is no such account.
    async fn user_name(&mut self, user_id: &UserId) -> Result<String, StoreError>;
    /// Some workspace that the account with e-mail `except_owner` (the demo owner) is not a
    /// member of, if one exists.
    async fn other_workspace(&mut self, except_owner: &str) -> Result<Option<String>, StoreError>;
}

/// What write transactions share (the writer connection types only).
pub(crate) trait Writes: Reads + ManyRows {
    /// Takes the workspace's row lock (a no-op update).
    ///
    /// **Invariant (lock order):** every write transaction that changes a workspace's
    /// conversations, members or visitors takes this lock before any other row lock, so
    /// two transactions of one workspace never wait for each other's rows. (On PostgreSQL
    /// a send used to hold its conversation row and wait for the workspace row to number
    /// its events, while routing held the workspace row and waited to assign that
    /// conversation: "deadlock detected".) On SQLite the single writer serialises
    /// transactions anyway, and the statement costs one page the transaction dirties later.
    async fn lock_workspace(&mut self, workspace_id: &WorkspaceId) -> Result<(), StoreError>;

    /// [`Self::lock_workspace`] that also says whether the workspace has an enabled
    /// conversation rule (`workspaces.has_rules`): a send learns it at no extra cost.
    async fn lock_workspace_has_rules(&mut self, workspace_id: &WorkspaceId) -> Result<bool, StoreError>;

    /// Recomputes `workspaces.has_rules` after a rule was written.
    async fn refresh_has_rules(&mut self, workspace_id: &WorkspaceId) -> Result<(), StoreError>;

    /// The first field of a rule whose id (canned response, team, member) is not the
    /// workspace's, if any.
    async fn rule_reference_missing(
        &mut self,
        workspace_id: &WorkspaceId,
        spec: &crate::domain::rule::RuleSpec,
    ) -> Result<Option<&'static str>, StoreError>;

    /// Appends events to the workspace's log and returns them as stored, for publishing
    /// after commit (see `store::events` for the sequence invariant).
    async fn append_events(
        &mut self,
        workspace_id: &WorkspaceId,
        now: i64,
        new: Vec<NewEvent>,
    ) -> Result<Vec<Event>, StoreError>;

    /// [`Self::append_events`], first storing a send batch's `rows` (with the numbering, in
    /// one round trip on PostgreSQL).
    async fn append_events_after(
        &mut self,
        rows: super::many_rows::SendRows<'_>,
        workspace_id: &WorkspaceId,
        now: i64,
        new: Vec<NewEvent>,
    ) -> Result<Vec<Event>, StoreError>;

    /// Assigns queued conversations, oldest first, to available agents as the routing mode
    /// says; returns the events to log. The caller must hold the workspace lock (every
    /// workspace write transaction takes it first), which serialises assignments.
    async fn route_queue(
        &mut self,
        workspace_id: &WorkspaceId,
        now: i64,
        grace_ms: i64,
    ) -> Result<Vec<NewEvent>, StoreError>;

    /// A member with name and load, as dashboards show it.
    async fn member_view(
        &mut self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
        grace_ms: i64,
    ) -> Result<Option<MemberView>, StoreError>;

    /// When the workspace hands an offline agent's conversations back, puts their open
    /// conversations back in the queue (by age); returns the events.
    async fn unassign_if_configured(
        &mut self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
    ) -> Result<Vec<NewEvent>, StoreError>;

    /// Deletes all but the newest `domain::visitor::MAX_PAGE_VIEWS_KEPT` page views of a
    /// visitor.
    async fn prune_page_views(&mut self, visitor_id: &VisitorId) -> Result<(), StoreError>;

    /// [`Store::update_visitor`](super::Store::update_visitor)'s work, under the workspace's
    /// lock taken by the caller: the visitor as updated and the events logged, or `None`
    /// when there is no such visitor.
    async fn update_visitor(
        &mut self,
        update: &super::visitors::VisitorUpdate,
    ) -> Result<Option<(crate::realtime::payload::Visitor, Vec<Event>)>, StoreError>;

    /// Sets an account's password hash and ends every session of the account (its refresh
    /// tokens are revoked; access tokens stop at their next call).
    async fn set_password(&mut self, user_id: &UserId, password_hash: &str, now: i64) -> Result<(), StoreError>;

    /// Writes a job, due after its delay (inside the transaction of what causes it);
    /// returns its id.
    async fn enqueue_job(&mut self, new: &crate::jobs::NewJob, now: i64) -> Result<JobId, StoreError>;

    /// Writes a pending delivery of `webhook` and the job that makes its attempts.
    async fn write_delivery(
        &mut self,
        webhook: &super::models::WebhookRow,
        delivery: &super::webhooks::NewDelivery,
        now: i64,
    ) -> Result<super::models::DeliveryRow, StoreError>;

    /// Marks the jobs `ids` that are still claimable (due and queued, or running past
    /// their lease) as running under `worker` until `now + lease_ms`; returns those.
    async fn mark_claimed(
        &mut self,
        ids: &[JobId],
        worker: &WorkerId,
        now: i64,
        lease_ms: i64,
    ) -> Result<Vec<super::models::JobRow>, StoreError>;

    /// Writes a transcript line (an internal system message) into the conversation;
    /// returns its event.
    async fn write_line(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        visitor_id: &VisitorId,
        line: &crate::domain::conversation::Line,
        now: i64,
    ) -> Result<NewEvent, StoreError>;
    /// Writes an internal note by the bot (named `name`) into the conversation; returns
    /// its event.
    async fn write_bot_note(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        visitor_id: &VisitorId,
        name: &str,
        body: &str,
        now: i64,
    ) -> Result<NewEvent, StoreError>;
    /// A message send but for appending its events (which the caller does last).
    async fn stage_send(&mut self, new: &MessageToSend, grace_ms: i64) -> Result<Staged, StoreError>;

    /// Stores a batch of sends in the caller's transaction (see `store::sends`), each with
    /// its own outcome. With `share`, the sends that change only their conversation's row
    /// ([`super::sends::Plan::is_plain`]) share the reads, the message insert and the
    /// event-log append, and the rest run one by one in savepoints; without it every send
    /// runs alone in its savepoint (after a shared attempt failed).
    async fn send_batch(&mut self, work: &[super::sends::Work], share: bool) -> super::sends::BatchOutcome;

    /// What every conversation change ends with: the update time, the events, routing when
    /// capacity or the queue changed, and the events appended.
    async fn finish_change(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        change: ConversationChange,
        now: i64,
        grace_ms: i64,
    ) -> Result<ChangeOutcome, StoreError>;
}

/// The SQLite writer.
/// Keeping the report rollups (`report_figures`) in step with the changes they count, in
/// the same transaction (the writer connection types only).
pub(crate) trait Counts {
    /// Recounts a conversation's part in the reports after a change made at `now`: works
    /// out what it counts for now ([`crate::domain::report::Counted`]), applies the
    /// difference from what it counted for before, and keeps the new state. Cheap when
    /// nothing report-relevant changed (two reads by key).
    async fn recount(&mut self, conversation_id: &ConversationId, now: i64) -> Result<(), StoreError>;

    /// Counts a member's presence after it may have changed: the time since their last
    /// change goes to the state they had (online, busy or away), and a new stretch starts.
    async fn count_presence(
        &mut self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Adds changes to the rollups.
    async fn add_figures(
        &mut self,
        workspace_id: &WorkspaceId,
        changes: std::collections::BTreeMap<crate::domain::report::Key, crate::domain::report::Tally>,
    ) -> Result<(), StoreError>;
}

pub(crate) use super::many_rows::ManyRows;

#[path = "queries"]
mod sqlite_writer {
    type Conn = crate::store::SqliteWriter;
    #[path = "counts.rs"]
    mod counts;
    #[path = "reads.rs"]
    mod reads;
    #[path = "writes.rs"]
    mod writes;
}

/// SQLite readers.
#[path = "queries"]
mod sqlite_reader {
    type Conn = crate::store::SqliteConn;
    #[path = "reads.rs"]
    mod reads;
}

/// PostgreSQL.
#[path = "queries"]
mod postgres {
    type Conn = diesel_async::AsyncPgConnection;
    #[path = "counts.rs"]
    mod counts;
    #[path = "reads.rs"]
    mod reads;
    #[path = "writes.rs"]
    mod writes;
}
