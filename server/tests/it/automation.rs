//! Rules and guided flows through the real client, on both backends: greeting, keyword
//! and away replies with their actions (each rule once per conversation), proactive
//! messages, a guided flow that collects an e-mail and routes to a team, and the input
//! rules, roles and workspace boundaries of RuleService.

use std::time::Duration;

use crate::common::{
    self, Backend, TestServer, join, open_conversation, sign_up, start_visitor, violated_fields, visitor_messages,
    visitor_says,
};
use porthole_client::{Porthole, pb};
use tonic::Code;

/// The visitor's messages once `done` holds for them (within 10 s).
async fn messages_until(
    visitor: &Porthole,
    conversation_id: &str,
    done: impl Fn(&[pb::Message]) -> bool,
) -> Vec<pb::Message> {
    for _ in 0..200 {
        let messages = visitor_messages(visitor, conversation_id).await;
        if done(&messages) {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let messages = visitor_messages(visitor, conversation_id).await;
    panic!("never happened; the messages: {:#?}", messages.iter().map(|m| &m.body).collect::<Vec<_>>());
}

fn bodies(messages: &[pb::Message]) -> Vec<&str> {
    messages.iter().map(|m| m.body.as_str()).collect()
}

async fn get(owner: &Porthole, id: &str) -> pb::GetConversationResponse {
    owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: id.into() })
        .await
        .unwrap()
        .into_inner()
}

fn rule(
    name: &str,
    trigger: pb::RuleTrigger,
    conditions: pb::RuleConditions,
    actions: pb::RuleActions,
) -> pb::CreateRuleRequest {
    pb::CreateRuleRequest {
        name: name.into(),
        enabled: true,
        trigger: trigger.into(),
        conditions: Some(conditions),
        actions: Some(actions),
    }
}

/// The conversation once `done` holds for it (within 10 s): a rule's actions after its
/// reply are separate writes.
async fn conversation_until(owner: &Porthole, id: &str, done: impl Fn(&pb::Conversation) -> bool) -> pb::Conversation {
    for _ in 0..200 {
        let conversation = get(owner, id).await.conversation.unwrap();
        if done(&conversation) {
            return conversation;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the conversation never got there: {:#?}", get(owner, id).await.conversation);
}

async fn widget_config(server: &TestServer, token: &str) -> pb::WidgetConfig {
    let request = pb::GetWidgetConfigRequest { widget_token: token.into() };
    server.new_client().visitor().get_widget_config(request).await.unwrap().into_inner().config.unwrap()
}

async fn create(owner: &Porthole, request: pb::CreateRuleRequest) -> pb::Rule {
    owner.rules().create_rule(request).await.unwrap().into_inner().rule.unwrap()
}

fn reply(text: &str) -> pb::RuleActions {
    pb::RuleActions { reply: text.into(), ..Default::default() }
}

async fn rules_greet_answer_keywords_and_act_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "rules@example.com", "Rules Co").await;
    let greeting = create(
        &owner,
        rule("Greeting", pb::RuleTrigger::ConversationStarted, Default::default(), reply("Thanks for writing!")),
    )
    .await;
    assert!(greeting.id.starts_with("rul_"));
    create(
        &owner,
        rule(
            "Refunds",
            pb::RuleTrigger::VisitorMessage,
            pb::RuleConditions {
                message_contains_any: vec!["Refund".into(), "money back".into()],
                ..Default::default()
            },
            pb::RuleActions {
                reply: "Refunds take 5 days.".into(),
                add_tags: vec!["refund".into()],
                priority: pb::Priority::High.into(),
                ..Default::default()
            },
        ),
    )
    .await;
    let away = rule(
        "Away",
        pb::RuleTrigger::VisitorMessage,
        pb::RuleConditions { business_hours: pb::BusinessHoursState::Closed.into(), ..Default::default() },
        reply("We're away; we answer tomorrow."),
    );
    create(&owner, away).await;
    let mut off = rule("Off", pb::RuleTrigger::VisitorMessage, Default::default(), reply("never said"));
    off.enabled = false;
    create(&owner, off).await;

    // Open all day (no business hours): the greeting, then the keyword reply, each once.
    let widget = common::create_widget(&owner, "Site").await;
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let c = open_conversation(&visitor).await;
    visitor_says(&visitor, &c.id, "hello", "k1").await;
    let messages = messages_until(&visitor, &c.id, |m| m.len() >= 2).await;
    assert_eq!(bodies(&messages), ["hello", "Thanks for writing!"]);
    let greeted = &messages[1];
    assert!(greeted.automated);
    assert_eq!(greeted.sender_type(), pb::SenderType::Bot);
    assert_eq!((greeted.sender_id.as_str(), greeted.sender_name.as_str()), (greeting.id.as_str(), "Assistant"));

    // Automation answers nobody's question for the team: still pending, no first response.
    let row = get(&owner, &c.id).await.conversation.unwrap();
    assert_eq!(row.status(), pb::ConversationStatus::Pending);
    assert!(row.first_response_time.is_none());

    visitor_says(&visitor, &c.id, "I want my REFUND, please", "k2").await;
    let messages = messages_until(&visitor, &c.id, |m| m.len() >= 4).await;
    assert_eq!(bodies(&messages)[2..], ["I want my REFUND, please", "Refunds take 5 days."]);
    let conversation = conversation_until(&owner, &c.id, |c| c.priority() == pb::Priority::High).await;
    assert_eq!(conversation.tags, ["refund"]);
    assert_eq!(conversation.priority(), pb::Priority::High);

    // Once per conversation: asking again gets no second reply.
    visitor_says(&visitor, &c.id, "refund?", "k3").await;
    visitor_says(&visitor, &c.id, "still there?", "k4").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let messages = visitor_messages(&visitor, &c.id).await;
    assert_eq!(bodies(&messages)[4..], ["refund?", "still there?"]);
    assert!(!bodies(&messages).contains(&"never said"), "a disabled rule never acts");

    // A widget outside its business hours (none open on any day) gets the away reply.
    let closed = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Closed".into(),
            settings: Some(pb::WidgetSettings {
                business_hours: Some(pb::BusinessHours {
                    enabled: true,
                    time_zone: "UTC".into(),
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
    let (late, _) = start_visitor(&server, &closed.public_token).await;
    let c2 = open_conversation(&late).await;
    visitor_says(&late, &c2.id, "anyone?", "k1").await;
    let messages = messages_until(&late, &c2.id, |m| m.len() >= 3).await;
    assert_eq!(bodies(&messages), ["anyone?", "Thanks for writing!", "We're away; we answer tomorrow."]);

    // Another workspace's visitors meet none of these rules.
    let (other, _) = sign_up(&server, "other@example.com", "Other Co").await;
    let theirs = common::create_widget(&other, "Theirs").await;
    let (stranger, _) = start_visitor(&server, &theirs.public_token).await;
    let c3 = open_conversation(&stranger).await;
    visitor_says(&stranger, &c3.id, "refund", "k1").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(bodies(&visitor_messages(&stranger, &c3.id).await), ["refund"]);
    server.stop().await;
}
crate::on_both_backends!(rules_greet_answer_keywords_and_act_once);

async fn rules_route_by_attribute_and_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "route@example.com", "Route Co").await;
    let (_agent, agent_id) = join(&server, &owner, "vip@example.com", pb::Role::Agent).await;
    let team = owner
        .teams()
        .create_team(pb::CreateTeamRequest { name: "VIP".into(), member_user_ids: vec![agent_id.clone()] })
        .await
        .unwrap()
        .into_inner()
        .team
        .unwrap();
    let canned = owner
        .canned()
        .create_canned_response(pb::CreateCannedResponseRequest {
            shortcut: "vip".into(),
            title: "VIP".into(),
            body: "Hi {{visitor.name}}, {{agent.name}} here: a VIP specialist is on the way.".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .canned_response
        .unwrap();
    create(
        &owner,
        rule(
            "VIPs on pricing",
            pb::RuleTrigger::ConversationStarted,
            pb::RuleConditions {
                page_url_pattern: "*/pricing*".into(),
                visitor_attributes: [("plan".to_owned(), "pro".to_owned())].into(),
                ..Default::default()
            },
            pb::RuleActions {
                canned_response_id: canned.id.clone(),
                team_id: team.id.clone(),
                assignee_user_id: agent_id.clone(),
                ..Default::default()
            },
        ),
    )
    .await;
    let widget = common::create_widget(&owner, "Site").await;

    // Not a VIP: nothing happens.
    let (plain, _) = start_visitor(&server, &widget.public_token).await;
    let start = |url: &str| pb::StartConversationRequest { source_url: url.into(), ..Default::default() };
    let c1 = plain.visitor().start_conversation(start("https://shop.example/pricing")).await.unwrap();
    let c1 = c1.into_inner().conversation.unwrap();
    visitor_says(&plain, &c1.id, "hi", "k").await;

    // A VIP on the pricing page: the canned reply, the team and the agent.
    let (vip, _) = start_visitor(&server, &widget.public_token).await;
    let attributes = [("plan".to_owned(), "Pro".to_owned())].into();
    vip.visitor().update_visitor(pb::UpdateVisitorRequest { attributes, ..Default::default() }).await.unwrap();
    let c2 = vip.visitor().start_conversation(start("https://shop.example/pricing?ref=ad")).await.unwrap();
    let c2 = c2.into_inner().conversation.unwrap();
    visitor_says(&vip, &c2.id, "hi", "k").await;
    let messages = messages_until(&vip, &c2.id, |m| m.len() >= 2).await;
    assert_eq!(bodies(&messages), ["hi", "Hi there, Assistant here: a VIP specialist is on the way."]);
    let conversation = conversation_until(&owner, &c2.id, |c| !c.assignee_user_id.is_empty()).await;
    assert_eq!(
        (conversation.team_id.as_str(), conversation.assignee_user_id.as_str()),
        (team.id.as_str(), agent_id.as_str())
    );
    assert_eq!(bodies(&visitor_messages(&plain, &c1.id).await), ["hi"]);
    let plain_row = get(&owner, &c1.id).await.conversation.unwrap();
    assert!(plain_row.team_id.is_empty());
    server.stop().await;
}
crate::on_both_backends!(rules_route_by_attribute_and_page);

async fn proactive_messages_open_conversations(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "nudge@example.com", "Nudge Co").await;
    let nudge = create(
        &owner,
        rule(
            "Pricing nudge",
            pb::RuleTrigger::PageVisit,
            pb::RuleConditions {
                page_url_pattern: "*/pricing*".into(),
                time_on_page_seconds: 20,
                returning_visitor_only: true,
                ..Default::default()
            },
            reply("Questions about plans?"),
        ),
    )
    .await;
    // An agent online: routing assigns the conversation at once, writing its internal line
    // before the opening (which must still be written).
    let _feed = owner.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap();
    for _ in 0..150 {
        let workload = owner.workspace().get_workload(pb::GetWorkloadRequest {}).await.unwrap().into_inner();
        if workload.members.iter().any(|m| m.presence() == pb::AgentStatus::Online) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let widget = common::create_widget(&owner, "Site").await;
    let config = widget_config(&server, &widget.public_token).await;
    assert_eq!(
        config.proactive_messages,
        [pb::ProactiveMessage {
            rule_id: nudge.id.clone(),
            text: "Questions about plans?".into(),
            page_url_pattern: "*/pricing*".into(),
            time_on_page_seconds: 20,
            returning_visitor_only: true,
        }]
    );
    assert_eq!(config.assistant_name, "Assistant");
    assert!(config.flow_opening.is_empty());

    // Answering it: the conversation starts with the message the visitor saw.
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let started = visitor
        .visitor()
        .start_conversation(pb::StartConversationRequest { proactive_rule_id: nudge.id.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let c = started.conversation.unwrap();
    assert_eq!(c.agent_name, "Owner of Nudge Co", "assigned at once, its line written first");
    assert!(c.last_seq > 0, "the response counts the opening message");
    visitor_says(&visitor, &c.id, "yes, the Pro plan", "k").await;
    let messages = visitor_messages(&visitor, &c.id).await;
    assert_eq!(bodies(&messages), ["Questions about plans?", "yes, the Pro plan"]);
    assert!(messages[0].automated);
    // Resuming the open conversation writes nothing more.
    let again = visitor
        .visitor()
        .start_conversation(pb::StartConversationRequest { proactive_rule_id: nudge.id.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert!(again.resumed);
    assert_eq!(visitor_messages(&visitor, &c.id).await.len(), 2);

    // A disabled rule, a foreign or malformed id: a plain conversation.
    let mut off = rule("Off", pb::RuleTrigger::PageVisit, Default::default(), reply("off"));
    off.enabled = false;
    let off = create(&owner, off).await;
    let (other, _) = sign_up(&server, "other@example.com", "Other Co").await;
    let foreign = create(&other, rule("Theirs", pb::RuleTrigger::PageVisit, Default::default(), reply("theirs"))).await;
    for id in [off.id, foreign.id, "nonsense".to_owned()] {
        let (v, _) = start_visitor(&server, &widget.public_token).await;
        let c = v
            .visitor()
            .start_conversation(pb::StartConversationRequest { proactive_rule_id: id, ..Default::default() })
            .await
            .unwrap()
            .into_inner()
            .conversation
            .unwrap();
        assert!(visitor_messages(&v, &c.id).await.is_empty());
    }
    server.stop().await;
}
crate::on_both_backends!(proactive_messages_open_conversations);

fn step(id: &str, kind: pb::FlowStepKind, text: &str) -> pb::FlowStep {
    pb::FlowStep { id: id.into(), kind: kind.into(), text: text.into(), ..Default::default() }
}

/// What can we help with? Sales → e-mail → route to the team; Support → end.
fn sales_flow(team_id: &str) -> pb::GuidedFlow {
    let mut ask = step("ask", pb::FlowStepKind::Question, "What can we help with?");
    ask.attribute = "topic".into();
    ask.choices = vec![
        pb::FlowChoice { label: "Sales".into(), next: "email".into() },
        pb::FlowChoice { label: "Support".into(), next: "bye".into() },
    ];
    let mut email = step("email", pb::FlowStepKind::Collect, "What's your e-mail?");
    email.field = pb::FlowField::Email.into();
    email.attribute = "email".into();
    let mut route = step("route", pb::FlowStepKind::Route, "Connecting you with Sales…");
    route.team_id = team_id.into();
    pb::GuidedFlow {
        steps: vec![
            step("hello", pb::FlowStepKind::Message, "Hi there!"),
            ask,
            email,
            route,
            step("bye", pb::FlowStepKind::End, "Thanks, bye"),
        ],
    }
}

async fn guided_flows_collect_and_route_to_a_team(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "flow@example.com", "Flow Co").await;
    let (sales_agent, sales_id) = join(&server, &owner, "sales@example.com", pb::Role::Agent).await;
    let _feed = sales_agent.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap();
    let team = owner
        .teams()
        .create_team(pb::CreateTeamRequest { name: "Sales".into(), member_user_ids: vec![sales_id.clone()] })
        .await
        .unwrap()
        .into_inner()
        .team
        .unwrap();
    let settings = pb::WidgetSettings {
        handler_type: pb::HandlerType::Workflow.into(),
        flow: Some(sales_flow(&team.id)),
        ..Default::default()
    };
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest { name: "Flow".into(), settings: Some(settings) })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let stored = widget.settings.unwrap().flow.unwrap();
    assert_eq!(stored.steps[3].team_id, team.id);
    let config = widget_config(&server, &widget.public_token).await;
    assert_eq!(
        config.flow_opening,
        [
            pb::AutomatedPrompt { text: "Hi there!".into(), quick_replies: vec![] },
            pb::AutomatedPrompt {
                text: "What can we help with?".into(),
                quick_replies: vec!["Sales".into(), "Support".into()]
            },
        ]
    );
    assert!(config.online, "the flow answers around the clock");

    // The opening is written when the conversation starts.
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let c = open_conversation(&visitor).await;
    let messages = visitor_messages(&visitor, &c.id).await;
    assert_eq!(bodies(&messages), ["Hi there!", "What can we help with?"]);
    assert_eq!(messages[1].quick_replies, ["Sales", "Support"]);
    assert!(messages.iter().all(|m| m.automated && m.sender_id == "flow"));
    assert_eq!(get(&owner, &c.id).await.conversation.unwrap().responder(), pb::Responder::Workflow);
    assert!(c.with_flow && !c.with_bot);

    visitor_says(&visitor, &c.id, "pizza", "k1").await;
    messages_until(&visitor, &c.id, |m| m.last().is_some_and(|m| m.body == "Please choose one of these answers."))
        .await;
    visitor_says(&visitor, &c.id, "sales", "k2").await;
    messages_until(&visitor, &c.id, |m| m.last().is_some_and(|m| m.body == "What's your e-mail?")).await;
    visitor_says(&visitor, &c.id, "not an address", "k3").await;
    messages_until(&visitor, &c.id, |m| m.last().is_some_and(|m| m.body.contains("doesn't look like an e-mail"))).await;
    visitor_says(&visitor, &c.id, "Ada@Example.com", "k4").await;
    messages_until(&visitor, &c.id, |m| m.iter().any(|m| m.body == "Connecting you with Sales…")).await;

    // With the Sales team now, assigned to its agent; the answers are the visitor's.
    let conversation = conversation_until(&owner, &c.id, |c| !c.assignee_user_id.is_empty()).await;
    assert_eq!(conversation.responder(), pb::Responder::Agents);
    assert_eq!(
        (conversation.team_id.as_str(), conversation.assignee_user_id.as_str()),
        (team.id.as_str(), sales_id.as_str())
    );
    let seen = get(&owner, &c.id).await;
    let profile = seen.visitor.unwrap();
    assert_eq!(profile.attributes.get("email").map(String::as_str), Some("ada@example.com"));
    assert_eq!(profile.attributes.get("topic").map(String::as_str), Some("Sales"));
    assert_eq!(profile.email, "ada@example.com", "a visitor without an address gets the one collected");
    // Nothing more from the flow once people have it.
    let before = visitor_messages(&visitor, &c.id).await.len();
    visitor_says(&visitor, &c.id, "thanks", "k5").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(visitor_messages(&visitor, &c.id).await.len(), before + 1);

    // Support ends the flow: resolved. Writing again hands it to the agents.
    let (other, _) = start_visitor(&server, &widget.public_token).await;
    let c2 = open_conversation(&other).await;
    visitor_says(&other, &c2.id, "Support", "k1").await;
    messages_until(&other, &c2.id, |m| m.last().is_some_and(|m| m.body == "Thanks, bye")).await;
    conversation_until(&owner, &c2.id, |c| c.status() == pb::ConversationStatus::Resolved).await;
    visitor_says(&other, &c2.id, "one more thing", "k2").await;
    conversation_until(&owner, &c2.id, |c| c.responder() == pb::Responder::Agents).await;
    server.stop().await;
}
crate::on_both_backends!(guided_flows_collect_and_route_to_a_team);

async fn rule_and_flow_input_rules_roles_and_workspaces(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "checks@example.com", "Checks Co").await;
    let (agent, _) = join(&server, &owner, "agent@example.com", pb::Role::Agent).await;
    let (other, _) = sign_up(&server, "other@example.com", "Other Co").await;
    let their_team = other
        .teams()
        .create_team(pb::CreateTeamRequest { name: "Theirs".into(), member_user_ids: vec![] })
        .await
        .unwrap()
        .into_inner()
        .team
        .unwrap();

    let bad = owner
        .rules()
        .create_rule(rule(
            "",
            pb::RuleTrigger::PageVisit,
            pb::RuleConditions { message_contains_any: vec!["x".into()], ..Default::default() },
            pb::RuleActions { add_tags: vec!["t".into()], ..Default::default() },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), ["name", "conditions.message_contains_any", "actions.reply"]);
    let no_trigger = owner
        .rules()
        .create_rule(rule("x", pb::RuleTrigger::Unspecified, Default::default(), reply("hi")))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&no_trigger), ["trigger"]);
    let foreign = owner
        .rules()
        .create_rule(rule(
            "x",
            pb::RuleTrigger::VisitorMessage,
            Default::default(),
            pb::RuleActions { team_id: their_team.id.clone(), ..Default::default() },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&foreign), ["actions.team_id"]);
    let greeting = rule("Hi", pb::RuleTrigger::ConversationStarted, Default::default(), reply("Hi"));
    let denied = agent.rules().create_rule(greeting.clone()).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let created = create(&owner, greeting).await;
    let listed = agent.rules().list_rules(pb::ListRulesRequest {}).await.unwrap().into_inner().rules;
    assert_eq!(listed, std::slice::from_ref(&created));
    assert!(other.rules().list_rules(pb::ListRulesRequest {}).await.unwrap().into_inner().rules.is_empty());

    let update = |id: &str, name: &str| pb::UpdateRuleRequest {
        rule_id: id.into(),
        name: name.into(),
        enabled: false,
        trigger: pb::RuleTrigger::VisitorMessage.into(),
        conditions: None,
        actions: Some(reply("Hello again")),
    };
    let updated = owner.rules().update_rule(update(&created.id, "Renamed")).await.unwrap().into_inner().rule.unwrap();
    assert_eq!((updated.name.as_str(), updated.enabled), ("Renamed", false));
    let missing = other.rules().update_rule(update(&created.id, "Mine")).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    let missing = other.rules().delete_rule(pb::DeleteRuleRequest { rule_id: created.id.clone() }).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    owner.rules().delete_rule(pb::DeleteRuleRequest { rule_id: created.id.clone() }).await.unwrap();
    assert!(owner.rules().list_rules(pb::ListRulesRequest {}).await.unwrap().into_inner().rules.is_empty());

    // Flows: steps required on a workflow widget, references checked, teams the workspace's.
    let widget = |flow: pb::GuidedFlow| pb::CreateWidgetRequest {
        name: "Flow".into(),
        settings: Some(pb::WidgetSettings {
            handler_type: pb::HandlerType::Workflow.into(),
            flow: Some(flow),
            ..Default::default()
        }),
    };
    let empty = owner.widgets().create_widget(widget(pb::GuidedFlow::default())).await.unwrap_err();
    assert_eq!(violated_fields(&empty), ["settings.flow.steps"]);
    let mut flow = sales_flow(&their_team.id);
    flow.steps[1].choices[0].next = "nowhere".into();
    flow.steps[2].field = pb::FlowField::Unspecified.into();
    let bad = owner.widgets().create_widget(widget(flow)).await.unwrap_err();
    assert_eq!(
        violated_fields(&bad),
        ["settings.flow.steps[1].choices[0].next", "settings.flow.steps[2].field", "settings.flow.steps[3].team_id",]
    );
    server.stop().await;
}
crate::on_both_backends!(rule_and_flow_input_rules_roles_and_workspaces);

/// On a bot conversation a keyword rule's reply stands for the bot's answer, and a rule
/// that sends the conversation to a team hands it over: the model is asked neither time.
async fn rules_answer_for_the_bot_and_hand_over_from_it(backend: Backend) {
    let model = crate::model::Model::start().await;
    let server = TestServer::start_with(backend, |c| c.llm = Some(model.settings())).await;
    let (owner, _) = sign_up(&server, "botrules@example.com", "Bot Rules Co").await;
    let team = owner
        .teams()
        .create_team(pb::CreateTeamRequest { name: "Billing".into(), member_user_ids: vec![] })
        .await
        .unwrap()
        .into_inner()
        .team
        .unwrap();
    let keyword = pb::RuleConditions { message_contains_any: vec!["opening hours".into()], ..Default::default() };
    create(&owner, rule("Hours", pb::RuleTrigger::VisitorMessage, keyword, reply("We're open 9 to 5."))).await;
    let invoice = pb::RuleConditions { message_contains_any: vec!["invoice".into()], ..Default::default() };
    let to_billing = pb::RuleActions { team_id: team.id.clone(), ..Default::default() };
    create(&owner, rule("Invoices", pb::RuleTrigger::VisitorMessage, invoice, to_billing)).await;
    let widget = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Bot".into(),
            settings: Some(pb::WidgetSettings { handler_type: pb::HandlerType::AiBot.into(), ..Default::default() }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let (visitor, _) = start_visitor(&server, &widget.public_token).await;
    let c = open_conversation(&visitor).await;
    assert!(c.with_bot);
    visitor_says(&visitor, &c.id, "What are your opening hours?", "k1").await;
    messages_until(&visitor, &c.id, |m| m.iter().any(|m| m.body == "We're open 9 to 5.")).await;
    visitor_says(&visitor, &c.id, "And where is my invoice?", "k2").await;
    let row = conversation_until(&owner, &c.id, |c| c.responder() == pb::Responder::Agents).await;
    assert_eq!(row.team_id, team.id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(model.asked().is_empty(), "the model was asked: {:?}", model.asked());
    server.stop().await;
}
crate::on_both_backends!(rules_answer_for_the_bot_and_hand_over_from_it);
