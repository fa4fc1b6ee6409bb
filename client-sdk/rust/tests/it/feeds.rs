//! The resumable feeds against the server: a restart mid-feed, cut connections (gRPC and
//! grpc-web), stored cursors, a cursor the server does not know. Every test checks the same
//! promise: each event once, in order, with nothing missing.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt as _;
use porthole_client::{FeedItem, FeedOptions, FeedStatus, Porthole, Protocol, pb};

use crate::common::*;

/// Asserts the messages are exactly `expected`, each id once, in the order written.
fn assert_exactly(got: &[pb::Message], expected: &[String]) {
    let bodies: Vec<&str> = got.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, expected.iter().map(String::as_str).collect::<Vec<_>>());
    let ids: HashSet<&str> = got.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), got.len(), "a message was delivered twice");
    assert!(got.windows(2).all(|w| w[0].seq < w[1].seq), "messages out of order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_feed_survives_a_server_restart_without_a_gap_or_a_duplicate() {
    let mut server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;
    let mut feed = workspace.owner.watch_workspace(FeedOptions::default());
    feed.open().await.unwrap();
    assert_eq!(feed.status(), FeedStatus::Live);

    let expected: Vec<String> = (0..30).map(|i| format!("message {i}")).collect();
    for body in &expected[..10] {
        visitor_says(&visitor, &conversation, body).await;
    }
    let mut got = messages(&mut feed, 10).await;

    // The server goes away mid-feed (killed, as a crash would) and comes back on the same
    // data; meanwhile the visitor keeps writing, retrying while nobody answers.
    server.kill();
    let writer = {
        let (visitor, conversation, bodies) = (visitor.clone(), conversation.clone(), expected[10..].to_vec());
        tokio::spawn(async move {
            for body in &bodies {
                visitor_says(&visitor, &conversation, body).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart();
    got.extend(messages(&mut feed, 20).await);
    writer.await.unwrap();
    assert!(feed.reconnects() >= 1, "the restart ended the stream");
    assert_exactly(&got, &expected);

    // And nothing more arrives: no message of the burst comes again.
    visitor_says(&visitor, &conversation, "after").await;
    let next = messages(&mut feed, 1).await;
    assert_eq!(next[0].body, "after");
}

async fn cut_connections_lose_nothing(protocol: Protocol) {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;
    let proxy = CuttableProxy::start(&server.address).await;
    let agent = Porthole::builder(&proxy.url).protocol(protocol).connect().await.unwrap();
    agent.log_in(&workspace.email, PASSWORD).await.unwrap();
    let mut feed = agent.watch_workspace(FeedOptions::default());
    feed.open().await.unwrap();

    let expected: Vec<String> = (0..5)
        .map(|i| format!("before {i}"))
        .chain((0..5).map(|i| format!("during {i}")))
        .chain((0..40).map(|i| format!("burst {i}")))
        .collect();
    for body in &expected[..5] {
        visitor_says(&visitor, &conversation, body).await;
    }
    let mut got = messages(&mut feed, 5).await;

    proxy.cut(); // the stream dies; these are written while it is down
    for body in &expected[5..10] {
        visitor_says(&visitor, &conversation, body).await;
    }
    got.extend(messages(&mut feed, 5).await);
    assert_eq!(feed.status(), FeedStatus::Live);

    // Cuts in the middle of a burst: the visitor keeps writing while the reader loses its
    // connection twice.
    let writer = {
        let (visitor, conversation, bodies) = (visitor.clone(), conversation.clone(), expected[10..].to_vec());
        tokio::spawn(async move {
            for body in &bodies {
                visitor_says(&visitor, &conversation, body).await;
            }
        })
    };
    for _ in 0..40 {
        got.extend(messages(&mut feed, 1).await);
        if got.len() == 18 || got.len() == 33 {
            proxy.cut();
        }
    }
    writer.await.unwrap();
    assert_exactly(&got, &expected);
    assert!(proxy.accepted() >= 2, "the first cut forces a new connection");
    assert!(feed.reconnects() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_connection_is_resumed_without_a_gap_or_a_duplicate() {
    cut_connections_lose_nothing(Protocol::Grpc).await;
}

#[cfg(feature = "grpc-web")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_grpc_web_connection_is_resumed_without_a_gap_or_a_duplicate() {
    cut_connections_lose_nothing(Protocol::GrpcWeb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_feed_resumes_after_a_cut_and_never_sees_notes() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let proxy = CuttableProxy::start(&server.address).await;
    let (visitor, conversation) = workspace.visitor(&proxy.url).await;
    let mut feed = visitor.watch_visitor_feed(FeedOptions::default());
    feed.open().await.unwrap();
    let say = |body: &'static str, internal: bool| {
        let request = pb::SendConversationMessageRequest {
            conversation_id: conversation.clone(),
            body: body.into(),
            internal,
            client_key: body.into(),
            ..Default::default()
        };
        let mut conversations = workspace.owner.conversations();
        async move { conversations.send_conversation_message(request).await.unwrap() }
    };
    let pick = |item: &FeedItem<pb::WatchVisitorFeedResponse>| match item {
        FeedItem::Event(pb::WatchVisitorFeedResponse {
            event: Some(pb::watch_visitor_feed_response::Event::MessageCreated(m)),
            ..
        }) if m.sender_type() == pb::SenderType::Agent => Some(m.body.clone()),
        _ => None,
    };
    say("a1", false).await;
    let mut got = next_matching(&mut feed, 1, pick).await;
    proxy.cut();
    say("a2", false).await;
    say("note", true).await;
    say("a3", false).await;
    got.extend(next_matching(&mut feed, 2, pick).await);
    assert_eq!(got, ["a1", "a2", "a3"]);
    assert!(proxy.accepted() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_cursor_resumes_exactly_after_the_last_handled_event() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;
    let mut feed = workspace.owner.watch_workspace(FeedOptions::default());
    assert_eq!(feed.next().await.unwrap().unwrap(), FeedItem::Reset, "a feed from now starts with a reset");
    for body in ["m0", "m1", "m2"] {
        visitor_says(&visitor, &conversation, body).await;
    }
    let (mut while_handling_m1, mut after_m2) = (String::new(), String::new());
    while let Some(item) = feed.next().await {
        let item = item.unwrap();
        let Some(message) = workspace_message(&item) else { continue };
        if message.body == "m1" {
            // Read while m1 is still being handled: the cursor does not include it yet.
            while_handling_m1 = feed.cursor();
        }
        if message.body == "m2" {
            let FeedItem::Event(event) = &item else { unreachable!() };
            after_m2 = event.cursor.clone();
            break;
        }
    }
    drop(feed);
    visitor_says(&visitor, &conversation, "m3").await;

    // A cursor the server knows is no reset.
    let body_not_reset = |item: &FeedItem<pb::WatchWorkspaceResponse>| {
        assert_ne!(item, &FeedItem::Reset);
        workspace_message(item).map(|m| m.body.clone())
    };
    let mut resumed = workspace.owner.watch_workspace(FeedOptions::default().cursor(while_handling_m1));
    assert_eq!(next_matching(&mut resumed, 3, body_not_reset).await, ["m1", "m2", "m3"]);
    let mut resumed = workspace.owner.watch_workspace(FeedOptions::default().cursor(after_m2));
    assert_eq!(next_matching(&mut resumed, 1, body_not_reset).await, ["m3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_cursor_starts_over_with_a_reset_and_a_bad_one_ends_the_feed() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;

    let mut feed = workspace.owner.watch_workspace(FeedOptions::default().cursor("99999999"));
    feed.open().await.unwrap();
    assert_eq!(feed.next().await.unwrap().unwrap(), FeedItem::Reset);
    assert!(!["", "99999999"].contains(&feed.cursor().as_str()), "the new stream's cursor: {}", feed.cursor());
    visitor_says(&visitor, &conversation, "after the reset").await;
    assert_eq!(messages(&mut feed, 1).await[0].body, "after the reset");

    let mut bad = workspace.owner.watch_workspace(FeedOptions::default().cursor("not-a-cursor"));
    let error = bad.next().await.unwrap().unwrap_err();
    assert_eq!(error.code(), tonic::Code::InvalidArgument);
    assert!(bad.next().await.is_none(), "the feed ends after an error retrying cannot fix");
    assert_eq!(bad.status(), FeedStatus::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_stream_is_reopened_by_the_idle_watchdog() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;
    // Below the server's 15 s heartbeat: every quiet stretch counts as a dead stream.
    let mut feed =
        workspace.owner.watch_workspace(FeedOptions::default().idle_timeout(Some(Duration::from_millis(300))));
    feed.open().await.unwrap();
    visitor_says(&visitor, &conversation, "one").await;
    assert_eq!(messages(&mut feed, 1).await[0].body, "one");
    let later = {
        let (visitor, conversation) = (visitor.clone(), conversation.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            visitor_says(&visitor, &conversation, "two").await;
        })
    };
    let got = messages(&mut feed, 1).await;
    later.await.unwrap();
    assert_eq!(got[0].body, "two");
    assert!(feed.reconnects() >= 2, "the watchdog reopened the quiet stream: {}", feed.reconnects());
}
