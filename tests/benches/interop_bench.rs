//! Side by side against one local server: the official RongCloud Web SDK (headless, via
//! the oracle) sending N texts to another SDK, and our client engine sending the same N
//! texts to another of our clients. Same method on both sides: the sender sends one text
//! at a time, each waiting for its ack; the text starts `bench:<send ms>:<seq>:` and is
//! padded to the same size; the receiver measures send → receive delivery latency. The
//! mixed pairs (SDK → ours, ours → SDK) show which end a difference comes from.
//!
//! Run: `cargo bench -p rongchat-tests --bench interop_bench`
//! (`RONGCHAT_BENCH_COUNT=N` changes N, default 1000; `RONGCHAT_BENCH_PAIRS=oo` runs only
//! the pairs named, of `ss,oo,so,os`, as when profiling our side; the oracle is found as
//! the tests find it: `RONGCHAT_ORACLE_DIR`, or a copy under `target/oracle`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rongchat_client::{Client, ConversationId, Event, Outgoing, SendStatus};
use rongchat_tests::ours::{connect_client, next_received, wait_event};
use rongchat_tests::{TestServer, bench};
use serde_json::{Value, json};

/// Text size in bytes, as the oracle's `benchSend` default (`size` = 100).
const TEXT_SIZE: usize = 100;
const CONNECT: Duration = Duration::from_secs(30);
/// Bound on one whole side of the benchmark.
const SIDE_LIMIT: Duration = Duration::from_secs(85);
/// Syncs timed for the disk's own floor.
const FSYNC_SAMPLES: usize = 300;

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
    /// Ours only: from `send` called to `send` answered (stored in the sender's SQLite,
    /// before it goes on the wire), p50.
    stored_p50_ms: Option<f64>,
}

/// Who is at one end.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    /// The official Web SDK in headless Chromium (the oracle).
    Sdk,
    /// Our client engine, in this process.
    Ours,
}

/// Send instants by sequence number, when our client sends (sub-ms precision); `None`
/// when the SDK sends and only the ms in the text are known.
type SentAt = Option<Arc<Mutex<Vec<Option<Instant>>>>>;

fn main() {
    let count = bench::env_or("RONGCHAT_BENCH_COUNT", 1000);
    let pairs = std::env::var("RONGCHAT_BENCH_PAIRS").unwrap_or_else(|_| "ss,oo,so,os".into());
    let wanted: Vec<&str> = pairs.split(',').map(str::trim).collect();
    let runtime = bench::runtime();
    runtime.block_on(async move {
        let server = TestServer::start().await;
        let mut rows = Vec::new();
        for (name, tag, sender, receiver) in [
            ("official SDK -> SDK", "ss", Side::Sdk, Side::Sdk),
            ("rongchat -> rongchat", "oo", Side::Ours, Side::Ours),
            ("official SDK -> rongchat", "so", Side::Sdk, Side::Ours),
            ("rongchat -> official SDK", "os", Side::Ours, Side::Sdk),
        ] {
            if wanted.contains(&tag) {
                rows.push((name, run_pair(&server, tag, sender, receiver, count).await));
            }
        }
        let pipelined = our_pipelined(&server, count).await;
        let fsync_ms = fsync_p50_ms(server.data_dir(), FSYNC_SAMPLES);
        print_report(count, &rows, pipelined, fsync_ms);
        server.shutdown().await;
    });
}

/// A receiver that is online and counting.
enum Receiver {
    Sdk(Box<rongchat_tests::OracleRun>),
    Ours(tokio::task::JoinHandle<Vec<Duration>>, Client),
}

/// `count` texts from `sender` to `receiver` (users `<tag>-tx`, `<tag>-rx`).
async fn run_pair(
    server: &TestServer,
    tag: &str,
    sender: Side,
    receiver: Side,
    count: usize,
) -> Figures {
    let (tx, rx) = (format!("{tag}-tx"), format!("{tag}-rx"));
    let dir = tempfile::tempdir().expect("temp dir");
    let sent_at: SentAt = (sender == Side::Ours).then(|| Arc::new(Mutex::new(vec![None; count])));
    // The receiver is online before the first send, so latency is not its start-up.
    let online = match receiver {
        Side::Sdk => {
            let wait_ms = SIDE_LIMIT.as_millis() as u64 - 10_000;
            let mut run = server.oracle(
                &rx,
                &rx,
                &json!([{ "op": "waitMessages", "count": count, "from": tx, "timeoutMs": wait_ms }]),
            );
            let connect = run.wait_step("connect", CONNECT).await;
            assert_eq!(
                connect["ok"], true,
                "the SDK receiver did not connect: {connect}"
            );
            Receiver::Sdk(Box::new(run))
        }
        Side::Ours => {
            let client = connect_client(server, &rx, &dir.path().join("rx"), CONNECT).await;
            let task = tokio::spawn(receive_all(client.clone(), count, sent_at.clone()));
            Receiver::Ours(task, client)
        }
    };
    let (sent, per_second, ack_p50_ms, ack_p99_ms, stored_p50_ms) = match sender {
        Side::Sdk => {
            let run = server.oracle(
                &tx,
                &tx,
                &json!([{ "op": "benchSend", "to": rx, "count": count, "size": TEXT_SIZE }]),
            );
            let report = run.finish(SIDE_LIMIT).await;
            report.assert_success();
            let send = report.step("benchSend");
            (
                num(send, "sent") as usize,
                num(send, "perSecond"),
                num(send, "ackMsP50"),
                num(send, "ackMsP99"),
                None,
            )
        }
        Side::Ours => {
            let client = connect_client(server, &tx, &dir.path().join("tx"), CONNECT).await;
            let registry = sent_at.clone().unwrap_or_default();
            let mut sent = send_one_by_one(&client, &rx, count, &registry).await;
            (
                sent.acks.len(),
                sent.acks.len() as f64 / sent.seconds,
                percentile_ms(&mut sent.acks, 0.5),
                percentile_ms(&mut sent.acks, 0.99),
                Some(percentile_ms(&mut sent.stored, 0.5)),
            )
        }
    };
    let (received, delivery_p50_ms, delivery_p99_ms) = match online {
        Receiver::Sdk(run) => {
            let report = run.finish(SIDE_LIMIT).await;
            report.assert_success();
            let wait = report.step("waitMessages");
            report.ensure(
                wait["distinct"] == count,
                format!(
                    "the SDK receiver got {} distinct of {count}",
                    wait["distinct"]
                ),
            );
            (
                num(wait, "received") as usize,
                num(wait, "latencyMsP50"),
                num(wait, "latencyMsP99"),
            )
        }
        Receiver::Ours(task, _client) => {
            let mut delivery = tokio::time::timeout(SIDE_LIMIT, task)
                .await
                .expect("our receiver did not get every message in time")
                .expect("the receiving task");
            (
                delivery.len(),
                percentile_ms(&mut delivery, 0.5),
                percentile_ms(&mut delivery, 0.99),
            )
        }
    };
    Figures {
        sent,
        received,
        per_second,
        ack_p50_ms,
        ack_p99_ms,
        delivery_p50_ms,
        delivery_p99_ms,
        stored_p50_ms,
    }
}

#[track_caller]
fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number {key} in {v}"))
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

/// The send ms and sequence number in a bench text.
fn parse_bench(text: &str) -> Option<(u128, usize)> {
    let mut parts = text.strip_prefix("bench:")?.split(':');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// What [`send_one_by_one`] measured.
struct OneByOne {
    /// From `send` called to the ack (the message's Sent event), each.
    acks: Vec<Duration>,
    /// From `send` called to `send` answered (stored, not yet on the wire), each.
    stored: Vec<Duration>,
    seconds: f64,
}

/// Sends `count` bench texts to `to`, one at a time, each awaiting its ack, as the
/// oracle's `benchSend` does.
async fn send_one_by_one(
    sender: &Client,
    to: &str,
    count: usize,
    sent_at: &Mutex<Vec<Option<Instant>>>,
) -> OneByOne {
    let (_, mut events) = sender.subscribe().expect("subscribe");
    let to = ConversationId::private(to);
    let mut acks = Vec::with_capacity(count);
    let mut stored = Vec::with_capacity(count);
    let start = Instant::now();
    for seq in 0..count {
        let text = bench_text(seq);
        let t = Instant::now();
        if let Some(slot) = sent_at.lock().expect("lock").get_mut(seq) {
            *slot = Some(t);
        }
        let queued = sender.send(&to, Outgoing::Text(text)).await.expect("send");
        stored.push(t.elapsed());
        wait_event(&mut events, "send ack", SIDE_LIMIT, |e| match e {
            Event::MessageUpdated { message } if message.local_id == queued.local_id => {
                assert_ne!(message.status, SendStatus::Failed, "{:?}", message.failure);
                (message.status == SendStatus::Sent).then_some(())
            }
            _ => None,
        })
        .await;
        acks.push(t.elapsed());
    }
    OneByOne {
        acks,
        stored,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// The p50 of one `fdatasync` of a 4 KiB append in `dir`: what any durable ack on this
/// disk costs at least (the server syncs its WAL before each PUBACK). The file goes with
/// the temp dir.
fn fsync_p50_ms(dir: &std::path::Path, syncs: usize) -> f64 {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path).expect("fsync probe file");
    let page = [0u8; 4096];
    let mut samples: Vec<Duration> = (0..syncs)
        .map(|_| {
            file.write_all(&page).expect("fsync probe write");
            let t = Instant::now();
            file.sync_data().expect("fsync probe sync");
            t.elapsed()
        })
        .collect();
    percentile_ms(&mut samples, 0.5)
}

/// Receives `count` distinct bench texts. Latency is from the send instant when our
/// client sent (`sent_at`), else from the ms in the text, as the oracle measures.
async fn receive_all(client: Client, count: usize, sent_at: SentAt) -> Vec<Duration> {
    let (_, mut events) = client.subscribe().expect("subscribe");
    let mut seen = vec![false; count];
    let mut latencies = Vec::with_capacity(count);
    while latencies.len() < count {
        let message = next_received(&mut events, SIDE_LIMIT).await;
        let arrived = Instant::now();
        let arrived_ms = epoch_ms();
        let text = match message.parsed() {
            rongchat_proto::content::Content::Text(t) => t.content,
            other => panic!("not a text: {other:?}"),
        };
        let (sent_ms, seq) =
            parse_bench(&text).unwrap_or_else(|| panic!("not a bench text: {text}"));
        assert!(
            seq < count && !seen[seq],
            "message {seq} unexpected or delivered twice"
        );
        seen[seq] = true;
        latencies.push(match &sent_at {
            Some(registry) => {
                let sent =
                    registry.lock().expect("lock")[seq].expect("received before it was sent");
                arrived - sent
            }
            None => Duration::from_millis(arrived_ms.saturating_sub(sent_ms) as u64),
        });
    }
    latencies
}

/// Ours, pipelined (the SDK's oracle has no such mode): queue all N at once, time until
/// the receiver has all of them.
async fn our_pipelined(server: &TestServer, count: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let sender = connect_client(server, "pp-tx", &dir.path().join("tx"), CONNECT).await;
    let receiver = connect_client(server, "pp-rx", &dir.path().join("rx"), CONNECT).await;
    let sent_at = Arc::new(Mutex::new(vec![None; count]));
    let receiving = tokio::spawn(receive_all(receiver.clone(), count, Some(sent_at.clone())));
    let to = ConversationId::private("pp-rx");
    let start = Instant::now();
    // All queued at once, as the app's send commands run: none waits for the one before
    // (each send is answered once stored, so awaiting each in turn would store them one
    // transaction at a time).
    let mut sending = tokio::task::JoinSet::new();
    for seq in 0..count {
        let (sender, to, sent_at) = (sender.clone(), to.clone(), sent_at.clone());
        sending.spawn(async move {
            sent_at.lock().expect("lock")[seq] = Some(Instant::now());
            sender
                .send(&to, Outgoing::Text(bench_text(seq)))
                .await
                .expect("send");
        });
    }
    while let Some(sent) = sending.join_next().await {
        sent.expect("a send task");
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

fn print_report(count: usize, rows: &[(&str, Figures)], pipelined: f64, fsync_ms: f64) {
    println!(
        "interop_bench: {count} texts of {TEXT_SIZE} bytes, private chat, one local server on \
         127.0.0.1; the sender sends one at a time, each awaiting its ack"
    );
    println!(
        "{:<28}{:>11}{:>10}{:>10}{:>10}{:>14}{:>14}",
        "sender -> receiver",
        "recv/sent",
        "msgs/s",
        "ack p50",
        "ack p99",
        "deliver p50",
        "deliver p99"
    );
    for (name, f) in rows {
        println!(
            "{name:<28}{:>11}{:>10.1}{:>8.2}ms{:>8.2}ms{:>12.2}ms{:>12.2}ms",
            format!("{}/{}", f.received, f.sent),
            f.per_second,
            f.ack_p50_ms,
            f.ack_p99_ms,
            f.delivery_p50_ms,
            f.delivery_p99_ms
        );
    }
    let row = |name: &str| rows.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
    if let (Some(sdk), Some(ours)) = (row("official SDK -> SDK"), row("rongchat -> rongchat")) {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        println!(
            "{:<28}{:>11}{:>9.2}x{:>9.2}x{:>9.2}x{:>13.2}x{:>13.2}x",
            "ratio rongchat / SDK",
            "",
            ratio(ours.per_second, sdk.per_second),
            ratio(ours.ack_p50_ms, sdk.ack_p50_ms),
            ratio(ours.ack_p99_ms, sdk.ack_p99_ms),
            ratio(ours.delivery_p50_ms, sdk.delivery_p50_ms),
            ratio(ours.delivery_p99_ms, sdk.delivery_p99_ms),
        );
    }
    println!(
        "(ratio row: rongchat -> rongchat over SDK -> SDK; msgs/s higher is better, latencies \
         lower is better. Latency is send -> receiver event; measured in whole ms from the \
         text when the SDK sends or receives, from Instant when ours do both. Our receive \
         event comes after the message is stored in SQLite.)"
    );
    if let Some(stored) = row("rongchat -> rongchat").and_then(|f| f.stored_p50_ms) {
        println!(
            "rongchat -> rongchat send answered (stored in the sender's SQLite, before the \
             wire): {stored:.2} ms p50"
        );
    }
    println!(
        "the server's disk: one fdatasync of a 4 KiB append, p50 {fsync_ms:.3} ms \
         ({FSYNC_SAMPLES} syncs; a durable ack waits for at least one)"
    );
    println!(
        "rongchat pipelined (all {count} queued at once, until all received): {pipelined:.1} msgs/s"
    );
}
