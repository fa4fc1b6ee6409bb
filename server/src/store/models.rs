//! Rows as they are stored. Conversions to proto types live in `api/`, rules in `domain/`.

use diesel::prelude::*;

use super::schema::{invites, memberships, refresh_tokens, users, widgets, workspaces};

/// A workspace row.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspaces)]
pub struct WorkspaceRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A user account row.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub created_at: i64,
}

/// A membership row; `role` is `owner`, `admin` or `agent`.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = memberships)]
pub struct MembershipRow {
    pub workspace_id: String,
    pub user_id: String,
    pub role: String,
    pub created_at: i64,
}

/// A refresh token row; only the SHA-256 of the token is stored.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub family_id: String,
    pub user_id: String,
    pub workspace_id: String,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// An invite row; only the SHA-256 of the token is stored.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = invites)]
pub struct InviteRow {
    pub id: String,
    pub workspace_id: String,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A widget row; `settings` is the JSON of `domain::widget::WidgetSettings`.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = widgets)]
pub struct WidgetRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub public_token: String,
    pub identity_secret: String,
    pub active: bool,
    pub settings: String,
    pub created_at: i64,
    pub updated_at: i64,
}
