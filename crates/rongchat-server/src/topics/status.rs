//! `setSeAtt` (this user pins or mutes conversations) and `pullSeAtts` (the statuses
//! changed since a version), always about the connected user's own statuses.

use super::reply::{Reply, decode, internal};
use crate::clock::now_ms;
use crate::connection::Connection;
use crate::conversation_status::{acceptable, announce};
use crate::store::status;
use prost::Message;
use rongchat_proto::conversation_status::StatusUpdate;
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;

/// Conversations one `setSeAtt` may change (the SDK's batch calls take at most 20).
const MAX_CHANGES: usize = 100;
/// Statuses one `pullSeAtts` answer carries; the SDK pulls again on the next `s_cmd` and
/// every 3 minutes, from the newest version it got.
const MAX_PULLED: usize = 5_000;

pub async fn set(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::SessionStateModifyReq = decode(payload)?;
    if req.state.is_empty() || req.state.len() > MAX_CHANGES {
        return Err(AckStatus::ParameterInvalid);
    }
    let updates = req
        .state
        .iter()
        .map(|s| StatusUpdate::from_wire(s).ok().filter(acceptable))
        .collect::<Option<Vec<_>>>()
        .ok_or(AckStatus::ParameterInvalid)?;
    let user = conn.user_id.clone();
    let now = now_ms();
    let versions = conn
        .shared
        .store
        .run(move |c| status::apply(c, &user, &updates, now))
        .await
        .map_err(internal)?;
    announce(&conn.shared, &conn.user_id, Some(conn.id), versions.after);
    // The sender may take the new version as its own only if it had seen every earlier
    // change; otherwise it must pull them (the SDK keeps its version then).
    Ok(pb::SessionStateModifyResp {
        version: versions.after,
        update_version: Some(req.version >= versions.before),
    }
    .encode_to_vec())
}

pub async fn pull(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::SessionReq = decode(payload)?;
    let user = conn.user_id.clone();
    let since = req.time.max(0);
    let rows = conn
        .shared
        .store
        .run(move |c| status::since(c, &user, since, MAX_PULLED))
        .await
        .map_err(internal)?;
    let version = rows.iter().map(|r| r.updated_at).max().unwrap_or(req.time);
    Ok(pb::SessionStates {
        version,
        state: rows.iter().map(|r| r.to_update().to_wire()).collect(),
    }
    .encode_to_vec())
}
