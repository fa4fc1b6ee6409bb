//! Conversations and messages: the write path (message, conversation update and event
//! log entry in one transaction) and the queries behind inboxes and history.

use crate::domain::id::{ConversationId, TeamId, UserId, VisitorId, WidgetId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::events::NewEvent;
use super::models::{AttachmentRow, ConversationRow, MessageRow};
use super::queries::{Counts as _, Reads, Writes as _};
use super::schema::{attachments, conversations, memberships, messages, teams, users, visitors};
use super::{Backend, Store, StoreError, is_unique_violation, read, write};
use crate::domain::bot::HandOff;
use crate::domain::conversation::{self as rules, Line, MessageToSend, Refused, Sender, Status};
use crate::domain::routing::Responder;
use crate::realtime::event::{Event, EventBody, UpdateCause};
use crate::realtime::payload::{ConversationView, Message};

/// What a visitor who gave no name is called in messages.
pub const VISITOR_FALLBACK_NAME: &str = "Visitor";

/// What sending led to.
#[derive(Debug)]
pub enum SendOutcome {
    /// Stored; publish the events. The flag: jobs were written with it (wake the workers).
    Sent(Message, Vec<Event>, bool),
    /// The idempotency key was used before: the original message.
    Duplicate(Message),
    NotFound,
    /// The idempotency key is taken by another sender's message in the conversation.
    KeyInUse,
    /// An attachment id is unknown, used already, or of another conversation.
    BadAttachment(String),
    Refused(Refused),
}

/// A send done but for appending its events to the log (which the caller does last, in
/// batch order on SQLite).
pub(crate) enum Staged {
    /// The flag: jobs were written with it.
    Sent(Message, Vec<NewEvent>, bool),
    Done(SendOutcome),
}

/// The conversation a change is for: of the workspace, and of the visitor when a visitor
/// asks (anything else is "not found").
#[derive(Clone, Copy, Debug)]
pub struct ConversationRef<'a> {
    pub workspace_id: &'a WorkspaceId,
    pub conversation_id: &'a ConversationId,
    pub visitor_id: Option<&'a VisitorId>,
    /// The member making the change (named in the transcript's line); `None` for a visitor.
    pub by: Option<&'a UserId>,
}

impl ConversationRef<'_> {
    /// The acting member's name, for the transcript's line.
    async fn actor(&self, conn: &mut impl Reads) -> Result<Option<String>, StoreError> {
        match self.by {
            Some(user_id) => Ok(Some(conn.user_name(user_id).await?).filter(|name| !name.is_empty())),
            None => Ok(None),
        }
    }

    /// The conversation as it is, if the caller may change it.
    async fn current(&self, conn: &mut impl Reads) -> Result<Option<ConversationView>, StoreError> {
        let view = conn.conversation_view(self.workspace_id, self.conversation_id).await?;
        Ok(view.filter(|v| self.visitor_id.is_none_or(|id| v.conversation.visitor_id == *id)))
    }
}

/// How a change shows in the event log.
#[derive(Debug)]
pub(crate) struct ConversationChange {
    pub cause: UpdateCause,
    /// Whether the visitor's feed shows it.
    pub visitor_visible: bool,
    /// A new assignee's notice: (user id, whether it moved from another agent).
    pub notice: Option<(UserId, bool)>,
    /// The transcript's line about it, written before the events.
    pub line: Option<Line>,
    /// An internal note by the bot after the line: (the bot's name, the text).
    pub bot_note: Option<(String, String)>,
}

/// Whether `start_conversation` may continue the visitor's latest conversation.
#[derive(Clone, Copy, Debug)]
pub struct Continue {
    /// The widget's quiet period after a resolution (`Behavior::reopen_within_ms`).
    pub reopen_within_ms: i64,
    /// Start anew even within the quiet period (an open conversation is still returned).
    pub start_new: bool,
}

impl ConversationChange {
    fn seen_by_all(cause: UpdateCause) -> Self {
        Self { cause, visitor_visible: true, notice: None, line: None, bot_note: None }
    }

    fn seen_by_agents(cause: UpdateCause) -> Self {
        Self { cause, visitor_visible: false, notice: None, line: None, bot_note: None }
    }

    fn with_line(self, line: Line) -> Self {
        Self { line: Some(line), ..self }
    }
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
    pub assignee: Option<Option<UserId>>,
    pub priority: Option<rules::Priority>,
    pub widget_id: Option<WidgetId>,
    pub team_id: Option<TeamId>,
    /// Lower-cased search text.
    pub query: Option<String>,
    /// Keyset position: strictly older than (last_message_at, id).
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// What a send whose key is already in the conversation gets: its original message when
/// the same sender sent it (a retry), otherwise a refusal — never someone else's message,
/// which may be an internal note the caller must not read.
pub(crate) fn retried(original: &MessageRow, new: &MessageToSend) -> Result<SendOutcome, StoreError> {
    Ok(if original.sender_type == new.sender && original.sender_id == new.sender_id {
        SendOutcome::Duplicate(original.to_payload()?)
    } else {
        SendOutcome::KeyInUse
    })
}

/// `%text%` for LIKE with `\` escaping the wildcards.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Views of joined rows, with queue positions for the queued ones.
    async fn with_queue_positions(
        &self,
        rows: Vec<(ConversationRow, String, String, Option<String>)>,
    ) -> Result<Vec<ConversationView>, StoreError> {
        let mut views = Vec::with_capacity(rows.len());
        for (row, visitor_name, visitor_email, assignee) in rows {
            let conversation = row.to_payload()?;
            let queue_position = if conversation.queued_at.is_some() {
                read!(self, |conn| { conn.queue_position(&conversation).await })?
            } else {
                0
            };
            views.push(ConversationView {
                conversation,
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
        lifecycle: Continue,
    ) -> Result<(ConversationView, bool, Vec<Event>), StoreError> {
        let now = row.created_at;
        let grace = self.agent_grace_ms();
        let missing = || StoreError::Query(diesel::result::Error::NotFound);
        write!(self, workspace = &row.workspace_id, |conn| {
            let latest: Option<(ConversationId, Status, Option<i64>)> = conversations::table
                .filter(conversations::workspace_id.eq(&row.workspace_id))
                .filter(conversations::visitor_id.eq(&row.visitor_id))
                .filter(conversations::widget_id.eq(&row.widget_id))
                .filter(conversations::status.ne(Status::Closed))
                .order((conversations::created_at.desc(), conversations::id.desc()))
                .select((conversations::id, conversations::status, conversations::resolved_at))
                .first(conn)
                .await
                .optional()?;
            if let Some((id, status, resolved_at)) = latest {
                let continues = status.is_open()
                    || (!lifecycle.start_new
                        && rules::visitor_continues(status, resolved_at, now, lifecycle.reopen_within_ms));
                if continues {
                    let view = conn.conversation_view(&row.workspace_id, &id).await?.ok_or_else(missing)?;
                    return Ok((view, true, Vec::new()));
                }
            }
            diesel::insert_into(conversations::table).values(&row).execute(conn).await?;
            conn.recount(&row.id, now).await?;
            let created = conn.conversation_view(&row.workspace_id, &row.id).await?.ok_or_else(missing)?;
            let mut new = vec![NewEvent {
                conversation_id: Some(row.id.clone()),
                visitor_id: Some(row.visitor_id.clone()),
                visitor_visible: true,
                body: EventBody::ConversationCreated { conversation: created },
            }];
            new.extend(conn.route_queue(&row.workspace_id, now, grace).await?);
            let view = conn.conversation_view(&row.workspace_id, &row.id).await?.ok_or_else(missing)?;
            let events = conn.append_events(&row.workspace_id, now, new).await?;
            Ok((view, false, events))
        })
    }

    /// One conversation of the workspace (and of the visitor, when given).
    pub async fn conversation(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        visitor_id: Option<&VisitorId>,
    ) -> Result<Option<ConversationView>, StoreError> {
        let view = read!(self, |conn| { conn.conversation_view(workspace_id, conversation_id).await })?;
        Ok(view.filter(|v| visitor_id.is_none_or(|id| v.conversation.visitor_id == *id)))
    }

    /// The visitor's conversations, newest activity first.
    pub async fn visitor_conversations(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
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
        workspace_id: &WorkspaceId,
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
                query = query.filter(conversations::status.eq_any(filter.statuses.iter().copied()));
            }
            match &filter.assignee {
                Some(Some(user)) => query = query.filter(conversations::assignee_user_id.eq(user.clone())),
                Some(None) => query = query.filter(conversations::assignee_user_id.is_null()),
                None => {}
            }
            if let Some(priority) = filter.priority {
                query = query.filter(conversations::priority.eq(priority));
            }
            if let Some(widget) = &filter.widget_id {
                query = query.filter(conversations::widget_id.eq(widget.clone()));
            }
            if let Some(team) = &filter.team_id {
                query = query.filter(conversations::team_id.eq(team.clone()));
            }
            if let Some(text) = &filter.query {
                let pattern = like_pattern(text);
                // The transcript's lines (internal system messages) are not searched:
                // "resolved by" would find every conversation.
                let in_messages = messages::table
                    .filter(messages::conversation_id.eq(conversations::id))
                    .filter(messages::sender_type.ne(Sender::System).or(messages::internal.eq(false)))
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
    pub async fn send_message(&self, new: MessageToSend) -> Result<SendOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        // Batched with the sends that arrive meanwhile (group commit, see `store::sends`).
        let result = match self.backend() {
            Backend::Sqlite { sends, .. } => sends.send(new.clone(), grace).await,
            Backend::Postgres { sends, .. } => sends.write((new.clone(), grace)).await,
        };
        match result {
            // Two retries raced past the duplicate check: the loser returns the winner's message.
            Err(StoreError::Query(e)) if is_unique_violation(&e) => {
                let original = read!(self, |conn| {
                    Ok::<_, StoreError>(
                        messages::table
                            .filter(messages::workspace_id.eq(&new.workspace_id))
                            .filter(messages::conversation_id.eq(&new.conversation_id))
                            .filter(messages::client_key.eq(&new.client_key))
                            .select(MessageRow::as_select())
                            .first(conn)
                            .await
                            .optional()?,
                    )
                })?;
                original.map_or(Ok(SendOutcome::NotFound), |original| retried(&original, &new))
            }
            other => other,
        }
    }

    /// Assigns a conversation to a member of the workspace, or unassigns it (`None`: back in
    /// the queue by its age); the new assignee's feed gets a notice.
    pub async fn assign_conversation(
        &self,
        target: ConversationRef<'_>,
        assignee: Option<UserId>,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            if let Some(user) = &assignee {
                let member: i64 = memberships::table
                    .filter(memberships::workspace_id.eq(target.workspace_id))
                    .filter(memberships::user_id.eq(user))
                    .count()
                    .get_result(conn)
                    .await?;
                if member == 0 {
                    return Ok(ChangeOutcome::NoSuchAssignee);
                }
            }
            if assignee == current.conversation.assignee_user_id {
                return Ok(ChangeOutcome::Unchanged(Box::new(current)));
            }
            let next = match rules::after_assignment(current.conversation.status, assignee.is_some()) {
                Ok(s) => s,
                Err(r) => return Ok(ChangeOutcome::Refused(r)),
            };
            // Unassigned and open: back in the queue (by its age); assigned: out of it.
            let queued_at = match &assignee {
                Some(_) => None,
                None => Some(current.conversation.queued_at.unwrap_or(now)),
            };
            diesel::update(conversations::table.find(target.conversation_id))
                .set((
                    conversations::assignee_user_id.eq(&assignee),
                    conversations::status.eq(next),
                    conversations::queued_at.eq(queued_at),
                    conversations::responder.eq(Responder::Agents),
                ))
                .execute(conn)
                .await?;
            let to = match &assignee {
                Some(user) => conn.user_name(user).await?,
                None => String::new(),
            };
            let line = Line::assignment(&current.assignee_name, &to, target.actor(conn).await?);
            let notice = assignee.map(|user| (user, current.conversation.assignee_user_id.is_some()));
            let change = ConversationChange {
                cause: UpdateCause::Assignment,
                visitor_visible: true,
                notice,
                line,
                bot_note: None,
            };
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Sends a conversation to a team (`None`: the whole workspace): the assignee is
    /// cleared and, while open and with the agents, it waits in that team's line and is
    /// routed at once. `NoSuchAssignee` stands for "no such team".
    pub async fn set_conversation_team(
        &self,
        target: ConversationRef<'_>,
        team_id: Option<TeamId>,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            let team_name: Option<String> = match &team_id {
                None => None,
                Some(team) => {
                    let name: Option<String> = teams::table
                        .filter(teams::id.eq(team))
                        .filter(teams::workspace_id.eq(target.workspace_id))
                        .select(teams::name)
                        .get_result(conn)
                        .await
                        .optional()?;
                    let Some(name) = name else { return Ok(ChangeOutcome::NoSuchAssignee) };
                    Some(name)
                }
            };
            let row = &current.conversation;
            if row.status == Status::Closed {
                return Ok(ChangeOutcome::Refused(Refused("this conversation is closed; reopen it first")));
            }
            if row.team_id == team_id && row.assignee_user_id.is_none() {
                return Ok(ChangeOutcome::Unchanged(Box::new(current)));
            }
            let next = match rules::after_assignment(row.status, false) {
                Ok(s) => s,
                Err(r) => return Ok(ChangeOutcome::Refused(r)),
            };
            let queue = next.is_open() && row.responder == Responder::Agents;
            diesel::update(conversations::table.find(target.conversation_id))
                .set((
                    conversations::team_id.eq(&team_id),
                    conversations::assignee_user_id.eq(None::<UserId>),
                    conversations::status.eq(next),
                    conversations::queued_at.eq(if queue { Some(row.queued_at.unwrap_or(now)) } else { None }),
                ))
                .execute(conn)
                .await?;
            let line = Line::Team { to: team_name, by: target.actor(conn).await? };
            let change = ConversationChange::seen_by_all(UpdateCause::Assignment).with_line(line);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Sets a conversation's priority (agents only see it).
    pub async fn set_conversation_priority(
        &self,
        target: ConversationRef<'_>,
        priority: rules::Priority,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            if target.current(conn).await?.is_none() {
                return Ok(ChangeOutcome::NotFound);
            }
            diesel::update(conversations::table.find(target.conversation_id))
                .set(conversations::priority.eq(priority))
                .execute(conn)
                .await?;
            let change = ConversationChange::seen_by_agents(UpdateCause::Priority);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Replaces a conversation's tags (agents only see them).
    pub async fn set_conversation_tags(
        &self,
        target: ConversationRef<'_>,
        tags: &[String],
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        let tags = serde_json::to_string(tags)?;
        write!(self, workspace = target.workspace_id, |conn| {
            if target.current(conn).await?.is_none() {
                return Ok(ChangeOutcome::NotFound);
            }
            diesel::update(conversations::table.find(target.conversation_id))
                .set(conversations::tags.eq(&tags))
                .execute(conn)
                .await?;
            let change = ConversationChange::seen_by_agents(UpdateCause::Tags);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Resolves a conversation (it leaves the queue; its agent's capacity is freed).
    pub async fn resolve_conversation(
        &self,
        target: ConversationRef<'_>,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            let next = match rules::resolve(current.conversation.status) {
                Ok(s) => s,
                Err(r) => return Ok(ChangeOutcome::Refused(r)),
            };
            diesel::update(conversations::table.find(target.conversation_id))
                .set((
                    conversations::status.eq(next),
                    conversations::resolved_at.eq(now),
                    conversations::queued_at.eq(None::<i64>),
                ))
                .execute(conn)
                .await?;
            let line = Line::Resolved { by: target.actor(conn).await? };
            let change = ConversationChange::seen_by_all(UpdateCause::Status).with_line(line);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Closes a conversation for good (the visitor starts a new one next time).
    pub async fn close_conversation(&self, target: ConversationRef<'_>, now: i64) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            let next = match rules::close(current.conversation.status) {
                Ok(s) => s,
                Err(r) => return Ok(ChangeOutcome::Refused(r)),
            };
            diesel::update(conversations::table.find(target.conversation_id))
                .set((
                    conversations::status.eq(next),
                    conversations::closed_at.eq(now),
                    conversations::queued_at.eq(None::<i64>),
                ))
                .execute(conn)
                .await?;
            let line = Line::Closed { by: target.actor(conn).await? };
            let change = ConversationChange::seen_by_all(UpdateCause::Status).with_line(line);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Reopens a resolved or closed conversation; unassigned, it joins the queue again.
    pub async fn reopen_conversation(
        &self,
        target: ConversationRef<'_>,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            let assigned = current.conversation.assignee_user_id.is_some();
            let next = match rules::reopen(current.conversation.status, assigned) {
                Ok(s) => s,
                Err(r) => return Ok(ChangeOutcome::Refused(r)),
            };
            let queue = !assigned && current.conversation.responder == Responder::Agents;
            diesel::update(conversations::table.find(target.conversation_id))
                .set((
                    conversations::status.eq(next),
                    conversations::resolved_at.eq(None::<i64>),
                    conversations::closed_at.eq(None::<i64>),
                    conversations::queued_at.eq(if queue { Some(now) } else { None }),
                ))
                .execute(conn)
                .await?;
            let line = Line::Reopened { by: target.actor(conn).await? };
            let change = ConversationChange::seen_by_all(UpdateCause::Status).with_line(line);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Hands a bot-answered conversation to the human agents (queued, then routed), with
    /// the reason as the transcript's line and, when there is one, a summary for them as
    /// the bot's internal note (`note`: the bot's name and the summary).
    ///
    /// `team`: the team it goes to instead of its own (one the workspace no longer has is
    /// ignored). A flow's conversation waiting for an answer stops waiting.
    pub async fn hand_to_agents(
        &self,
        target: ConversationRef<'_>,
        why: &HandOff,
        note: Option<(&str, &str)>,
        team: Option<&TeamId>,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            if current.conversation.status == Status::Closed {
                return Ok(ChangeOutcome::Refused(Refused("this conversation is closed; start a new one")));
            }
            if current.conversation.responder == Responder::Agents {
                return Ok(ChangeOutcome::Unchanged(Box::new(current)));
            }
            let team: Option<(TeamId, String)> = match team {
                None => None,
                Some(team) => teams::table
                    .filter(teams::id.eq(team))
                    .filter(teams::workspace_id.eq(target.workspace_id))
                    .select((teams::id, teams::name))
                    .get_result(conn)
                    .await
                    .optional()?,
            };
            let assigned = current.conversation.assignee_user_id.is_some();
            diesel::update(conversations::table.find(target.conversation_id))
                .set((
                    conversations::responder.eq(Responder::Agents),
                    conversations::queued_at.eq(if assigned { None } else { Some(now) }),
                    conversations::flow_step.eq(None::<String>),
                    team.as_ref().map(|(id, _)| conversations::team_id.eq(id)),
                ))
                .execute(conn)
                .await?;
            let reason = match &team {
                Some((_, name)) => format!("{why}, to {name}"),
                None => why.to_string(),
            };
            let line = Line::HandedToAgents { reason };
            let mut change = ConversationChange::seen_by_all(UpdateCause::Assignment).with_line(line);
            change.bot_note = note
                .filter(|(_, summary)| !summary.trim().is_empty())
                .map(|(name, summary)| (name.to_owned(), format!("Summary for the team: {}", summary.trim())));
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Records the visitor's rating of a conversation.
    pub async fn rate_conversation(
        &self,
        target: ConversationRef<'_>,
        rating: i32,
        comment: &str,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            if let Err(r) = rules::can_rate(current.conversation.status) {
                return Ok(ChangeOutcome::Refused(r));
            }
            diesel::update(conversations::table.find(target.conversation_id))
                .set((conversations::rating.eq(rating), conversations::rating_comment.eq(comment)))
                .execute(conn)
                .await?;
            let change = ConversationChange::seen_by_all(UpdateCause::Rating);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Marks the agents' side read up to `seq` (never backwards); recounts their unread.
    pub async fn mark_read_by_agents(
        &self,
        target: ConversationRef<'_>,
        seq: i64,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            let seq = seq.min(current.conversation.last_seq);
            if seq <= current.conversation.agent_read_seq {
                return Ok(ChangeOutcome::Unchanged(Box::new(current)));
            }
            let unread: i64 = messages::table
                .filter(messages::conversation_id.eq(target.conversation_id))
                .filter(messages::sender_type.eq(Sender::Visitor))
                .filter(messages::seq.gt(seq))
                .count()
                .get_result(conn)
                .await?;
            diesel::update(conversations::table.find(target.conversation_id))
                .set((conversations::agent_read_seq.eq(seq), conversations::agent_unread.eq(unread)))
                .execute(conn)
                .await?;
            let change = ConversationChange::seen_by_all(UpdateCause::AgentRead);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Marks the visitor's side read up to `seq` (never backwards).
    /// Marks a conversation as left through the offline form; the message sent into it
    /// next announces this with the rest of its state.
    pub async fn mark_left_offline(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
    ) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::update(
                conversations::table
                    .filter(conversations::workspace_id.eq(workspace_id))
                    .filter(conversations::id.eq(conversation_id)),
            )
            .set(conversations::left_offline.eq(true))
            .execute(conn)
            .await?;
            Ok(())
        })
    }

    pub async fn mark_read_by_visitor(
        &self,
        target: ConversationRef<'_>,
        seq: i64,
        now: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = target.workspace_id, |conn| {
            let Some(current) = target.current(conn).await? else { return Ok(ChangeOutcome::NotFound) };
            let seq = seq.min(current.conversation.last_seq);
            if seq <= current.conversation.visitor_read_seq {
                return Ok(ChangeOutcome::Unchanged(Box::new(current)));
            }
            diesel::update(conversations::table.find(target.conversation_id))
                .set(conversations::visitor_read_seq.eq(seq))
                .execute(conn)
                .await?;
            let change = ConversationChange::seen_by_agents(UpdateCause::VisitorRead);
            conn.finish_change(target.workspace_id, target.conversation_id, change, now, grace).await
        })
    }

    /// Up to `limit` messages below `before_seq` (0: from the newest), oldest first, and
    /// whether older ones exist. Internal notes only when `include_internal`.
    pub async fn messages(
        &self,
        conversation_id: &ConversationId,
        before_seq: i64,
        limit: i64,
        include_internal: bool,
    ) -> Result<(Vec<Message>, bool), StoreError> {
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
        let messages = rows.iter().map(MessageRow::to_payload).collect::<Result<_, _>>()?;
        Ok((messages, has_more))
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
