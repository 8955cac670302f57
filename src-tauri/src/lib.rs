//! RongChat, the app: a Tauri shell over the backend in `rongchat_host`. The page's
//! commands go to the host's table by name ([`bridge`]), but for the few that need the
//! window or the desktop ([`commands`]); the host's page events go out as Tauri events
//! ([`events`]); per-call streams use Channels. The window, tray and notifications are
//! [`shell`]'s.
//!
//! [`run`] is the desktop and mobile entry point; [`build`] is generic over the runtime
//! so the same wiring can be driven by another runtime in tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod avatar_scheme;
pub mod backend;
pub mod bridge;
pub mod commands;
pub mod media_scheme;
pub mod shell;

// The backend, under the names the commands and the shell have always used.
pub use rongchat_host::{
    account, audio, avatars, clock, convert, dataurl, demo, directory, embedded, error, events,
    file_safety, flags, forwarder, heap, logging, media, media_urls, models, orphans, paths,
    profiles, progress, receipts, secret, session, settings, staging, state, status, token_vault,
};

#[cfg(test)]
mod checks;

use tauri::{Emitter, Manager, Runtime};

/// Adds the app's plugins, state and commands to a builder.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    media_scheme::register(avatar_scheme::register(shell::plugins(builder)))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let paths = match paths::Paths::from_env_var() {
                Some(paths) => paths,
                None => paths::Paths {
                    data: app.path().app_data_dir()?,
                    config: app.path().app_config_dir()?,
                    logs: app.path().app_log_dir()?,
                },
            };
            let id = &app.config().identifier;
            let dirs = [&*paths.data, &*paths.config, &*paths.logs];
            let moved = shell::migrate::from_old_identifier(&dirs, id, shell::migrate::OLD_IDENTIFIER);
            match logging::init(&paths.logs) {
                Ok(file) => tracing::info!(log = %file.display(), data = %paths.data.display(), "RongChat starting"),
                Err(e) => eprintln!("rongchat: no log file in {}: {e}", paths.logs.display()),
            }
            match moved {
                Ok(0) => {}
                Ok(n) => tracing::info!(entries = n, "moved the old identifier's data"),
                Err(e) => tracing::error!("cannot move the old identifier's data: {e}"),
            }
            // An engine already serving this folder is used whatever the mode: two hosts
            // on one store would each write it.
            let backend = if backend::split_wanted() || backend::engine_running(&paths.data) {
                tauri::async_runtime::block_on(backend::remote(
                    app.handle(),
                    &paths.data,
                    shell::window::MAIN,
                ))
                    .map_err(std::io::Error::other)?
            } else {
                backend::Backend::Local(std::sync::Arc::new(state::AppState::new(
                    paths,
                    page_events(app.handle()),
                )))
            };
            app.manage(backend);
            shell::start(app.handle())?;
            start_session(app.handle().clone());
            Ok(())
        })
        .invoke_handler(logged(bridge::handler(commands::handler!())))
}

/// Page events go out as Tauri events to every webview.
fn page_events<R: Runtime>(app: &tauri::AppHandle<R>) -> events::Emit {
    let app = app.clone();
    std::sync::Arc::new(move |name: &'static str, payload: serde_json::Value| {
        let _ = app.emit(name, payload); // no webview (in the tray) is not an error
    })
}

/// Signs in for the first time (from `setup`); a failure is on the banner already. The
/// engine signs in by itself.
fn start_session<R: Runtime>(app: tauri::AppHandle<R>) {
    let Some(state) = app.state::<backend::Backend>().local().cloned() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        let _ = state.restart().await;
    });
}

/// Logs each command's name (only the name: arguments may hold a token) before running it.
fn logged<R: Runtime>(
    handler: impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        let command = invoke.message.command();
        tracing::debug!(command, "invoke");
        handler(invoke)
    }
}

/// Starts the app (desktop `main`, and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    // Before any thread: it sets an environment variable.
    shell::rendering::use_shared_memory_frames();
    let app = match build(tauri::Builder::default()).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("rongchat: cannot start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| match event {
        #[cfg(desktop)]
        tauri::RunEvent::ExitRequested { code, api, .. } => {
            shell::window::keeps_running(code, &api)
        }
        tauri::RunEvent::Exit => {
            // The engine's process outlives this one's.
            let local = handle.try_state::<backend::Backend>();
            if let Some(state) = local.as_ref().and_then(|b| b.local()) {
                tauri::async_runtime::block_on(state.shutdown());
            }
        }
        _ => {}
    });
}
