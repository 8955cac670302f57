//! RongChat, the app: a thin Tauri bridge. Commands (one module per domain) delegate to
//! the client engine and the voice crate held in [`state::AppState`]; the client's event
//! stream is forwarded to the page as events ([`events`]); per-call streams use Channels.
//!
//! [`run`] is the desktop and mobile entry point; [`build`] is generic over the runtime
//! so the same wiring can be driven by another runtime in tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod audio;
pub mod commands;
pub mod convert;
pub mod demo;
pub mod directory;
pub mod embedded;
pub mod error;
pub mod events;
pub mod flags;
pub mod models;
pub mod paths;
pub mod session;
pub mod settings;
pub mod state;

use tauri::{Manager, Runtime};

/// Adds the app's plugins, state and commands to a builder.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let paths = match std::env::var_os("RONGCHAT_DATA_DIR") {
                Some(dir) => paths::Paths::under(std::path::Path::new(&dir)),
                None => paths::Paths {
                    data: app.path().app_data_dir()?,
                    config: app.path().app_config_dir()?,
                },
            };
            let state = state::AppState::new(paths);
            app.manage(state);
            state::start(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::session_get,
            commands::session::session_reconnect,
            commands::conversations::conversation_list,
            commands::conversations::conversation_open,
            commands::conversations::conversation_mark_read,
            commands::conversations::conversation_set_pinned,
            commands::conversations::conversation_set_muted,
            commands::conversations::conversation_remove,
            commands::conversations::conversation_set_draft,
            commands::messages::message_history,
            commands::messages::message_send_text,
            commands::messages::message_send_music,
            commands::messages::message_resend,
            commands::files::file_send_picked,
            commands::files::file_open,
            commands::files::file_image_full,
            commands::files::file_music_poster,
            commands::voice::voice_record_start,
            commands::voice::voice_record_stop,
            commands::voice::voice_play,
            commands::voice::voice_stop,
            commands::voice::music_list,
            commands::voice::music_play,
            commands::settings::settings_get,
            commands::settings::settings_save,
            commands::settings::settings_use_demo,
        ])
}

/// Starts the app (desktop `main`, and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let app = match build(tauri::Builder::default()).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("rongchat: cannot start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            state::shutdown(handle);
        }
    });
}

#[cfg(test)]
mod tests {
    /// The page builds its DOM with createElement + textContent only; markup parsing
    /// APIs would let message data become HTML.
    #[test]
    fn ui_never_parses_html() {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
        let mut stack = vec![ui];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
                    continue;
                };
                if !matches!(ext, "js" | "html") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for banned in [
                    "innerHTML",
                    "outerHTML",
                    "insertAdjacentHTML",
                    "document.write",
                    "DOMParser",
                    "createContextualFragment",
                    "eval(",
                    "new Function",
                ] {
                    assert!(!text.contains(banned), "{} uses {banned}", path.display());
                }
                checked += 1;
            }
        }
        assert!(checked >= 5, "expected the ui files, found {checked}");
    }
}
