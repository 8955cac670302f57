//! What the host knows of the windows (shells) that use it: which are connected, whether
//! one is in front (no notification then), and a chat asked for (a clicked notification)
//! before a window was there to open it.

use crate::models::ConvRef;
use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use tokio::sync::Notify;

/// A shell, by the number its connection got (0: a shell in the host's own process).
pub type ShellId = u64;

/// The shells now.
#[derive(Debug, Default)]
pub struct Shells {
    inner: Mutex<Inner>,
    /// Told whenever a shell goes away.
    left: Notify,
}

#[derive(Debug, Default)]
struct Inner {
    connected: HashSet<ShellId>,
    in_front: HashSet<ShellId>,
    pending_open: Option<ConvRef>,
}

impl Shells {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A shell connected.
    pub fn connected(&self, id: ShellId) {
        self.with(|s| s.connected.insert(id));
    }

    /// A shell went away (its window with it).
    pub fn gone(&self, id: ShellId) {
        self.with(|s| {
            s.connected.remove(&id);
            s.in_front.remove(&id);
        });
        self.left.notify_waiters();
    }

    /// Resolves once no shell is connected (they were told to quit, say).
    pub async fn all_gone(&self) {
        loop {
            // Listening before looking: a shell that leaves in between is not missed.
            let left = self.left.notified();
            tokio::pin!(left);
            left.as_mut().enable();
            if !self.any() {
                return;
            }
            left.await;
        }
    }

    /// Whether any shell is connected (else one must be started to show a window).
    pub fn any(&self) -> bool {
        self.with(|s| !s.connected.is_empty())
    }

    /// A shell's window came to the front or left it.
    pub fn set_in_front(&self, id: ShellId, in_front: bool) {
        self.with(|s| {
            if in_front {
                s.in_front.insert(id);
            } else {
                s.in_front.remove(&id);
            }
        });
    }

    /// Whether a window is in front (notifications wait for the user to look away).
    pub fn any_in_front(&self) -> bool {
        self.with(|s| !s.in_front.is_empty())
    }

    /// Keeps the chat to open for the shell being started.
    pub fn open_later(&self, conv: Option<ConvRef>) {
        self.with(|s| s.pending_open = conv);
    }

    /// The chat a started shell should open, once.
    pub fn take_pending(&self) -> Option<ConvRef> {
        self.with(|s| s.pending_open.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_proto::vocab::ConversationType;

    #[test]
    fn a_shell_that_goes_is_neither_connected_nor_in_front() {
        let shells = Shells::default();
        assert!(!shells.any() && !shells.any_in_front());
        shells.connected(1);
        shells.connected(2);
        shells.set_in_front(1, true);
        assert!(shells.any() && shells.any_in_front());
        shells.gone(1);
        assert!(shells.any(), "2 is still there");
        assert!(
            !shells.any_in_front(),
            "the window in front went with its shell"
        );
        shells.set_in_front(2, true);
        shells.set_in_front(2, false);
        assert!(!shells.any_in_front());
        shells.gone(2);
        assert!(!shells.any());
        let conv = ConvRef {
            conversation_type: ConversationType::Private,
            target_id: "a".into(),
        };
        shells.open_later(Some(conv.clone()));
        assert_eq!(shells.take_pending(), Some(conv));
        assert_eq!(shells.take_pending(), None, "once");
    }

    #[tokio::test]
    async fn all_gone_waits_for_the_last_shell_to_leave() {
        let shells = std::sync::Arc::new(Shells::default());
        shells.all_gone().await; // none connected: at once
        shells.connected(1);
        shells.connected(2);
        let waiting = tokio::spawn({
            let shells = shells.clone();
            async move { shells.all_gone().await }
        });
        shells.gone(1);
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "2 is still there");
        shells.gone(2);
        tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
            .await
            .expect("resolved once the last left")
            .expect("no panic");
    }
}
