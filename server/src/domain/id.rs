//! Typed identifiers: one type per kind of thing, each owning its prefix (`cnv_…`, `usr_…`).
//!
//! A conversation id cannot be passed where a visitor id is expected, and an id arriving
//! from a client is checked once, at the edge, by `parse`: one with another kind's prefix is
//! refused there (as "not found", like an id that names nothing). Ids read back from our own
//! database or event log are trusted as written (`from_stored`): they were made by `new`.

use std::fmt;

use rand::RngCore as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest id a client may send: prefix, `_` and up to 64 characters (ours have 24).
pub const MAX_ID_CHARS: usize = 80;

/// An id from a client that is not one of the expected kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a {kind} id")]
pub struct WrongId {
    /// What was expected, e.g. "conversation".
    pub kind: &'static str,
}

/// `prefix_` and 96 random bits in hex.
fn random(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

/// Whether `value` is `prefix_` followed by 1 to 64 ASCII letters, digits, `_` or `-`.
fn well_formed(prefix: &str, value: &str) -> bool {
    value.len() <= MAX_ID_CHARS
        && value.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('_')).is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident = $prefix:literal, $kind:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with (before `_`).
            pub const PREFIX: &'static str = $prefix;
            /// What the thing is called in messages ("conversation").
            pub const KIND: &'static str = $kind;

            /// A new random id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(random(Self::PREFIX))
            }

            /// An id a client sent: refused unless it has this kind's prefix and shape.
            pub fn parse(value: &str) -> Result<Self, WrongId> {
                if well_formed(Self::PREFIX, value) {
                    Ok(Self(value.to_owned()))
                } else {
                    Err(WrongId { kind: Self::KIND })
                }
            }

            /// An id read from our own store or log, trusted as written.
            pub fn from_stored(value: String) -> Self {
                Self(value)
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        // Unit tests write fixtures as literals.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        // Reading an id as text is always fine; only `parse` and `new` make one.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        // Hash and Eq are the inner string's, so maps keyed by ids can be searched by text.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        // The log and the bus are ours: what they hold is trusted as written.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self)
            }
        }
    )*

    /// Every kind's prefix, for the test that they are distinct.
    #[cfg(test)]
    const PREFIXES: &[&str] = &[$($prefix),*];
    };
}

ids! {
    /// A workspace (tenant): `ws_…`.
    WorkspaceId = "ws", "workspace";
    /// A user account: `usr_…`.
    UserId = "usr", "user";
    /// A chat widget: `wgt_…`.
    WidgetId = "wgt", "widget";
    /// A visitor of a widget: `vis_…`.
    VisitorId = "vis", "visitor";
    /// A conversation: `cnv_…`.
    ConversationId = "cnv", "conversation";
    /// A message: `msg_…`.
    MessageId = "msg", "message";
    /// An uploaded file: `att_…`.
    AttachmentId = "att", "attachment";
    /// A canned response: `cnd_…`.
    CannedResponseId = "cnd", "canned response";
    ArticleId = "art", "article";
    /// A team of members: `tem_…`.
    TeamId = "tem", "team";
    /// An automation rule: `rul_…`.
    RuleId = "rul", "rule";
    /// An invitation to a workspace: `inv_…`.
    InviteId = "inv", "invite";
    /// An audit log entry: `aud_…`.
    AuditId = "aud", "audit entry";
    /// A webhook endpoint: `whk_…`.
    WebhookId = "whk", "webhook";
    /// A browser registered for push notifications: `psh_…`.
    PushSubscriptionId = "psh", "push subscription";
    /// A refresh token: `rtk_…`.
    RefreshTokenId = "rtk", "refresh token";
    /// A sign-in session, the family of refresh tokens rotated from one sign-in: `rtf_…`.
    SessionId = "rtf", "session";
    /// A password reset request: `prr_…`.
    PasswordResetId = "prr", "password reset";
    /// A background job: `job_…`.
    JobId = "job", "job";
    /// One webhook delivery (an event to an endpoint): `whd_…`.
    DeliveryId = "whd", "delivery";
    /// A webhook event, shared by its deliveries and redeliveries: `evt_…`.
    EventId = "evt", "event";
    /// An open dashboard tab (its agent feed): `dsh_…`.
    DashboardId = "dsh", "dashboard";
    /// A job worker of a process: `wrk_…`.
    WorkerId = "wrk", "worker";
    /// A server process on the bus: `node_…`.
    NodeId = "node", "node";
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn new_ids_carry_their_prefix_and_parse_back() {
        let id = ConversationId::new();
        assert!(id.as_str().starts_with("cnv_") && id.as_str().len() == 28, "{id}");
        assert_ne!(id, ConversationId::new());
        assert_eq!(ConversationId::parse(id.as_str()).unwrap(), id);
    }

    #[test]
    fn another_kinds_id_is_refused() {
        let visitor = VisitorId::new();
        assert_eq!(ConversationId::parse(visitor.as_str()), Err(WrongId { kind: "conversation" }));
        for bad in ["", "cnv", "cnv_", "cnvx_1", "cnv_a b", "cnv_é", &format!("cnv_{}", "a".repeat(80))] {
            assert!(ConversationId::parse(bad).is_err(), "{bad:?}");
        }
        // `ws` must not accept `wsp_…` or any longer prefix.
        assert!(WorkspaceId::parse("wsp_1").is_err());
        assert!(WorkspaceId::parse("ws_1").is_ok());
    }

    #[test]
    fn prefixes_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        assert!(PREFIXES.iter().all(|p| seen.insert(*p)), "{PREFIXES:?}");
    }

    #[test]
    fn ids_are_json_strings() {
        let id = WidgetId::from_stored("wgt_1".into());
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"wgt_1\"");
        assert_eq!(serde_json::from_str::<WidgetId>("\"wgt_1\"").unwrap(), id);
    }
}
