//! Our own client engine (`rongchat-client`) against a [`TestServer`]: connect a user on
//! its own data dir, wait for events with deadlines, send and wait for the server's ack.

use std::path::Path;
use std::time::Duration;

use rongchat_client::{Client, ClientConfig, ConversationId, Event, Message, Outgoing, SendStatus};
use tokio::sync::broadcast;
use tokio::time::{Instant, timeout_at};

use crate::server::TestServer;

/// Opens a client for `user_id` with its data under `data_dir` and waits until it is
/// connected (at most `within`).
pub async fn connect_client(
    server: &TestServer,
    user_id: &str,
    data_dir: &Path,
    within: Duration,
) -> Client {
    let config = ClientConfig::new(
        server.navi_url(),
        server.server().app_key(),
        server.token(user_id),
        data_dir,
    );
    let client =
        Client::open(config).unwrap_or_else(|e| panic!("[{user_id}] Client::open failed: {e}"));
    client
        .connect_and_wait(within)
        .await
        .unwrap_or_else(|e| panic!("[{user_id}] did not connect within {within:?}: {e}"));
    client
}

/// Waits until `pick` accepts an event and returns what it picked; panics naming `what`
/// when `within` passes or the stream closes. A lagging receiver skips what it lost (the
/// broadcast buffer is large; a caller that cannot miss one checks the store as well).
pub async fn wait_event<T>(
    events: &mut broadcast::Receiver<Event>,
    what: &str,
    within: Duration,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        match timeout_at(deadline, events.recv()).await {
            Ok(Ok(event)) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
            }
            Ok(Err(broadcast::error::RecvError::Lagged(n))) => {
                eprintln!("event receiver lagged by {n} while waiting for {what}");
            }
            Ok(Err(broadcast::error::RecvError::Closed)) => {
                panic!("the event stream closed while waiting for {what}")
            }
            Err(_) => panic!("no {what} within {within:?}"),
        }
    }
}

/// The next `MessageReceived` message.
pub async fn next_received(events: &mut broadcast::Receiver<Event>, within: Duration) -> Message {
    wait_event(events, "received message", within, |e| match e {
        Event::MessageReceived { message } => Some(message.clone()),
        _ => None,
    })
    .await
}

/// Sends `outgoing` to `to` and waits (at most `within`) until the server acked it;
/// returns the message as stored then (with its messageUId, sent time and, for media,
/// the uploaded URL in its content). Panics when sending fails.
pub async fn send_acked(
    client: &Client,
    to: &ConversationId,
    outgoing: Outgoing,
    within: Duration,
) -> Message {
    let (_, mut events) = client
        .subscribe()
        .expect("subscribe to the client's events");
    let queued = client
        .send(to, outgoing)
        .await
        .unwrap_or_else(|e| panic!("send to {to:?} failed: {e}"));
    // The ack may have come before we look at the stream: check the store first.
    if let Ok(Some(stored)) = client.message(queued.local_id)
        && stored.status == SendStatus::Sent
    {
        return stored;
    }
    wait_event(&mut events, "send ack", within, |e| match e {
        Event::MessageUpdated { message } if message.local_id == queued.local_id => {
            assert_ne!(
                message.status,
                SendStatus::Failed,
                "sending {} failed: {:?}",
                message.object_name,
                message.failure
            );
            (message.status == SendStatus::Sent).then(|| message.clone())
        }
        _ => None,
    })
    .await
}
