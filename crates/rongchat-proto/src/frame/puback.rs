//! PUBACK (command 4).
//!
//! - client: msgId u16 (acknowledges a server PUBLISH with QoS > 0);
//! - server: msgId u16, date u32 (s), status u16, millis u16, messageUId UTF.
//!   The message's send time is `date * 1000 + millis`.

use super::Side;
use super::wire::{Reader, put_string, put_u16, put_u32};
use crate::error::{DecodeResult, EncodeError};
use crate::status::AckStatus;

/// A PUBACK in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubAck {
    /// The PUBLISH being acknowledged.
    pub msg_id: u16,
    /// Present exactly on server-sent acks.
    pub result: Option<PubAckResult>,
}

/// What the server says about a published message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubAckResult {
    /// Server time, seconds.
    pub date: u32,
    /// 0 on success, else the error code handed to the application.
    pub status: AckStatus,
    /// Milliseconds part of the send time.
    pub millis: u16,
    /// The server's unique id of the message.
    pub message_uid: String,
}

impl PubAckResult {
    /// The message's send time in ms.
    pub fn sent_time(&self) -> i64 {
        i64::from(self.date) * 1000 + i64::from(self.millis)
    }
}

impl PubAck {
    pub(super) fn read(r: &mut Reader<'_>, from: Side) -> DecodeResult<Self> {
        let msg_id = r.u16("puback msgId")?;
        let result = match from {
            Side::Client => None,
            Side::Server => Some(PubAckResult {
                date: r.u32("puback date")?,
                status: AckStatus::from_code(r.u16("puback status")?),
                millis: r.u16("puback millis")?,
                message_uid: r.string("puback messageUId")?,
            }),
        };
        Ok(Self { msg_id, result })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_u16(out, self.msg_id);
        if let Some(res) = &self.result {
            put_u32(out, res.date);
            put_u16(out, res.status.code());
            put_u16(out, res.millis);
            put_string(out, &res.message_uid, "puback messageUId")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Body, Frame, Layout};

    #[test]
    fn server_puback_from_the_fact_sheet() {
        let bytes =
            hex::decode("4000076b071e730000016e0012535455422d4d575745585756412d30303031").unwrap();
        let frame = Frame::decode(&bytes, Side::Server, Layout::V3).unwrap();
        let Body::PubAck(ack) = &frame.body else {
            panic!("not a puback")
        };
        let res = ack.result.as_ref().unwrap();
        assert_eq!(
            (ack.msg_id, res.status, res.millis),
            (7, AckStatus::Success, 0x16e)
        );
        assert_eq!(res.message_uid, "STUB-MWWEXWVA-0001");
        assert_eq!(res.sent_time(), 0x6b071e73 * 1000 + 0x16e);
        assert_eq!(frame.encode().unwrap(), bytes);
    }

    #[test]
    fn client_puback_is_the_id_only() {
        let frame = Frame::decode(&[0x40, 0x00, 0x01], Side::Client, Layout::V3).unwrap();
        assert_eq!(
            frame.body,
            Body::PubAck(PubAck {
                msg_id: 1,
                result: None
            })
        );
        assert_eq!(frame.encode().unwrap(), [0x40, 0x00, 0x01]);
    }
}
