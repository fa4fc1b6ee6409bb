//! `porthole-bench`: drives a real Porthole server through its real gRPC API and prints one
//! summary line per scenario plus a JSON result. See BENCHMARKS.md for the method.
//!
//! Scenarios: `chat` (send→deliver latency to the visitor's and the agents' feeds, open-loop
//! pacing, over gRPC or grpc-web), `ingest` (persisted messages per second), `startup` (time to
//! serving, idle RSS), `compare` (the chat scenario against the Socket.IO peer in bench/peer,
//! and the largest N each keeps p99 ≤ 50 ms at), `realistic` (the same comparison under the
//! load a site with the widget puts on each: most visitors only browse, a few chat), `idle`
//! (server memory per idle visitor feed, CPU while idle), `replicas` (what a second server
//! process adds to delivery latency),
//! `chaos` (servers and Redis killed and restarted, feeds cut, under chat load: every
//! acknowledged message must still reach every feed once, in order).
//! Each runs `--runs` times and prints the median and range of its figures.
//! `all` runs every scenario but `compare` and `realistic` (which need the peer's npm install).
//! `--quick` runs each briefly with small numbers, so the test command keeps it working.

mod chaos;
mod client;
mod flood;
mod idle;
mod infra;
mod peer;
mod process;
mod realistic;
mod reports;
mod runs;
mod scenarios;
mod search;

use client::Protocol;

use std::process::ExitCode;
use std::time::Duration;

/// Command-line settings (every one has a default that finishes in minutes).
#[derive(Clone, Debug)]
pub struct Args {
    pub scenario: String,
    /// The `porthole` binary to start (a fresh data dir per run).
    pub server_bin: String,
    /// `DATABASE_URL` for the server; empty means SQLite.
    pub database_url: String,
    pub visitors: usize,
    pub agents: usize,
    /// Seconds between one visitor's messages.
    pub interval: Duration,
    pub duration: Duration,
    pub warmup: Duration,
    pub senders: usize,
    /// Pin the server to CPU 1 and the bench to CPU 0.
    pub pin: bool,
    pub json: Option<String>,
    /// `--quick` was given (the compare scenario shortens its search too).
    pub quick: bool,
    /// The Socket.IO peer's package (bench/peer).
    pub peer_dir: std::path::PathBuf,
    /// The largest-N search stops here, so a run always ends.
    pub search_max: usize,
    /// Measured seconds per point of the largest-N search.
    pub search_duration: Duration,
    /// Wire protocol of the chat and idle clients.
    pub protocol: Protocol,
    /// `--protocol` was given (otherwise `all` runs chat and idle over both).
    pub protocol_given: bool,
    /// Runs per scenario (median and range reported).
    pub runs: usize,
    /// Database of the servers when `--database-url` is not given.
    pub backend: Backend,
    /// PostgreSQL server to create throwaway databases on (`--backend postgres`, `replicas`).
    pub postgres_url: String,
    /// Redis for `replicas`.
    pub redis_url: String,
    /// Idle visitor feeds to open (`idle`).
    pub streams: usize,
    /// Source addresses 127.0.0.1… to spread them over (more are used when needed).
    pub source_addresses: usize,
    /// Conversations the `reports` scenario writes, and messages in each.
    pub report_conversations: usize,
    pub report_messages_per: usize,
    /// How long `idle` measures the server's CPU with every feed open.
    pub idle_window: Duration,
    /// Messages per second the one flooding visitor tries to send (`flood`).
    pub flood_rate: f64,
    /// `--visitors` / `--agents` were given (`realistic` has defaults of its own otherwise).
    pub visitors_given: bool,
    pub agents_given: bool,
    /// `realistic`: share of visitors who chat, seconds between one chatting visitor's
    /// messages, and between one visitor's page views.
    pub chatting: f64,
    pub chat_interval: Duration,
    pub nav_interval: Duration,
}

/// Which database a scenario's servers use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the server's throwaway data directory.
    Sqlite,
    /// A PostgreSQL database created for the run and dropped after it.
    Postgres,
}

/// The defaults, as `porthole-bench` without flags runs.
impl Default for Args {
    fn default() -> Self {
        Args {
            scenario: "chat".into(),
            server_bin: default_server_bin(),
            database_url: String::new(),
            visitors: 200,
            agents: 5,
            interval: Duration::from_secs(2),
            duration: Duration::from_secs(20),
            warmup: Duration::from_secs(3),
            senders: 32,
            pin: false,
            json: None,
            quick: false,
            peer_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("peer"),
            search_max: 20_000,
            search_duration: Duration::from_secs(10),
            protocol: Protocol::Grpc,
            protocol_given: false,
            runs: 3,
            backend: Backend::Sqlite,
            postgres_url: "postgres://postgres@127.0.0.1:5432".into(),
            redis_url: std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            streams: 10_000,
            source_addresses: 4,
            idle_window: Duration::from_secs(20),
            flood_rate: 1000.0,
            report_conversations: 1_000_000,
            report_messages_per: 10,
            visitors_given: false,
            agents_given: false,
            chatting: 0.05,
            chat_interval: Duration::from_secs(20),
            nav_interval: Duration::from_secs(60),
        }
    }
}

impl Args {
    fn parse() -> Result<Self, String> {
        let mut args = Args::default();
        let mut quick = false;
        let mut runs_given = false;
        let mut streams_given = false;
        let mut conversations_given = false;
        let mut it = std::env::args().skip(1);
        let seconds = |v: &str| v.parse::<f64>().map(Duration::from_secs_f64).map_err(|_| format!("bad seconds {v:?}"));
        let count = |v: &str| v.parse::<usize>().map_err(|_| format!("bad number {v:?}"));
        while let Some(flag) = it.next() {
            if flag == "--quick" {
                quick = true;
                continue;
            }
            if flag == "--pin" {
                args.pin = true;
                continue;
            }
            if !flag.starts_with("--") {
                args.scenario = flag;
                continue;
            }
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--server-bin" => args.server_bin = value,
                "--database-url" => args.database_url = value,
                "--visitors" => {
                    args.visitors = count(&value)?;
                    args.visitors_given = true;
                }
                "--agents" => {
                    args.agents = count(&value)?;
                    args.agents_given = true;
                }
                "--interval" => args.interval = seconds(&value)?,
                "--duration" => args.duration = seconds(&value)?,
                "--warmup" => args.warmup = seconds(&value)?,
                "--senders" => args.senders = count(&value)?,
                "--json" => args.json = Some(value),
                "--peer-dir" => args.peer_dir = value.into(),
                "--search-max" => args.search_max = count(&value)?,
                "--search-duration" => args.search_duration = seconds(&value)?,
                "--protocol" => {
                    args.protocol = value.parse::<client::Protocol>().map_err(|e| e.to_string())?;
                    args.protocol_given = true;
                }
                "--runs" => {
                    args.runs = count(&value)?.max(1);
                    runs_given = true;
                }
                "--backend" => {
                    args.backend = match value.as_str() {
                        "sqlite" => Backend::Sqlite,
                        "postgres" => Backend::Postgres,
                        other => return Err(format!("unknown backend {other:?}: sqlite or postgres")),
                    }
                }
                "--postgres-url" => args.postgres_url = value,
                "--redis-url" => args.redis_url = value,
                "--streams" => {
                    args.streams = count(&value)?;
                    streams_given = true;
                }
                "--source-addresses" => args.source_addresses = count(&value)?.max(1),
                "--idle-window" => args.idle_window = seconds(&value)?,
                "--conversations" => {
                    args.report_conversations = count(&value)?.max(1);
                    conversations_given = true;
                }
                "--messages-per" => args.report_messages_per = count(&value)?.max(1),
                "--flood-rate" => args.flood_rate = value.parse().map_err(|_| format!("bad rate {value:?}"))?,
                "--chatting" => {
                    args.chatting = value
                        .parse()
                        .ok()
                        .filter(|share| (0.0..=1.0).contains(share))
                        .ok_or_else(|| format!("bad share {value:?}: a fraction from 0 to 1"))?;
                }
                "--chat-interval" => args.chat_interval = seconds(&value)?,
                "--nav-interval" => args.nav_interval = seconds(&value)?,
                other => return Err(format!("unknown flag {other}")),
            }
        }
        if quick {
            args.visitors = args.visitors.min(20);
            args.agents = args.agents.min(2);
            args.interval = Duration::from_millis(500);
            args.duration = Duration::from_secs(3);
            args.warmup = Duration::from_millis(500);
            args.senders = args.senders.min(4);
            args.quick = true;
            args.search_max = args.search_max.min(2 * args.visitors);
            args.search_duration = Duration::from_secs(1);
            if !runs_given {
                args.runs = 1;
            }
            if !streams_given {
                args.streams = 200;
            }
            if !conversations_given {
                args.report_conversations = 10_000;
            }
            args.source_addresses = args.source_addresses.min(2);
            args.idle_window = args.idle_window.min(Duration::from_secs(1));
        }
        Ok(args)
    }
}

fn default_server_bin() -> String {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    for profile in ["release", "debug"] {
        let path = format!("{target}/{profile}/porthole");
        if std::path::Path::new(&path).exists() {
            return path;
        }
    }
    format!("{target}/release/porthole")
}

const USAGE: &str = "usage: porthole-bench [chat|ingest|startup|compare|realistic|idle|replicas|flood|chaos|reports|all] \
[--quick] [--pin] \
[--runs N] [--server-bin PATH] [--protocol grpc|grpc-web] [--backend sqlite|postgres] [--database-url URL] \
[--postgres-url URL] [--redis-url URL] [--visitors N] [--agents N] [--interval SECS] [--duration SECS] \
[--warmup SECS] [--senders N] [--json FILE] [--peer-dir DIR] [--search-max N] [--search-duration SECS] \
[--streams N] [--source-addresses N] [--idle-window SECS] [--flood-rate MSGS_PER_SEC] [--conversations N] \
[--messages-per N] [--chatting SHARE] [--chat-interval SECS] [--nav-interval SECS]";

fn main() -> ExitCode {
    let args = match Args::parse() {
        Ok(args) => args,
        Err(error) => {
            eprintln!("porthole-bench: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("porthole-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Read before pinning: a pinned process sees one CPU.
    let machine = process::machine();
    if args.pin {
        process::pin_self(0);
    }
    let result = runtime.block_on(scenarios::run(&args));
    match result {
        Ok(results) => {
            let json = serde_json::json!({ "machine": machine, "results": results });
            if let Some(path) = &args.json {
                if let Err(error) = std::fs::write(path, format!("{json:#}\n")) {
                    eprintln!("porthole-bench: cannot write {path}: {error}");
                    return ExitCode::FAILURE;
                }
            } else {
                println!("{json}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("porthole-bench: {error}");
            ExitCode::FAILURE
        }
    }
}
