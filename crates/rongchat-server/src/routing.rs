//! The message pipeline shared by the gateway (`ppMsgP`, `pgMsgP`, ...) and the Server API:
//! check, stamp, store with fan-out, then notify recipients and echo to the sender's
//! other devices.

use crate::clock::{message_uid, now_ms};
use crate::error::Error;
use crate::hub::Outgoing;
use crate::shared::Shared;
use crate::store::messages::{FLAG_COUNTED, FLAG_PERSISTED, direction_number};
use crate::store::writer::{ReadMark, Write, Written};
use crate::store::{Delivery, MessageRow, StoredMessage, groups, moderation};
use crate::users::valid_id;
use prost::Message;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, Direction, Topic, pb};
use std::sync::Arc;

pub use crate::config::MAX_CONTENT_BYTES;
use crate::config::{MAX_ENVELOPE_BYTES, MAX_EXTRA_BYTES, MAX_PUSH_BYTES};
/// The read-sync message: "I read this conversation up to lastMessageSendTime".
const READ_SYNC: &str = "RC:SRSMsg";

/// A message to route.
#[derive(Debug)]
pub struct Outbound {
    /// Sender.
    pub from: String,
    /// Private or group (the only kinds routed).
    pub conversation: ConversationType,
    /// Peer or group id.
    pub target: String,
    /// The message as the sender published it.
    pub message: pb::UpStreamMessage,
    /// The sender's connection, which gets the PUBACK; its siblings get the echo.
    pub origin: Option<u64>,
    /// Also notify the sender's own connections (Server API `isIncludeSender`).
    pub notify_sender: bool,
}

/// How the Server API narrows a send; client sends use the default.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Deliver even if the recipient blacklisted the sender (Server API without
    /// `verifyBlacklist`).
    pub skip_blacklist: bool,
    /// Directed group message: only these members receive it.
    pub only: Option<Vec<String>>,
    /// A server notice about an earlier message (recall): reaches the group's members
    /// even if the sender has since left or been gagged.
    pub notice: bool,
}

/// A stored (or relayed) message's stamp for the PUBACK.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Server time, ms.
    pub data_time: i64,
    /// `messageUId`.
    pub uid: String,
}

/// Why a message was refused; each maps to the PUBACK status the SDK shows.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Empty or oversized field, bad id.
    #[error("invalid message: {0}")]
    Invalid(&'static str),
    /// The sender is not a member of the group (or it does not exist).
    #[error("not in group")]
    NotInGroup,
    /// The sender is gagged in the group.
    #[error("gagged in group")]
    Gagged,
    /// The recipient blacklisted the sender.
    #[error("blacklisted by the recipient")]
    Blacklisted,
    /// The store failed.
    #[error(transparent)]
    Internal(#[from] Error),
}

impl Refused {
    /// The ack status for this refusal.
    pub fn status(&self) -> AckStatus {
        match self {
            Refused::Invalid(_) => AckStatus::ParameterInvalid,
            Refused::NotInGroup => AckStatus::NotInGroup,
            Refused::Gagged => AckStatus::MutedInGroup,
            Refused::Blacklisted => AckStatus::RejectedByBlacklist,
            Refused::Internal(_) => AckStatus::Other(INTERNAL_ERROR),
        }
    }
}

/// Ack status for server-side failures (RongCloud's "internal error" code).
pub const INTERNAL_ERROR: u16 = 1000;

fn validate(out: &Outbound) -> Result<(), Refused> {
    if !matches!(
        out.conversation,
        ConversationType::Private | ConversationType::Group | ConversationType::System
    ) {
        return Err(Refused::Invalid("unsupported conversation type"));
    }
    if !valid_id(&out.target) {
        return Err(Refused::Invalid("bad target id"));
    }
    if out.message.classname.is_empty() || out.message.classname.len() > 64 {
        return Err(Refused::Invalid("bad objectName"));
    }
    let m = &out.message;
    if m.content.len() > MAX_CONTENT_BYTES {
        return Err(Refused::Invalid("content over 128 KB"));
    }
    if m.extra_content
        .as_ref()
        .is_some_and(|e| e.len() > MAX_EXTRA_BYTES)
    {
        return Err(Refused::Invalid("extraContent over 16 KB"));
    }
    if m.push_text
        .as_ref()
        .is_some_and(|p| p.len() > MAX_PUSH_BYTES)
    {
        return Err(Refused::Invalid("pushText over 4 KB"));
    }
    // Every other field together, so no field can carry a message past a reply's budget.
    if m.encoded_len().saturating_sub(m.content.len()) > MAX_ENVELOPE_BYTES {
        return Err(Refused::Invalid("message fields over 32 KB"));
    }
    Ok(())
}

/// Who receives a message (besides the sender); refuses a gagged or blacklisted sender.
async fn recipients(
    shared: &Shared,
    out: &Outbound,
    opts: &Options,
) -> Result<Vec<String>, Refused> {
    let (from, target) = (out.from.clone(), out.target.clone());
    match out.conversation {
        ConversationType::Group => {
            let now = now_ms();
            let (members, gagged) = shared
                .store
                .read(move |c| {
                    let gagged = moderation::is_gagged(c, &target, &from, now)?;
                    Ok((groups::members(c, &target)?, gagged))
                })
                .await?;
            let members = members.ok_or(Refused::NotInGroup)?;
            if !opts.notice && !members.contains(&out.from) {
                return Err(Refused::NotInGroup);
            }
            if !opts.notice && gagged {
                return Err(Refused::Gagged);
            }
            let only = opts.only.as_ref();
            Ok(members
                .into_iter()
                .filter(|m| *m != out.from && only.is_none_or(|o| o.contains(m)))
                .collect())
        }
        ConversationType::Private if !opts.skip_blacklist => {
            let blocked = shared
                .store
                .read(move |c| moderation::is_blacklisted(c, &target, &from))
                .await?;
            if blocked {
                return Err(Refused::Blacklisted);
            }
            Ok(vec![out.target.clone()])
        }
        _ => Ok(vec![out.target.clone()]),
    }
}

/// A stored message ([`send`]) or a status message ([`relay_status`]).
pub async fn deliver(
    shared: &Arc<Shared>,
    out: Outbound,
    stored: bool,
    opts: &Options,
) -> Result<Sent, Refused> {
    if stored {
        send(shared, out, opts).await
    } else {
        relay_status(shared, out, opts).await
    }
}

/// Stores and delivers a message, narrowed by the Server API's `opts` (a client's publish:
/// the defaults). The caller sends the PUBACK from the returned stamp.
pub async fn send(shared: &Arc<Shared>, out: Outbound, opts: &Options) -> Result<Sent, Refused> {
    queue(shared, out, opts).await?.finish().await
}

/// A message checked and queued for the writer, in order; [`Queued::finish`] waits for its
/// commit and then delivers it.
#[derive(Debug)]
pub struct Queued {
    shared: Arc<Shared>,
    out: Outbound,
    recipients: Vec<String>,
    read_sync: bool,
    write: crate::store::writer::Queued,
}

/// The first half of [`send`]: checks `out` and queues its write, without waiting for the
/// commit, so a connection's next message can join the same batch.
pub async fn queue(shared: &Arc<Shared>, out: Outbound, opts: &Options) -> Result<Queued, Refused> {
    validate(&out)?;
    let read_sync = out.message.classname == READ_SYNC;
    let recipients = if read_sync {
        Vec::new()
    } else {
        recipients(shared, &out, opts).await?
    };
    let m = &out.message;
    let flags = if read_sync { 0 } else { m.session_id };
    // The writer stamps uid and time, in commit order.
    let new = stored_message(&out, String::new(), 0, flags);
    let sender_conv = out.target.clone();
    // A recipient's conversation is the group, or for a private message its sender.
    let received_in = if out.conversation.targets_group() {
        &out.target
    } else {
        &out.from
    };
    let mut deliveries: Vec<Delivery> = recipients
        .iter()
        .map(|r| Delivery {
            user_id: r.clone(),
            direction: Direction::Receive,
            conv_target: received_in.clone(),
        })
        .collect();
    deliveries.push(Delivery {
        user_id: out.from.clone(),
        direction: Direction::Send,
        conv_target: sender_conv.clone(),
    });
    let read_mark = read_sync.then(|| ReadMark {
        conversation: out.conversation,
        target: sender_conv,
        up_to: read_sync_time(&m.content),
    });
    // Queued in order; `finish` waits for the commit (synced): every PUBACK, s_ntf and
    // echo follows a durable write.
    let write = shared
        .writer
        .enqueue(Write {
            message: new,
            deliveries,
            read_mark,
        })
        .await?;
    Ok(Queued {
        shared: shared.clone(),
        out,
        recipients,
        read_sync,
        write,
    })
}

impl Queued {
    /// The second half of [`send`]: waits for the commit, then notifies the recipients
    /// and echoes to the sender's other devices.
    pub async fn finish(self) -> Result<Sent, Refused> {
        let Self {
            shared,
            out,
            recipients,
            read_sync,
            write,
        } = self;
        finish(&shared, out, &recipients, read_sync, write).await
    }
}

async fn finish(
    shared: &Arc<Shared>,
    out: Outbound,
    recipients: &[String],
    read_sync: bool,
    write: crate::store::writer::Queued,
) -> Result<Sent, Refused> {
    let written = write.written().await?;
    let (uid, data_time) = match written {
        Written::Stored { uid, data_time } => (uid, data_time),
        // A resend after a lost PUBACK: the stored copy's stamp, nothing delivered twice.
        Written::Resent { uid, data_time } => {
            tracing::debug!(from = %out.from, target = %out.target, %uid, "resend answered from the stored copy");
            return Ok(Sent { data_time, uid });
        }
    };
    tracing::debug!(
        from = %out.from,
        target = %out.target,
        conversation = ?out.conversation,
        %uid,
        recipients = recipients.len(),
        "message stored"
    );

    for user in recipients {
        shared
            .hub
            .send_to_user(user, None, &notify(user, data_time));
    }
    if out.notify_sender || read_sync {
        shared
            .hub
            .send_to_user(&out.from, out.origin, &notify(&out.from, data_time));
    }
    if out.origin.is_some() {
        let echo = Outgoing::Echo {
            topic: out.conversation.publish_topic(),
            target_id: out.target.clone(),
            payload: out.message.encode_to_vec().into(),
            data_time,
            uid: uid.clone(),
        };
        shared.hub.send_to_user(&out.from, out.origin, &echo);
    }
    Ok(Sent { data_time, uid })
}

/// The message `out` carries, stamped with its server uid and time.
fn stored_message(out: &Outbound, uid: String, data_time: i64, flags: i32) -> StoredMessage {
    let m = &out.message;
    StoredMessage {
        uid,
        channel_type: out.conversation,
        from_user: out.from.clone(),
        target_id: out.target.clone(),
        classname: m.classname.clone(),
        content: m.content.clone(),
        data_time,
        flags,
        client_unique_id: m.client_unique_id,
        extra_content: m.extra_content.clone(),
        push_content: m.push_text.clone(),
        config_flag: m.config_flag,
        option_bits: m.option_bits,
    }
}

/// Relays a status message (typing, ...): delivered to online recipients as `s_msg`,
/// never stored; narrowed by `opts`; `notify_sender` also reaches the sender's own devices.
pub async fn relay_status(
    shared: &Arc<Shared>,
    out: Outbound,
    opts: &Options,
) -> Result<Sent, Refused> {
    validate(&out)?;
    let mut recipients = recipients(shared, &out, opts).await?;
    if out.notify_sender {
        recipients.push(out.from.clone());
    }
    let data_time = shared.clock.next(now_ms());
    let uid = message_uid(data_time);
    let row = MessageRow {
        seq: 0,
        message: stored_message(&out, uid.clone(), data_time, 0),
        direction: Direction::Receive,
    };
    for user in &recipients {
        let mut down = down_message(&row, user, false);
        down.ext_status = Some(EXT_STATUS_MESSAGE);
        shared.hub.send_to_user(
            user,
            None,
            &Outgoing::Publish {
                topic: Topic::PushMessage,
                target_id: user.clone(),
                payload: down.encode_to_vec().into(),
                qos: 1,
            },
        );
    }
    Ok(Sent { data_time, uid })
}

/// DownStreamMessage.extStatus bit for status messages.
const EXT_STATUS_MESSAGE: i64 = 64;

/// `s_ntf` telling `user` that messages up to `time` wait to be pulled.
pub fn notify(user: &str, time: i64) -> Outgoing {
    Outgoing::Publish {
        topic: Topic::Notify,
        target_id: user.to_owned(),
        payload: pb::NotifyMsg {
            r#type: 1,
            time: Some(time),
            ..Default::default()
        }
        .encode_to_vec()
        .into(),
        qos: 0,
    }
}

fn read_sync_time(content: &str) -> Option<i64> {
    let value: serde_json::Value = serde_json::from_str(content).ok()?;
    value.get("lastMessageSendTime")?.as_i64()
}

/// A stored message as `viewer` sees it. For a private message `viewer` sent, the pull
/// form puts the peer in `fromUserId` (the SDK derives the conversation from it); history
/// keeps the real sender, as the SDK supplies the target there.
pub fn down_message(row: &MessageRow, viewer: &str, history: bool) -> pb::DownStreamMessage {
    let (m, direction) = (&row.message, row.direction);
    let sent_by_viewer = direction == Direction::Send || m.from_user == viewer;
    let private = !m.channel_type.targets_group();
    let from_user_id = if private && sent_by_viewer && !history {
        m.target_id.clone()
    } else {
        m.from_user.clone()
    };
    let group_id = (!private).then(|| m.target_id.clone());
    pb::DownStreamMessage {
        from_user_id,
        r#type: m.channel_type.code(),
        group_id: Some(group_id.unwrap_or_default()),
        classname: m.classname.clone(),
        content: m.content.clone(),
        data_time: m.data_time,
        status: status_bits(m.flags),
        msg_id: Some(m.uid.clone()),
        direction: Some(direction_number(if sent_by_viewer {
            Direction::Send
        } else {
            Direction::Receive
        })),
        client_unique_id: m.client_unique_id,
        extra_content: m.extra_content.clone(),
        push_content: m.push_content.clone(),
        config_flag: m.config_flag,
        option_bits: m.option_bits,
        ..Default::default()
    }
}

/// DownStreamMessage.status from UpStreamMessage.sessionId bits.
fn status_bits(flags: i32) -> i64 {
    let mut status = 0;
    if flags & FLAG_PERSISTED != 0 {
        status |= 16;
    }
    if flags & FLAG_COUNTED != 0 {
        status |= 32;
    }
    if flags & 4 != 0 {
        status |= 64;
    }
    if flags & 32 != 0 {
        status |= 512;
    }
    if flags & 64 != 0 {
        status |= 1024;
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bits_follow_the_fact_sheet() {
        assert_eq!(status_bits(3), 48);
        assert_eq!(status_bits(0), 0);
        assert_eq!(status_bits(1 | 4 | 32 | 64), 16 | 64 | 512 | 1024);
    }

    #[test]
    fn read_sync_content() {
        assert_eq!(read_sync_time(r#"{"lastMessageSendTime":17}"#), Some(17));
        assert_eq!(read_sync_time("nope"), None);
    }
}
