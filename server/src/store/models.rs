//! Rows as they are stored. Conversions to proto types live in `api/`, rules in `domain/`.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::schema::{
    attachments, canned_responses, conversations, events, invites, memberships, messages, page_views, refresh_tokens,
    users, visitors, widgets, workspaces,
};

/// A workspace row.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspaces)]
pub struct WorkspaceRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    /// `least_loaded`, `round_robin` or `manual`.
    #[diesel(skip_insertion)]
    pub routing_mode: String,
    #[diesel(skip_insertion)]
    pub unassign_on_offline: bool,
}

impl WorkspaceRow {
    /// A new workspace with default routing.
    pub fn new(id: String, name: String, created_at: i64) -> Self {
        Self { id, name, created_at, routing_mode: "least_loaded".to_owned(), unassign_on_offline: false }
    }
}

impl MembershipRow {
    /// A new membership: online by default, capacity 5.
    pub fn new(workspace_id: String, user_id: String, role: String, created_at: i64) -> Self {
        Self {
            workspace_id,
            user_id,
            role,
            created_at,
            status: "online".to_owned(),
            max_chats: 5,
            last_active_at: None,
        }
    }
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
    /// `online`, `away`, `busy` or `offline`: what the member chose.
    #[diesel(skip_insertion)]
    pub status: String,
    #[diesel(skip_insertion)]
    pub max_chats: i32,
    #[diesel(skip_insertion)]
    pub last_active_at: Option<i64>,
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

/// A website visitor. `attributes` is a JSON object of strings.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = visitors)]
pub struct VisitorRow {
    pub id: String,
    pub workspace_id: String,
    pub widget_id: String,
    pub name: String,
    pub email: String,
    pub external_id: Option<String>,
    pub verified: bool,
    pub attributes: String,
    pub current_url: String,
    pub current_title: String,
    pub referrer: String,
    pub user_agent: String,
    pub browser: String,
    pub os: String,
    pub language: String,
    pub time_zone: String,
    pub ip_address: String,
    pub page_views: i64,
    pub online: bool,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    /// When the current visit began (see `domain::visitor::visit_start`). Events logged
    /// before the column existed lack it and read as 0.
    #[serde(default)]
    pub visit_started_at: i64,
}

/// One page a visitor viewed; `id` increases with every view recorded.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable)]
#[diesel(table_name = page_views)]
pub struct PageViewRow {
    pub id: i64,
    pub workspace_id: String,
    pub visitor_id: String,
    pub url: String,
    pub title: String,
    pub referrer: String,
    pub viewed_at: i64,
}

/// A page view to record (the database assigns the id).
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = page_views)]
pub struct NewPageView {
    pub workspace_id: String,
    pub visitor_id: String,
    pub url: String,
    pub title: String,
    pub referrer: String,
    pub viewed_at: i64,
}

/// A conversation. `status` and `priority` are the lower-case names of
/// `domain::conversation::{Status, Priority}`; `tags` is a JSON array of strings.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: String,
    pub workspace_id: String,
    pub widget_id: String,
    pub visitor_id: String,
    pub status: String,
    pub priority: String,
    pub assignee_user_id: Option<String>,
    pub tags: String,
    pub source_url: String,
    pub source_title: String,
    pub last_message_preview: String,
    pub last_seq: i64,
    pub visitor_last_seq: i64,
    pub agent_read_seq: i64,
    pub visitor_read_seq: i64,
    pub agent_unread: i64,
    pub rating: i32,
    pub rating_comment: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_message_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// `agents`, `bot` or `workflow`.
    pub responder: String,
    /// When it started waiting for an agent; `None` when not queued.
    pub queued_at: Option<i64>,
}

/// A message. `sender_type` is `visitor`, `agent`, `bot` or `system`; `attachments` is a
/// JSON array of [`AttachmentRow`].
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: String,
    pub workspace_id: String,
    pub conversation_id: String,
    pub seq: i64,
    pub sender_type: String,
    pub sender_id: String,
    pub sender_name: String,
    pub body: String,
    pub internal: bool,
    pub attachments: String,
    pub client_key: String,
    pub created_at: i64,
}

/// An uploaded file; the bytes live under the data directory.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: String,
    pub workspace_id: String,
    pub conversation_id: String,
    pub uploader_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub message_id: Option<String>,
    pub created_at: i64,
}

/// One entry of a workspace's event log; `body` is the JSON of `realtime::event::EventBody`.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub workspace_id: String,
    pub seq: i64,
    pub conversation_id: Option<String>,
    pub visitor_id: Option<String>,
    pub visitor_visible: bool,
    pub body: String,
    pub created_at: i64,
}

/// A canned response row; `title` is empty when unset, `created_by` a user id.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = canned_responses)]
pub struct CannedResponseRow {
    pub id: String,
    pub workspace_id: String,
    pub shortcut: String,
    pub title: String,
    pub body: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}
