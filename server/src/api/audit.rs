//! The audit log from the API's side: what each administrative action records, and the
//! entries as owners read them (`WorkspaceService.ListAuditLog`).
//!
//! An entry is written after its action succeeded, in its own statement: if that write
//! fails the action stands and the failure is logged at ERROR (an action is never undone,
//! or refused, because its record could not be kept).

use crate::domain::id::AuditId;
use porthole_proto::v1 as pb;

use super::convert;
use crate::AppState;
use crate::auth::Agent;
use crate::store::models::AuditRow;
use crate::store::now_ms;

/// What was done, as `noun.verb` (the proto lists them on `AuditEntry.action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    MemberRoleChanged,
    MemberRemoved,
    InviteCreated,
    InviteRevoked,
    WorkspaceUpdated,
    WidgetCreated,
    WidgetUpdated,
    WidgetDeleted,
    WidgetActivated,
    WidgetDeactivated,
    WidgetTokenRegenerated,
    IdentitySecretViewed,
    IdentitySecretRotated,
    VisitorExported,
    VisitorErased,
    JobRetried,
    WebhookCreated,
    WebhookUpdated,
    WebhookDeleted,
    WebhookSecretRotated,
}

impl Action {
    /// The stored and sent name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::MemberRoleChanged => "member.role_changed",
            Action::MemberRemoved => "member.removed",
            Action::InviteCreated => "invite.created",
            Action::InviteRevoked => "invite.revoked",
            Action::WorkspaceUpdated => "workspace.updated",
            Action::WidgetCreated => "widget.created",
            Action::WidgetUpdated => "widget.updated",
            Action::WidgetDeleted => "widget.deleted",
            Action::WidgetActivated => "widget.activated",
            Action::WidgetDeactivated => "widget.deactivated",
            Action::WidgetTokenRegenerated => "widget.token_regenerated",
            Action::IdentitySecretViewed => "widget.identity_secret_viewed",
            Action::IdentitySecretRotated => "widget.identity_secret_rotated",
            Action::VisitorExported => "visitor.exported",
            Action::VisitorErased => "visitor.erased",
            Action::JobRetried => "job.retried",
            Action::WebhookCreated => "webhook.created",
            Action::WebhookUpdated => "webhook.updated",
            Action::WebhookDeleted => "webhook.deleted",
            Action::WebhookSecretRotated => "webhook.secret_rotated",
        }
    }
}

/// Records that `agent` did `action` to `target_id`.
pub async fn record(state: &AppState, agent: &Agent, action: Action, target_id: &str, detail: impl Into<String>) {
    let actor_name = match state.store.membership(&agent.workspace_id, &agent.user_id).await {
        Ok(Some((user, _, _))) => user.display_name,
        _ => String::new(),
    };
    let row = AuditRow {
        id: AuditId::new(),
        workspace_id: agent.workspace_id.clone(),
        actor_user_id: agent.user_id.clone(),
        actor_name,
        action: action.as_str().to_owned(),
        target_id: target_id.to_owned(),
        detail: detail.into(),
        created_at: now_ms(),
    };
    if let Err(error) = state.store.record_audit(row).await {
        tracing::error!(%error, action = action.as_str(), target_id, "could not record an audited action");
    }
}

/// An entry as the API sends it.
pub fn entry(row: &AuditRow) -> pb::AuditEntry {
    pb::AuditEntry {
        id: row.id.to_string(),
        create_time: Some(convert::timestamp(row.created_at)),
        actor_user_id: row.actor_user_id.to_string(),
        actor_name: row.actor_name.clone(),
        action: row.action.clone(),
        target_id: row.target_id.clone(),
        detail: row.detail.clone(),
    }
}
