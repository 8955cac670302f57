//! The window over the engine (`RONGCHAT_ENGINE=split`): the app's window process starts
//! `rongchat-engine` for its data folder and runs everything through it, the page's
//! commands, events and channels, the picture schemes, the unread total and the file
//! picker, and the engine, with the session, the embedded server and the demo, lives on
//! when the window's process is gone. A second window finds it running.

use crate::harness::{App, LOG_FILTER, WAIT, app_binary, running};
use crate::peer::{Embedded, Peer, Received};
use rongchat_host::ipc::link::Link;
use rongchat_host::ipc::serve;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `rongchat-engine` beside the app: `cargo test --workspace` builds it (the host crate has
/// its own integration test); a lone `cargo test -p rongchat` does not.
pub fn engine_binary() -> PathBuf {
    let engine = app_binary().with_file_name("rongchat-engine");
    assert!(
        engine.exists(),
        "no {}: build it first (cargo build -p rongchat-host --bin rongchat-engine; \
         cargo test --workspace does)",
        engine.display()
    );
    engine
}

/// The engine a window started for `data`, stopped with the test whatever happens.
pub struct Engine {
    pub data: PathBuf,
}

impl Engine {
    pub fn pid(&self) -> Option<u32> {
        let socket = serve::socket_path(&self.data);
        std::fs::read_to_string(serve::pid_path(&socket))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    async fn link(&self) -> Link {
        let (link, _pushes) = Link::connect(&serve::socket_path(&self.data))
            .await
            .expect("the engine answers on its socket");
        link
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // A failed test's temporary folder goes with it: what the engine and the windows
        // logged (one file, both append to it) is the only account of what they did.
        if std::thread::panicking() {
            let path = crate::harness::app_log(&self.data);
            let log = std::fs::read_to_string(&path).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            eprintln!("--- the end of {}:", path.display());
            for line in &lines[lines.len().saturating_sub(80)..] {
                eprintln!("{line}");
            }
        }
        if let Some(pid) = self.pid() {
            let _ = std::process::Command::new("kill")
                .arg(pid.to_string())
                .status();
        }
    }
}

async fn launch(data: &Path, pick: &Path) -> App {
    let engine = engine_binary();
    App::launch(&[
        ("RONGCHAT_DATA_DIR", data.to_str().expect("utf-8 temp path")),
        (
            "RONGCHAT_TEST_PICK",
            pick.to_str().expect("utf-8 temp path"),
        ),
        ("RONGCHAT_ENGINE", "split"),
        ("RONGCHAT_ENGINE_BIN", engine.to_str().expect("utf-8 path")),
        LOG_FILTER,
    ])
    .await
}

fn conv_css(target: &str) -> String {
    format!("#conversation-list li.conversation[data-target-id='{target}']")
}

async fn click(app: &App, css: &str) {
    app.wait_for_css(css).await;
    app.js(&format!(
        "document.querySelector({css:?}).click(); return true;"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_runs_over_the_engine_which_outlives_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("app-data");
    let upload = dir.path().join("split.txt");
    std::fs::write(&upload, b"picked in the window, sent by the engine\n").expect("write");
    let engine = Engine { data: data.clone() };

    // --- 1. The window starts the engine, which signs in to the demo world.
    let app = launch(&data, &upload).await;
    let pid = engine.pid().expect("the engine wrote its pid");
    assert!(running(pid), "the engine runs");
    assert_ne!(pid, app.app_pid(), "the engine is a process of its own");
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).expect("comm");
    assert_eq!(comm.trim(), "rongchat-engine");
    app.wait_js(
        "the demo world's conversations in the list (at least 4)",
        "return document.querySelectorAll('#conversation-list li.conversation').length >= 4;",
    )
    .await;

    // --- 2. Events: a peer's messages reach the list, the badge and the unread total.
    let embedded = Embedded::read(&data).await;
    let me = embedded.user_id.as_str();
    let peer = Peer::connect(&embedded, "splitter", "Splitter").await;
    peer.send_text(me, "hello over the socket").await;
    peer.send_image(me).await;
    let item = conv_css("splitter");
    app.wait_js(
        "the peer's unread badge at 2",
        &format!("const b = document.querySelector(\"{item} .badge\"); return !!b && b.textContent === '2';"),
    )
    .await;
    app.wait_badge("an unread total of at least 2", |b| {
        b["unread"].as_u64().is_some_and(|n| n >= 2)
    })
    .await;

    // --- 3. The schemes: the thumbnail and an avatar come from the engine's process.
    click(&app, &item).await;
    app.wait_js(
        "the image thumbnail to load",
        "const i = document.querySelector('li.kind-image img.thumb'); return !!i && i.complete && i.naturalWidth > 0;",
    )
    .await;
    app.wait_js(
        "an avatar to load",
        "return [...document.querySelectorAll('img.avatar')].some((i) => i.complete && i.naturalWidth > 0);",
    )
    .await;

    // --- 4. Commands and channels: a text, then a picked file with its upload progress.
    app.element("#composer-text")
        .await
        .send_keys("back over the socket")
        .await
        .expect("type");
    click(&app, "#send-button").await;
    peer.wait_for(|m| matches!(m, Received::Text(t) if t == "back over the socket"))
        .await;
    click(&app, "#more-toggle").await;
    click(&app, "#pick-file").await;
    app.wait_for_css("#message-list li.message.sender.kind-file[data-status='sent']")
        .await;
    let got = peer
        .wait_for(|m| matches!(m, Received::File { name, .. } if name == "split.txt"))
        .await;
    let Received::File { bytes, .. } = got else {
        unreachable!()
    };
    assert_eq!(bytes, b"picked in the window, sent by the engine\n");

    // --- 5. The window's process goes; the engine stays signed in and keeps receiving.
    app.quit().await;
    assert!(running(pid), "the engine outlived the window");
    let link = engine.link().await;
    let session = link
        .call("session_get", serde_json::json!({}))
        .await
        .expect("session_get");
    assert_eq!(session["state"]["kind"], "connected", "{session}");
    peer.send_text(me, "while no window was open").await;

    // --- 6. A new window finds the same engine and shows what came meanwhile, even one
    // told to run the host itself (two hosts would share one store).
    let app = App::launch(&[
        ("RONGCHAT_DATA_DIR", data.to_str().expect("utf-8 temp path")),
        ("RONGCHAT_ENGINE", "local"),
        LOG_FILTER,
    ])
    .await;
    assert_eq!(engine.pid(), Some(pid), "no second engine");
    app.wait_js(
        "the message that came with no window open",
        &format!("const p = document.querySelector(\"{item} .conversation-preview\"); return !!p && p.textContent === 'while no window was open';"),
    )
    .await;
    app.quit().await;

    // --- 7. Quitting stops the engine (the tray's 退出 asks it so).
    let _ = link.call("internal_quit", serde_json::json!({})).await;
    let deadline = Instant::now() + WAIT;
    while running(pid) {
        assert!(
            Instant::now() < deadline,
            "the engine did not stop when asked"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        !serve::socket_path(&data).exists(),
        "the engine removed its socket"
    );
}

/// The `rongchat` processes (windows) over `data`, by their environment.
fn windows_over(data: &Path) -> Vec<u32> {
    let want = format!("RONGCHAT_DATA_DIR={}", data.display());
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let is_app = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|c| c.trim() == "rongchat");
        let ours = std::fs::read(format!("/proc/{pid}/environ"))
            .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == want.as_bytes()));
        if is_app && ours && running(pid) {
            pids.push(pid);
        }
    }
    pids
}

async fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_window_the_engine_keeps_the_tray_and_notifies() {
    let bus = crate::dbus::Bus::start();
    let tray = crate::tray_host::TrayHost::start(&bus);
    let notifications = crate::dbus::Recorder::start(&bus);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("app-data");
    let engine = Engine { data: data.clone() };
    let engine_bin = engine_binary();
    let app = App::launch(&[
        ("RONGCHAT_DATA_DIR", data.to_str().expect("utf-8 temp path")),
        ("RONGCHAT_ENGINE", "split"),
        (
            "RONGCHAT_ENGINE_BIN",
            engine_bin.to_str().expect("utf-8 path"),
        ),
        ("RONGCHAT_WINDOW_GRACE_SECS", "1"),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()),
        LOG_FILTER,
    ])
    .await;
    let pid = engine.pid().expect("the engine wrote its pid");
    app.wait_js(
        "the demo world's conversations in the list",
        "return document.querySelectorAll('#conversation-list li.conversation').length >= 4;",
    )
    .await;
    // The engine's tray, not the window's (the window process puts none up), with the
    // window's count (the demo world comes with unread messages).
    let unread = app
        .wait_badge("the demo world's unread messages", |b| {
            b["unread"].as_u64() > Some(0)
        })
        .await["unread"]
        .as_u64()
        .expect("a count");
    let tooltip = |n: u64| format!("RongChat: {n} unread");
    tray.wait_tooltip(&tooltip(unread), WAIT).await;

    // --- 1. The window closes; after its grace period its process ends; the engine stays.
    let window = app.app_pid();
    app.close_window();
    wait_until("the window's process to leave", || !running(window)).await;
    assert!(running(pid), "the engine stays in the tray");
    app.quit().await;

    // --- 2. A message meanwhile: the tray counts it and a notification shows it.
    let embedded = Embedded::read(&data).await;
    let peer = Peer::connect(&embedded, "nightowl", "Night Owl").await;
    peer.send_text(&embedded.user_id, "are you there?").await;
    tray.wait_tooltip(&tooltip(unread + 1), WAIT).await;
    let shown = notifications.wait_for(1, WAIT).await;
    assert_eq!(
        (shown[0].summary.as_str(), shown[0].body.as_str()),
        ("Night Owl", "are you there?")
    );

    // --- 3. Clicking it starts a window with that chat open: it is read, the tray says so.
    assert!(windows_over(&data).is_empty(), "no window before the click");
    notifications.click(shown[0].id);
    wait_until("a window started by the engine", || {
        !windows_over(&data).is_empty()
    })
    .await;
    tray.wait_tooltip(&tooltip(unread), WAIT).await;

    // --- 4. 退出 in the tray ends the engine and the window.
    tray.click_menu("退出");
    wait_until("the engine and its window to quit", || {
        !running(pid) && windows_over(&data).is_empty()
    })
    .await;
}
