//! The outbox window, pure: at most `size` PUBLISHes in flight; refilled when half have
//! been acked (or at once when forced: a connect, a new message); an ack that never came
//! puts the message back in line with its clientUniqueId, so the server drops a double.

use crate::session::{Reply, RequestError};
use rongchat_proto::frame::PubAckResult;
use rongchat_proto::status::AckStatus;
use std::collections::HashSet;

/// Most PUBLISHes in flight at once.
pub const OUTBOX_WINDOW: usize = 256;

/// What an ack means for its message.
#[derive(Debug, Clone, PartialEq)]
pub enum AckOutcome {
    /// Stored by the server.
    Sent(PubAckResult),
    /// Refused for good.
    Refused(AckStatus),
    /// Lost or timed out: publish it again.
    Resend,
}

/// Local ids in flight.
#[derive(Debug)]
pub struct OutboxWindow {
    size: usize,
    in_flight: HashSet<i64>,
}

impl Default for OutboxWindow {
    fn default() -> Self {
        Self::new(OUTBOX_WINDOW)
    }
}

impl OutboxWindow {
    /// A window of `size` (at least 1).
    pub fn new(size: usize) -> Self {
        Self {
            size: size.max(1),
            in_flight: HashSet::new(),
        }
    }

    /// How many more may go out now. Unforced refills wait for half the window, so acks
    /// are answered in batches rather than one store read per ack.
    pub fn room(&self, force: bool) -> usize {
        if !force && self.in_flight.len() > self.size / 2 {
            return 0;
        }
        self.size.saturating_sub(self.in_flight.len())
    }

    /// How many queued rows (oldest first) to read to find `room` not yet in flight.
    pub fn scan(&self, room: usize) -> usize {
        self.in_flight.len() + room
    }

    /// Whether this message waits for its ack.
    pub fn is_in_flight(&self, local_id: i64) -> bool {
        self.in_flight.contains(&local_id)
    }

    /// How many wait for their ack.
    pub fn len(&self) -> usize {
        self.in_flight.len()
    }

    /// Whether none is in flight.
    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// A PUBLISH went out.
    pub fn sent(&mut self, local_id: i64) {
        self.in_flight.insert(local_id);
    }

    /// Its answer came.
    pub fn acked(&mut self, local_id: i64, result: Result<Reply, RequestError>) -> AckOutcome {
        self.in_flight.remove(&local_id);
        match result {
            Ok(Reply::Publish(ack)) => AckOutcome::Sent(ack),
            Err(RequestError::Refused(status)) => AckOutcome::Refused(status),
            // A QUERYACK to a PUBLISH is a server bug; resending is the safe answer.
            Ok(Reply::Query { .. }) | Err(_) => AckOutcome::Resend,
        }
    }

    /// The link went down: nothing is in flight any more. Returns what was, whose
    /// publishes went unanswered.
    pub fn link_lost(&mut self) -> Vec<i64> {
        self.in_flight.drain().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_waits_for_half_its_acks() {
        let mut window = OutboxWindow::new(4);
        assert_eq!(window.room(false), 4);
        for id in 1..=4 {
            window.sent(id);
        }
        assert_eq!(window.room(false), 0);
        assert_eq!(window.room(true), 0);
        let _ = window.acked(1, Err(RequestError::Timeout));
        assert_eq!(window.room(false), 0, "3 of 4 still out");
        let _ = window.acked(2, Err(RequestError::Timeout));
        assert_eq!(window.room(false), 2);
        assert_eq!(window.scan(2), 4);
        assert!(window.is_in_flight(3) && !window.is_in_flight(1));
    }

    #[test]
    fn outcomes() {
        let mut window = OutboxWindow::default();
        window.sent(7);
        assert_eq!(
            window.acked(7, Err(RequestError::ConnectionLost)),
            AckOutcome::Resend
        );
        window.sent(7);
        assert_eq!(
            window.acked(7, Err(RequestError::Refused(AckStatus::NotInGroup))),
            AckOutcome::Refused(AckStatus::NotInGroup)
        );
        window.sent(8);
        window.link_lost();
        assert!(window.is_empty());
    }
}
