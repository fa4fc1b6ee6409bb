//! BotService: whether the AI bot can answer in the workspace, what it used and its last
//! failure, for owners and admins (the access table in `auth::policy`).

use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::bot_service_server::BotService;
use tonic::{Request, Response, Status};

use super::convert::timestamp;
use crate::AppState;
use crate::auth;
use crate::bot::assist::{self, AssistError};
use crate::domain::Violations;
use crate::domain::id::ConversationId;
use crate::error::Error;
use crate::limits::Limit;
use crate::store::bot::{KeyChange, WorkspaceModelRow};
use crate::store::now_ms;
use crate::webhooks::client::refused_literal;

/// Days of usage shown.
const USAGE_DAYS: i64 = 30;

/// The BotService implementation.
pub struct BotApi {
    state: Arc<AppState>,
}

impl BotApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl BotService for BotApi {
    async fn set_workspace_model(
        &self,
        request: Request<pb::SetWorkspaceModelRequest>,
    ) -> Result<Response<pb::SetWorkspaceModelResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let base_url = req.base_url.trim();
        let now = now_ms();
        if base_url.is_empty() {
            self.state.store.set_workspace_model(&agent.workspace_id, None, KeyChange::Keep, now).await?;
            return Ok(Response::new(pb::SetWorkspaceModelResponse { workspace_model: None }));
        }
        let mut v = Violations::default();
        let parsed = url::Url::parse(base_url).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host().is_some() && base_url.chars().count() <= 500
        });
        match &parsed {
            None => v.add(
                "base_url",
                "must be an http:// or https:// URL of at most 500 characters, e.g. https://api.openai.com/v1",
            ),
            Some(url) => {
                if let Some(refused) = refused_literal(&self.state.config.webhook_addresses, url.as_str()) {
                    v.add("base_url", refused.replace("webhooks reach", "models of workspaces reach"));
                }
            }
        }
        let model = req.model.trim();
        if model.is_empty() || model.chars().count() > 200 || model.chars().any(char::is_control) {
            v.add("model", "must be the model's name, 1 to 200 characters (e.g. gpt-4o-mini)");
        }
        let api_key = req.api_key.trim();
        if api_key.chars().count() > 500 || api_key.chars().any(char::is_control) {
            v.add("api_key", "must be at most 500 characters, without control characters");
        }
        v.into_result(())?;
        let key = if req.keep_api_key {
            KeyChange::Keep
        } else if api_key.is_empty() {
            KeyChange::Set(String::new())
        } else {
            KeyChange::Set(self.state.sealer.seal(api_key))
        };
        let model = Some((base_url.to_owned(), model.to_owned()));
        let row = self.state.store.set_workspace_model(&agent.workspace_id, model, key, now).await?;
        Ok(Response::new(pb::SetWorkspaceModelResponse { workspace_model: row.as_ref().map(workspace_model) }))
    }

    async fn get_bot_status(
        &self,
        request: Request<pb::GetBotStatusRequest>,
    ) -> Result<Response<pb::GetBotStatusResponse>, Status> {
        let agent = auth::agent(&request)?;
        let since = chrono::DateTime::from_timestamp_millis(now_ms()).unwrap_or_default()
            - chrono::Duration::days(USAGE_DAYS - 1);
        let record = self.state.store.bot_record(&agent.workspace_id, &since.format("%Y-%m-%d").to_string()).await?;
        let own = self.state.store.workspace_model(&agent.workspace_id).await?;
        let (model, host) = match &own {
            Some(own) => {
                let host = url::Url::parse(&own.base_url).ok().and_then(|u| u.host_str().map(str::to_owned));
                (Some(own.model.clone()), host)
            }
            None => {
                let server = self.state.model.as_ref().map(|m| m.settings());
                (server.map(|m| m.model.clone()), server.and_then(|m| m.base_url.host_str().map(str::to_owned)))
            }
        };
        Ok(Response::new(pb::GetBotStatusResponse {
            configured: model.is_some(),
            model: model.unwrap_or_default(),
            provider_host: host.unwrap_or_default(),
            workspace_model: own.as_ref().map(workspace_model),
            days: record
                .days
                .into_iter()
                .map(|d| pb::BotUsageDay {
                    date: d.day,
                    requests: d.requests,
                    prompt_tokens: d.prompt_tokens,
                    completion_tokens: d.completion_tokens,
                    answers: d.answers,
                    hand_offs: d.hand_offs,
                    failures: d.failures,
                })
                .collect(),
            last_error: record.last_error,
            last_error_time: record.last_error_at.map(timestamp),
        }))
    }

    async fn suggest_reply(
        &self,
        request: Request<pb::SuggestReplyRequest>,
    ) -> Result<Response<pb::SuggestReplyResponse>, Status> {
        let agent = auth::agent(&request)?;
        self.state.limits.check(Limit::AssistPerMember, agent.user_id.as_str()).await?;
        let conversation_id = ConversationId::parse(&request.get_ref().conversation_id)?;
        let (text, citations) =
            assist::suggest_reply(&self.state, &agent.workspace_id, &conversation_id).await.map_err(assist_error)?;
        Ok(Response::new(pb::SuggestReplyResponse {
            text,
            citations: citations
                .iter()
                .map(|c| pb::Citation {
                    article_id: c.article_id.to_string(),
                    title: c.title.clone(),
                    url: c.url.clone(),
                })
                .collect(),
        }))
    }

    async fn summarize_conversation(
        &self,
        request: Request<pb::SummarizeConversationRequest>,
    ) -> Result<Response<pb::SummarizeConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        self.state.limits.check(Limit::AssistPerMember, agent.user_id.as_str()).await?;
        let conversation_id = ConversationId::parse(&request.get_ref().conversation_id)?;
        let summary =
            assist::summarize(&self.state, &agent.workspace_id, &conversation_id).await.map_err(assist_error)?;
        Ok(Response::new(pb::SummarizeConversationResponse { summary }))
    }
}

fn workspace_model(row: &WorkspaceModelRow) -> pb::WorkspaceModel {
    pb::WorkspaceModel {
        base_url: row.base_url.clone(),
        model: row.model.clone(),
        api_key_set: !row.api_key.is_empty(),
        update_time: Some(timestamp(row.updated_at)),
    }
}

/// Assist's outcomes as the API's errors.
fn assist_error(error: AssistError) -> Error {
    match error {
        AssistError::NoModel => Error::failed_precondition(
            "no AI model is configured for this workspace (an admin sets one on the Widgets page, or the operator sets PORTHOLE_LLM_BASE_URL)",
        ),
        AssistError::Unusable(why) => Error::failed_precondition(why),
        AssistError::NotFound => Error::NotFound("conversation"),
        AssistError::Nothing(why) => Error::failed_precondition(why),
        AssistError::Model(e) => Error::Unavailable {
            message: format!("the AI model failed: {e}"),
            retry_after: std::time::Duration::from_secs(5),
        },
        AssistError::Store(e) => e.into(),
    }
}
