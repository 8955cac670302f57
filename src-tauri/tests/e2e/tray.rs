//! The tray icon as a user meets it: a system tray on the display (trayer, an XEmbed tray;
//! with no StatusNotifier host on the bus the app's indicator docks there), a right click
//! on the app's icon opens its menu (screenshot artifact `tray-menu.png`), "打开 RongChat"
//! builds the closed window again, and "退出" ends the app.

use crate::dbus::Bus;
use crate::harness::{App, LOG_FILTER, WAIT, app_log, artifacts_dir, running};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Stops the tray with the test, whatever happens.
pub struct Tray(Child);

impl Drop for Tray {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn start_tray() -> Tray {
    // Bottom right, sized to its icons: clear of the app's window at the top left.
    let args = "--edge bottom --align right --widthtype request --height 32 \
                --SetDockType false --transparent false";
    let child = Command::new("trayer")
        .args(args.split_whitespace())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("trayer (scripts/packages/desktop.txt installs it)");
    Tray(child)
}

/// Runs tray_click.py (Debian's python3, where python3-xlib is) and returns its stdout.
fn tray_click(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/tray_click.py");
    let out = Command::new("/usr/bin/python3")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 (with python3-xlib) for tray_click.py");
    assert!(
        out.status.success(),
        "tray_click.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Right-clicks the icon of process `pid` (another program's icon in the same tray, say one
/// a previous test left, is never clicked) and returns the open menu's geometry, with the
/// pids of all docked icons.
pub fn open_menu(pid: u32) -> serde_json::Value {
    let wait = WAIT.as_secs().to_string();
    serde_json::from_str(tray_click(&["open", &wait, &pid.to_string()]).trim())
        .expect("menu geometry")
}

/// The menu's first or last item.
pub enum Item {
    First,
    Last,
}

/// Clicks an item of the open menu: a GTK menu item is a row about 26 px high inside a few
/// pixels of padding, so a point 14 px in from the top or bottom edge is on that row.
pub fn click_item(menu: &serde_json::Value, item: Item) {
    let at = |k: &str| menu[k].as_i64().expect("a number");
    let x = at("x") + at("width") / 2;
    let y = match item {
        Item::First => at("y") + 14,
        Item::Last => at("y") + at("height") - 14,
    };
    tray_click(&["click", &x.to_string(), &y.to_string()]);
}

/// Opens the tray menu and clicks its first item, "打开 RongChat" (the count below it is not
/// selectable), until the app's log (`log`) says the window was built again. A click that
/// lands while the menu is still being laid out (seen under CI load) does nothing, so a
/// lost click is repeated, a bounded number of times. Returns when the click that built the
/// window was made. `screenshot` names the artifact of the first menu opened.
pub async fn open_window_from_menu(pid: u32, log: &Path, screenshot: Option<&str>) -> SystemTime {
    let builds = || {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .matches("window built again")
            .count()
    };
    let builds_before = builds();
    let mut last_menu = String::new();
    for attempt in 0..5 {
        let menu = tokio::task::block_in_place(|| open_menu(pid));
        last_menu = menu.to_string();
        eprintln!("tray menu opened (attempt {attempt}): {last_menu}");
        if let (0, Some(name)) = (attempt, screenshot) {
            screenshot_menu(name, &menu);
        }
        let clicked = SystemTime::now();
        tokio::task::block_in_place(|| click_item(&menu, Item::First));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if builds() > builds_before {
                return clicked;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    panic!(
        "打开 RongChat in the tray menu never built the window again (the last menu: {last_menu}); the app's log ends:\n{}",
        log_tail(log)
    );
}

/// The last lines of the app's log, for a failure message.
pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// The whole screen, cropped to `menu` and a margin, as target/artifacts/<name>.png.
fn screenshot_menu(name: &str, menu: &serde_json::Value) {
    let path = artifacts_dir().join(format!("{name}.png"));
    let at = |k: &str| menu[k].as_i64().expect("a number");
    let crop = format!(
        "{}x{}+{}+{}",
        at("width") + 80,
        at("height") + 80,
        (at("x") - 40).max(0),
        (at("y") - 40).max(0)
    );
    let status = Command::new("import")
        .args(["-window", "root", "-crop", &crop])
        .arg(&path)
        .status()
        .expect("ImageMagick's import");
    assert!(status.success(), "screenshot of the screen");
}

// Multi-threaded: the menu's clicks block (block_in_place).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tray_menu_opens_the_window_and_quits() {
    let bus = Bus::start();
    let _tray = start_tray();
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch(&[
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("DBUS_SESSION_BUS_ADDRESS", &bus.address),
        LOG_FILTER,
    ])
    .await;
    app.wait_js(
        "the list after the catch-up",
        "return window.__rongchat.state.listSynced === true;",
    )
    .await;
    // The menu shows the count once the tray has it (the tooltip is set with it).
    app.wait_badge("an unread total in the tray", |b| {
        b["tray"].as_str().is_some_and(|t| t.contains("unread"))
    })
    .await;

    // A chat open when the window is closed to the tray is open again when it comes back.
    app.open_chat("zhaoyun").await;
    let zhaoyun_open = "return document.getElementById('app').dataset.page === 'chat'
        && window.__rongchat.state.currentKey === 'private:zhaoyun'
        && document.querySelectorAll('#message-list li.message').length > 0;";
    app.wait_js("zhaoyun's chat open", zhaoyun_open).await;

    // Closed to the tray, then opened again from the tray's menu.
    app.close_to_tray().await;
    let log = app_log(&data_dir);
    open_window_from_menu(app.app_pid(), &log, Some("tray-menu")).await;
    assert!(
        app.try_follow_new_window(WAIT).await,
        "the window was built again but its page never got ready; the app's log ends:\n{}",
        log_tail(&log)
    );
    app.wait_badge("the window shown from the tray", |b| {
        b["windowVisible"] == true
    })
    .await;
    app.wait_js(
        "zhaoyun's chat open again in the window built again",
        zhaoyun_open,
    )
    .await;

    // "退出", the menu's last item, ends the app.
    let pid = app.app_pid();
    let menu = open_menu(pid);
    click_item(&menu, Item::Last);
    let deadline = Instant::now() + WAIT;
    while running(pid) {
        assert!(Instant::now() < deadline, "the app still runs after 退出");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await;
}
