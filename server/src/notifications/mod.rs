//! Telling members what happened while they are away: the notifier that turns logged events
//! into e-mail and push jobs by each member's settings, and Web Push itself ([`push`]).
//!
//! Like webhooks, notices come from the event log: a cursor per workspace
//! (`workspaces.notified_seq`) moves past a batch of events in the transaction that writes
//! their jobs, so each event is announced once whatever the replicas do. A member with a
//! dashboard open sees events there (sound and desktop notifications, per the same
//! settings) and gets no e-mail or push for them.
//!
//! Offline messages are e-mailed when they are sent (`api::notify`), with the message.

pub mod push;

use crate::domain::id::{ConversationId, MessageId, UserId, WorkspaceId};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::AppState;
use crate::domain::conversation::{Sender, preview};
use crate::domain::notification::{Channel, Notice};
use crate::jobs::{Job, NewJob, mail};
use crate::realtime::event::{Event, EventBody};
use crate::store::StoreError;
use crate::store::events::EventFilter;
use crate::store::now_ms;
use push::PushNote;

/// Events read per workspace per pass.
const BATCH: i64 = 200;

/// This process's notifier wake-up and push identity.
pub struct Notifier {
    pub pusher: push::Pusher,
    wake: Notify,
}

impl Notifier {
    pub fn new(pusher: push::Pusher) -> Self {
        Self { pusher, wake: Notify::new() }
    }

    /// Tells the notifier that events were logged.
    pub fn events_logged(&self) {
        self.wake.notify_one();
    }
}

/// Announces logged events until shutdown.
pub async fn run(state: Arc<AppState>) {
    let shutdown = state.shutdown.clone();
    let lag = (&*state.metrics, &state.metrics.notifications_follower);
    crate::realtime::follower::follow("notifying members", &state.notifier.wake, shutdown, lag, || pass(&state)).await;
}

async fn pass(state: &AppState) -> Result<bool, StoreError> {
    let mut progress = false;
    for (workspace_id, from) in state.store.workspaces_to_notify().await? {
        let events = state.store.events_after(&workspace_id, &EventFilter::Workspace, from, None, BATCH).await?;
        let Some(to) = events.last().map(|e| e.seq) else { continue };
        let jobs = plan(state, &workspace_id, &events).await?;
        if state.store.notified(&workspace_id, from, to, &jobs, now_ms()).await? {
            progress = true;
            if !jobs.is_empty() {
                state.jobs.job_written();
            }
        }
    }
    Ok(progress)
}

/// One notice for one member.
struct Planned {
    user_id: UserId,
    notice: Notice,
    conversation_id: ConversationId,
    visitor: String,
    /// The message that caused it (new conversation, visitor message) or the
    /// conversation's last one (assignment).
    text: String,
    /// The visitor's message it announces; `None` for an assignment.
    message_id: Option<MessageId>,
    transfer: bool,
}

/// The jobs announcing `events`: who is told of what, by which channel.
async fn plan(state: &AppState, workspace_id: &WorkspaceId, events: &[Event]) -> Result<Vec<NewJob>, StoreError> {
    // Visitor messages need their conversation's assignee: read them once per batch.
    let visitor_messages: Vec<&crate::realtime::payload::Message> = events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::MessageCreated { message } if message.sender_type == Sender::Visitor && !message.internal => {
                Some(message)
            }
            _ => None,
        })
        .collect();
    let assignments = events.iter().any(|e| matches!(e.body, EventBody::AssignmentNotice { .. }));
    if visitor_messages.is_empty() && !assignments {
        return Ok(Vec::new());
    }
    // Nobody to tell by any channel of ours (no SMTP, no browser registered): spare the
    // reads (measured: they cost ~3 % of SQLite ingest).
    let subscriptions = state.store.push_subscriptions_by_member(workspace_id).await?;
    if state.mailer.is_none() && subscriptions.is_empty() {
        return Ok(Vec::new());
    }
    let conversation_ids: Vec<ConversationId> = visitor_messages.iter().map(|m| m.conversation_id.clone()).collect();
    let assignees = state.store.assignees(workspace_id, &conversation_ids).await?;
    let members = state.store.workload(workspace_id, now_ms()).await?.members;
    let everyone: Vec<UserId> = members.iter().map(|m| m.user_id.clone()).collect();

    let mut planned = Vec::new();
    for event in events {
        match &event.body {
            // Routing often assigns a conversation before its first message: that message
            // will tell the assignee (as an assignment), with something to read.
            EventBody::AssignmentNotice { conversation, .. } if conversation.conversation.visitor_last_seq == 0 => {}
            EventBody::AssignmentNotice { conversation, recipient, transfer } => planned.push(Planned {
                user_id: recipient.clone(),
                notice: Notice::Assigned,
                conversation_id: conversation.conversation.id.clone(),
                visitor: visitor_label(&conversation.visitor_name),
                text: conversation.conversation.last_message_preview.clone(),
                message_id: None,
                transfer: *transfer,
            }),
            EventBody::MessageCreated { message } if message.sender_type == Sender::Visitor && !message.internal => {
                let found = assignees.get(&message.conversation_id);
                let assignee = found.and_then(|a| a.user_id.clone());
                let to: Vec<(UserId, Notice)> = if found.and_then(|a| a.first_message_seq) == Some(message.seq) {
                    // Everyone hears of a new conversation; its assignee, that it is theirs.
                    everyone
                        .iter()
                        .map(|user| {
                            let mine = assignee.as_ref() == Some(user);
                            (user.clone(), if mine { Notice::Assigned } else { Notice::NewConversation })
                        })
                        .collect()
                } else {
                    match assignee {
                        Some(assignee) => vec![(assignee, Notice::VisitorMessage)],
                        None => continue,
                    }
                };
                for (user_id, notice) in to {
                    planned.push(Planned {
                        user_id,
                        notice,
                        conversation_id: message.conversation_id.clone(),
                        visitor: visitor_label(&message.sender_name),
                        text: message.body.clone(),
                        message_id: Some(message.id.clone()),
                        transfer: false,
                    });
                }
            }
            _ => {}
        }
    }
    if planned.is_empty() {
        return Ok(Vec::new());
    }

    let settings = state.store.notification_settings(workspace_id).await?;
    let looking = state.store.members_looking(workspace_id, now_ms()).await?;
    let workspace = state.store.workspace(workspace_id).await?.map(|w| w.name).unwrap_or_default();
    let emails: HashMap<&str, &str> = members.iter().map(|m| (m.user_id.as_str(), m.email.as_str())).collect();
    let base = state.public_url.trim_end_matches('/');
    let settings_link = format!("{base}/app/settings/notifications");

    let mut jobs = Vec::new();
    // One notice per member and conversation per batch: an assignment at the start of a
    // conversation says it all; a burst of messages makes one push.
    let mut told: HashSet<(UserId, ConversationId)> = HashSet::new();
    for p in planned {
        if looking.contains(&p.user_id) || !told.insert((p.user_id.clone(), p.conversation_id.clone())) {
            continue;
        }
        let Some(email) = emails.get(p.user_id.as_str()) else { continue }; // no longer a member
        let member = settings.of(&p.user_id);
        let path = format!("/app/inbox/{}", p.conversation_id);
        if member.on(p.notice, Channel::Push) {
            let note = push_note(&p, &path);
            for subscription_id in subscriptions.get(&p.user_id).into_iter().flatten() {
                jobs.push(NewJob {
                    workspace_id: Some(workspace_id.to_owned()),
                    summary: format!("Push to {email}: {}", note.title),
                    job: Job::Push { subscription_id: subscription_id.clone(), note: note.clone() },
                    delay: Duration::ZERO,
                });
            }
        }
        if state.mailer.is_none() || !member.on(p.notice, Channel::Email) {
            continue;
        }
        let link = format!("{base}{path}");
        let notice = mail::MemberNotice {
            workspace: &workspace,
            visitor: &p.visitor,
            link: &link,
            settings_link: &settings_link,
        };
        let (summary, job, delay) = match p.notice {
            Notice::NewConversation => (
                format!("New conversation, to {email}"),
                Job::Email(mail::new_conversation(email, &notice, &p.text)),
                Duration::ZERO,
            ),
            Notice::Assigned => (
                format!("Assignment, to {email}"),
                Job::Email(mail::assigned(email, &notice, p.transfer, &p.text)),
                Duration::ZERO,
            ),
            // Sent only if still unread by then (the job checks).
            Notice::VisitorMessage => {
                let Some(message_id) = p.message_id.clone() else { continue };
                (
                    format!("Unread visitor message, to {email}"),
                    Job::UnseenMessage {
                        workspace_id: workspace_id.clone(),
                        conversation_id: p.conversation_id.clone(),
                        message_id,
                        user_id: p.user_id.clone(),
                    },
                    state.config.unseen_message_delay,
                )
            }
            Notice::OfflineMessage => continue,
        };
        jobs.push(NewJob { workspace_id: Some(workspace_id.clone()), summary, job, delay });
    }
    Ok(jobs)
}

fn visitor_label(name: &str) -> String {
    // As the inbox names a visitor who gave no name.
    if name.trim().is_empty() { crate::store::conversations::VISITOR_FALLBACK_NAME.to_owned() } else { name.to_owned() }
}

fn push_note(p: &Planned, path: &str) -> PushNote {
    let title = match p.notice {
        Notice::NewConversation => format!("New conversation: {}", p.visitor),
        Notice::Assigned if p.transfer => format!("Transferred to you: {}", p.visitor),
        Notice::Assigned => format!("Assigned to you: {}", p.visitor),
        Notice::VisitorMessage | Notice::OfflineMessage => p.visitor.clone(),
    };
    PushNote {
        title,
        body: preview(&p.text, 0),
        url: path.to_owned(),
        tag: p.conversation_id.to_string(),
        urgent: p.notice == Notice::Assigned,
    }
}

/// The e-mail of visitor messages the assignee `user_id` has not read since message
/// `message_id`; `None` when there is nothing to send (read meanwhile, reassigned, or a
/// later message's job will send them all).
pub async fn unseen_email(
    state: &AppState,
    workspace_id: &WorkspaceId,
    conversation_id: &ConversationId,
    message_id: &MessageId,
    user_id: &UserId,
) -> Result<Option<mail::Email>, StoreError> {
    let Some(unseen) = state.store.unseen_visitor_messages(workspace_id, conversation_id).await? else {
        return Ok(None);
    };
    let last = unseen.messages.last().map(|m| m.message_id.as_str());
    if unseen.assignee_user_id.as_ref() != Some(user_id) || last != Some(message_id.as_str()) {
        return Ok(None);
    }
    let Some((user, _, _)) = state.store.membership(workspace_id, user_id).await? else { return Ok(None) };
    let base = state.public_url.trim_end_matches('/');
    let link = format!("{base}/app/inbox/{conversation_id}");
    let settings_link = format!("{base}/app/settings/notifications");
    let visitor = visitor_label(&unseen.visitor_name);
    let notice = mail::MemberNotice {
        workspace: &unseen.workspace_name,
        visitor: &visitor,
        link: &link,
        settings_link: &settings_link,
    };
    Ok(Some(mail::unseen_messages(&user.email, &notice, &unseen.messages)))
}
