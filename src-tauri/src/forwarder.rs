//! The event forwarder: one task per session that turns the client's event stream into
//! page events (and banner statuses), and feeds upload progress to its Channels.

use crate::convert::View;
use crate::events::{self, Emit, Reset, json};
use crate::models::ConvRef;
use crate::progress::Progress;
use crate::status::{Identity, OnStatus};
use rongchat_client::{Client, ConnectionStatus, Event, SendStatus};
use tokio::sync::broadcast::{Receiver, error::RecvError};

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
            match receiver.recv().await {
                Ok(event) => {
                    // A new sender or group is named before the page sees it (bounded).
                    let (users, groups) = crate::profiles::named_by_event(&event);
                    if !users.is_empty() || !groups.is_empty() {
                        crate::profiles::refresh(&self.client, &self.view, users, groups).await;
                    }
                    self.handle(event, &mut synced)
                }
                // Events were lost: the page reloads the list and the open chat instead,
                // and the status is read afresh (a lost `SyncFinished` would leave the
                // banner at "receiving" for good).
                Err(RecvError::Lagged(n)) => {
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
                Err(RecvError::Closed) => return,
            }
        }
    }

    fn status(&self, state: ConnectionStatus, synced: bool) {
        (self.on_status)(self.identity.status(&self.client, state, synced));
    }

    fn handle(&self, event: Event, synced: &mut bool) {
        match event {
            Event::Connection { status } => {
                tracing::info!(?status, "connection");
                *synced &= status == ConnectionStatus::Connected;
                self.status(status, *synced);
            }
            Event::MessageReceived { message } => {
                (self.emit)(events::MESSAGE_RECEIVED, json(self.view.message(&message)));
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
            Event::ConversationUpdated { conversation, id } => match conversation {
                Some(c) => (self.emit)(
                    events::CONVERSATION_UPDATED,
                    json(self.view.conversation(&c)),
                ),
                None => (self.emit)(events::CONVERSATION_REMOVED, json(ConvRef::from(id))),
            },
            // The status first: a list read after it shows the caught-up state.
            Event::SyncFinished => {
                *synced = true;
                self.status(self.client.status(), true);
                Reset::Synced.emit(&self.emit);
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
