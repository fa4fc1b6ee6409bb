//! Conversations and messages: the write path (message, conversation update and event
//! log entry in one transaction) and the queries behind inboxes and history.

use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncConnection as _, RunQueryDsl};

use super::events::{NewEvent, append_events};
use super::models::{AttachmentRow, ConversationRow, MessageRow};
use super::routing::route_queue;
use super::schema::{attachments, conversations, memberships, messages, users, visitors, workspaces};
use super::{Backend, SqliteWriter, Store, StoreError, is_unique_violation, lock_workspace, read, write};
use crate::domain::conversation::{self as rules, Refused, Sender, Status};
use crate::realtime::event::{ConversationView, Event, EventBody, UpdateCause};

/// Loads a conversation with its visitor's and assignee's names (expanded per backend).
macro_rules! load_view {
    ($conn:ident, $filter:expr) => {{
        let found: Option<($crate::store::models::ConversationRow, String, String, Option<String>)> =
            $crate::store::schema::conversations::table
                .inner_join($crate::store::schema::visitors::table)
                .left_join(
                    $crate::store::schema::users::table.on($crate::store::schema::conversations::assignee_user_id
                        .eq($crate::store::schema::users::id.nullable())),
                )
                .filter($filter)
                .select((
                    $crate::store::models::ConversationRow::as_select(),
                    $crate::store::schema::visitors::name,
                    $crate::store::schema::visitors::email,
                    $crate::store::schema::users::display_name.nullable(),
                ))
                .first($conn)
                .await
                .optional()?;
        match found {
            Some((row, visitor_name, visitor_email, assignee)) => {
                let queue_position = $crate::store::conversations::queue_position!($conn, &row);
                Some($crate::realtime::event::ConversationView {
                    row,
                    visitor_name,
                    visitor_email,
                    assignee_name: assignee.unwrap_or_default(),
                    queue_position,
                })
            }
            None => None,
        }
    }};
}
pub(crate) use load_view;

/// 1 + the number of conversations queued ahead of `$row` in its workspace; 0 when it is
/// not queued (expanded per backend).
macro_rules! queue_position {
    ($conn:ident, $row:expr) => {{
        let row: &$crate::store::models::ConversationRow = $row;
        match row.queued_at {
            None => 0,
            Some(queued_at) => {
                let ahead: i64 = $crate::store::schema::conversations::table
                    .filter($crate::store::schema::conversations::workspace_id.eq(&row.workspace_id))
                    .filter($crate::store::schema::conversations::queued_at.is_not_null())
                    .filter(
                        $crate::store::schema::conversations::queued_at.lt(queued_at).or(
                            $crate::store::schema::conversations::queued_at
                                .eq(queued_at)
                                .and($crate::store::schema::conversations::id.lt(&row.id)),
                        ),
                    )
                    .count()
                    .get_result($conn)
                    .await?;
                ahead + 1
            }
        }
    }};
}
pub(crate) use queue_position;

/// What a visitor who gave no name is called in messages.
pub const VISITOR_FALLBACK_NAME: &str = "Visitor";

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub workspace_id: String,
    pub conversation_id: String,
    /// When set, the conversation must belong to this visitor (visitor API).
    pub visitor_id: Option<String>,
    pub sender: Sender,
    pub sender_id: String,
    /// The name shown with the message; `None` for a visitor's message, whose name is read
    /// from their row in the transaction (it saves the API a read before every send).
    pub sender_name: Option<String>,
    pub body: String,
    pub internal: bool,
    pub attachment_ids: Vec<String>,
    pub client_key: String,
    pub message_id: String,
    pub now: i64,
}

/// What sending led to.
#[derive(Debug)]
pub enum SendOutcome {
    /// Stored; publish the events.
    Sent(MessageRow, Vec<Event>),
    /// The idempotency key was used before: the original message.
    Duplicate(MessageRow),
    NotFound,
    /// An attachment id is unknown, used already, or of another conversation.
    BadAttachment(String),
    Refused(Refused),
}

/// A send done but for appending its events to the log (which the caller does last, so the
/// workspace row lock that append takes is held as briefly as possible).
enum Staged {
    Sent(MessageRow, Vec<NewEvent>),
    Done(SendOutcome),
}

/// A change to a conversation.
#[derive(Debug, Clone)]
pub enum ConversationOp {
    Assign(Option<String>),
    Priority(rules::Priority),
    Tags(Vec<String>),
    Resolve,
    Close,
    Reopen,
    Rate {
        rating: i32,
        comment: String,
    },
    AgentRead(i64),
    VisitorRead(i64),
    /// Hand a bot-answered conversation to the human agents (queued, then routed).
    RequestHuman,
}

/// What a conversation change led to.
#[derive(Debug)]
pub enum ChangeOutcome {
    Changed(Box<ConversationView>, Vec<Event>),
    /// Nothing to do (e.g. a read mark that is not newer); the current state.
    Unchanged(Box<ConversationView>),
    NotFound,
    /// The assignee is not a member of the workspace.
    NoSuchAssignee,
    Refused(Refused),
}

/// Filters of the agents' conversation list.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    /// `Some(None)`: unassigned; `Some(Some(id))`: assigned to id.
    pub assignee: Option<Option<String>>,
    pub priority: Option<rules::Priority>,
    pub widget_id: Option<String>,
    /// Lower-cased search text.
    pub query: Option<String>,
    /// Keyset position: strictly older than (last_message_at, id).
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

fn status_of(row: &ConversationRow) -> Status {
    Status::parse(&row.status).unwrap_or(Status::Pending)
}

/// `%text%` for LIKE with `\` escaping the wildcards.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The body of [`Store::send_message`]'s transaction but the event-log append (expanded per
/// backend and connection type): evaluates to `Result<Staged, StoreError>`; `new: &NewMessage`.
macro_rules! send_in_transaction {
    ($conn:ident, $new:expr, $grace:expr) => {{
        let new: &NewMessage = $new;
        let grace: i64 = $grace;
        // An async block, so that its early `return`s end only the send.
        async {
            // First, before the conversation row (see `lock_workspace`): the event-log
            // append at the end needs this lock anyway.
            lock_workspace!($conn, &new.workspace_id);
            // `get_result`, not `first`: the key is unique, and on SQLite the `LIMIT ?` that
            // `first` binds makes every such statement compile twice (the planner looks at a
            // bound LIMIT, so binding it expires the statement).
            let duplicate = messages::table
                .filter(messages::conversation_id.eq(&new.conversation_id))
                .filter(messages::client_key.eq(&new.client_key))
                .select(MessageRow::as_select())
                .get_result($conn)
                .await
                .optional()?;
            if let Some(original) = duplicate {
                return Ok(Staged::Done(SendOutcome::Duplicate(original)));
            }
            // The row alone: names and queue place are only needed if an event shows the
            // conversation, and then it is read again after the update below. A visitor's
            // own name comes with it.
            let found: Option<(ConversationRow, Option<String>)> = match &new.sender_name {
                Some(_) => conversations::table
                    .filter(conversations::id.eq(&new.conversation_id))
                    .filter(conversations::workspace_id.eq(&new.workspace_id))
                    .select(ConversationRow::as_select())
                    .get_result($conn)
                    .await
                    .optional()?
                    .map(|row| (row, None)),
                None => conversations::table
                    .inner_join(visitors::table)
                    .filter(conversations::id.eq(&new.conversation_id))
                    .filter(conversations::workspace_id.eq(&new.workspace_id))
                    .select((ConversationRow::as_select(), visitors::name.nullable()))
                    .get_result($conn)
                    .await
                    .optional()?,
            };
            let Some((current, visitor_name)) = found else {
                return Ok(Staged::Done(SendOutcome::NotFound));
            };
            let sender_name = match (&new.sender_name, visitor_name) {
                (Some(given), _) => given.clone(),
                (None, Some(name)) if !name.is_empty() => name,
                (None, _) => VISITOR_FALLBACK_NAME.to_owned(),
            };
            if new.visitor_id.as_ref().is_some_and(|v| *v != current.visitor_id) {
                return Ok(Staged::Done(SendOutcome::NotFound));
            }
            let before = status_of(&current);
            let status =
                match rules::after_message(before, new.sender, new.internal, current.assignee_user_id.is_some()) {
                    Ok(status) => status,
                    Err(refused) => return Ok(Staged::Done(SendOutcome::Refused(refused))),
                };

            // Claim the attachments (unused ones of this conversation only) all at once; if
            // any is missing, give the others back before answering, so a refused send
            // leaves every file free for the next try.
            let mut files: Vec<AttachmentRow> = Vec::new();
            if !new.attachment_ids.is_empty() {
                let claimed: Vec<AttachmentRow> = diesel::update(
                    attachments::table
                        .filter(attachments::id.eq_any(&new.attachment_ids))
                        .filter(attachments::conversation_id.eq(&new.conversation_id))
                        .filter(attachments::message_id.is_null()),
                )
                .set(attachments::message_id.eq(&new.message_id))
                .returning(AttachmentRow::as_returning())
                .get_results($conn)
                .await?;
                if claimed.len() != new.attachment_ids.len() {
                    diesel::update(attachments::table.filter(attachments::message_id.eq(&new.message_id)))
                        .set(attachments::message_id.eq(None::<String>))
                        .execute($conn)
                        .await?;
                    // The first id not claimed; with all claimed, the list named one twice.
                    let bad = new
                        .attachment_ids
                        .iter()
                        .enumerate()
                        .find(|(i, id)| !claimed.iter().any(|f| f.id == **id) || new.attachment_ids[..*i].contains(id))
                        .map_or_else(String::new, |(_, id)| id.clone());
                    return Ok(Staged::Done(SendOutcome::BadAttachment(bad)));
                }
                // In the order the sender gave.
                for id in &new.attachment_ids {
                    if let Some(file) = claimed.iter().find(|f| f.id == *id) {
                        files.push(file.clone());
                    }
                }
            }

            let visible = !new.internal;
            let from_us = matches!(new.sender, Sender::Agent | Sender::Bot) && visible;
            let by_visitor = new.sender == Sender::Visitor;
            // A visitor reopening an unassigned conversation joins the queue again.
            let requeue = status == Status::Pending
                && current.assignee_user_id.is_none()
                && current.queued_at.is_none()
                && current.responder == "agents";
            // One statement for the whole conversation row; it also takes the row lock that
            // makes `seq` gap-free. On the right of SET, `last_seq` is the old value (SQL
            // semantics on both backends), so `last_seq + 1` is this message's seq everywhere.
            let seq: i64 = diesel::update(conversations::table.find(&new.conversation_id))
                .set((
                    conversations::last_seq.eq(conversations::last_seq + 1),
                    conversations::status.eq(status.as_str()),
                    conversations::updated_at.eq(new.now),
                    visible.then(|| {
                        (
                            conversations::visitor_last_seq.eq(conversations::last_seq + 1),
                            conversations::last_message_at.eq(new.now),
                            conversations::last_message_preview.eq(rules::preview(&new.body, files.len())),
                        )
                    }),
                    // The visitor has seen their own message.
                    by_visitor.then(|| {
                        (
                            conversations::agent_unread.eq(conversations::agent_unread + 1),
                            conversations::visitor_read_seq.eq(conversations::last_seq + 1),
                        )
                    }),
                    (from_us && current.first_response_at.is_none())
                        .then(|| conversations::first_response_at.eq(new.now)),
                    (before == Status::Resolved && status != Status::Resolved)
                        .then(|| conversations::resolved_at.eq(None::<i64>)),
                    requeue.then(|| conversations::queued_at.eq(new.now)),
                ))
                .returning(conversations::last_seq)
                .get_result($conn)
                .await?;
            let message = MessageRow {
                id: new.message_id.clone(),
                workspace_id: new.workspace_id.clone(),
                conversation_id: new.conversation_id.clone(),
                seq,
                sender_type: new.sender.as_str().to_owned(),
                sender_id: new.sender_id.clone(),
                sender_name,
                body: new.body.clone(),
                internal: new.internal,
                attachments: serde_json::to_string(&files)?,
                client_key: new.client_key.clone(),
                created_at: new.now,
            };
            diesel::insert_into(messages::table).values(&message).execute($conn).await?;

            let mut new_events = vec![NewEvent {
                conversation_id: Some(new.conversation_id.clone()),
                visitor_id: Some(current.visitor_id.clone()),
                visitor_visible: visible,
                body: EventBody::MessageCreated { message: message.clone() },
            }];
            if status != before {
                let view = load_view!($conn, conversations::id.eq(&new.conversation_id))
                    .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
                new_events.push(NewEvent {
                    conversation_id: Some(new.conversation_id.clone()),
                    visitor_id: Some(current.visitor_id.clone()),
                    visitor_visible: true,
                    body: EventBody::ConversationUpdated { conversation: view, cause: UpdateCause::Status },
                });
            }
            if requeue {
                new_events.extend(route_queue!($conn, &new.workspace_id, new.now, grace));
            }
            Ok::<_, StoreError>(Staged::Sent(message, new_events))
        }
        .await
    }};
}

impl Store {
    /// Views of joined rows, with queue positions for the queued ones.
    async fn with_queue_positions(
        &self,
        rows: Vec<(ConversationRow, String, String, Option<String>)>,
    ) -> Result<Vec<ConversationView>, StoreError> {
        let mut views = Vec::with_capacity(rows.len());
        for (row, visitor_name, visitor_email, assignee) in rows {
            let queue_position = if row.queued_at.is_some() {
                read!(self, |conn| { Ok::<_, StoreError>(queue_position!(conn, &row)) })?
            } else {
                0
            };
            views.push(ConversationView {
                row,
                visitor_name,
                visitor_email,
                assignee_name: assignee.unwrap_or_default(),
                queue_position,
            });
        }
        Ok(views)
    }

    /// The visitor's newest open conversation on the widget, or a new one (queued for an
    /// agent and routed at once when `row.responder` is agents).
    pub async fn start_conversation(
        &self,
        row: ConversationRow,
    ) -> Result<(ConversationView, bool, Vec<Event>), StoreError> {
        let now = row.created_at;
        let grace = self.agent_grace_ms();
        write!(self, workspace = &row.workspace_id, |conn| {
            let open = load_view!(
                conn,
                conversations::visitor_id
                    .eq(&row.visitor_id)
                    .and(conversations::widget_id.eq(&row.widget_id))
                    .and(conversations::status.ne(Status::Closed.as_str()))
            );
            if let Some(view) = open {
                return Ok((view, true, Vec::new()));
            }
            diesel::insert_into(conversations::table).values(&row).execute(conn).await?;
            let created = load_view!(conn, conversations::id.eq(&row.id))
                .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
            let mut new = vec![NewEvent {
                conversation_id: Some(row.id.clone()),
                visitor_id: Some(row.visitor_id.clone()),
                visitor_visible: true,
                body: EventBody::ConversationCreated { conversation: created },
            }];
            new.extend(route_queue!(conn, &row.workspace_id, now, grace));
            let view = load_view!(conn, conversations::id.eq(&row.id))
                .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
            let events = append_events!(conn, &row.workspace_id, now, new);
            Ok((view, false, events))
        })
    }

    /// One conversation of the workspace (and of the visitor, when given).
    pub async fn conversation(
        &self,
        workspace_id: &str,
        conversation_id: &str,
        visitor_id: Option<&str>,
    ) -> Result<Option<ConversationView>, StoreError> {
        read!(self, |conn| {
            let view = load_view!(
                conn,
                conversations::id.eq(conversation_id).and(conversations::workspace_id.eq(workspace_id))
            );
            Ok(view.filter(|v| visitor_id.is_none_or(|id| v.row.visitor_id == id)))
        })
    }

    /// The visitor's conversations, newest activity first.
    pub async fn visitor_conversations(
        &self,
        workspace_id: &str,
        visitor_id: &str,
    ) -> Result<Vec<ConversationView>, StoreError> {
        let rows: Vec<(ConversationRow, String, String, Option<String>)> = read!(self, |conn| {
            Ok::<_, StoreError>(
                conversations::table
                    .inner_join(visitors::table)
                    .left_join(users::table.on(conversations::assignee_user_id.eq(users::id.nullable())))
                    .filter(conversations::workspace_id.eq(workspace_id))
                    .filter(conversations::visitor_id.eq(visitor_id))
                    .order((conversations::last_message_at.desc(), conversations::id.desc()))
                    .limit(100)
                    .select((
                        ConversationRow::as_select(),
                        visitors::name,
                        visitors::email,
                        users::display_name.nullable(),
                    ))
                    .load(conn)
                    .await?,
            )
        })?;
        self.with_queue_positions(rows).await
    }

    /// The agents' inbox: filtered, searched, newest activity first, keyset-paged.
    pub async fn list_conversations(
        &self,
        workspace_id: &str,
        filter: &ListFilter,
    ) -> Result<Vec<ConversationView>, StoreError> {
        let rows: Vec<(ConversationRow, String, String, Option<String>)> = read!(self, |conn| {
            let mut query = conversations::table
                .inner_join(visitors::table)
                .left_join(users::table.on(conversations::assignee_user_id.eq(users::id.nullable())))
                .filter(conversations::workspace_id.eq(workspace_id))
                .select((ConversationRow::as_select(), visitors::name, visitors::email, users::display_name.nullable()))
                .order((conversations::last_message_at.desc(), conversations::id.desc()))
                .limit(filter.limit)
                .into_boxed();
            if !filter.statuses.is_empty() {
                query = query.filter(conversations::status.eq_any(filter.statuses.iter().map(|s| s.as_str())));
            }
            match &filter.assignee {
                Some(Some(user)) => query = query.filter(conversations::assignee_user_id.eq(user.clone())),
                Some(None) => query = query.filter(conversations::assignee_user_id.is_null()),
                None => {}
            }
            if let Some(priority) = filter.priority {
                query = query.filter(conversations::priority.eq(priority.as_str()));
            }
            if let Some(widget) = &filter.widget_id {
                query = query.filter(conversations::widget_id.eq(widget.clone()));
            }
            if let Some(text) = &filter.query {
                let pattern = like_pattern(text);
                let in_messages = messages::table
                    .filter(messages::conversation_id.eq(conversations::id))
                    .filter(lower(messages::body).like(pattern.clone()).escape('\\'));
                query = query.filter(
                    lower(visitors::name)
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(visitors::email).like(pattern.clone()).escape('\\'))
                        .or(diesel::dsl::exists(in_messages)),
                );
            }
            if let Some((at, id)) = &filter.before {
                query = query.filter(
                    conversations::last_message_at
                        .lt(*at)
                        .or(conversations::last_message_at.eq(*at).and(conversations::id.lt(id.clone()))),
                );
            }
            Ok::<_, StoreError>(query.load(conn).await?)
        })?;
        self.with_queue_positions(rows).await
    }

    /// Stores a message: idempotent on (conversation, client key), gap-free `seq`,
    /// conversation state and counters updated, event logged — all in one transaction.
    pub async fn send_message(&self, new: NewMessage) -> Result<SendOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        let result = match self.backend() {
            // The single writer takes sends in batches (group commit, see `SendQueue`).
            Backend::Sqlite { sends, .. } => sends.send(new.clone(), grace).await,
            Backend::Postgres(pool) => {
                let mut pooled = pool.get().await.map_err(StoreError::from_pool)?;
                pooled
                    .transaction(async |conn| match send_in_transaction!(conn, &new, grace)? {
                        Staged::Sent(message, new_events) => {
                            let events = append_events!(conn, &new.workspace_id, new.now, new_events);
                            Ok(SendOutcome::Sent(message, events))
                        }
                        Staged::Done(outcome) => Ok(outcome),
                    })
                    .await
            }
        };
        match result {
            // Two retries raced past the duplicate check: the loser returns the winner's message.
            Err(StoreError::Query(e)) if is_unique_violation(&e) => {
                let original = read!(self, |conn| {
                    Ok::<_, StoreError>(
                        messages::table
                            .filter(messages::conversation_id.eq(&new.conversation_id))
                            .filter(messages::client_key.eq(&new.client_key))
                            .select(MessageRow::as_select())
                            .first(conn)
                            .await
                            .optional()?,
                    )
                })?;
                Ok(original.map_or(SendOutcome::NotFound, SendOutcome::Duplicate))
            }
            other => other,
        }
    }

    /// Applies `op` to a conversation of the workspace (and of the visitor, when given).
    pub async fn change_conversation(
        &self,
        workspace_id: &str,
        conversation_id: &str,
        visitor_id: Option<&str>,
        op: ConversationOp,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = workspace_id, |conn| {
            let Some(current) = load_view!(
                conn,
                conversations::id.eq(conversation_id).and(conversations::workspace_id.eq(workspace_id))
            ) else {
                return Ok(ChangeOutcome::NotFound);
            };
            if visitor_id.is_some_and(|v| v != current.row.visitor_id) {
                return Ok(ChangeOutcome::NotFound);
            }
            let status = status_of(&current.row);
            let assigned = current.row.assignee_user_id.is_some();
            let target = conversations::table.find(conversation_id);
            let mut notice: Option<(String, bool)> = None;
            let (cause, visitor_visible) = match op {
                ConversationOp::Assign(assignee) => {
                    if let Some(user) = &assignee {
                        let member: i64 = memberships::table
                            .filter(memberships::workspace_id.eq(workspace_id))
                            .filter(memberships::user_id.eq(user))
                            .count()
                            .get_result(conn)
                            .await?;
                        if member == 0 {
                            return Ok(ChangeOutcome::NoSuchAssignee);
                        }
                    }
                    if assignee == current.row.assignee_user_id {
                        return Ok(ChangeOutcome::Unchanged(Box::new(current)));
                    }
                    let next = match rules::after_assignment(status, assignee.is_some()) {
                        Ok(s) => s,
                        Err(r) => return Ok(ChangeOutcome::Refused(r)),
                    };
                    // Unassigned and open: back in the queue (by its age); assigned: out of it.
                    let queued_at = match &assignee {
                        Some(_) => None,
                        None => Some(current.row.queued_at.unwrap_or(now)),
                    };
                    diesel::update(target)
                        .set((
                            conversations::assignee_user_id.eq(&assignee),
                            conversations::status.eq(next.as_str()),
                            conversations::queued_at.eq(queued_at),
                            conversations::responder.eq("agents"),
                        ))
                        .execute(conn)
                        .await?;
                    notice = assignee.map(|user| (user, current.row.assignee_user_id.is_some()));
                    (UpdateCause::Assignment, true)
                }
                ConversationOp::Priority(priority) => {
                    diesel::update(target).set(conversations::priority.eq(priority.as_str())).execute(conn).await?;
                    (UpdateCause::Priority, false)
                }
                ConversationOp::Tags(tags) => {
                    diesel::update(target)
                        .set(conversations::tags.eq(serde_json::to_string(&tags)?))
                        .execute(conn)
                        .await?;
                    (UpdateCause::Tags, false)
                }
                ConversationOp::Resolve => {
                    let next = match rules::resolve(status) {
                        Ok(s) => s,
                        Err(r) => return Ok(ChangeOutcome::Refused(r)),
                    };
                    diesel::update(target)
                        .set((
                            conversations::status.eq(next.as_str()),
                            conversations::resolved_at.eq(now),
                            conversations::queued_at.eq(None::<i64>),
                        ))
                        .execute(conn)
                        .await?;
                    (UpdateCause::Status, true)
                }
                ConversationOp::Close => {
                    let next = match rules::close(status) {
                        Ok(s) => s,
                        Err(r) => return Ok(ChangeOutcome::Refused(r)),
                    };
                    diesel::update(target)
                        .set((
                            conversations::status.eq(next.as_str()),
                            conversations::closed_at.eq(now),
                            conversations::queued_at.eq(None::<i64>),
                        ))
                        .execute(conn)
                        .await?;
                    (UpdateCause::Status, true)
                }
                ConversationOp::Reopen => {
                    let next = match rules::reopen(status, assigned) {
                        Ok(s) => s,
                        Err(r) => return Ok(ChangeOutcome::Refused(r)),
                    };
                    let queue = !assigned && current.row.responder == "agents";
                    diesel::update(target)
                        .set((
                            conversations::status.eq(next.as_str()),
                            conversations::resolved_at.eq(None::<i64>),
                            conversations::closed_at.eq(None::<i64>),
                            conversations::queued_at.eq(if queue { Some(now) } else { None }),
                        ))
                        .execute(conn)
                        .await?;
                    (UpdateCause::Status, true)
                }
                ConversationOp::RequestHuman => {
                    if status == Status::Closed {
                        return Ok(ChangeOutcome::Refused(Refused("this conversation is closed; start a new one")));
                    }
                    if current.row.responder == "agents" {
                        return Ok(ChangeOutcome::Unchanged(Box::new(current)));
                    }
                    diesel::update(target)
                        .set((
                            conversations::responder.eq("agents"),
                            conversations::queued_at.eq(if assigned { None } else { Some(now) }),
                        ))
                        .execute(conn)
                        .await?;
                    (UpdateCause::Assignment, true)
                }
                ConversationOp::Rate { rating, comment } => {
                    if let Err(r) = rules::can_rate(status) {
                        return Ok(ChangeOutcome::Refused(r));
                    }
                    diesel::update(target)
                        .set((conversations::rating.eq(rating), conversations::rating_comment.eq(comment)))
                        .execute(conn)
                        .await?;
                    (UpdateCause::Rating, true)
                }
                ConversationOp::AgentRead(seq) => {
                    let seq = seq.min(current.row.last_seq);
                    if seq <= current.row.agent_read_seq {
                        return Ok(ChangeOutcome::Unchanged(Box::new(current)));
                    }
                    let unread: i64 = messages::table
                        .filter(messages::conversation_id.eq(conversation_id))
                        .filter(messages::sender_type.eq(Sender::Visitor.as_str()))
                        .filter(messages::seq.gt(seq))
                        .count()
                        .get_result(conn)
                        .await?;
                    diesel::update(target)
                        .set((conversations::agent_read_seq.eq(seq), conversations::agent_unread.eq(unread)))
                        .execute(conn)
                        .await?;
                    (UpdateCause::AgentRead, true)
                }
                ConversationOp::VisitorRead(seq) => {
                    let seq = seq.min(current.row.last_seq);
                    if seq <= current.row.visitor_read_seq {
                        return Ok(ChangeOutcome::Unchanged(Box::new(current)));
                    }
                    diesel::update(target).set(conversations::visitor_read_seq.eq(seq)).execute(conn).await?;
                    (UpdateCause::VisitorRead, false)
                }
            };
            diesel::update(target).set(conversations::updated_at.eq(now)).execute(conn).await?;
            let view = load_view!(conn, conversations::id.eq(conversation_id))
                .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
            let mut new = vec![NewEvent {
                conversation_id: Some(conversation_id.to_owned()),
                visitor_id: Some(view.row.visitor_id.clone()),
                visitor_visible,
                body: EventBody::ConversationUpdated { conversation: view.clone(), cause },
            }];
            if let Some((recipient, transfer)) = notice {
                new.push(NewEvent {
                    conversation_id: Some(conversation_id.to_owned()),
                    visitor_id: None,
                    visitor_visible: false,
                    body: EventBody::AssignmentNotice { conversation: view.clone(), recipient, transfer },
                });
            }
            // Capacity freed or a conversation (re)queued: let routing act in the same transaction.
            if matches!(cause, UpdateCause::Status | UpdateCause::Assignment) {
                new.extend(route_queue!(conn, workspace_id, now, grace));
            }
            let view = load_view!(conn, conversations::id.eq(conversation_id))
                .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
            let events = append_events!(conn, workspace_id, now, new);
            Ok(ChangeOutcome::Changed(Box::new(view), events))
        })
    }

    /// Up to `limit` messages below `before_seq` (0: from the newest), oldest first, and
    /// whether older ones exist. Internal notes only when `include_internal`.
    pub async fn messages(
        &self,
        conversation_id: &str,
        before_seq: i64,
        limit: i64,
        include_internal: bool,
    ) -> Result<(Vec<MessageRow>, bool), StoreError> {
        let mut rows: Vec<MessageRow> = read!(self, |conn| {
            let mut query = messages::table
                .filter(messages::conversation_id.eq(conversation_id))
                .order(messages::seq.desc())
                .limit(limit + 1)
                .select(MessageRow::as_select())
                .into_boxed();
            if before_seq > 0 {
                query = query.filter(messages::seq.lt(before_seq));
            }
            if !include_internal {
                query = query.filter(messages::internal.eq(false));
            }
            Ok::<_, StoreError>(query.load(conn).await?)
        })?;
        let has_more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        rows.reverse();
        Ok((rows, has_more))
    }

    /// Stores an uploaded file's record (its bytes are already on disk).
    pub async fn insert_attachment(&self, row: AttachmentRow) -> Result<AttachmentRow, StoreError> {
        write!(self, |conn| {
            diesel::insert_into(attachments::table).values(&row).execute(conn).await?;
            Ok(row)
        })
    }

    /// An attachment by id.
    pub async fn attachment(&self, attachment_id: &str) -> Result<Option<AttachmentRow>, StoreError> {
        read!(self, |conn| {
            Ok(attachments::table
                .find(attachment_id)
                .select(AttachmentRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })
    }
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on SQLite and PostgreSQL.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// SQLite group commit: message sends that arrive while the single writer is busy are
/// stored together in its next transaction, each in its own savepoint, so one send that
/// fails is rolled back alone and the others still commit. Without a backlog a batch is one
/// send, so an idle server answers as fast as before.
///
/// Invariants are those of one send per transaction: each send's statements run in its
/// savepoint in batch order, then the event-log rows of the sends that succeeded are
/// appended in that order, and the batch commits as one; so `seq` and the workspace's
/// `event_seq` stay gap-free and in commit order, and a retry whose original is in the same
/// batch finds it in the duplicate check.
///
/// PostgreSQL sends keep a transaction each: the same batching there, on one connection
/// whose statements run one round trip after another, stored 214 msg/s against 575 with a
/// transaction per send (32 senders, measured 2026-12-02). Sharing the commit there needs the
/// batch's statements pipelined, not a loop.
#[derive(Clone)]
pub struct SendQueue {
    jobs: tokio::sync::mpsc::Sender<SendJob>,
}

struct SendJob {
    new: NewMessage,
    grace: i64,
    reply: tokio::sync::oneshot::Sender<Result<SendOutcome, StoreError>>,
}

/// Most sends in one transaction (bounds how long one commit holds the others' answers).
const MAX_BATCH: usize = 64;

impl SendQueue {
    /// Starts the writer task on the current tokio runtime; it ends when every clone of
    /// the queue is dropped.
    pub fn start(writer: Pool<SqliteWriter>) -> Self {
        let (jobs, receiver) = tokio::sync::mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(Self::run(writer, receiver));
        Self { jobs }
    }

    /// Stores one message through the next batch.
    pub async fn send(&self, new: NewMessage, grace: i64) -> Result<SendOutcome, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let stopped = || StoreError::Connection("the SQLite writer task has stopped".to_owned());
        self.jobs.send(SendJob { new, grace, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    async fn run(writer: Pool<SqliteWriter>, mut receiver: tokio::sync::mpsc::Receiver<SendJob>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let (work, replies): (Vec<_>, Vec<_>) = batch.drain(..).map(|j| ((j.new, j.grace), j.reply)).unzip();
            let outcomes = match writer.get().await {
                Ok(mut conn) => {
                    conn.transaction(async |conn| {
                        let mut staged = Vec::with_capacity(work.len());
                        for (new, grace) in &work {
                            // Nested: a savepoint, rolled back alone when this send fails.
                            staged.push(conn.transaction(async |conn| send_in_transaction!(conn, new, *grace)).await);
                        }
                        // The event-log appends last (as in a single send), in batch order.
                        let mut outcomes = Vec::with_capacity(work.len());
                        for ((new, _), staged) in work.iter().zip(staged) {
                            outcomes.push(match staged {
                                Ok(Staged::Sent(message, new_events)) => {
                                    let events = append_events!(conn, &new.workspace_id, new.now, new_events);
                                    Ok(SendOutcome::Sent(message, events))
                                }
                                Ok(Staged::Done(outcome)) => Ok(outcome),
                                Err(error) => Err(error),
                            });
                        }
                        Ok::<_, StoreError>(outcomes)
                    })
                    .await
                }
                Err(error) => Err(StoreError::from_pool(error)),
            };
            match outcomes {
                Ok(outcomes) => {
                    for (reply, outcome) in replies.into_iter().zip(outcomes) {
                        // The caller may have gone (request cancelled); what committed stays.
                        let _ = reply.send(outcome);
                    }
                }
                Err(error) => {
                    let message = error.to_string();
                    for reply in replies {
                        let _ = reply.send(Err(StoreError::Batch(message.clone())));
                    }
                }
            }
        }
    }
}
