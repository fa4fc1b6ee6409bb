//! Exports every conversation of a workspace with its messages as JSON lines on stdout,
//! one conversation per line, newest activity first:
//! `PORTHOLE_URL=… PORTHOLE_EMAIL=… PORTHOLE_PASSWORD=… cargo run --example export > conversations.jsonl`
//!
//! Pages through ConversationService.ListConversations and, per conversation,
//! ListConversationMessages from the newest message back (internal notes included: the
//! export is for the team, not for the visitor).

use std::io::Write as _;

use porthole_client::{Porthole, pb};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let porthole = Porthole::connect(var("PORTHOLE_URL")?).await?;
    porthole.log_in(&var("PORTHOLE_EMAIL")?, &var("PORTHOLE_PASSWORD")?).await?;

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut page_token = String::new();
    loop {
        let request = pb::ListConversationsRequest { page_size: 200, page_token, ..Default::default() };
        let page = porthole.conversations().list_conversations(request).await?.into_inner();
        for conversation in &page.conversations {
            let messages = all_messages(&porthole, &conversation.id).await?;
            let line = json!({ "conversation": conversation_json(conversation), "messages": messages });
            writeln!(out, "{line}")?;
        }
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    out.flush()?;
    Ok(())
}

/// Every message of a conversation, oldest first.
async fn all_messages(porthole: &Porthole, conversation_id: &str) -> Result<Vec<Value>, porthole_client::Error> {
    let mut messages = Vec::new();
    let mut before_seq = 0;
    loop {
        let request = pb::ListConversationMessagesRequest {
            conversation_id: conversation_id.to_owned(),
            before_seq,
            page_size: 200,
        };
        let page = porthole.conversations().list_conversation_messages(request).await?.into_inner();
        // Pages come newest first, each in ascending order.
        before_seq = page.messages.first().map_or(0, |m| m.seq);
        messages.splice(0..0, page.messages);
        if !page.has_more || before_seq == 0 {
            break;
        }
    }
    Ok(messages.iter().map(message_json).collect())
}

fn time(t: Option<&prost_types::Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.to_string()))
}

fn conversation_json(c: &pb::Conversation) -> Value {
    json!({
        "id": c.id,
        "widget_id": c.widget_id,
        "status": c.status().as_str_name(),
        "visitor_id": c.visitor_id,
        "visitor_name": c.visitor_name,
        "visitor_email": c.visitor_email,
        "assignee_user_id": c.assignee_user_id,
        "tags": c.tags,
        "rating": c.rating,
        "create_time": time(c.create_time.as_ref()),
        "last_message_time": time(c.last_message_time.as_ref()),
    })
}

fn message_json(m: &pb::Message) -> Value {
    json!({
        "id": m.id,
        "seq": m.seq,
        "sender_type": m.sender_type().as_str_name(),
        "sender_name": m.sender_name,
        "body": m.body,
        "internal": m.internal,
        "attachments": m.attachments.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        "create_time": time(m.create_time.as_ref()),
    })
}
