//! `flood`: one visitor sending as fast as a script can (`--flood-rate`, 1,000 msg/s by
//! default) while the chat load runs, with the server's rate limits on and then off, against
//! the same load without the flood. What it shows: the limit turns the flood away at the door
//! and the other visitors' delivery latency stays where it was.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use porthole_client::pb;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::Args;
use crate::client::Client;
use crate::process::ServerEnv;
use crate::runs::{Figure, figure};
use crate::scenarios::{chat_load, start_server};

/// The server's default limits, except new sessions: the bench starts every visitor from one
/// address in a few seconds, which `sessions_per_ip` exists to refuse.
const LIMITS_ON: &str = "sessions_per_ip=1000000/1s,sessions_per_widget=1000000/1s";

/// Sends in flight at once; a flooder past this is not sending faster, only queueing.
const MAX_IN_FLIGHT: usize = 1000;

/// The figures `--runs` summarises.
pub const FIGURES: &[Figure] = &[
    figure("others to visitor p99, no flood", &["baseline", "to_visitor", "p99_ms"], "ms"),
    figure("with flood, limits on", &["limited", "to_visitor", "p99_ms"], "ms"),
    figure("with flood, limits off", &["unlimited", "to_visitor", "p99_ms"], "ms"),
    figure("to agents p99, no flood", &["baseline", "to_agents", "p99_ms"], "ms"),
    figure("to agents p99, limits on", &["limited", "to_agents", "p99_ms"], "ms"),
    figure("flood stored, limits on", &["limited", "flood", "accepted_per_sec"], "msg/s"),
    figure("flood stored, limits off", &["unlimited", "flood", "accepted_per_sec"], "msg/s"),
    figure("others' errors", &["others_errors"], ""),
];

/// Three chat runs on fresh servers: limits on without the flood, limits on with it, limits
/// off with it.
pub async fn flood(args: &Args) -> Result<Value, String> {
    let mut args = args.clone();
    // The default allows 20 messages per 10 s: the others' pace must stay inside it.
    args.interval = args.interval.max(Duration::from_secs(1));
    let run = async |label: &str, rate_limits: &str, flood_rate: f64| {
        println!("flood: {label}");
        let env = ServerEnv { rate_limits: rate_limits.to_owned(), ..Default::default() };
        let started = start_server(&args, env).await?;
        let server = &started.server;
        chat_load(&args, &[server], &server.url, &server.url, flood_rate).await
    };
    let baseline = run("the chat load, limits on, no flood", LIMITS_ON, 0.0).await?;
    let limited = run("the same with one visitor flooding, limits on", LIMITS_ON, args.flood_rate).await?;
    let unlimited = run("the same with limits off", "", args.flood_rate).await?;
    let p99 = |r: &Value| r["to_visitor"]["p99_ms"].as_f64().unwrap_or(f64::NAN);
    let stored = |r: &Value| r["flood"]["accepted_per_sec"].as_f64().unwrap_or(f64::NAN);
    let others_errors: u64 = [&baseline, &limited, &unlimited].iter().map(|r| r["errors"].as_u64().unwrap_or(0)).sum();
    println!(
        "flood: {} msg/s from one visitor: others' p99 to visitor {:.2} ms without it, {:.2} ms with it (limits on: \
         {:.1} msg/s stored, {} throttled), {:.2} ms with limits off ({:.1} msg/s stored); others' errors {others_errors}",
        args.flood_rate,
        p99(&baseline),
        p99(&limited),
        stored(&limited),
        limited["flood"]["throttled"],
        p99(&unlimited),
        stored(&unlimited),
    );
    // Limits on, the flooder may store what one visitor is allowed, not its whole rate.
    let allowed = stored(&limited);
    if allowed.is_nan() || allowed >= args.flood_rate / 10.0 {
        return Err(format!("flood: with limits on the flooder still stored {allowed:.1} msg/s"));
    }
    Ok(json!({ "scenario": "flood", "flood_rate": args.flood_rate, "limits_on": LIMITS_ON,
        "baseline": baseline, "limited": limited, "unlimited": unlimited, "others_errors": others_errors }))
}

/// Outcomes of the flooder's sends.
#[derive(Default)]
struct Outcomes {
    accepted: AtomicU64,
    throttled: AtomicU64,
    failed: AtomicU64,
}

/// One visitor sending `rate` messages a second from `start` to `end`, open loop (a send due
/// while earlier ones are unanswered goes out anyway, up to `MAX_IN_FLIGHT`), as a script
/// that ignores the retry delay would.
pub async fn flooder(client: Client, conversation: String, rate: f64, start: Instant, end: Instant) -> Value {
    let period = Duration::from_secs_f64(1.0 / rate);
    let outcomes = Arc::new(Outcomes::default());
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut sends = JoinSet::new();
    let (mut attempted, mut held_back) = (0u64, 0u64);
    let mut first_error: Option<String> = None;
    let mut due = start;
    while due < end {
        tokio::time::sleep_until(due.into()).await;
        due += period;
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            held_back += 1;
            continue;
        };
        attempted += 1;
        let (client, tally) = (client.clone(), outcomes.clone());
        let request = pb::SendMessageRequest {
            conversation_id: conversation.clone(),
            body: "flood".into(),
            client_key: format!("flood-{attempted}"),
            attachment_ids: vec![],
        };
        sends.spawn(async move {
            let _permit = permit;
            match client.visitor().send_message(request).await {
                Ok(_) => tally.accepted.fetch_add(1, Ordering::Relaxed),
                Err(status) if status.code() == tonic::Code::ResourceExhausted => {
                    tally.throttled.fetch_add(1, Ordering::Relaxed)
                }
                Err(status) => return Some(status.to_string()),
            };
            None
        });
        // Reap finished sends as we go so the set stays small.
        while let Some(done) = sends.try_join_next() {
            record_failure(done, &outcomes, &mut first_error);
        }
    }
    while let Some(done) = sends.join_next().await {
        record_failure(done, &outcomes, &mut first_error);
    }
    let seconds = end.saturating_duration_since(start).as_secs_f64().max(1e-3);
    let accepted = outcomes.accepted.load(Ordering::Relaxed);
    json!({ "rate": rate, "attempted": attempted, "held_back_in_flight_cap": held_back,
        "accepted": accepted, "accepted_per_sec": accepted as f64 / seconds,
        "throttled": outcomes.throttled.load(Ordering::Relaxed),
        "failed": outcomes.failed.load(Ordering::Relaxed), "first_error": first_error })
}

fn record_failure(
    done: Result<Option<String>, tokio::task::JoinError>,
    outcomes: &Outcomes,
    first_error: &mut Option<String>,
) {
    let error = match done {
        Ok(None) => return,
        Ok(Some(error)) => error,
        Err(error) => error.to_string(),
    };
    outcomes.failed.fetch_add(1, Ordering::Relaxed);
    first_error.get_or_insert(error);
}
