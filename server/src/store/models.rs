//! Rows as they are stored. Conversions to proto types live in `api/`, rules in `domain/`.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::domain::account::Role;
use crate::domain::conversation::{Priority, Sender, Status};
use crate::domain::histogram::Histogram;
use crate::domain::id::{
    ArticleId, AttachmentId, AuditId, CannedResponseId, ConversationId, DeliveryId, InviteId, JobId, MessageId,
    PasswordResetId, RefreshTokenId, RuleId, SessionId, TeamId, UserId, VisitorId, WebhookId, WidgetId, WorkspaceId,
};
use crate::domain::job::JobState;
use crate::domain::report::Tally;
use crate::domain::routing::{AgentStatus, Mode, Responder};
use crate::domain::webhook::DeliveryState;
use crate::realtime::payload::{Attachment, Conversation, Message, Visitor, VisitorDelta};

use super::schema::{
    articles, attachments, audit_log, canned_responses, conversations, events, invites, jobs, memberships, messages,
    page_views, password_resets, refresh_tokens, report_figures, rules, teams, users, visitors, webhook_deliveries,
    webhooks, widgets, workspaces,
};

/// A workspace row.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspaces)]
pub struct WorkspaceRow {
    pub id: WorkspaceId,
    pub name: String,
    pub created_at: i64,
    #[diesel(skip_insertion)]
    pub routing_mode: Mode,
    #[diesel(skip_insertion)]
    pub unassign_on_offline: bool,
    /// The time zone reports count days in (IANA name).
    #[diesel(skip_insertion)]
    pub time_zone: String,
}

impl WorkspaceRow {
    /// A new workspace with default routing, reporting in UTC.
    pub fn new(id: WorkspaceId, name: String, created_at: i64) -> Self {
        Self {
            id,
            name,
            created_at,
            routing_mode: Mode::LeastLoaded,
            unassign_on_offline: false,
            time_zone: "UTC".to_owned(),
        }
    }
}

impl MembershipRow {
    /// A new membership: online by default, capacity 5.
    pub fn new(workspace_id: WorkspaceId, user_id: UserId, role: Role, created_at: i64) -> Self {
        Self {
            workspace_id,
            user_id,
            role,
            created_at,
            status: AgentStatus::Online,
            max_chats: 5,
            last_active_at: None,
        }
    }
}

/// A user account row.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub created_at: i64,
}

/// A membership row.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = memberships)]
pub struct MembershipRow {
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub role: Role,
    pub created_at: i64,
    /// What the member chose.
    #[diesel(skip_insertion)]
    pub status: AgentStatus,
    #[diesel(skip_insertion)]
    pub max_chats: i32,
    #[diesel(skip_insertion)]
    pub last_active_at: Option<i64>,
}

/// A refresh token row; only the SHA-256 of the token is stored.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: RefreshTokenId,
    pub family_id: SessionId,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A refresh token about to be issued; its family and owner come from the sign-in it
/// starts or the token it replaces.
#[derive(Clone, Debug)]
pub struct NewRefreshToken {
    pub id: RefreshTokenId,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl NewRefreshToken {
    /// The row of this token in session `family_id` of `user_id` in `workspace_id`.
    pub fn into_row(self, family_id: SessionId, user_id: UserId, workspace_id: WorkspaceId) -> RefreshTokenRow {
        RefreshTokenRow {
            id: self.id,
            family_id,
            user_id,
            workspace_id,
            token_hash: self.token_hash,
            created_at: self.created_at,
            expires_at: self.expires_at,
            used_at: None,
            revoked_at: None,
        }
    }
}

/// An invite row; only the SHA-256 of the token is stored.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = invites)]
pub struct InviteRow {
    pub id: InviteId,
    pub workspace_id: WorkspaceId,
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    pub invited_by: UserId,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A widget row; `settings` is the JSON of `domain::widget::WidgetSettings`.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = widgets)]
pub struct WidgetRow {
    pub id: WidgetId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub public_token: String,
    pub identity_secret: String,
    pub active: bool,
    pub settings: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// When a visitor first loaded it on a site other than this server (`None`: not yet).
    pub first_seen_at: Option<i64>,
    /// That site's origin (`https://shop.example`), empty until then.
    pub first_seen_origin: String,
}

/// An administrative action (see `api::audit`).
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: AuditId,
    pub workspace_id: WorkspaceId,
    pub actor_user_id: UserId,
    pub actor_name: String,
    pub action: String,
    pub target_id: String,
    pub detail: String,
    pub created_at: i64,
}

/// A password-reset link: its token's hash, when it expires and when it was used.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_resets)]
pub struct PasswordResetRow {
    pub id: PasswordResetId,
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A background job (see `jobs`). `payload` is the `jobs::Job` as JSON, cleared when done.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: JobId,
    pub workspace_id: Option<WorkspaceId>,
    pub kind: String,
    pub summary: String,
    pub payload: String,
    pub state: JobState,
    /// Attempts started so far (a claim counts one).
    pub attempts: i32,
    pub max_attempts: i32,
    /// When it is due (its first attempt, or the next retry).
    pub run_at: i64,
    /// The worker holding it while running.
    pub locked_by: Option<String>,
    /// When that worker's lease ends; after it, another worker may claim the job.
    pub locked_until: Option<i64>,
    /// Why the last attempt failed ("" if none did).
    pub last_error: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A webhook endpoint (see `store::webhooks`). `event_types` is a JSON array of names.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: WebhookId,
    pub workspace_id: WorkspaceId,
    pub url: String,
    pub description: String,
    pub event_types: String,
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: String,
    /// The last event sequence number turned into deliveries.
    pub event_cursor: i64,
    pub failed_in_a_row: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WebhookRow {
    /// The subscribed event type names (unknown names, which only an older or newer server
    /// could have written, are skipped).
    pub fn event_type_names(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }
}

/// One event sent to one endpoint; its attempts run as a job.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub workspace_id: WorkspaceId,
    pub event_type: String,
    /// The request body exactly as sent.
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Option<i64>,
    pub response_status: i32,
    pub latency_ms: i64,
    pub error: String,
    pub response_excerpt: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A website visitor. `attributes` is a JSON object of strings.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = visitors)]
pub struct VisitorRow {
    pub id: VisitorId,
    pub workspace_id: WorkspaceId,
    pub widget_id: WidgetId,
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
    /// When the current visit began (see `domain::visitor::visit_start`).
    pub visit_started_at: i64,
    /// ISO 3166-1 alpha-2 code of the country `ip_address` is in (`geo`), or empty.
    pub country_code: String,
    /// English name of the city `ip_address` is in (`geo`), or empty.
    pub city: String,
}

/// One page a visitor viewed; `id` increases with every view recorded.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable)]
#[diesel(table_name = page_views)]
pub struct PageViewRow {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub visitor_id: VisitorId,
    pub url: String,
    pub title: String,
    pub referrer: String,
    pub viewed_at: i64,
}

/// A page view to record (the database assigns the id).
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = page_views)]
pub struct NewPageView {
    pub workspace_id: WorkspaceId,
    pub visitor_id: VisitorId,
    pub url: String,
    pub title: String,
    pub referrer: String,
    pub viewed_at: i64,
}

/// A conversation; `tags` is a JSON array of strings.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub widget_id: WidgetId,
    pub visitor_id: VisitorId,
    pub status: Status,
    pub priority: Priority,
    pub assignee_user_id: Option<UserId>,
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
    pub responder: Responder,
    /// When it started waiting for an agent; `None` when not queued.
    pub queued_at: Option<i64>,
    /// Left through the offline form (nobody was available).
    pub left_offline: bool,
    /// The team it waits for or belongs to; `None`: the whole workspace.
    pub team_id: Option<TeamId>,
    /// The guided-flow step waiting for the visitor's answer; `None` when no flow runs.
    pub flow_step: Option<String>,
}

/// A message; `attachments` is a JSON array of [`AttachmentRow`]s as they were when sent.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: MessageId,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    pub seq: i64,
    pub sender_type: Sender,
    pub sender_id: String,
    pub sender_name: String,
    pub body: String,
    pub internal: bool,
    pub attachments: String,
    pub client_key: String,
    pub created_at: i64,
    /// The articles a bot answer cites (JSON array of `payload::Citation`); empty otherwise.
    pub citations: String,
    /// A flow question's quick replies (JSON array of labels); empty otherwise.
    pub quick_replies: String,
}

/// An uploaded file; the bytes live under the data directory.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    pub uploader_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub message_id: Option<MessageId>,
    pub created_at: i64,
}

/// One entry of a workspace's event log; `body` is the JSON of `realtime::event::EventBody`.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub workspace_id: WorkspaceId,
    pub seq: i64,
    pub conversation_id: Option<ConversationId>,
    pub visitor_id: Option<VisitorId>,
    pub visitor_visible: bool,
    pub body: String,
    pub created_at: i64,
}

/// A canned response row; `title` is empty when unset, `created_by` a user id.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = canned_responses)]
pub struct CannedResponseRow {
    pub id: CannedResponseId,
    pub workspace_id: WorkspaceId,
    pub shortcut: String,
    pub title: String,
    pub body: String,
    pub created_by: UserId,
    pub created_at: i64,
    pub updated_at: i64,
    /// The AI bot may answer from it.
    pub knowledge: bool,
}

/// A team of a workspace (its members are `team_members` rows).
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = teams)]
pub struct TeamRow {
    pub id: TeamId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub created_at: i64,
}

/// An automation rule; `conditions` and `actions` are the JSON of `domain::rule`'s
/// `Conditions` and `Actions`, `trigger` a `Trigger`'s name.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = rules)]
pub struct RuleRow {
    pub id: RuleId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub enabled: bool,
    pub trigger: String,
    pub conditions: String,
    pub actions: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A knowledge-base article; `tags` is a JSON array of strings, `created_by` a user id.
/// Also read by name from the search's hand-written SQL (`store::knowledge`).
#[derive(Clone, Debug, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: ArticleId,
    pub workspace_id: WorkspaceId,
    pub title: String,
    pub body: String,
    pub tags: String,
    pub published: bool,
    pub url: String,
    pub created_by: UserId,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ArticleRow {
    /// The tags (unreadable JSON, which only a hand-edited database holds, means none).
    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }
}

// What events carry, built from the rows (see `realtime::payload`).

impl ConversationRow {
    /// The conversation as events carry it; unreadable `tags` is an error, not an empty list.
    pub fn to_payload(&self) -> Result<Conversation, StoreError> {
        Ok(Conversation {
            id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            widget_id: self.widget_id.clone(),
            visitor_id: self.visitor_id.clone(),
            status: self.status,
            priority: self.priority,
            assignee_user_id: self.assignee_user_id.clone(),
            tags: serde_json::from_str(&self.tags)?,
            source_url: self.source_url.clone(),
            source_title: self.source_title.clone(),
            last_message_preview: self.last_message_preview.clone(),
            last_seq: self.last_seq,
            visitor_last_seq: self.visitor_last_seq,
            agent_read_seq: self.agent_read_seq,
            visitor_read_seq: self.visitor_read_seq,
            agent_unread: self.agent_unread,
            rating: self.rating,
            rating_comment: self.rating_comment.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_message_at: self.last_message_at,
            first_response_at: self.first_response_at,
            resolved_at: self.resolved_at,
            closed_at: self.closed_at,
            responder: self.responder,
            queued_at: self.queued_at,
            left_offline: self.left_offline,
            team_id: self.team_id.clone(),
        })
    }
}

impl MessageRow {
    /// The message as events carry it; unreadable `attachments` is an error.
    pub fn to_payload(&self) -> Result<Message, StoreError> {
        let files: Vec<AttachmentRow> = serde_json::from_str(&self.attachments)?;
        Ok(Message {
            id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            conversation_id: self.conversation_id.clone(),
            seq: self.seq,
            sender_type: self.sender_type,
            sender_id: self.sender_id.clone(),
            sender_name: self.sender_name.clone(),
            body: self.body.clone(),
            internal: self.internal,
            attachments: files.iter().map(AttachmentRow::to_payload).collect(),
            client_key: self.client_key.clone(),
            created_at: self.created_at,
            citations: if self.citations.is_empty() { Vec::new() } else { serde_json::from_str(&self.citations)? },
            quick_replies: if self.quick_replies.is_empty() {
                Vec::new()
            } else {
                serde_json::from_str(&self.quick_replies)?
            },
        })
    }
}

impl AttachmentRow {
    /// The attachment as messages carry it.
    pub fn to_payload(&self) -> Attachment {
        Attachment {
            id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            conversation_id: self.conversation_id.clone(),
            uploader_id: self.uploader_id.clone(),
            file_name: self.file_name.clone(),
            content_type: self.content_type.clone(),
            size_bytes: self.size_bytes,
            message_id: self.message_id.clone(),
            created_at: self.created_at,
        }
    }
}

impl VisitorRow {
    /// What differs in `self` from `before` (the same visitor earlier), as agents' events
    /// carry it; the user agent stays out, as in [`Self::to_payload`].
    pub fn changes_since(&self, before: &VisitorRow) -> VisitorDelta {
        fn changed<T: PartialEq + Clone>(before: &T, after: &T) -> Option<T> {
            (before != after).then(|| after.clone())
        }
        VisitorDelta {
            name: changed(&before.name, &self.name),
            email: changed(&before.email, &self.email),
            external_id: changed(&before.external_id, &self.external_id).flatten(),
            verified: changed(&before.verified, &self.verified),
            attributes: changed(&before.attributes, &self.attributes),
            current_url: changed(&before.current_url, &self.current_url),
            current_title: changed(&before.current_title, &self.current_title),
            referrer: changed(&before.referrer, &self.referrer),
            browser: changed(&before.browser, &self.browser),
            os: changed(&before.os, &self.os),
            language: changed(&before.language, &self.language),
            time_zone: changed(&before.time_zone, &self.time_zone),
            ip_address: changed(&before.ip_address, &self.ip_address),
            page_views: changed(&before.page_views, &self.page_views),
            online: changed(&before.online, &self.online),
            last_seen_at: changed(&before.last_seen_at, &self.last_seen_at),
            visit_started_at: changed(&before.visit_started_at, &self.visit_started_at),
            country_code: changed(&before.country_code, &self.country_code),
            city: changed(&before.city, &self.city),
        }
    }

    /// The visitor as agents' events carry them (no user agent).
    pub fn to_payload(&self) -> Visitor {
        Visitor {
            id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            widget_id: self.widget_id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            external_id: self.external_id.clone(),
            verified: self.verified,
            attributes: self.attributes.clone(),
            current_url: self.current_url.clone(),
            current_title: self.current_title.clone(),
            referrer: self.referrer.clone(),
            browser: self.browser.clone(),
            os: self.os.clone(),
            language: self.language.clone(),
            time_zone: self.time_zone.clone(),
            ip_address: self.ip_address.clone(),
            page_views: self.page_views,
            online: self.online,
            first_seen_at: self.first_seen_at,
            last_seen_at: self.last_seen_at,
            visit_started_at: self.visit_started_at,
            country_code: self.country_code.clone(),
            city: self.city.clone(),
        }
    }
}

/// A `report_figures` row: one scope's figures over one span (see `store::reports`).
#[derive(Clone, Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = report_figures, primary_key(workspace_id, span, dim, start_at))]
pub struct FiguresRow {
    pub workspace_id: WorkspaceId,
    /// Seconds: 900 or 86,400.
    pub span: i32,
    pub dim: String,
    pub start_at: i64,
    pub started: i64,
    pub still_open: i64,
    pub resolved: i64,
    pub missed: i64,
    pub first_responses: i64,
    pub first_response_secs: i64,
    pub first_response_business_secs: i64,
    pub resolution_secs: i64,
    pub resolution_business_secs: i64,
    pub stars_1: i64,
    pub stars_2: i64,
    pub stars_3: i64,
    pub stars_4: i64,
    pub stars_5: i64,
    pub bot_answered: i64,
    pub bot_resolved: i64,
    pub handed_off: i64,
    pub online_secs: i64,
    pub busy_secs: i64,
    pub away_secs: i64,
    pub first_response_hist: String,
    pub first_response_business_hist: String,
    pub resolution_hist: String,
    pub resolution_business_hist: String,
}

impl FiguresRow {
    /// The row holding `t`.
    pub fn of(workspace_id: &WorkspaceId, span: i32, dim: &str, start_at: i64, t: &Tally) -> Self {
        Self {
            workspace_id: workspace_id.clone(),
            span,
            dim: dim.to_owned(),
            start_at,
            started: t.started,
            still_open: t.still_open,
            resolved: t.resolved,
            missed: t.missed,
            first_responses: t.first_responses,
            first_response_secs: t.first_response_secs,
            first_response_business_secs: t.first_response_business_secs,
            resolution_secs: t.resolution_secs,
            resolution_business_secs: t.resolution_business_secs,
            stars_1: t.stars[0],
            stars_2: t.stars[1],
            stars_3: t.stars[2],
            stars_4: t.stars[3],
            stars_5: t.stars[4],
            bot_answered: t.bot_answered,
            bot_resolved: t.bot_resolved,
            handed_off: t.handed_off,
            online_secs: t.online_secs,
            busy_secs: t.busy_secs,
            away_secs: t.away_secs,
            first_response_hist: t.first_response_hist.to_text(),
            first_response_business_hist: t.first_response_business_hist.to_text(),
            resolution_hist: t.resolution_hist.to_text(),
            resolution_business_hist: t.resolution_business_hist.to_text(),
        }
    }

    /// Its figures.
    pub fn tally(&self) -> Tally {
        Tally {
            started: self.started,
            still_open: self.still_open,
            resolved: self.resolved,
            missed: self.missed,
            first_responses: self.first_responses,
            first_response_secs: self.first_response_secs,
            first_response_business_secs: self.first_response_business_secs,
            resolution_secs: self.resolution_secs,
            resolution_business_secs: self.resolution_business_secs,
            stars: [self.stars_1, self.stars_2, self.stars_3, self.stars_4, self.stars_5],
            bot_answered: self.bot_answered,
            bot_resolved: self.bot_resolved,
            handed_off: self.handed_off,
            online_secs: self.online_secs,
            busy_secs: self.busy_secs,
            away_secs: self.away_secs,
            first_response_hist: Histogram::from_text(&self.first_response_hist),
            first_response_business_hist: Histogram::from_text(&self.first_response_business_hist),
            resolution_hist: Histogram::from_text(&self.resolution_hist),
            resolution_business_hist: Histogram::from_text(&self.resolution_business_hist),
        }
    }
}
