//! What every request passes before its handler (`api::intake`): a size limit per method
//! and no NUL character in any string, answered INVALID_ARGUMENT alike on both databases.

use porthole_proto::v1 as pb;
use tonic::Code;

use crate::common::{self, Backend, TestServer, sign_up};

fn assert_refused(status: tonic::Status, field: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(common::violated_fields(&status), vec![field.to_owned()], "{status:?}");
}

/// PostgreSQL cannot store U+0000 in TEXT (it answered INTERNAL); SQLite stored it. Now
/// both refuse it before anything runs, anonymous calls included.
async fn nul_characters_are_refused_alike(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "nul@example.com", "Nul Co").await;
    let widget = common::create_widget(&owner, "Site").await;

    let anonymous = server.new_client();
    let login = pb::LogInRequest { email: "nul\0@example.com".into(), password: "x".into(), ..Default::default() };
    assert_refused(anonymous.auth().log_in(login).await.unwrap_err(), "email");
    let session = pb::StartSessionRequest {
        widget_token: widget.public_token.clone(),
        language: "de\0".into(),
        ..Default::default()
    };
    assert_refused(anonymous.visitor().start_session(session).await.unwrap_err(), "language");

    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    let send = |body: &str, key: &str| pb::SendMessageRequest {
        conversation_id: conversation.id.clone(),
        body: body.into(),
        client_key: key.into(),
        attachment_ids: vec![],
    };
    assert_refused(visitor.visitor().send_message(send("hi\0there", "k-1")).await.unwrap_err(), "body");
    assert_refused(visitor.visitor().send_message(send("hi", "k\0")).await.unwrap_err(), "client_key");
    let page = pb::RecordPageViewRequest { url: "https://x.example/\0".into(), ..Default::default() };
    assert_refused(visitor.visitor().record_page_view(page).await.unwrap_err(), "url");
    let search = pb::ListConversationsRequest { query: "a\0".into(), ..Default::default() };
    assert_refused(owner.conversations().list_conversations(search).await.unwrap_err(), "query");
    assert!(common::visitor_messages(&visitor, &conversation.id).await.is_empty(), "nothing was stored");
    server.stop().await;
}
on_both_backends!(nul_characters_are_refused_alike);

/// Anonymous calls take small bodies only; a request over any method's limit is
/// INVALID_ARGUMENT (tonic answered OUT_OF_RANGE, which the proto does not promise).
async fn requests_over_their_method_limit_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "big@example.com", "Big Co").await;
    let widget = common::create_widget(&owner, "Site").await;

    // Used to be accepted (and the field clipped): 300 KiB of time zone.
    let session = pb::StartSessionRequest {
        widget_token: widget.public_token.clone(),
        time_zone: "x".repeat(300 * 1024),
        ..Default::default()
    };
    assert_refused(server.new_client().visitor().start_session(session).await.unwrap_err(), "request");

    let (visitor, _) = common::start_visitor(&server, &widget.public_token).await;
    let conversation = common::open_conversation(&visitor).await;
    let upload = pb::UploadConversationAttachmentRequest {
        conversation_id: conversation.id.clone(),
        file_name: "big.txt".into(),
        data: vec![b'a'; 10 * 1024 * 1024 + 100 * 1024],
    };
    assert_refused(owner.conversations().upload_conversation_attachment(upload).await.unwrap_err(), "request");
    // An upload within the limit still works.
    let upload = pb::UploadAttachmentRequest {
        conversation_id: conversation.id.clone(),
        file_name: "note.txt".into(),
        data: vec![b'a'; 1024 * 1024],
    };
    visitor.visitor().upload_attachment(upload).await.unwrap();
    server.stop().await;
}
on_both_backends!(requests_over_their_method_limit_are_refused);
