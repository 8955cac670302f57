//! A group shared by the official SDK and our client, with our client offline while the
//! SDK writes: it catches up through the pull path on its first connect (unread count,
//! history, contents), then writes back and the SDK receives it in the group.

use std::collections::BTreeSet;

use rongchat_client::{Client, ClientConfig, ConversationId, Direction, Event, Outgoing};
use rongchat_tests::TestServer;
use rongchat_tests::ours::{send_acked, wait_event};
use serde_json::{Value, json};

use crate::fixtures::{
    CONNECT, DELIVERY, OURS, RUN_LIMIT, SDK, SDK_TEXT, ensure_same_content, our_json,
    parsed_as_its_type, register_music,
};

const GROUP: &str = "mixed";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_client_catches_up_on_sdk_group_messages_and_answers() {
    let server = TestServer::start().await;
    server
        .server()
        .create_group(GROUP, "Mixed 混合", &[SDK, OURS])
        .expect("create the group");
    let files = format!("{}/files", server.navi_url());
    let music = json!({
        "url": format!("{files}/g-song.mp3"), "name": "群歌", "author": "SDK",
        "poster": format!("{files}/g-poster.jpg"),
    });
    let mut sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "register": register_music(), "steps": [
            { "op": "sendText", "to": GROUP, "type": "group", "text": SDK_TEXT },
            { "op": "sendCustom", "to": GROUP, "type": "group", "objectName": "seal:music", "content": music },
            { "op": "waitMessages", "count": 2, "from": OURS, "timeoutMs": 30000 },
            { "op": "history", "target": GROUP, "type": "group", "count": 20 },
        ]}),
    );
    // Our client connects for the first time only after both are stored on the server.
    let music_sent = sdk.wait_step("sendCustom", RUN_LIMIT).await;
    let text_sent = sdk.wait_step("sendText", RUN_LIMIT).await;
    for step in [&text_sent, &music_sent] {
        assert_eq!(
            step["ok"], true,
            "the SDK could not send to the group: {step}"
        );
    }

    let data = tempfile::tempdir().expect("temp dir");
    let config = ClientConfig::new(
        server.navi_url(),
        server.server().app_key(),
        server.token(OURS),
        data.path().join("ours"),
    );
    let ours = Client::open(config).expect("open our client");
    let (_, mut events) = ours.subscribe().expect("subscribe");
    ours.connect();
    wait_event(&mut events, "sync finished", CONNECT, |e| {
        matches!(e, Event::SyncFinished).then_some(())
    })
    .await;
    let group = ConversationId::group(GROUP);
    let row = ours
        .conversation(&group)
        .expect("read our conversation")
        .unwrap_or_else(|| panic!("no group conversation after the catch-up"));
    assert_eq!(
        row.unread, 2,
        "our unread count in the group after catching up"
    );

    let history = ours.history(&group, None, 20).await.expect("our history");
    for (step, object_name, expected) in [
        (&text_sent, "RC:TxtMsg", json!({ "content": SDK_TEXT })),
        (&music_sent, "seal:music", music.clone()),
    ] {
        let theirs = &step["message"];
        let uid = theirs["messageUId"].as_str().unwrap_or_default();
        let Some(mine) = history.iter().find(|m| m.uid.as_deref() == Some(uid)) else {
            panic!("the caught-up history lacks the SDK's {object_name} {uid}: {history:?}");
        };
        assert!(
            mine.object_name == object_name && parsed_as_its_type(mine),
            "the SDK's {object_name} was stored as {} / {:?}",
            mine.object_name,
            mine.parsed()
        );
        let mine_json = our_json(mine);
        for (key, want) in expected.as_object().into_iter().flatten() {
            assert_eq!(&mine_json[key], want, "group {object_name}: content.{key}");
        }
        assert_eq!(
            (
                mine.sender_id.as_str(),
                mine.direction,
                &mine.conversation,
                Some(mine.sent_time)
            ),
            (SDK, Direction::Receive, &group, theirs["sentTime"].as_i64()),
            "group {object_name}: sender, direction, conversation or time"
        );
    }

    // And back into the group.
    let replies = [
        send_acked(
            &ours,
            &group,
            Outgoing::Text("回复 reply ✔".into()),
            DELIVERY,
        )
        .await,
        send_acked(
            &ours,
            &group,
            Outgoing::Voice {
                amr: b"#!AMR\n\x3c\x48\xf5\x1f".to_vec(),
                duration: 1,
            },
            DELIVERY,
        )
        .await,
    ];
    let sdk = sdk.finish(RUN_LIMIT).await;
    sdk.assert_success();
    let got: Vec<&Value> = sdk
        .received()
        .into_iter()
        .filter(|m| m["senderUserId"] == OURS)
        .collect();
    for mine in &replies {
        let uid = mine.uid.as_deref().unwrap_or_default();
        let what = format!("our group {} {uid}", mine.object_name);
        let Some(theirs) = got.iter().find(|m| m["messageUId"] == uid) else {
            panic!("{what}: the SDK never received it\n{}", sdk.dump());
        };
        sdk.ensure(
            theirs["conversationType"] == 3
                && theirs["targetId"] == GROUP
                && theirs["messageType"] == mine.object_name.as_str()
                && theirs["sentTime"].as_i64() == Some(mine.sent_time),
            format!("{what}: type/target/objectName/time differ: {theirs}"),
        );
        ensure_same_content(&sdk, &what, mine, theirs);
    }
    let sdk_history: BTreeSet<&str> = sdk.step("history")["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["messageUId"].as_str())
        .collect();
    let all: BTreeSet<&str> = [&text_sent, &music_sent]
        .iter()
        .filter_map(|s| s["message"]["messageUId"].as_str())
        .chain(replies.iter().filter_map(|m| m.uid.as_deref()))
        .collect();
    sdk.ensure(
        sdk_history == all,
        "the SDK's group history is not exactly the four messages",
    );
    drop(ours);
    server.shutdown().await;
}
