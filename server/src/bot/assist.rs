//! Agent assist: a reply drafted from the knowledge base for the agent to edit, and a
//! summary of a conversation. Nothing is stored or sent; the model's use is counted in the
//! workspace's bot usage like the bot's own.

use super::provider::{Ask, ProviderError, Reply, Usage};
use super::{record, retrieve};
use crate::AppState;
use crate::domain::bot::{MAX_HISTORY, SUMMARY_PROMPT, Turn, cite, draft_prompt, transcript};
use crate::domain::conversation::Sender;
use crate::domain::id::{ConversationId, WorkspaceId};
use crate::realtime::payload::Citation;
use crate::store::StoreError;
use crate::store::bot::UsageDelta;

/// Why no draft or summary came.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    #[error("no AI model is configured for this workspace")]
    NoModel,
    /// The workspace's own model cannot be used (why).
    #[error("{0}")]
    Unusable(String),
    #[error("conversation")]
    NotFound,
    #[error("{0}")]
    Nothing(&'static str),
    #[error(transparent)]
    Model(#[from] ProviderError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The workspace's model, or why there is none to use.
async fn model(state: &AppState, workspace_id: &WorkspaceId) -> Result<super::Provider, AssistError> {
    match super::model_for(state, workspace_id).await? {
        Ok(Some(model)) => Ok(model),
        Ok(None) => Err(AssistError::NoModel),
        Err(why) => Err(AssistError::Unusable(why)),
    }
}

/// A draft of the reply to the visitor's latest message, with the articles it cites.
pub async fn suggest_reply(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
) -> Result<(String, Vec<Citation>), AssistError> {
    let model = model(state, workspace_id).await?;
    let model = &model;
    let history = i64::try_from(MAX_HISTORY).unwrap_or(20);
    let context =
        state.store.bot_context(workspace_id, conversation_id, history).await?.ok_or(AssistError::NotFound)?;
    let Some((_, question)) = context.messages.iter().rev().find(|(sender, _)| *sender == Sender::Visitor) else {
        return Err(AssistError::Nothing("the visitor has not written anything to answer yet"));
    };
    let super::Retrieved { found, sources, snippets } = retrieve(state, workspace_id, question).await?;
    let snippets: Vec<&str> = snippets.iter().map(String::as_str).collect();
    let system = draft_prompt(&sources, &snippets);
    let turns: Vec<Turn> = context
        .messages
        .iter()
        .map(|(sender, text)| Turn { from_visitor: *sender == Sender::Visitor, text: text.clone() })
        .collect();
    let text = ask(state, workspace_id, model, Ask { system: &system, turns: &turns, hand_off_tool: false }).await?;
    let (text, order) = cite(&text, found.len());
    let citations = order
        .into_iter()
        .map(|i| Citation { article_id: found[i].id.clone(), title: found[i].title.clone(), url: found[i].url.clone() })
        .collect();
    Ok((text, citations))
}

/// A few sentences on what the conversation is about and what is open.
pub async fn summarize(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
) -> Result<String, AssistError> {
    let model = model(state, workspace_id).await?;
    let model = &model;
    let history = i64::try_from(MAX_HISTORY).unwrap_or(20) * 2;
    let context =
        state.store.bot_context(workspace_id, conversation_id, history).await?.ok_or(AssistError::NotFound)?;
    if context.messages.is_empty() {
        return Err(AssistError::Nothing("the conversation has no messages yet"));
    }
    let lines: Vec<(bool, &str)> =
        context.messages.iter().map(|(sender, text)| (*sender == Sender::Visitor, text.as_str())).collect();
    let turns = [Turn { from_visitor: true, text: transcript(&lines) }];
    Ok(ask(state, workspace_id, model, Ask { system: SUMMARY_PROMPT, turns: &turns, hand_off_tool: false }).await?)
}

/// Asks the model and counts its use; a failure is also the workspace's last error.
async fn ask(
    state: &AppState,
    workspace_id: &WorkspaceId,
    model: &super::provider::Provider,
    request: Ask<'_>,
) -> Result<String, ProviderError> {
    let mut usage = Usage::default();
    let result = model.complete(request, &mut usage, &mut |_| {}).await;
    let mut delta = UsageDelta {
        requests: usage.requests,
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        ..UsageDelta::default()
    };
    let error = result.as_ref().err().map(ToString::to_string);
    if error.is_some() {
        delta.failures = 1;
    }
    record(state, workspace_id, delta, error.as_deref()).await;
    match result? {
        Reply::Answer(text) => Ok(text),
        // Not offered, but a model may call it anyway: nothing usable came.
        Reply::HandOff { .. } => Err(ProviderError::Empty),
    }
}
