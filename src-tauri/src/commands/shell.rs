//! The app outside the page (tray, title): read back by the E2E.

use crate::shell::{self, Badge};
use tauri::{AppHandle, Runtime};

/// The unread total as the window title and the tray show it.
#[tauri::command]
pub fn shell_badge<R: Runtime>(app: AppHandle<R>) -> Badge {
    shell::badge(&app)
}
