//! Any bytes, from either side and in either CONNACK layout: decoding must not panic, and
//! whatever decodes must encode and decode back to the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rongchat_proto::{Frame, Layout, Side};

fuzz_target!(|data: &[u8]| {
    for side in [Side::Client, Side::Server] {
        for layout in [Layout::V3, Layout::V4] {
            if let Ok(frame) = Frame::decode(data, side, layout) {
                let bytes = frame.encode().expect("a decoded frame re-encodes");
                let again = Frame::decode(&bytes, side, layout).expect("re-encoded frame decodes");
                assert_eq!(again, frame);
            }
        }
    }
});
