//! VisitorService: the public API the widget uses on behalf of a website visitor.

use crate::domain::id::{ConversationId, MessageId, RuleId, VisitorId, WorkspaceId};
use std::pin::Pin;
use std::sync::Arc;

use futures_util::Stream;
use porthole_proto::v1 as pb;
use porthole_proto::v1::visitor_service_server::VisitorService;
use tonic::{Request, Response, Status};

use super::{chat, convert, notify};
use crate::AppState;
use crate::auth::{self, Visitor};
use crate::automation;
use crate::bot;
use crate::domain::conversation::{self as conversation_rules, MessageToSend, Sender};
use crate::domain::flow;
use crate::domain::page;
use crate::domain::routing::{self, Responder};
use crate::domain::rule::{Actions, Conditions};
use crate::domain::widget::{Handler, PreChatField, WidgetSettings, origin_allowed};
use crate::domain::{Violations, account, hours, visitor as rules};
use crate::error::Error;
use crate::geo::{Geo, Location};
use crate::ids;
use crate::jobs::{Job, NewJob, mail};
use crate::limits::Limit;
use crate::realtime::event::{BusMessage, Typing};
use crate::realtime::feed::{self, Audience, FeedItem, Grant};
use crate::realtime::payload;
use crate::store::conversations::{Continue, ConversationRef};
use crate::store::models::{VisitorRow, WidgetRow};
use crate::store::now_ms;
use crate::store::visitors::{PageView, VisitorChange};

/// A conversation of the calling visitor (anyone else's is "not found").
fn mine<'a>(visitor: &'a auth::Visitor, conversation_id: &'a ConversationId) -> ConversationRef<'a> {
    ConversationRef {
        workspace_id: &visitor.workspace_id,
        conversation_id,
        visitor_id: Some(&visitor.visitor_id),
        by: None,
    }
}

/// The VisitorService implementation.
pub struct VisitorApi {
    state: Arc<AppState>,
}

type FeedStream = Pin<Box<dyn Stream<Item = Result<pb::WatchVisitorFeedResponse, Status>> + Send>>;

/// What the request says about the browser.
struct Client {
    origin: Option<String>,
    /// The `Host` the request was sent to (grpc-web over HTTP/1.1 has it).
    host: Option<String>,
    user_agent: String,
    ip: String,
    /// `ip` as an address, to look its place up in `geo` (only where it is stored).
    addr: Option<std::net::IpAddr>,
}

impl Client {
    /// The site the widget runs on, unless it is a page of this server (the demo and the
    /// dashboard's try-it page), which does not show the owner installed the snippet.
    fn site(&self, public_url: &str) -> Option<&str> {
        let origin = self.origin.as_deref()?;
        let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        let ours = self.host.as_deref().is_some_and(|host| host.eq_ignore_ascii_case(authority))
            || origin.eq_ignore_ascii_case(public_url.trim_end_matches('/'));
        (!ours && origin != "null").then_some(origin)
    }

    /// The address and its location as a change to a visitor: both together, so the
    /// location always belongs to the address shown (an unknown place clears an earlier
    /// one); nothing when the request has no address.
    fn address_change(&self, geo: &Geo) -> VisitorChange {
        if self.ip.is_empty() {
            return VisitorChange::default();
        }
        let place = self.place(geo);
        VisitorChange {
            ip_address: Some(self.ip.clone()),
            country_code: Some(place.country_code),
            city: Some(place.city),
            ..VisitorChange::default()
        }
    }

    /// Where the address is; empty when unknown (or the feature is off).
    fn place(&self, geo: &Geo) -> Location {
        self.addr.and_then(|ip| geo.locate(ip)).unwrap_or_default()
    }
}

fn client<T>(request: &Request<T>) -> Client {
    let header = |name: &str| request.metadata().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let addr = request.extensions().get::<crate::client_ip::ClientIp>().map(|ip| ip.0);
    Client {
        origin: header("origin"),
        host: header("host"),
        user_agent: header("user-agent").unwrap_or_default(),
        ip: super::peer_ip(request),
        addr,
    }
}

impl VisitorApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// The active widget with this public token, if the caller's origin may use it.
    async fn widget_for(&self, token: &str, origin: Option<&str>) -> Result<WidgetRow, Error> {
        if token.trim().is_empty() {
            return Err(Error::invalid("widget_token", "must not be empty"));
        }
        let widget = self
            .state
            .store
            .widget_by_public_token(token.trim())
            .await?
            .filter(|w| w.active)
            .ok_or(Error::NotFound("widget (unknown token, or the widget is turned off)"))?;
        let settings = convert::stored_settings(&widget);
        if let Some(origin) = origin
            && !origin_allowed(origin, &settings.allowed_domains)
        {
            return Err(Error::permission_denied(format!(
                "{origin} may not use this widget: add its domain to the widget's allowed domains"
            )));
        }
        Ok(widget)
    }

    /// The caller's own widget (it must still be active).
    async fn own_widget(&self, visitor: &Visitor) -> Result<WidgetRow, Error> {
        self.state
            .store
            .widget(&visitor.workspace_id, &visitor.widget_id)
            .await?
            .filter(|w| w.active)
            .ok_or(Error::NotFound("widget (it was turned off or deleted)"))
    }

    async fn own_visitor(&self, visitor: &Visitor) -> Result<payload::Visitor, Error> {
        self.state.store.visitor(&visitor.workspace_id, &visitor.visitor_id).await?.ok_or(Error::NotFound("visitor"))
    }

    fn token_for(&self, visitor: &Visitor) -> Result<String, Error> {
        let now = now_ms() / 1000;
        let lifetime = i64::try_from(self.state.config.visitor_token_ttl.as_secs()).unwrap_or(30 * 86_400);
        self.state.keys.issue_visitor(visitor, now, now + lifetime).map_err(Error::internal)
    }

    /// Whether the bot could answer this widget's conversations (asked only of bot widgets:
    /// it reads the workspace's own model).
    async fn bot_available(&self, widget: &WidgetRow, settings: &WidgetSettings) -> Result<bool, Error> {
        if !matches!(settings.handler, Handler::AiBot | Handler::Hybrid) {
            return Ok(false);
        }
        Ok(bot::available(&self.state, &widget.workspace_id).await?)
    }

    /// Whether someone answers now, and whether that is a human: (online, agents online).
    /// Agents answer within business hours with an agent's dashboard connected; the bot or a
    /// guided flow answers otherwise.
    async fn online(&self, widget: &WidgetRow, settings: &WidgetSettings, bot: bool) -> Result<(bool, bool), Error> {
        // Business hours are the humans'; the bot answers around the clock.
        let agents = hours::is_open(&settings.business_hours, chrono::Utc::now())
            && self.state.store.any_agent_available(&widget.workspace_id, settings.team_id.as_ref(), now_ms()).await?;
        // The bot or a guided flow answers when no person does.
        let automated = routing::first_responder(settings, agents, bot) != Responder::Agents;
        Ok((agents || automated, agents))
    }

    async fn update(
        &self,
        visitor: &Visitor,
        change: VisitorChange,
        page_view: Option<PageView>,
    ) -> Result<payload::Visitor, Error> {
        let (row, events) = self
            .state
            .store
            .update_visitor(&visitor.workspace_id, &visitor.visitor_id, change, page_view, true, now_ms())
            .await?
            .ok_or(Error::NotFound("visitor"))?;
        chat::publish(&self.state, events).await;
        Ok(row)
    }

    /// Opens the visitor's conversation on their widget (or returns the open one). A new
    /// one starts with what `opening` says (the proactive message answered, a flow's
    /// opening: `automation::open`) when given.
    async fn open_conversation(
        &self,
        visitor: &Visitor,
        source_url: &str,
        source_title: &str,
        start_new: bool,
        opening: Option<Option<RuleId>>,
    ) -> Result<(pb::VisitorConversation, bool), Error> {
        let now = now_ms();
        // The one routing decision: agents (queued, then assigned), the bot, or a workflow.
        let widget = self.own_widget(visitor).await?;
        let settings = convert::stored_settings(&widget);
        let lifecycle = Continue { reopen_within_ms: settings.behavior.reopen_within_ms(), start_new };
        // The widget's team, unless it was deleted since (then the whole workspace).
        let team_id = match settings.team_id.clone() {
            Some(team) if self.state.store.team_exists(&visitor.workspace_id, &team).await? => Some(team),
            _ => None,
        };
        let agents = self.state.store.any_agent_available(&visitor.workspace_id, team_id.as_ref(), now).await?;
        let responder = routing::first_responder(&settings, agents, self.bot_available(&widget, &settings).await?);
        let row = chat::conversation_row(chat::NewConversation {
            workspace_id: &visitor.workspace_id,
            widget_id: &visitor.widget_id,
            visitor_id: &visitor.visitor_id,
            source_url,
            source_title,
            responder,
            assignee_user_id: None,
            team_id,
            now,
        });
        let (view, resumed, events) = self.state.store.start_conversation(row, lifecycle).await?;
        chat::publish(&self.state, events).await;
        if let Some(proactive) = opening
            && !resumed
            && view.conversation.visitor_last_seq == 0
        {
            let conversation = &view.conversation;
            automation::open(&self.state, conversation, &settings, proactive.as_ref()).await?;
            // As it is now, with the opening's messages counted.
            let now = self.state.store.conversation(&visitor.workspace_id, &conversation.id, None).await?;
            if let Some(now) = now {
                return Ok((convert::visitor_conversation(&now), resumed));
            }
        }
        Ok((convert::visitor_conversation(&view), resumed))
    }
}

/// How the bot presents itself on a widget where it answers (`None` where only humans do).
fn bot_persona(settings: &WidgetSettings, bot_available: bool) -> Option<pb::BotPersona> {
    bot_available
        .then(|| pb::BotPersona { name: settings.bot.name.clone(), avatar_url: settings.bot.avatar_url.clone() })
}

/// The workspace's proactive messages (enabled page-visit rules) as the widget runs them.
async fn proactive_messages(state: &AppState, workspace_id: &WorkspaceId) -> Result<Vec<pb::ProactiveMessage>, Error> {
    let rules = state.store.proactive_rules(workspace_id).await?;
    Ok(rules
        .into_iter()
        .filter_map(|rule| {
            let conditions: Conditions = serde_json::from_str(&rule.conditions).ok()?;
            let actions: Actions = serde_json::from_str(&rule.actions).ok()?;
            Some(pb::ProactiveMessage {
                rule_id: rule.id.to_string(),
                text: actions.reply,
                page_url_pattern: conditions.page_url_pattern,
                time_on_page_seconds: conditions.time_on_page_seconds,
                returning_visitor_only: conditions.returning_visitor_only,
            })
        })
        .collect())
}

#[tonic::async_trait]
impl VisitorService for VisitorApi {
    async fn get_widget_config(
        &self,
        request: Request<pb::GetWidgetConfigRequest>,
    ) -> Result<Response<pb::GetWidgetConfigResponse>, Status> {
        let client = client(&request);
        let widget = self.widget_for(&request.get_ref().widget_token, client.origin.as_deref()).await?;
        let stored = convert::stored_settings(&widget);
        // Read once: it may read the workspace's own model.
        let bot = self.bot_available(&widget, &stored).await?;
        let (online, agents_online) = self.online(&widget, &stored, bot).await?;
        let settings = convert::settings_to_proto(&stored);
        Ok(Response::new(pb::GetWidgetConfigResponse {
            config: Some(pb::WidgetConfig {
                appearance: settings.appearance,
                texts: settings.texts,
                behavior: settings.behavior,
                online,
                email_enabled: self.state.mailer.is_some(),
                bot: bot_persona(&stored, bot),
                agents_online,
                proactive_messages: proactive_messages(&self.state, &widget.workspace_id).await?,
                flow_opening: if stored.handler == Handler::Workflow {
                    flow::opening(&stored.flow)
                        .into_iter()
                        .map(|(text, quick_replies)| pb::AutomatedPrompt { text, quick_replies })
                        .collect()
                } else {
                    Vec::new()
                },
                assistant_name: stored.bot.name.clone(),
            }),
        }))
    }

    async fn start_session(
        &self,
        request: Request<pb::StartSessionRequest>,
    ) -> Result<Response<pb::StartSessionResponse>, Status> {
        let client = client(&request);
        let req = request.into_inner();
        // Before any work: anonymous callers can reach this from anywhere.
        self.state.limits.check(Limit::SessionsPerIp, &client.ip).await?;
        let widget = self.widget_for(&req.widget_token, client.origin.as_deref()).await?;
        self.state.limits.check(Limit::SessionsPerWidget, &widget.id).await?;
        let (browser, os) = rules::browser_and_os(&client.user_agent);
        let now = now_ms();
        // The onboarding checklist's "first visitor": once per widget, on the owner's site.
        if widget.first_seen_at.is_none()
            && let Some(site) = client.site(&self.state.public_url)
        {
            let site = rules::clip(site, rules::MAX_URL_CHARS);
            self.state.store.mark_widget_seen(&widget.workspace_id, &widget.id, &site, now).await?;
        }

        // Resume the same visitor when the browser kept a valid token of this widget.
        let previous =
            self.state.keys.verify_visitor(req.visitor_token.trim()).ok().filter(|v| v.widget_id == widget.id);
        let existing = match &previous {
            Some(v) => self.state.store.visitor(&v.workspace_id, &v.visitor_id).await?,
            None => None,
        };
        let row = match existing {
            Some(row) => {
                let change = VisitorChange {
                    user_agent: Some(rules::clip(&client.user_agent, rules::MAX_USER_AGENT_CHARS)),
                    browser: Some(browser),
                    os: Some(os),
                    language: Some(rules::clip(&req.language, rules::MAX_LANGUAGE_CHARS)).filter(|l| !l.is_empty()),
                    time_zone: Some(rules::clip(&req.time_zone, rules::MAX_TIME_ZONE_CHARS)).filter(|t| !t.is_empty()),
                    online: Some(true),
                    last_seen_at: Some(now),
                    ..client.address_change(&self.state.geo)
                };
                let v = Visitor {
                    visitor_id: row.id.clone(),
                    workspace_id: row.workspace_id.clone(),
                    widget_id: widget.id.clone(),
                };
                self.update(&v, change, None).await?
            }
            None => {
                let place = client.place(&self.state.geo);
                let row = VisitorRow {
                    id: VisitorId::new(),
                    workspace_id: widget.workspace_id.clone(),
                    widget_id: widget.id.clone(),
                    name: String::new(),
                    email: String::new(),
                    external_id: None,
                    verified: false,
                    attributes: "{}".to_owned(),
                    current_url: String::new(),
                    current_title: String::new(),
                    referrer: String::new(),
                    user_agent: rules::clip(&client.user_agent, rules::MAX_USER_AGENT_CHARS),
                    browser,
                    os,
                    language: rules::clip(&req.language, rules::MAX_LANGUAGE_CHARS),
                    time_zone: rules::clip(&req.time_zone, rules::MAX_TIME_ZONE_CHARS),
                    ip_address: client.ip,
                    page_views: 0,
                    online: true,
                    first_seen_at: now,
                    last_seen_at: now,
                    visit_started_at: now,
                    country_code: place.country_code,
                    city: place.city,
                };
                self.state.store.insert_visitor(row).await?
            }
        };
        let visitor =
            Visitor { visitor_id: row.id.clone(), workspace_id: row.workspace_id.clone(), widget_id: widget.id };
        Ok(Response::new(pb::StartSessionResponse {
            visitor_token: self.token_for(&visitor)?,
            visitor: Some(convert::visitor(&row)),
        }))
    }

    async fn update_visitor(
        &self,
        request: Request<pb::UpdateVisitorRequest>,
    ) -> Result<Response<pb::UpdateVisitorResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let current = self.own_visitor(&visitor).await?;
        let mut v = Violations::default();
        let name = req.name.map(|n| n.trim().to_owned());
        if name.as_ref().is_some_and(|n| n.chars().count() > rules::MAX_NAME_CHARS || n.chars().any(char::is_control)) {
            v.add("name", format!("must be at most {} characters without control characters", rules::MAX_NAME_CHARS));
        }
        let email = req.email.map(|e| e.trim().to_lowercase());
        if email.as_ref().is_some_and(|e| !e.is_empty() && !account::is_email(e)) {
            v.add("email", "must be an e-mail address like name@example.com");
        }
        let attributes = if req.attributes.is_empty() {
            None
        } else {
            Some(rules::merge_attributes(&current.attributes, req.attributes, &mut v))
        };
        v.into_result(())?;
        let change =
            VisitorChange { name, email, attributes, last_seen_at: Some(now_ms()), ..VisitorChange::default() };
        let row = self.update(&visitor, change, None).await?;
        Ok(Response::new(pb::UpdateVisitorResponse { visitor: Some(convert::visitor(&row)) }))
    }

    async fn identify_visitor(
        &self,
        request: Request<pb::IdentifyVisitorRequest>,
    ) -> Result<Response<pb::IdentifyVisitorResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let external_id = req.external_id.trim().to_owned();
        let mut v = Violations::default();
        if external_id.is_empty() || external_id.chars().count() > rules::MAX_EXTERNAL_ID_CHARS {
            v.add("external_id", format!("must be 1 to {} characters", rules::MAX_EXTERNAL_ID_CHARS));
        }
        if req.user_hash.trim().is_empty() {
            v.add("user_hash", "must be hex(HMAC-SHA256(identity secret, external_id)) from your backend");
        }
        let email = req.email.trim().to_lowercase();
        if !email.is_empty() && !account::is_email(&email) {
            v.add("email", "must be an e-mail address like name@example.com");
        }
        v.into_result(())?;
        let widget = self.own_widget(&visitor).await?;
        if !rules::identity_verified(&widget.identity_secret, &external_id, &req.user_hash) {
            return Err(Error::unauthenticated(
                "user_hash does not match external_id: compute it on your server with the widget's identity secret",
            )
            .into());
        }
        let change = VisitorChange {
            name: Some(rules::clip(&req.name, rules::MAX_NAME_CHARS)).filter(|n| !n.is_empty()),
            email: Some(email).filter(|e| !e.is_empty()),
            last_seen_at: Some(now_ms()),
            online: Some(true),
            ..VisitorChange::default()
        };
        let (row, events) = self
            .state
            .store
            .identify_visitor(&visitor.workspace_id, &visitor.visitor_id, &external_id, change, now_ms())
            .await?
            .ok_or(Error::NotFound("visitor"))?;
        chat::publish(&self.state, events).await;
        let identified = Visitor { visitor_id: row.id.clone(), ..visitor };
        Ok(Response::new(pb::IdentifyVisitorResponse {
            visitor_token: self.token_for(&identified)?,
            visitor: Some(convert::visitor(&row)),
        }))
    }

    async fn record_page_view(
        &self,
        request: Request<pb::RecordPageViewRequest>,
    ) -> Result<Response<pb::RecordPageViewResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        self.state.limits.check(Limit::PageViewsPerVisitor, &visitor.visitor_id).await?;
        let client = client(&request);
        let req = request.into_inner();
        if req.url.chars().count() > rules::MAX_URL_CHARS {
            return Err(Error::invalid("url", format!("must be at most {} characters", rules::MAX_URL_CHARS)).into());
        }
        let current = self.own_visitor(&visitor).await?;
        let view = PageView {
            url: req.url.trim().to_owned(),
            title: rules::clip(&req.title, rules::MAX_TITLE_CHARS),
            referrer: rules::clip(&req.referrer, rules::MAX_URL_CHARS),
        };
        let change = VisitorChange {
            current_url: Some(view.url.clone()),
            current_title: Some(view.title.clone()),
            // The referrer that brought the visitor to the site: the first page's.
            referrer: Some(view.referrer.clone()).filter(|_| current.page_views == 0),
            online: Some(true),
            last_seen_at: Some(now_ms()),
            ..client.address_change(&self.state.geo)
        };
        let _in_flight = self.state.pages_in_flight.enter(&visitor.visitor_id, &view.url);
        self.update(&visitor, change, Some(view)).await?;
        Ok(Response::new(pb::RecordPageViewResponse {}))
    }

    async fn heartbeat(
        &self,
        request: Request<pb::HeartbeatRequest>,
    ) -> Result<Response<pb::HeartbeatResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        self.state.limits.check(Limit::HeartbeatsPerVisitor, &visitor.visitor_id).await?;
        let url = rules::clip(&request.get_ref().url, rules::MAX_URL_CHARS);
        let now = now_ms();
        // Most heartbeats only say "still here": kept and written together (presence::Touches).
        let current = self.own_visitor(&visitor).await?;
        let touches = &self.state.touches;
        let seen = touches.pending(&visitor.visitor_id).unwrap_or(0).max(current.last_seen_at);
        let quiet = current.online
            && (url.is_empty()
                || url == current.current_url
                || self.state.pages_in_flight.holds(&visitor.visitor_id, &url))
            && rules::visit_start(current.visit_started_at, seen, now, self.state.store.visit_timeout_ms())
                == current.visit_started_at;
        if quiet && touches.touch(&visitor.visitor_id, now) {
            return Ok(Response::new(pb::HeartbeatResponse {}));
        }
        let change = VisitorChange {
            current_url: Some(url).filter(|u| !u.is_empty()),
            online: Some(true),
            last_seen_at: Some(now),
            ..VisitorChange::default()
        };
        self.update(&visitor, change, None).await?;
        Ok(Response::new(pb::HeartbeatResponse {}))
    }

    async fn start_conversation(
        &self,
        request: Request<pb::StartConversationRequest>,
    ) -> Result<Response<pb::StartConversationResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let widget = self.own_widget(&visitor).await?;
        let settings = convert::stored_settings(&widget);
        let row = self.own_visitor(&visitor).await?;
        let mut missing = Vec::new();
        if settings.behavior.pre_chat_name == PreChatField::Required && row.name.is_empty() {
            missing.push("name");
        }
        if settings.behavior.pre_chat_email == PreChatField::Required && row.email.is_empty() {
            missing.push("e-mail");
        }
        if !missing.is_empty() {
            return Err(Error::failed_precondition(format!(
                "this widget asks for the visitor's {} before chatting: call UpdateVisitor first",
                missing.join(" and ")
            ))
            .into());
        }
        // An id that is not an enabled page-visit rule of the workspace is ignored.
        let proactive = RuleId::parse(req.proactive_rule_id.trim()).ok();
        let (conversation, resumed) = self
            .open_conversation(&visitor, &req.source_url, &req.source_title, req.start_new, Some(proactive))
            .await?;
        Ok(Response::new(pb::StartConversationResponse { conversation: Some(conversation), resumed }))
    }

    async fn list_visitor_conversations(
        &self,
        request: Request<pb::ListVisitorConversationsRequest>,
    ) -> Result<Response<pb::ListVisitorConversationsResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let views = self.state.store.visitor_conversations(&visitor.workspace_id, &visitor.visitor_id).await?;
        Ok(Response::new(pb::ListVisitorConversationsResponse {
            conversations: views.iter().map(convert::visitor_conversation).collect(),
        }))
    }

    async fn list_messages(
        &self,
        request: Request<pb::ListMessagesRequest>,
    ) -> Result<Response<pb::ListMessagesResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let limit = page::MESSAGES.checked("page_size", req.page_size)?;
        self.state
            .store
            .conversation(&visitor.workspace_id, &conversation_id, Some(&visitor.visitor_id))
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        let (rows, has_more) = self.state.store.messages(&conversation_id, req.before_seq, limit, false).await?;
        Ok(Response::new(pb::ListMessagesResponse {
            messages: rows.iter().map(|m| convert::message(m, &self.state.signer)).collect(),
            has_more,
        }))
    }

    async fn send_message(
        &self,
        request: Request<pb::SendMessageRequest>,
    ) -> Result<Response<pb::SendMessageResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        self.state.limits.check(Limit::MessagesPerVisitor, &visitor.visitor_id).await?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let message = chat::send(
            &self.state,
            MessageToSend {
                workspace_id: visitor.workspace_id,
                conversation_id: conversation_id.clone(),
                visitor_id: Some(visitor.visitor_id.clone()),
                sender: Sender::Visitor,
                sender_id: visitor.visitor_id.into_string(),
                sender_name: None,
                body: req.body,
                internal: false,
                attachment_ids: req.attachment_ids,
                client_key: req.client_key,
                message_id: MessageId::new(),
                now: now_ms(),
                notify: Vec::new(),
                while_bot: false,
                citations: Vec::new(),
                quick_replies: Vec::new(),
            },
        )
        .await?;
        Ok(Response::new(pb::SendMessageResponse { message: Some(message) }))
    }

    async fn set_typing(
        &self,
        request: Request<pb::SetTypingRequest>,
    ) -> Result<Response<pb::SetTypingResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        self.state
            .store
            .conversation(&visitor.workspace_id, &conversation_id, Some(&visitor.visitor_id))
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        let row = self.own_visitor(&visitor).await?;
        self.state
            .bus
            .publish(BusMessage::Typing(Typing {
                workspace_id: visitor.workspace_id,
                conversation_id: conversation_id.clone(),
                visitor_id: visitor.visitor_id.clone(),
                sender_type: Sender::Visitor,
                sender_id: visitor.visitor_id.into_string(),
                name: row.name,
                typing: req.typing,
                internal: false,
                draft: String::new(),
            }))
            .await;
        Ok(Response::new(pb::SetTypingResponse {}))
    }

    async fn mark_read(&self, request: Request<pb::MarkReadRequest>) -> Result<Response<pb::MarkReadResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        chat::conversation_changed(
            &self.state,
            self.state.store.mark_read_by_visitor(mine(&visitor, &conversation_id), req.seq, now_ms()).await?,
        )
        .await?;
        Ok(Response::new(pb::MarkReadResponse {}))
    }

    async fn upload_attachment(
        &self,
        request: Request<pb::UploadAttachmentRequest>,
    ) -> Result<Response<pb::UploadAttachmentResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let kib = u32::try_from(req.data.len().div_ceil(1024)).unwrap_or(u32::MAX);
        self.state.limits.check_n(Limit::UploadKibPerVisitor, &visitor.visitor_id, kib).await?;
        self.state
            .store
            .conversation(&visitor.workspace_id, &conversation_id, Some(&visitor.visitor_id))
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        let attachment = chat::upload(
            &self.state,
            &visitor.workspace_id,
            &conversation_id,
            &visitor.visitor_id,
            &req.file_name,
            &req.data,
        )
        .await?;
        Ok(Response::new(pb::UploadAttachmentResponse { attachment: Some(attachment) }))
    }

    async fn rate_conversation(
        &self,
        request: Request<pb::RateConversationRequest>,
    ) -> Result<Response<pb::RateConversationResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let mut v = Violations::default();
        if !(1..=5).contains(&req.rating) {
            v.add("rating", "must be from 1 to 5");
        }
        if req.comment.chars().count() > conversation_rules::MAX_RATING_COMMENT_CHARS {
            v.add("comment", format!("must be at most {} characters", conversation_rules::MAX_RATING_COMMENT_CHARS));
        }
        v.into_result(())?;
        let view = chat::conversation_changed(
            &self.state,
            self.state
                .store
                .rate_conversation(mine(&visitor, &conversation_id), req.rating, req.comment.trim(), now_ms())
                .await?,
        )
        .await?;
        Ok(Response::new(pb::RateConversationResponse { conversation: Some(convert::visitor_conversation(&view)) }))
    }

    async fn request_human(
        &self,
        request: Request<pb::RequestHumanRequest>,
    ) -> Result<Response<pb::RequestHumanResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let conversation_id = ConversationId::parse(&request.get_ref().conversation_id)?;
        let outcome = bot::hand_over_on_request(&self.state, mine(&visitor, &conversation_id)).await?;
        let view = chat::conversation_changed(&self.state, outcome).await?;
        Ok(Response::new(pb::RequestHumanResponse { conversation: Some(convert::visitor_conversation(&view)) }))
    }

    async fn submit_offline_message(
        &self,
        request: Request<pb::SubmitOfflineMessageRequest>,
    ) -> Result<Response<pb::SubmitOfflineMessageResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        self.state.limits.check(Limit::MessagesPerVisitor, &visitor.visitor_id).await?;
        let req = request.into_inner();
        let mut v = Violations::default();
        // Without e-mail on this server the answer can only come here, so an address is
        // optional; given, it must be valid.
        let email = if req.email.trim().is_empty() && self.state.mailer.is_none() {
            None
        } else {
            Some(account::normalize_email("email", &req.email, &mut v))
        };
        let message = req.message.trim().to_owned();
        if message.is_empty() || message.chars().count() > conversation_rules::MAX_BODY_CHARS {
            v.add("message", format!("must be 1 to {} characters", conversation_rules::MAX_BODY_CHARS));
        }
        let name = rules::clip(&req.name, rules::MAX_NAME_CHARS);
        v.into_result(())?;
        self.own_widget(&visitor).await?;
        let change = VisitorChange {
            name: Some(name.clone()).filter(|n| !n.is_empty()),
            email,
            last_seen_at: Some(now_ms()),
            ..VisitorChange::default()
        };
        let row = self.update(&visitor, change, None).await?;
        // A message left for later needs no opening.
        let (conversation, _) =
            self.open_conversation(&visitor, &row.current_url, &row.current_title, false, None).await?;
        // Just made (or found) by us.
        let conversation_id = ConversationId::from_stored(conversation.id);
        self.state.store.mark_left_offline(&visitor.workspace_id, &conversation_id).await?;
        let offline = notify::Offline {
            workspace_id: &visitor.workspace_id,
            conversation_id: &conversation_id,
            visitor_name: &row.name,
            visitor_email: &row.email,
            body: &message,
        };
        let notify = notify::offline_message(&self.state, &offline).await?;
        chat::send(
            &self.state,
            MessageToSend {
                workspace_id: visitor.workspace_id.clone(),
                conversation_id: conversation_id.clone(),
                visitor_id: Some(visitor.visitor_id.clone()),
                sender: Sender::Visitor,
                sender_id: visitor.visitor_id.to_string(),
                sender_name: None,
                body: message,
                internal: false,
                attachment_ids: Vec::new(),
                client_key: ids::unique("offline"),
                message_id: MessageId::new(),
                now: now_ms(),
                notify,
                while_bot: false,
                citations: Vec::new(),
                quick_replies: Vec::new(),
            },
        )
        .await?;
        let view = self
            .state
            .store
            .conversation(&visitor.workspace_id, &conversation_id, Some(&visitor.visitor_id))
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        Ok(Response::new(pb::SubmitOfflineMessageResponse { conversation: Some(convert::visitor_conversation(&view)) }))
    }

    async fn email_transcript(
        &self,
        request: Request<pb::EmailTranscriptRequest>,
    ) -> Result<Response<pb::EmailTranscriptResponse>, Status> {
        let visitor = auth::visitor(&request)?;
        let ip = super::peer_ip(&request);
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let mut v = Violations::default();
        let email = account::normalize_email("email", &req.email, &mut v);
        v.into_result(())?;
        if self.state.mailer.is_none() {
            return Err(Error::failed_precondition("this chat cannot send e-mail").into());
        }
        let transcript = self
            .state
            .store
            .transcript(&visitor.workspace_id, Some(&visitor.visitor_id), &conversation_id)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        // Only a real chat is mailed: someone on our side wrote in it.
        if !transcript.lines.iter().any(|l| matches!(l.sender_type, Sender::Agent | Sender::Bot)) {
            return Err(Error::failed_precondition(
                "nothing to send yet: a transcript can be sent once someone has answered",
            )
            .into());
        }
        self.state.limits.check(Limit::TranscriptsPerVisitor, &visitor.visitor_id).await?;
        self.state.limits.check(Limit::TranscriptsPerIp, &ip).await?;
        let row = self.state.store.visitor(&visitor.workspace_id, &visitor.visitor_id).await?;
        if row.is_some_and(|r| r.email.is_empty()) {
            let change = VisitorChange { email: Some(email.clone()), ..VisitorChange::default() };
            self.update(&visitor, change, None).await?;
        }
        let job = NewJob {
            workspace_id: Some(visitor.workspace_id.clone()),
            summary: format!("Transcript to {email}"),
            job: Job::Email(mail::transcript(&email, &transcript)),
            delay: std::time::Duration::ZERO,
        };
        self.state.store.enqueue_job(&job, now_ms()).await?;
        self.state.jobs.job_written();
        Ok(Response::new(pb::EmailTranscriptResponse {}))
    }

    type WatchVisitorFeedStream = FeedStream;

    async fn watch_visitor_feed(
        &self,
        request: Request<pb::WatchVisitorFeedRequest>,
    ) -> Result<Response<Self::WatchVisitorFeedStream>, Status> {
        let visitor = auth::visitor(&request)?;
        let cursor = feed::parse_cursor(&request.get_ref().cursor)?;
        let signer = self.state.signer.clone();
        let audience = Audience::Visitor(visitor.visitor_id.clone());
        let grant = Grant::Widget { widget_id: visitor.widget_id.clone() };
        let rx = feed::watch(
            self.state.feed_source(),
            visitor.workspace_id,
            audience,
            Some(grant),
            cursor,
            move |item, cursor| {
                let event = match item {
                    FeedItem::Heartbeat => {
                        pb::watch_visitor_feed_response::Event::Heartbeat(pb::VisitorFeedHeartbeat {})
                    }
                    FeedItem::Message(message) => convert::visitor_event(message, &signer)?,
                };
                Some(pb::WatchVisitorFeedResponse { cursor: cursor.to_string(), event: Some(event) })
            },
        )
        .await?;
        Ok(Response::new(Box::pin(rx)))
    }
}
