//! Client figures against the real local server, printed as plain lines: sequential
//! send-and-ack (msgs/s, ack p50/p99), delivery round trip p50/p99, sustained throughput
//! (all queued at once), and the local history page latency with 100,000 messages stored.
//! Run: `cargo bench -p rongchat-client --bench client_bench` (`-- --quick` for fewer
//! messages, `-- --send` for the send cases only).

mod common;

use common::{Fill, ms, percentile};
use rongchat_client::store::Store;
use rongchat_client::{Client, ClientConfig, ConversationId, Event, Outgoing, SendStatus};
use rongchat_server::{Config, Server};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

const TIMEOUT: Duration = Duration::from_secs(60);

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing we need.
    let quick = std::env::args().any(|a| a == "--quick");
    let send_only = std::env::args().any(|a| a == "--send");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = Server::start(Config::local(dir.path().join("server")))
            .await
            .expect("server");
        let alice = connect(&server, dir.path(), "alice").await;
        let bob = connect(&server, dir.path(), "bob").await;
        send_and_ack(&alice, if quick { 100 } else { 1000 }).await;
        round_trip(&alice, &bob, if quick { 50 } else { 500 }).await;
        let before = server.writer_stats();
        throughput(&alice, &bob, if quick { 500 } else { 5000 }).await;
        let after = server.writer_stats();
        println!(
            "  server writer during it: {} messages in {} commits",
            after.messages - before.messages,
            after.commits - before.commits
        );
        server.shutdown().await;
    });
    if !send_only {
        history_page(if quick { 10_000 } else { 100_000 });
    }
}

async fn connect(server: &Server, dir: &std::path::Path, user: &str) -> Client {
    let token = server.issue_token(user, user).expect("token");
    let config = ClientConfig::new(server.http_url(), server.app_key(), token, dir.join(user));
    let client = Client::open(config).expect("open");
    client.connect_and_wait(TIMEOUT).await.expect("connect");
    client
}

async fn next_received(events: &mut broadcast::Receiver<Event>) -> rongchat_client::Message {
    loop {
        match tokio::time::timeout(TIMEOUT, events.recv()).await {
            Ok(Ok(Event::MessageReceived { message })) => return message,
            Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
            other => panic!("no message: {other:?}"),
        }
    }
}

/// Send one, wait for its ack (the sender's row is *sent*); repeat.
async fn send_and_ack(alice: &Client, count: usize) {
    let to_carol = ConversationId::private("carol");
    let (_, mut events) = alice.subscribe().expect("subscribe");
    let mut samples = Vec::with_capacity(count);
    let start = Instant::now();
    for i in 0..count {
        let sent = Instant::now();
        let queued = alice
            .send(&to_carol, Outgoing::Text(format!("ack{i}")))
            .await
            .expect("send");
        loop {
            match tokio::time::timeout(TIMEOUT, events.recv()).await {
                Ok(Ok(Event::MessageUpdated { message }))
                    if message.local_id == queued.local_id
                        && message.status == SendStatus::Sent =>
                {
                    break;
                }
                Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                other => panic!("no ack: {other:?}"),
            }
        }
        samples.push(sent.elapsed());
    }
    let total = start.elapsed();
    samples.sort();
    println!(
        "sequential send-and-ack ({count} msgs): {:.0} msgs/s, ack p50 {:.3} ms, p99 {:.3} ms",
        count as f64 / total.as_secs_f64(),
        ms(percentile(&samples, 50)),
        ms(percentile(&samples, 99))
    );
}

/// Send one, wait until the receiver has stored it; repeat.
async fn round_trip(alice: &Client, bob: &Client, count: usize) {
    let to_bob = ConversationId::private("bob");
    let (_, mut events) = bob.subscribe().expect("subscribe");
    let mut samples = Vec::with_capacity(count);
    for i in 0..count {
        let start = Instant::now();
        alice
            .send(&to_bob, Outgoing::Text(format!("rt{i}")))
            .await
            .expect("send");
        next_received(&mut events).await;
        samples.push(start.elapsed());
    }
    samples.sort();
    println!(
        "delivery round trip (send -> stored at receiver, {count} msgs): p50 {:.2} ms, p99 {:.2} ms",
        ms(percentile(&samples, 50)),
        ms(percentile(&samples, 99))
    );
}

/// Queue `count` at once (concurrent sends); time until the receiver has them all and the sender has all acks.
async fn throughput(alice: &Client, bob: &Client, count: usize) {
    let to_bob = ConversationId::private("bob");
    // Count at the receiver's store (events may lag under a burst; the store does not).
    let from_alice = ConversationId::private("alice");
    let before = bob
        .conversation(&from_alice)
        .expect("conversation")
        .map(|c| c.unread)
        .unwrap_or(0);
    let start = Instant::now();
    // All at once, as the app's send commands run: none waits for the one before.
    let sends = (0..count).map(|i| alice.send(&to_bob, Outgoing::Text(format!("tp{i}"))));
    futures_util::future::try_join_all(sends)
        .await
        .expect("send");
    let queued = start.elapsed();
    let deadline = Instant::now() + TIMEOUT;
    let mut acked = None;
    // Polled each millisecond, not on every event: the counting reads take the stores'
    // locks, and once per event under a burst they were a tenth of the CPU.
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    loop {
        tick.tick().await;
        let unread = bob
            .conversation(&from_alice)
            .expect("conversation")
            .map(|c| c.unread)
            .unwrap_or(0);
        let pending = alice.pending_sends().expect("outbox");
        if pending == 0 && acked.is_none() {
            acked = Some(start.elapsed());
        }
        if unread - before >= count as i64 && pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "stalled at {} received; sender has {} queued, status {:?} / {:?}; bob stores {}",
            unread - before,
            alice.pending_sends().expect("outbox"),
            alice.status(),
            bob.status(),
            bob.conversation(&from_alice)
                .expect("c")
                .map(|c| c.unread)
                .unwrap_or(0)
        );
    }
    let total = start.elapsed();
    let acked = acked.unwrap_or(total);
    println!(
        "sustained throughput ({count} msgs queued in {:.0} ms, all acked in {:.0} ms = {:.0} msgs/s): \
         {:.0} msgs/s end to end ({:.2} s)",
        ms(queued),
        ms(acked),
        count as f64 / acked.as_secs_f64(),
        count as f64 / total.as_secs_f64(),
        total.as_secs_f64()
    );
}

/// Local history page (20) with `stored` messages in the store.
fn history_page(stored: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("bench.sqlite3")).expect("store");
    let peers = ["bob", "carol", "dave", "erin"];
    let filled = common::fill(&mut store, stored, 1, |n| {
        let peer = peers[n % peers.len()];
        Fill {
            peer: peer.into(),
            object_name: "RC:TxtMsg".into(),
            content: format!(r#"{{"content":"message number {n}"}}"#),
        }
    });
    let bob = ConversationId::private("bob");
    let newest = store.history(&bob, None, 1).expect("history");
    let mut samples = Vec::new();
    let mut before = newest.last().map(|m| (m.sent_time, m.local_id));
    for _ in 0..1000 {
        let start = Instant::now();
        let page = store.history(&bob, before, 20).expect("history");
        samples.push(start.elapsed());
        before = page
            .first()
            .map(|m| (m.sent_time, m.local_id))
            .filter(|_| page.len() == 20)
            .or_else(|| newest.last().map(|m| (m.sent_time, m.local_id)));
    }
    samples.sort();
    println!(
        "local history page of 20 with {stored} stored (filled in {:.1} s): p50 {:.3} ms, p99 {:.3} ms",
        filled.as_secs_f64(),
        ms(percentile(&samples, 50)),
        ms(percentile(&samples, 99))
    );
}
