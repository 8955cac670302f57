//! `pullMsg`: the inbox/outbox sync (fact sheet §8).

use super::reply::{LIST_BYTES, Reply, decode, internal};
use crate::connection::Connection;
use crate::routing::down_message;
use crate::store::messages;
use prost::Message;
use rongchat_proto::{Direction, pb};

/// Messages per pull page; the SDK pulls again at once while `finished` is false.
const PAGE: usize = 200;

/// Messages to the user with `dataTime > syncTime` and, when `isPullSend`, the user's own
/// messages with `dataTime > sendBoxSyncTime`, ascending. The reply's `syncTime` is the
/// newest received message returned and never goes backwards.
pub async fn pull(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::SyncRequestMsg = decode(payload)?;
    let outbox_after = req
        .is_pull_send
        .unwrap_or(false)
        .then(|| req.send_box_sync_time.unwrap_or(0));
    let user = conn.user_id.clone();
    let inbox_after = req.sync_time;
    let page = conn
        .shared
        .store
        .run(move |c| messages::pull(c, &user, inbox_after, outbox_after, PAGE, LIST_BYTES))
        .await
        .map_err(internal)?;
    let newest_received = page
        .messages
        .iter()
        .filter(|m| m.direction == Direction::Receive)
        .map(|m| m.message.data_time)
        .max()
        .unwrap_or(0);
    let list = page
        .messages
        .iter()
        .map(|m| down_message(m, &conn.user_id, false))
        .collect();
    Ok(pb::DownStreamMessages {
        list,
        sync_time: req.sync_time.max(newest_received),
        finished: Some(page.finished),
        broadcast_sync_time: Some(req.broadcast_sync_time.unwrap_or(0)),
        ..Default::default()
    }
    .encode_to_vec())
}
