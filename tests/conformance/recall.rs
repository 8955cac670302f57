//! Recall with the official SDK on both sides: `recallMessage` on `recallMsg` is
//! accepted for one's own message only, the recalled message is `RC:RcNtf` in both
//! users' history, and the peer's SDK is told.

use rongchat_tests::TestServer;
use serde_json::{Value, json};

use crate::common::{CONNECT_LIMIT, RUN_LIMIT, history};

/// The SDK's RECALL_MESSAGE_FAIL, for someone else's or an already recalled message.
const RECALL_FAIL: i64 = 25101;

fn to(user: &str) -> Value {
    json!({ "$conversation": { "type": "private", "target": user } })
}

fn recall_of(step: usize) -> Value {
    json!({
        "messageUId": format!("${step}.message.messageUId"),
        "sentTime": format!("${step}.message.sentTime"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_recalls_its_own_message_and_both_histories_hold_the_notice() {
    let server = TestServer::start().await;
    let user1 = server.oracle(
        "user1",
        "user1",
        &json!({ "steps": [
            { "op": "call", "fn": "sendMessage", "args": [to("user2"),
                { "$message": "TextMessage", "content": { "content": "oops, wrong chat" } }] },
            { "op": "waitMessage", "from": "user2", "messageType": "RC:TxtMsg", "timeoutMs": 30000 },
            { "op": "call", "fn": "recallMessage", "args": [to("user2"), recall_of(0)] },
            // Twice: the message is a notice now.
            { "op": "call", "fn": "recallMessage", "args": [to("user2"), recall_of(0)], "expectCode": RECALL_FAIL },
            { "op": "history", "target": "user2", "count": 20 },
        ]}),
    );
    let mut user2 = server.oracle(
        "user2",
        "user2",
        &json!({ "steps": [
            { "op": "waitMessage", "from": "user1", "messageType": "RC:TxtMsg", "timeoutMs": 30000 },
            // Not user2's message: refused.
            { "op": "call", "fn": "recallMessage", "args": [to("user1"), recall_of(0)], "expectCode": RECALL_FAIL },
            { "op": "sendText", "to": "user1", "text": "got it" },
            { "op": "waitMessage", "from": "user1", "timeoutMs": 30000 },
            { "op": "history", "target": "user1", "count": 20 },
        ]}),
    );
    user2.wait_step("connect", CONNECT_LIMIT).await;
    let (user1, user2) = tokio::join!(user1.finish(RUN_LIMIT), user2.finish(RUN_LIMIT));
    user1.assert_success();
    user2.assert_success();
    user1.assert_no_page_error();
    user2.assert_no_page_error();

    let sent = &user1.nth_step("call", 0)["message"];
    let uid = sent["messageUId"].clone();
    // What user2's SDK made of the recall it received.
    let told = &user2.nth_step("waitMessage", 1)["message"];
    user2.ensure(
        told["messageType"] == "RC:RcNtf" || told["messageType"] == "RC:RcCmd",
        format!("user2 was told {told}"),
    );
    for (report, n) in [(&user1, 0), (&user2, 0)] {
        let page = history(report, n);
        let recalled: Vec<_> = page.iter().filter(|m| m["messageUId"] == uid).collect();
        report.ensure(
            recalled.len() == 1 && recalled[0]["messageType"] == "RC:RcNtf",
            format!("history holds {recalled:?} for {uid}"),
        );
        let notice = &recalled[0]["content"];
        report.ensure(
            notice["operatorId"] == "user1" && notice["recallTime"] == sent["sentTime"],
            format!("notice {notice}"),
        );
        report.ensure(
            !page
                .iter()
                .any(|m| m["content"]["content"] == "oops, wrong chat"),
            "the recalled text is still in history",
        );
    }
}
