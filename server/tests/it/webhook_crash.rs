//! Webhook deliveries survive `kill -9`: real server processes (the `porthole` binary)
//! deliver a stream of messages to a receiver that fails every first attempt (a retry
//! storm), one process is killed mid-storm and started again, and every message still
//! reaches the receiver — through one delivery per message, each attempt of a delivery
//! sent once, also with two replicas on one PostgreSQL database.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use porthole_client::{Porthole, pb};

use crate::common::{Backend, TempDir, TempPostgres, visitor_says};
use crate::process::Process;
use crate::receiver::{Delivery, Receiver};

/// A `porthole serve` process for the crash tests, on `database_url`.
async fn crash_process(database_url: &str, data_dir: &std::path::Path) -> Process {
    Process::start([
        ("PORTHOLE_DATA_DIR", data_dir.display().to_string()),
        ("DATABASE_URL", database_url.to_owned()),
        ("PORTHOLE_JWT_SECRET", "crash-test-secret-crash-test-secret-0123".to_owned()),
        ("PORTHOLE_SIGNUP", "open".to_owned()),
        ("PORTHOLE_RATE_LIMITS", "off".to_owned()),
        ("PORTHOLE_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8".to_owned()),
        ("PORTHOLE_JOB_RETRY_SECS", "1".to_owned()),
        ("PORTHOLE_JOB_LEASE_SECS", "10".to_owned()),
        ("PORTHOLE_LOG", "error".to_owned()),
    ])
    .await
}

async fn client(url: &str, token: &str) -> Porthole {
    let client = Porthole::connect(url.to_owned()).await.unwrap();
    client.set_token(Some(token.to_owned()));
    client
}

/// Sends `count` messages from a new visitor through the server at `url`; returns their ids.
async fn visitor_sends(url: &str, widget_token: &str, count: usize, from: usize) -> Vec<String> {
    let visitor = Porthole::connect(url.to_owned()).await.unwrap();
    let session = visitor
        .visitor()
        .start_session(pb::StartSessionRequest { widget_token: widget_token.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    visitor.set_token(Some(session.visitor_token));
    let conversation = visitor
        .visitor()
        .start_conversation(pb::StartConversationRequest::default())
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    let mut ids = Vec::new();
    for n in from..from + count {
        ids.push(visitor_says(&visitor, &conversation.id, &format!("message {n}"), &format!("crash-{n}")).await.id);
    }
    ids
}

fn message_id(delivery: &Delivery) -> String {
    delivery.json()["data"]["message"]["id"].as_str().unwrap().to_owned()
}

/// Runs the storm with `replicas` processes on one database and kills the first mid-way.
async fn killed_mid_storm_loses_nothing(backend: Backend, replicas: usize) {
    let receiver = Receiver::start().await;
    receiver.fail_attempts_up_to(1);
    // Answers take a while, so the killed process dies with attempts in flight: those
    // jobs stay claimed by a dead worker until their lease (10 s) ends.
    receiver.slow(Duration::from_millis(300));
    let pg = match backend {
        Backend::Postgres => Some(TempPostgres::create().await),
        Backend::Sqlite => None,
    };
    let dirs: Vec<TempDir> = (0..replicas).map(|_| TempDir::new()).collect();
    let database_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dirs[0].0.join("porthole.db").display()),
    };
    let mut processes = Vec::new();
    for dir in &dirs {
        processes.push(crash_process(&database_url, &dir.0).await);
    }

    let owner = Porthole::connect(processes[0].url()).await.unwrap();
    let session = owner
        .auth()
        .sign_up(pb::SignUpRequest {
            email: "owner@crash.test".into(),
            password: "correct horse battery".into(),
            display_name: "Owner".into(),
            workspace_name: "Crash Co".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    let owner = client(&processes[0].url(), &session.access_token).await;
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest { name: "Site".into(), settings: None })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    owner
        .webhooks()
        .create_webhook(pb::CreateWebhookRequest {
            url: receiver.url.clone(),
            description: String::new(),
            event_types: vec!["message.created".into()],
        })
        .await
        .unwrap();

    // Every replica takes messages; the first is killed once the storm has begun.
    let mut sent = Vec::new();
    for (i, process) in processes.iter().enumerate() {
        sent.extend(visitor_sends(&process.url(), &widget.public_token, 15, i * 100).await);
    }
    receiver.wait_until("the storm to begin", |got| got.iter().filter(|d| d.status == 500).count() >= 5).await;
    processes[0].kill();
    let before_restart = receiver.got().len();
    if let Some(other) = processes.get(1) {
        sent.extend(visitor_sends(&other.url(), &widget.public_token, 10, 1000).await);
    }
    processes[0].restart().await;
    sent.extend(visitor_sends(&processes[0].url(), &widget.public_token, 10, 2000).await);

    let expected: HashSet<String> = sent.iter().cloned().collect();
    let got = receiver
        .wait_until("every message delivered", |got| {
            let delivered: HashSet<String> = got.iter().filter(|d| d.status == 200).map(message_id).collect();
            expected.is_subset(&delivered)
        })
        .await;

    // One delivery per message (the dispatcher wrote each event once), and no attempt of a
    // delivery sent twice (never two workers on one job at the same time).
    let mut deliveries_of: HashMap<String, HashSet<String>> = HashMap::new();
    let mut attempts = HashSet::new();
    for delivery in &got {
        deliveries_of.entry(message_id(delivery)).or_default().insert(delivery.delivery_id.clone());
        assert!(
            attempts.insert((delivery.delivery_id.clone(), delivery.attempt)),
            "attempt {} of {} sent twice",
            delivery.attempt,
            delivery.delivery_id
        );
    }
    for (message, deliveries) in &deliveries_of {
        assert_eq!(deliveries.len(), 1, "message {message} has deliveries {deliveries:?}");
    }
    assert_eq!(deliveries_of.len(), expected.len(), "only the messages sent");
    assert!(got.iter().any(|d| d.attempt >= 2), "the storm retried");
    assert!(got.len() > before_restart, "deliveries went on after the kill");
    drop(processes);
}

mod killed_mid_storm {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        killed_mid_storm_loses_nothing(Backend::Sqlite, 1).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        killed_mid_storm_loses_nothing(Backend::Postgres, 1).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_two_replicas() {
        killed_mid_storm_loses_nothing(Backend::Postgres, 2).await;
    }
}
