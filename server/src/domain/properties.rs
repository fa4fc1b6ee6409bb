//! Property tests (test-only) of every rule that reads client input: the checks in
//! `domain/`, page sizes and page tokens, and the feed cursor (`realtime::feed`). For any
//! input, hostile text included (NUL, controls, multi-byte, right-to-left, combining marks,
//! huge), none panics; valid input is accepted; round trips hold; limits bound the output.
//!
//! Failures are not persisted to `proptest-regressions/` files: a failing case that matters
//! becomes an ordinary unit test beside the rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone as _, Utc};
use hmac::{Hmac, Mac as _};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use sha2::Sha256;

use super::Violations;
use super::account::{self, Role};
use super::canned;
use super::conversation::{self, MessageToSend, Priority, Sender, Status};
use super::page::{self, PageSize};
use super::routing::{AgentStatus, Mode, Responder};
use super::visitor;
use super::widget::{self, BusinessHours, ColorScheme, DayHours, Handler, Position, PreChatField, WidgetSettings};
use crate::error::Error;
use crate::realtime::feed::parse_cursor;

/// 256 cases each (proptest's default), never written to disk.
fn config() -> ProptestConfig {
    cases(256)
}

/// `n` cases, for the properties whose cases are expensive (many long strings each).
fn cases(n: u32) -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(n) }
}

/// Characters that break naive text handling: NUL and other controls, Unicode white space,
/// multi-byte letters (some that change length when lower-cased), right-to-left marks and
/// script, combining accents, joiners, emoji, the highest code point, and the separators
/// the rules split on.
const HOSTILE: &[char] = &[
    '\0',
    '\u{1}',
    '\u{1b}',
    '\t',
    '\n',
    '\r',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    ' ',
    '\u{a0}',
    '\u{2028}',
    '\u{3000}',
    '\u{feff}',
    'a',
    'z',
    'A',
    'Z',
    '0',
    '9',
    '.',
    '@',
    '#',
    ':',
    '/',
    '*',
    '-',
    '_',
    '+',
    '%',
    '"',
    '\'',
    ',',
    'é',
    'ß',
    'İ',
    'ﬃ',
    'Σ',
    '\u{301}',
    '\u{200d}',
    '\u{200f}',
    '\u{202e}',
    'א',
    'ع',
    '中',
    '😀',
    '\u{fffd}',
    '\u{10ffff}',
];

/// Any text: mostly short mixes of [`HOSTILE`] characters, some arbitrary printable
/// Unicode, some long runs of one character (up to 30,000).
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        6 => vec(select(HOSTILE), 0..80).prop_map(String::from_iter),
        2 => any::<String>(),
        1 => vec(select(HOSTILE), 0..3000).prop_map(String::from_iter),
        1 => (select(HOSTILE), 0..30_000_usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
    .boxed()
}

/// The fields `violations` recorded, in order.
fn fields(violations: &Violations) -> Vec<&str> {
    violations.0.iter().map(|v| v.field.as_str()).collect()
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

// --- account -----------------------------------------------------------------------------

/// A well-formed address in any ASCII case, with white space around it.
fn email() -> impl Strategy<Value = String> {
    "[ \t]{0,2}[A-Za-z0-9._%+-]{1,30}@[A-Za-z0-9-]{1,20}(\\.[A-Za-z0-9-]{1,10}){1,3}[ \t]{0,2}"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn emails_are_normalised_and_checked(input in prop_oneof![text(), email()]) {
        let mut v = Violations::default();
        let email = account::normalize_email("email", &input, &mut v);
        prop_assert_eq!(&email, &input.trim().to_lowercase());
        if v.0.is_empty() {
            prop_assert!(account::is_email(&email));
            prop_assert!(email.len() <= 254 && email.matches('@').count() == 1);
            prop_assert!(!email.chars().any(|c| c.is_whitespace() || c.is_control()), "{email:?}");
        } else {
            prop_assert_eq!(fields(&v), ["email"]);
        }
    }

    #[test]
    fn well_formed_emails_are_accepted(input in email()) {
        let mut v = Violations::default();
        let email = account::normalize_email("email", &input, &mut v);
        prop_assert!(v.0.is_empty(), "{input:?}");
        prop_assert_eq!(email, input.trim().to_ascii_lowercase());
    }

    #[test]
    fn passwords_are_refused_exactly_outside_their_length(password in prop_oneof![
        text(),
        vec(any::<char>(), account::MIN_PASSWORD_CHARS..=account::MAX_PASSWORD_CHARS).prop_map(String::from_iter),
    ]) {
        let mut v = Violations::default();
        account::check_password("password", &password, &mut v);
        let n = chars(&password);
        let valid = (account::MIN_PASSWORD_CHARS..=account::MAX_PASSWORD_CHARS).contains(&n);
        prop_assert_eq!(v.0.is_empty(), valid, "{} characters", n);
    }

    #[test]
    fn names_are_trimmed_and_bounded(name in text(), max in 0..300_usize) {
        let mut v = Violations::default();
        let out = account::check_name("display_name", &name, max, &mut v);
        prop_assert_eq!(out.as_str(), name.trim());
        let valid = !out.is_empty() && chars(&out) <= max && !out.chars().any(char::is_control);
        prop_assert_eq!(v.0.is_empty(), valid);
        if !valid {
            prop_assert_eq!(fields(&v), ["display_name"]);
        }
    }

    /// What the stored names of every enum parse from: exactly their own names.
    #[test]
    fn named_values_parse_only_their_names(name in prop_oneof![
        text(),
        select(&["owner", "admin", "agent", "pending", "active", "waiting", "resolved", "closed", "low", "normal",
                 "high", "urgent", "visitor", "bot", "system", "least_loaded", "round_robin", "manual", "online",
                 "away", "busy", "offline", "agents", "workflow", " owner", "Owner"][..]).prop_map(String::from),
    ]) {
        let name = name.as_str();
        prop_assert!(Role::parse(name).is_none_or(|r| r.as_str() == name));
        prop_assert!(Status::parse(name).is_none_or(|s| s.as_str() == name));
        prop_assert!(Priority::parse(name).is_none_or(|p| p.as_str() == name));
        prop_assert!(Sender::parse(name).is_none_or(|s| s.as_str() == name));
        prop_assert!(Mode::parse(name).is_none_or(|m| m.as_str() == name));
        prop_assert!(AgentStatus::parse(name).is_none_or(|s| s.as_str() == name));
        prop_assert!(Responder::parse(name).is_none_or(|r| r.as_str() == name));
    }
}

// --- canned responses --------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// A model's answer is text from outside: citing never panics, cites each source once,
    /// and every marker left in the answer names a citation.
    #[test]
    fn citations_hold_whatever_the_model_wrote(
        answer in prop_oneof![text(), "([a-z ]{0,5}\\[[0-9, ]{0,5}\\]?){0,8}"],
        sources in 0_usize..5,
    ) {
        let (text, order) = crate::domain::bot::cite(&answer, sources);
        prop_assert!(order.iter().all(|&i| i < sources));
        let mut unique = order.clone();
        unique.sort_unstable();
        unique.dedup();
        prop_assert_eq!(unique.len(), order.len());
        let (again, order_again) = crate::domain::bot::cite(&text, order.len());
        prop_assert_eq!(&again, &text, "renumbered markers are already in order");
        prop_assert_eq!(order_again, (0..order.len()).collect::<Vec<_>>());
    }

    #[test]
    fn shortcuts_are_refused_unless_short_and_plain(shortcut in prop_oneof![text(), "[ ]{0,2}[a-z0-9_-]{1,32}[ ]{0,2}"]) {
        let mut v = Violations::default();
        let out = canned::check_shortcut("shortcut", &shortcut, &mut v);
        prop_assert_eq!(out.as_str(), shortcut.trim());
        let valid = (1..=canned::MAX_SHORTCUT_CHARS).contains(&chars(&out)) && out.chars().all(canned::is_shortcut_char);
        prop_assert_eq!(v.0.is_empty(), valid, "{:?}", out);
    }

    #[test]
    fn titles_and_bodies_are_bounded(title in text(), body in text()) {
        let mut v = Violations::default();
        let out = canned::check_title("title", &title, &mut v);
        prop_assert_eq!(out.as_str(), title.trim());
        let valid = chars(&out) <= canned::MAX_TITLE_CHARS && !out.chars().any(char::is_control);
        prop_assert_eq!(v.0.is_empty(), valid);

        let mut v = Violations::default();
        let out = canned::check_body("body", &body, &mut v);
        prop_assert_eq!(&out, &body, "bodies are kept verbatim");
        let valid = !body.trim().is_empty() && chars(&body) <= canned::MAX_BODY_CHARS;
        prop_assert_eq!(v.0.is_empty(), valid);
    }
}

// --- conversations and messages ----------------------------------------------------------

fn sender() -> impl Strategy<Value = Sender> {
    select(&[Sender::Visitor, Sender::Agent, Sender::Bot, Sender::System][..])
}

fn status() -> impl Strategy<Value = Status> {
    select(&[Status::Pending, Status::Active, Status::Waiting, Status::Resolved, Status::Closed][..])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn messages_are_checked_before_anything_is_written(
        body in text(),
        client_key in prop_oneof![text(), "[a-f0-9-]{36}"],
        attachments in 0..(conversation::MAX_ATTACHMENTS + 5),
        internal in any::<bool>(),
        sender in sender(),
    ) {
        let message = MessageToSend {
            workspace_id: "wsp_1".into(),
            conversation_id: "cnv_1".into(),
            visitor_id: None,
            sender,
            sender_id: "usr_1".into(),
            sender_name: None,
            body: body.clone(),
            internal,
            attachment_ids: (0..attachments).map(|i| format!("att_{i}")).collect(),
            client_key: client_key.clone(),
            message_id: "msg_1".into(),
            now: 0,
            notify: Vec::new(),
            while_bot: false,
            citations: Vec::new(),
            quick_replies: Vec::new(),
        };
        let valid = chars(&body) <= conversation::MAX_BODY_CHARS
            && (!body.trim().is_empty() || attachments > 0)
            && (1..=conversation::MAX_CLIENT_KEY_CHARS).contains(&chars(&client_key))
            && attachments <= conversation::MAX_ATTACHMENTS
            && !(internal && sender == Sender::Visitor);
        match message.check() {
            Ok(()) => prop_assert!(valid),
            Err(Error::InvalidArgument(list)) => prop_assert!(!valid && !list.is_empty()),
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn tags_are_counted_first_then_trimmed_unique_and_bounded(
        requested in prop_oneof![
            4 => vec(prop_oneof![text(), "[ ]?[a-z]{1,8}[ ]?"], 0..(conversation::MAX_TAGS + 3)),
            1 => (prop_oneof![text(), Just("vip".to_owned())], (conversation::MAX_TAGS + 1)..5000)
                .prop_map(|(tag, n)| vec![tag; n]),
        ],
    ) {
        let mut v = Violations::default();
        let tags = conversation::tags(&requested, &mut v);
        if requested.len() > conversation::MAX_TAGS {
            // Refused on the count alone: no tag was looked at.
            prop_assert!(tags.is_empty());
            prop_assert_eq!(fields(&v), ["tags"]);
            return Ok(());
        }
        prop_assert!(tags.len() <= conversation::MAX_TAGS);
        for (i, tag) in tags.iter().enumerate() {
            prop_assert!((1..=conversation::MAX_TAG_CHARS).contains(&chars(tag)), "{tag:?}");
            prop_assert!(tag.trim() == tag && !tag.chars().any(char::is_control), "{tag:?}");
            prop_assert!(!tags[..i].contains(tag), "repeated {tag:?}");
        }
        let bad = requested
            .iter()
            .map(|t| t.trim())
            .filter(|t| t.is_empty() || chars(t) > conversation::MAX_TAG_CHARS || t.chars().any(char::is_control))
            .count();
        prop_assert_eq!(v.0.len(), bad);
    }

    #[test]
    fn previews_are_one_short_line(body in text(), attachments in 0..20_usize) {
        let preview = conversation::preview(&body, attachments);
        prop_assert!(chars(&preview) <= 141, "{} characters", chars(&preview));
        prop_assert!(!preview.contains('\n'));
        if body.lines().any(|l| !l.trim().is_empty()) {
            prop_assert!(!preview.is_empty());
        }
    }

    /// Whatever the state and event, a closed conversation only leaves "closed" by
    /// reopening, and nothing but `close` closes one.
    #[test]
    fn the_state_machine_never_closes_by_accident(
        from in status(), sender in sender(), internal in any::<bool>(), assigned in any::<bool>(),
    ) {
        let closed = from == Status::Closed;
        let after = [
            conversation::after_message(from, sender, internal, assigned),
            conversation::after_assignment(from, assigned),
            conversation::resolve(from),
        ];
        for next in after {
            prop_assert!(!closed || next.is_err());
            prop_assert_ne!(next.ok(), Some(Status::Closed));
        }
        prop_assert_eq!(conversation::close(from).is_ok(), !closed);
        if let Ok(reopened) = conversation::reopen(from, assigned) {
            prop_assert!(reopened.is_open());
        }
    }
}

// --- visitors ----------------------------------------------------------------------------

fn hmac_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn clipped_text_is_a_bounded_prefix(input in text(), max in 0..3000_usize) {
        let out = visitor::clip(&input, max);
        prop_assert!(chars(&out) <= max);
        prop_assert!(input.trim().starts_with(&out));
    }

}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn attributes_stay_within_their_limits(
        current in prop_oneof![
            Just("{}".to_owned()),
            text(),
            vec(("[a-z]{1,10}", "[a-z0-9]{1,20}"), 0..60)
                .prop_map(|pairs| serde_json::to_string(&pairs.into_iter().collect::<std::collections::BTreeMap<_, _>>()).unwrap()),
        ],
        changes in vec((prop_oneof![text(), "[a-z_]{1,10}"], prop_oneof![text(), "[a-z0-9 ]{0,20}"]), 0..80),
    ) {
        let mut v = Violations::default();
        let merged = visitor::merge_attributes(&current, changes.clone(), &mut v);
        let map: std::collections::BTreeMap<String, String> = serde_json::from_str(&merged).unwrap();
        if v.0.is_empty() {
            prop_assert!(map.len() <= visitor::MAX_ATTRIBUTES);
            // The last change of a key wins; an empty value removes it.
            let last: std::collections::BTreeMap<&str, &String> =
                changes.iter().map(|(k, value)| (k.trim(), value)).collect();
            for (key, value) in last {
                prop_assert_eq!(map.get(key), (!value.is_empty()).then_some(value), "{:?}", key);
            }
        }
        for (key, value) in &map {
            // Only what was already stored or just accepted: every key and value is bounded
            // unless `current` brought it.
            if changes.iter().any(|(k, _)| k.trim() == key) {
                prop_assert!((1..=64).contains(&chars(key)) && !key.chars().any(char::is_control));
                prop_assert!((1..=1000).contains(&chars(value)));
            }
        }
    }

}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn identity_hashes_verify_exactly(
        secret in prop_oneof![text(), "[a-zA-Z0-9]{32}"],
        external_id in text(),
        garbage in text(),
        flip in 0..64_usize,
        upper in any::<bool>(),
    ) {
        let hash = hmac_hex(&secret, &external_id);
        let shown = if upper { format!(" {} ", hash.to_uppercase()) } else { hash.clone() };
        prop_assert!(visitor::identity_verified(&secret, &external_id, &shown));
        let mut wrong = hash.into_bytes();
        wrong[flip] = if wrong[flip] == b'0' { b'1' } else { b'0' };
        prop_assert!(!visitor::identity_verified(&secret, &external_id, &String::from_utf8(wrong).unwrap()));
        // Garbage never verifies (it cannot be 64 hex digits of the right MAC by chance).
        prop_assert!(!visitor::identity_verified(&secret, &external_id, &garbage));
    }

    #[test]
    fn user_agents_never_break_the_parser(user_agent in prop_oneof![
        text(),
        "Mozilla/5\\.0 \\([A-Za-z0-9 ;._/]{0,60}\\) [A-Za-z]{1,10}/[0-9.]{1,12}( [A-Za-z]{1,10}/[0-9.]{1,12}){0,3}",
    ]) {
        let (browser, os) = visitor::browser_and_os(&user_agent);
        // Names come from woothee's table, versions from the text itself.
        prop_assert!(browser.len() <= user_agent.len() + 64 && os.len() <= user_agent.len() + 64);
    }

    #[test]
    fn visits_start_at_one_of_the_given_times(
        started in any::<i64>(), seen in any::<i64>(), now in any::<i64>(), timeout in any::<i64>(),
    ) {
        let start = visitor::visit_start(started, seen, now, timeout);
        prop_assert!(start == now || start == started);
    }
}

// --- pages, page tokens and feed cursors -------------------------------------------------

const PAGE_SIZES: [PageSize; 4] = [page::CONVERSATIONS, page::MESSAGES, page::LIVE_VISITORS, page::PAGE_VIEWS];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn page_sizes_are_within_their_maximum(
        size in select(&PAGE_SIZES[..]),
        requested in prop_oneof![any::<i32>(), -5..600_i32],
    ) {
        let mut v = Violations::default();
        let n = size.parse("page_size", requested, &mut v);
        prop_assert!((1..=i64::from(size.max)).contains(&n));
        let valid = (0..=size.max).contains(&requested);
        prop_assert_eq!(v.0.is_empty(), valid);
        prop_assert_eq!(n, if valid && requested > 0 { i64::from(requested) } else { i64::from(size.default) });
        prop_assert_eq!(size.checked("page_size", requested).ok(), valid.then_some(n));
        if !valid {
            prop_assert_eq!(fields(&v), ["page_size"]);
        }
    }

    #[test]
    fn page_tokens_round_trip(at in any::<i64>(), text_id in text(), number_id in any::<i64>()) {
        let mut v = Violations::default();
        prop_assert_eq!(page::after("page_token", &page::token(at, &text_id), &mut v), Some((at, text_id)));
        prop_assert_eq!(page::after("page_token", &page::token(at, number_id), &mut v), Some((at, number_id)));
        prop_assert!(v.0.is_empty());
    }

    /// Any text is the first page (empty), a position, or a violation on `page_token`;
    /// a position read from a foreign spelling (`+5.x`, `007.x`) continues where this
    /// server's own token for it would.
    #[test]
    fn page_tokens_of_any_text_are_a_position_or_a_violation(token in prop_oneof![
        text(),
        "[+-]?[0-9]{0,25}\\.[a-z_0-9.]{0,12}",
    ]) {
        for numeric in [false, true] {
            let mut v = Violations::default();
            let position = if numeric {
                page::after::<i64>("page_token", &token, &mut v).map(|(at, id)| (at, id.to_string()))
            } else {
                page::after::<String>("page_token", &token, &mut v)
            };
            match position {
                None if token.is_empty() => prop_assert!(v.0.is_empty()),
                None => prop_assert_eq!(fields(&v), ["page_token"]),
                Some((at, id)) => {
                    prop_assert!(v.0.is_empty());
                    if !numeric {
                        let mut again = Violations::default();
                        prop_assert_eq!(
                            page::after::<String>("page_token", &page::token(at, &id), &mut again),
                            Some((at, id))
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn cursors_of_any_text_are_a_position_or_invalid_argument(cursor in prop_oneof![
        text(),
        "[ ]?[+-]?[0-9]{1,25}[ ]?",
    ]) {
        match parse_cursor(&cursor) {
            Ok(None) => prop_assert!(cursor.trim().is_empty()),
            Ok(Some(seq)) => {
                prop_assert!(seq >= 0);
                prop_assert_eq!(cursor.trim().parse::<i64>().ok(), Some(seq));
            }
            Err(Error::InvalidArgument(list)) => {
                prop_assert_eq!(list.len(), 1);
                prop_assert_eq!(list[0].field.as_str(), "cursor");
                prop_assert!(!cursor.trim().parse::<i64>().is_ok_and(|n| n >= 0));
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn cursors_round_trip(seq in 0..=i64::MAX, pad in "[ \t]{0,2}", negative in i64::MIN..0) {
        prop_assert_eq!(parse_cursor(&seq.to_string()).ok(), Some(Some(seq)));
        prop_assert_eq!(parse_cursor(&format!("{pad}{seq}{pad}")).ok(), Some(Some(seq)));
        let status = tonic::Status::from(parse_cursor(&negative.to_string()).unwrap_err());
        prop_assert_eq!(status.code(), tonic::Code::InvalidArgument);
    }
}

// --- widget settings ---------------------------------------------------------------------

fn valid_color() -> BoxedStrategy<String> {
    "[ ]?#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})[ ]?".boxed()
}

fn valid_domain() -> BoxedStrategy<String> {
    "[ ]?(\\*\\.)?[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?(\\.[a-z0-9]{1,10}){0,2}(:[1-9][0-9]{0,3})?[ ]?".boxed()
}

/// `HH:MM` of a minute from 0 to 1440 (`24:00`).
fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn valid_day() -> BoxedStrategy<DayHours> {
    (any::<bool>(), 0..1440_u32)
        .prop_flat_map(|(enabled, start)| (Just(enabled), Just(start), (start + 1)..=1440))
        .prop_map(|(enabled, start, end)| DayHours { enabled, start: hhmm(start), end: hhmm(end) })
        .boxed()
}

fn any_day() -> BoxedStrategy<DayHours> {
    let time = prop_oneof![text(), "[0-9+ -]{1,3}:[0-9+ -]{1,3}", (0..1500_u32).prop_map(hhmm)];
    (any::<bool>(), time.clone(), time).prop_map(|(enabled, start, end)| DayHours { enabled, start, end }).boxed()
}

fn time_zone() -> BoxedStrategy<String> {
    select(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name().to_owned()).collect::<Vec<_>>()).boxed()
}

fn color_scheme() -> impl Strategy<Value = ColorScheme> {
    select(&[ColorScheme::Auto, ColorScheme::Light, ColorScheme::Dark][..])
}

fn position() -> impl Strategy<Value = Position> {
    select(&[Position::BottomRight, Position::BottomLeft, Position::TopRight, Position::TopLeft][..])
}

fn handler() -> impl Strategy<Value = Handler> {
    // `Workflow` needs flow steps (refused without; `domain::flow` tests the flows).
    select(&[Handler::Agent, Handler::AiBot, Handler::Hybrid][..])
}

fn pre_chat() -> impl Strategy<Value = PreChatField> {
    select(&[PreChatField::Hidden, PreChatField::Optional, PreChatField::Required][..])
}

/// Settings built from `string`, `day` and `domain` values, with any numbers and choices.
fn settings(
    string: impl Strategy<Value = String> + Clone,
    color: impl Strategy<Value = String> + Clone,
    day: impl Strategy<Value = DayHours> + Clone,
    zone: impl Strategy<Value = String>,
    domains: impl Strategy<Value = Vec<String>>,
    radius: impl Strategy<Value = u32>,
    launcher: impl Strategy<Value = u32>,
) -> impl Strategy<Value = WidgetSettings> {
    let appearance =
        (color.clone(), color, position(), radius, launcher, string.clone(), any::<bool>(), color_scheme());
    let texts = (string.clone(), string.clone(), string.clone(), string);
    let hours =
        (any::<bool>(), zone, [day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), day]);
    let behavior = (pre_chat(), pre_chat(), any::<bool>(), 0..=widget::MAX_REOPEN_WITHIN_MINUTES);
    (appearance, texts, hours, behavior, domains, handler()).prop_map(
        |(
            (primary, text_color, position, radius, launcher, logo, branding, color_scheme),
            texts,
            hours,
            behavior,
            domains,
            handler,
        )| {
            WidgetSettings {
                appearance: widget::Appearance {
                    primary_color: primary,
                    text_color,
                    position,
                    border_radius: radius,
                    launcher_size: launcher,
                    logo_url: logo,
                    font_family: String::new(),
                    show_branding: branding,
                    color_scheme,
                },
                texts: widget::Texts {
                    welcome_title: texts.0,
                    welcome_message: texts.1,
                    input_placeholder: texts.2,
                    offline_message: texts.3,
                },
                behavior: widget::Behavior {
                    pre_chat_name: behavior.0,
                    pre_chat_email: behavior.1,
                    sound_enabled: behavior.2,
                    reopen_within_minutes: behavior.3,
                },
                business_hours: BusinessHours { enabled: hours.0, time_zone: hours.1, days: hours.2 },
                allowed_domains: domains,
                handler,
                bot: widget::Bot::default(),
                team_id: None,
                flow: Default::default(),
            }
        },
    )
}

fn any_settings() -> impl Strategy<Value = (WidgetSettings, String)> {
    let settings = settings(
        text(),
        prop_oneof![text(), valid_color()],
        any_day(),
        prop_oneof![text(), time_zone()],
        prop_oneof![4 => vec(prop_oneof![text(), valid_domain()], 0..8), 1 => vec(valid_domain(), 45..60)],
        prop_oneof![any::<u32>(), 0..40_u32],
        prop_oneof![any::<u32>(), 30..100_u32],
    );
    (settings, prop_oneof![text(), "[A-Za-z ,'\"-]{0,40}", "[a-z]{0,250}"])
}

fn valid_settings() -> impl Strategy<Value = WidgetSettings> {
    let texts = vec(select(HOSTILE), 0..=500).prop_map(String::from_iter);
    let logo = prop_oneof![
        Just(String::new()),
        "https://[a-z]{1,10}\\.example/[a-z0-9/]{0,20}",
        "/([a-z0-9][a-z0-9/]{0,20})?"
    ];
    let font = "[A-Za-z0-9 ,'\"-]{0,200}";
    (
        settings(texts, valid_color(), valid_day(), time_zone(), vec(valid_domain(), 0..=50), 0..=32_u32, 40..=96_u32),
        logo,
        font,
    )
        .prop_map(|(mut settings, logo, font)| {
            settings.appearance.logo_url = logo;
            settings.appearance.font_family = font;
            settings
        })
}

fn is_normal_color(color: &str) -> bool {
    color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn widget_settings_that_pass_are_within_every_limit((settings, font) in any_settings()) {
        let mut settings = settings;
        settings.appearance.font_family = font;
        let mut v = Violations::default();
        let checked = settings.clone().validate("settings", &mut v);
        prop_assert!(fields(&v).iter().all(|f| f.starts_with("settings.")), "{:?}", fields(&v));
        if !v.0.is_empty() {
            return Ok(());
        }
        let a = &checked.appearance;
        prop_assert!(is_normal_color(&a.primary_color) && is_normal_color(&a.text_color));
        prop_assert!(a.border_radius <= 32 && (40..=96).contains(&a.launcher_size));
        prop_assert!(a.font_family.len() <= 200);
        let t = &checked.texts;
        for text in [&t.welcome_title, &t.welcome_message, &t.input_placeholder, &t.offline_message] {
            prop_assert!(chars(text) <= 500);
        }
        prop_assert!(checked.allowed_domains.len() <= 50);
        for domain in &checked.allowed_domains {
            prop_assert!(!domain.is_empty() && domain.len() <= 2 + 253 + 6, "{domain:?}");
            prop_assert_eq!(domain, &domain.trim().to_lowercase());
            prop_assert!(domain.chars().all(|c| c.is_ascii_alphanumeric() || ".-:*".contains(c)), "{domain:?}");
        }
        let hours = &checked.business_hours;
        if hours.enabled {
            prop_assert!(hours.time_zone.parse::<chrono_tz::Tz>().is_ok());
        }
        for day in hours.days.iter().filter(|d| d.enabled) {
            let (start, end) = (widget::parse_hhmm(&day.start), widget::parse_hhmm(&day.end));
            prop_assert!(matches!((start, end), (Some(s), Some(e)) if s < e && e <= 1440), "{day:?}");
        }
        // Checking again changes nothing: what is stored is already normal.
        let mut again = Violations::default();
        prop_assert_eq!(checked.clone().validate("settings", &mut again), checked);
        prop_assert!(again.0.is_empty());
    }

    #[test]
    fn valid_widget_settings_are_accepted(settings in valid_settings()) {
        let mut v = Violations::default();
        let checked = settings.clone().validate("settings", &mut v);
        prop_assert!(v.0.is_empty(), "{:?}", v.0);
        prop_assert_eq!(checked.appearance.position, settings.appearance.position);
        prop_assert_eq!(&checked.texts, &settings.texts);
    }

}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn times_of_day_round_trip(minute in 0..=1440_u32, junk in text()) {
        prop_assert_eq!(widget::parse_hhmm(&hhmm(minute)), Some(minute));
        prop_assert!(widget::parse_hhmm(&junk).is_none_or(|m| m <= 1440));
    }

    /// The doc says `HH:MM`; Rust's integer parsing also takes a sign, so `+9:+5` passed
    /// as 09:05 and was stored as typed.
    #[test]
    fn only_two_digit_times_parse(time in prop_oneof![text(), "[+0-2][+0-9]:[+0-5][+0-9]"]) {
        if widget::parse_hhmm(&time).is_some() {
            let digits = time.len() == 5 && time.bytes().enumerate().all(|(i, b)| if i == 2 { b == b':' } else { b.is_ascii_digit() });
            prop_assert!(digits, "{:?} parsed", time);
        }
    }

    #[test]
    fn origins_match_their_patterns(
        host in "([a-z0-9]{1,10}\\.){0,2}[a-z][a-z0-9]{0,9}",
        port in 1..=u16::MAX,
        other_port in 1..=u16::MAX,
        scheme in select(&["http", "https"][..]),
        origin in text(),
        patterns in vec(prop_oneof![text(), valid_domain()], 0..5),
    ) {
        let p = |s: String| vec![s];
        let full = format!("{scheme}://{host}:{port}");
        let (with_port, with_other_port) = (format!("{host}:{port}"), format!("{host}:{other_port}"));
        let (subdomains, subdomain) = (format!("*.{host}"), format!("{scheme}://www.{host}:{port}"));
        prop_assert!(widget::origin_allowed(&full, &p(host.clone())));
        prop_assert!(widget::origin_allowed(&full, &p(with_port)));
        prop_assert_eq!(widget::origin_allowed(&full, &p(with_other_port)), port == other_port);
        prop_assert!(!widget::origin_allowed(&full, &p(subdomains.clone())));
        prop_assert!(widget::origin_allowed(&subdomain, &p(subdomains)));
        prop_assert!(widget::origin_allowed(&origin, &[]));
        // Any origin against any patterns: an answer, never a panic.
        let _ = widget::origin_allowed(&origin, &patterns);
    }

    #[test]
    fn business_hours_answer_for_any_settings_and_instant(
        enabled in any::<bool>(),
        zone in prop_oneof![text(), time_zone()],
        days in [any_day(), any_day(), any_day(), any_day(), any_day(), any_day(), any_day()],
        seconds in -5_000_000_000_i64..10_000_000_000,
    ) {
        let hours = BusinessHours { enabled, time_zone: zone, days };
        let now: DateTime<Utc> = Utc.timestamp_opt(seconds, 0).single().unwrap();
        let open = super::hours::is_open(&hours, now);
        prop_assert!(enabled || open, "disabled hours are always open");
    }
}
