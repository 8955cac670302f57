//! RongCloud's Web wire protocol, sans-I/O: bytes in, typed values out, and back.
//!
//! - [`frame`]: the binary frames carried one per WebSocket message (fact sheet §3).
//! - [`pb`]: the protobuf payloads, generated from `proto/rongcloud.proto`.
//! - [`content`]: the JSON contents of each message type (`RC:TxtMsg`, `seal:music`, ...).
//! - [`status`]: CONNACK, DISCONNECT and ack status codes with the SDK's error codes.
//! - [`topic`]: the topic names used on the wire, as one enum.
//! - [`vocab`]: conversation types, upload file types, message directions.
//!
//! Shared byte for byte by the client and the server. Decoding never panics, and no length
//! field can make it allocate more than the input holds.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod content;
pub mod conversation_status;
pub mod error;
pub mod frame;
pub mod mention;
pub mod pb;
pub mod receipts;
pub mod status;
pub mod topic;
pub mod vocab;

pub use error::{DecodeError, DecodeResult, EncodeError};
pub use frame::{Body, Flags, Frame, Layout, Side};
pub use topic::Topic;
pub use vocab::{ConversationType, Direction, FileType};
