//! The examples as built binaries against the real server: the bot holds a conversation
//! and survives a server restart without a missing or a doubled answer; the export writes
//! every conversation with its messages.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use porthole_client::{FeedItem, FeedOptions, pb};

use crate::common::*;

/// A running example, killed on drop.
struct Example(Child);

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example(name: &str, url: &str, email: &str) -> Command {
    let mut command = Command::new(example_binary(name));
    command.env("PORTHOLE_URL", url).env("PORTHOLE_EMAIL", email).env("PORTHOLE_PASSWORD", PASSWORD);
    command
}

fn answer_to(body: &str) -> String {
    format!("Thanks! You wrote {} characters.", body.chars().count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_holds_a_conversation_and_survives_a_server_restart() {
    let mut server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let (visitor, conversation) = workspace.visitor(&server.url).await;
    let _bot = Example(example("bot", &server.url, &workspace.email).stdout(Stdio::null()).spawn().unwrap());
    let mut feed = visitor.watch_visitor_feed(FeedOptions::default());
    feed.open().await.unwrap();
    let answers = |item: &FeedItem<pb::WatchVisitorFeedResponse>| match item {
        FeedItem::Event(pb::WatchVisitorFeedResponse {
            event: Some(pb::watch_visitor_feed_response::Event::MessageCreated(m)),
            ..
        }) if m.sender_type() == pb::SenderType::Agent => Some(m.body.clone()),
        _ => None,
    };

    // The bot signs in and opens its feed on its own time, from now: the visitor asks until
    // an answer comes. Questions asked before the bot was live stay unanswered; every one
    // from the first answered on is answered (one at a time here, so in order).
    let mut asked: Vec<String> = Vec::new();
    let mut answered_from = None;
    for attempt in 0..20 {
        let question = format!("hello{}", "?".repeat(attempt + 1));
        visitor_says(&visitor, &conversation, &question).await;
        asked.push(question);
        if let Ok(first) = tokio::time::timeout(Duration::from_secs(3), next_matching(&mut feed, 1, answers)).await {
            let index = asked.iter().position(|q| answer_to(q) == first[0]).expect("an answer to a question asked");
            answered_from = Some(index);
            break;
        }
    }
    let answered_from = answered_from.expect("the bot never answered");
    let late = next_matching(&mut feed, asked.len() - answered_from - 1, answers).await;
    assert_eq!(late, asked[answered_from + 1..].iter().map(|q| answer_to(q)).collect::<Vec<_>>());
    let mut conversation_log: Vec<String> = asked[answered_from..].to_vec();
    for question in ["what are your hours?", "and on sundays?"] {
        visitor_says(&visitor, &conversation, question).await;
        assert_eq!(next_matching(&mut feed, 1, answers).await, [answer_to(question)]);
        conversation_log.push(question.to_owned());
    }

    // The server restarts under the bot's feed; questions asked meanwhile and after are
    // answered once each.
    server.kill();
    let during = ["are you there?", "hello again, a longer question this time"];
    let writer = {
        let (visitor, conversation) = (visitor.clone(), conversation.clone());
        tokio::spawn(async move {
            for question in during {
                visitor_says(&visitor, &conversation, question).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart();
    writer.await.unwrap();
    let got = next_matching(&mut feed, 2, answers).await;
    assert_eq!(got, during.map(answer_to));
    conversation_log.extend(during.map(str::to_owned));
    visitor_says(&visitor, &conversation, "bye").await;
    assert_eq!(next_matching(&mut feed, 1, answers).await, [answer_to("bye")]);
    conversation_log.push("bye".into());

    // The transcript as stored: one answer per question from the first answered on, none
    // missing, none twice (the restart's two questions may be answered after both arrived).
    let transcript = workspace
        .owner
        .conversations()
        .list_conversation_messages(pb::ListConversationMessagesRequest {
            conversation_id: conversation.clone(),
            page_size: 200,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .messages;
    let mut stored_answers: Vec<String> =
        transcript.iter().filter(|m| m.sender_type() == pb::SenderType::Agent).map(|m| m.body.clone()).collect();
    let mut expected: Vec<String> = conversation_log.iter().map(|q| answer_to(q)).collect();
    stored_answers.sort();
    expected.sort();
    assert_eq!(stored_answers, expected);
    let questions = transcript.iter().filter(|m| m.sender_type() == pb::SenderType::Visitor).count();
    assert_eq!(questions, answered_from + conversation_log.len(), "each question stored once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_writes_every_conversation_with_its_messages_as_json_lines() {
    let server = Server::start();
    let workspace = Workspace::sign_up(&server.url).await;
    let mut written = HashMap::new();
    for n in 0..3 {
        let (visitor, conversation) = workspace.visitor(&server.url).await;
        let bodies: Vec<String> = (0..=n).map(|i| format!("visitor {n} line {i}")).collect();
        for body in &bodies {
            visitor_says(&visitor, &conversation, body).await;
        }
        written.insert(conversation, bodies);
    }
    let email = workspace.email.clone();
    let url = server.url.clone();
    let output = tokio::task::spawn_blocking(move || example("export", &url, &email).output().unwrap()).await.unwrap();
    assert!(output.status.success(), "export failed: {}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        let id = line["conversation"]["id"].as_str().unwrap();
        let bodies: Vec<&str> = line["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["sender_type"] == "SENDER_TYPE_VISITOR")
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, written[id], "conversation {id}");
        assert!(line["conversation"]["create_time"].as_str().unwrap().ends_with('Z'));
    }
}
