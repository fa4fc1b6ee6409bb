//! The AI bot: answers a visitor's message from the workspace's published articles, the
//! answer streaming to the visitor as it is written, or hands the conversation to the
//! human agents. Each answer is a job (`Job::BotReply`, written with the visitor's
//! message), so every message to the bot is dealt with once, on some replica, across
//! restarts. The rules without IO are `domain::bot`; the model's client is [`provider`].
//!
//! **Invariant:** once a conversation is with the agents, the bot never writes in it: its
//! answer is stored only while the conversation's responder is still the bot, checked in
//! the answer's own transaction (`MessageToSend::while_bot`), so a hand-off that commits
//! first wins (test `bot::the_bot_never_speaks_after_a_hand_off`).

pub mod assist;
pub mod provider;
pub mod sealed;

use std::time::Duration;

use crate::AppState;
use crate::api::chat;
use crate::domain::bot::{
    HandOff, MAX_HANDOFF_CHARS, MAX_HISTORY, MAX_HISTORY_CHARS, MAX_SOURCES, Source, Turn, asks_for_human, cite, clip,
    fallback_summary, matching_texts, retrieval_words, system_prompt,
};
use crate::domain::conversation::{MAX_BODY_CHARS, MessageToSend, Sender};
use crate::domain::id::{ConversationId, MessageId, WorkspaceId};
use crate::domain::routing::Responder;
use crate::realtime::event::{BusMessage, Typing};
use crate::realtime::payload::Citation;
use crate::store::bot::{BotContext, UsageDelta};
use crate::store::conversations::{ChangeOutcome, ConversationRef, SendOutcome};
use crate::store::models::ArticleRow;
use crate::store::{StoreError, now_ms};
use provider::{Ask, Provider, Reply, Usage};

/// How often the visitor's view of a streaming answer is updated at most.
const DRAFT_EVERY: Duration = Duration::from_millis(100);

/// What a job of the bot came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It answered or handed the conversation over.
    Acted,
    /// Nothing to do: the conversation is with the agents or ended, or a later message of
    /// the visitor's has its own job.
    NothingToDo,
}

/// Whether the bot can answer in a workspace: the server has a model or the workspace
/// set its own.
pub async fn available(state: &AppState, workspace_id: &WorkspaceId) -> Result<bool, StoreError> {
    Ok(state.model.is_some() || state.store.workspace_model(workspace_id).await?.is_some())
}

/// The model that answers a workspace: its own when it set one (reaching only the
/// addresses the webhooks' policy permits), else the server's. `Err` says why the
/// workspace's own cannot be used (its key no longer opens, its URL is refused).
pub async fn model_for(
    state: &AppState,
    workspace_id: &WorkspaceId,
) -> Result<Result<Option<Provider>, String>, StoreError> {
    let Some(own) = state.store.workspace_model(workspace_id).await? else {
        return Ok(Ok(state.model.clone()));
    };
    let api_key = if own.api_key.is_empty() {
        None
    } else {
        match state.sealer.open(&own.api_key) {
            Some(key) => Some(key),
            None => {
                return Ok(Err(
                    "the workspace's API key can no longer be read (the server's secret changed); set it again"
                        .to_owned(),
                ));
            }
        }
    };
    let Ok(base_url) = url::Url::parse(&own.base_url) else {
        return Ok(Err(format!("the workspace's model URL {} is not a URL", own.base_url)));
    };
    let limits = state.config.llm_limits;
    let settings = provider::ProviderSettings {
        base_url,
        model: own.model,
        api_key,
        timeout: limits.timeout,
        retries: limits.retries,
        max_tokens: limits.max_tokens,
    };
    Ok(Provider::guarded(settings, &state.config.webhook_addresses).map(Some))
}

/// Answers the visitor's message `seq` of a conversation, within `budget`.
pub async fn answer(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
    seq: i64,
    budget: Duration,
) -> Result<Outcome, StoreError> {
    let history = i64::try_from(MAX_HISTORY).unwrap_or(20);
    let Some(context) = state.store.bot_context(workspace_id, conversation_id, history).await? else {
        return Ok(Outcome::NothingToDo); // erased meanwhile
    };
    if context.responder != Responder::Bot || !context.status.is_open() || context.last_visitor_seq != seq {
        return Ok(Outcome::NothingToDo);
    }
    let target = ConversationRef { workspace_id, conversation_id, visitor_id: None, by: None };
    let question = context.messages.iter().rev().find(|(sender, _)| *sender == Sender::Visitor);
    let question = question.map_or("", |(_, text)| text.as_str());
    let model = match model_for(state, workspace_id).await? {
        Ok(Some(model)) => model,
        Ok(None) => return hand_off(state, target, &context, HandOff::NoModel, None).await,
        Err(error) => {
            let delta = UsageDelta { failures: 1, ..UsageDelta::default() };
            record(state, workspace_id, delta, Some(&error)).await;
            return hand_off(state, target, &context, HandOff::ModelFailed, None).await;
        }
    };
    if asks_for_human(question) {
        return hand_off(state, target, &context, HandOff::AskedInWords, None).await;
    }
    let turns_allowed = context.settings.bot.max_turns;
    if context.bot_answers >= i64::from(turns_allowed) {
        return hand_off(state, target, &context, HandOff::TurnLimit(turns_allowed), None).await;
    }

    let Retrieved { found, sources, snippets } = retrieve(state, workspace_id, question).await?;
    let snippets: Vec<&str> = snippets.iter().map(String::as_str).collect();
    let system = system_prompt(&context.settings.bot, &sources, &snippets);
    let turns: Vec<Turn> = context
        .messages
        .iter()
        .map(|(sender, text)| Turn {
            from_visitor: *sender == Sender::Visitor,
            text: clip(text, MAX_HISTORY_CHARS).to_owned(),
        })
        .collect();

    // The answer streams to the conversation's feeds as a typing event with the text so
    // far; a task publishes the latest text at most every DRAFT_EVERY.
    let typing = TypingAs { state, workspace_id, conversation_id, context: &context };
    typing.publish(true, String::new()).await;
    let (drafts, mut latest) = tokio::sync::watch::channel(String::new());
    let publisher = {
        let bus = state.bus.clone();
        let template = typing.message(true, String::new());
        tokio::spawn(async move {
            while latest.changed().await.is_ok() {
                let draft = latest.borrow_and_update().clone();
                let mut message = template.clone();
                message.draft = draft;
                bus.publish(BusMessage::Typing(message)).await;
                tokio::time::sleep(DRAFT_EVERY).await;
            }
        })
    };
    let mut usage = Usage::default();
    let mut show = |text: &str| {
        let _ = drafts.send(clip(text, MAX_BODY_CHARS).to_owned());
    };
    let reply = tokio::time::timeout(
        budget,
        model.complete(Ask { system: &system, turns: &turns, hand_off_tool: true }, &mut usage, &mut show),
    )
    .await;
    drop(drafts);
    // The drafts end before the answer is stored, so none arrives after it.
    let _ = publisher.await;
    let mut delta = UsageDelta {
        requests: usage.requests,
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        ..UsageDelta::default()
    };

    let failure = match reply {
        Err(_) => Some(format!("the model did not finish its answer within {} s", budget.as_secs())),
        Ok(Err(ref error)) => Some(error.to_string()),
        Ok(Ok(_)) => None,
    };
    if let Some(error) = failure {
        tracing::warn!(workspace = %workspace_id, conversation = %conversation_id, %error, "the bot's model failed; handing over");
        delta.failures = 1;
        record(state, workspace_id, delta, Some(&error)).await;
        typing.publish(false, String::new()).await;
        return hand_off(state, target, &context, HandOff::ModelFailed, None).await;
    }
    let outcome = match reply {
        Ok(Ok(Reply::HandOff { reason, summary })) => {
            typing.publish(false, String::new()).await;
            record(state, workspace_id, delta, None).await;
            let reason = clip(&reason, MAX_HANDOFF_CHARS).to_owned();
            let summary = clip(&summary, MAX_HANDOFF_CHARS).to_owned();
            return hand_off(state, target, &context, HandOff::ModelDecided(reason), Some(summary)).await;
        }
        Ok(Ok(Reply::Answer(text))) => {
            let message_id = MessageId::new();
            // Like an agent's reply: e-mailed to a visitor who gave an address and left
            // it unread (a failure to read that only costs the e-mail).
            let notify = if state.mailer.is_some() {
                crate::api::notify::unread_reply(state, workspace_id, conversation_id, &message_id)
                    .await
                    .unwrap_or_else(|error| {
                        tracing::warn!(conversation = %conversation_id, %error, "no e-mail for the bot's answer");
                        Vec::new()
                    })
            } else {
                Vec::new()
            };
            let (text, order) = cite(&text, found.len());
            let citations = order
                .into_iter()
                .map(|i| Citation {
                    article_id: found[i].id.clone(),
                    title: found[i].title.clone(),
                    url: found[i].url.clone(),
                })
                .collect();
            let message = MessageToSend {
                workspace_id: workspace_id.clone(),
                conversation_id: conversation_id.clone(),
                visitor_id: None,
                sender: Sender::Bot,
                sender_id: String::new(),
                sender_name: Some(context.settings.bot.name.clone()),
                body: clip(&text, MAX_BODY_CHARS).to_owned(),
                internal: false,
                attachment_ids: Vec::new(),
                // A retried job finds its answer instead of writing a second one.
                client_key: format!("bot:{seq}"),
                message_id,
                now: now_ms(),
                notify,
                while_bot: true,
                citations,
                quick_replies: Vec::new(),
            };
            match state.store.send_message(message).await? {
                SendOutcome::Sent(_, events, jobs) => {
                    chat::publish(state, events).await;
                    if jobs {
                        state.jobs.job_written();
                    }
                    delta.answers = 1;
                    Outcome::Acted
                }
                // Handed over (or ended) while the model wrote: the answer is dropped.
                _ => Outcome::NothingToDo,
            }
        }
        Err(_) | Ok(Err(_)) => Outcome::NothingToDo, // handled above
    };
    typing.publish(false, String::new()).await;
    record(state, workspace_id, delta, None).await;
    Ok(outcome)
}

/// Canned responses marked as knowledge read per question, at most (the newest).
const MAX_CANNED_READ: i64 = 500;
/// Canned responses given to the model with a question.
const MAX_CANNED_USED: usize = 2;

/// What the bot knows about a question.
struct Retrieved {
    /// The published articles found (citable, in the prompt's numbering).
    found: Vec<ArticleRow>,
    sources: Vec<Source>,
    /// The matching canned responses marked as knowledge (used, never cited).
    snippets: Vec<String>,
}

/// The published articles and the team's canned answers that match a question.
async fn retrieve(state: &AppState, workspace_id: &WorkspaceId, question: &str) -> Result<Retrieved, StoreError> {
    let limit = i64::try_from(MAX_SOURCES).unwrap_or(3);
    let words = retrieval_words(question);
    let found = state.store.search_articles(workspace_id, &words, true, limit).await?;
    let sources =
        found.iter().map(|a| Source { title: a.title.clone(), url: a.url.clone(), body: a.body.clone() }).collect();
    let canned =
        if words.is_empty() { Vec::new() } else { state.store.knowledge_canned(workspace_id, MAX_CANNED_READ).await? };
    let texts: Vec<&str> = canned.iter().map(|c| c.body.as_str()).collect();
    let snippets = matching_texts(&words, &texts, MAX_CANNED_USED).into_iter().map(|i| texts[i].to_owned()).collect();
    Ok(Retrieved { found, sources, snippets })
}

/// The visitor pressed "talk to a person": the conversation goes to the agents with the
/// visitor's last messages as the summary.
pub async fn hand_over_on_request(state: &AppState, target: ConversationRef<'_>) -> Result<ChangeOutcome, StoreError> {
    let history = i64::try_from(MAX_HISTORY).unwrap_or(20);
    let context = state.store.bot_context(target.workspace_id, target.conversation_id, history).await?;
    let (name, summary) = match &context {
        Some(context) if context.responder == Responder::Bot => {
            (context.settings.bot.name.clone(), visitor_summary(context))
        }
        _ => (String::new(), String::new()),
    };
    let outcome = state.store.hand_to_agents(target, &HandOff::Button, Some((&name, &summary)), None, now_ms()).await?;
    if matches!(outcome, ChangeOutcome::Changed(..)) {
        let delta = UsageDelta { hand_offs: 1, ..UsageDelta::default() };
        record(state, target.workspace_id, delta, None).await;
    }
    Ok(outcome)
}

/// Hands the conversation to the agents for `why`, with the model's summary or the
/// visitor's last messages.
async fn hand_off(
    state: &AppState,
    target: ConversationRef<'_>,
    context: &BotContext,
    why: HandOff,
    summary: Option<String>,
) -> Result<Outcome, StoreError> {
    let summary = summary.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| visitor_summary(context));
    let note = Some((context.settings.bot.name.as_str(), summary.as_str()));
    match state.store.hand_to_agents(target, &why, note, None, now_ms()).await? {
        ChangeOutcome::Changed(_, events) => {
            chat::publish(state, events).await;
            let delta = UsageDelta { hand_offs: 1, ..UsageDelta::default() };
            record(state, target.workspace_id, delta, None).await;
            Ok(Outcome::Acted)
        }
        _ => Ok(Outcome::NothingToDo),
    }
}

fn visitor_summary(context: &BotContext) -> String {
    let texts: Vec<&str> =
        context.messages.iter().filter(|(s, _)| *s == Sender::Visitor).map(|(_, t)| t.as_str()).collect();
    fallback_summary(&texts)
}

/// Adds to the workspace's usage; a failure to record is logged, never the visitor's
/// problem.
async fn record(state: &AppState, workspace_id: &WorkspaceId, delta: UsageDelta, error: Option<&str>) {
    let now = now_ms();
    let day = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default().format("%Y-%m-%d").to_string();
    if let Err(e) = state.store.record_bot_usage(workspace_id, &day, delta, error, now).await {
        tracing::warn!(workspace = %workspace_id, error = %e, "recording the bot's usage failed");
    }
}

/// The bot's typing events in one conversation.
struct TypingAs<'a> {
    state: &'a AppState,
    workspace_id: &'a WorkspaceId,
    conversation_id: &'a ConversationId,
    context: &'a BotContext,
}

impl TypingAs<'_> {
    fn message(&self, typing: bool, draft: String) -> Typing {
        Typing {
            workspace_id: self.workspace_id.clone(),
            conversation_id: self.conversation_id.clone(),
            visitor_id: self.context.visitor_id.clone(),
            sender_type: Sender::Bot,
            sender_id: String::new(),
            name: self.context.settings.bot.name.clone(),
            typing,
            internal: false,
            draft,
        }
    }

    async fn publish(&self, typing: bool, draft: String) {
        self.state.bus.publish(BusMessage::Typing(self.message(typing, draft))).await;
    }
}
