//! Recall both ways between the official SDK and our client: the SDK recalls what it sent
//! us and our store holds the notice, not the text; we recall what we sent and the SDK's
//! history holds `RC:RcNtf`.

use rongchat_client::{ConversationId, Event, Outgoing};
use rongchat_proto::content::object_name;
use rongchat_tests::ours::{next_received, send_acked, wait_event};
use serde_json::json;

use crate::fixtures::{DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recalls_cross_between_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    let to_ours = json!({ "$conversation": { "type": "private", "target": OURS } });
    let sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "steps": [
            { "op": "call", "fn": "sendMessage", "args": [to_ours,
                { "$message": "TextMessage", "content": { "content": "sdk secret" } }] },
            { "op": "call", "fn": "recallMessage", "args": [to_ours,
                { "messageUId": "$0.message.messageUId", "sentTime": "$0.message.sentTime" }] },
            // Our text arrives before we recall it: we wait for this answer.
            { "op": "waitMessage", "from": OURS, "messageType": "RC:TxtMsg", "timeoutMs": 30000 },
            { "op": "call", "fn": "sendMessage", "args": [to_ours,
                { "$message": "TextMessage", "content": { "content": "seen" } }] },
            { "op": "waitMessage", "from": OURS, "messageType": "RC:RcCmd", "timeoutMs": 30000 },
            { "op": "history", "target": OURS, "count": 20 },
        ]}),
    );

    // The SDK's text arrives, then becomes the notice in our store.
    let received = next_received(&mut events, DELIVERY).await;
    let noticed = wait_event(&mut events, "the SDK's recall", DELIVERY, |e| match e {
        Event::MessageUpdated { message }
            if message.local_id == received.local_id
                && message.object_name == object_name::RECALL_NOTICE =>
        {
            Some(message.clone())
        }
        _ => None,
    })
    .await;
    assert!(
        noticed
            .content
            .contains(&format!("\"operatorId\":\"{SDK}\""))
    );
    let stored = ours.message(received.local_id).unwrap().unwrap();
    assert!(!stored.content.contains("sdk secret"), "{}", stored.content);

    // Ours sends and recalls; the SDK's history holds the notice.
    let to_sdk = ConversationId::private(SDK);
    let sent = send_acked(
        &ours,
        &to_sdk,
        Outgoing::Text("our secret".into()),
        DELIVERY,
    )
    .await;
    // Recalled once the SDK has it (else it would only ever see the notice).
    let answer = next_received(&mut events, DELIVERY).await;
    assert!(answer.content.contains("seen"), "{}", answer.content);
    ours.recall(&sent).await.expect("recall accepted");
    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    report.assert_no_page_error();
    let history = report.step("history")["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ours_in_sdk: Vec<_> = history
        .iter()
        .filter(|m| m["messageUId"].as_str() == sent.uid.as_deref())
        .collect();
    report.ensure(
        ours_in_sdk.len() == 1 && ours_in_sdk[0]["messageType"] == "RC:RcNtf",
        format!("the SDK's history holds {ours_in_sdk:?}"),
    );
    report.ensure(
        !history.iter().any(|m| m.to_string().contains("secret")),
        "no recalled text in the SDK's history",
    );
}
