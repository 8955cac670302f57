//! Network changes: the set of the machine's addresses is looked at every few seconds (the
//! same on every platform, no daemon to ask), and a change tells the client to check its
//! link at once, so a new Wi-Fi or a cable back reconnects without waiting for the
//! heartbeat to fail.

use std::collections::BTreeSet;
use std::time::Duration;
use tauri::{AppHandle, Runtime};

const EVERY: Duration = Duration::from_secs(3);

/// The non-loopback addresses, by interface.
fn addresses() -> BTreeSet<(String, std::net::IpAddr)> {
    if_addrs::get_if_addrs()
        .map(|all| {
            all.into_iter()
                .filter(|i| !i.is_loopback())
                .map(|i| (i.name.clone(), i.ip()))
                .collect()
        })
        .unwrap_or_default()
}

/// Watches for the app's lifetime.
pub fn watch<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut last = addresses();
        loop {
            tokio::time::sleep(EVERY).await;
            let now = addresses();
            if now != last {
                tracing::info!(addresses = now.len(), "network changed");
                super::window::network_hint(&app);
                last = now;
            }
        }
    });
}
