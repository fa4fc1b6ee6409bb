//! What the server forgets, as clients meet it: a pruned event log answers OUT_OF_RANGE to
//! old cursors, unsent uploads expire (files too), visitors who never chatted are deleted,
//! and a workspace's files stop at its quota (issue "Safe on the public internet",
//! retention).

use porthole_server::domain::id::{VisitorId, WorkspaceId};
use std::time::Duration;

use porthole_proto::v1 as pb;
use tonic::Code;

use porthole_server::config::DatabaseConfig;
use porthole_server::store::Store;

use crate::common::{self, Backend, TestServer, sign_up};

const SWEEP: Duration = Duration::from_millis(200);

fn text_file(conversation_id: &str, name: &str) -> pb::UploadAttachmentRequest {
    pb::UploadAttachmentRequest {
        conversation_id: conversation_id.into(),
        file_name: name.into(),
        data: b"some notes".to_vec(),
    }
}

/// Polls `check` until it holds (or fails after 10 s).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 10 s");
}

async fn visitor_message(visitor: &porthole_client::Porthole, conversation_id: &str, i: usize) {
    visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation_id.into(),
            body: format!("message {i}"),
            client_key: format!("k-{i}"),
            attachment_ids: vec![],
        })
        .await
        .unwrap();
}

/// Past the retention count the oldest events go; a feed resuming from before them is told
/// to reload (OUT_OF_RANGE), one resuming inside the kept log is served.
async fn pruned_events_send_old_cursors_to_reload(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.retention.event_count = 5;
        config.retention.sweep_every = SWEEP;
    })
    .await;
    let (owner, _) = sign_up(&server, "prune@example.com", "Prune Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    for i in 0..12 {
        visitor_message(&visitor, &conversation.id, i).await;
    }
    let watch = |cursor: &str| {
        let owner = owner.clone();
        let request = pb::WatchWorkspaceRequest { cursor: cursor.into() };
        async move { owner.conversations().watch_workspace(request).await }
    };
    eventually("pruning", || async { watch("1").await.err().is_some_and(|s| s.code() == Code::OutOfRange) }).await;
    let refused = watch("1").await.unwrap_err();
    assert!(refused.message().contains("reload"), "{}", refused.message());
    let visitor_refused =
        visitor.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: "1".into() }).await.unwrap_err();
    assert_eq!(visitor_refused.code(), Code::OutOfRange);
    // From now, and from a cursor the kept log still follows, feeds are served.
    let mut live = watch("").await.unwrap().into_inner();
    let head = tokio_stream::StreamExt::next(&mut live).await.unwrap().unwrap().cursor;
    let recent: i64 = head.parse::<i64>().unwrap() - 2;
    watch(&recent.to_string()).await.unwrap();
    // History is not the event log: every message is still listed.
    assert_eq!(common::visitor_messages(&visitor, &conversation.id).await.len(), 12);
    server.stop().await;
}
on_both_backends!(pruned_events_send_old_cursors_to_reload);

/// An upload no message took is deleted with its file after the configured time; one
/// that was sent stays.
async fn unsent_uploads_expire(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.retention.unsent_upload_age = Duration::from_secs(1);
        config.retention.sweep_every = SWEEP;
    })
    .await;
    let (owner, session) = sign_up(&server, "uploads@example.com", "Uploads Co").await;
    let workspace_id = session.workspace.unwrap().id;
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    let upload = |name: &'static str| {
        let (visitor, id) = (visitor.clone(), conversation.id.clone());
        async move {
            visitor.visitor().upload_attachment(text_file(&id, name)).await.unwrap().into_inner().attachment.unwrap()
        }
    };
    let sent = upload("sent.txt").await;
    let unsent = upload("unsent.txt").await;
    visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "see attached".into(),
            client_key: "with-file".into(),
            attachment_ids: vec![sent.id.clone()],
        })
        .await
        .unwrap();
    let file = |id: &str| {
        porthole_server::attachments::path(&server.data_dir, &WorkspaceId::parse(&workspace_id).unwrap(), id)
    };
    eventually("expiry", || {
        let path = file(&unsent.id);
        async move { !path.exists() }
    })
    .await;
    assert!(file(&sent.id).exists(), "a sent file was deleted");
    let late = visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "and this".into(),
            client_key: "late".into(),
            attachment_ids: vec![unsent.id.clone()],
        })
        .await
        .unwrap_err();
    assert!(matches!(late.code(), Code::InvalidArgument | Code::NotFound), "{late:?}");
    server.stop().await;
}
on_both_backends!(unsent_uploads_expire);

/// Visitors who never started a conversation are forgotten after the configured time;
/// those who chatted stay, and a forgotten visitor's browser simply starts anew.
async fn visitors_who_never_chatted_are_forgotten(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.retention.idle_visitor_age = Duration::from_secs(1);
        config.retention.sweep_every = SWEEP;
    })
    .await;
    let (owner, session) = sign_up(&server, "idle-visitors@example.com", "Idle Co").await;
    let workspace_id = session.workspace.unwrap().id;
    let widget = common::create_widget(&owner, "Site").await;
    let (_, silent_id) = common::start_visitor(&server, &widget.public_token).await;
    let (chatty, chatty_id) = common::start_visitor(&server, &widget.public_token).await;
    common::open_conversation(&chatty).await;
    let store = Store::connect(
        &server.database.clone().unwrap_or(DatabaseConfig::Sqlite(server.data_dir.join("porthole.db"))),
        1,
    )
    .await
    .unwrap();
    eventually("pruning", || {
        let (store, ws, id) = (store.clone(), WorkspaceId::parse(&workspace_id).unwrap(), silent_id.clone());
        async move { store.visitor(&ws, &VisitorId::parse(&id).unwrap()).await.unwrap().is_none() }
    })
    .await;
    let (workspace_id, chatty_id) = (WorkspaceId::parse(&workspace_id).unwrap(), VisitorId::parse(&chatty_id).unwrap());
    assert!(store.visitor(&workspace_id, &chatty_id).await.unwrap().is_some(), "a visitor who chatted was deleted");
    server.stop().await;
}
on_both_backends!(visitors_who_never_chatted_are_forgotten);

/// A workspace's files stop at its quota with FAILED_PRECONDITION; other workspaces are
/// not affected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_stop_at_the_workspace_quota() {
    let server = TestServer::start_with(Backend::Sqlite, |config| config.retention.workspace_storage_bytes = 25).await;
    let (owner, _) = sign_up(&server, "quota@example.com", "Quota Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    for name in ["a.txt", "b.txt"] {
        visitor.visitor().upload_attachment(text_file(&conversation.id, name)).await.unwrap();
    }
    let full = visitor.visitor().upload_attachment(text_file(&conversation.id, "c.txt")).await.unwrap_err();
    assert_eq!(full.code(), Code::FailedPrecondition, "{full:?}");
    assert!(full.message().contains("storage is full"), "{}", full.message());

    let (other_owner, _) = sign_up(&server, "other@example.com", "Other Co").await;
    let other_widget = common::create_widget(&other_owner, "Site").await;
    let (other, _) = common::start_visitor(&server, &other_widget.public_token).await;
    let other_conversation = common::open_conversation(&other).await;
    other.visitor().upload_attachment(text_file(&other_conversation.id, "a.txt")).await.unwrap();
    server.stop().await;
}
