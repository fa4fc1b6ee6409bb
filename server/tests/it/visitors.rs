//! Visitor activity as agents see it, through the real client on SQLite and PostgreSQL:
//! the pages a visitor viewed (newest first, paged, the newest 100 kept), the current visit
//! (a pause longer than the visit timeout starts a new one), isolation between workspaces
//! and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::{Backend, TestServer, sign_up, violated_fields};
use porthole_client::{Porthole, pb};
use tonic::Code;

/// A workspace with one widget, its owner's client, and a visitor session on it.
struct Setup {
    agent: Porthole,
    widget: pb::Widget,
    visitor: Porthole,
    visitor_id: String,
}

async fn setup(server: &TestServer, email: &str) -> Setup {
    let (agent, _) = sign_up(server, email, "Visits Co").await;
    let widget = common::create_widget(&agent, "Site").await;
    let (visitor, visitor_id) = common::start_visitor(server, &widget.public_token).await;
    Setup { agent, widget, visitor, visitor_id }
}

async fn view(visitor: &Porthole, path: &str) {
    visitor
        .visitor()
        .record_page_view(pb::RecordPageViewRequest {
            url: format!("https://shop.example{path}"),
            title: format!("Title of {path}"),
            referrer: "https://search.example/".into(),
        })
        .await
        .unwrap();
}

async fn list(
    agent: &Porthole,
    visitor_id: &str,
    page_size: i32,
    page_token: &str,
) -> pb::ListVisitorPageViewsResponse {
    agent
        .conversations()
        .list_visitor_page_views(pb::ListVisitorPageViewsRequest {
            visitor_id: visitor_id.into(),
            page_size,
            page_token: page_token.into(),
        })
        .await
        .unwrap()
        .into_inner()
}

fn paths(page: &pb::ListVisitorPageViewsResponse) -> Vec<String> {
    page.page_views.iter().map(|v| v.url.trim_start_matches("https://shop.example").to_owned()).collect()
}

/// The visitor as the agents' live list shows them.
async fn profile(agent: &Porthole, visitor_id: &str) -> pb::VisitorProfile {
    let live =
        agent.conversations().list_live_visitors(pb::ListLiveVisitorsRequest::default()).await.unwrap().into_inner();
    live.visitors.into_iter().find(|v| v.id == visitor_id).expect("visitor is live")
}

fn millis(ts: Option<prost_types::Timestamp>) -> i64 {
    let ts = ts.expect("timestamp set");
    ts.seconds * 1000 + i64::from(ts.nanos / 1_000_000)
}

/// Page views are listed newest first in pages that end with an empty token, and only the
/// newest 100 per visitor are kept.
async fn page_views_are_listed_newest_first_and_capped(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "pages@example.com").await;
    assert!(list(&s.agent, &s.visitor_id, 0, "").await.page_views.is_empty(), "no views yet");

    for i in 0..3 {
        view(&s.visitor, &format!("/p/{i}")).await;
    }
    let first = list(&s.agent, &s.visitor_id, 2, "").await;
    assert_eq!(paths(&first), ["/p/2", "/p/1"]);
    let newest = &first.page_views[0];
    assert_eq!((newest.title.as_str(), newest.referrer.as_str()), ("Title of /p/2", "https://search.example/"));
    assert!(millis(newest.view_time) >= millis(first.page_views[1].view_time));
    assert!(!first.next_page_token.is_empty());
    let second = list(&s.agent, &s.visitor_id, 2, &first.next_page_token).await;
    assert_eq!(paths(&second), ["/p/0"]);
    assert_eq!(second.next_page_token, "", "the last page says so");

    // 105 views in all: the 5 oldest are gone, the counter still counts every view.
    for i in 3..105 {
        view(&s.visitor, &format!("/p/{i}")).await;
    }
    let default_page = list(&s.agent, &s.visitor_id, 0, "").await;
    assert_eq!(paths(&default_page), (85..105).rev().map(|i| format!("/p/{i}")).collect::<Vec<_>>(), "20 by default");
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let page = list(&s.agent, &s.visitor_id, 30, &token).await;
        assert!(page.page_views.len() <= 30);
        all.extend(paths(&page));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(all, (5..105).rev().map(|i| format!("/p/{i}")).collect::<Vec<_>>());
    let whole = list(&s.agent, &s.visitor_id, 100, "").await;
    assert_eq!((whole.page_views.len(), whole.next_page_token.as_str()), (100, ""));
    assert_eq!(profile(&s.agent, &s.visitor_id).await.page_views, 105);
    server.stop().await;
}
on_both_backends!(page_views_are_listed_newest_first_and_capped);

/// Another workspace's visitor does not exist for the caller; bad sizes and tokens are
/// refused with the field to fix.
async fn page_views_are_private_and_checked(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "mine@example.com").await;
    view(&s.visitor, "/secret").await;
    let (other, _) = sign_up(&server, "other@example.com", "Other Co").await;

    let call = |client: &Porthole, visitor_id: &str, page_size: i32, page_token: &str| {
        let client = client.clone();
        let request =
            pb::ListVisitorPageViewsRequest { visitor_id: visitor_id.into(), page_size, page_token: page_token.into() };
        async move { client.conversations().list_visitor_page_views(request).await }
    };
    let foreign = call(&other, &s.visitor_id, 0, "").await.unwrap_err();
    assert_eq!(foreign.code(), Code::NotFound, "{foreign:?}");
    let unknown = call(&s.agent, "vis_nobody", 0, "").await.unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound, "{unknown:?}");
    let anonymous = server.new_client();
    let refused = call(&anonymous, &s.visitor_id, 0, "").await.unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);
    // A visitor token is no agent token either.
    let refused = call(&s.visitor, &s.visitor_id, 0, "").await.unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");

    for size in [101, -1] {
        let status = call(&s.agent, &s.visitor_id, size, "").await.unwrap_err();
        assert_eq!(violated_fields(&status), ["page_size"], "page_size {size}");
    }
    for token in ["nope", "12.x", "x.12", "12"] {
        let status = call(&s.agent, &s.visitor_id, 0, token).await.unwrap_err();
        assert_eq!(violated_fields(&status), ["page_token"], "page_token {token:?}");
    }
    let status = call(&s.agent, " ", 500, "bad").await.unwrap_err();
    assert_eq!(violated_fields(&status), ["visitor_id", "page_size", "page_token"], "all problems at once");
    // The visitor's own history is intact and visible to their workspace.
    assert_eq!(paths(&list(&s.agent, &s.visitor_id, 0, "").await), ["/secret"]);
    server.stop().await;
}
on_both_backends!(page_views_are_private_and_checked);

/// The visit begins with the session; activity within the visit timeout continues it; a
/// page view or a heartbeat after a longer pause starts a new one. First seen never moves.
async fn a_pause_starts_a_new_visit(backend: Backend) {
    const TIMEOUT: Duration = Duration::from_secs(3);
    let server = TestServer::start_with(backend, |c| c.visit_timeout = TIMEOUT).await;
    let s = setup(&server, "visits@example.com").await;
    let start = profile(&s.agent, &s.visitor_id).await;
    let first_seen = millis(start.first_seen_time);
    assert_eq!(millis(start.visit_start_time), first_seen, "the first activity starts a visit");

    // Activity within the timeout: the same visit.
    tokio::time::sleep(Duration::from_millis(500)).await;
    view(&s.visitor, "/a").await;
    let same = profile(&s.agent, &s.visitor_id).await;
    assert_eq!(millis(same.visit_start_time), first_seen);

    // A page view after a longer pause starts a new visit at that view.
    tokio::time::sleep(TIMEOUT + Duration::from_millis(500)).await;
    view(&s.visitor, "/b").await;
    let after_view = profile(&s.agent, &s.visitor_id).await;
    let viewed_at = millis(list(&s.agent, &s.visitor_id, 1, "").await.page_views[0].view_time);
    let second_visit = millis(after_view.visit_start_time);
    assert!(second_visit >= first_seen + 3_000, "new visit: {second_visit} vs {first_seen}");
    assert!((second_visit - viewed_at).abs() < 1_000, "it starts with the view: {second_visit} vs {viewed_at}");
    assert_eq!(millis(after_view.first_seen_time), first_seen);

    // So does a heartbeat.
    tokio::time::sleep(TIMEOUT + Duration::from_millis(500)).await;
    s.visitor.visitor().heartbeat(pb::HeartbeatRequest { url: "https://shop.example/b".into() }).await.unwrap();
    let third_visit = millis(profile(&s.agent, &s.visitor_id).await.visit_start_time);
    assert!(third_visit >= second_visit + 3_000, "new visit: {third_visit} vs {second_visit}");
    server.stop().await;
}
on_both_backends!(a_pause_starts_a_new_visit);

/// A heartbeat that changes nothing agents see is not announced, and its time reaches the
/// stored last-seen time within the write interval (`presence::Touches`); a heartbeat from
/// another page is announced, and stored, at once.
async fn quiet_heartbeats_are_written_together(backend: Backend) {
    use pb::watch_workspace_response::Event;
    use tokio_stream::StreamExt as _;
    let server = TestServer::start(backend).await;
    let s = setup(&server, "beats@example.com").await;
    view(&s.visitor, "/a").await;
    let first = millis(profile(&s.agent, &s.visitor_id).await.last_seen_time);
    let mut agents =
        s.agent.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    let beat = |path: &str| pb::HeartbeatRequest { url: format!("https://shop.example{path}") };

    tokio::time::sleep(Duration::from_millis(20)).await;
    s.visitor.visitor().heartbeat(beat("/a")).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let quiet = loop {
        let seen = millis(profile(&s.agent, &s.visitor_id).await.last_seen_time);
        if seen > first || tokio::time::Instant::now() > deadline {
            break seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(quiet > first, "the quiet heartbeat's time was written within 5 s: {quiet} vs {first}");

    s.visitor.visitor().heartbeat(beat("/b")).await.unwrap();
    let after_move = profile(&s.agent, &s.visitor_id).await;
    assert_eq!(after_move.current_url, "https://shop.example/b", "a new page is stored at once");
    assert!(millis(after_move.last_seen_time) > quiet);
    // The first change agents hear of is the new page: the quiet heartbeat said nothing.
    let change = loop {
        let item = tokio::time::timeout(Duration::from_secs(10), agents.next()).await.unwrap().unwrap().unwrap();
        if let Some(Event::VisitorChanged(change)) = item.event {
            break change;
        }
    };
    assert_eq!(
        (change.id.as_str(), change.current_url.as_deref()),
        (s.visitor_id.as_str(), Some("https://shop.example/b"))
    );
    server.stop().await;
}
on_both_backends!(quiet_heartbeats_are_written_together);

/// Page views of many visitors at once (on PostgreSQL a workspace's share transactions,
/// `store::group_commit`): each is stored once and announced once, in log order, with the
/// count it makes; one the database refuses fails alone, and the others of its batch stay.
async fn concurrent_page_views_are_each_stored_once(backend: Backend) {
    use pb::watch_workspace_response::Event;
    use std::collections::HashMap;
    use tokio_stream::StreamExt as _;
    const VISITORS: usize = 8;
    const TASKS: usize = 2;
    const EACH: usize = 4;
    let server = TestServer::start(backend).await;
    let s = setup(&server, "crowd@example.com").await;
    common::execute_sql(
        &server,
        "CREATE TRIGGER boom BEFORE INSERT ON page_views WHEN NEW.url LIKE '%/boom' \
         BEGIN SELECT RAISE(ABORT, 'boom refused'); END;",
        "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
           IF NEW.url LIKE '%/boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; \
         END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER boom BEFORE INSERT ON page_views FOR EACH ROW EXECUTE FUNCTION boom();",
    )
    .await;
    let mut visitors = Vec::new();
    for _ in 0..VISITORS {
        visitors.push(common::start_visitor(&server, &s.widget.public_token).await);
    }
    let mut agents =
        s.agent.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    let mut tasks = Vec::new();
    for (v, (visitor, _)) in visitors.iter().enumerate() {
        for t in 0..TASKS {
            let visitor = visitor.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..EACH {
                    view(&visitor, &format!("/v{v}/t{t}/{i}")).await;
                }
            }));
        }
        let visitor = visitor.clone();
        tasks.push(tokio::spawn(async move {
            let request = pb::RecordPageViewRequest { url: "https://shop.example/boom".into(), ..Default::default() };
            let refused = visitor.visitor().record_page_view(request).await.unwrap_err();
            assert_eq!(refused.code(), Code::Internal, "{refused:?}");
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    let views = (TASKS * EACH) as i64;
    for (v, (_, visitor_id)) in visitors.iter().enumerate() {
        let mut stored = paths(&list(&s.agent, visitor_id, 100, "").await);
        stored.sort();
        let mut expected: Vec<String> =
            (0..TASKS).flat_map(|t| (0..EACH).map(move |i| format!("/v{v}/t{t}/{i}"))).collect();
        expected.sort();
        assert_eq!(stored, expected, "visitor {v}: every page once, nothing refused");
        assert_eq!(profile(&s.agent, visitor_id).await.page_views, views, "visitor {v}'s count");
    }
    // Each view announced once: every visitor's counts 1..=8 in order, cursors increasing.
    let mut counts: HashMap<String, Vec<i64>> = HashMap::new();
    let mut cursors = Vec::new();
    while counts.values().map(Vec::len).sum::<usize>() < VISITORS * TASKS * EACH {
        let item = tokio::time::timeout(Duration::from_secs(10), agents.next()).await.unwrap().unwrap().unwrap();
        if let Some(Event::VisitorChanged(change)) = item.event
            && let Some(count) = change.page_views
        {
            counts.entry(change.id).or_default().push(count);
            cursors.push(item.cursor.parse::<i64>().unwrap());
        }
    }
    for (_, visitor_id) in &visitors {
        assert_eq!(counts.get(visitor_id), Some(&(1..=views).collect::<Vec<_>>()), "{visitor_id}'s announcements");
    }
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "events in log order: {cursors:?}");
    server.stop().await;
}
on_both_backends!(concurrent_page_views_are_each_stored_once);

/// While a page view waits to be stored (the workspace's writes are held up), a heartbeat
/// naming that page is not one more write queued behind it; a heartbeat naming another page
/// still is (agents must see where the visitor is).
async fn a_heartbeat_repeating_a_page_view_being_stored_is_not_written_again(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "queued@example.com").await;
    view(&s.visitor, "/a").await;
    let held = common::HeldWrites::take(&server).await;
    let viewing = tokio::spawn({
        let visitor = s.visitor.clone();
        async move { view(&visitor, "/b").await }
    });
    // Time for the view to reach the server and wait for the held writes.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!viewing.is_finished(), "the view waits for the held writes");
    let beat = |url: &str| {
        let (visitor, url) = (s.visitor.clone(), format!("https://shop.example{url}"));
        async move { visitor.visitor().heartbeat(pb::HeartbeatRequest { url }).await.map(|_| ()) }
    };
    tokio::time::timeout(Duration::from_secs(2), beat("/b"))
        .await
        .expect("the heartbeat repeating the pending view answers without waiting for it")
        .unwrap();
    let elsewhere = tokio::spawn(beat("/c"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!elsewhere.is_finished(), "a heartbeat on another page is a write: it waits too");
    held.release().await;
    viewing.await.unwrap();
    elsewhere.await.unwrap().unwrap();
    assert_eq!(paths(&list(&s.agent, &s.visitor_id, 100, "").await), ["/b", "/a"]);
    let stored = profile(&s.agent, &s.visitor_id).await;
    assert_eq!((stored.current_url.as_str(), stored.page_views), ("https://shop.example/c", 2));
    server.stop().await;
}
on_both_backends!(a_heartbeat_repeating_a_page_view_being_stored_is_not_written_again);

/// When a browser identifies as a user the workspace already knows, the pages it viewed
/// join that user's history (and the cap still holds).
async fn identified_pages_follow_the_user(backend: Backend) {
    use hmac::{Hmac, Mac};
    let server = TestServer::start(backend).await;
    let s = setup(&server, "identified@example.com").await;
    let secret = s
        .agent
        .widgets()
        .get_identity_secret(pb::GetIdentitySecretRequest { widget_id: s.widget.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .identity_secret;
    let identify = |visitor: Porthole| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(b"user-7");
        let request = pb::IdentifyVisitorRequest {
            external_id: "user-7".into(),
            user_hash: hex::encode(mac.finalize().into_bytes()),
            ..Default::default()
        };
        async move { visitor.visitor().identify_visitor(request).await.unwrap().into_inner().visitor.unwrap().id }
    };
    view(&s.visitor, "/laptop").await;
    let mut agents =
        s.agent.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    assert_eq!(identify(s.visitor.clone()).await, s.visitor_id);
    // Agents hear what changed: the identity, nothing of what stayed.
    use pb::watch_workspace_response::Event;
    use tokio_stream::StreamExt as _;
    let change = loop {
        let item = tokio::time::timeout(Duration::from_secs(10), agents.next()).await.unwrap().unwrap().unwrap();
        if let Some(Event::VisitorChanged(change)) = item.event {
            break change;
        }
    };
    assert_eq!(
        (change.id.as_str(), change.external_id.as_deref(), change.verified),
        (s.visitor_id.as_str(), Some("user-7"), Some(true))
    );
    assert_eq!((change.current_url, change.page_views, change.attributes), (None, None, None));

    let (phone, phone_id) = common::start_visitor(&server, &s.widget.public_token).await;
    for i in 0..100 {
        view(&phone, &format!("/phone/{i}")).await;
    }
    assert_eq!(identify(phone.clone()).await, s.visitor_id, "the phone becomes the known user");
    let history = list(&s.agent, &s.visitor_id, 100, "").await;
    assert_eq!(paths(&history), (0..100).rev().map(|i| format!("/phone/{i}")).collect::<Vec<_>>());
    assert_eq!(history.next_page_token, "", "the laptop's oldest view went over the cap");
    assert!(list(&s.agent, &phone_id, 0, "").await.page_views.is_empty());
    server.stop().await;
}
on_both_backends!(identified_pages_follow_the_user);

/// Turning a widget off or deleting it ends its visitors' tokens on their next call (they
/// used to work for 365 days whatever the widget's state); tokens last the configured
/// number of days.
async fn visitor_tokens_end_with_their_widget(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.visitor_token_ttl = std::time::Duration::from_secs(2 * 86_400);
    })
    .await;
    let (owner, _) = common::sign_up(&server, "site@tokens.test", "Tokens").await;
    let widget = common::create_widget(&owner, "Site").await;
    let visitor = server.new_client();
    let session = visitor
        .visitor()
        .start_session(pb::StartSessionRequest { widget_token: widget.public_token.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    visitor.set_token(Some(session.visitor_token.clone()));
    let heartbeat = || pb::HeartbeatRequest { url: "https://site.test/".into() };
    visitor.visitor().heartbeat(heartbeat()).await.unwrap();

    // The token says when it expires: two days from now, as configured.
    use base64::Engine as _;
    let payload = session.visitor_token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 2 * 86_400);

    let set_active = |active| pb::SetWidgetActiveRequest { widget_id: widget.id.clone(), active };
    let mut feed = visitor
        .visitor()
        .watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: String::new() })
        .await
        .unwrap()
        .into_inner();
    owner.widgets().set_widget_active(set_active(false)).await.unwrap();
    // The open feed ends at once too: it is told, it does not wait for a periodic check
    // (which comes every 30 s while the bus is live).
    let ended = common::feed_end(&mut feed, Duration::from_secs(3), "the visitor's feed").await;
    assert_eq!(ended.code(), Code::Unauthenticated, "{ended:?}");
    let off = visitor.visitor().heartbeat(heartbeat()).await.unwrap_err();
    assert_eq!(off.code(), Code::Unauthenticated, "{off:?}");
    owner.widgets().set_widget_active(set_active(true)).await.unwrap();
    visitor.visitor().heartbeat(heartbeat()).await.unwrap();

    owner.widgets().delete_widget(pb::DeleteWidgetRequest { widget_id: widget.id.clone() }).await.unwrap();
    let deleted = visitor.visitor().heartbeat(heartbeat()).await.unwrap_err();
    assert_eq!(deleted.code(), Code::Unauthenticated, "{deleted:?}");
    server.stop().await;
}
on_both_backends!(visitor_tokens_end_with_their_widget);

/// Replicas cache which widgets are on; turning a widget off on one replica ends its
/// visitors' tokens on the other as soon as the bus carries the change (the cache keeps an
/// answer for 30 s, so without the announcement this would fail) and ends their open feeds
/// there, and turning it back on works there as fast.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_turned_off_on_one_replica_ends_its_tokens_on_the_other() {
    let (a, b) = common::replica_pair(common::test_redis_url()).await;
    let (owner, _) = common::sign_up(&a, "site@replica-tokens.test", "Replica tokens").await;
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = common::start_visitor(&b, &widget.public_token).await;
    let heartbeat = || pb::HeartbeatRequest { url: "https://site.test/".into() };
    // Replica B now remembers the widget as on.
    visitor.visitor().heartbeat(heartbeat()).await.unwrap();
    visitor.visitor().heartbeat(heartbeat()).await.unwrap();

    let mut feed = visitor
        .visitor()
        .watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: String::new() })
        .await
        .unwrap()
        .into_inner();
    feed.message().await.unwrap();

    let set_active = |active| pb::SetWidgetActiveRequest { widget_id: widget.id.clone(), active };
    owner.widgets().set_widget_active(set_active(false)).await.unwrap();
    // B's open feed is told too (its periodic check is 30 s away).
    let ended = common::feed_end(&mut feed, Duration::from_secs(3), "the visitor's feed on B").await;
    assert_eq!(ended.code(), Code::Unauthenticated, "{ended:?}");
    let refused = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match visitor.visitor().heartbeat(heartbeat()).await {
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                Err(status) => return status,
            }
        }
    })
    .await
    .expect("replica B still accepts the token 5 s after the widget was turned off on A");
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");

    owner.widgets().set_widget_active(set_active(true)).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), async {
        while visitor.visitor().heartbeat(heartbeat()).await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("replica B still refuses the token 5 s after the widget was turned on again on A");
    b.stop().await;
    a.stop().await;
}
