//! The total unread count outside the page (`rongchat_host::unread`), followed from the
//! page's events and shown in the window title and the tray.

use crate::backend::Backend;
use crate::events;
use serde_json::Value;
use tauri::{AppHandle, Listener, Manager, Runtime};

pub use rongchat_host::unread::{TITLE, Unread, title};

/// Follows the page's conversation events; `shown` is told each new total.
pub fn follow<R: Runtime>(app: &AppHandle<R>, shown: fn(&AppHandle<R>, u32)) {
    app.manage(Unread::default());
    let on = |name: &'static str, apply: fn(&AppHandle<R>, &Value)| {
        let handle = app.clone();
        app.listen_any(name, move |event| {
            if let Ok(value) = serde_json::from_str::<Value>(event.payload()) {
                apply(&handle, &value);
                shown(&handle, handle.state::<Unread>().total());
            }
        });
    };
    on(events::CONVERSATIONS_UPDATED, |app, convs| {
        let unread = app.state::<Unread>();
        for conv in convs.as_array().into_iter().flatten() {
            unread.update(conv);
        }
    });
    on(events::CONVERSATION_REMOVED, |app, conv| {
        app.state::<Unread>().remove(conv)
    });
    let handle = app.clone();
    app.listen_any(events::CONVERSATIONS_RESET, move |_| {
        let app = handle.clone();
        tauri::async_runtime::spawn(async move {
            match reread(&app).await {
                Ok(list) => app.state::<Unread>().replace(&list),
                Err(why) => tracing::debug!(why, "unread: no list yet"),
            }
            shown(&app, app.state::<Unread>().total());
        });
    });
}

/// The list as the page reads it.
async fn reread<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<Value>, String> {
    let backend = app.state::<Backend>().inner().clone();
    backend
        .ask("internal_unread_list", serde_json::json!({}))
        .await
}
