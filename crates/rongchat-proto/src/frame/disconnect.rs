//! DISCONNECT (command 14), both directions: `00`, status u8; anything after is ignored
//! (the SDK does the same).

use super::wire::Reader;
use crate::error::DecodeResult;
use crate::status::DisconnectStatus;

/// A DISCONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disconnect {
    /// Why the connection ends; 1 means kicked by another login.
    pub status: DisconnectStatus,
}

impl Disconnect {
    pub(super) fn read(r: &mut Reader<'_>) -> DecodeResult<Self> {
        let _reserved = r.u8("disconnect reserved byte")?;
        let status = DisconnectStatus::from_code(r.u8("disconnect status")?);
        let _ignored = r.rest();
        Ok(Self { status })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[0, self.status.code()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Body, Frame, Layout, Side};

    #[test]
    fn kick_from_the_captures() {
        let frame = Frame::decode(&[0xe0, 0x00, 0x01], Side::Server, Layout::V3).unwrap();
        assert_eq!(
            frame.body,
            Body::Disconnect(Disconnect {
                status: DisconnectStatus::Kicked
            })
        );
        assert_eq!(frame.encode().unwrap(), [0xe0, 0x00, 0x01]);
        assert!(Frame::decode(&[0xe0, 0x00], Side::Server, Layout::V3).is_err());
    }
}
