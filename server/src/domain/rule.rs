//! Rules: automation without AI (`RuleService`). A rule has a trigger, conditions that
//! must all hold and actions. This module holds their shape (stored as JSON), their
//! validation and the matching; `automation` runs them after a visitor's message and the
//! widget runs page-visit rules (proactive messages).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Violations;
use super::conversation::{MAX_TAG_CHARS, Priority};
use super::flow::{MAX_ATTRIBUTE_KEY_CHARS, MAX_ATTRIBUTE_VALUE_CHARS, is_attribute_key};
use super::id::{CannedResponseId, TeamId, UserId};

/// Most rules a workspace has.
pub const MAX_RULES: i64 = 100;
/// Longest rule name.
pub const MAX_NAME_CHARS: usize = 80;
const MAX_PHRASES: usize = 20;
const MAX_PHRASE_CHARS: usize = 100;
/// Longest page URL pattern.
pub const MAX_PATTERN_CHARS: usize = 500;
const MAX_CONDITION_ATTRIBUTES: usize = 10;
const MAX_TIME_ON_PAGE_SECS: u32 = 3600;
/// Longest reply a rule sends.
pub const MAX_REPLY_CHARS: usize = 2000;
const MAX_ADD_TAGS: usize = 10;

/// When a rule is looked at. Stored as its snake-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The first message of a visitor's conversation.
    ConversationStarted,
    /// Every message of the visitor's.
    VisitorMessage,
    /// A page view: a proactive message, run by the widget.
    PageVisit,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::ConversationStarted => "conversation_started",
            Trigger::VisitorMessage => "visitor_message",
            Trigger::PageVisit => "page_visit",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "conversation_started" => Trigger::ConversationStarted,
            "visitor_message" => Trigger::VisitorMessage,
            "page_visit" => Trigger::PageVisit,
            _ => return None,
        })
    }
}

/// Within or outside the widget's business hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursState {
    #[default]
    Any,
    Open,
    Closed,
}

/// What must hold; unset parts always hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Conditions {
    pub message_contains_any: Vec<String>,
    pub page_url_pattern: String,
    pub visitor_attributes: BTreeMap<String, String>,
    pub business_hours: HoursState,
    pub time_on_page_seconds: u32,
    pub returning_visitor_only: bool,
}

/// What a rule does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Actions {
    pub reply: String,
    pub canned_response_id: Option<CannedResponseId>,
    pub add_tags: Vec<String>,
    pub priority: Option<Priority>,
    pub team_id: Option<TeamId>,
    pub assignee_user_id: Option<UserId>,
}

impl Actions {
    fn is_empty(&self) -> bool {
        self.reply.is_empty()
            && self.canned_response_id.is_none()
            && self.add_tags.is_empty()
            && self.priority.is_none()
            && self.team_id.is_none()
            && self.assignee_user_id.is_none()
    }
}

/// A rule as written by an owner, before the store checks the ids it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSpec {
    pub name: String,
    pub enabled: bool,
    pub trigger: Trigger,
    pub conditions: Conditions,
    pub actions: Actions,
}

/// Checks a rule (each violation names its field, e.g. `conditions.page_url_pattern`),
/// trimming texts and dropping repeated phrases and tags. `trigger` is `None` when the
/// request left it unset.
pub fn check(
    name: &str,
    enabled: bool,
    trigger: Option<Trigger>,
    mut conditions: Conditions,
    mut actions: Actions,
    v: &mut Violations,
) -> Option<RuleSpec> {
    let name = super::account::check_name("name", name, MAX_NAME_CHARS, v);
    let Some(trigger) = trigger else {
        v.add("trigger", "choose when the rule runs: conversation started, visitor message or page visit");
        return None;
    };
    let page = trigger == Trigger::PageVisit;

    let c = &mut conditions;
    if c.message_contains_any.len() > MAX_PHRASES {
        v.add("conditions.message_contains_any", format!("at most {MAX_PHRASES} words or phrases"));
    }
    let mut phrases: Vec<String> = Vec::new();
    for (i, phrase) in c.message_contains_any.iter().enumerate() {
        let phrase = phrase.trim().to_lowercase();
        let n = phrase.chars().count();
        if n == 0 || n > MAX_PHRASE_CHARS || phrase.chars().any(char::is_control) {
            v.add(
                format!("conditions.message_contains_any[{i}]"),
                format!("must be 1 to {MAX_PHRASE_CHARS} characters"),
            );
        } else if !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
    }
    c.message_contains_any = phrases;
    c.page_url_pattern = c.page_url_pattern.trim().to_owned();
    let n = c.page_url_pattern.chars().count();
    if n > MAX_PATTERN_CHARS || c.page_url_pattern.chars().any(char::is_control) {
        v.add("conditions.page_url_pattern", format!("must be at most {MAX_PATTERN_CHARS} characters"));
    }
    if c.visitor_attributes.len() > MAX_CONDITION_ATTRIBUTES {
        v.add("conditions.visitor_attributes", format!("at most {MAX_CONDITION_ATTRIBUTES} attributes"));
    }
    for (key, value) in &c.visitor_attributes {
        if !is_attribute_key(key) {
            v.add(
                format!("conditions.visitor_attributes[{key}]"),
                format!("keys are 1 to {MAX_ATTRIBUTE_KEY_CHARS} characters of letters, digits, _, - and ."),
            );
        } else if value.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
            v.add(
                format!("conditions.visitor_attributes[{key}]"),
                format!("values must be at most {MAX_ATTRIBUTE_VALUE_CHARS} characters"),
            );
        }
    }
    if c.time_on_page_seconds > MAX_TIME_ON_PAGE_SECS {
        v.add("conditions.time_on_page_seconds", format!("must be at most {MAX_TIME_ON_PAGE_SECS} seconds"));
    }
    if page {
        if !c.message_contains_any.is_empty() {
            v.add("conditions.message_contains_any", "a page visit has no message: remove the words");
        }
        if !c.visitor_attributes.is_empty() {
            v.add("conditions.visitor_attributes", "page-visit rules cannot check attributes");
        }
        if c.business_hours != HoursState::Any {
            v.add("conditions.business_hours", "page-visit rules cannot check business hours");
        }
    } else {
        if c.time_on_page_seconds > 0 {
            v.add("conditions.time_on_page_seconds", "only page-visit rules wait for time on the page");
        }
        if c.returning_visitor_only {
            v.add("conditions.returning_visitor_only", "only page-visit rules check returning visitors");
        }
    }

    let a = &mut actions;
    a.reply = a.reply.trim().to_owned();
    let n = a.reply.chars().count();
    if n > MAX_REPLY_CHARS {
        v.add("actions.reply", format!("must be at most {MAX_REPLY_CHARS} characters (this has {n})"));
    }
    if !a.reply.is_empty() && a.canned_response_id.is_some() {
        v.add("actions.canned_response_id", "reply with a text or a canned response, not both");
    }
    if a.add_tags.len() > MAX_ADD_TAGS {
        v.add("actions.add_tags", format!("at most {MAX_ADD_TAGS} tags"));
    }
    let mut tags: Vec<String> = Vec::new();
    for (i, tag) in a.add_tags.iter().enumerate() {
        let tag = tag.trim().to_owned();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
            v.add(format!("actions.add_tags[{i}]"), format!("must be 1 to {MAX_TAG_CHARS} characters"));
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    a.add_tags = tags;
    if page {
        let only_reply = a.canned_response_id.is_none()
            && a.add_tags.is_empty()
            && a.priority.is_none()
            && a.team_id.is_none()
            && a.assignee_user_id.is_none();
        if a.reply.is_empty() || !only_reply {
            v.add("actions.reply", "a page-visit rule shows a message: write its text (and no other action)");
        }
    } else if a.is_empty() && !v.0.iter().any(|f| f.field.starts_with("actions.")) {
        // (An action refused for a malformed id is reported as that, not as none.)
        v.add("actions", "choose at least one action");
    }
    Some(RuleSpec { name, enabled, trigger, conditions, actions })
}

/// A reply with the canned-response placeholders filled in, as the dashboard fills them
/// when an agent inserts one: `{{visitor.name}}` (or "there"), `{{visitor.email}}` and
/// `{{agent.name}}` (the assistant's name: automation speaks as it). Others stay as
/// written.
pub fn fill_placeholders(text: &str, visitor_name: &str, visitor_email: &str, assistant: &str) -> String {
    let name = if visitor_name.trim().is_empty() { "there" } else { visitor_name.trim() };
    text.replace("{{visitor.name}}", name)
        .replace("{{visitor.email}}", visitor_email)
        .replace("{{agent.name}}", assistant)
}

/// What a conversation rule is matched against.
pub struct Facts<'a> {
    /// The visitor's message.
    pub message: &'a str,
    /// The page the conversation started on.
    pub page_url: &'a str,
    pub visitor_attributes: &'a BTreeMap<String, String>,
    /// Whether the widget's business hours are open now (true without business hours).
    pub open: bool,
    /// Whether this is the conversation's first message of the visitor's.
    pub first_message: bool,
}

/// Whether a conversation rule acts on these facts. Page-visit rules never do here.
pub fn applies(trigger: Trigger, conditions: &Conditions, facts: &Facts<'_>) -> bool {
    let triggered = match trigger {
        Trigger::ConversationStarted => facts.first_message,
        Trigger::VisitorMessage => true,
        Trigger::PageVisit => false,
    };
    triggered
        && (conditions.message_contains_any.is_empty()
            || conditions.message_contains_any.iter().any(|p| contains_phrase(facts.message, p)))
        && url_matches(&conditions.page_url_pattern, facts.page_url)
        && conditions.visitor_attributes.iter().all(|(key, value)| {
            facts.visitor_attributes.get(key).is_some_and(|have| have.to_lowercase() == value.to_lowercase())
        })
        && match conditions.business_hours {
            HoursState::Any => true,
            HoursState::Open => facts.open,
            HoursState::Closed => !facts.open,
        }
}

/// Whether `text` contains `phrase` (lower case) as whole words, ignoring case: "refund"
/// is in "A refund, please" but not in "refunded".
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let text = text.to_lowercase();
    let is_word = |c: char| c.is_alphanumeric();
    let mut from = 0;
    while let Some(found) = text[from..].find(phrase) {
        let start = from + found;
        let end = start + phrase.len();
        let before_ok = text[..start].chars().next_back().is_none_or(|c| !is_word(c));
        let after_ok = text[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return true;
        }
        // Step past the first character of this match (a char boundary).
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Whether `url` matches `pattern` whole, `*` standing for any characters (also none) and
/// the rest compared literally, ignoring ASCII case. An empty pattern matches every URL.
/// The widget's `urlMatches` implements the same rule.
pub fn url_matches(pattern: &str, url: &str) -> bool {
    if pattern.is_empty() {
        return true;
    }
    let pattern = pattern.to_ascii_lowercase();
    let url = url.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().map_or(("", &[][..]), |(f, r)| (*f, r));
    let Some(mut remaining) = url.strip_prefix(first) else { return false };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty(); // no `*`: the whole URL equals the pattern
    };
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_ignoring_case() {
        assert!(contains_phrase("I want a Refund, please", "refund"));
        assert!(contains_phrase("REFUND", "refund"));
        assert!(!contains_phrase("I was refunded", "refund"));
        assert!(contains_phrase("Where is my order status?", "order status"));
        assert!(!contains_phrase("preorder", "order"));
        assert!(contains_phrase("ünd order", "order"));
        assert!(contains_phrase("préorder order", "order"), "a later whole-word match counts");
    }

    #[test]
    fn url_patterns_match_whole_urls_with_stars() {
        assert!(url_matches("", "https://shop.example/"));
        assert!(url_matches("*/pricing*", "https://shop.example/pricing?x=1"));
        assert!(!url_matches("*/pricing", "https://shop.example/pricing?x=1"));
        assert!(url_matches("https://shop.example/*", "https://SHOP.example/a/b"));
        assert!(!url_matches("https://shop.example/", "https://shop.example/a"));
        assert!(url_matches("https://shop.example/", "https://shop.example/"));
        assert!(url_matches("*a*a*", "xaxa"));
        assert!(!url_matches("*aa*aa", "aaa"), "overlapping parts need their own characters");
        assert!(url_matches("*", ""));
    }

    fn facts<'a>(message: &'a str, attributes: &'a BTreeMap<String, String>, open: bool, first: bool) -> Facts<'a> {
        Facts {
            message,
            page_url: "https://shop.example/pricing",
            visitor_attributes: attributes,
            open,
            first_message: first,
        }
    }

    #[test]
    fn conditions_all_hold_for_a_rule_to_apply() {
        let plan: BTreeMap<String, String> = [("plan".to_owned(), "Pro".to_owned())].into();
        let none = BTreeMap::new();
        let greeting = Conditions::default();
        assert!(applies(Trigger::ConversationStarted, &greeting, &facts("hi", &none, true, true)));
        assert!(!applies(Trigger::ConversationStarted, &greeting, &facts("hi", &none, true, false)));
        assert!(!applies(Trigger::PageVisit, &greeting, &facts("hi", &none, true, true)));
        let away = Conditions { business_hours: HoursState::Closed, ..Conditions::default() };
        assert!(applies(Trigger::VisitorMessage, &away, &facts("hi", &none, false, false)));
        assert!(!applies(Trigger::VisitorMessage, &away, &facts("hi", &none, true, false)));
        let keyword = Conditions {
            message_contains_any: vec!["refund".into(), "money back".into()],
            page_url_pattern: "*/pricing".into(),
            visitor_attributes: [("plan".to_owned(), "pro".to_owned())].into(),
            ..Conditions::default()
        };
        assert!(applies(Trigger::VisitorMessage, &keyword, &facts("Money back?", &plan, true, false)));
        assert!(!applies(Trigger::VisitorMessage, &keyword, &facts("Money back?", &none, true, false)));
        assert!(!applies(Trigger::VisitorMessage, &keyword, &facts("hello", &plan, true, false)));
    }

    /// Rules are stored as this JSON (`rules.conditions`, `rules.actions`): rows written now
    /// must read the same later, and a field added later reads as its default.
    #[test]
    fn stored_rules_keep_their_json() {
        let conditions = r#"{"message_contains_any":["refund"],"page_url_pattern":"*/pricing*","visitor_attributes":{"plan":"pro"},"business_hours":"closed","time_on_page_seconds":0,"returning_visitor_only":false}"#;
        let actions = r#"{"reply":"Hi","canned_response_id":null,"add_tags":["vip"],"priority":"high","team_id":null,"assignee_user_id":null}"#;
        let c: Conditions = serde_json::from_str(conditions).unwrap();
        assert_eq!(c.business_hours, HoursState::Closed);
        assert_eq!(c.visitor_attributes.get("plan").map(String::as_str), Some("pro"));
        assert_eq!(serde_json::to_string(&c).unwrap(), conditions);
        let a: Actions = serde_json::from_str(actions).unwrap();
        assert_eq!(a.priority, Some(Priority::High));
        assert_eq!(serde_json::to_string(&a).unwrap(), actions);
        let older: Conditions = serde_json::from_str(r#"{"message_contains_any":["x"]}"#).unwrap();
        assert_eq!(older, Conditions { message_contains_any: vec!["x".into()], ..Conditions::default() });
        assert_eq!(Trigger::parse(Trigger::PageVisit.as_str()), Some(Trigger::PageVisit));
    }

    #[test]
    fn placeholders_are_filled_like_the_dashboard_does() {
        let text = "Hi {{visitor.name}} ({{visitor.email}}), {{agent.name}} here. {{other}}";
        assert_eq!(
            fill_placeholders(text, "Vera", "v@example.com", "Penny"),
            "Hi Vera (v@example.com), Penny here. {{other}}"
        );
        assert_eq!(fill_placeholders("Hi {{visitor.name}}", " ", "", "Penny"), "Hi there");
    }

    #[test]
    fn checks_name_each_bad_field() {
        let mut v = Violations::default();
        let page = check(
            "Pricing nudge",
            true,
            Some(Trigger::PageVisit),
            Conditions { message_contains_any: vec!["x".into()], ..Conditions::default() },
            Actions { add_tags: vec!["vip".into()], ..Actions::default() },
            &mut v,
        );
        assert!(page.is_some());
        let fields: Vec<&str> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["conditions.message_contains_any", "actions.reply"]);

        let mut v = Violations::default();
        assert!(check("", true, None, Conditions::default(), Actions::default(), &mut v).is_none());
        let fields: Vec<&str> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "trigger"]);

        let mut v = Violations::default();
        let rule = check(
            " Keyword ",
            true,
            Some(Trigger::VisitorMessage),
            Conditions { message_contains_any: vec![" Refund".into(), "refund ".into()], ..Conditions::default() },
            Actions {
                reply: " Refunds take 5 days. ".into(),
                add_tags: vec!["a".into(), "a".into()],
                ..Actions::default()
            },
            &mut v,
        )
        .unwrap();
        assert!(v.0.is_empty(), "{:?}", v.0);
        assert_eq!(rule.name, "Keyword");
        assert_eq!(rule.conditions.message_contains_any, ["refund"]);
        assert_eq!(rule.actions.reply, "Refunds take 5 days.");
        assert_eq!(rule.actions.add_tags, ["a"]);
    }
}
