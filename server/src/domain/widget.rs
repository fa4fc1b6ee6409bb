//! Widget settings: their defaults, their validation, and the allowed-domain rule.
//!
//! Settings are stored as JSON of [`WidgetSettings`]; `#[serde(default)]` everywhere means a
//! setting added later reads as its default from rows written before it existed.

use serde::{Deserialize, Serialize};

use super::Violations;

/// Launcher corner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    #[default]
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
}

/// Light, dark, or whatever the visitor's system prefers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorScheme {
    #[default]
    Auto,
    Light,
    Dark,
}

/// Who answers conversations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handler {
    #[default]
    Agent,
    AiBot,
    Workflow,
    /// Agents when one is available, else the AI bot.
    Hybrid,
}

/// Whether the pre-chat form asks for a field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreChatField {
    #[default]
    Hidden,
    Optional,
    Required,
}

/// Colours, shape and placement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Appearance {
    pub primary_color: String,
    pub text_color: String,
    pub position: Position,
    pub border_radius: u32,
    pub launcher_size: u32,
    pub logo_url: String,
    pub font_family: String,
    pub show_branding: bool,
    pub color_scheme: ColorScheme,
}

impl Default for Appearance {
    fn default() -> Self {
        Self {
            primary_color: "#1f6feb".to_owned(),
            text_color: "#ffffff".to_owned(),
            position: Position::BottomRight,
            border_radius: 12,
            launcher_size: 60,
            logo_url: String::new(),
            font_family: String::new(),
            show_branding: true,
            color_scheme: ColorScheme::Auto,
        }
    }
}

/// Texts shown to visitors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Texts {
    pub welcome_title: String,
    pub welcome_message: String,
    pub input_placeholder: String,
    pub offline_message: String,
}

impl Default for Texts {
    fn default() -> Self {
        Self {
            welcome_title: "Hi there!".to_owned(),
            welcome_message: "How can we help you today?".to_owned(),
            input_placeholder: "Type a message…".to_owned(),
            offline_message: "We're away right now. Leave a message and we'll get back to you.".to_owned(),
        }
    }
}

/// Pre-chat form and sound.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Behavior {
    pub pre_chat_name: PreChatField,
    pub pre_chat_email: PreChatField,
    pub sound_enabled: bool,
    /// The quiet period after a resolution within which a visitor's next message reopens
    /// the conversation; after it, they start a new one (`conversation::visitor_continues`).
    pub reopen_within_minutes: u32,
}

/// Default quiet period: an hour.
pub const DEFAULT_REOPEN_WITHIN_MINUTES: u32 = 60;
/// Longest quiet period: 30 days.
pub const MAX_REOPEN_WITHIN_MINUTES: u32 = 30 * 24 * 60;

impl Default for Behavior {
    fn default() -> Self {
        Self {
            pre_chat_name: PreChatField::Hidden,
            pre_chat_email: PreChatField::Hidden,
            sound_enabled: true,
            reopen_within_minutes: DEFAULT_REOPEN_WITHIN_MINUTES,
        }
    }
}

impl Behavior {
    /// The quiet period in milliseconds.
    pub fn reopen_within_ms(&self) -> i64 {
        i64::from(self.reopen_within_minutes) * 60_000
    }
}

/// The AI bot of an `ai_bot` or `hybrid` widget (`domain::bot` has its rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bot {
    /// Shown with its messages.
    pub name: String,
    /// Avatar image; empty for the name's initial.
    pub avatar_url: String,
    /// The owner's instructions, added to Porthole's own rules.
    pub instructions: String,
    /// Answers per conversation before the visitor's next message goes to the agents.
    pub max_turns: u32,
}

/// The bot's name when none is set.
pub const DEFAULT_BOT_NAME: &str = "Assistant";
/// Answers per conversation when none is set.
pub const DEFAULT_BOT_TURNS: u32 = 5;
/// Most answers per conversation a widget may allow.
pub const MAX_BOT_TURNS: u32 = 50;
/// Longest bot name.
pub const MAX_BOT_NAME_CHARS: usize = 60;
/// Longest instructions.
pub const MAX_BOT_INSTRUCTIONS_CHARS: usize = 4000;

impl Default for Bot {
    fn default() -> Self {
        Self {
            name: DEFAULT_BOT_NAME.to_owned(),
            avatar_url: String::new(),
            instructions: String::new(),
            max_turns: DEFAULT_BOT_TURNS,
        }
    }
}

/// One weekday's opening hours, `HH:MM` strings in the business-hours time zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayHours {
    pub enabled: bool,
    pub start: String,
    pub end: String,
}

/// Weekly opening hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessHours {
    pub enabled: bool,
    pub time_zone: String,
    /// Monday first.
    pub days: [DayHours; 7],
}

impl Default for BusinessHours {
    fn default() -> Self {
        let workday = DayHours { enabled: true, start: "09:00".to_owned(), end: "17:00".to_owned() };
        let weekend = DayHours::default();
        Self {
            enabled: false,
            time_zone: "UTC".to_owned(),
            days: [
                workday.clone(),
                workday.clone(),
                workday.clone(),
                workday.clone(),
                workday,
                weekend.clone(),
                weekend,
            ],
        }
    }
}

/// Weekday names in the order of [`BusinessHours::days`], as the API names the fields.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Everything configurable about a widget.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WidgetSettings {
    pub appearance: Appearance,
    pub texts: Texts,
    pub behavior: Behavior,
    pub business_hours: BusinessHours,
    pub allowed_domains: Vec<String>,
    pub handler: Handler,
    pub bot: Bot,
    /// The team its conversations go to; `None`: the whole workspace. Checked against the
    /// store by the widget API (a team deleted later is ignored where it is read).
    pub team_id: Option<crate::domain::id::TeamId>,
    /// The guided flow of a `Workflow` widget.
    pub flow: super::flow::Flow,
}

const MAX_TEXT_CHARS: usize = 500;
const MAX_DOMAINS: usize = 50;

impl WidgetSettings {
    /// Checks every field (recording violations under `prefix`, e.g. `settings`) and
    /// normalises colours and domains to lower case.
    pub fn validate(mut self, prefix: &str, violations: &mut Violations) -> Self {
        let a = &mut self.appearance;
        for (name, value) in [("primary_color", &mut a.primary_color), ("text_color", &mut a.text_color)] {
            match normalize_color(value) {
                Some(color) => *value = color,
                None => violations.add(format!("{prefix}.appearance.{name}"), "must be a hex colour like #1f6feb"),
            }
        }
        if self.behavior.reopen_within_minutes > MAX_REOPEN_WITHIN_MINUTES {
            violations.add(
                format!("{prefix}.behavior.reopen_within_minutes"),
                format!("must be from 0 to {MAX_REOPEN_WITHIN_MINUTES} minutes (30 days)"),
            );
        }
        if a.border_radius > 32 {
            violations.add(format!("{prefix}.appearance.border_radius"), "must be from 0 to 32 pixels");
        }
        if !(40..=96).contains(&a.launcher_size) {
            violations.add(format!("{prefix}.appearance.launcher_size"), "must be from 40 to 96 pixels");
        }
        if !a.logo_url.is_empty() && !is_safe_url(&a.logo_url) {
            violations.add(
                format!("{prefix}.appearance.logo_url"),
                "must be an https:// or http:// URL, or a path starting with /",
            );
        }
        let font_ok = a.font_family.len() <= 200
            && a.font_family.chars().all(|c| c.is_ascii_alphanumeric() || " ,-'\"".contains(c));
        if !font_ok {
            violations.add(
                format!("{prefix}.appearance.font_family"),
                "must be a CSS font-family list (letters, digits, spaces, commas, quotes, hyphens; at most 200 characters)",
            );
        }

        let t = &self.texts;
        for (name, value) in [
            ("welcome_title", &t.welcome_title),
            ("welcome_message", &t.welcome_message),
            ("input_placeholder", &t.input_placeholder),
            ("offline_message", &t.offline_message),
        ] {
            if value.chars().count() > MAX_TEXT_CHARS {
                violations
                    .add(format!("{prefix}.texts.{name}"), format!("must be at most {MAX_TEXT_CHARS} characters"));
            }
        }

        let hours = &self.business_hours;
        if (hours.enabled || !hours.time_zone.is_empty()) && hours.time_zone.parse::<chrono_tz::Tz>().is_err() {
            violations.add(
                format!("{prefix}.business_hours.time_zone"),
                "must be an IANA time zone name such as Europe/Berlin or America/New_York",
            );
        }
        for (day, name) in hours.days.iter().zip(WEEKDAYS) {
            if !day.enabled {
                continue;
            }
            let field = format!("{prefix}.business_hours.{name}");
            match (parse_hhmm(&day.start), parse_hhmm(&day.end)) {
                (Some(start), Some(end)) if start < end && start < 24 * 60 => {}
                (Some(_), Some(_)) => violations.add(field, "end must be after start"),
                (None, _) => violations.add(format!("{field}.start"), "must be a time HH:MM from 00:00 to 23:59"),
                (_, None) => violations.add(format!("{field}.end"), "must be a time HH:MM from 00:01 to 24:00"),
            }
        }

        if self.allowed_domains.len() > MAX_DOMAINS {
            violations.add(format!("{prefix}.allowed_domains"), format!("must have at most {MAX_DOMAINS} entries"));
        }
        for (i, pattern) in self.allowed_domains.iter_mut().enumerate() {
            *pattern = pattern.trim().to_lowercase();
            if !is_domain_pattern(pattern) {
                violations.add(
                    format!("{prefix}.allowed_domains[{i}]"),
                    "must be a host name (example.com), host:port (localhost:3000) or *.example.com",
                );
            }
        }
        self.allowed_domains.dedup();

        self.flow = std::mem::take(&mut self.flow).validate(&format!("{prefix}.flow"), violations);
        if self.handler == Handler::Workflow && self.flow.steps.is_empty() {
            violations.add(
                format!("{prefix}.flow.steps"),
                "a guided-flow widget needs at least one step; add steps or choose another handler",
            );
        }
        let bot = &mut self.bot;
        bot.name = bot.name.trim().to_owned();
        if bot.name.is_empty() {
            DEFAULT_BOT_NAME.clone_into(&mut bot.name);
        }
        if bot.name.chars().count() > MAX_BOT_NAME_CHARS || bot.name.chars().any(char::is_control) {
            violations.add(
                format!("{prefix}.bot.name"),
                format!("must be at most {MAX_BOT_NAME_CHARS} characters, without control characters"),
            );
        }
        bot.avatar_url = bot.avatar_url.trim().to_owned();
        if !bot.avatar_url.is_empty() && !is_safe_url(&bot.avatar_url) {
            violations.add(
                format!("{prefix}.bot.avatar_url"),
                "must be an https:// or http:// URL, or a path starting with /",
            );
        }
        let chars = bot.instructions.chars().count();
        if chars > MAX_BOT_INSTRUCTIONS_CHARS {
            violations.add(
                format!("{prefix}.bot.instructions"),
                format!("must be at most {MAX_BOT_INSTRUCTIONS_CHARS} characters (these have {chars})"),
            );
        }
        if bot.max_turns == 0 {
            bot.max_turns = DEFAULT_BOT_TURNS;
        }
        if bot.max_turns > MAX_BOT_TURNS {
            violations.add(format!("{prefix}.bot.max_turns"), format!("must be from 1 to {MAX_BOT_TURNS}"));
        }
        self
    }
}

/// `#rgb` or `#rrggbb` (any case) as lower-case `#rrggbb`.
fn normalize_color(value: &str) -> Option<String> {
    let hex = value.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_lowercase())),
        3 => Some(format!("#{}", hex.chars().flat_map(|c| [c, c]).collect::<String>().to_lowercase())),
        _ => None,
    }
}

/// Minutes since midnight of `HH:MM`; `24:00` is 1440.
pub fn parse_hhmm(value: &str) -> Option<u32> {
    let (h, m) = value.split_once(':')?;
    // Digits only: integer parsing alone would take "+9".
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(24 * 60),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

fn is_safe_url(value: &str) -> bool {
    if value.starts_with('/') && !value.starts_with("//") {
        return !value.chars().any(|c| c.is_whitespace() || c.is_control());
    }
    url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
}

/// `host`, `host:port` or `*.host`, lower case, DNS labels only.
fn is_domain_pattern(pattern: &str) -> bool {
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    let host = match host.rsplit_once(':') {
        Some((host, port)) => {
            if !port.parse::<u16>().is_ok_and(|p| p > 0) {
                return false;
            }
            host
        }
        None => host,
    };
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// Whether a browser `Origin` (`https://shop.example.com:8443`) matches the patterns.
/// No patterns allow every origin. A pattern without a port matches any port; `*.x.com`
/// matches subdomains of x.com but not x.com itself.
pub fn origin_allowed(origin: &str, patterns: &[String]) -> bool {
    if patterns.is_empty() {
        return true;
    }
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let Some(host) = url.host_str().map(str::to_lowercase) else {
        return false;
    };
    let port = url.port_or_known_default();
    patterns.iter().any(|pattern| {
        let (pattern_host, pattern_port) = match pattern.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().ok()),
            None => (pattern.as_str(), None),
        };
        if pattern_port.is_some() && pattern_port != port {
            return false;
        }
        match pattern_host.strip_prefix("*.") {
            Some(parent) => host.len() > parent.len() + 1 && host.ends_with(&format!(".{parent}")),
            None => host == pattern_host,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(settings: WidgetSettings) -> Result<WidgetSettings, Vec<String>> {
        let mut v = Violations::default();
        let s = settings.validate("settings", &mut v);
        v.into_result(s).map_err(|e| match e {
            crate::error::Error::InvalidArgument(list) => list.into_iter().map(|f| f.field).collect(),
            other => vec![other.to_string()],
        })
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(check(WidgetSettings::default()).unwrap(), WidgetSettings::default());
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut s = WidgetSettings::default();
        s.appearance.primary_color = "red".into();
        s.appearance.launcher_size = 10;
        s.appearance.logo_url = "javascript:alert(1)".into();
        s.business_hours.enabled = true;
        s.business_hours.time_zone = "Mars/Olympus".into();
        s.business_hours.days[0].end = "08:00".into();
        s.allowed_domains = vec!["exa mple.com".into(), "*.ok.com".into()];
        let fields = check(s).unwrap_err();
        assert_eq!(
            fields,
            vec![
                "settings.appearance.primary_color",
                "settings.appearance.launcher_size",
                "settings.appearance.logo_url",
                "settings.business_hours.time_zone",
                "settings.business_hours.monday",
                "settings.allowed_domains[0]",
            ]
        );
    }

    #[test]
    fn colours_and_domains_are_normalised() {
        let mut s = WidgetSettings::default();
        s.appearance.primary_color = "#ABC".into();
        s.allowed_domains = vec!["Shop.Example.com".into(), "localhost:3000".into()];
        let s = check(s).unwrap();
        assert_eq!(s.appearance.primary_color, "#aabbcc");
        assert_eq!(s.allowed_domains, vec!["shop.example.com", "localhost:3000"]);
    }

    #[test]
    fn times() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        for bad in ["24:01", "9:00", "09:60", "ab:cd", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn origins() {
        let p = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(origin_allowed("https://anything.test", &[]));
        assert!(origin_allowed("https://example.com", &p(&["example.com"])));
        assert!(origin_allowed("http://example.com:8080", &p(&["example.com"])));
        assert!(!origin_allowed("https://evil-example.com", &p(&["example.com"])));
        assert!(origin_allowed("https://a.b.example.com", &p(&["*.example.com"])));
        assert!(!origin_allowed("https://example.com", &p(&["*.example.com"])));
        assert!(origin_allowed("http://localhost:3000", &p(&["localhost:3000"])));
        assert!(!origin_allowed("http://localhost:3001", &p(&["localhost:3000"])));
        assert!(!origin_allowed("null", &p(&["example.com"])));
    }
}
