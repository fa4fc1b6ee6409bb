//! WorkspaceService: the workspace, its members and invitations.

use crate::domain::id::{InviteId, JobId, UserId, WorkspaceId};
use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::workspace_service_server::WorkspaceService;
use tonic::{Request, Response, Status};

use super::audit::{self, Action};
use super::{chat, convert};
use crate::AppState;
use crate::auth::{self, Agent};
use crate::domain::Violations;
use crate::domain::account::{self as rules, Role};
use crate::domain::{page, routing};
use crate::error::Error;
use crate::ids;
use crate::jobs::{Job, NewJob, mail};
use crate::store::accounts::MemberChange;
use crate::store::models::InviteRow;
use crate::store::now_ms;

/// The WorkspaceService implementation.
pub struct WorkspaceApi {
    state: Arc<AppState>,
}

impl WorkspaceApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// Refuses when `caller` would act on or grant the owner role without being one.
    fn check_owner_rights(caller: &Agent, target_role: Option<Role>, granted: Option<Role>) -> Result<(), Error> {
        let touches_owner = target_role == Some(Role::Owner) || granted == Some(Role::Owner);
        if touches_owner && caller.role != Role::Owner {
            return Err(Error::permission_denied("only an owner can make, change or remove owners"));
        }
        Ok(())
    }

    /// One member with presence and load, or NOT_FOUND.
    async fn member(&self, workspace_id: &WorkspaceId, user_id: &UserId) -> Result<pb::Member, Error> {
        let workload = self.state.store.workload(workspace_id, now_ms()).await?;
        let member = workload.members.iter().find(|m| m.user_id == *user_id).ok_or(Error::NotFound("member"))?;
        Ok(convert::member_view(member))
    }

    /// The job e-mailing the invitation `row` (whose secret is `token`) to the invitee.
    async fn invitation_email(&self, inviter: &Agent, row: &InviteRow, token: &str) -> Result<NewJob, Error> {
        let (user, workspace, _) = self
            .state
            .store
            .membership(&inviter.workspace_id, &inviter.user_id)
            .await?
            .ok_or(Error::NotFound("member"))?;
        let link = format!("{}/app/invite/{token}", self.state.public_url.trim_end_matches('/'));
        let days = self.state.config.invite_ttl.as_secs() / 86_400;
        let email = mail::invitation(&row.email, &workspace.name, &user.display_name, row.role.as_str(), &link, days);
        Ok(NewJob {
            workspace_id: Some(row.workspace_id.clone()),
            summary: format!("Invitation to {}", row.email),
            job: Job::Email(email),
            delay: std::time::Duration::ZERO,
        })
    }

    /// The target member's current role, or NOT_FOUND.
    async fn member_role(&self, workspace_id: &WorkspaceId, user_id: &UserId) -> Result<Role, Error> {
        let (_, _, membership) =
            self.state.store.membership(workspace_id, user_id).await?.ok_or(Error::NotFound("member"))?;
        Ok(membership.role)
    }
}

#[tonic::async_trait]
impl WorkspaceService for WorkspaceApi {
    async fn get_workspace(
        &self,
        request: Request<pb::GetWorkspaceRequest>,
    ) -> Result<Response<pb::GetWorkspaceResponse>, Status> {
        let agent = auth::agent(&request)?;
        let workspace = self.state.store.workspace(&agent.workspace_id).await?.ok_or(Error::NotFound("workspace"))?;
        Ok(Response::new(pb::GetWorkspaceResponse { workspace: Some(convert::workspace(&workspace)) }))
    }

    async fn update_workspace(
        &self,
        request: Request<pb::UpdateWorkspaceRequest>,
    ) -> Result<Response<pb::UpdateWorkspaceResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let name = req.name.map(|n| rules::check_name("name", &n, rules::MAX_NAME_CHARS, &mut v));
        let mode = req.routing_mode.map(convert::mode_from_proto);
        if mode == Some(None) {
            v.add("routing_mode", "must be least loaded, round robin or manual");
        }
        let time_zone = req.time_zone.map(|tz| tz.trim().to_owned());
        if let Some(tz) = &time_zone
            && tz.parse::<chrono_tz::Tz>().is_err()
        {
            v.add("time_zone", "must be an IANA time zone name, such as Europe/Berlin or America/New_York");
        }
        v.into_result(())?;
        if let Some(name) = &name {
            self.state.store.rename_workspace(&agent.workspace_id, name).await?.ok_or(Error::NotFound("workspace"))?;
        }
        if let Some(tz) = &time_zone {
            self.state.store.set_report_time_zone(&agent.workspace_id, tz).await?;
        }
        let events = self
            .state
            .store
            .set_routing(&agent.workspace_id, mode.flatten(), req.unassign_on_offline, now_ms())
            .await?;
        chat::publish(&self.state, events).await;
        let workspace = self.state.store.workspace(&agent.workspace_id).await?.ok_or(Error::NotFound("workspace"))?;
        let mut changed = Vec::new();
        if name.is_some() {
            changed.push(format!("name {:?}", workspace.name));
        }
        if let Some(mode) = mode.flatten() {
            changed.push(format!("routing {}", mode.as_str()));
        }
        if let Some(unassign) = req.unassign_on_offline {
            changed.push(format!("unassign on offline {unassign}"));
        }
        if time_zone.is_some() {
            changed.push(format!("time zone {}", workspace.time_zone));
        }
        audit::record(&self.state, &agent, Action::WorkspaceUpdated, &agent.workspace_id, changed.join(", ")).await;
        Ok(Response::new(pb::UpdateWorkspaceResponse { workspace: Some(convert::workspace(&workspace)) }))
    }

    async fn list_members(
        &self,
        request: Request<pb::ListMembersRequest>,
    ) -> Result<Response<pb::ListMembersResponse>, Status> {
        let agent = auth::agent(&request)?;
        let workload = self.state.store.workload(&agent.workspace_id, now_ms()).await?;
        Ok(Response::new(pb::ListMembersResponse {
            members: workload.members.iter().map(convert::member_view).collect(),
        }))
    }

    async fn update_member(
        &self,
        request: Request<pb::UpdateMemberRequest>,
    ) -> Result<Response<pb::UpdateMemberResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let user_id = UserId::parse(&req.user_id)?;
        let role = convert::role_from_proto(req.role);
        let mut v = Violations::default();
        if role.is_none() && (req.role != 0 || req.max_concurrent_chats.is_none()) {
            v.add("role", "must be owner, admin or agent");
        }
        if req.max_concurrent_chats.is_some_and(|n| !(1..=routing::MAX_CONCURRENT_CHATS).contains(&n)) {
            v.add("max_concurrent_chats", format!("must be from 1 to {}", routing::MAX_CONCURRENT_CHATS));
        }
        v.into_result(())?;
        let current = self.member_role(&agent.workspace_id, &user_id).await?;
        if let Some(role) = role {
            Self::check_owner_rights(&agent, Some(current), Some(role))?;
            match self.state.store.change_member(&agent.workspace_id, &user_id, Some(role), now_ms()).await? {
                MemberChange::Done if current != role => {
                    let detail = format!("role {} → {}", current.as_str(), role.as_str());
                    audit::record(&self.state, &agent, Action::MemberRoleChanged, &user_id, detail).await;
                }
                MemberChange::Done => {}
                MemberChange::NotFound => return Err(Error::NotFound("member").into()),
                MemberChange::LastOwner => {
                    return Err(Error::failed_precondition(
                        "the workspace needs at least one owner: make someone else owner first",
                    )
                    .into());
                }
            }
        }
        if let Some(capacity) = req.max_concurrent_chats {
            let events =
                self.state.store.set_member_capacity(&agent.workspace_id, &user_id, capacity, now_ms()).await?;
            chat::publish(&self.state, events).await;
        }
        let member = self.member(&agent.workspace_id, &user_id).await?;
        Ok(Response::new(pb::UpdateMemberResponse { member: Some(member) }))
    }

    async fn remove_member(
        &self,
        request: Request<pb::RemoveMemberRequest>,
    ) -> Result<Response<pb::RemoveMemberResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let user_id = UserId::parse(&req.user_id)?;
        let current = self.member_role(&agent.workspace_id, &user_id).await?;
        Self::check_owner_rights(&agent, Some(current), None)?;
        match self.state.store.change_member(&agent.workspace_id, &user_id, None, now_ms()).await? {
            MemberChange::Done => {
                let detail = format!("was {}", current.as_str());
                audit::record(&self.state, &agent, Action::MemberRemoved, &user_id, detail).await;
                Ok(Response::new(pb::RemoveMemberResponse {}))
            }
            MemberChange::NotFound => Err(Error::NotFound("member").into()),
            MemberChange::LastOwner => {
                Err(Error::failed_precondition("the workspace needs at least one owner: make someone else owner first")
                    .into())
            }
        }
    }

    async fn create_invite(
        &self,
        request: Request<pb::CreateInviteRequest>,
    ) -> Result<Response<pb::CreateInviteResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let email = rules::normalize_email("email", &req.email, &mut v);
        let role = convert::role_from_proto(req.role);
        if role.is_none() {
            v.add("role", "must be owner, admin or agent");
        }
        v.into_result(())?;
        let role = role.unwrap_or(Role::Agent);
        Self::check_owner_rights(&agent, None, Some(role))?;

        let now = now_ms();
        let token = format!("pin_{}", ids::new_secret(32));
        let row = InviteRow {
            id: InviteId::new(),
            workspace_id: agent.workspace_id.clone(),
            email,
            role,
            token_hash: ids::token_hash(&token),
            invited_by: agent.user_id.clone(),
            created_at: now,
            expires_at: now.saturating_add(i64::try_from(self.state.config.invite_ttl.as_millis()).unwrap_or(i64::MAX)),
            accepted_at: None,
            revoked_at: None,
        };
        let email = match &self.state.mailer {
            Some(_) => Some(self.invitation_email(&agent, &row, &token).await?),
            None => None,
        };
        let Some(invite) = self.state.store.create_invite(row, email.as_ref()).await? else {
            return Err(Error::AlreadyExists("this address already belongs to a member of the workspace".into()).into());
        };
        if email.is_some() {
            self.state.jobs.job_written();
        }
        let detail = format!("{} as {}", invite.email, invite.role.as_str());
        audit::record(&self.state, &agent, Action::InviteCreated, &invite.id, detail).await;
        Ok(Response::new(pb::CreateInviteResponse {
            invite: Some(convert::invite(&invite)),
            invite_token: token,
            emailed: email.is_some(),
        }))
    }

    async fn list_invites(
        &self,
        request: Request<pb::ListInvitesRequest>,
    ) -> Result<Response<pb::ListInvitesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let invites = self.state.store.pending_invites(&agent.workspace_id, now_ms()).await?;
        Ok(Response::new(pb::ListInvitesResponse { invites: invites.iter().map(convert::invite).collect() }))
    }

    async fn revoke_invite(
        &self,
        request: Request<pb::RevokeInviteRequest>,
    ) -> Result<Response<pb::RevokeInviteResponse>, Status> {
        let agent = auth::agent(&request)?;
        let invite_id = &request.get_ref().invite_id;
        if !self.state.store.revoke_invite(&agent.workspace_id, invite_id, now_ms()).await? {
            return Err(Error::NotFound("invite").into());
        }
        audit::record(&self.state, &agent, Action::InviteRevoked, invite_id, "").await;
        Ok(Response::new(pb::RevokeInviteResponse {}))
    }

    async fn set_my_status(
        &self,
        request: Request<pb::SetMyStatusRequest>,
    ) -> Result<Response<pb::SetMyStatusResponse>, Status> {
        let agent = auth::agent(&request)?;
        let status = convert::agent_status_from_proto(request.get_ref().status)
            .ok_or_else(|| Error::invalid("status", "must be online, away, busy or offline"))?;
        let (member, events) = self
            .state
            .store
            .set_member_status(&agent.workspace_id, &agent.user_id, status, now_ms())
            .await?
            .ok_or(Error::NotFound("membership"))?;
        chat::publish(&self.state, events).await;
        Ok(Response::new(pb::SetMyStatusResponse { member: Some(convert::member_view(&member)) }))
    }

    async fn get_workload(
        &self,
        request: Request<pb::GetWorkloadRequest>,
    ) -> Result<Response<pb::GetWorkloadResponse>, Status> {
        let agent = auth::agent(&request)?;
        let workload = self.state.store.workload(&agent.workspace_id, now_ms()).await?;
        Ok(Response::new(pb::GetWorkloadResponse {
            members: workload.members.iter().map(convert::member_view).collect(),
            queue_length: i32::try_from(workload.queue_length).unwrap_or(i32::MAX),
            oldest_queue_time: workload.oldest_queued_at.map(convert::timestamp),
        }))
    }

    async fn get_setup_progress(
        &self,
        request: Request<pb::GetSetupProgressRequest>,
    ) -> Result<Response<pb::GetSetupProgressResponse>, Status> {
        let agent = auth::agent(&request)?;
        let progress = self.state.store.setup_progress(&agent.workspace_id).await?;
        let (first_seen_time, first_seen_origin) = match progress.first_seen {
            Some((at, origin)) => (Some(convert::timestamp(at)), origin),
            None => (None, String::new()),
        };
        Ok(Response::new(pb::GetSetupProgressResponse {
            widget_created: progress.widget_created,
            widget_seen: first_seen_time.is_some(),
            first_seen_origin,
            first_seen_time,
            team_invited: progress.team_invited,
            business_hours_set: progress.business_hours_set,
            chat_tried: progress.chat_tried,
        }))
    }

    async fn list_audit_log(
        &self,
        request: Request<pb::ListAuditLogRequest>,
    ) -> Result<Response<pb::ListAuditLogResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let limit = page::AUDIT.parse("page_size", req.page_size, &mut v);
        let before = page::after("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let mut rows = self.state.store.audit_log(&agent.workspace_id, before, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_page_token = match rows.last() {
            Some(last) if more => page::token(last.created_at, &last.id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListAuditLogResponse {
            entries: rows.iter().map(audit::entry).collect(),
            next_page_token,
        }))
    }

    async fn list_jobs(&self, request: Request<pb::ListJobsRequest>) -> Result<Response<pb::ListJobsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let limit = page::JOBS.parse("page_size", req.page_size, &mut v);
        let before = page::after("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let mut rows = self.state.store.jobs_of(&agent.workspace_id, "email", before, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_page_token = match rows.last() {
            Some(last) if more => page::token(last.created_at, &last.id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListJobsResponse {
            jobs: rows.iter().map(convert::job).collect(),
            next_page_token,
            email_enabled: self.state.mailer.is_some(),
        }))
    }

    async fn retry_job(&self, request: Request<pb::RetryJobRequest>) -> Result<Response<pb::RetryJobResponse>, Status> {
        let agent = auth::agent(&request)?;
        let job_id = &JobId::parse(&request.get_ref().job_id)?;
        let Some(job) = self.state.store.retry_job(&agent.workspace_id, job_id, now_ms()).await? else {
            return match self.state.store.job(job_id).await? {
                Some(job) if job.workspace_id.as_ref() == Some(&agent.workspace_id) => Err(Error::failed_precondition(
                    format!("only a failed job can be retried; this one is {}", job.state.as_str()),
                )
                .into()),
                _ => Err(Error::NotFound("job").into()),
            };
        };
        self.state.jobs.job_written();
        audit::record(&self.state, &agent, Action::JobRetried, &job.id, job.summary.clone()).await;
        Ok(Response::new(pb::RetryJobResponse { job: Some(convert::job(&job)) }))
    }
}
