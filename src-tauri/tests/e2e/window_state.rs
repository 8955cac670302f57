//! The window's size is kept across launches: saved when the window closes to the tray
//! (not only at a clean exit, which a kill or a session logout never reaches) and restored
//! at the next launch.

use crate::harness::{App, WAIT};
use std::path::Path;
use std::time::Instant;

const WIDTH: u32 = 820;
const HEIGHT: u32 = 600;

async fn inner_size(app: &App) -> (u64, u64) {
    let size = app
        .js("return [window.innerWidth, window.innerHeight];")
        .await;
    (size[0].as_u64().unwrap_or(0), size[1].as_u64().unwrap_or(0))
}

fn saved_state(config_home: &Path) -> Option<serde_json::Value> {
    let text =
        std::fs::read_to_string(config_home.join("dev.rongchat.client/.window-state.json")).ok()?;
    serde_json::from_str(&text).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_keeps_its_size_across_launches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let config_home = dir.path().join("config");
    let env = [
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("XDG_CONFIG_HOME", config_home.to_str().expect("utf-8")),
    ];
    let app = App::launch(&env).await;
    let first = inner_size(&app).await;
    app.client
        .set_window_size(WIDTH, HEIGHT)
        .await
        .expect("resize the window");
    app.wait_js(
        "the resized window",
        &format!(
            "return window.innerWidth !== {} && window.innerWidth > 0;",
            first.0
        ),
    )
    .await;
    let resized = inner_size(&app).await;
    assert_ne!(resized, first, "the window did not resize");

    // Closing to the tray writes the state at once.
    app.close_window();
    let deadline = Instant::now() + WAIT;
    let saved = loop {
        if let Some(state) = saved_state(&config_home) {
            break state;
        }
        assert!(
            Instant::now() < deadline,
            "no window state after closing to the tray"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(saved["main"]["width"].as_u64(), Some(resized.0), "{saved}");
    // Killed, not quit: nothing more is saved on the way out.
    app.quit().await;

    let again = App::launch(&env).await;
    let restored = inner_size(&again).await;
    eprintln!("window state: first {first:?}, resized {resized:?}, after relaunch {restored:?}");
    assert_eq!(restored, resized);
    again.quit().await;
}
