//! The RongChat client engine.
//!
//! - [`session`]: the connection state machine, sans-I/O (CONNACK, heartbeat, acks,
//!   reconnect backoff, final states), tested on a simulated clock.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod client;
pub mod compose;
mod driver;
pub mod error;
pub mod events;
pub mod model;
pub mod navi;
pub mod session;
pub mod store;
pub mod sync;
pub mod upload;

pub use client::{Client, ClientConfig};
pub use compose::Outgoing;
pub use events::{Event, Snapshot};
pub use model::{Conversation, ConversationId, ConversationType, Direction, Message, SendStatus};
pub use session::ConnectionStatus;
pub use upload::CancelToken;

pub use error::{Error, Result};
