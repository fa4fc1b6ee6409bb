//! Teams through the real client, on both backends: a widget's team gets its
//! conversations (and nobody else does), moving a conversation between teams re-routes it,
//! the inbox filters by team, deleting a team or a member keeps routing sane, and the input
//! rules, roles and workspace boundaries hold.

use std::time::Duration;

use crate::common::{self, Backend, TestServer, join, open_conversation, sign_up, start_visitor, violated_fields};
use porthole_client::{Porthole, pb};
use tonic::Code;

async fn workload(owner: &Porthole) -> pb::GetWorkloadResponse {
    owner.workspace().get_workload(pb::GetWorkloadRequest {}).await.unwrap().into_inner()
}

async fn wait_online(owner: &Porthole, n: usize) {
    for _ in 0..150 {
        if workload(owner).await.members.iter().filter(|m| m.presence() == pb::AgentStatus::Online).count() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("members never came online");
}

async fn conversation(owner: &Porthole, id: &str) -> pb::Conversation {
    owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: id.into() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap()
}

async fn listed(owner: &Porthole, team_id: &str) -> Result<Vec<String>, tonic::Status> {
    let request = pb::ListConversationsRequest { team_id: team_id.into(), ..Default::default() };
    let response = owner.conversations().list_conversations(request).await?.into_inner();
    let mut ids: Vec<String> = response.conversations.into_iter().map(|c| c.id).collect();
    ids.sort();
    Ok(ids)
}

async fn teams_route_to_their_members(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "teams@example.com", "Teams Co").await;
    let (sales_agent, sales_id) = join(&server, &owner, "sales@example.com", pb::Role::Agent).await;
    let (support_agent, support_id) = join(&server, &owner, "support@example.com", pb::Role::Agent).await;
    let _feeds = [
        sales_agent.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap(),
        support_agent.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap(),
    ];
    wait_online(&owner, 2).await;

    let sales = owner
        .teams()
        .create_team(pb::CreateTeamRequest { name: " Sales ".into(), member_user_ids: vec![sales_id.clone()] })
        .await
        .unwrap()
        .into_inner()
        .team
        .unwrap();
    assert_eq!((sales.name.as_str(), sales.member_user_ids.as_slice()), ("Sales", [sales_id.clone()].as_slice()));
    assert!(sales.id.starts_with("tem_"));
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Pricing page".into(),
            settings: Some(pb::WidgetSettings { team_id: sales.id.clone(), ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    assert_eq!(widget.settings.unwrap().team_id, sales.id);

    // Three conversations from the Sales widget: all to the Sales agent, though the other
    // agent is online with nothing to do.
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (visitor, _) = start_visitor(&server, &widget.public_token).await;
        let c = open_conversation(&visitor).await;
        ids.push(c.id.clone());
        let c = conversation(&owner, &c.id).await;
        assert_eq!((c.assignee_user_id.as_str(), c.team_id.as_str()), (sales_id.as_str(), sales.id.as_str()));
    }
    ids.sort();
    assert_eq!(listed(&owner, &sales.id).await.unwrap(), ids, "the inbox filters by team");
    let unknown = listed(&owner, "tem_doesnotexist").await.unwrap_err();
    assert_eq!(violated_fields(&unknown), ["team_id"]);

    // Sent to everyone: unassigned, then routed to the least loaded agent (support).
    let moved = owner
        .conversations()
        .set_conversation_team(pb::SetConversationTeamRequest {
            conversation_id: ids[0].clone(),
            team_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!(moved.team_id, "");
    assert_eq!(conversation(&owner, &ids[0]).await.assignee_user_id, support_id);
    let messages = owner
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: ids[0].clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert!(messages.iter().any(|m| m.body == "Sent to everyone on the team by Owner of Teams Co"), "{messages:?}");

    // The Sales agent leaves the team: Sales conversations now wait, in Sales' own line.
    owner
        .teams()
        .update_team(pb::UpdateTeamRequest {
            team_id: sales.id.clone(),
            name: None,
            replace_members: true,
            member_user_ids: vec![],
        })
        .await
        .unwrap();
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let waiting = open_conversation(&visitor).await;
    assert_eq!(waiting.queue_position, 1, "first in the Sales line");
    assert_eq!(conversation(&owner, &waiting.id).await.assignee_user_id, "");
    // Support joins Sales: the waiting conversation goes to them at once.
    owner
        .teams()
        .update_team(pb::UpdateTeamRequest {
            team_id: sales.id.clone(),
            name: Some("Sales EU".into()),
            replace_members: true,
            member_user_ids: vec![support_id.clone()],
        })
        .await
        .unwrap();
    assert_eq!(conversation(&owner, &waiting.id).await.assignee_user_id, support_id);

    // Deleting the team: its conversations belong to everyone, the widget routes to all.
    owner.teams().delete_team(pb::DeleteTeamRequest { team_id: sales.id.clone() }).await.unwrap();
    assert_eq!(conversation(&owner, &ids[1]).await.team_id, "");
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let after = open_conversation(&visitor).await;
    let after = conversation(&owner, &after.id).await;
    assert!(after.team_id.is_empty() && !after.assignee_user_id.is_empty());
    server.stop().await;
}
crate::on_both_backends!(teams_route_to_their_members);

async fn team_rules_roles_and_workspaces(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "team-rules@example.com", "Rules Co").await;
    let (agent, agent_id) = join(&server, &owner, "agent@example.com", pb::Role::Agent).await;
    let (stranger, stranger_session) = sign_up(&server, "stranger@example.com", "Stranger Co").await;
    let stranger_id = stranger_session.user.unwrap().id;
    let create =
        |name: &str, members: Vec<String>| pb::CreateTeamRequest { name: name.into(), member_user_ids: members };

    let bad = owner.teams().create_team(create("", vec!["nope".into()])).await.unwrap_err();
    assert_eq!(violated_fields(&bad), ["name", "member_user_ids[0]"]);
    let bad = owner.teams().create_team(create("Support", vec![agent_id.clone(), stranger_id])).await.unwrap_err();
    assert_eq!(violated_fields(&bad), ["member_user_ids[1]"], "members of another workspace are refused");
    let support = owner.teams().create_team(create("Support", vec![agent_id.clone()])).await.unwrap();
    let support = support.into_inner().team.unwrap();
    let taken = owner.teams().create_team(create("Support", vec![])).await.unwrap_err();
    assert_eq!(violated_fields(&taken), ["name"]);
    let denied = agent.teams().create_team(create("Agents", vec![])).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert_eq!(agent.teams().list_teams(pb::ListTeamsRequest {}).await.unwrap().into_inner().teams.len(), 1);

    // Another workspace cannot see, use or change the team.
    assert!(stranger.teams().list_teams(pb::ListTeamsRequest {}).await.unwrap().into_inner().teams.is_empty());
    let foreign = stranger
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "x".into(),
            settings: Some(pb::WidgetSettings { team_id: support.id.clone(), ..Default::default() }),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&foreign), ["settings.team_id"]);
    let foreign =
        stranger.teams().delete_team(pb::DeleteTeamRequest { team_id: support.id.clone() }).await.unwrap_err();
    assert_eq!(foreign.code(), Code::NotFound);
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let c = open_conversation(&visitor).await;
    let stranger_team =
        stranger.teams().create_team(create("Theirs", vec![])).await.unwrap().into_inner().team.unwrap();
    let missing = owner
        .conversations()
        .set_conversation_team(pb::SetConversationTeamRequest {
            conversation_id: c.id.clone(),
            team_id: stranger_team.id,
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    // A member removed from the workspace leaves its teams.
    owner.workspace().remove_member(pb::RemoveMemberRequest { user_id: agent_id }).await.unwrap();
    let teams = owner.teams().list_teams(pb::ListTeamsRequest {}).await.unwrap().into_inner().teams;
    assert!(teams[0].member_user_ids.is_empty());
    server.stop().await;
}
crate::on_both_backends!(team_rules_roles_and_workspaces);
