//! Which received messages become notifications, and what one shows: never for muted
//! conversations (unless the message @-mentions us), our own messages from another
//! device, or the backlog caught up at launch. Messages close together are shown together:
//! one arrives alone as itself, a burst as one summary. Whichever process shows them (the
//! app's shell in its own process, or the engine while no window runs) decides by this.

use crate::models::ConvRef;
use crate::settings::Language;
use serde_json::Value;
use std::time::{Duration, Instant};

/// A burst ends once nothing arrived for this long ...
pub const QUIET: Duration = Duration::from_millis(400);
/// ... or after this long in all, so a steady stream still shows something.
pub const LONGEST: Duration = Duration::from_secs(3);
/// Messages sent this long before launch are backlog (the unread count shows them).
pub const BACKLOG_SLACK_MS: i64 = 60_000;
/// Previews are cut to this many characters.
const PREVIEW_CHARS: usize = 100;

/// One message worth telling the user about.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its conversation.
    pub conv: ConvRef,
    /// Who sent it.
    pub sender: String,
    /// What it says.
    pub preview: String,
}

/// What one notification shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Its title.
    pub title: String,
    /// Its body.
    pub body: String,
    /// The chat it opens, when all of it is one chat.
    pub conv: Option<ConvRef>,
}

/// Whether a received message (DTO JSON) is one to notify about.
pub fn wants(msg: &Value, muted: bool, window_in_front: bool, backlog_ms: i64) -> bool {
    msg["direction"] == "receive"
        && !muted
        && !window_in_front
        && msg["sentTime"].as_i64().unwrap_or(0) >= backlog_ms - BACKLOG_SLACK_MS
}

/// Whether a conversation's do-not-disturb `level` keeps this received message (DTO JSON)
/// quiet. Muted ("@mentions only") still lets a mention of us or of everyone through, as
/// WeChat does; a level set on another device may narrow that to @me or @all, or to none.
pub fn silenced(msg: &Value, level: i32, me: &str) -> bool {
    let mention = &msg["mention"];
    let of_all = mention["all"] == true;
    let of_me = mention["userIds"]
        .as_array()
        .is_some_and(|ids| !me.is_empty() && ids.iter().any(|id| id == me));
    !rongchat_proto::conversation_status::notifies(level, of_me, of_all)
}

/// The preview line of a message (DTO JSON).
pub fn preview(msg: &Value, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let label = |zh_text: &str, en: &str| if zh { zh_text } else { en }.to_owned();
    let text = match msg["kind"].as_str().unwrap_or_default() {
        "text" => msg["text"].as_str().unwrap_or_default().to_owned(),
        "image" => label("[图片]", "[Photo]"),
        "voice" => label("[语音]", "[Voice]"),
        "file" => format!(
            "{} {}",
            label("[文件]", "[File]"),
            msg["fileName"].as_str().unwrap_or_default()
        ),
        "music" => format!(
            "{} {}",
            label("[音乐]", "[Music]"),
            msg["musicName"].as_str().unwrap_or_default()
        ),
        _ => label("[消息]", "[Message]"),
    };
    let text = text.trim();
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// One notification for a burst.
pub fn summarize(items: &[Item], lang: Language) -> Option<Shown> {
    let first = items.first()?;
    if items.len() == 1 {
        return Some(Shown {
            title: first.sender.clone(),
            body: first.preview.clone(),
            conv: Some(first.conv.clone()),
        });
    }
    let mut chats: Vec<&ConvRef> = items.iter().map(|i| &i.conv).collect();
    chats.sort_by(|a, b| a.target_id.cmp(&b.target_id));
    chats.dedup();
    let n = items.len();
    let (title, body) = match (lang, chats.len()) {
        (Language::Zh, 1) => (first.sender.clone(), format!("{n} 条新消息")),
        (Language::Zh, c) => (
            "RongChat".to_owned(),
            format!("{c} 个会话中有 {n} 条新消息"),
        ),
        (_, 1) => (first.sender.clone(), format!("{n} new messages")),
        (_, c) => (
            "RongChat".to_owned(),
            format!("{n} new messages in {c} chats"),
        ),
    };
    Some(Shown {
        title,
        body,
        conv: (chats.len() == 1).then(|| first.conv.clone()),
    })
}

/// The burst being gathered.
#[derive(Debug, Default)]
pub struct Burst {
    items: Vec<Item>,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Burst {
    /// Adds a message at `now`; true when it starts a burst (whoever adds it flushes it).
    pub fn add(&mut self, item: Item, now: Instant) -> bool {
        let starts = self.first.is_none();
        self.items.push(item);
        self.first.get_or_insert(now);
        self.last = Some(now);
        starts
    }

    /// The burst's messages, once it ended by `now` (quiet for [`QUIET`], or [`LONGEST`] in
    /// all); it starts afresh.
    pub fn take_if_ended(&mut self, now: Instant) -> Option<Vec<Item>> {
        let quiet = self.last.is_none_or(|t| now.duration_since(t) >= QUIET);
        let long = self.first.is_none_or(|t| now.duration_since(t) >= LONGEST);
        (quiet || long).then(|| std::mem::take(self).items)
    }
}

/// Waits until the burst in `burst` ended (checked every [`QUIET`]) and takes its messages.
pub async fn burst_ended(burst: &std::sync::Mutex<Burst>) -> Vec<Item> {
    loop {
        tokio::time::sleep(QUIET).await;
        let ended = burst
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take_if_ended(Instant::now());
        if let Some(items) = ended {
            return items;
        }
    }
}

/// Whether the backlog ends at `started_ms` (the process's start) or after what the app
/// seeded itself (`seeded_ms`), whichever is later.
pub fn backlog_ms(started_ms: i64, seeded_ms: i64) -> i64 {
    started_ms.max(seeded_ms + BACKLOG_SLACK_MS)
}

/// The item a received message (DTO JSON) is shown as.
pub fn item(msg: &Value, conv: ConvRef, lang: Language) -> Item {
    Item {
        sender: msg["senderName"]
            .as_str()
            .or(msg["senderId"].as_str())
            .unwrap_or_default()
            .to_owned(),
        preview: preview(msg, lang),
        conv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_proto::vocab::ConversationType;
    use serde_json::json;

    fn item(target: &str, sender: &str) -> Item {
        Item {
            conv: ConvRef {
                conversation_type: ConversationType::Private,
                target_id: target.into(),
            },
            sender: sender.into(),
            preview: "hi".into(),
        }
    }

    #[test]
    fn one_message_shows_sender_and_preview_a_burst_a_summary() {
        let one = summarize(&[item("a", "Alice")], Language::En).unwrap();
        assert_eq!((one.title.as_str(), one.body.as_str()), ("Alice", "hi"));
        assert!(one.conv.is_some());
        let burst: Vec<Item> = (0..50).map(|_| item("a", "Alice")).collect();
        let s = summarize(&burst, Language::En).unwrap();
        assert_eq!(s.body, "50 new messages");
        assert_eq!(s.conv, Some(burst[0].conv.clone()));
        let mixed = [item("a", "Alice"), item("b", "Bob"), item("a", "Alice")];
        let s = summarize(&mixed, Language::Zh).unwrap();
        assert_eq!(s.body, "2 个会话中有 3 条新消息");
        assert_eq!(s.conv, None);
        assert_eq!(summarize(&[], Language::En), None);
    }

    #[test]
    fn only_fresh_messages_from_others_to_a_window_not_in_front() {
        let msg =
            json!({"direction": "receive", "sentTime": 1_000_000, "kind": "text", "text": "yo"});
        assert!(wants(&msg, false, false, 1_000_000));
        assert!(!wants(&msg, true, false, 1_000_000), "muted");
        assert!(!wants(&msg, false, true, 1_000_000), "window in front");
        assert!(
            !wants(&msg, false, false, 1_000_000 + BACKLOG_SLACK_MS + 1),
            "backlog"
        );
        let ours = json!({"direction": "send", "sentTime": 1_000_000});
        assert!(
            !wants(&ours, false, false, 1_000_000),
            "ours from another device"
        );
    }

    #[test]
    fn a_mention_of_us_gets_through_do_not_disturb() {
        use rongchat_proto::conversation_status::level::{ALL, MENTIONS, NOT_SET};
        let plain = json!({"direction": "receive", "kind": "text", "text": "hi all"});
        let us =
            json!({"direction": "receive", "mention": {"all": false, "userIds": ["ann", "me"]}});
        let other = json!({"direction": "receive", "mention": {"all": false, "userIds": ["ann"]}});
        let everyone = json!({"direction": "receive", "mention": {"all": true, "userIds": []}});
        assert!(silenced(&plain, MENTIONS, "me"), "muted group, no mention");
        assert!(!silenced(&us, MENTIONS, "me"), "we are listed");
        assert!(!silenced(&everyone, MENTIONS, "me"), "@所有人");
        assert!(
            silenced(&other, MENTIONS, "me"),
            "someone else is mentioned"
        );
        assert!(silenced(&us, MENTIONS, ""), "no user yet: nobody is us");
        assert!(!silenced(&plain, NOT_SET, "me"), "not muted at all");
        assert!(!silenced(&plain, ALL, "me"), "every message, explicitly");
        let sent = json!({"direction": "receive", "sentTime": 5, "mention": us["mention"]});
        assert!(wants(&sent, silenced(&sent, MENTIONS, "me"), false, 5));
    }

    #[test]
    fn levels_set_on_another_device_narrow_what_gets_through() {
        use rongchat_proto::conversation_status::level::{MENTIONS_OF_ALL, MENTIONS_OF_ME, NONE};
        let us = json!({"direction": "receive", "mention": {"all": false, "userIds": ["me"]}});
        let everyone = json!({"direction": "receive", "mention": {"all": true, "userIds": []}});
        // "Only @me": a mention of everyone stays quiet.
        assert!(!silenced(&us, MENTIONS_OF_ME, "me"));
        assert!(silenced(&everyone, MENTIONS_OF_ME, "me"));
        // "Only @all": the reverse.
        assert!(silenced(&us, MENTIONS_OF_ALL, "me"));
        assert!(!silenced(&everyone, MENTIONS_OF_ALL, "me"));
        // "Nothing": not even a mention of us.
        assert!(silenced(&us, NONE, "me"));
        assert!(silenced(&everyone, NONE, "me"));
    }

    #[test]
    fn previews_by_kind_and_cut() {
        let long = "长".repeat(300);
        let p = preview(&json!({"kind": "text", "text": long}), Language::Zh);
        assert_eq!(p.chars().count(), PREVIEW_CHARS + 1);
        let f = json!({"kind": "file", "fileName": "a.pdf"});
        assert_eq!(preview(&f, Language::En), "[File] a.pdf");
        assert_eq!(preview(&json!({"kind": "voice"}), Language::Zh), "[语音]");
    }
}
