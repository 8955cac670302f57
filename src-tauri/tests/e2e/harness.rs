//! Starts the app under tauri-driver (which starts WebKitWebDriver) and connects a
//! WebDriver client. Ports are found free at run time; everything stops with SIGTERM.

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any single wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(60);

/// Two different ports nobody uses right now, for tauri-driver and WebKitWebDriver.
/// Both are held while the second is picked (so they differ), and bound without
/// SO_REUSEADDR (which std's listener sets): the kernel then skips ports with
/// connections still in TIME_WAIT, which WebKitWebDriver's own bind refuses
/// ("Unable to listen for HTTP server").
fn two_free_ports() -> (u16, u16) {
    let bind = || {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("a socket");
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().expect("an address");
        socket.bind(&any.into()).expect("bind a free port");
        let port = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .expect("a local address")
            .port();
        (socket, port)
    };
    let (first, a) = bind();
    let (second, b) = bind();
    drop((first, second));
    (a, b)
}

/// How many drivers a launch starts before it gives up.
const DRIVER_STARTS: usize = 3;
/// How long one driver has to open a session.
const DRIVER_WAIT: Duration = Duration::from_secs(20);

/// tauri-driver on `port`, its WebKitWebDriver on `native_port`; the app it starts
/// inherits `env`.
fn spawn_driver(port: u16, native_port: u16, env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new("tauri-driver");
    cmd.arg("--port")
        .arg(port.to_string())
        .arg("--native-port")
        .arg(native_port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn()
        .expect("tauri-driver not found: scripts/test.sh installs it into .tools/bin")
}

/// A WebDriver session with the driver on `port`, within [`DRIVER_WAIT`].
async fn session(
    caps: &serde_json::Map<String, serde_json::Value>,
    port: u16,
) -> Result<fantoccini::Client, String> {
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + DRIVER_WAIT;
    loop {
        let attempt = tokio::time::timeout(
            DRIVER_WAIT,
            ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url),
        )
        .await;
        let error = match attempt {
            Ok(Ok(client)) => return Ok(client),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "timed out".to_owned(),
        };
        if Instant::now() >= deadline {
            return Err(error);
        }
        tokio::time::sleep(Duration::from_millis(200)).await; // a poll interval
    }
}

/// Sends SIGTERM (tauri-driver then stops WebKitWebDriver and the app) and waits.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The app's binary: cargo builds it for this test and says where, whatever the target dir.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rongchat"))
}

/// `target/artifacts` of the workspace, for screenshots.
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/artifacts");
    std::fs::create_dir_all(&dir).expect("create target/artifacts");
    dir
}

/// One running app window, driven over WebDriver.
pub struct App {
    pub client: Client,
    driver: Option<Child>,
    /// What the app was started with, for a second launch.
    env: Vec<(String, String)>,
}

impl App {
    /// Starts tauri-driver and the app with `env` set, and waits for the page to be ready.
    /// The host runs in the app's own process unless `env` says `RONGCHAT_ENGINE`: the
    /// suite covers that mode, the split tests (split.rs) and the installed package the
    /// other (the default where `rongchat-engine` is beside the app).
    pub async fn launch(env: &[(&str, &str)]) -> App {
        let mut env = env.to_vec();
        if !env.iter().any(|(k, _)| *k == "RONGCHAT_ENGINE") {
            env.push(("RONGCHAT_ENGINE", "local"));
        }
        App::launch_binary(&app_binary(), &env).await
    }

    /// The same for another build of the app (the installed one).
    pub async fn launch_binary(binary: &Path, env: &[(&str, &str)]) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "the E2E tests need an X display: run them under `xvfb-run -a` (scripts/test.sh does)"
        );
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        // A driver whose port was taken meanwhile never answers: start over on new ports.
        let mut failures = Vec::new();
        let mut started = None;
        for _ in 0..DRIVER_STARTS {
            let (port, native_port) = two_free_ports();
            let mut guard = DriverGuard(Some(spawn_driver(port, native_port, env)));
            match session(&caps, port).await {
                Ok(client) => {
                    started = Some((client, guard.0.take()));
                    break;
                }
                Err(e) => failures.push(e), // the guard stops that driver
            }
        }
        let Some((client, driver)) = started else {
            panic!("cannot start a WebDriver session: {failures:?}");
        };
        let app = App {
            client,
            driver,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        app.wait_for_css("body[data-ready='true']").await;
        app
    }

    /// The app on its embedded default (the demo world) in `data_dir`, with our crates'
    /// debug logs and `extra` set.
    pub async fn launch_demo(data_dir: &Path, extra: &[(&str, &str)]) -> App {
        let mut env = vec![
            (
                "RONGCHAT_DATA_DIR",
                data_dir.to_str().expect("utf-8 temp path"),
            ),
            LOG_FILTER,
        ];
        env.extend_from_slice(extra);
        App::launch(&env).await
    }

    /// The app signed in to a real account from the environment (AppKey, navigation URL,
    /// token) on the server at `navi`, with no embedded server.
    pub async fn launch_account(data_dir: &Path, navi: &str, app_key: &str, token: &str) -> App {
        App::launch(&[
            ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
            ("RONGCHAT_NAVI", navi),
            ("RONGCHAT_APPKEY", app_key),
            ("RONGCHAT_TOKEN", token),
            LOG_FILTER,
        ])
        .await
    }

    /// Opens the chat with `target` from the conversation list (scrolled into view first:
    /// the list draws only the rows in view).
    pub async fn open_chat(&self, target: &str) {
        let item = format!("#conversation-list li.conversation[data-target-id='{target}']");
        self.wait_js(
            &format!("the row of {target}"),
            &format!(
                "window.__rongchat.revealConversation({target:?}); return document.querySelector({item:?}) !== null;"
            ),
        )
        .await;
        self.js(&format!(
            "document.querySelector({item:?}).click(); return true;"
        ))
        .await;
    }

    /// Closes the window and stops the driver, and with it the app. An app the driver leaves
    /// behind (one closed to the tray, or a session close that timed out under load) is
    /// killed: it would stay on the shared display, its tray icon and single instance in
    /// the next tests' way.
    pub async fn quit(mut self) {
        let app = self.find_app_pid();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        if let Some(mut driver) = self.driver.take() {
            terminate(&mut driver);
        }
        if let Some(pid) = app {
            kill_if_left(pid).await;
        }
    }

    /// Waits for an element matching `css` (polled in the page: the views re-render on
    /// every event, so WebDriver element handles can go stale while waiting).
    pub async fn wait_for_css(&self, css: &str) {
        let script = format!("return document.querySelector({css:?}) !== null;");
        let deadline = Instant::now() + WAIT;
        loop {
            if self.js(&script).await == serde_json::Value::Bool(true) {
                return;
            }
            if Instant::now() >= deadline {
                let shot = self.screenshot("failure").await;
                let text = self
                    .client
                    .execute(
                        "const r = window.__rongchat; return [document.body.innerText, r && JSON.stringify({status: r.state.status, conversations: r.state.conversations.size, messages: r.shownMessages})];",
                        vec![],
                    )
                    .await
                    .unwrap_or_default();
                panic!(
                    "no element {css:?} within {WAIT:?}\npage text: {text}\nscreenshot: {}",
                    shot.display()
                )
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A WebDriver handle for a stable element (e.g. the composer).
    pub async fn element(&self, css: &str) -> fantoccini::elements::Element {
        self.wait_for_css(css).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css:?}: {e}"))
    }

    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls a script until it returns true.
    pub async fn wait_js(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.js(script).await == serde_json::Value::Bool(true) {
                return;
            }
            if Instant::now() >= deadline {
                let shot = self.screenshot("failure").await;
                panic!(
                    "timed out waiting for {what}; screenshot: {}",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot of the window, as the screen shows it, to
    /// target/artifacts/<name>.png. Taken from the X server (window_id.py, ImageMagick's
    /// `import`), not by WebDriver: WebKit's snapshot never answers when the page is drawn
    /// without compositing, as the app draws it (shell/rendering.rs).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = artifacts_dir().join(format!("{name}.png"));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/window_id.py");
        let pid = self.app_pid();
        let out = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(pid.to_string())
            .output()
            .expect("python3 (with python3-xlib) for window_id.py");
        let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        // An artifact, not a check: a window not on the screen (closed to the tray) is
        // said, not failed on, so a failure message that wants a screenshot keeps its own.
        if !out.status.success() {
            eprintln!("no screenshot {name}: no window of the app on the screen");
            return path;
        }
        let status = Command::new("import")
            .args(["-window", &id])
            .arg(&path)
            .status()
            .expect("ImageMagick's import");
        if !status.success() {
            eprintln!("no screenshot {name}: import -window {id} failed");
        }
        path
    }
}

/// Gives an app whose driver ended a moment to exit with it, then kills it if it did not.
async fn kill_if_left(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while running(pid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if running(pid) {
        eprintln!("the app (pid {pid}) outlived its driver: killed");
        kill_now(pid);
    }
}

/// SIGKILL; a process already gone is no error.
fn kill_now(pid: u32) {
    let _ = Command::new("kill")
        .arg("-KILL")
        .arg(pid.to_string())
        .status();
}

impl Drop for App {
    /// A test that failed never called `quit`: the app goes too, not only its driver, or
    /// it would stay on the shared display (its tray icon and window confuse the next
    /// test).
    fn drop(&mut self) {
        let app = self.find_app_pid();
        if let Some(mut driver) = self.driver.take() {
            terminate(&mut driver);
        }
        if let Some(pid) = app.filter(|&pid| running(pid)) {
            kill_now(pid);
        }
    }
}

/// A process's descendants now, with their names.
fn descendants(pid: u32) -> Vec<(u32, String)> {
    let mut all = vec![pid];
    let mut found = Vec::new();
    // Parents come before children only by chance in /proc: repeat until nothing new.
    loop {
        let before = all.len();
        for pid in proc_pids() {
            if !all.contains(&pid) && parent_of(pid).is_some_and(|p| all.contains(&p)) {
                all.push(pid);
                let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                found.push((pid, comm.trim().to_owned()));
            }
        }
        if all.len() == before {
            return found;
        }
    }
}

/// Whether a process's name is WebKit's web process (one per page).
pub fn is_web_process(comm: &str) -> bool {
    comm.starts_with("WebKitWebProces")
}

/// Every process's pid now.
fn proc_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .collect()
}

/// Whether a process still runs: neither gone nor ended and waiting to be reaped.
pub fn running(pid: u32) -> bool {
    !is_zombie(pid)
}

/// An ended process its parent has not reaped yet (or one gone altogether).
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| Some(s.rsplit_once(')')?.1.split_whitespace().next()? == "Z"))
        .unwrap_or(true)
}

/// A process's parent.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct DriverGuard(Option<Child>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            terminate(&mut child);
        }
    }
}

/// The app's log file when its data lives in `data_dir` (RONGCHAT_DATA_DIR).
pub fn app_log(data_dir: &Path) -> PathBuf {
    data_dir.join("logs/rongchat.log")
}

/// Asserts that the app's log of a run (in `data_dir`) exists, has lines, and holds none of
/// `tokens` nor anything shaped like a login token of `users` (`<base64 user>.<expiry>.`,
/// which catches tokens the app was issued itself).
pub fn assert_log_has_no_token(data_dir: &Path, tokens: &[&str], users: &[&str]) {
    use base64::Engine;
    let path = app_log(data_dir);
    let log = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the app's log {}: {e}", path.display()));
    assert!(log.lines().count() > 3, "the log has lines: {log}");
    for token in tokens {
        assert!(
            !token.is_empty() && !log.contains(token),
            "a token is in the log"
        );
    }
    for user in users {
        let prefix = format!(
            "{}.",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(user)
        );
        let shaped = log
            .match_indices(&prefix)
            .any(|(i, _)| log[i + prefix.len()..].starts_with(|c: char| c.is_ascii_digit()));
        assert!(!shaped, "a login token of {user} is in the log");
    }
}

/// Debug lines of our own crates, so a leak anywhere in them would show.
pub const LOG_FILTER: (&str, &str) = (
    "RONGCHAT_LOG",
    "info,rongchat_app=debug,rongchat_host=debug,rongchat_client=debug,rongchat_server=debug",
);

impl App {
    /// The app's process: the `rongchat` under tauri-driver's WebKitWebDriver.
    pub fn app_pid(&self) -> u32 {
        self.find_app_pid()
            .expect("the app's process under tauri-driver")
    }

    fn find_app_pid(&self) -> Option<u32> {
        let driver = self.driver.as_ref()?.id();
        let descends = |mut pid: u32| {
            while let Some(p) = parent_of(pid) {
                if p == driver {
                    return true;
                }
                if p <= 1 {
                    return false;
                }
                pid = p;
            }
            false
        };
        proc_pids().into_iter().find(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "rongchat")
                && descends(pid)
        })
    }

    /// The app's descendants now, with their names (`comm`, cut to 15 bytes by the kernel:
    /// "WebKitWebProces", "WebKitNetworkPr").
    pub fn children(&self) -> Vec<(u32, String)> {
        descendants(self.app_pid())
    }

    /// The app's process and all its descendants now (not another app on the display
    /// that runs the same binary).
    pub fn pids(&self) -> Vec<u32> {
        let mut pids = vec![self.app_pid()];
        pids.extend(self.children().into_iter().map(|(pid, _)| pid));
        pids
    }

    /// Closes the window to the tray and waits until its webview is gone with it: no WebKit
    /// web process of the app left, the app still running.
    pub async fn close_to_tray(&self) {
        let pid = self.app_pid();
        self.close_window();
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(!is_zombie(pid), "the app quit when its window closed");
            let children = descendants(pid);
            if !children.iter().any(|(_, name)| is_web_process(name)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "closed to the tray, yet the app keeps a web process: {children:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts the app again as a user would (a second process, same environment): it hands
    /// over to the running one (single instance) and exits.
    pub async fn launch_again(&self) {
        let mut second = Command::new(app_binary());
        second
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null());
        hand_over(second).await;
    }

    /// After the window was built again (tray, second launch, a clicked notification): the
    /// WebDriver session moves to the new window (the old one's handle died with it), and
    /// waits for its page to be ready.
    pub async fn follow_new_window(&self) {
        assert!(
            self.try_follow_new_window(WAIT).await,
            "no ready page in a window built again"
        );
    }

    /// [`App::follow_new_window`] within `within`: whether a ready page was found.
    pub async fn try_follow_new_window(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            for handle in self.client.windows().await.unwrap_or_default() {
                if self.client.switch_to_window(handle).await.is_ok()
                    && self
                        .client
                        .execute("return document.body.dataset.ready === 'true';", vec![])
                        .await
                        .is_ok_and(|ready| ready == serde_json::Value::Bool(true))
                {
                    return true;
                }
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Asks the window to close, as a window manager's close button does (Xvfb has none).
    pub fn close_window(&self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/wm_close.py");
        // Debian's python3, where the python3-xlib package is (not a pyenv on PATH).
        // Polled: on a loaded machine the window can still be on its way to the screen.
        let deadline = Instant::now() + WAIT;
        loop {
            let status = Command::new("/usr/bin/python3")
                .arg(&script)
                .arg(self.app_pid().to_string())
                .status()
                .expect("python3 (with python3-xlib) for wm_close.py");
            if status.success() {
                return;
            }
            assert!(Instant::now() < deadline, "no window of the app to close");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the app shows outside the page (`shell_badge`: unread total, window title and
    /// visibility, tray tooltip).
    pub async fn badge(&self) -> serde_json::Value {
        self.invoke("shell_badge", serde_json::json!({})).await
    }

    /// Runs one of the app's commands from the page, as the UI does; panics on an error.
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> serde_json::Value {
        let out = self
            .client
            .execute_async(
                "const [command, args, done] = arguments;
                 window.__TAURI__.core.invoke(command, args)
                   .then((value) => done({ value }), (e) => done({ error: e }));",
                vec![command.into(), args],
            )
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        assert!(out.get("error").is_none(), "{command}: {out}");
        out["value"].clone()
    }

    /// Polls the badge until `ok` holds.
    pub async fn wait_badge(
        &self,
        what: &str,
        ok: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let badge = self.badge().await;
            if ok(&badge) {
                return badge;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {badge}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Runs a second launch of the app and waits until it has handed over to the running one
/// (single instance) and exited successfully.
pub async fn hand_over(second: Command) {
    let mut second = tokio::process::Command::from(second)
        .kill_on_drop(true)
        .spawn()
        .expect("second launch");
    let status = tokio::time::timeout(WAIT, second.wait())
        .await
        .expect("the second launch did not hand over and exit")
        .expect("wait");
    assert!(status.success(), "second launch: {status}");
}
