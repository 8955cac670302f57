//! The app outside the page (tray, title, window): what the page tells it, and what the
//! E2E reads back.

use crate::models::ConvRef;
use crate::shell::{self, Badge};
use tauri::{AppHandle, Runtime};

/// The unread total as the window title and the tray show it.
#[tauri::command]
pub fn shell_badge<R: Runtime>(app: AppHandle<R>) -> Badge {
    shell::badge(&app)
}

/// The page shows `conv`'s chat, or no chat (`None`): a window built again opens it again.
#[tauri::command]
pub fn shell_chat_shown<R: Runtime>(app: AppHandle<R>, conv: Option<ConvRef>) {
    shell::window::chat_shown(&app, conv);
}

/// The page has started (its first list is in): the chat to open now, if any. Chats asked
/// for later arrive as `open-conversation` events.
#[tauri::command]
pub fn shell_chat_to_open<R: Runtime>(app: AppHandle<R>) -> Option<ConvRef> {
    shell::window::page_ready(&app)
}
