//! A bot that signs in as a member and answers every visitor message, through dropped
//! connections and server restarts. `PORTHOLE_URL=… PORTHOLE_EMAIL=… PORTHOLE_PASSWORD=… cargo run --example bot`
use futures_util::StreamExt as _;
use pb::{SendConversationMessageRequest as Reply, WatchWorkspaceResponse as Update, watch_workspace_response::Event};
use porthole_client::{FeedItem, FeedOptions, Porthole, pb};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let porthole = Porthole::connect(var("PORTHOLE_URL")?).await?;
    porthole.log_in(&var("PORTHOLE_EMAIL")?, &var("PORTHOLE_PASSWORD")?).await?;
    let mut feed = porthole.watch_workspace(FeedOptions::default());
    while let Some(item) = feed.next().await {
        let FeedItem::Event(Update { event: Some(Event::MessageCreated(m)), .. }) = item? else { continue };
        if m.sender_type() == pb::SenderType::Visitor {
            let body = format!("Thanks! You wrote {} characters.", m.body.chars().count());
            // Keyed by the visitor's message: however often it is sent, one answer is stored.
            let reply = Reply { conversation_id: m.conversation_id, body, client_key: m.id, ..Default::default() };
            while let Err(e) = porthole.conversations().send_conversation_message(reply.clone()).await {
                if !matches!(e.code(), tonic::Code::Unavailable | tonic::Code::Unknown | tonic::Code::Cancelled) {
                    return Err(e.into());
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await; // the server is away or restarting
            }
        }
    }
    Ok(())
}
