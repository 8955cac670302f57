//! What one does to a message or a conversation besides sending: reply (`RC:ReferenceMsg`),
//! forward (the same content to another conversation), delete (here, or here and from this
//! user's history on the server: `delMsg`), delete for both sides (a recall with
//! `isDelete`), clear a conversation's history (`cleanPMsg` / `cleanGMsg`). Facts in
//! PROTOCOL-NOTES.md ("Replies ... deleting messages ... clearing history").

use crate::client::Client;
use crate::compose::{self, Outgoing};
use crate::engine::AppRequest;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::ids::client_unique_id;
use crate::model::{ConversationId, ConversationType, Direction, Message};
use prost::Message as _;
use rongchat_proto::content::{Content, Recall, Reference, Text, object_name};
use rongchat_proto::{Topic, pb};

/// Where a deletion reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteScope {
    /// This device's store only: the server's history (and other devices) keep them.
    Local,
    /// This device and this user's history on the server (`delMsg`), as the SDK's
    /// `deleteMessages`: the peer keeps their copy.
    Remote,
}

/// `delMsg` naming these messages (those with a uid) of `conversation`, as the SDK sends it.
pub fn delete_request(conversation: &ConversationId, messages: &[Message]) -> (Topic, Vec<u8>) {
    let request = pb::DeleteMsgInput {
        r#type: Some(conversation.kind.code()),
        conversation_id: Some(conversation.target_id.clone()),
        msgs: messages
            .iter()
            .filter_map(|m| {
                Some(pb::DeleteMsg {
                    msg_id: Some(m.uid.clone()?),
                    msg_data_time: Some(m.sent_time),
                    direct: Some(m.direction.code()),
                })
            })
            .collect(),
        bus_channel: Some(String::new()),
    };
    (Topic::DeleteMessages, request.encode_to_vec())
}

/// `cleanPMsg` / `cleanGMsg`: this user's history of `conversation` up to `up_to` (ms).
pub fn clear_request(conversation: &ConversationId, up_to: i64) -> Result<(Topic, Vec<u8>)> {
    let topic = match conversation.kind {
        ConversationType::Private => Topic::ClearPrivateHistory,
        ConversationType::Group => Topic::ClearGroupHistory,
        other => {
            return Err(Error::InvalidArgument(format!(
                "no remote history to clear for {other:?}"
            )));
        }
    };
    let request = pb::CleanHisMsgInput {
        target_id: conversation.target_id.clone(),
        data_time: up_to,
        conversation_type: Some(conversation.kind.code()),
        bus_channel: Some(String::new()),
    };
    Ok((topic, request.encode_to_vec()))
}

/// The `RC:ReferenceMsg` replying `text` to `quoted`, in the SDK's shape: the quoted
/// message's content object, sender, uid and object name.
pub fn reply_content(quoted: &Message, text: &str) -> Result<Content> {
    let uid = quoted
        .uid
        .clone()
        .ok_or_else(|| Error::InvalidArgument("the quoted message was never sent".into()))?;
    let refer_msg = serde_json::from_str(&quoted.content)
        .unwrap_or_else(|_| serde_json::Value::String(quoted.content.clone()));
    Ok(Content::Reference(Reference {
        content: text.to_owned(),
        refer_msg_user_id: quoted.sender_id.clone(),
        refer_msg_uid: uid,
        refer_msg,
        obj_name: quoted.object_name.clone(),
        ..Default::default()
    }))
}

/// The content `message` forwards as: its own, without the original sender's `user`
/// info (the forward is this user's message; a kept `user.name` would name them wrongly);
/// a reply forwards as its text alone (its quote belongs to the other conversation).
/// Recall notices and commands, and messages not yet sent (a file without its URL), are
/// not forwarded.
pub fn forward_content(message: &Message) -> Result<Content> {
    if message.uid.is_none() {
        return Err(Error::InvalidArgument(
            "only a sent or received message can be forwarded".into(),
        ));
    }
    let content = Content::parse_lenient(&message.object_name, &message.content);
    match content {
        Content::RecallNotice(_)
        | Content::Recall(_)
        | Content::SyncReadStatus(_)
        | Content::ReadReceipt(_) => Err(Error::InvalidArgument(
            "a notice cannot be forwarded".into(),
        )),
        Content::Reference(reply) => Ok(Content::Text(Text {
            content: reply.content,
            ..Default::default()
        })),
        content => Ok(without_sender(content)),
    }
}

/// `content` with its `user` field dropped.
fn without_sender(content: Content) -> Content {
    match content {
        Content::Text(mut c) => {
            c.common.user = None;
            Content::Text(c)
        }
        Content::Image(mut c) => {
            c.common.user = None;
            Content::Image(c)
        }
        Content::Voice(mut c) => {
            c.common.user = None;
            Content::Voice(c)
        }
        Content::HqVoice(mut c) => {
            c.common.user = None;
            Content::HqVoice(c)
        }
        Content::File(mut c) => {
            c.common.user = None;
            Content::File(c)
        }
        Content::Music(mut c) => {
            c.common.user = None;
            Content::Music(c)
        }
        Content::Unknown {
            object_name,
            mut raw,
        } => {
            if let Some(fields) = raw.as_object_mut() {
                fields.remove("user");
            }
            Content::Unknown { object_name, raw }
        }
        other => other,
    }
}

/// The `RC:RcCmd` with `isDelete` for `message`: the recall that removes it for both sides.
fn delete_for_both_request(message: &Message) -> Option<(Topic, Vec<u8>)> {
    let content = Content::Recall(Recall {
        message_uid: message.uid.clone()?,
        conversation_type: i64::from(message.conversation.kind.code()),
        target_id: message.conversation.target_id.clone(),
        sent_time: message.sent_time,
        channel_id: Some(String::new()),
        is_delete: true,
        ..Default::default()
    });
    let up = compose::upstream(object_name::RECALL, &content.to_json(), client_unique_id());
    Some((Topic::Recall, up.encode_to_vec()))
}

impl Client {
    /// Replies `text` to `quoted` in its conversation (an `RC:ReferenceMsg`).
    pub async fn reply(&self, quoted: &Message, text: &str) -> Result<Message> {
        let content = reply_content(quoted, text)?;
        self.send(&quoted.conversation, Outgoing::Content(content))
            .await
    }

    /// Sends `message`'s content, unchanged, to `to` as a new message of this user.
    pub async fn forward(&self, message: &Message, to: &ConversationId) -> Result<Message> {
        let content = forward_content(message)?;
        self.send(to, Outgoing::Content(content)).await
    }

    /// Deletes messages (by local id) of `conversation`. With [`DeleteScope::Remote`]
    /// the server removes them from this user's history first (so a failure there changes
    /// nothing here). Returns the local ids removed.
    pub async fn delete_messages(
        &self,
        conversation: &ConversationId,
        local_ids: &[i64],
        scope: DeleteScope,
    ) -> Result<Vec<i64>> {
        if scope == DeleteScope::Remote {
            let messages: Vec<Message> = self.inner.with_store(|s| {
                let mut found = Vec::new();
                for id in local_ids {
                    if let Some(m) = s.message(*id)?
                        && m.conversation == *conversation
                        && m.uid.is_some()
                    {
                        found.push(m);
                    }
                }
                Ok(found)
            })?;
            if !messages.is_empty() {
                let (topic, payload) = delete_request(conversation, &messages);
                self.inner.ask(AppRequest::query(topic, payload)).await?;
            }
        }
        let removed = self
            .inner
            .with_store(|s| s.delete_messages(conversation, local_ids))?;
        let local_ids: Vec<i64> = removed.iter().map(|m| m.local_id).collect();
        self.removed(conversation, local_ids.clone())?;
        Ok(local_ids)
    }

    /// Deletes one's own sent message for both sides: a recall with `isDelete`, after
    /// which the server's copy (everyone's) is the notice marked deleted, which the app
    /// does not show. The notice arrives by the normal pull, like a recall's.
    pub async fn delete_for_both(&self, message: &Message) -> Result<()> {
        let me = self.user_id().unwrap_or_default();
        if message.direction != Direction::Send || message.sender_id != me {
            return Err(Error::InvalidArgument(
                "only one's own messages can be deleted for both sides".into(),
            ));
        }
        let (topic, payload) = delete_for_both_request(message)
            .ok_or_else(|| Error::InvalidArgument("the message was never sent".into()))?;
        self.inner.ask(AppRequest::publish(topic, payload)).await?;
        Ok(())
    }

    /// Clears `conversation`'s history here (every message stored), and with `remote`
    /// this user's history on the server up to the newest message known here (messages
    /// the server has that this device has not pulled yet stay). The
    /// conversation stays in the list. Returns the local ids removed.
    pub async fn clear_history(
        &self,
        conversation: &ConversationId,
        remote: bool,
    ) -> Result<Vec<i64>> {
        // Up to the newest message known here: the conversation row remembers its time
        // even when that message was deleted here only.
        let up_to = self.inner.with_store(|s| {
            let newest = s.newest_time(conversation)?;
            let listed = s.conversation(conversation)?.map_or(0, |c| c.last_time);
            Ok(newest.max(listed))
        })?;
        if remote {
            let (topic, payload) = clear_request(conversation, up_to)?;
            self.inner.ask(AppRequest::query(topic, payload)).await?;
        }
        let removed = self
            .inner
            .with_store(|s| s.clear_history(conversation, up_to))?;
        self.removed(conversation, removed.clone())?;
        Ok(removed)
    }

    /// Tells the application what went.
    fn removed(&self, conversation: &ConversationId, local_ids: Vec<i64>) -> Result<()> {
        if local_ids.is_empty() {
            return Ok(());
        }
        self.inner.emit(Event::MessagesRemoved {
            conversation: conversation.clone(),
            local_ids,
        });
        self.inner.emit_conversation(conversation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SendStatus;

    fn sent(uid: Option<&str>, object_name: &str, content: &str) -> Message {
        Message {
            local_id: 7,
            uid: uid.map(str::to_owned),
            conversation: ConversationId::private("bob"),
            sender_id: "alice".into(),
            direction: Direction::Send,
            object_name: object_name.into(),
            content: content.into(),
            sent_time: 1_700_000_000_123,
            status: SendStatus::Sent,
            failure: None,
            local_path: None,
        }
    }

    #[test]
    fn delete_names_the_messages_as_the_sdk_does() {
        let messages = [
            sent(Some("U-1"), object_name::TEXT, "{}"),
            sent(None, object_name::TEXT, "{}"),
        ];
        let (topic, bytes) = delete_request(&ConversationId::private("bob"), &messages);
        assert_eq!(topic.as_str(), "delMsg");
        let input = pb::decode_checked::<pb::DeleteMsgInput>(&bytes).unwrap();
        assert_eq!(
            (input.r#type, input.conversation_id.as_deref()),
            (Some(1), Some("bob"))
        );
        // The unsent one has no uid: it can only go locally.
        assert_eq!(input.msgs.len(), 1);
        let m = &input.msgs[0];
        assert_eq!(m.msg_id.as_deref(), Some("U-1"));
        assert_eq!(
            (m.msg_data_time, m.direct),
            (Some(1_700_000_000_123), Some(1))
        );
    }

    #[test]
    fn clear_goes_by_conversation_type() {
        let (topic, bytes) = clear_request(&ConversationId::group("team"), 42).unwrap();
        assert_eq!(topic.as_str(), "cleanGMsg");
        let input = pb::decode_checked::<pb::CleanHisMsgInput>(&bytes).unwrap();
        assert_eq!((input.target_id.as_str(), input.data_time), ("team", 42));
        assert_eq!(
            clear_request(&ConversationId::private("b"), 1)
                .unwrap()
                .0
                .as_str(),
            "cleanPMsg"
        );
        let chatroom = ConversationId {
            kind: ConversationType::Chatroom,
            target_id: "r".into(),
        };
        assert!(clear_request(&chatroom, 1).is_err());
    }

    #[test]
    fn a_reply_quotes_the_content_object() {
        let quoted = sent(Some("U-9"), object_name::TEXT, r#"{"content":"原文"}"#);
        let Content::Reference(r) = reply_content(&quoted, "回复").unwrap() else {
            panic!("not a reference")
        };
        assert_eq!(r.quoted_text().as_deref(), Some("原文"));
        assert_eq!(
            (r.refer_msg_uid.as_str(), r.refer_msg_user_id.as_str()),
            ("U-9", "alice")
        );
        assert_eq!(r.obj_name, "RC:TxtMsg");
        assert!(reply_content(&sent(None, object_name::TEXT, "{}"), "x").is_err());
    }

    #[test]
    fn forwarding_keeps_the_content_and_refuses_notices() {
        let file = sent(
            Some("U-2"),
            object_name::FILE,
            r#"{"name":"a.zip","size":3,"fileUrl":"u"}"#,
        );
        let content = forward_content(&file).unwrap();
        assert_eq!(content.object_name(), "RC:FileMsg");
        assert!(matches!(content, Content::File(f) if f.file_url == "u"));
        // The original sender's `user` does not travel; a reply goes as its text.
        let named = sent(
            Some("U-5"),
            object_name::TEXT,
            r#"{"content":"hi","user":{"id":"bob","name":"Bob"},"extra":"e"}"#,
        );
        let Content::Text(text) = forward_content(&named).unwrap() else {
            panic!("not a text")
        };
        assert_eq!((text.content.as_str(), text.common.user), ("hi", None));
        assert_eq!(text.common.extra, Some(serde_json::json!("e")));
        let custom = sent(Some("U-6"), "app:card", r#"{"a":1,"user":{"name":"Bob"}}"#);
        assert_eq!(forward_content(&custom).unwrap().to_json(), r#"{"a":1}"#);
        let reply = sent(
            Some("U-7"),
            object_name::REFERENCE,
            r#"{"content":"answer","referMsg":{"content":"q"},"objName":"RC:TxtMsg"}"#,
        );
        assert_eq!(
            forward_content(&reply).unwrap().to_json(),
            r#"{"content":"answer"}"#
        );
        let notice = sent(
            Some("U-3"),
            object_name::RECALL_NOTICE,
            r#"{"operatorId":"a"}"#,
        );
        assert!(forward_content(&notice).is_err());
        assert!(forward_content(&sent(None, object_name::TEXT, "{}")).is_err());
    }

    #[test]
    fn delete_for_both_is_a_recall_with_is_delete() {
        let (topic, bytes) =
            delete_for_both_request(&sent(Some("U-4"), object_name::TEXT, "{}")).unwrap();
        assert_eq!(topic, Topic::Recall);
        let up = pb::decode_checked::<pb::UpStreamMessage>(&bytes).unwrap();
        let Ok(Content::Recall(cmd)) = Content::parse(&up.classname, &up.content) else {
            panic!("not a recall")
        };
        assert!(cmd.is_delete);
        assert_eq!(cmd.message_uid, "U-4");
    }
}
