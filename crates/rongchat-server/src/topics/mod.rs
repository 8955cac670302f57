//! Topic handlers: one file per group of topics. Every QUERY gets a QUERYACK and every
//! PUBLISH a PUBACK, with an error status for anything unknown or malformed.

mod connect_queries;
mod conversations;
mod history;
mod messages;
mod sync;
mod upload;

use crate::gateway::{Connection, now_secs};
use crate::routing::INTERNAL_ERROR;
use rongchat_proto::frame::{PubAck, PubAckResult, Publish, Query, QueryAck};
use rongchat_proto::pb::{Required, decode_checked};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Frame};

/// What a query handler returns: a protobuf reply, or an error status.
pub(crate) type Reply = Result<Vec<u8>, AckStatus>;

/// Decodes a payload, mapping any defect (bad bytes, missing required field) to 26010.
pub(crate) fn decode<M: Required>(payload: &[u8]) -> Result<M, AckStatus> {
    decode_checked::<M>(payload).map_err(|e| {
        tracing::debug!("bad payload: {e}");
        AckStatus::ParameterInvalid
    })
}

/// Logs a store failure and maps it to the internal-error status.
pub(crate) fn internal(e: crate::Error) -> AckStatus {
    tracing::error!("query failed: {e}");
    AckStatus::Other(INTERNAL_ERROR)
}

pub async fn query(conn: &mut Connection, q: Query) -> Frame {
    // Every query is about the connected user (the SDK puts its own id in targetId);
    // naming someone else is refused.
    let reply = if !q.target_id.is_empty() && q.target_id != conn.user_id {
        Err(AckStatus::ParameterInvalid)
    } else {
        dispatch(conn, &q).await
    };
    let (status, payload) = match reply {
        Ok(payload) => (AckStatus::Success, payload),
        Err(status) => {
            tracing::debug!(topic = %q.topic, status = status.code(), "query refused");
            (status, Vec::new())
        }
    };
    Frame::with_default_flags(Body::QueryAck(QueryAck {
        msg_id: q.msg_id,
        date: now_secs(),
        status,
        payload,
    }))
}

async fn dispatch(conn: &mut Connection, q: &Query) -> Reply {
    let p = &q.payload;
    match q.topic.as_str() {
        "qAppBot" => connect_queries::bots(p),
        "pullEventChange" => connect_queries::event_changes(p),
        "pullUS" => connect_queries::user_settings(p),
        "pullSeAtts" => connect_queries::conversation_states(p),
        "reportsdk" => connect_queries::report_sdk(p),
        "pullModifyMsg" => connect_queries::modified_messages(p),
        "pullMsg" => sync::pull(conn, p).await,
        "qryPMsg" => history::query(conn, crate::routing::Channel::Private, p).await,
        "qryGMsg" => history::query(conn, crate::routing::Channel::Group, p).await,
        "qryRelationR" | "qryRelation" => conversations::list(conn, p).await,
        "updRRTime" => conversations::mark_read(conn, p).await,
        "delSessions" => conversations::delete(conn, p).await,
        "qnTkn" => upload::token(conn, p),
        "qnUrl" | "aliUrl" | "s3Url" | "stcUrl" | "minioUrl" => upload::download_url(conn, p),
        _ => Err(AckStatus::ParameterInvalid),
    }
}

pub async fn publish(conn: &mut Connection, p: Publish) -> Frame {
    let result = messages::publish(conn, &p).await;
    let (status, data_time, uid) = match result {
        Ok(sent) => (AckStatus::Success, sent.data_time, sent.uid),
        Err(status) => {
            tracing::debug!(topic = %p.topic, status = status.code(), "publish refused");
            (status, crate::clock::now_ms(), String::new())
        }
    };
    Frame::with_default_flags(Body::PubAck(PubAck {
        msg_id: p.msg_id,
        result: Some(PubAckResult {
            date: u32::try_from(data_time / 1000).unwrap_or(u32::MAX),
            status,
            millis: u16::try_from(data_time % 1000).unwrap_or(0),
            message_uid: uid,
        }),
    }))
}
