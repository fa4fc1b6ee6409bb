//! Accounts, sessions, members and invites through the real client, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Backend, TestServer, sign_up, violated_fields};
use porthole_client::Porthole;
use porthole_client::pb;
use tonic::Code;

async fn sign_up_log_in_and_me(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, session) = sign_up(&server, "Owner@Example.COM", "Acme").await;
    assert_eq!(session.user.as_ref().unwrap().email, "owner@example.com");
    assert_eq!(session.role(), pb::Role::Owner);

    let me = owner.auth().get_me(pb::GetMeRequest {}).await.unwrap().into_inner();
    assert_eq!(me.workspace.as_ref().unwrap().name, "Acme");
    assert_eq!(me.role(), pb::Role::Owner);

    let anon = server.new_client();
    let login = anon
        .auth()
        .log_in(pb::LogInRequest {
            email: " OWNER@example.com".into(),
            password: "correct horse battery".into(),
            workspace_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(login.workspace.unwrap().id, session.workspace.unwrap().id);

    let wrong = anon
        .auth()
        .log_in(pb::LogInRequest {
            email: "owner@example.com".into(),
            password: "nope nope".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    let unknown = anon
        .auth()
        .log_in(pb::LogInRequest {
            email: "ghost@example.com".into(),
            password: "nope nope".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::Unauthenticated);
    assert_eq!(wrong.message(), unknown.message(), "unknown and wrong look the same");

    // Duplicate e-mail, bad input with every field named.
    let dup = anon
        .auth()
        .sign_up(pb::SignUpRequest {
            email: "owner@example.com".into(),
            password: "another password".into(),
            display_name: "X".into(),
            workspace_name: "Y".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(dup.code(), Code::AlreadyExists);
    let bad = anon
        .auth()
        .sign_up(pb::SignUpRequest {
            email: "not-an-email".into(),
            password: "short".into(),
            display_name: " ".into(),
            workspace_name: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), vec!["email", "password", "display_name", "workspace_name"]);
    server.stop().await;
}
on_both_backends!(sign_up_log_in_and_me);

async fn refresh_tokens_rotate_and_reuse_revokes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, first) = sign_up(&server, "a@example.com", "A").await;
    let refresh = |token: String| {
        let client = owner.clone();
        async move { client.auth().refresh_session(pb::RefreshSessionRequest { refresh_token: token }).await }
    };
    let second = refresh(first.refresh_token.clone()).await.unwrap().into_inner().session.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    let third = refresh(second.refresh_token.clone()).await.unwrap().into_inner().session.unwrap();

    // Presenting a spent token revokes the whole family, including the newest token.
    let reuse = refresh(first.refresh_token.clone()).await.unwrap_err();
    assert_eq!(reuse.code(), Code::Unauthenticated);
    assert!(reuse.message().contains("already used"), "{}", reuse.message());
    assert_eq!(refresh(third.refresh_token.clone()).await.unwrap_err().code(), Code::Unauthenticated);

    // Log out ends a session; a second log-out is harmless.
    let fresh = owner
        .auth()
        .log_in(pb::LogInRequest {
            email: "a@example.com".into(),
            password: "correct horse battery".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    owner.auth().log_out(pb::LogOutRequest { refresh_token: fresh.refresh_token.clone() }).await.unwrap();
    owner.auth().log_out(pb::LogOutRequest { refresh_token: fresh.refresh_token.clone() }).await.unwrap();
    assert_eq!(refresh(fresh.refresh_token).await.unwrap_err().code(), Code::Unauthenticated);
    assert_eq!(refresh("garbage".into()).await.unwrap_err().code(), Code::Unauthenticated);
    assert_eq!(refresh(String::new()).await.unwrap_err().code(), Code::InvalidArgument);
    server.stop().await;
}
on_both_backends!(refresh_tokens_rotate_and_reuse_revokes);

async fn concurrent_refreshes_spend_a_token_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, session) = sign_up(&server, "race@example.com", "Race").await;
    let attempts = (0..8).map(|_| {
        let client = owner.clone();
        let token = session.refresh_token.clone();
        tokio::spawn(
            async move { client.auth().refresh_session(pb::RefreshSessionRequest { refresh_token: token }).await },
        )
    });
    let mut ok = 0;
    for attempt in attempts {
        if attempt.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 1, "exactly one concurrent refresh may succeed");
    server.stop().await;
}
on_both_backends!(concurrent_refreshes_spend_a_token_once);

async fn invites_roles_and_members(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "owner@acme.test", "Acme").await;

    let invite = owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "Agent@Acme.test".into(), role: pb::Role::Agent.into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(invite.invite.as_ref().unwrap().email, "agent@acme.test");
    let pending = owner.workspace().list_invites(pb::ListInvitesRequest {}).await.unwrap().into_inner().invites;
    assert_eq!(pending.len(), 1);

    let agent = server.new_client();
    let bad = agent
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token.clone(),
            password: "short".into(),
            display_name: "Agent".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), vec!["password"]);
    let session = agent
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token.clone(),
            password: "agent password".into(),
            display_name: "Ann Agent".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(session.role(), pb::Role::Agent);
    agent.set_token(Some(session.access_token.clone()));
    let reused = server
        .new_client()
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token.clone(),
            password: "agent password".into(),
            display_name: "Again".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(reused.code(), Code::NotFound);

    let members = agent.workspace().list_members(pb::ListMembersRequest {}).await.unwrap().into_inner().members;
    assert_eq!(
        members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
        vec!["owner@acme.test", "agent@acme.test"]
    );

    // Agents cannot manage; admins cannot touch owners; the last owner stays.
    let denied = agent
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "x@acme.test".into(), role: pb::Role::Agent.into() })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let agent_id = session.user.unwrap().id;
    owner
        .workspace()
        .update_member(pb::UpdateMemberRequest {
            user_id: agent_id.clone(),
            role: pb::Role::Admin.into(),
            max_concurrent_chats: None,
        })
        .await
        .unwrap();
    // The promoted member's next session carries the new role.
    let admin_session = agent
        .auth()
        .refresh_session(pb::RefreshSessionRequest { refresh_token: session.refresh_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(admin_session.role(), pb::Role::Admin);
    agent.set_token(Some(admin_session.access_token.clone()));
    let owner_invite = agent
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "boss@acme.test".into(), role: pb::Role::Owner.into() })
        .await
        .unwrap_err();
    assert_eq!(owner_invite.code(), Code::PermissionDenied);
    let owner_id = members[0].user_id.clone();
    let demote = agent
        .workspace()
        .update_member(pb::UpdateMemberRequest {
            user_id: owner_id.clone(),
            role: pb::Role::Agent.into(),
            max_concurrent_chats: None,
        })
        .await
        .unwrap_err();
    assert_eq!(demote.code(), Code::PermissionDenied);
    let last = owner
        .workspace()
        .update_member(pb::UpdateMemberRequest {
            user_id: owner_id.clone(),
            role: pb::Role::Agent.into(),
            max_concurrent_chats: None,
        })
        .await
        .unwrap_err();
    assert_eq!(last.code(), Code::FailedPrecondition);
    let unspecified = owner
        .workspace()
        .update_member(pb::UpdateMemberRequest { user_id: agent_id.clone(), role: 0, max_concurrent_chats: None })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&unspecified), vec!["role"]);

    // Inviting an existing member is refused; removing a member ends their sessions.
    let existing = owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "agent@acme.test".into(), role: pb::Role::Agent.into() })
        .await
        .unwrap_err();
    assert_eq!(existing.code(), Code::AlreadyExists);
    owner.workspace().remove_member(pb::RemoveMemberRequest { user_id: agent_id.clone() }).await.unwrap();
    let after = agent
        .auth()
        .refresh_session(pb::RefreshSessionRequest { refresh_token: admin_session.refresh_token.clone() })
        .await
        .unwrap_err();
    assert_eq!(after.code(), Code::Unauthenticated);
    // Their access token ends too (it used to authenticate until expiry: NOT_FOUND here).
    let gone = agent.auth().get_me(pb::GetMeRequest {}).await.unwrap_err();
    assert_eq!(gone.code(), Code::Unauthenticated);
    let missing = owner.workspace().remove_member(pb::RemoveMemberRequest { user_id: agent_id }).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    // An existing account joins a second workspace with its password and can log in to either.
    let (other_owner, _) = sign_up(&server, "other@else.test", "Else").await;
    let invite = other_owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "owner@acme.test".into(), role: pb::Role::Admin.into() })
        .await
        .unwrap()
        .into_inner();
    let wrong = server
        .new_client()
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token.clone(),
            password: "wrong password".into(),
            display_name: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    let joined = server
        .new_client()
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token,
            password: "correct horse battery".into(),
            display_name: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    let else_id = joined.workspace.unwrap().id;
    let login = server
        .new_client()
        .auth()
        .log_in(pb::LogInRequest {
            email: "owner@acme.test".into(),
            password: "correct horse battery".into(),
            workspace_id: else_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!((login.workspace.as_ref().unwrap().id.clone(), login.role()), (else_id, pb::Role::Admin));
    server.stop().await;
}
on_both_backends!(invites_roles_and_members);

async fn profile_and_password_change(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, session) = sign_up(&server, "p@example.com", "P").await;
    let user = owner
        .auth()
        .update_me(pb::UpdateMeRequest { display_name: Some("Pat".into()), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(user.display_name, "Pat");
    let wrong = owner
        .auth()
        .update_me(pb::UpdateMeRequest {
            new_password: Some("brand new password".into()),
            current_password: "not it".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::PermissionDenied);
    owner
        .auth()
        .update_me(pb::UpdateMeRequest {
            new_password: Some("brand new password".into()),
            current_password: "correct horse battery".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let revoked = owner
        .auth()
        .refresh_session(pb::RefreshSessionRequest { refresh_token: session.refresh_token })
        .await
        .unwrap_err();
    assert_eq!(revoked.code(), Code::Unauthenticated);
    server
        .new_client()
        .auth()
        .log_in(pb::LogInRequest {
            email: "p@example.com".into(),
            password: "brand new password".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    server.stop().await;
}
on_both_backends!(profile_and_password_change);

/// Joins the owner's workspace as an admin through an invite; returns the new member's
/// client, session and user id.
async fn join_as_admin(server: &TestServer, owner: &Porthole, email: &str) -> (Porthole, pb::Session, String) {
    let invite = owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: email.into(), role: pb::Role::Admin.into() })
        .await
        .unwrap()
        .into_inner();
    let member = server.new_client();
    let session = member
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token,
            password: "admin password".into(),
            display_name: "Ada Admin".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    member.set_token(Some(session.access_token.clone()));
    let user_id = session.user.clone().unwrap().id;
    (member, session, user_id)
}

/// Removing a member, demoting one and logging out take effect on the very next call,
/// with the access token they still hold (it used to work until it expired).
async fn revocation_takes_effect_on_the_next_call(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "boss@revoke.test", "Revoke").await;

    // Demoted: admin rights end at once, though the token still says admin.
    let (admin, _, admin_id) = join_as_admin(&server, &owner, "admin@revoke.test").await;
    let invite = || pb::CreateInviteRequest { email: "x@revoke.test".into(), role: pb::Role::Agent.into() };
    admin.workspace().create_invite(invite()).await.unwrap();
    owner
        .workspace()
        .update_member(pb::UpdateMemberRequest {
            user_id: admin_id.clone(),
            role: pb::Role::Agent.into(),
            max_concurrent_chats: None,
        })
        .await
        .unwrap();
    assert_eq!(admin.workspace().create_invite(invite()).await.unwrap_err().code(), Code::PermissionDenied);

    // Removed: nothing of the workspace is readable any more, and the feed open at the
    // time ends within seconds (it used to keep delivering).
    admin.conversations().list_conversations(pb::ListConversationsRequest::default()).await.unwrap();
    let mut feed = admin
        .conversations()
        .watch_workspace(pb::WatchWorkspaceRequest { cursor: String::new() })
        .await
        .unwrap()
        .into_inner();
    owner.workspace().remove_member(pb::RemoveMemberRequest { user_id: admin_id }).await.unwrap();
    let ended = common::feed_end(&mut feed, std::time::Duration::from_secs(15), "the removed member's feed").await;
    assert_eq!(ended.code(), Code::Unauthenticated, "{ended:?}");
    let removed = admin.conversations().list_conversations(pb::ListConversationsRequest::default()).await.unwrap_err();
    assert_eq!(removed.code(), Code::Unauthenticated, "{removed:?}");

    // An admin invite sent before a demotion dies with it: no way back in as an admin.
    let (third, _, third_id) = join_as_admin(&server, &owner, "third@revoke.test").await;
    let backdoor = third
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "alt@revoke.test".into(), role: pb::Role::Admin.into() })
        .await
        .unwrap()
        .into_inner();
    owner
        .workspace()
        .update_member(pb::UpdateMemberRequest {
            user_id: third_id,
            role: pb::Role::Agent.into(),
            max_concurrent_chats: None,
        })
        .await
        .unwrap();
    let spent = server
        .new_client()
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: backdoor.invite_token,
            password: "alt password".into(),
            display_name: "Alt".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(spent.code(), Code::NotFound, "{spent:?}");

    // Logged out: the access token of that session ends with it.
    let (second, session, _) = join_as_admin(&server, &owner, "second@revoke.test").await;
    second.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap();
    second.auth().log_out(pb::LogOutRequest { refresh_token: session.refresh_token }).await.unwrap();
    let after = second.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap_err();
    assert_eq!(after.code(), Code::Unauthenticated);
    server.stop().await;
}
on_both_backends!(revocation_takes_effect_on_the_next_call);

/// The demo owner's password is public: once the server restarts without the demo, that
/// account cannot sign in (it used to); turning the demo back on restores it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_account_works_only_while_the_demo_is_on() {
    let shared = std::env::temp_dir().join(porthole_server::ids::unique("porthole-demo-test"));
    let on_disk = |demo: bool| {
        let shared = shared.clone();
        move |config: &mut porthole_server::config::Config| {
            config.demo = demo;
            config.database = porthole_server::config::DatabaseConfig::Sqlite(shared.join("porthole.db"));
            config.data_dir = shared;
        }
    };
    let demo_login = || pb::LogInRequest {
        email: "demo@porthole.test".into(),
        password: "porthole-demo".into(),
        ..Default::default()
    };
    for (demo, works) in [(true, true), (false, false), (true, true)] {
        let server = TestServer::start_with(Backend::Sqlite, on_disk(demo)).await;
        let result = server.new_client().auth().log_in(demo_login()).await;
        match (works, result) {
            (true, Ok(_)) => {}
            (false, Err(status)) => assert_eq!(status.code(), Code::Unauthenticated, "{status:?}"),
            (_, other) => panic!("demo {demo}: {other:?}"),
        }
        server.stop().await;
    }
    let _ = std::fs::remove_dir_all(&shared);
}

fn sign_up_request(email: &str) -> pb::SignUpRequest {
    pb::SignUpRequest {
        email: email.into(),
        password: "correct horse battery".into(),
        display_name: "Owner".into(),
        workspace_name: "Company".into(),
    }
}

/// Under the default policy the first sign-up creates the server's workspace and closes
/// sign-up (the demo's workspace does not count); of racing sign-ups exactly one wins.
async fn sign_up_closes_after_the_first_workspace(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.signup = porthole_server::domain::account::SignUpPolicy::FirstWorkspace;
        config.demo = true;
    })
    .await;
    let anonymous = server.new_client();
    let policy = anonymous.auth().get_sign_up_policy(pb::GetSignUpPolicyRequest {}).await.unwrap().into_inner();
    assert_eq!(policy.policy(), pb::SignUpPolicy::FirstWorkspace);
    assert!(policy.open, "the demo workspace does not close sign-up");

    let attempts = (0..4).map(|i| {
        let client = server.new_client();
        async move { client.auth().sign_up(sign_up_request(&format!("first{i}@example.com"))).await }
    });
    let results = futures_util::future::join_all(attempts).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
        assert!(refused.message().contains("invitation"), "{}", refused.message());
    }
    let policy = anonymous.auth().get_sign_up_policy(pb::GetSignUpPolicyRequest {}).await.unwrap().into_inner();
    assert!(!policy.open);
    let status = anonymous.auth().sign_up(sign_up_request("later@example.com")).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    server.stop().await;

    // A server whose workspaces predate the policy counts them too.
    let open = TestServer::start(backend).await;
    sign_up(&open, "early@example.com", "Early Co").await;
    let database = open.database.clone().unwrap();
    let first = TestServer::start_with(Backend::Sqlite, move |config| {
        config.database = database;
        config.signup = porthole_server::domain::account::SignUpPolicy::FirstWorkspace;
    })
    .await;
    let status = first.new_client().auth().sign_up(sign_up_request("next@example.com")).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    first.stop().await;
    open.stop().await;
}
on_both_backends!(sign_up_closes_after_the_first_workspace);

/// Invite-only: sign-up is refused before any work, and the policy says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_only_refuses_every_sign_up() {
    let server = TestServer::start_with(Backend::Sqlite, |config| {
        config.signup = porthole_server::domain::account::SignUpPolicy::InviteOnly;
    })
    .await;
    let client = server.new_client();
    let policy = client.auth().get_sign_up_policy(pb::GetSignUpPolicyRequest {}).await.unwrap().into_inner();
    assert_eq!((policy.policy(), policy.open), (pb::SignUpPolicy::InviteOnly, false));
    let status = client.auth().sign_up(sign_up_request("first@example.com")).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    server.stop().await;
}
