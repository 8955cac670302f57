//! QUERYCON (command 7), client to server: msgId u16. Sent after a QUERYACK with QoS > 0.

use super::wire::{Reader, put_u16};
use crate::error::DecodeResult;

/// A QUERYCON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryCon {
    /// The QUERYACK being confirmed.
    pub msg_id: u16,
}

impl QueryCon {
    pub(super) fn read(r: &mut Reader<'_>) -> DecodeResult<Self> {
        Ok(Self {
            msg_id: r.u16("querycon msgId")?,
        })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) {
        put_u16(out, self.msg_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Body, Flags, Frame, Layout, Side};

    #[test]
    fn querycon_bytes() {
        let frame = Frame::new(Flags::NONE, Body::QueryCon(QueryCon { msg_id: 0x0102 }));
        assert_eq!(frame.encode().unwrap(), [0x70, 0x01, 0x02]);
        assert_eq!(
            Frame::decode(&[0x70, 0x01, 0x02], Side::Client, Layout::V3).unwrap(),
            frame
        );
    }
}
