//! One authenticated WebSocket connection as the topic handlers see it (apart from the
//! gateway, which owns the socket, so handlers never depend on the gateway).

use crate::shared::Shared;
use std::sync::Arc;

/// The state of one authenticated connection, handed to the topic handlers.
#[derive(Debug)]
pub struct Connection {
    /// Shared server state.
    pub(crate) shared: Arc<Shared>,
    /// The authenticated user.
    pub user_id: String,
    /// The hub's id for this connection.
    pub id: u64,
    next_msg_id: u16,
}

impl Connection {
    pub(crate) fn new(shared: Arc<Shared>, user_id: String, id: u64) -> Self {
        Self {
            shared,
            user_id,
            id,
            next_msg_id: 0,
        }
    }

    /// The msgId for the next server PUBLISH on this connection (never 0).
    pub fn next_msg_id(&mut self) -> u16 {
        self.next_msg_id = self.next_msg_id.wrapping_add(1).max(1);
        self.next_msg_id
    }
}
