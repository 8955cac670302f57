//! Figures, not pass/fail (run by `src-tauri/bench.sh`, ignored in the normal test run):
//! cold start to a populated conversation list with 1,000 conversations, and the
//! resident (RSS) and proportional (PSS) memory of the app and all its processes (WebKit's web and network
//! processes) when idle, with the window shown and closed to the tray (where it and its
//! webview are destroyed); idle PSS and CPU beside WebKitGTK's own floor (its MiniBrowser);
//! and the time from opening the app again from the tray to its list painted.

use crate::harness::App;
use crate::peer::Embedded;
use crate::server_api::ServerApi;
use std::path::Path;
use std::time::{Duration, Instant};

pub const CONVERSATIONS: usize = 1000;

/// Fills the server in `server_dir` with one message from each of 1,000 users
/// (`bench0000` first, so the oldest).
pub async fn populate(server_dir: &Path, to: &str) {
    let server = rongchat_server::Server::start(rongchat_server::Config::local(server_dir))
        .await
        .expect("start the server");
    let api = ServerApi {
        base: server.http_url(),
        app_key: server.app_key().to_owned(),
        secret: server.app_secret().to_owned(),
    };
    server.issue_token(to, "大乔").expect("token");
    let started = Instant::now();
    let to = to.to_owned();
    tokio::task::spawn_blocking(move || {
        for i in 0..CONVERSATIONS {
            let from = format!("bench{i:04}");
            let content = format!("{{\"content\":\"第 {i} 条消息\"}}");
            api.post(
                "/message/private/publish.json",
                &[
                    ("fromUserId", &from),
                    ("toUserId", &to),
                    ("objectName", "RC:TxtMsg"),
                    ("content", &content),
                ],
            );
        }
    })
    .await
    .expect("publish");
    eprintln!(
        "bench: published {CONVERSATIONS} conversations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    server.shutdown().await;
}

/// One process's figures: resident and proportional set size (kB) and CPU time used (ns).
struct Proc {
    name: String,
    rss_kb: u64,
    pss_kb: u64,
    cpu_ns: u64,
}

/// The pids of every process whose executable is `exe`, plus all their descendants.
fn family(exe: &Path) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        parents.push((pid, ppid));
        if std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            == Some(exe)
        {
            roots.push(pid);
        }
    }
    let mut all = roots;
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        for &(pid, ppid) in &parents {
            if ppid == parent && !all.contains(&pid) {
                all.push(pid);
            }
        }
        i += 1;
    }
    all
}

/// The figures of `pids` now (a process gone meanwhile reads as zeros).
fn measure(pids: &[u32]) -> Vec<Proc> {
    let kb_field = |text: &str, name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    pids.iter()
        .map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let rollup =
                std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
            // schedstat's first field: nanoseconds on a CPU, exact (no clock-tick rounding).
            let cpu_ns = std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse().ok())
                .unwrap_or(0);
            Proc {
                name: status
                    .lines()
                    .find_map(|l| l.strip_prefix("Name:"))
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
                rss_kb: kb_field(&status, "VmRSS:"),
                pss_kb: kb_field(&rollup, "Pss:"),
                cpu_ns,
            }
        })
        .collect()
}

fn mib(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

/// "total (name part, ...)" of one memory figure.
fn memory_line(procs: &[Proc], figure: impl Fn(&Proc) -> u64) -> String {
    let parts: Vec<String> = procs
        .iter()
        .map(|p| format!("{} {}", p.name, mib(figure(p))))
        .collect();
    format!(
        "{} MiB ({})",
        mib(procs.iter().map(&figure).sum()),
        parts.join(", ")
    )
}

/// Where one process's PSS goes: the `top` biggest mappings by name (a library's file
/// name, `[heap]`, `anon` for unnamed memory), as "name MiB, ...".
fn pss_by_mapping(pid: u32, top: usize) -> String {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut by_name: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut current = String::new();
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            // A mapping's header: range perms offset dev inode [path].
            let path = fields.nth(4).unwrap_or("anon");
            current = path.rsplit('/').next().unwrap_or(path).to_owned();
        } else if first == "Pss:" {
            let kb: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by_name.entry(current.clone()).or_default() += kb;
        }
    }
    let mut parts: Vec<(String, u64)> = by_name.into_iter().collect();
    parts.sort_by_key(|part| std::cmp::Reverse(part.1));
    parts
        .iter()
        .take(top)
        .map(|(name, kb)| format!("{name} {}", mib(*kb)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// CPU seconds all of `pids` used over `window` while nothing happens.
async fn idle_cpu_seconds(pids: &[u32], window: Duration) -> f64 {
    let total = |procs: Vec<Proc>| procs.iter().map(|p| p.cpu_ns).sum::<u64>();
    let before = total(measure(pids));
    tokio::time::sleep(window).await; // the measurement window itself
    let after = total(measure(pids));
    after.saturating_sub(before) as f64 / 1e9
}

/// WebKitGTK's own browser, shipped with the library the app links.
const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
/// How long idle CPU is measured.
const IDLE_WINDOW: Duration = Duration::from_secs(60);
/// Time for start-up work to settle before an idle figure.
const SETTLE: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run src-tauri/bench.sh"]
async fn bench_idle_memory_and_cpu() {
    // The floor WebKitGTK sets: its MiniBrowser on a blank page, in the same run.
    let mut floor = std::process::Command::new(MINIBROWSER)
        .arg("about:blank")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("WebKitGTK's MiniBrowser (libwebkit2gtk-4.1-0)");
    tokio::time::sleep(SETTLE).await;
    let floor_pids = family(Path::new(MINIBROWSER));
    let floor_procs = measure(&floor_pids);
    let floor_cpu = idle_cpu_seconds(&floor_pids, IDLE_WINDOW).await;
    let _ = floor.kill();
    let _ = floor.wait();
    eprintln!(
        "bench: floor, MiniBrowser on about:blank: PSS {}; idle CPU {floor_cpu:.2} s over {} s",
        memory_line(&floor_procs, |p| p.pss_kb),
        IDLE_WINDOW.as_secs()
    );

    // A private session bus: the second launch finds the first over it (single instance).
    let bus = crate::dbus::Bus::start();
    // A system tray on the display to open the app from (its icon docks there).
    let _tray = crate::tray::start_tray();
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch(&[
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("DBUS_SESSION_BUS_ADDRESS", &bus.address),
    ])
    .await;
    app.wait_js(
        "the demo list after the catch-up",
        "return window.__rongchat.state.listSynced === true;",
    )
    .await;
    for state in ["window shown", "window closed to the tray"] {
        if state != "window shown" {
            app.close_to_tray().await;
        }
        tokio::time::sleep(SETTLE).await;
        let pids = app.pids();
        let procs = measure(&pids);
        let cpu = idle_cpu_seconds(&pids, IDLE_WINDOW).await;
        eprintln!(
            "bench: app, demo world, {state}: PSS {}; RSS {}; idle CPU {cpu:.2} s over {} s",
            memory_line(&procs, |p| p.pss_kb),
            memory_line(&procs, |p| p.rss_kb),
            IDLE_WINDOW.as_secs()
        );
        eprintln!(
            "bench: app, demo world, {state}: the app process's biggest mappings by PSS: {}",
            pss_by_mapping(app.app_pid(), 10)
        );
    }
    // Opened from the tray's menu again and again, then by launching it again: the first
    // reopen is cold (the web process's code and caches not yet in memory again), the rest
    // warm.
    for run in 0..REOPENS {
        if run > 0 {
            app.close_to_tray().await;
            tokio::time::sleep(SETTLE).await;
        }
        let warmth = if run == 0 { "cold" } else { "warm" };
        if run < REOPENS - 2 {
            let reopen = reopen_from_tray_menu(&app, &crate::harness::app_log(&data_dir)).await;
            eprintln!("bench: reopen by the tray's 打开 RongChat ({warmth}, run {run}): {reopen}");
        } else {
            let reopen = reopen_by_second_launch(&app).await;
            eprintln!("bench: reopen by a second launch ({warmth}, run {run}): {reopen}");
        }
    }
    let pids = app.pids();
    eprintln!(
        "bench: app after {REOPENS} reopens, window shown: PSS {}",
        memory_line(&measure(&pids), |p| p.pss_kb)
    );
    app.quit().await;
}

/// How many times the window is opened again (the last two by a second launch).
const REOPENS: usize = 6;

/// When process `pid` started, in ms since the Unix epoch: /proc gives its start in clock
/// ticks since boot (USER_HZ, 100 on Linux) and /proc/uptime the time since boot, to 10 ms.
fn process_start_epoch_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22, counted after the command name's closing parenthesis (field 2).
    let ticks: f64 = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let now = epoch_ms();
    Some(now - (uptime - ticks / 100.0) * 1000.0)
}

/// Milliseconds since the Unix epoch, as the page's `performance.timeOrigin` counts.
fn epoch_ms() -> f64 {
    epoch_ms_at(std::time::SystemTime::now())
}

/// `at` in milliseconds since the Unix epoch.
fn epoch_ms_at(at: std::time::SystemTime) -> f64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Opens the window closed to the tray from the tray icon's menu (right click, then its
/// first item, 打开 RongChat; a click the menu lost is repeated); says when the list was
/// painted, counted from the click that built the window (which includes the click
/// script's start, some tens of ms).
async fn reopen_from_tray_menu(app: &App, log: &Path) -> String {
    let clicked = crate::tray::open_window_from_menu(app.app_pid(), log, None).await;
    let painted = painted(app, epoch_ms_at(clicked), "from the click that built it").await;
    // The app's own part: from its start of the rebuild (the menu event), as logged.
    let built_from = last_rebuild_start_ms(log);
    format!(
        "{}; from the app's menu event: list painted at {:.0} ms",
        painted.text,
        built_from.map_or(f64::NAN, |from| painted.painted_epoch_ms - from)
    )
}

/// `started_ms` of the app's last "window built again" log line.
fn last_rebuild_start_ms(log: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(log).ok()?;
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("window built again"))?;
    let value = line.split("started_ms=").nth(1)?;
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Opens the window closed to the tray by launching the app again (single instance hands
/// over and the window is built again); says when the list was painted, counted from the
/// second launch.
async fn reopen_by_second_launch(app: &App) -> String {
    let started = epoch_ms();
    app.launch_again().await;
    let handed_over = epoch_ms() - started;
    painted(
        app,
        started,
        &format!("it handed over and exited at {handed_over:.0} ms"),
    )
    .await
    .text
}

/// When a new window's list was painted: as text, and as epoch ms.
struct Painted {
    text: String,
    painted_epoch_ms: f64,
}

/// When the new window's list was painted, counted from `started` (epoch ms): the page's
/// own record of the frame after the one that drew its first list (`state.listDrawn`), so
/// the time WebDriver takes to find the new page does not count.
async fn painted(app: &App, started: f64, what: &str) -> Painted {
    app.follow_new_window().await;
    let times = app
        .client
        .execute_async(
            "const done = arguments[0];
             const nav = performance.getEntriesByType('navigation')[0];
             const drawn = () => window.__rongchat && window.__rongchat.state.listDrawn
                 && document.querySelector('#conversation-list li.conversation');
             const painted = () => drawn()
                 ? done({
                       origin: performance.timeOrigin,
                       loaded: nav ? nav.domContentLoadedEventEnd : 0,
                       painted: window.__rongchat.state.listDrawn.at })
                 : requestAnimationFrame(painted);
             painted();",
            vec![],
        )
        .await
        .expect("the list painted");
    let at = |k: &str| times[k].as_f64().unwrap_or(0.0);
    let origin = at("origin") - started;
    let text = format!(
        "list painted at {:.0} ms ({what}; the page's navigation started at {origin:.0} ms, its document loaded at {:.0} ms)",
        origin + at("painted"),
        origin + at("loaded"),
    );
    Painted {
        text,
        painted_epoch_ms: at("origin") + at("painted"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run src-tauri/bench.sh"]
async fn bench_start_and_memory() {
    // One process first (the figures before the split), then the window over the engine,
    // each from a first sync (cold) and again from the local store (warm; the engine
    // stopped between the two, so it starts again too).
    for split in [false, true] {
        start_and_memory(split).await;
    }
}

async fn start_and_memory(split: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    populate(&data_dir.join("local-server"), "daqiao").await;
    let pick = dir.path().join("none");
    let engine_bin = crate::split::engine_binary();
    let mode = if split { "split" } else { "local" };
    let env = [
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("RONGCHAT_TEST_PICK", pick.to_str().expect("utf-8")),
        ("RONGCHAT_ENGINE", mode),
        ("RONGCHAT_ENGINE_BIN", engine_bin.to_str().expect("utf-8")),
    ];
    let engine = crate::split::Engine {
        data: data_dir.clone(),
    };
    let label = if split { "split " } else { "" };

    for run in [
        "cold (first sync of 1,000 conversations)",
        "warm (from the local store)",
    ] {
        let started = Instant::now();
        let app = App::launch(&env).await;
        let ready = started.elapsed();
        // The driver's session costs its own start before the app's; the figure that is the
        // app's own counts from its process's start.
        let process_started = process_start_epoch_ms(app.app_pid());
        app.wait_js(
            "1,000 conversations in the list",
            // The list may be virtualised: all in the page's state, and rows drawn.
            &format!(
                "const drawn = window.__rongchat.state.listDrawn;
                 return drawn !== null && drawn.conversations >= {CONVERSATIONS}
                   && document.querySelector('#conversation-list li.conversation') !== null;"
            ),
        )
        .await;
        let populated = started.elapsed();
        // The page's own record of the frame after the one that drew them: the polling's
        // interval and WebDriver's round trips do not count.
        let drawn_epoch_ms = app
            .js("return performance.timeOrigin + window.__rongchat.state.listDrawn.at;")
            .await
            .as_f64();
        let from_process = process_started
            .zip(drawn_epoch_ms)
            .map(|(at, drawn)| (drawn - at) / 1000.0);
        let _ = Embedded::read(&data_dir).await;
        tokio::time::sleep(SETTLE).await; // idle
        let procs = measure(&app.pids());
        let rows = app
            .js("return document.querySelectorAll('#conversation-list li.conversation').length;")
            .await;
        let from_process = from_process.map_or("unknown".to_owned(), |s| format!("{s:.2} s"));
        eprintln!(
            "bench: {label}{run}: page ready {:.2} s, list populated {:.2} s from the driver's launch (as its polling saw it), {from_process} from the app's process start (the page's own clock; {rows} rows in the DOM); idle PSS {}; RSS {}",
            ready.as_secs_f64(),
            populated.as_secs_f64(),
            memory_line(&procs, |p| p.pss_kb),
            memory_line(&procs, |p| p.rss_kb),
        );
        app.screenshot("bench-list").await;
        app.quit().await;
        // The warm run starts the engine again too.
        if let Some(pid) = engine.pid() {
            let _ = std::process::Command::new("kill")
                .arg(pid.to_string())
                .status();
            let deadline = Instant::now() + crate::harness::WAIT;
            while crate::harness::running(pid) && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run src-tauri/bench.sh"]
async fn bench_big_chat_memory() {
    use crate::big_chat::{PEER, ROWS, STORED};
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    crate::big_chat::prepare(&data_dir).await;
    let app = crate::big_chat::launch(&data_dir).await;
    app.open_chat(PEER).await;
    // Opened (its newest page), then scrolled up until every stored message is loaded.
    for state in ["just opened", "scrolled through all 2,000 messages"] {
        if state != "just opened" {
            let deadline = Instant::now() + Duration::from_secs(300);
            loop {
                let loaded = app
                    .js("const st = window.__rongchat.state; const s = document.getElementById('message-scroll');
                         if (!st.loadingHistory) { s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); }
                         return st.hasMore ? st.messages.length : -1;")
                    .await;
                if loaded.as_i64() == Some(-1) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "history loaded ({loaded} so far)"
                );
                tokio::time::sleep(Duration::from_millis(50)).await; // a poll, not a sync
            }
        }
        app.wait_js(
            "the chat drawn, not loading",
            &format!(
                "return document.querySelector({ROWS:?}) !== null && !window.__rongchat.state.loadingHistory;"
            ),
        )
        .await;
        tokio::time::sleep(SETTLE).await; // idle
        let procs = measure(&app.pids());
        let figures = app
            .js(&format!(
                "return [window.__rongchat.state.messages.length, document.querySelectorAll({ROWS:?}).length,
                         document.getElementsByTagName('*').length];"
            ))
            .await;
        eprintln!(
            "bench: a chat of {STORED} messages, {state}: [loaded, message rows, elements in the DOM] {figures}; idle PSS {}; RSS {}",
            memory_line(&procs, |p| p.pss_kb),
            memory_line(&procs, |p| p.rss_kb),
        );
    }
    app.screenshot("bench-big-chat").await;
    app.quit().await;
}

/// How long the window's process stays after its window closed, in the split bench.
const SPLIT_GRACE_SECS: u64 = 20;
/// Reopens from the engine's tray within the grace period.
const SPLIT_REOPENS: usize = 3;

/// The app with its engine in a process of its own (`RONGCHAT_ENGINE=split`): all processes
/// with the window shown; reopens from the engine's tray while the window's process is still
/// there (within the grace period); the engine alone once the grace period is over (what
/// idles in the tray), with its idle CPU; and a new window's process over the running
/// engine, as the tray starts one after the grace period, to its list painted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run src-tauri/bench.sh"]
async fn bench_split_tray_and_reopen() {
    let bus = crate::dbus::Bus::start();
    let tray = crate::tray_host::TrayHost::start(&bus);
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let engine = crate::split::Engine {
        data: data_dir.clone(),
    };
    let engine_bin = crate::split::engine_binary();
    let grace = SPLIT_GRACE_SECS.to_string();
    let env = [
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()),
        ("RONGCHAT_ENGINE", "split"),
        ("RONGCHAT_ENGINE_BIN", engine_bin.to_str().expect("utf-8")),
        ("RONGCHAT_WINDOW_GRACE_SECS", grace.as_str()),
        crate::harness::LOG_FILTER,
    ];
    let app = App::launch(&env).await;
    app.wait_js(
        "the demo list after the catch-up",
        "return window.__rongchat.state.listSynced === true;",
    )
    .await;
    let engine_pid = engine.pid().expect("the engine's pid");
    tokio::time::sleep(SETTLE).await;
    let procs = measure(&app.pids());
    eprintln!(
        "bench: split, demo world, window shown: PSS {}; RSS {}",
        memory_line(&procs, |p| p.pss_kb),
        memory_line(&procs, |p| p.rss_kb),
    );

    let log = crate::harness::app_log(&data_dir);
    for run in 0..SPLIT_REOPENS {
        app.close_to_tray().await;
        if run == 0 {
            let procs = measure(&app.pids());
            eprintln!(
                "bench: split, demo world, window closed, within the grace period: PSS {}",
                memory_line(&procs, |p| p.pss_kb),
            );
        }
        let warmth = if run == 0 { "cold" } else { "warm" };
        let clicked = epoch_ms();
        tray.click_menu("打开 RongChat");
        let painted = painted(&app, clicked, "from the menu click").await;
        let built_from = last_rebuild_start_ms(&log);
        eprintln!(
            "bench: split, reopen from the engine's tray within the grace period ({warmth}, run {run}): {}; from the app's menu event: list painted at {:.0} ms",
            painted.text,
            built_from.map_or(f64::NAN, |from| painted.painted_epoch_ms - from)
        );
    }

    // The grace period runs out: the window's process leaves, the engine stays.
    let window = app.app_pid();
    app.close_to_tray().await;
    let deadline = Instant::now() + Duration::from_secs(SPLIT_GRACE_SECS) + crate::harness::WAIT;
    while crate::harness::running(window) {
        assert!(
            Instant::now() < deadline,
            "the window's process did not leave"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await;
    tokio::time::sleep(SETTLE).await;
    let procs = measure(&[engine_pid]);
    let cpu = idle_cpu_seconds(&[engine_pid], IDLE_WINDOW).await;
    eprintln!(
        "bench: split, demo world, after the grace period, the engine alone (tray and notifications): PSS {}; RSS {}; idle CPU {cpu:.2} s over {} s",
        memory_line(&procs, |p| p.pss_kb),
        memory_line(&procs, |p| p.rss_kb),
        IDLE_WINDOW.as_secs()
    );

    // A new window's process over the running engine (what the tray starts now).
    let app = App::launch(&env).await;
    let started = process_start_epoch_ms(app.app_pid()).unwrap_or(f64::NAN);
    let painted = painted(&app, started, "from its process start").await;
    eprintln!(
        "bench: split, reopen after the grace period (a new window process over the running engine): {}",
        painted.text
    );
    app.quit().await;
}
