//! How WebKitGTK draws the page. Its GPU compositing keeps GL surfaces and tiles in the
//! web process: measured here (Mesa, demo world, window shown) the web process holds
//! 190 MiB PSS composited against 112 MiB drawn on the CPU. Our page is a list and a chat
//! (no WebGL, no 3D transforms, no video), which WebKit draws well without compositing, so
//! each webview is set to never use it. A user who sets `WEBKIT_DISABLE_COMPOSITING_MODE`
//! (to any value) keeps WebKit's own choice.

use tauri::Runtime;
use tauri::plugin::{Builder, TauriPlugin};

/// The variable WebKitGTK reads for its own choice.
pub const COMPOSITING_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

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
