//! The event forwarder: one task per session that turns the client's event stream into
//! page events (and banner statuses), and feeds upload progress to its Channels.

use crate::convert::View;
use crate::events::{self, Emit, Reset, json};
use crate::models::ConvRef;
use crate::progress::Progress;
use crate::status::{Identity, OnStatus};
use rongchat_client::{Client, ConnectionStatus, Event, SendStatus};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// What the forwarder needs of its session.
#[allow(missing_debug_implementations)] // closures and a client handle; nothing to print
pub struct Forwarder {
    /// To ask who we are once connected.
    pub client: Client,
    /// Builds the DTOs.
    pub view: View,
    /// Upload progress sinks.
    pub progress: Progress,
    /// Who we are.
    pub identity: Identity,
    /// Page events.
    pub emit: Emit,
    /// Banner statuses.
    pub on_status: OnStatus,
}

impl Forwarder {
    /// Runs until the client closes its stream.
    pub async fn run(self, mut receiver: Receiver<Event>) {
        // Caught up with the offline messages since the last connect.
        let mut synced = false;
        loop {
            let (batch, after) = next_batch(&mut receiver).await;
            if !batch.is_empty() {
                // New senders and groups are named before the page sees them (bounded),
                // with one ask for the whole batch: a catch-up of 1,000 conversations used
                // to wait on 1,000 asks, one per event.
                let (mut users, mut groups) = (Vec::new(), Vec::new());
                for event in &batch {
                    let (u, g) = crate::profiles::named_by_event(event);
                    users.extend(u);
                    groups.extend(g);
                }
                users.sort_unstable();
                users.dedup();
                groups.sort_unstable();
                groups.dedup();
                if !users.is_empty() || !groups.is_empty() {
                    crate::profiles::refresh(&self.client, &self.view, users, groups).await;
                }
                let mut bursts = Bursts::default();
                for event in coalesce(batch) {
                    self.take(event, &mut bursts, &mut synced);
                }
                bursts.emit(&self.emit);
            }
            match after {
                None => {}
                // Events were lost: the page reloads the list and the open chat instead,
                // and the status is read afresh (a lost `SyncFinished` would leave the
                // banner at "receiving" for good).
                Some(RecvError::Lagged(n)) => {
                    tracing::debug!(lost = n, "event stream lagged; reloading the list");
                    Reset::Lagged.emit(&self.emit);
                    let caught_up = self.client.caught_up();
                    if caught_up && !synced {
                        self.handle(Event::SyncFinished, &mut synced);
                    } else {
                        synced = caught_up;
                        self.status(self.client.status(), synced);
                    }
                }
                Some(RecvError::Closed) => return,
            }
        }
    }

    fn status(&self, state: ConnectionStatus, synced: bool) {
        (self.on_status)(self.identity.status(&self.client, state, synced));
    }

    /// Gathers arrivals and rows into `bursts`; anything else goes out (through
    /// [`Self::handle`]) after what was gathered before it.
    fn take(&self, event: Event, bursts: &mut Bursts, synced: &mut bool) {
        match event {
            Event::MessageReceived { message } => {
                bursts.received.push(json(self.view.message(&message)));
            }
            Event::ConversationUpdated {
                conversation: Some(c),
                ..
            } => bursts.updated.push(json(self.view.conversation(&c))),
            other => {
                bursts.emit(&self.emit);
                self.handle(other, synced);
            }
        }
    }

    /// Every event but the ones [`Self::take`] gathers into bursts.
    fn handle(&self, event: Event, synced: &mut bool) {
        match event {
            Event::Connection { status } => {
                tracing::info!(?status, "connection");
                *synced &= status == ConnectionStatus::Connected;
                self.status(status, *synced);
            }
            Event::MessageUpdated { message } => {
                if message.status != SendStatus::Sending {
                    self.progress.finish(message.local_id);
                }
                if let Some(failure) = &message.failure {
                    tracing::warn!(id = message.local_id, %failure, "send failed");
                }
                (self.emit)(events::MESSAGE_UPDATED, json(self.view.message(&message)));
            }
            Event::Progress {
                local_id,
                done,
                total,
            } => self.progress.report(local_id, done, total),
            Event::ConversationUpdated {
                conversation: None,
                id,
            } => (self.emit)(events::CONVERSATION_REMOVED, json(ConvRef::from(id))),
            // The status first: a list read after it shows the caught-up state.
            Event::SyncFinished => {
                *synced = true;
                self.status(self.client.status(), true);
                Reset::Synced.emit(&self.emit);
                // What the catch-up allocated and freed is given back, not kept resident.
                crate::heap::give_back_free_memory_soon();
            }
            Event::Typing {
                conversation,
                user_id,
                typing,
            } => (self.emit)(
                events::TYPING,
                json(crate::models::TypingDto {
                    conv: ConvRef::from(conversation),
                    user_id,
                    typing,
                }),
            ),
            Event::MessagesRemoved {
                conversation,
                local_ids,
            } => (self.emit)(
                events::MESSAGES_REMOVED,
                json(crate::models::RemovedDto {
                    conv: ConvRef::from(conversation),
                    ids: local_ids.iter().map(i64::to_string).collect(),
                }),
            ),
            Event::ReadReceipt {
                conversation,
                read_time,
            } => (self.emit)(
                events::READ_RECEIPT,
                json(crate::receipts::ReadReceiptDto {
                    conv: ConvRef::from(conversation),
                    read_time,
                }),
            ),
            Event::GroupReceipt { receipt } => (self.emit)(
                events::GROUP_RECEIPT,
                json(crate::receipts::group(&self.view, &receipt)),
            ),
            _ => {}
        }
    }
}

/// The arrivals and conversation rows of one batch, sent as one event each: the page and
/// the shell's listeners take the array in order. Messages go first, as the engine tells
/// a message before the row it changed.
#[derive(Default)]
struct Bursts {
    received: Vec<serde_json::Value>,
    updated: Vec<serde_json::Value>,
}

impl Bursts {
    fn emit(&mut self, emit: &Emit) {
        if !self.received.is_empty() {
            let received = std::mem::take(&mut self.received);
            emit(
                events::MESSAGES_RECEIVED,
                serde_json::Value::Array(received),
            );
        }
        if !self.updated.is_empty() {
            let updated = std::mem::take(&mut self.updated);
            emit(
                events::CONVERSATIONS_UPDATED,
                serde_json::Value::Array(updated),
            );
        }
    }
}

/// At most this many events are handled as one batch.
const MAX_BATCH: usize = 512;

/// The next event and whatever else is queued already (up to [`MAX_BATCH`]), plus a lag
/// or the end of the stream met on the way, to be handled after the batch.
async fn next_batch(receiver: &mut Receiver<Event>) -> (Vec<Event>, Option<RecvError>) {
    let mut batch = Vec::new();
    match receiver.recv().await {
        Ok(event) => batch.push(event),
        Err(error) => return (batch, Some(error)),
    }
    while batch.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(event) => batch.push(event),
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Lagged(n)) => return (batch, Some(RecvError::Lagged(n))),
            Err(TryRecvError::Closed) => return (batch, Some(RecvError::Closed)),
        }
    }
    (batch, None)
}

/// `batch` with only the last update of each conversation: each carries the whole row,
/// so the earlier ones would only make the page redraw the same row again.
fn coalesce(batch: Vec<Event>) -> impl Iterator<Item = Event> {
    use std::collections::HashMap;
    let mut last: HashMap<rongchat_client::ConversationId, usize> = HashMap::new();
    for (i, event) in batch.iter().enumerate() {
        if let Event::ConversationUpdated { id, .. } = event {
            last.insert(id.clone(), i);
        }
    }
    batch
        .into_iter()
        .enumerate()
        .filter_map(move |(i, event)| match &event {
            Event::ConversationUpdated { id, .. } if last.get(id) != Some(&i) => None,
            _ => Some(event),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_client::ConversationId;

    fn updated(target: &str) -> Event {
        Event::ConversationUpdated {
            conversation: None,
            id: ConversationId::private(target),
        }
    }

    fn target(event: &Event) -> String {
        match event {
            Event::ConversationUpdated { id, .. } => id.target_id.clone(),
            Event::SyncFinished => "synced".into(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn only_the_last_update_of_each_conversation_is_kept_in_order() {
        let batch = vec![
            updated("a"),
            updated("b"),
            updated("a"),
            Event::SyncFinished,
            updated("c"),
            updated("b"),
        ];
        let kept: Vec<String> = coalesce(batch).map(|e| target(&e)).collect();
        assert_eq!(kept, ["a", "synced", "c", "b"]);
    }

    #[tokio::test]
    async fn a_batch_is_what_is_queued_and_a_lag_comes_after_it() {
        let (tx, mut rx) = tokio::sync::broadcast::channel(4);
        for t in ["a", "b", "c"] {
            tx.send(updated(t)).expect("send");
        }
        let (batch, after) = next_batch(&mut rx).await;
        assert_eq!(batch.len(), 3);
        assert!(after.is_none());

        // Six sent into room for four: two lost, reported after the four still held.
        for t in ["d", "e", "f", "g", "h", "i"] {
            tx.send(updated(t)).expect("send");
        }
        let (batch, after) = next_batch(&mut rx).await;
        assert!(batch.is_empty(), "the lag is met first: {batch:?}");
        assert!(matches!(after, Some(RecvError::Lagged(2))));
        let (batch, after) = next_batch(&mut rx).await;
        let kept: Vec<String> = batch.iter().map(target).collect();
        assert_eq!(kept, ["f", "g", "h", "i"]);
        assert!(after.is_none());

        drop(tx);
        let (batch, after) = next_batch(&mut rx).await;
        assert!(batch.is_empty());
        assert!(matches!(after, Some(RecvError::Closed)));
    }
}
