//! Workspaces, users, memberships, refresh tokens and invites.

use crate::domain::id::{SessionId, UserId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::{
    InviteRow, MembershipRow, NewRefreshToken, PasswordResetRow, RefreshTokenRow, UserRow, WorkspaceRow,
};
use super::queries::{Reads as _, Writes as _};
use super::schema::{invites, memberships, password_resets, refresh_tokens, team_members, users, workspaces};
use super::{Store, StoreError, is_unique_violation, read, write};
use crate::domain::account::Role;

/// An account's membership in a workspace, with both rows.
#[derive(Clone, Debug)]
pub struct Membership {
    pub user: UserRow,
    pub workspace: WorkspaceRow,
    pub membership: MembershipRow,
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum RefreshOutcome {
    /// The token was valid; it is now spent and the new one (as stored: in the spent one's
    /// family) replaces it.
    Rotated(Box<Membership>, Box<RefreshTokenRow>),
    /// The token had already been used: the whole family is now revoked.
    Reused,
    /// Unknown, expired, revoked, or the membership is gone.
    Invalid,
}

/// What accepting an invite led to.
#[derive(Debug)]
pub enum AcceptOutcome {
    /// The account is now a member.
    Joined(Box<Membership>),
    /// No pending invite has this token.
    NoSuchInvite,
    /// The account is already a member of the workspace.
    AlreadyMember,
    /// A new account was to be created but the address got one meanwhile.
    EmailTaken,
}

/// The account that accepts an invite.
#[derive(Debug)]
pub enum InviteAccount {
    /// An account that exists (its password already checked).
    Existing(UserRow),
    /// An account to create.
    New(UserRow),
}

/// What changing or removing a member led to.
#[derive(Debug)]
pub enum MemberChange {
    /// Done.
    Done,
    /// No such member.
    NotFound,
    /// The workspace would be left without an owner.
    LastOwner,
}

/// Where sign-up may create a workspace.
#[derive(Clone, Copy, Debug)]
pub enum SignUpGate<'a> {
    /// Anywhere.
    Always,
    /// Only while no workspace exists but those of the account with the e-mail
    /// `except_owner` (the demo's).
    FirstOnly { except_owner: &'a str },
}

/// What signing up led to.
#[derive(Debug)]
pub enum SignUpOutcome {
    /// The workspace and its owner exist.
    Created(Box<Membership>),
    /// The e-mail already has an account.
    EmailTaken,
    /// The gate was shut: another workspace exists.
    Closed,
}

/// The `server_secrets` row that records which sign-up created the first workspace.
const FIRST_WORKSPACE: &str = "first_workspace";

impl Store {
    /// Creates a workspace and its owner in one transaction; `None` if the e-mail is taken.
    pub async fn create_workspace_with_owner(
        &self,
        workspace: WorkspaceRow,
        user: UserRow,
    ) -> Result<Option<(WorkspaceRow, UserRow, MembershipRow)>, StoreError> {
        Ok(match self.sign_up(workspace, user, SignUpGate::Always).await? {
            SignUpOutcome::Created(m) => Some((m.workspace, m.user, m.membership)),
            SignUpOutcome::EmailTaken | SignUpOutcome::Closed => None,
        })
    }

    /// Creates a workspace and its owner in one transaction, if `gate` lets it. Under
    /// [`SignUpGate::FirstOnly`] the check and the claim are in that transaction, so of two
    /// racing sign-ups one is first and the other is closed out.
    pub async fn sign_up(
        &self,
        workspace: WorkspaceRow,
        user: UserRow,
        gate: SignUpGate<'_>,
    ) -> Result<SignUpOutcome, StoreError> {
        use super::schema::server_secrets;
        let membership = MembershipRow::new(workspace.id.clone(), user.id.clone(), Role::Owner, workspace.created_at);
        let result = write!(self, |conn| {
            if let SignUpGate::FirstOnly { except_owner } = gate {
                if conn.other_workspace(except_owner).await?.is_some() {
                    return Ok(false);
                }
                // The claim: a second sign-up's insert waits for this transaction and then
                // finds the row (PostgreSQL); SQLite runs one writer at a time anyway.
                let claimed = diesel::insert_into(server_secrets::table)
                    .values((
                        server_secrets::name.eq(FIRST_WORKSPACE),
                        server_secrets::value.eq(&workspace.id),
                        server_secrets::created_at.eq(workspace.created_at),
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
                if claimed == 0 {
                    return Ok(false);
                }
            }
            diesel::insert_into(workspaces::table).values(&workspace).execute(conn).await?;
            diesel::insert_into(users::table).values(&user).execute(conn).await?;
            diesel::insert_into(memberships::table).values(&membership).execute(conn).await?;
            Ok::<_, StoreError>(true)
        });
        match result {
            Ok(true) => Ok(SignUpOutcome::Created(Box::new(Membership { user, workspace, membership }))),
            Ok(false) => Ok(SignUpOutcome::Closed),
            Err(StoreError::Query(e)) if is_unique_violation(&e) => Ok(SignUpOutcome::EmailTaken),
            Err(e) => Err(e),
        }
    }

    /// Whether a workspace exists that sign-up under [`SignUpGate::FirstOnly`] counts.
    pub async fn first_workspace_exists(&self, except_owner: &str) -> Result<bool, StoreError> {
        use super::schema::server_secrets;
        read!(self, |conn| {
            let claimed: Option<String> = server_secrets::table
                .find(FIRST_WORKSPACE)
                .select(server_secrets::name)
                .first(conn)
                .await
                .optional()?;
            Ok(claimed.is_some() || conn.other_workspace(except_owner).await?.is_some())
        })
    }

    /// The account with this (lower-cased) e-mail.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        read!(self, |conn| {
            Ok(users::table.filter(users::email.eq(email)).select(UserRow::as_select()).first(conn).await.optional()?)
        })
    }

    /// The account's memberships with their workspaces, oldest first.
    pub async fn memberships_of(&self, user_id: &UserId) -> Result<Vec<(MembershipRow, WorkspaceRow)>, StoreError> {
        read!(self, |conn| {
            Ok(memberships::table
                .inner_join(workspaces::table)
                .filter(memberships::user_id.eq(user_id))
                .order(memberships::created_at.asc())
                .select((MembershipRow::as_select(), WorkspaceRow::as_select()))
                .load(conn)
                .await?)
        })
    }

    /// The account, workspace and membership, if the user is a member.
    pub async fn membership(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
    ) -> Result<Option<(UserRow, WorkspaceRow, MembershipRow)>, StoreError> {
        read!(self, |conn| {
            Ok(memberships::table
                .inner_join(users::table)
                .inner_join(workspaces::table)
                .filter(memberships::workspace_id.eq(workspace_id))
                .filter(memberships::user_id.eq(user_id))
                .select((UserRow::as_select(), WorkspaceRow::as_select(), MembershipRow::as_select()))
                .first(conn)
                .await
                .optional()?)
        })
    }

    /// Stores a new refresh token.
    pub async fn insert_refresh_token(&self, row: RefreshTokenRow) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::insert_into(refresh_tokens::table).values(&row).execute(conn).await?;
            Ok(())
        })
    }

    /// Spends the token with hash `token_hash` and stores `next` in its family, or
    /// revokes the family if the token was already spent.
    pub async fn rotate_refresh_token(
        &self,
        token_hash: &str,
        now: i64,
        next: NewRefreshToken,
    ) -> Result<RefreshOutcome, StoreError> {
        write!(self, |conn| {
            let Some(current) = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(token_hash))
                .select(RefreshTokenRow::as_select())
                .first(conn)
                .await
                .optional()?
            else {
                return Ok(RefreshOutcome::Invalid);
            };
            if current.revoked_at.is_some() || current.expires_at <= now {
                return Ok(RefreshOutcome::Invalid);
            }
            // The conditional update makes two concurrent refreshes with the same token
            // race safely: exactly one spends it, the other sees reuse.
            let spent = diesel::update(refresh_tokens::table)
                .filter(refresh_tokens::id.eq(&current.id))
                .filter(refresh_tokens::used_at.is_null())
                .set(refresh_tokens::used_at.eq(now))
                .execute(conn)
                .await?;
            if spent == 0 {
                diesel::update(refresh_tokens::table)
                    .filter(refresh_tokens::family_id.eq(&current.family_id))
                    .filter(refresh_tokens::revoked_at.is_null())
                    .set(refresh_tokens::revoked_at.eq(now))
                    .execute(conn)
                    .await?;
                return Ok(RefreshOutcome::Reused);
            }
            let Some((user, workspace, membership)) = memberships::table
                .inner_join(users::table)
                .inner_join(workspaces::table)
                .filter(memberships::workspace_id.eq(&current.workspace_id))
                .filter(memberships::user_id.eq(&current.user_id))
                .select((UserRow::as_select(), WorkspaceRow::as_select(), MembershipRow::as_select()))
                .first(conn)
                .await
                .optional()?
            else {
                return Ok(RefreshOutcome::Invalid);
            };
            let next = next.into_row(current.family_id, current.user_id, current.workspace_id);
            diesel::insert_into(refresh_tokens::table).values(&next).execute(conn).await?;
            Ok(RefreshOutcome::Rotated(Box::new(Membership { user, workspace, membership }), Box::new(next)))
        })
    }

    /// The member's current role while the session (refresh-token family) `session_id` is
    /// live: `None` once they logged out of it, changed their password or left the
    /// workspace. Read on every member call (two key lookups), so revocation is immediate.
    pub async fn live_session_role(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> Result<Option<Role>, StoreError> {
        read!(self, |conn| {
            let role: Option<Role> = memberships::table
                .find((workspace_id, user_id))
                .select(memberships::role)
                .get_result(conn)
                .await
                .optional()?;
            let Some(role) = role else { return Ok(None) };
            let live: i64 = refresh_tokens::table
                .filter(refresh_tokens::family_id.eq(session_id))
                .filter(refresh_tokens::user_id.eq(user_id))
                .filter(refresh_tokens::workspace_id.eq(workspace_id))
                .filter(refresh_tokens::revoked_at.is_null())
                .count()
                .get_result(conn)
                .await?;
            Ok((live > 0).then_some(role))
        })
    }

    /// Revokes the family of the token with this hash; no-op for unknown tokens.
    pub async fn revoke_refresh_family(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        write!(self, |conn| {
            let family: Option<SessionId> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(token_hash))
                .select(refresh_tokens::family_id)
                .first(conn)
                .await
                .optional()?;
            if let Some(family) = family {
                diesel::update(refresh_tokens::table)
                    .filter(refresh_tokens::family_id.eq(family))
                    .filter(refresh_tokens::revoked_at.is_null())
                    .set(refresh_tokens::revoked_at.eq(now))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
    }

    /// Updates a user's name and/or password hash; a new password revokes every refresh
    /// token of the account.
    pub async fn update_user(
        &self,
        user_id: &UserId,
        display_name: Option<String>,
        password_hash: Option<String>,
        now: i64,
    ) -> Result<Option<UserRow>, StoreError> {
        write!(self, |conn| {
            if let Some(name) = display_name {
                diesel::update(users::table.find(user_id)).set(users::display_name.eq(name)).execute(conn).await?;
            }
            if let Some(hash) = password_hash {
                conn.set_password(user_id, &hash, now).await?;
            }
            Ok(users::table.find(user_id).select(UserRow::as_select()).first(conn).await.optional()?)
        })
    }

    /// The workspace with this id.
    pub async fn workspace(&self, workspace_id: &WorkspaceId) -> Result<Option<WorkspaceRow>, StoreError> {
        read!(self, |conn| {
            Ok(workspaces::table.find(workspace_id).select(WorkspaceRow::as_select()).first(conn).await.optional()?)
        })
    }

    /// Renames a workspace.
    pub async fn rename_workspace(
        &self,
        workspace_id: &WorkspaceId,
        name: &str,
    ) -> Result<Option<WorkspaceRow>, StoreError> {
        write!(self, |conn| {
            Ok(diesel::update(workspaces::table.find(workspace_id))
                .set(workspaces::name.eq(name))
                .returning(WorkspaceRow::as_returning())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Changes a member's role (`Some(role)`) or removes them (`None`), refusing to leave
    /// the workspace without an owner. Removal revokes the member's refresh tokens in this
    /// workspace. Either way, the pending invites they created for roles they may no longer
    /// invite are revoked, so a demoted admin cannot come back through an admin invite they
    /// sent before.
    pub async fn change_member(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        new_role: Option<Role>,
        now: i64,
    ) -> Result<MemberChange, StoreError> {
        write!(self, workspace = workspace_id, |conn| {
            let Some(current) = memberships::table
                .find((workspace_id, user_id))
                .select(MembershipRow::as_select())
                .first(conn)
                .await
                .optional()?
            else {
                return Ok(MemberChange::NotFound);
            };
            let loses_owner = current.role == Role::Owner && new_role != Some(Role::Owner);
            if loses_owner {
                let owners: i64 = memberships::table
                    .filter(memberships::workspace_id.eq(workspace_id))
                    .filter(memberships::role.eq(Role::Owner))
                    .count()
                    .get_result(conn)
                    .await?;
                if owners <= 1 {
                    return Ok(MemberChange::LastOwner);
                }
            }
            // What they may still invite: owners anyone, admins everyone but owners.
            let stale_roles: &[Role] = match new_role {
                Some(Role::Owner) => &[],
                Some(Role::Admin) => &[Role::Owner],
                Some(Role::Agent) | None => &[Role::Owner, Role::Admin, Role::Agent],
            };
            if !stale_roles.is_empty() {
                diesel::update(invites::table)
                    .filter(invites::workspace_id.eq(workspace_id))
                    .filter(invites::invited_by.eq(user_id))
                    .filter(invites::role.eq_any(stale_roles.iter().copied()))
                    .filter(invites::accepted_at.is_null())
                    .filter(invites::revoked_at.is_null())
                    .set(invites::revoked_at.eq(now))
                    .execute(conn)
                    .await?;
            }
            match new_role {
                Some(role) => {
                    diesel::update(memberships::table.find((workspace_id, user_id)))
                        .set(memberships::role.eq(role))
                        .execute(conn)
                        .await?;
                    Ok(MemberChange::Done)
                }
                None => {
                    diesel::delete(memberships::table.find((workspace_id, user_id))).execute(conn).await?;
                    // Their teams too: a team lists members only.
                    diesel::delete(team_members::table)
                        .filter(team_members::workspace_id.eq(workspace_id))
                        .filter(team_members::user_id.eq(user_id))
                        .execute(conn)
                        .await?;
                    diesel::update(refresh_tokens::table)
                        .filter(refresh_tokens::user_id.eq(user_id))
                        .filter(refresh_tokens::workspace_id.eq(workspace_id))
                        .filter(refresh_tokens::revoked_at.is_null())
                        .set(refresh_tokens::revoked_at.eq(now))
                        .execute(conn)
                        .await?;
                    Ok(MemberChange::Done)
                }
            }
        })
    }

    /// Stores an invite, revoking any pending one for the same address, and the job that
    /// e-mails its link when `email` is given (in one transaction); `None` when the address
    /// already belongs to a member.
    pub async fn create_invite(
        &self,
        row: InviteRow,
        email: Option<&crate::jobs::NewJob>,
    ) -> Result<Option<InviteRow>, StoreError> {
        write!(self, |conn| {
            let member: i64 = memberships::table
                .inner_join(users::table)
                .filter(memberships::workspace_id.eq(&row.workspace_id))
                .filter(users::email.eq(&row.email))
                .count()
                .get_result(conn)
                .await?;
            if member > 0 {
                return Ok(None);
            }
            diesel::update(invites::table)
                .filter(invites::workspace_id.eq(&row.workspace_id))
                .filter(invites::email.eq(&row.email))
                .filter(invites::accepted_at.is_null())
                .filter(invites::revoked_at.is_null())
                .set(invites::revoked_at.eq(row.created_at))
                .execute(conn)
                .await?;
            diesel::insert_into(invites::table).values(&row).execute(conn).await?;
            // The e-mail exists exactly when the invitation does.
            if let Some(job) = email {
                conn.enqueue_job(job, row.created_at).await?;
            }
            Ok(Some(row))
        })
    }

    /// Stores a password-reset link for its account and the job that e-mails it, in one
    /// transaction; links the account had not used yet stop working (the newest counts).
    pub async fn create_password_reset(
        &self,
        row: PasswordResetRow,
        email: &crate::jobs::NewJob,
    ) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::delete(
                password_resets::table
                    .filter(password_resets::user_id.eq(&row.user_id))
                    .filter(password_resets::used_at.is_null()),
            )
            .execute(conn)
            .await?;
            diesel::insert_into(password_resets::table).values(&row).execute(conn).await?;
            conn.enqueue_job(email, row.created_at).await?;
            Ok(())
        })
    }

    /// Spends the reset link with this token hash, if it is unused and unexpired, and sets
    /// its account's password (ending every session of the account), in one transaction.
    /// Returns the account's id; `None` for an unknown, used or expired link.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<UserId>, StoreError> {
        write!(self, |conn| {
            // Conditional: of two racing uses of one link, one wins.
            let Some(user_id) = diesel::update(
                password_resets::table
                    .filter(password_resets::token_hash.eq(token_hash))
                    .filter(password_resets::used_at.is_null())
                    .filter(password_resets::expires_at.gt(now)),
            )
            .set(password_resets::used_at.eq(now))
            .returning(password_resets::user_id)
            .get_result::<UserId>(conn)
            .await
            .optional()?
            else {
                return Ok(None);
            };
            conn.set_password(&user_id, password_hash, now).await?;
            Ok(Some(user_id))
        })
    }

    /// Pending (not accepted, not revoked, not expired) invites, newest first.
    pub async fn pending_invites(&self, workspace_id: &WorkspaceId, now: i64) -> Result<Vec<InviteRow>, StoreError> {
        read!(self, |conn| {
            Ok(invites::table
                .filter(invites::workspace_id.eq(workspace_id))
                .filter(invites::accepted_at.is_null())
                .filter(invites::revoked_at.is_null())
                .filter(invites::expires_at.gt(now))
                .order(invites::created_at.desc())
                .select(InviteRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// Revokes a pending invite; false when there is none with this id in the workspace.
    pub async fn revoke_invite(
        &self,
        workspace_id: &WorkspaceId,
        invite_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let changed = diesel::update(invites::table)
                .filter(invites::id.eq(invite_id))
                .filter(invites::workspace_id.eq(workspace_id))
                .filter(invites::accepted_at.is_null())
                .filter(invites::revoked_at.is_null())
                .set(invites::revoked_at.eq(now))
                .execute(conn)
                .await?;
            Ok(changed > 0)
        })
    }

    /// The pending invite with this token hash, if usable at `now`.
    pub async fn pending_invite_by_hash(&self, token_hash: &str, now: i64) -> Result<Option<InviteRow>, StoreError> {
        read!(self, |conn| {
            Ok(invites::table
                .filter(invites::token_hash.eq(token_hash))
                .filter(invites::accepted_at.is_null())
                .filter(invites::revoked_at.is_null())
                .filter(invites::expires_at.gt(now))
                .select(InviteRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })
    }

    /// Accepts the invite with `account`: an existing account (whose password the caller
    /// has checked) or a new one to create. Spending the invite and joining are one
    /// transaction, so two concurrent accepts cannot both join.
    pub async fn accept_invite(
        &self,
        invite_id: &str,
        account: InviteAccount,
        now: i64,
    ) -> Result<AcceptOutcome, StoreError> {
        let result = write!(self, |conn| {
            let spent = diesel::update(invites::table)
                .filter(invites::id.eq(invite_id))
                .filter(invites::accepted_at.is_null())
                .filter(invites::revoked_at.is_null())
                .filter(invites::expires_at.gt(now))
                .set(invites::accepted_at.eq(now))
                .returning(InviteRow::as_returning())
                .get_result(conn)
                .await
                .optional()?;
            let Some(invite) = spent else {
                return Ok(AcceptOutcome::NoSuchInvite);
            };
            let user = match account {
                InviteAccount::Existing(user) => user,
                InviteAccount::New(user) => {
                    diesel::insert_into(users::table).values(&user).execute(conn).await?;
                    user
                }
            };
            let already: i64 = memberships::table
                .filter(memberships::workspace_id.eq(&invite.workspace_id))
                .filter(memberships::user_id.eq(&user.id))
                .count()
                .get_result(conn)
                .await?;
            if already > 0 {
                return Err(StoreError::Query(diesel::result::Error::RollbackTransaction));
            }
            let membership = MembershipRow::new(invite.workspace_id.clone(), user.id.clone(), invite.role, now);
            diesel::insert_into(memberships::table).values(&membership).execute(conn).await?;
            let workspace =
                workspaces::table.find(&invite.workspace_id).select(WorkspaceRow::as_select()).first(conn).await?;
            Ok(AcceptOutcome::Joined(Box::new(Membership { user, workspace, membership })))
        });
        match result {
            // Rolled back on purpose: the invite stays usable.
            Err(StoreError::Query(diesel::result::Error::RollbackTransaction)) => Ok(AcceptOutcome::AlreadyMember),
            // An account with the invited address appeared meanwhile.
            Err(StoreError::Query(e)) if is_unique_violation(&e) => Ok(AcceptOutcome::EmailTaken),
            other => other,
        }
    }

    /// The named server value, if set.
    pub async fn server_value(&self, name: &str) -> Result<Option<String>, StoreError> {
        use super::schema::server_secrets;
        read!(self, |conn| {
            Ok(server_secrets::table.find(name).select(server_secrets::value).first(conn).await.optional()?)
        })
    }

    /// Returns the named server secret, creating it with `generate` on first use (shared
    /// by every replica through the database).
    pub async fn server_secret(
        &self,
        name: &str,
        generate: impl FnOnce() -> String + Send,
    ) -> Result<String, StoreError> {
        use super::schema::server_secrets;
        let candidate = generate();
        let now = super::now_ms();
        write!(self, |conn| {
            let existing: Option<String> =
                server_secrets::table.find(name).select(server_secrets::value).first(conn).await.optional()?;
            if let Some(value) = existing {
                return Ok(value);
            }
            diesel::insert_into(server_secrets::table)
                .values((
                    server_secrets::name.eq(name),
                    server_secrets::value.eq(&candidate),
                    server_secrets::created_at.eq(now),
                ))
                .execute(conn)
                .await?;
            Ok(candidate)
        })
    }
}
