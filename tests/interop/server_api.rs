//! Server API calls as the official SDK and our client see them, both online: a recall
//! turns the SDK's message into `RC:RcNtf` on both sides, a status message raises typing on
//! both (and is in no history), a gagged member's group sends are refused with 22408 and a
//! blacklisted sender's private sends with 405; a block closes our client's link, refuses
//! the SDK's login with 31009 and ends by itself after its minutes (a Server API minute is
//! shortened to one second here), an unblock at once; `checkOnline` follows the SDK's
//! login, system and group messages reach both, and quit and dismiss refuse group sends.

use rongchat_client::{ConnectionStatus, ConversationId, Event, Outgoing, SendFailure, SendStatus};
use rongchat_proto::content::object_name;
use rongchat_tests::ours::{next_received, send_acked, wait_event};
use rongchat_tests::{TestServer, server_api};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use crate::fixtures::{CONNECT, DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

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
            { "op": "history", "target": "app", "count": 20 },
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
    report.ensure(
        report.nth_step("history", 1)["messages"]
            .as_array()
            .is_none_or(|m| m.is_empty()),
        "the status message is in the SDK's history",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_api_block_refuses_both_and_ends_after_its_minutes() {
    let server = TestServer::start_with(|c| c.api_minute = Duration::from_secs(1)).await;
    let data = tempfile::tempdir().expect("temp dir");
    let ours = rongchat_tests::ours::connect_client(&server, OURS, data.path(), CONNECT).await;
    let (_, mut events) = ours.subscribe().expect("subscribe");

    // Ours for 3 (shortened) minutes, the SDK's user (known once it has a token) for 600.
    let blocked = server.token(SDK);
    let before_block = Instant::now();
    api(
        &server,
        "/user/block.json",
        &format!("userId={OURS}&minute=3"),
    )
    .await;
    api(
        &server,
        "/user/block.json",
        &format!("userId={SDK}&minute=600"),
    )
    .await;
    wait_event(
        &mut events,
        "our link closed by the block",
        DELIVERY,
        |e| match e {
            Event::Connection {
                status: ConnectionStatus::Blocked,
            } => Some(()),
            _ => None,
        },
    )
    .await;
    let refused = rongchat_tests::OracleRun::spawn(
        "blocked sdk",
        &server.login_with_token(&blocked),
        &json!({ "expectConnectCode": 31009, "steps": [] }),
    );

    // Our block ends by itself: a reconnect succeeds, never before its end.
    let deadline = Instant::now() + DELIVERY;
    loop {
        match ours.connect_and_wait(Duration::from_secs(5)).await {
            Ok(()) => break,
            Err(e) => assert!(Instant::now() < deadline, "still refused: {e}"),
        }
        // A poll interval inside a deadline loop, not a wait for an outcome.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        before_block.elapsed() >= Duration::from_secs(3),
        "connected {:?} after a 3-minute (3 s) block",
        before_block.elapsed()
    );
    let report = refused.finish(RUN_LIMIT).await;
    report.assert_success();
    report.ensure(
        report.step("connect")["code"] == 31009,
        format!(
            "the blocked SDK's connect gave {}",
            report.step("connect")["code"]
        ),
    );
    let listed = api(&server, "/user/block/query.json", "").await;
    let ids: Vec<_> = listed["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| u["userId"].clone())
        .collect();
    assert_eq!(ids, [json!(SDK)], "{listed}");

    // Unblocked, the SDK's user logs in and reaches us.
    api(&server, "/user/unblock.json", &format!("userId={SDK}")).await;
    let to_ours = json!({ "$conversation": { "type": "private", "target": OURS } });
    let sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "steps": [{ "op": "call", "fn": "sendMessage", "args": [to_ours,
            { "$message": "TextMessage", "content": { "content": "free again" } }] }] }),
    );
    let received = next_received(&mut events, DELIVERY).await;
    assert!(
        received.content.contains("free again"),
        "{}",
        received.content
    );
    sdk.finish(RUN_LIMIT).await.assert_success();
}

/// `user/checkOnline` for `user`: `"1"` or `"0"`.
async fn online(server: &TestServer, user: &str) -> Value {
    api(server, "/user/checkOnline.json", &format!("userId={user}")).await["status"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_and_system_messages_from_the_server_api_reach_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    assert_eq!(online(&server, SDK).await, "0");
    assert_eq!(online(&server, OURS).await, "1");
    api(
        &server,
        "/group/create.json",
        &format!("userId={SDK}&userId={OURS}&userId=app&groupId={TEAM}&groupName=Team"),
    )
    .await;
    let to_team = json!({ "$conversation": { "type": "group", "target": TEAM } });
    let sdk = server.oracle(
        SDK,
        SDK,
        &json!({ "steps": [
            { "op": "waitMessage", "from": "admin", "timeoutMs": 30000 },
            { "op": "waitMessage", "from": "app", "timeoutMs": 30000 },
            // Our "ready" comes once the group is dismissed.
            { "op": "waitMessage", "from": OURS, "timeoutMs": 30000 },
            { "op": "call", "fn": "sendMessage", "args": [to_team,
                { "$message": "TextMessage", "content": { "content": "after" } }],
              "expectCode": 22406 },
        ]}),
    );
    // Online for real: "1" once the SDK's page is connected.
    let deadline = Instant::now() + DELIVERY;
    while online(&server, SDK).await != "1" {
        assert!(Instant::now() < deadline, "the SDK never showed online");
        // A poll interval inside a deadline loop.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let content = "content=%7B%22content%22%3A%22notice%22%7D&objectName=RC:TxtMsg";
    api(
        &server,
        "/message/system/publish.json",
        &format!("fromUserId=admin&toUserId={SDK}&toUserId={OURS}&{content}"),
    )
    .await;
    let system = next_received(&mut events, DELIVERY).await;
    assert_eq!(
        (system.conversation.kind, system.sender_id.as_str()),
        (rongchat_client::ConversationType::System, "admin")
    );
    api(
        &server,
        "/message/group/publish.json",
        &format!("fromUserId=app&toGroupId={TEAM}&{content}"),
    )
    .await;
    let group = next_received(&mut events, DELIVERY).await;
    assert_eq!(group.conversation, ConversationId::group(TEAM));

    // Quit: our group sends are refused; dismissed: the SDK's too.
    api(
        &server,
        "/group/quit.json",
        &format!("userId={OURS}&groupId={TEAM}"),
    )
    .await;
    let team = ConversationId::group(TEAM);
    assert_eq!(refused_code(&ours, &team, "after quit").await, 22406);
    api(
        &server,
        "/group/dismiss.json",
        &format!("userId={SDK}&groupId={TEAM}"),
    )
    .await;
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
    let system = &report.nth_step("waitMessage", 0)["message"];
    report.ensure(
        system["conversationType"] == 6 && system["targetId"] == "admin",
        format!("the SDK's system message: {system}"),
    );
    let group = &report.nth_step("waitMessage", 1)["message"];
    report.ensure(
        group["conversationType"] == 3 && group["targetId"] == TEAM,
        format!("the SDK's group message: {group}"),
    );
}
