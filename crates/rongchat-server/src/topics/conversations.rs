//! `qryRelationR` (conversation list), `updRRTime` (read up to a time, clears the unread
//! count on every device) and `delSessions`.

use super::reply::{LIST_BYTES, Reply, decode, internal};
use crate::connection::Connection;
use crate::routing::down_message;
use crate::store::conversations;
use crate::users::valid_id;
use prost::Message;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, pb};

const DEFAULT_COUNT: usize = 20;
const MAX_COUNT: usize = 1000;

pub async fn list(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::RelationQryInput = decode(payload)?;
    let count = match req.count.unwrap_or(0) {
        n if n <= 0 => DEFAULT_COUNT,
        n => usize::try_from(n).unwrap_or(MAX_COUNT).min(MAX_COUNT),
    };
    let before = match req.start_time.unwrap_or(0) {
        t if t <= 0 => i64::MAX,
        t => t,
    };
    let user = conn.user_id.clone();
    let (rows, finished) = conn
        .shared
        .store
        .run(move |c| conversations::list(c, &user, before, count, LIST_BYTES))
        .await
        .map_err(internal)?;
    let info = rows
        .iter()
        .map(|r| pb::RelationInfo {
            r#type: r.channel_type.code(),
            user_id: r.target_id.clone(),
            msg: r
                .last_message
                .as_ref()
                .map(|m| down_message(m, &conn.user_id, false)),
            read_msg_time: Some(r.read_time),
            unread_count: Some(r.unread_count),
            version_time: Some(r.last_time),
            ..Default::default()
        })
        .collect();
    Ok(pb::RelationsOutput {
        info,
        is_finished: Some(finished),
        ..Default::default()
    }
    .encode_to_vec())
}

pub async fn mark_read(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::SessionMsgReadInput = decode(payload)?;
    if !valid_id(&req.channel_id) {
        return Err(AckStatus::ParameterInvalid);
    }
    let user = conn.user_id.clone();
    let channel_type = ConversationType::from_code(req.r#type);
    conn.shared
        .store
        .run(move |c| {
            conversations::mark_read(c, &user, channel_type, &req.channel_id, req.msg_time)
        })
        .await
        .map_err(internal)?;
    Ok(Vec::new())
}

pub async fn delete(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::DeleteSessionsInput = decode(payload)?;
    let targets: Vec<(ConversationType, String)> = req
        .sessions
        .into_iter()
        .map(|s| (ConversationType::from_code(s.r#type), s.channel_id))
        .collect();
    let user = conn.user_id.clone();
    conn.shared
        .store
        .run(move |c| conversations::delete(c, &user, &targets))
        .await
        .map_err(internal)?;
    Ok(Vec::new())
}
