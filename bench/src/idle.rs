//! The `idle` scenario: memory and CPU cost of idle visitor feeds. S visitors each hold a feed
//! with no messages on a TCP connection of its own (a browser tab on a page with the widget),
//! opened from several source addresses so S can exceed one address's ephemeral ports.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use porthole_client::pb;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio_stream::StreamExt as _;

use crate::Args;
use crate::client::Client;
use crate::process::{ServerEnv, StealMeter, set_open_files};
use crate::runs::{Figure, figure, scaled};
use crate::scenarios::{start_server, visitor_session, workspace};

/// Issue 7's bar for server memory per idle stream.
const TARGET_KB_PER_STREAM: f64 = 7.0;
/// Connections opened (or sessions started) at once.
const CONCURRENCY: usize = 64;
/// Ephemeral ports one source address may use here (the default range 32768–60999 has 28,232).
const PORTS_PER_ADDRESS: usize = 25_000;
/// File descriptors beyond one per stream (database, listeners, setup connections).
const SPARE_FILES: u64 = 1024;
/// Time for allocations to settle before RSS is read (`--quick`: a quarter).
const SETTLE: Duration = Duration::from_secs(2);

/// The figures `--runs` summarises for an idle run.
pub const FIGURES: &[Figure] = &[
    figure("RSS per stream", &["rss_per_stream_kb"], "KB"),
    figure("idle server CPU", &["idle_server_cpu_percent"], "%"),
    scaled("RSS after", &["rss_after_bytes"], "MB", 1e-6),
    figure("open streams", &["streams_open_at_end"], ""),
    figure("errors", &["errors"], ""),
];

/// Source address `i` of `count`: 127.0.0.1, 127.0.0.2, … (all of 127/8 is loopback on Linux).
fn source_address(i: usize, count: usize) -> IpAddr {
    let n = (i % count) as u32 + 1;
    IpAddr::V4(Ipv4Addr::from(u32::from(Ipv4Addr::new(127, 0, 0, 0)) + n))
}

/// Runs the idle scenario once.
pub async fn idle(args: &Args) -> Result<Value, String> {
    let streams = args.streams;
    let settle = if args.quick { SETTLE / 4 } else { SETTLE };
    let addresses = args.source_addresses.max(streams.div_ceil(PORTS_PER_ADDRESS)).max(1);
    let open_files = streams as u64 + SPARE_FILES;
    set_open_files(None, open_files).map_err(|e| format!("idle: this process: {e}"))?;
    let started = start_server(args, ServerEnv { open_files, ..Default::default() }).await?;
    let server = &started.server;
    let protocol = args.protocol;
    let (_, widget) = workspace(protocol, &server.url).await?;

    // Sessions first (over a few shared connections), so their cost is not counted per stream.
    let setup: Vec<Client> = {
        let mut clients = Vec::new();
        for _ in 0..4 {
            clients.push(crate::client::connect(protocol, &server.url, None).await?);
        }
        clients
    };
    let mut tokens = Vec::with_capacity(streams);
    let mut pending = JoinSet::new();
    for i in 0..streams {
        if pending.len() >= CONCURRENCY
            && let Some(done) = pending.join_next().await
        {
            tokens.push(done.map_err(|e| e.to_string())??);
        }
        let (client, widget) = (setup[i % setup.len()].clone(), widget.clone());
        pending.spawn(async move { visitor_session(&client, &widget).await });
    }
    while let Some(done) = pending.join_next().await {
        tokens.push(done.map_err(|e| e.to_string())??);
    }
    drop(setup);

    tokio::time::sleep(settle).await;
    let rss_before = server.rss_bytes();
    let files_before = server.open_files();

    // Each stream on its own connection; the feed task owns the connection and counts heartbeats.
    let heartbeats = Arc::new(AtomicU64::new(0));
    let ended = Arc::new(AtomicU64::new(0));
    let opening = Instant::now();
    let mut holders = JoinSet::new();
    let mut opened = JoinSet::new();
    let mut errors = 0u64;
    let mut first_error = None;
    let mut note = |result: Result<Result<(), String>, tokio::task::JoinError>| {
        if let Err(why) = result.map_err(|e| e.to_string()).and_then(|r| r) {
            errors += 1;
            first_error.get_or_insert(why);
        }
    };
    for (i, token) in tokens.into_iter().enumerate() {
        if opened.len() >= CONCURRENCY
            && let Some(done) = opened.join_next().await
        {
            note(done);
        }
        let local = source_address(i, addresses);
        let url = server.url.clone();
        let (heartbeats, ended) = (heartbeats.clone(), ended.clone());
        let (ready, is_open) = tokio::sync::oneshot::channel();
        holders.spawn(async move {
            let client = match crate::client::connect(protocol, &url, Some(local)).await {
                Ok(client) => client,
                Err(why) => return drop(ready.send(Err(why))),
            };
            client.set_token(Some(token));
            let mut feed = match client.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest::default()).await {
                Ok(feed) => feed.into_inner(),
                Err(status) => return drop(ready.send(Err(format!("from {local}: {status}")))),
            };
            let _ = ready.send(Ok(()));
            while let Some(Ok(item)) = feed.next().await {
                if matches!(item.event, Some(pb::watch_visitor_feed_response::Event::Heartbeat(_))) {
                    heartbeats.fetch_add(1, Ordering::Relaxed);
                }
            }
            ended.fetch_add(1, Ordering::Relaxed);
        });
        opened.spawn(async move { is_open.await.map_err(|_| "the stream task ended".to_owned()).and_then(|r| r) });
    }
    while let Some(done) = opened.join_next().await {
        note(done);
    }
    let open_seconds = opening.elapsed().as_secs_f64();
    if let Some(why) = &first_error {
        eprintln!("idle: first error opening a stream: {why}");
    }

    tokio::time::sleep(settle).await;
    let rss_after = server.rss_bytes();
    let files_after = server.open_files();
    let open = streams as u64 - errors;
    let per_stream_kb = rss_after.saturating_sub(rss_before) as f64 / 1024.0 / open.max(1) as f64;

    // CPU over an idle window long enough to include the feeds' heartbeats (every 15 s).
    let heartbeats_before = heartbeats.load(Ordering::Relaxed);
    let cpu_before = server.cpu_time();
    let steal = StealMeter::start();
    let window = Instant::now();
    tokio::time::sleep(args.idle_window).await;
    let window_s = window.elapsed().as_secs_f64();
    let cpu = server.cpu_time().saturating_sub(cpu_before).as_secs_f64() / window_s * 100.0;
    let heartbeats_in_window = heartbeats.load(Ordering::Relaxed) - heartbeats_before;
    let open_at_end = open.saturating_sub(ended.load(Ordering::Relaxed));
    holders.shutdown().await;

    println!(
        "idle[{}]: {open} of {streams} visitor feeds open ({} connections more on the server, from {addresses} source \
         addresses, opened in {open_seconds:.1} s): RSS {:.1} → {:.1} MB = {per_stream_kb:.2} KB per stream (target ≤ \
         {TARGET_KB_PER_STREAM} KB); server CPU {cpu:.1}% over {window_s:.0} s idle ({heartbeats_in_window} heartbeats); \
         {} still open at the end; {errors} errors",
        protocol.as_str(),
        files_after.saturating_sub(files_before),
        rss_before as f64 / 1e6,
        rss_after as f64 / 1e6,
        open_at_end,
    );
    Ok(json!({ "scenario": "idle", "protocol": protocol.as_str(), "streams": streams, "source_addresses": addresses,
        "errors": errors, "first_error": first_error, "open_seconds": open_seconds,
        "rss_before_bytes": rss_before, "rss_after_bytes": rss_after, "rss_per_stream_kb": per_stream_kb,
        "server_open_files_before": files_before, "server_open_files_after": files_after,
        "idle_window_s": window_s, "idle_server_cpu_percent": cpu, "heartbeats_in_window": heartbeats_in_window,
        "streams_open_at_end": open_at_end, "steal_percent": steal.percent(),
        "target_kb_per_stream": TARGET_KB_PER_STREAM }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_spread_round_robin_from_127_0_0_1() {
        assert_eq!(source_address(0, 4), IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(source_address(3, 4), IpAddr::V4(Ipv4Addr::new(127, 0, 0, 4)));
        assert_eq!(source_address(5, 4), IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    }
}
