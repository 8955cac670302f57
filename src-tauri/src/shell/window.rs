//! The main window's life. Closing it (desktop) destroys it, webview and all, so WebKit's
//! web process goes and the app idles in the tray with only the Rust process (engine,
//! notifications, tray) running; anything that wants the user's attention (tray, second
//! launch, a clicked notification) builds it again from the config and brings it to the
//! front. Focusing it tells the client to check its connection now.

use crate::backend::Backend;
use crate::events;
use crate::models::ConvRef;
use std::sync::{Mutex, PoisonError};
use tauri::{AppHandle, Emitter, Listener, Manager, Runtime, WebviewWindow, Window, WindowEvent};

/// The window every page lives in.
pub const MAIN: &str = "main";

/// What of the window is kept across launches. Not VISIBLE: a window closed to the tray
/// opens again at the next launch.
#[cfg(desktop)]
pub const KEPT_STATE: tauri_plugin_window_state::StateFlags =
    tauri_plugin_window_state::StateFlags::SIZE
        .union(tauri_plugin_window_state::StateFlags::POSITION)
        .union(tauri_plugin_window_state::StateFlags::MAXIMIZED);

/// Managed state: whether the page in the main window has started (asked for a chat), the chat
/// a clicked notification asked for before it had, and the chat the page shows (kept here,
/// in the process, so a window built again after a close to the tray opens it again: to
/// the user, closing to the tray is hiding the window).
#[derive(Debug, Default)]
pub struct Page {
    inner: Mutex<PageState>,
}

#[derive(Debug, Default)]
struct PageState {
    ready: bool,
    open: Option<ConvRef>,
    shown: Option<ConvRef>,
}

impl Page {
    fn with<T>(&self, f: impl FnOnce(&mut PageState) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Shows, restores and focuses the main window, building it again if it was closed.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    let w = match app.get_webview_window(MAIN) {
        Some(w) => w,
        None => match rebuild(app) {
            Ok(w) => w,
            Err(e) => {
                tracing::error!("cannot build the window again: {e}");
                return;
            }
        },
    };
    let _ = w.show();
    let _ = w.unminimize();
    let _ = w.set_focus();
}

/// Shows the window with `conv`'s chat open: told to the page now if it has started, else
/// kept for the page to ask for once it has ([`page_ready`]).
pub fn open_chat<R: Runtime>(app: &AppHandle<R>, conv: ConvRef) {
    let Some(page) = app.try_state::<Page>() else {
        return show(app);
    };
    let now = page.with(|p| {
        if p.ready && app.get_webview_window(MAIN).is_some() {
            Some(conv)
        } else {
            p.open = Some(conv);
            None
        }
    });
    show(app);
    if let Some(conv) = now {
        let _ = app.emit(events::OPEN_CONVERSATION, conv);
    }
}

/// The main window's page has its first list in (ui/js/main.js `start`) and asks which chat
/// to open: the one a clicked notification asked for meanwhile, else the one the closed
/// window showed. It asks rather than being told: an event sent while a page starts was
/// sometimes lost (the split E2E test caught it); from now on a chat asked for is sent.
pub fn page_ready<R: Runtime>(app: &AppHandle<R>) -> Option<ConvRef> {
    let page = app.try_state::<Page>()?;
    // A chat asked for (a notification) wins over the one the closed window showed.
    page.with(|p| {
        p.ready = true;
        p.open.take().or_else(|| p.shown.clone())
    })
}

/// The page says which chat it shows (`None`: the list or the settings).
pub fn chat_shown<R: Runtime>(app: &AppHandle<R>, conv: Option<ConvRef>) {
    if let Some(page) = app.try_state::<Page>() {
        page.with(|p| p.shown = conv);
    }
}

/// The main window as tauri.conf.json describes it (label, URL, size); the window-state
/// plugin puts it back where it was, as it does at launch.
fn rebuild<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let started = std::time::Instant::now();
    // Wall-clock ms of the start, so a benchmark can count the reopen from the app's own
    // start of it rather than from its click script.
    let started_ms = crate::clock::now_ms();
    let w = tauri::WebviewWindowBuilder::from_config(app, &config)?.build()?;
    // The title the unread total gave the window that was closed.
    if let Some(unread) = app.try_state::<super::unread::Unread>() {
        let _ = w.set_title(&super::unread::title(unread.total()));
    }
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        started_ms,
        "window built again"
    );
    Ok(w)
}

/// Tells the client its network may have changed, so a dead link is noticed at once
/// instead of at the next heartbeat.
pub fn network_hint<R: Runtime>(app: &AppHandle<R>) {
    let backend = app.state::<Backend>().inner().clone();
    tauri::async_runtime::spawn(async move {
        // Not signed in yet: nothing to check.
        let _ = backend
            .ask::<()>("internal_network_hint", serde_json::json!({}))
            .await;
    });
}

/// How long the window's process stays after its window closed, with the engine in a
/// process of its own: a reopen meanwhile is as quick as with one process, and after it
/// only the engine stays in the tray. `RONGCHAT_WINDOW_GRACE_SECS` sets it.
const WINDOW_GRACE: std::time::Duration = std::time::Duration::from_secs(300);

fn window_grace() -> std::time::Duration {
    std::env::var("RONGCHAT_WINDOW_GRACE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(WINDOW_GRACE, std::time::Duration::from_secs)
}

/// With the engine in its own process: opens the window (and a chat) when the engine says
/// the user asked (its tray, a clicked notification), or the chat a notification asked
/// for before this process was started.
pub fn follow_engine<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    app.listen_any(
        events::SHELL_SHOW,
        move |event| match serde_json::from_str::<Option<ConvRef>>(event.payload()) {
            Ok(Some(conv)) => open_chat(&handle, conv),
            _ => show(&handle),
        },
    );
    let (app, backend) = (app.clone(), app.state::<Backend>().inner().clone());
    tauri::async_runtime::spawn(async move {
        if let Ok(Some(conv)) = backend
            .ask::<Option<ConvRef>>("internal_hello", serde_json::json!({}))
            .await
        {
            open_chat(&app, conv);
        }
    });
}

/// Tells the engine whether the window is in front (it notifies only when not).
fn tell_engine<R: Runtime>(app: &AppHandle<R>, in_front: bool) {
    let backend = app.state::<Backend>().inner().clone();
    if backend.local().is_some() {
        return; // the shell's own notifier asks the window itself
    }
    tauri::async_runtime::spawn(async move {
        let args = serde_json::json!({ "inFront": in_front });
        let _ = backend.ask::<()>("internal_window", args).await; // gone: it notifies anyway
    });
}

/// With the engine in its own process, a window closed for longer than the grace period
/// ends this process: the engine alone stays in the tray.
fn leave_after_grace<R: Runtime>(app: &AppHandle<R>) {
    if app.state::<Backend>().local().is_some() {
        return;
    }
    let app = app.clone();
    let grace = window_grace();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(grace).await;
        if app.get_webview_window(MAIN).is_none() {
            tracing::info!(
                secs = grace.as_secs(),
                "window closed for the grace period: leaving the engine alone"
            );
            app.exit(0);
        }
    });
}

/// For `RunEvent::ExitRequested`: the last window closing (no exit code) leaves the app
/// running in the tray; a quit from the tray menu (`exit(0)`) still ends it.
#[cfg(desktop)]
pub fn keeps_running(code: Option<i32>, api: &tauri::ExitRequestApi) {
    if code.is_none() {
        api.prevent_exit();
    }
}

/// For `Builder::on_window_event`.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    match event {
        // Desktop only: on a phone the system owns the window's life.
        #[cfg(desktop)]
        WindowEvent::CloseRequested { .. } => {
            // Saved now, not only at a clean exit: a session logout or a kill (SIGTERM)
            // would lose it.
            use tauri_plugin_window_state::AppHandleExt;
            if let Err(e) = window.app_handle().save_window_state(KEPT_STATE) {
                tracing::warn!("window state not saved: {e}");
            }
            // Not prevented: the window and its webview are destroyed (the app stays, see
            // `keeps_running`).
            tracing::info!("window closed: still running in the tray");
        }
        // The page went with the window: until one is built again, nobody listens.
        WindowEvent::Destroyed => {
            if let Some(page) = window.try_state::<Page>() {
                page.with(|p| p.ready = false);
            }
            // The webview's memory is free now: give it back for the time in the tray.
            crate::heap::give_back_free_memory_soon();
            tell_engine(window.app_handle(), false);
            leave_after_grace(window.app_handle());
        }
        WindowEvent::Focused(true) => {
            network_hint(window.app_handle());
            tell_engine(window.app_handle(), true);
        }
        WindowEvent::Focused(false) => tell_engine(window.app_handle(), false),
        _ => {}
    }
}
