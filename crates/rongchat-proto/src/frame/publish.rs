//! PUBLISH (command 3).
//!
//! - client: topic UTF, targetId UTF, msgId u16, protobuf (rest);
//! - server: date u32 (unix seconds), then the same.

use super::Side;
use super::wire::{AddressNames, Addressed, Reader, put_addressed, put_u32};
use crate::error::{DecodeResult, EncodeError};
use bytes::Bytes;

/// A PUBLISH in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    /// Server time in seconds; present exactly on server-sent frames.
    pub date: Option<u32>,
    /// e.g. `ppMsgP`, `s_ntf`.
    pub topic: String,
    /// The peer, group or (for server pushes) the receiving user.
    pub target_id: String,
    /// Correlates the PUBACK.
    pub msg_id: u16,
    /// The protobuf payload, shared by every copy of the frame (a server sends one
    /// message to several connections without copying it).
    pub payload: Bytes,
}

const NAMES: AddressNames = ["publish topic", "publish targetId", "publish msgId"];

impl Publish {
    pub(super) fn read(r: &mut Reader<'_>, from: Side) -> DecodeResult<Self> {
        let date = match from {
            Side::Server => Some(r.u32("publish date")?),
            Side::Client => None,
        };
        let a = Addressed::read(r, NAMES)?;
        Ok(Self {
            date,
            topic: a.topic,
            target_id: a.target_id,
            msg_id: a.msg_id,
            payload: Bytes::from(a.payload),
        })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        if let Some(date) = self.date {
            put_u32(out, date);
        }
        put_addressed(
            out,
            NAMES,
            &self.topic,
            &self.target_id,
            self.msg_id,
            &self.payload,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::frame::{Body, Frame, Layout, Side};

    #[test]
    fn server_s_ntf_from_the_fact_sheet() {
        let bytes = hex::decode(
            "306b071ed30005735f6e74660005757365723100010801".to_owned() + "1094d5c19ea134",
        )
        .unwrap();
        let frame = Frame::decode(&bytes, Side::Server, Layout::V3).unwrap();
        let Body::Publish(p) = &frame.body else {
            panic!("not a publish")
        };
        assert_eq!(p.date, Some(0x6b071ed3));
        assert_eq!(
            (p.topic.as_str(), p.target_id.as_str(), p.msg_id),
            ("s_ntf", "user1", 1)
        );
        assert_eq!(p.payload, hex::decode("08011094d5c19ea134").unwrap());
        assert_eq!(frame.encode().unwrap(), bytes);
    }

    #[test]
    fn client_publish_has_no_date() {
        let bytes = hex::decode("32000670704d736750000575736572320007aabb").unwrap();
        let frame = Frame::decode(&bytes, Side::Client, Layout::V3).unwrap();
        assert_eq!(frame.flags.qos, 1);
        let Body::Publish(p) = &frame.body else {
            panic!("not a publish")
        };
        assert_eq!(
            (p.date, p.msg_id, &p.payload[..]),
            (None, 7, &[0xaa, 0xbb][..])
        );
        assert_eq!(frame.encode().unwrap(), bytes);
    }
}
