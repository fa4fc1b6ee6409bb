//! Notification rules: what a member can be told of, by which channels, and the defaults.
//!
//! E-mail and push are sent by the server (`notifications`); sound and desktop are played
//! and shown by the member's open dashboard, which reads the same settings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Violations;

/// What a member can be told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// A visitor started a conversation.
    NewConversation,
    /// A visitor left a message while nobody was online.
    OfflineMessage,
    /// A conversation was assigned or transferred to the member.
    Assigned,
    /// A visitor wrote in a conversation assigned to the member.
    VisitorMessage,
}

/// How a member can be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// By the server, to the member's address (a visitor message only once it has stayed
    /// unread for `PORTHOLE_UNSEEN_MESSAGE_SECS`).
    Email,
    /// By the server, to the member's browsers, when no dashboard of theirs is open.
    Push,
    /// By an open dashboard.
    Sound,
    /// By an open dashboard, as a system notification.
    Desktop,
}

impl Notice {
    pub const ALL: [Notice; 4] =
        [Notice::NewConversation, Notice::OfflineMessage, Notice::Assigned, Notice::VisitorMessage];

    pub fn as_str(self) -> &'static str {
        match self {
            Notice::NewConversation => "new_conversation",
            Notice::OfflineMessage => "offline_message",
            Notice::Assigned => "assigned",
            Notice::VisitorMessage => "visitor_message",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == name)
    }
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Email, Channel::Push, Channel::Sound, Channel::Desktop];
}

/// Browsers one member may register for push.
pub const MAX_PUSH_SUBSCRIPTIONS: usize = 10;
/// A dashboard counts as open while its process saw it within this (it touches every 20 s;
/// a dashboard of a process that died stops counting after this).
pub const DASHBOARD_SEEN_WITHIN_MS: i64 = 45_000;

/// Which channels are on for each notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings(pub BTreeMap<Notice, BTreeMap<Channel, bool>>);

impl Default for Settings {
    /// What a workspace starts with: everything on screen and in the browser; e-mail for
    /// what needs an answer from someone away (offline messages, assignments, unanswered
    /// visitors), not for every new conversation.
    fn default() -> Self {
        let mut settings = BTreeMap::new();
        for notice in Notice::ALL {
            let email = notice != Notice::NewConversation;
            let channels = Channel::ALL.into_iter().map(|c| (c, c != Channel::Email || email)).collect();
            settings.insert(notice, channels);
        }
        Self(settings)
    }
}

impl Settings {
    /// Whether `channel` is on for `notice` (missing entries: the built-in default).
    pub fn on(&self, notice: Notice, channel: Channel) -> bool {
        match self.0.get(&notice).and_then(|c| c.get(&channel)) {
            Some(on) => *on,
            None => Settings::default().0.get(&notice).and_then(|c| c.get(&channel)).copied().unwrap_or(false),
        }
    }

    /// Stored JSON (`{"event": {"channel": bool}}`). Names this version does not know (a
    /// newer server wrote them) are skipped rather than losing the member's other choices;
    /// unreadable or empty text is the built-in default.
    pub fn from_json(text: &str) -> Self {
        let Ok(stored) = serde_json::from_str::<BTreeMap<String, BTreeMap<String, bool>>>(text) else {
            return Settings::default();
        };
        let mut settings = Settings::default();
        for (notice, channels) in stored {
            let Ok(notice) = serde_json::from_value::<Notice>(serde_json::Value::String(notice)) else { continue };
            let known = settings.0.entry(notice).or_default();
            for (channel, on) in channels {
                if let Ok(channel) = serde_json::from_value::<Channel>(serde_json::Value::String(channel)) {
                    known.insert(channel, on);
                }
            }
        }
        settings
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Builds settings from rules of names (API input); unknown names are field errors.
    pub fn from_rules<'a>(
        field: &str,
        rules: impl IntoIterator<Item = (&'a str, [bool; 4])>,
        v: &mut Violations,
    ) -> Self {
        let mut settings = Settings::default();
        for (i, (name, [email, push, sound, desktop])) in rules.into_iter().enumerate() {
            let Some(notice) = Notice::parse(name) else {
                let known: Vec<_> = Notice::ALL.iter().map(|n| n.as_str()).collect();
                v.add(format!("{field}[{i}].event"), format!("unknown event {name:?}; known: {}", known.join(", ")));
                continue;
            };
            let channels =
                [(Channel::Email, email), (Channel::Push, push), (Channel::Sound, sound), (Channel::Desktop, desktop)];
            settings.0.insert(notice, channels.into_iter().collect());
        }
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_mail_what_needs_an_answer_only() {
        let d = Settings::default();
        assert!(!d.on(Notice::NewConversation, Channel::Email));
        assert!(d.on(Notice::NewConversation, Channel::Push));
        for n in [Notice::OfflineMessage, Notice::Assigned, Notice::VisitorMessage] {
            assert!(d.on(n, Channel::Email), "{n:?}");
        }
        assert_eq!(Settings::from_json(""), d);
        assert_eq!(Settings::from_json(&d.to_json()), d);
    }

    /// `notification_settings.settings` is persisted: what v1 wrote still reads, and names
    /// a later version adds do not wipe the rest.
    #[test]
    fn stored_settings_of_v1_still_read() {
        let v1 = r#"{"new_conversation":{"email":true,"push":false,"sound":true,"desktop":false},"assigned":{"email":false,"push":true,"sound":false,"desktop":true}}"#;
        let s = Settings::from_json(v1);
        assert!(s.on(Notice::NewConversation, Channel::Email) && !s.on(Notice::NewConversation, Channel::Push));
        assert!(!s.on(Notice::Assigned, Channel::Email) && s.on(Notice::Assigned, Channel::Desktop));
        assert!(s.on(Notice::VisitorMessage, Channel::Email), "events not stored keep the default");
        let later = r#"{"assigned":{"email":false,"sms":true},"mentioned":{"push":true}}"#;
        let s = Settings::from_json(later);
        assert!(!s.on(Notice::Assigned, Channel::Email), "known choices survive unknown names");
        assert!(s.on(Notice::Assigned, Channel::Push));
        assert_eq!(Settings::from_json(&s.to_json()), s);
        assert_eq!(Settings::from_json("not json"), Settings::default());
    }

    #[test]
    fn rules_parse_and_refuse_unknown_events() {
        let mut v = Violations::default();
        let s = Settings::from_rules("settings", [("assigned", [false, true, false, true])], &mut v);
        assert!(v.into_result(()).is_ok());
        assert!(!s.on(Notice::Assigned, Channel::Email) && s.on(Notice::Assigned, Channel::Push));
        assert!(s.on(Notice::OfflineMessage, Channel::Email), "others keep the default");
        let mut v = Violations::default();
        Settings::from_rules("settings", [("chat_started", [true; 4])], &mut v);
        assert!(v.into_result(()).is_err());
        for n in Notice::ALL {
            assert_eq!(Notice::parse(n.as_str()), Some(n));
        }
    }
}
