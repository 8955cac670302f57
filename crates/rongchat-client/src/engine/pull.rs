//! The inbox pull loop (fact sheet §8), pure: one `pullMsg` at a time; a notify during a
//! pull queues exactly one more; pages follow until the server says finished; the first
//! finished pull after a connect means "caught up".

use crate::session::RequestId;

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
    /// Refused, or a reply we could not decode or store.
    Failed,
}

/// What to do after a pull ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullNext {
    /// Send another pull now.
    Pull,
    /// Caught up for the first time since connecting: tell the application.
    CaughtUp,
    /// Nothing.
    Idle,
}

/// The loop's state.
#[derive(Debug, Default)]
pub struct PullLoop {
    in_flight: Option<RequestId>,
    again: bool,
    caught_up: bool,
}

impl PullLoop {
    /// A new connection: nothing in flight, and the next finished pull catches up.
    pub fn connected(&mut self) {
        *self = Self::default();
    }

    /// Something new is on the server. `true`: pull now; `false`: one is running, and
    /// another follows it.
    pub fn request(&mut self) -> bool {
        if self.in_flight.is_some() {
            self.again = true;
            false
        } else {
            true
        }
    }

    /// A pull went out.
    pub fn started(&mut self, request: RequestId) {
        self.in_flight = Some(request);
    }

    /// Whether a pull is waiting for its answer.
    pub fn is_pulling(&self) -> bool {
        self.in_flight.is_some()
    }

    /// The running pull ended.
    pub fn finished(&mut self, result: PullResult) -> PullNext {
        self.in_flight = None;
        let again = std::mem::take(&mut self.again);
        match result {
            PullResult::Page { finished: false } | PullResult::Timeout => PullNext::Pull,
            PullResult::Page { finished: true } if again => PullNext::Pull,
            PullResult::Page { finished: true } if !self.caught_up => {
                self.caught_up = true;
                PullNext::CaughtUp
            }
            PullResult::Page { finished: true } => PullNext::Idle,
            PullResult::Lost => PullNext::Idle,
            // A refusal is not retried on its own (it would spin), only for new mail.
            PullResult::Failed if again => PullNext::Pull,
            PullResult::Failed => PullNext::Idle,
        }
    }

    /// The link went down: what was running is gone.
    pub fn link_lost(&mut self) {
        self.in_flight = None;
        self.again = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DONE: PullResult = PullResult::Page { finished: true };
    const MORE: PullResult = PullResult::Page { finished: false };

    /// Sends one pull and ends it with `result`.
    fn pull_once(pull: &mut PullLoop, id: u64, result: PullResult) -> PullNext {
        pull.started(RequestId(id));
        pull.finished(result)
    }

    #[test]
    fn pages_until_finished_then_catches_up_once() {
        let mut pull = PullLoop::default();
        pull.connected();
        assert!(pull.request());
        assert_eq!(pull_once(&mut pull, 1, MORE), PullNext::Pull);
        assert_eq!(pull_once(&mut pull, 2, DONE), PullNext::CaughtUp);
        assert!(pull.request());
        assert_eq!(pull_once(&mut pull, 3, DONE), PullNext::Idle);
    }

    #[test]
    fn a_notify_during_a_pull_queues_one_more() {
        let mut pull = PullLoop::default();
        pull.started(RequestId(1));
        assert!(!pull.request());
        assert!(!pull.request());
        assert_eq!(
            pull.finished(DONE),
            PullNext::Pull,
            "two notifies, one more pull"
        );
        assert_eq!(pull_once(&mut pull, 2, DONE), PullNext::CaughtUp);
    }

    #[test]
    fn a_timeout_asks_again_and_a_lost_link_waits_for_the_connect() {
        let mut pull = PullLoop::default();
        assert_eq!(pull_once(&mut pull, 1, PullResult::Timeout), PullNext::Pull);
        pull.started(RequestId(2));
        assert!(!pull.request());
        pull.link_lost();
        assert!(!pull.is_pulling());
        assert_eq!(pull.finished(PullResult::Lost), PullNext::Idle);
        // Reconnected in the middle: the first finished pull catches up again.
        pull.connected();
        assert!(pull.request());
        assert_eq!(pull_once(&mut pull, 3, DONE), PullNext::CaughtUp);
    }

    #[test]
    fn a_refused_pull_does_not_spin() {
        let mut pull = PullLoop::default();
        assert_eq!(pull_once(&mut pull, 1, PullResult::Failed), PullNext::Idle);
        pull.started(RequestId(2));
        assert!(!pull.request());
        assert_eq!(pull.finished(PullResult::Failed), PullNext::Pull);
    }
}
