//! RuleService: a workspace's automation rules. Any member lists them; admins and owners
//! manage them (the access table in `auth::policy`). Conversation rules run in
//! `automation`; page-visit rules reach the widget as `WidgetConfig.proactive_messages`.

use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::rule_service_server::RuleService;
use tonic::{Request, Response, Status};

use super::convert::{priority_from_proto, priority_to_proto, timestamp};
use crate::AppState;
use crate::auth;
use crate::domain::Violations;
use crate::domain::id::{CannedResponseId, RuleId, TeamId, UserId};
use crate::domain::rule::{self as rules, Actions, Conditions, HoursState, MAX_RULES, RuleSpec, Trigger};
use crate::error::Error;
use crate::store::models::RuleRow;
use crate::store::now_ms;
use crate::store::rules::RuleOutcome;

/// The RuleService implementation.
pub struct RuleApi {
    state: Arc<AppState>,
}

impl RuleApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }
}

fn trigger_to_proto(trigger: Trigger) -> pb::RuleTrigger {
    match trigger {
        Trigger::ConversationStarted => pb::RuleTrigger::ConversationStarted,
        Trigger::VisitorMessage => pb::RuleTrigger::VisitorMessage,
        Trigger::PageVisit => pb::RuleTrigger::PageVisit,
    }
}

fn trigger_from_proto(value: i32) -> Option<Trigger> {
    match pb::RuleTrigger::try_from(value).ok()? {
        pb::RuleTrigger::ConversationStarted => Some(Trigger::ConversationStarted),
        pb::RuleTrigger::VisitorMessage => Some(Trigger::VisitorMessage),
        pb::RuleTrigger::PageVisit => Some(Trigger::PageVisit),
        pb::RuleTrigger::Unspecified => None,
    }
}

fn rule(row: &RuleRow) -> Result<pb::Rule, Error> {
    let conditions: Conditions = serde_json::from_str(&row.conditions).map_err(Error::internal)?;
    let actions: Actions = serde_json::from_str(&row.actions).map_err(Error::internal)?;
    let trigger = Trigger::parse(&row.trigger).map(trigger_to_proto).unwrap_or_default();
    Ok(pb::Rule {
        id: row.id.to_string(),
        name: row.name.clone(),
        enabled: row.enabled,
        trigger: trigger.into(),
        conditions: Some(pb::RuleConditions {
            message_contains_any: conditions.message_contains_any,
            page_url_pattern: conditions.page_url_pattern,
            visitor_attributes: conditions.visitor_attributes.into_iter().collect(),
            business_hours: match conditions.business_hours {
                HoursState::Any => pb::BusinessHoursState::Unspecified,
                HoursState::Open => pb::BusinessHoursState::Open,
                HoursState::Closed => pb::BusinessHoursState::Closed,
            }
            .into(),
            time_on_page_seconds: conditions.time_on_page_seconds,
            returning_visitor_only: conditions.returning_visitor_only,
        }),
        actions: Some(pb::RuleActions {
            reply: actions.reply,
            canned_response_id: actions.canned_response_id.map(|id| id.to_string()).unwrap_or_default(),
            add_tags: actions.add_tags,
            priority: actions.priority.map(priority_to_proto).unwrap_or_default().into(),
            team_id: actions.team_id.map(|id| id.to_string()).unwrap_or_default(),
            assignee_user_id: actions.assignee_user_id.map(|id| id.to_string()).unwrap_or_default(),
        }),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
    })
}

/// Parses an optional id field: empty is `None`, a malformed one a violation.
fn optional_id<T>(field: &str, value: &str, parse: fn(&str) -> Option<T>, v: &mut Violations) -> Option<T> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = parse(value);
    if parsed.is_none() {
        v.add(field, "is not an id of the right kind");
    }
    parsed
}

/// A request's rule, checked (every bad field reported at once).
fn spec(
    name: &str,
    enabled: bool,
    trigger: i32,
    conditions: Option<pb::RuleConditions>,
    actions: Option<pb::RuleActions>,
) -> Result<RuleSpec, Error> {
    let mut v = Violations::default();
    let c = conditions.unwrap_or_default();
    let a = actions.unwrap_or_default();
    let conditions = Conditions {
        message_contains_any: c.message_contains_any,
        page_url_pattern: c.page_url_pattern,
        visitor_attributes: c.visitor_attributes.into_iter().map(|(k, val)| (k.trim().to_owned(), val)).collect(),
        business_hours: match pb::BusinessHoursState::try_from(c.business_hours) {
            Ok(pb::BusinessHoursState::Open) => HoursState::Open,
            Ok(pb::BusinessHoursState::Closed) => HoursState::Closed,
            _ => HoursState::Any,
        },
        time_on_page_seconds: c.time_on_page_seconds,
        returning_visitor_only: c.returning_visitor_only,
    };
    let priority = priority_from_proto(a.priority);
    if priority.is_none() && a.priority != 0 {
        v.add("actions.priority", "is not a priority");
    }
    let actions = Actions {
        reply: a.reply,
        canned_response_id: optional_id(
            "actions.canned_response_id",
            &a.canned_response_id,
            |s| CannedResponseId::parse(s).ok(),
            &mut v,
        ),
        add_tags: a.add_tags,
        priority,
        team_id: optional_id("actions.team_id", &a.team_id, |s| TeamId::parse(s).ok(), &mut v),
        assignee_user_id: optional_id(
            "actions.assignee_user_id",
            &a.assignee_user_id,
            |s| UserId::parse(s).ok(),
            &mut v,
        ),
    };
    let spec = rules::check(name, enabled, trigger_from_proto(trigger), conditions, actions, &mut v);
    v.into_result(())?;
    spec.ok_or_else(|| Error::invalid("trigger", "choose when the rule runs"))
}

/// A write's outcome as the answer.
fn saved(outcome: RuleOutcome) -> Result<pb::Rule, Error> {
    match outcome {
        RuleOutcome::Saved(row) => rule(&row),
        RuleOutcome::Unknown(field) => Err(Error::invalid(field, "names nothing of this workspace")),
        RuleOutcome::TooMany => {
            Err(Error::failed_precondition(format!("a workspace has at most {MAX_RULES} rules; delete one first")))
        }
        RuleOutcome::NotFound => Err(Error::NotFound("rule")),
    }
}

#[tonic::async_trait]
impl RuleService for RuleApi {
    async fn list_rules(
        &self,
        request: Request<pb::ListRulesRequest>,
    ) -> Result<Response<pb::ListRulesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let rows = self.state.store.rules(&agent.workspace_id).await?;
        let rules = rows.iter().map(rule).collect::<Result<Vec<_>, _>>()?;
        Ok(Response::new(pb::ListRulesResponse { rules }))
    }

    async fn create_rule(
        &self,
        request: Request<pb::CreateRuleRequest>,
    ) -> Result<Response<pb::CreateRuleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let spec = spec(&req.name, req.enabled, req.trigger, req.conditions, req.actions)?;
        let outcome = self.state.store.create_rule(&agent.workspace_id, &spec, now_ms()).await?;
        Ok(Response::new(pb::CreateRuleResponse { rule: Some(saved(outcome)?) }))
    }

    async fn update_rule(
        &self,
        request: Request<pb::UpdateRuleRequest>,
    ) -> Result<Response<pb::UpdateRuleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let rule_id = RuleId::parse(&req.rule_id)?;
        let spec = spec(&req.name, req.enabled, req.trigger, req.conditions, req.actions)?;
        let outcome = self.state.store.update_rule(&agent.workspace_id, &rule_id, &spec, now_ms()).await?;
        Ok(Response::new(pb::UpdateRuleResponse { rule: Some(saved(outcome)?) }))
    }

    async fn delete_rule(
        &self,
        request: Request<pb::DeleteRuleRequest>,
    ) -> Result<Response<pb::DeleteRuleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let rule_id = RuleId::parse(&request.get_ref().rule_id)?;
        if !self.state.store.delete_rule(&agent.workspace_id, &rule_id).await? {
            return Err(Error::NotFound("rule").into());
        }
        Ok(Response::new(pb::DeleteRuleResponse {}))
    }
}
