//! The total unread count, kept from the same events the page gets (conversation updated
//! / removed / reset) for the window title and the tray. Muted conversations do not count:
//! they are the ones the user asked to be left alone by.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

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

/// The tray menu's count line.
pub fn menu_label(lang: crate::settings::Language, n: u32) -> String {
    match lang {
        crate::settings::Language::Zh => format!("未读消息：{n}"),
        crate::settings::Language::En => format!("Unread: {n}"),
    }
}

/// The tray's tooltip for a total (also what `shell_badge` reports).
pub fn tooltip(n: u32) -> String {
    match n {
        0 => "RongChat".to_owned(),
        n => format!("RongChat: {n} unread"),
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
