//! The AI bot through the real client, on both backends, against a local OpenAI-compatible
//! model server (`model`) that our real provider client talks to over HTTP: grounded,
//! streamed and cited answers; hand-off on the visitor's button, in words, by the model's
//! tool call, after the turn limit and when the model fails; the bot's silence after a
//! hand-off; usage and failures for owners; widgets without a model.

use std::time::Duration;

use crate::common::{self, Backend, TestServer, agent_says, open_conversation, sign_up, start_visitor, visitor_says};
use crate::model::{Model, Script};
use porthole_client::{Porthole, pb};
use tonic::Code;

async fn bot_widget(owner: &Porthole, handler: pb::HandlerType, bot: pb::BotSettings) -> pb::Widget {
    owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Help".into(),
            settings: Some(pb::WidgetSettings { handler_type: handler.into(), bot: Some(bot), ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap()
}

fn penny() -> pb::BotSettings {
    pb::BotSettings { name: "Penny".into(), instructions: "Be brief.".into(), ..Default::default() }
}

async fn article(owner: &Porthole, title: &str, body: &str, url: &str, published: bool) {
    owner
        .knowledge()
        .create_article(pb::CreateArticleRequest {
            title: title.into(),
            body: body.into(),
            tags: vec![],
            published,
            url: url.into(),
        })
        .await
        .unwrap();
}

async fn feed(visitor: &Porthole) -> tonic::Streaming<pb::WatchVisitorFeedResponse> {
    visitor
        .visitor()
        .watch_visitor_feed(pb::WatchVisitorFeedRequest { cursor: String::new() })
        .await
        .unwrap()
        .into_inner()
}

/// Reads the feed until the bot's answer arrives; returns the drafts seen on the way.
async fn bot_answer(feed: &mut tonic::Streaming<pb::WatchVisitorFeedResponse>) -> (Vec<String>, pb::Message) {
    use pb::watch_visitor_feed_response::Event;
    let mut drafts = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match feed.message().await.unwrap().unwrap().event {
                Some(Event::Typing(t)) if !t.draft.is_empty() => drafts.push(t.draft),
                Some(Event::MessageCreated(m)) if m.sender_type() == pb::SenderType::Bot => return (drafts, m),
                _ => {}
            }
        }
    })
    .await
    .expect("the bot answered")
}

/// The conversation's messages as its agents see them (notes and lines included).
async fn agent_view(owner: &Porthole, conversation_id: &str) -> Vec<pb::Message> {
    owner
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: conversation_id.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages
}

async fn bot_status(owner: &Porthole) -> pb::GetBotStatusResponse {
    owner.bot().get_bot_status(pb::GetBotStatusRequest {}).await.unwrap().into_inner()
}

/// Waits until the workspace's bot status satisfies `done`.
async fn bot_status_until(
    owner: &Porthole,
    done: impl Fn(&pb::GetBotStatusResponse) -> bool,
) -> pb::GetBotStatusResponse {
    for _ in 0..300 {
        let status = bot_status(owner).await;
        if done(&status) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    panic!("the bot status never got there: {:?}", bot_status(owner).await);
}

async fn visitor_conversation(visitor: &Porthole, id: &str) -> pb::VisitorConversation {
    let list =
        visitor.visitor().list_visitor_conversations(pb::ListVisitorConversationsRequest::default()).await.unwrap();
    list.into_inner().conversations.into_iter().find(|c| c.id == id).unwrap()
}

async fn the_bot_answers_from_published_articles_and_cites_them(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "bot@example.com", "Bot Co").await;
    article(&owner, "Refund policy", "Refunds are paid back within 30 days.", "https://shop.example/refunds", true)
        .await;
    article(&owner, "Refund fraud checks", "SECRET-NOTE: check the order history first.", "", false).await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    model.then(Script::answer("You get your money back within 30 days [1]."));

    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let config = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .config
        .unwrap();
    assert!(config.online, "the bot answers now, with no agent around");
    assert!(!config.agents_online);
    assert_eq!(config.bot.unwrap().name, "Penny");
    let conversation = open_conversation(&visitor).await;
    assert!(conversation.with_bot);
    let mut feed = feed(&visitor).await;
    visitor_says(&visitor, &conversation.id, "How do refunds work?", "k1").await;

    let (drafts, answer) = bot_answer(&mut feed).await;
    assert_eq!(answer.body, "You get your money back within 30 days [1].");
    assert_eq!(answer.sender_name, "Penny");
    assert!(!drafts.is_empty(), "the answer streamed");
    assert!(drafts.iter().all(|d| answer.body.starts_with(d.trim_end())), "drafts grow into the answer: {drafts:?}");
    let citations: Vec<(&str, &str)> = answer.citations.iter().map(|c| (c.title.as_str(), c.url.as_str())).collect();
    assert_eq!(citations, [("Refund policy", "https://shop.example/refunds")]);

    let asked = model.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].authorization, "Bearer sk-test");
    assert_eq!(asked[0].body["model"], "test-model");
    assert_eq!(asked[0].body["stream"], true);
    let system = asked[0].system();
    assert!(system.contains("Refunds are paid back within 30 days."), "{system}");
    assert!(system.contains("Be brief."));
    assert!(!system.contains("SECRET-NOTE"), "unpublished articles never reach the model");
    assert_eq!(asked[0].last(), "How do refunds work?");

    let status = bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.answers == 1)).await;
    assert!(status.configured);
    assert_eq!((status.model.as_str(), status.provider_host.as_str()), ("test-model", "127.0.0.1"));
    let day = &status.days[0];
    assert_eq!((day.requests, day.prompt_tokens, day.completion_tokens, day.failures), (1, 100, 10, 0));
    assert_eq!(status.last_error, "");
    server.stop().await;
}
crate::on_both_backends!(the_bot_answers_from_published_articles_and_cites_them);

async fn the_bot_never_speaks_after_a_hand_off(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "handoff@example.com", "Handoff Co").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    // A slow answer: the visitor asks for a person while it is being written.
    let pieces = (0..10).map(|i| format!("word{i} ")).collect();
    model.then(Script::Answer { pieces, pause: Duration::from_millis(150) });
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    let mut feed = feed(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Where is my parcel?", "k1").await;
    tokio::time::timeout(Duration::from_secs(10), async {
        use pb::watch_visitor_feed_response::Event;
        loop {
            if let Some(Event::Typing(t)) = feed.message().await.unwrap().unwrap().event
                && !t.draft.is_empty()
            {
                return;
            }
        }
    })
    .await
    .expect("the answer started streaming");
    let handed = visitor
        .visitor()
        .request_human(pb::RequestHumanRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert!(!handed.with_bot);
    assert_eq!(handed.queue_position, 1, "queued for the agents");
    model.wait_finished(1).await;
    bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.requests == 1 && d.hand_offs == 1)).await;
    // The answer the model finished after the hand-off was dropped.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let messages = agent_view(&owner, &conversation.id).await;
    assert!(!messages.iter().any(|m| m.sender_type() == pb::SenderType::Bot && !m.internal), "{messages:?}");
    let texts: Vec<&str> = messages.iter().map(|m| m.body.as_str()).collect();
    assert!(texts.contains(&"Handed over to the team: the visitor asked for a person"), "{texts:?}");
    assert!(texts.contains(&"Summary for the team: The visitor wrote: “Where is my parcel?”"), "{texts:?}");
    let note = messages.iter().find(|m| m.body.starts_with("Summary")).unwrap();
    assert!(note.internal && note.sender_name == "Penny");

    // The agent answers; the visitor writes again; the model is never asked again.
    agent_says(&owner, &conversation.id, "Let me check that for you.", false).await;
    visitor_says(&visitor, &conversation.id, "Thanks!", "k2").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(model.asked().len(), 1);
    let messages = common::visitor_messages(&visitor, &conversation.id).await;
    assert!(!messages.iter().any(|m| m.sender_type() == pb::SenderType::Bot));
    server.stop().await;
}
crate::on_both_backends!(the_bot_never_speaks_after_a_hand_off);

async fn the_model_hands_off_by_its_tool_and_failures_hand_off_too(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "tool@example.com", "Tool Co").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;

    // The model's own decision, with its reason and summary.
    model.then(Script::HandOff { reason: "refund dispute".into(), summary: "Wants order 123 refunded.".into() });
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let first = open_conversation(&visitor).await;
    visitor_says(&visitor, &first.id, "I was charged twice for order 123!", "k1").await;
    bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.hand_offs == 1)).await;
    let texts: Vec<String> = agent_view(&owner, &first.id).await.into_iter().map(|m| m.body).collect();
    assert!(texts.contains(&"Handed over to the team: the assistant passed it on: refund dispute".to_owned()));
    assert!(texts.contains(&"Summary for the team: Wants order 123 refunded.".to_owned()));
    assert!(!visitor_conversation(&visitor, &first.id).await.with_bot);

    // The model fails twice (one retry): handed over, never silence; owners see why.
    model.then(Script::Fail(500));
    model.then(Script::Fail(503));
    let (other, _) = start_visitor(&server, &widget.public_token).await;
    let second = open_conversation(&other).await;
    visitor_says(&other, &second.id, "Do you ship to Norway?", "k1").await;
    let status = bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.hand_offs == 2)).await;
    assert_eq!((status.days[0].failures, status.days[0].requests), (1, 3), "a failure after one retry");
    assert!(status.last_error.contains("503"), "{}", status.last_error);
    assert!(status.last_error_time.is_some());
    let texts: Vec<String> = agent_view(&owner, &second.id).await.into_iter().map(|m| m.body).collect();
    assert!(texts.contains(&"Handed over to the team: the assistant could not reach its AI model".to_owned()));
    assert!(!visitor_conversation(&other, &second.id).await.with_bot);
    server.stop().await;
}
crate::on_both_backends!(the_model_hands_off_by_its_tool_and_failures_hand_off_too);

async fn asking_in_words_and_the_turn_limit_hand_off_without_the_model(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "turns@example.com", "Turns Co").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, pb::BotSettings { max_turns: 1, ..penny() }).await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    let mut feed = feed(&visitor).await;
    visitor_says(&visitor, &conversation.id, "When are you open?", "k1").await;
    let (_, answer) = bot_answer(&mut feed).await;
    assert_eq!(answer.body, "I do not know.");
    assert!(answer.citations.is_empty());
    visitor_says(&visitor, &conversation.id, "And on Sundays?", "k2").await;
    bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.hand_offs == 1)).await;
    let texts: Vec<String> = agent_view(&owner, &conversation.id).await.into_iter().map(|m| m.body).collect();
    assert!(texts.contains(&"Handed over to the team: 1 answers by the assistant did not settle it".to_owned()));

    let (other, _) = start_visitor(&server, &widget.public_token).await;
    let second = open_conversation(&other).await;
    visitor_says(&other, &second.id, "Can I talk to a human?", "k1").await;
    bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.hand_offs == 2)).await;
    let texts: Vec<String> = agent_view(&owner, &second.id).await.into_iter().map(|m| m.body).collect();
    assert!(texts.contains(&"Handed over to the team: the visitor asked for a person in their message".to_owned()));
    assert_eq!(model.asked().len(), 1, "neither hand-off asked the model");
    server.stop().await;
}
crate::on_both_backends!(asking_in_words_and_the_turn_limit_hand_off_without_the_model);

/// Without a model, bot widgets are answered by the agents and say so; guided flows cannot
/// be chosen; bot settings are checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_the_agents_answer_and_settings_are_checked() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (owner, _) = sign_up(&server, "nomodel@example.com", "No Model").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    assert_eq!(widget.settings.as_ref().unwrap().bot.as_ref().unwrap().max_turns, 5, "0 means the default");
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let config = visitor
        .visitor()
        .get_widget_config(pb::GetWidgetConfigRequest { widget_token: widget.public_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .config
        .unwrap();
    assert!(config.bot.is_none() && !config.online, "nobody answers now: no model, no agent");
    assert!(!open_conversation(&visitor).await.with_bot);
    let status = bot_status(&owner).await;
    assert!(!status.configured && status.model.is_empty());

    let refused = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Flows".into(),
            settings: Some(pb::WidgetSettings {
                handler_type: pb::HandlerType::Workflow.into(),
                bot: Some(pb::BotSettings {
                    name: "x".repeat(61),
                    avatar_url: "javascript:alert(1)".into(),
                    instructions: "y".repeat(4001),
                    max_turns: 51,
                }),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    let mut fields = common::violated_fields(&refused);
    fields.sort();
    assert_eq!(
        fields,
        [
            "settings.bot.avatar_url",
            "settings.bot.instructions",
            "settings.bot.max_turns",
            "settings.bot.name",
            "settings.flow.steps"
        ]
    );
    // Agents may not read the bot's usage.
    let (agent, _) = common::join(&server, &owner, "agent@example.com", pb::Role::Agent).await;
    let denied = agent.bot().get_bot_status(pb::GetBotStatusRequest {}).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    server.stop().await;
}

/// A model that does not answer within the timeout hands the conversation over too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_hangs_hands_over() {
    let model = Model::start().await;
    let settings = porthole_server::bot::provider::ProviderSettings {
        timeout: Duration::from_secs(1),
        retries: 0,
        ..model.settings()
    };
    let server = TestServer::start_with(Backend::Sqlite, |c| c.llm = Some(settings)).await;
    let (owner, _) = sign_up(&server, "hang@example.com", "Hang Co").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    model.then(Script::Hang(Duration::from_secs(3)));
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Hello?", "k1").await;
    let status = bot_status_until(&owner, |s| s.days.first().is_some_and(|d| d.hand_offs == 1)).await;
    assert!(status.last_error.contains("did not answer within"), "{}", status.last_error);
    assert!(!visitor_conversation(&visitor, &conversation.id).await.with_bot);
    server.stop().await;
}

async fn agents_get_drafts_and_summaries(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "assist@example.com", "Assist Co").await;
    article(&owner, "Refund policy", "Refunds are paid back within 30 days.", "https://shop.example/refunds", true)
        .await;
    let widget = common::create_widget(&owner, "Agents only").await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    let suggest = |id: &str| pb::SuggestReplyRequest { conversation_id: id.into() };
    let summarize = |id: &str| pb::SummarizeConversationRequest { conversation_id: id.into() };
    let nothing = owner.bot().suggest_reply(suggest(&conversation.id)).await.unwrap_err();
    assert_eq!(nothing.code(), Code::FailedPrecondition, "nothing to answer yet");
    visitor_says(&visitor, &conversation.id, "How long do refunds take?", "k1").await;

    model.then(Script::answer("Refunds are paid back within 30 days [1]."));
    let draft = owner.bot().suggest_reply(suggest(&conversation.id)).await.unwrap().into_inner();
    assert_eq!(draft.text, "Refunds are paid back within 30 days [1].");
    assert_eq!(draft.citations.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["Refund policy"]);
    let asked = model.asked();
    assert!(asked[0].body.get("tools").is_none(), "agents are not offered the hand-off");
    assert!(asked[0].system().contains("Refunds are paid back within 30 days."));
    assert!(common::visitor_messages(&visitor, &conversation.id).await.len() == 1, "nothing was sent");

    model.then(Script::answer("The visitor asks how long refunds take."));
    let summary = owner.bot().summarize_conversation(summarize(&conversation.id)).await.unwrap().into_inner();
    assert_eq!(summary.summary, "The visitor asks how long refunds take.");
    assert_eq!(model.asked()[1].last(), "Visitor: How long do refunds take?");

    model.then(Script::Fail(500));
    model.then(Script::Fail(500));
    let failed = owner.bot().summarize_conversation(summarize(&conversation.id)).await.unwrap_err();
    assert_eq!(failed.code(), Code::Unavailable);
    assert!(failed.message().contains("500"), "{}", failed.message());

    let (stranger, _) = sign_up(&server, "stranger@example.com", "Stranger").await;
    let foreign = stranger.bot().suggest_reply(suggest(&conversation.id)).await.unwrap_err();
    assert_eq!(foreign.code(), Code::NotFound);
    let status = bot_status(&owner).await;
    assert_eq!((status.days[0].requests, status.days[0].failures, status.days[0].answers), (4, 1, 0));
    server.stop().await;
}
crate::on_both_backends!(agents_get_drafts_and_summaries);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assist_without_a_model_says_so() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (owner, _) = sign_up(&server, "assist-none@example.com", "No Assist").await;
    let widget = common::create_widget(&owner, "Agents only").await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Hello", "k1").await;
    let refused = owner
        .bot()
        .suggest_reply(pb::SuggestReplyRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert!(refused.message().contains("PORTHOLE_LLM_BASE_URL"), "{}", refused.message());
    server.stop().await;
}

/// An agent who answers a bot's conversation takes it: the bot stops there and then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_answering_takes_the_conversation_from_the_bot() {
    let model = Model::start().await;
    let server = TestServer::start_with(Backend::Sqlite, |c| c.llm = Some(model.settings())).await;
    let (owner, session) = sign_up(&server, "takeover@example.com", "Takeover Co").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    let mut feed = feed(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Hello?", "k1").await;
    bot_answer(&mut feed).await;
    agent_says(&owner, &conversation.id, "Hi, I am a person. How can I help?", false).await;
    let now = visitor_conversation(&visitor, &conversation.id).await;
    assert!(!now.with_bot && now.queue_position == 0 && now.agent_name == "Owner of Takeover Co");
    let agent_side = owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .conversation
        .unwrap();
    assert_eq!(agent_side.assignee_user_id, session.user.unwrap().id);
    assert_eq!(agent_side.responder(), pb::Responder::Agents);
    visitor_says(&visitor, &conversation.id, "Thanks", "k2").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(model.asked().len(), 1, "the bot stopped when the agent answered");
    let texts: Vec<String> = agent_view(&owner, &conversation.id).await.into_iter().map(|m| m.body).collect();
    assert!(texts.contains(&"Owner of Takeover Co took the conversation".to_owned()), "{texts:?}");
    server.stop().await;
}

async fn canned_responses_marked_as_knowledge_reach_the_model(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "canned-kb@example.com", "Canned Co").await;
    let canned = |shortcut: &str, body: &str, knowledge: bool| pb::CreateCannedResponseRequest {
        shortcut: shortcut.into(),
        title: String::new(),
        body: body.into(),
        knowledge,
    };
    let norway = owner
        .canned()
        .create_canned_response(canned("norway", "We ship to Norway within a week.", true))
        .await
        .unwrap();
    assert!(norway.into_inner().canned_response.unwrap().knowledge);
    owner.canned().create_canned_response(canned("secret", "Norway discount code: SECRET-42", false)).await.unwrap();
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    let mut feed = feed(&visitor).await;
    model.then(Script::answer("Yes, within a week."));
    visitor_says(&visitor, &conversation.id, "Do you ship to Norway?", "k1").await;
    let (_, answer) = bot_answer(&mut feed).await;
    assert!(answer.citations.is_empty(), "canned responses are not cited");
    let system = model.asked()[0].system();
    assert!(system.contains("We ship to Norway within a week."), "{system}");
    assert!(!system.contains("SECRET-42"), "only those marked as knowledge");
    server.stop().await;
}
crate::on_both_backends!(canned_responses_marked_as_knowledge_reach_the_model);

/// The bot's answer is e-mailed to a visitor who gave an address and left it unread, as an
/// agent's reply is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_answer_of_the_bot_is_emailed() {
    let model = Model::start().await;
    let mailbox = crate::mailbox::Mailbox::start().await;
    let url = mailbox.url();
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.llm = Some(model.settings());
        c.mail = Some(porthole_server::jobs::mail::MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        c.unread_reply_delay = Duration::from_millis(400);
    })
    .await;
    let (owner, _) = sign_up(&server, "bot-mail@example.com", "Bot Mail Co").await;
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    visitor
        .visitor()
        .update_visitor(pb::UpdateVisitorRequest { email: Some("vera@visitor.test".into()), ..Default::default() })
        .await
        .unwrap();
    let conversation = open_conversation(&visitor).await;
    model.then(Script::answer("We open at nine."));
    visitor_says(&visitor, &conversation.id, "When do you open?", "k1").await;
    let mails = mailbox.wait_for(1).await;
    assert_eq!(mails[0].to, ["vera@visitor.test"]);
    assert!(mails[0].text().contains("We open at nine."), "{}", mails[0].text());
    server.stop().await;
}

/// A workspace brings its own model: stored with its key sealed (never returned), used
/// for that workspace only, under the webhooks' address policy; removing it puts the
/// agents back in charge.
async fn a_workspace_brings_its_own_model(backend: Backend) {
    let model = Model::start().await;
    let server = TestServer::start_with(backend, |c| {
        c.webhook_addresses.allowed = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let (owner, _) = sign_up(&server, "own@example.com", "Own Co").await;
    let (other, _) = sign_up(&server, "other@example.com", "Other Co").await;
    assert!(!bot_status(&owner).await.configured, "no model on this server");
    let set = |base_url: &str, model: &str, api_key: &str, keep: bool| pb::SetWorkspaceModelRequest {
        base_url: base_url.into(),
        model: model.into(),
        api_key: api_key.into(),
        keep_api_key: keep,
    };

    // Input rules and roles.
    let bad = owner.bot().set_workspace_model(set("ftp://x", "", &"k".repeat(501), false)).await.unwrap_err();
    assert_eq!(common::violated_fields(&bad), ["base_url", "model", "api_key"]);
    let private = owner.bot().set_workspace_model(set("http://10.1.2.3/v1", "m", "", false)).await.unwrap_err();
    assert_eq!(common::violated_fields(&private), ["base_url"]);
    assert!(private.message().contains("private"), "{}", private.message());
    let (agent, _) = common::join(&server, &owner, "agent@example.com", pb::Role::Agent).await;
    let denied = agent.bot().set_workspace_model(set(&model.base_url, "m", "", false)).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);

    let saved = owner
        .bot()
        .set_workspace_model(set(&model.base_url, "own-model", "sk-own-123", false))
        .await
        .unwrap()
        .into_inner()
        .workspace_model
        .unwrap();
    assert_eq!((saved.model.as_str(), saved.api_key_set), ("own-model", true));
    let status = bot_status(&owner).await;
    assert!(status.configured);
    assert_eq!((status.model.as_str(), status.provider_host.as_str()), ("own-model", "127.0.0.1"));
    assert!(!format!("{status:?}").contains("sk-own-123"), "the key is never returned");
    assert!(!bot_status(&other).await.configured, "another workspace does not get it");

    // Its bot answers with it, sending the key; a later change keeps the key.
    owner.bot().set_workspace_model(set(&model.base_url, "own-model-2", "", true)).await.unwrap();
    let widget = bot_widget(&owner, pb::HandlerType::AiBot, penny()).await;
    model.then(Script::answer("Hello from your own model."));
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let conversation = open_conversation(&visitor).await;
    assert!(conversation.with_bot);
    let mut feed = feed(&visitor).await;
    visitor_says(&visitor, &conversation.id, "Hi there, who answers?", "k1").await;
    let (_, answer) = bot_answer(&mut feed).await;
    assert_eq!(answer.body, "Hello from your own model.");
    let asked = model.asked();
    assert_eq!(asked[0].authorization, "Bearer sk-own-123");
    assert_eq!(asked[0].body["model"], "own-model-2");

    // Removed: the agents answer again.
    let removed = owner.bot().set_workspace_model(set("", "", "", false)).await.unwrap().into_inner();
    assert!(removed.workspace_model.is_none());
    assert!(!bot_status(&owner).await.configured);
    let (later, _) = start_visitor(&server, &widget.public_token).await;
    assert!(!open_conversation(&later).await.with_bot);
    server.stop().await;
}
crate::on_both_backends!(a_workspace_brings_its_own_model);
