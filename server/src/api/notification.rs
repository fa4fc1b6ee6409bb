//! NotificationService: a member's notification settings and push browsers, and the
//! workspace's defaults (admins; the access table in `auth::policy` enforces the roles).

use crate::domain::id::PushSubscriptionId;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use porthole_proto::v1 as pb;
use porthole_proto::v1::notification_service_server::NotificationService;
use tonic::{Request, Response, Status};

use super::convert::timestamp;
use crate::AppState;
use crate::auth;
use crate::domain::Violations;
use crate::domain::notification::{Channel, MAX_PUSH_SUBSCRIPTIONS, Notice, Settings};
use crate::error::Error;
use crate::jobs::{Job, NewJob};
use crate::limits::Limit;
use crate::notifications::push::PushNote;
use crate::store::notifications::PushSubscriptionRow;
use crate::store::now_ms;
use crate::webhooks::client;

/// Longest push endpoint, in bytes.
const MAX_ENDPOINT_BYTES: usize = 2048;
/// Longest browser label, in characters.
const MAX_LABEL_CHARS: usize = 100;

/// The NotificationService implementation.
pub struct NotificationApi {
    state: Arc<AppState>,
}

impl NotificationApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// Checks a push endpoint: https (http only to a network the operator allows, for
    /// tests and private push services), a host whose address may be reached.
    async fn checked_endpoint(&self, raw: &str, v: &mut Violations) -> Option<String> {
        let field = "endpoint";
        if raw.len() > MAX_ENDPOINT_BYTES {
            v.add(field, format!("at most {MAX_ENDPOINT_BYTES} bytes"));
            return None;
        }
        let Ok(url) = url::Url::parse(raw) else {
            v.add(field, "not a URL: pass PushSubscription.endpoint as the browser gave it");
            return None;
        };
        let policy = self.state.webhooks.sender.policy();
        let allowed_literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => policy.allowed.iter().any(|n| n.contains(&std::net::IpAddr::V4(ip))),
            Some(url::Host::Ipv6(ip)) => policy.allowed.iter().any(|n| n.contains(&std::net::IpAddr::V6(ip))),
            _ => false,
        };
        if url.scheme() != "https" && !(url.scheme() == "http" && allowed_literal) {
            v.add(field, "must be an https URL of a push service");
            return None;
        }
        if let Some(refused) = client::refused_host(policy, &url).await {
            v.add(field, refused);
            return None;
        }
        Some(url.to_string())
    }
}

fn to_pb(settings: &Settings) -> pb::NotificationSettings {
    pb::NotificationSettings {
        rules: Notice::ALL
            .iter()
            .map(|n| pb::NotificationRule {
                event: n.as_str().to_owned(),
                email: settings.on(*n, Channel::Email),
                push: settings.on(*n, Channel::Push),
                sound: settings.on(*n, Channel::Sound),
                desktop: settings.on(*n, Channel::Desktop),
            })
            .collect(),
    }
}

fn from_pb(field: &str, settings: Option<&pb::NotificationSettings>, v: &mut Violations) -> Settings {
    let rules = settings.map(|s| s.rules.as_slice()).unwrap_or_default();
    Settings::from_rules(field, rules.iter().map(|r| (r.event.as_str(), [r.email, r.push, r.sound, r.desktop])), v)
}

fn subscription(row: &PushSubscriptionRow) -> pb::PushSubscription {
    pb::PushSubscription {
        id: row.id.to_string(),
        label: row.label.clone(),
        push_service: url::Url::parse(&row.endpoint)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default(),
        create_time: Some(timestamp(row.created_at)),
    }
}

/// Decodes a base64url key of `len` bytes.
fn key(field: &str, raw: &str, len: usize, v: &mut Violations) {
    match URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')) {
        Ok(bytes) if bytes.len() == len => {}
        _ => v.add(field, format!("expected {len} bytes in base64url, as PushSubscription.toJSON() gives")),
    }
}

#[tonic::async_trait]
impl NotificationService for NotificationApi {
    async fn get_notification_settings(
        &self,
        request: Request<pb::GetNotificationSettingsRequest>,
    ) -> Result<Response<pb::GetNotificationSettingsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let all = self.state.store.notification_settings(&agent.workspace_id).await?;
        let subscriptions = self.state.store.push_subscriptions_of(&agent.workspace_id, &agent.user_id).await?;
        Ok(Response::new(pb::GetNotificationSettingsResponse {
            settings: Some(to_pb(all.of(&agent.user_id))),
            uses_workspace_defaults: !all.members.contains_key(&agent.user_id),
            workspace_defaults: Some(to_pb(&all.defaults)),
            email_available: self.state.mailer.is_some(),
            vapid_public_key: self.state.notifier.pusher.public_key().to_owned(),
            push_subscriptions: subscriptions.iter().map(subscription).collect(),
        }))
    }

    async fn update_notification_settings(
        &self,
        request: Request<pb::UpdateNotificationSettingsRequest>,
    ) -> Result<Response<pb::UpdateNotificationSettingsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let now = now_ms();
        let own = if req.use_workspace_defaults {
            None
        } else {
            let mut v = Violations::default();
            let settings = from_pb("settings.rules", req.settings.as_ref(), &mut v);
            Some(v.into_result(settings)?)
        };
        self.state.store.set_member_notifications(&agent.workspace_id, &agent.user_id, own.as_ref(), now).await?;
        let all = self.state.store.notification_settings(&agent.workspace_id).await?;
        Ok(Response::new(pb::UpdateNotificationSettingsResponse { settings: Some(to_pb(all.of(&agent.user_id))) }))
    }

    async fn update_workspace_notification_defaults(
        &self,
        request: Request<pb::UpdateWorkspaceNotificationDefaultsRequest>,
    ) -> Result<Response<pb::UpdateWorkspaceNotificationDefaultsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let mut v = Violations::default();
        let settings = from_pb("settings.rules", request.get_ref().settings.as_ref(), &mut v);
        let settings = v.into_result(settings)?;
        self.state.store.set_workspace_notifications(&agent.workspace_id, &settings, now_ms()).await?;
        Ok(Response::new(pb::UpdateWorkspaceNotificationDefaultsResponse { settings: Some(to_pb(&settings)) }))
    }

    async fn add_push_subscription(
        &self,
        request: Request<pb::AddPushSubscriptionRequest>,
    ) -> Result<Response<pb::AddPushSubscriptionResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        key("p256dh", &req.p256dh, 65, &mut v);
        key("auth", &req.auth, 16, &mut v);
        if req.label.chars().count() > MAX_LABEL_CHARS {
            v.add("label", format!("at most {MAX_LABEL_CHARS} characters"));
        }
        let endpoint = self.checked_endpoint(&req.endpoint, &mut v).await;
        let endpoint = v.into_result(endpoint)?.unwrap_or_default();
        let row = PushSubscriptionRow {
            id: PushSubscriptionId::new(),
            workspace_id: agent.workspace_id.clone(),
            user_id: agent.user_id.clone(),
            endpoint,
            p256dh: req.p256dh.trim_end_matches('=').to_owned(),
            auth: req.auth.trim_end_matches('=').to_owned(),
            label: req.label.trim().to_owned(),
            created_at: now_ms(),
        };
        let Some(row) = self.state.store.add_push_subscription(row).await? else {
            return Err(Error::failed_precondition(format!(
                "at most {MAX_PUSH_SUBSCRIPTIONS} browsers receive your pushes; remove one first"
            ))
            .into());
        };
        Ok(Response::new(pb::AddPushSubscriptionResponse { subscription: Some(subscription(&row)) }))
    }

    async fn delete_push_subscription(
        &self,
        request: Request<pb::DeletePushSubscriptionRequest>,
    ) -> Result<Response<pb::DeletePushSubscriptionResponse>, Status> {
        let agent = auth::agent(&request)?;
        let member = Some((agent.workspace_id.as_str(), agent.user_id.as_str()));
        if !self.state.store.delete_push_subscription(member, &request.get_ref().subscription_id).await? {
            return Err(Error::NotFound("push subscription").into());
        }
        Ok(Response::new(pb::DeletePushSubscriptionResponse {}))
    }

    async fn send_test_push(
        &self,
        request: Request<pb::SendTestPushRequest>,
    ) -> Result<Response<pb::SendTestPushResponse>, Status> {
        let agent = auth::agent(&request)?;
        let subscriptions = self.state.store.push_subscriptions_of(&agent.workspace_id, &agent.user_id).await?;
        if subscriptions.is_empty() {
            return Err(Error::failed_precondition("no browser of yours receives pushes; turn them on first").into());
        }
        self.state.limits.check(Limit::TestSendsPerWorkspace, &agent.workspace_id).await?;
        let note = PushNote {
            title: "Porthole notifications work".into(),
            body: "This browser will tell you about chats while Porthole is closed.".into(),
            url: "/app/settings/notifications".into(),
            tag: "porthole-test".into(),
            urgent: false,
        };
        let now = now_ms();
        for s in &subscriptions {
            let job = NewJob {
                workspace_id: Some(agent.workspace_id.clone()),
                summary: format!("Test push to {}", s.label),
                job: Job::Push { subscription_id: s.id.clone(), note: note.clone() },
                delay: Duration::ZERO,
            };
            self.state.store.enqueue_job(&job, now).await?;
        }
        self.state.jobs.job_written();
        Ok(Response::new(pb::SendTestPushResponse { browsers: i32::try_from(subscriptions.len()).unwrap_or(i32::MAX) }))
    }
}
