//! Notifications for new messages while the window is not in front, shown by the app's own
//! process when the host runs in it (what to show is `rongchat_host::notices`; with the
//! engine in its own process, the engine shows them). Activating one opens its chat.

use crate::backend::Backend;
use crate::events;
use crate::models::ConvRef;
use crate::settings::Language;
use rongchat_host::commands::internal::NotifyFacts;
use rongchat_host::notices::{self, Burst};
use serde_json::Value;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tauri::{AppHandle, Listener, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Managed state: where the backlog ends, and the burst in progress.
#[derive(Debug)]
struct Notifier {
    /// When the app started: messages sent before this (less the slack) are backlog.
    started_ms: i64,
    burst: Arc<Mutex<Burst>>,
}

fn window_in_front<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window("main").is_some_and(|w| {
        w.is_visible().unwrap_or(false)
            && w.is_focused().unwrap_or(false)
            && !w.is_minimized().unwrap_or(false)
    })
}

/// Shows notifications for received messages; activating one opens its chat in the page.
pub fn follow<R: Runtime>(app: &AppHandle<R>) {
    app.manage(Notifier {
        started_ms: crate::clock::now_ms(),
        burst: Arc::default(),
    });
    let handle = app.clone();
    // Registered before the first notification, so clicks on every one are reported.
    let _ = app.notification().on_action(move |action| {
        let conv = action.notification().and_then(|n| {
            let extra = n.extra();
            serde_json::from_value::<ConvRef>(serde_json::json!({
                "conversationType": extra.get("conversationType")?,
                "targetId": extra.get("targetId")?,
            }))
            .ok()
        });
        match conv {
            // Also when the window was closed to the tray: built again, then the chat.
            Some(conv) => super::window::open_chat(&handle, conv),
            None => super::window::show(&handle),
        }
    });
    let handle = app.clone();
    app.listen_any(events::MESSAGES_RECEIVED, move |event| {
        if let Ok(messages) = serde_json::from_str::<Vec<Value>>(event.payload()) {
            let app = handle.clone();
            tauri::async_runtime::spawn(async move {
                for msg in messages {
                    received(&app, msg).await;
                }
            });
        }
    });
}

async fn received<R: Runtime>(app: &AppHandle<R>, msg: Value) {
    let Ok(conv) = serde_json::from_value::<ConvRef>(msg.clone()) else {
        return;
    };
    let backend = app.state::<Backend>().inner().clone();
    let facts = backend
        .ask::<NotifyFacts>("internal_notify_facts", serde_json::json!({ "conv": conv }))
        .await;
    let (muted, seeded_ms) = match facts {
        Ok(facts) => (
            notices::silenced(&msg, facts.level, &facts.user_id),
            facts.history_until_ms,
        ),
        Err(_) => (false, 0), // not signed in: nothing was seeded either
    };
    let notifier = app.state::<Notifier>();
    // Also history the app delivered itself after it started (the demo world's seed,
    // sent through real clients on the first launch), whenever the window is not in front.
    let backlog_ms = notices::backlog_ms(notifier.started_ms, seeded_ms);
    if !notices::wants(&msg, muted, window_in_front(app), backlog_ms) {
        return;
    }
    let lang = super::language(&backend).await;
    let item = notices::item(&msg, conv, lang);
    let starts = notifier
        .burst
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .add(item, Instant::now());
    if starts {
        let burst = notifier.burst.clone();
        let app = app.clone();
        tauri::async_runtime::spawn(async move { flush_when_quiet(&app, &burst, lang).await });
    }
}

/// Waits for the burst to end, then shows it.
async fn flush_when_quiet<R: Runtime>(app: &AppHandle<R>, burst: &Mutex<Burst>, lang: Language) {
    let items = notices::burst_ended(burst).await;
    let Some(shown) = notices::summarize(&items, lang) else {
        return;
    };
    let mut builder = app
        .notification()
        .builder()
        .title(shown.title)
        .body(shown.body);
    if let Some(conv) = shown.conv {
        builder = builder
            .extra("conversationType", conv.conversation_type)
            .extra("targetId", conv.target_id);
    }
    if let Err(e) = builder.show() {
        tracing::warn!("notification not shown: {e}");
    }
}
