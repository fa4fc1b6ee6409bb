//! Rate limits: how often each kind of caller may do each kind of thing, so one client
//! cannot take the server's work or storage from everyone else.
//!
//! Each [`Limit`] is a bucket per key (an IP address, an e-mail, a visitor, a user): it
//! holds `count` cells and refills `count` per `per`, so a burst of `count` passes and the
//! sustained rate is `count / per`. A caller over it gets RESOURCE_EXHAUSTED with a
//! `retry-after` (seconds). Without Redis the buckets live in this process (GCRA, the
//! `governor` crate). With `REDIS_URL` every replica spends from the same bucket: the same
//! GCRA in one Lua script on Redis (`Bus::spend_shared`, one round trip per check); while
//! Redis is away or slower than 250 ms, each process's own bucket decides.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::Error;

/// What is limited, and by which key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Log-in attempts from one IP address.
    LoginPerIp,
    /// Log-in attempts for one e-mail address, from anywhere.
    LoginPerAccount,
    /// Sign-ups (new workspaces) from one IP address.
    SignupPerIp,
    /// Visitor sessions started from one IP address.
    SessionsPerIp,
    /// Visitor sessions started on one widget.
    SessionsPerWidget,
    /// Messages one visitor sends.
    MessagesPerVisitor,
    /// KiB one visitor uploads.
    UploadKibPerVisitor,
    /// Page views one visitor reports.
    PageViewsPerVisitor,
    /// Heartbeats one visitor sends.
    HeartbeatsPerVisitor,
    /// Calls one member makes to the agents' API.
    CallsPerMember,
    /// Password-reset e-mails requested from one IP address.
    PasswordResetPerIp,
    /// Password-reset e-mails sent to one account (beyond it requests are answered as
    /// usual but send nothing, so the inbox cannot be flooded).
    PasswordResetPerAccount,
    /// Webhook tests and redeliveries, and test pushes, one workspace asks for (each makes
    /// requests to URLs its members chose).
    TestSendsPerWorkspace,
    /// Transcripts one visitor has e-mailed.
    TranscriptsPerVisitor,
    /// Transcripts e-mailed for visitors from one IP address.
    TranscriptsPerIp,
    /// Suggested replies and summaries one member asks the AI model for.
    AssistPerMember,
    /// Reports one member asks for (each reads up to a year of figures).
    ReportsPerMember,
}

/// `count` per `per` (a burst of `count`, refilled evenly over `per`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Limit {
    /// Every limit, in the order `PORTHOLE_RATE_LIMITS` documents them.
    pub const ALL: [Limit; 17] = [
        Limit::LoginPerIp,
        Limit::LoginPerAccount,
        Limit::SignupPerIp,
        Limit::SessionsPerIp,
        Limit::SessionsPerWidget,
        Limit::MessagesPerVisitor,
        Limit::UploadKibPerVisitor,
        Limit::PageViewsPerVisitor,
        Limit::HeartbeatsPerVisitor,
        Limit::CallsPerMember,
        Limit::PasswordResetPerIp,
        Limit::PasswordResetPerAccount,
        Limit::TestSendsPerWorkspace,
        Limit::TranscriptsPerVisitor,
        Limit::TranscriptsPerIp,
        Limit::AssistPerMember,
        Limit::ReportsPerMember,
    ];

    /// Its name in `PORTHOLE_RATE_LIMITS`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::LoginPerIp => "login_per_ip",
            Limit::LoginPerAccount => "login_per_account",
            Limit::SignupPerIp => "signup_per_ip",
            Limit::SessionsPerIp => "sessions_per_ip",
            Limit::SessionsPerWidget => "sessions_per_widget",
            Limit::MessagesPerVisitor => "messages_per_visitor",
            Limit::UploadKibPerVisitor => "upload_kib_per_visitor",
            Limit::PageViewsPerVisitor => "page_views_per_visitor",
            Limit::HeartbeatsPerVisitor => "heartbeats_per_visitor",
            Limit::CallsPerMember => "calls_per_member",
            Limit::PasswordResetPerIp => "password_reset_per_ip",
            Limit::PasswordResetPerAccount => "password_reset_per_account",
            Limit::TestSendsPerWorkspace => "test_sends_per_workspace",
            Limit::TranscriptsPerVisitor => "transcripts_per_visitor",
            Limit::TranscriptsPerIp => "transcripts_per_ip",
            Limit::AssistPerMember => "assist_per_member",
            Limit::ReportsPerMember => "reports_per_member",
        }
    }

    /// The default: generous for people, tight for scripts.
    pub fn default_rate(self) -> Rate {
        let rate = |count, secs| Rate { count, per: Duration::from_secs(secs) };
        match self {
            Limit::LoginPerIp => rate(20, 300),
            Limit::LoginPerAccount => rate(10, 300),
            Limit::SignupPerIp => rate(5, 3600),
            // Many visitors may share an office or mobile-carrier address.
            Limit::SessionsPerIp => rate(60, 600),
            Limit::SessionsPerWidget => rate(3000, 600),
            Limit::MessagesPerVisitor => rate(20, 10),
            // 50 MiB an hour (one upload is at most 10 MiB).
            Limit::UploadKibPerVisitor => rate(50 * 1024, 3600),
            Limit::PageViewsPerVisitor => rate(60, 60),
            // The widget sends one every 25 s while the page is open.
            Limit::HeartbeatsPerVisitor => rate(12, 60),
            Limit::CallsPerMember => rate(600, 60),
            Limit::PasswordResetPerIp => rate(10, 3600),
            Limit::PasswordResetPerAccount => rate(3, 3600),
            Limit::TestSendsPerWorkspace => rate(30, 60),
            Limit::TranscriptsPerVisitor => rate(3, 3600),
            Limit::TranscriptsPerIp => rate(10, 3600),
            Limit::AssistPerMember => rate(20, 60),
            Limit::ReportsPerMember => rate(30, 60),
        }
    }

    /// What the caller is told they did too often.
    fn what(self) -> &'static str {
        match self {
            Limit::LoginPerIp | Limit::LoginPerAccount => "too many sign-in attempts",
            Limit::SignupPerIp => "too many sign-ups from this address",
            Limit::SessionsPerIp => "too many new chat sessions from this address",
            Limit::SessionsPerWidget => "too many new chat sessions on this widget",
            Limit::MessagesPerVisitor => "too many messages",
            Limit::UploadKibPerVisitor => "too many uploads",
            Limit::PageViewsPerVisitor => "too many page views",
            Limit::HeartbeatsPerVisitor => "too many heartbeats",
            Limit::CallsPerMember => "too many requests",
            Limit::PasswordResetPerIp | Limit::PasswordResetPerAccount => "too many password-reset requests",
            Limit::TestSendsPerWorkspace => "too many tests and redeliveries",
            Limit::TranscriptsPerVisitor | Limit::TranscriptsPerIp => "too many transcripts by e-mail",
            Limit::AssistPerMember => "too many suggestions and summaries",
            Limit::ReportsPerMember => "too many reports",
        }
    }
}

/// The configured rates: the defaults with `PORTHOLE_RATE_LIMITS` overrides, or none at
/// all (`off`, for load tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rates(Option<HashMap<Limit, Rate>>);

impl Default for Rates {
    fn default() -> Self {
        Self(Some(Limit::ALL.iter().map(|l| (*l, l.default_rate())).collect()))
    }
}

impl Rates {
    /// No limits at all.
    pub fn off() -> Self {
        Self(None)
    }

    /// Parses `name=COUNT/PERIOD` pairs separated by commas (PERIOD: `30s`, `5m`, `1h`, or a
    /// bare unit such as `min`), over the defaults; `off` disables every limit.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "off" {
            return Ok(Self::off());
        }
        let mut rates = Self::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').ok_or_else(|| format!("{pair:?} is not name=COUNT/PERIOD"))?;
            let limit = Limit::ALL
                .into_iter()
                .find(|l| l.name() == name.trim())
                .ok_or_else(|| format!("unknown limit {name:?}"))?;
            let (count, period) =
                value.split_once('/').ok_or_else(|| format!("{value:?} is not COUNT/PERIOD (e.g. 20/10s)"))?;
            let count: u32 =
                count.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("bad count in {pair:?}"))?;
            let per =
                parse_period(period.trim()).ok_or_else(|| format!("bad period in {pair:?} (e.g. 30s, 5m, 1h)"))?;
            if let Some(map) = rates.0.as_mut() {
                map.insert(limit, Rate { count, per });
            }
        }
        Ok(rates)
    }

    /// The rate of `limit`, `None` when limits are off.
    pub fn get(&self, limit: Limit) -> Option<Rate> {
        self.0.as_ref().and_then(|map| map.get(&limit).copied())
    }
}

fn parse_period(text: &str) -> Option<Duration> {
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = if number.is_empty() { 1 } else { number.parse().ok()? };
    let unit_secs = match unit {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" | "hour" => 3600,
        _ => return None,
    };
    Some(Duration::from_secs(number.checked_mul(unit_secs)?)).filter(|d| !d.is_zero())
}

/// The buckets of every limit.
pub struct Limiter {
    buckets: HashMap<Limit, (Rate, DefaultKeyedRateLimiter<String>)>,
    /// With Redis: the buckets every replica shares (the process's own decide while Redis
    /// is away).
    shared: Option<crate::realtime::bus::Bus>,
    /// Counts refusals (`porthole_rate_limited_total`).
    metrics: Option<std::sync::Arc<crate::metrics::Metrics>>,
}

impl Limiter {
    pub fn new(rates: &Rates) -> Self {
        let mut buckets = HashMap::new();
        for limit in Limit::ALL {
            let Some(rate) = rates.get(limit) else { continue };
            let Some(count) = NonZeroU32::new(rate.count) else { continue };
            let Some(quota) = Quota::with_period(rate.per / rate.count) else { continue };
            buckets.insert(limit, (rate, RateLimiter::keyed(quota.allow_burst(count))));
        }
        Self { buckets, shared: None, metrics: None }
    }

    /// Shares the buckets between replicas through the bus's Redis (a no-op without it).
    pub fn shared_through(mut self, bus: crate::realtime::bus::Bus) -> Self {
        self.shared = Some(bus);
        self
    }

    /// Counts every refusal into `metrics`.
    pub fn counting_into(mut self, metrics: std::sync::Arc<crate::metrics::Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// A refusal of `limit`: counted, then RESOURCE_EXHAUSTED saying when to retry.
    fn refuse(&self, limit: Limit, wait: Duration) -> Error {
        if let Some(metrics) = &self.metrics {
            metrics.rate_limited(limit.name());
        }
        Error::exhausted(limit.what(), wait)
    }

    /// Takes one cell of `key`'s bucket, or RESOURCE_EXHAUSTED saying when to retry.
    pub async fn check(&self, limit: Limit, key: &str) -> Result<(), Error> {
        self.check_n(limit, key, 1).await
    }

    /// Takes `cost` cells at once (e.g. KiB of an upload).
    pub async fn check_n(&self, limit: Limit, key: &str, cost: u32) -> Result<(), Error> {
        let Some((rate, bucket)) = self.buckets.get(&limit) else { return Ok(()) };
        let Some(cost) = NonZeroU32::new(cost) else { return Ok(()) };
        if let Some(bus) = &self.shared {
            let interval = rate.per / rate.count;
            let name = format!("{}:{key}", limit.name());
            match bus.spend_shared(&name, interval, rate.per, cost.get()).await {
                Some(None) => return Ok(()),
                Some(Some(wait)) => return Err(self.refuse(limit, wait)),
                None => {}
            }
        }
        let period = &rate.per;
        let key = key.to_owned();
        let wait = match bucket.check_key_n(&key, cost) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(not_until)) => not_until.wait_time_from(DefaultClock::default().now()),
            // More than the whole bucket: never conforms; retry after a full refill.
            Err(_) => *period,
        };
        Err(self.refuse(limit, wait))
    }

    /// Forgets buckets that are full again (run now and then, so idle keys cost nothing).
    pub fn prune(&self) {
        for (_, bucket) in self.buckets.values() {
            bucket.retain_recent();
            bucket.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn a_burst_passes_then_the_caller_waits() {
        let rates = Rates::parse("messages_per_visitor=3/1m").unwrap();
        let limiter = Limiter::new(&rates);
        for _ in 0..3 {
            limiter.check(Limit::MessagesPerVisitor, "vis_1").await.unwrap();
        }
        let Err(Error::ResourceExhausted { message, retry_after }) =
            limiter.check(Limit::MessagesPerVisitor, "vis_1").await
        else {
            panic!("the fourth message passed")
        };
        assert!(message.contains("too many messages"), "{message}");
        assert!(retry_after > Duration::from_secs(15) && retry_after <= Duration::from_secs(20), "{retry_after:?}");
        limiter.check(Limit::MessagesPerVisitor, "vis_2").await.unwrap();
    }

    #[tokio::test]
    async fn costs_above_the_bucket_are_refused() {
        let limiter = Limiter::new(&Rates::parse("upload_kib_per_visitor=100/1h").unwrap());
        assert!(limiter.check_n(Limit::UploadKibPerVisitor, "v", 101).await.is_err());
        limiter.check_n(Limit::UploadKibPerVisitor, "v", 100).await.unwrap();
        assert!(limiter.check_n(Limit::UploadKibPerVisitor, "v", 1).await.is_err());
    }

    #[test]
    fn settings_parse_or_say_what_is_wrong() {
        assert_eq!(Rates::parse("").unwrap(), Rates::default());
        assert_eq!(Rates::parse("off").unwrap().get(Limit::LoginPerIp), None);
        let custom = Rates::parse("login_per_ip=5/30s, calls_per_member=10/min").unwrap();
        assert_eq!(custom.get(Limit::LoginPerIp), Some(Rate { count: 5, per: Duration::from_secs(30) }));
        assert_eq!(custom.get(Limit::CallsPerMember), Some(Rate { count: 10, per: Duration::from_secs(60) }));
        assert_eq!(custom.get(Limit::SignupPerIp), Some(Limit::SignupPerIp.default_rate()));
        for bad in ["nope=1/1s", "login_per_ip", "login_per_ip=0/1s", "login_per_ip=1/0s", "login_per_ip=1/1y"] {
            assert!(Rates::parse(bad).is_err(), "{bad}");
        }
    }
}
