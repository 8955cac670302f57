//! What crosses the bridge: camelCase DTOs for the page, built from the client's data.
//! Message contents are turned into plain fields here; the page renders them as text.

use crate::error::{Error, Result};
use base64::Engine;
use rongchat_proto::content::Content;
use serde::{Deserialize, Serialize};

/// A conversation as the page names it: `{conversationType, targetId}` (extra fields of a
/// full `ConversationDto` are ignored, so the page can pass one back as is).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConvRef {
    /// 1 private, 3 group, 4 chatroom, 6 system.
    pub conversation_type: u8,
    /// The other user's id, or the group's.
    pub target_id: String,
}

impl ConvRef {
    /// Rejects conversation types we do not show and ids the server would refuse.
    pub fn validated(self) -> Result<Self> {
        if !matches!(self.conversation_type, 1 | 3 | 4 | 6) {
            return Err(Error::Invalid(format!(
                "conversation type {}",
                self.conversation_type
            )));
        }
        let id = self.target_id.as_str();
        if id.is_empty() || id.len() > 64 || id.chars().any(char::is_control) {
            return Err(Error::Invalid("target id".into()));
        }
        Ok(self)
    }
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
    /// Anything else: shown as "unsupported" with its object name.
    Unsupported,
}

/// Who sent it, seen from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// We sent it.
    Out,
    /// We received it.
    In,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SendStatus {
    /// In the outbox, not acknowledged yet.
    Sending,
    /// Acknowledged by the server.
    Sent,
    /// Gave up; the page offers "resend".
    Failed,
    /// A received message.
    Received,
}

/// The content fields the page shows, by kind. All text here is rendered as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    /// Text messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Images: the inline thumbnail as a `data:image/jpeg;base64,` URL (validated).
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
    /// The wire object name (shown for unsupported types).
    pub object_name: String,
}

/// The sender's name carried inside a content (`user.name`), if any.
pub fn content_sender_name(content: &Content) -> Option<String> {
    let common = match content {
        Content::Text(c) => &c.common,
        Content::Image(c) => &c.common,
        Content::Voice(c) => &c.common,
        Content::HqVoice(c) => &c.common,
        Content::File(c) => &c.common,
        Content::Music(c) => &c.common,
        _ => return None,
    };
    common.user.as_ref().and_then(|u| u.name.clone())
}

/// A base64 JPEG thumbnail as a data URL, or `None` when it is not clean base64 (so
/// nothing but an image can ever reach the `src`).
pub fn thumbnail_url(b64: &str) -> Option<String> {
    let clean: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if clean.is_empty() || clean.len() > 2_000_000 {
        return None;
    }
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(&clean).ok()?;
    let mime = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else {
        return None;
    };
    Some(format!("data:{mime};base64,{clean}"))
}

/// Bytes as a data URL of the given image/audio type.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    format!("data:{mime};base64,{}", engine.encode(bytes))
}

/// The image type of some bytes, by their magic number.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The page's fields for a content.
pub fn body_of(content: &Content) -> (Kind, Body) {
    let mut body = Body {
        object_name: content.object_name().to_owned(),
        ..Body::default()
    };
    let kind = match content {
        Content::Text(c) => {
            body.text = Some(c.content.clone());
            Kind::Text
        }
        Content::Image(c) => {
            body.thumbnail = thumbnail_url(&c.content);
            let extra = c.common.extra.as_ref();
            let from_extra = |k: &str| extra.and_then(|e| e.get(k)).and_then(|v| v.as_u64());
            body.image_width = c.thum_width.or_else(|| from_extra("width"));
            body.image_height = c.thum_height.or_else(|| from_extra("height"));
            Kind::Image
        }
        Content::Voice(c) => {
            body.duration = Some(c.duration);
            Kind::Voice
        }
        Content::HqVoice(c) => {
            body.duration = Some(c.duration);
            Kind::Voice
        }
        Content::File(c) => {
            body.file_name = Some(c.name.clone());
            body.file_size = Some(c.size);
            body.file_type = Some(c.file_type.clone());
            Kind::File
        }
        Content::Music(c) => {
            body.music_name = Some(c.name.clone());
            body.music_author = Some(c.author.clone());
            Kind::Music
        }
        _ => Kind::Unsupported,
    };
    (kind, body)
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
    pub conversation_type: u8,
    /// The conversation's target.
    pub target_id: String,
    /// The sender's user id.
    pub sender_id: String,
    /// The sender's display name (directory, else the content's `user.name`).
    pub sender_name: Option<String>,
    /// The sender's avatar as a data URL, when we have one.
    pub sender_avatar: Option<String>,
    /// Ours or theirs.
    pub direction: Direction,
    /// Sent time in ms since the epoch.
    pub sent_time: i64,
    /// Send state.
    pub status: SendStatus,
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
}

/// One row of the conversation list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationDto {
    /// The conversation's type.
    pub conversation_type: u8,
    /// The conversation's target.
    pub target_id: String,
    /// The title: the directory's name, else the target id.
    pub title: String,
    /// The avatar as a data URL, when we have one.
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
    /// The unsent draft.
    pub draft: String,
}

/// The connection state for the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConnState {
    /// Starting up or signing in.
    Connecting,
    /// Online.
    Connected,
    /// Lost the connection; retrying by itself.
    Reconnecting,
    /// Another device signed in with this user; no automatic reconnect.
    Kicked,
    /// The server refused the token; the user must fix the settings.
    TokenInvalid,
    /// Stopped for another reason (message says why).
    Disconnected,
}

/// Who we are and how the connection is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDto {
    /// The connection state.
    pub state: ConnState,
    /// Our user id, once known.
    pub user_id: Option<String>,
    /// Our display name, once known.
    pub user_name: Option<String>,
    /// `demo` or `account`.
    pub mode: &'static str,
    /// Detail for `disconnected`.
    pub message: Option<String>,
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
    /// `playing` or `ended`.
    pub state: &'static str,
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
    fn bodies_by_kind() {
        let c = Content::parse("RC:TxtMsg", r#"{"content":"<b>hi</b>"}"#).unwrap();
        let (kind, body) = body_of(&c);
        assert_eq!(kind, Kind::Text);
        assert_eq!(body.text.as_deref(), Some("<b>hi</b>"));

        let c = Content::parse(
            "RC:FileMsg",
            r#"{"name":"a.txt","size":12,"type":"txt","fileUrl":"http://x/a"}"#,
        )
        .unwrap();
        let (kind, body) = body_of(&c);
        assert_eq!(kind, Kind::File);
        assert_eq!(body.file_size, Some(12));

        let c = Content::parse_lenient("X:Custom", r#"{"a":1}"#);
        let (kind, body) = body_of(&c);
        assert_eq!(kind, Kind::Unsupported);
        assert_eq!(body.object_name, "X:Custom");
    }

    #[test]
    fn thumbnails_must_be_real_images() {
        // A PNG header in base64, and things that are not images.
        assert!(
            thumbnail_url("iVBORw0KGgo=")
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        assert_eq!(thumbnail_url("\" onerror=\"alert(1)"), None);
        assert_eq!(thumbnail_url("aGVsbG8="), None);
        assert_eq!(thumbnail_url(""), None);
    }

    #[test]
    fn conv_ref_validation() {
        let ok = ConvRef {
            conversation_type: 1,
            target_id: "u1".into(),
        };
        assert!(ok.clone().validated().is_ok());
        assert!(
            ConvRef {
                conversation_type: 9,
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
    fn errors_and_dtos_are_camel_case() {
        let json = serde_json::to_value(RecordingDto::Level {
            level: 0.5,
            elapsed: 1.0,
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
