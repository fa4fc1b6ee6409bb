//! AuthService: sign-up, log-in, rotating refresh tokens, profile, invite acceptance
//! (password reset is `api::password_reset`).

use crate::domain::id::{RefreshTokenId, SessionId, UserId, WorkspaceId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use porthole_proto::v1 as pb;
use porthole_proto::v1::auth_service_server::AuthService;
use tonic::{Request, Response, Status};

use super::convert;
use crate::AppState;
use crate::auth::{self, Agent, password};
use crate::domain::Violations;
use crate::domain::account::{self as rules, SignUpPolicy};
use crate::error::Error;
use crate::ids;
use crate::limits::Limit;
use crate::store::accounts::{AcceptOutcome, InviteAccount, Membership, RefreshOutcome, SignUpGate, SignUpOutcome};
use crate::store::models::{MembershipRow, NewRefreshToken, RefreshTokenRow, UserRow, WorkspaceRow};
use crate::store::now_ms;
use crate::web::demo::DEMO_EMAIL;

/// Longest workspace or display name.
const WRONG_CREDENTIALS: &str = "wrong e-mail or password";

/// The AuthService implementation.
pub struct AuthApi {
    state: Arc<AppState>,
    /// Set once sign-up under [`SignUpPolicy::FirstWorkspace`] is known to be closed: it
    /// never opens again, so later asks need no query.
    first_taken: AtomicBool,
}

impl AuthApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state, first_taken: AtomicBool::new(false) }
    }

    /// Whether SignUp may create a workspace now.
    async fn sign_up_open(&self) -> Result<bool, Error> {
        Ok(match self.state.config.signup {
            SignUpPolicy::Open => true,
            SignUpPolicy::InviteOnly => false,
            SignUpPolicy::FirstWorkspace => {
                if self.first_taken.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                let taken = self.state.store.first_workspace_exists(DEMO_EMAIL).await?;
                self.first_taken.fetch_or(taken, Ordering::Relaxed);
                !taken
            }
        })
    }
}

const SIGN_UP_CLOSED: &str = "sign-up is closed on this server: ask an admin of your workspace for an invitation";

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// A new unspent refresh token (family and owner are given by the sign-in or the store).
fn new_refresh_token(state: &AppState, now: i64) -> (String, NewRefreshToken) {
    let token = format!("prt_{}", ids::new_secret(32));
    let new = NewRefreshToken {
        id: RefreshTokenId::new(),
        token_hash: ids::token_hash(&token),
        created_at: now,
        expires_at: now.saturating_add(millis(state.config.refresh_token_ttl)),
    };
    (token, new)
}

/// The session message for `user` in `workspace`, with a fresh access token and the
/// given refresh token.
fn session(
    state: &AppState,
    user: &UserRow,
    workspace: &WorkspaceRow,
    membership: &MembershipRow,
    refresh: (String, &RefreshTokenRow),
    now: i64,
) -> Result<pb::Session, Error> {
    let role = membership.role;
    let agent = Agent {
        user_id: user.id.clone(),
        workspace_id: workspace.id.clone(),
        role,
        session_id: refresh.1.family_id.clone(),
    };
    let expires_at = now.saturating_add(millis(state.config.access_token_ttl));
    let access_token = state.keys.issue_agent(&agent, now / 1000, expires_at / 1000).map_err(Error::internal)?;
    Ok(pb::Session {
        access_token,
        access_token_expire_time: Some(convert::timestamp(expires_at)),
        refresh_token: refresh.0,
        refresh_token_expire_time: Some(convert::timestamp(refresh.1.expires_at)),
        user: Some(convert::user(user)),
        workspace: Some(convert::workspace(workspace)),
        role: convert::role_to_proto(membership.role).into(),
    })
}

/// Starts a new session family for `user` in `workspace`.
async fn start_session(
    state: &AppState,
    user: &UserRow,
    workspace: &WorkspaceRow,
    membership: &MembershipRow,
) -> Result<pb::Session, Error> {
    let now = now_ms();
    let (token, new) = new_refresh_token(state, now);
    let row = new.into_row(SessionId::new(), user.id.clone(), workspace.id.clone());
    state.store.insert_refresh_token(row.clone()).await?;
    session(state, user, workspace, membership, (token, &row), now)
}

#[tonic::async_trait]
impl AuthService for AuthApi {
    async fn sign_up(&self, request: Request<pb::SignUpRequest>) -> Result<Response<pb::SignUpResponse>, Status> {
        self.state.limits.check(Limit::SignupPerIp, &super::peer_ip(&request)).await?;
        // Before any hashing: a closed server does no work for sign-up attempts.
        if !self.sign_up_open().await? {
            return Err(Error::PermissionDenied(SIGN_UP_CLOSED.into()).into());
        }
        let req = request.into_inner();
        let mut v = Violations::default();
        let email = rules::normalize_email("email", &req.email, &mut v);
        rules::check_password("password", &req.password, &mut v);
        let display_name = rules::check_name("display_name", &req.display_name, rules::MAX_NAME_CHARS, &mut v);
        let workspace_name = rules::check_name("workspace_name", &req.workspace_name, rules::MAX_NAME_CHARS, &mut v);
        v.into_result(())?;

        let now = now_ms();
        let workspace = WorkspaceRow::new(WorkspaceId::new(), workspace_name, now);
        let user = UserRow {
            id: UserId::new(),
            email,
            password_hash: password::hash(req.password).await?,
            display_name,
            created_at: now,
        };
        let gate = match self.state.config.signup {
            SignUpPolicy::Open => SignUpGate::Always,
            SignUpPolicy::FirstWorkspace => SignUpGate::FirstOnly { except_owner: DEMO_EMAIL },
            SignUpPolicy::InviteOnly => return Err(Error::PermissionDenied(SIGN_UP_CLOSED.into()).into()),
        };
        let Membership { workspace, user, membership } = match self.state.store.sign_up(workspace, user, gate).await? {
            SignUpOutcome::Created(created) => *created,
            SignUpOutcome::EmailTaken => {
                return Err(
                    Error::AlreadyExists("an account with this e-mail already exists; log in instead".into()).into()
                );
            }
            SignUpOutcome::Closed => {
                self.first_taken.store(true, Ordering::Relaxed);
                return Err(Error::PermissionDenied(SIGN_UP_CLOSED.into()).into());
            }
        };
        tracing::info!(user_id = %user.id, workspace_id = %workspace.id, "signed up");
        let session = start_session(&self.state, &user, &workspace, &membership).await?;
        Ok(Response::new(pb::SignUpResponse { session: Some(session) }))
    }

    async fn get_sign_up_policy(
        &self,
        _request: Request<pb::GetSignUpPolicyRequest>,
    ) -> Result<Response<pb::GetSignUpPolicyResponse>, Status> {
        let policy = match self.state.config.signup {
            SignUpPolicy::Open => pb::SignUpPolicy::Open,
            SignUpPolicy::FirstWorkspace => pb::SignUpPolicy::FirstWorkspace,
            SignUpPolicy::InviteOnly => pb::SignUpPolicy::InviteOnly,
        };
        let open = self.sign_up_open().await?;
        Ok(Response::new(pb::GetSignUpPolicyResponse { policy: policy.into(), open }))
    }

    async fn log_in(&self, request: Request<pb::LogInRequest>) -> Result<Response<pb::LogInResponse>, Status> {
        let ip = super::peer_ip(&request);
        let req = request.into_inner();
        let mut v = Violations::default();
        let email = req.email.trim().to_lowercase();
        if email.is_empty() {
            v.add("email", "must not be empty");
        }
        if req.password.is_empty() {
            v.add("password", "must not be empty");
        } else if req.password.chars().count() > rules::MAX_PASSWORD_CHARS {
            v.add("password", format!("must be at most {} characters", rules::MAX_PASSWORD_CHARS));
        }
        v.into_result(())?;
        // Before the (deliberately expensive) hash: per address, and per account from anywhere.
        self.state.limits.check(Limit::LoginPerIp, &ip).await?;
        if let Err(error) = self.state.limits.check(Limit::LoginPerAccount, &email).await {
            tracing::warn!(%email, %ip, "sign-in refused: too many attempts for this account");
            return Err(error.into());
        }

        let user = self.state.store.user_by_email(&email).await?;
        let stored_hash = user.as_ref().map_or(password::DECOY_HASH, |u| u.password_hash.as_str()).to_owned();
        let matches = password::verify(req.password, stored_hash).await?;
        let known = user.is_some();
        let Some(user) = user.filter(|_| matches) else {
            tracing::warn!(%email, %ip, known, "sign-in failed: wrong e-mail or password");
            return Err(Error::unauthenticated(WRONG_CREDENTIALS).into());
        };

        let memberships = self.state.store.memberships_of(&user.id).await?;
        let chosen = if req.workspace_id.is_empty() {
            memberships.into_iter().next()
        } else {
            memberships.into_iter().find(|(_, w)| w.id.as_str() == req.workspace_id)
        };
        let Some((membership, workspace)) = chosen else {
            return Err(Error::permission_denied(if req.workspace_id.is_empty() {
                "this account is not a member of any workspace"
            } else {
                "this account is not a member of that workspace"
            })
            .into());
        };
        let session = start_session(&self.state, &user, &workspace, &membership).await?;
        Ok(Response::new(pb::LogInResponse { session: Some(session) }))
    }

    async fn refresh_session(
        &self,
        request: Request<pb::RefreshSessionRequest>,
    ) -> Result<Response<pb::RefreshSessionResponse>, Status> {
        let req = request.into_inner();
        if req.refresh_token.trim().is_empty() {
            return Err(Error::invalid("refresh_token", "must not be empty").into());
        }
        let now = now_ms();
        let (token, next) = new_refresh_token(&self.state, now);
        let hash = ids::token_hash(req.refresh_token.trim());
        match self.state.store.rotate_refresh_token(&hash, now, next).await? {
            RefreshOutcome::Rotated(m, stored) => {
                let (user, workspace, membership) = (m.user, m.workspace, m.membership);
                let session = session(&self.state, &user, &workspace, &membership, (token, &stored), now)?;
                Ok(Response::new(pb::RefreshSessionResponse { session: Some(session) }))
            }
            RefreshOutcome::Reused => {
                tracing::warn!("spent refresh token presented again; session family revoked");
                Err(Error::unauthenticated(
                    "refresh token was already used, so the session was ended for safety; log in again",
                )
                .into())
            }
            RefreshOutcome::Invalid => {
                Err(Error::unauthenticated("refresh token is invalid or expired; log in again").into())
            }
        }
    }

    async fn log_out(&self, request: Request<pb::LogOutRequest>) -> Result<Response<pb::LogOutResponse>, Status> {
        let req = request.into_inner();
        if req.refresh_token.trim().is_empty() {
            return Err(Error::invalid("refresh_token", "must not be empty").into());
        }
        self.state.store.revoke_refresh_family(&ids::token_hash(req.refresh_token.trim()), now_ms()).await?;
        Ok(Response::new(pb::LogOutResponse {}))
    }

    async fn get_me(&self, request: Request<pb::GetMeRequest>) -> Result<Response<pb::GetMeResponse>, Status> {
        let agent = auth::agent(&request)?;
        let Some((user, workspace, membership)) =
            self.state.store.membership(&agent.workspace_id, &agent.user_id).await?
        else {
            return Err(Error::NotFound("membership").into());
        };
        Ok(Response::new(pb::GetMeResponse {
            user: Some(convert::user(&user)),
            workspace: Some(convert::workspace(&workspace)),
            role: convert::role_to_proto(membership.role).into(),
        }))
    }

    async fn update_me(&self, request: Request<pb::UpdateMeRequest>) -> Result<Response<pb::UpdateMeResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let display_name =
            req.display_name.map(|n| rules::check_name("display_name", &n, rules::MAX_NAME_CHARS, &mut v));
        if let Some(new_password) = &req.new_password {
            rules::check_password("new_password", new_password, &mut v);
            if req.current_password.is_empty() {
                v.add("current_password", "is required to change the password");
            }
        }
        v.into_result(())?;

        let Some((user, _, _)) = self.state.store.membership(&agent.workspace_id, &agent.user_id).await? else {
            return Err(Error::NotFound("membership").into());
        };
        let password_hash = match req.new_password {
            Some(new_password) => {
                if !password::verify(req.current_password, user.password_hash.clone()).await? {
                    return Err(Error::permission_denied("current password is wrong").into());
                }
                Some(password::hash(new_password).await?)
            }
            None => None,
        };
        let user = self
            .state
            .store
            .update_user(&user.id, display_name, password_hash, now_ms())
            .await?
            .ok_or(Error::NotFound("account"))?;
        Ok(Response::new(pb::UpdateMeResponse { user: Some(convert::user(&user)) }))
    }

    async fn request_password_reset(
        &self,
        request: Request<pb::RequestPasswordResetRequest>,
    ) -> Result<Response<pb::RequestPasswordResetResponse>, Status> {
        let ip = super::peer_ip(&request);
        super::password_reset::request(&self.state, &ip, request.into_inner()).await?;
        Ok(Response::new(pb::RequestPasswordResetResponse {}))
    }

    async fn reset_password(
        &self,
        request: Request<pb::ResetPasswordRequest>,
    ) -> Result<Response<pb::ResetPasswordResponse>, Status> {
        let ip = super::peer_ip(&request);
        super::password_reset::reset(&self.state, &ip, request.into_inner()).await?;
        Ok(Response::new(pb::ResetPasswordResponse {}))
    }

    async fn accept_invite(
        &self,
        request: Request<pb::AcceptInviteRequest>,
    ) -> Result<Response<pb::AcceptInviteResponse>, Status> {
        let req = request.into_inner();
        if req.invite_token.trim().is_empty() {
            return Err(Error::invalid("invite_token", "must not be empty").into());
        }
        let now = now_ms();
        let not_found = || Error::NotFound("invite (it may have expired, been revoked or used already)");
        let invite = self
            .state
            .store
            .pending_invite_by_hash(&ids::token_hash(req.invite_token.trim()), now)
            .await?
            .ok_or_else(not_found)?;

        let account = match self.state.store.user_by_email(&invite.email).await? {
            Some(existing) => {
                if !password::verify(req.password, existing.password_hash.clone()).await? {
                    return Err(Error::unauthenticated(
                        "an account with this e-mail exists: enter its password to join",
                    )
                    .into());
                }
                InviteAccount::Existing(existing)
            }
            None => {
                let mut v = Violations::default();
                rules::check_password("password", &req.password, &mut v);
                let display_name = rules::check_name("display_name", &req.display_name, rules::MAX_NAME_CHARS, &mut v);
                v.into_result(())?;
                InviteAccount::New(UserRow {
                    id: UserId::new(),
                    email: invite.email.clone(),
                    password_hash: password::hash(req.password).await?,
                    display_name,
                    created_at: now,
                })
            }
        };
        match self.state.store.accept_invite(&invite.id, account, now).await? {
            AcceptOutcome::Joined(m) => {
                let (user, workspace, membership) = (m.user, m.workspace, m.membership);
                tracing::info!(user_id = %user.id, workspace_id = %workspace.id, "invite accepted");
                let session = start_session(&self.state, &user, &workspace, &membership).await?;
                Ok(Response::new(pb::AcceptInviteResponse { session: Some(session) }))
            }
            AcceptOutcome::NoSuchInvite => Err(not_found().into()),
            AcceptOutcome::AlreadyMember => {
                Err(Error::AlreadyExists("you are already a member of this workspace; log in instead".into()).into())
            }
            AcceptOutcome::EmailTaken => Err(Error::AlreadyExists(
                "an account with this e-mail was just created; try again with its password".into(),
            )
            .into()),
        }
    }
}
