//! Reports through the real client, on both backends: a day of conversations (answered,
//! missed, open, rated, reopened) in GetReport, ExportConversations and the live figures,
//! with the expected figures worked out here from what the test did; and the input
//! rules, roles and workspace boundaries of ReportService.

use std::time::Duration;

use crate::common::{
    self, Backend, TestServer, agent_says, join, open_conversation, sign_up, start_visitor, violated_fields,
    visitor_says,
};
use porthole_client::{Porthole, pb};
use porthole_server::config::DatabaseConfig;
use porthole_server::domain::bot::HandOff;
use porthole_server::domain::conversation::{MessageToSend, Sender};
use porthole_server::domain::id::{ConversationId, MessageId, UserId, VisitorId, WidgetId, WorkspaceId};
use porthole_server::domain::routing::{AgentStatus, Responder};
use porthole_server::store::Store;
use porthole_server::store::conversations::{ChangeOutcome, Continue, ConversationRef, SendOutcome};
use tokio_stream::StreamExt;
use tonic::Code;

fn secs(t: &Option<prost_types::Timestamp>) -> i64 {
    t.as_ref().map(|t| t.seconds * 1000 + i64::from(t.nanos) / 1_000_000).unwrap()
}

fn utc_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().format("%Y-%m-%d").to_string()
}

async fn report(owner: &Porthole, from: &str, to: &str, filter: Option<pb::ReportFilter>) -> pb::GetReportResponse {
    owner
        .reports()
        .get_report(pb::GetReportRequest { from_date: from.into(), to_date: to.into(), filter, ..Default::default() })
        .await
        .unwrap()
        .into_inner()
}

async fn resolve(owner: &Porthole, id: &str) {
    owner
        .conversations()
        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: id.into() })
        .await
        .unwrap();
}

async fn a_day_of_conversations_in_the_reports(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, session) = sign_up(&server, "reports@example.com", "Reports Co").await;
    let owner_id = session.user.unwrap().id;
    let widget = common::create_widget(&owner, "Site").await;
    let mut live = owner.reports().watch_live_figures(pb::WatchLiveFiguresRequest {}).await.unwrap().into_inner();
    let first = live.next().await.unwrap().unwrap().figures.unwrap();
    assert_eq!((first.open, first.started_today), (0, 0));

    // Answered, resolved, rated 5 with a comment.
    let (a, _) = start_visitor(&server, &widget.public_token).await;
    let answered = open_conversation(&a).await;
    visitor_says(&a, &answered.id, "Hello", "a-1").await;
    let reply = agent_says(&owner, &answered.id, "Hi, how can I help?", false).await;
    // A note is not a response (it comes after the reply here, so it could not be anyway).
    agent_says(&owner, &answered.id, "internal", true).await;
    resolve(&owner, &answered.id).await;
    a.visitor()
        .rate_conversation(pb::RateConversationRequest {
            conversation_id: answered.id.clone(),
            rating: 5,
            comment: "Quick and kind".into(),
        })
        .await
        .unwrap();
    // Never answered, resolved: missed.
    let (b, _) = start_visitor(&server, &widget.public_token).await;
    let missed = open_conversation(&b).await;
    visitor_says(&b, &missed.id, "Anyone?", "b-1").await;
    resolve(&owner, &missed.id).await;
    // Still open.
    let (c, _) = start_visitor(&server, &widget.public_token).await;
    let open = open_conversation(&c).await;
    visitor_says(&c, &open.id, "Later", "c-1").await;

    let started_ms = secs(&answered.create_time);
    let response_secs = (secs(&reply.create_time) - started_ms) / 1000;
    let (from, to) = (utc_date(started_ms), utc_date(common_now()));
    let r = report(&owner, &from, &to, None).await;
    assert_eq!(r.time_zone, "UTC");
    let now = r.current.unwrap();
    assert_eq!((now.started, now.open, now.resolved, now.missed), (3, 1, 2, 1));
    let fr = now.first_response.unwrap();
    assert_eq!(fr.count, 1);
    assert_eq!(fr.mean.unwrap().seconds, response_secs);
    // Exact below 20 s.
    assert_eq!(fr.median.unwrap().seconds, response_secs);
    let sat = now.satisfaction.unwrap();
    assert_eq!((sat.rated, sat.average, sat.distribution.clone()), (1, 5.0, vec![0, 0, 0, 0, 1]));
    assert_eq!(sat.response_rate, 0.5);
    assert_eq!(now.resolution.unwrap().count, 2);
    let previous = r.previous.unwrap();
    assert_eq!((previous.started, previous.resolved), (0, 0));
    assert_eq!(r.volume.iter().map(|p| p.started).sum::<i64>(), 3);
    assert_eq!(r.volume.iter().map(|p| p.missed).sum::<i64>(), 1);
    assert_eq!(r.busiest_hours.len(), 168);
    assert_eq!(r.busiest_hours.iter().map(|c| c.started).sum::<i64>(), 3);
    let me = r.agents.iter().find(|a| a.user_id == owner_id).expect("the owner answered");
    assert_eq!(me.first_response.as_ref().unwrap().count, 1);
    assert_eq!(r.widgets.len(), 1);
    assert_eq!(r.widgets[0].figures.as_ref().unwrap().started, 3);
    assert_eq!(r.recent_comments.len(), 1);
    assert_eq!((r.recent_comments[0].rating, r.recent_comments[0].comment.as_str()), (5, "Quick and kind"));

    // The widget's scope holds them all; the export lists them with their figures.
    let filter = pb::ReportFilter { scope: Some(pb::report_filter::Scope::WidgetId(widget.id.clone())) };
    assert_eq!(report(&owner, &from, &to, Some(filter)).await.current.unwrap().started, 3);
    let page = owner
        .reports()
        .export_conversations(pb::ExportConversationsRequest {
            from_date: from.clone(),
            to_date: to.clone(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.conversations.len(), 2);
    assert!(!page.next_page_token.is_empty());
    let rest = owner
        .reports()
        .export_conversations(pb::ExportConversationsRequest {
            from_date: from.clone(),
            to_date: to.clone(),
            page_size: 2,
            page_token: page.next_page_token.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((rest.conversations.len(), rest.next_page_token.as_str()), (1, ""));
    let all: Vec<_> = page.conversations.iter().chain(&rest.conversations).collect();
    let row = |id: &str| all.iter().find(|c| c.conversation_id == id).unwrap();
    assert_eq!(row(&answered.id).first_response_seconds, Some(response_secs));
    assert_eq!(row(&answered.id).first_responder, owner_id);
    assert_eq!((row(&answered.id).rating, row(&answered.id).missed), (5, false));
    assert!(row(&missed.id).missed);
    assert_eq!(row(&missed.id).first_response_seconds, None);
    assert_eq!((row(&open.id).resolution_seconds, row(&open.id).status.as_str()), (None, "pending"));

    // Reopened: its resolution is taken back; resolved again, counted once.
    owner
        .conversations()
        .reopen_conversation(pb::ReopenConversationRequest { conversation_id: answered.id.clone() })
        .await
        .unwrap();
    let reopened = report(&owner, &from, &to, None).await.current.unwrap();
    assert_eq!((reopened.open, reopened.resolved), (2, 1));
    resolve(&owner, &answered.id).await;
    let again = report(&owner, &from, &to, None).await.current.unwrap();
    assert_eq!((again.open, again.resolved, again.missed), (1, 2, 1));

    // The live figures followed.
    let mut latest = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let next = tokio::time::timeout(Duration::from_secs(5), live.next()).await;
        let Ok(Some(Ok(message))) = next else { break };
        let figures = message.figures.unwrap();
        let done = figures.started_today == 3 && figures.resolved_today == 2 && figures.open == 1;
        latest = Some(figures);
        if done {
            break;
        }
    }
    let latest = latest.expect("live figures after the changes");
    assert_eq!((latest.open, latest.pending, latest.started_today, latest.resolved_today), (1, 1, 3, 2));
    assert_eq!(latest.first_response_today.unwrap().count, 1);
    server.stop().await;
}
on_both_backends!(a_day_of_conversations_in_the_reports);

async fn report_input_roles_and_boundaries(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "report-rules@example.com", "Rules Co").await;
    let (other, _) = sign_up(&server, "report-other@example.com", "Other Co").await;
    let foreign = common::create_widget(&other, "Theirs").await;
    let ask = |from: &str, to: &str| pb::GetReportRequest {
        from_date: from.into(),
        to_date: to.into(),
        ..Default::default()
    };

    let bad = owner.reports().get_report(ask("2026-13-01", "yesterday")).await.unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&bad), vec!["from_date", "to_date"]);
    let long = owner.reports().get_report(ask("2025-01-01", "2026-01-02")).await.unwrap_err();
    assert_eq!(violated_fields(&long), vec!["to_date"]);
    let backwards = owner.reports().get_report(ask("2026-02-02", "2026-02-01")).await.unwrap_err();
    assert_eq!(violated_fields(&backwards), vec!["to_date"]);
    let hourly = pb::GetReportRequest { interval: pb::ReportInterval::Hour.into(), ..ask("2026-01-01", "2026-03-01") };
    assert_eq!(violated_fields(&owner.reports().get_report(hourly).await.unwrap_err()), vec!["interval"]);
    let theirs = pb::GetReportRequest {
        filter: Some(pb::ReportFilter { scope: Some(pb::report_filter::Scope::WidgetId(foreign.id.clone())) }),
        ..ask("2026-01-01", "2026-01-31")
    };
    assert_eq!(owner.reports().get_report(theirs).await.unwrap_err().code(), Code::NotFound);

    // A year is fine; the previous period is the year before; days are in the workspace's
    // time zone once set.
    let year = owner.reports().get_report(ask("2025-01-01", "2025-12-31")).await.unwrap().into_inner();
    assert_eq!(year.interval(), pb::ReportInterval::Week);
    let bad_zone = owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest { time_zone: Some("Mars/Olympus".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad_zone), vec!["time_zone"]);
    let updated = owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest { time_zone: Some("Asia/Kolkata".into()), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.workspace.unwrap().time_zone, "Asia/Kolkata");
    let day = owner.reports().get_report(ask("2026-12-01", "2026-12-01")).await.unwrap().into_inner();
    assert_eq!(day.time_zone, "Asia/Kolkata");
    // Midnight in Kolkata (UTC+5:30) is 18:30 UTC the day before; 24 hourly points.
    assert_eq!(
        secs(&day.start_time),
        chrono::DateTime::parse_from_rfc3339("2026-11-30T18:30:00Z").unwrap().timestamp_millis()
    );
    assert_eq!((day.interval(), day.volume.len()), (pb::ReportInterval::Hour, 24));

    // Agents watch the live figures but read no reports.
    let (agent, _) = join(&server, &owner, "report-agent@example.com", pb::Role::Agent).await;
    let denied = agent.reports().get_report(ask("2026-01-01", "2026-01-31")).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let mut stream = agent.reports().watch_live_figures(pb::WatchLiveFiguresRequest {}).await.unwrap().into_inner();
    assert!(stream.next().await.unwrap().is_ok());
    server.stop().await;
}
on_both_backends!(report_input_roles_and_boundaries);

fn common_now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A store on the test server's database, for writing a day at chosen times (every store
/// write takes its `now`).
async fn store_of(server: &TestServer, grace: Duration) -> Store {
    let database = server.database.clone().unwrap_or(DatabaseConfig::Sqlite(server.data_dir.join("porthole.db")));
    Store::connect(&database, 2).await.unwrap().with_agent_grace(grace)
}

fn at(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis()
}

/// Hand-built: Sunday 2026-03-29 in Berlin, the day the clocks go forward (23 hours,
/// 23:00 UTC Saturday to 22:00 UTC Sunday), with conversations on both sides of both of
/// its midnights. Every expected figure below is worked out by hand in the comments.
async fn a_hand_built_day_the_clocks_change(backend: Backend) {
    // Presence written for March 2026 must not be expired by the server's sweeper now.
    let grace = Duration::from_secs(3_600 * 24 * 3_650);
    let server = TestServer::start_with(backend, |config| config.agent_grace = grace).await;
    let (owner, session) = sign_up(&server, "dst@example.com", "DST Co").await;
    let workspace_id = WorkspaceId::parse(&session.workspace.unwrap().id).unwrap();
    owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest { time_zone: Some("Europe/Berlin".into()), ..Default::default() })
        .await
        .unwrap();
    // Open Sundays 10:00–18:00 Berlin (08:00–16:00 UTC in summer time).
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Shop".into(),
            settings: Some(pb::WidgetSettings {
                business_hours: Some(pb::BusinessHours {
                    enabled: true,
                    time_zone: "Europe/Berlin".into(),
                    sunday: Some(pb::DayHours { enabled: true, start: "10:00".into(), end: "18:00".into() }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let widget_id = WidgetId::parse(&widget.id).unwrap();
    let (_, x) = join(&server, &owner, "xavier@example.com", pb::Role::Agent).await;
    let (_, y) = join(&server, &owner, "yara@example.com", pb::Role::Agent).await;
    let (x, y) = (UserId::parse(&x).unwrap(), UserId::parse(&y).unwrap());
    let store = store_of(&server, grace).await;

    let start = |visitor: VisitorId, responder: Responder, now: i64| {
        let (store, ws, widget) = (store.clone(), workspace_id.clone(), widget_id.clone());
        async move {
            let row = porthole_server::api::chat::conversation_row(porthole_server::api::chat::NewConversation {
                workspace_id: &ws,
                widget_id: &widget,
                visitor_id: &visitor,
                source_url: "",
                source_title: "",
                responder,
                assignee_user_id: None,
                team_id: None,
                now,
            });
            let lifecycle = Continue { reopen_within_ms: 0, start_new: true };
            let (view, _, _) = store.start_conversation(row, lifecycle).await.unwrap();
            (view.conversation.id.clone(), visitor)
        }
    };
    let send = |id: &ConversationId, sender: Sender, who: &str, now: i64| {
        let new = MessageToSend {
            workspace_id: workspace_id.clone(),
            conversation_id: id.clone(),
            visitor_id: None,
            sender,
            sender_id: who.to_owned(),
            sender_name: Some("Someone".into()),
            body: "Hello".into(),
            internal: false,
            attachment_ids: Vec::new(),
            client_key: porthole_server::ids::unique("k"),
            message_id: MessageId::new(),
            now,
            notify: Vec::new(),
            while_bot: false,
            citations: Vec::new(),
            quick_replies: Vec::new(),
        };
        let store = store.clone();
        async move {
            assert!(matches!(store.send_message(new).await.unwrap(), SendOutcome::Sent(..)));
        }
    };
    fn target<'a>(workspace_id: &'a WorkspaceId, id: &'a ConversationId) -> ConversationRef<'a> {
        ConversationRef { workspace_id, conversation_id: id, visitor_id: None, by: None }
    }
    let mut visitors = Vec::new();
    for _ in 0..6 {
        visitors.push(VisitorId::parse(&start_visitor(&server, &widget.public_token).await.1).unwrap());
    }
    let changed = |outcome: ChangeOutcome| assert!(matches!(outcome, ChangeOutcome::Changed(..)), "{outcome:?}");

    // c2: Saturday 23:50 local (22:50 UTC) — before the day; resolved unanswered at 00:20
    // local Sunday (23:20 UTC): missed, resolved in the day after 30 min.
    let (c2, _) = start(visitors[1].clone(), Responder::Agents, at("2026-03-28T22:50:00Z")).await;
    changed(store.resolve_conversation(target(&workspace_id, &c2), at("2026-03-28T23:20:00Z")).await.unwrap());
    // c1: Sunday 00:30 local (23:30 UTC Saturday); Xavier's answer after 40 s (outside
    // business hours: 0 s of them), resolved after 10 min, rated 4.
    let (c1, _) = start(visitors[0].clone(), Responder::Agents, at("2026-03-28T23:30:00Z")).await;
    changed(
        store
            .assign_conversation(target(&workspace_id, &c1), Some(x.clone()), at("2026-03-28T23:30:10Z"))
            .await
            .unwrap(),
    );
    send(&c1, Sender::Agent, x.as_str(), at("2026-03-28T23:30:40Z")).await;
    changed(store.resolve_conversation(target(&workspace_id, &c1), at("2026-03-28T23:40:00Z")).await.unwrap());
    changed(store.rate_conversation(target(&workspace_id, &c1), 4, "", at("2026-03-29T00:00:00Z")).await.unwrap());
    // c4: 12:00 local (10:00 UTC) with the bot, which answers after 60 s, hands over at
    // 10:05; Yara answers at 10:06 (not the first response) and resolves at 10:30.
    let (c4, _) = start(visitors[3].clone(), Responder::Bot, at("2026-03-29T10:00:00Z")).await;
    send(&c4, Sender::Bot, "", at("2026-03-29T10:01:00Z")).await;
    changed(
        store
            .hand_to_agents(target(&workspace_id, &c4), &HandOff::Button, None, None, at("2026-03-29T10:05:00Z"))
            .await
            .unwrap(),
    );
    changed(
        store
            .assign_conversation(target(&workspace_id, &c4), Some(y.clone()), at("2026-03-29T10:05:30Z"))
            .await
            .unwrap(),
    );
    send(&c4, Sender::Agent, y.as_str(), at("2026-03-29T10:06:00Z")).await;
    changed(store.resolve_conversation(target(&workspace_id, &c4), at("2026-03-29T10:30:00Z")).await.unwrap());
    // c5: 14:00 local (12:00 UTC); Yara answers after 100 s, resolves after 1 h, it is
    // rated 2 with a comment, reopened and resolved for good 3 h after it started.
    let (c5, _) = start(visitors[4].clone(), Responder::Agents, at("2026-03-29T12:00:00Z")).await;
    changed(
        store
            .assign_conversation(target(&workspace_id, &c5), Some(y.clone()), at("2026-03-29T12:00:30Z"))
            .await
            .unwrap(),
    );
    send(&c5, Sender::Agent, y.as_str(), at("2026-03-29T12:01:40Z")).await;
    changed(store.resolve_conversation(target(&workspace_id, &c5), at("2026-03-29T13:00:00Z")).await.unwrap());
    changed(
        store
            .rate_conversation(target(&workspace_id, &c5), 2, "Took a while", at("2026-03-29T13:30:00Z"))
            .await
            .unwrap(),
    );
    changed(store.reopen_conversation(target(&workspace_id, &c5), at("2026-03-29T14:00:00Z")).await.unwrap());
    changed(store.resolve_conversation(target(&workspace_id, &c5), at("2026-03-29T15:00:00Z")).await.unwrap());
    // c6: 22:00 local (20:00 UTC), still open, Yara's (so nobody's presence below routes it).
    let (c6, _) = start(visitors[5].clone(), Responder::Agents, at("2026-03-29T20:00:00Z")).await;
    changed(
        store
            .assign_conversation(target(&workspace_id, &c6), Some(y.clone()), at("2026-03-29T20:00:10Z"))
            .await
            .unwrap(),
    );
    // c3: 23:50 local (21:50 UTC), resolved unanswered at 00:10 Monday local (22:10 UTC):
    // started in the day, missed the day after.
    let (c3, _) = start(visitors[2].clone(), Responder::Agents, at("2026-03-29T21:50:00Z")).await;
    changed(store.resolve_conversation(target(&workspace_id, &c3), at("2026-03-29T22:10:00Z")).await.unwrap());
    // Xavier online 10:00–11:00 UTC, away until 11:30, online until 12:30, then offline:
    // online 2 h, away 30 min.
    store.set_member_status(&workspace_id, &x, AgentStatus::Online, at("2026-03-29T10:00:00Z")).await.unwrap();
    store.touch_member(&workspace_id, &x, at("2026-03-29T10:00:00Z")).await.unwrap();
    store.touch_member(&workspace_id, &x, at("2026-03-29T11:00:00Z")).await.unwrap();
    store.set_member_status(&workspace_id, &x, AgentStatus::Away, at("2026-03-29T11:00:00Z")).await.unwrap();
    store.touch_member(&workspace_id, &x, at("2026-03-29T11:30:00Z")).await.unwrap();
    store.set_member_status(&workspace_id, &x, AgentStatus::Online, at("2026-03-29T11:30:00Z")).await.unwrap();
    store.touch_member(&workspace_id, &x, at("2026-03-29T12:30:00Z")).await.unwrap();
    store.set_member_status(&workspace_id, &x, AgentStatus::Offline, at("2026-03-29T12:30:00Z")).await.unwrap();

    let ask = |business: bool, interval: pb::ReportInterval| pb::GetReportRequest {
        from_date: "2026-03-29".into(),
        to_date: "2026-03-29".into(),
        business_hours: business,
        interval: interval.into(),
        ..Default::default()
    };
    let r = owner.reports().get_report(ask(false, pb::ReportInterval::Hour)).await.unwrap().into_inner();
    assert_eq!(secs(&r.start_time), at("2026-03-28T23:00:00Z"));
    assert_eq!(secs(&r.end_time), at("2026-03-29T22:00:00Z"));
    let day = r.current.clone().unwrap();
    // Started: c1, c4, c5, c6, c3 (not c2). Open now: c6. Resolved in the day: c2, c1,
    // c4, c5 (c3 on Monday). Missed: c2.
    assert_eq!((day.started, day.open, day.resolved, day.missed), (5, 1, 4, 1));
    // First responses: c1 40 s, c4 60 s (the bot's), c5 100 s: mean 66.7 → 67 s; median
    // 60 s; p90 100 s (read from the histogram: at most 5% above).
    let fr = day.first_response.unwrap();
    assert_eq!((fr.count, fr.mean.unwrap().seconds), (3, 67));
    assert!((60..=63).contains(&fr.median.unwrap().seconds), "{fr:?}");
    assert!((100..=105).contains(&fr.p90.unwrap().seconds), "{fr:?}");
    // Resolution: c2 1,800 s, c1 600 s, c4 1,800 s, c5 10,800 s (reopened: to its last
    // resolution): mean 3,750 s, median 1,800 s.
    let res = day.resolution.unwrap();
    assert_eq!((res.count, res.mean.unwrap().seconds), (4, 3_750));
    assert!((1_800..=1_890).contains(&res.median.unwrap().seconds), "{res:?}");
    // Ratings: c1 4 (given 01:00 local), c5 2: average 3, 2 of 4 resolved.
    let sat = day.satisfaction.unwrap();
    assert_eq!((sat.rated, sat.average, sat.distribution, sat.response_rate), (2, 3.0, vec![0, 1, 0, 1, 0], 0.5));
    let bot = day.bot.unwrap();
    assert_eq!((bot.answered, bot.resolved, bot.handed_off), (1, 0, 1));
    // The day before (Saturday, 24 hours): c2 started.
    let before = r.previous.unwrap();
    assert_eq!((before.started, before.resolved), (1, 0));
    // 23 hourly points; c1 in the first (00:00 local), c3 in the last (23:00 local).
    assert_eq!(r.volume.len(), 23);
    assert_eq!((r.volume[0].started, r.volume[22].started), (1, 1));
    assert_eq!(secs(&r.volume[22].start_time), at("2026-03-29T21:00:00Z"));
    // Sunday (7) at 00 (c1), 12 (c4), 14 (c5), 22 (c6), 23 (c3), local.
    let cell = |hour: i32| r.busiest_hours.iter().find(|c| c.weekday == 7 && c.hour == hour).unwrap().started;
    assert_eq!((cell(0), cell(12), cell(14), cell(22), cell(23), cell(13)), (1, 1, 1, 1, 1, 0));
    // Per agent: Xavier answered c1 and handled it; online 2 h, away 30 min. Yara answered
    // c5, handled c4 and c5.
    let agent = |id: &UserId| r.agents.iter().find(|a| a.user_id == id.as_str()).unwrap().clone();
    let (ax, ay) = (agent(&x), agent(&y));
    assert_eq!((ax.handled, ax.first_response.unwrap().count), (1, 1));
    assert_eq!((ax.online.unwrap().seconds, ax.away.unwrap().seconds), (7_200, 1_800));
    assert_eq!((ay.handled, ay.first_response.as_ref().unwrap().count), (2, 1));
    assert_eq!(ay.satisfaction.unwrap().distribution, vec![0, 1, 0, 0, 0]);
    assert_eq!(r.recent_comments.iter().map(|c| c.comment.as_str()).collect::<Vec<_>>(), vec!["Took a while"]);

    // In business hours (Sunday 08:00–16:00 UTC): c1's answer at 00:30 local counts 0 s,
    // c4's 60 s, c5's 100 s: mean 53 s. Resolutions: c2 0, c1 0, c4 1,800, c5 10,800.
    let b = owner.reports().get_report(ask(true, pb::ReportInterval::Unspecified)).await.unwrap().into_inner();
    let bfr = b.current.clone().unwrap().first_response.unwrap();
    assert_eq!((bfr.count, bfr.mean.unwrap().seconds), (3, 53));
    assert!((60..=63).contains(&bfr.median.unwrap().seconds), "{bfr:?}");
    let bres = b.current.unwrap().resolution.unwrap();
    assert_eq!(bres.mean.unwrap().seconds, 3_150);

    // Monday: c3's missed resolution.
    let monday =
        pb::GetReportRequest { from_date: "2026-03-30".into(), to_date: "2026-03-30".into(), ..Default::default() };
    let m = owner.reports().get_report(monday).await.unwrap().into_inner().current.unwrap();
    assert_eq!((m.started, m.resolved, m.missed), (0, 1, 1));
    // Xavier's scope alone.
    let only_x = pb::GetReportRequest {
        filter: Some(pb::ReportFilter { scope: Some(pb::report_filter::Scope::AgentUserId(x.to_string())) }),
        ..ask(false, pb::ReportInterval::Day)
    };
    let rx = owner.reports().get_report(only_x).await.unwrap().into_inner();
    assert_eq!((rx.current.as_ref().unwrap().started, rx.volume.len()), (1, 1));
    server.stop().await;
}
on_both_backends!(a_hand_built_day_the_clocks_change);
