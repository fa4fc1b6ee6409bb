//! Members told of what happens while they are away: Web Push to a local push service that
//! decrypts what it gets, e-mail to a local SMTP server, both by each member's settings and
//! never while a dashboard of theirs is open.

use std::time::Duration;

use porthole_client::{Porthole, pb};
use porthole_server::jobs::mail::MailSettings;

use crate::common::{
    Backend, TestServer, agent_says, create_widget, join, open_conversation, sign_up, start_visitor, visitor_says,
};
use crate::mailbox::Mailbox;
use crate::push_service::PushService;

async fn server(backend: Backend, mailbox: &Mailbox) -> TestServer {
    let url = mailbox.url();
    TestServer::start_with(backend, move |config| {
        config.mail = Some(MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        config.webhook_addresses.allowed = vec!["127.0.0.0/8".parse().unwrap()];
        config.first_job_retry = Duration::from_millis(100);
        config.unseen_message_delay = Duration::from_millis(500);
    })
    .await
}

async fn subscribe(member: &Porthole, push: &PushService) -> pb::PushSubscription {
    member
        .notifications()
        .add_push_subscription(pb::AddPushSubscriptionRequest {
            endpoint: push.endpoint.clone(),
            p256dh: push.p256dh.clone(),
            auth: push.auth.clone(),
            label: "Chromium on Linux".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .subscription
        .unwrap()
}

/// The e-mails to `to`, once there are `count`.
async fn mail_to(mailbox: &Mailbox, to: &str, count: usize) -> Vec<crate::mailbox::Received> {
    for _ in 0..100 {
        let mail: Vec<_> = mailbox.received().into_iter().filter(|m| m.to == [to]).collect();
        if mail.len() >= count {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{count} e-mails to {to} did not arrive: {:#?}", mailbox.received());
}

/// Nothing more arrives within a while.
async fn quiet(push: &PushService, count: usize) {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(push.got().len(), count, "unexpected pushes: {:#?}", push.got());
}

/// An agent away gets a decryptable push for a new conversation; none while a dashboard of
/// theirs is open; an urgent push and an e-mail when a conversation is assigned to them; a
/// push for the visitor's next message and, once it has stayed unread, an e-mail; and
/// nothing by a channel they switched off.
async fn away_agents_are_told_by_their_settings(backend: Backend) {
    let mailbox = Mailbox::start().await;
    let push = PushService::start().await;
    let server = server(backend, &mailbox).await;
    let (owner, owner_session) = sign_up(&server, "owner@notify.test", "Notify Co").await;
    let owner_id = owner_session.user.unwrap().id;
    let (agent, agent_id) = join(&server, &owner, "ann@notify.test", pb::Role::Agent).await;
    let invitation_mails = mailbox.wait_for(1).await.len();
    let settings = agent.notifications().get_notification_settings(pb::GetNotificationSettingsRequest {}).await;
    let settings = settings.unwrap().into_inner();
    assert!(settings.email_available && settings.uses_workspace_defaults);
    assert_eq!(URL_SAFE_LEN, settings.vapid_public_key.len(), "65 bytes, base64url");
    let subscription = subscribe(&agent, &push).await;
    assert_eq!(subscription.push_service, "127.0.0.1");

    // Away (no dashboard): a visitor's first message is pushed, decryptable.
    let widget = create_widget(&owner, "Site").await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Do you ship to Norway?", "n1").await;
    let got = push.wait_for(1).await;
    assert_eq!(got[0].note.title, "New conversation: Visitor");
    assert_eq!(got[0].note.body, "Do you ship to Norway?");
    assert_eq!(got[0].note.url, format!("/app/inbox/{}", conversation.id));
    assert_eq!(got[0].urgency, "normal");
    assert_eq!(got[0].vapid_key, settings.vapid_public_key);
    quiet(&push, 1).await;

    // With a dashboard open: nothing pushed (it is on screen).
    let mut feed = agent
        .conversations()
        .watch_workspace(pb::WatchWorkspaceRequest { cursor: String::new() })
        .await
        .unwrap()
        .into_inner();
    feed.message().await.unwrap();
    let (other, _) = start_visitor(&server, &widget.public_token).await;
    let seen = open_conversation(&other).await;
    visitor_says(&other, &seen.id, "Hello while you look", "o1").await;
    quiet(&push, 1).await;

    // Dashboard closed: a conversation transferred to them is an urgent push and an e-mail.
    // (Routing gave them both conversations when their dashboard opened: on screen.)
    drop(feed);
    tokio::time::sleep(Duration::from_millis(300)).await; // the server notices the stream ended
    for assignee in [&owner_id, &agent_id] {
        owner
            .conversations()
            .assign_conversation(pb::AssignConversationRequest {
                conversation_id: conversation.id.clone(),
                assignee_user_id: assignee.clone(),
            })
            .await
            .unwrap();
    }
    let got = push.wait_for(2).await;
    assert!(got[1].note.title.starts_with("Transferred to you"), "{:?}", got[1].note);
    assert_eq!(got[1].urgency, "high");
    // (The owner, who had it for a moment and has no dashboard open either, was told too.)
    let mail = mail_to(&mailbox, "ann@notify.test", invitation_mails + 1).await;
    let assigned = mail.last().unwrap();
    assert!(assigned.text().contains("was transferred to you"), "{}", assigned.text());

    // The visitor writes again: a push now, an e-mail once it stayed unread.
    visitor_says(&visitor, &conversation.id, "Hello? Anyone?", "n2").await;
    let got = push.wait_for(3).await;
    assert_eq!(got[2].note.body, "Hello? Anyone?");
    let mail = mail_to(&mailbox, "ann@notify.test", invitation_mails + 2).await;
    let unseen = mail.last().unwrap();
    assert!(unseen.text().contains("waiting for your answer"), "{}", unseen.text());
    assert!(unseen.text().contains("Hello? Anyone?"));

    // Read in time: no e-mail. Switched off: no push.
    let mut rules = settings.settings.unwrap().rules;
    for rule in &mut rules {
        if rule.event == "visitor_message" {
            rule.push = false;
        }
    }
    agent
        .notifications()
        .update_notification_settings(pb::UpdateNotificationSettingsRequest {
            settings: Some(pb::NotificationSettings { rules }),
            use_workspace_defaults: false,
        })
        .await
        .unwrap();
    visitor_says(&visitor, &conversation.id, "Third try", "n3").await;
    agent
        .conversations()
        .mark_conversation_read(pb::MarkConversationReadRequest { conversation_id: conversation.id.clone(), seq: 1000 })
        .await
        .unwrap();
    quiet(&push, 3).await;
    let to_ann_now = mailbox.received().into_iter().filter(|m| m.to == ["ann@notify.test"]).count();
    assert_eq!(to_ann_now, invitation_mails + 2, "read in time: no e-mail");

    // Routing gives a new conversation to the agent (still within their presence grace)
    // before its first message: that message is the assignment's push, with its text.
    let (third, _) = start_visitor(&server, &widget.public_token).await;
    let routed = open_conversation(&third).await;
    visitor_says(&third, &routed.id, "Routed to you", "r1").await;
    let got = push.wait_for(4).await;
    assert_eq!(got[3].note.title, "Assigned to you: Visitor", "{:#?}", got[3]);
    assert_eq!(got[3].note.body, "Routed to you");
    assert_eq!(got[3].urgency, "high");
    quiet(&push, 4).await;

    // A browser the push service says is gone is forgotten.
    push.unsubscribe();
    agent.notifications().send_test_push(pb::SendTestPushRequest {}).await.unwrap();
    for _ in 0..100 {
        let left = agent.notifications().get_notification_settings(pb::GetNotificationSettingsRequest {}).await;
        if left.unwrap().into_inner().push_subscriptions.is_empty() {
            server.stop().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the gone browser was not forgotten");
}
crate::on_both_backends!(away_agents_are_told_by_their_settings);

/// base64url of a 65-byte point, unpadded.
const URL_SAFE_LEN: usize = 87;

/// Push endpoints must be https on a public address; keys must be the right size; members
/// only see and delete their own browsers; only admins change the defaults.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_subscriptions_are_checked_and_private() {
    let mailbox = Mailbox::start().await;
    let server = TestServer::start(Backend::Sqlite).await;
    let (owner, _) = sign_up(&server, "owner@subs.test", "Subs Co").await;
    let (agent, _) = join(&server, &owner, "ann@subs.test", pb::Role::Agent).await;
    drop(mailbox);
    let push = PushService::start().await;
    for (endpoint, p256dh, auth, field) in [
        ("http://push.example.com/x", push.p256dh.as_str(), push.auth.as_str(), "endpoint"),
        (push.endpoint.as_str(), push.p256dh.as_str(), push.auth.as_str(), "endpoint"), // loopback, not allowed here
        ("https://169.254.169.254/latest", push.p256dh.as_str(), push.auth.as_str(), "endpoint"),
        ("https://fcm.googleapis.com/fcm/send/x", "AAAA", push.auth.as_str(), "p256dh"),
        ("https://fcm.googleapis.com/fcm/send/x", push.p256dh.as_str(), "AAAA", "auth"),
    ] {
        let refused = agent
            .notifications()
            .add_push_subscription(pb::AddPushSubscriptionRequest {
                endpoint: endpoint.into(),
                p256dh: p256dh.into(),
                auth: auth.into(),
                label: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{endpoint}");
        assert_eq!(crate::common::violated_fields(&refused), [field], "{endpoint}");
    }
    let mine = agent
        .notifications()
        .add_push_subscription(pb::AddPushSubscriptionRequest {
            endpoint: "https://fcm.googleapis.com/fcm/send/abc".into(),
            p256dh: push.p256dh.clone(),
            auth: push.auth.clone(),
            label: "Chrome".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .subscription
        .unwrap();
    let theirs = owner
        .notifications()
        .delete_push_subscription(pb::DeletePushSubscriptionRequest { subscription_id: mine.id.clone() })
        .await
        .unwrap_err();
    assert_eq!(theirs.code(), tonic::Code::NotFound);
    let listed = owner.notifications().get_notification_settings(pb::GetNotificationSettingsRequest {}).await;
    assert!(listed.unwrap().into_inner().push_subscriptions.is_empty());
    let denied = agent
        .notifications()
        .update_workspace_notification_defaults(pb::UpdateWorkspaceNotificationDefaultsRequest { settings: None })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
    let bad = agent
        .notifications()
        .update_notification_settings(pb::UpdateNotificationSettingsRequest {
            settings: Some(pb::NotificationSettings {
                rules: vec![pb::NotificationRule { event: "chat_started".into(), ..Default::default() }],
            }),
            use_workspace_defaults: false,
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);

    // Workspace defaults reach members who have not chosen.
    let rules = vec![pb::NotificationRule {
        event: "new_conversation".into(),
        email: true,
        push: false,
        sound: true,
        desktop: false,
    }];
    owner
        .notifications()
        .update_workspace_notification_defaults(pb::UpdateWorkspaceNotificationDefaultsRequest {
            settings: Some(pb::NotificationSettings { rules }),
        })
        .await
        .unwrap();
    let now = agent.notifications().get_notification_settings(pb::GetNotificationSettingsRequest {}).await;
    let now = now.unwrap().into_inner();
    let rule = now.settings.unwrap().rules.into_iter().find(|r| r.event == "new_conversation").unwrap();
    assert!(rule.email && !rule.push && rule.sound && !rule.desktop);
    server.stop().await;
}

/// A visitor can have their chat's transcript e-mailed once someone answered in it (not
/// before: the widget must not mail text of the visitor's choosing alone), without internal
/// notes, at most 3 an hour; the address becomes theirs if they had none.
async fn transcripts_are_mailed_for_answered_chats(backend: Backend) {
    let mailbox = Mailbox::start().await;
    let url = mailbox.url();
    let server = TestServer::start_with(backend, move |config| {
        config.mail = Some(MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        config.rate_limits = porthole_server::limits::Rates::default();
    })
    .await;
    let (owner, _) = sign_up(&server, "owner@transcript.test", "Transcript Co").await;
    let widget = create_widget(&owner, "Site").await;
    let (visitor, visitor_id) = start_visitor(&server, &widget.public_token).await;
    let config = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap()
        .into_inner();
    assert!(config.config.unwrap().email_enabled);
    let conversation = open_conversation(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Buy cheap watches at spam.example", "s1").await;
    let ask = |email: &str| {
        let visitor = visitor.clone();
        let request = pb::EmailTranscriptRequest { conversation_id: conversation.id.clone(), email: email.into() };
        async move { visitor.visitor().email_transcript(request).await }
    };
    let unanswered = ask("victim@elsewhere.test").await.unwrap_err();
    assert_eq!(unanswered.code(), tonic::Code::FailedPrecondition, "{unanswered:?}");
    let bad = ask("not an address").await.unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);

    agent_says(&owner, &conversation.id, "Happy to help!", false).await;
    agent_says(&owner, &conversation.id, "internal: looks like spam", true).await;
    ask("vera@visitor.test").await.unwrap();
    let mail = mailbox.wait_for(1).await;
    assert_eq!(mail[0].to, ["vera@visitor.test"]);
    let text = mail[0].text();
    assert!(text.contains("Your conversation with Transcript Co"), "{text}");
    assert!(text.contains("Happy to help!") && text.contains("Buy cheap watches"), "{text}");
    assert!(!text.contains("looks like spam"), "internal notes stay inside");
    let profile = owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(profile.conversation.unwrap().visitor_email, "vera@visitor.test", "{visitor_id}");

    ask("vera@visitor.test").await.unwrap();
    ask("vera@visitor.test").await.unwrap();
    let limited = ask("vera@visitor.test").await.unwrap_err();
    assert_eq!(limited.code(), tonic::Code::ResourceExhausted);
    // Another visitor's conversation is not theirs to mail.
    let (stranger, _) = start_visitor(&server, &widget.public_token).await;
    let theirs = stranger
        .visitor()
        .email_transcript(pb::EmailTranscriptRequest {
            conversation_id: conversation.id.clone(),
            email: "x@y.test".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(theirs.code(), tonic::Code::NotFound);
    server.stop().await;
}
crate::on_both_backends!(transcripts_are_mailed_for_answered_chats);
