//! The scenarios: each starts its own server, drives it through the real client, and
//! returns its figures as JSON (and prints a one-line summary).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use porthole_client::{Porthole, pb};
use serde_json::{Value, json};
use tokio_stream::StreamExt as _;

use crate::Args;
use crate::process::{Server, cpu_time_of, steal_percent};

/// Visitors sharing one HTTP/2 connection (servers cap concurrent streams per connection).
const VISITORS_PER_CONNECTION: usize = 100;

type Shared = Arc<Mutex<Histogram<u64>>>;

fn histogram() -> Result<Shared, String> {
    Histogram::new_with_bounds(1, 60_000_000, 3).map(|h| Arc::new(Mutex::new(h))).map_err(|e| e.to_string())
}

fn record(h: &Shared, micros: u64) {
    if let Ok(mut h) = h.lock() {
        let _ = h.record(micros.max(1));
    }
}

fn summary(h: &Shared) -> Value {
    let Ok(h) = h.lock() else { return Value::Null };
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    json!({ "count": h.len(), "p50_ms": ms(0.5), "p99_ms": ms(0.99), "p999_ms": ms(0.999), "max_ms": h.max() as f64 / 1000.0 })
}

/// Runs the scenario(s) named in `args`.
pub async fn run(args: &Args) -> Result<Vec<Value>, String> {
    let mut results = Vec::new();
    let all = args.scenario == "all";
    if all || args.scenario == "startup" {
        results.push(startup(args)?);
    }
    if all || args.scenario == "ingest" {
        results.push(ingest(args).await?);
    }
    if all || args.scenario == "chat" {
        results.push(chat(args).await?);
    }
    if args.scenario == "compare" {
        results.push(crate::peer::compare(args).await?);
    } else if all {
        // `all` is what the test command runs; without the peer installed it still runs the rest.
        match crate::peer::missing(&args.peer_dir) {
            None => results.push(crate::peer::compare(args).await?),
            Some(why) => println!("compare: skipped: {why}"),
        }
    }
    if results.is_empty() {
        return Err(format!("unknown scenario {:?}: chat, ingest, startup, compare or all", args.scenario));
    }
    Ok(results)
}

fn startup(args: &Args) -> Result<Value, String> {
    let server = Server::start(&args.server_bin, &args.database_url, args.pin).map_err(|e| e.to_string())?;
    std::thread::sleep(Duration::from_secs(1));
    let rss = server.rss_bytes();
    let ms = server.started_in.as_secs_f64() * 1000.0;
    println!("startup: serving after {ms:.1} ms, idle RSS {:.1} MB", rss as f64 / 1e6);
    Ok(json!({ "scenario": "startup", "startup_ms": ms, "idle_rss_bytes": rss }))
}

/// Signs up an owner and creates a widget; returns the owner's client and the widget token.
async fn workspace(url: &str) -> Result<(Porthole, String), String> {
    let owner = Porthole::connect(url).await.map_err(|e| e.to_string())?;
    let session = owner
        .auth()
        .sign_up(pb::SignUpRequest {
            email: format!("bench-{}@example.com", rand::random::<u32>()),
            password: "benchmark password".into(),
            display_name: "Bench".into(),
            workspace_name: "Bench".into(),
        })
        .await
        .map_err(|e| e.to_string())?
        .into_inner()
        .session
        .ok_or("no session")?;
    owner.set_token(Some(session.access_token));
    // Manual routing: the bench measures messaging, not assignment.
    owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest {
            routing_mode: Some(pb::RoutingMode::Manual.into()),
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest { name: "Bench".into(), settings: None })
        .await
        .map_err(|e| e.to_string())?
        .into_inner()
        .widget
        .ok_or("no widget")?;
    Ok((owner, widget.public_token))
}

/// A visitor with a session and a conversation, on `connection`.
async fn visitor(connection: &Porthole, widget_token: &str) -> Result<(Porthole, String), String> {
    let client = connection.with_separate_token();
    let token = client
        .visitor()
        .start_session(pb::StartSessionRequest { widget_token: widget_token.into(), ..Default::default() })
        .await
        .map_err(|e| e.to_string())?
        .into_inner()
        .visitor_token;
    client.set_token(Some(token));
    let conversation = client
        .visitor()
        .start_conversation(pb::StartConversationRequest::default())
        .await
        .map_err(|e| e.to_string())?
        .into_inner()
        .conversation
        .ok_or("no conversation")?;
    Ok((client, conversation.id))
}

async fn ingest(args: &Args) -> Result<Value, String> {
    let server = Server::start(&args.server_bin, &args.database_url, args.pin).map_err(|e| e.to_string())?;
    let (_, widget) = workspace(&server.url).await?;
    let connection = Porthole::connect(server.url.clone()).await.map_err(|e| e.to_string())?;
    let latency = histogram()?;
    let deadline = Instant::now() + args.warmup + args.duration;
    let measure_from = Instant::now() + args.warmup;
    let mut tasks = Vec::new();
    for s in 0..args.senders {
        let (client, conversation) = visitor(&connection, &widget).await?;
        let latency = latency.clone();
        tasks.push(tokio::spawn(async move {
            let (mut sent, mut errors) = (0u64, 0u64);
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                let began = Instant::now();
                let result = client
                    .visitor()
                    .send_message(pb::SendMessageRequest {
                        conversation_id: conversation.clone(),
                        body: "ingest".into(),
                        client_key: format!("i{s}-{i}"),
                        attachment_ids: vec![],
                    })
                    .await;
                if began >= measure_from {
                    match result {
                        Ok(_) => {
                            sent += 1;
                            record(&latency, began.elapsed().as_micros() as u64);
                        }
                        Err(_) => errors += 1,
                    }
                }
            }
            (sent, errors)
        }));
    }
    let (mut sent, mut errors) = (0u64, 0u64);
    for task in tasks {
        let (s, e) = task.await.map_err(|e| e.to_string())?;
        sent += s;
        errors += e;
    }
    let rate = sent as f64 / args.duration.as_secs_f64();
    let backend = if args.database_url.is_empty() { "sqlite" } else { "postgres" };
    let l = summary(&latency);
    println!(
        "ingest[{backend}]: {rate:.0} persisted msg/s with {} senders, send p50 {} ms p99 {} ms, {errors} errors",
        args.senders, l["p50_ms"], l["p99_ms"]
    );
    drop(server);
    Ok(json!({ "scenario": "ingest", "backend": backend, "senders": args.senders, "messages": sent,
        "errors": errors, "msgs_per_sec": rate, "send_latency": l }))
}

/// Milliseconds since `origin` as a message body, so receivers can compute delivery latency.
fn stamp(origin: Instant, at: Instant) -> String {
    format!("b:{}", at.duration_since(origin).as_micros())
}

fn latency_of(origin: Instant, body: &str) -> Option<u64> {
    let sent: u64 = body.strip_prefix("b:")?.parse().ok()?;
    (origin.elapsed().as_micros() as u64).checked_sub(sent)
}

pub async fn chat(args: &Args) -> Result<Value, String> {
    let server = Server::start(&args.server_bin, &args.database_url, args.pin).map_err(|e| e.to_string())?;
    let (owner, widget) = workspace(&server.url).await?;
    let origin = Instant::now();
    let measure_from = origin + Duration::from_secs(2) + args.warmup;
    let to_agents = histogram()?;
    let to_visitor = histogram()?;

    // Agents watch the workspace feed, each on its own connection.
    for _ in 0..args.agents {
        let agent = Porthole::connect(server.url.clone()).await.map_err(|e| e.to_string())?;
        agent.set_token(owner_token(&owner).await?);
        let mut feed = agent
            .conversations()
            .watch_workspace(pb::WatchWorkspaceRequest::default())
            .await
            .map_err(|e| e.to_string())?
            .into_inner();
        let h = to_agents.clone();
        tokio::spawn(async move {
            while let Some(Ok(item)) = feed.next().await {
                if let Some(pb::watch_workspace_response::Event::MessageCreated(m)) = item.event
                    && Instant::now() >= measure_from
                    && let Some(us) = latency_of(origin, &m.body)
                {
                    record(&h, us);
                }
            }
        });
    }

    // Visitors: a session, a conversation and a feed each; then open-loop sends.
    let mut connections = Vec::new();
    let mut visitors = Vec::new();
    for v in 0..args.visitors {
        if v % VISITORS_PER_CONNECTION == 0 {
            connections.push(Porthole::connect(server.url.clone()).await.map_err(|e| e.to_string())?);
        }
        let connection = connections.last().ok_or("no connection")?;
        let (client, conversation) = visitor(connection, &widget).await?;
        let mut feed = client
            .visitor()
            .watch_visitor_feed(pb::WatchVisitorFeedRequest::default())
            .await
            .map_err(|e| e.to_string())?
            .into_inner();
        let h = to_visitor.clone();
        tokio::spawn(async move {
            while let Some(Ok(item)) = feed.next().await {
                if let Some(pb::watch_visitor_feed_response::Event::MessageCreated(m)) = item.event
                    && Instant::now() >= measure_from
                    && let Some(us) = latency_of(origin, &m.body)
                {
                    record(&h, us);
                }
            }
        });
        visitors.push((client, conversation));
    }

    let cpu_before = server.cpu_time();
    let bench_cpu_before = cpu_time_of(std::process::id());
    let steal_before = steal_percent();
    let wall = Instant::now();
    let start = Instant::now() + Duration::from_millis(200);
    let end = start.max(measure_from) + args.duration;
    let mut senders = Vec::new();
    for (v, (client, conversation)) in visitors.into_iter().enumerate() {
        let interval = args.interval;
        // Spread visitors evenly over the interval; each keeps its own schedule (open loop:
        // a late send is measured from when it should have gone out).
        let phase = interval.mul_f64(v as f64 / args.visitors.max(1) as f64);
        senders.push(tokio::spawn(async move {
            let (mut sent, mut errors, mut measured) = (0u64, 0u64, 0u64);
            let mut first_error = None;
            let mut due = start + phase;
            while due < end {
                // Sends due inside the window, so a search can tell whether deliveries went missing.
                if due >= measure_from {
                    measured += 1;
                }
                tokio::time::sleep_until(due.into()).await;
                let result = client
                    .visitor()
                    .send_message(pb::SendMessageRequest {
                        conversation_id: conversation.clone(),
                        body: stamp(origin, due),
                        client_key: format!("c{v}-{}", due.duration_since(origin).as_micros()),
                        attachment_ids: vec![],
                    })
                    .await;
                match result {
                    Ok(_) => sent += 1,
                    Err(error) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| error.to_string());
                    }
                }
                due += interval;
            }
            (sent, errors, measured, first_error)
        }));
    }
    let (mut sent, mut errors, mut measured_sent) = (0u64, 0u64, 0u64);
    let mut first_error = None;
    for task in senders {
        let (s, e, m, why) = task.await.map_err(|e| e.to_string())?;
        sent += s;
        errors += e;
        measured_sent += m;
        first_error = first_error.or(why);
    }
    if let Some(why) = &first_error {
        eprintln!("chat: first send error: {why}");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let seconds = wall.elapsed().as_secs_f64();
    let cpu = server.cpu_time().saturating_sub(cpu_before).as_secs_f64() / seconds * 100.0;
    // The load generator's own CPU: near 100% of its core means it, not the server, set the pace.
    let bench_cpu = cpu_time_of(std::process::id()).saturating_sub(bench_cpu_before).as_secs_f64() / seconds * 100.0;
    let rss = server.rss_bytes();
    let (v, a) = (summary(&to_visitor), summary(&to_agents));
    let rate = args.visitors as f64 / args.interval.as_secs_f64();
    println!(
        "chat: {} visitors, {} agents, {rate:.0} msg/s: to visitor p50 {} p99 {} p99.9 {} max {} ms; to agents p50 {} p99 {} \
         p99.9 {} max {} ms; {errors} errors; server CPU {cpu:.0}% RSS {:.1} MB; bench CPU {bench_cpu:.0}%",
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
        rss as f64 / 1e6
    );
    drop(server);
    Ok(json!({ "scenario": "chat", "visitors": args.visitors, "agents": args.agents,
        "interval_s": args.interval.as_secs_f64(), "messages_sent": sent, "measured_sent": measured_sent, "errors": errors, "first_error": first_error, "msgs_per_sec": rate,
        "to_visitor": v, "to_agents": a, "server_cpu_percent": cpu, "server_rss_bytes": rss, "client_cpu_percent": bench_cpu,
        "steal_percent_since_boot": [steal_before, steal_percent()] }))
}

/// A fresh access token for the bench owner (each agent connection logs in anew).
async fn owner_token(owner: &Porthole) -> Result<Option<String>, String> {
    let me = owner.auth().get_me(pb::GetMeRequest {}).await.map_err(|e| e.to_string())?.into_inner();
    let email = me.user.ok_or("no user")?.email;
    let session = owner
        .with_separate_token()
        .auth()
        .log_in(pb::LogInRequest { email, password: "benchmark password".into(), ..Default::default() })
        .await
        .map_err(|e| e.to_string())?
        .into_inner()
        .session
        .ok_or("no session")?;
    Ok(Some(session.access_token))
}
