//! Server API calls as the official SDK and our client see them, both online: a recall
//! turns the SDK's message into `RC:RcNtf` on both sides, a status message raises typing on
//! both, a gagged member's group sends are refused with 22408 and a blacklisted sender's
//! private sends with 405, on both.

use rongchat_client::{ConversationId, Event, Outgoing, SendFailure, SendStatus};
use rongchat_proto::content::object_name;
use rongchat_tests::ours::{next_received, send_acked, wait_event};
use rongchat_tests::{TestServer, server_api};
use serde_json::{Value, json};
use std::time::Duration;

use crate::fixtures::{DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

const TEAM: &str = "team";
const API_LIMIT: Duration = Duration::from_secs(10);

async fn api(server: &TestServer, path: &str, form: &str) -> Value {
    let (status, reply) = server_api::call(server, path, form, API_LIMIT)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        (status, &reply["code"]),
        (200, &json!(200)),
        "{path} {form}: {reply}"
    );
    reply
}

/// Sends `text` from our client and waits until the server refused it; returns the code.
async fn refused_code(ours: &rongchat_client::Client, to: &ConversationId, text: &str) -> u32 {
    let (_, mut events) = ours.subscribe().expect("subscribe");
    let queued = ours
        .send(to, Outgoing::Text(text.into()))
        .await
        .expect("queued");
    let failed = |m: &rongchat_client::Message| match (m.status, &m.failure) {
        (SendStatus::Failed, Some(SendFailure::Refused { code })) => Some(*code),
        (SendStatus::Sent, _) => panic!("{text:?} to {to:?} was accepted"),
        _ => None,
    };
    if let Ok(Some(stored)) = ours.message(queued.local_id)
        && let Some(code) = failed(&stored)
    {
        return code;
    }
    wait_event(&mut events, "a refused send", DELIVERY, |e| match e {
        Event::MessageUpdated { message } if message.local_id == queued.local_id => failed(message),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_api_calls_take_effect_on_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    api(
        &server,
        "/group/create.json",
        &format!("userId={SDK}&userId={OURS}&groupId={TEAM}&groupName=Team"),
    )
    .await;
    let to_ours = json!({ "$conversation": { "type": "private", "target": OURS } });
    let to_team = json!({ "$conversation": { "type": "group", "target": TEAM } });
    let text = |t: &str| json!({ "$message": "TextMessage", "content": { "content": t } });
    let sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "steps": [
            { "op": "call", "fn": "sendMessage", "args": [to_ours, text("to be recalled")] },
            // Our "ready" comes once the Server API calls below are made.
            { "op": "waitMessage", "from": OURS, "messageType": "RC:TxtMsg", "timeoutMs": 30000 },
            { "op": "waitEvent", "event": "TYPING_STATUS", "timeoutMs": 30000 },
            { "op": "call", "fn": "sendMessage", "args": [to_team, text("gagged")],
              "expectCode": 22408 },
            { "op": "call", "fn": "sendMessage", "args": [to_ours, text("blacklisted")],
              "expectCode": 405 },
            { "op": "history", "target": OURS, "count": 20 },
        ]}),
    );

    // Recall: the SDK's message becomes the notice in our store.
    let received = next_received(&mut events, DELIVERY).await;
    let uid = received.uid.clone().expect("a messageUId");
    api(
        &server,
        "/message/recall.json",
        &format!(
            "fromUserId={SDK}&conversationType=1&targetId={OURS}&messageUID={uid}&sentTime={}",
            received.sent_time
        ),
    )
    .await;
    wait_event(&mut events, "the API's recall", DELIVERY, |e| match e {
        Event::MessageUpdated { message }
            if message.local_id == received.local_id
                && message.object_name == object_name::RECALL_NOTICE =>
        {
            Some(())
        }
        _ => None,
    })
    .await;

    // A status message: typing on both sides, nothing stored.
    api(
        &server,
        "/statusmessage/private/publish.json",
        &format!(
            "fromUserId=app&toUserId={SDK}&toUserId={OURS}&objectName=RC:TypSts&content=%7B%22typingContentType%22%3A%22RC%3ATxtMsg%22%7D"
        ),
    )
    .await;
    wait_event(&mut events, "the API's typing", DELIVERY, |e| match e {
        Event::Typing {
            conversation,
            user_id,
            typing: true,
        } if *conversation == ConversationId::private("app") && user_id == "app" => Some(()),
        Event::MessageReceived { message } => panic!("a status message was stored: {message:?}"),
        _ => None,
    })
    .await;

    // Gag both members; we blacklist the SDK's user.
    api(
        &server,
        "/group/user/gag/add.json",
        &format!("userId={SDK}&userId={OURS}&groupId={TEAM}&minute=10"),
    )
    .await;
    api(
        &server,
        "/user/blacklist/add.json",
        &format!("userId={OURS}&blackUserId={SDK}"),
    )
    .await;
    let team = ConversationId::group(TEAM);
    assert_eq!(refused_code(&ours, &team, "gagged too").await, 22408);
    send_acked(
        &ours,
        &ConversationId::private(SDK),
        Outgoing::Text("ready".into()),
        DELIVERY,
    )
    .await;

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    report.assert_no_page_error();
    let typing: Vec<_> = report
        .lines
        .iter()
        .filter(|l| l["event"] == "TYPING_STATUS")
        .collect();
    report.ensure(
        typing.iter().any(|l| {
            l["data"]["status"].as_array().is_some_and(|s| {
                s.iter().any(|c| {
                    c["targetId"] == "app"
                        && c["list"]
                            .as_array()
                            .is_some_and(|list| list.iter().any(|u| u["userId"] == "app"))
                })
            })
        }),
        format!("the SDK saw app typing: {typing:?}"),
    );
    let history = report.step("history")["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let recalled: Vec<_> = history
        .iter()
        .filter(|m| m["messageUId"].as_str() == Some(uid.as_str()))
        .collect();
    report.ensure(
        recalled.len() == 1 && recalled[0]["messageType"] == "RC:RcNtf",
        format!("the SDK's history holds {recalled:?}"),
    );
    report.ensure(
        !history
            .iter()
            .any(|m| m.to_string().contains("to be recalled")),
        "no recalled text in the SDK's history",
    );
}
