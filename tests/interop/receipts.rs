//! Read receipts both ways between the official SDK and our client (facts in
//! `PROTOCOL-NOTES.md`, "Read receipts"). Private: the SDK's `sendReadReceiptMessage`
//! marks our sent message read (`Event::ReadReceipt`, the store's peer read time), and our
//! `mark_read` raises the SDK's `READ_RECEIPT_RECEIVED` naming its message. Group (the
//! SDK's default, message-based receipts): the SDK's `sendReadReceiptRequest` is answered
//! by our client once it read the group (`MESSAGE_RECEIPT_RESPONSE`), and our
//! `request_receipt` reaches the SDK as `MESSAGE_RECEIPT_REQUEST`, whose
//! `sendReadReceiptResponseV2` lists the SDK among our message's readers.

use rongchat_client::{ConversationId, Event, Outgoing};
use rongchat_tests::ours::{send_acked, wait_event};
use serde_json::json;

use crate::fixtures::{DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_receipts_cross_between_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    let steps = json!({ "steps": [
        { "op": "sendText", "to": OURS, "text": "读了告诉我 read me" },
        { "op": "waitMessage", "from": OURS, "timeoutMs": 30000 },
        { "op": "call", "fn": "sendReadReceiptMessage",
          "args": [OURS, "$1.message.messageUId", "$1.message.sentTime"] },
        { "op": "waitEvent", "event": "READ_RECEIPT_RECEIVED", "timeoutMs": 30000 },
        // A receipt naming a message of no chat of ours is refused by the server.
        { "op": "call", "fn": "sendReadReceiptMessage", "args": [OURS, "NOT-A-MESSAGE", 1],
          "expectCode": 26010 },
    ]});
    let mut sdk = server.oracle(SDK, SDK, &steps);
    let with_sdk = ConversationId::private(SDK);

    // The SDK's text arrives; we answer, and the SDK reads our answer.
    let theirs = wait_event(&mut events, "the SDK's text", DELIVERY, |e| match e {
        Event::MessageReceived { message } if message.conversation == with_sdk => {
            Some(message.clone())
        }
        _ => None,
    })
    .await;
    let mine = send_acked(&ours, &with_sdk, Outgoing::Text("好的 ok".into()), DELIVERY).await;
    let read_time = wait_event(
        &mut events,
        "the SDK's read receipt",
        DELIVERY,
        |e| match e {
            Event::ReadReceipt {
                conversation,
                read_time,
            } if *conversation == with_sdk => Some(*read_time),
            Event::MessageReceived { message } if message.object_name == "RC:ReadNtf" => {
                panic!("a receipt was stored as a message: {message:?}")
            }
            _ => None,
        },
    )
    .await;
    assert_eq!(
        read_time, mine.sent_time,
        "the SDK's receipt names our message's time"
    );
    let stored = ours.receipts(&with_sdk).expect("our receipts");
    assert_eq!(stored.peer_read_time, mine.sent_time);

    // We read the SDK's text: its READ_RECEIPT_RECEIVED names it.
    sdk.wait_step("call", RUN_LIMIT).await;
    ours.mark_read(&with_sdk).await.expect("mark read");
    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    let receipt = report
        .lines
        .iter()
        .find(|l| l["event"] == "READ_RECEIPT_RECEIVED")
        .unwrap_or_else(|| panic!("no READ_RECEIPT_RECEIVED\n{}", report.dump()));
    let data = &receipt["data"];
    report.ensure(
        data["messageUId"].as_str() == theirs.uid.as_deref()
            && data["sentTime"].as_i64() == Some(theirs.sent_time)
            && data["sendUserId"] == OURS
            && data["conversation"]["targetId"] == OURS,
        format!("the SDK's receipt event names its message read by us: {data}"),
    );
    report.ensure(
        report
            .received()
            .iter()
            .all(|m| m["message"]["messageType"] != "RC:ReadNtf"),
        "a receipt is no message for the SDK",
    );
    // Reading again with nothing new owes the SDK nothing more.
    ours.mark_read(&with_sdk).await.expect("mark read again");
    assert!(
        ours.receipts(&with_sdk).expect("receipts").asked.is_empty(),
        "a private chat has no asked messages"
    );
}

const GROUP: &str = "receipts";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_receipt_requests_and_responses_cross_both_ways() {
    let (server, ours, mut events, _data) = connect_ours().await;
    server
        .server()
        .create_group(GROUP, "回执 receipts", &[SDK, OURS])
        .expect("create the group");
    let steps = json!({ "steps": [
        { "op": "sendText", "to": GROUP, "type": "group", "text": "谁读了 who read this" },
        { "op": "call", "fn": "sendReadReceiptRequest", "args": [GROUP, "$0.message.messageUId"] },
        { "op": "waitEvent", "event": "MESSAGE_RECEIPT_RESPONSE", "timeoutMs": 30000 },
        { "op": "waitMessage", "from": OURS, "timeoutMs": 30000 },
        { "op": "waitEvent", "event": "MESSAGE_RECEIPT_REQUEST", "timeoutMs": 30000 },
        { "op": "call", "fn": "sendReadReceiptResponseV2",
          "args": [GROUP, { OURS: ["$3.message.messageUId"] }] },
    ]});
    let sdk = server.oracle(SDK, SDK, &steps);
    let group = ConversationId::group(GROUP);

    // The SDK's text and its request arrive; reading the group answers it.
    let theirs = wait_event(&mut events, "the SDK's group text", DELIVERY, |e| match e {
        Event::MessageReceived { message } if message.conversation == group => {
            Some(message.clone())
        }
        _ => None,
    })
    .await;
    ours.mark_read(&group).await.expect("mark the group read");

    // We ask about our own message; the SDK answers.
    let mine = send_acked(&ours, &group, Outgoing::Text("我的 mine".into()), DELIVERY).await;
    let asked = ours.request_receipt(&mine).await.expect("ask for receipts");
    assert!(asked.readers.is_empty(), "{asked:?}");
    let readers = wait_event(&mut events, "the SDK's answer", DELIVERY, |e| match e {
        Event::GroupReceipt { receipt }
            if receipt.message_uid.as_str() == mine.uid.as_deref().unwrap_or_default()
                && !receipt.readers.is_empty() =>
        {
            Some(receipt.readers.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(readers, [SDK]);
    let stored = ours.receipts(&group).expect("our receipts");
    assert_eq!(stored.asked.len(), 1);
    assert_eq!(stored.asked[0].readers, [SDK]);

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    let response = report
        .lines
        .iter()
        .find(|l| l["event"] == "MESSAGE_RECEIPT_RESPONSE")
        .unwrap_or_else(|| panic!("no MESSAGE_RECEIPT_RESPONSE\n{}", report.dump()));
    let data = &response["data"];
    report.ensure(
        data["receivedUserId"] == OURS
            && data["conversation"]["targetId"] == GROUP
            && data["messageUIdList"] == json!([theirs.uid]),
        format!("the SDK hears that we read its message: {data}"),
    );
    let request = report
        .lines
        .iter()
        .find(|l| l["event"] == "MESSAGE_RECEIPT_REQUEST")
        .unwrap_or_else(|| panic!("no MESSAGE_RECEIPT_REQUEST\n{}", report.dump()));
    let data = &request["data"];
    report.ensure(
        data["messageUId"].as_str() == mine.uid.as_deref()
            && data["senderUserId"] == OURS
            && data["conversation"]["targetId"] == GROUP,
        format!("the SDK hears our request: {data}"),
    );
}
