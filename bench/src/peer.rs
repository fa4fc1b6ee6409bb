//! The Socket.IO peer (bench/peer) and the `compare` scenario.
//!
//! Running the peer: its server and its load client (`load.js`) as child processes, its own
//! throwaway database when the run is on PostgreSQL (as Porthole gets one), and the server's
//! CPU and RSS read from /proc as Porthole's are; `compare` and `realistic` both run it.
//!
//! `compare`: Porthole's chat scenario and the peer at the same visitors, agents and interval,
//! on the same kind of database, then the largest N each keeps p99 ≤ 50 ms at
//! (`search::largest_n`), and the ratios.

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Args;
use crate::infra::TempDatabase;
use crate::process::{Server, StealMeter, cpu_time_of, set_open_files};
use crate::runs::{Figure, figure};
use crate::scenarios::{backend_name, chat};
use crate::search::{P99_LIMIT_MS, caveats, largest_n, number, ratio, times};

const INSTALL: &str = "npm ci --prefix bench/peer";
/// File descriptors beyond one per connection, for the peer's processes (they inherit ours).
const SPARE_FILES: u64 = 1024;

/// The figures `--runs` summarises for a compare run.
pub const FIGURES: &[Figure] = &[
    figure("porthole to visitor p99", &["porthole", "to_visitor", "p99_ms"], "ms"),
    figure("peer to visitor p99", &["peer", "to_visitor", "p99_ms"], "ms"),
    figure("porthole CPU", &["porthole", "server_cpu_percent"], "%"),
    figure("peer CPU", &["peer", "server_cpu_percent"], "%"),
    figure("largest N porthole", &["search", "porthole", "largest_passing_visitors"], ""),
    figure("largest N peer", &["search", "peer", "largest_passing_visitors"], ""),
    figure("largest N porthole/peer", &["ratios_porthole_over_peer", "largest_n"], "×"),
];

/// Why the peer cannot run here, or `None` when node and the peer's packages are present.
pub fn missing(peer_dir: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !matches!(node, Ok(status) if status.success()) {
        return Some("`node` is not on PATH (the Socket.IO peer needs Node.js 20 or later)".into());
    }
    let modules = peer_dir.join("node_modules");
    for module in ["socket.io", "socket.io-client", "better-sqlite3", "pg"] {
        if !modules.join(module).join("package.json").exists() {
            return Some(format!("{} is missing: install the peer with `{INSTALL}`", modules.join(module).display()));
        }
    }
    // better-sqlite3 compiles a native module on install; a failed build leaves the package without it.
    if !modules.join("better-sqlite3/build/Release/better_sqlite3.node").exists() {
        return Some(format!(
            "better-sqlite3's native module was not built: run `{INSTALL}` again and read its output"
        ));
    }
    None
}

/// Runs one point of the peer: a throwaway PostgreSQL database of its own when Porthole's
/// servers are on PostgreSQL (created now, dropped after the peer server stopped), the peer
/// server, and `load.js` with the common flags (URL, visitors, agents, duration, warmup) and
/// `load_flags`. Returns the load client's JSON with the server's CPU and RSS, the load
/// client's CPU, the run's steal and the peer's backend added.
pub async fn run_peer(args: &Args, load_flags: Vec<String>) -> Result<Value, String> {
    let database = match backend_name(args) {
        // On --postgres-url even when Porthole got --database-url: the peer's tables (its
        // `messages` among them) must not meet Porthole's.
        "postgres" => Some(TempDatabase::create(&args.postgres_url).await.map_err(|e| format!("peer database: {e}"))?),
        _ => None,
    };
    let database_url = database.as_ref().map_or_else(String::new, |d| d.url.clone());
    // The peer run only waits on child processes: keep it off the async workers.
    let args = args.clone();
    let result = tokio::task::spawn_blocking(move || run_peer_blocking(&args, &database_url, &load_flags))
        .await
        .map_err(|e| e.to_string())?;
    // The server has stopped (it is dropped inside): now its database can go.
    drop(database);
    result
}

fn run_peer_blocking(args: &Args, database_url: &str, load_flags: &[String]) -> Result<Value, String> {
    // One socket per visitor in each of the two processes; they inherit this limit.
    set_open_files(None, (args.visitors + args.agents) as u64 + SPARE_FILES).map_err(|e| format!("peer: {e}"))?;
    let server = Server::start_peer(&args.peer_dir, database_url, args.pin).map_err(|e| format!("peer server: {e}"))?;
    let seconds = |d: Duration| d.as_secs_f64().to_string();
    // The client inherits the bench's CPU (0 with --pin), as Porthole's load does.
    let mut client = Command::new("node")
        .arg(args.peer_dir.join("load.js"))
        .args(["--url", &server.url, "--visitors", &args.visitors.to_string(), "--agents", &args.agents.to_string()])
        .args(["--duration", &seconds(args.duration), "--warmup", &seconds(args.warmup)])
        .args(load_flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the peer load client: {e}"))?;
    let pid = client.id();
    let stdout = client.stdout.take().ok_or("the peer load client has no stdout")?;
    let mut before = None;
    let mut after = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading the peer load client: {e}"))?;
        if line == "ready" {
            // The sends start now: the CPU window opens here, as it does for Porthole.
            before = Some((Instant::now(), server.cpu_time(), cpu_time_of(pid), StealMeter::start()));
        } else if line.starts_with('{') {
            after = Some((line, Instant::now(), server.cpu_time(), cpu_time_of(pid)));
            break;
        }
    }
    let rss = server.rss_bytes();
    let status = client.wait().map_err(|e| e.to_string())?;
    let (Some((began, server_cpu0, client_cpu0, steal0)), Some((line, ended, server_cpu1, client_cpu1))) =
        (before, after)
    else {
        return Err(format!("the peer load client stopped without a result ({status}); its message is above"));
    };
    let mut result: Value =
        serde_json::from_str(&line).map_err(|e| format!("the peer load client printed bad JSON: {e}"))?;
    let wall = ended.duration_since(began).as_secs_f64();
    let cpu = server_cpu1.saturating_sub(server_cpu0).as_secs_f64() / wall * 100.0;
    let client_cpu = client_cpu1.saturating_sub(client_cpu0).as_secs_f64() / wall * 100.0;
    if let Value::Object(fields) = &mut result {
        fields.insert("scenario".into(), json!("peer"));
        fields.insert("backend".into(), json!(if database_url.is_empty() { "sqlite" } else { "postgres" }));
        fields.insert("server_cpu_percent".into(), json!(cpu));
        fields.insert("server_rss_bytes".into(), json!(rss));
        fields.insert("client_cpu_percent".into(), json!(client_cpu));
        fields.insert("steal_percent".into(), json!(steal0.percent()));
    }
    Ok(result)
}

/// The chat scenario on the peer: `args`' visitors, agents and interval.
async fn peer_chat(args: &Args) -> Result<Value, String> {
    let mut result = run_peer(args, vec!["--interval".into(), args.interval.as_secs_f64().to_string()]).await?;
    let rate = args.visitors as f64 / args.interval.as_secs_f64();
    if let Value::Object(fields) = &mut result {
        fields.insert("msgs_per_sec".into(), json!(rate));
    }
    let (v, a) = (&result["to_visitor"], &result["to_agents"]);
    println!(
        "peer[{}]: {} visitors, {} agents, {rate:.0} msg/s: to visitor p50 {} p99 {} p99.9 {} max {} ms; to agents p50 {} \
         p99 {} p99.9 {} max {} ms; {} errors; server CPU {:.0}% RSS {:.1} MB; load client CPU {:.0}%",
        result["backend"].as_str().unwrap_or("?"),
        args.visitors,
        args.agents,
        v["p50_ms"],
        v["p99_ms"],
        v["p999_ms"],
        v["max_ms"],
        a["p50_ms"],
        a["p99_ms"],
        a["p999_ms"],
        a["max_ms"],
        result["errors"],
        number(&result, &["server_cpu_percent"]),
        number(&result, &["server_rss_bytes"]) / 1e6,
        number(&result, &["client_cpu_percent"]),
    );
    Ok(result)
}

/// Runs the comparison; fails at once, saying what to install, when the peer cannot run.
pub async fn compare(args: &Args) -> Result<Value, String> {
    if let Some(why) = missing(&args.peer_dir) {
        return Err(format!("compare: {why}"));
    }
    let mut args = args.clone();
    if args.quick {
        // Four short points (two each) keep quick mode to seconds.
        args.duration = args.search_duration;
    }
    let backend = backend_name(&args);
    let mut porthole = chat(&args).await?;
    if let Value::Object(fields) = &mut porthole {
        fields.insert("backend".into(), json!(backend));
    }
    let peer = peer_chat(&args).await?;
    let peer_backend = peer["backend"].as_str().unwrap_or("?").to_owned();
    let mut search_porthole = largest_n(&args, "compare[porthole]", &porthole, async |a: &Args| chat(a).await).await;
    let mut search_peer = largest_n(&args, "compare[peer]", &peer, async |a: &Args| peer_chat(a).await).await;
    for search in [&mut search_porthole, &mut search_peer] {
        let rate = number(search, &["largest_passing_visitors"]) / args.interval.as_secs_f64();
        if let Value::Object(fields) = search {
            fields.insert("msgs_per_sec_at_largest".into(), json!(rate));
        }
    }

    let f = number;
    let p99_visitor = ratio(f(&porthole, &["to_visitor", "p99_ms"]), f(&peer, &["to_visitor", "p99_ms"]));
    let p99_agents = ratio(f(&porthole, &["to_agents", "p99_ms"]), f(&peer, &["to_agents", "p99_ms"]));
    let cpu = ratio(f(&porthole, &["server_cpu_percent"]), f(&peer, &["server_cpu_percent"]));
    let rss = ratio(f(&porthole, &["server_rss_bytes"]), f(&peer, &["server_rss_bytes"]));
    let n_porthole = f(&search_porthole, &["largest_passing_visitors"]);
    let n_peer = f(&search_peer, &["largest_passing_visitors"]);
    let max_clients = ratio(n_porthole, n_peer);
    let rate = args.visitors as f64 / args.interval.as_secs_f64();
    println!(
        "compare: same load ({} visitors, {} agents, {rate:.0} msg/s; porthole on {backend}, peer on {peer_backend}), \
         porthole/peer: to-visitor p99 {} ms / {} ms = {}; to-agents p99 {} / {} = {}; server CPU {:.0}% / {:.0}% = {}; \
         RSS {:.1} / {:.1} MB = {}",
        args.visitors,
        args.agents,
        porthole["to_visitor"]["p99_ms"],
        peer["to_visitor"]["p99_ms"],
        times(p99_visitor),
        porthole["to_agents"]["p99_ms"],
        peer["to_agents"]["p99_ms"],
        times(p99_agents),
        f(&porthole, &["server_cpu_percent"]),
        f(&peer, &["server_cpu_percent"]),
        times(cpu),
        f(&porthole, &["server_rss_bytes"]) / 1e6,
        f(&peer, &["server_rss_bytes"]) / 1e6,
        times(rss),
    );
    println!(
        "compare: largest N with p99 ≤ {P99_LIMIT_MS} ms ({} agents, one message per visitor every {} s; porthole on \
         {backend}, peer on {peer_backend}): porthole {n_porthole}{}, peer {n_peer}{}; porthole/peer = {} (issue 7 \
         target ≥ 10×)",
        args.agents,
        args.interval.as_secs_f64(),
        caveats(&search_porthole),
        caveats(&search_peer),
        times(max_clients),
    );
    Ok(json!({ "scenario": "compare", "backend": { "porthole": backend, "peer": peer_backend },
        "p99_limit_ms": P99_LIMIT_MS, "porthole": porthole, "peer": peer,
        "search": { "porthole": search_porthole, "peer": search_peer },
        "ratios_porthole_over_peer": { "to_visitor_p99": p99_visitor, "to_agents_p99": p99_agents,
            "server_cpu": cpu, "server_rss": rss, "largest_n": max_clients },
        "target_largest_n_ratio": 10.0 }))
}
