//! The values the application sees: conversations, messages, send states.

use rongchat_proto::content::Content;
use rongchat_proto::status::AckStatus;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use rongchat_proto::{ConversationType, Direction, FileType};

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

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SendStatus {
    /// In the outbox: uploading or waiting for its PUBACK.
    Sending,
    /// Acked by the server (it has a messageUId).
    Sent,
    /// Failed for good (see `failure`); can be retried.
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

/// Why a message could not be sent. Kept typed (in the store as JSON), so a refusal keeps
/// its server code and the UI can branch on the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum SendFailure {
    /// The server refused it; `code` is the SDK's error code (e.g. 22406 not in group).
    Refused {
        /// The status code from the PUBACK or QUERYACK.
        code: u32,
    },
    /// The user cancelled its upload.
    Cancelled,
    /// Its file could not be uploaded.
    Upload {
        /// What went wrong (no URLs, no tokens).
        detail: String,
    },
    /// Its file could not be read.
    Io {
        /// What the OS said.
        detail: String,
    },
    /// Anything else (also rows written before failures were typed).
    Other {
        /// What went wrong.
        detail: String,
    },
}

impl SendFailure {
    /// The failure for a refusal status.
    pub fn refused(status: AckStatus) -> Self {
        Self::Refused {
            code: status.sdk_code(),
        }
    }

    /// As stored in the `fail_reason` column.
    pub(crate) fn to_column(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// From the `fail_reason` column; plain text from before typed failures is `Other`.
    pub(crate) fn from_column(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_else(|_| Self::Other {
            detail: text.to_owned(),
        })
    }
}

impl fmt::Display for SendFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused { code } => write!(f, "refused by the server: {code}"),
            Self::Cancelled => f.write_str("cancelled"),
            Self::Upload { detail } => write!(f, "upload failed: {detail}"),
            Self::Io { detail } => write!(f, "file error: {detail}"),
            Self::Other { detail } => f.write_str(detail),
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
    pub failure: Option<SendFailure>,
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
    /// Notifications muted: [`Conversation::level`] is one of the do-not-disturb levels.
    pub muted: bool,
    /// The do-not-disturb level (`rongchat_proto::conversation_status::level`), which
    /// decides what still notifies (`conversation_status::notifies`).
    pub level: i32,
    /// An unread group message mentions this user ("[有人@我]").
    pub mentioned: bool,
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
