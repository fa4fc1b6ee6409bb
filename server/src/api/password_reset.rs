//! Password reset (AuthService.RequestPasswordReset and ResetPassword): a one-use link,
//! valid for an hour, e-mailed through the job queue; using it sets the password and ends
//! every session of the account.

use crate::domain::id::PasswordResetId;
use porthole_proto::v1 as pb;

use crate::AppState;
use crate::auth::password;
use crate::domain::Violations;
use crate::domain::account::{self as rules, PASSWORD_RESET_TTL};
use crate::error::Error;
use crate::ids;
use crate::jobs::{Job, NewJob, mail};
use crate::limits::Limit;
use crate::store::models::PasswordResetRow;
use crate::store::now_ms;

/// E-mails a reset link to the account with `req.email`, if any; answers the same either way.
pub async fn request(state: &AppState, ip: &str, req: pb::RequestPasswordResetRequest) -> Result<(), Error> {
    let mut v = Violations::default();
    let email = rules::normalize_email("email", &req.email, &mut v);
    v.into_result(())?;
    state.limits.check(Limit::PasswordResetPerIp, ip).await?;
    if state.mailer.is_none() {
        return Err(Error::failed_precondition(
            "this server cannot send e-mail, so passwords cannot be reset by e-mail; ask the person who runs \
             it to set PORTHOLE_SMTP_URL, or a workspace owner to invite you again",
        ));
    }
    let Some(user) = state.store.user_by_email(&email).await? else {
        tracing::info!(%ip, "password reset asked for an address without an account");
        return Ok(());
    };
    // Answered like any other request, so that nobody learns the account exists or was
    // flooded; only the e-mail is not sent.
    if state.limits.check(Limit::PasswordResetPerAccount, &user.id).await.is_err() {
        tracing::warn!(user_id = %user.id, %ip, "password reset refused: too many for this account");
        return Ok(());
    }
    let now = now_ms();
    let token = format!("prs_{}", ids::new_secret(32));
    let ttl_ms = i64::try_from(PASSWORD_RESET_TTL.as_millis()).unwrap_or(i64::MAX);
    let row = PasswordResetRow {
        id: PasswordResetId::new(),
        user_id: user.id.clone(),
        token_hash: ids::token_hash(&token),
        created_at: now,
        expires_at: now.saturating_add(ttl_ms),
        used_at: None,
    };
    let link = format!("{}/app/reset-password/{token}", state.public_url.trim_end_matches('/'));
    let email = mail::password_reset(&user.email, &user.display_name, &link, PASSWORD_RESET_TTL.as_secs() / 60);
    let job = NewJob {
        workspace_id: None,
        summary: format!("Password reset for {}", user.email),
        job: Job::Email(email),
        delay: std::time::Duration::ZERO,
    };
    state.store.create_password_reset(row, &job).await?;
    state.jobs.job_written();
    tracing::info!(user_id = %user.id, %ip, "password reset link e-mailed");
    Ok(())
}

/// Sets the password with a reset link's token.
pub async fn reset(state: &AppState, ip: &str, req: pb::ResetPasswordRequest) -> Result<(), Error> {
    let mut v = Violations::default();
    let token = req.reset_token.trim();
    if token.is_empty() {
        v.add("reset_token", "must not be empty");
    }
    rules::check_password("new_password", &req.new_password, &mut v);
    v.into_result(())?;
    // Before the (deliberately expensive) hash, as for LogIn.
    state.limits.check(Limit::LoginPerIp, ip).await?;
    let hash = password::hash(req.new_password).await?;
    match state.store.reset_password(&ids::token_hash(token), &hash, now_ms()).await? {
        Some(user_id) => {
            tracing::info!(%user_id, %ip, "password reset; every session of the account ended");
            Ok(())
        }
        None => Err(Error::NotFound("password-reset link (it may have expired or been used already)")),
    }
}
