//! PINGREQ (`c0`, client) and PINGRESP (`d0`, server): a header byte and nothing else.

use super::wire::Reader;
use crate::error::DecodeResult;

pub(super) fn read(r: Reader<'_>) -> DecodeResult<()> {
    r.finish()
}

#[cfg(test)]
mod tests {
    use crate::frame::{Body, Flags, Frame, Layout, Side};

    #[test]
    fn ping_and_pong_bytes() {
        let ping = Frame::new(Flags::NONE, Body::PingReq);
        assert_eq!(ping.encode().unwrap(), [0xc0]);
        assert_eq!(
            Frame::decode(&[0xd0], Side::Server, Layout::V3)
                .unwrap()
                .body,
            Body::PingResp
        );
        assert!(Frame::decode(&[0xc0, 0x00], Side::Client, Layout::V3).is_err());
    }
}
