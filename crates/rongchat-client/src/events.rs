//! What the client tells the application: a snapshot when it subscribes, then a stream of
//! typed events.

use crate::model::{Conversation, Message};
use crate::session::ConnectionStatus;
use serde::Serialize;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Event {
    /// The connection status changed.
    Connection {
        /// The new status.
        status: ConnectionStatus,
    },
    /// A new message was stored: received, or sent by this user from another device.
    MessageReceived {
        /// The message.
        message: Message,
    },
    /// A message this device sends changed state (stored, sent, failed, retried).
    MessageUpdated {
        /// The message as it stands now.
        message: Message,
    },
    /// Upload progress of a message's file.
    Progress {
        /// The message's local id.
        local_id: i64,
        /// Bytes sent so far.
        done: u64,
        /// Bytes in all.
        total: u64,
    },
    /// A conversation row changed (last message, unread, draft), or was removed.
    ConversationUpdated {
        /// The row, or `None` when it was removed.
        conversation: Option<Conversation>,
        /// Which conversation.
        id: crate::model::ConversationId,
    },
    /// Someone started or stopped typing in a conversation (`RC:TypSts`, never stored).
    Typing {
        /// Where.
        conversation: crate::model::ConversationId,
        /// Who.
        user_id: String,
        /// Started (`true`) or stopped: their report ran out, they sent a message, or
        /// the connection dropped.
        typing: bool,
    },
    /// Messages were deleted here (one by one, or a cleared history).
    MessagesRemoved {
        /// Their conversation.
        conversation: crate::model::ConversationId,
        /// Their local ids.
        local_ids: Vec<i64>,
    },
    /// The peer of a private chat read our messages sent up to `read_time` (their
    /// `RC:ReadNtf`; `engine/receipts.rs`).
    ReadReceipt {
        /// The private chat.
        conversation: crate::model::ConversationId,
        /// Our messages sent up to this time (ms) are read.
        read_time: i64,
    },
    /// Who read one of our group messages that asked for receipts changed (or it just
    /// asked): `receipt.readers` is the whole list.
    GroupReceipt {
        /// The message and its readers.
        receipt: crate::store::receipts::GroupReceipt,
    },
    /// The offline messages were caught up after a connect (the first finished pull).
    SyncFinished,
    /// Something failed in the background; also logged. Nothing acknowledged was lost;
    /// the UI may say so.
    Problem {
        /// What kind of trouble.
        kind: ProblemKind,
        /// What failed, for a person.
        message: String,
    },
}

/// Background trouble the application may want to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The local store failed.
    Store,
    /// The server sent a reply over the frame limit; the pull backs off and retries.
    ReplyTooLarge,
    /// The server sent a reply we could not decode; the pull backs off and retries.
    BadReply,
}

/// The state at the moment of subscribing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Connection status.
    pub status: ConnectionStatus,
    /// The conversation list.
    pub conversations: Vec<Conversation>,
}
