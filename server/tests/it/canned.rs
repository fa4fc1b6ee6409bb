//! Canned responses through the real client, on both backends: the CRUD round trip,
//! shortcut uniqueness, input rules, who may manage them, and tenant isolation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Backend, TestServer, sign_up, violated_fields};
use porthole_client::{Porthole, pb};
use tonic::Code;

fn create(shortcut: &str, title: &str, body: &str) -> pb::CreateCannedResponseRequest {
    pb::CreateCannedResponseRequest {
        shortcut: shortcut.into(),
        title: title.into(),
        body: body.into(),
        knowledge: false,
    }
}

async fn list(client: &Porthole) -> Vec<pb::CannedResponse> {
    client
        .canned()
        .list_canned_responses(pb::ListCannedResponsesRequest {})
        .await
        .unwrap()
        .into_inner()
        .canned_responses
}

/// A member of `owner`'s workspace with `role`, joined through an invite.
async fn member(server: &TestServer, owner: &Porthole, email: &str, role: pb::Role) -> Porthole {
    let invite = owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: email.into(), role: role.into() })
        .await
        .unwrap()
        .into_inner();
    let client = server.new_client();
    let session = client
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token,
            password: "member password".into(),
            display_name: "Member".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(session.role(), role);
    client.set_token(Some(session.access_token));
    client
}

async fn crud_round_trip(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, session) = sign_up(&server, "owner@canned.test", "Canned").await;
    assert!(list(&owner).await.is_empty());

    let body = "  Hi {{visitor.name}},\n\nthanks for waiting! — {{agent.name}}\n";
    let hello = owner
        .canned()
        .create_canned_response(create(" hello ", "  Greeting ", body))
        .await
        .unwrap()
        .into_inner()
        .canned_response
        .unwrap();
    assert!(hello.id.starts_with("cnd_"), "{}", hello.id);
    assert_eq!(hello.shortcut, "hello", "surrounding spaces trimmed");
    assert_eq!(hello.title, "Greeting");
    assert_eq!(hello.body, body, "body kept verbatim, placeholders untouched");
    assert_eq!(hello.created_by_user_id, session.user.as_ref().unwrap().id);
    assert_eq!(hello.create_time, hello.update_time);
    let bye = owner.canned().create_canned_response(create("bye", "", "Bye!")).await.unwrap().into_inner();
    let bye = bye.canned_response.unwrap();
    assert_eq!(bye.title, "", "title is optional");
    assert_eq!(list(&owner).await, vec![bye.clone(), hello.clone()], "ordered by shortcut");

    // Only the fields present change.
    let updated = owner
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: hello.id.clone(),
            shortcut: Some("hi".into()),
            title: None,
            body: Some("Hello!".into()),
        })
        .await
        .unwrap()
        .into_inner()
        .canned_response
        .unwrap();
    assert_eq!(
        (updated.shortcut.as_str(), updated.title.as_str(), updated.body.as_str()),
        ("hi", "Greeting", "Hello!")
    );
    assert_eq!(updated.create_time, hello.create_time);
    let millis =
        |t: &Option<prost_types::Timestamp>| t.as_ref().map(|t| t.seconds * 1000 + i64::from(t.nanos) / 1_000_000);
    assert!(millis(&updated.update_time) >= millis(&hello.update_time));
    let cleared = owner
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: hello.id.clone(),
            title: Some(String::new()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .canned_response
        .unwrap();
    assert_eq!((cleared.shortcut.as_str(), cleared.title.as_str()), ("hi", ""), "empty title removes it");
    assert_eq!(list(&owner).await, vec![bye.clone(), cleared]);

    owner
        .canned()
        .delete_canned_response(pb::DeleteCannedResponseRequest { canned_response_id: hello.id.clone() })
        .await
        .unwrap();
    assert_eq!(list(&owner).await, vec![bye]);
    let again = owner
        .canned()
        .delete_canned_response(pb::DeleteCannedResponseRequest { canned_response_id: hello.id.clone() })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::NotFound);
    let gone = owner
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: hello.id,
            body: Some("x".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    server.stop().await;
}
on_both_backends!(crud_round_trip);

async fn duplicate_shortcuts_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "dup@canned.test", "Dup").await;
    let first = owner.canned().create_canned_response(create("refund", "", "Original")).await.unwrap().into_inner();
    let first = first.canned_response.unwrap();
    let other = owner.canned().create_canned_response(create("other", "", "Other")).await.unwrap().into_inner();
    let other = other.canned_response.unwrap();

    let dup = owner.canned().create_canned_response(create("refund", "Copy", "Copy")).await.unwrap_err();
    assert_eq!(violated_fields(&dup), vec!["shortcut"]);
    assert!(dup.message().contains("\"/refund\" is already used"), "{}", dup.message());

    // Renaming onto a taken shortcut is refused the same way and changes nothing.
    let renamed = owner
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: other.id.clone(),
            shortcut: Some("refund".into()),
            body: Some("Changed".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&renamed), vec!["shortcut"]);
    assert_eq!(list(&owner).await, vec![other.clone(), first.clone()]);

    // Keeping one's own shortcut is no conflict.
    owner
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: first.id.clone(),
            shortcut: Some("refund".into()),
            ..Default::default()
        })
        .await
        .unwrap();

    // Another workspace may use the same shortcut.
    let (stranger, _) = sign_up(&server, "dup2@canned.test", "Dup 2").await;
    stranger.canned().create_canned_response(create("refund", "", "Theirs")).await.unwrap();
    server.stop().await;
}
on_both_backends!(duplicate_shortcuts_are_refused);

async fn bad_inputs_are_field_violations(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "bad@canned.test", "Bad").await;
    let cases: [(pb::CreateCannedResponseRequest, &[&str]); 9] = [
        (create("", "", "Body"), &["shortcut"]),
        (create("Hello", "", "Body"), &["shortcut"]),
        (create("/hello", "", "Body"), &["shortcut"]),
        (create("two words", "", "Body"), &["shortcut"]),
        (create(&"x".repeat(33), "", "Body"), &["shortcut"]),
        (create("ok", &"t".repeat(101), "Body"), &["title"]),
        (create("ok", "", " \n "), &["body"]),
        (create("ok", "", &"b".repeat(5001)), &["body"]),
        (create("No!", "line\nbreak", ""), &["shortcut", "title", "body"]),
    ];
    for (request, fields) in cases {
        let status = owner.canned().create_canned_response(request.clone()).await.unwrap_err();
        assert_eq!(violated_fields(&status), *fields, "{request:?}");
    }
    assert!(list(&owner).await.is_empty(), "nothing was written");

    // The limits themselves are allowed (counted in characters, not bytes).
    let longest = owner
        .canned()
        .create_canned_response(create(&"x".repeat(32), &"é".repeat(100), &"é".repeat(5000)))
        .await
        .unwrap()
        .into_inner()
        .canned_response
        .unwrap();

    let status = owner
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: longest.id.clone(),
            shortcut: Some("UPPER".into()),
            title: Some("fine".into()),
            body: Some(String::new()),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&status), vec!["shortcut", "body"]);
    assert_eq!(list(&owner).await, vec![longest], "a refused update changes nothing, not even the title");
    server.stop().await;
}
on_both_backends!(bad_inputs_are_field_violations);

async fn agents_use_admins_manage(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "roles@canned.test", "Roles").await;
    let agent = member(&server, &owner, "agent@canned.test", pb::Role::Agent).await;
    let admin = member(&server, &owner, "admin@canned.test", pb::Role::Admin).await;

    let made = admin.canned().create_canned_response(create("hours", "Opening hours", "9 to 5")).await.unwrap();
    let made = made.into_inner().canned_response.unwrap();
    assert_eq!(list(&agent).await, vec![made.clone()], "agents list what admins made");

    let denied = agent.canned().create_canned_response(create("mine", "", "Mine")).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let denied = agent
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: made.id.clone(),
            body: Some("changed".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let denied = agent
        .canned()
        .delete_canned_response(pb::DeleteCannedResponseRequest { canned_response_id: made.id.clone() })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert_eq!(list(&owner).await, vec![made.clone()], "the agent changed nothing");

    let anonymous = server.new_client();
    let status = anonymous.canned().list_canned_responses(pb::ListCannedResponsesRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    owner
        .canned()
        .delete_canned_response(pb::DeleteCannedResponseRequest { canned_response_id: made.id })
        .await
        .unwrap();
    assert!(list(&agent).await.is_empty());
    server.stop().await;
}
on_both_backends!(agents_use_admins_manage);

async fn workspaces_are_isolated(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (a, _) = sign_up(&server, "a@canned.test", "A").await;
    let (b, _) = sign_up(&server, "b@canned.test", "B").await;
    let theirs = a.canned().create_canned_response(create("secret", "", "A only")).await.unwrap().into_inner();
    let theirs = theirs.canned_response.unwrap();

    assert!(list(&b).await.is_empty(), "B does not see A's canned responses");
    let status = b
        .canned()
        .update_canned_response(pb::UpdateCannedResponseRequest {
            knowledge: None,
            canned_response_id: theirs.id.clone(),
            body: Some("B was here".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = b
        .canned()
        .delete_canned_response(pb::DeleteCannedResponseRequest { canned_response_id: theirs.id.clone() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(list(&a).await, vec![theirs], "A's canned response is untouched");
    server.stop().await;
}
on_both_backends!(workspaces_are_isolated);
