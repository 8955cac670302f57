//! @mentions: a content's `mentionedInfo` (`{type, userIdList, mentionedContent}`) and the
//! `UpStreamMessage.sessionId` bit that goes with it (PROTOCOL-NOTES.md, "Mentions").
//!
//! The content keeps the raw JSON (`Common::mentioned_info`) so shapes we do not know
//! survive a round trip; this is the typed reading of it, lenient like the SDK: a type
//! given as a string, ids that are not strings dropped, anything else "no mention".

use serde_json::{Value, json};

/// `UpStreamMessage.sessionId` bit: the message carries a mention (the SDK's
/// `isMentioned`). Downstream, the server turns it into `DownStreamMessage.status` 64.
pub const SESSION_MENTIONED: i32 = 4;

/// `DownStreamMessage.status` bit for a message that carries a mention.
pub const STATUS_MENTIONED: i64 = 64;

/// Who is mentioned (the SDK's `MentionedType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// 1: every member ("@所有人").
    All,
    /// 2: the users in `userIdList`.
    Users,
}

impl MentionKind {
    /// The wire number.
    pub fn code(self) -> i64 {
        match self {
            MentionKind::All => 1,
            MentionKind::Users => 2,
        }
    }

    fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(MentionKind::All),
            2 => Some(MentionKind::Users),
            _ => None,
        }
    }
}

/// A typed `mentionedInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// All members or a list.
    pub kind: MentionKind,
    /// The mentioned users (may be empty for `All`).
    pub user_ids: Vec<String>,
    /// The push text the sender chose, if any.
    pub mentioned_content: Option<String>,
}

impl Mention {
    /// Everyone in the group.
    pub fn all() -> Self {
        Self {
            kind: MentionKind::All,
            user_ids: Vec::new(),
            mentioned_content: None,
        }
    }

    /// These users.
    pub fn users(ids: impl IntoIterator<Item = String>) -> Self {
        Self {
            kind: MentionKind::Users,
            user_ids: ids.into_iter().collect(),
            mentioned_content: None,
        }
    }

    /// Reads a `mentionedInfo` value; `None` when it is not one we understand.
    pub fn from_value(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let code = match object.get("type")? {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        let kind = MentionKind::from_code(code)?;
        let user_ids = match object.get("userIdList") {
            Some(Value::Array(ids)) => ids
                .iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mentioned_content = object
            .get("mentionedContent")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Some(Self {
            kind,
            user_ids,
            mentioned_content,
        })
    }

    /// The mention in a content's JSON text, if it has one.
    pub fn from_content_json(content: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(content).ok()?;
        Self::from_value(value.get("mentionedInfo")?)
    }

    /// The `mentionedInfo` JSON, as the SDK writes it.
    pub fn to_value(&self) -> Value {
        let mut value = json!({ "type": self.kind.code(), "userIdList": self.user_ids });
        if let (Some(text), Some(object)) = (&self.mentioned_content, value.as_object_mut()) {
            object.insert("mentionedContent".into(), Value::String(text.clone()));
        }
        value
    }

    /// Whether this mention reaches `user_id`: everyone, or listed.
    pub fn includes(&self, user_id: &str) -> bool {
        match self.kind {
            MentionKind::All => true,
            MentionKind::Users => self.user_ids.iter().any(|id| id == user_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sdk_shapes() {
        let all = Mention::from_value(&json!({"type": 1})).unwrap();
        assert_eq!(all.kind, MentionKind::All);
        assert!(all.includes("anyone"));
        let listed =
            Mention::from_value(&json!({"type": 2, "userIdList": ["u1", 7, "u2"]})).unwrap();
        assert_eq!(listed.user_ids, ["u1", "u2"]);
        assert!(listed.includes("u2") && !listed.includes("u3"));
        let as_text = Mention::from_value(&json!({"type": "2", "userIdList": ["me"]})).unwrap();
        assert!(as_text.includes("me"));
    }

    #[test]
    fn odd_shapes_are_no_mention() {
        for odd in [
            json!(null),
            json!("@all"),
            json!({"type": 3}),
            json!({"type": true}),
            json!({"userIdList": ["u1"]}),
        ] {
            assert_eq!(Mention::from_value(&odd), None, "{odd}");
        }
        assert_eq!(Mention::from_content_json("not json"), None);
        assert_eq!(Mention::from_content_json(r#"{"content":"hi"}"#), None);
    }

    #[test]
    fn round_trips_through_the_content() {
        let mut m = Mention::users(["a".to_owned()]);
        m.mentioned_content = Some("@a hi".into());
        let content = json!({"content": "@a hi", "mentionedInfo": m.to_value()}).to_string();
        assert_eq!(Mention::from_content_json(&content), Some(m));
        assert_eq!(
            Mention::all().to_value(),
            json!({"type": 1, "userIdList": []})
        );
    }
}
