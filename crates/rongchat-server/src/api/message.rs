//! `message/*` and `statusmessage/*`: publishing as a user, and recall.

use super::params::Params;
use super::{ApiError, Outcome};
use crate::recall::RecallError;
use crate::routing::{self, MAX_CONTENT_BYTES, Options, Outbound, Refused};
use crate::shared::Shared;
use rongchat_proto::{ConversationType, pb};
use serde_json::json;
use std::sync::Arc;

/// RongCloud's limits per call: 1000 private recipients, 100 system ones, 3 groups.
const MAX_PRIVATE_TARGETS: usize = 1000;
const MAX_SYSTEM_TARGETS: usize = 100;
const MAX_GROUP_TARGETS: usize = 3;
/// objectName: at most 32 characters.
const MAX_OBJECT_NAME: usize = 32;
/// UpStreamMessage.sessionId bit: an @ message.
const MENTIONED: i32 = 4;

/// The UpStreamMessage a publish stands for; checks the optional fields the SDKs send.
fn api_message(p: &Params) -> Result<pb::UpStreamMessage, ApiError> {
    let classname = p.required("objectName")?.to_owned();
    if classname.len() > MAX_OBJECT_NAME {
        return Err(ApiError::Param("objectName"));
    }
    let content = p.required("content")?;
    if content.len() > MAX_CONTENT_BYTES {
        return Err(ApiError::TooLong("content"));
    }
    let persisted = p.flag("isPersisted", true)?;
    let counted = p.flag("isCounted", true)?;
    let mentioned = p.flag("isMentioned", false)?;
    // Accepted and checked; push and badge settings have no effect on a local server.
    p.int("count", -1, 9999)?;
    p.flag("verifyBlacklist", false)?;
    p.flag("contentAvailable", false)?;
    p.flag("expansion", false)?;
    p.flag("disablePush", false)?;
    p.flag("isIncludeSender", false)?;
    let push_text = p.text("pushContent", MAX_CONTENT_BYTES)?.map(str::to_owned);
    p.text("pushData", MAX_CONTENT_BYTES)?;
    p.text("pushExt", MAX_CONTENT_BYTES)?;
    let extra = p
        .text("extraContent", MAX_CONTENT_BYTES)?
        .map(str::to_owned);
    Ok(pb::UpStreamMessage {
        session_id: i32::from(persisted)
            | (i32::from(persisted && counted) << 1)
            | if mentioned { MENTIONED } else { 0 },
        classname,
        content: content.to_owned(),
        push_text,
        extra_content: extra,
        ..Default::default()
    })
}

fn refused(e: Refused) -> ApiError {
    match e {
        Refused::Invalid(what) => ApiError::Param(what),
        Refused::NotInGroup => ApiError::NotInGroup,
        Refused::Gagged => ApiError::Gagged,
        // Only reached with `verifyBlacklist`: that recipient is skipped (see `publish`).
        Refused::Blacklisted => ApiError::Param("toUserId"),
        Refused::Internal(e) => e.into(),
    }
}

/// `message/private|group|system/publish`: every target is checked before any is sent.
pub async fn publish(shared: &Arc<Shared>, p: &Params, conversation: ConversationType) -> Outcome {
    let from = p.id("fromUserId")?.to_owned();
    let (targets, only) = targets(p, conversation)?;
    let message = api_message(p)?;
    let sending = Sending::read(p, from, conversation, message, only, true)?;
    sending.deliver(shared, targets).await
}

/// One API message on its way to each of its targets.
struct Sending {
    from: String,
    conversation: ConversationType,
    message: pb::UpStreamMessage,
    notify_sender: bool,
    opts: Options,
    /// Stored and pulled; `false`: a status message relayed to online devices only.
    stored: bool,
}

impl Sending {
    /// The options every publish reads alike: `verifyBlacklist` and `isIncludeSender`.
    fn read(
        p: &Params,
        from: String,
        conversation: ConversationType,
        message: pb::UpStreamMessage,
        only: Option<Vec<String>>,
        stored: bool,
    ) -> Result<Self, ApiError> {
        let opts = Options {
            skip_blacklist: !p.flag("verifyBlacklist", false)?,
            only,
            ..Options::default()
        };
        Ok(Self {
            from,
            conversation,
            message,
            notify_sender: p.flag("isIncludeSender", false)?,
            opts,
            stored,
        })
    }

    async fn deliver(self, shared: &Arc<Shared>, targets: Vec<String>) -> Outcome {
        for target in targets {
            let out = Outbound {
                from: self.from.clone(),
                conversation: self.conversation,
                target,
                message: self.message.clone(),
                origin: None,
                notify_sender: self.notify_sender,
            };
            let sent = routing::deliver(shared, out, self.stored, &self.opts)
                .await
                .map(drop);
            match sent {
                // verifyBlacklist: RongCloud drops the message for that recipient, still 200.
                Ok(()) | Err(Refused::Blacklisted) => {}
                Err(e) => return Err(refused(e)),
            }
        }
        Ok(json!({}))
    }
}

/// The conversations a publish goes to, and a directed group message's members.
fn targets(
    p: &Params,
    conversation: ConversationType,
) -> Result<(Vec<String>, Option<Vec<String>>), ApiError> {
    Ok(match conversation {
        ConversationType::Group => {
            let groups = p.ids("toGroupId", MAX_GROUP_TARGETS)?;
            let directed = if p.all("toUserId").is_empty() {
                None
            } else if groups.len() > 1 {
                return Err(ApiError::Param("toUserId"));
            } else {
                Some(p.ids("toUserId", MAX_PRIVATE_TARGETS)?)
            };
            (groups, directed)
        }
        ConversationType::System => (p.ids("toUserId", MAX_SYSTEM_TARGETS)?, None),
        _ => (p.ids("toUserId", MAX_PRIVATE_TARGETS)?, None),
    })
}

/// `statusmessage/private|group/publish`: to online devices only, never stored.
pub async fn publish_status(
    shared: &Arc<Shared>,
    p: &Params,
    conversation: ConversationType,
) -> Outcome {
    let from = p.id("fromUserId")?.to_owned();
    let targets = match conversation {
        ConversationType::Group => p.ids("toGroupId", MAX_GROUP_TARGETS)?,
        _ => p.ids("toUserId", MAX_PRIVATE_TARGETS)?,
    };
    let mut message = api_message(p)?;
    message.session_id = 0;
    let sending = Sending::read(p, from, conversation, message, None, false)?;
    sending.deliver(shared, targets).await
}

/// `message/recall`: the stored message becomes an `RC:RcNtf` for everyone (history and
/// conversation lists), and every device of both sides pulls an `RC:RcCmd` (not stored
/// in history) that names it. Only the sender's own message, with its exact `sentTime`.
pub async fn recall(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let from = p.id("fromUserId")?.to_owned();
    let conversation = match p.required_int("conversationType", 1, 10)? {
        1 => ConversationType::Private,
        3 => ConversationType::Group,
        _ => return Err(ApiError::Param("conversationType")),
    };
    let target = p.id("targetId")?.to_owned();
    let uid = p.required("messageUID")?.to_owned();
    if uid.len() > 64 {
        return Err(ApiError::Param("messageUID"));
    }
    let sent_time = p.required_int("sentTime", 0, i64::MAX)?;
    let is_admin = p.int("isAdmin", 0, 1)?.unwrap_or(0) == 1;
    let is_delete = p.int("isDelete", 0, 1)?.unwrap_or(0) == 1;
    let extra = p.text("extra", MAX_CONTENT_BYTES / 2)?.map(str::to_owned);
    p.flag("disablePush", false)?;

    let req = crate::recall::Request {
        from,
        conversation,
        target,
        uid,
        sent_time,
        is_admin,
        is_delete,
        extra: extra.map(serde_json::Value::String),
    };
    match crate::recall::recall(shared, req).await {
        Ok(_) => {}
        Err(RecallError::NotFound) => return Err(ApiError::Param("messageUID")),
        Err(RecallError::AlreadyRecalled) => return Err(ApiError::Recall),
        Err(RecallError::Refused(e)) => return Err(refused(e)),
    }
    Ok(json!({}))
}
