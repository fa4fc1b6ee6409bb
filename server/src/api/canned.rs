//! CannedResponseService: a workspace's saved replies. Any member lists them; admins and
//! owners manage them (the access table in `auth::policy` enforces the roles).

use crate::domain::id::CannedResponseId;
use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::canned_response_service_server::CannedResponseService;
use tonic::{Request, Response, Status};

use super::convert;
use crate::AppState;
use crate::auth;
use crate::domain::Violations;
use crate::domain::canned as rules;
use crate::error::Error;
use crate::store::canned::{CannedOutcome, CannedResponseChange};
use crate::store::models::CannedResponseRow;
use crate::store::now_ms;

/// The CannedResponseService implementation.
pub struct CannedResponseApi {
    state: Arc<AppState>,
}

impl CannedResponseApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }
}

/// The saved row, or the error a client can act on; `shortcut` is what was asked for.
fn saved(outcome: CannedOutcome, shortcut: Option<&str>) -> Result<CannedResponseRow, Error> {
    match outcome {
        CannedOutcome::Saved(row) => Ok(row),
        CannedOutcome::NotFound => Err(Error::NotFound("canned response")),
        // Reported like any other bad field, so a form shows it next to the input.
        CannedOutcome::ShortcutTaken => {
            Err(Error::invalid("shortcut", rules::shortcut_taken(shortcut.unwrap_or_default())))
        }
    }
}

#[tonic::async_trait]
impl CannedResponseService for CannedResponseApi {
    async fn list_canned_responses(
        &self,
        request: Request<pb::ListCannedResponsesRequest>,
    ) -> Result<Response<pb::ListCannedResponsesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let rows = self.state.store.canned_responses(&agent.workspace_id).await?;
        Ok(Response::new(pb::ListCannedResponsesResponse {
            canned_responses: rows.iter().map(convert::canned_response).collect(),
        }))
    }

    async fn create_canned_response(
        &self,
        request: Request<pb::CreateCannedResponseRequest>,
    ) -> Result<Response<pb::CreateCannedResponseResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let shortcut = rules::check_shortcut("shortcut", &req.shortcut, &mut v);
        let title = rules::check_title("title", &req.title, &mut v);
        let body = rules::check_body("body", &req.body, &mut v);
        v.into_result(())?;
        let now = now_ms();
        let row = CannedResponseRow {
            id: CannedResponseId::new(),
            workspace_id: agent.workspace_id,
            shortcut: shortcut.clone(),
            title,
            body,
            created_by: agent.user_id,
            created_at: now,
            updated_at: now,
            knowledge: req.knowledge,
        };
        let row = saved(self.state.store.insert_canned_response(row).await?, Some(&shortcut))?;
        Ok(Response::new(pb::CreateCannedResponseResponse { canned_response: Some(convert::canned_response(&row)) }))
    }

    async fn update_canned_response(
        &self,
        request: Request<pb::UpdateCannedResponseRequest>,
    ) -> Result<Response<pb::UpdateCannedResponseResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let shortcut = req.shortcut.map(|s| rules::check_shortcut("shortcut", &s, &mut v));
        let title = req.title.map(|t| rules::check_title("title", &t, &mut v));
        let body = req.body.map(|b| rules::check_body("body", &b, &mut v));
        v.into_result(())?;
        let change = CannedResponseChange {
            shortcut: shortcut.clone(),
            title,
            body,
            knowledge: req.knowledge,
            updated_at: now_ms(),
        };
        let outcome =
            self.state.store.update_canned_response(&agent.workspace_id, &req.canned_response_id, change).await?;
        let row = saved(outcome, shortcut.as_deref())?;
        Ok(Response::new(pb::UpdateCannedResponseResponse { canned_response: Some(convert::canned_response(&row)) }))
    }

    async fn delete_canned_response(
        &self,
        request: Request<pb::DeleteCannedResponseRequest>,
    ) -> Result<Response<pb::DeleteCannedResponseResponse>, Status> {
        let agent = auth::agent(&request)?;
        if !self.state.store.delete_canned_response(&agent.workspace_id, &request.get_ref().canned_response_id).await? {
            return Err(Error::NotFound("canned response").into());
        }
        Ok(Response::new(pb::DeleteCannedResponseResponse {}))
    }
}
