//! Dark mode follows the system: with GTK's dark theme (as a desktop in dark mode sets
//! it), the page's `prefers-color-scheme` is dark and the list and chat are drawn dark.
//! Screenshots of both, light and dark (theme-*.png), for a person to look at. The page is
//! drawn on the CPU and handed over in shared memory (shell/rendering.rs): the web process
//! got `WEBKIT_DISABLE_DMABUF_RENDERER` from the app, and the shots show it drew.

use crate::harness::{App, is_web_process};
use rongchat_app::shell::rendering::DMABUF_VAR;

/// The page's background colour, as drawn.
const BACKGROUND: &str =
    "return getComputedStyle(document.getElementById('list-pane')).backgroundColor;";

/// The brightness (0-255) of a `rgb(r, g, b)` colour.
fn brightness(css: &serde_json::Value) -> u32 {
    let text = css.as_str().unwrap_or_default();
    let channels: Vec<u32> = text
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    assert_eq!(channels.len(), 3, "a colour: {text}");
    channels.iter().sum::<u32>() / 3
}

/// `name`'s value in the environment the app gave its web process (read from /proc: the
/// environment it was started with).
fn web_process_var(app: &App, name: &str) -> Option<String> {
    let (pid, _) = app
        .children()
        .into_iter()
        .find(|(_, comm)| is_web_process(comm))
        .expect("the page's web process");
    let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("its environment");
    let prefix = format!("{name}=");
    environ
        .split(|&b| b == 0)
        .filter_map(|entry| std::str::from_utf8(entry).ok())
        .find_map(|entry| entry.strip_prefix(&prefix).map(str::to_owned))
}

async fn shots(theme: Option<&str>, name: &str) -> u32 {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let env: Vec<(&str, &str)> = theme.map(|t| ("GTK_THEME", t)).into_iter().collect();
    let app = App::launch_demo(&data_dir, &env).await;
    app.wait_for_css("#conversation-list li.conversation").await;
    let dark = app
        .js("return matchMedia('(prefers-color-scheme: dark)').matches;")
        .await;
    assert_eq!(
        dark,
        serde_json::Value::Bool(theme.is_some()),
        "prefers-color-scheme"
    );
    assert_eq!(
        web_process_var(&app, DMABUF_VAR).as_deref(),
        Some("1"),
        "frames in shared memory"
    );
    let background = brightness(&app.js(BACKGROUND).await);
    app.screenshot(&format!("theme-{name}-list")).await;
    app.open_chat("zhaoyun").await;
    app.wait_for_css("#message-list li").await;
    app.screenshot(&format!("theme-{name}-chat")).await;
    app.quit().await;
    background
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dark_mode_follows_the_system_theme() {
    let light = shots(None, "light").await;
    let dark = shots(Some("Adwaita:dark"), "dark").await;
    assert!(light > 200 && dark < 60, "light {light}, dark {dark}");
}
