//! [`Writes`] for one writer connection type, `super::Conn` (compiled once per type, see
//! `store::queries`).

use crate::domain::id::{ConversationId, JobId, TeamId, UserId, VisitorId, WorkerId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::Conn;
use crate::domain::conversation::{self as rules, Line, MessageToSend, Sender};
use crate::domain::id::MessageId;
use crate::domain::job::JobState;
use crate::domain::routing::{AgentStatus, Candidate, Mode, Responder, next_turn, pick};
use crate::domain::visitor::MAX_PAGE_VIEWS_KEPT;
use crate::domain::webhook::DeliveryState;
use crate::domain::widget::WidgetSettings;
use crate::realtime::event::{Event, EventBody, UpdateCause};
use crate::realtime::payload::MemberView;
use crate::realtime::payload::Visitor;
use crate::store::StoreError;
use crate::store::conversations::{ChangeOutcome, ConversationChange, SendOutcome, Staged};
use crate::store::events::NewEvent;
use crate::store::many_rows::SendRows;
use crate::store::models::{
    AttachmentRow, ConversationRow, DeliveryRow, EventRow, JobRow, MembershipRow, MessageRow, NewPageView, UserRow,
    VisitorRow, WebhookRow,
};
use crate::store::prepared::LockWorkspace;
use crate::store::queries::{Counts, ManyRows as _, Reads, Writes};
use crate::store::routing::view_of;
use crate::store::schema::rules as rule_rows;
use crate::store::schema::{
    attachments, canned_responses, conversations, jobs, memberships, messages, page_views, refresh_tokens,
    team_members, teams, users, visitors, webhook_deliveries, widgets, workspaces,
};
use crate::store::sends::{self, Plan};
use crate::store::transaction::transaction;
use crate::store::visitors::{VisitorUpdate, visitor_event, with_visit};
use crate::store::webhooks::{NewDelivery, delivery_job};

impl Writes for Conn {
    async fn lock_workspace(&mut self, workspace_id: &WorkspaceId) -> Result<(), StoreError> {
        LockWorkspace { workspace_id: workspace_id.as_str() }.execute(self).await?;
        Ok(())
    }

    async fn lock_workspace_has_rules(&mut self, workspace_id: &WorkspaceId) -> Result<bool, StoreError> {
        let has: Option<bool> =
            LockWorkspace { workspace_id: workspace_id.as_str() }.get_result(self).await.optional()?;
        Ok(has.unwrap_or(false))
    }

    async fn refresh_has_rules(&mut self, workspace_id: &WorkspaceId) -> Result<(), StoreError> {
        let enabled: i64 = rule_rows::table
            .filter(rule_rows::workspace_id.eq(workspace_id))
            .filter(rule_rows::enabled.eq(true))
            .filter(rule_rows::trigger.ne(crate::domain::rule::Trigger::PageVisit.as_str()))
            .count()
            .get_result(self)
            .await?;
        diesel::update(workspaces::table.find(workspace_id))
            .set(workspaces::has_rules.eq(enabled > 0))
            .execute(self)
            .await?;
        Ok(())
    }

    async fn rule_reference_missing(
        &mut self,
        workspace_id: &WorkspaceId,
        spec: &crate::domain::rule::RuleSpec,
    ) -> Result<Option<&'static str>, StoreError> {
        let actions = &spec.actions;
        if let Some(id) = &actions.canned_response_id {
            let n: i64 = canned_responses::table
                .filter(canned_responses::id.eq(id))
                .filter(canned_responses::workspace_id.eq(workspace_id))
                .count()
                .get_result(self)
                .await?;
            if n == 0 {
                return Ok(Some("actions.canned_response_id"));
            }
        }
        if let Some(id) = &actions.team_id {
            let n: i64 = teams::table
                .filter(teams::id.eq(id))
                .filter(teams::workspace_id.eq(workspace_id))
                .count()
                .get_result(self)
                .await?;
            if n == 0 {
                return Ok(Some("actions.team_id"));
            }
        }
        if let Some(id) = &actions.assignee_user_id {
            let n: i64 = memberships::table
                .filter(memberships::user_id.eq(id))
                .filter(memberships::workspace_id.eq(workspace_id))
                .count()
                .get_result(self)
                .await?;
            if n == 0 {
                return Ok(Some("actions.assignee_user_id"));
            }
        }
        Ok(None)
    }

    async fn append_events(
        &mut self,
        workspace_id: &WorkspaceId,
        now: i64,
        new: Vec<NewEvent>,
    ) -> Result<Vec<Event>, StoreError> {
        self.append_events_after(SendRows::default(), workspace_id, now, new).await
    }

    async fn append_events_after(
        &mut self,
        rows: SendRows<'_>,
        workspace_id: &WorkspaceId,
        now: i64,
        new: Vec<NewEvent>,
    ) -> Result<Vec<Event>, StoreError> {
        let count = i64::try_from(new.len()).unwrap_or(i64::MAX);
        // Each event a visitor may see names the one before it (their feeds find gaps with
        // it): their newest logged one, read under the workspace row lock (every write of a
        // workspace takes it first), so no other transaction appends one of theirs between
        // this read and the insert below.
        let mut visitors_of: Vec<&VisitorId> =
            new.iter().filter(|e| e.visitor_visible).filter_map(|e| e.visitor_id.as_ref()).collect();
        visitors_of.sort();
        visitors_of.dedup();
        let (last, newest) = self.insert_and_number(rows, workspace_id, count, &visitors_of).await?;
        let mut newest_visible: Vec<(VisitorId, i64)> =
            newest.into_iter().map(|n| (VisitorId::from_stored(n.visitor_id), n.newest.unwrap_or(0))).collect();
        let mut stored = Vec::with_capacity(new.len());
        let mut rows = Vec::with_capacity(new.len());
        for (seq, event) in (last - count + 1..).zip(new) {
            let visitor_prev_seq = match (&event.visitor_id, event.visitor_visible) {
                (Some(visitor_id), true) => Some(match newest_visible.iter_mut().find(|(id, _)| id == visitor_id) {
                    Some((_, newest)) => std::mem::replace(newest, seq),
                    None => {
                        newest_visible.push((visitor_id.clone(), seq));
                        0
                    }
                }),
                _ => None,
            };
            rows.push(EventRow {
                workspace_id: workspace_id.to_owned(),
                seq,
                conversation_id: event.conversation_id,
                visitor_id: event.visitor_id.clone(),
                visitor_visible: event.visitor_visible,
                body: serde_json::to_string(&event.body)?,
                created_at: now,
            });
            stored.push(Event {
                workspace_id: workspace_id.to_owned(),
                seq,
                visitor_id: event.visitor_id,
                visitor_visible: event.visitor_visible,
                visitor_prev_seq,
                body: event.body,
            });
        }
        self.insert_events(&rows).await?;
        Ok(stored)
    }

    async fn route_queue(
        &mut self,
        workspace_id: &WorkspaceId,
        now: i64,
        grace_ms: i64,
    ) -> Result<Vec<NewEvent>, StoreError> {
        let mut events: Vec<NewEvent> = Vec::new();
        // A plain read: the caller holds the workspace lock already (lock order), which is
        // what serialises assignments.
        let mode: Mode = workspaces::table.find(workspace_id).select(workspaces::routing_mode).get_result(self).await?;
        let queued: Vec<(ConversationId, rules::Status, VisitorId, Option<TeamId>)> = if mode == Mode::Manual {
            Vec::new()
        } else {
            conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::queued_at.is_not_null())
                .filter(conversations::assignee_user_id.is_null())
                .filter(conversations::status.eq_any(rules::Status::OPEN))
                .order((conversations::queued_at.asc(), conversations::id.asc()))
                .select((conversations::id, conversations::status, conversations::visitor_id, conversations::team_id))
                .limit(1000)
                .load(self)
                .await?
        };
        if !queued.is_empty() {
            let members: Vec<(UserId, i32, Option<i64>)> = memberships::table
                .filter(memberships::workspace_id.eq(workspace_id))
                .filter(memberships::status.eq(AgentStatus::Online))
                .filter(memberships::last_active_at.ge(now - grace_ms))
                .select((memberships::user_id, memberships::max_chats, memberships::last_assigned_at))
                .load(self)
                .await?;
            let loads = self.agent_loads(workspace_id).await?;
            let mut candidates: Vec<Candidate> = members
                .into_iter()
                .map(|(user_id, capacity, last_assigned_at)| Candidate {
                    load: loads.iter().find(|(u, _)| *u == user_id).map_or(0, |(_, n)| *n),
                    user_id,
                    capacity: i64::from(capacity),
                    last_assigned_at,
                })
                .collect();
            // Who is in which team, read only when a queued conversation waits for one.
            let teams: Vec<(TeamId, UserId)> = if queued.iter().any(|q| q.3.is_some()) {
                team_members::table
                    .filter(team_members::workspace_id.eq(workspace_id))
                    .select((team_members::team_id, team_members::user_id))
                    .load(self)
                    .await?
            } else {
                Vec::new()
            };
            for (conversation_id, status, visitor_id, team) in queued {
                if !candidates.iter().any(|c| c.load < c.capacity) {
                    break; // nobody has room: the rest wait
                }
                // A team's conversation goes to its members only (the others keep their turn).
                let index = match &team {
                    None => pick(mode, &candidates),
                    Some(team) => {
                        let allowed: Vec<usize> = (0..candidates.len())
                            .filter(|&i| teams.iter().any(|(t, u)| t == team && *u == candidates[i].user_id))
                            .collect();
                        let members: Vec<Candidate> = allowed.iter().map(|&i| candidates[i].clone()).collect();
                        pick(mode, &members).map(|i| allowed[i])
                    }
                };
                let Some(index) = index else { continue };
                let turn = next_turn(&candidates, now);
                let agent = &mut candidates[index];
                let next = rules::after_assignment(status, true).unwrap_or(status);
                diesel::update(conversations::table.find(&conversation_id))
                    .set((
                        conversations::assignee_user_id.eq(&agent.user_id),
                        conversations::status.eq(next),
                        conversations::queued_at.eq(None::<i64>),
                        conversations::updated_at.eq(now),
                    ))
                    .execute(self)
                    .await?;
                self.recount(&conversation_id, now).await?;
                diesel::update(memberships::table.find((workspace_id, &agent.user_id)))
                    .set(memberships::last_assigned_at.eq(turn))
                    .execute(self)
                    .await?;
                agent.load += 1;
                agent.last_assigned_at = Some(turn);
                let recipient = agent.user_id.clone();
                let line = Line::Assigned { to: self.user_name(&recipient).await?, by: None };
                events.push(self.write_line(workspace_id, &conversation_id, &visitor_id, &line, now).await?);
                if let Some(view) = self.conversation_view(workspace_id, &conversation_id).await? {
                    events.push(NewEvent {
                        conversation_id: Some(conversation_id.clone()),
                        visitor_id: Some(view.conversation.visitor_id.clone()),
                        visitor_visible: true,
                        body: EventBody::ConversationUpdated {
                            conversation: view.clone(),
                            cause: UpdateCause::Assignment,
                        },
                    });
                    events.push(NewEvent {
                        conversation_id: Some(conversation_id.clone()),
                        visitor_id: None,
                        visitor_visible: false,
                        body: EventBody::AssignmentNotice { conversation: view, recipient, transfer: false },
                    });
                }
            }
        }
        Ok(events)
    }

    async fn member_view(
        &mut self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
        grace_ms: i64,
    ) -> Result<Option<MemberView>, StoreError> {
        let found: Option<(MembershipRow, UserRow)> = memberships::table
            .inner_join(users::table)
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(memberships::user_id.eq(user_id))
            .select((MembershipRow::as_select(), UserRow::as_select()))
            .get_result(self)
            .await
            .optional()?;
        let Some((membership, user)) = found else { return Ok(None) };
        let load: i64 = conversations::table
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::assignee_user_id.eq(user_id))
            .filter(conversations::status.eq_any(rules::Status::OPEN))
            .count()
            .get_result(self)
            .await?;
        Ok(Some(view_of(membership, user, load, now, grace_ms)))
    }

    async fn unassign_if_configured(
        &mut self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
    ) -> Result<Vec<NewEvent>, StoreError> {
        let mut events: Vec<NewEvent> = Vec::new();
        let unassign: bool =
            workspaces::table.find(workspace_id).select(workspaces::unassign_on_offline).first(self).await?;
        if unassign {
            let theirs: Vec<ConversationRow> = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::assignee_user_id.eq(user_id))
                .filter(conversations::status.eq_any(rules::Status::OPEN))
                .select(ConversationRow::as_select())
                .load(self)
                .await?;
            let from = self.user_name(user_id).await?;
            for row in theirs {
                let line = Line::WentOffline { from: from.clone() };
                events.push(self.write_line(workspace_id, &row.id, &row.visitor_id, &line, now).await?);
                diesel::update(conversations::table.find(&row.id))
                    .set((
                        conversations::assignee_user_id.eq(None::<String>),
                        conversations::status.eq(rules::Status::Pending),
                        conversations::queued_at.eq(row.created_at),
                        conversations::updated_at.eq(now),
                    ))
                    .execute(self)
                    .await?;
                self.recount(&row.id, now).await?;
                if let Some(view) = self.conversation_view(workspace_id, &row.id).await? {
                    events.push(NewEvent {
                        conversation_id: Some(row.id.clone()),
                        visitor_id: Some(row.visitor_id.clone()),
                        visitor_visible: true,
                        body: EventBody::ConversationUpdated { conversation: view, cause: UpdateCause::Assignment },
                    });
                }
            }
        }
        Ok(events)
    }

    async fn prune_page_views(&mut self, visitor_id: &VisitorId) -> Result<(), StoreError> {
        let oldest_kept: Option<(i64, i64)> = page_views::table
            .filter(page_views::visitor_id.eq(visitor_id))
            .order((page_views::viewed_at.desc(), page_views::id.desc()))
            .offset(MAX_PAGE_VIEWS_KEPT - 1)
            .select((page_views::viewed_at, page_views::id))
            .first(self)
            .await
            .optional()?;
        if let Some((at, id)) = oldest_kept {
            diesel::delete(
                page_views::table
                    .filter(page_views::visitor_id.eq(visitor_id))
                    .filter(page_views::viewed_at.lt(at).or(page_views::viewed_at.eq(at).and(page_views::id.lt(id)))),
            )
            .execute(self)
            .await?;
        }
        Ok(())
    }

    async fn update_visitor(&mut self, update: &VisitorUpdate) -> Result<Option<(Visitor, Vec<Event>)>, StoreError> {
        let conn = self;
        let VisitorUpdate { workspace_id, visitor_id, page_view, announce, now, .. } = update;
        let target =
            visitors::table.filter(visitors::workspace_id.eq(workspace_id)).filter(visitors::id.eq(visitor_id));
        let Some(before) = target.select(VisitorRow::as_select()).first(conn).await.optional()? else {
            return Ok(None);
        };
        let change = with_visit(update.change.clone(), &before, update.visit_timeout_ms);
        if let Some(view) = page_view {
            diesel::insert_into(page_views::table)
                .values(NewPageView {
                    workspace_id: workspace_id.to_owned(),
                    visitor_id: visitor_id.to_owned(),
                    url: view.url.clone(),
                    title: view.title.clone(),
                    referrer: view.referrer.clone(),
                    viewed_at: *now,
                })
                .execute(conn)
                .await?;
            conn.prune_page_views(visitor_id).await?;
        }
        // The page view counted in the same statement as the change.
        let counted = page_view.is_some().then(|| visitors::page_views.eq(visitors::page_views + 1));
        let visitor: VisitorRow = diesel::update(target)
            .set((&change, counted))
            .returning(VisitorRow::as_returning())
            .get_result(conn)
            .await?;
        // Heartbeats are announced only when something agents see changed.
        let changed = visitor.online != before.online
            || visitor.current_url != before.current_url
            || visitor.name != before.name
            || visitor.email != before.email
            || visitor.attributes != before.attributes
            || visitor.visit_started_at != before.visit_started_at
            || visitor.country_code != before.country_code
            || visitor.city != before.city
            || page_view.is_some();
        let events = if *announce && changed {
            let mut changes = visitor.changes_since(&before);
            // Their first page view is when agents first hear of them: say that they are
            // here, so that a dashboard not listing them yet fetches them.
            if before.page_views == 0 && page_view.is_some() {
                changes.online = Some(visitor.online);
            }
            conn.append_events(workspace_id, *now, vec![visitor_event(&visitor.id, changes)]).await?
        } else {
            Vec::new()
        };
        Ok(Some((visitor.to_payload(), events)))
    }

    async fn set_password(&mut self, user_id: &UserId, password_hash: &str, now: i64) -> Result<(), StoreError> {
        diesel::update(users::table.find(user_id)).set(users::password_hash.eq(password_hash)).execute(self).await?;
        diesel::update(refresh_tokens::table)
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null())
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(self)
            .await?;
        Ok(())
    }

    async fn enqueue_job(&mut self, new: &crate::jobs::NewJob, now: i64) -> Result<JobId, StoreError> {
        let row = JobRow {
            id: JobId::new(),
            workspace_id: new.workspace_id.clone(),
            kind: new.job.kind().to_owned(),
            summary: new.summary.clone(),
            payload: serde_json::to_string(&new.job)?,
            state: JobState::Queued,
            attempts: 0,
            max_attempts: new.job.max_attempts(),
            run_at: now.saturating_add(i64::try_from(new.delay.as_millis()).unwrap_or(i64::MAX)),
            locked_by: None,
            locked_until: None,
            last_error: String::new(),
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(jobs::table).values(&row).execute(self).await?;
        Ok(row.id)
    }

    async fn write_delivery(
        &mut self,
        webhook: &WebhookRow,
        delivery: &NewDelivery,
        now: i64,
    ) -> Result<DeliveryRow, StoreError> {
        let row = DeliveryRow {
            id: delivery.id.clone(),
            webhook_id: webhook.id.clone(),
            workspace_id: webhook.workspace_id.clone(),
            event_type: delivery.event_type.clone(),
            payload: delivery.payload.clone(),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: Some(now),
            response_status: 0,
            latency_ms: 0,
            error: String::new(),
            response_excerpt: String::new(),
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(webhook_deliveries::table).values(&row).execute(self).await?;
        self.enqueue_job(&delivery_job(webhook, delivery), now).await?;
        Ok(row)
    }

    async fn mark_claimed(
        &mut self,
        ids: &[JobId],
        worker: &WorkerId,
        now: i64,
        lease_ms: i64,
    ) -> Result<Vec<JobRow>, StoreError> {
        // The claim conditions again: on PostgreSQL a row another worker claimed between
        // the select and this update no longer matches (the update re-reads it).
        let claimable = jobs::state
            .eq(JobState::Queued)
            .and(jobs::run_at.le(now))
            .or(jobs::state.eq(JobState::Running).and(jobs::locked_until.lt(now)));
        Ok(diesel::update(jobs::table.filter(jobs::id.eq_any(ids)).filter(claimable))
            .set((
                jobs::state.eq(JobState::Running),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::locked_by.eq(worker),
                jobs::locked_until.eq(now.saturating_add(lease_ms)),
                jobs::updated_at.eq(now),
            ))
            .returning(JobRow::as_returning())
            .get_results(self)
            .await?)
    }

    async fn write_line(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        visitor_id: &VisitorId,
        line: &Line,
        now: i64,
    ) -> Result<NewEvent, StoreError> {
        let note = InternalNote { sender: Sender::System, name: "", body: line.to_string() };
        write_internal(self, workspace_id, conversation_id, visitor_id, note, now).await
    }

    async fn write_bot_note(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        visitor_id: &VisitorId,
        name: &str,
        body: &str,
        now: i64,
    ) -> Result<NewEvent, StoreError> {
        let note = InternalNote { sender: Sender::Bot, name, body: body.to_owned() };
        write_internal(self, workspace_id, conversation_id, visitor_id, note, now).await
    }

    async fn stage_send(&mut self, new: &MessageToSend, grace_ms: i64) -> Result<Staged, StoreError> {
        // First, before the conversation row (see `lock_workspace`): the event-log
        // append at the end needs this lock anyway.
        let has_rules = self.lock_workspace_has_rules(&new.workspace_id).await?;
        // The row alone: names and queue place are only needed if an event shows the
        // conversation, and then it is read again after the update below. A visitor's
        // own name comes with it.
        let found: Option<(ConversationRow, Option<String>)> = match &new.sender_name {
            Some(_) => conversations::table
                .filter(conversations::id.eq(&new.conversation_id))
                .filter(conversations::workspace_id.eq(&new.workspace_id))
                .select(ConversationRow::as_select())
                .get_result(self)
                .await
                .optional()?
                .map(|row| (row, None)),
            None => conversations::table
                .inner_join(visitors::table)
                .filter(conversations::id.eq(&new.conversation_id))
                .filter(conversations::workspace_id.eq(&new.workspace_id))
                .select((ConversationRow::as_select(), visitors::name.nullable()))
                .get_result(self)
                .await
                .optional()?,
        };
        // `get_result`, not `first`: the key is unique, and on SQLite the `LIMIT ?` that
        // `first` binds makes every such statement compile twice (the planner looks at a
        // bound LIMIT, so binding it expires the statement).
        let original = match &found {
            Some(_) => messages::table
                .filter(messages::conversation_id.eq(&new.conversation_id))
                .filter(messages::client_key.eq(&new.client_key))
                .select(MessageRow::as_select())
                .get_result(self)
                .await
                .optional()?,
            None => None,
        };
        let (current, sender_name) = match sends::check(new, found, original.as_ref())? {
            Ok(go) => go,
            Err(outcome) => return Ok(Staged::Done(outcome)),
        };
        // A visitor back after the widget's quiet period starts a new conversation instead
        // (read only on this rare path: the settings live with the widget).
        if sends::needs_reopen_window(new, &current) {
            let settings: Option<String> =
                widgets::table.find(&current.widget_id).select(widgets::settings).get_result(self).await.optional()?;
            // Unreadable settings (logged where the widget is served) mean the defaults.
            let behavior = settings
                .and_then(|json| serde_json::from_str::<WidgetSettings>(&json).ok())
                .unwrap_or_default()
                .behavior;
            if !rules::visitor_continues(current.status, current.resolved_at, new.now, behavior.reopen_within_ms()) {
                return Ok(Staged::Done(SendOutcome::Refused(rules::Refused(
                    "this conversation was resolved; start a new one",
                ))));
            }
        }
        let plan = match Plan::new(new, current, sender_name) {
            Ok(plan) => plan,
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
            .get_results(self)
            .await?;
            if claimed.len() != new.attachment_ids.len() {
                diesel::update(attachments::table.filter(attachments::message_id.eq(&new.message_id)))
                    .set(attachments::message_id.eq(None::<String>))
                    .execute(self)
                    .await?;
                // The first id not claimed; with all claimed, the list named one twice.
                let bad = new
                    .attachment_ids
                    .iter()
                    .enumerate()
                    .find(|(i, id)| {
                        !claimed.iter().any(|f| f.id.as_str() == id.as_str()) || new.attachment_ids[..*i].contains(id)
                    })
                    .map_or_else(String::new, |(_, id)| id.clone());
                return Ok(Staged::Done(SendOutcome::BadAttachment(bad)));
            }
            // In the order the sender gave.
            for id in &new.attachment_ids {
                if let Some(file) = claimed.iter().find(|f| f.id.as_str() == id.as_str()) {
                    files.push(file.clone());
                }
            }
        }

        let visitor_id = plan.current.visitor_id.clone();
        // The transcript says why a resolved conversation is open again, before the message.
        let reopened = if plan.reopens() {
            let line = Line::ReopenedByMessage { from: plan.sender_name.clone() };
            Some(self.write_line(&new.workspace_id, &new.conversation_id, &visitor_id, &line, new.now).await?)
        } else {
            None
        };
        let taken = if plan.takes_over {
            let line = Line::Assigned { to: plan.sender_name.clone(), by: Some(plan.sender_name.clone()) };
            Some(self.write_line(&new.workspace_id, &new.conversation_id, &visitor_id, &line, new.now).await?)
        } else {
            None
        };
        let seq = update_conversation(self, new, &plan, files.len()).await?;
        let message = plan.message(new, seq, &files)?;
        diesel::insert_into(messages::table).values(&message).execute(self).await?;
        // Reports count first responses (who sent one is read from the message, so after
        // it), reopenings and take-overs.
        if plan.before != plan.status || plan.first_response(new) || plan.takes_over {
            self.recount(&new.conversation_id, new.now).await?;
        }
        let message = message.to_payload()?;
        let jobs = enqueue_send_jobs(self, new, &plan, has_rules, seq).await?;

        let mut new_events: Vec<NewEvent> = reopened.into_iter().chain(taken).collect();
        new_events.push(message_event(new, &plan, message.clone()));
        if plan.status != plan.before || plan.takes_over {
            let view = self
                .conversation_view(&new.workspace_id, &new.conversation_id)
                .await?
                .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
            new_events.push(NewEvent {
                conversation_id: Some(new.conversation_id.clone()),
                visitor_id: Some(visitor_id),
                visitor_visible: true,
                body: EventBody::ConversationUpdated {
                    conversation: view,
                    cause: if plan.takes_over { UpdateCause::Assignment } else { UpdateCause::Status },
                },
            });
        }
        if plan.requeue {
            new_events.extend(self.route_queue(&new.workspace_id, new.now, grace_ms).await?);
        }
        Ok(Staged::Sent(message, new_events, jobs))
    }

    async fn send_batch(&mut self, work: &[sends::Work], share: bool) -> sends::BatchOutcome {
        let conn = self;
        let mut outcomes: Vec<Option<Result<SendOutcome, StoreError>>> = work.iter().map(|_| None).collect();
        // Sends stored with shared statements, and those that take the one-send path.
        let mut plain: Vec<(usize, Plan, bool)> = Vec::new();
        let mut alone: Vec<usize> = Vec::new();
        if share {
            // Each workspace's lock before any other row, in id order (see `lock_workspace`).
            let mut workspace_ids: Vec<&WorkspaceId> = work.iter().map(|(new, _)| &new.workspace_id).collect();
            workspace_ids.sort();
            workspace_ids.dedup();
            let ids: Vec<&ConversationId> = work.iter().map(|(new, _)| &new.conversation_id).collect();
            let keys: Vec<(&ConversationId, &str)> =
                work.iter().map(|(new, _)| (&new.conversation_id, new.client_key.as_str())).collect();
            let (rules, rows, originals) = conn.lock_and_read(&workspace_ids, &ids, &keys).await?;
            let has_rules: Vec<(&WorkspaceId, bool)> = workspace_ids.into_iter().zip(rules).collect();
            let mut seen: Vec<&ConversationId> = Vec::with_capacity(work.len());
            for (i, (new, _)) in work.iter().enumerate() {
                // A conversation's later sends must see the earlier ones' changes: one at a time.
                if seen.contains(&&new.conversation_id) {
                    alone.push(i);
                    continue;
                }
                seen.push(&new.conversation_id);
                let found = rows.iter().find(|(row, _)| row.id == new.conversation_id).cloned();
                let original = originals
                    .iter()
                    .find(|m| m.conversation_id == new.conversation_id && m.client_key == new.client_key);
                let (current, sender_name) = match sends::check(new, found, original)? {
                    Ok(go) => go,
                    Err(outcome) => {
                        outcomes[i] = Some(Ok(outcome));
                        continue;
                    }
                };
                if sends::needs_reopen_window(new, &current) {
                    alone.push(i);
                    continue;
                }
                match Plan::new(new, current, sender_name) {
                    Ok(plan) if plan.is_plain(new) => {
                        let rules = has_rules.iter().any(|(id, has)| **id == new.workspace_id && *has);
                        plain.push((i, plan, rules));
                    }
                    Ok(_) => alone.push(i),
                    Err(refused) => outcomes[i] = Some(Ok(SendOutcome::Refused(refused))),
                }
            }
        } else {
            alone.extend(0..work.len());
        }

        // The plain sends: one statement for their conversation rows and one for their
        // messages, sent with the first workspace's event numbering, and one append per
        // workspace. Each message's seq follows its conversation's row as read under the
        // lock (`SendRows::seqs`).
        let rows: Vec<sends::PlainRow<'_>> = plain.iter().map(|(i, ..)| sends::PlainRow::new(&work[*i].0, 0)).collect();
        let seqs: Vec<i64> = plain.iter().map(|(_, plan, _)| plan.current.last_seq + 1).collect();
        let mut messages_rows = Vec::with_capacity(plain.len());
        let mut jobs = Vec::with_capacity(plain.len());
        for ((i, plan, has_rules), seq) in plain.iter().zip(&seqs) {
            let new = &work[*i].0;
            let seq = *seq;
            messages_rows.push(plan.message(new, seq, &[])?);
            jobs.push(enqueue_send_jobs(conn, new, plan, *has_rules, seq).await?);
        }
        let mut sent = Vec::with_capacity(plain.len());
        for (((i, plan, _), row), jobs) in plain.iter().zip(&messages_rows).zip(jobs) {
            let message = row.to_payload()?;
            sent.push((*i, message.clone(), message_event(&work[*i].0, plan, message), jobs));
        }
        // Numbered per workspace, in batch order within one (the sort is stable).
        sent.sort_by(|a, b| work[a.0].0.workspace_id.cmp(&work[b.0].0.workspace_id));
        let mut sent = sent.into_iter().peekable();
        // The conversation rows and messages are written with the first workspace's events
        // (one round trip on PostgreSQL, where a batch is one workspace's).
        let mut first_rows = Some(SendRows { plain: &rows, seqs: &seqs, messages: &messages_rows });
        while let Some(first) = sent.next() {
            let workspace_id = &work[first.0].0.workspace_id;
            let mut group = vec![first];
            while let Some(next) = sent.next_if(|next| work[next.0].0.workspace_id == *workspace_id) {
                group.push(next);
            }
            let now = group.iter().map(|(i, ..)| work[*i].0.now).max().unwrap_or_default();
            let (heads, new_events): (Vec<_>, Vec<_>) =
                group.into_iter().map(|(i, message, event, jobs)| ((i, message, jobs), event)).unzip();
            let events =
                conn.append_events_after(first_rows.take().unwrap_or_default(), workspace_id, now, new_events).await?;
            for ((i, message, jobs), event) in heads.into_iter().zip(events) {
                outcomes[i] = Some(Ok(SendOutcome::Sent(message, vec![event], jobs)));
            }
        }

        // The others, each in a savepoint of its own (rolled back alone when it fails),
        // with its events appended right after it, so the log is in the order they ran.
        for i in alone {
            let (new, grace) = &work[i];
            let staged = async { transaction!(conn, { conn.stage_send(new, *grace).await }) }.await;
            outcomes[i] = Some(match staged {
                Ok(Staged::Sent(message, new_events, jobs)) => {
                    // An error here fails the whole batch: no send commits without its events.
                    let events = conn.append_events(&new.workspace_id, new.now, new_events).await?;
                    Ok(SendOutcome::Sent(message, events, jobs))
                }
                Ok(Staged::Done(outcome)) => Ok(outcome),
                Err(error) => Err(error),
            });
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Err(StoreError::Batch("a send was left out".to_owned()))))
            .collect())
    }

    async fn finish_change(
        &mut self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        change: ConversationChange,
        now: i64,
        grace_ms: i64,
    ) -> Result<ChangeOutcome, StoreError> {
        let missing = || StoreError::Query(diesel::result::Error::NotFound);
        diesel::update(conversations::table.find(conversation_id))
            .set(conversations::updated_at.eq(now))
            .execute(self)
            .await?;
        self.recount(conversation_id, now).await?;
        let mut new = Vec::new();
        if change.line.is_some() || change.bot_note.is_some() {
            let visitor_id: VisitorId =
                conversations::table.find(conversation_id).select(conversations::visitor_id).get_result(self).await?;
            if let Some(line) = &change.line {
                new.push(self.write_line(workspace_id, conversation_id, &visitor_id, line, now).await?);
            }
            if let Some((name, body)) = &change.bot_note {
                new.push(self.write_bot_note(workspace_id, conversation_id, &visitor_id, name, body, now).await?);
            }
        }
        let view = self.conversation_view(workspace_id, conversation_id).await?.ok_or_else(missing)?;
        new.push(NewEvent {
            conversation_id: Some(conversation_id.to_owned()),
            visitor_id: Some(view.conversation.visitor_id.clone()),
            visitor_visible: change.visitor_visible,
            body: EventBody::ConversationUpdated { conversation: view.clone(), cause: change.cause },
        });
        if let Some((recipient, transfer)) = change.notice {
            new.push(NewEvent {
                conversation_id: Some(conversation_id.to_owned()),
                visitor_id: None,
                visitor_visible: false,
                body: EventBody::AssignmentNotice { conversation: view, recipient, transfer },
            });
        }
        // Capacity freed or a conversation (re)queued: let routing act in the same transaction.
        if matches!(change.cause, UpdateCause::Status | UpdateCause::Assignment) {
            new.extend(self.route_queue(workspace_id, now, grace_ms).await?);
        }
        let view = self.conversation_view(workspace_id, conversation_id).await?.ok_or_else(missing)?;
        let events = self.append_events(workspace_id, now, new).await?;
        Ok(ChangeOutcome::Changed(Box::new(view), events))
    }
}

/// The conversation row after a message: one statement, which also takes the row lock
/// that makes `seq` gap-free; returns the message's `seq`. On the right of SET, `last_seq`
/// is the old value (SQL semantics on both backends), so `last_seq + 1` is this message's
/// seq everywhere.
async fn update_conversation(
    conn: &mut Conn,
    new: &MessageToSend,
    plan: &Plan,
    files: usize,
) -> Result<i64, StoreError> {
    let row = sends::PlainRow::new(new, files);
    Ok(diesel::update(conversations::table.find(&new.conversation_id))
        .set((
            sends::plain_changes!(&row),
            conversations::status.eq(plan.status),
            plan.first_response(new).then(|| conversations::first_response_at.eq(new.now)),
            plan.reopens().then(|| conversations::resolved_at.eq(None::<i64>)),
            plan.requeue.then(|| conversations::queued_at.eq(new.now)),
            plan.taker(new).map(|taker| {
                (
                    conversations::assignee_user_id.eq(taker),
                    conversations::queued_at.eq(None::<i64>),
                    conversations::responder.eq(Responder::Agents),
                )
            }),
        ))
        .returning(conversations::last_seq)
        .get_result(conn)
        .await?)
}

/// Writes the jobs that come with a stored message (its e-mails, its automated answer);
/// whether there were any (the workers are then woken).
async fn enqueue_send_jobs(
    conn: &mut Conn,
    new: &MessageToSend,
    plan: &Plan,
    has_rules: bool,
    seq: i64,
) -> Result<bool, StoreError> {
    // Its e-mails exist exactly when it does (a same-key retry writes none).
    for job in &new.notify {
        conn.enqueue_job(job, new.now).await?;
    }
    let answer = plan.answer_job(new, has_rules, seq);
    if let Some(job) = &answer {
        conn.enqueue_job(job, new.now).await?;
    }
    Ok(answer.is_some() || !new.notify.is_empty())
}

/// The event of a stored message.
fn message_event(new: &MessageToSend, plan: &Plan, message: crate::realtime::payload::Message) -> NewEvent {
    NewEvent {
        conversation_id: Some(new.conversation_id.clone()),
        visitor_id: Some(plan.current.visitor_id.clone()),
        visitor_visible: !new.internal,
        body: EventBody::MessageCreated { message },
    }
}

/// An internal message our side writes itself (a transcript line, the bot's note).
struct InternalNote<'a> {
    sender: Sender,
    name: &'a str,
    body: String,
}

async fn write_internal(
    conn: &mut Conn,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
    visitor_id: &VisitorId,
    note: InternalNote<'_>,
    now: i64,
) -> Result<NewEvent, StoreError> {
    // Internal: the visitor's seq, the preview, unread counts and first response stay.
    let seq: i64 = diesel::update(conversations::table.find(conversation_id))
        .set(conversations::last_seq.eq(conversations::last_seq + 1))
        .returning(conversations::last_seq)
        .get_result(conn)
        .await?;
    let id = MessageId::new();
    let row = MessageRow {
        workspace_id: workspace_id.clone(),
        conversation_id: conversation_id.clone(),
        seq,
        sender_type: note.sender,
        sender_id: String::new(),
        sender_name: note.name.to_owned(),
        body: note.body,
        internal: true,
        attachments: "[]".to_owned(),
        // Unique per conversation like a client's key; nobody retries a line.
        client_key: format!("line:{id}"),
        created_at: now,
        citations: String::new(),
        quick_replies: String::new(),
        id,
    };
    diesel::insert_into(messages::table).values(&row).execute(conn).await?;
    Ok(NewEvent {
        conversation_id: Some(conversation_id.clone()),
        visitor_id: Some(visitor_id.clone()),
        visitor_visible: false,
        body: EventBody::MessageCreated { message: row.to_payload()? },
    })
}
