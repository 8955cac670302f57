//! Two users at once: user1 sends every message type the demo uses, user2 receives each
//! with identical content and replies; history, conversation list, unread counts and the
//! upload flow agree with what was sent.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rongchat_tests::{TestServer, http};
use serde_json::{Value, json};

use crate::common::{
    CONNECT_LIMIT, PRIVATE, RUN_LIMIT, conversation, ensure_both, ensure_fields, history,
    register_music, sent, uids, wait_messages,
};

/// A 1×1 PNG, as a thumbnail without the `data:` prefix.
const THUMBNAIL: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
/// The AMR file magic plus a few frame bytes.
const AMR: &str = "IyFBTVIKPJEXFr5meeHgAeev8AAAAIAAAAAAAAAAAAAAAAAAAAAA";
/// Non-ASCII on purpose: CJK and an emoji (4-byte UTF-8) must survive the round trip.
const TEXT: &str = "hello user2 — 你好 👋 <b>not html</b>";

/// Bytes that are not text, so a lossy transfer shows.
fn upload_bytes() -> Vec<u8> {
    (0..3000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// What user1 sends, as (step op, objectName, scenario step, fields its content must hold).
fn sends(files: &str) -> Vec<(&'static str, &'static str, Value, Value)> {
    let image = format!("{files}/photo.jpg");
    let hq = format!("{files}/voice.aac");
    let file = format!("{files}/notes.txt");
    let music = json!({
        "url": format!("{files}/song.mp3"), "name": "Song 歌", "author": "Someone",
        "poster": format!("{files}/poster.jpg"),
    });
    vec![
        (
            "sendText",
            "RC:TxtMsg",
            json!({ "op": "sendText", "to": "user2", "text": TEXT }),
            json!({ "content": TEXT }),
        ),
        (
            "sendImage",
            "RC:ImgMsg",
            json!({ "op": "sendImage", "to": "user2", "thumbnailBase64": THUMBNAIL, "imageUri": image }),
            json!({ "content": THUMBNAIL, "imageUri": image }),
        ),
        (
            "sendVoice",
            "RC:VcMsg",
            json!({ "op": "sendVoice", "to": "user2", "amrBase64": AMR, "duration": 3 }),
            json!({ "content": AMR, "duration": 3 }),
        ),
        (
            "sendHQVoice",
            "RC:HQVCMsg",
            json!({ "op": "sendHQVoice", "to": "user2", "remoteUrl": hq, "duration": 2 }),
            json!({ "remoteUrl": hq, "duration": 2 }),
        ),
        (
            "sendFile",
            "RC:FileMsg",
            json!({ "op": "sendFile", "to": "user2", "name": "notes.txt", "size": 5, "fileType": "txt", "fileUrl": file }),
            json!({ "name": "notes.txt", "size": 5, "type": "txt", "fileUrl": file }),
        ),
        (
            "sendCustom",
            "seal:music",
            json!({ "op": "sendCustom", "to": "user2", "objectName": "seal:music", "content": music }),
            music,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_type_arrives_intact_and_history_and_unread_agree() {
    let server = TestServer::start().await;
    let files = format!("{}/files", server.navi_url());
    let sends = sends(&files);
    let bytes = upload_bytes();

    let mut user1_steps: Vec<Value> = sends.iter().map(|s| s.2.clone()).collect();
    user1_steps.extend([
        json!({ "op": "upload", "fileType": 4, "name": "blob.bin", "mime": "application/octet-stream", "base64": BASE64.encode(&bytes) }),
        json!({ "op": "waitMessage", "from": "user2", "timeoutMs": 30000 }),
        json!({ "op": "history", "target": "user2", "count": 20 }),
        // The demo's chat page loads history a page at a time ("load more").
        json!({ "op": "history", "target": "user2", "count": 3 }),
        json!({ "op": "conversations", "count": 20 }),
    ]);
    let user1 = server.oracle(
        "user1",
        "user1",
        &json!({ "register": register_music(), "steps": user1_steps }),
    );
    let mut user2 = server.oracle(
        "user2",
        "user2",
        &json!({ "register": register_music(), "steps": [
            wait_messages(sends.len(), "user1"),
            { "op": "sendText", "to": "user1", "text": "got all six" },
            { "op": "history", "target": "user1", "count": 20 },
            { "op": "conversations", "count": 20 },
        ]}),
    );
    let connect = user2.wait_step("connect", CONNECT_LIMIT).await;
    assert_eq!(
        connect["userId"], "user2",
        "user2 connected as someone else: {connect}"
    );
    let (user1, user2) = tokio::join!(user1.finish(RUN_LIMIT), user2.finish(RUN_LIMIT));
    user1.assert_success();
    user2.assert_success();

    // Each message user2 received is the one user1 sent: same type, content and time.
    let received = user2.received();
    let mut sent_uids = Vec::new();
    for (op, object_name, _, expected) in &sends {
        let mine = sent(&user1, op, 0);
        let uid = &mine["messageUId"];
        sent_uids.push(uid.clone());
        ensure_fields(
            &user1,
            &format!("sent {object_name}"),
            &mine["content"],
            expected,
        );
        let Some(theirs) = received.iter().find(|m| m["messageUId"] == *uid) else {
            panic!(
                "user2 never received {object_name} {uid}\n{}\n{}",
                user1.dump(),
                user2.dump()
            );
        };
        let what = format!("{object_name} {uid}");
        let checks = [
            (
                theirs["messageType"] == *object_name,
                format!("{what}: received as {}", theirs["messageType"]),
            ),
            (
                theirs["content"] == mine["content"],
                format!(
                    "{what}: content {} != sent {}",
                    theirs["content"], mine["content"]
                ),
            ),
            (
                theirs["senderUserId"] == "user1"
                    && theirs["targetId"] == "user1"
                    && theirs["conversationType"] == PRIVATE
                    && theirs["messageDirection"] == 2,
                format!("{what}: wrong sender, target or direction"),
            ),
            (
                theirs["sentTime"] == mine["sentTime"],
                format!(
                    "{what}: sentTime {} != acked {}",
                    theirs["sentTime"], mine["sentTime"]
                ),
            ),
        ];
        for (holds, why) in checks {
            ensure_both(holds, why, &user1, &user2);
        }
    }
    let wait = user2.step("waitMessages");
    user2.ensure(
        wait["received"] == sends.len() && wait["distinct"] == sends.len(),
        "user2 got duplicates or too few messages",
    );

    // The reply reached user1.
    let reply = sent(&user2, "sendText", 0);
    let got_reply = &user1.step("waitMessage")["message"];
    ensure_both(
        got_reply["messageUId"] == reply["messageUId"] && got_reply["content"] == reply["content"],
        "user1 did not receive user2's reply intact",
        &user1,
        &user2,
    );

    // Both histories hold the whole exchange, with the same contents.
    let mut all = uids(sends.iter().map(|(op, ..)| sent(&user1, op, 0)));
    all.extend(uids([reply]));
    for (report, peer) in [(&user1, "user2"), (&user2, "user1")] {
        let list = history(report, 0);
        report.ensure(
            uids(list.iter().copied()) == all,
            format!("history with {peer} is not exactly the 7 exchanged messages"),
        );
        for m in &list {
            let original = sends
                .iter()
                .map(|(op, ..)| sent(&user1, op, 0))
                .chain([reply])
                .find(|s| s["messageUId"] == m["messageUId"]);
            report.ensure(
                original.is_some_and(|o| o["content"] == m["content"]),
                format!("history content differs from what was sent: {m}"),
            );
        }
    }

    // A short page holds the newest messages and says there are more.
    let mut by_time: Vec<&Value> = history(&user1, 0);
    by_time.sort_by_key(|m| std::cmp::Reverse(m["sentTime"].as_i64()));
    let page = user1.nth_step("history", 1);
    user1.ensure(
        uids(history(&user1, 1)) == uids(by_time.into_iter().take(3)),
        "a 3-message history page is not the 3 newest messages",
    );
    user1.ensure(
        page["hasMore"] == true,
        "a partial history page says hasMore=false",
    );
    user1.ensure(
        user1.step("history")["hasMore"] == false,
        "the full history says hasMore=true",
    );

    // Conversation lists: user1 has the unread reply; user2 counted all six.
    let c1 = conversation(&user1, 0, PRIVATE, "user2");
    user1.ensure(
        c1["unreadMessageCount"] == 1,
        format!(
            "user1's unread with user2 is {}, want 1",
            c1["unreadMessageCount"]
        ),
    );
    user1.ensure(
        c1["latestMessage"]["messageUId"] == reply["messageUId"],
        "user1's conversation does not end with the reply",
    );
    let c2 = conversation(&user2, 0, PRIVATE, "user1");
    user2.ensure(
        c2["unreadMessageCount"] == sends.len(),
        format!(
            "user2's unread with user1 is {}, want 6",
            c2["unreadMessageCount"]
        ),
    );
    user2.ensure(
        c2["latestMessage"]["messageUId"] == reply["messageUId"],
        "user2's conversation does not end with its reply",
    );

    // The upload went through the SDK's own flow and the URL serves the same bytes.
    let upload = &user1.step("upload")["data"];
    let Some(url) = upload["downloadUrl"].as_str() else {
        panic!("upload returned no downloadUrl\n{}", user1.dump());
    };
    let response = http::get(url, Duration::from_secs(10))
        .await
        .unwrap_or_else(|e| panic!("fetching the download URL failed: {e}"));
    assert_eq!(response.status, 200, "GET {url}");
    assert!(
        response.body == bytes,
        "GET {url} returned {} bytes that differ from the 3000 uploaded",
        response.body.len()
    );
    server.shutdown().await;
}
