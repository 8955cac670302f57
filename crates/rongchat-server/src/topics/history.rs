//! `qryPMsg` / `qryGMsg`: one conversation's stored history, paged by time.

use super::reply::{LIST_BYTES, Reply, decode, internal};
use crate::connection::Connection;
use crate::routing::down_message;
use crate::store::messages;
use crate::users::valid_id;
use prost::Message;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, pb};

/// Default and largest page.
const DEFAULT_COUNT: usize = 20;
const MAX_COUNT: usize = 100;

/// `order` 0: messages before `time` (0 = now), newest first; `order` 1: after `time`,
/// oldest first. `hasMsg` is 1 when more exist beyond the page.
pub async fn query(conn: &Connection, channel_type: ConversationType, payload: &[u8]) -> Reply {
    let req: pb::HistoryMsgInput = decode(payload)?;
    let target = req.target_id.unwrap_or_default();
    if !valid_id(&target) {
        return Err(AckStatus::ParameterInvalid);
    }
    let count = match req.count.unwrap_or(0) {
        n if n <= 0 => DEFAULT_COUNT,
        n => usize::try_from(n).unwrap_or(MAX_COUNT).min(MAX_COUNT),
    };
    let newer = req.order.unwrap_or(0) == 1;
    let time = match req.time.unwrap_or(0) {
        t if t <= 0 && !newer => i64::MAX,
        t => t,
    };
    let user = conn.user_id.clone();
    let (rows, more) = conn
        .shared
        .store
        .run(move |c| {
            let page = messages::Bounds {
                count,
                bytes: LIST_BYTES,
            };
            messages::history(c, &user, channel_type, &target, time, newer, page)
        })
        .await
        .map_err(internal)?;
    let sync_time = rows.last().map(|m| m.message.data_time).unwrap_or(0);
    Ok(pb::HistoryMsgOuput {
        list: rows
            .iter()
            .map(|m| down_message(m, &conn.user_id, true))
            .collect(),
        sync_time,
        has_msg: i32::from(more),
        ..Default::default()
    }
    .encode_to_vec())
}
