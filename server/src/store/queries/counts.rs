//! [`Counts`] for one writer connection type, `super::Conn` (compiled once per type, see
//! `store::queries`): keeping `report_figures` in step with the changes they count.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use super::Conn;
use crate::domain::calendar::{DAY_MS, SLOT_MS, split};
use crate::domain::conversation::{Sender, Status};
use crate::domain::id::{ConversationId, UserId, WorkspaceId};
use crate::domain::report::{self, BOT, Counted, Dim, Facts, Key, Lookups, Tally};
use crate::domain::routing::{AgentStatus, Responder};
use crate::domain::widget::WidgetSettings;
use crate::store::StoreError;
use crate::store::models::FiguresRow;
use crate::store::queries::Counts;
use crate::store::schema::{conversation_counts, conversations, memberships, messages, report_figures, widgets};

impl Counts for Conn {
    async fn recount(&mut self, conversation_id: &ConversationId, now: i64) -> Result<(), StoreError> {
        type Columns = (
            WorkspaceId,
            String,
            Option<String>,
            Option<String>,
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Responder,
            i32,
            Status,
        );
        let found: Option<Columns> = conversations::table
            .find(conversation_id)
            .select((
                conversations::workspace_id,
                conversations::widget_id,
                conversations::team_id,
                conversations::assignee_user_id,
                conversations::created_at,
                conversations::first_response_at,
                conversations::resolved_at,
                conversations::closed_at,
                conversations::responder,
                conversations::rating,
                conversations::status,
            ))
            .get_result(self)
            .await
            .optional()?;
        let Some((
            workspace_id,
            widget_id,
            team_id,
            assignee,
            created_at,
            first_response_at,
            resolved_at,
            closed_at,
            responder,
            rating,
            status,
        )) = found
        else {
            return Ok(());
        };
        let stored: Option<String> = conversation_counts::table
            .find(conversation_id)
            .select(conversation_counts::counted)
            .get_result(self)
            .await
            .optional()?;
        let before: Option<Counted> = match stored.as_deref().map(serde_json::from_str) {
            None => None,
            Some(Ok(counted)) => Some(counted),
            Some(Err(error)) => {
                // Never written so; recounting from nothing would count it twice.
                tracing::error!(%conversation_id, %error, "unreadable report counts; the conversation is not recounted");
                return Ok(());
            }
        };
        let ended_at = if status.is_open() { None } else { resolved_at.or(closed_at) };
        let facts = Facts {
            created_at,
            widget_id: widget_id.clone(),
            team_id,
            assignee,
            first_response_at,
            ended_at,
            with_bot: responder != Responder::Agents,
            rating,
            changed_at: now,
        };
        let mut lookups = Lookups::default();
        if Counted::needs_lookups(&facts, before.as_ref()) {
            let settings: Option<String> =
                widgets::table.find(&widget_id).select(widgets::settings).get_result(self).await.optional()?;
            // Unreadable settings (never stored: validation) mean the defaults.
            let hours = settings
                .and_then(|json| serde_json::from_str::<WidgetSettings>(&json).ok())
                .unwrap_or_default()
                .business_hours;
            lookups.hours = hours.enabled.then_some(hours);
            if let Some(at) = first_response_at {
                let sender: Option<(Sender, String)> = messages::table
                    .filter(messages::conversation_id.eq(conversation_id))
                    .filter(messages::created_at.eq(at))
                    .filter(messages::internal.eq(false))
                    .filter(messages::sender_type.eq_any([Sender::Agent, Sender::Bot]))
                    .order(messages::seq.asc())
                    .select((messages::sender_type, messages::sender_id))
                    .first(self)
                    .await
                    .optional()?;
                lookups.first_responder = match sender {
                    Some((Sender::Bot, _)) => BOT.to_owned(),
                    Some((_, id)) => id,
                    None => String::new(),
                };
            }
        }
        let after = Counted::of(&facts, before.as_ref(), &lookups);
        if before.as_ref() == Some(&after) {
            return Ok(());
        }
        self.add_figures(&workspace_id, report::difference(before.as_ref(), Some(&after))).await?;
        let json = serde_json::to_string(&after)?;
        let rated_at = after.rating.as_ref().map(|r| r.at);
        diesel::insert_into(conversation_counts::table)
            .values((
                conversation_counts::conversation_id.eq(conversation_id),
                conversation_counts::workspace_id.eq(&workspace_id),
                conversation_counts::counted.eq(&json),
                conversation_counts::rated_at.eq(rated_at),
            ))
            .on_conflict(conversation_counts::conversation_id)
            .do_update()
            .set((conversation_counts::counted.eq(&json), conversation_counts::rated_at.eq(rated_at)))
            .execute(self)
            .await?;
        Ok(())
    }

    async fn count_presence(
        &mut self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
    ) -> Result<(), StoreError> {
        /// Status, present, last active, counted as, since.
        type Presence = (AgentStatus, bool, Option<i64>, String, Option<i64>);
        let found: Option<Presence> = memberships::table
            .find((workspace_id, user_id))
            .select((
                memberships::status,
                memberships::present,
                memberships::last_active_at,
                memberships::presence_counted,
                memberships::presence_since,
            ))
            .get_result(self)
            .await
            .optional()?;
        let Some((status, present, last_active_at, counted, since)) = found else { return Ok(()) };
        let state = if present { status.as_str() } else { AgentStatus::Offline.as_str() };
        if state == counted {
            return Ok(());
        }
        // A dashboard that went away stopped counting when it was last connected.
        let end = if present { now } else { last_active_at.unwrap_or(now).min(now) };
        if let Some(since) = since
            && end > since
        {
            let mut changes: BTreeMap<Key, Tally> = BTreeMap::new();
            for span in [SLOT_MS, DAY_MS] {
                for (start, ms) in split(since, end, span) {
                    if let Some(tally) = report::presence_tally(&counted, ms) {
                        changes.entry((span, Dim::Agent(user_id.to_string()), start)).or_default().merge(&tally, 1);
                    }
                }
            }
            self.add_figures(workspace_id, changes).await?;
        }
        diesel::update(memberships::table.find((workspace_id, user_id)))
            .set((memberships::presence_counted.eq(state), memberships::presence_since.eq(now)))
            .execute(self)
            .await?;
        Ok(())
    }

    async fn add_figures(
        &mut self,
        workspace_id: &WorkspaceId,
        changes: BTreeMap<Key, Tally>,
    ) -> Result<(), StoreError> {
        for ((span_ms, dim, start_at), delta) in changes {
            if delta.is_zero() {
                continue;
            }
            let span = i32::try_from(span_ms / 1000).unwrap_or(i32::MAX);
            let dim = dim.key();
            if !delta.touches_histograms() {
                // Counters only: one statement, whatever is there already.
                let row = FiguresRow::of(workspace_id, span, &dim, start_at, &delta);
                diesel::insert_into(report_figures::table)
                    .values(&row)
                    .on_conflict((
                        report_figures::workspace_id,
                        report_figures::span,
                        report_figures::dim,
                        report_figures::start_at,
                    ))
                    .do_update()
                    .set({
                        use report_figures::*;
                        (
                            started.eq(started + excluded(started)),
                            still_open.eq(still_open + excluded(still_open)),
                            resolved.eq(resolved + excluded(resolved)),
                            missed.eq(missed + excluded(missed)),
                            first_responses.eq(first_responses + excluded(first_responses)),
                            first_response_secs.eq(first_response_secs + excluded(first_response_secs)),
                            first_response_business_secs
                                .eq(first_response_business_secs + excluded(first_response_business_secs)),
                            resolution_secs.eq(resolution_secs + excluded(resolution_secs)),
                            resolution_business_secs.eq(resolution_business_secs + excluded(resolution_business_secs)),
                            stars_1.eq(stars_1 + excluded(stars_1)),
                            stars_2.eq(stars_2 + excluded(stars_2)),
                            stars_3.eq(stars_3 + excluded(stars_3)),
                            stars_4.eq(stars_4 + excluded(stars_4)),
                            stars_5.eq(stars_5 + excluded(stars_5)),
                            bot_answered.eq(bot_answered + excluded(bot_answered)),
                            bot_resolved.eq(bot_resolved + excluded(bot_resolved)),
                            handed_off.eq(handed_off + excluded(handed_off)),
                            online_secs.eq(online_secs + excluded(online_secs)),
                            busy_secs.eq(busy_secs + excluded(busy_secs)),
                            away_secs.eq(away_secs + excluded(away_secs)),
                        )
                    })
                    .execute(self)
                    .await?;
                continue;
            }
            let existing: Option<FiguresRow> = report_figures::table
                .find((workspace_id, span, &dim, start_at))
                .select(FiguresRow::as_select())
                .get_result(self)
                .await
                .optional()?;
            let mut sum = existing.as_ref().map(FiguresRow::tally).unwrap_or_default();
            sum.merge(&delta, 1);
            let row = FiguresRow::of(workspace_id, span, &dim, start_at, &sum);
            if existing.is_some() {
                diesel::update(report_figures::table.find((workspace_id, span, &dim, start_at)))
                    .set(&row)
                    .execute(self)
                    .await?;
            } else {
                diesel::insert_into(report_figures::table).values(&row).execute(self).await?;
            }
        }
        Ok(())
    }
}
