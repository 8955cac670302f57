//! Both directions at once over one local server: the official SDK sends every message
//! type to our client, our client sends every type back; contents, ids, times, histories
//! and conversation lists agree on both sides, and uploads made by one side download on
//! the other.

use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rongchat_client::{ConversationId, Direction, Event, Message, SendStatus};
use rongchat_tests::ours::{connect_client, next_received, send_acked, wait_event};
use rongchat_tests::{OracleReport, TestServer, http};
use serde_json::{Value, json};

use crate::fixtures::{
    CONNECT, DELIVERY, OURS, OurFiles, RUN_LIMIT, SDK, ensure_same_content, ensure_same_fields,
    our_json, our_sends, parsed_as_its_type, register_music, sdk_sends,
};

fn uids<'a>(messages: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    messages
        .into_iter()
        .filter_map(|m| m["messageUId"].as_str().map(str::to_owned))
        .collect()
}

/// The message list of the SDK's `n`th step named `op` under `key`.
#[track_caller]
fn list<'a>(report: &'a OracleReport, op: &str, key: &str) -> Vec<&'a Value> {
    match report.step(op)[key].as_array() {
        Some(items) => items.iter().collect(),
        None => panic!("[{}] {op} has no {key}\n{}", report.label, report.dump()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_and_our_client_exchange_every_type_both_ways() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let ours = connect_client(&server, OURS, &data.path().join("ours"), CONNECT).await;
    let (_, mut events) = ours.subscribe().expect("subscribe");

    let files_url = format!("{}/files", server.navi_url());
    let sdk_sends = sdk_sends(&files_url);
    let blob: Vec<u8> = (0..5000u32).map(|i| (i * 7 + i / 13) as u8).collect();
    let mut steps = vec![json!({
        "op": "upload", "fileType": 4, "name": "sdk-blob.bin",
        "mime": "application/octet-stream", "base64": BASE64.encode(&blob),
    })];
    steps.extend(sdk_sends.iter().map(|s| s.step.clone()));
    steps.extend([
        json!({ "op": "waitMessages", "count": 6, "from": OURS, "full": true, "timeoutMs": 30000 }),
        json!({ "op": "history", "target": OURS, "count": 30 }),
        json!({ "op": "conversations", "count": 20 }),
    ]);
    let mut sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "register": register_music(), "steps": steps }),
    );

    // The SDK's upload downloads intact through our client.
    let upload = sdk.wait_step("upload", RUN_LIMIT).await;
    let Some(url) = upload["data"]["downloadUrl"].as_str() else {
        panic!("the SDK's upload gave no downloadUrl: {upload}");
    };
    let path = ours
        .download(url, "sdk-blob.bin", |_, _| {}, None)
        .await
        .unwrap_or_else(|e| panic!("our client could not download the SDK's upload {url}: {e}"));
    assert!(
        std::fs::read(&path).is_ok_and(|b| b == blob),
        "our download of the SDK's upload differs from the 5000 bytes it sent"
    );

    // SDK → ours: six messages, live, in order.
    let mut received: Vec<Message> = Vec::new();
    while received.len() < sdk_sends.len() {
        received.push(next_received(&mut events, DELIVERY).await);
    }

    // Ours → SDK: the six types back, each acked.
    let our_files = OurFiles::write(data.path());
    let to_sdk = ConversationId::private(SDK);
    let mut sent: Vec<Message> = Vec::new();
    for (object_name, outgoing) in our_sends(&our_files, &files_url) {
        let message = send_acked(&ours, &to_sdk, outgoing, DELIVERY).await;
        assert_eq!(message.object_name, object_name, "sent as another type");
        sent.push(message);
    }

    let sdk = sdk.finish(RUN_LIMIT).await;
    sdk.assert_success();

    // SDK → ours: same ids, times, types and content fields.
    for (i, expected) in sdk_sends.iter().enumerate() {
        let theirs = &sdk.nth_step(expected.step["op"].as_str().unwrap_or_default(), 0)["message"];
        let uid = theirs["messageUId"].as_str().unwrap_or_default();
        let what = format!("SDK → ours {} {uid}", expected.object_name);
        let Some(mine) = received.iter().find(|m| m.uid.as_deref() == Some(uid)) else {
            panic!(
                "{what}: our client never received it (got {:?})\n{}",
                received.iter().map(|m| &m.uid).collect::<Vec<_>>(),
                sdk.dump()
            );
        };
        sdk.ensure(
            !uid.is_empty() && received[i].uid.as_deref() == Some(uid),
            format!("{what}: received out of order (position {i})"),
        );
        sdk.ensure(
            mine.object_name == expected.object_name && parsed_as_its_type(mine),
            format!(
                "{what}: our client stored it as {} / {:?}",
                mine.object_name,
                mine.parsed()
            ),
        );
        ensure_same_fields(
            &sdk,
            &what,
            expected.object_name,
            &expected.expected,
            &our_json(mine),
        );
        // Beyond the compared fields: everything the SDK put in, we kept (e.g. `extra`).
        for (key, want) in expected.expected.as_object().into_iter().flatten() {
            sdk.ensure(
                our_json(mine)[key] == *want,
                format!(
                    "{what}: our content.{key} is {} but the SDK sent {want}",
                    our_json(mine)[key]
                ),
            );
        }
        sdk.ensure(
            theirs["sentTime"].as_i64() == Some(mine.sent_time),
            format!(
                "{what}: our sent time {} != the SDK's {}",
                mine.sent_time, theirs["sentTime"]
            ),
        );
        sdk.ensure(
            mine.direction == Direction::Receive
                && mine.sender_id == SDK
                && mine.conversation == to_sdk
                && mine.status == SendStatus::Received,
            format!("{what}: wrong direction, sender, conversation or status: {mine:?}"),
        );
    }

    // Ours → SDK: the SDK's MESSAGE events hold each one, once, with the same fields.
    let sdk_got: Vec<&Value> = sdk
        .received()
        .into_iter()
        .filter(|m| m["senderUserId"] == OURS)
        .collect();
    let wait = sdk.step("waitMessages");
    sdk.ensure(
        wait["received"] == 6 && wait["distinct"] == 6 && sdk_got.len() == 6,
        "the SDK did not get our six messages exactly once",
    );
    for mine in &sent {
        let uid = mine.uid.clone().unwrap_or_default();
        let what = format!("ours → SDK {} {uid}", mine.object_name);
        let Some(theirs) = sdk_got.iter().find(|m| m["messageUId"] == uid.as_str()) else {
            panic!("{what}: the SDK never received it\n{}", sdk.dump());
        };
        sdk.ensure(
            theirs["messageType"] == mine.object_name.as_str(),
            format!("{what}: the SDK saw {}", theirs["messageType"]),
        );
        ensure_same_content(&sdk, &what, mine, theirs);
        sdk.ensure(
            theirs["sentTime"].as_i64() == Some(mine.sent_time)
                && theirs["targetId"] == OURS
                && theirs["conversationType"] == 1
                && theirs["messageDirection"] == 2,
            format!("{what}: sentTime/target/type/direction differ: {theirs}"),
        );
    }
    check_our_contents(&sdk, &sent).await;
    let our_uploads = [&sent[1], &sent[4]];
    for (message, field, bytes) in [
        (our_uploads[0], "imageUri", &our_files.image_bytes),
        (our_uploads[1], "fileUrl", &our_files.file_bytes),
    ] {
        let url = our_json(message)[field]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let response = http::get(&url, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("GET {url} (our {field}) failed: {e}"));
        assert!(
            response.status == 200 && response.body == *bytes,
            "GET {url} (the {field} the SDK got from us) does not serve what our client uploaded"
        );
    }

    // Both histories and conversation lists hold the whole exchange.
    let all: BTreeSet<String> = received
        .iter()
        .chain(&sent)
        .filter_map(|m| m.uid.clone())
        .collect();
    assert_eq!(all.len(), 12, "twelve distinct messageUIds");
    let sdk_history = list(&sdk, "history", "messages");
    sdk.ensure(
        uids(sdk_history.iter().copied()) == all,
        "the SDK's history with our user is not exactly the twelve messages",
    );
    for mine in &sent {
        let uid = mine.uid.as_deref().unwrap_or_default();
        if let Some(h) = sdk_history.iter().find(|m| m["messageUId"] == uid) {
            ensure_same_content(
                &sdk,
                &format!("SDK history of our {}", mine.object_name),
                mine,
                h,
            );
        }
    }
    let sdk_conversation = list(&sdk, "conversations", "conversations")
        .into_iter()
        .find(|c| c["conversationType"] == 1 && c["targetId"] == OURS);
    sdk.ensure(
        sdk_conversation.is_some_and(|c| {
            c["unreadMessageCount"] == 6
                && c["latestMessage"]["messageUId"] == sent[5].uid.as_deref().unwrap_or_default()
        }),
        format!("the SDK's conversation with us is not (6 unread, ending with our music): {sdk_conversation:?}"),
    );

    let history = ours.history(&to_sdk, None, 50).await.expect("our history");
    let history_uids: BTreeSet<String> = history.iter().filter_map(|m| m.uid.clone()).collect();
    assert_eq!(
        history_uids, all,
        "our history with the SDK user is not exactly the twelve messages"
    );
    let conversations = ours.conversations().expect("our conversations");
    let Some(row) = conversations.iter().find(|c| c.id == to_sdk) else {
        panic!("our conversation list lacks the SDK user: {conversations:?}");
    };
    assert_eq!(row.unread, 6, "our unread count with the SDK user");
    assert_eq!(
        row.last_message.as_ref().and_then(|m| m.uid.clone()),
        sent[5].uid,
        "our conversation does not end with our music message"
    );

    fresh_device_pulls_everything(&server, data.path(), &all, &received).await;
    drop(ours);
    server.shutdown().await;
}

/// What our client put in its contents is what it was asked to send.
async fn check_our_contents(sdk: &OracleReport, sent: &[Message]) {
    let json: Vec<Value> = sent.iter().map(our_json).collect();
    let checks = [
        json[0]["content"] == crate::fixtures::OUR_TEXT,
        json[1]["imageUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("http"))
            && json[1]["content"].as_str().is_some_and(|t| !t.is_empty()),
        json[2]["content"] == crate::fixtures::AMR_BASE64 && json[2]["duration"] == 3,
        json[3]["remoteUrl"]
            .as_str()
            .is_some_and(|u| u.ends_with("/ours-voice.aac"))
            && json[3]["duration"] == 5,
        json[4]["name"] == "rongchat-notes.txt"
            && json[4]["size"] == 40_000
            && json[4]["type"] == "txt",
        json[5]["name"] == "曲 Tune 🎶" && json[5]["author"] == "Band 乐队",
    ];
    for (i, ok) in checks.into_iter().enumerate() {
        sdk.ensure(
            ok,
            format!(
                "our client sent {} with unexpected content {}",
                sent[i].object_name, json[i]
            ),
        );
    }
}

/// A second device of our user, never connected before, catches up from the server: the
/// SDK's messages arrive through the pull path too, with the same contents.
async fn fresh_device_pulls_everything(
    server: &TestServer,
    data: &std::path::Path,
    all: &BTreeSet<String>,
    live: &[Message],
) {
    let mut config = rongchat_client::ClientConfig::new(
        server.navi_url(),
        server.server().app_key(),
        server.token(OURS),
        data.join("ours-tablet"),
    );
    config.platform = Some("tablet".to_owned());
    let tablet = rongchat_client::Client::open(config).expect("open the second device");
    let (_, mut events) = tablet.subscribe().expect("subscribe");
    tablet.connect();
    wait_event(&mut events, "sync finished", CONNECT, |e| {
        matches!(e, Event::SyncFinished).then_some(())
    })
    .await;
    let history = tablet
        .history(&ConversationId::private(SDK), None, 50)
        .await
        .expect("the second device's history");
    let got: BTreeSet<String> = history.iter().filter_map(|m| m.uid.clone()).collect();
    assert_eq!(
        &got, all,
        "a fresh device of our user does not hold the whole exchange"
    );
    for m in live {
        let pulled = history.iter().find(|h| h.uid == m.uid);
        assert!(
            pulled.is_some_and(|p| p.content == m.content && p.sent_time == m.sent_time),
            "the pulled copy of {} differs from the live one: {pulled:?} vs {m:?}",
            m.object_name
        );
    }
}
