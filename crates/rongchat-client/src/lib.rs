//! The RongChat client engine: one user's conversation with a RongCloud (or the local
//! RongCloud-compatible) server, over the Web wire protocol.
//!
//! Layers, bottom up:
//!
//! - [`session`]: the connection state machine, sans-I/O: CONNACK and status mapping,
//!   heartbeat (ping at connect, 15 s after each pong, two misses = dead link), request/ack
//!   correlation by 16-bit msgId with 30 s timeouts, reconnect backoff with seeded jitter,
//!   and the final states (kicked, token incorrect, blocked). Tested on a simulated clock.
//! - [`sync`]: `pullMsg` cursors and the normalisation of pulls, pushes, multi-device
//!   echoes and history into one [`model::Incoming`] shape (also sans-I/O).
//! - [`store`]: SQLite (WAL, numbered `migrations/`): messages deduplicated by messageUId
//!   and by sender + clientUniqueId, conversations with unread/draft/pin/mute, the cursors
//!   (written in the transaction of the messages they cover) and the durable outbox.
//! - [`compose`] and [`upload`]: outgoing contents (JPEG thumbnails, base64 AMR, file
//!   metadata), `qnTkn` + Qiniu form upload + `qnUrl`, cached downloads; progress, cancel.
//! - `driver` (private): the one tokio task that owns the WebSocket, feeds the session and
//!   carries out its outputs, runs the sync and pumps the outbox (a window of PUBLISHes).
//! - [`Client`]: the cheap, cloneable handle; [`Client::subscribe`] returns a
//!   [`Snapshot`] plus a broadcast stream of [`Event`]s. Under a burst a slow subscriber
//!   may see `Lagged`; it should then re-read the snapshot.
//!
//! The `rongchat-cli` binary drives it from a shell; `benches/client_bench.rs` measures it.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod actions;
mod client;
mod command;
pub mod compose;
mod config;
mod driver;
pub mod engine;
pub mod error;
pub mod events;
mod ids;
pub mod media;
pub mod model;
pub mod navi;
pub mod profiles;
mod send_queue;
pub mod session;
mod shared;
pub mod store;
pub mod sync;
pub mod transfer;

pub use actions::DeleteScope;
pub use client::{Client, ClientConfig};
pub use compose::Outgoing;
pub use events::{Event, ProblemKind, Snapshot};
pub use model::{
    Conversation, ConversationId, ConversationType, Direction, FileType, Message, SendFailure,
    SendStatus,
};
pub use profiles::{GroupInfo, UserProfile};
pub use session::ConnectionStatus;
pub use store::profiles::{CachedProfile, ProfileKind};
pub use store::receipts::{GroupReceipt, ReceiptState};
pub use transfer::CancelToken;

pub use error::{Error, Result};
