//! Webhook rules: the event types an endpoint can subscribe to, what an endpoint's URL may
//! be, which network addresses deliveries may reach, how a delivery is signed, and when an
//! endpoint that keeps failing is switched off.

use std::net::IpAddr;

use hmac::{Hmac, Mac as _};
use ipnet::IpNet;
use sha2::Sha256;

use super::Violations;

/// Endpoints one workspace may have.
pub const MAX_WEBHOOKS: usize = 10;
/// Longest endpoint URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 200;
/// Attempts per delivery before it is failed; with the job backoff (10 s doubling to an
/// hour) they span about four hours.
pub const MAX_ATTEMPTS: i32 = 12;
/// Deliveries in a row that failed after their last attempt before the endpoint is
/// disabled (and the owners told): the receiver has been failing for hours.
pub const DISABLE_AFTER_FAILED_IN_A_ROW: i32 = 5;
/// How much of a receiver's response body the delivery log keeps, in bytes.
pub const RESPONSE_EXCERPT_BYTES: usize = 1024;
/// How old a signature's timestamp may be before receivers should refuse it (documented in
/// the README and the payload reference; receivers enforce it).
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// What an endpoint can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    ConversationCreated,
    ConversationAssigned,
    ConversationResolved,
    ConversationClosed,
    ConversationRated,
    MessageCreated,
    VisitorIdentified,
    /// "Send test" from the dashboard; never subscribed to.
    Test,
}

impl EventType {
    /// The types an endpoint may subscribe to, in the order the dashboard lists them.
    pub const SUBSCRIBABLE: [EventType; 7] = [
        EventType::ConversationCreated,
        EventType::ConversationAssigned,
        EventType::ConversationResolved,
        EventType::ConversationClosed,
        EventType::ConversationRated,
        EventType::MessageCreated,
        EventType::VisitorIdentified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ConversationCreated => "conversation.created",
            EventType::ConversationAssigned => "conversation.assigned",
            EventType::ConversationResolved => "conversation.resolved",
            EventType::ConversationClosed => "conversation.closed",
            EventType::ConversationRated => "conversation.rated",
            EventType::MessageCreated => "message.created",
            EventType::VisitorIdentified => "visitor.identified",
            EventType::Test => "webhook.test",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::SUBSCRIBABLE.into_iter().chain([EventType::Test]).find(|t| t.as_str() == name)
    }
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its first attempt or a retry.
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Its last attempt failed, or it could not be made (endpoint disabled or refused).
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Succeeded => "succeeded",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [DeliveryState::Pending, DeliveryState::Succeeded, DeliveryState::Failed]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// Checks a subscription list: at least one known type, no test type; duplicates dropped.
pub fn parse_event_types(field: &str, names: &[String], v: &mut Violations) -> Vec<EventType> {
    let mut types = Vec::new();
    for name in names {
        match EventType::parse(name) {
            Some(t) if t != EventType::Test => {
                if !types.contains(&t) {
                    types.push(t);
                }
            }
            _ => {
                let known: Vec<_> = EventType::SUBSCRIBABLE.iter().map(|t| t.as_str()).collect();
                v.add(field, format!("unknown event type {name:?}; known: {}", known.join(", ")));
                return Vec::new();
            }
        }
    }
    if names.is_empty() {
        v.add(field, "choose at least one event type");
    }
    types
}

/// Checks an endpoint URL: absolute http(s) with a host, no credentials, at most
/// [`MAX_URL_BYTES`]. Whether its address may be reached is checked when it is resolved
/// ([`AddressPolicy`]).
pub fn check_url(field: &str, raw: &str, v: &mut Violations) -> Option<url::Url> {
    let raw = raw.trim();
    if raw.is_empty() {
        v.add(field, "enter the URL deliveries are POSTed to");
        return None;
    }
    if raw.len() > MAX_URL_BYTES {
        v.add(field, format!("at most {MAX_URL_BYTES} bytes"));
        return None;
    }
    let url = match url::Url::parse(raw) {
        Ok(url) => url,
        Err(e) => {
            v.add(field, format!("not a URL: {e}"));
            return None;
        }
    };
    if !matches!(url.scheme(), "http" | "https") {
        v.add(field, "must start with https:// (or http://)");
        return None;
    }
    if url.host().is_none() {
        v.add(field, "must name a host");
        return None;
    }
    if !url.username().is_empty() || url.password().is_some() {
        v.add(field, "must not carry a user name or password; the signature authenticates deliveries");
        return None;
    }
    Some(url)
}

/// Which addresses deliveries may connect to: public ones, plus the networks the operator
/// allows (`PORTHOLE_WEBHOOK_ALLOW_NETWORKS`). Anything else — loopback, private, link-local
/// (cloud metadata), shared, multicast, reserved — would let a workspace admin make the
/// server call into its own network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    pub allowed: Vec<IpNet>,
}

impl AddressPolicy {
    /// Whether a delivery may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.allowed.iter().any(|net| net.contains(&ip)) || is_public(ip)
    }
}

/// An IPv4 address written as IPv6 (mapped or NAT64) is judged as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            // 64:ff9b::/96, the NAT64 well-known prefix.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d));
            }
            IpAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// Globally routable unicast (the standard library's `is_global` is not stable).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
                || (a == 192 && b == 0 && v4.octets()[2] == 0) // IETF protocol assignments
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240) // reserved
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0100 && v6.segments()[1..4] == [0, 0, 0]) // discard
        }
    }
}

/// The `Porthole-Signature` header of a body sent at `timestamp` (Unix seconds):
/// `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the secret>`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length, so this never fails; an empty key signs nothing.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// What a receiver does to check a delivery (the README's snippet in Rust; tests use it
/// as a receiver would): the signature matches and its timestamp is within the window.
pub fn verify(secret: &str, header: &str, body: &str, now_secs: i64) -> bool {
    let mut timestamp = None;
    let mut given = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => given.push(sig),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return false };
    if (now_secs - t).abs() > REPLAY_WINDOW_SECS {
        return false;
    }
    let expected = signature(secret, t, body);
    let expected = expected.rsplit_once("v1=").map(|(_, s)| s).unwrap_or_default();
    given.iter().any(|sig| constant_time_eq(sig.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused_unless_allowed() {
        let policy = AddressPolicy::default();
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "ff02::1",
        ] {
            assert!(!policy.permits(refused.parse().unwrap()), "{refused} must be refused");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(policy.permits(public.parse().unwrap()), "{public} must be permitted");
        }
        let loopback = AddressPolicy { allowed: vec!["127.0.0.0/8".parse().unwrap()] };
        assert!(loopback.permits("127.0.0.1".parse().unwrap()));
        assert!(loopback.permits("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!loopback.permits("10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn urls_must_be_http_with_a_host_and_no_credentials() {
        let check = |raw: &str| {
            let mut v = Violations::default();
            let url = check_url("url", raw, &mut v);
            (url.is_some(), v.into_result(()).is_ok())
        };
        assert_eq!(check("https://hooks.example.com/porthole"), (true, true));
        assert_eq!(check("http://127.0.0.1:9000/x"), (true, true));
        for bad in ["", "ftp://x.example", "https://user:pw@x.example/", "not a url", "file:///etc/passwd"] {
            assert_eq!(check(bad), (false, false), "{bad:?}");
        }
        assert_eq!(check(&format!("https://x.example/{}", "a".repeat(MAX_URL_BYTES))), (false, false));
    }

    #[test]
    fn event_types_parse_and_refuse_unknown_or_none() {
        let mut v = Violations::default();
        let types = parse_event_types(
            "event_types",
            &["message.created".into(), "message.created".into(), "conversation.rated".into()],
            &mut v,
        );
        assert_eq!(types, [EventType::MessageCreated, EventType::ConversationRated]);
        assert!(v.into_result(()).is_ok());
        for bad in [vec![], vec!["webhook.test".to_owned()], vec!["message.deleted".to_owned()]] {
            let mut v = Violations::default();
            parse_event_types("event_types", &bad, &mut v);
            assert!(v.into_result(()).is_err(), "{bad:?}");
        }
        for t in EventType::SUBSCRIBABLE {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn signatures_verify_within_the_window_only() {
        let header = signature("whsec_k", 1_700_000_000, r#"{"a":1}"#);
        assert!(header.starts_with("t=1700000000,v1="));
        assert!(verify("whsec_k", &header, r#"{"a":1}"#, 1_700_000_100));
        assert!(!verify("whsec_k", &header, r#"{"a":2}"#, 1_700_000_100), "body changed");
        assert!(!verify("whsec_other", &header, r#"{"a":1}"#, 1_700_000_100), "other secret");
        assert!(!verify("whsec_k", &header, r#"{"a":1}"#, 1_700_000_000 + REPLAY_WINDOW_SECS + 1), "too old");
        // Known answer, so that receivers in other languages can check their code.
        assert_eq!(
            signature("secret", 1, "body"),
            "t=1,v1=842b24d9575dee4b6ec460b7e3af7d683501d84fe6279102340787c79d2e2bab"
        );
    }
}
