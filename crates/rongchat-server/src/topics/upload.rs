//! `qnTkn` (upload token bound to the user and key) and `qnUrl` and friends (download URL).

use super::reply::{Reply, decode};
use crate::clock::now_ms;
use crate::connection::Connection;
use crate::files::valid_key;
use prost::Message;
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;

pub fn token(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::GetQNupTokenInput = decode(payload)?;
    let key = req.key.filter(|k| !k.is_empty());
    if key.as_deref().is_some_and(|k| !valid_key(k)) {
        return Err(AckStatus::ParameterInvalid);
    }
    let ttl = i64::try_from(conn.shared.config.upload_token_ttl.as_millis()).unwrap_or(i64::MAX);
    let deadline = now_ms().saturating_add(ttl);
    let token = conn
        .shared
        .signer
        .upload_token(&conn.user_id, key.as_deref(), deadline);
    Ok(pb::GetQNupTokenOutput {
        deadline,
        token,
        ..Default::default()
    }
    .encode_to_vec())
}

pub fn download_url(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::GetDownloadUrlInput = decode(payload)?;
    if !valid_key(&req.key) {
        return Err(AckStatus::ParameterInvalid);
    }
    Ok(pb::GetDownloadUrlOutput {
        download_url: format!("{}/files/{}", conn.shared.base_url, req.key),
    }
    .encode_to_vec())
}
