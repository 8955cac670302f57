//! Conversation status (pin, do-not-disturb) between the official SDK's devices and the
//! Server API, through our server (facts in `PROTOCOL-NOTES.md`, "Conversation status").
//! One SDK device pins and mutes (`setConversationToTop`, `setConversationNotificationLevel`:
//! `setSeAtt`); the Server API's `get` then says muted; a second SDK device of the same user
//! starts empty, finds both on connect (`pullSeAtts`), and sees a Server API unmute while
//! online (`s_cmd` type 3, then `pullSeAtts`) in `getConversationNotificationLevel`.

use std::time::Duration;

use rongchat_tests::{TestServer, server_api};
use serde_json::{Value, json};

use crate::common::RUN_LIMIT;

const USER: &str = "sdk";
const PEER: &str = "peer";
const API_LIMIT: Duration = Duration::from_secs(10);
const EVENT_LIMIT: Duration = Duration::from_secs(30);

fn with_peer() -> Value {
    json!({ "$conversation": { "type": "private", "target": PEER } })
}

/// `isMuted` of the user's chat with the peer, as the Server API answers it.
async fn api_is_muted(server: &TestServer) -> Value {
    let form = format!("conversationType=1&requestId={USER}&targetId={PEER}");
    let (status, reply) = server_api::call(
        server,
        "/conversation/notification/get.json",
        &form,
        API_LIMIT,
    )
    .await
    .expect("notification/get");
    assert_eq!((status, &reply["code"]), (200, &json!(200)), "{reply}");
    reply["isMuted"].clone()
}

async fn api_ok(server: &TestServer, path: &str, form: &str) {
    let (status, reply) = server_api::call(server, path, form, API_LIMIT)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        (status, &reply["code"]),
        (200, &json!(200)),
        "{path}: {reply}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_and_mute_cross_between_sdk_devices_and_the_server_api() {
    let server = TestServer::start().await;
    assert_eq!(api_is_muted(&server).await, 0);

    // Device one pins and mutes (level 5: nothing notifies).
    let first = server.oracle(
        "phone",
        USER,
        &json!({ "steps": [
            { "op": "call", "fn": "setConversationToTop", "args": [with_peer(), true, true, true] },
            { "op": "call", "fn": "setConversationNotificationLevel", "args": [with_peer(), 5] },
            { "op": "call", "fn": "getConversationNotificationLevel", "args": [with_peer()] },
        ]}),
    );
    let report = first.finish(RUN_LIMIT).await;
    report.assert_success();
    report.ensure(
        report.nth_step("call", 2)["data"] == 5,
        "the SDK reads back its own level",
    );
    assert_eq!(
        api_is_muted(&server).await,
        1,
        "the app server sees the SDK's mute"
    );

    // Device two: empty storage, so what it knows comes from the server.
    let mut second = server.oracle(
        "desk",
        USER,
        &json!({ "steps": [
            { "op": "waitEvent", "event": "CONVERSATION", "timeoutMs": 30000 },
            { "op": "call", "fn": "getConversationNotificationLevel", "args": [with_peer()] },
            { "op": "call", "fn": "getConversation", "args": [{ "conversationType": 1, "targetId": PEER }] },
            { "op": "waitMessage", "from": PEER, "timeoutMs": 30000 },
            { "op": "call", "fn": "getConversationNotificationLevel", "args": [with_peer()] },
        ]}),
    );
    let on_connect = second
        .wait_line("the level pulled on connect", EVENT_LIMIT, |l| {
            l["step"] == "call" && l["fn"] == "getConversationNotificationLevel"
        })
        .await;
    assert_eq!(on_connect["data"], 5, "{on_connect}");

    // The app server unmutes while device two is online; device two hears of it.
    let form = format!("conversationType=1&requestId={USER}&targetId={PEER}&isMuted=0");
    api_ok(&server, "/conversation/notification/set.json", &form).await;
    second
        .wait_line("the unmute's conversation event", EVENT_LIMIT, |l| {
            l["event"] == "CONVERSATION"
                && l["data"].to_string().contains("notificationLevel")
                && !l["data"].to_string().contains("\"notificationLevel\":5")
        })
        .await;
    // Then a message lets the scenario read the level again.
    let content = percent_encode(&json!({ "content": "解除免打扰 unmuted" }).to_string());
    let form = format!("fromUserId={PEER}&toUserId={USER}&objectName=RC:TxtMsg&content={content}");
    api_ok(&server, "/message/private/publish.json", &form).await;

    let report = second.finish(RUN_LIMIT).await;
    report.assert_success();
    let pinned = &report.nth_step("call", 1)["data"];
    report.ensure(
        pinned["targetId"] == PEER && pinned["isTop"] == true,
        format!("device two has the chat pinned: {pinned}"),
    );
    report.ensure(
        report.nth_step("call", 2)["data"] == 0,
        "device two sees the Server API's unmute",
    );
    assert_eq!(api_is_muted(&server).await, 0);
}

/// Form-encodes a value (every byte but unreserved ones as %XX).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
