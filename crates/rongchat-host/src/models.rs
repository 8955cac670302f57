//! What crosses the bridge: camelCase DTOs for the page (built in [`crate::convert`]).
//! The client's own words (conversation types, directions, send and connection states,
//! send failures) cross as they are, by name; nothing here copies them.

use crate::error::{Error, ErrorDto, Result};
use rongchat_client::{
    ConnectionStatus, ConversationId, ConversationType, Direction, SendFailure, SendStatus,
};
use serde::{Deserialize, Serialize};

/// A conversation as the page names it: `{conversationType, targetId}`, the type by
/// name (`"private"`, `"group"`, ...). Extra fields of a full `ConversationDto` are ignored,
/// so the page can pass one back as is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConvRef {
    /// The conversation's type.
    pub conversation_type: ConversationType,
    /// The other user's id, or the group's.
    pub target_id: String,
}

impl ConvRef {
    /// The client's id for it, after rejecting types we do not show and ids the server
    /// would refuse.
    pub fn validated(self) -> Result<ConversationId> {
        use ConversationType as T;
        if !matches!(
            self.conversation_type,
            T::Private | T::Group | T::Chatroom | T::System
        ) {
            return Err(Error::Invalid(format!(
                "conversation type {:?}",
                self.conversation_type
            )));
        }
        let id = self.target_id.as_str();
        if id.is_empty() || id.len() > 64 || id.chars().any(char::is_control) {
            return Err(Error::Invalid("target id".into()));
        }
        Ok(ConversationId {
            kind: self.conversation_type,
            target_id: self.target_id,
        })
    }
}

impl From<ConversationId> for ConvRef {
    fn from(id: ConversationId) -> Self {
        Self {
            conversation_type: id.kind,
            target_id: id.target_id,
        }
    }
}

/// What the picker is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PickKind {
    /// An image, sent as `RC:ImgMsg`.
    Image,
    /// Any file, sent as `RC:FileMsg`.
    File,
}

/// A file dropped or pasted into the page, kept until sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedDto {
    /// The id to send it by.
    pub staged: String,
    /// The name it is sent under.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Image or file.
    pub kind: PickKind,
}

/// How the app signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionMode {
    /// The embedded local server and its demo world.
    Demo,
    /// A real (or any RongCloud-compatible) account.
    Account,
}

/// The kind of a message, which picks its component in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `RC:TxtMsg`.
    Text,
    /// `RC:ImgMsg`.
    Image,
    /// `RC:VcMsg` or `RC:HQVCMsg`.
    Voice,
    /// `RC:FileMsg`.
    File,
    /// `seal:music`.
    Music,
    /// `RC:RcNtf`: a recalled message, shown as a notice line.
    Recalled,
    /// Anything else: shown as "unsupported" with its object name.
    Unsupported,
}

/// The content fields the page shows, by kind. All text here is rendered as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    /// Text messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Images: the inline thumbnail as a `rongchat-media:` URL (media_urls.rs), when it
    /// is a real image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// Images: thumbnail width, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_width: Option<u64>,
    /// Images: thumbnail height, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_height: Option<u64>,
    /// Voice: seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// Files: the name as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Files: bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// Files: the type (extension) as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
    /// Music: title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub music_name: Option<String>,
    /// Music: author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub music_author: Option<String>,
    /// Replies (`RC:ReferenceMsg`, shown as text): the quoted message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<QuoteDto>,
    /// Recall notices: recalled with `isDelete` (deleted for both sides), shown as nothing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Texts: who the sender @-mentioned (`mentionedInfo`), when anyone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mention: Option<MentionDto>,
    /// The wire object name (shown for unsupported types).
    pub object_name: String,
}

/// A message's @-mention: everyone, or these users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MentionDto {
    /// "@所有人".
    pub all: bool,
    /// The mentioned users' ids (empty for everyone).
    pub user_ids: Vec<String>,
}

/// What a reply quotes, for the block above its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteDto {
    /// The quoted message's sender.
    pub sender_id: String,
    /// Their display name.
    pub sender_name: Option<String>,
    /// The quoted text; `None` when the quoted message is not a text.
    pub text: Option<String>,
    /// The quoted message's object name.
    pub object_name: String,
}

/// One message for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDto {
    /// The local id (stable while sending; the key for every message command).
    pub id: String,
    /// The server's message UId once known.
    pub uid: Option<String>,
    /// The conversation's type.
    pub conversation_type: ConversationType,
    /// The conversation's target.
    pub target_id: String,
    /// The sender's user id.
    pub sender_id: String,
    /// The sender's display name (directory, else the content's `user.name`).
    pub sender_name: Option<String>,
    /// The sender's avatar as a URL (`rongchat-avatar:`, see avatars.rs), when we have one.
    pub sender_avatar: Option<String>,
    /// Ours or theirs.
    pub direction: Direction,
    /// Sent time in ms since the epoch.
    pub sent_time: i64,
    /// Send state.
    pub status: SendStatus,
    /// Why it failed (`{kind, ...}`), when it did.
    pub failure: Option<SendFailure>,
    /// Voice: whether we played it (received clips show a dot until then).
    pub heard: bool,
    /// Which component shows it.
    pub kind: Kind,
    /// Its fields.
    #[serde(flatten)]
    pub body: Body,
}

/// The latest message of a conversation, enough for the preview line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatestDto {
    /// Which preview (`[图片]` etc.) the page shows.
    pub kind: Kind,
    /// The text, for text messages.
    pub text: Option<String>,
    /// The sender's display name (groups show it).
    pub sender_name: Option<String>,
    /// Ours or theirs.
    pub direction: Direction,
    /// A recall notice of a message deleted for both sides: no preview.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// One row of the conversation list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationDto {
    /// The conversation's type.
    pub conversation_type: ConversationType,
    /// The conversation's target.
    pub target_id: String,
    /// The title: the directory's name, else the target id.
    pub title: String,
    /// The avatar as a URL (`rongchat-avatar:`, see avatars.rs), when we have one.
    pub avatar: Option<String>,
    /// The latest message.
    pub latest: Option<LatestDto>,
    /// The latest message's time (ms).
    pub latest_time: i64,
    /// Unread messages.
    pub unread: u32,
    /// Pinned to the top.
    pub pinned: bool,
    /// Do not disturb.
    pub muted: bool,
    /// An unread message mentions us: the list shows "[有人@我]".
    pub mentioned: bool,
    /// The unsent draft.
    pub draft: String,
}

/// Who we are and how the connection is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDto {
    /// The client's connection status (`{kind: "connected"}`, `{kind: "suspended", ...}`).
    pub state: ConnectionStatus,
    /// The offline messages are caught up since the last connect.
    pub synced: bool,
    /// Why it is down for good (`tokenInvalid`, `kicked`, ...) or could not start.
    pub error: Option<ErrorDto>,
    /// Our user id, once known.
    pub user_id: Option<String>,
    /// Our display name, once known.
    pub user_name: Option<String>,
    /// Demo or account.
    pub mode: SessionMode,
}

/// Upload progress for one message (sent on the command's Channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressDto {
    /// The message being uploaded.
    pub message_id: String,
    /// Bytes sent so far.
    pub sent: u64,
    /// Bytes in all.
    pub total: u64,
}

/// Recording events (sent on the command's Channel).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum RecordingDto {
    /// The input level, 0..1, and the seconds recorded.
    Level {
        /// 0..1.
        level: f32,
        /// Seconds recorded so far.
        elapsed: f32,
        /// The longest a clip may be, in seconds (60; tests shorten it): the countdown.
        limit: f32,
    },
    /// Recording stopped by itself (the 60 s limit).
    Finished,
}

/// Playback state (emitted as [`crate::events::VOICE_PLAYBACK`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaybackDto {
    /// The message playing.
    pub message_id: String,
    /// Playing or ended.
    pub state: PlaybackState,
}

/// Where a playback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PlaybackState {
    /// Started.
    Playing,
    /// Ended, stopped or lost its device.
    Ended,
}

/// A music entry the composer can send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MusicDto {
    /// Our id for it.
    pub id: String,
    /// Title.
    pub name: String,
    /// Author.
    pub author: String,
    /// Where the audio is (uploaded to the server).
    pub url: String,
    /// Where the poster is.
    pub poster: String,
}

/// One page of history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryDto {
    /// The messages, oldest first.
    pub messages: Vec<MessageDto>,
    /// Whether older messages exist.
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conv_ref_validation() {
        let ok = ConvRef {
            conversation_type: ConversationType::Private,
            target_id: "u1".into(),
        };
        assert_eq!(
            ok.clone().validated().unwrap(),
            ConversationId::private("u1")
        );
        assert!(
            ConvRef {
                conversation_type: ConversationType::Other(9),
                ..ok.clone()
            }
            .validated()
            .is_err()
        );
        assert!(
            ConvRef {
                target_id: String::new(),
                ..ok
            }
            .validated()
            .is_err()
        );
    }

    #[test]
    fn conversation_types_cross_by_name() {
        let conv: ConvRef = serde_json::from_value(
            serde_json::json!({"conversationType": "group", "targetId": "g"}),
        )
        .unwrap();
        assert_eq!(conv.validated().unwrap(), ConversationId::group("g"));
        let json = serde_json::to_value(ConvRef::from(ConversationId::private("u"))).unwrap();
        assert_eq!(json["conversationType"], "private");
        let numbered = serde_json::json!({"conversationType": 3, "targetId": "g"});
        assert!(serde_json::from_value::<ConvRef>(numbered).is_err());
    }

    #[test]
    fn errors_and_dtos_are_camel_case() {
        let json = serde_json::to_value(RecordingDto::Level {
            level: 0.5,
            elapsed: 1.0,
            limit: 60.0,
        })
        .unwrap();
        assert_eq!(json["type"], "level");
        let json = serde_json::to_value(ProgressDto {
            message_id: "m".into(),
            sent: 1,
            total: 2,
        })
        .unwrap();
        assert_eq!(json["messageId"], "m");
    }
}

/// Who started or stopped typing where (the `typing` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypingDto {
    /// The conversation.
    pub conv: ConvRef,
    /// Who types.
    pub user_id: String,
    /// Started or stopped.
    pub typing: bool,
}

/// One search hit (`message_search`): where, who, when, and a plain-text snippet (shown
/// as text, never as markup).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHitDto {
    /// The conversation.
    pub conv: ConvRef,
    /// The conversation's title (the directory's name, else its id).
    pub title: String,
    /// The message's local id (for `message_around`).
    pub message_id: String,
    /// The sender's display name.
    pub sender_name: Option<String>,
    /// Ours or theirs.
    pub direction: Direction,
    /// Sent time in ms since the epoch.
    pub sent_time: i64,
    /// Which kind of message (text, file, music).
    pub kind: Kind,
    /// An excerpt around the match, `…` where cut.
    pub snippet: String,
}

/// A conversation's messages around one message (`message_around`), oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AroundDto {
    /// The conversation.
    pub conv: ConvRef,
    /// The messages, oldest first, the anchor among them.
    pub messages: Vec<MessageDto>,
    /// Whether the local store had as many older messages as asked (more may follow).
    pub has_older: bool,
    /// Whether as many newer messages as asked were there (more may follow).
    pub has_newer: bool,
}

/// Messages deleted here, for the `messages-removed` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedDto {
    /// Their conversation.
    pub conv: ConvRef,
    /// Their local ids (as in `MessageDto.id`).
    pub ids: Vec<String>,
}

/// A group member for the member list and the @ picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberDto {
    /// The user's id.
    pub id: String,
    /// The name to show (the server's, else the directory's, else the id).
    pub name: String,
    /// An avatar URL (a demo person's `rongchat-avatar:` URL, else the server's portrait).
    pub avatar: Option<String>,
}
