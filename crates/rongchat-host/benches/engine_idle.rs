//! The engine process alone (`rongchat-engine`, release): signed in to the embedded
//! demo world, then idle with no shell connected, as it would sit in the tray once the
//! window is a process of its own. Prints its PSS and RSS (`/proc/PID/smaps_rollup`) and
//! the CPU seconds it uses over a minute of nothing (`/proc/PID/schedstat`).
//! Run: `cargo bench -p rongchat-host --bench engine_idle`.

use rongchat_host::ipc::link::{Link, Push};
use rongchat_tests::bench::{measuring, rollup_kib, runtime};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::time::timeout;

/// How long a start and a sign-in may take.
const START: Duration = Duration::from_secs(120);
/// Time for start-up work to settle before the figures.
const SETTLE: Duration = Duration::from_secs(5);
/// How long idle CPU is measured.
const IDLE_WINDOW: Duration = Duration::from_secs(60);

/// CPU nanoseconds `pid` has run (the first field of its schedstat).
fn cpu_ns(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    if !measuring() {
        return;
    }
    runtime().block_on(async {
        let data = tempfile::tempdir().expect("a temp dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rongchat-engine"))
            .env("RONGCHAT_DATA_DIR", data.path())
            .env_remove("RONGCHAT_ENGINE_SOCKET")
            .env("RONGCHAT_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the engine starts");
        let pid = child.id().expect("its pid");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let ready = timeout(START, lines.next_line())
            .await
            .expect("ready in time");
        let line = ready.expect("stdout").expect("a ready line");
        let socket = PathBuf::from(line.strip_prefix("ready ").expect("ready <socket>"));

        // Signed in and caught up, then the shell goes away (the window closed).
        let (link, mut pushes) = Link::connect(&socket).await.expect("connects");
        let status = link
            .call("session_get", serde_json::json!({}))
            .await
            .expect("status");
        if status["synced"] != true {
            timeout(START, async {
                while let Some(push) = pushes.recv().await {
                    if let Push::Event { name, payload } = push
                        && name == "session-status"
                        && payload["synced"] == true
                    {
                        return;
                    }
                }
                panic!("the engine went away");
            })
            .await
            .expect("synced in time");
        }
        drop((link, pushes));
        tokio::time::sleep(SETTLE).await; // settling, not synchronisation

        let pss = rollup_kib(pid, "Pss:").expect("the engine's PSS") as f64 / 1024.0;
        let rss = rollup_kib(pid, "Rss:").expect("the engine's RSS") as f64 / 1024.0;
        let before = cpu_ns(pid);
        tokio::time::sleep(IDLE_WINDOW).await; // the measurement window itself
        let cpu = cpu_ns(pid).saturating_sub(before) as f64 / 1e9;
        println!(
            "engine idle: demo world, signed in, no shell connected: PSS {pss:.1} MiB \
             (RSS {rss:.1} MiB), idle CPU {cpu:.2} s over {} s",
            IDLE_WINDOW.as_secs()
        );
        let _ = child.kill().await;
    });
}
