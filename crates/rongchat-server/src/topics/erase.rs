//! `delMsg` (delete messages from the asking user's history) and `cleanPMsg` / `cleanGMsg`
//! (clear a conversation's history up to a time), as the official SDK's `deleteMessages`
//! and `clearHistoryMessages` send them: QUERYs addressed to the user themself. Only that
//! user's copy goes (the SDK: "删除消息仅会删除本端消息"); the reply has no payload.

use super::reply::{Reply, decode, internal};
use crate::connection::Connection;
use crate::store::erase;
use crate::users::valid_id;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, pb};

/// The most messages one `delMsg` may name (the SDK sends at most 100).
const MAX_MESSAGES: usize = 100;

/// Private and group conversations are stored; any other type is refused.
fn stored_type(code: i32) -> Result<ConversationType, AckStatus> {
    match ConversationType::from_code(code) {
        t @ (ConversationType::Private | ConversationType::Group) => Ok(t),
        _ => Err(AckStatus::ParameterInvalid),
    }
}

pub async fn delete(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::DeleteMsgInput = decode(payload)?;
    let channel_type = stored_type(req.r#type.unwrap_or(0))?;
    let target = req.conversation_id.unwrap_or_default();
    if !valid_id(&target) || req.msgs.is_empty() || req.msgs.len() > MAX_MESSAGES {
        return Err(AckStatus::ParameterInvalid);
    }
    let uids: Vec<String> = req.msgs.into_iter().filter_map(|m| m.msg_id).collect();
    let user = conn.user_id.clone();
    let removed = conn
        .shared
        .store
        .run(move |c| erase::delete(c, &user, channel_type, &target, &uids))
        .await
        .map_err(internal)?;
    tracing::debug!(user = %conn.user_id, removed, "messages deleted from one history");
    Ok(Vec::new())
}

pub async fn clear(conn: &Connection, channel_type: ConversationType, payload: &[u8]) -> Reply {
    let req: pb::CleanHisMsgInput = decode(payload)?;
    // The topic names the type; a payload that says otherwise is refused.
    if req
        .conversation_type
        .is_some_and(|t| t != channel_type.code())
        || !valid_id(&req.target_id)
    {
        return Err(AckStatus::ParameterInvalid);
    }
    let user = conn.user_id.clone();
    let removed = conn
        .shared
        .store
        .run(move |c| erase::clear(c, &user, channel_type, &req.target_id, req.data_time))
        .await
        .map_err(internal)?;
    tracing::debug!(user = %conn.user_id, removed, "history cleared for one user");
    Ok(Vec::new())
}
