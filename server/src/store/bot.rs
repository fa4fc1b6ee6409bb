//! What the AI bot reads and records: a conversation as the bot sees it, and its usage
//! and last failure per workspace (BotService.GetBotStatus).

use crate::domain::conversation::{Sender, Status};
use crate::domain::id::{ConversationId, VisitorId, WorkspaceId};
use crate::domain::routing::Responder;
use crate::domain::widget::WidgetSettings;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use super::schema::{bot_usage, conversations, messages, widgets, workspace_models, workspaces};
use super::{Store, StoreError, read, write};

/// A conversation as the bot sees it before it answers.
#[derive(Clone, Debug)]
pub struct BotContext {
    pub responder: Responder,
    pub status: Status,
    pub visitor_id: VisitorId,
    /// Its widget's settings (the bot's persona and limits).
    pub settings: WidgetSettings,
    /// The last visible messages of the visitor, the bot and agents, oldest first.
    pub messages: Vec<(Sender, String)>,
    /// The seq of the visitor's newest message.
    pub last_visitor_seq: i64,
    /// Visible answers the bot gave in it.
    pub bot_answers: i64,
}

/// What the bot did, to add to its day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsageDelta {
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub answers: i64,
    pub hand_offs: i64,
    pub failures: i64,
}

/// One day of a workspace's bot usage.
#[derive(Clone, Debug, PartialEq, Eq, Queryable)]
pub struct UsageDay {
    pub day: String,
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub answers: i64,
    pub hand_offs: i64,
    pub failures: i64,
}

/// A workspace's bot usage (newest day first) and last failure.
#[derive(Clone, Debug, Default)]
pub struct BotRecord {
    pub days: Vec<UsageDay>,
    pub last_error: String,
    pub last_error_at: Option<i64>,
}

/// A workspace's own model; `api_key` sealed (`bot::sealed`), empty for none.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspace_models)]
pub struct WorkspaceModelRow {
    pub workspace_id: WorkspaceId,
    pub base_url: String,
    pub model: String,
    pub api_key: String,
    pub updated_at: i64,
}

/// What to do with a workspace model's stored key.
#[derive(Clone, Debug)]
pub enum KeyChange {
    Keep,
    /// Replace it (sealed; empty for none).
    Set(String),
}

impl Store {
    /// The workspace's own model, if it set one.
    pub async fn workspace_model(&self, workspace_id: &WorkspaceId) -> Result<Option<WorkspaceModelRow>, StoreError> {
        read!(self, |conn| {
            Ok(workspace_models::table
                .find(workspace_id)
                .select(WorkspaceModelRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Sets the workspace's own model (`Some((base_url, model))`) or removes it (`None`);
    /// the model as stored now.
    pub async fn set_workspace_model(
        &self,
        workspace_id: &WorkspaceId,
        model: Option<(String, String)>,
        key: KeyChange,
        now: i64,
    ) -> Result<Option<WorkspaceModelRow>, StoreError> {
        write!(self, |conn| {
            let Some((base_url, model)) = model else {
                diesel::delete(workspace_models::table.find(workspace_id)).execute(conn).await?;
                return Ok(None);
            };
            let current: Option<String> = workspace_models::table
                .find(workspace_id)
                .select(workspace_models::api_key)
                .get_result(conn)
                .await
                .optional()?;
            let api_key = match key {
                KeyChange::Keep => current.unwrap_or_default(),
                KeyChange::Set(sealed) => sealed,
            };
            let row =
                WorkspaceModelRow { workspace_id: workspace_id.clone(), base_url, model, api_key, updated_at: now };
            diesel::insert_into(workspace_models::table)
                .values(&row)
                .on_conflict(workspace_models::workspace_id)
                .do_update()
                .set((
                    workspace_models::base_url.eq(excluded(workspace_models::base_url)),
                    workspace_models::model.eq(excluded(workspace_models::model)),
                    workspace_models::api_key.eq(excluded(workspace_models::api_key)),
                    workspace_models::updated_at.eq(excluded(workspace_models::updated_at)),
                ))
                .execute(conn)
                .await?;
            Ok(Some(row))
        })
    }

    /// The conversation as the bot sees it (`history` visible messages at most); `None`
    /// when it is not the workspace's.
    pub async fn bot_context(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        history: i64,
    ) -> Result<Option<BotContext>, StoreError> {
        read!(self, |conn| {
            let found: Option<(Responder, Status, VisitorId, String)> = conversations::table
                .inner_join(widgets::table.on(widgets::id.eq(conversations::widget_id)))
                .filter(conversations::id.eq(conversation_id))
                .filter(conversations::workspace_id.eq(workspace_id))
                .select((conversations::responder, conversations::status, conversations::visitor_id, widgets::settings))
                .get_result(conn)
                .await
                .optional()?;
            let Some((responder, status, visitor_id, settings)) = found else { return Ok(None) };
            let visible = messages::table
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::internal.eq(false))
                .filter(messages::sender_type.eq_any([Sender::Visitor, Sender::Agent, Sender::Bot]));
            let mut recent: Vec<(Sender, String)> = visible
                .order(messages::seq.desc())
                .limit(history)
                .select((messages::sender_type, messages::body))
                .load(conn)
                .await?;
            recent.reverse();
            let last_visitor_seq: Option<i64> = messages::table
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::sender_type.eq(Sender::Visitor))
                .select(diesel::dsl::max(messages::seq))
                .get_result(conn)
                .await?;
            let bot_answers: i64 = messages::table
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::internal.eq(false))
                .filter(messages::sender_type.eq(Sender::Bot))
                .count()
                .get_result(conn)
                .await?;
            Ok(Some(BotContext {
                responder,
                status,
                visitor_id,
                // Unreadable settings (logged where the widget is served) mean the defaults.
                settings: serde_json::from_str(&settings).unwrap_or_default(),
                messages: recent,
                last_visitor_seq: last_visitor_seq.unwrap_or(0),
                bot_answers,
            }))
        })
    }

    /// Adds to the workspace's bot usage on `day` (`YYYY-MM-DD`, UTC) and, with `error`,
    /// records it as the last failure.
    pub async fn record_bot_usage(
        &self,
        workspace_id: &WorkspaceId,
        day: &str,
        delta: UsageDelta,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::insert_into(bot_usage::table)
                .values((
                    bot_usage::workspace_id.eq(workspace_id),
                    bot_usage::day.eq(day),
                    bot_usage::requests.eq(delta.requests),
                    bot_usage::prompt_tokens.eq(delta.prompt_tokens),
                    bot_usage::completion_tokens.eq(delta.completion_tokens),
                    bot_usage::answers.eq(delta.answers),
                    bot_usage::hand_offs.eq(delta.hand_offs),
                    bot_usage::failures.eq(delta.failures),
                ))
                .on_conflict((bot_usage::workspace_id, bot_usage::day))
                .do_update()
                .set((
                    bot_usage::requests.eq(bot_usage::requests + excluded(bot_usage::requests)),
                    bot_usage::prompt_tokens.eq(bot_usage::prompt_tokens + excluded(bot_usage::prompt_tokens)),
                    bot_usage::completion_tokens
                        .eq(bot_usage::completion_tokens + excluded(bot_usage::completion_tokens)),
                    bot_usage::answers.eq(bot_usage::answers + excluded(bot_usage::answers)),
                    bot_usage::hand_offs.eq(bot_usage::hand_offs + excluded(bot_usage::hand_offs)),
                    bot_usage::failures.eq(bot_usage::failures + excluded(bot_usage::failures)),
                ))
                .execute(conn)
                .await?;
            if let Some(error) = error {
                diesel::update(workspaces::table.find(workspace_id))
                    .set((workspaces::bot_last_error.eq(error), workspaces::bot_last_error_at.eq(now)))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
    }

    /// The workspace's bot usage since `since_day` (inclusive), newest first, and its last
    /// failure.
    pub async fn bot_record(&self, workspace_id: &WorkspaceId, since_day: &str) -> Result<BotRecord, StoreError> {
        read!(self, |conn| {
            let days: Vec<UsageDay> = bot_usage::table
                .filter(bot_usage::workspace_id.eq(workspace_id))
                .filter(bot_usage::day.ge(since_day))
                .order(bot_usage::day.desc())
                .select((
                    bot_usage::day,
                    bot_usage::requests,
                    bot_usage::prompt_tokens,
                    bot_usage::completion_tokens,
                    bot_usage::answers,
                    bot_usage::hand_offs,
                    bot_usage::failures,
                ))
                .load(conn)
                .await?;
            let (last_error, last_error_at): (String, Option<i64>) = workspaces::table
                .find(workspace_id)
                .select((workspaces::bot_last_error, workspaces::bot_last_error_at))
                .get_result(conn)
                .await
                .optional()?
                .unwrap_or_default();
            Ok(BotRecord { days, last_error, last_error_at })
        })
    }
}
