//! Automation without AI: the workspace's rules after a visitor's message, the guided flow
//! of a `workflow` widget, and what a new conversation starts with (a proactive message
//! answered, a flow's opening). The rules and the flow engine are `domain::rule` and
//! `domain::flow`; this module reads what they need and writes what they decide.
//!
//! Runs as `Job::Automate`, written with the visitor's message. Every write is once-only
//! (messages by client key, a rule's firing by its row, the flow's step by compare and
//! set), so a retried job finishes what a failed attempt began without repeating it.

use std::collections::BTreeMap;

use crate::AppState;
use crate::api::chat;
use crate::domain::bot::HandOff;
use crate::domain::conversation::{MessageToSend, Sender};
use crate::domain::flow::{self, Effect, FLOW_SENDER_ID, RouteReason, Run, Then};
use crate::domain::hours;
use crate::domain::id::{ConversationId, MessageId, RuleId, VisitorId, WorkspaceId};
use crate::domain::routing::Responder;
use crate::domain::rule::{Actions, Conditions, Facts, Trigger, applies, fill_placeholders};
use crate::domain::visitor::MAX_ATTRIBUTES;
use crate::domain::widget::WidgetSettings;
use crate::realtime::payload::Conversation;
use crate::store::conversations::{ChangeOutcome, ConversationRef, SendOutcome};
use crate::store::models::RuleRow;
use crate::store::rules::AutomationContext;
use crate::store::visitors::VisitorChange;
use crate::store::{StoreError, now_ms};

/// What a job of automation came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Acted,
    NothingToDo,
}

/// Runs the rules and the flow on the visitor's message `seq`, then asks the bot where it
/// has the conversation and no keyword rule answered.
pub async fn after_message(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
    seq: i64,
) -> Result<Outcome, StoreError> {
    let Some(context) = state.store.automation_context(workspace_id, conversation_id, seq).await? else {
        return Ok(Outcome::NothingToDo); // erased meanwhile
    };
    let row = &context.conversation;
    if !row.status.is_open() {
        return Ok(Outcome::NothingToDo);
    }
    let target = ConversationRef { workspace_id, conversation_id, visitor_id: None, by: None };
    let mut acted = false;
    let mut answered = false;
    let mut handed = false;

    let facts = Facts {
        message: &context.message,
        page_url: &row.source_url,
        visitor_attributes: &context.visitor_attributes,
        open: hours::is_open(&context.settings.business_hours, chrono::Utc::now()),
        first_message: context.first_message,
    };
    for rule in &context.rules {
        let parsed = Trigger::parse(&rule.trigger).zip(serde_json::from_str::<Conditions>(&rule.conditions).ok());
        let Some((trigger, conditions)) = parsed else {
            tracing::warn!(rule = %rule.id, "a stored rule could not be read; skipped");
            continue;
        };
        if !applies(trigger, &conditions, &facts) {
            continue;
        }
        let Ok(actions) = serde_json::from_str::<Actions>(&rule.actions) else {
            tracing::warn!(rule = %rule.id, "a stored rule's actions could not be read; skipped");
            continue;
        };
        let done = act(state, target, &context, rule, &actions).await?;
        answered |= done.replied && !conditions.message_contains_any.is_empty();
        handed |= done.handed;
        state.store.record_rule_fired(conversation_id, &rule.id, now_ms()).await?;
        acted = true;
    }

    if row.responder == Responder::Workflow && !handed {
        let from = row.flow_step.as_deref();
        let run = match from {
            Some(step) => flow::answer(&context.settings.flow, step, &context.message, &context.visitor_attributes),
            // The flow ended (or never started): a person takes it from here.
            None => Run { effects: Vec::new(), then: Then::Route(None, RouteReason::Finished) },
        };
        let why = if from.is_none() { Some(HandOff::FlowOver) } else { None };
        let who = Who { visitor_id: &row.visitor_id, email: &context.visitor_email, settings: &context.settings };
        apply(state, target, &who, &context.visitor_attributes, from, run, &format!("flow:{seq}"), why).await?;
        acted = true;
    }

    if row.responder == Responder::Bot && !answered && !handed {
        let job = crate::jobs::NewJob {
            workspace_id: Some(workspace_id.clone()),
            summary: format!("AI bot answer in conversation {conversation_id}"),
            job: crate::jobs::Job::BotReply {
                workspace_id: workspace_id.clone(),
                conversation_id: conversation_id.clone(),
                seq,
            },
            delay: std::time::Duration::ZERO,
        };
        state.store.enqueue_job(&job, now_ms()).await?;
        state.jobs.job_written();
        acted = true;
    }
    Ok(if acted { Outcome::Acted } else { Outcome::NothingToDo })
}

/// What a new conversation starts with: the proactive message the visitor answered, then,
/// on a `workflow` widget, the flow's opening. Only for a conversation with no message the
/// visitor sees yet (routing may have written its internal "Assigned to" line already).
pub async fn open(
    state: &AppState,
    conversation: &Conversation,
    settings: &WidgetSettings,
    proactive: Option<&RuleId>,
) -> Result<(), StoreError> {
    if conversation.visitor_last_seq > 0 {
        return Ok(());
    }
    let workspace_id = &conversation.workspace_id;
    let target = ConversationRef { workspace_id, conversation_id: &conversation.id, visitor_id: None, by: None };
    if let Some(rule_id) = proactive
        && let Some(rule) = state.store.proactive_rule(workspace_id, rule_id).await?
        && let Ok(actions) = serde_json::from_str::<Actions>(&rule.actions)
        && !actions.reply.is_empty()
    {
        let text = actions.reply;
        say(state, target, settings, rule.id.as_str(), &text, Vec::new(), "proactive".to_owned()).await?;
    }
    if conversation.responder == Responder::Workflow {
        let Some(visitor) = state.store.visitor(workspace_id, &conversation.visitor_id).await? else { return Ok(()) };
        let attributes: BTreeMap<String, String> = serde_json::from_str(&visitor.attributes).unwrap_or_default();
        let run = flow::start(&settings.flow, &attributes);
        let who = Who { visitor_id: &conversation.visitor_id, email: &visitor.email, settings };
        apply(state, target, &who, &attributes, None, run, "flow:start", None).await?;
    }
    Ok(())
}

/// What a rule's actions did.
#[derive(Default)]
struct Done {
    replied: bool,
    handed: bool,
}

async fn act(
    state: &AppState,
    target: ConversationRef<'_>,
    context: &AutomationContext,
    rule: &RuleRow,
    actions: &Actions,
) -> Result<Done, StoreError> {
    let mut done = Done::default();
    let now = now_ms();
    let row = &context.conversation;
    let mut reply = actions.reply.clone();
    if let Some(canned) = &actions.canned_response_id {
        // A canned response deleted since leaves the rule without a reply.
        if let Some(canned) = state.store.canned_response(target.workspace_id, canned).await? {
            reply = canned.body;
        }
    }
    if !reply.is_empty() {
        let assistant = &context.settings.bot.name;
        let reply = fill_placeholders(&reply, &context.visitor_name, &context.visitor_email, assistant);
        let key = format!("rule:{}", rule.id);
        done.replied = say(state, target, &context.settings, rule.id.as_str(), &reply, Vec::new(), key).await?;
    }
    if !actions.add_tags.is_empty() {
        let mut tags: Vec<String> = serde_json::from_str(&row.tags).unwrap_or_default();
        let before = tags.len();
        for tag in &actions.add_tags {
            if !tags.contains(tag) && tags.len() < crate::domain::conversation::MAX_TAGS {
                tags.push(tag.clone());
            }
        }
        if tags.len() != before {
            changed(state, state.store.set_conversation_tags(target, &tags, now).await?).await;
        }
    }
    if let Some(priority) = actions.priority
        && priority != row.priority
    {
        changed(state, state.store.set_conversation_priority(target, priority, now).await?).await;
    }
    let routes = actions.team_id.is_some() || actions.assignee_user_id.is_some();
    if routes && row.responder != Responder::Agents {
        // The bot or the flow stops: the rule sends the conversation to people.
        let why = HandOff::Rule(rule.name.clone());
        changed(state, state.store.hand_to_agents(target, &why, None, actions.team_id.as_ref(), now).await?).await;
        done.handed = true;
    } else if let Some(team) = &actions.team_id
        && row.team_id.as_ref() != Some(team)
    {
        changed(state, state.store.set_conversation_team(target, Some(team.clone()), now).await?).await;
    }
    if let Some(user) = &actions.assignee_user_id {
        changed(state, state.store.assign_conversation(target, Some(user.clone()), now).await?).await;
        done.handed = true;
    }
    Ok(done)
}

async fn changed(state: &AppState, outcome: ChangeOutcome) {
    if let ChangeOutcome::Changed(_, events) = outcome {
        chat::publish(state, events).await;
    }
}

/// Whose conversation a flow runs in.
struct Who<'a> {
    visitor_id: &'a VisitorId,
    email: &'a str,
    settings: &'a WidgetSettings,
}

/// Writes a flow run's effects, then moves the conversation where the run leaves it.
/// Messages are keyed `{key}:{n}`; the flow's step moves from `from` only if it is still
/// there. `why`: the hand-off's reason when the run routes (else the run's own).
#[allow(clippy::too_many_arguments)]
async fn apply(
    state: &AppState,
    target: ConversationRef<'_>,
    who: &Who<'_>,
    attributes: &BTreeMap<String, String>,
    from: Option<&str>,
    run: Run,
    key: &str,
    why: Option<HandOff>,
) -> Result<(), StoreError> {
    let mut attributes = attributes.clone();
    let mut set_email = None;
    let mut attributes_changed = false;
    for (n, effect) in run.effects.into_iter().enumerate() {
        match effect {
            Effect::Say { text, quick_replies } => {
                say(state, target, who.settings, FLOW_SENDER_ID, &text, quick_replies, format!("{key}:{n}")).await?;
            }
            Effect::SetAttribute { key, value, email } => {
                if email && who.email.is_empty() {
                    set_email = Some(value.clone());
                }
                if attributes.len() < MAX_ATTRIBUTES || attributes.contains_key(&key) {
                    attributes.insert(key, value);
                    attributes_changed = true;
                }
            }
        }
    }
    if attributes_changed || set_email.is_some() {
        let change = VisitorChange {
            attributes: attributes_changed.then(|| serde_json::to_string(&attributes)).transpose()?,
            email: set_email,
            ..VisitorChange::default()
        };
        let updated =
            state.store.update_visitor(target.workspace_id, who.visitor_id, change, None, true, now_ms()).await?;
        if let Some((_, events)) = updated {
            chat::publish(state, events).await;
        }
    }
    let now = now_ms();
    match run.then {
        Then::Wait(step) => {
            state.store.move_flow(target.workspace_id, target.conversation_id, from, Some(&step)).await?;
        }
        Then::End => {
            if state.store.move_flow(target.workspace_id, target.conversation_id, from, None).await? {
                changed(state, state.store.resolve_conversation(target, now).await?).await;
            }
        }
        Then::Route(team, reason) => {
            let why = why.unwrap_or(match reason {
                RouteReason::Step => HandOff::FlowRouted,
                RouteReason::Finished => HandOff::FlowFinished,
                RouteReason::Broken => HandOff::FlowBroken,
            });
            let team = team.or_else(|| who.settings.team_id.clone());
            changed(state, state.store.hand_to_agents(target, &why, None, team.as_ref(), now).await?).await;
        }
    }
    Ok(())
}

/// Writes an automated message (sender id: the rule, or `flow`) under the widget's
/// assistant name; false when it was not stored (the conversation was ended or erased).
async fn say(
    state: &AppState,
    target: ConversationRef<'_>,
    settings: &WidgetSettings,
    sender_id: &str,
    text: &str,
    quick_replies: Vec<String>,
    client_key: String,
) -> Result<bool, StoreError> {
    let message = MessageToSend {
        workspace_id: target.workspace_id.clone(),
        conversation_id: target.conversation_id.clone(),
        visitor_id: None,
        sender: Sender::Bot,
        sender_id: sender_id.to_owned(),
        sender_name: Some(settings.bot.name.clone()),
        body: text.to_owned(),
        internal: false,
        attachment_ids: Vec::new(),
        client_key,
        message_id: MessageId::new(),
        now: now_ms(),
        notify: Vec::new(),
        while_bot: false,
        citations: Vec::new(),
        quick_replies,
    };
    match state.store.send_message(message).await? {
        SendOutcome::Sent(_, events, jobs) => {
            chat::publish(state, events).await;
            if jobs {
                state.jobs.job_written();
            }
            Ok(true)
        }
        SendOutcome::Duplicate(_) => Ok(true),
        _ => Ok(false),
    }
}
