//! E-mail: the messages Porthole sends (text and HTML) and the SMTP client that sends them
//! (`lettre`, the maintained Rust mail client: message building with correct MIME and header
//! encoding, SMTP with STARTTLS or TLS over rustls, connection pooling).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::words;

/// One e-mail to send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The same as HTML.
    pub html: String,
    /// Where replies go (a visitor's address), if not to the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

/// Why an e-mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The recipient's or sender's address does not parse: retrying cannot help.
    #[error("bad address: {0}")]
    Address(String),
    /// The message could not be built: retrying cannot help.
    #[error("cannot build the message: {0}")]
    Build(String),
    /// The SMTP server refused for good (a 5xx reply).
    #[error("the mail server refused: {0}")]
    Refused(String),
    /// The SMTP server could not be reached or answered "try later".
    #[error("the mail server failed: {0}")]
    Unavailable(String),
}

impl MailError {
    /// Whether another attempt may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, MailError::Unavailable(_))
    }
}

/// How long one SMTP conversation may take before it counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and as whom to send e-mail: the checked settings (the client itself is built
/// inside the runtime, as its connection pool spawns a task).
#[derive(Clone)]
pub struct MailSettings {
    url: String,
    from: Mailbox,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the SMTP password.
        f.debug_struct("MailSettings").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl MailSettings {
    /// The sender's address (`chat@example.com`).
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    /// `url` is `smtp://host:port` in the clear, `smtp://…?tls=required` for STARTTLS or
    /// `smtps://…` for TLS, with credentials as `user:password@`; `from` is the sender.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("the sender address {from:?} does not parse: {e}"))?;
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("the SMTP URL does not parse: {e}"))?;
        Ok(Self { url: url.to_owned(), from })
    }
}

/// Sends e-mail through the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The client for `settings` (inside a Tokio runtime).
    pub fn new(settings: &MailSettings) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| format!("the SMTP URL does not parse: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self { transport, from: settings.from.clone() })
    }

    /// Sends `email`.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let to: Mailbox = email.to.parse().map_err(|e| MailError::Address(format!("{:?}: {e}", email.to)))?;
        let mut message = Message::builder().from(self.from.clone()).to(to);
        if let Some(reply_to) = &email.reply_to {
            let reply_to: Mailbox = reply_to.parse().map_err(|e| MailError::Address(format!("{reply_to:?}: {e}")))?;
            message = message.reply_to(reply_to);
        }
        let message = message
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
            .map_err(|e| MailError::Build(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(MailError::Refused(error.to_string())),
            Err(error) => Err(MailError::Unavailable(error.to_string())),
        }
    }
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The invitation to join a workspace: who invited, as what, and the link to accept.
pub fn invitation(to: &str, workspace: &str, inviter: &str, role: &str, link: &str, expires_in_days: u64) -> Email {
    let subject = format!("{inviter} invited you to {workspace} on Porthole");
    let text = format!(
        "{inviter} invited you to join {workspace} on Porthole with the {role} role, to answer \
         the chats of its website's visitors.\n\nAccept the invitation:\n{link}\n\nThe link works \
         once and expires in {expires_in_days} days. If you did not expect this, ignore this e-mail.\n"
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{inviter} invited you to join <strong>{workspace}</strong> on Porthole with the {role} role, \
         to answer the chats of its website's visitors.</p>\
         <p><a href=\"{link}\" style=\"display: inline-block; padding: 10px 16px; background: #4f46e5; \
         color: #fff; border-radius: 6px; text-decoration: none\">Accept the invitation</a></p>\
         <p style=\"color: #555; font-size: 14px\">The link works once and expires in {expires_in_days} days. \
         If you did not expect this, ignore this e-mail.</p></body></html>",
        inviter = escape(inviter),
        workspace = escape(workspace),
        role = escape(role),
        link = escape(link),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// A link for setting a new password.
pub fn password_reset(to: &str, name: &str, link: &str, expires_in_minutes: u64) -> Email {
    let subject = "Set a new Porthole password".to_owned();
    let text = format!(
        "Hello {name},\n\nsomeone (we hope you) asked to set a new password for your Porthole \
         account {to}. Choose it here:\n{link}\n\nThe link works once and expires in \
         {expires_in_minutes} minutes; setting the password signs you out everywhere. If you did \
         not ask, ignore this e-mail: your password stays as it is.\n"
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>Hello {name},</p><p>someone (we hope you) asked to set a new password for your \
         Porthole account {to}.</p>\
         <p><a href=\"{link}\" style=\"display: inline-block; padding: 10px 16px; background: #4f46e5; \
         color: #fff; border-radius: 6px; text-decoration: none\">Choose a new password</a></p>\
         <p style=\"color: #555; font-size: 14px\">The link works once and expires in {expires_in_minutes} \
         minutes; setting the password signs you out everywhere. If you did not ask, ignore this \
         e-mail: your password stays as it is.</p></body></html>",
        name = escape(name),
        to = escape(to),
        link = escape(link),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// A visitor's offline message, to a member who answers them: who wrote, what, and the
/// link to the conversation; replies go to the visitor.
pub struct OfflineMessage<'a> {
    pub workspace: &'a str,
    pub visitor_name: &'a str,
    pub visitor_email: &'a str,
    pub body: &'a str,
    pub link: &'a str,
}

/// The offline message `m` as an e-mail to `to`.
pub fn offline_message(to: &str, m: &OfflineMessage<'_>) -> Email {
    let who = if m.visitor_name.is_empty() {
        m.visitor_email.to_owned()
    } else {
        format!("{} <{}>", m.visitor_name, m.visitor_email)
    };
    let subject = format!("Offline message on {}: {}", m.workspace, crate::domain::conversation::preview(m.body, 0));
    let text = format!(
        "{who} left a message while nobody was online at {workspace}:\n\n{body}\n\nAnswer in \
         Porthole: {link}\nor reply to this e-mail to write to them directly.\n",
        workspace = m.workspace,
        body = m.body,
        link = m.link,
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p><strong>{who}</strong> left a message while nobody was online at {workspace}:</p>\
         <blockquote style=\"margin: 0; padding: 8px 12px; border-left: 3px solid #4f46e5; \
         white-space: pre-wrap\">{body}</blockquote>\
         <p><a href=\"{link}\" style=\"display: inline-block; padding: 10px 16px; background: #4f46e5; \
         color: #fff; border-radius: 6px; text-decoration: none\">Answer in Porthole</a></p>\
         <p style=\"color: #555; font-size: 14px\">Or reply to this e-mail to write to them directly.</p>\
         </body></html>",
        who = escape(&who),
        workspace = escape(m.workspace),
        body = escape(m.body),
        link = escape(m.link),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: Some(m.visitor_email.to_owned()) }
}

/// Tells an owner that Porthole switched off a webhook endpoint that kept failing.
pub fn webhook_disabled(to: &str, workspace: &str, url: &str, reason: &str, link: &str) -> Email {
    let subject = format!("A webhook of {workspace} was disabled");
    let text = format!(
        "Porthole stopped sending events to {url}:\n\n{reason}\n\nEvents that happen while it is \
         off are not sent. Look at its deliveries, fix the receiver and enable it again:\n{link}\n"
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>Porthole stopped sending events to <code>{url}</code>:</p>\
         <blockquote style=\"margin: 0; padding: 8px 12px; border-left: 3px solid #dc2626\">{reason}</blockquote>\
         <p>Events that happen while it is off are not sent. Look at its deliveries, fix the receiver \
         and enable it again.</p>\
         <p><a href=\"{link}\" style=\"display: inline-block; padding: 10px 16px; background: #4f46e5; \
         color: #fff; border-radius: 6px; text-decoration: none\">Open webhooks</a></p>\
         </body></html>",
        url = escape(url),
        reason = escape(reason),
        link = escape(link),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// Our replies a visitor has not read, as an e-mail to them: each with who wrote it, and
/// where to answer (the page the conversation started on; an e-mail reply reaches nobody,
/// so there is no Reply-To).
pub fn unread_replies(
    to: &str,
    unread: &crate::store::replies::UnreadReplies,
    so_far: Option<&crate::store::transcripts::Transcript>,
) -> Email {
    let w = words::for_language(&unread.visitor_language);
    let workspace = unread.workspace_name.as_str();
    let first_name = unread.visitor_name.split_whitespace().next().unwrap_or("");
    let hello =
        if first_name.is_empty() { w.hello.to_owned() } else { words::fill(w.hello_name, &[("name", first_name)]) };
    let subject = match unread.replies.as_slice() {
        [one] => words::fill(w.reply_subject_one, &[("sender", &one.sender_name), ("workspace", workspace)]),
        _ => {
            words::fill(w.reply_subject_many, &[("count", &unread.replies.len().to_string()), ("workspace", workspace)])
        }
    };
    let intro = words::fill(w.reply_intro, &[("workspace", workspace)]);
    let mut text = format!("{hello}\n\n{intro}\n\n");
    let mut quotes = String::new();
    for reply in &unread.replies {
        text.push_str(&format!("{}:\n{}\n\n", reply.sender_name, reply.body));
        quotes.push_str(&format!(
            "<p style=\"margin: 12px 0 4px; color: #555; font-size: 14px\">{}</p>\
             <blockquote style=\"margin: 0; padding: 8px 12px; border-left: 3px solid #4f46e5; \
             white-space: pre-wrap\">{}</blockquote>",
            escape(&reply.sender_name),
            escape(&reply.body)
        ));
    }
    if !unread.source_url.is_empty() {
        text.push_str(&words::fill(w.answer_on, &[("url", &unread.source_url)]));
    }
    text.push_str(&format!("\n\n{}\n", w.not_read));
    let button = if unread.source_url.is_empty() { String::new() } else { button(&unread.source_url, w.answer_button) };
    // The conversation so far, for a visitor who left it (closed the tab, wrote offline).
    let history = match so_far {
        Some(t) if t.lines.len() > unread.replies.len() => {
            let (lines_text, rows) = transcript_lines(t);
            text.push_str(&format!("\n{}\n\n{lines_text}", w.reply_transcript_heading));
            format!(
                "<hr style=\"border: 0; border-top: 1px solid #ddd; margin: 24px 0\">\
                 <p style=\"color: #555\">{}</p>{rows}",
                escape(w.reply_transcript_heading)
            )
        }
        _ => String::new(),
    };
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{hello}</p><p>{intro}</p>{quotes}{button}\
         <p style=\"color: #555; font-size: 14px\">{not_read}</p>{history}</body></html>",
        hello = escape(&hello),
        intro = escape(&intro),
        not_read = escape(w.not_read),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// A button-styled link, as every notice ends with.
fn button(link: &str, label: &str) -> String {
    format!(
        "<p><a href=\"{}\" style=\"display: inline-block; padding: 10px 16px; background: #4f46e5; \
         color: #fff; border-radius: 6px; text-decoration: none\">{}</a></p>",
        escape(link),
        escape(label)
    )
}

/// The footer of a member's notice: why they got it and where to change that.
fn settings_footer(settings_link: &str) -> (String, String) {
    (
        format!("\nYou get this because of your notification settings: {settings_link}\n"),
        format!(
            "<p style=\"color: #555; font-size: 13px\">You get this because of your \
             <a href=\"{}\">notification settings</a>.</p>",
            escape(settings_link)
        ),
    )
}

/// What a notice to a member is about.
pub struct MemberNotice<'a> {
    pub workspace: &'a str,
    pub visitor: &'a str,
    /// The conversation in the dashboard.
    pub link: &'a str,
    pub settings_link: &'a str,
}

/// A visitor started a conversation.
pub fn new_conversation(to: &str, n: &MemberNotice<'_>, first_message: &str) -> Email {
    let subject =
        format!("New conversation on {}: {}", n.workspace, crate::domain::conversation::preview(first_message, 0));
    let (footer_text, footer_html) = settings_footer(n.settings_link);
    let text = format!(
        "{visitor} started a conversation at {workspace}:\n\n{first_message}\n\nAnswer in Porthole: {link}\n{footer_text}",
        visitor = n.visitor,
        workspace = n.workspace,
        link = n.link,
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p><strong>{visitor}</strong> started a conversation at {workspace}:</p>\
         <blockquote style=\"margin: 0; padding: 8px 12px; border-left: 3px solid #4f46e5; \
         white-space: pre-wrap\">{body}</blockquote>{button}{footer_html}</body></html>",
        visitor = escape(n.visitor),
        workspace = escape(n.workspace),
        body = escape(first_message),
        button = button(n.link, "Answer in Porthole"),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// A conversation was assigned (or transferred) to the member.
pub fn assigned(to: &str, n: &MemberNotice<'_>, transfer: bool, last_message: &str) -> Email {
    let how = if transfer { "transferred" } else { "assigned" };
    let subject = format!("Conversation {how} to you: {}", n.visitor);
    let (footer_text, footer_html) = settings_footer(n.settings_link);
    let quoted = if last_message.is_empty() { String::new() } else { format!("\n\n{last_message}") };
    let text = format!(
        "The conversation with {visitor} at {workspace} was {how} to you.{quoted}\n\nOpen it: {link}\n{footer_text}",
        visitor = n.visitor,
        workspace = n.workspace,
        link = n.link,
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>The conversation with <strong>{visitor}</strong> at {workspace} was {how} to you.</p>\
         {quote}{button}{footer_html}</body></html>",
        visitor = escape(n.visitor),
        workspace = escape(n.workspace),
        quote = if last_message.is_empty() {
            String::new()
        } else {
            format!(
                "<blockquote style=\"margin: 0; padding: 8px 12px; border-left: 3px solid #4f46e5; \
                 white-space: pre-wrap\">{}</blockquote>",
                escape(last_message)
            )
        },
        button = button(n.link, "Open the conversation"),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// Visitor messages the assignee has not read for a while.
pub fn unseen_messages(to: &str, n: &MemberNotice<'_>, messages: &[crate::store::replies::Reply]) -> Email {
    let subject = match messages {
        [_] => format!("{} is waiting for your answer", n.visitor),
        _ => format!("{} messages from {} are waiting for your answer", messages.len(), n.visitor),
    };
    let (footer_text, footer_html) = settings_footer(n.settings_link);
    let mut text =
        format!("{} wrote in your conversation at {} and nobody has read it yet:\n\n", n.visitor, n.workspace);
    let mut quotes = String::new();
    for m in messages {
        text.push_str(&format!("{}\n\n", m.body));
        quotes.push_str(&format!(
            "<blockquote style=\"margin: 0 0 8px; padding: 8px 12px; border-left: 3px solid #4f46e5; \
             white-space: pre-wrap\">{}</blockquote>",
            escape(&m.body)
        ));
    }
    text.push_str(&format!("Answer in Porthole: {}\n{footer_text}", n.link));
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p><strong>{visitor}</strong> wrote in your conversation at {workspace} and nobody has read \
         it yet:</p>{quotes}{button}{footer_html}</body></html>",
        visitor = escape(n.visitor),
        workspace = escape(n.workspace),
        button = button(n.link, "Answer in Porthole"),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// A conversation's transcript for its visitor, its times in the visitor's time zone (UTC
/// when the browser did not say), the zone written.
pub fn transcript(to: &str, t: &crate::store::transcripts::Transcript) -> Email {
    let w = words::for_language(&t.language);
    let subject = words::fill(w.transcript_subject, &[("workspace", &t.workspace_name)]);
    let intro =
        words::fill(w.transcript_intro, &[("workspace", &t.workspace_name), ("time", &local_time(t, t.started_at))]);
    let (lines_text, rows) = transcript_lines(t);
    let text = format!("{intro}\n\n{lines_text}{}\n", w.transcript_footer);
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{intro}</p>{rows}<p style=\"color: #555; font-size: 13px\">{footer}</p></body></html>",
        intro = escape(&intro),
        footer = escape(w.transcript_footer),
    );
    Email { to: to.to_owned(), subject, text, html, reply_to: None }
}

/// A time of the transcript in the visitor's zone, the zone named.
fn local_time(t: &crate::store::transcripts::Transcript, ms: i64) -> String {
    let zone: chrono_tz::Tz = t.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let at = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&zone);
    format!("{} {}", at.format("%Y-%m-%d %H:%M"), zone.name())
}

/// The transcript's messages as text and as HTML.
fn transcript_lines(t: &crate::store::transcripts::Transcript) -> (String, String) {
    let w = words::for_language(&t.language);
    let mut text = String::new();
    let mut rows = String::new();
    if t.truncated {
        text.push_str(&format!("{}\n\n", w.transcript_earlier));
        rows.push_str(&format!("<p style=\"color: #555\">{}</p>", escape(w.transcript_earlier)));
    }
    for line in &t.lines {
        let when = local_time(t, line.created_at);
        text.push_str(&format!("{} ({when}):\n{}\n\n", line.sender_name, line.body));
        rows.push_str(&format!(
            "<p style=\"margin: 0 0 12px\"><strong>{}</strong> <span style=\"color: #777; font-size: 12px\">{}</span>\
             <br><span style=\"white-space: pre-wrap\">{}</span></p>",
            escape(&line.sender_name),
            escape(&when),
            escape(&line.body)
        ));
    }
    (text, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let email = invitation(
            "ada@example.com",
            "<Acme & Co>",
            "Grace \"G\"",
            "admin",
            "https://chat.example/app/invite/pin_x?a=1&b=2",
            7,
        );
        assert_eq!(email.subject, "Grace \"G\" invited you to <Acme & Co> on Porthole");
        assert!(email.text.contains("with the admin role") && email.text.contains("<Acme & Co>"));
        assert!(email.html.contains("&lt;Acme &amp; Co&gt;") && email.html.contains("Grace &quot;G&quot;"));
        assert!(email.html.contains("href=\"https://chat.example/app/invite/pin_x?a=1&amp;b=2\""));
        assert!(!email.html.contains("<Acme"));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(MailSettings::new("smtp://127.0.0.1:2525", "not an address").is_err());
        assert!(MailSettings::new("gopher://x", "Porthole <noreply@example.com>").is_err());
        let settings = MailSettings::new("smtps://user:secret@127.0.0.1:2525", "Porthole <noreply@example.com>");
        assert!(!format!("{:?}", settings.unwrap()).contains("secret"), "the password stays out of logs");
    }

    #[test]
    fn visitors_get_their_language() {
        let unread = crate::store::replies::UnreadReplies {
            visitor_email: "marie@example.fr".into(),
            visitor_name: "Marie Curie".into(),
            workspace_name: "Acme".into(),
            source_url: "https://acme.example/".into(),
            visitor_language: "fr-FR".into(),
            replies: vec![crate::store::replies::Reply {
                message_id: "msg_1".into(),
                sender_name: "Grace".into(),
                body: "Oui, nous livrons en France.".into(),
            }],
        };
        let email = unread_replies("marie@example.fr", &unread, None);
        assert_eq!(email.subject, "Grace vous a répondu chez Acme");
        assert!(email.text.starts_with("Bonjour Marie,"), "{}", email.text);
        assert!(email.html.contains("Répondre dans le chat"));
        let english = unread_replies(
            "x@example.com",
            &crate::store::replies::UnreadReplies { visitor_language: "ja".into(), ..unread },
            None,
        );
        assert_eq!(english.subject, "Grace replied to you at Acme");
    }

    #[test]
    fn transcripts_tell_time_where_the_visitor_is() {
        let line = |ms| crate::store::transcripts::Line {
            sender_type: crate::domain::conversation::Sender::Agent,
            sender_name: "Grace".into(),
            body: "Hallo!".into(),
            created_at: ms,
        };
        // 2026-01-15 12:00 UTC
        let noon = 1_768_478_400_000;
        let t = crate::store::transcripts::Transcript {
            workspace_name: "Acme".into(),
            language: "de".into(),
            time_zone: "Europe/Berlin".into(),
            started_at: noon,
            lines: vec![line(noon)],
            truncated: false,
        };
        let email = transcript("a@b.de", &t);
        assert_eq!(email.subject, "Ihr Gespräch mit Acme");
        assert!(email.text.contains("2026-01-15 13:00 Europe/Berlin"), "{}", email.text);
        let unknown =
            transcript("a@b.de", &crate::store::transcripts::Transcript { time_zone: "Mars/Base".into(), ..t });
        assert!(unknown.text.contains("2026-01-15 12:00 UTC"), "{}", unknown.text);
    }
}
