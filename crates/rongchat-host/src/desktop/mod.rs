//! The engine on the desktop (Linux, the session D-Bus), for the time no window runs: the
//! tray icon with the unread total and its menu (`tray`), notifications for new messages
//! (`notifications`, what to show is `notices`), and what the user asks through them
//! ([`Ask`]): the window, a chat, or quitting. Without a session bus, or a tray or
//! notification service on it, the engine runs on without that part, and says so in the
//! log.

mod notifications;
mod tray;

use crate::events::{self, json};
use crate::models::ConvRef;
use crate::notices::{self, Burst};
use crate::state::AppState;
use crate::unread::Unread;
use serde_json::Value;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tokio::sync::{broadcast, mpsc, oneshot};

/// What the user asked for through the tray or a notification.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// Show the window, with this chat open if one is named.
    Open(Option<ConvRef>),
    /// Quit the app: the engine and every window.
    Quit,
}

/// Page events as the engine's hub sends them.
pub type Events = broadcast::Receiver<(&'static str, Value)>;

/// Puts the tray and notifications up and follows `events` for them until the events end
/// or `stop` is sent or dropped, then takes the icon down; what the user asks arrives on
/// `asks`.
pub async fn run(
    state: Arc<AppState>,
    mut events: Events,
    asks: mpsc::UnboundedSender<Ask>,
    mut stop: oneshot::Receiver<()>,
) {
    let lang = state
        .settings()
        .load()
        .map(|s| s.language)
        .unwrap_or_default();
    let tray = match tray::start(lang, asks.clone()).await {
        Ok(tray) => Some(tray),
        Err(e) => {
            tracing::warn!("no tray icon: {e}");
            None
        }
    };
    let notifier = match notifications::Notifier::connect(asks).await {
        Ok(notifier) => Some(Arc::new(notifier)),
        Err(e) => {
            tracing::warn!("no notifications: {e}");
            None
        }
    };
    let unread = Unread::default();
    let burst = Arc::new(Mutex::new(Burst::default()));
    let started_ms = crate::clock::now_ms();
    loop {
        let event = tokio::select! {
            event = events.recv() => event,
            _ = &mut stop => break,
        };
        let changed = match event {
            Ok((events::CONVERSATIONS_UPDATED, convs)) => {
                for conv in convs.as_array().into_iter().flatten() {
                    unread.update(conv);
                }
                true
            }
            Ok((events::CONVERSATION_REMOVED, conv)) => {
                unread.remove(&conv);
                true
            }
            Ok((events::CONVERSATIONS_RESET, _)) | Err(broadcast::error::RecvError::Lagged(_)) => {
                match crate::commands::internal::unread_list(&state).await {
                    Ok(list) => unread.replace(&list.into_iter().map(json).collect::<Vec<_>>()),
                    Err(e) => tracing::debug!(kind = e.kind(), "unread: no list yet"),
                }
                true
            }
            Ok((events::MESSAGES_RECEIVED, messages)) => {
                if let Some(notifier) = &notifier {
                    for msg in messages.as_array().into_iter().flatten() {
                        received(&state, notifier, &burst, started_ms, msg).await;
                    }
                }
                false
            }
            Ok(_) => false,
            Err(broadcast::error::RecvError::Closed) => break,
        };
        if changed && let Some(tray) = &tray {
            tray::show_unread(tray, unread.total()).await;
        }
    }
    // Taken down, not dropped: the icon leaves with the engine, and ksni's service loop
    // ends by its own path (dropping the handle alone can end it in a panic).
    if let Some(tray) = tray {
        tray.shutdown().await;
    }
}

/// A received message: into the burst, unless it is not one to notify about.
async fn received(
    state: &Arc<AppState>,
    notifier: &Arc<notifications::Notifier>,
    burst: &Arc<Mutex<Burst>>,
    started_ms: i64,
    msg: &Value,
) {
    let Ok(conv) = serde_json::from_value::<ConvRef>(msg.clone()) else {
        return;
    };
    let muted = match (state.session().await, conv.clone().validated()) {
        (Ok(session), Ok(id)) => {
            let client = session.client();
            let level = client
                .conversation(&id)
                .ok()
                .flatten()
                .map_or(rongchat_proto::conversation_status::level::NOT_SET, |c| {
                    c.level
                });
            notices::silenced(msg, level, &client.user_id().unwrap_or_default())
        }
        _ => false,
    };
    let backlog_ms = notices::backlog_ms(started_ms, state.history_until_ms());
    let in_front = state.shells().any_in_front();
    if !notices::wants(msg, muted, in_front, backlog_ms) {
        return;
    }
    let lang = state
        .settings()
        .load()
        .map(|s| s.language)
        .unwrap_or_default();
    let item = notices::item(msg, conv, lang);
    let starts = burst
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .add(item, Instant::now());
    if starts {
        let (burst, notifier) = (burst.clone(), notifier.clone());
        tokio::spawn(async move {
            let items = notices::burst_ended(&burst).await;
            if let Some(shown) = notices::summarize(&items, lang) {
                notifier.show(shown).await;
            }
        });
    }
}
