//! PUBLISH topics: private and group messages (stored and routed) and status messages
//! (relayed only).

use super::reply::decode;
use crate::connection::Connection;
use crate::routing::{self, Outbound, Sent};
use rongchat_proto::frame::Publish;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, Topic, pb};

/// A private or group message, checked and queued for the writer without waiting for its
/// commit (the gateway then reads the connection's next frame, so a pipelining client's
/// messages share a commit); the PUBACK comes from [`routing::Queued::finish`].
pub async fn queue(
    conn: &Connection,
    topic: &Topic,
    p: &Publish,
) -> Result<routing::Queued, AckStatus> {
    let conversation = match topic {
        Topic::PrivateMessage | Topic::GroupMessage => ConversationType::of_topic(topic),
        _ => None,
    }
    .ok_or(AckStatus::ParameterInvalid)?;
    let message: pb::UpStreamMessage = decode(&p.payload)?;
    let out = Outbound {
        from: conn.user_id.clone(),
        conversation,
        target: p.target_id.clone(),
        message,
        origin: Some(conn.id),
        notify_sender: false,
    };
    let result = match crate::receipts::options(&conn.shared, &out).await {
        Ok(opts) => routing::queue(&conn.shared, out, &opts).await,
        Err(refused) => Err(refused),
    };
    result.map_err(refused_status)
}

/// The PUBACK status of a refusal (an internal failure is logged).
pub fn refused_status(refused: routing::Refused) -> AckStatus {
    if let routing::Refused::Internal(e) = &refused {
        tracing::error!("publish failed: {e}");
    }
    refused.status()
}

pub async fn publish(conn: &Connection, topic: &Topic, p: &Publish) -> Result<Sent, AckStatus> {
    let stored = match topic {
        Topic::PrivateMessage | Topic::GroupMessage => true,
        Topic::PrivateStatus | Topic::GroupStatus => false,
        _ => return Err(AckStatus::ParameterInvalid),
    };
    let conversation = ConversationType::of_topic(topic).ok_or(AckStatus::ParameterInvalid)?;
    let message: pb::UpStreamMessage = decode(&p.payload)?;
    let out = Outbound {
        from: conn.user_id.clone(),
        conversation,
        target: p.target_id.clone(),
        message,
        origin: Some(conn.id),
        notify_sender: false,
    };
    let result = match crate::receipts::options(&conn.shared, &out).await {
        Ok(opts) => routing::deliver(&conn.shared, out, stored, &opts).await,
        Err(refused) => Err(refused),
    };
    result.map_err(refused_status)
}
