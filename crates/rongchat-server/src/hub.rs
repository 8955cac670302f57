//! Who is online: user id -> live connections, each with a queue of outgoing frames
//! bounded by count and bytes, and a control signal.
//!
//! Connection tasks own their sockets; everyone else talks to them through the hub, so a
//! slow socket never blocks routing: when a connection's queue is full it is told to close
//! (it will pull what it missed when it reconnects). A user holds at most
//! `max_per_user` connections: a new one beyond that kicks the oldest.

use bytes::Bytes;
use rongchat_proto::Topic;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};

/// Frames waiting for one connection before it counts as too slow.
pub const QUEUE_CAPACITY: usize = 1024;
/// Bytes counted for a queued item besides its payload (topic, ids, the frame header).
const ITEM_OVERHEAD: usize = 128;

/// Work for a connection task.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A message this user sent from another device: the task sends it as a dup PUBLISH
    /// then a PUBACK with the same (connection-local) msgId.
    Echo {
        /// `ppMsgP`, `pgMsgP`, ...
        topic: Topic,
        /// Peer or group.
        target_id: String,
        /// The encoded UpStreamMessage, shared by every device it goes to.
        payload: Bytes,
        /// Send time in ms.
        data_time: i64,
        /// The message's uid.
        uid: String,
    },
    /// A server PUBLISH (`s_ntf`, `s_msg`): the task assigns the msgId.
    Publish {
        /// `s_ntf`, `s_msg`, ...
        topic: Topic,
        /// The receiving user.
        target_id: String,
        /// Protobuf payload, shared by every connection it goes to.
        payload: Bytes,
        /// 0 for notifications, 1 for pushes the client acknowledges.
        qos: u8,
    },
}

impl Outgoing {
    /// The bytes this item holds while queued.
    fn size(&self) -> usize {
        let (payload, target) = match self {
            Outgoing::Echo {
                payload, target_id, ..
            }
            | Outgoing::Publish {
                payload, target_id, ..
            } => (payload.len(), target_id.len()),
        };
        payload + target + ITEM_OVERHEAD
    }
}

/// What a connection should do besides serving frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep going.
    Run,
    /// Another login of this user from the same platform: send DISCONNECT 1 and close.
    Kick,
    /// Close (server stopping, user blocked, queue overflow).
    Close,
}

/// The receiving ends a connection task selects on.
#[derive(Debug)]
pub struct Mailbox {
    /// Frames to send.
    pub queue: mpsc::Receiver<Outgoing>,
    /// Kick or close requests.
    pub control: watch::Receiver<Control>,
    /// Bytes in `queue` (the hub adds, [`Mailbox::taken`] takes away).
    queued: Arc<AtomicUsize>,
}

impl Mailbox {
    /// Says `item` left the queue, so its bytes no longer count.
    pub fn taken(&self, item: &Outgoing) {
        self.queued.fetch_sub(item.size(), Ordering::Relaxed);
    }
}

/// A registered connection.
#[derive(Debug)]
struct Entry {
    id: u64,
    platform: String,
    queue: mpsc::Sender<Outgoing>,
    control: watch::Sender<Control>,
    queued: Arc<AtomicUsize>,
}

impl Entry {
    fn deliver(&self, item: Outgoing, max_bytes: usize) {
        let size = item.size();
        let before = self.queued.fetch_add(size, Ordering::Relaxed);
        let full = if before.saturating_add(size) > max_bytes {
            true
        } else {
            matches!(
                self.queue.try_send(item),
                Err(mpsc::error::TrySendError::Full(_))
            )
        };
        if full {
            self.queued.fetch_sub(size, Ordering::Relaxed);
            tracing::warn!(
                conn = self.id,
                "outgoing queue full: closing the connection"
            );
            let _ = self.control.send(Control::Close);
        }
    }
}

/// The routing table.
#[derive(Debug)]
pub struct Hub {
    next_id: AtomicU64,
    users: Mutex<HashMap<String, Vec<Entry>>>,
    max_per_user: usize,
    max_queued_bytes: usize,
}

impl Default for Hub {
    fn default() -> Self {
        Self::with_limits(usize::MAX, usize::MAX)
    }
}

impl Hub {
    /// An empty hub without limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty hub: at most `max_per_user` connections per user, at most
    /// `max_queued_bytes` queued for one connection.
    pub fn with_limits(max_per_user: usize, max_queued_bytes: usize) -> Self {
        Self {
            next_id: AtomicU64::new(0),
            users: Mutex::new(HashMap::new()),
            max_per_user: max_per_user.max(1),
            max_queued_bytes,
        }
    }

    /// Registers a connection of `user_id` from `platform`; older connections of the same
    /// user and platform are kicked. Returns the new connection's id and mailbox.
    pub fn register(&self, user_id: &str, platform: &str) -> (u64, Mailbox) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let (queue_tx, queue) = mpsc::channel(QUEUE_CAPACITY);
        let (control_tx, control) = watch::channel(Control::Run);
        let queued = Arc::new(AtomicUsize::new(0));
        let mut users = self.lock();
        let entries = users.entry(user_id.to_owned()).or_default();
        entries.retain(|e| {
            if e.platform == platform {
                let _ = e.control.send(Control::Kick);
                false
            } else {
                true
            }
        });
        // Oldest first: make room for this one.
        let excess = (entries.len() + 1).saturating_sub(self.max_per_user);
        for old in entries.drain(..excess) {
            tracing::info!(user = %user_id, conn = old.id, "too many connections: kicking the oldest");
            let _ = old.control.send(Control::Kick);
        }
        entries.push(Entry {
            id,
            platform: platform.to_owned(),
            queue: queue_tx,
            control: control_tx,
            queued: queued.clone(),
        });
        (
            id,
            Mailbox {
                queue,
                control,
                queued,
            },
        )
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
                e.deliver(item.clone(), self.max_queued_bytes);
            }
        }
    }

    /// Closes every connection of `user_id`.
    pub fn close_user(&self, user_id: &str) {
        let mut users = self.lock();
        if let Some(entries) = users.remove(user_id) {
            for e in entries {
                let _ = e.control.send(Control::Close);
            }
        }
    }

    /// Whether the user has a live connection.
    pub fn is_online(&self, user_id: &str) -> bool {
        self.lock().get(user_id).is_some_and(|e| !e.is_empty())
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
                let _ = e.control.send(Control::Close);
            }
        }
        users.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Entry>>> {
        // A poisoned lock only means another task panicked mid-update of a plain map.
        self.users.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note() -> Outgoing {
        Outgoing::Publish {
            topic: Topic::Notify,
            target_id: "u".into(),
            payload: Bytes::new(),
            qos: 0,
        }
    }

    #[test]
    fn same_platform_login_kicks_the_older_one() {
        let hub = Hub::new();
        let (_, first) = hub.register("u", "browser");
        let (_, other) = hub.register("u", "android");
        let (_, _second) = hub.register("u", "browser");
        assert_eq!(*first.control.borrow(), Control::Kick);
        assert_eq!(*other.control.borrow(), Control::Run);
        assert_eq!(hub.connection_count(), 2);
    }

    #[test]
    fn a_full_queue_closes_that_connection_only() {
        let hub = Hub::new();
        let (_, slow) = hub.register("slow", "p");
        let (_, mut fine) = hub.register("fine", "p");
        for _ in 0..=QUEUE_CAPACITY {
            hub.send_to_user("slow", None, &note());
        }
        hub.send_to_user("fine", None, &note());
        assert_eq!(*slow.control.borrow(), Control::Close);
        assert_eq!(*fine.control.borrow(), Control::Run);
        assert!(fine.queue.try_recv().is_ok());
    }

    #[test]
    fn every_device_gets_the_same_payload_buffer() {
        let hub = Hub::new();
        let (_, mut phone) = hub.register("u", "android");
        let (_, mut desktop) = hub.register("u", "pc");
        let payload = Bytes::from(vec![7; 64 * 1024]);
        let echo = Outgoing::Echo {
            topic: Topic::PrivateMessage,
            target_id: "peer".into(),
            payload: payload.clone(),
            data_time: 1,
            uid: "uid".into(),
        };
        hub.send_to_user("u", None, &echo);
        for mailbox in [&mut phone, &mut desktop] {
            let Ok(Outgoing::Echo { payload: got, .. }) = mailbox.queue.try_recv() else {
                panic!("no echo queued");
            };
            // One buffer for all: a fan-out copies no payload bytes.
            assert_eq!(got.as_ptr(), payload.as_ptr());
        }
    }

    #[test]
    fn queues_are_bounded_by_bytes() {
        let hub = Hub::with_limits(8, 10_000);
        let (_, mut slow) = hub.register("slow", "p");
        let big = Outgoing::Publish {
            topic: Topic::Notify,
            target_id: "slow".into(),
            payload: Bytes::from(vec![0; 4_000]),
            qos: 0,
        };
        hub.send_to_user("slow", None, &big);
        hub.send_to_user("slow", None, &big);
        assert_eq!(*slow.control.borrow(), Control::Run);
        // Taking one out makes room again.
        let item = slow.queue.try_recv().unwrap();
        slow.taken(&item);
        hub.send_to_user("slow", None, &big);
        assert_eq!(*slow.control.borrow(), Control::Run);
        hub.send_to_user("slow", None, &big);
        assert_eq!(*slow.control.borrow(), Control::Close);
    }

    #[test]
    fn a_user_holds_at_most_the_cap() {
        let hub = Hub::with_limits(2, usize::MAX);
        let (_, first) = hub.register("u", "a");
        let (_, second) = hub.register("u", "b");
        let (_, _third) = hub.register("u", "c");
        assert_eq!(*first.control.borrow(), Control::Kick);
        assert_eq!(*second.control.borrow(), Control::Run);
        assert_eq!(hub.connection_count(), 2);
    }
}
