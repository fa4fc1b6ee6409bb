//! Webhooks end to end: a workspace's events POSTed, signed, to a local receiver; retried
//! when it fails, logged, redelivered and tested on request; endpoints that keep failing
//! disabled with an e-mail to the owners; private addresses refused unless the operator
//! allows them; other workspaces and agents kept out.

use std::time::Duration;

use porthole_client::{Porthole, pb};
use porthole_server::domain::webhook::{DISABLE_AFTER_FAILED_IN_A_ROW, verify};
use porthole_server::jobs::mail::MailSettings;

use crate::common::{
    Backend, TestServer, create_widget, join, open_conversation, sign_up, start_visitor, violated_fields, visitor_says,
};
use crate::mailbox::Mailbox;
use crate::receiver::{Delivery, Receiver};

/// A server whose deliveries may reach the loopback receiver, retrying quickly.
async fn hook_server(backend: Backend, tweak: impl FnOnce(&mut porthole_server::Config)) -> TestServer {
    TestServer::start_with(backend, |config| {
        config.webhook_addresses.allowed = vec!["127.0.0.0/8".parse().unwrap()];
        config.first_job_retry = Duration::from_millis(100);
        tweak(config);
    })
    .await
}

async fn create(owner: &Porthole, url: &str, types: &[&str]) -> pb::CreateWebhookResponse {
    owner
        .webhooks()
        .create_webhook(pb::CreateWebhookRequest {
            url: url.into(),
            description: "CRM".into(),
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        })
        .await
        .unwrap()
        .into_inner()
}

async fn deliveries(owner: &Porthole, webhook_id: &str) -> Vec<pb::WebhookDelivery> {
    owner
        .webhooks()
        .list_webhook_deliveries(pb::ListWebhookDeliveriesRequest {
            webhook_id: webhook_id.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .deliveries
}

/// Waits until the log of `webhook_id` satisfies `done`.
async fn log_until(
    owner: &Porthole,
    webhook_id: &str,
    what: &str,
    done: impl Fn(&[pb::WebhookDelivery]) -> bool,
) -> Vec<pb::WebhookDelivery> {
    for _ in 0..300 {
        let log = deliveries(owner, webhook_id).await;
        if done(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("delivery log: {what} did not happen: {:#?}", deliveries(owner, webhook_id).await);
}

fn signed(delivery: &Delivery, secret: &str) -> bool {
    verify(secret, &delivery.signature, &delivery.body, chrono::Utc::now().timestamp())
}

/// A visitor's conversation and message reach an endpoint subscribed to them, each once,
/// signed with its secret, with the documented fields; events it did not subscribe to and
/// events from before it existed do not; the log shows each delivery succeeded.
async fn subscribed_events_are_delivered_signed(backend: Backend) {
    let receiver = Receiver::start().await;
    let server = hook_server(backend, |_| {}).await;
    let (owner, session) = sign_up(&server, "owner@hooks.test", "Hook Co").await;
    let widget = create_widget(&owner, "Site").await;
    let (early_visitor, _) = start_visitor(&server, &widget.public_token).await;
    open_conversation(&early_visitor).await; // before the endpoint: never sent

    let created = create(&owner, &receiver.url, &["conversation.created", "message.created"]).await;
    assert!(created.secret.starts_with("whsec_"), "{}", created.secret);
    let webhook = created.webhook.unwrap();
    assert!(webhook.enabled);

    let (visitor, visitor_id) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    let message = visitor_says(&visitor, &conversation.id, "Where is my order?", "k1").await;
    owner
        .conversations()
        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap(); // conversation.resolved: not subscribed; its transcript line is a message

    let got = receiver.wait_until("three deliveries", |got| got.len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut got = if receiver.got().len() > got.len() { receiver.got() } else { got };
    // Deliveries run side by side: receivers get them in any order (documented).
    got.sort_by_key(|d| (d.event_type.clone(), d.json()["data"]["message"]["seq"].as_i64()));
    let types: Vec<&str> = got.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(types, ["conversation.created", "message.created", "message.created"], "{got:#?}");
    for delivery in &got {
        assert!(signed(delivery, &created.secret), "bad signature: {delivery:#?}");
        assert!(!signed(delivery, "whsec_wrong"));
        assert_eq!(delivery.attempt, 1);
        assert!(delivery.delivery_id.starts_with("whd_"));
    }
    let conversation_event = got[0].json();
    assert_eq!(conversation_event["type"], "conversation.created");
    assert_eq!(conversation_event["workspace_id"], session.workspace.as_ref().unwrap().id.as_str());
    assert!(conversation_event["id"].as_str().unwrap().starts_with("evt_"));
    let data = &conversation_event["data"]["conversation"];
    assert_eq!(data["id"], conversation.id.as_str());
    assert_eq!(data["visitor"]["id"], visitor_id.as_str());
    assert_eq!(data["url"], format!("{}/app/inbox/{}", server.url, conversation.id).as_str());
    let message_event = got[1].json();
    assert_eq!(message_event["data"]["message"]["id"], message.id.as_str());
    assert_eq!(message_event["data"]["message"]["body"], "Where is my order?");
    assert_eq!(message_event["data"]["message"]["sender_type"], "visitor");
    assert_eq!(message_event["data"]["message"]["internal"], false);
    let line = &got[2].json()["data"]["message"];
    assert_eq!(
        (&line["body"], &line["sender_type"], &line["internal"]),
        (&"Resolved by Owner of Hook Co".into(), &"system".into(), &true.into()),
        "the transcript's line, for agents only"
    );

    let log = log_until(&owner, &webhook.id, "all succeeded", |log| {
        log.len() == 3 && log.iter().all(|d| d.state() == pb::WebhookDeliveryState::Succeeded)
    })
    .await;
    for delivery in &log {
        assert_eq!(delivery.response_status, 200);
        assert_eq!(delivery.attempts, 1);
        assert_eq!(delivery.response_excerpt, "ok");
        assert!(delivery.error.is_empty());
    }
    let mut logged: Vec<&str> = log.iter().map(|d| d.event_type.as_str()).collect();
    logged.sort_unstable();
    assert_eq!(logged, ["conversation.created", "message.created", "message.created"]);
    server.stop().await;
}
crate::on_both_backends!(subscribed_events_are_delivered_signed);

/// A receiver answering 500 twice gets the same delivery a third time (attempts 1, 2, 3)
/// and the log shows the failures while they happen and success at the end; "send test"
/// and "redeliver" go through the same queue, redelivering the same body.
async fn failures_are_retried_logged_and_redelivered(backend: Backend) {
    let receiver = Receiver::start().await;
    receiver.script(&[500, 503], 200);
    let server = hook_server(backend, |_| {}).await;
    let (owner, _) = sign_up(&server, "owner@retry.test", "Retry Co").await;
    let widget = create_widget(&owner, "Site").await;
    let created = create(&owner, &receiver.url, &["conversation.created"]).await;
    let webhook = created.webhook.unwrap();

    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    open_conversation(&visitor).await;
    let got = receiver.wait_until("a third attempt", |got| got.len() >= 3).await;
    assert_eq!(got.iter().map(|d| d.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(got.iter().map(|d| d.status).collect::<Vec<_>>(), [500, 503, 200]);
    assert!(got.iter().all(|d| d.delivery_id == got[0].delivery_id && d.body == got[0].body));
    assert!(got.iter().all(|d| signed(d, &created.secret)));
    let log = log_until(&owner, &webhook.id, "success", |log| {
        log.first().is_some_and(|d| d.state() == pb::WebhookDeliveryState::Succeeded)
    })
    .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].attempts, 3);

    // Send test: a `webhook.test` body, signed, logged.
    let test = owner
        .webhooks()
        .send_test_webhook(pb::SendTestWebhookRequest { webhook_id: webhook.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .delivery
        .unwrap();
    assert_eq!(test.state(), pb::WebhookDeliveryState::Pending);
    let got = receiver.wait_until("the test", |got| got.iter().any(|d| d.event_type == "webhook.test")).await;
    let test_body = got.iter().find(|d| d.event_type == "webhook.test").unwrap();
    assert_eq!(test_body.json()["data"]["webhook_id"], webhook.id.as_str());
    assert!(signed(test_body, &created.secret));

    // Redeliver the conversation's delivery: same body (same event id), a new delivery.
    let again = owner
        .webhooks()
        .redeliver_webhook(pb::RedeliverWebhookRequest { delivery_id: log[0].id.clone() })
        .await
        .unwrap()
        .into_inner()
        .delivery
        .unwrap();
    assert_ne!(again.id, log[0].id);
    let got = receiver.wait_until("the redelivery", |got| got.iter().any(|d| d.delivery_id == again.id)).await;
    let redelivered = got.iter().find(|d| d.delivery_id == again.id).unwrap();
    assert_eq!(redelivered.body, log[0].payload);
    assert_eq!(redelivered.attempt, 1);

    // A rotated secret signs what follows.
    let rotated = owner
        .webhooks()
        .rotate_webhook_secret(pb::RotateWebhookSecretRequest { webhook_id: webhook.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .secret;
    assert_ne!(rotated, created.secret);
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    open_conversation(&visitor).await;
    let before = got.len();
    let got = receiver.wait_until("one more", |got| got.len() > before).await;
    assert!(signed(&got[before], &rotated) && !signed(&got[before], &created.secret));
    server.stop().await;
}
crate::on_both_backends!(failures_are_retried_logged_and_redelivered);

/// An endpoint whose deliveries keep failing after every attempt is disabled after
/// [`DISABLE_AFTER_FAILED_IN_A_ROW`] of them, says why, and its owners get an e-mail;
/// enabled again, it starts from then on.
async fn an_endpoint_failing_for_good_is_disabled_and_owners_told(backend: Backend) {
    let receiver = Receiver::start().await;
    receiver.script(&[], 500);
    let mailbox = Mailbox::start().await;
    let url = mailbox.url();
    let server = hook_server(backend, move |config| {
        config.mail = Some(MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        // Twelve attempts in about two seconds.
        config.first_job_retry = Duration::from_millis(1);
    })
    .await;
    let (owner, _) = sign_up(&server, "owner@failing.test", "Failing Co").await;
    let widget = create_widget(&owner, "Site").await;
    let webhook = create(&owner, &receiver.url, &["conversation.created"]).await.webhook.unwrap();
    let runs = usize::try_from(DISABLE_AFTER_FAILED_IN_A_ROW).unwrap() + 1;
    for _ in 0..runs {
        let (visitor, _) = start_visitor(&server, &widget.public_token).await;
        open_conversation(&visitor).await;
    }
    let mail = mailbox.wait_for(1).await;
    assert_eq!(mail[0].to, ["owner@failing.test"]);
    let text = mail[0].text();
    assert!(text.contains("was disabled") && text.contains(&receiver.url), "{text}");

    let listed = owner.webhooks().list_webhooks(pb::ListWebhooksRequest {}).await.unwrap().into_inner();
    let disabled = &listed.webhooks[0];
    assert!(!disabled.enabled);
    assert!(disabled.disabled_reason.contains("the receiver answered 500"), "{}", disabled.disabled_reason);
    assert_eq!(disabled.failed_in_a_row, DISABLE_AFTER_FAILED_IN_A_ROW);
    let log = log_until(&owner, &webhook.id, "every delivery ended", |log| {
        log.len() == runs && log.iter().all(|d| d.state() == pb::WebhookDeliveryState::Failed)
    })
    .await;
    // The last one was not sent at all once the endpoint was off (or failed its attempts).
    assert!(log.iter().all(|d| !d.error.is_empty()));
    let refused = owner
        .webhooks()
        .redeliver_webhook(pb::RedeliverWebhookRequest { delivery_id: log[0].id.clone() })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition, "{refused:?}");

    // Fixed and enabled again: it hears of what happens next, not of what it missed.
    receiver.script(&[], 200);
    let before = receiver.got().len();
    let enabled = owner
        .webhooks()
        .update_webhook(pb::UpdateWebhookRequest {
            webhook_id: webhook.id.clone(),
            enabled: Some(true),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .webhook
        .unwrap();
    assert!(enabled.enabled && enabled.disabled_reason.is_empty() && enabled.failed_in_a_row == 0);
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    open_conversation(&visitor).await;
    let got = receiver.wait_until("a success", |got| got.iter().skip(before).any(|d| d.status == 200)).await;
    assert_eq!(got.iter().skip(before).filter(|d| d.status == 200).count(), 1);
    server.stop().await;
}
crate::on_both_backends!(an_endpoint_failing_for_good_is_disabled_and_owners_told);

/// Loopback, private and metadata addresses — literal or behind a name — are refused with
/// a field error unless the operator allows the network; bad URLs and event types too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_and_bad_input_are_refused() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (owner, _) = sign_up(&server, "owner@ssrf.test", "SSRF Co").await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/",
        "http://10.0.0.7/hook",
        "http://[::ffff:192.168.0.1]/",
    ] {
        let refused = owner
            .webhooks()
            .create_webhook(pb::CreateWebhookRequest {
                url: url.into(),
                description: String::new(),
                event_types: vec!["message.created".into()],
            })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{url}: {refused:?}");
        assert_eq!(violated_fields(&refused), ["url"], "{url}");
        assert!(refused.message().contains("PORTHOLE_WEBHOOK_ALLOW_NETWORKS"), "{}", refused.message());
    }
    let bad = owner
        .webhooks()
        .create_webhook(pb::CreateWebhookRequest {
            url: "ftp://user:pw@example.com/".into(),
            description: "d".repeat(201),
            event_types: vec!["message.deleted".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    let mut fields = violated_fields(&bad);
    fields.sort();
    assert_eq!(fields, ["description", "event_types", "url"]);
    assert!(owner.webhooks().list_webhooks(pb::ListWebhooksRequest {}).await.unwrap().into_inner().webhooks.is_empty());
    server.stop().await;
}

/// Ten endpoints per workspace; another workspace's admin sees and touches none of them
/// (NOT_FOUND), an agent may not call the service at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_stay_in_their_workspace_and_are_capped() {
    let receiver = Receiver::start().await;
    let server = hook_server(Backend::Sqlite, |_| {}).await;
    let (owner, _) = sign_up(&server, "owner@a.test", "A Co").await;
    let (other, _) = sign_up(&server, "owner@b.test", "B Co").await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(create(&owner, &receiver.url, &["message.created"]).await.webhook.unwrap().id);
    }
    let over = owner
        .webhooks()
        .create_webhook(pb::CreateWebhookRequest {
            url: receiver.url.clone(),
            description: String::new(),
            event_types: vec!["message.created".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(over.code(), tonic::Code::FailedPrecondition, "{over:?}");

    let test = owner
        .webhooks()
        .send_test_webhook(pb::SendTestWebhookRequest { webhook_id: ids[0].clone() })
        .await
        .unwrap()
        .into_inner()
        .delivery
        .unwrap();
    let w = other.webhooks();
    let codes = [w
        .clone()
        .update_webhook(pb::UpdateWebhookRequest { webhook_id: ids[0].clone(), ..Default::default() })
        .await]
    .into_iter()
    .map(|r| r.unwrap_err().code())
    .chain([
        w.clone().delete_webhook(pb::DeleteWebhookRequest { webhook_id: ids[0].clone() }).await.unwrap_err().code(),
        w.clone()
            .rotate_webhook_secret(pb::RotateWebhookSecretRequest { webhook_id: ids[0].clone() })
            .await
            .unwrap_err()
            .code(),
        w.clone()
            .send_test_webhook(pb::SendTestWebhookRequest { webhook_id: ids[0].clone() })
            .await
            .unwrap_err()
            .code(),
        w.clone()
            .list_webhook_deliveries(pb::ListWebhookDeliveriesRequest {
                webhook_id: ids[0].clone(),
                ..Default::default()
            })
            .await
            .unwrap_err()
            .code(),
        w.clone()
            .redeliver_webhook(pb::RedeliverWebhookRequest { delivery_id: test.id.clone() })
            .await
            .unwrap_err()
            .code(),
    ])
    .collect::<Vec<_>>();
    assert!(codes.iter().all(|c| *c == tonic::Code::NotFound), "{codes:?}");
    assert!(w.clone().list_webhooks(pb::ListWebhooksRequest {}).await.unwrap().into_inner().webhooks.is_empty());

    // An agent of the workspace may not manage its webhooks.
    let (agent, _) = join(&server, &owner, "agent@a.test", pb::Role::Agent).await;
    let denied = agent.webhooks().list_webhooks(pb::ListWebhooksRequest {}).await.unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);

    // Deleting an endpoint drops its log.
    owner.webhooks().delete_webhook(pb::DeleteWebhookRequest { webhook_id: ids[0].clone() }).await.unwrap();
    let gone = owner
        .webhooks()
        .list_webhook_deliveries(pb::ListWebhookDeliveriesRequest { webhook_id: ids[0].clone(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), tonic::Code::NotFound);
    server.stop().await;
}
