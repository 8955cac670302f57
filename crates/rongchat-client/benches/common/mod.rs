//! Figures both bench binaries print.

use rongchat_client::model::Incoming;
use rongchat_client::store::Store;
use rongchat_client::{ConversationId, Direction};
use std::time::{Duration, Instant};

/// One stored message of a filled store: its sender (a private chat with them), object
/// name and content JSON.
pub struct Fill {
    pub peer: String,
    pub object_name: String,
    pub content: String,
}

/// Stores `count` received messages in batches of 1,000, message `n` as `make(n)`, sent
/// `step_ms` after the one before; returns how long it took.
pub fn fill(
    store: &mut Store,
    count: usize,
    step_ms: i64,
    mut make: impl FnMut(usize) -> Fill,
) -> Duration {
    let batch_size = 1000;
    let started = Instant::now();
    for batch in 0..count.div_ceil(batch_size) {
        let messages: Vec<Incoming> = (batch * batch_size..count.min((batch + 1) * batch_size))
            .map(|n| {
                let Fill {
                    peer,
                    object_name,
                    content,
                } = make(n);
                Incoming {
                    uid: Some(format!("UID-{n}")),
                    conversation: ConversationId::private(peer.as_str()),
                    sender_id: peer,
                    direction: Direction::Receive,
                    object_name,
                    content,
                    sent_time: 1_700_000_000_000 + n as i64 * step_ms,
                    client_unique_id: Some(n as i64),
                    persisted: true,
                    counted: true,
                }
            })
            .collect();
        store.apply_incoming(&messages, None).expect("insert");
    }
    started.elapsed()
}

/// The `p`th percentile of `sorted` samples (zero when there are none).
pub fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) * p / 100).min(sorted.len() - 1)]
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
