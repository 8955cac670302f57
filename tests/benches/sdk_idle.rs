//! The anchor of the app's idle rows: the official RongCloud Web SDK's page, connected to
//! the local server and idle in headless Chromium (the oracle). Prints the PSS of
//! Chromium's every process (the browser and all its helpers, from
//! `/proc/PID/smaps_rollup`; not the node process that drives it) and their CPU seconds
//! over 60 s with nothing happening.
//!
//! Run: `cargo bench -p rongchat-tests --bench sdk_idle` (scripts/bench-table.sh runs it
//! beside the other benches and puts its figure next to ours).

use std::collections::HashMap;
use std::time::Duration;

use rongchat_tests::{TestServer, bench};
use serde_json::json;

const CONNECT: Duration = Duration::from_secs(30);
/// Time for the page's start-up work to settle before the idle figures.
const SETTLE: Duration = Duration::from_secs(5);
/// How long idle CPU is measured.
const IDLE_WINDOW: Duration = Duration::from_secs(60);

/// One process's figures at one instant.
struct Sample {
    name: String,
    pss_kib: u64,
    cpu_ns: u64,
}

fn main() {
    let runtime = bench::runtime();
    runtime.block_on(async {
        let server = TestServer::start().await;
        // The page stays connected and does nothing for longer than the measurement.
        let idle_ms = (SETTLE + IDLE_WINDOW).as_millis() as u64 + 10_000;
        let mut run = server.oracle(
            "sdk idle",
            "idle-user",
            &json!([{ "op": "sleep", "ms": idle_ms }]),
        );
        let connect = run.wait_step("connect", CONNECT).await;
        assert_eq!(connect["ok"], true, "the SDK did not connect: {connect}");
        let root = run.pid().expect("the oracle is running");

        tokio::time::sleep(SETTLE).await; // a measurement window, not a synchronisation
        // Chromium and its helpers: node only drives the page (it is not part of what a
        // user of the SDK's page runs).
        let pids: Vec<u32> = with_descendants(root)
            .into_iter()
            .filter(|&pid| pid != root)
            .collect();
        let before = sample(&pids);
        tokio::time::sleep(IDLE_WINDOW).await;
        let after = sample(&pids);

        let cpu_ns = |samples: &[Sample]| samples.iter().map(|s| s.cpu_ns).sum::<u64>();
        let idle_cpu_ns = cpu_ns(&after).saturating_sub(cpu_ns(&before));
        let total_pss: u64 = before.iter().map(|s| s.pss_kib).sum();
        let mut by_name: Vec<(String, u64)> = before
            .iter()
            .fold(HashMap::<String, u64>::new(), |mut acc, s| {
                *acc.entry(s.name.clone()).or_default() += s.pss_kib;
                acc
            })
            .into_iter()
            .collect();
        by_name.sort_by_key(|(_, kib)| std::cmp::Reverse(*kib));
        let parts: Vec<String> = by_name
            .iter()
            .map(|(name, kib)| format!("{name} {:.1}", *kib as f64 / 1024.0))
            .collect();
        println!(
            "sdk idle: the official Web SDK's page connected in headless Chromium, {} processes: \
             PSS {:.1} MiB ({}); idle CPU {:.2} s over {} s",
            pids.len(),
            total_pss as f64 / 1024.0,
            parts.join(", "),
            idle_cpu_ns as f64 / 1e9,
            IDLE_WINDOW.as_secs()
        );
        drop(run); // killed on drop
        server.shutdown().await;
    });
}

/// `root` and every process below it, from the parent ids in `/proc/*/stat`.
fn with_descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(ppid) = parent_of(pid) {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut found = vec![root];
    let mut next = 0;
    while let Some(&pid) = found.get(next) {
        found.extend(children.get(&pid).into_iter().flatten().copied());
        next += 1;
    }
    found
}

/// The parent id: the second field after the command name, which may itself hold spaces
/// or parentheses (hence the last `)`).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// Figures of `pids` now; a process gone meanwhile counts as zero.
fn sample(pids: &[u32]) -> Vec<Sample> {
    pids.iter()
        .map(|pid| {
            let read = |file: &str| std::fs::read_to_string(format!("/proc/{pid}/{file}"));
            let pss_kib = bench::rollup_kib(pid, "Pss:").unwrap_or(0);
            // schedstat's first field is exact nanoseconds on a CPU.
            let cpu_ns = read("schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse().ok())
                .unwrap_or(0);
            let name = read("comm")
                .map(|n| n.trim().to_owned())
                .unwrap_or_default();
            Sample {
                name,
                pss_kib,
                cpu_ns,
            }
        })
        .collect()
}
