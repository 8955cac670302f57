//! How WebKitGTK draws the page. Its GPU compositing keeps GL surfaces and tiles in the
//! web process: measured here (Mesa, demo world, window shown) the web process holds
//! 190 MiB PSS composited against 112 MiB drawn on the CPU. Our page is a list and a chat
//! (no WebGL, no 3D transforms, no video), which WebKit draws well without compositing, so
//! each webview is set to never use it. A user who sets `WEBKIT_DISABLE_COMPOSITING_MODE`
//! (to any value) keeps WebKit's own choice.
//!
//! Drawn on the CPU, the page's frames still go to the UI process through WebKit's
//! DMA-BUF renderer unless `WEBKIT_DISABLE_DMABUF_RENDERER` is set; with it they go
//! through shared memory, and the web process no longer keeps the renderer's GL state and
//! buffers: measured here (release, Xvfb, 1,000 conversations, window shown, idle) the
//! web process held 90 MiB PSS against 95, the app's three processes 188.6-190.4 MiB
//! against 194.2, with the start unchanged (the reopen from the tray stayed within the
//! spread of earlier runs, not A/B tested). So the app sets it for itself, unless the
//! user chose either variable.

use tauri::Runtime;
use tauri::plugin::{Builder, TauriPlugin};

/// The variable WebKitGTK reads for its own choice.
pub const COMPOSITING_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The variable that makes WebKitGTK hand frames over in shared memory.
pub const DMABUF_VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Whether the app sets [`DMABUF_VAR`]: not when the user set it, nor when they asked for
/// WebKit's own compositing (which the DMA-BUF renderer serves best).
#[cfg(any(target_os = "linux", test))]
fn sets_shared_memory_frames(compositing_set: bool, dmabuf_set: bool) -> bool {
    !compositing_set && !dmabuf_set
}

/// Sets [`DMABUF_VAR`] for this process (WebKit reads it when its first web view is
/// made), as [`sets_shared_memory_frames`] decides. Must run before any other thread
/// starts: the first thing `run` does.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub fn use_shared_memory_frames() {
    let compositing_set = std::env::var_os(COMPOSITING_VAR).is_some();
    let dmabuf_set = std::env::var_os(DMABUF_VAR).is_some();
    if sets_shared_memory_frames(compositing_set, dmabuf_set) {
        // SAFETY: called first thing in `run`, from `main`, before this process has a
        // second thread: nothing can read the environment while it changes.
        unsafe { std::env::set_var(DMABUF_VAR, "1") };
    }
}

/// Elsewhere WebKitGTK is not the webview: nothing to set.
#[cfg(not(target_os = "linux"))]
pub fn use_shared_memory_frames() {}

/// A plugin (no commands) that sets the drawing of every webview as it is made: the first
/// window and each one built again after a close to the tray.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("rendering")
        .on_webview_ready(|webview| draw_without_compositing(&webview))
        .build()
}

#[cfg(target_os = "linux")]
fn draw_without_compositing<R: Runtime>(webview: &tauri::Webview<R>) {
    if std::env::var_os(COMPOSITING_VAR).is_some() {
        return;
    }
    let set = webview.with_webview(|platform| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = platform.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = set {
        tracing::warn!("the webview keeps WebKit's compositing: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn draw_without_compositing<R: Runtime>(_webview: &tauri::Webview<R>) {}

#[cfg(test)]
mod tests {
    use super::sets_shared_memory_frames;

    #[test]
    fn the_users_own_choice_of_either_variable_is_kept() {
        assert!(sets_shared_memory_frames(false, false));
        assert!(
            !sets_shared_memory_frames(false, true),
            "their DMA-BUF choice"
        );
        assert!(
            !sets_shared_memory_frames(true, false),
            "WebKit's own compositing"
        );
        assert!(!sets_shared_memory_frames(true, true));
    }
}
