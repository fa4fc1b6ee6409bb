//! The transport as an attacker meets it: silent and slow connections are dropped, one
//! address cannot take every connection, idle connections close while long feeds stay,
//! and one visitor cannot hold unbounded feeds (issue "Safe on the public internet",
//! connection hygiene).

use std::time::Duration;

use porthole_proto::v1 as pb;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_stream::StreamExt as _;
use tonic::Code;

use porthole_server::connections::FIRST_REQUEST;

use crate::common::{self, Backend, TestServer, sign_up};

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/// Reads until the peer closes; `Some(bytes read)` if it did within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read).await.ok().map(|()| seen)
}

/// One HTTP/1.1 health check on a new connection; `None` if nothing answered in time.
async fn healthz(addr: std::net::SocketAddr, within: Duration) -> Option<String> {
    let attempt = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.ok()?;
        Some(String::from_utf8_lossy(&raw).into_owned())
    };
    tokio::time::timeout(within, attempt).await.ok().flatten().filter(|answer| !answer.is_empty())
}

/// Connections that never send a whole request are dropped after the first-request time;
/// while they wait, others are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_slow_openers_are_dropped() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost:").await.unwrap();
    // The HTTP/2 preface, then nothing.
    let mut h2 = TcpStream::connect(server.addr).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    assert!(healthz(server.addr, Duration::from_secs(5)).await.unwrap().starts_with("HTTP/1.1 200"));
    let within = FIRST_REQUEST + Duration::from_secs(5);
    assert!(closed_within(&mut silent, within).await.is_some(), "a silent connection stayed open");
    assert!(closed_within(&mut slow, within).await.is_some(), "a half-sent request stayed open");
    assert!(closed_within(&mut h2, within).await.is_some(), "an HTTP/2 connection with no stream stayed open");
    server.stop().await;
}

/// One address may hold only so many connections: more are closed at once, and it gets
/// its place back when one of its connections closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    let server = TestServer::start_with(Backend::Sqlite, |config| config.connections.max_per_ip = 4).await;
    // The test client's own connection holds one of the four places.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        // A finished request, so the connection is one the server keeps (keep-alive).
        stream.write_all(HEALTHZ).await.unwrap();
        let mut buf = [0u8; 256];
        assert!(stream.read(&mut buf).await.unwrap() > 0);
        held.push(stream);
    }
    let mut fifth = TcpStream::connect(server.addr).await.unwrap();
    let _ = fifth.write_all(HEALTHZ).await;
    let answer = closed_within(&mut fifth, Duration::from_secs(2)).await.expect("the fifth connection was kept");
    assert!(answer.is_empty(), "the fifth connection was served: {}", String::from_utf8_lossy(&answer));
    held.pop();
    let mut answered = None;
    for _ in 0..20 {
        answered = healthz(server.addr, Duration::from_secs(1)).await;
        if answered.is_some() {
            break;
        }
    }
    assert!(answered.expect("no place given back").starts_with("HTTP/1.1 200"));
    server.stop().await;
}

/// At the server's connection limit new peers wait (they are not accepted) until a
/// connection closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_limit_new_peers_wait() {
    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.connections.max = 16;
        config.connections.max_per_ip = 100;
    })
    .await;
    // The test client's own connection may hold one place.
    let mut held = Vec::new();
    for _ in 0..16 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(HEALTHZ).await.unwrap();
        held.push(stream);
    }
    assert!(healthz(server.addr, Duration::from_secs(2)).await.is_none(), "served beyond the limit");
    held.clear();
    assert!(healthz(server.addr, Duration::from_secs(5)).await.unwrap().starts_with("HTTP/1.1 200"));
    server.stop().await;
}

/// A connection with no request in progress closes after the idle time; a feed, one
/// long response, keeps its connection past it and still delivers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_close_and_feeds_stay() {
    let server =
        TestServer::start_with(Backend::Sqlite, |config| config.connections.idle = Duration::from_secs(5)).await;
    let (owner, _) = sign_up(&server, "idle@example.com", "Idle Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    // The visitor's client shares one HTTP/2 connection between the feed and its calls.
    let mut feed =
        visitor.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest::default()).await.unwrap().into_inner();
    feed.next().await.unwrap().unwrap();

    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(HEALTHZ).await.unwrap();
    let started = tokio::time::Instant::now();
    closed_within(&mut idle, Duration::from_secs(9)).await.expect("an idle connection stayed open");
    assert!(started.elapsed() >= Duration::from_secs(4), "closed before the idle time: {:?}", started.elapsed());

    tokio::time::sleep(Duration::from_secs(3)).await;
    owner
        .conversations()
        .send_conversation_message(pb::SendConversationMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "still there?".into(),
            client_key: "idle-1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let delivered = async {
        while let Some(item) = feed.next().await {
            if let Some(pb::watch_visitor_feed_response::Event::MessageCreated(created)) = item.unwrap().event {
                return created.body;
            }
        }
        String::new()
    };
    let body = tokio::time::timeout(Duration::from_secs(5), delivered).await.expect("the feed went quiet");
    assert_eq!(body, "still there?");
    server.stop().await;
}

/// One visitor may hold a bounded number of feeds; closing one gives its place back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_per_visitor_are_capped() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (owner, _) = sign_up(&server, "feeds@example.com", "Feeds Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let open = || {
        let visitor = visitor.clone();
        async move { visitor.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest::default()).await }
    };
    let mut feeds = Vec::new();
    for _ in 0..porthole_server::realtime::feed::MAX_PER_VISITOR {
        feeds.push(open().await.unwrap().into_inner());
    }
    let refused = open().await.unwrap_err();
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert!(refused.message().contains("feeds open"), "{}", refused.message());
    // Another visitor is not affected.
    let (other, _) = common::start_visitor(&server, &widget.public_token).await;
    other.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest::default()).await.unwrap();
    feeds.pop();
    let mut reopened = None;
    for _ in 0..40 {
        match open().await {
            Ok(feed) => {
                reopened = Some(feed);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert!(reopened.is_some(), "a closed feed's place was not given back");
    server.stop().await;
}
