//! WebhookService: a workspace's webhook endpoints and their delivery log (owners and
//! admins; the access table in `auth::policy` enforces the roles).

use crate::domain::id::WebhookId;
use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::webhook_service_server::WebhookService;
use tonic::{Request, Response, Status};

use super::audit::{self, Action};
use super::convert::timestamp;
use crate::AppState;
use crate::auth::{self, Agent};
use crate::domain::Violations;
use crate::domain::page;
use crate::domain::webhook::{self as rules, DeliveryState, EventType, MAX_DESCRIPTION_CHARS, MAX_WEBHOOKS};
use crate::error::Error;
use crate::ids;
use crate::limits::Limit;
use crate::store::models::{DeliveryRow, WebhookRow};
use crate::store::now_ms;
use crate::store::webhooks::WebhookChange;
use crate::webhooks::{self, client};

/// The WebhookService implementation.
pub struct WebhookApi {
    state: Arc<AppState>,
}

impl WebhookApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// Checks a URL's form and, by resolving it now, its address (for an error at once;
    /// every delivery checks again).
    async fn checked_url(&self, field: &str, raw: &str, v: &mut Violations) -> Option<String> {
        let url = rules::check_url(field, raw, v)?;
        if let Some(refused) = client::refused_host(self.state.webhooks.sender.policy(), &url).await {
            v.add(field, refused);
            return None;
        }
        Some(url.to_string())
    }

    async fn webhook(&self, agent: &Agent, id: &str) -> Result<WebhookRow, Error> {
        self.state.store.webhook(&agent.workspace_id, id).await?.ok_or(Error::NotFound("webhook"))
    }
}

fn description(field: &str, raw: &str, v: &mut Violations) -> String {
    let trimmed = raw.trim();
    if trimmed.chars().count() > MAX_DESCRIPTION_CHARS {
        v.add(field, format!("at most {MAX_DESCRIPTION_CHARS} characters"));
    }
    trimmed.to_owned()
}

fn type_names(types: &[EventType]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())
}

fn webhook(row: &WebhookRow) -> pb::Webhook {
    pb::Webhook {
        id: row.id.to_string(),
        url: row.url.clone(),
        description: row.description.clone(),
        event_types: row.event_type_names(),
        enabled: row.enabled,
        disabled_reason: row.disabled_reason.clone(),
        failed_in_a_row: row.failed_in_a_row,
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
    }
}

fn delivery(row: &DeliveryRow) -> pb::WebhookDelivery {
    let state = match row.state {
        DeliveryState::Pending => pb::WebhookDeliveryState::Pending,
        DeliveryState::Succeeded => pb::WebhookDeliveryState::Succeeded,
        DeliveryState::Failed => pb::WebhookDeliveryState::Failed,
    };
    pb::WebhookDelivery {
        id: row.id.to_string(),
        webhook_id: row.webhook_id.to_string(),
        event_type: row.event_type.clone(),
        state: state.into(),
        attempts: row.attempts,
        next_attempt_time: row.next_attempt_at.filter(|_| row.state == DeliveryState::Pending).map(timestamp),
        response_status: row.response_status,
        latency_ms: row.latency_ms,
        error: row.error.clone(),
        response_excerpt: row.response_excerpt.clone(),
        payload: row.payload.clone(),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
    }
}

/// A new signing secret.
fn new_secret() -> String {
    format!("whsec_{}", ids::new_secret(32))
}

#[tonic::async_trait]
impl WebhookService for WebhookApi {
    async fn list_webhooks(
        &self,
        request: Request<pb::ListWebhooksRequest>,
    ) -> Result<Response<pb::ListWebhooksResponse>, Status> {
        let agent = auth::agent(&request)?;
        let rows = self.state.store.webhooks_of(&agent.workspace_id).await?;
        Ok(Response::new(pb::ListWebhooksResponse {
            webhooks: rows.iter().map(webhook).collect(),
            event_types: EventType::SUBSCRIBABLE.iter().map(|t| t.as_str().to_owned()).collect(),
        }))
    }

    async fn create_webhook(
        &self,
        request: Request<pb::CreateWebhookRequest>,
    ) -> Result<Response<pb::CreateWebhookResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let types = rules::parse_event_types("event_types", &req.event_types, &mut v);
        let description = description("description", &req.description, &mut v);
        let url = self.checked_url("url", &req.url, &mut v).await;
        let url = v.into_result(url)?.unwrap_or_default();
        let now = now_ms();
        let secret = new_secret();
        let row = WebhookRow {
            id: WebhookId::new(),
            workspace_id: agent.workspace_id.clone(),
            url,
            description,
            event_types: type_names(&types),
            secret: secret.clone(),
            enabled: true,
            disabled_reason: String::new(),
            event_cursor: 0,
            failed_in_a_row: 0,
            created_at: now,
            updated_at: now,
        };
        let Some(row) = self.state.store.create_webhook(row).await? else {
            return Err(Error::failed_precondition(format!(
                "a workspace has at most {MAX_WEBHOOKS} webhooks; delete one first"
            ))
            .into());
        };
        audit::record(&self.state, &agent, Action::WebhookCreated, &row.id, row.url.clone()).await;
        Ok(Response::new(pb::CreateWebhookResponse { webhook: Some(webhook(&row)), secret }))
    }

    async fn update_webhook(
        &self,
        request: Request<pb::UpdateWebhookRequest>,
    ) -> Result<Response<pb::UpdateWebhookResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let event_types = (!req.event_types.is_empty())
            .then(|| type_names(&rules::parse_event_types("event_types", &req.event_types, &mut v)));
        let description = req.description.as_deref().map(|d| description("description", d, &mut v));
        let url = match req.url.as_deref() {
            Some(raw) => self.checked_url("url", raw, &mut v).await,
            None => None,
        };
        v.into_result(())?;
        let change = WebhookChange { url, description, event_types, enabled: req.enabled };
        let row = self
            .state
            .store
            .update_webhook(&agent.workspace_id, &req.webhook_id, change, now_ms())
            .await?
            .ok_or(Error::NotFound("webhook"))?;
        let detail = match req.enabled {
            Some(true) => format!("{} (enabled)", row.url),
            Some(false) => format!("{} (disabled)", row.url),
            None => row.url.clone(),
        };
        audit::record(&self.state, &agent, Action::WebhookUpdated, &row.id, detail).await;
        // An endpoint enabled again may have deliveries to make from now on.
        self.state.webhooks.events_logged();
        Ok(Response::new(pb::UpdateWebhookResponse { webhook: Some(webhook(&row)) }))
    }

    async fn delete_webhook(
        &self,
        request: Request<pb::DeleteWebhookRequest>,
    ) -> Result<Response<pb::DeleteWebhookResponse>, Status> {
        let agent = auth::agent(&request)?;
        let row = self.webhook(&agent, &request.get_ref().webhook_id).await?;
        if !self.state.store.delete_webhook(&agent.workspace_id, &row.id).await? {
            return Err(Error::NotFound("webhook").into());
        }
        audit::record(&self.state, &agent, Action::WebhookDeleted, &row.id, row.url).await;
        Ok(Response::new(pb::DeleteWebhookResponse {}))
    }

    async fn rotate_webhook_secret(
        &self,
        request: Request<pb::RotateWebhookSecretRequest>,
    ) -> Result<Response<pb::RotateWebhookSecretResponse>, Status> {
        let agent = auth::agent(&request)?;
        let id = &request.get_ref().webhook_id;
        let secret = new_secret();
        if !self.state.store.set_webhook_secret(&agent.workspace_id, id, &secret, now_ms()).await? {
            return Err(Error::NotFound("webhook").into());
        }
        audit::record(&self.state, &agent, Action::WebhookSecretRotated, id, "").await;
        Ok(Response::new(pb::RotateWebhookSecretResponse { secret }))
    }

    async fn send_test_webhook(
        &self,
        request: Request<pb::SendTestWebhookRequest>,
    ) -> Result<Response<pb::SendTestWebhookResponse>, Status> {
        let agent = auth::agent(&request)?;
        let row = self.webhook(&agent, &request.get_ref().webhook_id).await?;
        self.state.limits.check(Limit::TestSendsPerWorkspace, &agent.workspace_id).await?;
        let sent = self.state.store.enqueue_delivery(&row, &webhooks::test_delivery(&row), now_ms()).await?;
        self.state.jobs.job_written();
        Ok(Response::new(pb::SendTestWebhookResponse { delivery: Some(delivery(&sent)) }))
    }

    async fn list_webhook_deliveries(
        &self,
        request: Request<pb::ListWebhookDeliveriesRequest>,
    ) -> Result<Response<pb::ListWebhookDeliveriesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let limit = page::JOBS.parse("page_size", req.page_size, &mut v);
        let before = page::after("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let row = self.webhook(&agent, &req.webhook_id).await?;
        let mut rows = self.state.store.deliveries_of(&agent.workspace_id, &row.id, before, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_page_token = match rows.last() {
            Some(last) if more => page::token(last.created_at, &last.id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListWebhookDeliveriesResponse {
            deliveries: rows.iter().map(delivery).collect(),
            next_page_token,
        }))
    }

    async fn redeliver_webhook(
        &self,
        request: Request<pb::RedeliverWebhookRequest>,
    ) -> Result<Response<pb::RedeliverWebhookResponse>, Status> {
        let agent = auth::agent(&request)?;
        let original = self
            .state
            .store
            .delivery(&agent.workspace_id, &request.get_ref().delivery_id)
            .await?
            .ok_or(Error::NotFound("webhook delivery"))?;
        let row = self.webhook(&agent, &original.webhook_id).await?;
        if !row.enabled {
            return Err(Error::failed_precondition("the webhook is disabled; enable it, then redeliver").into());
        }
        self.state.limits.check(Limit::TestSendsPerWorkspace, &agent.workspace_id).await?;
        let sent = self.state.store.enqueue_delivery(&row, &webhooks::redelivery(&original), now_ms()).await?;
        self.state.jobs.job_written();
        Ok(Response::new(pb::RedeliverWebhookResponse { delivery: Some(delivery(&sent)) }))
    }
}
