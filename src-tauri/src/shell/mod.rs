//! The app's life outside the page: the unread total in the window title and the tray,
//! notifications, closing to the tray (the window and its webview are destroyed, and built
//! again on open), a single instance, the window's size and place kept
//! across restarts, and the move from the old identifier's folders. The tray, the single
//! instance and the window state are desktop only.

pub mod migrate;
pub mod notify;
pub mod rendering;
#[cfg(desktop)]
pub mod tray;
pub mod unread;
pub mod window;

use crate::backend::Backend;
use crate::settings::Language;
use tauri::{AppHandle, Builder, Manager, Runtime};

/// Adds the plugins. The single-instance plugin goes first, so a second launch stops
/// before anything else starts (its embedded server above all).
pub fn plugins<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    #[cfg(desktop)]
    let builder = {
        builder
            .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
                tracing::info!("second launch: showing the window");
                window::show(app)
            }))
            .plugin(
                tauri_plugin_window_state::Builder::new()
                    .with_state_flags(window::KEPT_STATE)
                    .build(),
            )
    };
    builder
        .plugin(rendering::plugin())
        .plugin(tauri_plugin_notification::init())
        .on_window_event(window::on_event)
}

/// Starts following the session (after the `Backend` is managed).
pub fn start<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    app.manage(window::Page::default());
    let backend = app.state::<Backend>().inner().clone();
    unread::follow(app, shown);
    match backend.local() {
        Some(state) => {
            #[cfg(desktop)]
            tray::create(app, tauri::async_runtime::block_on(language(&backend)))?;
            notify::follow(app);
            tauri::async_runtime::spawn(rongchat_host::network::watch(state.clone()));
        }
        // The engine has the tray, the notifications and the network watch, in its own
        // process; it tells this one when the user wants the window.
        None => window::follow_engine(app),
    }
    Ok(())
}

/// The language the user chose (the default when the settings cannot be read).
pub async fn language(backend: &Backend) -> Language {
    backend
        .ask::<serde_json::Value>("settings_get", serde_json::json!({}))
        .await
        .ok()
        .and_then(|settings| serde_json::from_value(settings["language"].clone()).ok())
        .unwrap_or_default()
}

/// Shows a new unread total.
fn shown<R: Runtime>(app: &AppHandle<R>, total: u32) {
    if let Some(w) = app.get_webview_window(window::MAIN) {
        let _ = w.set_title(&unread::title(total));
    }
    #[cfg(desktop)]
    tray::set_unread(app, total);
}

/// What the E2E reads back: the total, the native window's title and visibility, the tray's
/// tooltip.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Badge {
    /// Unread messages outside muted conversations.
    pub unread: u32,
    /// The window's title as the window system has it.
    pub window_title: String,
    /// Whether the window is shown (not closed to the tray, where it does not exist).
    pub window_visible: bool,
    /// The tray's tooltip (empty on mobile).
    pub tray: String,
}

/// The badge now.
pub fn badge<R: Runtime>(app: &AppHandle<R>) -> Badge {
    let unread = app.state::<unread::Unread>().total();
    let w = app.get_webview_window(window::MAIN);
    Badge {
        unread,
        window_title: w.as_ref().and_then(|w| w.title().ok()).unwrap_or_default(),
        window_visible: w.is_some_and(|w| w.is_visible().unwrap_or(false)),
        #[cfg(desktop)]
        tray: tray::tooltip(unread),
        #[cfg(mobile)]
        tray: String::new(),
    }
}
