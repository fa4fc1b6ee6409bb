//! A visitor's data exported and erased, and the audit log that records both (issue "Safe
//! on the public internet", privacy duties).

use porthole_client::Porthole;
use porthole_proto::v1 as pb;
use porthole_server::domain::id::WorkspaceId;
use tokio_stream::StreamExt as _;
use tonic::Code;

use crate::common::{self, Backend, TestServer, sign_up};

/// A workspace with an owner, an agent, and a visitor who chatted, viewed a page and sent
/// a file; the agent wrote an internal note.
struct Scene {
    owner: Porthole,
    agent: Porthole,
    visitor_token: String,
    visitor_id: String,
    workspace_id: String,
    conversation_id: String,
    attachment_id: String,
}

async fn scene(server: &TestServer) -> Scene {
    let (owner, session) = sign_up(server, "privacy@example.com", "Privacy Co").await;
    let invite = owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "agent@privacy.test".into(), role: pb::Role::Agent.into() })
        .await
        .unwrap()
        .into_inner();
    let agent = server.new_client();
    let agent_session = agent
        .auth()
        .accept_invite(pb::AcceptInviteRequest {
            invite_token: invite.invite_token,
            password: "agent password".into(),
            display_name: "Ann Agent".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    agent.set_token(Some(agent_session.access_token));
    let widget = common::create_widget(&owner, "Site").await;
    let visitor = server.new_client();
    let started = visitor
        .visitor()
        .start_session(pb::StartSessionRequest { widget_token: widget.public_token.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    visitor.set_token(Some(started.visitor_token.clone()));
    let visitor_id = started.visitor.unwrap().id;
    let mut attributes = std::collections::HashMap::new();
    attributes.insert("plan".to_owned(), "gold".to_owned());
    visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest {
            name: Some("Vera Visitor".into()),
            email: Some("vera@example.org".into()),
            attributes,
        })
        .await
        .unwrap();
    visitor
        .visitor()
        .record_page_view(pb::RecordPageViewRequest {
            url: "https://shop.example.org/pricing".into(),
            title: "Pricing".into(),
            referrer: String::new(),
        })
        .await
        .unwrap();
    let conversation = common::open_conversation(&visitor).await;
    let attachment = visitor
        .visitor()
        .upload_attachment(pb::UploadAttachmentRequest {
            conversation_id: conversation.id.clone(),
            file_name: "receipt.txt".into(),
            data: b"order 42".to_vec(),
        })
        .await
        .unwrap()
        .into_inner()
        .attachment
        .unwrap();
    visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "my secret order question".into(),
            client_key: "v-1".into(),
            attachment_ids: vec![attachment.id.clone()],
        })
        .await
        .unwrap();
    owner
        .conversations()
        .send_conversation_message(pb::SendConversationMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "note: VIP customer".into(),
            internal: true,
            client_key: "n-1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    Scene {
        owner,
        agent,
        visitor_token: started.visitor_token,
        visitor_id,
        workspace_id: session.workspace.unwrap().id,
        conversation_id: conversation.id,
        attachment_id: attachment.id,
    }
}

fn export_request(visitor_id: &str) -> pb::ExportVisitorDataRequest {
    pb::ExportVisitorDataRequest { visitor_id: visitor_id.into() }
}

/// The export holds the profile, page views, every message (notes too) and the files with
/// working links; only admins of the visitor's own workspace may take it.
async fn export_holds_everything_about_a_visitor(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = scene(&server).await;
    let export = s.owner.conversations().export_visitor_data(export_request(&s.visitor_id)).await.unwrap().into_inner();
    assert_eq!(export.file_name, format!("visitor-{}.json", s.visitor_id));
    let doc: serde_json::Value = serde_json::from_str(&export.json).unwrap();
    assert_eq!(doc["visitor"]["id"], s.visitor_id.as_str());
    assert_eq!(doc["visitor"]["email"], "vera@example.org");
    assert_eq!(doc["visitor"]["attributes"]["plan"], "gold");
    assert_eq!(doc["page_views"][0]["url"], "https://shop.example.org/pricing");
    let conversation = &doc["conversations"][0];
    assert_eq!(conversation["id"], s.conversation_id.as_str());
    let bodies: Vec<&str> =
        conversation["messages"].as_array().unwrap().iter().filter_map(|m| m["body"].as_str()).collect();
    assert!(bodies.contains(&"my secret order question") && bodies.contains(&"note: VIP customer"), "{bodies:?}");
    let link = conversation["attachments"][0]["download_url"].as_str().unwrap();
    assert!(link.contains(&s.attachment_id), "{link}");

    let refused = s.agent.conversations().export_visitor_data(export_request(&s.visitor_id)).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    let (stranger, _) = sign_up(&server, "stranger@example.com", "Elsewhere").await;
    let hidden = stranger.conversations().export_visitor_data(export_request(&s.visitor_id)).await.unwrap_err();
    assert_eq!(hidden.code(), Code::NotFound);
    let empty = s.owner.conversations().export_visitor_data(export_request(" ")).await.unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
    server.stop().await;
}
on_both_backends!(export_holds_everything_about_a_visitor);

/// Erasing removes the visitor, their conversations, messages and files, and what the
/// event log said about them; open feeds hear of it; their browser starts anew.
async fn erasing_a_visitor_leaves_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = scene(&server).await;
    let mut feed =
        s.owner.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    feed.next().await.unwrap().unwrap();

    let refused = s
        .agent
        .conversations()
        .erase_visitor(pb::EraseVisitorRequest { visitor_id: s.visitor_id.clone() })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    let erased = s
        .owner
        .conversations()
        .erase_visitor(pb::EraseVisitorRequest { visitor_id: s.visitor_id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(erased.conversations, 1);

    let news = async {
        while let Some(item) = feed.next().await {
            if let Some(pb::watch_workspace_response::Event::VisitorErased(e)) = item.unwrap().event {
                return e;
            }
        }
        panic!("the feed ended");
    };
    let news = tokio::time::timeout(std::time::Duration::from_secs(5), news).await.expect("no visitor_erased");
    assert_eq!(
        (news.visitor_id.as_str(), news.conversation_ids.clone()),
        (s.visitor_id.as_str(), vec![s.conversation_id.clone()])
    );

    let gone = s
        .owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: s.conversation_id.clone() })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    let again = s.owner.conversations().export_visitor_data(export_request(&s.visitor_id)).await.unwrap_err();
    assert_eq!(again.code(), Code::NotFound);
    let path = porthole_server::attachments::path(
        &server.data_dir,
        &WorkspaceId::parse(&s.workspace_id).unwrap(),
        &s.attachment_id,
    );
    assert!(!path.exists(), "the visitor's file is still on disk");

    // Replaying the whole log shows nothing of them.
    let mut replay = s
        .owner
        .conversations()
        .watch_workspace(pb::WatchWorkspaceRequest { cursor: "0".into() })
        .await
        .unwrap()
        .into_inner();
    let mut seen = String::new();
    while let Ok(Some(item)) = tokio::time::timeout(std::time::Duration::from_millis(500), replay.next()).await {
        seen.push_str(&format!("{:?}", item.unwrap()));
    }
    assert!(!seen.contains("secret order") && !seen.contains("VIP") && !seen.contains("Vera"), "{seen}");
    assert!(seen.contains("VisitorErased"), "{seen}");

    // Their browser's token no longer names anyone: a new session is a new visitor.
    let old_token = s.visitor_token.clone();
    let widget = s.owner.widgets().list_widgets(pb::ListWidgetsRequest {}).await.unwrap().into_inner().widgets;
    let (_, new_id) = common::start_session(
        &server,
        pb::StartSessionRequest {
            widget_token: widget[0].public_token.clone(),
            visitor_token: old_token,
            ..Default::default()
        },
    )
    .await;
    assert_ne!(new_id, s.visitor_id);
    server.stop().await;
}
on_both_backends!(erasing_a_visitor_leaves_nothing);

/// Administrative actions land in the audit log, newest first, readable by owners only,
/// page by page.
async fn administrative_actions_are_audited(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = scene(&server).await;
    let widget =
        s.owner.widgets().list_widgets(pb::ListWidgetsRequest {}).await.unwrap().into_inner().widgets.remove(0);
    s.owner.widgets().get_identity_secret(pb::GetIdentitySecretRequest { widget_id: widget.id.clone() }).await.unwrap();
    s.owner.conversations().export_visitor_data(export_request(&s.visitor_id)).await.unwrap();
    s.owner.conversations().erase_visitor(pb::EraseVisitorRequest { visitor_id: s.visitor_id.clone() }).await.unwrap();

    let mut actions = Vec::new();
    let mut token = String::new();
    loop {
        let page = s
            .owner
            .workspace()
            .list_audit_log(pb::ListAuditLogRequest { page_size: 2, page_token: token.clone() })
            .await
            .unwrap()
            .into_inner();
        assert!(page.entries.len() <= 2);
        actions.extend(page.entries.iter().map(|e| (e.action.clone(), e.target_id.clone(), e.actor_name.clone())));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let names: Vec<&str> = actions.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        names,
        ["visitor.erased", "visitor.exported", "widget.identity_secret_viewed", "widget.created", "invite.created"],
        "{actions:?}"
    );
    assert_eq!(actions[0].1, s.visitor_id);
    assert_eq!(actions[0].2, "Owner of Privacy Co");
    let refused = s.agent.workspace().list_audit_log(pb::ListAuditLogRequest::default()).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    let bad = s
        .owner
        .workspace()
        .list_audit_log(pb::ListAuditLogRequest { page_size: 0, page_token: "nonsense".into() })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    server.stop().await;
}
on_both_backends!(administrative_actions_are_audited);
