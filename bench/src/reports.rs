//! The `reports` scenario: a workspace with a year of history (by default 1,000,000
//! conversations and 10,000,000 messages), then GetReport over 30 days and over a year,
//! timed through the real API.
//!
//! The history is written straight into the server's database (through the API it would
//! take days): rows as the server stores them, and their report figures worked out with the
//! server's own definitions (`porthole_server::domain::report`), as the server's writes
//! would have left them. The server is running meanwhile (SQLite takes the writes through
//! its busy timeout; it is idle). The history is written once per invocation; each of the
//! `--runs` starts the server again on it and times the reports (`History`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Instant;

use porthole_client::pb;
use porthole_server::domain::calendar::{DAY_MS, SLOT_MS};
use porthole_server::domain::id::{ConversationId, MessageId, VisitorId};
use porthole_server::domain::report::{self, BOT, Counted, Facts, Key, Lookups, Tally};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::client::Client;
use crate::process::ServerEnv;
use crate::scenarios::{Started, backend_name, start_server, workspace};
use crate::{Args, Backend};

/// Rows per INSERT statement.
const ROWS_PER_INSERT: usize = 500;
/// Conversations generated (and written with their messages) at a time.
const CHUNK: usize = 2_000;
/// Distinct visitors the conversations belong to.
const VISITORS: usize = 20_000;
const AGENTS: usize = 12;
const WIDGETS: usize = 3;
const TEAMS: usize = 3;
/// Timed calls of each report.
const TIMED: usize = 7;

/// Where SQL goes: SQLite through diesel's connection, PostgreSQL through tokio-postgres.
enum Sink {
    Sqlite(diesel::SqliteConnection),
    Postgres(tokio_postgres::Client),
}

impl Sink {
    async fn open(args: &Args, database_url: &str, data_dir: &std::path::Path) -> Result<Self, String> {
        if args.backend == Backend::Postgres || database_url.starts_with("postgres") {
            let (client, connection) =
                tokio_postgres::connect(database_url, tokio_postgres::NoTls).await.map_err(|e| e.to_string())?;
            tokio::spawn(connection);
            Ok(Sink::Postgres(client))
        } else {
            use diesel::Connection as _;
            let path = data_dir.join("porthole.db");
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).map_err(|e| e.to_string())?;
            run_sqlite(&mut conn, "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;")?;
            Ok(Sink::Sqlite(conn))
        }
    }

    async fn run(&mut self, sql: &str) -> Result<(), String> {
        match self {
            Sink::Sqlite(conn) => run_sqlite(conn, sql),
            Sink::Postgres(client) => client.batch_execute(sql).await.map_err(|e| e.to_string()),
        }
    }
}

fn run_sqlite(conn: &mut diesel::SqliteConnection, sql: &str) -> Result<(), String> {
    use diesel::connection::SimpleConnection as _;
    conn.batch_execute(sql).map_err(|e| e.to_string())
}

/// Writes `rows` of one table as multi-row INSERTs in one transaction; returns how many.
async fn write(sink: &mut Sink, head: &str, rows: &mut Vec<String>) -> Result<u64, String> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut sql = String::from("BEGIN;");
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let _ = write!(sql, " {head} VALUES {};", chunk.join(","));
    }
    sql.push_str(" COMMIT;");
    sink.run(&sql).await?;
    let n = rows.len() as u64;
    rows.clear();
    Ok(n)
}

fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn opt(value: Option<i64>) -> String {
    value.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

fn opt_text(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), text)
}

/// A duration drawn around `median_secs` (log-normal-ish: wide, long-tailed), in ms.
fn spread(rng: &mut StdRng, median_secs: f64) -> i64 {
    let z: f64 = (0..4).map(|_| rng.random::<f64>()).sum::<f64>() - 2.0;
    (median_secs * (1.4 * z).exp() * 1000.0) as i64
}

/// When conversations arrive: more in working hours, less at weekends.
fn arrival(rng: &mut StdRng, now: i64, days: i64) -> i64 {
    loop {
        let at = now - rng.random_range(0..days * DAY_MS);
        let hour = (at.rem_euclid(DAY_MS) / 3_600_000) as usize;
        let weekday = (at.div_euclid(DAY_MS) + 3).rem_euclid(7); // 0 = Monday
        let busy = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1][hour];
        let weight = if weekday >= 5 { busy / 2 + 1 } else { busy };
        if rng.random_range(0..10) < weight {
            return at;
        }
    }
}

/// Ids of what the API created: the workspace, its widgets, teams and agents.
struct Made {
    workspace_id: String,
    widgets: Vec<String>,
    teams: Vec<String>,
    agents: Vec<String>,
}

/// Creates widgets, teams and agents through the API (invites accepted as a new member would).
async fn make(owner: &Client, url: &str, protocol: crate::client::Protocol) -> Result<Made, String> {
    let e = |e: tonic::Status| e.to_string();
    let workspace_id = owner
        .workspace()
        .get_workspace(pb::GetWorkspaceRequest {})
        .await
        .map_err(e)?
        .into_inner()
        .workspace
        .ok_or("no workspace")?
        .id;
    let mut widgets = Vec::new();
    for i in 0..WIDGETS {
        let widget = owner
            .widgets()
            .create_widget(pb::CreateWidgetRequest { name: format!("Site {i}"), settings: None })
            .await
            .map_err(e)?
            .into_inner()
            .widget
            .ok_or("no widget")?;
        widgets.push(widget.id);
    }
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        let email = format!("agent{i}-{}@example.com", rand::random::<u32>());
        let invite = owner
            .workspace()
            .create_invite(pb::CreateInviteRequest { email: email.clone(), role: pb::Role::Agent.into() })
            .await
            .map_err(e)?
            .into_inner();
        let member = crate::client::connect(protocol, url, None).await?;
        let session = member
            .auth()
            .accept_invite(pb::AcceptInviteRequest {
                invite_token: invite.invite_token,
                password: "benchmark password".into(),
                display_name: format!("Agent {i}"),
            })
            .await
            .map_err(e)?
            .into_inner()
            .session
            .ok_or("no session")?;
        agents.push(session.user.ok_or("no user")?.id);
    }
    let mut teams = Vec::new();
    for i in 0..TEAMS {
        let team = owner
            .teams()
            .create_team(pb::CreateTeamRequest { name: format!("Team {i}"), member_user_ids: Vec::new() })
            .await
            .map_err(e)?
            .into_inner()
            .team
            .ok_or("no team")?;
        teams.push(team.id);
    }
    Ok(Made { workspace_id, widgets, teams, agents })
}

/// Writes `conversations` conversations with `messages_per` messages each over the last
/// `days` days, their counts and the rollups; returns (conversations, messages, seconds).
async fn generate(
    sink: &mut Sink,
    made: &Made,
    conversations: usize,
    messages_per: usize,
    days: i64,
) -> Result<(u64, u64, f64), String> {
    let began = Instant::now();
    let mut rng = StdRng::seed_from_u64(17);
    let now = chrono::Utc::now().timestamp_millis();
    let ws = &made.workspace_id;
    const VISITOR_HEAD: &str = "INSERT INTO visitors (id, workspace_id, widget_id, name, first_seen_at, last_seen_at)";
    let mut rows = Vec::new();
    let mut visitor_ids = Vec::with_capacity(VISITORS);
    for i in 0..VISITORS {
        let id = VisitorId::new().to_string();
        let widget = &made.widgets[i % made.widgets.len()];
        let name = text(&format!("Visitor {i}"));
        rows.push(format!("({},{},{},{name},{},{now})", text(&id), text(ws), text(widget), now - days * DAY_MS));
        visitor_ids.push((id, widget.clone()));
    }
    write(sink, VISITOR_HEAD, &mut rows).await?;

    const CONVERSATION_HEAD: &str = "INSERT INTO conversations (id, workspace_id, widget_id, visitor_id, status, priority, assignee_user_id, \
         rating, rating_comment, created_at, updated_at, last_message_at, first_response_at, resolved_at, responder, \
         team_id, last_seq, visitor_last_seq, agent_read_seq, visitor_read_seq)";
    const MESSAGE_HEAD: &str = "INSERT INTO messages (id, workspace_id, conversation_id, seq, sender_type, sender_id, sender_name, body, \
         internal, client_key, created_at)";
    const COUNT_HEAD: &str = "INSERT INTO conversation_counts (conversation_id, workspace_id, counted, rated_at)";
    let (mut convs, mut messages, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    let (mut conversations_written, mut messages_written) = (0, 0);
    let mut rollups: HashMap<Key, Tally> = HashMap::new();
    for i in 0..conversations {
        let id = ConversationId::new().to_string();
        let (visitor, widget) = visitor_ids[rng.random_range(0..visitor_ids.len())].clone();
        let created = arrival(&mut rng, now, days);
        let team = (rng.random_range(0..2) == 0).then(|| made.teams[rng.random_range(0..made.teams.len())].clone());
        let agent = made.agents[rng.random_range(0..made.agents.len())].clone();
        // A sixth with the bot: it answers at once; a third of those it resolves alone, the
        // rest it hands to an agent.
        let bot = rng.random_range(0..6) == 0;
        let bot_alone = bot && rng.random_range(0..3) == 0;
        let answered = bot || rng.random_range(0..100) < 93;
        let first_response = answered.then(|| created + if bot { 4_000 } else { spread(&mut rng, 45.0).max(1_000) });
        let handed_off = (bot && !bot_alone).then(|| first_response.unwrap_or(created) + spread(&mut rng, 90.0));
        let old = created < now - DAY_MS;
        let ended = (old && rng.random_range(0..100) < 96 || !old && rng.random_range(0..2) == 0)
            .then(|| first_response.unwrap_or(created) + spread(&mut rng, 900.0).max(1_000))
            .filter(|&at| at < now);
        let assignee = (!bot_alone).then_some(agent.clone());
        let rated = ended.is_some() && rng.random_range(0..100) < 30;
        let stars = if rated { [1, 2, 3, 4, 4, 4, 5, 5, 5, 5][rng.random_range(0..10)] } else { 0 };
        let comment = if rated && rng.random_range(0..5) == 0 { "Thanks, that helped" } else { "" };
        let rated_at = ended.map(|at| at + 300_000);
        let status = match (ended, answered) {
            (Some(_), _) => "resolved",
            (None, true) => "active",
            (None, false) => "pending",
        };
        let responder = if bot_alone { "bot" } else { "agents" };
        // Messages: the visitor first, then turns until the end (or now).
        let last = ended.unwrap_or(now).max(created + 2_000);
        let step = (last - created) / messages_per.max(1) as i64;
        let mut at = created;
        for seq in 1..=messages_per as i64 {
            let visitor_turn = seq % 2 == 1;
            let (sender, sender_id, name) = if visitor_turn {
                ("visitor", String::new(), "Visitor")
            } else if bot && seq == 2 {
                ("bot", String::new(), "Assistant")
            } else {
                ("agent", agent.clone(), "Agent")
            };
            let when = if seq == 2 { first_response.unwrap_or(at + step) } else { at };
            let row = format!(
                "({},{},{},{seq},'{sender}',{},'{name}','Message {seq}',FALSE,'g{seq}',{})",
                text(MessageId::new().as_ref()),
                text(ws),
                text(&id),
                text(&sender_id),
                when
            );
            messages.push(row);
            at = when.max(at) + step;
        }
        let n = messages_per as i64;
        let row = format!(
            "({},{},{},{},'{status}','normal',{},{stars},{},{created},{},{},{},{},'{responder}',{},{n},{n},{n},{n})",
            text(&id),
            text(ws),
            text(&widget),
            text(&visitor),
            opt_text(assignee.as_deref()),
            text(comment),
            rated_at.filter(|_| rated).or(ended).unwrap_or(created),
            last,
            opt(first_response),
            opt(ended),
            opt_text(team.as_deref()),
        );
        convs.push(row);
        let facts = Facts {
            created_at: created,
            widget_id: widget.clone(),
            team_id: team.clone(),
            assignee: assignee.clone(),
            first_response_at: first_response,
            ended_at: ended,
            with_bot: bot_alone,
            rating: stars,
            changed_at: rated_at.unwrap_or(created),
        };
        let responder_id = if bot { BOT.to_owned() } else { agent.clone() };
        let mut counted = Counted::of(&facts, None, &Lookups { hours: None, first_responder: responder_id });
        counted.handed_off_at = handed_off.filter(|&at| at < now);
        for (key, tally) in report::difference(None, Some(&counted)) {
            rollups.entry(key).or_default().merge(&tally, 1);
        }
        let json = serde_json::to_string(&counted).map_err(|e| e.to_string())?;
        let rated = opt(counted.rating.as_ref().map(|r| r.at));
        counts.push(format!("({},{},{},{rated})", text(&id), text(ws), text(&json)));
        // Conversations before their messages and counts (foreign keys).
        if (i + 1) % CHUNK == 0 || i + 1 == conversations {
            conversations_written += write(sink, CONVERSATION_HEAD, &mut convs).await?;
            messages_written += write(sink, MESSAGE_HEAD, &mut messages).await?;
            write(sink, COUNT_HEAD, &mut counts).await?;
        }
    }

    const FIGURES_HEAD: &str = "INSERT INTO report_figures (workspace_id, span, dim, start_at, started, still_open, resolved, missed, \
         first_responses, first_response_secs, first_response_business_secs, resolution_secs, \
         resolution_business_secs, stars_1, stars_2, stars_3, stars_4, stars_5, bot_answered, bot_resolved, \
         handed_off, first_response_hist, first_response_business_hist, resolution_hist, resolution_business_hist)";
    let mut figures = Vec::new();
    for ((span, dim, start), t) in rollups {
        let span = if span == SLOT_MS { 900 } else { 86_400 };
        let mut row = format!("({},{span},{},{start}", text(ws), text(&dim.key()));
        for v in [
            t.started,
            t.still_open,
            t.resolved,
            t.missed,
            t.first_responses,
            t.first_response_secs,
            t.first_response_business_secs,
            t.resolution_secs,
            t.resolution_business_secs,
        ]
        .into_iter()
        .chain(t.stars)
        .chain([t.bot_answered, t.bot_resolved, t.handed_off])
        {
            let _ = write!(row, ",{v}");
        }
        for h in
            [&t.first_response_hist, &t.first_response_business_hist, &t.resolution_hist, &t.resolution_business_hist]
        {
            let _ = write!(row, ",{}", text(&h.to_text()));
        }
        row.push(')');
        figures.push(row);
        if figures.len() >= 20 * ROWS_PER_INSERT {
            write(sink, FIGURES_HEAD, &mut figures).await?;
        }
    }
    write(sink, FIGURES_HEAD, &mut figures).await?;
    // Fresh statistics, as a database that grew over a year would have.
    sink.run("ANALYZE;").await?;
    Ok((conversations_written, messages_written, began.elapsed().as_secs_f64()))
}

/// Times `calls` of GetReport over the last `days` days; milliseconds, in call order.
async fn time_reports(owner: &Client, days: i64, filter: Option<pb::ReportFilter>) -> Result<Vec<f64>, String> {
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(days - 1);
    let mut took = Vec::new();
    for _ in 0..TIMED {
        let began = Instant::now();
        let report = owner
            .reports()
            .get_report(pb::GetReportRequest {
                from_date: from.format("%Y-%m-%d").to_string(),
                to_date: today.format("%Y-%m-%d").to_string(),
                filter: filter.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?
            .into_inner();
        took.push(began.elapsed().as_secs_f64() * 1000.0);
        if report.current.is_none() {
            return Err("a report without figures".into());
        }
    }
    Ok(took)
}

fn stats(took: &[f64]) -> Value {
    let mut sorted = took.to_vec();
    sorted.sort_by(f64::total_cmp);
    json!({ "first_ms": took.first(), "median_ms": sorted[sorted.len() / 2], "max_ms": sorted.last() })
}

/// A workspace with a year of history, written once; each run restarts the server on it and
/// times the reports. The history is the same every time (a fixed seed), so writing it again
/// per run (15 min on SQLite) would measure nothing new.
pub struct History {
    started: Started,
    owner: Client,
    made: Made,
    conversations: u64,
    messages: u64,
    seconds: f64,
}

/// The owner's access token outlives writing the history and every run (the server's
/// default, 15 min, is about what writing takes on SQLite).
const OWNER_TOKEN_TTL_SECS: u64 = 86_400;

impl History {
    pub async fn write(args: &Args) -> Result<Self, String> {
        let env = ServerEnv { access_token_ttl_secs: OWNER_TOKEN_TTL_SECS, ..ServerEnv::default() };
        let started = start_server(args, env).await?;
        let (owner, _) = workspace(args.protocol, &started.server.url).await?;
        let made = make(&owner, &started.server.url, args.protocol).await?;
        let mut sink = Sink::open(args, started.database_url(), started.server.data_dir()).await?;
        let (conversations, messages, seconds) =
            generate(&mut sink, &made, args.report_conversations, args.report_messages_per, 365).await?;
        println!(
            "reports[{}]: {conversations} conversations, {messages} messages written in {seconds:.0} s",
            backend_name(args)
        );
        Ok(Self { started, owner, made, conversations, messages, seconds })
    }

    /// One run: the server started again on the history (its process cold, the database as
    /// the writes left it), then each report called `TIMED` times through the API.
    pub async fn time(&mut self, args: &Args) -> Result<Value, String> {
        tokio::task::block_in_place(|| self.started.server.restart()).map_err(|e| format!("restarting: {e}"))?;
        let owner = &self.owner;
        let month = time_reports(owner, 30, None).await?;
        let year = time_reports(owner, 365, None).await?;
        let agent =
            Some(pb::ReportFilter { scope: Some(pb::report_filter::Scope::AgentUserId(self.made.agents[0].clone())) });
        let year_agent = time_reports(owner, 365, agent).await?;
        let backend = backend_name(args);
        let (m, y, ya) = (stats(&month), stats(&year), stats(&year_agent));
        println!(
            "reports[{backend}]: 30 days median {:.1} ms (max {:.1}), a year median {:.1} ms (max {:.1}), \
             an agent's year median {:.1} ms",
            m["median_ms"].as_f64().unwrap_or(0.0),
            m["max_ms"].as_f64().unwrap_or(0.0),
            y["median_ms"].as_f64().unwrap_or(0.0),
            y["max_ms"].as_f64().unwrap_or(0.0),
            ya["median_ms"].as_f64().unwrap_or(0.0),
        );
        Ok(json!({ "scenario": "reports", "backend": backend, "conversations": self.conversations,
            "messages": self.messages, "generate_secs": self.seconds, "month": m, "year": y, "year_agent": ya }))
    }
}
