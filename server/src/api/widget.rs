//! WidgetService: a workspace's chat widgets and their settings.

use crate::domain::id::{TeamId, WidgetId, WorkspaceId};
use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::widget_service_server::WidgetService;
use tonic::{Request, Response, Status};

use super::audit::{self, Action};
use super::convert;
use crate::AppState;
use crate::auth;
use crate::domain::Violations;
use crate::domain::account as rules;
use crate::error::Error;
use crate::ids;
use crate::store::models::WidgetRow;
use crate::store::now_ms;
use crate::store::widgets::WidgetChange;

/// The WidgetService implementation.
pub struct WidgetApi {
    state: Arc<AppState>,
}

impl WidgetApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    async fn change(
        &self,
        workspace_id: &WorkspaceId,
        widget_id: &WidgetId,
        change: WidgetChange,
    ) -> Result<WidgetRow, Error> {
        self.state.store.update_widget(workspace_id, widget_id, change).await?.ok_or(Error::NotFound("widget"))
    }
}

/// Validated settings as stored JSON; the team must be one of the workspace's.
async fn settings_json(
    store: &crate::store::Store,
    workspace_id: &WorkspaceId,
    settings: Option<pb::WidgetSettings>,
    v: &mut Violations,
) -> Result<String, Error> {
    let settings = settings.unwrap_or_default();
    let team = settings.team_id.trim().to_owned();
    // Route steps' teams, by step position (the conversion leaves them to be checked here).
    let route_teams: Vec<(usize, String)> = settings
        .flow
        .iter()
        .flat_map(|f| f.steps.iter().enumerate())
        .map(|(i, s)| (i, s.team_id.trim().to_owned()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let mut settings = convert::settings_from_proto(settings).validate("settings", v);
    if !team.is_empty() {
        match TeamId::parse(&team) {
            Ok(team) if store.team_exists(workspace_id, &team).await? => settings.team_id = Some(team),
            _ => v.add("settings.team_id", "no team of this workspace has this id; leave it empty for everyone"),
        }
    }
    for (i, team) in route_teams {
        match TeamId::parse(&team) {
            Ok(team) if store.team_exists(workspace_id, &team).await? => {
                if let Some(step) = settings.flow.steps.get_mut(i) {
                    step.team_id = Some(team);
                }
            }
            _ => v.add(
                format!("settings.flow.steps[{i}].team_id"),
                "no team of this workspace has this id; leave it empty for the widget's team",
            ),
        }
    }
    serde_json::to_string(&settings).map_err(Error::internal)
}

/// The embed snippet of a widget.
pub fn embed_snippet(public_url: &str, public_token: &str) -> (String, String) {
    let script_url = format!("{public_url}/widget/{public_token}/loader.js");
    let html = format!("<script src=\"{script_url}\" async></script>");
    (html, script_url)
}

#[tonic::async_trait]
impl WidgetService for WidgetApi {
    async fn create_widget(
        &self,
        request: Request<pb::CreateWidgetRequest>,
    ) -> Result<Response<pb::CreateWidgetResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let name = rules::check_name("name", &req.name, rules::MAX_NAME_CHARS, &mut v);
        let settings = settings_json(&self.state.store, &agent.workspace_id, req.settings, &mut v).await?;
        v.into_result(())?;
        let now = now_ms();
        let row = WidgetRow {
            id: WidgetId::new(),
            workspace_id: agent.workspace_id.clone(),
            name,
            public_token: ids::new_public_token(),
            identity_secret: ids::new_secret(32),
            active: true,
            settings,
            created_at: now,
            updated_at: now,
            first_seen_at: None,
            first_seen_origin: String::new(),
        };
        let row = self.state.store.insert_widget(row).await?;
        audit::record(&self.state, &agent, Action::WidgetCreated, &row.id, format!("{:?}", row.name)).await;
        Ok(Response::new(pb::CreateWidgetResponse { widget: Some(convert::widget(&row)) }))
    }

    async fn list_widgets(
        &self,
        request: Request<pb::ListWidgetsRequest>,
    ) -> Result<Response<pb::ListWidgetsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let rows = self.state.store.widgets(&agent.workspace_id).await?;
        Ok(Response::new(pb::ListWidgetsResponse { widgets: rows.iter().map(convert::widget).collect() }))
    }

    async fn get_widget(
        &self,
        request: Request<pb::GetWidgetRequest>,
    ) -> Result<Response<pb::GetWidgetResponse>, Status> {
        let agent = auth::agent(&request)?;
        let row = self
            .state
            .store
            .widget(&agent.workspace_id, &WidgetId::parse(&request.get_ref().widget_id)?)
            .await?
            .ok_or(Error::NotFound("widget"))?;
        Ok(Response::new(pb::GetWidgetResponse { widget: Some(convert::widget(&row)) }))
    }

    async fn update_widget(
        &self,
        request: Request<pb::UpdateWidgetRequest>,
    ) -> Result<Response<pb::UpdateWidgetResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let widget_id = WidgetId::parse(&req.widget_id)?;
        let mut v = Violations::default();
        let name = req.name.map(|n| rules::check_name("name", &n, rules::MAX_NAME_CHARS, &mut v));
        let settings = match req.settings {
            Some(settings) => {
                Some(settings_json(&self.state.store, &agent.workspace_id, Some(settings), &mut v).await?)
            }
            None => None,
        };
        v.into_result(())?;
        let what = match (name.is_some(), settings.is_some()) {
            (true, true) => "name and settings",
            (true, false) => "name",
            (false, _) => "settings",
        };
        let change = WidgetChange { name, settings, updated_at: now_ms(), ..WidgetChange::default() };
        let row = self.change(&agent.workspace_id, &widget_id, change).await?;
        audit::record(&self.state, &agent, Action::WidgetUpdated, &row.id, what).await;
        Ok(Response::new(pb::UpdateWidgetResponse { widget: Some(convert::widget(&row)) }))
    }

    async fn delete_widget(
        &self,
        request: Request<pb::DeleteWidgetRequest>,
    ) -> Result<Response<pb::DeleteWidgetResponse>, Status> {
        let agent = auth::agent(&request)?;
        let widget_id = &WidgetId::parse(&request.get_ref().widget_id)?;
        if !self.state.store.delete_widget(&agent.workspace_id, widget_id).await? {
            return Err(Error::NotFound("widget").into());
        }
        self.state.widget_states.changed(&self.state.bus, &agent.workspace_id, widget_id).await;
        audit::record(&self.state, &agent, Action::WidgetDeleted, widget_id, "").await;
        Ok(Response::new(pb::DeleteWidgetResponse {}))
    }

    async fn set_widget_active(
        &self,
        request: Request<pb::SetWidgetActiveRequest>,
    ) -> Result<Response<pb::SetWidgetActiveResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let widget_id = WidgetId::parse(&req.widget_id)?;
        let change = WidgetChange { active: Some(req.active), updated_at: now_ms(), ..WidgetChange::default() };
        let row = self.change(&agent.workspace_id, &widget_id, change).await?;
        self.state.widget_states.changed(&self.state.bus, &agent.workspace_id, &widget_id).await;
        let action = if req.active { Action::WidgetActivated } else { Action::WidgetDeactivated };
        audit::record(&self.state, &agent, action, &row.id, "").await;
        Ok(Response::new(pb::SetWidgetActiveResponse { widget: Some(convert::widget(&row)) }))
    }

    async fn regenerate_widget_token(
        &self,
        request: Request<pb::RegenerateWidgetTokenRequest>,
    ) -> Result<Response<pb::RegenerateWidgetTokenResponse>, Status> {
        let agent = auth::agent(&request)?;
        let change = WidgetChange {
            public_token: Some(ids::new_public_token()),
            updated_at: now_ms(),
            ..WidgetChange::default()
        };
        let row = self.change(&agent.workspace_id, &WidgetId::parse(&request.get_ref().widget_id)?, change).await?;
        audit::record(&self.state, &agent, Action::WidgetTokenRegenerated, &row.id, "").await;
        Ok(Response::new(pb::RegenerateWidgetTokenResponse { widget: Some(convert::widget(&row)) }))
    }

    async fn get_identity_secret(
        &self,
        request: Request<pb::GetIdentitySecretRequest>,
    ) -> Result<Response<pb::GetIdentitySecretResponse>, Status> {
        let agent = auth::agent(&request)?;
        let row = self
            .state
            .store
            .widget(&agent.workspace_id, &WidgetId::parse(&request.get_ref().widget_id)?)
            .await?
            .ok_or(Error::NotFound("widget"))?;
        audit::record(&self.state, &agent, Action::IdentitySecretViewed, &row.id, "").await;
        Ok(Response::new(pb::GetIdentitySecretResponse { identity_secret: row.identity_secret }))
    }

    async fn rotate_identity_secret(
        &self,
        request: Request<pb::RotateIdentitySecretRequest>,
    ) -> Result<Response<pb::RotateIdentitySecretResponse>, Status> {
        let agent = auth::agent(&request)?;
        let change = WidgetChange {
            identity_secret: Some(ids::new_secret(32)),
            updated_at: now_ms(),
            ..WidgetChange::default()
        };
        let row = self.change(&agent.workspace_id, &WidgetId::parse(&request.get_ref().widget_id)?, change).await?;
        audit::record(&self.state, &agent, Action::IdentitySecretRotated, &row.id, "").await;
        Ok(Response::new(pb::RotateIdentitySecretResponse { identity_secret: row.identity_secret }))
    }

    async fn get_embed_snippet(
        &self,
        request: Request<pb::GetEmbedSnippetRequest>,
    ) -> Result<Response<pb::GetEmbedSnippetResponse>, Status> {
        let agent = auth::agent(&request)?;
        let row = self
            .state
            .store
            .widget(&agent.workspace_id, &WidgetId::parse(&request.get_ref().widget_id)?)
            .await?
            .ok_or(Error::NotFound("widget"))?;
        let (html, script_url) = embed_snippet(&self.state.public_url, &row.public_token);
        Ok(Response::new(pb::GetEmbedSnippetResponse { html, script_url }))
    }
}
