//! Notifications through the desktop's notification server
//! (`org.freedesktop.Notifications`), and their clicks: a click on one that names a chat
//! asks for that chat, on any other for the window.

use super::Ask;
use crate::models::ConvRef;
use crate::notices::Shown;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc;

#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications"
)]
trait Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, zbus::zvariant::Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;

    #[zbus(signal)]
    fn action_invoked(&self, id: u32, action_key: String) -> zbus::Result<()>;
}

/// The most notifications whose clicks are remembered (older ones open the window only).
const REMEMBERED: usize = 64;

/// The chats the notifications shown so far open, by their server's id.
type Opens = Arc<Mutex<HashMap<u32, Option<ConvRef>>>>;

/// Shows notifications and reports their clicks.
pub struct Notifier {
    proxy: NotificationsProxy<'static>,
    shown: Opens,
}

impl Notifier {
    /// Connects to the session bus and follows clicks (until the bus goes).
    pub async fn connect(asks: mpsc::UnboundedSender<Ask>) -> zbus::Result<Self> {
        let connection = zbus::Connection::session().await?;
        let proxy = NotificationsProxy::new(&connection).await?;
        let mut clicks = proxy.receive_action_invoked().await?;
        let shown: Opens = Arc::default();
        let opened = shown.clone();
        tokio::spawn(async move {
            while let Some(click) = clicks.next().await {
                let Ok(args) = click.args() else { continue };
                let conv = opened
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&args.id);
                // Another program's notification is none of ours.
                if let Some(conv) = conv {
                    let _ = asks.send(Ask::Open(conv)); // the engine stopping no longer listens
                }
            }
        });
        Ok(Self { proxy, shown })
    }

    /// Shows one.
    pub async fn show(&self, shown: Shown) {
        let result = self
            .proxy
            .notify(
                "RongChat",
                0,
                "",
                &shown.title,
                &shown.body,
                &["default", "打开"],
                HashMap::new(),
                -1,
            )
            .await;
        match result {
            Ok(id) => {
                let mut opens = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
                opens.insert(id, shown.conv);
                if opens.len() > REMEMBERED
                    && let Some(oldest) = opens.keys().min().copied()
                {
                    opens.remove(&oldest);
                }
            }
            Err(e) => tracing::warn!("notification not shown: {e}"),
        }
    }
}
