//! Clearing unread on one device: the conversation shows 0 there, and a later session of
//! the same user (a fresh browser profile) also shows 0, through the read-status sync
//! message (RC:SRSMsg) the first device sends to the user's other devices.

use rongchat_tests::TestServer;
use serde_json::json;

use crate::common::{PRIVATE, RUN_LIMIT, conversation, sent, uids, wait_messages};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleared_unread_stays_cleared_on_another_session() {
    let server = TestServer::start().await;
    let sender = server.oracle(
        "user2 sender",
        "user2",
        &json!([
            { "op": "sendText", "to": "user1", "text": "one" },
            { "op": "sendText", "to": "user1", "text": "two" },
            { "op": "sendText", "to": "user1", "text": "three" },
        ]),
    );
    let device_a = server.oracle(
        "user1 device A",
        "user1",
        &json!([
            wait_messages(3, "user2"),
            { "op": "conversations" },
            { "op": "clearUnread", "target": "user2" },
            { "op": "conversations" },
            { "op": "syncReadStatus", "target": "user2" },
        ]),
    );
    let (sender, device_a) = tokio::join!(sender.finish(RUN_LIMIT), device_a.finish(RUN_LIMIT));
    sender.assert_success();
    device_a.assert_success();
    let before = conversation(&device_a, 0, PRIVATE, "user2");
    device_a.ensure(
        before["unreadMessageCount"] == 3,
        format!(
            "unread before clearing is {}, want 3",
            before["unreadMessageCount"]
        ),
    );
    let after = conversation(&device_a, 1, PRIVATE, "user2");
    device_a.ensure(
        after["unreadMessageCount"] == 0,
        format!(
            "unread after clearing is {}, want 0",
            after["unreadMessageCount"]
        ),
    );

    // Device A is gone (one web session per user); a new session pulls everything again,
    // the three texts and the read-status sync, and must count nothing as unread.
    let device_b = server.oracle(
        "user1 device B",
        "user1",
        &json!([
            wait_messages(3, "user2"),
            { "op": "waitMessage", "messageType": "RC:SRSMsg", "timeoutMs": 15000 },
            { "op": "conversations" },
        ]),
    );
    let device_b = device_b.finish(RUN_LIMIT).await;
    device_b.assert_success();
    let sent_uids = uids((0..3).map(|n| sent(&sender, "sendText", n)));
    device_b.ensure(
        uids(
            device_b
                .received()
                .into_iter()
                .filter(|m| m["senderUserId"] == "user2"),
        ) == sent_uids,
        "device B did not get the three texts",
    );
    let seen = conversation(&device_b, 0, PRIVATE, "user2");
    device_b.ensure(
        seen["unreadMessageCount"] == 0,
        format!(
            "device B shows {} unread after device A cleared them",
            seen["unreadMessageCount"]
        ),
    );
    server.shutdown().await;
}
