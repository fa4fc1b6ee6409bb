//! The server under test as a child process: start it on a free port with a throwaway data
//! directory, wait until it serves, read its RSS and CPU time from /proc, kill and restart it
//! (`chaos`), stop it. Also a throwaway `redis-server` the bench owns, for the same reasons.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why the server could not be run.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot start {bin}: {source} (build it with `cargo build --release -p porthole-server`)")]
    Spawn { bin: String, source: std::io::Error },
    #[error("the server did not answer /healthz within {0:?}")]
    NotReady(Duration),
    #[error("the server exited before serving ({0})")]
    Exited(std::process::ExitStatus),
    #[error("{wanted} open files needed but the hard limit is {hard} (raise it as root, or lower --streams)")]
    OpenFiles { wanted: u64, hard: u64 },
    #[error("cannot start redis-server: {0}")]
    RedisSpawn(std::io::Error),
    #[error("`redis-server` did not answer PING within {0:?}")]
    RedisNotReady(Duration),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// What a server process is started with besides its port and data directory.
#[derive(Clone, Debug, Default)]
pub struct ServerEnv {
    /// `DATABASE_URL`; empty means SQLite in the data directory.
    pub database_url: String,
    /// `REDIS_URL`; empty runs single-node fan-out.
    pub redis_url: String,
    /// RLIMIT_NOFILE to give the server (0 keeps what it inherits).
    pub open_files: u64,
    /// `PORTHOLE_RATE_LIMITS`; empty turns every limit off (the bench's clients are scripts
    /// on one address measuring capacity, which the per-address and per-visitor limits would cap).
    pub rate_limits: String,
    /// `PORTHOLE_ACCESS_TOKEN_TTL_SECS`; 0 keeps the server's default (15 min), which a
    /// scenario that holds one owner's token for longer (`reports`) must raise.
    pub access_token_ttl_secs: u64,
}

/// Builds the command that starts a server (again, on `restart`).
type CommandRecipe = Box<dyn Fn() -> Command + Send + Sync>;

/// A running server.
pub struct Server {
    child: Child,
    pub url: String,
    pub started_in: Duration,
    data_dir: std::path::PathBuf,
    port: u16,
    bin: String,
    recipe: CommandRecipe,
    /// RLIMIT_NOFILE to give each process started (0 keeps what it inherits).
    open_files: u64,
}

impl Server {
    /// Starts `bin` on a free port (pinned to CPU 1 with `taskset` when `pin`).
    pub fn start(bin: &str, env: &ServerEnv, pin: bool) -> Result<Self, ProcessError> {
        let (port, data_dir) = free_port_and_dir("porthole-bench")?;
        let (program, env, dir) = (bin.to_owned(), env.clone(), data_dir.clone());
        let recipe = move || {
            let mut command = pinned(&program, pin);
            command
                .arg("serve")
                .env("PORTHOLE_LISTEN", format!("127.0.0.1:{port}"))
                .env("PORTHOLE_DATA_DIR", &dir)
                .env("PORTHOLE_LOG", "warn")
                .env("PORTHOLE_RATE_LIMITS", if env.rate_limits.is_empty() { "off" } else { env.rate_limits.as_str() })
                // Scenarios sign up a workspace each (replicas share one database).
                .env("PORTHOLE_SIGNUP", "open")
                // Tens of thousands of streams from a few loopback addresses: the connection
                // caps are for the public internet, not for measuring capacity.
                .env("PORTHOLE_MAX_CONNECTIONS", "1000000")
                .env("PORTHOLE_MAX_CONNECTIONS_PER_IP", "1000000");
            if !env.database_url.is_empty() {
                command.env("DATABASE_URL", &env.database_url);
            }
            if !env.redis_url.is_empty() {
                command.env("REDIS_URL", &env.redis_url);
            }
            if env.access_token_ttl_secs > 0 {
                command.env("PORTHOLE_ACCESS_TOKEN_TTL_SECS", env.access_token_ttl_secs.to_string());
            }
            command
        };
        Self::launch(Box::new(recipe), bin, port, data_dir, env.open_files)
    }

    /// Starts the Socket.IO peer (`node server.js` in `peer_dir`) the same way: free port,
    /// throwaway data directory (its SQLite file goes there), CPU 1 when `pin`; on the
    /// PostgreSQL database `database_url` instead when it is not empty.
    pub fn start_peer(peer_dir: &std::path::Path, database_url: &str, pin: bool) -> Result<Self, ProcessError> {
        let (port, data_dir) = free_port_and_dir("porthole-bench-peer")?;
        let (script, dir, database_url) = (peer_dir.join("server.js"), data_dir.clone(), database_url.to_owned());
        let recipe = move || {
            let mut command = pinned("node", pin);
            command.arg(&script).env("PORT", port.to_string()).env("DATA_DIR", &dir);
            // The peer picks its database from DATABASE_URL: one in our own environment must
            // not turn a SQLite run into a PostgreSQL one.
            if database_url.is_empty() {
                command.env_remove("DATABASE_URL");
            } else {
                command.env("DATABASE_URL", &database_url);
            }
            command
        };
        Self::launch(Box::new(recipe), "node", port, data_dir, 0)
    }

    fn launch(
        recipe: CommandRecipe,
        bin: &str,
        port: u16,
        data_dir: std::path::PathBuf,
        open_files: u64,
    ) -> Result<Self, ProcessError> {
        let started = Instant::now();
        let child = spawn(&recipe, bin)?;
        let mut server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            started_in: Duration::ZERO,
            data_dir,
            port,
            bin: bin.to_owned(),
            recipe,
            open_files,
        };
        server.started_in = server.wait_until_serving(started)?;
        Ok(server)
    }

    /// Waits for `/healthz` (then raises the open-files limit); the time since `started`.
    fn wait_until_serving(&mut self, started: Instant) -> Result<Duration, ProcessError> {
        let limit = Duration::from_secs(60);
        while started.elapsed() < limit {
            if healthz(self.port) {
                let serving_after = started.elapsed();
                if self.open_files > 0 {
                    // The server only accepts sockets once it serves, so raising its limit now is in time.
                    set_open_files(Some(self.child.id()), self.open_files)?;
                }
                return Ok(serving_after);
            }
            // A server that died (bad binary, missing module) will never answer: say so now.
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(ProcessError::Exited(status));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Err(ProcessError::NotReady(limit))
    }

    /// Kills the process with SIGKILL, as a crash or `kill -9` would: no shutdown, open
    /// connections reset. Its port and data directory stay for `restart`.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the same server again (killing it first if it still runs) on the same port,
    /// data directory and environment, so clients reconnect to the same URL; returns the time
    /// to serving. Blocks the calling thread until it serves.
    pub fn restart(&mut self) -> Result<Duration, ProcessError> {
        self.kill();
        let started = Instant::now();
        self.child = spawn(&self.recipe, &self.bin)?;
        self.wait_until_serving(started)
    }

    /// Resident memory in bytes.
    /// The server's data directory (its SQLite file is `porthole.db` there).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    pub fn rss_bytes(&self) -> u64 {
        rss_bytes_of(self.child.id())
    }

    /// User + system CPU time used so far.
    pub fn cpu_time(&self) -> Duration {
        cpu_time_of(self.child.id())
    }

    /// Open file descriptors (sockets included), 0 if unreadable.
    pub fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map_or(0, Iterator::count)
    }
}

/// How long a started `redis-server` may take to answer PING.
const REDIS_READY_LIMIT: Duration = Duration::from_secs(10);

/// A `redis-server` of the bench's own on a free loopback port, without persistence (a
/// restart brings it back empty, as a crashed cache would): scenarios that restart Redis
/// must not touch the one other tests share.
pub struct RedisServer {
    child: Child,
    port: u16,
    /// `REDIS_URL` for servers.
    pub url: String,
}

impl RedisServer {
    /// Starts it and waits until it answers PING.
    pub fn start() -> Result<Self, ProcessError> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = spawn_redis(port)?;
        let mut redis = Self { child, port, url: format!("redis://127.0.0.1:{port}") };
        redis.wait_until_ready(Instant::now())?;
        Ok(redis)
    }

    /// Kills it with SIGKILL: connections reset, everything it held is gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again (killing it first if it still runs) on the same port, empty; returns
    /// the time until it answered PING.
    pub fn restart(&mut self) -> Result<Duration, ProcessError> {
        self.kill();
        let started = Instant::now();
        self.child = spawn_redis(self.port)?;
        self.wait_until_ready(started)
    }

    fn wait_until_ready(&mut self, started: Instant) -> Result<Duration, ProcessError> {
        while started.elapsed() < REDIS_READY_LIMIT {
            if crate::infra::redis_unreachable(&self.url).is_none() {
                return Ok(started.elapsed());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(ProcessError::Exited(status));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Err(ProcessError::RedisNotReady(REDIS_READY_LIMIT))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `None` when a `redis-server` binary runs here, else why not.
pub fn redis_server_missing() -> Option<String> {
    match Command::new("redis-server").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(status) if status.success() => None,
        Ok(status) => Some(format!("`redis-server --version` failed ({status})")),
        Err(error) => Some(format!("cannot run `redis-server`: {error}")),
    }
}

fn spawn_redis(port: u16) -> Result<Child, ProcessError> {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        // Nothing is written with persistence off; a scratch directory all the same.
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(ProcessError::RedisSpawn)
}

/// Raises RLIMIT_NOFILE of `pid` (this process when `None`) to at least `wanted`: both limits
/// when allowed (root), else the soft limit up to the hard one. Fails when that is not enough.
pub fn set_open_files(pid: Option<u32>, wanted: u64) -> Result<(), ProcessError> {
    use rustix::process::{Resource, Rlimit};
    let (soft, hard) = open_files_limit(pid)?;
    if soft >= wanted {
        return Ok(());
    }
    let target = pid.and_then(|p| rustix::process::Pid::from_raw(p as i32));
    let raise = Rlimit { current: Some(wanted), maximum: Some(wanted.max(hard)) };
    if rustix::process::prlimit(target, Resource::Nofile, raise).is_ok() {
        return Ok(());
    }
    let _ = rustix::process::prlimit(target, Resource::Nofile, Rlimit { current: Some(hard), maximum: Some(hard) });
    if hard >= wanted { Ok(()) } else { Err(ProcessError::OpenFiles { wanted, hard }) }
}

/// Soft and hard RLIMIT_NOFILE of `pid` (this process when `None`), from /proc (unlimited reads
/// as `u64::MAX`).
fn open_files_limit(pid: Option<u32>) -> Result<(u64, u64), ProcessError> {
    let who = pid.map_or_else(|| "self".to_owned(), |p| p.to_string());
    let limits = std::fs::read_to_string(format!("/proc/{who}/limits"))?;
    let value = |v: Option<&str>| match v {
        Some("unlimited") => Some(u64::MAX),
        Some(v) => v.parse().ok(),
        None => None,
    };
    limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))
        .and_then(|rest| {
            let mut fields = rest.split_whitespace();
            Some((value(fields.next())?, value(fields.next())?))
        })
        .ok_or_else(|| ProcessError::Io(std::io::Error::other(format!("no open-files limit in /proc/{who}/limits"))))
}

/// Resident memory of process `pid` in bytes (0 if it is gone).
pub fn rss_bytes_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// User + system CPU time process `pid` has used so far (zero if it is gone).
pub fn cpu_time_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after ") ".
    let fields: Vec<&str> = stat.rsplit_once(") ").map(|(_, rest)| rest.split(' ').collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 here; 100 ticks/s.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// `program`, run on CPU 1 through `taskset` when `pin`.
fn pinned(program: &str, pin: bool) -> Command {
    if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "1", program]);
        c
    } else {
        Command::new(program)
    }
}

/// Spawns what `recipe` builds, its stdout discarded and its stderr (the server's log) shown.
fn spawn(recipe: &CommandRecipe, bin: &str) -> Result<Child, ProcessError> {
    let mut command = recipe();
    command.stdout(Stdio::null()).stderr(Stdio::inherit());
    command.spawn().map_err(|source| ProcessError::Spawn { bin: bin.to_owned(), source })
}

fn free_port_and_dir(prefix: &str) -> Result<(u16, std::path::PathBuf), ProcessError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let data_dir = std::env::temp_dir().join(format!("{prefix}-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&data_dir)?;
    Ok((port, data_dir))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn healthz(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b"200")
}

/// Pins this process to one CPU (best effort, via `taskset`).
pub fn pin_self(cpu: usize) {
    let _ = Command::new("taskset")
        .args(["-p", "-c", &cpu.to_string(), &std::process::id().to_string()])
        .stdout(Stdio::null())
        .status();
}

/// Facts about the machine for the result file, and CPU steal so far (from /proc/stat).
pub fn machine() -> serde_json::Value {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        .unwrap_or_default();
    serde_json::json!({ "cpus": cpus, "model": model, "steal_percent": steal_percent() })
}

/// Share of CPU time stolen by the hypervisor since boot, in percent.
pub fn steal_percent() -> f64 {
    let (steal, total) = steal_and_total();
    if total == 0.0 { 0.0 } else { steal / total * 100.0 }
}

/// All CPUs' steal and total ticks from /proc/stat's `cpu` line (user … steal; guest time is
/// already counted in user, so it is left out of the total).
fn steal_and_total() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else { return (0.0, 0.0) };
    let values: Vec<f64> = line.split_whitespace().skip(1).take(8).filter_map(|v| v.parse().ok()).collect();
    (values.get(7).copied().unwrap_or(0.0), values.iter().sum())
}

/// CPU steal over an interval: what share of all CPUs' time the hypervisor took between
/// `start` and `percent` (a busy host shows here before it shows in latencies).
pub struct StealMeter(f64, f64);

impl StealMeter {
    pub fn start() -> Self {
        let (steal, total) = steal_and_total();
        Self(steal, total)
    }

    /// Steal since `start`, in percent of all CPU time.
    pub fn percent(&self) -> f64 {
        let (steal, total) = steal_and_total();
        let total = total - self.1;
        if total <= 0.0 { 0.0 } else { (steal - self.0) / total * 100.0 }
    }
}
