//! Automation rules, which rules acted in which conversation, and what automation reads
//! about a conversation. Every query is scoped by workspace id, so a foreign rule id simply
//! is not found. `workspaces.has_rules` is recomputed in the transaction of every rule
//! write: the send path reads it with the lock it takes anyway, so a workspace without
//! conversation rules pays nothing for them.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::{ConversationRow, RuleRow};
use super::queries::Writes as _;
use super::schema::{conversations, messages, rule_firings, rules, visitors, widgets, workspaces};
use super::{Store, StoreError, read, write};
use crate::domain::conversation::Sender;
use crate::domain::id::{ConversationId, RuleId, WorkspaceId};
use crate::domain::rule::{MAX_RULES, RuleSpec, Trigger};
use crate::domain::widget::WidgetSettings;

/// What a rule write came to.
#[derive(Debug)]
pub enum RuleOutcome {
    Saved(RuleRow),
    /// A canned response, team or member the actions name is not the workspace's; the
    /// field names it.
    Unknown(&'static str),
    /// The workspace has [`MAX_RULES`] already.
    TooMany,
    NotFound,
}

/// What automation knows of a conversation when a visitor's message arrives.
#[derive(Clone, Debug)]
pub struct AutomationContext {
    pub conversation: ConversationRow,
    pub settings: WidgetSettings,
    /// The visitor's message.
    pub message: String,
    /// Whether it is the visitor's first message in the conversation.
    pub first_message: bool,
    pub visitor_attributes: BTreeMap<String, String>,
    pub visitor_email: String,
    pub visitor_name: String,
    /// The workspace's enabled conversation rules, in run order, that have not acted in
    /// this conversation yet (empty without rules).
    pub rules: Vec<RuleRow>,
}

impl Store {
    /// The workspace's rules in run order (creation).
    pub async fn rules(&self, workspace_id: &WorkspaceId) -> Result<Vec<RuleRow>, StoreError> {
        read!(self, |conn| {
            Ok(rules::table
                .filter(rules::workspace_id.eq(workspace_id))
                .order((rules::created_at.asc(), rules::id.asc()))
                .select(RuleRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// The workspace's enabled page-visit rules (proactive messages), in run order.
    pub async fn proactive_rules(&self, workspace_id: &WorkspaceId) -> Result<Vec<RuleRow>, StoreError> {
        read!(self, |conn| {
            Ok(rules::table
                .filter(rules::workspace_id.eq(workspace_id))
                .filter(rules::enabled.eq(true))
                .filter(rules::trigger.eq(Trigger::PageVisit.as_str()))
                .order((rules::created_at.asc(), rules::id.asc()))
                .select(RuleRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// Creates a rule (run after the existing ones).
    pub async fn create_rule(
        &self,
        workspace_id: &WorkspaceId,
        spec: &RuleSpec,
        now: i64,
    ) -> Result<RuleOutcome, StoreError> {
        let row = RuleRow {
            id: RuleId::new(),
            workspace_id: workspace_id.clone(),
            name: spec.name.clone(),
            enabled: spec.enabled,
            trigger: spec.trigger.as_str().to_owned(),
            conditions: serde_json::to_string(&spec.conditions)?,
            actions: serde_json::to_string(&spec.actions)?,
            created_at: now,
            updated_at: now,
        };
        write!(self, workspace = workspace_id, |conn| {
            let count: i64 = rules::table.filter(rules::workspace_id.eq(workspace_id)).count().get_result(conn).await?;
            if count >= MAX_RULES {
                return Ok(RuleOutcome::TooMany);
            }
            if let Some(field) = conn.rule_reference_missing(workspace_id, spec).await? {
                return Ok(RuleOutcome::Unknown(field));
            }
            diesel::insert_into(rules::table).values(&row).execute(conn).await?;
            conn.refresh_has_rules(workspace_id).await?;
            Ok(RuleOutcome::Saved(row))
        })
    }

    /// Replaces a rule's name, switch, trigger, conditions and actions.
    pub async fn update_rule(
        &self,
        workspace_id: &WorkspaceId,
        rule_id: &RuleId,
        spec: &RuleSpec,
        now: i64,
    ) -> Result<RuleOutcome, StoreError> {
        let conditions = serde_json::to_string(&spec.conditions)?;
        let actions = serde_json::to_string(&spec.actions)?;
        write!(self, workspace = workspace_id, |conn| {
            if let Some(field) = conn.rule_reference_missing(workspace_id, spec).await? {
                return Ok(RuleOutcome::Unknown(field));
            }
            let row: Option<RuleRow> =
                diesel::update(rules::table.filter(rules::id.eq(rule_id)).filter(rules::workspace_id.eq(workspace_id)))
                    .set((
                        rules::name.eq(&spec.name),
                        rules::enabled.eq(spec.enabled),
                        rules::trigger.eq(spec.trigger.as_str()),
                        rules::conditions.eq(&conditions),
                        rules::actions.eq(&actions),
                        rules::updated_at.eq(now),
                    ))
                    .returning(RuleRow::as_returning())
                    .get_result(conn)
                    .await
                    .optional()?;
            let Some(row) = row else { return Ok(RuleOutcome::NotFound) };
            conn.refresh_has_rules(workspace_id).await?;
            Ok(RuleOutcome::Saved(row))
        })
    }

    /// Deletes a rule; false when the workspace has no such rule.
    pub async fn delete_rule(&self, workspace_id: &WorkspaceId, rule_id: &RuleId) -> Result<bool, StoreError> {
        write!(self, workspace = workspace_id, |conn| {
            let n =
                diesel::delete(rules::table.filter(rules::id.eq(rule_id)).filter(rules::workspace_id.eq(workspace_id)))
                    .execute(conn)
                    .await?;
            conn.refresh_has_rules(workspace_id).await?;
            Ok(n > 0)
        })
    }

    /// An enabled page-visit rule of the workspace (the proactive message a visitor
    /// answers).
    pub async fn proactive_rule(
        &self,
        workspace_id: &WorkspaceId,
        rule_id: &RuleId,
    ) -> Result<Option<RuleRow>, StoreError> {
        read!(self, |conn| {
            Ok(rules::table
                .filter(rules::id.eq(rule_id))
                .filter(rules::workspace_id.eq(workspace_id))
                .filter(rules::enabled.eq(true))
                .filter(rules::trigger.eq(Trigger::PageVisit.as_str()))
                .select(RuleRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// What automation needs about the visitor's message `seq`; `None` when the
    /// conversation is gone or `seq` is not a visible message of the visitor's.
    pub async fn automation_context(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        seq: i64,
    ) -> Result<Option<AutomationContext>, StoreError> {
        read!(self, |conn| {
            let found: Option<(ConversationRow, String, String, String, String, bool)> = conversations::table
                .inner_join(visitors::table)
                .inner_join(widgets::table.on(widgets::id.eq(conversations::widget_id)))
                .inner_join(workspaces::table.on(workspaces::id.eq(conversations::workspace_id)))
                .filter(conversations::id.eq(conversation_id))
                .filter(conversations::workspace_id.eq(workspace_id))
                .select((
                    ConversationRow::as_select(),
                    widgets::settings,
                    visitors::attributes,
                    visitors::email,
                    visitors::name,
                    workspaces::has_rules,
                ))
                .get_result(conn)
                .await
                .optional()?;
            let Some((conversation, settings, attributes, visitor_email, visitor_name, has_rules)) = found else {
                return Ok(None);
            };
            let message: Option<String> = messages::table
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::seq.eq(seq))
                .filter(messages::sender_type.eq(Sender::Visitor))
                .filter(messages::internal.eq(false))
                .select(messages::body)
                .get_result(conn)
                .await
                .optional()?;
            let Some(message) = message else { return Ok(None) };
            let earlier: i64 = messages::table
                .filter(messages::conversation_id.eq(conversation_id))
                .filter(messages::seq.lt(seq))
                .filter(messages::sender_type.eq(Sender::Visitor))
                .filter(messages::internal.eq(false))
                .count()
                .get_result(conn)
                .await?;
            let rules = if has_rules {
                let fired = rule_firings::table
                    .filter(rule_firings::conversation_id.eq(conversation_id))
                    .select(rule_firings::rule_id);
                rules::table
                    .filter(rules::workspace_id.eq(workspace_id))
                    .filter(rules::enabled.eq(true))
                    .filter(rules::trigger.ne(Trigger::PageVisit.as_str()))
                    .filter(rules::id.ne_all(fired))
                    .order((rules::created_at.asc(), rules::id.asc()))
                    .select(RuleRow::as_select())
                    .load(conn)
                    .await?
            } else {
                Vec::new()
            };
            Ok(Some(AutomationContext {
                conversation,
                // Unreadable settings (logged where the widget is served) mean the defaults.
                settings: serde_json::from_str(&settings).unwrap_or_default(),
                message,
                first_message: earlier == 0,
                visitor_attributes: serde_json::from_str(&attributes).unwrap_or_default(),
                visitor_email,
                visitor_name,
                rules,
            }))
        })
    }

    /// Records that a rule acted in a conversation (it acts once per conversation).
    pub async fn record_rule_fired(
        &self,
        conversation_id: &ConversationId,
        rule_id: &RuleId,
        now: i64,
    ) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::insert_into(rule_firings::table)
                .values((
                    rule_firings::conversation_id.eq(conversation_id),
                    rule_firings::rule_id.eq(rule_id),
                    rule_firings::fired_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
            Ok(())
        })
    }

    /// Moves a conversation's flow from step `from` to `to` (`None`: no flow waiting);
    /// false when it was not at `from` (another run moved it first: this one's effects are
    /// written with keys that make them once-only, and the later state wins).
    pub async fn move_flow(
        &self,
        workspace_id: &WorkspaceId,
        conversation_id: &ConversationId,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let target = conversations::table
                .filter(conversations::id.eq(conversation_id))
                .filter(conversations::workspace_id.eq(workspace_id));
            let n = match from {
                Some(step) => {
                    diesel::update(target.filter(conversations::flow_step.eq(step)))
                        .set(conversations::flow_step.eq(to))
                        .execute(conn)
                        .await?
                }
                None => {
                    diesel::update(target.filter(conversations::flow_step.is_null()))
                        .set(conversations::flow_step.eq(to))
                        .execute(conn)
                        .await?
                }
            };
            Ok(n > 0)
        })
    }
}
