//! Side by side against one local server: the official RongCloud Web SDK (headless, via
//! the oracle) sending N texts to another SDK, and our client engine sending the same N
//! texts to another of our clients. Same method on both sides: the sender sends one text
//! at a time, each waiting for its ack; the text starts `bench:<send ms>:<seq>:` and is
//! padded to the same size; the receiver measures send → receive delivery latency.
//!
//! Run: `cargo bench -p rongchat-tests --bench interop_bench`
//! (`RONGCHAT_BENCH_COUNT=N` changes N, default 1000; the oracle is found as the tests
//! find it: `RONGCHAT_ORACLE_DIR`, or a copy under `target/oracle`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rongchat_client::{Client, ConversationId, Event, Outgoing, SendStatus};
use rongchat_tests::TestServer;
use rongchat_tests::ours::{connect_client, next_received, wait_event};
use serde_json::{Value, json};

/// Text size in bytes, as the oracle's `benchSend` default (`size` = 100).
const TEXT_SIZE: usize = 100;
const CONNECT: Duration = Duration::from_secs(30);
/// Bound on one whole side of the benchmark.
const SIDE_LIMIT: Duration = Duration::from_secs(85);

/// One side's figures.
#[derive(Debug, Clone, Copy)]
struct Figures {
    sent: usize,
    received: usize,
    per_second: f64,
    ack_p50_ms: f64,
    ack_p99_ms: f64,
    delivery_p50_ms: f64,
    delivery_p99_ms: f64,
}

fn main() {
    let count: usize = std::env::var("RONGCHAT_BENCH_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let server = TestServer::start().await;
        let sdk = sdk_side(&server, count).await;
        let ours = our_side(&server, count).await;
        let pipelined = our_pipelined(&server, count).await;
        print_report(count, &sdk, &ours, pipelined);
        server.shutdown().await;
    });
}

/// The SDK: a receiver oracle waiting for N, then a sender oracle running `benchSend`.
async fn sdk_side(server: &TestServer, count: usize) -> Figures {
    let wait_ms = SIDE_LIMIT.as_millis() as u64 - 10_000;
    let mut receiver = server.oracle(
        "sdk-rx",
        "sdk-rx",
        &json!([{ "op": "waitMessages", "count": count, "from": "sdk-tx", "timeoutMs": wait_ms }]),
    );
    // The receiver must be online before the first send, or latency includes its start-up.
    let connect = receiver.wait_step("connect", CONNECT).await;
    assert_eq!(
        connect["ok"], true,
        "the SDK receiver did not connect: {connect}"
    );
    let sender = server.oracle(
        "sdk-tx",
        "sdk-tx",
        &json!([{ "op": "benchSend", "to": "sdk-rx", "count": count, "size": TEXT_SIZE }]),
    );
    let (sender, receiver) = tokio::join!(sender.finish(SIDE_LIMIT), receiver.finish(SIDE_LIMIT));
    sender.assert_success();
    receiver.assert_success();
    let send = sender.step("benchSend");
    let wait = receiver.step("waitMessages");
    receiver.ensure(
        wait["distinct"] == count,
        format!(
            "the SDK receiver got {} distinct of {count}",
            wait["distinct"]
        ),
    );
    let num = |v: &Value, key: &str| {
        v[key]
            .as_f64()
            .unwrap_or_else(|| panic!("no number {key} in {v}"))
    };
    Figures {
        sent: num(send, "sent") as usize,
        received: num(wait, "received") as usize,
        per_second: num(send, "perSecond"),
        ack_p50_ms: num(send, "ackMsP50"),
        ack_p99_ms: num(send, "ackMsP99"),
        delivery_p50_ms: num(wait, "latencyMsP50"),
        delivery_p99_ms: num(wait, "latencyMsP99"),
    }
}

/// The oracle's text format: `bench:<send ms>:<seq>:` padded with `x` to the size.
fn bench_text(seq: usize) -> String {
    let head = format!("bench:{}:{seq}:", epoch_ms());
    let pad = TEXT_SIZE.saturating_sub(40);
    format!("{head}{}", "x".repeat(pad))
}

fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

/// The sequence number in a bench text.
fn seq_of(text: &str) -> Option<usize> {
    text.strip_prefix("bench:")?.split(':').nth(1)?.parse().ok()
}

/// Ours: same N, same text, one at a time awaiting each ack; the receiver runs alongside.
async fn our_side(server: &TestServer, count: usize) -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let sender = connect_client(server, "rs-tx", &dir.path().join("tx"), CONNECT).await;
    let receiver = connect_client(server, "rs-rx", &dir.path().join("rx"), CONNECT).await;
    let sent_at: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; count]));
    let receiving = tokio::spawn(receive_all(receiver.clone(), count, sent_at.clone()));

    let (_, mut events) = sender.subscribe().expect("subscribe");
    let to = ConversationId::private("rs-rx");
    let mut acks = Vec::with_capacity(count);
    let start = Instant::now();
    for seq in 0..count {
        let text = bench_text(seq);
        let t = Instant::now();
        sent_at.lock().expect("lock")[seq] = Some(t);
        let queued = sender.send(&to, Outgoing::Text(text)).await.expect("send");
        wait_event(&mut events, "send ack", SIDE_LIMIT, |e| match e {
            Event::MessageUpdated { message } if message.local_id == queued.local_id => {
                assert_ne!(
                    message.status,
                    SendStatus::Failed,
                    "{:?}",
                    message.fail_reason
                );
                (message.status == SendStatus::Sent).then_some(())
            }
            _ => None,
        })
        .await;
        acks.push(t.elapsed());
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut delivery = tokio::time::timeout(SIDE_LIMIT, receiving)
        .await
        .expect("our receiver did not get every message in time")
        .expect("the receiving task");
    let received = delivery.len();
    Figures {
        sent: acks.len(),
        received,
        per_second: acks.len() as f64 / seconds,
        ack_p50_ms: percentile_ms(&mut acks, 0.5),
        ack_p99_ms: percentile_ms(&mut acks, 0.99),
        delivery_p50_ms: percentile_ms(&mut delivery, 0.5),
        delivery_p99_ms: percentile_ms(&mut delivery, 0.99),
    }
}

/// Receives `count` distinct bench texts; each one's latency is from its send instant.
async fn receive_all(
    client: Client,
    count: usize,
    sent_at: Arc<Mutex<Vec<Option<Instant>>>>,
) -> Vec<Duration> {
    let (_, mut events) = client.subscribe().expect("subscribe");
    let mut seen = vec![false; count];
    let mut latencies = Vec::with_capacity(count);
    while latencies.len() < count {
        let message = next_received(&mut events, SIDE_LIMIT).await;
        let arrived = Instant::now();
        let text = match message.parsed() {
            rongchat_proto::content::Content::Text(t) => t.content,
            other => panic!("not a text: {other:?}"),
        };
        let seq = seq_of(&text).unwrap_or_else(|| panic!("not a bench text: {text}"));
        assert!(!seen[seq], "message {seq} delivered twice");
        seen[seq] = true;
        let sent = sent_at.lock().expect("lock")[seq].expect("received before it was sent");
        latencies.push(arrived - sent);
    }
    latencies
}

/// Ours, pipelined (the SDK's oracle has no such mode): queue all N at once, time until
/// the receiver has all of them.
async fn our_pipelined(server: &TestServer, count: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let sender = connect_client(server, "rs-tx2", &dir.path().join("tx"), CONNECT).await;
    let receiver = connect_client(server, "rs-rx2", &dir.path().join("rx"), CONNECT).await;
    let sent_at: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; count]));
    let receiving = tokio::spawn(receive_all(receiver.clone(), count, sent_at.clone()));
    let to = ConversationId::private("rs-rx2");
    let start = Instant::now();
    for seq in 0..count {
        sent_at.lock().expect("lock")[seq] = Some(Instant::now());
        sender
            .send(&to, Outgoing::Text(bench_text(seq)))
            .await
            .expect("send");
    }
    tokio::time::timeout(SIDE_LIMIT, receiving)
        .await
        .expect("our pipelined receiver did not get every message in time")
        .expect("the receiving task");
    count as f64 / start.elapsed().as_secs_f64()
}

fn percentile_ms(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort();
    // The oracle's rule: the element at floor(p * n), clamped.
    let i = ((p * samples.len() as f64) as usize).min(samples.len() - 1);
    samples[i].as_secs_f64() * 1000.0
}

fn print_report(count: usize, sdk: &Figures, ours: &Figures, pipelined: f64) {
    println!(
        "interop_bench: {count} texts of {TEXT_SIZE} bytes, private chat, one local server on \
         127.0.0.1; sender sends one at a time, each awaiting its ack"
    );
    println!(
        "{:<28}{:>8}{:>10}{:>10}{:>10}{:>14}{:>14}",
        "", "recv", "msgs/s", "ack p50", "ack p99", "deliver p50", "deliver p99"
    );
    for (name, f) in [
        ("official SDK -> SDK", sdk),
        ("rongchat-client -> client", ours),
    ] {
        println!(
            "{name:<28}{:>8}{:>10.1}{:>8.2}ms{:>8.2}ms{:>12.2}ms{:>12.2}ms",
            format!("{}/{}", f.received, f.sent),
            f.per_second,
            f.ack_p50_ms,
            f.ack_p99_ms,
            f.delivery_p50_ms,
            f.delivery_p99_ms
        );
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!(
        "{:<28}{:>8}{:>9.2}x{:>9.2}x{:>9.2}x{:>13.2}x{:>13.2}x",
        "ratio ours / SDK",
        "",
        ratio(ours.per_second, sdk.per_second),
        ratio(ours.ack_p50_ms, sdk.ack_p50_ms),
        ratio(ours.ack_p99_ms, sdk.ack_p99_ms),
        ratio(ours.delivery_p50_ms, sdk.delivery_p50_ms),
        ratio(ours.delivery_p99_ms, sdk.delivery_p99_ms),
    );
    println!(
        "(msgs/s: higher is better; latencies: lower is better. SDK latencies are whole ms \
         from Date.now(); ours from Instant, receive = stored in SQLite and announced.)"
    );
    println!(
        "rongchat-client pipelined (all {count} queued at once, until all received): {pipelined:.1} msgs/s"
    );
}
