//! The values the application sees: conversations, messages, send states.

use rongchat_proto::content::Content;
use serde::Serialize;

/// RongCloud conversation (channel) types, as numbered on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ConversationType {
    /// One-to-one (1).
    Private,
    /// Group (3).
    Group,
    /// System (6).
    System,
    /// Any other channel type, kept by number.
    Other(i32),
}

impl ConversationType {
    /// The wire number (protobuf `ChannelType`).
    pub fn code(self) -> i32 {
        match self {
            Self::Private => 1,
            Self::Group => 3,
            Self::System => 6,
            Self::Other(n) => n,
        }
    }

    /// The type for a wire number.
    pub fn from_code(code: i32) -> Self {
        match code {
            1 => Self::Private,
            3 => Self::Group,
            6 => Self::System,
            n => Self::Other(n),
        }
    }

    /// Whether the target of received messages is the group id (types 2, 3, 4).
    pub fn targets_group(self) -> bool {
        matches!(self.code(), 2..=4)
    }

    /// The PUBLISH topic for sending into this kind of conversation.
    pub fn publish_topic(self) -> &'static str {
        match self {
            Self::Group => rongchat_proto::topic::GROUP_MESSAGE,
            _ => rongchat_proto::topic::PRIVATE_MESSAGE,
        }
    }

    /// The remote history topic.
    pub fn history_topic(self) -> &'static str {
        match self {
            Self::Group => rongchat_proto::topic::GROUP_HISTORY,
            _ => rongchat_proto::topic::PRIVATE_HISTORY,
        }
    }
}

/// A conversation: its type plus the peer's user id or the group id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct ConversationId {
    /// Private, group ...
    pub kind: ConversationType,
    /// The peer's user id, or the group id.
    pub target_id: String,
}

impl ConversationId {
    /// A one-to-one conversation with `user`.
    pub fn private(user: impl Into<String>) -> Self {
        Self {
            kind: ConversationType::Private,
            target_id: user.into(),
        }
    }

    /// A group conversation.
    pub fn group(group: impl Into<String>) -> Self {
        Self {
            kind: ConversationType::Group,
            target_id: group.into(),
        }
    }
}

/// Who sent a message, seen from this user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Sent by this user (from this or another device).
    Send,
    /// Received from someone else.
    Receive,
}

impl Direction {
    pub(crate) fn code(self) -> i64 {
        match self {
            Self::Send => 1,
            Self::Receive => 2,
        }
    }

    pub(crate) fn from_code(code: i64) -> Self {
        if code == 1 { Self::Send } else { Self::Receive }
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SendStatus {
    /// In the outbox: uploading or waiting for its PUBACK.
    Sending,
    /// Acked by the server (it has a messageUId).
    Sent,
    /// Failed for good (see `fail_reason`); can be retried.
    Failed,
    /// Received from the server.
    Received,
}

impl SendStatus {
    pub(crate) fn code(self) -> i64 {
        match self {
            Self::Sending => 0,
            Self::Sent => 1,
            Self::Failed => 2,
            Self::Received => 3,
        }
    }

    pub(crate) fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Sending,
            1 => Self::Sent,
            2 => Self::Failed,
            _ => Self::Received,
        }
    }
}

/// One stored message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Local row id: stable from the moment the message is stored.
    pub local_id: i64,
    /// The server's messageUId, once known.
    #[serde(rename = "messageUId")]
    pub uid: Option<String>,
    /// The conversation it belongs to.
    pub conversation: ConversationId,
    /// The sender's user id.
    pub sender_id: String,
    /// Sent or received.
    pub direction: Direction,
    /// The object name (`RC:TxtMsg`, `seal:music`, ...).
    pub object_name: String,
    /// The content JSON as sent on the wire.
    pub content: String,
    /// Send time, ms (the server's once acked).
    pub sent_time: i64,
    /// Send state.
    pub status: SendStatus,
    /// Why it failed, when it did.
    pub fail_reason: Option<String>,
    /// The local file of a media message this device sent.
    pub local_path: Option<String>,
}

impl Message {
    /// The content, parsed (unknown or malformed contents come back as `Unknown`).
    pub fn parsed(&self) -> Content {
        Content::parse_lenient(&self.object_name, &self.content)
    }
}

/// One row of the conversation list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Which conversation.
    pub id: ConversationId,
    /// The newest stored message.
    pub last_message: Option<Message>,
    /// Time of the newest message, ms.
    pub last_time: i64,
    /// Received, counted messages newer than the read time.
    pub unread: i64,
    /// Everything up to this time (ms) has been read.
    pub read_time: i64,
    /// Unsent text.
    pub draft: String,
    /// Pinned to the top.
    pub pinned: bool,
    /// Notifications muted.
    pub muted: bool,
}

/// A message as it arrives from the server (pull, push, echo, history), normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// messageUId (may be missing in odd server data).
    pub uid: Option<String>,
    /// Its conversation.
    pub conversation: ConversationId,
    /// The sender.
    pub sender_id: String,
    /// Sent by this user or received.
    pub direction: Direction,
    /// Object name.
    pub object_name: String,
    /// Content JSON.
    pub content: String,
    /// Send time, ms.
    pub sent_time: i64,
    /// The sender's local id (clientUniqueId), used to drop resends.
    pub client_unique_id: Option<i64>,
    /// Stored and listed.
    pub persisted: bool,
    /// Counts towards unread.
    pub counted: bool,
}
