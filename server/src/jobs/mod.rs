//! Durable background work: what a job does ([`Job`]), the worker that runs jobs
//! ([`worker`]) and the e-mail they send ([`mail`]).
//!
//! A job is a row written in the same transaction as what causes it (an invitation, …), so
//! it exists exactly when its cause does; workers claim due jobs under a lease, run them,
//! and retry failures with backoff until their last attempt (`domain::job`). A worker
//! killed mid-job leaves the job to another once the lease ends: jobs are run at least
//! once, and never by two workers at the same time.

pub mod mail;
pub mod worker;

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
    VisitorReply { workspace_id: String, conversation_id: String, message_id: String },
}

impl Job {
    /// The `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Email(_) | Job::VisitorReply { .. } => "email",
        }
    }

    /// Attempts before the job is given up as failed.
    pub fn max_attempts(&self) -> i32 {
        match self {
            // With the backoff of `domain::job`, eight attempts span about 40 minutes: long
            // enough for a mail server's restart, short enough for an invitation to matter.
            Job::Email(_) | Job::VisitorReply { .. } => 8,
        }
    }
}

/// A job to write, with what owners see of it.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// The workspace it belongs to (its owners see it); `None` for server-wide work such as
    /// a password reset.
    pub workspace_id: Option<String>,
    /// One line for owners, e.g. "Invitation to ada@example.com". Never a secret: the
    /// payload is cleared when the job is done, the summary stays.
    pub summary: String,
    pub job: Job,
    /// How long after it is written it is first due (zero: at once).
    pub delay: std::time::Duration,
}
