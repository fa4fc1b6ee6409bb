//! Durable background work: what a job does ([`Job`]), the worker that runs jobs
//! ([`worker`]) and the e-mail they send ([`mail`], in visitors' languages: [`words`]); webhook
//! deliveries are `webhooks`.
//!
//! A job is a row written in the same transaction as what causes it (an invitation, …), so
//! it exists exactly when its cause does; workers claim due jobs under a lease, run them,
//! and retry failures with backoff until their last attempt (`domain::job`). A worker
//! killed mid-job leaves the job to another once the lease ends: jobs are run at least
//! once, and never by two workers at the same time.

pub mod mail;
pub mod words;
pub mod worker;

use crate::domain::id::{ConversationId, DeliveryId, MessageId, PushSubscriptionId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

/// What a job does, as its `payload` column stores it (JSON, tagged by `"kind"`; the `kind`
/// column repeats the tag for listing).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Send one e-mail.
    Email(mail::Email),
    /// E-mail a visitor our replies they have not read, if this message is still the last
    /// of them when the job runs (so several quick replies make one e-mail, and a reply
    /// read in the widget meanwhile makes none).
    VisitorReply { workspace_id: WorkspaceId, conversation_id: ConversationId, message_id: MessageId },
    /// Make an attempt of a webhook delivery (`webhooks`; the body is the delivery's).
    Webhook { delivery_id: DeliveryId },
    /// Push a notification to one browser of a member (`notifications::push`).
    Push { subscription_id: PushSubscriptionId, note: crate::notifications::push::PushNote },
    /// E-mail the assignee the visitor messages they have not read, if this message is
    /// still the last of them when the job runs.
    UnseenMessage { workspace_id: WorkspaceId, conversation_id: ConversationId, message_id: MessageId, user_id: UserId },
    /// Let the AI bot answer the visitor's message `seq`, if the bot still answers the
    /// conversation and the visitor wrote nothing after it (`bot`).
    BotReply { workspace_id: WorkspaceId, conversation_id: ConversationId, seq: i64 },
    /// Run the workspace's rules and the conversation's guided flow on the visitor's
    /// message `seq`, then let the bot answer it where the bot has the conversation and no
    /// rule replied (`automation`).
    Automate { workspace_id: WorkspaceId, conversation_id: ConversationId, seq: i64 },
}

impl Job {
    /// The `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Email(_) | Job::VisitorReply { .. } | Job::UnseenMessage { .. } => "email",
            Job::Webhook { .. } => "webhook",
            Job::Push { .. } => "push",
            Job::BotReply { .. } => "bot",
            Job::Automate { .. } => "automation",
        }
    }

    /// The worker that runs it.
    pub fn lane(&self) -> Lane {
        match self {
            Job::Webhook { .. } => Lane::Webhooks,
            Job::BotReply { .. } => Lane::Bot,
            Job::Automate { .. } => Lane::Automation,
            Job::Email(_) | Job::VisitorReply { .. } | Job::Push { .. } | Job::UnseenMessage { .. } => Lane::People,
        }
    }

    /// Attempts before the job is given up as failed.
    pub fn max_attempts(&self) -> i32 {
        match self {
            // With the backoff of `domain::job`, eight attempts span about 40 minutes: long
            // enough for a mail server's restart, short enough for an invitation to matter.
            Job::Email(_) | Job::VisitorReply { .. } | Job::UnseenMessage { .. } => 8,
            Job::Webhook { .. } => crate::domain::webhook::MAX_ATTEMPTS,
            // A notification an hour late is news no more (the push service keeps one for
            // an hour too).
            Job::Push { .. } => 4,
            // The bot hands over to humans itself when the model fails; an attempt fails
            // only when the database did, and a visitor does not wait minutes for a bot.
            Job::BotReply { .. } => 3,
            // Database work only; each step is written once-only, so a retry finishes it.
            Job::Automate { .. } => 5,
        }
    }
}

/// Which worker runs a job: webhook deliveries have their own, so a slow or failing
/// receiver (10 s per attempt, retries piling up) never delays a password reset, an
/// invitation or a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// E-mail and pushes: messages to people.
    People,
    /// Webhook deliveries.
    Webhooks,
    /// The AI bot's answers: seconds each, waiting on the model, so neither e-mail nor
    /// webhooks queue behind them.
    Bot,
    /// Rules and guided flows: milliseconds each, answering a visitor who is waiting, so
    /// nothing slow queues ahead of them.
    Automation,
}

impl Lane {
    pub const ALL: [Lane; 4] = [Lane::People, Lane::Webhooks, Lane::Bot, Lane::Automation];

    /// The `kind` column values its worker runs.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Lane::People => &["email", "push"],
            Lane::Webhooks => &["webhook"],
            Lane::Bot => &["bot"],
            Lane::Automation => &["automation"],
        }
    }
}

/// A job to write, with what owners see of it.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// The workspace it belongs to (its owners see it); `None` for server-wide work such as
    /// a password reset.
    pub workspace_id: Option<WorkspaceId>,
    /// One line for owners, e.g. "Invitation to ada@example.com". Never a secret: the
    /// payload is cleared when the job is done, the summary stays.
    pub summary: String,
    pub job: Job,
    /// How long after it is written it is first due (zero: at once).
    pub delay: std::time::Duration,
}

/// Golden tests of the `payload` column: jobs written by an earlier version (still queued
/// or failed, so still run or retried) must decode with today's types. Each fixture is what
/// its version wrote; never rewrite a released one, add a new version beside it.
#[cfg(test)]
mod golden {
    use super::Job;
    use super::mail::Email;

    /// One sample per kind; the match makes a new kind fail to compile until it has one.
    fn samples() -> Vec<(&'static str, Job)> {
        let samples = vec![
            (
                "email",
                Job::Email(Email {
                    to: "ada@example.com".into(),
                    subject: "Grace invited you to Acme on Porthole".into(),
                    text: "Accept the invitation:\nhttps://chat.example/app/invite/pin_x\n".into(),
                    html: "<p><a href=\"https://chat.example/app/invite/pin_x\">Accept the invitation</a></p>".into(),
                    reply_to: None,
                }),
            ),
            (
                "visitor_reply",
                Job::VisitorReply {
                    workspace_id: "wsp_1".into(),
                    conversation_id: "cnv_1".into(),
                    message_id: "msg_1".into(),
                },
            ),
            ("webhook", Job::Webhook { delivery_id: "whd_1".into() }),
            (
                "push",
                Job::Push {
                    subscription_id: "psh_1".into(),
                    note: crate::notifications::push::PushNote {
                        title: "New conversation: Ada".into(),
                        body: "Where is my order?".into(),
                        url: "/app/inbox/cnv_1".into(),
                        tag: "cnv_1".into(),
                        urgent: false,
                    },
                },
            ),
            ("bot_reply", Job::BotReply { workspace_id: "wsp_1".into(), conversation_id: "cnv_1".into(), seq: 7 }),
            ("automate", Job::Automate { workspace_id: "wsp_1".into(), conversation_id: "cnv_1".into(), seq: 3 }),
            (
                "unseen_message",
                Job::UnseenMessage {
                    workspace_id: "wsp_1".into(),
                    conversation_id: "cnv_1".into(),
                    message_id: "msg_1".into(),
                    user_id: "usr_1".into(),
                },
            ),
        ];
        for (name, job) in &samples {
            let fixture = match job {
                Job::Email(_) => "email",
                Job::VisitorReply { .. } => "visitor_reply",
                Job::Webhook { .. } => "webhook",
                Job::Push { .. } => "push",
                Job::UnseenMessage { .. } => "unseen_message",
                Job::BotReply { .. } => "bot_reply",
                Job::Automate { .. } => "automate",
            };
            assert_eq!(fixture, *name);
        }
        samples
    }

    #[test]
    fn payloads_of_v1_still_decode_and_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/jobs/fixtures/v1");
        for (name, sample) in samples() {
            let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            let decoded: Job = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} no longer decodes: {e}"));
            assert_eq!(decoded, sample, "{name}");
            let original: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_value(&decoded).unwrap(), original, "{name} lost or changed a field");
        }
    }

    /// A job written before `reply_to` existed reads as having none.
    #[test]
    fn a_field_added_later_has_a_default() {
        let email_without_reply_to = r#"{"kind":"email","to":"a@b.c","subject":"s","text":"t","html":"h"}"#;
        let Job::Email(email) = serde_json::from_str(email_without_reply_to).unwrap() else { panic!("kind") };
        assert_eq!(email.reply_to, None, "a field added later has a default");
    }
}
