//! Peers that stop reading: they hold a bounded amount of server memory and are dropped
//! after the write timeout; one user holds a bounded number of connections; a well-behaved
//! client is served throughout.

use super::process::{ServerProcess, token};
use super::replies::big_message;
use crate::support::{Client, Fixture};
use prost::Message as _;
use rongchat_proto::frame::Query;
use rongchat_proto::{Body, Frame, pb};
use std::time::{Duration, Instant};

const STALLED: usize = 8;
const QUERIES: usize = 20;
/// The child server's write timeout.
const WRITE_TIMEOUT_SECS: u64 = 1;

async fn connect(addr: std::net::SocketAddr, token: &str, platform: &str) -> Client {
    Client::connect(addr, token, &format!("platform={platform}"), 3)
        .await
        .0
}

/// Sends frames without reading anything back.
async fn pull_without_reading(c: &mut Client) {
    for _ in 0..QUERIES {
        let msg_id = c.next_id();
        let payload = pb::SyncRequestMsg {
            sync_time: 0,
            is_pull_send: Some(true),
            send_box_sync_time: Some(0),
            ..Default::default()
        }
        .encode_to_vec();
        c.try_send(Frame::with_default_flags(Body::Query(Query {
            topic: "pullMsg".into(),
            target_id: String::new(),
            msg_id,
            payload,
        })))
        .await;
    }
}

/// Samples the server's RSS for `span`; the largest seen.
async fn peak_rss(server: &ServerProcess, span: Duration) -> u64 {
    let end = Instant::now() + span;
    let mut peak = server.rss();
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(50)).await;
        peak = peak.max(server.rss());
    }
    peak
}

/// The well-behaved pair: alice's text reaches carol.
async fn still_served(alice: &mut Client, carol: &mut Client, text: &str) {
    alice.send_text("carol", text).await;
    carol.expect_publish("s_ntf").await;
}

#[tokio::test]
async fn stalled_readers_hold_bounded_memory_and_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let tokens: Vec<String> = ["alice", "bob", "carol"]
        .iter()
        .map(|u| token(dir.path(), u))
        .collect();
    let timeout = WRITE_TIMEOUT_SECS.to_string();
    let server = ServerProcess::start(dir.path(), &["--write-timeout-secs", &timeout]);
    let mut alice = connect(server.addr, &tokens[0], "good").await;
    let mut carol = connect(server.addr, &tokens[2], "good").await;
    // Bob's inbox holds more than one full reply.
    for i in 0..16 {
        assert!(
            alice
                .publish("ppMsgP", "bob", big_message(i))
                .await
                .status
                .is_success()
        );
    }
    let before = server.rss();

    // Given 8 connections of bob that ask for 20 full pages each and never read,
    let started = Instant::now();
    let mut stalled = Vec::new();
    for i in 0..STALLED {
        let mut c = connect(server.addr, &tokens[1], &format!("p{i}")).await;
        pull_without_reading(&mut c).await;
        stalled.push(c);
    }
    // the server keeps serving others,
    still_served(&mut alice, &mut carol, "during the stall").await;
    // holds a bounded amount of memory,
    let peak = peak_rss(&server, Duration::from_secs(WRITE_TIMEOUT_SECS * 2)).await;
    // and drops every stalled reader.
    let mut open = 0;
    for c in &mut stalled {
        if !c.wait_closed_within(Duration::from_secs(10)).await {
            open += 1;
        }
    }
    eprintln!(
        "{STALLED} stalled readers x {QUERIES} pulls of ~2 MiB: server RSS {} MB before, {} MB \
         peak (+{} MB); {open} of {STALLED} still open {:.1} s later (write timeout \
         {WRITE_TIMEOUT_SECS} s)",
        before >> 20,
        peak >> 20,
        peak.saturating_sub(before) >> 20,
        started.elapsed().as_secs_f32()
    );
    assert_eq!(open, 0);
    assert!(
        peak.saturating_sub(before) < 96 << 20,
        "+{} MB",
        (peak - before) >> 20
    );

    // Silent siblings: alice's other devices never read while she sends large messages.
    let before = server.rss();
    let mut siblings = Vec::new();
    for i in 0..4 {
        siblings.push(connect(server.addr, &tokens[0], &format!("silent{i}")).await);
    }
    for i in 0..40 {
        let ack = alice.publish("ppMsgP", "carol", big_message(i)).await;
        assert!(ack.status.is_success());
    }
    let peak = peak_rss(&server, Duration::from_secs(WRITE_TIMEOUT_SECS)).await;
    let mut open = 0;
    for c in &mut siblings {
        if !c.wait_closed_within(Duration::from_secs(10)).await {
            open += 1;
        }
    }
    eprintln!(
        "4 silent siblings x 40 echoes of ~148 KB: server RSS +{} MB peak; {open} of 4 still open",
        peak.saturating_sub(before) >> 20
    );
    assert_eq!(open, 0);
    assert!(peak.saturating_sub(before) < 96 << 20);
    still_served(&mut alice, &mut carol, "after the siblings").await;
}

#[tokio::test]
async fn one_user_holds_at_most_the_cap() {
    let fx = Fixture::start_with(|c| c.max_connections_per_user = 3).await;
    let mut all = Vec::new();
    for i in 0..5 {
        all.push(fx.client_on("bob", &format!("device{i}")).await);
    }
    // The two oldest are kicked (DISCONNECT, then closed); three stay.
    for c in &mut all[..2] {
        assert!(c.wait_closed_within(Duration::from_secs(5)).await);
        assert!(
            c.buffered()
                .iter()
                .any(|f| matches!(f.body, Body::Disconnect(_)))
        );
    }
    assert_eq!(fx.server.connection_count(), 3);
    let mut alice = fx.client("alice").await;
    alice.send_text("bob", "to the newest").await;
    all[4].expect_publish("s_ntf").await;
}
