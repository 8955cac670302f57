//! QUERYACK (command 6), server to client: msgId u16, date u32 (s), status u16,
//! protobuf (rest, may be empty).

use super::wire::{Reader, put_u16, put_u32};
use crate::error::DecodeResult;
use crate::status::AckStatus;

/// A QUERYACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryAck {
    /// The QUERY being answered.
    pub msg_id: u16,
    /// Server time, seconds.
    pub date: u32,
    /// 0 on success, else the error code handed to the application.
    pub status: AckStatus,
    /// The protobuf reply.
    pub payload: Vec<u8>,
}

impl QueryAck {
    pub(super) fn read(r: &mut Reader<'_>) -> DecodeResult<Self> {
        Ok(Self {
            msg_id: r.u16("queryack msgId")?,
            date: r.u32("queryack date")?,
            status: AckStatus::from_code(r.u16("queryack status")?),
            payload: r.rest().to_vec(),
        })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) {
        put_u16(out, self.msg_id);
        put_u32(out, self.date);
        put_u16(out, self.status.code());
        out.extend_from_slice(&self.payload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Body, Frame, Layout, Side};

    #[test]
    fn empty_queryack() {
        let bytes = hex::decode("6000016b071f370000").unwrap();
        let frame = Frame::decode(&bytes, Side::Server, Layout::V3).unwrap();
        let Body::QueryAck(ack) = &frame.body else {
            panic!("not a queryack")
        };
        assert_eq!(
            (ack.msg_id, ack.status, ack.payload.len()),
            (1, AckStatus::Success, 0)
        );
        assert_eq!(frame.encode().unwrap(), bytes);
        assert!(Frame::decode(&bytes[..6], Side::Server, Layout::V3).is_err());
    }
}
