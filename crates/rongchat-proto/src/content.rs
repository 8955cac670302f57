//! The JSON contents of message types (`UpStreamMessage.content` /
//! `DownStreamMessage.content`), keyed by object name (`classname` on the wire).
//!
//! Real senders are untidy (notes §5.4): the demos add a `type` key, send `user` objects
//! with `avatar` instead of `portrait`, and put an object in `extra`. Parsing tolerates all
//! of that; unknown keys are ignored, and unknown object names keep their raw JSON.

use serde::{Deserialize, Serialize};

/// The most bytes a message content (its JSON) may have; RongCloud refuses larger ones.
pub const MAX_CONTENT_BYTES: usize = 128 * 1024;
use serde_json::Value;

/// Object names of the types this crate knows.
pub mod object_name {
    /// Text.
    pub const TEXT: &str = "RC:TxtMsg";
    /// Image: base64 JPEG thumbnail plus the full image's URL.
    pub const IMAGE: &str = "RC:ImgMsg";
    /// Legacy voice: base64 AMR-NB plus duration.
    pub const VOICE: &str = "RC:VcMsg";
    /// HQ voice: an uploaded file's URL plus duration.
    pub const HQ_VOICE: &str = "RC:HQVCMsg";
    /// File.
    pub const FILE: &str = "RC:FileMsg";
    /// The demo's custom music card.
    pub const MUSIC: &str = "seal:music";
    /// "I have read up to T", to the user's own other devices.
    pub const SYNC_READ_STATUS: &str = "RC:SRSMsg";
    /// Private read receipt, to the peer.
    pub const READ_RECEIPT: &str = "RC:ReadNtf";
    /// Recall command.
    pub const RECALL: &str = "RC:RcCmd";
    /// What a recalled message becomes: the recall notice.
    pub const RECALL_NOTICE: &str = "RC:RcNtf";
    /// Typing status: a status message (relayed to online devices, never stored).
    pub const TYPING: &str = "RC:TypSts";
    /// A reply quoting an earlier message (text only).
    pub const REFERENCE: &str = "RC:ReferenceMsg";
}

/// Why a content could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {object_name} content: {reason}")]
pub struct ContentError {
    /// The object name the content claimed.
    pub object_name: String,
    /// What serde said.
    pub reason: String,
}

/// The sender info some clients attach (`user`). Accepts `portrait`, `portraitUri` and the
/// demo's `avatar`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserInfo {
    /// User id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_string"
    )]
    pub id: Option<String>,
    /// Display name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_string"
    )]
    pub name: Option<String>,
    /// Avatar URL.
    #[serde(
        default,
        alias = "portraitUri",
        alias = "avatar",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_string"
    )]
    pub portrait: Option<String>,
}

/// Fields every type may carry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Common {
    /// Free-form extra data: a string by the SDK's rules, an object from the demos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Value>,
    /// Sender info.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_user"
    )]
    pub user: Option<UserInfo>,
    /// Mentions (`{type, userIdList, mentionedContent}`), kept as given.
    #[serde(
        default,
        rename = "mentionedInfo",
        skip_serializing_if = "Option::is_none"
    )]
    pub mentioned_info: Option<Value>,
}

impl Common {
    /// The typed mention, when `mentionedInfo` is one we understand.
    pub fn mention(&self) -> Option<crate::mention::Mention> {
        self.mentioned_info
            .as_ref()
            .and_then(crate::mention::Mention::from_value)
    }
}

/// `RC:TxtMsg`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Text {
    /// The text.
    #[serde(default)]
    pub content: String,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:ImgMsg`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// Base64 JPEG thumbnail, no `data:` prefix. The Alipay demo leaves it out.
    #[serde(default)]
    pub content: String,
    /// Full-size image URL.
    #[serde(default)]
    pub image_uri: String,
    /// Thumbnail width, when the sender says.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub thum_width: Option<u64>,
    /// Thumbnail height, when the sender says.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub thum_height: Option<u64>,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:VcMsg`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Voice {
    /// Base64 of an AMR-NB file.
    #[serde(default)]
    pub content: String,
    /// Whole seconds.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub duration: u64,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:HQVCMsg`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HqVoice {
    /// URL of the uploaded audio.
    #[serde(default)]
    pub remote_url: String,
    /// Whole seconds.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub duration: u64,
    /// Codec, e.g. `aac`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_string"
    )]
    pub format: Option<String>,
    /// Sample rate in Hz.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub sample_rate: Option<u64>,
    /// Channel count.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub number_of_channels: Option<u64>,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:FileMsg`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct File {
    /// File name shown to the user.
    #[serde(default)]
    pub name: String,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub size: u64,
    /// The extension (`bin` if none). The demos overwrite it with `"file"`.
    #[serde(default, rename = "type", deserialize_with = "lenient_string_or_empty")]
    pub file_type: String,
    /// Download URL.
    #[serde(default)]
    pub file_url: String,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `seal:music`, the demo's custom music card.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Music {
    /// Audio URL.
    #[serde(default)]
    pub url: String,
    /// Title.
    #[serde(default)]
    pub name: String,
    /// Artist.
    #[serde(default)]
    pub author: String,
    /// Cover image URL.
    #[serde(default)]
    pub poster: String,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:SRSMsg`: "I have read this conversation up to `last_message_send_time`".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReadStatus {
    /// ms.
    #[serde(default, deserialize_with = "lenient_i64_or_zero")]
    pub last_message_send_time: i64,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:ReadNtf`: a private read receipt.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadReceipt {
    /// ms.
    #[serde(default, deserialize_with = "lenient_i64_or_zero")]
    pub last_message_send_time: i64,
    /// The last message read.
    #[serde(default, rename = "messageUId")]
    pub message_uid: String,
    /// Receipt type (1).
    #[serde(default, rename = "type", deserialize_with = "lenient_i64_or_zero")]
    pub receipt_type: i64,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `RC:RcCmd`: recall of an earlier message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recall {
    /// The message recalled.
    #[serde(default, rename = "messageUId")]
    pub message_uid: String,
    /// Its conversation type.
    #[serde(default, deserialize_with = "lenient_i64_or_zero")]
    pub conversation_type: i64,
    /// Its conversation target.
    #[serde(default)]
    pub target_id: String,
    /// Its send time, ms.
    #[serde(default, deserialize_with = "lenient_i64_or_zero")]
    pub sent_time: i64,
    /// The ultra-group channel (the SDK sends "" otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    /// Recalled by an administrator.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_admin: bool,
    /// Delete instead of leaving a notice.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_delete: bool,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

impl Recall {
    /// The notice this command turns its message into, as the SDK builds it: the
    /// recalled message's send time, the command's own send time and its sender.
    pub fn notice(&self, operator_id: &str, action_time: i64) -> RecallNotice {
        RecallNotice {
            operator_id: operator_id.to_owned(),
            recall_time: self.sent_time,
            recall_action_time: action_time,
            admin: self.is_admin,
            delete: self.is_delete,
            is_delete: self.is_delete,
            extra: self.common.extra.clone(),
        }
    }
}

/// `RC:RcNtf`: what a recalled message shows instead of its content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecallNotice {
    /// Who recalled it.
    #[serde(default, deserialize_with = "lenient_string_or_empty")]
    pub operator_id: String,
    /// The recalled message's send time, ms.
    #[serde(default, deserialize_with = "lenient_i64_or_zero")]
    pub recall_time: i64,
    /// When it was recalled, ms.
    #[serde(default, deserialize_with = "lenient_i64_or_zero")]
    pub recall_action_time: i64,
    /// Recalled by an administrator.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub admin: bool,
    /// Deleted rather than noticed (`delete` and `isDelete` both carry it).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub delete: bool,
    /// Same as `delete`.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_delete: bool,
    /// The command's `extra`.
    #[serde(default)]
    pub extra: Option<Value>,
}

/// `RC:ReferenceMsg`: a text reply quoting an earlier message. The SDK's fields are
/// `referMsgUserId`, `referMsg` (the quoted message's content object), `referMsgUid`,
/// `content` (the reply's text) and `objName` (the quoted message's object name).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// The reply's own text.
    #[serde(default, deserialize_with = "lenient_string_or_empty")]
    pub content: String,
    /// Who sent the quoted message.
    #[serde(default, deserialize_with = "lenient_string_or_empty")]
    pub refer_msg_user_id: String,
    /// The quoted message's uid.
    #[serde(default, deserialize_with = "lenient_string_or_empty")]
    pub refer_msg_uid: String,
    /// The quoted message's content, as its sender's object (kept as given).
    #[serde(default)]
    pub refer_msg: Value,
    /// The quoted message's object name.
    #[serde(default, deserialize_with = "lenient_string_or_empty")]
    pub obj_name: String,
    /// The SDK's `ReferenceMessageStatus` (only in its refresh callbacks).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub refer_msg_status: Option<u64>,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

impl Reference {
    /// The quoted message's content parsed by its object name (`referMsg` may also arrive
    /// as a JSON string); `None` when it is neither an object nor JSON text.
    pub fn quoted(&self) -> Option<Content> {
        let json = match &self.refer_msg {
            Value::Object(_) => self.refer_msg.to_string(),
            Value::String(text) if text.trim_start().starts_with('{') => text.clone(),
            _ => return None,
        };
        let name = if self.obj_name.is_empty() {
            object_name::TEXT
        } else {
            &self.obj_name
        };
        Some(Content::parse_lenient(name, &json))
    }

    /// The quoted text when the quoted message is a text (or a reply); `None` otherwise.
    pub fn quoted_text(&self) -> Option<String> {
        match self.quoted()? {
            Content::Text(t) => Some(t.content),
            Content::Reference(r) => Some(r.content),
            _ => None,
        }
    }
}

/// A message content, by object name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// `RC:TxtMsg`.
    Text(Text),
    /// `RC:ImgMsg`.
    Image(Image),
    /// `RC:VcMsg`.
    Voice(Voice),
    /// `RC:HQVCMsg`.
    HqVoice(HqVoice),
    /// `RC:FileMsg`.
    File(File),
    /// `seal:music`.
    Music(Music),
    /// `RC:SRSMsg`.
    SyncReadStatus(SyncReadStatus),
    /// `RC:ReadNtf`.
    ReadReceipt(ReadReceipt),
    /// `RC:RcCmd`.
    Recall(Recall),
    /// `RC:RcNtf`.
    RecallNotice(RecallNotice),
    /// `RC:ReferenceMsg`.
    Reference(Reference),
    /// Any other object name, with its raw JSON kept (a string when it was not JSON).
    Unknown {
        /// The object name.
        object_name: String,
        /// The content as received.
        raw: Value,
    },
}

/// How the server treats a message type (UpStreamMessage.sessionId bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persistence {
    /// Stored and returned by history.
    pub persisted: bool,
    /// Counts towards unread.
    pub counted: bool,
}

impl Persistence {
    /// The sessionId bits: 1 persisted, 2 counted.
    pub fn bits(self) -> i32 {
        i32::from(self.persisted) | (i32::from(self.counted) << 1)
    }

    /// Reads the sessionId bits.
    pub fn from_bits(bits: i32) -> Self {
        Self {
            persisted: bits & 1 != 0,
            counted: bits & 2 != 0,
        }
    }
}

impl Content {
    /// Parses a content by object name. Known types with malformed JSON are an error;
    /// unknown types always succeed.
    pub fn parse(object_name: &str, json: &str) -> Result<Self, ContentError> {
        use self::object_name as on;
        let err = |e: serde_json::Error| ContentError {
            object_name: object_name.to_owned(),
            reason: e.to_string(),
        };
        Ok(match object_name {
            on::TEXT => Self::Text(serde_json::from_str(json).map_err(err)?),
            on::IMAGE => Self::Image(serde_json::from_str(json).map_err(err)?),
            on::VOICE => Self::Voice(serde_json::from_str(json).map_err(err)?),
            on::HQ_VOICE => Self::HqVoice(serde_json::from_str(json).map_err(err)?),
            on::FILE => Self::File(serde_json::from_str(json).map_err(err)?),
            on::MUSIC => Self::Music(serde_json::from_str(json).map_err(err)?),
            on::SYNC_READ_STATUS => Self::SyncReadStatus(serde_json::from_str(json).map_err(err)?),
            on::READ_RECEIPT => Self::ReadReceipt(serde_json::from_str(json).map_err(err)?),
            on::RECALL => Self::Recall(serde_json::from_str(json).map_err(err)?),
            on::RECALL_NOTICE => Self::RecallNotice(serde_json::from_str(json).map_err(err)?),
            on::REFERENCE => Self::Reference(serde_json::from_str(json).map_err(err)?),
            other => Self::Unknown {
                object_name: other.to_owned(),
                raw: serde_json::from_str(json).unwrap_or_else(|_| Value::String(json.to_owned())),
            },
        })
    }

    /// Like [`Content::parse`], but a malformed known type becomes `Unknown` with its raw
    /// text, so nothing received is ever dropped.
    pub fn parse_lenient(object_name: &str, json: &str) -> Self {
        Self::parse(object_name, json).unwrap_or_else(|_| Self::Unknown {
            object_name: object_name.to_owned(),
            raw: serde_json::from_str(json).unwrap_or_else(|_| Value::String(json.to_owned())),
        })
    }

    /// The object name (`classname` on the wire).
    pub fn object_name(&self) -> &str {
        use self::object_name as on;
        match self {
            Self::Text(_) => on::TEXT,
            Self::Image(_) => on::IMAGE,
            Self::Voice(_) => on::VOICE,
            Self::HqVoice(_) => on::HQ_VOICE,
            Self::File(_) => on::FILE,
            Self::Music(_) => on::MUSIC,
            Self::SyncReadStatus(_) => on::SYNC_READ_STATUS,
            Self::ReadReceipt(_) => on::READ_RECEIPT,
            Self::Recall(_) => on::RECALL,
            Self::RecallNotice(_) => on::RECALL_NOTICE,
            Self::Reference(_) => on::REFERENCE,
            Self::Unknown { object_name, .. } => object_name,
        }
    }

    /// The content as JSON text.
    pub fn to_json(&self) -> String {
        let value = match self {
            Self::Text(c) => serde_json::to_value(c),
            Self::Image(c) => serde_json::to_value(c),
            Self::Voice(c) => serde_json::to_value(c),
            Self::HqVoice(c) => serde_json::to_value(c),
            Self::File(c) => serde_json::to_value(c),
            Self::Music(c) => serde_json::to_value(c),
            Self::SyncReadStatus(c) => serde_json::to_value(c),
            Self::ReadReceipt(c) => serde_json::to_value(c),
            Self::Recall(c) => serde_json::to_value(c),
            Self::RecallNotice(c) => serde_json::to_value(c),
            Self::Reference(c) => serde_json::to_value(c),
            Self::Unknown {
                raw: Value::String(s),
                ..
            } => return s.clone(),
            Self::Unknown { raw, .. } => Ok(raw.clone()),
        };
        // Serializing these plain structs into a Value cannot fail.
        value.map(|v| v.to_string()).unwrap_or_default()
    }

    /// Whether the type is stored and counted, per the SDK's built-in table.
    pub fn persistence(&self) -> Persistence {
        persistence_of(self.object_name())
    }
}

/// The SDK's built-in persisted/counted table for an object name. Unknown names are
/// treated as the demo treats its custom music message: persisted and counted.
pub fn persistence_of(object_name: &str) -> Persistence {
    use self::object_name as on;
    match object_name {
        on::SYNC_READ_STATUS
        | on::READ_RECEIPT
        | on::TYPING
        | "RC:CmdMsg"
        | "RC:RRReqMsg"
        | "RC:RRRspMsg" => Persistence {
            persisted: false,
            counted: false,
        },
        on::RECALL
        | "RC:InfoNtf"
        | "RC:ContactNtf"
        | "RC:ProfileNtf"
        | "RC:CmdNtf"
        | "RC:GrpNtf"
        | on::RECALL_NOTICE => Persistence {
            persisted: true,
            counted: false,
        },
        _ => Persistence {
            persisted: true,
            counted: true,
        },
    }
}

fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

fn lenient_string_or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    lenient_string(d).map(Option::unwrap_or_default)
}

fn lenient_user<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<UserInfo>, D::Error> {
    Ok(match Value::deserialize(d)? {
        value @ Value::Object(_) => serde_json::from_value(value).ok(),
        _ => None,
    })
}

/// Numbers may arrive as numbers, floats or numeric strings.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn lenient_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(number(&value)
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n.round() as u64))
}

fn lenient_u64_or_zero<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    lenient_u64(d).map(Option::unwrap_or_default)
}

/// A boolean, also as 0/1 or "true"/"false" (other clients' habits); anything else false.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_i64().is_some_and(|n| n != 0),
        Value::String(s) => s == "true" || s == "1",
        _ => false,
    })
}

fn lenient_i64_or_zero<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(number(&value)
        .filter(|n| n.is_finite())
        .map(|n| n.round() as i64)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recall_command_as_the_sdk_sends_it() {
        let json = r#"{"conversationType":1,"targetId":"u2","messageUId":"BQ3G-0000-0001",
            "sentTime":1700000000123,"channelId":"","isDelete":false,"isAdmin":false,"extra":"x"}"#;
        let Content::Recall(cmd) = Content::parse("RC:RcCmd", json).unwrap() else {
            panic!("not a recall")
        };
        assert_eq!(cmd.message_uid, "BQ3G-0000-0001");
        assert_eq!((cmd.conversation_type, cmd.target_id.as_str()), (1, "u2"));
        assert_eq!(cmd.sent_time, 1_700_000_000_123);
        assert!(!cmd.is_admin && !cmd.is_delete);
        let p = Content::Recall(cmd.clone()).persistence();
        assert!(p.persisted && !p.counted);
        // The notice the SDK derives from it.
        let notice = cmd.notice("u1", 1_700_000_000_999);
        assert_eq!(notice.recall_time, 1_700_000_000_123);
        assert_eq!(notice.recall_action_time, 1_700_000_000_999);
        assert_eq!(notice.operator_id, "u1");
        assert_eq!(notice.extra, Some(json!("x")));
        let text = Content::RecallNotice(notice.clone()).to_json();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["recallTime"], 1_700_000_000_123_i64);
        assert_eq!(back["isDelete"], false);
        assert_eq!(
            Content::parse("RC:RcNtf", &text).unwrap(),
            Content::RecallNotice(notice)
        );
    }

    #[test]
    fn recall_notice_is_lenient_and_typed() {
        // Flags as numbers, times as strings: other clients' habits.
        let c = Content::parse(
            "RC:RcNtf",
            r#"{"operatorId":"u9","recallTime":"5","recallActionTime":6,"admin":1,"delete":0}"#,
        )
        .unwrap();
        let Content::RecallNotice(n) = &c else {
            panic!("not a notice")
        };
        assert_eq!((n.recall_time, n.recall_action_time), (5, 6));
        assert!(n.admin && !n.delete);
        assert_eq!(c.object_name(), "RC:RcNtf");
        let p = c.persistence();
        assert!(p.persisted && !p.counted);
        // Not JSON at all: a typed error, and lenient parsing keeps it.
        assert!(Content::parse("RC:RcNtf", "not json").is_err());
        assert!(matches!(
            Content::parse_lenient("RC:RcCmd", "[1,"),
            Content::Unknown { .. }
        ));
    }

    #[test]
    fn reference_as_the_sdk_sends_it() {
        // The SDK's ReferenceMessage: the quoted message's content object in referMsg.
        let json = r#"{"referMsgUserId":"u2","referMsg":{"content":"原文 quoted"},
            "referMsgUid":"BQ3G-0000-0007","content":"回复 reply","objName":"RC:TxtMsg",
            "mentionedInfo":{"type":2,"userIdList":["u2"]}}"#;
        let c = Content::parse("RC:ReferenceMsg", json).unwrap();
        let Content::Reference(r) = &c else {
            panic!("not a reference")
        };
        assert_eq!(r.content, "回复 reply");
        assert_eq!(
            (r.refer_msg_user_id.as_str(), r.refer_msg_uid.as_str()),
            ("u2", "BQ3G-0000-0007")
        );
        assert_eq!(r.quoted_text().as_deref(), Some("原文 quoted"));
        assert!(r.common.mentioned_info.is_some());
        let p = c.persistence();
        assert!(p.persisted && p.counted);
        let back: Value = serde_json::from_str(&c.to_json()).unwrap();
        assert_eq!(back["referMsg"]["content"], "原文 quoted");
        assert_eq!(back["objName"], "RC:TxtMsg");
        assert_eq!(Content::parse("RC:ReferenceMsg", &c.to_json()).unwrap(), c);
    }

    #[test]
    fn reference_is_lenient() {
        // referMsg as JSON text, a quoted file, nothing quoted, fields of the wrong type.
        let as_text = r#"{"content":"r","referMsg":"{\"content\":\"q\"}","objName":"RC:TxtMsg"}"#;
        let Content::Reference(r) = Content::parse("RC:ReferenceMsg", as_text).unwrap() else {
            panic!("not a reference")
        };
        assert_eq!(r.quoted_text().as_deref(), Some("q"));
        let file = r#"{"content":"r","referMsg":{"name":"a.zip","size":3},"objName":"RC:FileMsg"}"#;
        let Content::Reference(r) = Content::parse("RC:ReferenceMsg", file).unwrap() else {
            panic!("not a reference")
        };
        assert!(matches!(r.quoted(), Some(Content::File(_))));
        assert_eq!(r.quoted_text(), None);
        let Content::Reference(r) =
            Content::parse("RC:ReferenceMsg", r#"{"content":5,"referMsgUserId":null}"#).unwrap()
        else {
            panic!("not a reference")
        };
        assert_eq!((r.content.as_str(), r.quoted()), ("5", None));
        assert!(Content::parse("RC:ReferenceMsg", "[1]").is_err());
    }

    #[test]
    fn text_round_trips() {
        let c = Content::parse("RC:TxtMsg", r#"{"content":"hello from the oracle"}"#).unwrap();
        assert_eq!(c.to_json(), r#"{"content":"hello from the oracle"}"#);
        assert_eq!(c.persistence().bits(), 3);
    }

    #[test]
    fn demo_quirks_are_tolerated() {
        // Alipay demo image: extra `type`, `extra` as an object, `user` with `avatar`.
        let json = r#"{"type":"image","imageUri":"http://x/a.jpg","extra":{"width":10,"height":20},
            "user":{"name":"大乔","avatar":"http://x/u.png"}}"#;
        let Content::Image(img) = Content::parse("RC:ImgMsg", json).unwrap() else {
            panic!("not an image")
        };
        assert_eq!(img.image_uri, "http://x/a.jpg");
        assert_eq!(img.content, "");
        assert_eq!(img.common.extra, Some(json!({"width":10,"height":20})));
        assert_eq!(
            img.common.user.unwrap().portrait.as_deref(),
            Some("http://x/u.png")
        );
        // Demo file: `type` overwritten with "file", size as a string.
        let Content::File(f) = Content::parse(
            "RC:FileMsg",
            r#"{"type":"file","name":"a.zip","size":"94800","fileUrl":"u"}"#,
        )
        .unwrap() else {
            panic!("not a file")
        };
        assert_eq!((f.file_type.as_str(), f.size), ("file", 94800));
        // A `user` that is not an object is dropped rather than failing the message.
        assert!(Content::parse("RC:TxtMsg", r#"{"content":"x","user":"bob"}"#).is_ok());
    }

    #[test]
    fn music_and_voice_fields() {
        let m = Content::parse(
            "seal:music",
            r#"{"url":"u","name":"n","author":"a","poster":"p","user":{"id":"1"}}"#,
        )
        .unwrap();
        let back = Content::parse("seal:music", &m.to_json()).unwrap();
        assert_eq!(m, back);
        let Content::Voice(v) =
            Content::parse("RC:VcMsg", r#"{"content":"IyFBTVIK","duration":1.4}"#).unwrap()
        else {
            panic!("not voice")
        };
        assert_eq!(v.duration, 1);
    }

    #[test]
    fn unknown_types_keep_raw_json_and_malformed_known_types_are_errors() {
        let c = Content::parse("app:custom", r#"{"a":[1,2]}"#).unwrap();
        assert_eq!(c.object_name(), "app:custom");
        assert_eq!(c.to_json(), r#"{"a":[1,2]}"#);
        let not_json = Content::parse("app:custom", "not json").unwrap();
        assert_eq!(not_json.to_json(), "not json");
        assert!(Content::parse("RC:TxtMsg", "[1,2]").is_err());
        assert!(matches!(
            Content::parse_lenient("RC:TxtMsg", "oops"),
            Content::Unknown { .. }
        ));
        assert_eq!(persistence_of("RC:SRSMsg").bits(), 0);
    }
}
