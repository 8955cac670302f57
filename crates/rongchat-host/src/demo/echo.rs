//! The demo contact (小乔) answers: a second client that echoes the app user's text and
//! voice clips back in their private chat.

use super::world::ME;
use rongchat_client::{Client, ConversationId, Direction, Event, Outgoing};
use rongchat_proto::content::Content;
use tokio::sync::broadcast::error::RecvError;

/// Runs until the client closes. Only messages sent after `since_ms` are answered, so a
/// restart does not answer old ones again.
pub async fn run(client: Client, since_ms: i64) {
    let Ok((_, mut events)) = client.subscribe() else {
        return;
    };
    loop {
        let message = match events.recv().await {
            Ok(Event::MessageReceived { message }) => message,
            Ok(_) | Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        let from_me_in_private = message.direction == Direction::Receive
            && message.sender_id == ME.id
            && message.conversation == ConversationId::private(ME.id);
        if !from_me_in_private || message.sent_time < since_ms {
            continue;
        }
        let reply = match message.parsed() {
            Content::Text(t) => Outgoing::Text(t.content),
            Content::Voice(v) => Outgoing::Content(Content::Voice(v)),
            _ => continue,
        };
        // A demo peer's reply: a lost one is only worth a line in the log (the peer is
        // offline, say), never an error for the user.
        if let Err(e) = client.send(&ConversationId::private(ME.id), reply).await {
            tracing::debug!("the demo echo was not sent: {e}");
        }
    }
}
