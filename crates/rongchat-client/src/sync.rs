//! Inbox sync, sans-I/O (fact sheet §8): the `pullMsg` request from the stored cursors,
//! the cursors a reply moves to, and the normalisation of every way a message arrives
//! (pull, `s_msg` push, multi-device echo, history) into [`Incoming`].

use crate::model::{ConversationId, ConversationType, Direction, Incoming};
use crate::store::Cursors;
use rongchat_proto::Topic;
use rongchat_proto::content::{Content, persistence_of};
use rongchat_proto::frame::{PubAckResult, Publish};
use rongchat_proto::pb;

/// DownStreamMessage.status bits: persisted, counted.
const STATUS_PERSISTED: i64 = 16;
const STATUS_COUNTED: i64 = 32;

/// The `pullMsg` request for the stored cursors.
pub fn pull_request(cursors: Cursors) -> pb::SyncRequestMsg {
    pb::SyncRequestMsg {
        sync_time: cursors.inbox,
        ispolling: false,
        is_pull_send: Some(true),
        send_box_sync_time: Some(cursors.outbox),
        broadcast_sync_time: Some(cursors.broadcast),
        // We do not inflate; an uncompressed answer is what servers send when asked so.
        compressio_enabled: Some(false),
        ..Default::default()
    }
}

/// What one `pullMsg` reply means.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    /// The messages, in the server's (ascending) order.
    pub messages: Vec<Incoming>,
    /// Where the cursors stand once these are stored.
    pub cursors: Cursors,
    /// `false`: pull again at once (paging).
    pub finished: bool,
}

/// Applies a reply to the cursors. Cursors never move back: the SDK throws if the pull
/// version goes backwards, and a stale reply must not re-open delivered ranges.
pub fn apply_pull(before: Cursors, reply: &pb::DownStreamMessages, me: &str) -> Pulled {
    let messages: Vec<Incoming> = reply
        .list
        .iter()
        .map(|m| from_downstream(m, me, None))
        .collect();
    let newest_sent = messages
        .iter()
        .filter(|m| m.direction == Direction::Send)
        .map(|m| m.sent_time)
        .max()
        .unwrap_or(0);
    let broadcast = reply.broadcast_sync_time.filter(|&t| t > 0).unwrap_or(1);
    Pulled {
        cursors: Cursors {
            inbox: before.inbox.max(reply.sync_time),
            outbox: before.outbox.max(newest_sent),
            broadcast: before.broadcast.max(broadcast),
        },
        finished: reply.finished.unwrap_or(true),
        messages,
    }
}

/// A DownStreamMessage as this user sees it. `conversation` overrides the target (history
/// supplies it, as the SDK does).
pub fn from_downstream(
    m: &pb::DownStreamMessage,
    me: &str,
    conversation: Option<&ConversationId>,
) -> Incoming {
    let kind = ConversationType::from_code(m.r#type);
    let direction =
        if m.direction.map(Direction::from_code) == Some(Direction::Send) || m.from_user_id == me {
            Direction::Send
        } else {
            Direction::Receive
        };
    let group_id = m.group_id.clone().filter(|g| !g.is_empty());
    let target_id = match (conversation, kind.targets_group(), group_id) {
        (Some(c), ..) => c.target_id.clone(),
        (None, true, Some(group)) => group,
        // For a private message I sent, the pull form carries the peer in fromUserId.
        _ => m.from_user_id.clone(),
    };
    let sender_id = match direction {
        Direction::Send => me.to_owned(),
        Direction::Receive => m.from_user_id.clone(),
    };
    let (persisted, counted) = if m.status & (STATUS_PERSISTED | STATUS_COUNTED) != 0 {
        (
            m.status & STATUS_PERSISTED != 0,
            m.status & STATUS_COUNTED != 0,
        )
    } else {
        let p = persistence_of(&m.classname);
        (p.persisted, p.counted)
    };
    Incoming {
        uid: m.msg_id.clone().filter(|u| !u.is_empty()),
        conversation: ConversationId { kind, target_id },
        sender_id,
        direction,
        object_name: m.classname.clone(),
        content: m.content.clone(),
        sent_time: m.data_time,
        client_unique_id: m.client_unique_id,
        persisted,
        counted,
    }
}

/// A message this user sent from another device (dup PUBLISH + PUBACK, §3).
pub fn from_echo(publish: &Publish, ack: &PubAckResult, me: &str) -> Option<Incoming> {
    let up = pb::decode_checked::<pb::UpStreamMessage>(&publish.payload).ok()?;
    let kind = ConversationType::of_topic(&Topic::parse(&publish.topic))
        .unwrap_or(ConversationType::Private);
    let bits = rongchat_proto::content::Persistence::from_bits(up.session_id);
    Some(Incoming {
        uid: Some(ack.message_uid.clone()).filter(|u| !u.is_empty()),
        conversation: ConversationId {
            kind,
            target_id: publish.target_id.clone(),
        },
        sender_id: me.to_owned(),
        direction: Direction::Send,
        object_name: up.classname,
        content: up.content,
        sent_time: ack.sent_time(),
        client_unique_id: up.client_unique_id,
        persisted: bits.persisted,
        counted: bits.counted,
    })
}

/// "Read up to T" from this user's other devices (`RC:SRSMsg` sent by me).
pub fn read_sync(m: &Incoming) -> Option<(ConversationId, i64)> {
    if m.direction != Direction::Send
        || m.object_name != rongchat_proto::content::object_name::SYNC_READ_STATUS
    {
        return None;
    }
    match Content::parse(&m.object_name, &m.content).ok()? {
        Content::SyncReadStatus(s) => Some((m.conversation.clone(), s.last_message_send_time)),
        _ => None,
    }
}

/// Parses a `pullMsg` reply payload.
pub fn decode_pull(payload: &[u8]) -> Result<pb::DownStreamMessages, rongchat_proto::DecodeError> {
    let reply = pb::decode_checked::<pb::DownStreamMessages>(payload)?;
    if reply
        .compressed_data
        .as_ref()
        .is_some_and(|d| !d.is_empty())
    {
        return Err(rongchat_proto::DecodeError::Payload {
            message: "DownStreamMessages",
            reason: "compressed data, which we did not ask for".into(),
        });
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down(from: &str, direction: i32, time: i64, uid: &str) -> pb::DownStreamMessage {
        pb::DownStreamMessage {
            from_user_id: from.into(),
            r#type: 1,
            group_id: Some(String::new()),
            classname: "RC:TxtMsg".into(),
            content: r#"{"content":"x"}"#.into(),
            data_time: time,
            status: 48,
            msg_id: Some(uid.into()),
            direction: Some(direction),
            client_unique_id: Some(time),
            ..Default::default()
        }
    }

    #[test]
    fn first_pull_matches_the_sdk() {
        let req = pull_request(Cursors::default());
        assert_eq!(
            (
                req.sync_time,
                req.send_box_sync_time,
                req.broadcast_sync_time
            ),
            (0, Some(0), Some(1))
        );
        assert_eq!(req.is_pull_send, Some(true));
    }

    #[test]
    fn cursors_follow_the_reply_and_never_go_back() {
        let reply = pb::DownStreamMessages {
            list: vec![down("bob", 0, 100, "a"), down("bob", 1, 120, "b")],
            sync_time: 100,
            finished: Some(false),
            broadcast_sync_time: None,
            ..Default::default()
        };
        let pulled = apply_pull(Cursors::default(), &reply, "alice");
        assert_eq!(
            pulled.cursors,
            Cursors {
                inbox: 100,
                outbox: 120,
                broadcast: 1
            }
        );
        assert!(!pulled.finished);
        // My message to bob: the peer is in fromUserId, I am the sender.
        let mine = &pulled.messages[1];
        assert_eq!(
            (mine.direction, mine.sender_id.as_str()),
            (Direction::Send, "alice")
        );
        assert_eq!(mine.conversation, ConversationId::private("bob"));
        let stale = pb::DownStreamMessages {
            sync_time: 5,
            ..Default::default()
        };
        let later = apply_pull(pulled.cursors, &stale, "alice");
        assert_eq!(later.cursors, pulled.cursors);
        assert!(later.finished);
    }

    #[test]
    fn group_messages_target_the_group() {
        let mut m = down("bob", 0, 1, "g");
        m.r#type = 3;
        m.group_id = Some("team".into());
        let incoming = from_downstream(&m, "alice", None);
        assert_eq!(incoming.conversation, ConversationId::group("team"));
        assert_eq!(incoming.sender_id, "bob");
    }

    #[test]
    fn read_sync_from_my_other_device() {
        let mut m = down("bob", 1, 500, "s");
        m.classname = "RC:SRSMsg".into();
        m.content = r#"{"lastMessageSendTime":450}"#.into();
        m.status = 0;
        let incoming = from_downstream(&m, "alice", None);
        assert!(!incoming.persisted);
        assert_eq!(
            read_sync(&incoming),
            Some((ConversationId::private("bob"), 450))
        );
    }
}
