//! Every setting of the server: its environment variable, default and meaning, parsed and
//! validated once at start so a bad value stops the server with a clear message.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// One configuration key, for documentation (`porthole config`) and the `.env.example` check.
pub struct Key {
    /// Environment variable name.
    pub name: &'static str,
    /// Default value as text; empty when unset means "off" or "derived".
    pub default: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// Every key the server reads, in the order `.env.example` documents them.
pub const KEYS: &[Key] = &[
    Key {
        name: "PORTHOLE_LISTEN",
        default: "127.0.0.1:8080",
        doc: "Address and port to serve gRPC, grpc-web and HTTP on (one port).",
    },
    Key {
        name: "PORTHOLE_DATA_DIR",
        default: "./data",
        doc: "Directory for the SQLite file and uploaded attachments; created if missing.",
    },
    Key {
        name: "DATABASE_URL",
        default: "",
        doc: "postgres://user:pass@host/db for PostgreSQL; empty (or sqlite://PATH) for a SQLite file in the data directory.",
    },
    Key {
        name: "REDIS_URL",
        default: "",
        doc: "redis://host:port for cross-replica fan-out and presence; empty runs single-node in-process.",
    },
    Key {
        name: "PORTHOLE_PUBLIC_URL",
        default: "",
        doc: "Base URL browsers reach this server at, used in embed snippets and invite links; empty derives http://PORTHOLE_LISTEN.",
    },
    Key {
        name: "PORTHOLE_JWT_SECRET",
        default: "",
        doc: "Secret (32+ characters) signing access and visitor tokens; empty generates one and keeps it in the database, shared by all replicas.",
    },
    Key {
        name: "PORTHOLE_ACCESS_TOKEN_TTL_SECS",
        default: "900",
        doc: "Lifetime of an agent access token in seconds (60 to 86400).",
    },
    Key {
        name: "PORTHOLE_REFRESH_TOKEN_TTL_DAYS",
        default: "30",
        doc: "Lifetime of a refresh token in days (1 to 365).",
    },
    Key {
        name: "PORTHOLE_INVITE_TTL_DAYS",
        default: "7",
        doc: "How long an invite link stays valid, in days (1 to 90).",
    },
    Key {
        name: "PORTHOLE_VISITOR_TOKEN_DAYS",
        default: "30",
        doc: "Lifetime of a visitor token in days (1 to 365); every visit renews it, so a visitor who stays away longer starts as a new visitor.",
    },
    Key {
        name: "PORTHOLE_DB_POOL_SIZE",
        default: "16",
        doc: "Maximum database connections of this process (SQLite: readers; writes use one connection).",
    },
    Key {
        name: "PORTHOLE_AGENT_OFFLINE_GRACE_SECS",
        default: "60",
        doc: "How long an agent's dashboard may be disconnected before they count as offline (1 to 3600).",
    },
    Key {
        name: "PORTHOLE_VISIT_TIMEOUT_SECS",
        default: "1800",
        doc: "How long a visitor may be inactive before their next page view or heartbeat starts a new visit, for time on site (60 to 86400).",
    },
    Key {
        name: "PORTHOLE_RATE_LIMITS",
        default: "",
        doc: "Rate-limit overrides as name=COUNT/PERIOD pairs, e.g. messages_per_visitor=20/10s,login_per_ip=20/5m (limits: login_per_ip, login_per_account, signup_per_ip, sessions_per_ip, sessions_per_widget, messages_per_visitor, upload_kib_per_visitor, page_views_per_visitor, heartbeats_per_visitor, calls_per_member, password_reset_per_ip, password_reset_per_account, test_sends_per_workspace, transcripts_per_visitor, transcripts_per_ip, assist_per_member, reports_per_member); empty keeps the defaults; off disables them (load tests only).",
    },
    Key {
        name: "PORTHOLE_SIGNUP",
        default: "first",
        doc: "Who may sign up and create a workspace: first (the first sign-up creates the server's workspace, then people join by invitation; the demo workspace does not count), open (anyone: a hosted service) or invite-only (nobody).",
    },
    Key {
        name: "PORTHOLE_TRUSTED_PROXIES",
        default: "",
        doc: "Comma-separated addresses or CIDR ranges of reverse proxies and load balancers whose X-Forwarded-For or Forwarded header names the client (e.g. 10.0.0.0/8,127.0.0.1); empty trusts none and uses the TCP peer. Rate limits and visitor IPs use this address.",
    },
    Key {
        name: "PORTHOLE_GEOIP_DB",
        default: "",
        doc: "Path of a MaxMind-format location database (GeoIP2 or GeoLite2 City, e.g. /var/lib/GeoIP/GeoLite2-City.mmdb) to show agents each visitor's country and city, looked up from their IP address; read once at start (a file that cannot be read stops the start). Empty: no locations.",
    },
    Key {
        name: "PORTHOLE_WEBHOOK_ALLOW_NETWORKS",
        default: "",
        doc: "Comma-separated addresses or CIDR ranges that webhook deliveries may reach although they are private, loopback or reserved (e.g. 10.20.0.0/16 for a receiver inside your network); empty allows public addresses only.",
    },
    Key {
        name: "PORTHOLE_MAX_CONNECTIONS",
        default: "10000",
        doc: "Most open connections (16 to 1000000); at the limit the server stops accepting until one closes. Keep it below the process's open-file limit (ulimit -n).",
    },
    Key {
        name: "PORTHOLE_MAX_CONNECTIONS_PER_IP",
        default: "256",
        doc: "Most open connections from one address (1 to 1000000); more are closed at once. PORTHOLE_TRUSTED_PROXIES are exempt.",
    },
    Key {
        name: "PORTHOLE_IDLE_TIMEOUT_SECS",
        default: "60",
        doc: "How long a connection may stay open with no request in progress (5 to 3600); a new connection must send its first request within 10 s.",
    },
    Key {
        name: "PORTHOLE_EVENT_RETENTION_DAYS",
        default: "30",
        doc: "Days the event log behind live feeds is kept (1 to 3650); a client resuming from an older cursor reloads instead. Finished background jobs (sent e-mails) are kept as long.",
    },
    Key {
        name: "PORTHOLE_EVENT_RETENTION_COUNT",
        default: "1000000",
        doc: "Most events kept per workspace (1000 to 1000000000), whatever their age.",
    },
    Key {
        name: "PORTHOLE_UNSENT_UPLOAD_HOURS",
        default: "24",
        doc: "Hours an uploaded file may wait to be sent with a message before it is deleted (1 to 720).",
    },
    Key {
        name: "PORTHOLE_IDLE_VISITOR_DAYS",
        default: "30",
        doc: "Days after their last visit that visitors who never started a conversation are deleted, with their page views (1 to 3650).",
    },
    Key {
        name: "PORTHOLE_WORKSPACE_STORAGE_MB",
        default: "1024",
        doc: "Most megabytes (MiB) of attachments one workspace may store (1 to 10000000); uploads beyond it answer FAILED_PRECONDITION.",
    },
    Key {
        name: "PORTHOLE_SMTP_URL",
        default: "",
        doc: "SMTP server for e-mail (invitations): smtp://host:port in the clear, smtp://host:587?tls=required for STARTTLS, smtps://host:465 for TLS, with user:password@ before the host if it needs them; empty turns e-mail off (invitations are then links to hand over).",
    },
    Key {
        name: "PORTHOLE_SMTP_PASSWORD_FILE",
        default: "",
        doc: "A file whose content (trailing newline removed) is the SMTP password, instead of writing it in PORTHOLE_SMTP_URL.",
    },
    Key {
        name: "PORTHOLE_SMTP_FROM",
        default: "",
        doc: "The sender of Porthole's e-mail, e.g. Porthole <chat@example.com>; required with PORTHOLE_SMTP_URL.",
    },
    Key {
        name: "PORTHOLE_LLM_BASE_URL",
        default: "",
        doc: "The AI bot's model: the base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1, https://generativelanguage.googleapis.com/v1beta/openai or http://127.0.0.1:11434/v1 (Ollama); empty turns the bot off (ai_bot and hybrid widgets then go to the agents).",
    },
    Key {
        name: "PORTHOLE_LLM_MODEL",
        default: "",
        doc: "The model's name at that API, e.g. gpt-4o-mini, gemini-2.0-flash or llama3.2; required with PORTHOLE_LLM_BASE_URL.",
    },
    Key {
        name: "PORTHOLE_LLM_API_KEY",
        default: "",
        doc: "The API key, sent as a bearer token; empty for servers without keys (Ollama). Prefer PORTHOLE_LLM_API_KEY_FILE.",
    },
    Key {
        name: "PORTHOLE_LLM_API_KEY_FILE",
        default: "",
        doc: "A file whose content (trailing newline removed) is the API key, instead of PORTHOLE_LLM_API_KEY.",
    },
    Key {
        name: "PORTHOLE_LLM_TIMEOUT_SECS",
        default: "30",
        doc: "Seconds one request to the model may take, first byte to last answer (1 to 50); past it the conversation goes to the agents.",
    },
    Key {
        name: "PORTHOLE_LLM_RETRIES",
        default: "1",
        doc: "Times a request that failed before any text arrived (unreachable, 429, 5xx, timeout) is sent again (0 to 3).",
    },
    Key { name: "PORTHOLE_LLM_MAX_TOKENS", default: "600", doc: "Longest answer, in tokens (16 to 8192)." },
    Key {
        name: "PORTHOLE_UNREAD_REPLY_SECS",
        default: "180",
        doc: "Seconds an agent's reply may stay unread in the widget before it is e-mailed to a visitor who gave an address (1 to 86400).",
    },
    Key {
        name: "PORTHOLE_UNSEEN_MESSAGE_SECS",
        default: "300",
        doc: "Seconds a visitor's message may stay unread by its assignee before it is e-mailed to them, if their notification settings say so (1 to 86400).",
    },
    Key {
        name: "PORTHOLE_JOB_RETRY_SECS",
        default: "10",
        doc: "Seconds before a failed background job (e-mail, webhook delivery) is first retried (1 to 600); each further retry waits twice as long, at most an hour.",
    },
    Key {
        name: "PORTHOLE_JOB_LEASE_SECS",
        default: "300",
        doc: "How long a worker's claim on a job lasts (10 to 3600): if its process dies, the job runs again after this. An attempt may take half of it, at most 60 s.",
    },
    Key {
        name: "PORTHOLE_DEMO",
        default: "false",
        doc: "true creates a demo workspace (demo@porthole.test / porthole-demo) with a widget shown at /demo; false (the default) keeps the demo owner from signing in, should the workspace exist from an earlier start.",
    },
    Key {
        name: "PORTHOLE_METRICS",
        default: "local",
        doc: "Who may read GET /metrics (Prometheus text): local (callers on this host only: a loopback peer whose request names no forwarded client), on (anyone who reaches the port: put it behind a network policy or set a token) or off (404).",
    },
    Key {
        name: "PORTHOLE_METRICS_TOKEN",
        default: "",
        doc: "When set, every /metrics request must also send Authorization: Bearer <this token> (16+ characters); empty asks for none.",
    },
    Key {
        name: "PORTHOLE_OTLP_ENDPOINT",
        default: "",
        doc: "Base URL of an OpenTelemetry collector's OTLP/HTTP receiver, e.g. http://otel-collector:4318: every gRPC call becomes a trace (with its store calls as child spans), POSTed in batches to <this>/v1/traces. Empty exports nothing.",
    },
    Key {
        name: "PORTHOLE_TRACE_SAMPLE",
        default: "1",
        doc: "Share of traces exported, 0 to 1, when PORTHOLE_OTLP_ENDPOINT is set; a call whose W3C traceparent header comes sampled (or not) follows its caller.",
    },
    Key {
        name: "PORTHOLE_LOG",
        default: "info",
        doc: "Log filter in tracing's EnvFilter syntax, e.g. info,porthole_server=debug.",
    },
    Key {
        name: "PORTHOLE_LOG_FORMAT",
        default: "text",
        doc: "Log format: text (human) or json (one object per line).",
    },
];

/// Which database to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// A SQLite file at this path.
    Sqlite(PathBuf),
    /// A PostgreSQL server at this URL.
    Postgres(String),
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub redis_url: Option<String>,
    /// Explicit public base URL; `None` derives it from the bound address.
    pub public_url: Option<String>,
    pub jwt_secret: Option<String>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub invite_ttl: Duration,
    pub visitor_token_ttl: Duration,
    pub db_pool_size: usize,
    /// How long an agent's dashboard may be disconnected before they count as offline.
    pub agent_grace: Duration,
    /// How long a visitor may be inactive before their next activity starts a new visit.
    pub visit_timeout: Duration,
    /// Seed the demo workspace and serve `/demo`.
    pub demo: bool,
    pub rate_limits: crate::limits::Rates,
    /// Who may create a workspace with SignUp.
    pub signup: crate::domain::account::SignUpPolicy,
    /// Peers whose forwarding headers name the client.
    pub trusted_proxies: crate::client_ip::TrustedProxies,
    /// The MaxMind-format location database (`geo`); `None` shows no locations.
    pub geoip_db: Option<PathBuf>,
    /// Which addresses webhook deliveries may reach.
    pub webhook_addresses: crate::domain::webhook::AddressPolicy,
    /// Caps and timeouts of TCP connections.
    pub connections: crate::connections::ConnectionLimits,
    /// What is kept, for how long, and how much.
    pub retention: crate::retention::Retention,
    /// Where e-mail goes; `None` when no SMTP server is configured.
    pub mail: Option<crate::jobs::mail::MailSettings>,
    /// The AI bot's model; `None` when none is configured.
    pub llm: Option<crate::bot::provider::ProviderSettings>,
    /// Timeout, retries and token limit of every model, the server's and workspaces' own.
    pub llm_limits: crate::bot::provider::Limits,
    /// How long a failed job waits before its first retry.
    pub first_job_retry: Duration,
    /// How long a worker's claim on a job lasts.
    pub job_lease: Duration,
    /// How long an agent's reply may stay unread before it is e-mailed to the visitor.
    pub unread_reply_delay: Duration,
    /// How long a visitor's message may stay unread by its assignee before it is e-mailed
    /// to them.
    pub unseen_message_delay: Duration,
    /// Who may read `/metrics`.
    pub metrics: crate::metrics::MetricsAccess,
    /// Where traces go, if anywhere.
    pub traces: TraceExport,
    pub log_filter: String,
    pub log_format: LogFormat,
}

/// OpenTelemetry trace export (`crate::otel`).
#[derive(Clone, Debug, PartialEq)]
pub struct TraceExport {
    /// The OTLP/HTTP receiver's base URL; `None` exports nothing (and makes no spans).
    pub endpoint: Option<url::Url>,
    /// Share of root traces sampled, 0 to 1.
    pub sample: f64,
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid {key}={value:?}: {reason}")]
pub struct ConfigError {
    pub key: &'static str,
    pub value: String,
    pub reason: String,
}

/// The text of `.env.example`: every key with its doc line and default.
pub fn env_example() -> String {
    let mut out = String::from(
        "# Porthole server settings. Every key is optional: the defaults start a single-node\n\
         # server on SQLite. Generated by `porthole env-example`; keep it in sync.\n",
    );
    for key in KEYS {
        out.push_str(&format!("\n# {}\n{}={}\n", key.doc, key.name, key.default));
    }
    out
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`; unset and empty values take defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| -> (&'static str, String) {
            let default = KEYS.iter().find(|k| k.name == name).map_or("", |k| k.default);
            let value = lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            (name, value.unwrap_or_else(|| default.to_owned()))
        };
        let fail = |key: &'static str, value: &str, reason: &str| ConfigError {
            key,
            value: value.to_owned(),
            reason: reason.to_owned(),
        };

        let (k, v) = get("PORTHOLE_LISTEN");
        let listen: SocketAddr =
            v.parse().map_err(|_| fail(k, &v, "expected IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080"))?;

        let (_, v) = get("PORTHOLE_DATA_DIR");
        let data_dir = PathBuf::from(v);

        let (k, v) = get("DATABASE_URL");
        let database = if v.is_empty() {
            DatabaseConfig::Sqlite(data_dir.join("porthole.db"))
        } else if let Some(path) = v.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(fail(k, "sqlite://", "expected sqlite://PATH"));
            }
            DatabaseConfig::Sqlite(PathBuf::from(path))
        } else if v.starts_with("postgres://") || v.starts_with("postgresql://") {
            url::Url::parse(&v).map_err(|e| fail(k, "<hidden>", &format!("not a URL: {e}")))?;
            DatabaseConfig::Postgres(v)
        } else {
            return Err(fail(k, "<hidden>", "expected postgres://…, sqlite://PATH or empty"));
        };

        let (k, v) = get("REDIS_URL");
        let redis_url = if v.is_empty() {
            None
        } else if v.starts_with("redis://") || v.starts_with("rediss://") {
            url::Url::parse(&v).map_err(|e| fail(k, "<hidden>", &format!("not a URL: {e}")))?;
            Some(v)
        } else {
            return Err(fail(k, "<hidden>", "expected redis://host:port or empty"));
        };

        let (k, v) = get("PORTHOLE_PUBLIC_URL");
        let public_url = if v.is_empty() {
            None
        } else {
            let url = url::Url::parse(&v).map_err(|e| fail(k, &v, &format!("not a URL: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(fail(k, &v, "expected an http:// or https:// URL"));
            }
            Some(v.trim_end_matches('/').to_owned())
        };

        let (k, v) = get("PORTHOLE_JWT_SECRET");
        let jwt_secret = if v.is_empty() {
            None
        } else if v.len() < 32 {
            return Err(fail(k, "<hidden>", "must be at least 32 characters"));
        } else {
            Some(v)
        };

        let number = |name: &'static str, min: u64, max: u64| -> Result<u64, ConfigError> {
            let (k, v) = get(name);
            match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(fail(k, &v, &format!("expected a whole number from {min} to {max}"))),
            }
        };
        let access_token_ttl = Duration::from_secs(number("PORTHOLE_ACCESS_TOKEN_TTL_SECS", 60, 86_400)?);
        let refresh_token_ttl = Duration::from_secs(number("PORTHOLE_REFRESH_TOKEN_TTL_DAYS", 1, 365)? * 86_400);
        let invite_ttl = Duration::from_secs(number("PORTHOLE_INVITE_TTL_DAYS", 1, 90)? * 86_400);
        let visitor_token_ttl = Duration::from_secs(number("PORTHOLE_VISITOR_TOKEN_DAYS", 1, 365)? * 86_400);
        let db_pool_size = usize::try_from(number("PORTHOLE_DB_POOL_SIZE", 1, 1024)?).unwrap_or(16);

        let agent_grace = Duration::from_secs(number("PORTHOLE_AGENT_OFFLINE_GRACE_SECS", 1, 3600)?);
        let visit_timeout = Duration::from_secs(number("PORTHOLE_VISIT_TIMEOUT_SECS", 60, 86_400)?);

        let (k, v) = get("PORTHOLE_RATE_LIMITS");
        let rate_limits = crate::limits::Rates::parse(&v).map_err(|reason| fail(k, &v, &reason))?;

        let (k, v) = get("PORTHOLE_SIGNUP");
        let signup = crate::domain::account::SignUpPolicy::parse(&v)
            .ok_or_else(|| fail(k, &v, "expected first, open or invite-only"))?;

        let (k, v) = get("PORTHOLE_TRUSTED_PROXIES");
        let trusted_proxies = crate::client_ip::TrustedProxies::parse(&v).map_err(|reason| fail(k, &v, &reason))?;

        // Opened (and checked) by `open_state`, which names the path if it cannot be used.
        let (_, v) = get("PORTHOLE_GEOIP_DB");
        let geoip_db = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());

        let (k, v) = get("PORTHOLE_WEBHOOK_ALLOW_NETWORKS");
        let webhook_addresses = crate::domain::webhook::AddressPolicy {
            allowed: crate::client_ip::parse_networks(&v).map_err(|reason| fail(k, &v, &reason))?,
        };

        let connections = crate::connections::ConnectionLimits {
            max: usize::try_from(number("PORTHOLE_MAX_CONNECTIONS", 16, 1_000_000)?).unwrap_or(10_000),
            max_per_ip: usize::try_from(number("PORTHOLE_MAX_CONNECTIONS_PER_IP", 1, 1_000_000)?).unwrap_or(256),
            idle: Duration::from_secs(number("PORTHOLE_IDLE_TIMEOUT_SECS", 5, 3600)?),
        };

        const DAY: u64 = 86_400;
        let retention = crate::retention::Retention {
            event_age: Duration::from_secs(number("PORTHOLE_EVENT_RETENTION_DAYS", 1, 3650)? * DAY),
            event_count: i64::try_from(number("PORTHOLE_EVENT_RETENTION_COUNT", 1000, 1_000_000_000)?)
                .unwrap_or(1_000_000),
            unsent_upload_age: Duration::from_secs(number("PORTHOLE_UNSENT_UPLOAD_HOURS", 1, 720)? * 3600),
            idle_visitor_age: Duration::from_secs(number("PORTHOLE_IDLE_VISITOR_DAYS", 1, 3650)? * DAY),
            workspace_storage_bytes: i64::try_from(number("PORTHOLE_WORKSPACE_STORAGE_MB", 1, 10_000_000)? << 20)
                .unwrap_or(1 << 30),
            sweep_every: Duration::from_secs(600),
        };

        let (url_key, url) = get("PORTHOLE_SMTP_URL");
        let (password_key, password_file) = get("PORTHOLE_SMTP_PASSWORD_FILE");
        let first_job_retry = Duration::from_secs(number("PORTHOLE_JOB_RETRY_SECS", 1, 600)?);
        let unread_reply_delay = Duration::from_secs(number("PORTHOLE_UNREAD_REPLY_SECS", 1, 86_400)?);
        let unseen_message_delay = Duration::from_secs(number("PORTHOLE_UNSEEN_MESSAGE_SECS", 1, 86_400)?);
        let job_lease = Duration::from_secs(number("PORTHOLE_JOB_LEASE_SECS", 10, 3600)?);
        let (from_key, from) = get("PORTHOLE_SMTP_FROM");
        let mail = if url.is_empty() {
            None
        } else {
            let mut parsed = url::Url::parse(&url).map_err(|e| fail(url_key, "(hidden)", &e.to_string()))?;
            if !password_file.is_empty() {
                let password = std::fs::read_to_string(&password_file)
                    .map_err(|e| fail(password_key, &password_file, &format!("cannot read it: {e}")))?;
                parsed
                    .set_password(Some(password.trim_end_matches(['\r', '\n'])))
                    .map_err(|()| fail(password_key, &password_file, "this URL cannot carry a password"))?;
            }
            if from.is_empty() {
                return Err(fail(from_key, "", "set the sender address, e.g. Porthole <chat@example.com>"));
            }
            // The URL may hold the password: never echo it back.
            Some(
                crate::jobs::mail::MailSettings::new(parsed.as_str(), &from)
                    .map_err(|e| fail(url_key, "(hidden)", &e))?,
            )
        };

        let (base_key, base) = get("PORTHOLE_LLM_BASE_URL");
        let (model_key, model) = get("PORTHOLE_LLM_MODEL");
        let (_, mut api_key) = get("PORTHOLE_LLM_API_KEY");
        let (key_file_key, key_file) = get("PORTHOLE_LLM_API_KEY_FILE");
        let llm_timeout = Duration::from_secs(number("PORTHOLE_LLM_TIMEOUT_SECS", 1, 50)?);
        let llm_retries = u32::try_from(number("PORTHOLE_LLM_RETRIES", 0, 3)?).unwrap_or(1);
        let max_tokens = u32::try_from(number("PORTHOLE_LLM_MAX_TOKENS", 16, 8192)?).unwrap_or(600);
        let llm = if base.is_empty() {
            None
        } else {
            let base_url = url::Url::parse(&base)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .ok_or_else(|| {
                    fail(base_key, &base, "expected an http:// or https:// URL, e.g. https://api.openai.com/v1")
                })?;
            if model.is_empty() {
                return Err(fail(model_key, "", "set the model's name, e.g. gpt-4o-mini"));
            }
            if !key_file.is_empty() {
                let key = std::fs::read_to_string(&key_file)
                    .map_err(|e| fail(key_file_key, &key_file, &format!("cannot read it: {e}")))?;
                key.trim_end_matches(['\r', '\n']).clone_into(&mut api_key);
            }
            Some(crate::bot::provider::ProviderSettings {
                base_url,
                model,
                api_key: Some(api_key).filter(|k| !k.is_empty()),
                timeout: llm_timeout,
                retries: llm_retries,
                max_tokens,
            })
        };

        let (k, v) = get("PORTHOLE_DEMO");
        let demo = match v.as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => return Err(fail(k, &v, "expected true or false")),
        };

        let (k, v) = get("PORTHOLE_METRICS");
        let exposure = crate::metrics::Exposure::parse(&v).ok_or_else(|| fail(k, &v, "expected local, on or off"))?;
        let (k, token) = get("PORTHOLE_METRICS_TOKEN");
        if !token.is_empty() && token.len() < 16 {
            return Err(fail(k, "<hidden>", "must be at least 16 characters"));
        }
        let metrics = crate::metrics::MetricsAccess { exposure, token: Some(token).filter(|t| !t.is_empty()) };

        let (k, v) = get("PORTHOLE_OTLP_ENDPOINT");
        let endpoint = if v.is_empty() {
            None
        } else if !cfg!(feature = "otel") {
            return Err(fail(k, &v, "this build has no trace export (it was built without the otel feature)"));
        } else {
            let url = url::Url::parse(&v).map_err(|e| fail(k, &v, &format!("not a URL ({e})")))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(fail(k, &v, "expected an http:// or https:// URL, e.g. http://otel-collector:4318"));
            }
            Some(url)
        };
        let (k, v) = get("PORTHOLE_TRACE_SAMPLE");
        let sample = v
            .parse::<f64>()
            .ok()
            .filter(|share| (0.0..=1.0).contains(share))
            .ok_or_else(|| fail(k, &v, "expected a number from 0 to 1, e.g. 0.1"))?;
        let traces = TraceExport { endpoint, sample };

        let (k, log_filter) = get("PORTHOLE_LOG");
        // Checked here so a typo stops the server with its key named, instead of quietly
        // logging at the default level.
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&log_filter) {
            return Err(fail(k, &log_filter, &format!("not a log filter ({error}); e.g. info,porthole_server=debug")));
        }
        let (k, v) = get("PORTHOLE_LOG_FORMAT");
        let log_format = match v.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => return Err(fail(k, &v, "expected text or json")),
        };

        Ok(Self {
            listen,
            data_dir,
            database,
            redis_url,
            public_url,
            jwt_secret,
            access_token_ttl,
            refresh_token_ttl,
            invite_ttl,
            visitor_token_ttl,
            db_pool_size,
            agent_grace,
            visit_timeout,
            demo,
            rate_limits,
            signup,
            trusted_proxies,
            geoip_db,
            webhook_addresses,
            connections,
            retention,
            mail,
            llm,
            llm_limits: crate::bot::provider::Limits { timeout: llm_timeout, retries: llm_retries, max_tokens },
            first_job_retry,
            job_lease,
            unread_reply_delay,
            unseen_message_delay,
            metrics,
            traces,
            log_filter,
            log_format,
        })
    }

    /// A configuration for tests: SQLite in `data_dir`, port 0, defaults elsewhere.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        let mut config = Self::from_lookup(|_| None).unwrap_or_else(|_| unreachable!("defaults are valid"));
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.database = DatabaseConfig::Sqlite(data_dir.join("porthole.db"));
        config.data_dir = data_dir;
        // Tests create many workspaces; the default policy has its own tests.
        config.signup = crate::domain::account::SignUpPolicy::Open;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    #[test]
    fn the_smtp_password_may_come_from_a_file() {
        let dir = std::env::temp_dir().join(crate::ids::unique("porthole-config-test"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("smtp-password");
        std::fs::write(&file, "s3cret\n").unwrap();
        let config = with(&[
            ("PORTHOLE_SMTP_URL", "smtp://chat@mail.example.com:587?tls=required"),
            ("PORTHOLE_SMTP_PASSWORD_FILE", file.to_str().unwrap()),
            ("PORTHOLE_SMTP_FROM", "Porthole <chat@example.com>"),
        ])
        .unwrap();
        assert!(config.mail.is_some());
        assert!(with(&[]).unwrap().mail.is_none(), "e-mail is off by default");
        let missing = with(&[
            ("PORTHOLE_SMTP_URL", "smtp://chat@mail.example.com"),
            ("PORTHOLE_SMTP_PASSWORD_FILE", "/nonexistent/smtp-password"),
            ("PORTHOLE_SMTP_FROM", "Porthole <chat@example.com>"),
        ])
        .unwrap_err();
        assert_eq!(missing.key, "PORTHOLE_SMTP_PASSWORD_FILE");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn defaults_start_a_sqlite_node_on_8080() {
        let config = with(&[]).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database, DatabaseConfig::Sqlite(PathBuf::from("./data/porthole.db")));
        assert_eq!(config.public_url, None);
        assert!(config.redis_url.is_none());
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = with(&[("PORTHOLE_LISTEN", "nope")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_LISTEN");
        let err = with(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(err.key, "DATABASE_URL");
        assert!(!err.to_string().contains("mysql"), "secrets are not echoed");
        let err = with(&[("PORTHOLE_JWT_SECRET", "short")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_JWT_SECRET");
        let err = with(&[("PORTHOLE_ACCESS_TOKEN_TTL_SECS", "5")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_ACCESS_TOKEN_TTL_SECS");
        let err = with(&[("PORTHOLE_LOG", "info,porthole_server=loud")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_LOG");
        let err = with(&[("PORTHOLE_LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_LOG_FORMAT");
        let err = with(&[("PORTHOLE_SMTP_URL", "smtp://mail.example.com")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_SMTP_FROM", "a sender is required");
        let err =
            with(&[("PORTHOLE_SMTP_URL", "gopher://user:hunter2@x"), ("PORTHOLE_SMTP_FROM", "a@b.c")]).unwrap_err();
        assert_eq!(err.key, "PORTHOLE_SMTP_URL");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn trace_export_is_off_until_an_endpoint_is_set() {
        assert_eq!(with(&[]).unwrap().traces, TraceExport { endpoint: None, sample: 1.0 });
        let config =
            with(&[("PORTHOLE_OTLP_ENDPOINT", "http://collector:4318"), ("PORTHOLE_TRACE_SAMPLE", "0.25")]).unwrap();
        assert_eq!(config.traces.endpoint.map(String::from).as_deref(), Some("http://collector:4318/"));
        assert!((config.traces.sample - 0.25).abs() < f64::EPSILON);
        for (key, value) in [
            ("PORTHOLE_OTLP_ENDPOINT", "collector:4318"),
            ("PORTHOLE_OTLP_ENDPOINT", "ftp://collector"),
            ("PORTHOLE_TRACE_SAMPLE", "1.5"),
            ("PORTHOLE_TRACE_SAMPLE", "NaN"),
            ("PORTHOLE_TRACE_SAMPLE", "all"),
        ] {
            assert_eq!(with(&[(key, value)]).unwrap_err().key, key, "{key}={value}");
        }
    }

    #[test]
    fn postgres_url_selects_postgres() {
        let config = with(&[("DATABASE_URL", "postgres://u@127.0.0.1/db")]).unwrap();
        assert!(matches!(config.database, DatabaseConfig::Postgres(_)));
    }

    /// `.env.example` is exactly what `porthole env-example` prints.
    #[test]
    fn env_example_is_current() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.env.example")).unwrap();
        assert_eq!(
            text,
            env_example(),
            ".env.example is stale: run `cargo run -p porthole-server -- env-example > .env.example`"
        );
    }
}
