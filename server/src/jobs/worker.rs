//! The job worker: claims due jobs under a lease, runs them, records how each attempt ended,
//! and sleeps until the next job is due or a new one is written.

use crate::domain::id::{DeliveryId, WorkerId};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::mail::{self, MailError};
use super::{Job, Lane};
use crate::AppState;
use crate::domain::job::retry_delay;
use crate::notifications::push::{PushError, PushNote};
use crate::store::models::JobRow;
use crate::store::now_ms;
use crate::store::webhooks::AfterAttempt;
use crate::webhooks;

/// Jobs claimed at once (run side by side).
const BATCH: i64 = 8;
/// The longest an attempt may run before it counts as failed; at most half the lease
/// (`Config::job_lease`: past it, another worker takes the job over, this one having
/// died), so a live worker never loses a job it is running.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest sleep without a look at the store: jobs written by another replica, or
/// whose worker died, are found within this.
const LONGEST_NAP: Duration = Duration::from_secs(15);

/// Wakes this process's job workers when a job was written (cheap; other replicas find it
/// on their next look).
#[derive(Clone, Debug, Default)]
pub struct Wake {
    people: Arc<Notify>,
    webhooks: Arc<Notify>,
    bot: Arc<Notify>,
    automation: Arc<Notify>,
}

impl Wake {
    /// Tells the workers that a job was written: they claim what is due and sleep until the
    /// next one is (a delayed job included).
    pub fn job_written(&self) {
        self.people.notify_one();
        self.webhooks.notify_one();
        self.bot.notify_one();
        self.automation.notify_one();
    }

    fn of(&self, lane: Lane) -> &Notify {
        match lane {
            Lane::People => &self.people,
            Lane::Webhooks => &self.webhooks,
            Lane::Bot => &self.bot,
            Lane::Automation => &self.automation,
        }
    }
}

/// Why an attempt failed.
#[derive(Debug, thiserror::Error)]
enum AttemptError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("e-mail is not configured on this server (PORTHOLE_SMTP_URL)")]
    NoMailer,
    #[error("the job's payload does not decode: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("the attempt took longer than {0:?}")]
    Timeout(Duration),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Push(#[from] PushError),
    /// A webhook delivery's attempt failed (its record is written with the retry decision).
    #[error("{error}")]
    Webhook { delivery_id: DeliveryId, outcome: Option<webhooks::client::Outcome>, error: String, retryable: bool },
}

impl AttemptError {
    /// Whether another attempt may succeed.
    fn is_transient(&self) -> bool {
        match self {
            AttemptError::Mail(error) => error.is_transient(),
            // The operator may configure SMTP and restart.
            AttemptError::NoMailer | AttemptError::Timeout(_) | AttemptError::Store(_) => true,
            AttemptError::Payload(_) => false,
            AttemptError::Webhook { retryable, .. } => *retryable,
            AttemptError::Push(error) => error.is_transient(),
        }
    }
}

/// Runs the jobs of `lane` until shutdown.
pub async fn run(state: Arc<AppState>, lane: Lane) {
    let worker = WorkerId::new();
    let mut shutdown = state.shutdown.clone();
    let lease_ms = i64::try_from(state.config.job_lease.as_millis()).unwrap_or(i64::MAX);
    loop {
        let claimed = match state.store.claim_jobs(&worker, lane, now_ms(), BATCH, lease_ms).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "claiming jobs failed; trying again shortly");
                Vec::new()
            }
        };
        if !claimed.is_empty() {
            futures_util::future::join_all(claimed.into_iter().map(|job| attempt(&state, &worker, job))).await;
            continue;
        }
        let nap = match state.store.next_job_due(lane).await {
            Ok(Some(at)) => Duration::from_millis(u64::try_from(at.saturating_sub(now_ms())).unwrap_or(0)),
            Ok(None) => LONGEST_NAP,
            Err(error) => {
                tracing::warn!(%error, "reading the job queue failed");
                LONGEST_NAP
            }
        };
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = state.jobs.of(lane).notified() => {}
            _ = tokio::time::sleep(nap.clamp(Duration::from_millis(50), LONGEST_NAP)) => {}
        }
    }
}

/// The longest one attempt may run.
fn attempt_limit(state: &AppState) -> Duration {
    ATTEMPT_TIMEOUT.min(state.config.job_lease / 2)
}

/// Runs one claimed job and records the outcome.
async fn attempt(state: &AppState, worker: &WorkerId, job: JobRow) {
    let limit = attempt_limit(state);
    let outcome = match tokio::time::timeout(limit, perform(state, &job)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(AttemptError::Timeout(limit)),
    };
    let now = now_ms();
    let recorded = match &outcome {
        Ok(Done::Sent) | Ok(Done::Delivered { .. }) => state.store.finish_job(&job.id, worker, job.attempts, now).await,
        // Nothing happened, so there is nothing for owners to see.
        Ok(Done::NothingToDo) => state.store.forget_job(&job.id, worker, job.attempts).await,
        Err(error) => {
            state.metrics.job_failed(&job.kind);
            let attempts = u32::try_from(job.attempts).unwrap_or(0);
            let retry_at = (error.is_transient() && job.attempts < job.max_attempts).then(|| {
                let delay = retry_delay(attempts, rand::random::<f64>(), state.config.first_job_retry);
                now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX))
            });
            if let AttemptError::Webhook { delivery_id, outcome, error, .. } = error {
                let after = retry_at.map_or(AfterAttempt::Failed, AfterAttempt::RetryAt);
                if let Err(e) = webhooks::record(state, delivery_id, job.attempts, outcome.as_ref(), error, after).await
                {
                    tracing::warn!(job = %job.id, error = %e, "recording a webhook attempt failed");
                }
            }
            if retry_at.is_some() {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed; will retry");
            } else {
                tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed for good");
            }
            state.store.fail_job(&job.id, worker, job.attempts, &error.to_string(), retry_at, now).await
        }
    };
    if let Ok(Done::Delivered { delivery_id, outcome }) = &outcome {
        let recorded = webhooks::record(state, delivery_id, job.attempts, Some(outcome), "", AfterAttempt::Succeeded);
        if let Err(error) = recorded.await {
            tracing::warn!(job = %job.id, %error, "recording a webhook delivery failed");
        }
    }
    match recorded {
        Ok(true) => {}
        // Its lease ended and another worker took it over; that one's outcome counts.
        Ok(false) => tracing::warn!(job = %job.id, "job was taken over by another worker before it ended"),
        Err(error) => tracing::warn!(job = %job.id, %error, "recording the job's outcome failed; it runs again"),
    }
}

/// How an attempt that did not fail ended.
enum Done {
    Sent,
    /// The job found nothing to do (a reply read meanwhile, a delivery deleted).
    NothingToDo,
    /// A webhook receiver answered 2xx.
    Delivered {
        delivery_id: DeliveryId,
        outcome: webhooks::client::Outcome,
    },
}

/// What the job does.
async fn perform(state: &AppState, row: &JobRow) -> Result<Done, AttemptError> {
    let job = serde_json::from_str::<Job>(&row.payload)?;
    match job {
        Job::Webhook { delivery_id } => return deliver(state, delivery_id, row.attempts).await,
        Job::Push { subscription_id, note } => return push(state, &subscription_id, &note).await,
        Job::BotReply { workspace_id, conversation_id, seq } => {
            let budget = attempt_limit(state).saturating_sub(Duration::from_secs(3));
            return match crate::bot::answer(state, &workspace_id, &conversation_id, seq, budget).await? {
                crate::bot::Outcome::Acted => Ok(Done::Sent),
                crate::bot::Outcome::NothingToDo => Ok(Done::NothingToDo),
            };
        }
        Job::Automate { workspace_id, conversation_id, seq } => {
            return match crate::automation::after_message(state, &workspace_id, &conversation_id, seq).await? {
                crate::automation::Outcome::Acted => Ok(Done::Sent),
                crate::automation::Outcome::NothingToDo => Ok(Done::NothingToDo),
            };
        }
        _ => {}
    }
    let mailer = state.mailer.as_ref().ok_or(AttemptError::NoMailer)?;
    match job {
        Job::Email(email) => mailer.send(&email).await?,
        Job::VisitorReply { workspace_id, conversation_id, message_id } => {
            let Some(unread) = state.store.unread_replies(&workspace_id, &conversation_id).await? else {
                return Ok(Done::NothingToDo); // the conversation is gone (erased)
            };
            // Read meanwhile, or a later reply's job will send them all: nothing to do.
            let last = unread.replies.last().map(|r| r.message_id.as_str());
            if unread.visitor_email.is_empty() || last != Some(message_id.as_str()) {
                return Ok(Done::NothingToDo);
            }
            let so_far = state.store.transcript(&workspace_id, None, &conversation_id).await?;
            mailer.send(&mail::unread_replies(&unread.visitor_email, &unread, so_far.as_ref())).await?;
        }
        Job::UnseenMessage { workspace_id, conversation_id, message_id, user_id } => {
            let email =
                crate::notifications::unseen_email(state, &workspace_id, &conversation_id, &message_id, &user_id)
                    .await?;
            let Some(email) = email else { return Ok(Done::NothingToDo) };
            mailer.send(&email).await?;
        }
        Job::Webhook { .. } | Job::Push { .. } | Job::BotReply { .. } | Job::Automate { .. } => {}
    }
    Ok(Done::Sent)
}

/// One push to one browser; a browser the push service says is gone is forgotten.
async fn push(state: &AppState, subscription_id: &str, note: &PushNote) -> Result<Done, AttemptError> {
    let Some(subscription) = state.store.push_subscription(subscription_id).await? else {
        return Ok(Done::NothingToDo); // unsubscribed meanwhile
    };
    match state.notifier.pusher.send(&state.webhooks.sender, &subscription, note).await {
        Ok(()) => Ok(Done::Sent),
        Err(PushError::Gone(_)) => {
            state.store.delete_push_subscription(None, subscription_id).await?;
            Ok(Done::NothingToDo)
        }
        Err(error) => Err(AttemptError::Push(error)),
    }
}

/// One attempt of a webhook delivery.
async fn deliver(state: &AppState, delivery_id: DeliveryId, attempt: i32) -> Result<Done, AttemptError> {
    match webhooks::attempt(state, &delivery_id, attempt).await? {
        // Deleted with its endpoint: nothing to do, nothing to show.
        webhooks::Attempted::Gone => Ok(Done::NothingToDo),
        webhooks::Attempted::Disabled => Err(AttemptError::Webhook {
            delivery_id,
            outcome: None,
            error: "not sent: the endpoint is disabled (enable it, then redeliver)".to_owned(),
            retryable: false,
        }),
        webhooks::Attempted::Sent(outcome) if outcome.succeeded() => Ok(Done::Delivered { delivery_id, outcome }),
        webhooks::Attempted::Sent(outcome) => Err(AttemptError::Webhook {
            delivery_id,
            error: outcome.error.clone(),
            retryable: outcome.retryable,
            outcome: Some(outcome),
        }),
    }
}
