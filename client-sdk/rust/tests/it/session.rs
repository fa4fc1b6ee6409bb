//! A member's session: refreshed before expiry, refreshed once when the server refuses the
//! access token (however many calls find it refused at once), and a feed that carries on.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use porthole_client::{Error, FeedOptions, Porthole, pb};

use crate::common::*;

/// A session whose access token the server refuses (its refresh token is still good).
fn with_refused_access_token(session: &pb::Session) -> pb::Session {
    pb::Session { access_token: "not-a-token".into(), ..session.clone() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_with_a_refused_token_refresh_it_once_and_are_sent_again() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let sessions: Arc<Mutex<Vec<Option<pb::Session>>>> = Arc::default();
    let heard = sessions.clone();
    let agent = Porthole::builder(&server.url)
        .on_session(move |session| heard.lock().unwrap().push(session.cloned()))
        .connect()
        .await
        .unwrap();
    let first = agent.log_in(&workspace.email, PASSWORD).await.unwrap();
    agent.use_session(with_refused_access_token(&first));
    sessions.lock().unwrap().clear();

    // Refresh tokens rotate and a reused one revokes the session: eight calls refused at
    // the same time must refresh it once between them.
    let calls = (0..8).map(|_| {
        let agent = agent.clone();
        tokio::spawn(async move { agent.auth().get_me(pb::GetMeRequest {}).await })
    });
    for call in calls.collect::<Vec<_>>() {
        let me = call.await.unwrap().unwrap().into_inner();
        assert_eq!(me.user.unwrap().email, workspace.email);
    }
    let refreshed = sessions.lock().unwrap().clone();
    assert_eq!(refreshed.len(), 1, "one refresh for all eight calls");
    let current = agent.session().unwrap();
    assert_eq!(refreshed[0].as_ref(), Some(&current));
    assert_ne!(current.refresh_token, first.refresh_token);

    // The session survived (a reused refresh token would have revoked it).
    agent.refresh().await.unwrap();
    agent.auth().get_me(pb::GetMeRequest {}).await.unwrap();

    // The spent refresh token no longer works anywhere.
    let other = Porthole::connect(&server.url).await.unwrap();
    let spent = other.resume(first.refresh_token).await.unwrap_err();
    assert_eq!(spent.code(), tonic::Code::Unauthenticated);
    assert!(other.session().is_none(), "a refused session is forgotten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let relaxed = Porthole::connect(&server.url).await.unwrap();
    let first = relaxed.log_in(&workspace.email, PASSWORD).await.unwrap();
    relaxed.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap();
    assert_eq!(relaxed.session().unwrap(), first, "far from expiry: no refresh");

    // A margin longer than the token's whole life: every call finds it about to expire.
    let eager = Porthole::builder(&server.url).refresh_margin(Duration::from_secs(2 * 86_400)).connect().await.unwrap();
    let first = eager.log_in(&workspace.email, PASSWORD).await.unwrap();
    eager.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap();
    let second = eager.session().unwrap();
    // (The access token may come back identical: it names the session and the second.)
    assert_ne!(second.refresh_token, first.refresh_token);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_on_a_refused_token_refreshes_and_carries_on_and_ends_with_the_session() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;
    let agent = Porthole::connect(&server.url).await.unwrap();
    let first = agent.log_in(&workspace.email, PASSWORD).await.unwrap();
    agent.use_session(with_refused_access_token(&first));

    let mut feed = agent.watch_workspace(FeedOptions::default());
    feed.open().await.unwrap(); // refused, refreshed, reopened
    assert_ne!(agent.session().unwrap().refresh_token, first.refresh_token);
    visitor_says(&visitor, &conversation, "still here").await;
    assert_eq!(messages(&mut feed, 1).await[0].body, "still here");

    // Log-out elsewhere ends the session the feed runs on; the feed notices within 5 s and
    // ends with UNAUTHENTICATED instead of retrying for ever.
    let elsewhere = Porthole::connect(&server.url).await.unwrap();
    elsewhere.use_session(agent.session().unwrap());
    elsewhere.log_out().await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match futures_util::StreamExt::next(&mut feed).await {
                Some(Ok(_)) => continue,
                Some(Err(error)) => return error,
                None => panic!("the feed ended without an error"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(ended.code(), tonic::Code::Unauthenticated);
    assert!(agent.session().is_none(), "the ended session is forgotten");
    let refused = agent.auth().get_me(pb::GetMeRequest {}).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    assert!(matches!(agent.refresh().await, Err(Error::NoSession)));
}
