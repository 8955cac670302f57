//! The inbox pull loop (fact sheet §8), pure: one `pullMsg` at a time; a notify during a
//! pull queues exactly one more; pages follow until the server says finished; the first
//! finished pull after a connect means "caught up". A reply that was refused, could not
//! be decoded or was too large for the link backs the loop off (1 s, doubling to 60 s),
//! so a broken or hostile server costs one pull per period, not a loop.

use crate::session::RequestId;
use std::time::{Duration, Instant};

/// The longest wait after failed pulls.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How a pull ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullResult {
    /// A page was stored; `finished` is the server's word (or an empty page).
    Page {
        /// No more pages.
        finished: bool,
    },
    /// No answer in time while the link stayed up.
    Timeout,
    /// The link went down; the next connect pulls again.
    Lost,
    /// Refused, too large, or a reply we could not decode or store.
    Failed,
}

/// What to do after a pull ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullNext {
    /// Send another pull now.
    Pull,
    /// Caught up for the first time since connecting: tell the application.
    CaughtUp,
    /// Nothing (now).
    Idle,
}

/// The loop's state.
#[derive(Debug, Default)]
pub struct PullLoop {
    in_flight: Option<RequestId>,
    /// Another pull is wanted once this one (or the back-off) is over.
    again: bool,
    caught_up: bool,
    /// Failed pulls in a row, and when the next may go.
    failures: u32,
    retry_at: Option<Instant>,
}

impl PullLoop {
    /// A new connection: nothing in flight, and the next finished pull catches up. A
    /// back-off survives it (the same reply would break the new link too).
    pub fn connected(&mut self) {
        self.in_flight = None;
        self.again = false;
        self.caught_up = false;
    }

    /// Something new is on the server. `true`: pull now; `false`: one is running or the
    /// loop is backing off, and a pull follows when it can.
    pub fn request(&mut self, now: Instant) -> bool {
        if self.in_flight.is_some() || self.retry_at.is_some_and(|at| now < at) {
            self.again = true;
            false
        } else {
            true
        }
    }

    /// A pull went out.
    pub fn started(&mut self, request: RequestId) {
        self.in_flight = Some(request);
        self.retry_at = None;
    }

    /// Whether a pull is waiting for its answer.
    pub fn is_pulling(&self) -> bool {
        self.in_flight.is_some()
    }

    /// The running pull ended.
    pub fn finished(&mut self, result: PullResult, now: Instant) -> PullNext {
        self.in_flight = None;
        let again = std::mem::take(&mut self.again);
        match result {
            PullResult::Page { finished } => {
                self.failures = 0;
                if !finished || again {
                    PullNext::Pull
                } else if !self.caught_up {
                    self.caught_up = true;
                    PullNext::CaughtUp
                } else {
                    PullNext::Idle
                }
            }
            PullResult::Timeout => PullNext::Pull,
            PullResult::Lost => {
                self.again = again;
                PullNext::Idle
            }
            PullResult::Failed => {
                self.back_off(now);
                PullNext::Idle
            }
        }
    }

    /// The link broke under the running pull because its reply was too large.
    pub fn reply_too_large(&mut self, now: Instant) {
        if self.in_flight.take().is_some() {
            self.back_off(now);
        }
    }

    /// When a backed-off pull is due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.retry_at.filter(|_| self.again)
    }

    /// Time passed: `true` when a backed-off pull is due now.
    pub fn handle_timeout(&mut self, now: Instant) -> bool {
        if self.in_flight.is_none() && self.again && self.retry_at.is_some_and(|at| now >= at) {
            self.again = false;
            true
        } else {
            false
        }
    }

    /// The link went down: what was running is gone.
    pub fn link_lost(&mut self) {
        self.in_flight = None;
    }

    fn back_off(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        let delay = Duration::from_secs(1 << self.failures.saturating_sub(1).min(6));
        self.retry_at = Some(now + delay.min(MAX_BACKOFF));
        // Pull again after the wait: the server may have been fixed meanwhile.
        self.again = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DONE: PullResult = PullResult::Page { finished: true };
    const MORE: PullResult = PullResult::Page { finished: false };
    const S: Duration = Duration::from_secs(1);

    /// Sends one pull and ends it with `result`.
    fn pull_once(pull: &mut PullLoop, id: u64, result: PullResult, now: Instant) -> PullNext {
        pull.started(RequestId(id));
        pull.finished(result, now)
    }

    #[test]
    fn pages_until_finished_then_catches_up_once() {
        let now = Instant::now();
        let mut pull = PullLoop::default();
        pull.connected();
        assert!(pull.request(now));
        assert_eq!(pull_once(&mut pull, 1, MORE, now), PullNext::Pull);
        assert_eq!(pull_once(&mut pull, 2, DONE, now), PullNext::CaughtUp);
        assert!(pull.request(now));
        assert_eq!(pull_once(&mut pull, 3, DONE, now), PullNext::Idle);
    }

    #[test]
    fn a_notify_during_a_pull_queues_one_more() {
        let now = Instant::now();
        let mut pull = PullLoop::default();
        pull.started(RequestId(1));
        assert!(!pull.request(now));
        assert!(!pull.request(now));
        assert_eq!(
            pull.finished(DONE, now),
            PullNext::Pull,
            "two notifies, one more"
        );
        assert_eq!(pull_once(&mut pull, 2, DONE, now), PullNext::CaughtUp);
    }

    #[test]
    fn a_timeout_asks_again_and_a_lost_link_waits_for_the_connect() {
        let now = Instant::now();
        let mut pull = PullLoop::default();
        assert_eq!(
            pull_once(&mut pull, 1, PullResult::Timeout, now),
            PullNext::Pull
        );
        pull.started(RequestId(2));
        pull.link_lost();
        assert!(!pull.is_pulling());
        assert_eq!(pull.finished(PullResult::Lost, now), PullNext::Idle);
        // Reconnected in the middle: the first finished pull catches up again.
        pull.connected();
        assert!(pull.request(now));
        assert_eq!(pull_once(&mut pull, 3, DONE, now), PullNext::CaughtUp);
    }

    #[test]
    fn failures_back_off_doubling_to_a_minute_then_a_page_resets() {
        let start = Instant::now();
        let mut pull = PullLoop::default();
        let mut now = start;
        let mut waits = Vec::new();
        for id in 0..9 {
            assert!(pull.request(now) || pull.handle_timeout(now));
            assert_eq!(
                pull_once(&mut pull, id, PullResult::Failed, now),
                PullNext::Idle
            );
            // A notify during the back-off does not pull; the timer does.
            assert!(!pull.request(now));
            let due = pull.poll_timeout().expect("a retry is scheduled");
            assert!(!pull.handle_timeout(due - Duration::from_millis(1)));
            waits.push((due - now).as_secs());
            now = due;
            assert!(pull.handle_timeout(now));
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(pull_once(&mut pull, 99, DONE, now), PullNext::CaughtUp);
        assert_eq!(pull.poll_timeout(), None);
        assert!(pull.request(now), "after a good page, pulls go at once");
        assert_eq!(
            pull_once(&mut pull, 100, PullResult::Failed, now),
            PullNext::Idle
        );
        assert_eq!(
            pull.poll_timeout(),
            Some(now + S),
            "the back-off starts over"
        );
    }

    #[test]
    fn a_reply_too_large_for_the_link_backs_off_across_the_reconnect() {
        let now = Instant::now();
        let mut pull = PullLoop::default();
        pull.started(RequestId(1));
        pull.reply_too_large(now);
        // The lost request's error arrives; then the link is back.
        assert_eq!(pull.finished(PullResult::Lost, now), PullNext::Idle);
        pull.connected();
        assert!(!pull.request(now), "not at once on the new link");
        assert_eq!(pull.poll_timeout(), Some(now + S));
        assert!(pull.handle_timeout(now + S));
    }
}
