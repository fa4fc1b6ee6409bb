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
use crate::domain::id::ConversationId;
use crate::error::Error;
use crate::limits::Limit;
use crate::store::now_ms;

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
    async fn get_bot_status(
        &self,
        request: Request<pb::GetBotStatusRequest>,
    ) -> Result<Response<pb::GetBotStatusResponse>, Status> {
        let agent = auth::agent(&request)?;
        let since = chrono::DateTime::from_timestamp_millis(now_ms()).unwrap_or_default()
            - chrono::Duration::days(USAGE_DAYS - 1);
        let record = self.state.store.bot_record(&agent.workspace_id, &since.format("%Y-%m-%d").to_string()).await?;
        let model = self.state.model.as_ref().map(|m| m.settings());
        Ok(Response::new(pb::GetBotStatusResponse {
            configured: model.is_some(),
            model: model.map(|m| m.model.clone()).unwrap_or_default(),
            provider_host: model.and_then(|m| m.base_url.host_str().map(str::to_owned)).unwrap_or_default(),
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

/// Assist's outcomes as the API's errors.
fn assist_error(error: AssistError) -> Error {
    match error {
        AssistError::NoModel => Error::failed_precondition(
            "no AI model is configured on this server (the operator sets PORTHOLE_LLM_BASE_URL)",
        ),
        AssistError::NotFound => Error::NotFound("conversation"),
        AssistError::Nothing(why) => Error::failed_precondition(why),
        AssistError::Model(e) => Error::Unavailable {
            message: format!("the AI model failed: {e}"),
            retry_after: std::time::Duration::from_secs(5),
        },
        AssistError::Store(e) => e.into(),
    }
}
