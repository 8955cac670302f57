//! Figures, not pass/fail (run by `src-tauri/bench.sh`, ignored in the normal test run):
//! cold start to a populated conversation list with 1,000 conversations, and the
//! resident memory of the app and all its processes (WebKit's web and network
//! processes) when idle.

use crate::harness::App;
use crate::peer::Embedded;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

const CONVERSATIONS: usize = 1000;

/// `POST path` with a signed form body to the server's Server API.
fn server_api(base: &str, (app_key, secret): (&str, &str), path: &str, body: &str) {
    let host = base.trim_start_matches("http://");
    static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nonce = format!(
        "bench{}",
        NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis()
        .to_string();
    let signature = rongchat_server::api::sign(secret, &nonce, &timestamp);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nApp-Key: {app_key}\r\nNonce: {nonce}\r\nTimestamp: {timestamp}\r\nSignature: {signature}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(host).expect("connect to the server");
    stream.write_all(request.as_bytes()).expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read");
    assert!(reply.starts_with("HTTP/1.1 200"), "{path}: {reply}");
}

fn form_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Fills the server in `server_dir` with one message from each of 1,000 users.
async fn populate(server_dir: &Path, to: &str) {
    let server = rongchat_server::Server::start(rongchat_server::Config::local(server_dir))
        .await
        .expect("start the server");
    let base = server.http_url();
    let key = server.app_key().to_owned();
    let secret = server.app_secret().to_owned();
    server.issue_token(to, "大乔").expect("token");
    let started = Instant::now();
    let to = to.to_owned();
    tokio::task::spawn_blocking(move || {
        for i in 0..CONVERSATIONS {
            let from = format!("bench{i:04}");
            let content = format!("{{\"content\":\"第 {i} 条消息\"}}");
            let body = format!(
                "fromUserId={from}&toUserId={to}&objectName=RC%3ATxtMsg&content={}",
                form_escape(&content),
                to = form_escape(&to),
            );
            server_api(
                &base,
                (&key, &secret),
                "/message/private/publish.json",
                &body,
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

/// Resident memory (kB) of every process whose executable is `exe`, plus all their
/// descendants, in all and per process name.
fn resident_kb(exe: &Path) -> (u64, Vec<(String, u64)>) {
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
    let mut all = roots.clone();
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
    let each: Vec<(String, u64)> = all
        .iter()
        .map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let field = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .unwrap_or_default()
                    .to_owned()
            };
            (field("Name:"), field("VmRSS:").parse().unwrap_or(0))
        })
        .collect();
    (each.iter().map(|(_, kb)| kb).sum(), each)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run src-tauri/bench.sh"]
async fn bench_start_and_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    populate(&data_dir.join("local-server"), "daqiao").await;
    let pick = dir.path().join("none");
    let env = [
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("RONGCHAT_TEST_PICK", pick.to_str().expect("utf-8")),
    ];

    for run in [
        "cold (first sync of 1,000 conversations)",
        "warm (from the local store)",
    ] {
        let started = Instant::now();
        let app = App::launch(&env).await;
        let ready = started.elapsed();
        app.wait_js(
            "1,000 conversations in the list",
            &format!(
                "return document.querySelectorAll('#conversation-list li.conversation').length >= {CONVERSATIONS};"
            ),
        )
        .await;
        let populated = started.elapsed();
        let _ = Embedded::read(&data_dir).await;
        tokio::time::sleep(Duration::from_secs(5)).await; // idle
        let (kb, each) = resident_kb(&crate::harness::app_binary());
        let parts: Vec<String> = each
            .iter()
            .map(|(name, kb)| format!("{name} {:.1}", *kb as f64 / 1024.0))
            .collect();
        eprintln!(
            "bench: {run}: page ready {:.2} s, list populated {:.2} s; idle RSS {:.1} MiB ({})",
            ready.as_secs_f64(),
            populated.as_secs_f64(),
            kb as f64 / 1024.0,
            parts.join(", ")
        );
        app.screenshot("bench-list").await;
        app.quit().await;
    }
}
