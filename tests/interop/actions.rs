//! Replies, forwards, deletes and cleared histories between the official SDK and our
//! client. A reply (`RC:ReferenceMsg`) crosses both ways with its quote; a forward arrives
//! with the original content; `deleteMessages` / `clearHistoryMessages` (the SDK's) and
//! ours remove messages from the deleting user's history on the server only, the peer's
//! stays (PROTOCOL-NOTES.md).

use rongchat_client::{Client, ClientConfig, ConversationId, DeleteScope, Event, Outgoing};
use rongchat_proto::content::{Content, object_name};
use rongchat_tests::ours::{next_received, send_acked, wait_event};
use serde_json::{Value, json};

use crate::fixtures::{CONNECT, DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

/// The texts of a history step's messages (replies by their own text).
fn texts(history: &Value) -> Vec<String> {
    history["messages"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|m| m["content"]["content"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The texts of `OURS`'s history with the SDK as a fresh device of the same user sees it
/// (its pull and the server's history pages, nothing kept from this device).
async fn fresh_device_texts(
    server: &rongchat_tests::TestServer,
    dir: &std::path::Path,
) -> Vec<String> {
    // Another platform: a second login on the same one would kick the first (RongCloud's rule).
    let mut config = ClientConfig::new(
        server.navi_url(),
        server.server().app_key(),
        server.token(OURS),
        dir,
    );
    config.platform = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    let device = Client::open(config).expect("open a second device");
    device
        .connect_and_wait(CONNECT)
        .await
        .expect("the second device connects");
    let page = device
        .history(&ConversationId::private(SDK), None, 50)
        .await
        .expect("history on a fresh device");
    device.disconnect();
    page.iter()
        .filter_map(|m| match m.parsed() {
            Content::Text(t) => Some(t.content),
            Content::Reference(r) => Some(r.content),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_and_forwards_cross_between_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    let to_ours = json!({ "$conversation": { "type": "private", "target": OURS } });
    let sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "steps": [
            { "op": "call", "fn": "sendMessage", "args": [to_ours,
                { "$message": "TextMessage", "content": { "content": "原文 original <b>x</b>" } }] },
            // Our reply to it, then our forward of it.
            { "op": "waitMessage", "from": OURS, "messageType": "RC:ReferenceMsg", "timeoutMs": 30000 },
            { "op": "waitMessage", "from": OURS, "messageType": "RC:TxtMsg", "timeoutMs": 30000 },
            // The SDK replies to our reply, as an app fills the ReferenceMessage.
            { "op": "call", "fn": "sendMessage", "args": [to_ours,
                { "$message": "ReferenceMessage", "content": {
                    "referMsgUserId": OURS,
                    "referMsg": { "content": "$1.message.content.content" },
                    "referMsgUid": "$1.message.messageUId",
                    "content": "SDK 的回复",
                    "objName": "RC:ReferenceMsg" } }] },
            { "op": "history", "target": OURS, "count": 20 },
        ]}),
    );

    let original = next_received(&mut events, DELIVERY).await;
    let replied = send_acked_reply(&ours, &original, "我们的回复 our reply").await;
    let forwarded = ours
        .forward(&original, &ConversationId::private(SDK))
        .await
        .expect("forward queued");
    assert_eq!(forwarded.content, original.content);

    // The SDK's reply to our reply: typed, quoting our reply's text and uid.
    let sdk_reply = wait_event(&mut events, "the SDK's reply", DELIVERY, |e| match e {
        Event::MessageReceived { message } if message.object_name == object_name::REFERENCE => {
            Some(message.clone())
        }
        _ => None,
    })
    .await;
    let Content::Reference(reference) = sdk_reply.parsed() else {
        panic!("not parsed as a reference: {}", sdk_reply.content)
    };
    assert_eq!(reference.content, "SDK 的回复");
    assert_eq!(Some(reference.refer_msg_uid.clone()), replied.uid);
    assert_eq!(reference.refer_msg_user_id, OURS);
    assert_eq!(
        reference.quoted_text().as_deref(),
        Some("我们的回复 our reply")
    );

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    // Our reply as the SDK sees it: its ReferenceMessage fields.
    let ours_reply = &report.nth_step("waitMessage", 0)["message"];
    let content = &ours_reply["content"];
    report.ensure(
        content["content"] == "我们的回复 our reply"
            && content["referMsgUserId"] == SDK
            && content["referMsgUid"].as_str() == original.uid.as_deref()
            && content["referMsg"]["content"] == "原文 original <b>x</b>"
            && content["objName"] == "RC:TxtMsg",
        format!("our reply arrived as {ours_reply}"),
    );
    // The forward: the original's content, now from us.
    let forward = &report.nth_step("waitMessage", 1)["message"];
    report.ensure(
        forward["content"]["content"] == "原文 original <b>x</b>",
        format!("the forward arrived as {forward}"),
    );
    report.ensure(
        texts(report.step("history")).contains(&"SDK 的回复".to_owned()),
        "the SDK's history holds its reply",
    );
}

/// Our reply, acked.
async fn send_acked_reply(
    ours: &Client,
    quoted: &rongchat_client::Message,
    text: &str,
) -> rongchat_client::Message {
    let (_, mut events) = ours.subscribe().expect("subscribe");
    let queued = ours.reply(quoted, text).await.expect("reply queued");
    if let Ok(Some(m)) = ours.message(queued.local_id)
        && m.uid.is_some()
    {
        return m;
    }
    wait_event(&mut events, "the reply's ack", DELIVERY, |e| match e {
        Event::MessageUpdated { message } if message.local_id == queued.local_id => {
            message.uid.is_some().then(|| message.clone())
        }
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_and_cleared_histories_only_touch_the_deleting_user() {
    let (server, ours, mut events, data) = connect_ours().await;
    let to_ours = json!({ "$conversation": { "type": "private", "target": OURS } });
    let sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "steps": [
            { "op": "call", "fn": "sendMessage", "args": [to_ours,
                { "$message": "TextMessage", "content": { "content": "keep 保留" } }] },
            { "op": "call", "fn": "sendMessage", "args": [to_ours,
                { "$message": "TextMessage", "content": { "content": "delete me 删除" } }] },
            // Ours has deleted "delete me" from its history: the SDK's is unchanged.
            { "op": "waitMessage", "from": OURS, "messageType": "RC:TxtMsg", "timeoutMs": 30000 },
            { "op": "history", "target": OURS, "count": 20 },
            // The SDK deletes "keep" from its history, then clears up to "delete me".
            { "op": "call", "fn": "deleteMessages", "args": [to_ours, [{
                "messageUId": "$0.message.messageUId", "sentTime": "$0.message.sentTime",
                "messageDirection": 1 }]] },
            { "op": "history", "target": OURS, "count": 20 },
            { "op": "call", "fn": "clearHistoryMessages", "args": [to_ours, "$1.message.sentTime"] },
            { "op": "history", "target": OURS, "count": 20 },
            { "op": "sendText", "to": OURS, "text": "done" },
        ]}),
    );

    let keep = next_received(&mut events, DELIVERY).await;
    let doomed = next_received(&mut events, DELIVERY).await;
    assert!(doomed.content.contains("delete me"), "{}", doomed.content);
    let conversation = ConversationId::private(SDK);
    let removed = ours
        .delete_messages(&conversation, &[doomed.local_id], DeleteScope::Remote)
        .await
        .expect("remote delete accepted");
    assert_eq!(removed, vec![doomed.local_id]);
    assert!(ours.message(doomed.local_id).unwrap().is_none());
    assert!(ours.message(keep.local_id).unwrap().is_some());
    send_acked(&ours, &conversation, Outgoing::Text("go".into()), DELIVERY).await;
    let done = next_received(&mut events, DELIVERY).await;
    assert!(done.content.contains("done"), "{}", done.content);

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    let before = texts(report.nth_step("history", 0));
    report.ensure(
        before.contains(&"delete me 删除".to_owned()) && before.contains(&"keep 保留".to_owned()),
        format!("our delete left the SDK's history as it was: {before:?}"),
    );
    let after_delete = texts(report.nth_step("history", 1));
    report.ensure(
        !after_delete.contains(&"keep 保留".to_owned())
            && after_delete.contains(&"delete me 删除".to_owned()),
        format!("the SDK's deleteMessages removed only its message: {after_delete:?}"),
    );
    let after_clear = texts(report.nth_step("history", 2));
    report.ensure(
        after_clear == vec!["go".to_owned()],
        format!("the SDK's clear kept only what came after: {after_clear:?}"),
    );

    // Our history on the server: the SDK's delete and clear did not touch it, ours did.
    let seen = fresh_device_texts(&server, &data.path().join("device-2")).await;
    assert!(seen.contains(&"keep 保留".to_owned()), "{seen:?}");
    assert!(!seen.iter().any(|t| t.contains("delete me")), "{seen:?}");
    assert!(
        seen.contains(&"go".to_owned()) && seen.contains(&"done".to_owned()),
        "{seen:?}"
    );

    // Our clear, here and on the server: nothing left for a third device either.
    let cleared = ours
        .clear_history(&conversation, true)
        .await
        .expect("remote clear accepted");
    assert!(cleared.contains(&keep.local_id), "{cleared:?}");
    assert!(
        ours.history(&conversation, None, 50)
            .await
            .unwrap()
            .is_empty(),
        "nothing left here"
    );
    let seen = fresh_device_texts(&server, &data.path().join("device-3")).await;
    assert!(seen.is_empty(), "{seen:?}");
}
