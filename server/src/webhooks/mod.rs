//! Webhooks: the dispatcher that turns logged events into deliveries, and the attempt that
//! sends one (its retries are the job queue's).
//!
//! Deliveries come from the event log, not from each write path: an endpoint's cursor
//! follows its workspace's log, and the transaction that writes a batch of deliveries (each
//! with its job) moves the cursor past them (`store::webhooks`). So every logged event
//! reaches every endpoint subscribed to it once, whichever replica dispatches, a crash at any
//! point loses nothing (the log and the cursor are durable), and sends pay nothing for it.

pub mod client;
pub mod payload;

use crate::domain::id::{DeliveryId, EventId, WorkspaceId};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::AppState;
use crate::domain::account::Role;
use crate::domain::webhook::{DISABLE_AFTER_FAILED_IN_A_ROW, EventType};
use crate::jobs::{Job, NewJob, mail};
use crate::realtime::event::{Event, EventBody};
use crate::store::StoreError;
use crate::store::events::EventFilter;
use crate::store::models::{DeliveryRow, WebhookRow};
use crate::store::now_ms;
use crate::store::webhooks::{AfterAttempt, AttemptRecord, NewDelivery};
use payload::{Data, Envelope};

/// Events read per endpoint per pass.
const BATCH: i64 = 200;

/// This process's webhook sender and dispatcher wake-up.
pub struct Webhooks {
    pub sender: client::Sender,
    wake: Notify,
}

impl Webhooks {
    pub fn new(sender: client::Sender) -> Self {
        Self { sender, wake: Notify::new() }
    }

    /// Tells the dispatcher that events were logged.
    pub fn events_logged(&self) {
        self.wake.notify_one();
    }
}

/// Dispatches logged events to endpoints until shutdown.
pub async fn dispatch(state: Arc<AppState>) {
    let shutdown = state.shutdown.clone();
    let lag = (&*state.metrics, &state.metrics.webhooks_follower);
    crate::realtime::follower::follow("dispatching webhook events", &state.webhooks.wake, shutdown, lag, || {
        pass(&state)
    })
    .await;
}

/// One look at every endpoint behind its workspace's log; `true` when deliveries were
/// written or cursors moved (there may be more).
async fn pass(state: &AppState) -> Result<bool, StoreError> {
    let mut progress = false;
    for webhook in state.store.webhooks_behind().await? {
        let events = state
            .store
            .events_after(&webhook.workspace_id, &EventFilter::Workspace, webhook.event_cursor, None, BATCH)
            .await?;
        let Some(to) = events.last().map(|e| e.seq) else { continue };
        let subscribed: Vec<EventType> =
            webhook.event_type_names().iter().filter_map(|name| EventType::parse(name)).collect();
        let mut deliveries = Vec::new();
        for event in &events {
            if let Some(delivery) = delivery_of(state, &subscribed, event).await? {
                deliveries.push(delivery);
            }
        }
        if state.store.dispatch_webhook(&webhook, webhook.event_cursor, to, &deliveries, now_ms()).await? {
            progress = true;
            if !deliveries.is_empty() {
                state.jobs.job_written();
            }
        }
    }
    Ok(progress)
}

/// The delivery of `event` to an endpoint subscribed to `subscribed`, if it is one of them.
async fn delivery_of(
    state: &AppState,
    subscribed: &[EventType],
    event: &Event,
) -> Result<Option<NewDelivery>, StoreError> {
    let Some(event_type) = payload::event_type_of(event).filter(|t| subscribed.contains(t)) else {
        return Ok(None);
    };
    let (data, at) = match &event.body {
        EventBody::ConversationCreated { conversation } | EventBody::ConversationUpdated { conversation, .. } => {
            (payload::conversation(conversation, &state.public_url), conversation.conversation.updated_at)
        }
        EventBody::MessageCreated { message } => (payload::message(message), message.created_at),
        EventBody::VisitorChanged { visitor_id, changes } => {
            // The event carries what changed; receivers want who it is now.
            let Some(visitor) = state.store.visitor(&event.workspace_id, visitor_id).await? else {
                return Ok(None); // erased since
            };
            let data = Data::Visitor {
                visitor: payload::VisitorData {
                    id: visitor.id,
                    external_id: visitor.external_id.unwrap_or_default(),
                    verified: visitor.verified,
                    name: visitor.name,
                    email: visitor.email,
                },
            };
            (data, changes.last_seen_at.unwrap_or_else(now_ms))
        }
        _ => return Ok(None),
    };
    Ok(Some(new_delivery(event_type, &event.workspace_id, data, at)))
}

/// A delivery of a fresh event.
fn new_delivery(event_type: EventType, workspace_id: &WorkspaceId, data: Data, at: i64) -> NewDelivery {
    let envelope = Envelope {
        id: EventId::new(),
        event_type: event_type.as_str(),
        created_at: payload::time(at),
        workspace_id: workspace_id.to_owned(),
        data,
    };
    NewDelivery {
        id: DeliveryId::new(),
        event_type: event_type.as_str().to_owned(),
        // Serialising plain structs of strings and numbers cannot fail.
        payload: serde_json::to_string(&envelope).unwrap_or_default(),
    }
}

/// The `webhook.test` delivery of an endpoint.
pub fn test_delivery(webhook: &WebhookRow) -> NewDelivery {
    let data = Data::Test {
        webhook_id: webhook.id.clone(),
        message: "A test from Porthole: this endpoint receives and verifies deliveries.",
    };
    new_delivery(EventType::Test, &webhook.workspace_id, data, now_ms())
}

/// The same body again, as a new delivery.
pub fn redelivery(original: &DeliveryRow) -> NewDelivery {
    NewDelivery { id: DeliveryId::new(), event_type: original.event_type.clone(), payload: original.payload.clone() }
}

/// How an attempt of a delivery went.
#[derive(Debug)]
pub enum Attempted {
    /// The delivery or its endpoint is gone: nothing was sent.
    Gone,
    /// Not sent: the endpoint is disabled (tests are sent anyway).
    Disabled,
    Sent(client::Outcome),
}

/// Makes attempt `attempt` (1, 2, …) of delivery `id`.
pub async fn attempt(state: &AppState, id: &str, attempt: i32) -> Result<Attempted, StoreError> {
    let Some((delivery, webhook)) = state.store.delivery_to_attempt(id).await? else {
        return Ok(Attempted::Gone);
    };
    if !webhook.enabled && delivery.event_type != EventType::Test.as_str() {
        return Ok(Attempted::Disabled);
    }
    let request = client::Request {
        url: &webhook.url,
        secret: &webhook.secret,
        delivery_id: &delivery.id,
        event_type: &delivery.event_type,
        body: &delivery.payload,
        attempt,
    };
    Ok(Attempted::Sent(state.webhooks.sender.send(&request).await))
}

/// Records attempt `attempt` of delivery `id` (`outcome`: what was sent, `None` when it
/// could not be) and what follows; when this failure disables the endpoint, its owners are
/// e-mailed in the same transaction.
pub async fn record(
    state: &AppState,
    id: &str,
    attempt: i32,
    outcome: Option<&client::Outcome>,
    error: &str,
    after: AfterAttempt,
) -> Result<(), StoreError> {
    let record = match outcome {
        Some(o) => AttemptRecord {
            response_status: i32::from(o.status),
            latency_ms: o.latency_ms,
            error: o.error.chars().take(500).collect(),
            response_excerpt: o.excerpt.clone(),
        },
        None => AttemptRecord { error: error.to_owned(), ..AttemptRecord::default() },
    };
    let reason = format!(
        "{DISABLE_AFTER_FAILED_IN_A_ROW} deliveries in a row failed after every attempt; the last: {}",
        if record.error.is_empty() { "no answer" } else { &record.error }
    );
    let on_disable = if after == AfterAttempt::Failed { owners_told(state, id, &reason).await? } else { Vec::new() };
    state.store.record_delivery_attempt(id, attempt, &record, after, (&reason, &on_disable), now_ms()).await?;
    if !on_disable.is_empty() {
        state.jobs.job_written();
    }
    Ok(())
}

/// The e-mails to the owners of the workspace of delivery `id`, should its failure disable
/// the endpoint (written only if it does, in the transaction that decides it); none
/// without SMTP. Made for every final failure, not only when the count read here is one
/// short: deliveries failing side by side all read the count before any of them raises it.
async fn owners_told(state: &AppState, id: &str, reason: &str) -> Result<Vec<NewJob>, StoreError> {
    if state.mailer.is_none() {
        return Ok(Vec::new());
    }
    let Some((_, webhook)) = state.store.delivery_to_attempt(id).await? else { return Ok(Vec::new()) };
    if !webhook.enabled {
        return Ok(Vec::new());
    }
    let Some(workspace) = state.store.workspace(&webhook.workspace_id).await? else { return Ok(Vec::new()) };
    let link = format!("{}/app/webhooks", state.public_url.trim_end_matches('/'));
    let members = state.store.workload(&webhook.workspace_id, now_ms()).await?.members;
    Ok(members
        .iter()
        .filter(|m| m.role == Role::Owner)
        .map(|m| NewJob {
            workspace_id: Some(webhook.workspace_id.clone()),
            summary: format!("Webhook disabled, to {}", m.email),
            job: Job::Email(mail::webhook_disabled(&m.email, &workspace.name, &webhook.url, reason, &link)),
            delay: Duration::ZERO,
        })
        .collect())
}
