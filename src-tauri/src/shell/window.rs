//! The main window's life: closing hides it (the app keeps receiving in the tray), focusing
//! it tells the client to check its connection now, and anything that wants the user's
//! attention (tray, second launch, a clicked notification) brings it back to the front.

use crate::state::AppState;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

/// The window every page lives in.
pub const MAIN: &str = "main";

/// What of the window is kept across launches. Not VISIBLE: a window closed to the tray
/// opens again at the next launch.
#[cfg(desktop)]
pub const KEPT_STATE: tauri_plugin_window_state::StateFlags =
    tauri_plugin_window_state::StateFlags::SIZE
        .union(tauri_plugin_window_state::StateFlags::POSITION)
        .union(tauri_plugin_window_state::StateFlags::MAXIMIZED);

/// Shows, restores and focuses the main window.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Tells the client its network may have changed, so a dead link is noticed at once
/// instead of at the next heartbeat.
pub fn network_hint<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Ok(session) = app.state::<AppState>().session().await {
            session.client().network_hint();
        }
    });
}

/// For `Builder::on_window_event`.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    match event {
        // Desktop only: on a phone the system owns the window's life.
        #[cfg(desktop)]
        WindowEvent::CloseRequested { api, .. } => {
            api.prevent_close();
            // Saved now, not only at a clean exit: a session logout or a kill (SIGTERM)
            // would lose it.
            use tauri_plugin_window_state::AppHandleExt;
            if let Err(e) = window.app_handle().save_window_state(KEPT_STATE) {
                tracing::warn!("window state not saved: {e}");
            }
            let _ = window.hide();
            tracing::info!("window closed: still running in the tray");
        }
        WindowEvent::Focused(true) => network_hint(window.app_handle()),
        _ => {}
    }
}
