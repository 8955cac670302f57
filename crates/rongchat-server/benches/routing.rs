//! Throughput and memory benchmark of the local server, on loopback.
//!
//! 1. Routing: `USERS` connected users each send `PER_USER` private messages to the next
//!    user; a message counts once its PUBACK arrived at the sender and the recipient has
//!    pulled it after the `s_ntf`. Reports messages per second end to end, the store's
//!    `synchronous` level and how many messages each group commit held.
//! 2. Idle memory: the server binary in its own process, `IDLE` idle WebSocket connections;
//!    reports the server's RSS growth per connection (from `/proc/<pid>/status`).
//!
//! Run: `cargo bench -p rongchat-server --bench routing` (release). Sizes can be changed
//! with `BENCH_USERS`, `BENCH_PER_USER` and `BENCH_IDLE`.

use futures_util::{SinkExt, StreamExt};
use prost::Message as _;
use rongchat_proto::frame::{Publish, Query};
use rongchat_proto::{Body, Flags, Frame, Layout, Side, pb};
use rongchat_server::{Config, Server};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo test --benches` passes `--bench`-less args; run only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let users = env_or("BENCH_USERS", 200);
    let per_user = env_or("BENCH_PER_USER", 50);
    runtime.block_on(routing(users, per_user));
    let idle = env_or("BENCH_IDLE", 1000);
    runtime.block_on(idle_memory(idle));
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(addr: SocketAddr, token: &str, platform: &str) -> Ws {
    let url = format!(
        "ws://{addr}/websocket?appId=rongchat-local&token={token}&protocolVer=3&platform={platform}"
    );
    // The server's own read buffer size: tungstenite zeroes the whole buffer (128 KiB by
    // default) before each read, about 6% of this bench's CPU went to it in these simulated clients.
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
        .await
        .expect("connect");
    match ws.next().await {
        Some(Ok(Message::Binary(b))) => {
            let frame = Frame::decode(&b, Side::Server, Layout::V3).expect("connack");
            assert!(matches!(frame.body, Body::ConnAck(ref a) if a.status.code() == 0));
        }
        other => panic!("no connack: {other:?}"),
    }
    ws
}

fn encode(frame: Frame) -> Message {
    Message::Binary(frame.encode().expect("encode").into())
}

async fn routing(users: usize, per_user: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(Config::local(dir.path()))
        .await
        .expect("server");
    let addr = server.local_addr();
    let mut sockets = Vec::with_capacity(users);
    for i in 0..users {
        let id = format!("u{i}");
        let token = server.issue_token(&id, &id).expect("token");
        sockets.push((id, connect(addr, &token, "bench").await));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (me, ws)) in sockets.into_iter().enumerate() {
        let peer = format!("u{}", (i + 1) % users);
        tasks.push(tokio::spawn(user_loop(me, peer, ws, per_user)));
    }
    for t in tasks {
        t.await.expect("user task");
    }
    let elapsed = started.elapsed();
    let total = users * per_user;
    let [(mode, sync), _] = server.store_durability().expect("pragmas");
    let writes = server.writer_stats();
    println!(
        "routing: {users} users, {total} messages (send, PUBACK, s_ntf, pullMsg) in {:.2} s = {:.0} messages/s \
         (journal_mode={mode}, synchronous={sync}; {} commits, {:.1} messages per commit)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        writes.commits,
        writes.messages as f64 / writes.commits.max(1) as f64
    );
    server.shutdown().await;
}

/// Sends `count` messages to `peer` (up to 8 in flight) while pulling its own inbox, until
/// all sends are acknowledged and `count` messages were received.
async fn user_loop(me: String, peer: String, mut ws: Ws, count: usize) {
    const WINDOW: usize = 8;
    let (mut sent, mut acked, mut received) = (0usize, 0usize, 0usize);
    let (mut inbox, mut pull_in_flight, mut pull_wanted) = (0i64, false, false);
    let mut next_id: u16 = 0;
    let content = serde_json::json!({ "content": "benchmark message" }).to_string();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while acked < count || received < count {
        while sent < count && sent - acked < WINDOW {
            next_id = next_id.wrapping_add(1);
            let payload = pb::UpStreamMessage {
                session_id: 3,
                classname: "RC:TxtMsg".into(),
                content: content.clone(),
                ..Default::default()
            }
            .encode_to_vec();
            let frame = Frame::new(
                Flags::QOS1,
                Body::Publish(Publish {
                    date: None,
                    topic: "ppMsgP".into(),
                    target_id: peer.clone(),
                    msg_id: next_id,
                    payload: payload.into(),
                }),
            );
            ws.send(encode(frame)).await.expect("send");
            sent += 1;
        }
        if pull_wanted && !pull_in_flight {
            next_id = next_id.wrapping_add(1);
            let payload = pb::SyncRequestMsg {
                sync_time: inbox,
                ispolling: false,
                is_pull_send: Some(false),
                ..Default::default()
            }
            .encode_to_vec();
            let frame = Frame::with_default_flags(Body::Query(Query {
                topic: "pullMsg".into(),
                target_id: me.clone(),
                msg_id: next_id,
                payload,
            }));
            ws.send(encode(frame)).await.expect("send");
            pull_in_flight = true;
            pull_wanted = false;
        }
        let message = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("benchmark stalled");
        let Some(Ok(Message::Binary(bytes))) = message else {
            panic!("connection lost");
        };
        let frame = Frame::decode(&bytes, Side::Server, Layout::V3).expect("decode");
        match frame.body {
            Body::PubAck(_) => acked += 1,
            Body::Publish(p) if p.topic == "s_ntf" => pull_wanted = true,
            Body::QueryAck(ack) => {
                let page = pb::DownStreamMessages::decode(&ack.payload[..]).expect("page");
                received += page.list.len();
                inbox = page.sync_time;
                pull_in_flight = false;
                if page.finished == Some(false) {
                    pull_wanted = true;
                }
            }
            _ => {}
        }
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

async fn idle_memory(connections: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = env!("CARGO_BIN_EXE_rongchat-server");
    let token = Command::new(exe)
        .args(["token", "--data"])
        .arg(dir.path())
        .args(["--user", "idle"])
        .output()
        .expect("token command");
    let token = String::from_utf8(token.stdout)
        .expect("utf8")
        .trim()
        .to_owned();
    let mut child = Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listening line");
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening http://")
        .expect("listening line")
        .parse()
        .expect("address");
    // Warm up: one connection, so lazily allocated runtime state is not counted.
    let warm = connect(addr, &token, "warm").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kib(child.id());
    let mut sockets = Vec::with_capacity(connections);
    for i in 0..connections {
        sockets.push(connect(addr, &token, &format!("p{i}")).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(child.id());
    println!(
        "idle memory: {connections} connections, server RSS {before} KiB -> {after} KiB = {:.1} KiB per connection",
        (after.saturating_sub(before)) as f64 / connections as f64
    );
    drop(sockets);
    drop(warm);
    let _ = child.kill();
    let _ = child.wait();
}
