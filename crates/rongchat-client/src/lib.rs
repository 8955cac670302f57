//! The RongChat client engine.
//!
//! - [`session`]: the connection state machine, sans-I/O (CONNACK, heartbeat, acks,
//!   reconnect backoff, final states), tested on a simulated clock.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod error;
pub mod model;
pub mod session;
pub mod store;

pub use error::{Error, Result};
