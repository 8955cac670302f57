//! The wire's shared words, named once for the client, the server and the app:
//! conversation (channel) types, upload file types and message directions.

use crate::topic::Topic;
use serde::{Deserialize, Serialize};

/// RongCloud conversation (channel) types, as numbered on the wire (protobuf `ChannelType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ConversationType {
    /// One-to-one (1).
    Private,
    /// Discussion, the older group kind (2).
    Discussion,
    /// Group (3).
    Group,
    /// Chatroom (4).
    Chatroom,
    /// Customer service (5).
    CustomerService,
    /// System (6).
    System,
    /// Any other channel type, kept by number.
    Other(i32),
}

impl ConversationType {
    /// The wire number.
    pub fn code(self) -> i32 {
        match self {
            Self::Private => 1,
            Self::Discussion => 2,
            Self::Group => 3,
            Self::Chatroom => 4,
            Self::CustomerService => 5,
            Self::System => 6,
            Self::Other(n) => n,
        }
    }

    /// The type for a wire number.
    pub fn from_code(code: i32) -> Self {
        match code {
            1 => Self::Private,
            2 => Self::Discussion,
            3 => Self::Group,
            4 => Self::Chatroom,
            5 => Self::CustomerService,
            6 => Self::System,
            n => Self::Other(n),
        }
    }

    /// Whether received messages name the group (types 2, 3, 4) rather than the sender.
    pub fn targets_group(self) -> bool {
        matches!(self, Self::Discussion | Self::Group | Self::Chatroom)
    }

    /// The PUBLISH topic for sending into this kind of conversation.
    pub fn publish_topic(self) -> Topic {
        match self {
            Self::Group => Topic::GroupMessage,
            _ => Topic::PrivateMessage,
        }
    }

    /// The topic for status messages (typing ...) into this kind of conversation.
    pub fn status_topic(self) -> Topic {
        match self {
            Self::Group => Topic::GroupStatus,
            _ => Topic::PrivateStatus,
        }
    }

    /// The remote history topic.
    pub fn history_topic(self) -> Topic {
        match self {
            Self::Group => Topic::GroupHistory,
            _ => Topic::PrivateHistory,
        }
    }

    /// The type a message PUBLISH topic sends into, if it is one.
    pub fn of_topic(topic: &Topic) -> Option<Self> {
        match topic {
            Topic::PrivateMessage | Topic::PrivateStatus => Some(Self::Private),
            Topic::GroupMessage | Topic::GroupStatus => Some(Self::Group),
            Topic::ChatroomMessage => Some(Self::Chatroom),
            Topic::CustomerServiceMessage => Some(Self::CustomerService),
            _ => None,
        }
    }
}

/// What kind of file an upload is (protobuf `FileType` in `qnTkn` / `qnUrl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum FileType {
    /// Images (1).
    Image,
    /// Audio, e.g. HQ voice (2).
    Audio,
    /// Video (3).
    Video,
    /// Plain files (4).
    File,
    /// Any other number.
    Other(i32),
}

impl FileType {
    /// The wire number.
    pub fn code(self) -> i32 {
        match self {
            Self::Image => 1,
            Self::Audio => 2,
            Self::Video => 3,
            Self::File => 4,
            Self::Other(n) => n,
        }
    }

    /// The type for a wire number.
    pub fn from_code(code: i32) -> Self {
        match code {
            1 => Self::Image,
            2 => Self::Audio,
            3 => Self::Video,
            4 => Self::File,
            n => Self::Other(n),
        }
    }

    /// The content JSON field that holds the uploaded file's URL.
    pub fn url_field(self) -> &'static str {
        match self {
            Self::Image => "imageUri",
            Self::Audio => "remoteUrl",
            Self::Video => "sightUrl",
            Self::File | Self::Other(_) => "fileUrl",
        }
    }
}

/// Who sent a message, seen from one user (`DownStreamMessage.direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Sent by this user, from this or another device (1).
    Send,
    /// Received from someone else (2).
    Receive,
}

impl Direction {
    /// The wire number.
    pub fn code(self) -> i32 {
        match self {
            Self::Send => 1,
            Self::Receive => 2,
        }
    }

    /// The direction for a wire number (anything but 1 is received).
    pub fn from_code(code: i32) -> Self {
        if code == 1 { Self::Send } else { Self::Receive }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in -1..10 {
            assert_eq!(ConversationType::from_code(code).code(), code);
            assert_eq!(FileType::from_code(code).code(), code);
        }
        assert_eq!(
            Direction::from_code(Direction::Send.code()),
            Direction::Send
        );
        assert_eq!(Direction::from_code(2), Direction::Receive);
        assert_eq!(Direction::from_code(0), Direction::Receive);
    }

    #[test]
    fn topics_follow_the_type() {
        assert_eq!(ConversationType::Group.publish_topic(), Topic::GroupMessage);
        assert_eq!(
            ConversationType::Private.history_topic(),
            Topic::PrivateHistory
        );
        assert_eq!(
            ConversationType::of_topic(&Topic::GroupStatus),
            Some(ConversationType::Group)
        );
        assert_eq!(ConversationType::of_topic(&Topic::PullMessages), None);
        assert!(ConversationType::Chatroom.targets_group());
        assert!(!ConversationType::System.targets_group());
    }

    #[test]
    fn named_values_for_the_ui() {
        let json = serde_json::to_string(&ConversationType::Group).unwrap_or_default();
        assert_eq!(json, "\"group\"");
        let json = serde_json::to_string(&ConversationType::Other(9)).unwrap_or_default();
        assert_eq!(json, "{\"other\":9}");
    }
}
