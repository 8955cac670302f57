//! Pin and do-not-disturb between the official SDK and our client, as two devices of one
//! user (facts in `PROTOCOL-NOTES.md`, "Conversation status"). The SDK's
//! `setConversationToTop` / `setConversationNotificationLevel` reach our client while it is
//! online (`s_cmd` type 3, `pullSeAtts`): the conversation row is pinned and muted and a
//! `ConversationUpdated` says so. Our `set_muted` / `set_pinned` go out as `setSeAtt`: the
//! Server API's `get` answers the unmute and the SDK reads both back.

use std::time::{Duration, Instant};

use rongchat_client::{ConversationId, Event};
use rongchat_tests::ours::wait_event;
use rongchat_tests::{TestServer, server_api};
use serde_json::{Value, json};

use crate::fixtures::{DELIVERY, OURS, RUN_LIMIT, connect_ours};

const FRIEND: &str = "friend";
const TEAM: &str = "team";
const API_LIMIT: Duration = Duration::from_secs(10);

async fn api(server: &TestServer, path: &str, form: &str) -> Value {
    let (status, reply) = server_api::call(server, path, form, API_LIMIT)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        (status, &reply["code"]),
        (200, &json!(200)),
        "{path}: {reply}"
    );
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_and_mute_cross_between_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    let friend = json!({ "$conversation": { "type": "private", "target": FRIEND } });
    // The SDK is our user's other device.
    let steps = json!({ "steps": [
        { "op": "call", "fn": "setConversationToTop", "args": [friend, true, true, true] },
        // 5: nothing notifies, not even a mention (our mute is 1, mentions still do).
        { "op": "call", "fn": "setConversationNotificationLevel", "args": [friend, 5] },
        { "op": "waitMessage", "from": FRIEND, "timeoutMs": 30000 },
        { "op": "call", "fn": "getConversationNotificationLevel", "args": [friend] },
        { "op": "call", "fn": "getConversation", "args": [{ "conversationType": 3, "targetId": TEAM }] },
    ]});
    let sdk = server.oracle("sdk-device", OURS, &steps);
    let with_friend = ConversationId::private(FRIEND);

    // The SDK's pin and mute show on our side.
    let row = wait_event(
        &mut events,
        "the SDK's pin and mute",
        DELIVERY,
        |e| match e {
            Event::ConversationUpdated {
                id,
                conversation: Some(c),
            } if *id == with_friend && c.pinned && c.muted => Some(c.clone()),
            _ => None,
        },
    )
    .await;
    assert!(row.pinned && row.muted);
    assert_eq!(row.level, 5, "the SDK's level itself, not only 'muted'");

    // We unmute the friend and pin the team.
    ours.set_muted(&with_friend, false).expect("unmute");
    ours.set_pinned(&ConversationId::group(TEAM), true)
        .expect("pin");
    let q = format!("conversationType=1&requestId={OURS}&targetId={FRIEND}");
    let deadline = Instant::now() + DELIVERY;
    loop {
        let reply = api(&server, "/conversation/notification/get.json", &q).await;
        if reply["isMuted"] == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "our unmute never reached the server: {reply}"
        );
        // A poll interval, not a wait for an outcome: the loop ends on the answer.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A message lets the SDK's scenario read its statuses again.
    let form = format!(
        "fromUserId={FRIEND}&toUserId={OURS}&objectName=RC:TxtMsg&content=%7B%22content%22%3A%22hi%22%7D"
    );
    api(&server, "/message/private/publish.json", &form).await;

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    report.ensure(
        report.nth_step("call", 2)["data"] == 0,
        "the SDK sees our unmute",
    );
    let pinned = &report.nth_step("call", 3)["data"];
    report.ensure(
        pinned["targetId"] == TEAM && pinned["isTop"] == true,
        format!("the SDK sees our pin: {pinned}"),
    );
}
