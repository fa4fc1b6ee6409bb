//! Rate limits as a caller meets them: RESOURCE_EXHAUSTED with a `retry-after`, for the one
//! who floods and no one else (issue "Safe on the public internet", rate limits).

use porthole_proto::v1 as pb;
use tonic::Code;

use porthole_server::limits::Rates;

use crate::common::{self, Backend, TestServer, sign_up};

/// The `retry-after` seconds of a throttled call.
fn retry_after(status: &tonic::Status) -> u64 {
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    status.metadata().get("retry-after").expect("retry-after").to_str().unwrap().parse().unwrap()
}

fn message(conversation_id: &str, key: String) -> pb::SendMessageRequest {
    pb::SendMessageRequest {
        conversation_id: conversation_id.into(),
        body: "hello".into(),
        client_key: key,
        attachment_ids: vec![],
    }
}

/// One visitor sending as fast as they can is stopped at the default burst (20 per 10 s);
/// another visitor of the same widget is not affected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_visitor_is_throttled_and_no_one_else() {
    let server = TestServer::start_with(Backend::Sqlite, |config| config.rate_limits = Rates::default()).await;
    let (owner, _) = sign_up(&server, "flood@example.com", "Flood Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let (flooder, _) = common::start_visitor(&server, &widget.public_token).await;
    let (other, _) = common::start_visitor(&server, &widget.public_token).await;
    let start = pb::StartConversationRequest::default();
    let flood_chat =
        flooder.visitor().start_conversation(start.clone()).await.unwrap().into_inner().conversation.unwrap();
    let other_chat = other.visitor().start_conversation(start).await.unwrap().into_inner().conversation.unwrap();

    let mut sent = 0;
    let mut refused = None;
    for i in 0..40 {
        match flooder.visitor().send_message(message(&flood_chat.id, format!("f-{i}"))).await {
            Ok(_) => sent += 1,
            Err(status) => {
                refused = Some(status);
                break;
            }
        }
    }
    let refused = refused.expect("40 messages at full speed all passed");
    assert_eq!(sent, 20, "the default burst passes");
    let wait = retry_after(&refused);
    assert!((1..=10).contains(&wait), "retry-after {wait}");
    assert!(refused.message().contains("too many messages"), "{}", refused.message());
    other
        .visitor()
        .send_message(message(&other_chat.id, "o-1".into()))
        .await
        .expect("another visitor is not throttled");
    // Nothing of the refused send was stored.
    let listed = common::visitor_messages(&flooder, &flood_chat.id).await;
    assert_eq!(listed.len(), 20);
    server.stop().await;
}

/// Wrong passwords for one account stop being checked after ten in five minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_account() {
    let server = TestServer::start_with(Backend::Sqlite, |config| config.rate_limits = Rates::default()).await;
    sign_up(&server, "target@example.com", "Target Co").await;
    let client = server.new_client();
    let attempt = || pb::LogInRequest {
        email: "Target@Example.com".into(),
        password: "wrong password".into(),
        ..Default::default()
    };
    for _ in 0..10 {
        let status = client.auth().log_in(attempt()).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated);
    }
    let status = client.auth().log_in(attempt()).await.unwrap_err();
    assert!(retry_after(&status) >= 1);
    // The right password is refused too until the bucket refills: the attacker learns nothing.
    let right = pb::LogInRequest {
        email: "target@example.com".into(),
        password: "correct horse battery".into(),
        ..Default::default()
    };
    assert_eq!(client.auth().log_in(right).await.unwrap_err().code(), Code::ResourceExhausted);
    server.stop().await;
}

/// Anonymous sessions from one address are limited (60 per 10 minutes by default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_sessions_are_limited_per_address() {
    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.rate_limits = Rates::parse("sessions_per_ip=5/10m").unwrap();
    })
    .await;
    let (owner, _) = sign_up(&server, "sessions@example.com", "Sessions Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    for _ in 0..5 {
        common::start_visitor(&server, &widget.public_token).await;
    }
    let request = pb::StartSessionRequest { widget_token: widget.public_token.clone(), ..Default::default() };
    let status = server.new_client().visitor().start_session(request).await.unwrap_err();
    assert!(retry_after(&status) >= 60, "a new session per two minutes: {status:?}");
    server.stop().await;
}

/// A member's calls are limited per user, before the handler runs.
async fn member_calls_are_limited(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.rate_limits = Rates::parse("calls_per_member=5/1m").unwrap();
    })
    .await;
    let (owner, _) = sign_up(&server, "calls@example.com", "Calls Co").await;
    for _ in 0..5 {
        owner.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap();
    }
    let status = owner.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap_err();
    assert!(retry_after(&status) >= 1);
    server.stop().await;
}
on_both_backends!(member_calls_are_limited);

/// Behind a trusted proxy the forwarded client counts, not the proxy; from anyone else the
/// header is ignored, so a client cannot pick a fresh address per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_count_the_client_a_trusted_proxy_names() {
    use porthole_server::client_ip::TrustedProxies;
    let session = |widget: &str, forwarded_for: &str| {
        let mut request =
            tonic::Request::new(pb::StartSessionRequest { widget_token: widget.into(), ..Default::default() });
        request.metadata_mut().insert("x-forwarded-for", forwarded_for.parse().unwrap());
        request
    };
    for (trusted, separate) in [("127.0.0.1", true), ("10.0.0.0/8", false)] {
        let server = TestServer::start_with(Backend::Sqlite, |config| {
            config.rate_limits = Rates::parse("sessions_per_ip=2/10m").unwrap();
            config.trusted_proxies = TrustedProxies::parse(trusted).unwrap();
        })
        .await;
        let (owner, _) = sign_up(&server, "proxy@example.com", "Proxy Co").await;
        let widget = common::create_widget(&owner, "Site").await.public_token;
        let visitor = server.new_client();
        for _ in 0..2 {
            visitor.visitor().start_session(session(&widget, "198.51.100.1")).await.unwrap();
        }
        let status = visitor.visitor().start_session(session(&widget, "198.51.100.1")).await.unwrap_err();
        retry_after(&status);
        let other = visitor.visitor().start_session(session(&widget, "198.51.100.2")).await;
        assert_eq!(other.is_ok(), separate, "trusted {trusted}: {other:?}");
        if separate {
            // Agents see the visitor's own address.
            let listed = owner
                .conversations()
                .list_live_visitors(pb::ListLiveVisitorsRequest::default())
                .await
                .unwrap()
                .into_inner();
            let addresses: Vec<&str> = listed.visitors.iter().map(|v| v.ip_address.as_str()).collect();
            assert!(addresses.contains(&"198.51.100.2"), "{addresses:?}");
        }
        server.stop().await;
    }
}

/// With Redis, replicas enforce one limit: sessions started on either count against the
/// same bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_one_limit_through_redis() {
    let redis = common::test_redis_url();
    let for_a = redis.clone();
    let a = TestServer::start_with(Backend::Postgres, move |config| {
        config.redis_url = Some(for_a);
        config.rate_limits = Rates::parse("sessions_per_widget=3/10m").unwrap();
    })
    .await;
    let database = a.database.clone().unwrap();
    let b = TestServer::start_with(Backend::Sqlite, move |config| {
        config.database = database;
        config.redis_url = Some(redis);
        config.rate_limits = Rates::parse("sessions_per_widget=3/10m").unwrap();
    })
    .await;
    let (owner, _) = sign_up(&a, "shared@example.com", "Shared Co").await;
    let widget = common::create_widget(&owner, "Site").await.public_token;
    let start = |server: &TestServer| {
        let client = server.new_client();
        let request = pb::StartSessionRequest { widget_token: widget.clone(), ..Default::default() };
        async move { client.visitor().start_session(request).await }
    };
    start(&a).await.unwrap();
    start(&b).await.unwrap();
    start(&a).await.unwrap();
    let refused = start(&b).await.unwrap_err();
    assert!(retry_after(&refused) >= 60, "{refused:?}");
    assert_eq!(start(&a).await.unwrap_err().code(), Code::ResourceExhausted);
    b.stop().await;
    a.stop().await;
}
