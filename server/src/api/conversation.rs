//! ConversationService: the agents' inbox, conversation actions, messages and the live
//! workspace feed.

use crate::domain::id::{ConversationId, MessageId, TeamId, UserId, VisitorId, WidgetId};
use std::pin::Pin;
use std::sync::Arc;

use futures_util::Stream;
use porthole_proto::v1 as pb;
use porthole_proto::v1::conversation_service_server::ConversationService;
use tonic::{Request, Response, Status};

use super::{chat, convert, notify};
use crate::AppState;
use crate::auth::{self, Agent};
use crate::domain::Violations;
use crate::domain::conversation::{self as rules, MessageToSend, Sender};
use crate::domain::page;
use crate::domain::routing::Responder;
use crate::error::Error;
use crate::realtime::event::{BusMessage, Typing};
use crate::realtime::feed::{self, Audience, FeedItem, Grant};
use crate::realtime::presence;
use crate::store::conversations::{ChangeOutcome, Continue, ConversationRef, ListFilter};
use crate::store::now_ms;

/// A conversation of the agent's workspace.
fn target<'a>(agent: &'a Agent, conversation_id: &'a ConversationId) -> ConversationRef<'a> {
    ConversationRef { workspace_id: &agent.workspace_id, conversation_id, visitor_id: None, by: Some(&agent.user_id) }
}

/// The ConversationService implementation.
pub struct ConversationApi {
    state: Arc<AppState>,
}

impl ConversationApi {
    /// The calling agent's id and display name, as their messages are signed.
    async fn author(&self, agent: &Agent) -> Result<(String, String), Error> {
        // `sender_id` names a member or a visitor, so messages keep it as text.
        let (user, _, _) = self
            .state
            .store
            .membership(&agent.workspace_id, &agent.user_id)
            .await?
            .ok_or(Error::NotFound("membership"))?;
        Ok((user.id.into_string(), user.display_name))
    }

    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// Publishes a change's outcome and answers with the conversation after it.
    async fn changed(&self, outcome: ChangeOutcome) -> Result<pb::Conversation, Error> {
        let view = chat::conversation_changed(&self.state, outcome).await?;
        Ok(convert::conversation(&view))
    }

    /// The conversation must exist in the caller's workspace.
    async fn require_conversation(&self, agent: &Agent, conversation_id: &ConversationId) -> Result<VisitorId, Error> {
        let view = self
            .state
            .store
            .conversation(&agent.workspace_id, conversation_id, None)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        Ok(view.conversation.visitor_id)
    }
}

type FeedStream = Pin<Box<dyn Stream<Item = Result<pb::WatchWorkspaceResponse, Status>> + Send>>;

#[tonic::async_trait]
impl ConversationService for ConversationApi {
    async fn list_conversations(
        &self,
        request: Request<pb::ListConversationsRequest>,
    ) -> Result<Response<pb::ListConversationsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let mut statuses = Vec::new();
        for value in &req.statuses {
            match convert::status_from_proto(*value) {
                Some(status) => statuses.push(status),
                None => v.add("statuses", "must list known statuses only"),
            }
        }
        let assignee = match pb::AssigneeFilter::try_from(req.assignee) {
            Ok(pb::AssigneeFilter::Mine) => Some(Some(agent.user_id.clone())),
            Ok(pb::AssigneeFilter::Unassigned) => Some(None),
            Ok(pb::AssigneeFilter::All | pb::AssigneeFilter::Unspecified) => None,
            Err(_) => {
                v.add("assignee", "unknown assignee filter");
                None
            }
        };
        let priority = if req.priority == 0 { None } else { convert::priority_from_proto(req.priority) };
        if req.priority != 0 && priority.is_none() {
            v.add("priority", "unknown priority");
        }
        let query = req.query.trim().to_lowercase();
        if query.chars().count() > rules::MAX_SEARCH_CHARS {
            v.add("query", format!("must be at most {} characters", rules::MAX_SEARCH_CHARS));
        }
        let widget_id = match req.widget_id.as_str() {
            "" => None,
            id => WidgetId::parse(id).inspect_err(|_| v.add("widget_id", "must be a widget's id (wgt_…)")).ok(),
        };
        let team_id = match req.team_id.trim() {
            "" => None,
            id => match TeamId::parse(id) {
                Ok(team) if self.state.store.team_exists(&agent.workspace_id, &team).await? => Some(team),
                _ => {
                    v.add("team_id", "no team of this workspace has this id");
                    None
                }
            },
        };
        let limit = page::CONVERSATIONS.parse("page_size", req.page_size, &mut v);
        let before = page::after("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let filter = ListFilter {
            statuses,
            assignee,
            priority,
            widget_id,
            team_id,
            query: Some(query).filter(|q| !q.is_empty()),
            before,
            limit,
        };
        let views = self.state.store.list_conversations(&agent.workspace_id, &filter).await?;
        let next_page_token = match views.last() {
            Some(last) if views.len() as i64 == limit => {
                page::token(last.conversation.last_message_at, &last.conversation.id)
            }
            _ => String::new(),
        };
        Ok(Response::new(pb::ListConversationsResponse {
            conversations: views.iter().map(convert::conversation).collect(),
            next_page_token,
        }))
    }

    async fn get_conversation(
        &self,
        request: Request<pb::GetConversationRequest>,
    ) -> Result<Response<pb::GetConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        let id = &ConversationId::parse(&request.get_ref().conversation_id)?;
        let view = self
            .state
            .store
            .conversation(&agent.workspace_id, id, None)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        let visitor = self.state.store.visitor(&agent.workspace_id, &view.conversation.visitor_id).await?;
        Ok(Response::new(pb::GetConversationResponse {
            conversation: Some(convert::conversation(&view)),
            visitor: visitor.as_ref().map(convert::visitor_profile),
        }))
    }

    async fn assign_conversation(
        &self,
        request: Request<pb::AssignConversationRequest>,
    ) -> Result<Response<pb::AssignConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let assignee = match req.assignee_user_id.as_str() {
            "" => None,
            id => Some(UserId::parse(id).map_err(|_| Error::NotFound("assignee (not a member of this workspace)"))?),
        };
        let conversation = self
            .changed(self.state.store.assign_conversation(target(&agent, &conversation_id), assignee, now_ms()).await?)
            .await?;
        Ok(Response::new(pb::AssignConversationResponse { conversation: Some(conversation) }))
    }

    async fn set_conversation_team(
        &self,
        request: Request<pb::SetConversationTeamRequest>,
    ) -> Result<Response<pb::SetConversationTeamResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let team_id = match req.team_id.trim() {
            "" => None,
            id => Some(TeamId::parse(id)?),
        };
        let outcome =
            self.state.store.set_conversation_team(target(&agent, &conversation_id), team_id, now_ms()).await?;
        // The store's "no such assignee" is "no such team" here.
        if matches!(outcome, ChangeOutcome::NoSuchAssignee) {
            return Err(Error::NotFound("team").into());
        }
        let conversation = self.changed(outcome).await?;
        Ok(Response::new(pb::SetConversationTeamResponse { conversation: Some(conversation) }))
    }

    async fn set_conversation_priority(
        &self,
        request: Request<pb::SetConversationPriorityRequest>,
    ) -> Result<Response<pb::SetConversationPriorityResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let priority = convert::priority_from_proto(req.priority)
            .ok_or_else(|| Error::invalid("priority", "must be low, normal, high or urgent"))?;
        let conversation = self
            .changed(
                self.state
                    .store
                    .set_conversation_priority(target(&agent, &conversation_id), priority, now_ms())
                    .await?,
            )
            .await?;
        Ok(Response::new(pb::SetConversationPriorityResponse { conversation: Some(conversation) }))
    }

    async fn set_conversation_tags(
        &self,
        request: Request<pb::SetConversationTagsRequest>,
    ) -> Result<Response<pb::SetConversationTagsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let mut v = Violations::default();
        let tags = rules::tags(&req.tags, &mut v);
        v.into_result(())?;
        let conversation = self
            .changed(self.state.store.set_conversation_tags(target(&agent, &conversation_id), &tags, now_ms()).await?)
            .await?;
        Ok(Response::new(pb::SetConversationTagsResponse { conversation: Some(conversation) }))
    }

    async fn resolve_conversation(
        &self,
        request: Request<pb::ResolveConversationRequest>,
    ) -> Result<Response<pb::ResolveConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        let conversation = self
            .changed(
                self.state
                    .store
                    .resolve_conversation(
                        target(&agent, &ConversationId::parse(&request.get_ref().conversation_id)?),
                        now_ms(),
                    )
                    .await?,
            )
            .await?;
        Ok(Response::new(pb::ResolveConversationResponse { conversation: Some(conversation) }))
    }

    async fn close_conversation(
        &self,
        request: Request<pb::CloseConversationRequest>,
    ) -> Result<Response<pb::CloseConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        let conversation = self
            .changed(
                self.state
                    .store
                    .close_conversation(
                        target(&agent, &ConversationId::parse(&request.get_ref().conversation_id)?),
                        now_ms(),
                    )
                    .await?,
            )
            .await?;
        Ok(Response::new(pb::CloseConversationResponse { conversation: Some(conversation) }))
    }

    async fn reopen_conversation(
        &self,
        request: Request<pb::ReopenConversationRequest>,
    ) -> Result<Response<pb::ReopenConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        let conversation = self
            .changed(
                self.state
                    .store
                    .reopen_conversation(
                        target(&agent, &ConversationId::parse(&request.get_ref().conversation_id)?),
                        now_ms(),
                    )
                    .await?,
            )
            .await?;
        Ok(Response::new(pb::ReopenConversationResponse { conversation: Some(conversation) }))
    }

    async fn list_conversation_messages(
        &self,
        request: Request<pb::ListConversationMessagesRequest>,
    ) -> Result<Response<pb::ListConversationMessagesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let limit = page::MESSAGES.checked("page_size", req.page_size)?;
        self.require_conversation(&agent, &conversation_id).await?;
        let (rows, has_more) = self.state.store.messages(&conversation_id, req.before_seq, limit, true).await?;
        Ok(Response::new(pb::ListConversationMessagesResponse {
            messages: rows.iter().map(|m| convert::message(m, &self.state.signer)).collect(),
            has_more,
        }))
    }

    async fn send_conversation_message(
        &self,
        request: Request<pb::SendConversationMessageRequest>,
    ) -> Result<Response<pb::SendConversationMessageResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let sender = match pb::SenderType::try_from(req.sender_type) {
            Ok(pb::SenderType::Unspecified | pb::SenderType::Agent) => Sender::Agent,
            Ok(pb::SenderType::Bot) => Sender::Bot,
            Ok(pb::SenderType::System) => Sender::System,
            Ok(pb::SenderType::Visitor) | Err(_) => {
                return Err(Error::invalid("sender_type", "must be agent, bot or system").into());
            }
        };
        let (sender_id, sender_name) = match sender {
            Sender::Agent => self.author(&agent).await?,
            Sender::Bot => (String::new(), "Bot".to_owned()),
            _ => (String::new(), String::new()),
        };
        let message_id = MessageId::new();
        let visible_reply = !req.internal && matches!(sender, Sender::Agent | Sender::Bot);
        let notify = if visible_reply && self.state.mailer.is_some() {
            notify::unread_reply(&self.state, &agent.workspace_id, &conversation_id, &message_id).await?
        } else {
            Vec::new()
        };
        let message = chat::send(
            &self.state,
            MessageToSend {
                workspace_id: agent.workspace_id,
                conversation_id: conversation_id.clone(),
                visitor_id: None,
                sender,
                sender_id,
                sender_name: Some(sender_name),
                body: req.body,
                internal: req.internal,
                attachment_ids: req.attachment_ids,
                client_key: req.client_key,
                message_id,
                now: now_ms(),
                notify,
                while_bot: false,
                citations: Vec::new(),
                quick_replies: Vec::new(),
            },
        )
        .await?;
        Ok(Response::new(pb::SendConversationMessageResponse { message: Some(message) }))
    }

    async fn set_agent_typing(
        &self,
        request: Request<pb::SetAgentTypingRequest>,
    ) -> Result<Response<pb::SetAgentTypingResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let visitor_id = self.require_conversation(&agent, &conversation_id).await?;
        let (user, _, _) = self
            .state
            .store
            .membership(&agent.workspace_id, &agent.user_id)
            .await?
            .ok_or(Error::NotFound("membership"))?;
        self.state
            .bus
            .publish(BusMessage::Typing(Typing {
                workspace_id: agent.workspace_id,
                conversation_id: conversation_id.clone(),
                visitor_id,
                sender_type: Sender::Agent,
                sender_id: user.id.into_string(),
                name: user.display_name,
                typing: req.typing,
                internal: req.internal,
                draft: String::new(),
            }))
            .await;
        Ok(Response::new(pb::SetAgentTypingResponse {}))
    }

    async fn mark_conversation_read(
        &self,
        request: Request<pb::MarkConversationReadRequest>,
    ) -> Result<Response<pb::MarkConversationReadResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        let outcome = self.state.store.mark_read_by_agents(target(&agent, &conversation_id), req.seq, now_ms()).await?;
        chat::conversation_changed(&self.state, outcome).await?;
        Ok(Response::new(pb::MarkConversationReadResponse {}))
    }

    async fn upload_conversation_attachment(
        &self,
        request: Request<pb::UploadConversationAttachmentRequest>,
    ) -> Result<Response<pb::UploadConversationAttachmentResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let conversation_id = ConversationId::parse(&req.conversation_id)?;
        self.require_conversation(&agent, &conversation_id).await?;
        let attachment =
            chat::upload(&self.state, &agent.workspace_id, &conversation_id, &agent.user_id, &req.file_name, &req.data)
                .await?;
        Ok(Response::new(pb::UploadConversationAttachmentResponse { attachment: Some(attachment) }))
    }

    type WatchWorkspaceStream = FeedStream;

    async fn watch_workspace(
        &self,
        request: Request<pb::WatchWorkspaceRequest>,
    ) -> Result<Response<Self::WatchWorkspaceStream>, Status> {
        let agent = auth::agent(&request)?;
        let cursor = feed::parse_cursor(&request.get_ref().cursor)?;
        let signer = self.state.signer.clone();
        let audience = Audience::Agent(agent.user_id.clone());
        let grant = Grant::Member { user_id: agent.user_id.clone(), session_id: agent.session_id.clone() };
        let rx = feed::watch(
            self.state.feed_source(),
            agent.workspace_id,
            audience,
            Some(grant),
            cursor,
            move |item, cursor| {
                let event = match item {
                    FeedItem::Heartbeat => {
                        pb::watch_workspace_response::Event::Heartbeat(pb::WorkspaceFeedHeartbeat {})
                    }
                    FeedItem::Message(message) => convert::workspace_event(message, &signer)?,
                };
                Some(pb::WatchWorkspaceResponse { cursor: cursor.to_string(), event: Some(event) })
            },
        )
        .await?;
        Ok(Response::new(Box::pin(rx)))
    }

    async fn export_visitor_data(
        &self,
        request: Request<pb::ExportVisitorDataRequest>,
    ) -> Result<Response<pb::ExportVisitorDataResponse>, Status> {
        let agent = auth::agent(&request)?;
        Ok(Response::new(super::privacy::export(&self.state, &agent, &request.get_ref().visitor_id).await?))
    }

    async fn erase_visitor(
        &self,
        request: Request<pb::EraseVisitorRequest>,
    ) -> Result<Response<pb::EraseVisitorResponse>, Status> {
        let agent = auth::agent(&request)?;
        Ok(Response::new(super::privacy::erase(&self.state, &agent, &request.get_ref().visitor_id).await?))
    }

    async fn list_live_visitors(
        &self,
        request: Request<pb::ListLiveVisitorsRequest>,
    ) -> Result<Response<pb::ListLiveVisitorsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let limit = page::LIVE_VISITORS.checked("page_size", req.page_size)?;
        let since = now_ms() - presence::OFFLINE_AFTER_MS;
        let rows = self.state.store.recent_visitors(&agent.workspace_id, since, limit).await?;
        let visitors = rows
            .iter()
            .filter(|row| req.widget_id.is_empty() || row.widget_id.as_str() == req.widget_id)
            .map(convert::visitor_profile)
            .collect();
        Ok(Response::new(pb::ListLiveVisitorsResponse { visitors }))
    }

    async fn list_visitor_page_views(
        &self,
        request: Request<pb::ListVisitorPageViewsRequest>,
    ) -> Result<Response<pb::ListVisitorPageViewsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let visitor_id = req.visitor_id.trim();
        if visitor_id.is_empty() {
            v.add("visitor_id", "must not be empty: pass a visitor's id (vis_…)");
        }
        let limit = page::PAGE_VIEWS.parse("page_size", req.page_size, &mut v);
        let before = page::after("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let visitor_id = &VisitorId::parse(visitor_id)?;
        self.state.store.visitor(&agent.workspace_id, visitor_id).await?.ok_or(Error::NotFound("visitor"))?;
        // One more than asked tells whether an older page exists.
        let mut rows = self.state.store.page_views(&agent.workspace_id, visitor_id, before, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        let next_page_token = match rows.last() {
            Some(last) if more => page::token(last.viewed_at, last.id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListVisitorPageViewsResponse {
            page_views: rows.iter().map(convert::page_view).collect(),
            next_page_token,
        }))
    }

    async fn start_visitor_conversation(
        &self,
        request: Request<pb::StartVisitorConversationRequest>,
    ) -> Result<Response<pb::StartVisitorConversationResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let visitor_id = VisitorId::parse(&req.visitor_id)?;
        let (sender_id, sender_name) = self.author(&agent).await?;
        let mut outgoing = MessageToSend {
            workspace_id: agent.workspace_id.clone(),
            // Set once the conversation exists: the message is checked before it is made.
            conversation_id: ConversationId::from_stored(String::new()),
            visitor_id: None,
            sender: Sender::Agent,
            sender_id,
            sender_name: Some(sender_name),
            body: req.body,
            internal: false,
            attachment_ids: Vec::new(),
            client_key: req.client_key,
            message_id: MessageId::new(),
            now: now_ms(),
            notify: Vec::new(),
            while_bot: false,
            citations: Vec::new(),
            quick_replies: Vec::new(),
        };
        // Nothing is created for a message that would be refused.
        outgoing.check()?;
        let visitor =
            self.state.store.visitor(&agent.workspace_id, &visitor_id).await?.ok_or(Error::NotFound("visitor"))?;
        let row = chat::conversation_row(chat::NewConversation {
            workspace_id: &agent.workspace_id,
            widget_id: &visitor.widget_id,
            visitor_id: &visitor.id,
            source_url: &visitor.current_url,
            source_title: &visitor.current_title,
            responder: Responder::Agents,
            assignee_user_id: Some(agent.user_id.clone()),
            team_id: None,
            now: now_ms(),
        });
        // The visitor's quiet period applies to an agent reaching out too: a conversation
        // resolved long ago is not reopened under its old rating.
        let reopen_within_ms = match self.state.store.widget(&agent.workspace_id, &visitor.widget_id).await? {
            Some(widget) => convert::stored_settings(&widget).behavior.reopen_within_ms(),
            None => 0,
        };
        let lifecycle = Continue { reopen_within_ms, start_new: false };
        let (view, resumed, events) = self.state.store.start_conversation(row, lifecycle).await?;
        chat::publish(&self.state, events).await;
        outgoing.conversation_id = view.conversation.id.clone();
        let message = chat::send(&self.state, outgoing).await?;
        let view = self
            .state
            .store
            .conversation(&agent.workspace_id, &view.conversation.id, None)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        Ok(Response::new(pb::StartVisitorConversationResponse {
            conversation: Some(convert::conversation(&view)),
            message: Some(message),
            resumed,
        }))
    }
}
