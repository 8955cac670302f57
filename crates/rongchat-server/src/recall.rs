//! Recalling a message, the one path for the Server API's `message/recall` and the
//! gateway's `recallMsg`: the stored message becomes `RC:RcNtf` in place (history and
//! conversation lists read the same row), and an unstored `RC:RcCmd` naming it reaches
//! every device of both sides through `s_ntf` and `pullMsg`.

use crate::clock::now_ms;
use crate::routing::{self, Options, Outbound, Refused, Sent};
use crate::shared::Shared;
use crate::store::recall as store;
use rongchat_proto::content::{Common, Content, Recall as Command, object_name};
use rongchat_proto::{ConversationType, pb};
use serde_json::Value;
use std::sync::Arc;

/// The longest messageUId accepted.
const MAX_UID: usize = 64;

/// One recall, as either entry point gives it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who recalls: must be the message's sender.
    pub from: String,
    /// Private or group.
    pub conversation: ConversationType,
    /// Peer or group.
    pub target: String,
    /// The recalled message.
    pub uid: String,
    /// Its exact send time, ms.
    pub sent_time: i64,
    /// Recalled as an administrator (shown in the notice only).
    pub is_admin: bool,
    /// Delete instead of a notice (shown in the notice only).
    pub is_delete: bool,
    /// Free-form extra, carried into the command and the notice.
    pub extra: Option<Value>,
}

/// Why a recall was refused.
#[derive(Debug, thiserror::Error)]
pub enum RecallError {
    /// No such message, not the requester's own, or another conversation or time.
    #[error("no such message of this sender")]
    NotFound,
    /// The message was recalled already.
    #[error("already recalled")]
    AlreadyRecalled,
    /// The command could not be routed (or the store failed).
    #[error(transparent)]
    Refused(#[from] Refused),
}

impl From<crate::Error> for RecallError {
    fn from(e: crate::Error) -> Self {
        RecallError::Refused(Refused::Internal(e))
    }
}

/// Recalls `req`'s message: see the module docs. Returns the command's stamp.
pub async fn recall(shared: &Arc<Shared>, req: Request) -> Result<Sent, RecallError> {
    if !matches!(
        req.conversation,
        ConversationType::Private | ConversationType::Group
    ) || req.uid.is_empty()
        || req.uid.len() > MAX_UID
    {
        return Err(RecallError::NotFound);
    }
    let lookup = req.uid.clone();
    let found = shared
        .store
        .run(move |c| store::find(c, &lookup))
        .await?
        .ok_or(RecallError::NotFound)?;
    if found.from_user != req.from
        || found.channel_type != req.conversation
        || found.target_id != req.target
        || found.data_time != req.sent_time
    {
        return Err(RecallError::NotFound);
    }
    if found.classname == store::RECALL_NOTICE {
        return Err(RecallError::AlreadyRecalled);
    }
    let command = Command {
        message_uid: req.uid.clone(),
        conversation_type: i64::from(req.conversation.code()),
        target_id: req.target.clone(),
        sent_time: req.sent_time,
        channel_id: None,
        is_admin: req.is_admin,
        is_delete: req.is_delete,
        common: Common {
            extra: req.extra.clone(),
            ..Default::default()
        },
    };
    let notice = command.notice(&req.from, now_ms());
    let notice = Content::RecallNotice(notice).to_json();
    let stored = found.clone();
    shared
        .store
        .run(move |c| store::replace(c, &stored, &notice))
        .await?;
    let out = Outbound {
        from: req.from,
        conversation: req.conversation,
        target: req.target,
        message: pb::UpStreamMessage {
            // Not persisted: reaches pulls, never history or the conversation list.
            session_id: 0,
            classname: object_name::RECALL.to_owned(),
            content: Content::Recall(command).to_json(),
            ..Default::default()
        },
        // Every device of the sender pulls it too, the recalling one included (the SDK
        // knows its own command by "Cmd:<uid>" and skips it).
        origin: None,
        notify_sender: true,
    };
    let opts = Options {
        skip_blacklist: true,
        notice: true,
        ..Options::default()
    };
    let sent = routing::send(shared, out, &opts).await?;
    tracing::info!(seq = found.seq, "message recalled");
    Ok(sent)
}
