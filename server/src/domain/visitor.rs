//! Visitor rules: identity verification, attributes, and what a user agent says.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Violations;

/// Most custom attributes a visitor may carry.
pub const MAX_ATTRIBUTES: usize = 50;
const MAX_ATTRIBUTE_KEY: usize = 64;
const MAX_ATTRIBUTE_VALUE: usize = 1000;
/// Longest URL or referrer kept.
pub const MAX_URL_CHARS: usize = 2000;
/// Longest page title kept.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest visitor name.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest id of the site's own user (identity verification).
pub const MAX_EXTERNAL_ID_CHARS: usize = 200;
/// Longest user agent, language tag and time zone kept (longer ones are cut).
pub const MAX_USER_AGENT_CHARS: usize = 1000;
pub const MAX_LANGUAGE_CHARS: usize = 35;
pub const MAX_TIME_ZONE_CHARS: usize = 64;

/// Page views kept per visitor: older ones are deleted as new ones arrive, so the history
/// an agent sees is bounded and the table cannot grow without limit.
pub const MAX_PAGE_VIEWS_KEPT: i64 = 100;
/// Default time without any activity after which the next activity starts a new visit
/// (the usual web-analytics session timeout).
pub const DEFAULT_VISIT_TIMEOUT_SECS: u64 = 30 * 60;

/// When the visit that the activity at `now` belongs to started: it continues the current
/// visit (started at `visit_started_at`, last active at `last_seen_at`) unless more than
/// `timeout_ms` passed without activity, or no visit was recorded yet (0).
pub fn visit_start(visit_started_at: i64, last_seen_at: i64, now: i64, timeout_ms: i64) -> i64 {
    if visit_started_at <= 0 || now.saturating_sub(last_seen_at) > timeout_ms { now } else { visit_started_at }
}

/// Whether `user_hash` is hex(HMAC-SHA256(secret, external_id)); compared in constant time.
pub fn identity_verified(secret: &str, external_id: &str, user_hash: &str) -> bool {
    let Ok(expected) = hex::decode(user_hash.trim()) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(external_id.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// Merges `changes` into `current` (an empty value removes the key), checking limits.
pub fn merge_attributes(
    current: &str,
    changes: impl IntoIterator<Item = (String, String)>,
    violations: &mut Violations,
) -> String {
    let mut map: BTreeMap<String, String> = serde_json::from_str(current).unwrap_or_default();
    for (key, value) in changes {
        let key = key.trim().to_owned();
        if key.is_empty() || key.chars().count() > MAX_ATTRIBUTE_KEY || key.chars().any(char::is_control) {
            violations.add(format!("attributes[{key}]"), format!("keys must be 1 to {MAX_ATTRIBUTE_KEY} characters"));
            continue;
        }
        if value.chars().count() > MAX_ATTRIBUTE_VALUE {
            violations
                .add(format!("attributes[{key}]"), format!("values must be at most {MAX_ATTRIBUTE_VALUE} characters"));
            continue;
        }
        if value.is_empty() {
            map.remove(&key);
        } else {
            map.insert(key, value);
        }
    }
    if map.len() > MAX_ATTRIBUTES {
        violations.add("attributes", format!("at most {MAX_ATTRIBUTES} attributes"));
    }
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
}

/// Browser ("Chrome 131") and operating system ("Windows 10") from a user agent.
pub fn browser_and_os(user_agent: &str) -> (String, String) {
    let Some(parsed) = woothee::parser::Parser::new().parse(user_agent) else {
        return (String::new(), String::new());
    };
    let known = |s: &str| if s == woothee::woothee::VALUE_UNKNOWN { String::new() } else { s.to_owned() };
    let major = parsed.version.split('.').next().unwrap_or("");
    let browser = match (known(parsed.name), known(major)) {
        (name, _) if name.is_empty() => String::new(),
        (name, version) if version.is_empty() => name,
        (name, version) => format!("{name} {version}"),
    };
    let os = match (known(parsed.os), known(&parsed.os_version)) {
        (os, _) if os.is_empty() => String::new(),
        // "Windows 10" already names its version (woothee adds "NT 10.0").
        (os, version) if version.is_empty() || os.chars().any(|c| c.is_ascii_digit()) => os,
        (os, version) => format!("{os} {version}"),
    };
    (browser, os)
}

/// Truncates to `max` characters (URLs and titles are informational; cutting beats refusing).
pub fn clip(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_continues_until_a_long_enough_pause() {
        const MIN: i64 = 60_000;
        let timeout = 30 * MIN;
        // Activity within the timeout continues the visit, however long the visit is.
        assert_eq!(visit_start(1_000, 1_000 + 29 * MIN, 1_000 + 59 * MIN, timeout), 1_000);
        // Exactly the timeout still continues it; a millisecond more starts a new one.
        assert_eq!(visit_start(1_000, 5_000, 5_000 + timeout, timeout), 1_000);
        assert_eq!(visit_start(1_000, 5_000, 5_001 + timeout, timeout), 5_001 + timeout);
        // The first activity ever starts one.
        assert_eq!(visit_start(0, 5_000, 6_000, timeout), 6_000);
    }

    #[test]
    fn hmac_identity() {
        // hex(HMAC-SHA256("secret", "user-42")) computed independently (RFC 2104).
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(b"user-42");
        let hash = hex::encode(mac.finalize().into_bytes());
        assert!(identity_verified("secret", "user-42", &hash));
        assert!(identity_verified("secret", "user-42", &hash.to_uppercase()));
        assert!(!identity_verified("secret", "user-43", &hash));
        assert!(!identity_verified("other", "user-42", &hash));
        assert!(!identity_verified("secret", "user-42", "zz"));
        assert!(!identity_verified("secret", "user-42", ""));
    }

    #[test]
    fn attributes_merge() {
        let mut v = Violations::default();
        let merged = merge_attributes(
            r#"{"plan":"pro","old":"x"}"#,
            [("old".into(), String::new()), ("seats".into(), "5".into())],
            &mut v,
        );
        assert_eq!(merged, r#"{"plan":"pro","seats":"5"}"#);
        assert!(v.into_result(()).is_ok());
        let mut v = Violations::default();
        merge_attributes("{}", [(String::new(), "x".into())], &mut v);
        assert!(v.into_result(()).is_err());
    }

    #[test]
    fn user_agents() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(browser_and_os(chrome), ("Chrome 131".to_owned(), "Windows 10".to_owned()));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        let (browser, os) = browser_and_os(iphone);
        assert!(browser.starts_with("Safari"), "{browser}");
        assert!(os.starts_with("iPhone") || os.starts_with("iOS"), "{os}");
        assert_eq!(browser_and_os(""), (String::new(), String::new()));
    }
}
