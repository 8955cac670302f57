//! Frames the server builds in more than one place.

use crate::clock::date_parts;
use rongchat_proto::frame::{PubAck, PubAckResult};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Frame};

/// A PUBACK for `msg_id` stamped with the message's server time and uid.
pub fn puback(msg_id: u16, status: AckStatus, data_time: i64, uid: String) -> Frame {
    let (date, millis) = date_parts(data_time);
    Frame::with_default_flags(Body::PubAck(PubAck {
        msg_id,
        result: Some(PubAckResult {
            date,
            status,
            millis,
            message_uid: uid,
        }),
    }))
}
