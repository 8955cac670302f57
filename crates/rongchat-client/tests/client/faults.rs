//! Delivery under faults: the server killed and restarted, the link cut mid-send, the
//! sending client dropped with a full outbox. The receiver must end with every message
//! exactly once, in order.

use crate::support::*;
use rongchat_client::{Client, ConversationId, SendStatus};
use rongchat_proto::content::Content;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(90);

/// Waits until at least `at_least` of the `total` queued messages were acked (read from
/// the sender's store, so no event can be missed).
async fn wait_acked(sender: &Client, total: usize, at_least: usize) {
    eventually(LONG, || total - sender.pending_sends().unwrap() >= at_least).await;
}

/// Waits until `receiver` holds `count` messages from alice and checks them: m0.. in order.
async fn assert_exactly_in_order(receiver: &Client, count: usize) {
    let from_alice = ConversationId::private("alice");
    eventually(LONG, || {
        receiver
            .conversation(&from_alice)
            .unwrap()
            .map(|c| c.unread)
            .unwrap_or(0)
            >= count as i64
    })
    .await;
    let page = receiver
        .history(&from_alice, None, count + 10)
        .await
        .unwrap();
    let texts: Vec<String> = page
        .iter()
        .map(|m| match m.parsed() {
            Content::Text(t) => t.content,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let expected: Vec<String> = (0..count).map(|i| format!("m{i}")).collect();
    assert_eq!(texts.len(), count, "every message exactly once");
    assert_eq!(texts, expected, "in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restart_and_cut_link_mid_send_lose_and_double_nothing() {
    let mut env = Env::start().await;
    let proxy = Proxy::start(env.server().local_addr().to_string()).await;
    let mut config = env.config("alice", "desk");
    config.ws_override = Some(proxy.addr.clone());
    let alice = connected(config).await;
    let bob = env.client("bob", "desk").await;
    let to_bob = ConversationId::private("bob");
    let count = 2000;
    queue_numbered_texts(&alice, &to_bob, count).await;
    wait_acked(&alice, count, 300).await;
    assert!(proxy.cut() > 0, "a live link was cut");
    wait_acked(&alice, count, 900).await;
    assert!(
        alice.pending_sends().unwrap() > 0,
        "the restart must come mid-send"
    );
    env.restart_server().await;
    wait_acked(&alice, count, count).await;
    assert_exactly_in_order(&bob, count).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_client_on_the_same_data_dir_finishes_the_outbox() {
    let env = Env::start().await;
    let bob = env.client("bob", "desk").await;
    let alice = env.client("alice", "desk").await;
    let to_bob = ConversationId::private("bob");
    let count = 1000;
    queue_numbered_texts(&alice, &to_bob, count).await;
    wait_acked(&alice, count, 150).await;
    assert!(
        alice.pending_sends().unwrap() > 0,
        "the drop must come mid-send"
    );
    drop(alice); // as if the process had been restarted with messages still queued
    let alice = connected(env.config("alice", "desk")).await;
    assert_exactly_in_order(&bob, count).await;
    // The sender's own copies end up sent, once each.
    let deadline = tokio::time::Instant::now() + LONG;
    loop {
        let mine = alice.history(&to_bob, None, count + 10).await.unwrap();
        assert_eq!(mine.len(), count);
        if mine.iter().all(|m| m.status == SendStatus::Sent) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "outbox never drained"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
