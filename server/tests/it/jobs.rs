//! Background jobs: invitations e-mailed through the real SMTP client to a local SMTP
//! server, retried when it says "later", given up when it refuses; leases that pass a dead
//! worker's job to another; concurrent claimers that never share a job.

use porthole_server::domain::id::{DeliveryId, WorkerId, WorkspaceId};
use std::collections::HashSet;
use std::time::Duration;

use porthole_client::pb;
use porthole_server::config::DatabaseConfig;
use porthole_server::domain::job::JobState;
use porthole_server::jobs::mail::{Email, MailSettings};
use porthole_server::jobs::{Job, Lane, NewJob};
use porthole_server::store::{Store, now_ms};

use crate::common::{Backend, TempDir, TempPostgres, TestServer, sign_up};
use crate::mailbox::{Answer, Mailbox};

async fn mail_server(backend: Backend, mailbox: &Mailbox) -> TestServer {
    let url = mailbox.url();
    TestServer::start_with(backend, move |config| {
        config.mail = Some(MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        config.first_job_retry = Duration::from_millis(100);
    })
    .await
}

/// The store the server uses, opened beside it (to look at its jobs).
async fn store_of(server: &TestServer) -> Store {
    let database = server.database.clone().unwrap_or(DatabaseConfig::Sqlite(server.data_dir.join("porthole.db")));
    Store::connect(&database, 1).await.unwrap()
}

async fn invite(owner: &porthole_client::Porthole, email: &str) -> pb::CreateInviteResponse {
    owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: email.into(), role: pb::Role::Agent.into() })
        .await
        .unwrap()
        .into_inner()
}

/// Waits until the workspace's job for `summary` is in `state`; returns it.
async fn job_in_state(
    store: &Store,
    workspace_id: &str,
    summary: &str,
    state: JobState,
) -> porthole_server::store::models::JobRow {
    for _ in 0..100 {
        let jobs = store.jobs_of(&WorkspaceId::parse(workspace_id).unwrap(), "email", None, 50).await.unwrap();
        if let Some(job) = jobs.iter().find(|j| j.summary == summary && j.state == state) {
            return job.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no {state:?} job {summary:?} in {:?}",
        store.jobs_of(&WorkspaceId::parse(workspace_id).unwrap(), "email", None, 50).await.unwrap()
    );
}

/// With SMTP configured an invitation is e-mailed (text and HTML, the inviter and the
/// workspace named) and the link in it accepts the invitation; the job ends done with its
/// payload, which held the secret link, cleared.
async fn invitations_are_emailed(backend: Backend) {
    let mailbox = Mailbox::start().await;
    let server = mail_server(backend, &mailbox).await;
    let (owner, session) = sign_up(&server, "owner@mail.test", "Mail Co").await;
    let workspace_id = session.workspace.unwrap().id;
    let created = invite(&owner, "ada@mail.test").await;
    assert!(created.emailed);

    let received = mailbox.wait_for(1).await;
    assert_eq!(received[0].to, ["ada@mail.test"]);
    let text = received[0].text();
    assert!(text.contains("Subject: ") && text.contains("Mail Co on Porthole"), "{text}");
    assert!(text.contains("text/plain") && text.contains("text/html"), "{text}");
    let link = format!("{}/app/invite/{}", server.url, created.invite_token);
    assert!(text.contains(&link), "no {link} in {text}");

    let accepted = server
        .new_client()
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: created.invite_token.clone(),
            password: "a long enough password".into(),
            display_name: "Ada".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let ada_session = accepted.session.unwrap();
    assert_eq!(ada_session.workspace.as_ref().unwrap().id, workspace_id);

    let store = store_of(&server).await;
    let job = job_in_state(&store, &workspace_id, "Invitation to ada@mail.test", JobState::Done).await;
    assert_eq!((job.attempts, job.payload.as_str(), job.kind.as_str()), (1, "{}", "email"));

    // Owners see it; admins and agents may not.
    let listed = owner.workspace().list_jobs(pb::ListJobsRequest::default()).await.unwrap().into_inner();
    assert!(listed.email_enabled);
    let shown = listed.jobs.iter().find(|j| j.id == job.id.as_str()).unwrap();
    assert_eq!(
        (shown.kind.as_str(), shown.summary.as_str(), shown.state(), shown.attempts, shown.next_attempt_time),
        ("email", "Invitation to ada@mail.test", pb::JobState::Done, 1, None)
    );
    let ada = server.new_client();
    ada.set_token(Some(ada_session.access_token));
    let refused = ada.workspace().list_jobs(pb::ListJobsRequest::default()).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::PermissionDenied);
    server.stop().await;
}
on_both_backends!(invitations_are_emailed);

/// "Try later" from the mail server is retried with backoff until it takes the message;
/// a refusal for good ends the job as failed at once, with the reason kept.
async fn failed_sends_are_retried_or_given_up(backend: Backend) {
    let mailbox = Mailbox::start().await;
    mailbox.script(&[Answer::TryLater, Answer::TryLater]);
    let server = mail_server(backend, &mailbox).await;
    let (owner, session) = sign_up(&server, "owner@retry.test", "Retry Co").await;
    let workspace_id = session.workspace.unwrap().id;
    let store = store_of(&server).await;

    invite(&owner, "later@retry.test").await;
    let received = mailbox.wait_for(1).await;
    assert_eq!(received[0].to, ["later@retry.test"]);
    assert_eq!(mailbox.answered(), [Answer::TryLater, Answer::TryLater, Answer::Accept]);
    let job = job_in_state(&store, &workspace_id, "Invitation to later@retry.test", JobState::Done).await;
    assert_eq!((job.attempts, job.last_error.as_str()), (3, ""));

    mailbox.script(&[Answer::Refuse]);
    invite(&owner, "nobody@retry.test").await;
    let job = job_in_state(&store, &workspace_id, "Invitation to nobody@retry.test", JobState::Failed).await;
    assert_eq!(job.attempts, 1, "a refusal for good is not retried");
    assert!(job.last_error.contains("550"), "{}", job.last_error);
    // Pages of one: newest (the failed one) first, then the done one.
    let first = owner.workspace().list_jobs(pb::ListJobsRequest { page_size: 1, page_token: String::new() }).await;
    let first = first.unwrap().into_inner();
    assert_eq!((first.jobs.len(), first.jobs[0].state()), (1, pb::JobState::Failed));
    assert!(first.jobs[0].last_error.contains("550"));
    let second = owner
        .workspace()
        .list_jobs(pb::ListJobsRequest { page_size: 1, page_token: first.next_page_token })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.jobs[0].summary, "Invitation to later@retry.test");

    assert_eq!(mailbox.received().len(), 1, "the refused one was not delivered");
    // The owner retries the failed one by hand once the mailbox accepts it.
    let retried = owner.workspace().retry_job(pb::RetryJobRequest { job_id: job.id.to_string() }).await.unwrap();
    assert_eq!(retried.into_inner().job.unwrap().state(), pb::JobState::Queued);
    let received = mailbox.wait_for(2).await;
    assert_eq!(received[1].to, ["nobody@retry.test"]);
    let job = job_in_state(&store, &workspace_id, "Invitation to nobody@retry.test", JobState::Done).await;
    assert_eq!(job.attempts, 1, "attempts counted afresh");
    let done = owner.workspace().retry_job(pb::RetryJobRequest { job_id: job.id.to_string() }).await.unwrap_err();
    assert_eq!(done.code(), tonic::Code::FailedPrecondition, "{done:?}");
    let missing = owner.workspace().retry_job(pb::RetryJobRequest { job_id: "job_nope".into() }).await.unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
    let (other, _) = sign_up(&server, "other@retry.test", "Other Co").await;
    let foreign = other.workspace().retry_job(pb::RetryJobRequest { job_id: job.id.to_string() }).await.unwrap_err();
    assert_eq!(foreign.code(), tonic::Code::NotFound, "another workspace's job does not exist for them");
    server.stop().await;
}
on_both_backends!(failed_sends_are_retried_or_given_up);

/// Without SMTP, invitations are links to hand over: nothing is queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_nothing_is_emailed() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (owner, session) = sign_up(&server, "owner@nomail.test", "No Mail").await;
    assert!(!invite(&owner, "ada@nomail.test").await.emailed);
    let store = store_of(&server).await;
    assert!(
        store
            .jobs_of(&WorkspaceId::parse(&session.workspace.unwrap().id).unwrap(), "email", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let listed = owner.workspace().list_jobs(pb::ListJobsRequest::default()).await.unwrap().into_inner();
    assert!(!listed.email_enabled && listed.jobs.is_empty());
    server.stop().await;
}

/// A fresh database with no server (and so no worker) on it.
async fn bare_store(backend: &Backend) -> (Store, Option<TempPostgres>, TempDir) {
    let dir = TempDir::new();
    let (database, pg) = match backend {
        Backend::Sqlite => (DatabaseConfig::Sqlite(dir.0.join("jobs.db")), None),
        Backend::Postgres => {
            let pg = TempPostgres::create().await;
            (DatabaseConfig::Postgres(pg.url.clone()), Some(pg))
        }
    };
    (Store::connect(&database, 8).await.unwrap(), pg, dir)
}

fn email_job(n: usize) -> NewJob {
    NewJob {
        workspace_id: None,
        summary: format!("job {n}"),
        job: Job::Email(Email {
            to: format!("{n}@jobs.test"),
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
            reply_to: None,
        }),
        delay: Duration::ZERO,
    }
}

/// A worker that dies mid-job (its lease runs out) loses the job to another, which runs it
/// as a second attempt; the first worker's late outcome changes nothing.
async fn a_dead_workers_job_passes_to_another(backend: Backend) {
    let (store, _pg, _dir) = bare_store(&backend).await;
    let id = store.enqueue_job(&email_job(1), now_ms()).await.unwrap();
    let first = store.claim_jobs(&WorkerId::parse("wrk_a").unwrap(), Lane::People, now_ms(), 8, 200).await.unwrap();
    assert_eq!((first.len(), first[0].id.as_str(), first[0].attempts), (1, id.as_str(), 1));
    assert!(
        store.claim_jobs(&WorkerId::parse("wrk_b").unwrap(), Lane::People, now_ms(), 8, 200).await.unwrap().is_empty(),
        "leased to a"
    );

    tokio::time::sleep(Duration::from_millis(250)).await;
    let second = store.claim_jobs(&WorkerId::parse("wrk_b").unwrap(), Lane::People, now_ms(), 8, 60_000).await.unwrap();
    assert_eq!((second.len(), second[0].attempts, second[0].locked_by.as_deref()), (1, 2, Some("wrk_b")));
    assert!(
        !store.finish_job(&id, &WorkerId::parse("wrk_a").unwrap(), 1, now_ms()).await.unwrap(),
        "a's lease is over"
    );
    assert!(!store.fail_job(&id, &WorkerId::parse("wrk_a").unwrap(), 1, "late", None, now_ms()).await.unwrap());
    assert!(store.finish_job(&id, &WorkerId::parse("wrk_b").unwrap(), 2, now_ms()).await.unwrap());
    let job = store.job(&id).await.unwrap().unwrap();
    assert_eq!((job.state, job.payload.as_str(), job.locked_by), (JobState::Done, "{}", None));
    assert_eq!(store.next_job_due(Lane::People).await.unwrap(), None);

    // A retry waits for its time.
    let id = store.enqueue_job(&email_job(2), now_ms()).await.unwrap();
    let claimed =
        store.claim_jobs(&WorkerId::parse("wrk_a").unwrap(), Lane::People, now_ms(), 8, 60_000).await.unwrap();
    let retry_at = now_ms() + 60_000;
    assert!(
        store
            .fail_job(
                &id,
                &WorkerId::parse("wrk_a").unwrap(),
                claimed[0].attempts,
                "451 later",
                Some(retry_at),
                now_ms()
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_jobs(&WorkerId::parse("wrk_a").unwrap(), Lane::People, now_ms(), 8, 60_000)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.next_job_due(Lane::People).await.unwrap(), Some(retry_at));
    assert_eq!(
        store.claim_jobs(&WorkerId::parse("wrk_a").unwrap(), Lane::People, retry_at, 8, 60_000).await.unwrap().len(),
        1
    );
}
on_both_backends!(a_dead_workers_job_passes_to_another);

/// Workers claiming at the same time never get the same job, and every job is claimed.
async fn concurrent_claims_never_share_a_job(backend: Backend) {
    let (store, _pg, _dir) = bare_store(&backend).await;
    const JOBS: usize = 200;
    for n in 0..JOBS {
        store.enqueue_job(&email_job(n), now_ms()).await.unwrap();
    }
    let claimers = (0..4).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = store
                    .claim_jobs(&WorkerId::parse(&format!("wrk_{w}")).unwrap(), Lane::People, now_ms(), 8, 60_000)
                    .await
                    .unwrap();
                if claimed.is_empty() {
                    return mine;
                }
                mine.extend(claimed.into_iter().map(|j| j.id));
            }
        })
    });
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (JOBS, JOBS));
}
on_both_backends!(concurrent_claims_never_share_a_job);

/// A visitor's offline message is e-mailed to the members whose settings say so (by
/// default everyone; here the agent switched it off), with the message, a link to the
/// conversation, and replies going to the visitor.
async fn offline_messages_are_emailed_to_members_who_want_them(backend: Backend) {
    let mailbox = Mailbox::start().await;
    let server = mail_server(backend, &mailbox).await;
    let (owner, _) = sign_up(&server, "owner@offline.test", "Offline Co").await;
    let invited = invite(&owner, "agent@offline.test").await;
    mailbox.wait_for(1).await;
    let agent = server.new_client();
    let session = agent
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invited.invite_token,
            password: "a long enough password".into(),
            display_name: "Agent".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    agent.set_token(Some(session.access_token));
    let off =
        pb::NotificationRule { event: "offline_message".into(), email: false, push: true, sound: true, desktop: true };
    agent
        .notifications()
        .update_notification_settings(pb::UpdateNotificationSettingsRequest {
            settings: Some(pb::NotificationSettings { rules: vec![off] }),
            use_workspace_defaults: false,
        })
        .await
        .unwrap();
    let widget = crate::common::create_widget(&owner, "Site").await;
    let (visitor, _) = crate::common::start_visitor(&server, &widget.public_token).await;
    // This server sends e-mail: the answer goes there, so the address is required.
    let without = visitor
        .visitor()
        .submit_offline_message(pb::SubmitOfflineMessageRequest {
            name: String::new(),
            email: String::new(),
            message: "Hello?".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(crate::common::violated_fields(&without), ["email"]);
    let left = visitor
        .visitor()
        .submit_offline_message(pb::SubmitOfflineMessageRequest {
            name: "Vera <script>".into(),
            email: "vera@visitor.test".into(),
            message: "Do you ship to Norway?\nThanks!".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let conversation_id = left.conversation.unwrap().id;

    let mails = mailbox.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mailbox.received().len(), 2, "the agent switched it off: {:?}", mailbox.received());
    let mail = &mails[1];
    assert_eq!(mail.to, ["owner@offline.test"]);
    let text = mail.text();
    assert!(text.contains("Reply-To: vera@visitor.test"), "{text}");
    assert!(text.contains("Do you ship to Norway?"), "{text}");
    assert!(text.contains(&format!("{}/app/inbox/{conversation_id}", server.url)), "{text}");
    assert!(text.contains("Vera &lt;script&gt;") && !text.contains("<strong>Vera <script>"), "escaped in HTML");
    server.stop().await;
}
on_both_backends!(offline_messages_are_emailed_to_members_who_want_them);

/// Our replies a visitor has not read a while later are e-mailed to them: quick replies in
/// one e-mail; none when they read them in time, for internal notes, or without an address;
/// jobs that found nothing to do leave no trace for owners.
async fn unread_replies_are_emailed_to_the_visitor(backend: Backend) {
    let mailbox = Mailbox::start().await;
    let url = mailbox.url();
    let server = TestServer::start_with(backend, move |config| {
        config.mail = Some(MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        config.unread_reply_delay = Duration::from_millis(400);
    })
    .await;
    let (owner, session) = sign_up(&server, "owner@replies.test", "Replies Co").await;
    let workspace_id = session.workspace.unwrap().id;
    let widget = crate::common::create_widget(&owner, "Site").await;
    let (visitor, _) = crate::common::start_visitor(&server, &widget.public_token).await;
    visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest {
            name: Some("Vera Lynn".into()),
            email: Some("vera@visitor.test".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let conversation = crate::common::open_conversation(&visitor).await;
    let reply = |body: &'static str, internal: bool| {
        let (owner, id) = (owner.clone(), conversation.id.clone());
        async move {
            owner
                .conversations()
                .send_conversation_message(pb::SendConversationMessageRequest {
                    conversation_id: id,
                    body: body.into(),
                    internal,
                    client_key: body.into(),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner()
                .message
                .unwrap()
        }
    };
    crate::common::visitor_says(&visitor, &conversation.id, "Do you ship to Norway?", "v1").await;
    reply("First answer", false).await;
    reply("A note for the team", true).await;
    reply("Second answer", false).await;
    let mails = mailbox.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(mailbox.received().len(), 1, "two quick replies, one e-mail");
    assert_eq!(mails[0].to, ["vera@visitor.test"]);
    let text = mails[0].text();
    assert!(text.contains("Hello Vera,") && text.contains("First answer") && text.contains("Second answer"), "{text}");
    assert!(!text.contains("A note for the team"), "internal notes stay internal");
    assert!(text.contains("2 new replies from Replies Co"), "{text}");
    // With the conversation so far, for a visitor who left it.
    assert!(text.contains("The conversation so far:") && text.contains("Do you ship to Norway?"), "{text}");

    // Read in the widget in time: nothing is sent.
    let third = reply("Third answer", false).await;
    visitor
        .visitor()
        .mark_read(pb::MarkReadRequest { conversation_id: conversation.id.clone(), seq: third.seq })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(mailbox.received().len(), 1, "a reply read in time is not e-mailed");

    // Owners see the one e-mail sent; the jobs that found nothing to do are gone.
    let store = store_of(&server).await;
    let jobs = store.jobs_of(&WorkspaceId::parse(&workspace_id).unwrap(), "email", None, 10).await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!((jobs[0].summary.as_str(), jobs[0].state), ("Unread reply to vera@visitor.test", JobState::Done));

    // A visitor without an address gets no job at all.
    let (silent, _) = crate::common::start_visitor(&server, &widget.public_token).await;
    let quiet = crate::common::open_conversation(&silent).await;
    owner
        .conversations()
        .send_conversation_message(pb::SendConversationMessageRequest {
            conversation_id: quiet.id,
            body: "Anyone there?".into(),
            client_key: "quiet-1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(store.jobs_of(&WorkspaceId::parse(&workspace_id).unwrap(), "email", None, 10).await.unwrap().len(), 1);
    server.stop().await;
}
on_both_backends!(unread_replies_are_emailed_to_the_visitor);

/// Webhook deliveries have their own worker: a backlog of due deliveries (a slow receiver)
/// never stands between an e-mail and the people's worker, nor the reverse.
async fn webhook_backlogs_do_not_delay_email(backend: Backend) {
    let (store, _pg, _dir) = bare_store(&backend).await;
    for n in 0..20 {
        let delivery = NewJob {
            workspace_id: None,
            summary: format!("delivery {n}"),
            job: Job::Webhook { delivery_id: DeliveryId::parse(&format!("whd_{n}")).unwrap() },
            delay: Duration::ZERO,
        };
        store.enqueue_job(&delivery, now_ms() - 1000).await.unwrap();
    }
    let email = store.enqueue_job(&email_job(1), now_ms()).await.unwrap();
    let people = store.claim_jobs(&WorkerId::parse("wrk_p").unwrap(), Lane::People, now_ms(), 8, 60_000).await.unwrap();
    assert_eq!(people.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(), [email.as_str()]);
    let hooks =
        store.claim_jobs(&WorkerId::parse("wrk_w").unwrap(), Lane::Webhooks, now_ms(), 8, 60_000).await.unwrap();
    assert_eq!(hooks.len(), 8);
    assert!(hooks.iter().all(|j| j.kind == "webhook"));
    assert_eq!(store.next_job_due(Lane::People).await.unwrap().map(|_| ()), Some(()), "the e-mail's lease");
}
on_both_backends!(webhook_backlogs_do_not_delay_email);
