//! The client's values as the page's DTOs. [`View`] holds what a DTO needs beyond the
//! message itself (names, avatars, heard flags); contents become plain fields here.

use crate::dataurl::thumbnail_bytes;
use crate::directory::Directory;
use crate::flags::Flags;
use crate::media_urls::{self, What};
use crate::models::{Body, ConversationDto, Kind, LatestDto, MentionDto, MessageDto};
use rongchat_client::{Conversation, Message};
use rongchat_proto::content::Content;
use rongchat_proto::mention::MentionKind;
use std::path::Path;
use std::sync::Arc;

/// Turns messages and conversations into DTOs for one session.
#[derive(Debug, Clone)]
pub struct View {
    directory: Arc<Directory>,
    flags: Arc<Flags>,
}

impl View {
    /// A view over `directory` whose learned names and heard flags are kept in `dir` (an
    /// account's folder).
    pub fn open(directory: Directory, dir: &Path) -> Self {
        Self {
            directory: Arc::new(directory.persisted_in(dir.join("names.json"))),
            flags: Arc::new(Flags::load(dir)),
        }
    }

    /// A user's display name.
    pub fn name(&self, id: &str) -> String {
        self.directory.name(id)
    }

    /// The names and avatars (server profiles, demo people, learned names).
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The heard flags (voice clips played).
    pub fn flags(&self) -> &Flags {
        &self.flags
    }

    /// Parses a message's content, learning the sender's name it may carry (for people
    /// the directory does not know).
    fn parse(&self, m: &Message) -> (Kind, Body) {
        let content = m.parsed();
        if let Some(name) = content_sender_name(&content) {
            self.directory.learn(&m.sender_id, &name);
        }
        body_of(&content, m.local_id)
    }

    /// A message for the page.
    pub fn message(&self, m: &Message) -> MessageDto {
        let (kind, mut body) = self.parse(m);
        if let Some(quote) = body.quote.as_mut() {
            quote.sender_name = Some(self.directory.name(&quote.sender_id));
        }
        MessageDto {
            id: m.local_id.to_string(),
            uid: m.uid.clone(),
            conversation_type: m.conversation.kind,
            target_id: m.conversation.target_id.clone(),
            sender_id: m.sender_id.clone(),
            sender_name: Some(self.directory.name(&m.sender_id)),
            sender_avatar: self.directory.avatar(&m.sender_id),
            direction: m.direction,
            sent_time: m.sent_time,
            status: m.status,
            failure: m.failure.clone(),
            heard: self.flags.heard(m.local_id),
            kind,
            body,
        }
    }

    /// A conversation row for the page.
    pub fn conversation(&self, c: &Conversation) -> ConversationDto {
        let latest = c.last_message.as_ref().map(|m| {
            let (kind, body) = self.parse(m);
            LatestDto {
                kind,
                text: body.text,
                sender_name: Some(self.directory.name(&m.sender_id)),
                direction: m.direction,
                deleted: body.deleted,
            }
        });
        let dir = &self.directory;
        ConversationDto {
            conversation_type: c.id.kind,
            target_id: c.id.target_id.clone(),
            title: dir.name(&c.id.target_id),
            avatar: dir.avatar(&c.id.target_id),
            latest,
            latest_time: c.last_time,
            unread: u32::try_from(c.unread.max(0)).unwrap_or(u32::MAX),
            pinned: c.pinned,
            muted: c.muted,
            mentioned: c.mentioned,
            draft: c.draft.clone(),
        }
    }
}

/// The sender's name carried inside a content (`user.name`), if any.
fn content_sender_name(content: &Content) -> Option<String> {
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

/// The page's fields for a content (of message `local_id`, which names its thumbnail).
fn body_of(content: &Content, local_id: i64) -> (Kind, Body) {
    let mut body = Body {
        object_name: content.object_name().to_owned(),
        ..Body::default()
    };
    let kind = match content {
        Content::Text(c) => {
            body.text = Some(c.content.clone());
            body.mention = c.common.mention().map(|m| MentionDto {
                all: m.kind == MentionKind::All,
                user_ids: m.user_ids,
            });
            Kind::Text
        }
        Content::Image(c) => {
            body.thumbnail = thumbnail_bytes(&c.content)
                .map(|bytes| media_urls::url(What::Thumb, local_id, &media_urls::tag(&[&bytes])));
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
        Content::RecallNotice(n) => {
            body.deleted = n.delete || n.is_delete;
            Kind::Recalled
        }
        // A reply is a text with a quote block (the quote's names come from the view).
        Content::Reference(r) => {
            body.text = Some(r.content.clone());
            body.quote = Some(crate::models::QuoteDto {
                sender_id: r.refer_msg_user_id.clone(),
                sender_name: None,
                text: r.quoted_text(),
                object_name: r.obj_name.clone(),
            });
            Kind::Text
        }
        _ => Kind::Unsupported,
    };
    (kind, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_by_kind() {
        let c = Content::parse("RC:TxtMsg", r#"{"content":"<b>hi</b>"}"#).unwrap();
        let (kind, body) = body_of(&c, 1);
        assert_eq!(kind, Kind::Text);
        assert_eq!(body.text.as_deref(), Some("<b>hi</b>"));

        let c = Content::parse(
            "RC:FileMsg",
            r#"{"name":"a.txt","size":12,"type":"txt","fileUrl":"http://x/a"}"#,
        )
        .unwrap();
        let (kind, body) = body_of(&c, 1);
        assert_eq!(kind, Kind::File);
        assert_eq!(body.file_size, Some(12));

        let c = Content::parse_lenient("X:Custom", r#"{"a":1}"#);
        let (kind, body) = body_of(&c, 1);
        assert_eq!(kind, Kind::Unsupported);
        assert_eq!(body.object_name, "X:Custom");
    }

    #[test]
    fn image_thumbnails_are_scheme_urls_tagged_with_their_bytes() {
        let png = crate::demo::art::avatar_png("daqiao").unwrap();
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &png);
        let c = Content::parse(
            "RC:ImgMsg",
            &format!(r#"{{"content":"{b64}","imageUri":""}}"#),
        )
        .unwrap();
        let (kind, body) = body_of(&c, 9);
        let tag = media_urls::tag(&[&png]);
        assert_eq!(kind, Kind::Image);
        assert_eq!(
            body.thumbnail.as_deref(),
            Some(media_urls::url(What::Thumb, 9, &tag).as_str())
        );
        assert!(!body.thumbnail.unwrap().starts_with("data:"));
        let broken = Content::parse("RC:ImgMsg", r#"{"content":"aGVsbG8="}"#).unwrap();
        assert_eq!(body_of(&broken, 9).1.thumbnail, None);
    }

    #[test]
    fn replies_are_texts_with_a_quote_and_deleted_recalls_are_marked() {
        let c = Content::parse(
            "RC:ReferenceMsg",
            r#"{"content":"r","referMsgUserId":"u2","referMsg":{"content":"<i>q</i>"},"objName":"RC:TxtMsg"}"#,
        )
        .unwrap();
        let (kind, body) = body_of(&c, 1);
        assert_eq!((kind, body.text.as_deref()), (Kind::Text, Some("r")));
        let quote = body.quote.unwrap();
        assert_eq!(
            (quote.sender_id.as_str(), quote.text.as_deref()),
            ("u2", Some("<i>q</i>"))
        );
        let gone = Content::parse(
            "RC:RcNtf",
            r#"{"operatorId":"u","isDelete":true,"delete":true}"#,
        );
        assert!(body_of(&gone.unwrap(), 1).1.deleted);
        let noticed = Content::parse("RC:RcNtf", r#"{"operatorId":"u"}"#).unwrap();
        assert!(!body_of(&noticed, 1).1.deleted);
    }

    #[test]
    fn messages_carry_named_values_and_typed_failures() {
        let dir = tempfile::tempdir().unwrap();
        let view = View::open(Directory::empty(), dir.path());
        let m = Message {
            local_id: 3,
            uid: None,
            conversation: rongchat_client::ConversationId::group("g1"),
            sender_id: "me".into(),
            direction: rongchat_client::Direction::Send,
            object_name: "RC:TxtMsg".into(),
            content: r#"{"content":"hi"}"#.into(),
            sent_time: 1,
            status: rongchat_client::SendStatus::Failed,
            failure: Some(rongchat_client::SendFailure::Refused { code: 22406 }),
            local_path: None,
        };
        let json = serde_json::to_value(view.message(&m)).unwrap();
        assert_eq!(json["conversationType"], "group");
        assert_eq!(json["direction"], "send");
        assert_eq!(json["status"], "failed");
        assert_eq!(
            json["failure"],
            serde_json::json!({"kind": "refused", "code": 22406})
        );
    }
}
