//! A group conversation: a message to a server-created group reaches the other member,
//! the reply comes back, and both see the exchange in group history.

use rongchat_tests::TestServer;
use serde_json::json;

use crate::common::{GROUP, RUN_LIMIT, conversation, ensure_both, history, sent, uids};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_messages_reach_members_and_group_history() {
    let server = TestServer::start().await;
    server
        .server()
        .create_group("group1", "Group one", &["user1", "user2", "user3"])
        .unwrap_or_else(|e| panic!("create_group failed: {e}"));
    server
        .server()
        .create_group("group2", "Without user1", &["user2", "user3"])
        .unwrap_or_else(|e| panic!("create_group failed: {e}"));
    let user1 = server.oracle(
        "user1",
        "user1",
        &json!([
            // Not a member of group2: refused with NOT_IN_GROUP, and delivered to no one.
            { "op": "sendText", "to": "group2", "type": "group", "text": "intruder", "expectCode": 22406 },
            { "op": "sendText", "to": "group1", "type": "group", "text": "hello group" },
            { "op": "waitMessage", "from": "user2", "timeoutMs": 30000 },
            { "op": "history", "target": "group1", "type": "group", "count": 20 },
        ]),
    );
    let user2 = server.oracle(
        "user2",
        "user2",
        &json!([
            { "op": "waitMessage", "from": "user1", "timeoutMs": 30000 },
            { "op": "sendText", "to": "group1", "type": "group", "text": "hi all" },
            { "op": "history", "target": "group1", "type": "group", "count": 20 },
            { "op": "conversations", "count": 20 },
        ]),
    );
    let (user1, user2) = tokio::join!(user1.finish(RUN_LIMIT), user2.finish(RUN_LIMIT));
    user1.assert_success();
    user2.assert_success();

    // user1's first sendText is the refused one; its group1 text is the second.
    for (sender, n, receiver) in [(&user1, 1, &user2), (&user2, 0, &user1)] {
        let mine = sent(sender, "sendText", n);
        let theirs = &receiver.step("waitMessage")["message"];
        ensure_both(
            theirs["messageUId"] == mine["messageUId"]
                && theirs["content"] == mine["content"]
                && theirs["conversationType"] == GROUP
                && theirs["targetId"] == "group1"
                && theirs["senderUserId"] == sender.label.as_str(),
            format!(
                "[{}] received a different group message than sent",
                receiver.label
            ),
            sender,
            receiver,
        );
    }
    user2.ensure(
        user2.received().iter().all(|m| m["targetId"] != "group2"),
        "a non-member's message to group2 was delivered",
    );
    let both = uids([sent(&user1, "sendText", 1), sent(&user2, "sendText", 0)]);
    for report in [&user1, &user2] {
        report.ensure(
            uids(history(report, 0)) == both,
            "group history is not exactly the two messages",
        );
    }
    let group = conversation(&user2, 0, GROUP, "group1");
    user2.ensure(
        group["unreadMessageCount"] == 1,
        format!(
            "user2's group unread is {}, want 1",
            group["unreadMessageCount"]
        ),
    );
    server.shutdown().await;
}
