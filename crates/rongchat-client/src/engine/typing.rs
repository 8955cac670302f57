//! Typing status (`RC:TypSts`), sans-I/O: when this user may tell a conversation that
//! they type (at most once per [`SEND_INTERVAL`] per conversation), and who is typing
//! in which conversation (each report lasts [`EXPIRY`], then the user stops typing).
//! Time is whatever `now` the caller passes: the driver's clock, or a test's.
//!
//! Facts in `PROTOCOL-NOTES.md` ("Typing status").

use crate::model::ConversationId;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// The least time between two typing reports to one conversation (what RongCloud asks
/// of senders; the Web SDK sends on every call).
pub const SEND_INTERVAL: Duration = Duration::from_secs(6);

/// How long a received report keeps its sender typing: the Web SDK's upper bound
/// (`typingExpireTime`, 2 s to 6 s), matching [`SEND_INTERVAL`], so a peer who keeps
/// typing stays shown without gaps.
pub const EXPIRY: Duration = Duration::from_secs(6);

/// A change in who is typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypingChange {
    /// Where.
    pub conversation: ConversationId,
    /// Who.
    pub user_id: String,
    /// Started (`true`) or stopped (`false`).
    pub typing: bool,
}

/// Both halves: the send throttle and the received reports.
#[derive(Debug, Default)]
pub struct Typing {
    /// When each conversation was last told.
    sent: HashMap<ConversationId, Instant>,
    /// Until when each (conversation, user) is typing.
    typing: BTreeMap<(ConversationId, String), Instant>,
}

impl Typing {
    /// Whether to send a typing report to `conversation` now; `true` starts the interval.
    pub fn should_send(&mut self, now: Instant, conversation: &ConversationId) -> bool {
        match self.sent.get(conversation) {
            Some(last) if now.saturating_duration_since(*last) < SEND_INTERVAL => false,
            _ => {
                self.sent.insert(conversation.clone(), now);
                true
            }
        }
    }

    /// A report from `user_id` arrived: a change when they were not typing already;
    /// either way their typing lasts [`EXPIRY`] from `now`.
    pub fn received(
        &mut self,
        now: Instant,
        conversation: ConversationId,
        user_id: String,
    ) -> Option<TypingChange> {
        let key = (conversation, user_id);
        let was = self.typing.insert(key.clone(), now + EXPIRY);
        was.is_none().then(|| change(key, true))
    }

    /// `user_id` sent a message in `conversation`: they stopped typing (a change if they were).
    pub fn message_from(
        &mut self,
        conversation: &ConversationId,
        user_id: &str,
    ) -> Option<TypingChange> {
        let key = (conversation.clone(), user_id.to_owned());
        self.typing.remove(&key).map(|_| change(key, false))
    }

    /// Time passed: the reports that ran out.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<TypingChange> {
        let expired: Vec<_> = self
            .typing
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(key, _)| key.clone())
            .collect();
        for key in &expired {
            self.typing.remove(key);
        }
        self.sent
            .retain(|_, last| now.saturating_duration_since(*last) < SEND_INTERVAL);
        expired.into_iter().map(|key| change(key, false)).collect()
    }

    /// When the next report runs out.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.typing.values().min().copied()
    }

    /// The connection dropped: nobody is known to type any more (as the SDK clears its
    /// list on disconnect), and the next report after reconnecting goes out at once.
    pub fn link_lost(&mut self) -> Vec<TypingChange> {
        self.sent.clear();
        std::mem::take(&mut self.typing)
            .into_keys()
            .map(|key| change(key, false))
            .collect()
    }
}

fn change((conversation, user_id): (ConversationId, String), typing: bool) -> TypingChange {
    TypingChange {
        conversation,
        user_id,
        typing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> ConversationId {
        ConversationId::private("alice")
    }

    #[test]
    fn sends_at_most_once_per_interval_per_conversation() {
        let mut t = Typing::default();
        let start = Instant::now();
        assert!(t.should_send(start, &alice()));
        assert!(!t.should_send(start + Duration::from_millis(1), &alice()));
        assert!(!t.should_send(start + SEND_INTERVAL - Duration::from_millis(1), &alice()));
        // Another conversation has its own interval.
        assert!(t.should_send(start + Duration::from_secs(1), &ConversationId::group("g")));
        assert!(t.should_send(start + SEND_INTERVAL, &alice()));
        assert!(!t.should_send(start + SEND_INTERVAL + Duration::from_secs(5), &alice()));
        assert!(t.should_send(start + SEND_INTERVAL * 2, &alice()));
    }

    #[test]
    fn a_report_starts_typing_once_and_expires_after_the_interval() {
        let mut t = Typing::default();
        let start = Instant::now();
        assert_eq!(t.poll_timeout(), None);
        let started = t.received(start, alice(), "alice".into());
        assert_eq!(
            started,
            Some(TypingChange {
                conversation: alice(),
                user_id: "alice".into(),
                typing: true
            })
        );
        assert_eq!(t.poll_timeout(), Some(start + EXPIRY));
        // A second report is no change, but pushes the expiry out.
        let later = start + Duration::from_secs(4);
        assert_eq!(t.received(later, alice(), "alice".into()), None);
        assert_eq!(t.handle_timeout(start + EXPIRY), vec![]);
        assert_eq!(t.poll_timeout(), Some(later + EXPIRY));
        let stopped = t.handle_timeout(later + EXPIRY);
        assert_eq!(stopped.len(), 1);
        assert!(!stopped[0].typing);
        assert_eq!(stopped[0].user_id, "alice");
        assert_eq!(t.poll_timeout(), None);
        assert_eq!(t.handle_timeout(later + EXPIRY * 3), vec![]);
    }

    #[test]
    fn group_members_type_and_stop_independently() {
        let mut t = Typing::default();
        let group = ConversationId::group("g");
        let start = Instant::now();
        assert!(t.received(start, group.clone(), "a".into()).is_some());
        let b_at = start + Duration::from_secs(2);
        assert!(t.received(b_at, group.clone(), "b".into()).is_some());
        let first = t.handle_timeout(start + EXPIRY);
        assert_eq!(
            first.iter().map(|c| c.user_id.as_str()).collect::<Vec<_>>(),
            ["a"]
        );
        assert_eq!(t.poll_timeout(), Some(b_at + EXPIRY));
        let second = t.handle_timeout(b_at + EXPIRY);
        assert_eq!(
            second
                .iter()
                .map(|c| c.user_id.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
    }

    #[test]
    fn a_message_or_a_lost_link_ends_typing() {
        let mut t = Typing::default();
        let start = Instant::now();
        t.received(start, alice(), "alice".into());
        assert_eq!(t.message_from(&alice(), "bob"), None);
        let stopped = t.message_from(&alice(), "alice").expect("a change");
        assert!(!stopped.typing);
        assert_eq!(t.poll_timeout(), None);

        t.received(start, alice(), "alice".into());
        assert!(t.should_send(start, &alice()));
        let dropped = t.link_lost();
        assert_eq!(dropped.len(), 1);
        assert!(!dropped[0].typing);
        assert_eq!(t.poll_timeout(), None);
        // After a reconnect the next report goes out at once.
        assert!(t.should_send(start + Duration::from_millis(10), &alice()));
    }
}
