//! Routing through the real client: 200 conversations arriving at once reach 5 agents of
//! capacity 10 without overload, the rest queue in arrival order, freed capacity pulls the
//! oldest, and a disconnected agent goes offline after the grace period — on SQLite, on
//! PostgreSQL, and across two replicas sharing PostgreSQL and Redis. Also manual and round
//! robin modes, hybrid hand-over, unassign on offline, and transfers with their notice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::{Backend, TestServer, sign_up};
use porthole_client::{Porthole, pb};
use tokio_stream::StreamExt as _;

const AGENTS: usize = 5;
const CAPACITY: i32 = 10;
const CONVERSATIONS: usize = 200;

/// An owner plus invited agents, each with capacity 10 and an open dashboard feed.
struct Team {
    owner: Porthole,
    agents: Vec<(Porthole, String, tonic::Streaming<pb::WatchWorkspaceResponse>)>,
    widget_token: String,
}

async fn team(server: &TestServer, email: &str) -> Team {
    let (owner, session) = sign_up(server, email, "Routing Co").await;
    let widget = common::create_widget(&owner, "Site").await;
    let mut members = vec![(owner.clone(), session.user.unwrap().id)];
    for i in 1..AGENTS {
        let invite = owner
            .workspace()
            .create_invite(pb::CreateInviteRequest { email: format!("agent{i}-{email}"), role: pb::Role::Agent.into() })
            .await
            .unwrap()
            .into_inner();
        let agent = server.new_client();
        let s = agent
            .auth()
            .accept_invite(pb::AcceptInviteRequest {
                invite_token: invite.invite_token,
                password: "agent password".into(),
                display_name: format!("Agent {i}"),
            })
            .await
            .unwrap()
            .into_inner()
            .session
            .unwrap();
        agent.set_token(Some(s.access_token));
        members.push((agent, s.user.unwrap().id));
    }
    let mut agents = Vec::new();
    for (client, user_id) in members {
        owner
            .workspace()
            .update_member(pb::UpdateMemberRequest {
                user_id: user_id.clone(),
                role: 0,
                max_concurrent_chats: Some(CAPACITY),
            })
            .await
            .unwrap();
        let feed =
            client.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
        agents.push((client, user_id, feed));
    }
    // Every dashboard is connected once the workload shows them online.
    wait_for(&owner, |w| w.members.iter().filter(|m| m.presence() == pb::AgentStatus::Online).count() == AGENTS).await;
    Team { owner, agents, widget_token: widget.public_token }
}

async fn workload(owner: &Porthole) -> pb::GetWorkloadResponse {
    owner.workspace().get_workload(pb::GetWorkloadRequest {}).await.unwrap().into_inner()
}

async fn wait_for(owner: &Porthole, done: impl Fn(&pb::GetWorkloadResponse) -> bool) -> pb::GetWorkloadResponse {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let w = workload(owner).await;
        if done(&w) {
            return w;
        }
        assert!(tokio::time::Instant::now() < deadline, "workload never reached the expected state: {w:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts a visitor and a conversation on `server`; returns the conversation id.
async fn visitor_conversation(server: &TestServer, widget_token: String) -> String {
    TestServerHandle { url: server.url.clone() }.conversation(widget_token).await
}

/// Creates conversations concurrently, alternating between the given servers.
async fn arrive(servers: &[&TestServer], widget_token: &str) {
    let mut tasks = Vec::new();
    for i in 0..CONVERSATIONS {
        let server = servers[i % servers.len()];
        let client_server = TestServerHandle { url: server.url.clone() };
        let token = widget_token.to_owned();
        tasks.push(tokio::spawn(async move { client_server.conversation(token).await }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// What a spawned task needs of a server (the server itself stays with the test).
struct TestServerHandle {
    url: String,
}

impl TestServerHandle {
    async fn conversation(&self, widget_token: String) -> String {
        let visitor = Porthole::connect(self.url.clone()).await.unwrap();
        let session = visitor
            .visitor()
            .start_session(pb::StartSessionRequest { widget_token, ..Default::default() })
            .await
            .unwrap()
            .into_inner();
        visitor.set_token(Some(session.visitor_token));
        common::open_conversation(&visitor).await.id
    }
}

/// The queued conversations, oldest first, checked to be numbered 1, 2, 3, … in arrival order.
async fn check_queue(owner: &Porthole, expected: usize) -> Vec<pb::Conversation> {
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let page = owner
            .conversations()
            .list_conversations(pb::ListConversationsRequest {
                assignee: pb::AssigneeFilter::Unassigned.into(),
                page_size: 200,
                page_token: token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        all.extend(page.conversations);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut queued: Vec<_> = all.into_iter().filter(|c| c.queue_position > 0).collect();
    assert_eq!(queued.len(), expected, "queued conversations");
    queued.sort_by_key(|c| c.queue_position);
    assert_eq!(
        queued.iter().map(|c| c.queue_position as usize).collect::<Vec<_>>(),
        (1..=expected).collect::<Vec<_>>()
    );
    let times: Vec<_> = queued.iter().map(|c| c.queue_time.unwrap()).map(|t| (t.seconds, t.nanos)).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "queue positions follow arrival order");
    assert!(queued.iter().all(|c| c.status() == pb::ConversationStatus::Pending && c.assignee_user_id.is_empty()));
    queued
}

async fn assignment_under_load(servers: &[&TestServer], team: &mut Team) {
    arrive(servers, &team.widget_token).await;
    let w = workload(&team.owner).await;
    let loads: Vec<i32> = w.members.iter().map(|m| m.current_load).collect();
    assert_eq!(loads, vec![CAPACITY; AGENTS], "every agent full, nobody over capacity");
    assert_eq!(w.queue_length as usize, CONVERSATIONS - AGENTS * CAPACITY as usize);
    let queued = check_queue(&team.owner, CONVERSATIONS - AGENTS * CAPACITY as usize).await;

    // An agent resolving one pulls the oldest queued conversation.
    let (agent, agent_id, feed) = &mut team.agents[1];
    let mine = agent
        .conversations()
        .list_conversations(pb::ListConversationsRequest {
            assignee: pb::AssigneeFilter::Mine.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .conversations;
    assert_eq!(mine.len(), CAPACITY as usize);
    agent
        .conversations()
        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: mine[0].id.clone() })
        .await
        .unwrap();
    let pulled = agent
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: queued[0].id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!(
        (pulled.assignee_user_id.as_str(), pulled.status()),
        (agent_id.as_str(), pb::ConversationStatus::Active)
    );
    // The agent's feed carries a distinct notice for it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let item =
            tokio::time::timeout_at(deadline, feed.next()).await.expect("no assignment notice").unwrap().unwrap();
        if let Some(pb::watch_workspace_response::Event::AssignedToYou(n)) = item.event
            && n.conversation.as_ref().unwrap().id == queued[0].id
        {
            break;
        }
    }
    check_queue(&team.owner, CONVERSATIONS - AGENTS * CAPACITY as usize - 1).await;
}

async fn routing_on_one_node(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.agent_grace = Duration::from_secs(2)).await;
    let mut team = team(&server, "route@example.com").await;
    assignment_under_load(&[&server], &mut team).await;

    // An agent whose dashboard disconnects goes offline after the grace period.
    let (_, gone_id, feed) = team.agents.pop().unwrap();
    drop(feed);
    let w = wait_for(&team.owner, |w| {
        w.members.iter().any(|m| m.user_id == gone_id && m.presence() == pb::AgentStatus::Offline)
    })
    .await;
    assert_eq!(w.members.iter().filter(|m| m.presence() == pb::AgentStatus::Online).count(), AGENTS - 1);

    // Away agents keep their conversations but get no new ones.
    let (away, away_id, _) = &team.agents[0];
    away.workspace().set_my_status(pb::SetMyStatusRequest { status: pb::AgentStatus::Away.into() }).await.unwrap();
    let w = workload(&team.owner).await;
    let member = w.members.iter().find(|m| &m.user_id == away_id).unwrap();
    assert_eq!((member.status(), member.current_load), (pb::AgentStatus::Away, CAPACITY));
    server.stop().await;
}

mod one_node {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::routing_on_one_node(super::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::routing_on_one_node(super::Backend::Postgres).await;
    }
}

/// Conversations arriving on two replicas at once are assigned as on one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_across_two_replicas() {
    let (a, b) = common::replica_pair(common::test_redis_url()).await;
    let mut team = team(&a, "replicas-route@example.com").await;
    assignment_under_load(&[&a, &b], &mut team).await;
    drop(team);
    b.stop().await;
    a.stop().await;
}

/// Manual mode queues everything; switching to round robin hands the queue out in turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_mode_then_round_robin() {
    let server = TestServer::start(Backend::Sqlite).await;
    let team = team(&server, "manual@example.com").await;
    team.owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest {
            routing_mode: Some(pb::RoutingMode::Manual.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    for _ in 0..7 {
        visitor_conversation(&server, team.widget_token.clone()).await;
    }
    let w = workload(&team.owner).await;
    assert_eq!(w.queue_length, 7);
    assert!(w.oldest_queue_time.is_some());
    assert!(w.members.iter().all(|m| m.current_load == 0));
    let updated = team
        .owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest {
            routing_mode: Some(pb::RoutingMode::RoundRobin.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .workspace
        .unwrap();
    assert_eq!(updated.routing_mode(), pb::RoutingMode::RoundRobin);
    let w = workload(&team.owner).await;
    assert_eq!(w.queue_length, 0);
    let mut loads: Vec<i32> = w.members.iter().map(|m| m.current_load).collect();
    loads.sort_unstable();
    assert_eq!(loads, vec![1, 1, 1, 2, 2], "handed out in turn");
    server.stop().await;
}

/// Hybrid widgets: the bot answers while no agent is available; the visitor's request for a
/// human queues the conversation for agents. An agent going offline hands conversations back
/// when the workspace says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hybrid_hand_over_and_unassign_on_offline() {
    let model = crate::model::Model::start().await;
    let server = TestServer::start_with(Backend::Sqlite, |c| c.llm = Some(model.settings())).await;
    let (owner, session) = sign_up(&server, "hybrid@example.com", "Hybrid").await;
    let owner_id = session.user.unwrap().id;
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Bot first".into(),
            settings: Some(pb::WidgetSettings { handler_type: pb::HandlerType::Hybrid.into(), ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let visitor = server.new_client();
    let token = visitor
        .visitor()
        .start_session(pb::StartSessionRequest { widget_token: widget.public_token.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .visitor_token;
    visitor.set_token(Some(token));
    let config = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .config
        .unwrap();
    assert!(config.online, "the bot answers when no human can");
    let with_bot = common::open_conversation(&visitor).await;
    assert!(with_bot.with_bot && with_bot.queue_position == 0);

    // An agent arrives; the visitor asks for a human and gets them.
    let _feed = owner.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    wait_for(&owner, |w| w.members[0].presence() == pb::AgentStatus::Online).await;
    let human = visitor
        .visitor()
        .request_human(pb::RequestHumanRequest { conversation_id: with_bot.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert!(!human.with_bot);
    assert_eq!((human.status(), human.agent_name.as_str()), (pb::ConversationStatus::Active, "Owner of Hybrid"));

    // Going offline hands the conversation back to the queue when the workspace says so.
    owner
        .workspace()
        .update_workspace(pb::UpdateWorkspaceRequest { unassign_on_offline: Some(true), ..Default::default() })
        .await
        .unwrap();
    owner.workspace().set_my_status(pb::SetMyStatusRequest { status: pb::AgentStatus::Offline.into() }).await.unwrap();
    let back = owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: with_bot.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!((back.assignee_user_id.as_str(), back.queue_position), ("", 1));
    let w = workload(&owner).await;
    assert_eq!((w.queue_length, w.members[0].status()), (1, pb::AgentStatus::Offline));
    // Online again: the queue comes back to them.
    owner.workspace().set_my_status(pb::SetMyStatusRequest { status: pb::AgentStatus::Online.into() }).await.unwrap();
    let w = workload(&owner).await;
    assert_eq!((w.queue_length, w.members[0].current_load, w.members[0].user_id.as_str()), (0, 1, owner_id.as_str()));
    let bad = owner.workspace().set_my_status(pb::SetMyStatusRequest { status: 0 }).await.unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    server.stop().await;
}

/// Reads `feed` until `stop` matches an item, returning everything read before it.
async fn read_until(
    feed: &mut tonic::Streaming<pb::WatchWorkspaceResponse>,
    stop: impl Fn(&pb::watch_workspace_response::Event) -> bool,
) -> Vec<pb::watch_workspace_response::Event> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let item = tokio::time::timeout_at(deadline, feed.next()).await.expect("feed went quiet").unwrap().unwrap();
        let Some(event) = item.event else { continue };
        if stop(&event) {
            return seen;
        }
        seen.push(event);
    }
}

/// A transfer moves the load from one agent to another, gives the new assignee a notice
/// marked as a transfer, and gives the previous one none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_between_agents() {
    use pb::watch_workspace_response::Event;
    let server = TestServer::start(Backend::Sqlite).await;
    let mut team = team(&server, "transfer@example.com").await;
    let conversation_id = visitor_conversation(&server, team.widget_token.clone()).await;
    let first = team
        .owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: conversation_id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap()
        .assignee_user_id;
    let from = team.agents.iter().position(|(_, id, _)| *id == first).expect("assigned to a team member");
    let to = (from + 1) % AGENTS;
    let to_id = team.agents[to].1.clone();

    // The first assignee's feed has its (non-transfer) notice.
    read_until(&mut team.agents[from].2, |e| {
        matches!(e, Event::AssignedToYou(n) if n.conversation.as_ref().unwrap().id == conversation_id && !n.transfer)
    })
    .await;

    team.owner
        .conversations()
        .assign_conversation(pb::AssignConversationRequest {
            conversation_id: conversation_id.clone(),
            assignee_user_id: to_id.clone(),
        })
        .await
        .unwrap();
    read_until(&mut team.agents[to].2, |e| {
        matches!(e, Event::AssignedToYou(n) if n.conversation.as_ref().unwrap().id == conversation_id && n.transfer)
    })
    .await;
    let w = workload(&team.owner).await;
    let load = |id: &str| w.members.iter().find(|m| m.user_id == id).unwrap().current_load;
    assert_eq!((load(&first), load(&to_id)), (0, 1));

    // A later change marks the end of what the transfer produced: the previous assignee's
    // feed shows the conversation moving, and no notice.
    team.owner
        .conversations()
        .set_conversation_priority(pb::SetConversationPriorityRequest {
            conversation_id: conversation_id.clone(),
            priority: pb::Priority::High.into(),
        })
        .await
        .unwrap();
    let before = read_until(
        &mut team.agents[from].2,
        |e| matches!(e, Event::ConversationUpdated(c) if c.id == conversation_id && c.priority() == pb::Priority::High),
    )
    .await;
    assert!(before.iter().any(|e| matches!(e, Event::ConversationUpdated(c) if c.assignee_user_id == to_id)));
    assert!(!before.iter().any(|e| matches!(e, Event::AssignedToYou(_))), "no notice for the previous assignee");

    // Someone outside the workspace cannot be given it.
    let refused = team
        .owner
        .conversations()
        .assign_conversation(pb::AssignConversationRequest {
            conversation_id: conversation_id.clone(),
            assignee_user_id: "usr_nobody".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::NotFound);
    server.stop().await;
}

/// A state-machine refusal caused by another writer changing the conversation first (a
/// visitor's message reopens what an agent just resolved): expected under this load.
fn refused_by_a_concurrent_change(status: tonic::Status) -> Result<(), tonic::Status> {
    match status.code() {
        tonic::Code::FailedPrecondition => Ok(()),
        _ => Err(status),
    }
}

/// One lock order for presence, routing and sends: visitors writing into queued and
/// assigned conversations, agents reconnecting, changing status, replying, resolving and
/// reopening, and the owner changing capacities, all at once. On PostgreSQL a send used to
/// hold its conversation row while waiting for the workspace row that routing held while
/// waiting for that conversation ("deadlock detected", answered as INTERNAL).
async fn mixed_writers_never_deadlock(backend: Backend) {
    const VISITORS: usize = 15;
    const ROUNDS: usize = 12;
    let server = TestServer::start(backend).await;
    let team = team(&server, "locks@example.com").await;
    for (_, user_id, _) in &team.agents {
        team.owner
            .workspace()
            .update_member(pb::UpdateMemberRequest { user_id: user_id.clone(), role: 0, max_concurrent_chats: Some(1) })
            .await
            .unwrap();
    }
    // Five conversations assigned, the rest queued.
    let mut visitors = Vec::new();
    for _ in 0..VISITORS {
        let visitor = Porthole::connect(server.url.clone()).await.unwrap();
        let session = visitor
            .visitor()
            .start_session(pb::StartSessionRequest { widget_token: team.widget_token.clone(), ..Default::default() })
            .await
            .unwrap()
            .into_inner();
        visitor.set_token(Some(session.visitor_token));
        let id = common::open_conversation(&visitor).await.id;
        visitors.push((visitor, id));
    }
    assert!(workload(&team.owner).await.queue_length > 0, "some conversations wait in the queue");

    let mut tasks = tokio::task::JoinSet::new();
    for (v, (visitor, id)) in visitors.into_iter().enumerate() {
        tasks.spawn(async move {
            for round in 0..ROUNDS {
                let send = pb::SendMessageRequest {
                    conversation_id: id.clone(),
                    body: format!("visitor {v} round {round}"),
                    client_key: format!("v{v}-r{round}"),
                    attachment_ids: vec![],
                };
                visitor.visitor().send_message(send).await.map_err(|e| format!("visitor send: {e:?}"))?;
                visitor
                    .visitor()
                    .heartbeat(pb::HeartbeatRequest::default())
                    .await
                    .map_err(|e| format!("heartbeat: {e:?}"))?;
            }
            Ok::<_, String>(())
        });
    }
    let agents: Vec<(Porthole, String)> = team.agents.into_iter().map(|(client, id, _feed)| (client, id)).collect();
    for (a, (agent, _)) in agents.iter().cloned().enumerate() {
        tasks.spawn(async move {
            for round in 0..ROUNDS {
                // A dashboard reconnecting announces presence and may route.
                let feed = agent
                    .conversations()
                    .watch_workspace(pb::WatchWorkspaceRequest::default())
                    .await
                    .map_err(|e| format!("watch: {e:?}"))?;
                let status = if round % 2 == 0 { pb::AgentStatus::Away } else { pb::AgentStatus::Online };
                agent
                    .workspace()
                    .set_my_status(pb::SetMyStatusRequest { status: status.into() })
                    .await
                    .map_err(|e| format!("status: {e:?}"))?;
                let mine = agent
                    .conversations()
                    .list_conversations(pb::ListConversationsRequest {
                        assignee: pb::AssigneeFilter::Mine.into(),
                        ..Default::default()
                    })
                    .await
                    .map_err(|e| format!("list: {e:?}"))?
                    .into_inner()
                    .conversations;
                for conversation in mine.iter().take(2) {
                    let reply = pb::SendConversationMessageRequest {
                        conversation_id: conversation.id.clone(),
                        body: format!("agent {a} round {round}"),
                        client_key: format!("a{a}-r{round}-{}", conversation.id),
                        ..Default::default()
                    };
                    agent
                        .conversations()
                        .send_conversation_message(reply)
                        .await
                        .map_err(|e| format!("reply: {e:?}"))?;
                    let id = conversation.id.clone();
                    // Resolving frees capacity (routing pulls the queue); reopening takes it back.
                    agent
                        .conversations()
                        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: id.clone() })
                        .await
                        .map(drop)
                        .or_else(refused_by_a_concurrent_change)
                        .map_err(|e| format!("resolve: {e:?}"))?;
                    agent
                        .conversations()
                        .reopen_conversation(pb::ReopenConversationRequest { conversation_id: id })
                        .await
                        .map(drop)
                        .or_else(refused_by_a_concurrent_change)
                        .map_err(|e| format!("reopen: {e:?}"))?;
                }
                drop(feed);
            }
            Ok(())
        });
    }
    let owner = team.owner.clone();
    tasks.spawn(async move {
        for round in 0..ROUNDS {
            for (_, user_id) in &agents {
                let capacity = 1 + (round % 2) as i32;
                let change =
                    pb::UpdateMemberRequest { user_id: user_id.clone(), role: 0, max_concurrent_chats: Some(capacity) };
                owner.workspace().update_member(change).await.map_err(|e| format!("capacity: {e:?}"))?;
            }
        }
        Ok(())
    });
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(failure) = done.unwrap() {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "calls failed under concurrent writers: {failures:#?}");
    server.stop().await;
}
on_both_backends!(mixed_writers_never_deadlock);
