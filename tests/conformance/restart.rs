//! A server restart in the middle of a conversation loses nothing: a recipient who stays
//! online gets every message through the SDK's reconnect, one who connects only after
//! the restart pulls them, and history shows all of them.

use std::time::Duration;

use rongchat_tests::TestServer;
use serde_json::{Value, json};

use crate::common::{CONNECT_LIMIT, PRIVATE, RUN_LIMIT, history, sent, uids, wait_messages};

fn texts(to: &str, prefix: &str, n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| json!({ "op": "sendText", "to": to, "text": format!("{prefix} {i}") }))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_conversation_loses_no_message() {
    let mut server = TestServer::start().await;
    // user2 stays online across the restart and waits for all five texts.
    let mut user2 = server.oracle(
        "user2 online",
        "user2",
        &json!([
            { "op": "waitMessages", "count": 5, "from": "user1", "timeoutMs": 45000, "full": true },
            { "op": "history", "target": "user1", "count": 20 },
        ]),
    );
    let mut before_steps = texts("user2", "before restart", 3);
    before_steps.extend(texts("user3", "for user3", 1));
    let before = server.oracle("user1 before restart", "user1", &json!(before_steps));
    let before = before.finish(RUN_LIMIT).await;
    before.assert_success();
    let connected = user2.wait_step("connect", CONNECT_LIMIT).await;
    assert_eq!(connected["ok"], true, "user2 did not connect: {connected}");

    tokio::time::timeout(Duration::from_secs(30), server.restart())
        .await
        .expect("the server did not shut down and restart within 30 s");

    let mut after_steps = texts("user2", "after restart", 2);
    after_steps.extend([
        json!({ "op": "history", "target": "user2", "count": 20 }),
        json!({ "op": "history", "target": "user3", "count": 20 }),
    ]);
    let after = server.oracle("user1 after restart", "user1", &json!(after_steps));
    let user3_steps = json!([
        wait_messages(1, "user1"),
        { "op": "history", "target": "user1", "count": 20 },
    ]);
    let user3 = server.oracle("user3 after restart", "user3", &user3_steps);
    let (user2, after, user3) = tokio::join!(
        user2.finish(RUN_LIMIT),
        after.finish(RUN_LIMIT),
        user3.finish(RUN_LIMIT)
    );
    for report in [&user2, &after, &user3] {
        report.assert_success();
    }

    let to_user2 = uids(
        (0..3)
            .map(|n| sent(&before, "sendText", n))
            .chain((0..2).map(|n| sent(&after, "sendText", n))),
    );
    let to_user3 = uids([sent(&before, "sendText", 3)]);
    let wait = user2.step("waitMessages");
    let got: Vec<&Value> = wait["messages"].as_array().into_iter().flatten().collect();
    user2.ensure(
        wait["distinct"] == 5 && uids(got) == to_user2,
        "user2 did not get exactly the five texts across the restart",
    );
    user2.ensure(
        user2
            .lines
            .iter()
            .any(|l| l["event"] == "SUSPEND" || l["event"] == "DISCONNECT"),
        "user2 never noticed the restart (no SUSPEND/DISCONNECT)",
    );
    user2.ensure(
        uids(history(&user2, 0)) == to_user2,
        "user2's history lacks messages",
    );
    after.ensure(
        uids(history(&after, 0)) == to_user2,
        "user1's history with user2 lacks messages",
    );
    after.ensure(
        uids(history(&after, 1)) == to_user3,
        "user1's history with user3 lacks the text",
    );
    user3.ensure(
        uids(user3.received()) == to_user3,
        "user3 did not get the pre-restart text",
    );
    user3.ensure(
        uids(history(&user3, 0)) == to_user3,
        "user3's history lacks the text",
    );
    let first = history(&user3, 0)[0];
    user3.ensure(
        first["conversationType"] == PRIVATE && first["targetId"] == "user1",
        "user3's history message has the wrong conversation",
    );
    server.shutdown().await;
}
