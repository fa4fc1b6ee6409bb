//! Real-time chat through the real client: visitor ↔ agent round trip, resumable feeds,
//! idempotent sends, isolation, search, identity, attachments — on SQLite and PostgreSQL,
//! and across two server processes sharing PostgreSQL and Redis.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use porthole_server::domain::id::{ConversationId, MessageId, VisitorId, WorkspaceId};

use std::time::Duration;

use common::{Backend, TestServer, agent_says, sign_up, visitor_says};
use porthole_client::{Porthole, pb};
use tokio_stream::StreamExt as _;
use tonic::Code;

type AgentFeed = tonic::Streaming<pb::WatchWorkspaceResponse>;
type VisitorFeed = tonic::Streaming<pb::WatchVisitorFeedResponse>;
use pb::watch_visitor_feed_response::Event as VisitorEvent;
use pb::watch_workspace_response::Event as AgentEvent;

const WAIT: Duration = Duration::from_secs(10);

/// A workspace with one widget, its owner's client, and a visitor session on it.
struct Setup {
    agent: Porthole,
    agent_id: String,
    widget: pb::Widget,
    visitor: Porthole,
    visitor_id: String,
}

async fn setup(server: &TestServer, email: &str) -> Setup {
    let (agent, session) = sign_up(server, email, "Chat Co").await;
    let widget = common::create_widget(&agent, "Site").await;
    let (visitor, visitor_id) = start_visitor(server, &widget.public_token).await;
    Setup { agent, agent_id: session.user.unwrap().id, widget, visitor, visitor_id }
}

async fn start_visitor(server: &TestServer, widget_token: &str) -> (Porthole, String) {
    let request = pb::StartSessionRequest {
        widget_token: widget_token.into(),
        language: "de-DE".into(),
        time_zone: "Europe/Berlin".into(),
        ..Default::default()
    };
    common::start_session(server, request).await
}

async fn start_conversation(visitor: &Porthole) -> pb::VisitorConversation {
    visitor
        .visitor()
        .start_conversation(pb::StartConversationRequest {
            source_url: "https://shop.example/pricing".into(),
            source_title: "Pricing".into(),
            start_new: false,
            proactive_rule_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap()
}

async fn agent_feed(agent: &Porthole, cursor: &str) -> AgentFeed {
    let mut feed = agent
        .conversations()
        .watch_workspace(pb::WatchWorkspaceRequest { cursor: cursor.into() })
        .await
        .unwrap()
        .into_inner();
    // The first response is a heartbeat carrying the starting cursor.
    let first = next_agent(&mut feed).await;
    assert!(matches!(first.event, Some(AgentEvent::Heartbeat(_))), "{first:?}");
    feed
}

async fn visitor_feed(visitor: &Porthole, cursor: &str) -> VisitorFeed {
    let mut feed = visitor
        .visitor()
        .watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: cursor.into() })
        .await
        .unwrap()
        .into_inner();
    let first = next_visitor(&mut feed).await;
    assert!(matches!(first.event, Some(VisitorEvent::Heartbeat(_))), "{first:?}");
    feed
}

async fn next_agent(feed: &mut AgentFeed) -> pb::WatchWorkspaceResponse {
    tokio::time::timeout(WAIT, feed.next()).await.expect("agent feed timed out").expect("agent feed ended").unwrap()
}

async fn next_visitor(feed: &mut VisitorFeed) -> pb::WatchVisitorFeedResponse {
    tokio::time::timeout(WAIT, feed.next()).await.expect("visitor feed timed out").expect("visitor feed ended").unwrap()
}

/// The next agent event that is not a heartbeat, presence or assignment notice (the
/// routing tests look at those).
async fn agent_event(feed: &mut AgentFeed) -> AgentEvent {
    loop {
        match next_agent(feed).await.event {
            Some(AgentEvent::Heartbeat(_) | AgentEvent::MemberUpdated(_) | AgentEvent::AssignedToYou(_)) | None => {
                continue;
            }
            Some(event) => return event,
        }
    }
}

async fn visitor_event(feed: &mut VisitorFeed) -> VisitorEvent {
    loop {
        match next_visitor(feed).await.event {
            Some(VisitorEvent::Heartbeat(_)) | None => continue,
            Some(event) => return event,
        }
    }
}

/// A conversation the visitor started while the owner's feed was open (so it is routed to
/// them at once), with both feeds past the events of its start.
struct Chat {
    server: TestServer,
    s: Setup,
    conversation: pb::VisitorConversation,
    agents: AgentFeed,
    visitor_events: VisitorFeed,
}

async fn chat_started(backend: Backend, email: &str) -> Chat {
    let server = TestServer::start(backend).await;
    let s = setup(&server, email).await;
    let mut agents = agent_feed(&s.agent, "").await;
    let mut visitor_events = visitor_feed(&s.visitor, "").await;
    s.visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest { name: Some("Vera".into()), ..Default::default() })
        .await
        .unwrap();
    let conversation = start_conversation(&s.visitor).await;
    while !matches!(agent_event(&mut agents).await, AgentEvent::ConversationUpdated(c) if c.assignee_user_id == s.agent_id)
    {
    }
    while !matches!(visitor_event(&mut visitor_events).await, VisitorEvent::ConversationUpdated(c) if !c.agent_name.is_empty())
    {
    }
    Chat { server, s, conversation, agents, visitor_events }
}

async fn a_new_conversation_is_routed_and_announced(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "rt@example.com").await;
    let mut agents = agent_feed(&s.agent, "").await;
    let mut visitor_events = visitor_feed(&s.visitor, "").await;

    s.visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest {
            name: Some("Vera".into()),
            email: Some("Vera@Example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    // The owner's dashboard feed is open, so routing assigns the conversation at once.
    let conversation = start_conversation(&s.visitor).await;
    assert_eq!(conversation.status(), pb::ConversationStatus::Active);
    assert_eq!(conversation.agent_name, "Owner of Chat Co");
    let again =
        s.visitor.visitor().start_conversation(pb::StartConversationRequest::default()).await.unwrap().into_inner();
    assert!(again.resumed, "the open conversation is continued");
    assert_eq!(again.conversation.unwrap().id, conversation.id);

    // Agents see the visitor change and the new conversation.
    loop {
        match agent_event(&mut agents).await {
            AgentEvent::ConversationCreated(c) => {
                assert_eq!(
                    (c.id.as_str(), c.visitor_name.as_str(), c.visitor_email.as_str()),
                    (conversation.id.as_str(), "Vera", "vera@example.com")
                );
                break;
            }
            AgentEvent::VisitorChanged(v) => assert_eq!(v.id, s.visitor_id),
            other => panic!("unexpected {other:?}"),
        }
    }
    // The transcript says so (for agents only), then the conversation shows it.
    match agent_event(&mut agents).await {
        AgentEvent::MessageCreated(m) => assert_eq!(
            (m.sender_type(), m.internal, m.body.as_str(), m.seq),
            (pb::SenderType::System, true, "Assigned to Owner of Chat Co", 1)
        ),
        other => panic!("unexpected {other:?}"),
    }
    match agent_event(&mut agents).await {
        AgentEvent::ConversationUpdated(c) => assert_eq!(c.assignee_user_id, s.agent_id, "routed to the only agent"),
        other => panic!("unexpected {other:?}"),
    }
    for expected_agent in ["", "Owner of Chat Co"] {
        match visitor_event(&mut visitor_events).await {
            VisitorEvent::ConversationUpdated(c) => {
                assert_eq!((c.id.as_str(), c.agent_name.as_str()), (conversation.id.as_str(), expected_agent))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    server.stop().await;
}
on_both_backends!(a_new_conversation_is_routed_and_announced);

async fn typing_messages_and_notes_reach_the_right_feeds(backend: Backend) {
    let Chat { server, s, conversation, mut agents, mut visitor_events } =
        chat_started(backend, "feeds@example.com").await;

    // Visitor typing and message reach the agents.
    s.visitor
        .visitor()
        .set_typing(pb::SetTypingRequest { conversation_id: conversation.id.clone(), typing: true })
        .await
        .unwrap();
    match agent_event(&mut agents).await {
        AgentEvent::Typing(t) => assert!(t.typing && t.sender_type() == pb::SenderType::Visitor && t.name == "Vera"),
        other => panic!("unexpected {other:?}"),
    }
    let hello = visitor_says(&s.visitor, &conversation.id, "Hello <b>there</b>", "v-1").await;
    // Seq 1 is the transcript's line about the routing.
    assert_eq!((hello.seq, hello.body.as_str()), (2, "Hello <b>there</b>"), "stored as given");
    match agent_event(&mut agents).await {
        AgentEvent::MessageCreated(m) => assert_eq!(m.id, hello.id),
        other => panic!("unexpected {other:?}"),
    }
    match visitor_event(&mut visitor_events).await {
        VisitorEvent::MessageCreated(m) => assert_eq!(m.id, hello.id),
        other => panic!("unexpected {other:?}"),
    }

    // Agent typing, a note and a reply: the visitor sees typing and the reply only.
    for internal in [true, false] {
        s.agent
            .conversations()
            .set_agent_typing(pb::SetAgentTypingRequest {
                conversation_id: conversation.id.clone(),
                typing: true,
                internal,
            })
            .await
            .unwrap();
    }
    let note = agent_says(&s.agent, &conversation.id, "VIP customer, be nice", true).await;
    let reply = agent_says(&s.agent, &conversation.id, "Hi Vera! How can I help?", false).await;
    assert_eq!((note.seq, reply.seq), (3, 4), "gap-free sequence, notes included");
    match visitor_event(&mut visitor_events).await {
        VisitorEvent::Typing(t) => assert!(t.typing),
        other => panic!("unexpected {other:?}"),
    }
    match visitor_event(&mut visitor_events).await {
        VisitorEvent::MessageCreated(m) => assert_eq!(m.id, reply.id, "the note is never sent to the visitor"),
        other => panic!("unexpected {other:?}"),
    }
    match visitor_event(&mut visitor_events).await {
        VisitorEvent::ConversationUpdated(c) => assert_eq!(c.status(), pb::ConversationStatus::Waiting),
        other => panic!("unexpected {other:?}"),
    }
    let listed = common::visitor_messages(&s.visitor, &conversation.id).await;
    assert_eq!(
        listed.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![2, 4],
        "notes and lines never listed for visitors"
    );
    let all = s
        .agent
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: conversation.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert_eq!(
        all.iter().map(|m| (m.seq, m.internal, m.sender_type())).collect::<Vec<_>>(),
        vec![
            (1, true, pb::SenderType::System),
            (2, false, pb::SenderType::Visitor),
            (3, true, pb::SenderType::Agent),
            (4, false, pb::SenderType::Agent)
        ]
    );
    server.stop().await;
}
on_both_backends!(typing_messages_and_notes_reach_the_right_feeds);

async fn read_receipts_travel_both_ways(backend: Backend) {
    let Chat { server, s, conversation, mut agents, mut visitor_events } =
        chat_started(backend, "reads@example.com").await;
    visitor_says(&s.visitor, &conversation.id, "Hello", "v-1").await;
    agent_says(&s.agent, &conversation.id, "a note", true).await;
    agent_says(&s.agent, &conversation.id, "Hi Vera!", false).await;

    s.agent
        .conversations()
        .mark_conversation_read(pb::MarkConversationReadRequest { conversation_id: conversation.id.clone(), seq: 3 })
        .await
        .unwrap();
    let read = loop {
        if let VisitorEvent::Read(r) = visitor_event(&mut visitor_events).await {
            break r;
        }
    };
    assert_eq!(read.seq, 3);
    s.visitor
        .visitor()
        .mark_read(pb::MarkReadRequest { conversation_id: conversation.id.clone(), seq: 3 })
        .await
        .unwrap();
    let read_by_visitor = loop {
        if let AgentEvent::ConversationUpdated(c) = agent_event(&mut agents).await
            && c.visitor_read_seq == 3
        {
            break c;
        }
    };
    assert_eq!((read_by_visitor.unread_count, read_by_visitor.agent_read_seq), (0, 3));
    assert!(read_by_visitor.first_response_time.is_some());
    server.stop().await;
}
on_both_backends!(read_receipts_travel_both_ways);

async fn resolve_rate_close_and_reopen(backend: Backend) {
    let Chat { server, s, conversation, .. } = chat_started(backend, "life@example.com").await;
    visitor_says(&s.visitor, &conversation.id, "Hello", "v-1").await;

    // Rating needs a resolved conversation; resolve, rate, and the timestamps are kept.
    let early = s
        .visitor
        .visitor()
        .rate_conversation(pb::RateConversationRequest {
            conversation_id: conversation.id.clone(),
            rating: 5,
            comment: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(early.code(), Code::FailedPrecondition);
    let resolved = s
        .agent
        .conversations()
        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!(resolved.status(), pb::ConversationStatus::Resolved);
    assert!(resolved.resolve_time.is_some());
    let rated = s
        .visitor
        .visitor()
        .rate_conversation(pb::RateConversationRequest {
            conversation_id: conversation.id.clone(),
            rating: 4,
            comment: "quick".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!(rated.rating, 4);
    let bad = s
        .visitor
        .visitor()
        .rate_conversation(pb::RateConversationRequest {
            conversation_id: conversation.id.clone(),
            rating: 9,
            comment: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    let close = s
        .agent
        .conversations()
        .close_conversation(pb::CloseConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap();
    assert_eq!(close.into_inner().conversation.unwrap().status(), pb::ConversationStatus::Closed);
    let closed = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "hey".into(),
            client_key: "v-2".into(),
            attachment_ids: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(closed.code(), Code::FailedPrecondition);
    let reopened = s
        .agent
        .conversations()
        .reopen_conversation(pb::ReopenConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap();
    assert_eq!(
        reopened.into_inner().conversation.unwrap().status(),
        pb::ConversationStatus::Active,
        "back to its agent"
    );
    server.stop().await;
}
on_both_backends!(resolve_rate_close_and_reopen);

async fn bad_messages_are_refused_with_the_field_named(backend: Backend) {
    let Chat { server, s, conversation, .. } = chat_started(backend, "bad@example.com").await;
    let too_long = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "x".repeat(10_001),
            client_key: "v-3".into(),
            attachment_ids: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(common::violated_fields(&too_long), vec!["body"]);
    let no_key = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "hi".into(),
            client_key: String::new(),
            attachment_ids: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(common::violated_fields(&no_key), vec!["client_key"]);
    // Nothing was written.
    let listed = common::visitor_messages(&s.visitor, &conversation.id).await;
    assert!(listed.is_empty(), "{listed:?}");
    server.stop().await;
}
on_both_backends!(bad_messages_are_refused_with_the_field_named);

async fn feed_resumes_after_a_cut_without_gaps_or_duplicates(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "burst@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    let mut feed = visitor_feed(&s.visitor, "").await;
    let mut agents = agent_feed(&s.agent, "").await;

    const TOTAL: usize = 1000;
    let sender = {
        let visitor = s.visitor.clone();
        let id = conversation.id.clone();
        tokio::spawn(async move {
            for i in 0..TOTAL {
                visitor_says(&visitor, &id, &format!("m{i}"), &format!("burst-{i}")).await;
            }
        })
    };

    // Read part of the burst, then cut the stream in the middle of it.
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor = String::new();
    while seen.len() < 300 {
        let response = next_visitor(&mut feed).await;
        if let Some(VisitorEvent::MessageCreated(m)) = &response.event {
            seen.push(m.seq);
        }
        cursor = response.cursor;
    }
    drop(feed);
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Resume from the last cursor: the rest arrives exactly once, in order.
    let mut feed = visitor_feed(&s.visitor, &cursor).await;
    while seen.len() < TOTAL {
        if let VisitorEvent::MessageCreated(m) = visitor_event(&mut feed).await {
            seen.push(m.seq);
        }
    }
    sender.await.unwrap();

    // The agents' feed, never cut, saw every message too, and the transcript's line about
    // the routing (the agent's feed opening made routing assign it, somewhere in the burst).
    let (mut agent_seqs, mut line_seqs) = (Vec::new(), Vec::new());
    while agent_seqs.len() < TOTAL {
        if let AgentEvent::MessageCreated(m) = agent_event(&mut agents).await {
            if m.sender_type() == pb::SenderType::System {
                line_seqs.push(m.seq);
            } else {
                agent_seqs.push(m.seq);
            }
        }
    }
    // One line at most (it may precede the feed): the messages are 1..=TOTAL + 1 but one.
    assert!(line_seqs.len() <= 1, "{line_seqs:?}");
    assert!(agent_seqs.windows(2).all(|w| w[0] < w[1]) && agent_seqs[TOTAL - 1] <= TOTAL as i64 + 1, "{agent_seqs:?}");
    assert!(line_seqs.iter().all(|seq| !agent_seqs.contains(seq)));
    assert_eq!(seen, agent_seqs, "every message exactly once, in order");

    // A stale-future cursor and garbage are refused clearly.
    let ahead = s
        .visitor
        .visitor()
        .watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: "999999999".into() })
        .await
        .unwrap_err();
    assert_eq!(ahead.code(), Code::OutOfRange);
    let garbage =
        s.visitor.visitor().watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: "abc".into() }).await.unwrap_err();
    assert_eq!(garbage.code(), Code::InvalidArgument);
    server.stop().await;
}
on_both_backends!(feed_resumes_after_a_cut_without_gaps_or_duplicates);

async fn retried_sends_create_one_message(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "idem@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    let first = visitor_says(&s.visitor, &conversation.id, "only once", "same-key").await;
    let retry = visitor_says(&s.visitor, &conversation.id, "only once", "same-key").await;
    assert_eq!(first, retry);
    // Concurrent retries of another key.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let visitor = s.visitor.clone();
            let id = conversation.id.clone();
            tokio::spawn(async move { visitor_says(&visitor, &id, "racing", "race-key").await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one message for one key");
    let messages = s
        .agent
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: conversation.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert_eq!(messages.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2]);
    server.stop().await;
}
on_both_backends!(retried_sends_create_one_message);

/// A retried send is recognised by (conversation, client key), but only for a caller who
/// may write in that conversation: replaying another tenant's conversation id and client
/// key (or another visitor's) is "not found", never the original message (which could be
/// an internal note with signed attachment links).
async fn retried_send_lookup_stays_inside_the_callers_conversation(backend: Backend) {
    let server = TestServer::start(backend).await;
    let a = setup(&server, "tenant-a@example.com").await;
    let conversation = start_conversation(&a.visitor).await;
    visitor_says(&a.visitor, &conversation.id, "my order number is 1234", "visitor-key").await;
    let note = a
        .agent
        .conversations()
        .send_conversation_message(pb::SendConversationMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "internal: refund approved".into(),
            internal: true,
            client_key: "note-key".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(note.into_inner().message.unwrap().internal);

    // Inside the conversation, a key is its sender's: the visitor replaying the agent's key
    // is refused (never shown the note); the agent's own retry gets the note back.
    let replayed = a
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "replay".into(),
            client_key: "note-key".into(),
            attachment_ids: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(common::violated_fields(&replayed), vec!["client_key"]);
    let retry = a
        .agent
        .conversations()
        .send_conversation_message(pb::SendConversationMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "internal: refund approved".into(),
            internal: true,
            client_key: "note-key".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!((retry.seq, retry.internal), (2, true), "the agent's retry returns their note");

    let b = setup(&server, "tenant-b@example.com").await;
    for key in ["visitor-key", "note-key"] {
        let as_agent = b
            .agent
            .conversations()
            .send_conversation_message(pb::SendConversationMessageRequest {
                conversation_id: conversation.id.clone(),
                body: "replay".into(),
                client_key: key.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(as_agent.code(), Code::NotFound, "another workspace's agent, key {key}: {as_agent:?}");
        let as_visitor = b
            .visitor
            .visitor()
            .send_message(pb::SendMessageRequest {
                conversation_id: conversation.id.clone(),
                body: "replay".into(),
                client_key: key.into(),
                attachment_ids: vec![],
            })
            .await
            .unwrap_err();
        assert_eq!(as_visitor.code(), Code::NotFound, "another workspace's visitor, key {key}: {as_visitor:?}");
        // Another visitor of the same widget.
        let (neighbour, _) = start_visitor(&server, &a.widget.public_token).await;
        let as_neighbour = neighbour
            .visitor()
            .send_message(pb::SendMessageRequest {
                conversation_id: conversation.id.clone(),
                body: "replay".into(),
                client_key: key.into(),
                attachment_ids: vec![],
            })
            .await
            .unwrap_err();
        assert_eq!(as_neighbour.code(), Code::NotFound, "another visitor, key {key}: {as_neighbour:?}");
    }
    server.stop().await;
}
on_both_backends!(retried_send_lookup_stays_inside_the_callers_conversation);

/// Makes the database itself refuse to store messages whose body is `boom` (a failure
/// inside the write transaction, not a business outcome).
async fn refuse_boom_messages(server: &TestServer) {
    common::execute_sql(
        server,
        "CREATE TRIGGER boom BEFORE INSERT ON messages WHEN NEW.body = 'boom' \
         BEGIN SELECT RAISE(ABORT, 'boom refused'); END;",
        "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
           IF NEW.body = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; \
         END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER boom BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION boom();",
    )
    .await;
}

/// Many conversations sending at once (on SQLite they share group-committed transactions):
/// every message is stored once with gap-free seqs, a send the database refuses fails alone,
/// and the agents' feed gets every message in event order.
async fn concurrent_sends_from_many_conversations(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "many@example.com").await;
    refuse_boom_messages(&server).await;
    let mut agents = agent_feed(&s.agent, "").await;

    const VISITORS: usize = 12;
    const TASKS: usize = 3;
    const EACH: usize = 5;
    let mut visitors = Vec::new();
    for _ in 0..VISITORS {
        let (visitor, _) = start_visitor(&server, &s.widget.public_token).await;
        let conversation = start_conversation(&visitor).await;
        visitors.push((visitor, conversation.id));
    }
    let mut tasks = Vec::new();
    for (v, (visitor, id)) in visitors.iter().enumerate() {
        for t in 0..TASKS {
            let (visitor, id) = (visitor.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..EACH {
                    visitor_says(&visitor, &id, &format!("v{v} t{t} m{i}"), &format!("k{t}-{i}")).await;
                }
            }));
        }
        let (visitor, id) = (visitor.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let refused = visitor
                .visitor()
                .send_message(pb::SendMessageRequest {
                    conversation_id: id,
                    body: "boom".into(),
                    client_key: "boom".into(),
                    attachment_ids: vec![],
                })
                .await
                .unwrap_err();
            assert_eq!(refused.code(), Code::Internal);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    let mut all_ids = std::collections::HashSet::new();
    let mut line_count = 0;
    for (v, (_, id)) in visitors.iter().enumerate() {
        let messages = s
            .agent
            .conversations()
            .list_conversation_messages(pb::ListConversationMessagesRequest {
                conversation_id: id.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .messages;
        // Gap-free, with the transcript's line about the routing where the agent had room.
        assert_eq!(messages.iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=messages.len() as i64).collect::<Vec<_>>());
        let lines = messages.iter().filter(|m| m.sender_type() == pb::SenderType::System).count();
        assert!(lines <= 1, "{messages:?}");
        line_count += lines;
        let mut bodies: Vec<_> =
            messages.iter().filter(|m| m.sender_type() != pb::SenderType::System).map(|m| m.body.clone()).collect();
        bodies.sort();
        let mut expected: Vec<_> = (0..TASKS).flat_map(|t| (0..EACH).map(move |i| format!("v{v} t{t} m{i}"))).collect();
        expected.sort();
        assert_eq!(bodies, expected, "conversation {v} has every message once and nothing refused");
        all_ids.extend(messages.into_iter().map(|m| m.id));
    }

    // The agents' feed: every message once, cursors strictly increasing.
    let mut cursors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    assert_eq!(all_ids.len(), VISITORS * TASKS * EACH + line_count);
    while seen.len() < all_ids.len() {
        let response = next_agent(&mut agents).await;
        if let Some(AgentEvent::MessageCreated(m)) = &response.event {
            assert!(seen.insert(m.id.clone()), "message {} delivered twice", m.id);
            cursors.push(response.cursor.parse::<i64>().unwrap());
        }
    }
    assert_eq!(seen, all_ids);
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "events in log order");
    server.stop().await;
}
on_both_backends!(concurrent_sends_from_many_conversations);

/// Visitors' feeds receive only their own visitor's events from the bus; with visitor and
/// agent writing into the same conversations at once (so events are published in another
/// order than they commit), each visitor's feed still shows each of its messages once, in
/// log order, and nothing of other visitors or internal notes.
async fn visitor_feeds_stay_ordered_under_concurrent_writers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "ordered@example.com").await;
    const VISITORS: usize = 4;
    const EACH: usize = 8;
    let mut visitors = Vec::new();
    for _ in 0..VISITORS {
        let (visitor, _) = start_visitor(&server, &s.widget.public_token).await;
        let conversation = start_conversation(&visitor).await;
        let feed = visitor_feed(&visitor, "").await;
        visitors.push((visitor, conversation.id, feed));
    }
    let mut tasks = Vec::new();
    for (v, (visitor, id, _)) in visitors.iter().enumerate() {
        for t in 0..2 {
            let (visitor, id) = (visitor.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..EACH {
                    visitor_says(&visitor, &id, &format!("v{v} t{t} m{i}"), &format!("o{t}-{i}")).await;
                }
            }));
        }
        for internal in [false, true] {
            let (agent, id) = (s.agent.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..EACH {
                    agent_says(&agent, &id, &format!("a{v} internal={internal} {i}"), internal).await;
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }

    for (v, (_, id, feed)) in visitors.iter_mut().enumerate() {
        let expected = 3 * EACH;
        let mut seen = std::collections::HashSet::new();
        let mut cursors = Vec::new();
        while seen.len() < expected {
            let response = next_visitor(feed).await;
            if let Some(VisitorEvent::MessageCreated(m)) = &response.event {
                assert_eq!(&m.conversation_id, id, "visitor {v} sees only their conversation");
                assert!(!m.body.contains("internal=true"), "visitor {v} was shown a note: {}", m.body);
                assert!(seen.insert(m.id.clone()), "message {} delivered twice to visitor {v}", m.id);
                cursors.push(response.cursor.parse::<i64>().unwrap());
            }
        }
        assert!(cursors.windows(2).all(|w| w[0] < w[1]), "visitor {v}: events in log order: {cursors:?}");
        // Nothing more arrives (no duplicate after the last one).
        let extra = tokio::time::timeout(Duration::from_millis(300), async {
            loop {
                match feed.next().await {
                    Some(Ok(pb::WatchVisitorFeedResponse { event: Some(VisitorEvent::MessageCreated(m)), .. })) => {
                        return Some(m);
                    }
                    Some(Ok(_)) => {}
                    _ => return None,
                }
            }
        })
        .await;
        assert!(matches!(extra, Err(_) | Ok(None)), "visitor {v} got more: {extra:?}");
    }
    server.stop().await;
}
on_both_backends!(visitor_feeds_stay_ordered_under_concurrent_writers);

async fn history_pages_backwards(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "pages@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    for i in 1..=25 {
        visitor_says(&s.visitor, &conversation.id, &format!("n{i}"), &format!("p{i}")).await;
    }
    let page = |before: i64| {
        let visitor = s.visitor.clone();
        let id = conversation.id.clone();
        async move {
            visitor
                .visitor()
                .list_messages(pb::ListMessagesRequest { conversation_id: id, before_seq: before, page_size: 10 })
                .await
                .unwrap()
                .into_inner()
        }
    };
    let newest = page(0).await;
    assert_eq!(newest.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), (16..=25).collect::<Vec<_>>());
    assert!(newest.has_more);
    let oldest = page(6).await;
    assert_eq!(oldest.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=5).collect::<Vec<_>>());
    assert!(!oldest.has_more);
    server.stop().await;
}
on_both_backends!(history_pages_backwards);

async fn visitors_and_workspaces_are_isolated(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "iso@example.com").await;
    let a_conversation = start_conversation(&s.visitor).await;
    visitor_says(&s.visitor, &a_conversation.id, "mine", "a-1").await;
    let (other_visitor, _) = start_visitor(&server, &s.widget.public_token).await;
    let b_conversation = start_conversation(&other_visitor).await;
    assert_ne!(a_conversation.id, b_conversation.id);

    let v = other_visitor.visitor();
    let codes = [
        v.clone()
            .list_messages(pb::ListMessagesRequest { conversation_id: a_conversation.id.clone(), ..Default::default() })
            .await
            .unwrap_err()
            .code(),
        v.clone()
            .send_message(pb::SendMessageRequest {
                conversation_id: a_conversation.id.clone(),
                body: "intrude".into(),
                client_key: "x".into(),
                attachment_ids: vec![],
            })
            .await
            .unwrap_err()
            .code(),
        v.clone()
            .set_typing(pb::SetTypingRequest { conversation_id: a_conversation.id.clone(), typing: true })
            .await
            .unwrap_err()
            .code(),
        v.clone()
            .mark_read(pb::MarkReadRequest { conversation_id: a_conversation.id.clone(), seq: 1 })
            .await
            .unwrap_err()
            .code(),
        v.clone()
            .rate_conversation(pb::RateConversationRequest {
                conversation_id: a_conversation.id.clone(),
                rating: 1,
                comment: String::new(),
            })
            .await
            .unwrap_err()
            .code(),
        v.clone()
            .upload_attachment(pb::UploadAttachmentRequest {
                conversation_id: a_conversation.id.clone(),
                file_name: "a.txt".into(),
                data: b"hi".to_vec(),
            })
            .await
            .unwrap_err()
            .code(),
    ];
    assert!(codes.iter().all(|c| *c == Code::NotFound), "{codes:?}");
    let listed = v
        .clone()
        .list_visitor_conversations(pb::ListVisitorConversationsRequest {})
        .await
        .unwrap()
        .into_inner()
        .conversations;
    assert_eq!(listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![b_conversation.id.as_str()]);

    // B's feed never shows A's conversation.
    let mut b_feed = visitor_feed(&other_visitor, "").await;
    visitor_says(&s.visitor, &a_conversation.id, "still mine", "a-2").await;
    agent_says(&s.agent, &a_conversation.id, "secret note", true).await;
    agent_says(&s.agent, &b_conversation.id, "hello B", false).await;
    match visitor_event(&mut b_feed).await {
        VisitorEvent::MessageCreated(m) => assert_eq!(m.body, "hello B"),
        other => panic!("B saw {other:?}"),
    }

    // A visitor token is no agent token, and a foreign workspace sees nothing.
    let as_agent =
        s.visitor.conversations().list_conversations(pb::ListConversationsRequest::default()).await.unwrap_err();
    assert_eq!(as_agent.code(), Code::Unauthenticated);
    let (stranger, _) = sign_up(&server, "stranger@else.com", "Else").await;
    let c = stranger.conversations();
    let codes = [
        c.clone()
            .get_conversation(pb::GetConversationRequest { conversation_id: a_conversation.id.clone() })
            .await
            .unwrap_err()
            .code(),
        c.clone()
            .list_conversation_messages(pb::ListConversationMessagesRequest {
                conversation_id: a_conversation.id.clone(),
                ..Default::default()
            })
            .await
            .unwrap_err()
            .code(),
        c.clone()
            .send_conversation_message(pb::SendConversationMessageRequest {
                conversation_id: a_conversation.id.clone(),
                body: "x".into(),
                client_key: "k".into(),
                ..Default::default()
            })
            .await
            .unwrap_err()
            .code(),
        c.clone()
            .resolve_conversation(pb::ResolveConversationRequest { conversation_id: a_conversation.id.clone() })
            .await
            .unwrap_err()
            .code(),
        c.clone()
            .assign_conversation(pb::AssignConversationRequest {
                conversation_id: a_conversation.id.clone(),
                assignee_user_id: String::new(),
            })
            .await
            .unwrap_err()
            .code(),
        c.clone()
            .set_agent_typing(pb::SetAgentTypingRequest {
                conversation_id: a_conversation.id.clone(),
                typing: true,
                internal: false,
            })
            .await
            .unwrap_err()
            .code(),
    ];
    assert!(codes.iter().all(|c| *c == Code::NotFound), "{codes:?}");
    let theirs =
        c.clone().list_conversations(pb::ListConversationsRequest::default()).await.unwrap().into_inner().conversations;
    assert!(theirs.is_empty());
    // Assigning to someone outside the workspace is refused.
    let foreign = s
        .agent
        .conversations()
        .assign_conversation(pb::AssignConversationRequest {
            conversation_id: a_conversation.id.clone(),
            assignee_user_id: "usr_nobody".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(foreign.code(), Code::NotFound);
    let mine = s
        .agent
        .conversations()
        .assign_conversation(pb::AssignConversationRequest {
            conversation_id: a_conversation.id.clone(),
            assignee_user_id: s.agent_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!((mine.assignee_user_id.as_str(), mine.status()), (s.agent_id.as_str(), pb::ConversationStatus::Active));
    server.stop().await;
}
on_both_backends!(visitors_and_workspaces_are_isolated);

async fn inbox_filters_search_and_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "inbox@example.com").await;
    s.visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest { name: Some("Zoë Müller".into()), ..Default::default() })
        .await
        .unwrap();
    let first = start_conversation(&s.visitor).await;
    visitor_says(&s.visitor, &first.id, "My invoice #4711 is wrong (100% sure)", "i-1").await;
    let (other, _) = start_visitor(&server, &s.widget.public_token).await;
    other
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest { email: Some("bob@corp.example".into()), ..Default::default() })
        .await
        .unwrap();
    let second = start_conversation(&other).await;
    visitor_says(&other, &second.id, "Where is my parcel?", "p-1").await;
    agent_says(&s.agent, &second.id, "internal: check the courier", true).await;

    let list = |req: pb::ListConversationsRequest| {
        let agent = s.agent.clone();
        async move { agent.conversations().list_conversations(req).await.unwrap().into_inner() }
    };
    let ids = |r: &pb::ListConversationsResponse| r.conversations.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let all = list(pb::ListConversationsRequest::default()).await;
    assert_eq!(ids(&all), vec![second.id.clone(), first.id.clone()], "newest activity first");
    assert_eq!(all.conversations[1].unread_count, 1);
    assert_eq!(all.conversations[1].last_message_preview, "My invoice #4711 is wrong (100% sure)");
    for (query, expected) in [
        ("invoice", vec![first.id.clone()]),
        ("ZOË", vec![first.id.clone()]),
        ("corp.example", vec![second.id.clone()]),
        ("100%", vec![first.id.clone()]),
        ("courier", vec![second.id.clone()]),
        ("nothing like this", vec![]),
    ] {
        let found = list(pb::ListConversationsRequest { query: query.into(), ..Default::default() }).await;
        assert_eq!(ids(&found), expected, "search {query:?}");
    }
    s.agent
        .conversations()
        .set_conversation_priority(pb::SetConversationPriorityRequest {
            conversation_id: first.id.clone(),
            priority: pb::Priority::Urgent.into(),
        })
        .await
        .unwrap();
    s.agent
        .conversations()
        .set_conversation_tags(pb::SetConversationTagsRequest {
            conversation_id: first.id.clone(),
            tags: vec!["billing".into(), "billing".into(), "vip".into()],
        })
        .await
        .unwrap();
    let urgent =
        list(pb::ListConversationsRequest { priority: pb::Priority::Urgent.into(), ..Default::default() }).await;
    assert_eq!(ids(&urgent), vec![first.id.clone()]);
    assert_eq!(urgent.conversations[0].tags, vec!["billing", "vip"]);
    s.agent
        .conversations()
        .assign_conversation(pb::AssignConversationRequest {
            conversation_id: second.id.clone(),
            assignee_user_id: s.agent_id.clone(),
        })
        .await
        .unwrap();
    let mine =
        list(pb::ListConversationsRequest { assignee: pb::AssigneeFilter::Mine.into(), ..Default::default() }).await;
    assert_eq!(ids(&mine), vec![second.id.clone()]);
    let unassigned =
        list(pb::ListConversationsRequest { assignee: pb::AssigneeFilter::Unassigned.into(), ..Default::default() })
            .await;
    assert_eq!(ids(&unassigned), vec![first.id.clone()]);
    let waiting = list(pb::ListConversationsRequest {
        statuses: vec![pb::ConversationStatus::Active.into()],
        ..Default::default()
    })
    .await;
    assert_eq!(ids(&waiting), vec![second.id.clone()]);

    // Paging: one per page.
    let page1 = list(pb::ListConversationsRequest { page_size: 1, ..Default::default() }).await;
    assert_eq!(ids(&page1), vec![second.id.clone()]);
    let page2 = list(pb::ListConversationsRequest {
        page_size: 1,
        page_token: page1.next_page_token.clone(),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(&page2), vec![first.id.clone()]);
    let bad = s
        .agent
        .conversations()
        .list_conversations(pb::ListConversationsRequest {
            page_size: 500,
            page_token: "nope".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(common::violated_fields(&bad), vec!["page_size", "page_token"]);
    server.stop().await;
}
on_both_backends!(inbox_filters_search_and_pages);

async fn identity_is_verified_by_hmac(backend: Backend) {
    use hmac::{Hmac, Mac};
    let server = TestServer::start(backend).await;
    let s = setup(&server, "hmac@example.com").await;
    let secret = s
        .agent
        .widgets()
        .get_identity_secret(pb::GetIdentitySecretRequest { widget_id: s.widget.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .identity_secret;
    let sign = |id: &str| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    };
    let wrong = s
        .visitor
        .visitor()
        .identify_visitor(pb::IdentifyVisitorRequest {
            external_id: "user-1".into(),
            user_hash: sign("user-2"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    let conversation = start_conversation(&s.visitor).await;
    let ok = s
        .visitor
        .visitor()
        .identify_visitor(pb::IdentifyVisitorRequest {
            external_id: "user-1".into(),
            user_hash: sign("user-1"),
            name: "Ida".into(),
            email: "ida@example.com".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let visitor = ok.visitor.unwrap();
    assert!(visitor.verified && visitor.name == "Ida");
    assert_eq!(visitor.id, s.visitor_id);

    // The same user on another device becomes the same visitor, with their conversation.
    let (phone, phone_id) = start_visitor(&server, &s.widget.public_token).await;
    assert_ne!(phone_id, s.visitor_id);
    let again = phone
        .visitor()
        .identify_visitor(pb::IdentifyVisitorRequest {
            external_id: "user-1".into(),
            user_hash: sign("user-1"),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.visitor.unwrap().id, s.visitor_id);
    phone.set_token(Some(again.visitor_token));
    let theirs = phone
        .visitor()
        .list_visitor_conversations(pb::ListVisitorConversationsRequest {})
        .await
        .unwrap()
        .into_inner()
        .conversations;
    assert_eq!(theirs[0].id, conversation.id);
    server.stop().await;
}
on_both_backends!(identity_is_verified_by_hmac);

async fn widget_rules_apply_to_visitors(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (agent, _) = sign_up(&server, "rules@example.com", "Rules").await;
    let widget = agent
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Strict".into(),
            settings: Some(pb::WidgetSettings {
                allowed_domains: vec!["shop.example".into()],
                behavior: Some(pb::WidgetBehavior {
                    pre_chat_email: pb::PreChatField::Required.into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let start = |origin: Option<&'static str>| {
        let client = server.new_client();
        let token = widget.public_token.clone();
        async move {
            let mut request =
                tonic::Request::new(pb::StartSessionRequest { widget_token: token, ..Default::default() });
            if let Some(origin) = origin {
                request.metadata_mut().insert("origin", origin.parse().unwrap());
            }
            client.visitor().start_session(request).await.map(|r| (client, r.into_inner()))
        }
    };
    assert_eq!(start(Some("https://evil.example")).await.err().unwrap().code(), Code::PermissionDenied);
    let (visitor, session) = start(Some("https://shop.example")).await.unwrap();
    visitor.set_token(Some(session.visitor_token.clone()));
    let config = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .config
        .unwrap();
    assert!(!config.online, "no agent dashboard is connected");
    // An agent's open feed makes the team online.
    let _feed = agent_feed(&agent, "").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let config = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .config
        .unwrap();
    assert!(config.online);

    // Required pre-chat e-mail.
    let refused = visitor.visitor().start_conversation(pb::StartConversationRequest::default()).await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest { email: Some("me@shop.example".into()), ..Default::default() })
        .await
        .unwrap();
    visitor.visitor().start_conversation(pb::StartConversationRequest::default()).await.unwrap();

    // Offline form: a conversation agents see, with the message.
    let offline = visitor
        .visitor()
        .submit_offline_message(pb::SubmitOfflineMessageRequest {
            name: "Olga".into(),
            email: "olga@shop.example".into(),
            message: "Call me back".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    let messages = agent
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: offline.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert_eq!(messages.last().unwrap().body, "Call me back");
    let marked = agent
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: offline.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert!(marked.left_offline, "{marked:?}");
    // This server sends no e-mail, so the answer can only come in the chat: no address needed.
    visitor
        .visitor()
        .submit_offline_message(pb::SubmitOfflineMessageRequest {
            name: String::new(),
            email: String::new(),
            message: "No e-mail for me".into(),
        })
        .await
        .unwrap();
    let bad = visitor
        .visitor()
        .submit_offline_message(pb::SubmitOfflineMessageRequest {
            name: String::new(),
            email: "nope".into(),
            message: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(common::violated_fields(&bad), vec!["email", "message"]);

    // A turned-off widget stops answering visitors.
    agent
        .widgets()
        .set_widget_active(pb::SetWidgetActiveRequest { widget_id: widget.id.clone(), active: false })
        .await
        .unwrap();
    let off = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap_err();
    assert_eq!(off.code(), Code::NotFound);
    let unknown = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: "nope".into() })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    server.stop().await;
}
on_both_backends!(widget_rules_apply_to_visitors);

async fn attachments_are_sniffed_stored_and_served(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "files@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    let png: Vec<u8> =
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 1, 2, 3].to_vec();
    let upload = |name: &str, data: Vec<u8>| {
        let visitor = s.visitor.clone();
        let request =
            pb::UploadAttachmentRequest { conversation_id: conversation.id.clone(), file_name: name.into(), data };
        async move { visitor.visitor().upload_attachment(request).await }
    };
    let attachment = upload("../../shot.exe", png.clone()).await.unwrap().into_inner().attachment.unwrap();
    assert_eq!((attachment.content_type.as_str(), attachment.file_name.as_str()), ("image/png", "shot.exe"));
    let elf = upload("a.png", vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]).await.unwrap_err();
    assert_eq!(elf.code(), Code::InvalidArgument);
    let big = upload("big.txt", vec![b'a'; 10 * 1024 * 1024 + 1]).await.unwrap_err();
    assert_eq!(big.code(), Code::InvalidArgument);

    // One good file and one unknown id: refused, and the good one stays free to send.
    let mixed = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "two files".into(),
            client_key: "mixed".into(),
            attachment_ids: vec![attachment.id.clone(), "att_unknown".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(mixed.code(), Code::InvalidArgument);
    assert!(mixed.message().contains("att_unknown"), "{}", mixed.message());
    let twice = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "same file twice".into(),
            client_key: "twice".into(),
            attachment_ids: vec![attachment.id.clone(), attachment.id.clone()],
        })
        .await
        .unwrap_err();
    assert_eq!(twice.code(), Code::InvalidArgument);
    let sent = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: String::new(),
            client_key: "with-file".into(),
            attachment_ids: vec![attachment.id.clone()],
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(sent.attachments.len(), 1);
    let reuse = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "again".into(),
            client_key: "reuse".into(),
            attachment_ids: vec![attachment.id.clone()],
        })
        .await
        .unwrap_err();
    assert_eq!(reuse.code(), Code::InvalidArgument);

    let url = s
        .agent
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: conversation.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages[0]
        .attachments[0]
        .url
        .clone();
    let (status, headers, body) = http_get(&url).await;
    assert_eq!(status, 200, "{headers}");
    assert!(headers.to_ascii_lowercase().contains("content-type: image/png"), "{headers}");
    assert!(headers.to_ascii_lowercase().contains("x-content-type-options: nosniff"));
    assert_eq!(body, png);
    let tampered = url.replace("sig=", "sig=00");
    assert_eq!(http_get(&tampered).await.0, 403);
    server.stop().await;
}
on_both_backends!(attachments_are_sniffed_stored_and_served);

/// Minimal HTTP/1.1 GET returning (status, headers, body).
async fn http_get(url: &str) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let parsed = url::Url::parse(url).unwrap();
    let addr = format!("{}:{}", parsed.host_str().unwrap(), parsed.port().unwrap());
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let path = format!("{}?{}", parsed.path(), parsed.query().unwrap_or(""));
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

/// Two server processes on one PostgreSQL and Redis: visitor on one, agent on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_postgres_and_redis() {
    let (a, b) = common::replica_pair(common::test_redis_url()).await;
    let s = setup(&a, "replicas@example.com").await;
    // The agent works on replica B.
    let agent_b = common::log_in(&b, "replicas@example.com").await;
    let mut agents = agent_feed(&agent_b, "").await;
    let mut visitor_events = visitor_feed(&s.visitor, "").await;

    let conversation = start_conversation(&s.visitor).await;
    s.visitor
        .visitor()
        .set_typing(pb::SetTypingRequest { conversation_id: conversation.id.clone(), typing: true })
        .await
        .unwrap();
    let hello = visitor_says(&s.visitor, &conversation.id, "hello from replica A", "ra-1").await;
    let mut saw_typing = false;
    loop {
        match agent_event(&mut agents).await {
            AgentEvent::Typing(t) if t.typing => saw_typing = true,
            // The transcript's line about the routing comes first.
            AgentEvent::MessageCreated(m) if m.sender_type() != pb::SenderType::System => {
                assert_eq!(m.id, hello.id);
                break;
            }
            _ => {}
        }
    }
    assert!(saw_typing, "typing crosses replicas");

    agent_b
        .conversations()
        .set_agent_typing(pb::SetAgentTypingRequest {
            conversation_id: conversation.id.clone(),
            typing: true,
            internal: false,
        })
        .await
        .unwrap();
    let reply = agent_says(&agent_b, &conversation.id, "hello from replica B", false).await;
    let mut saw_typing = false;
    loop {
        match visitor_event(&mut visitor_events).await {
            VisitorEvent::Typing(t) if t.typing => saw_typing = true,
            VisitorEvent::MessageCreated(m) if m.id == reply.id => break,
            _ => {}
        }
    }
    assert!(saw_typing, "agent typing crosses replicas");
    b.stop().await;
    a.stop().await;
}

/// Redis goes away between two replicas: messages still arrive (read from the store's event
/// log), and live fan-out resumes by itself when Redis returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_survive_a_redis_outage() {
    let mut redis = common::OwnRedis::start().await;
    let (a, b) = common::replica_pair(redis.url()).await;
    let s = setup(&a, "outage@example.com").await;
    let agent_b = common::log_in(&b, "outage@example.com").await;
    let mut agents = agent_feed(&agent_b, "").await;
    let conversation = start_conversation(&s.visitor).await;

    // Messages only, not the transcript's lines (routing's comes first).
    let next_body = async |agents: &mut AgentFeed| loop {
        if let AgentEvent::MessageCreated(m) = agent_event(agents).await
            && m.sender_type() != pb::SenderType::System
        {
            return m.body;
        }
    };

    visitor_says(&s.visitor, &conversation.id, "before", "o-1").await;
    assert_eq!(next_body(&mut agents).await, "before");

    redis.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = std::time::Instant::now();
    visitor_says(&s.visitor, &conversation.id, "during", "o-2").await;
    assert_eq!(next_body(&mut agents).await, "during", "delivered from the store while Redis is down");
    let during = started.elapsed();

    redis.restart().await;
    // Wait until replica B's bus is live again, then live delivery resumes.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let started = std::time::Instant::now();
    visitor_says(&s.visitor, &conversation.id, "after", "o-3").await;
    assert_eq!(next_body(&mut agents).await, "after");
    let after = started.elapsed();
    println!("cross-replica delivery: during outage {during:?}, after recovery {after:?}");
    assert!(after < Duration::from_millis(900), "live again after recovery, not polled: {after:?}");
    b.stop().await;
    a.stop().await;
}

/// A feed whose reader stalls while thousands of events pass falls back to the store and
/// still delivers each exactly once, in order (the server never buffers without bound).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_reader_catches_up_from_the_store() {
    let server = TestServer::start(Backend::Sqlite).await;
    let s = setup(&server, "slow@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    let mut agents = agent_feed(&s.agent, "").await;
    // More events than the bus keeps per subscriber (1024) plus the stream's buffers.
    const TOTAL: i64 = 2500;
    for i in 0..TOTAL {
        visitor_says(&s.visitor, &conversation.id, &format!("s{i}"), &format!("slow-{i}")).await;
    }
    let mut seqs = Vec::new();
    while seqs.len() < TOTAL as usize {
        if let AgentEvent::MessageCreated(m) = agent_event(&mut agents).await {
            seqs.push(m.seq);
        }
    }
    assert_eq!(seqs, (1..=TOTAL).collect::<Vec<_>>());
    server.stop().await;
}

/// A page view reaches the agents as what changed (the page, the count), not the whole
/// visitor: 50 KB of custom attributes and the IP address stay out of the event.
async fn page_views_reach_the_agents(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "pages-seen@example.com").await;
    let attributes: std::collections::HashMap<String, String> =
        (0..50).map(|i| (format!("plan-{i}"), "x".repeat(1000))).collect();
    s.visitor.visitor().update_visitor(pb::UpdateVisitorRequest { attributes, ..Default::default() }).await.unwrap();
    let mut agents = agent_feed(&s.agent, "").await;
    s.visitor
        .visitor()
        .record_page_view(pb::RecordPageViewRequest {
            url: "https://shop.example/cart".into(),
            title: "Your cart".into(),
            referrer: "https://search.example/?q=coffee".into(),
        })
        .await
        .unwrap();
    match agent_event(&mut agents).await {
        AgentEvent::VisitorChanged(v) => {
            assert_eq!(v.id, s.visitor_id);
            assert_eq!(
                (v.current_url.as_deref(), v.current_title.as_deref(), v.page_views),
                (Some("https://shop.example/cart"), Some("Your cart"), Some(1))
            );
            assert_eq!(v.referrer.as_deref(), Some("https://search.example/?q=coffee"));
            assert_eq!(v.online, Some(true), "their first page view says they are here");
            assert_eq!(
                (&v.attributes, &v.ip_address, &v.language, &v.name),
                (&None, &None, &None, &None),
                "unchanged: left out"
            );
            assert!(prost::Message::encoded_len(&v) < 300, "{} bytes", prost::Message::encoded_len(&v));
        }
        other => panic!("unexpected {other:?}"),
    }
    s.visitor
        .visitor()
        .record_page_view(pb::RecordPageViewRequest {
            url: "https://shop.example/checkout".into(),
            title: "Checkout".into(),
            referrer: "https://shop.example/cart".into(),
        })
        .await
        .unwrap();
    match agent_event(&mut agents).await {
        AgentEvent::VisitorChanged(v) => {
            assert_eq!((v.current_url.as_deref(), v.page_views), (Some("https://shop.example/checkout"), Some(2)));
            assert_eq!(v.referrer, None, "the referrer that brought them stays");
            assert_eq!(v.online, None, "already known to be here");
        }
        other => panic!("unexpected {other:?}"),
    }
    let too_long = s
        .visitor
        .visitor()
        .record_page_view(pb::RecordPageViewRequest { url: "x".repeat(3000), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(too_long.code(), Code::InvalidArgument);
    server.stop().await;
}
on_both_backends!(page_views_reach_the_agents);

/// Live visitors are listed with their current page; an agent starts a conversation with
/// one (a proactive message) that reaches the visitor's feed, is assigned to the agent, and
/// is continued — not duplicated — by a second proactive message. Bad input writes nothing.
async fn proactive_conversation_with_a_live_visitor(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "proactive@example.com").await;
    s.visitor
        .visitor()
        .record_page_view(pb::RecordPageViewRequest {
            url: "https://shop.example/checkout".into(),
            title: "Checkout".into(),
            referrer: String::new(),
        })
        .await
        .unwrap();
    let live = s
        .agent
        .conversations()
        .list_live_visitors(pb::ListLiveVisitorsRequest { widget_id: s.widget.id.clone(), page_size: 0 })
        .await
        .unwrap()
        .into_inner()
        .visitors;
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].id, s.visitor_id);
    assert_eq!(live[0].current_url, "https://shop.example/checkout");
    let other_widget = s
        .agent
        .conversations()
        .list_live_visitors(pb::ListLiveVisitorsRequest { widget_id: "wgt_other".into(), page_size: 10 })
        .await
        .unwrap()
        .into_inner()
        .visitors;
    assert!(other_widget.is_empty());
    let bad_page = s
        .agent
        .conversations()
        .list_live_visitors(pb::ListLiveVisitorsRequest { widget_id: String::new(), page_size: 501 })
        .await
        .unwrap_err();
    assert_eq!(bad_page.code(), Code::InvalidArgument);

    // An empty message or an unknown visitor creates nothing.
    let empty = s
        .agent
        .conversations()
        .start_visitor_conversation(pb::StartVisitorConversationRequest {
            visitor_id: s.visitor_id.clone(),
            body: "  ".into(),
            client_key: "p0".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
    let unknown = s
        .agent
        .conversations()
        .start_visitor_conversation(pb::StartVisitorConversationRequest {
            visitor_id: "vis_nobody".into(),
            body: "Hi".into(),
            client_key: "p0".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    let listed = s.visitor.visitor().list_visitor_conversations(pb::ListVisitorConversationsRequest {}).await.unwrap();
    assert!(listed.into_inner().conversations.is_empty());

    let mut feed = visitor_feed(&s.visitor, "").await;
    let started = s
        .agent
        .conversations()
        .start_visitor_conversation(pb::StartVisitorConversationRequest {
            visitor_id: s.visitor_id.clone(),
            body: "Need a hand with checkout?".into(),
            client_key: "p1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let conversation = started.conversation.unwrap();
    assert!(!started.resumed);
    assert_eq!(conversation.assignee_user_id, s.agent_id);
    assert_eq!(conversation.source_url, "https://shop.example/checkout");
    assert_eq!(started.message.unwrap().body, "Need a hand with checkout?");
    let message = loop {
        let item = next_visitor(&mut feed).await;
        if let Some(VisitorEvent::MessageCreated(m)) = item.event {
            break m;
        }
    };
    assert_eq!(message.body, "Need a hand with checkout?");
    assert_eq!(message.conversation_id, conversation.id);

    // A second proactive message continues the open conversation.
    let again = s
        .agent
        .conversations()
        .start_visitor_conversation(pb::StartVisitorConversationRequest {
            visitor_id: s.visitor_id.clone(),
            body: "Still there?".into(),
            client_key: "p2".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(again.resumed);
    assert_eq!(again.conversation.unwrap().id, conversation.id);
    let history = common::visitor_messages(&s.visitor, &conversation.id).await;
    assert_eq!(
        history.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["Need a hand with checkout?", "Still there?"]
    );
    server.stop().await;
}
on_both_backends!(proactive_conversation_with_a_live_visitor);

/// A send whose caller goes away mid-call (a dropped connection, a client timeout) still
/// ends: if it was stored, it reaches the feeds without a retry, and it leaves no
/// transaction holding the workspace (found by `porthole-bench chaos`: the stored message
/// reached no feed, and on PostgreSQL an abandoned transaction kept the workspace's row
/// locked until the pool discarded its connection, stalling every send for seconds).
async fn abandoned_sends_still_reach_the_feeds(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = setup(&server, "abandoned@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    let mut agents = agent_feed(&s.agent, "").await;
    let mut visitors = visitor_feed(&s.visitor, "").await;
    let (other, _) = start_visitor(&server, &s.widget.public_token).await;
    let other_conversation = start_conversation(&other).await;
    agent_event(&mut agents).await; // the other visitor's conversation

    for attempt in 0..24u64 {
        let key = format!("abandoned-{attempt}");
        let mut client = s.visitor.visitor();
        let call = client.send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: key.clone(),
            client_key: key.clone(),
            attachment_ids: vec![],
        });
        // Given up after 1 to 12 ms: before, during or after the store's commit.
        let _ = tokio::time::timeout(Duration::from_millis(1 + attempt % 12), call).await;
        // Whatever was stored is what a retry gets back (stored now if it was not).
        let id = visitor_says(&s.visitor, &conversation.id, &key, &key).await.id;
        // It reaches both feeds with nothing after it to reveal a gap.
        let to_visitor = loop {
            if let VisitorEvent::MessageCreated(m) = visitor_event(&mut visitors).await {
                break m.id;
            }
        };
        assert_eq!(to_visitor, id, "attempt {attempt}");
        // Messages only: the other conversation's routing wrote a line into its transcript.
        let to_agents = loop {
            if let AgentEvent::MessageCreated(m) = agent_event(&mut agents).await
                && m.sender_type() != pb::SenderType::System
            {
                break m.id;
            }
        };
        assert_eq!(to_agents, id, "attempt {attempt}");
        // Another visitor's send goes through at once: nothing holds the workspace.
        let quick = tokio::time::timeout(
            Duration::from_secs(3),
            visitor_says(&other, &other_conversation.id, "still here", &format!("other-{attempt}")),
        )
        .await;
        assert!(quick.is_ok(), "a send waited on an abandoned one (attempt {attempt})");
        agent_event(&mut agents).await; // the other visitor's message
    }
    server.stop().await;
}
on_both_backends!(abandoned_sends_still_reach_the_feeds);

/// A replica killed between a commit and its publish leaves a message the other replicas'
/// feeds never heard of; when it starts again it publishes the last minute's events again,
/// and they arrive (once: feeds drop what they have).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_replica_publishes_what_a_crash_held_back() {
    let (a, b) = common::replica_pair(common::test_redis_url()).await;
    let s = setup(&a, "held-back@example.com").await;
    let conversation = start_conversation(&s.visitor).await;
    let agent_b = common::log_in(&b, "held-back@example.com").await;
    let mut agents = agent_feed(&agent_b, "").await;
    let mut visitor_events = visitor_feed(&s.visitor, "").await;
    let workspace_id = agent_b.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap();
    let workspace_id = workspace_id.into_inner().workspace.unwrap().id;

    // Let the events of the setup (the agent coming online, routing) pass first: a later
    // event would reveal the gap below and fill it from the store.
    while tokio::time::timeout(Duration::from_millis(500), agent_event(&mut agents)).await.is_ok() {}

    // Committed but never published: what a process killed right after the commit leaves.
    let store = porthole_server::store::Store::connect(&a.database.clone().unwrap(), 1).await.unwrap();
    let held_back = porthole_server::domain::conversation::MessageToSend {
        workspace_id: WorkspaceId::parse(&workspace_id).unwrap(),
        conversation_id: ConversationId::parse(&conversation.id).unwrap(),
        visitor_id: Some(VisitorId::parse(&s.visitor_id).unwrap()),
        sender: porthole_server::domain::conversation::Sender::Visitor,
        sender_id: s.visitor_id.clone(),
        sender_name: None,
        body: "held back".into(),
        internal: false,
        attachment_ids: vec![],
        client_key: "held-back-1".into(),
        message_id: MessageId::new(),
        now: porthole_server::store::now_ms(),
        notify: Vec::new(),
        while_bot: false,
        citations: Vec::new(),
        quick_replies: Vec::new(),
    };
    let id = held_back.message_id.clone();
    store.send_message(held_back).await.unwrap();
    // Nothing tells the feeds yet (other events, such as routing's, may pass).
    while let Ok(event) = tokio::time::timeout(Duration::from_millis(500), agent_event(&mut agents)).await {
        assert!(!matches!(event, AgentEvent::MessageCreated(_)), "{event:?}");
    }

    // "A" starts again: a third process on the same database and Redis.
    let database = a.database.clone().unwrap();
    let restarted = TestServer::start_with(Backend::Sqlite, move |c| {
        c.database = database;
        c.redis_url = Some(common::test_redis_url());
    })
    .await;
    let to_agents = loop {
        if let AgentEvent::MessageCreated(m) = agent_event(&mut agents).await {
            break m.id;
        }
    };
    assert_eq!(to_agents, id.as_str());
    let to_visitor = loop {
        if let VisitorEvent::MessageCreated(m) = visitor_event(&mut visitor_events).await {
            break m.id;
        }
    };
    assert_eq!(to_visitor, id.as_str());
    // Once: what was published again and the feed already had is dropped.
    while let Ok(event) = tokio::time::timeout(Duration::from_millis(500), agent_event(&mut agents)).await {
        assert!(!matches!(event, AgentEvent::MessageCreated(_)), "again: {event:?}");
    }
    restarted.stop().await;
    b.stop().await;
    a.stop().await;
}

/// Ids are typed at the edge: an existing id of another kind names nothing, and is refused
/// as such before any query runs.
async fn an_id_of_another_kind_is_not_found(backend: Backend) {
    let Chat { server, s, conversation, .. } = chat_started(backend, "kinds@example.com").await;
    let message = visitor_says(&s.visitor, &conversation.id, "hello", "k-kinds").await;

    // The visitor's id where a conversation's is expected.
    let status = s
        .agent
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: s.visitor_id.clone() })
        .await
        .unwrap_err();
    assert_eq!((status.code(), status.message()), (Code::NotFound, "conversation not found"), "{status:?}");
    // A message's id as the visitor's conversation.
    let status = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: message.id.clone(),
            body: "again".into(),
            client_key: "k-kinds-2".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    // A visitor as the assignee.
    let status = s
        .agent
        .conversations()
        .assign_conversation(pb::AssignConversationRequest {
            conversation_id: conversation.id.clone(),
            assignee_user_id: s.visitor_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert!(status.message().contains("assignee"), "{status:?}");
    // A conversation as the inbox's widget filter: a bad filter, named.
    let status = s
        .agent
        .conversations()
        .list_conversations(pb::ListConversationsRequest { widget_id: conversation.id.clone(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(common::violated_fields(&status), ["widget_id"]);
    // The right kinds still work.
    let found = s
        .agent
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap();
    assert_eq!(found.into_inner().conversation.unwrap().id, conversation.id);
    server.stop().await;
}
on_both_backends!(an_id_of_another_kind_is_not_found);

/// The widget's quiet period decides what a visitor's return to a resolved conversation
/// does: within it they continue (reopen) it; after it they get a new conversation, and
/// the rating stays with the one it rated.
async fn a_resolved_conversation_continues_only_within_the_quiet_period(backend: Backend) {
    let Chat { server, s, conversation, .. } = chat_started(backend, "quiet@example.com").await;
    let resolve = |id: String| {
        let agent = s.agent.clone();
        async move {
            agent.conversations().resolve_conversation(pb::ResolveConversationRequest { conversation_id: id }).await
        }
    };
    let quiet_period = |minutes: u32| {
        let (agent, widget_id) = (s.agent.clone(), s.widget.id.clone());
        async move {
            let behavior =
                pb::WidgetBehavior { sound_enabled: true, reopen_within_minutes: Some(minutes), ..Default::default() };
            agent
                .widgets()
                .update_widget(pb::UpdateWidgetRequest {
                    widget_id,
                    settings: Some(pb::WidgetSettings { behavior: Some(behavior), ..Default::default() }),
                    ..Default::default()
                })
                .await
        }
    };
    let start = |start_new: bool| {
        let visitor = s.visitor.clone();
        async move {
            visitor
                .visitor()
                .start_conversation(pb::StartConversationRequest { start_new, ..Default::default() })
                .await
                .unwrap()
                .into_inner()
        }
    };
    let status_of = |id: String| {
        let agent = s.agent.clone();
        async move {
            agent
                .conversations()
                .get_conversation(pb::GetConversationRequest { conversation_id: id })
                .await
                .unwrap()
                .into_inner()
                .conversation
                .unwrap()
        }
    };

    // Within the default hour a quick "thanks" reopens the resolved conversation.
    resolve(conversation.id.clone()).await.unwrap();
    visitor_says(&s.visitor, &conversation.id, "thanks!", "q-1").await;
    let reopened = status_of(conversation.id.clone()).await;
    assert_eq!(reopened.status(), pb::ConversationStatus::Active);
    let again = start(false).await;
    assert!(again.resumed && again.conversation.unwrap().id == conversation.id);

    // Resolved and rated; the quiet period is now 0: the visitor's next message is refused
    // there, and StartConversation gives a new conversation.
    resolve(conversation.id.clone()).await.unwrap();
    s.visitor
        .visitor()
        .rate_conversation(pb::RateConversationRequest {
            conversation_id: conversation.id.clone(),
            rating: 5,
            comment: "great".into(),
        })
        .await
        .unwrap();
    let status = quiet_period(43_201).await.unwrap_err();
    assert_eq!(common::violated_fields(&status), ["settings.behavior.reopen_within_minutes"]);
    quiet_period(0).await.unwrap();
    let refused = s
        .visitor
        .visitor()
        .send_message(pb::SendMessageRequest {
            conversation_id: conversation.id.clone(),
            body: "one more question".into(),
            client_key: "q-2".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    assert!(refused.message().contains("start a new one"), "{refused:?}");
    let fresh = start(false).await;
    let fresh_id = fresh.conversation.unwrap().id;
    assert!(!fresh.resumed);
    assert_ne!(fresh_id, conversation.id);
    visitor_says(&s.visitor, &fresh_id, "one more question", "q-2").await;
    let old = status_of(conversation.id.clone()).await;
    assert_eq!((old.status(), old.rating, old.rating_comment.as_str()), (pb::ConversationStatus::Resolved, 5, "great"));
    let new = status_of(fresh_id.clone()).await;
    assert_eq!(new.rating, 0);

    // An open conversation is returned even when a new one is asked for.
    let open = start(true).await;
    assert!(open.resumed && open.conversation.unwrap().id == fresh_id);
    // Within the quiet period the visitor may still choose a new conversation.
    quiet_period(60).await.unwrap();
    resolve(fresh_id.clone()).await.unwrap();
    assert_eq!(start(false).await.conversation.unwrap().id, fresh_id);
    let chosen = start(true).await;
    assert!(!chosen.resumed);
    assert_ne!(chosen.conversation.unwrap().id, fresh_id);
    server.stop().await;
}
on_both_backends!(a_resolved_conversation_continues_only_within_the_quiet_period);

/// The transcript tells the conversation's course in lines agents read ("resolved by
/// Olivia"): routing, a transfer, unassigning, resolving, a visitor's message reopening
/// it, reopening and closing by hand. Visitors never see them; they are not the preview
/// and not unread.
async fn the_transcript_tells_the_conversations_course(backend: Backend) {
    let Chat { server, s, conversation, .. } = chat_started(backend, "course@example.com").await;
    let (ann, ann_id) = common::join(&server, &s.agent, "ann@course.test", pb::Role::Agent).await;
    let id = conversation.id.clone();
    let conversations = s.agent.conversations();
    visitor_says(&s.visitor, &id, "Hello", "c-1").await;
    let assign = |user: String| {
        let mut c = conversations.clone();
        let id = id.clone();
        async move {
            c.assign_conversation(pb::AssignConversationRequest { conversation_id: id, assignee_user_id: user })
                .await
                .unwrap()
        }
    };
    assign(ann_id.clone()).await;
    assign(String::new()).await;
    // Ann takes it.
    ann.conversations()
        .assign_conversation(pb::AssignConversationRequest { conversation_id: id.clone(), assignee_user_id: ann_id })
        .await
        .unwrap();
    conversations
        .clone()
        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: id.clone() })
        .await
        .unwrap();
    visitor_says(&s.visitor, &id, "One more thing", "c-2").await;
    conversations
        .clone()
        .resolve_conversation(pb::ResolveConversationRequest { conversation_id: id.clone() })
        .await
        .unwrap();
    conversations
        .clone()
        .reopen_conversation(pb::ReopenConversationRequest { conversation_id: id.clone() })
        .await
        .unwrap();
    conversations
        .clone()
        .close_conversation(pb::CloseConversationRequest { conversation_id: id.clone() })
        .await
        .unwrap();

    let all = conversations
        .clone()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages;
    let transcript: Vec<(i64, &str)> = all
        .iter()
        .map(|m| (m.seq, if m.sender_type() == pb::SenderType::System { m.body.as_str() } else { "<message>" }))
        .collect();
    assert_eq!(
        transcript,
        vec![
            (1, "Assigned to Owner of Chat Co"),
            (2, "<message>"),
            (3, "Transferred from Owner of Chat Co to Ann Agent by Owner of Chat Co"),
            (4, "Unassigned from Ann Agent by Owner of Chat Co"),
            // Back in the queue, routing gives it to the only agent online at once.
            (5, "Assigned to Owner of Chat Co"),
            (6, "Transferred from Owner of Chat Co to Ann Agent by Ann Agent"),
            (7, "Resolved by Owner of Chat Co"),
            (8, "Reopened by a message from Vera"),
            (9, "<message>"),
            (10, "Resolved by Owner of Chat Co"),
            (11, "Reopened by Owner of Chat Co"),
            (12, "Closed by Owner of Chat Co"),
        ]
    );
    assert!(
        all.iter().filter(|m| m.sender_type() == pb::SenderType::System).all(|m| m.internal && m.sender_id.is_empty())
    );
    let seen_by_visitor = common::visitor_messages(&s.visitor, &id).await;
    assert_eq!(seen_by_visitor.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Hello", "One more thing"]);
    let listed = conversations
        .clone()
        .get_conversation(pb::GetConversationRequest { conversation_id: id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!(listed.last_message_preview, "One more thing", "a line is never the preview");
    assert_eq!(listed.unread_count, 2, "lines are not unread");
    let search = |query: &str| {
        let mut c = conversations.clone();
        let query = query.to_owned();
        async move {
            c.list_conversations(pb::ListConversationsRequest { query, ..Default::default() })
                .await
                .unwrap()
                .into_inner()
                .conversations
                .len()
        }
    };
    assert_eq!(search("one more thing").await, 1);
    assert_eq!(search("resolved by").await, 0, "lines are not searched");
    server.stop().await;
}
on_both_backends!(the_transcript_tells_the_conversations_course);
