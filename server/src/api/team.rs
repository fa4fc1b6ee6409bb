//! TeamService: a workspace's teams. Any member lists them; admins and owners manage them
//! (the access table in `auth::policy`). Routing by team is `store::queries`'
//! `route_queue`; a conversation's team is set by its widget or
//! `ConversationService.SetConversationTeam`.

use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::team_service_server::TeamService;
use tonic::{Request, Response, Status};

use super::chat;
use super::convert::timestamp;
use crate::AppState;
use crate::auth;
use crate::domain::id::TeamId;
use crate::domain::team::{self as rules, MAX_NAME_CHARS, MAX_TEAMS};
use crate::domain::{Violations, account};
use crate::error::Error;
use crate::store::models::TeamRow;
use crate::store::now_ms;
use crate::store::teams::{TeamOutcome, TeamView};

/// The TeamService implementation.
pub struct TeamApi {
    state: Arc<AppState>,
}

impl TeamApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }
}

fn team(view: &TeamView) -> pb::Team {
    pb::Team {
        id: view.team.id.to_string(),
        name: view.team.name.clone(),
        member_user_ids: view.members.iter().map(ToString::to_string).collect(),
        create_time: Some(timestamp(view.team.created_at)),
    }
}

/// A write's outcome as the answer, publishing what routing did.
async fn saved(state: &AppState, outcome: TeamOutcome) -> Result<pb::Team, Error> {
    match outcome {
        TeamOutcome::Saved(view, events) => {
            chat::publish(state, events).await;
            Ok(team(&view))
        }
        TeamOutcome::NameTaken => Err(Error::invalid("name", "another team of this workspace has this name")),
        TeamOutcome::NotAMember(i) => {
            Err(Error::invalid(format!("member_user_ids[{i}]"), "is not a member of this workspace"))
        }
        TeamOutcome::TooMany => {
            Err(Error::failed_precondition(format!("a workspace has at most {MAX_TEAMS} teams; delete one first")))
        }
        TeamOutcome::NotFound => Err(Error::NotFound("team")),
    }
}

#[tonic::async_trait]
impl TeamService for TeamApi {
    async fn list_teams(
        &self,
        request: Request<pb::ListTeamsRequest>,
    ) -> Result<Response<pb::ListTeamsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let teams = self.state.store.teams(&agent.workspace_id).await?;
        Ok(Response::new(pb::ListTeamsResponse { teams: teams.iter().map(team).collect() }))
    }

    async fn create_team(
        &self,
        request: Request<pb::CreateTeamRequest>,
    ) -> Result<Response<pb::CreateTeamResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let name = account::check_name("name", &req.name, MAX_NAME_CHARS, &mut v);
        let members = rules::members("member_user_ids", &req.member_user_ids, &mut v);
        v.into_result(())?;
        let row = TeamRow { id: TeamId::new(), workspace_id: agent.workspace_id, name, created_at: now_ms() };
        let team = saved(&self.state, self.state.store.create_team(row, members).await?).await?;
        Ok(Response::new(pb::CreateTeamResponse { team: Some(team) }))
    }

    async fn update_team(
        &self,
        request: Request<pb::UpdateTeamRequest>,
    ) -> Result<Response<pb::UpdateTeamResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let team_id = TeamId::parse(&req.team_id)?;
        let mut v = Violations::default();
        let name = req.name.map(|n| account::check_name("name", &n, MAX_NAME_CHARS, &mut v));
        let members = req.replace_members.then(|| rules::members("member_user_ids", &req.member_user_ids, &mut v));
        v.into_result(())?;
        let outcome = self.state.store.update_team(&agent.workspace_id, &team_id, name, members, now_ms()).await?;
        let team = saved(&self.state, outcome).await?;
        Ok(Response::new(pb::UpdateTeamResponse { team: Some(team) }))
    }

    async fn delete_team(
        &self,
        request: Request<pb::DeleteTeamRequest>,
    ) -> Result<Response<pb::DeleteTeamResponse>, Status> {
        let agent = auth::agent(&request)?;
        let team_id = TeamId::parse(&request.get_ref().team_id)?;
        let events = self
            .state
            .store
            .delete_team(&agent.workspace_id, &team_id, now_ms())
            .await?
            .ok_or(Error::NotFound("team"))?;
        chat::publish(&self.state, events).await;
        Ok(Response::new(pb::DeleteTeamResponse {}))
    }
}
