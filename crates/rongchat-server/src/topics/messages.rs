//! PUBLISH topics: private and group messages (stored and routed) and status messages
//! (relayed only).

use super::decode;
use crate::gateway::Connection;
use crate::routing::{self, Channel, Outbound, Sent};
use rongchat_proto::frame::Publish;
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;
use rongchat_proto::topic;

pub async fn publish(conn: &Connection, p: &Publish) -> Result<Sent, AckStatus> {
    let (channel, stored) = match p.topic.as_str() {
        topic::PRIVATE_MESSAGE => (Channel::Private, true),
        topic::GROUP_MESSAGE => (Channel::Group, true),
        topic::PRIVATE_STATUS => (Channel::Private, false),
        topic::GROUP_STATUS => (Channel::Group, false),
        _ => return Err(AckStatus::ParameterInvalid),
    };
    let message: pb::UpStreamMessage = decode(&p.payload)?;
    let out = Outbound {
        from: conn.user_id.clone(),
        channel,
        target: p.target_id.clone(),
        message,
        origin: Some(conn.id),
        notify_sender: false,
    };
    let result = if stored {
        routing::send(&conn.shared, out).await
    } else {
        routing::relay_status(&conn.shared, out).await
    };
    result.map_err(|refused| {
        if let routing::Refused::Internal(e) = &refused {
            tracing::error!("publish failed: {e}");
        }
        refused.status()
    })
}
