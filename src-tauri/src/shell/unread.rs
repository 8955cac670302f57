//! The total unread count outside the page, kept from the same events the page gets
//! (conversation updated / removed / reset) and shown in the window title and the tray.
//! Muted conversations do not count: they are the ones the user asked to be left alone by.

use crate::backend::Backend;
use crate::events;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tauri::{AppHandle, Listener, Manager, Runtime};

/// The window title without a count.
pub const TITLE: &str = "RongChat";

/// Unread counts per conversation, from the conversation DTOs' JSON.
#[derive(Debug, Default)]
pub struct Unread {
    counts: Mutex<HashMap<String, u32>>,
}

fn key(conv: &Value) -> Option<String> {
    Some(format!(
        "{}:{}",
        conv.get("conversationType")?,
        conv.get("targetId")?.as_str()?
    ))
}

/// What a conversation adds to the total.
fn counted(conv: &Value) -> u32 {
    if conv["muted"].as_bool().unwrap_or(false) {
        return 0;
    }
    conv["unread"]
        .as_u64()
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// The window title for a total.
pub fn title(total: u32) -> String {
    match total {
        0 => TITLE.to_owned(),
        n => format!("{TITLE} ({n})"),
    }
}

impl Unread {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, u32>) -> T) -> T {
        f(&mut self.counts.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The total now.
    pub fn total(&self) -> u32 {
        self.with(|m| m.values().fold(0u32, |a, n| a.saturating_add(*n)))
    }

    /// A conversation changed.
    pub fn update(&self, conv: &Value) {
        if let Some(k) = key(conv) {
            self.with(|m| m.insert(k, counted(conv)));
        }
    }

    /// A conversation is gone.
    pub fn remove(&self, conv: &Value) {
        if let Some(k) = key(conv) {
            self.with(|m| m.remove(&k));
        }
    }

    /// The whole list, read again.
    pub fn replace(&self, convs: &[Value]) {
        self.with(|m| {
            m.clear();
            for c in convs {
                if let Some(k) = key(c) {
                    m.insert(k, counted(c));
                }
            }
        });
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conv(target: &str, unread: u32, muted: bool) -> Value {
        json!({"conversationType": "private", "targetId": target, "unread": unread, "muted": muted})
    }

    #[test]
    fn total_follows_updates_removals_and_resets_without_muted() {
        let u = Unread::default();
        u.update(&conv("a", 2, false));
        u.update(&conv("b", 5, true));
        u.update(&conv("c", 1, false));
        assert_eq!(u.total(), 3);
        u.update(&conv("a", 0, false));
        assert_eq!(u.total(), 1);
        u.remove(&conv("c", 0, false));
        assert_eq!(u.total(), 0);
        u.replace(&[conv("x", 4, false), conv("y", 7, false)]);
        assert_eq!(u.total(), 11);
        assert_eq!(title(11), "RongChat (11)");
        assert_eq!(title(0), "RongChat");
    }
}
