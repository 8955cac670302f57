//! Network changes: the system says when an address comes or goes (netlink on Linux,
//! the platform's own notifications elsewhere, through if-watch), and a change tells the
//! client to check its link at once, so a new Wi-Fi or a cable back reconnects without
//! waiting for the heartbeat to fail. Nothing is polled while nothing changes.

use crate::state::AppState;
use futures_util::{FutureExt, StreamExt};
use if_watch::IfEvent;
use if_watch::tokio::IfWatcher;
use std::sync::Arc;

/// Whether `event` can change how the client reaches its server: loopback never does.
fn matters(event: &IfEvent) -> bool {
    let (IfEvent::Up(net) | IfEvent::Down(net)) = event;
    !net.addr().is_loopback()
}

/// Watches for the app's lifetime, hinting the signed-in session's client; the caller
/// spawns it on its runtime.
pub async fn watch(state: Arc<AppState>) {
    let mut watcher = match IfWatcher::new() {
        Ok(watcher) => watcher,
        Err(e) => {
            tracing::warn!("no network change notifications: {e}");
            return;
        }
    };
    // The first events list the addresses there already; a hint then only makes the
    // client look at a link it has just made.
    while let Some(first) = watcher.next().await {
        let mut changed = first.as_ref().is_ok_and(matters);
        // One hint for a burst (a new link brings several addresses at once).
        while let Some(Some(event)) = watcher.next().now_or_never() {
            changed |= event.as_ref().is_ok_and(matters);
        }
        if let Err(e) = &first {
            tracing::debug!("network watch: {e}");
        }
        if changed {
            tracing::info!("network changed");
            if let Ok(session) = state.session().await {
                session.client().network_hint();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_off_the_machine_matter() {
        let net = |s: &str| s.parse().expect("a network");
        assert!(matters(&IfEvent::Up(net("192.168.1.20/24"))));
        assert!(matters(&IfEvent::Down(net("fe80::1/64"))));
        assert!(!matters(&IfEvent::Up(net("127.0.0.1/8"))));
        assert!(!matters(&IfEvent::Down(net("::1/128"))));
    }
}
