//! Who is online: user id -> live connections, each with a queue of outgoing work.
//!
//! Connection tasks own their sockets; everyone else talks to them through [`Outgoing`]
//! so a slow socket never blocks routing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;

/// Work for a connection task.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A message this user sent from another device: the task sends it as a dup PUBLISH
    /// then a PUBACK with the same (connection-local) msgId.
    Echo {
        /// `ppMsgP`, `pgMsgP`, ...
        topic: String,
        /// Peer or group.
        target_id: String,
        /// The encoded UpStreamMessage.
        payload: Vec<u8>,
        /// Send time in ms.
        data_time: i64,
        /// The message's uid.
        uid: String,
    },
    /// A server PUBLISH (`s_ntf`, `s_msg`): the task assigns the msgId.
    Publish {
        /// Topic.
        topic: &'static str,
        /// The receiving user.
        target_id: String,
        /// Protobuf payload.
        payload: Vec<u8>,
        /// 0 for notifications, 1 for pushes the client acknowledges.
        qos: u8,
    },
    /// Another login of this user from the same platform: send DISCONNECT 1 and close.
    Kick,
    /// The server is stopping: close.
    Shutdown,
}

/// A registered connection.
#[derive(Debug, Clone)]
struct Entry {
    id: u64,
    platform: String,
    tx: mpsc::UnboundedSender<Outgoing>,
}

/// The routing table.
#[derive(Debug, Default)]
pub struct Hub {
    next_id: AtomicU64,
    users: Mutex<HashMap<String, Vec<Entry>>>,
}

impl Hub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a connection of `user_id` from `platform`; older connections of the same
    /// user and platform are kicked. Returns the new connection's id.
    pub fn register(
        &self,
        user_id: &str,
        platform: &str,
        tx: mpsc::UnboundedSender<Outgoing>,
    ) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut users = self.lock();
        let entries = users.entry(user_id.to_owned()).or_default();
        entries.retain(|e| {
            if e.platform == platform {
                let _ = e.tx.send(Outgoing::Kick);
                false
            } else {
                true
            }
        });
        entries.push(Entry {
            id,
            platform: platform.to_owned(),
            tx,
        });
        id
    }

    /// Forgets a connection (idempotent).
    pub fn unregister(&self, user_id: &str, id: u64) {
        let mut users = self.lock();
        if let Some(entries) = users.get_mut(user_id) {
            entries.retain(|e| e.id != id);
            if entries.is_empty() {
                users.remove(user_id);
            }
        }
    }

    /// Queues `item` for every connection of `user_id` except `except`.
    pub fn send_to_user(&self, user_id: &str, except: Option<u64>, item: &Outgoing) {
        let users = self.lock();
        if let Some(entries) = users.get(user_id) {
            for e in entries.iter().filter(|e| Some(e.id) != except) {
                let _ = e.tx.send(item.clone());
            }
        }
    }

    /// Number of live connections.
    pub fn connection_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Tells every connection to close.
    pub fn shutdown_all(&self) {
        let mut users = self.lock();
        for entries in users.values() {
            for e in entries {
                let _ = e.tx.send(Outgoing::Shutdown);
            }
        }
        users.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Entry>>> {
        // A poisoned lock only means another task panicked mid-update of a plain map.
        self.users.lock().unwrap_or_else(|e| e.into_inner())
    }
}
