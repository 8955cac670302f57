//! @mentions in a group both ways between the official SDK and our client (facts in
//! `PROTOCOL-NOTES.md`, "Mentions"). The SDK's `sendMessage` of a text whose content has
//! `mentionedInfo`, with `isMentioned`, marks our group "mentioned" until we read it
//! (a list of users naming us, and @所有人); our `Outgoing::TextMentioning` reaches the SDK
//! with the same `mentionedInfo` and `isMentioned`, and its conversation `hasMentioned`.

use rongchat_client::{ConversationId, Event, Message, Outgoing};
use rongchat_proto::mention::{Mention, MentionKind};
use rongchat_tests::ours::{send_acked, wait_event};
use serde_json::json;

use crate::fixtures::{DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

const GROUP: &str = "mentions";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_cross_between_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    server
        .server()
        .create_group(GROUP, "提到 mentions", &[SDK, OURS, "third"])
        .expect("create the group");
    let group_ref = json!({ "$conversation": { "type": "group", "target": GROUP } });
    let steps = json!({ "steps": [
        { "op": "call", "fn": "sendMessage", "args": [group_ref,
            { "$message": "TextMessage", "content": { "content": "@ours 看这里 look",
              "mentionedInfo": { "type": 2, "userIdList": [OURS] } } },
            { "isMentioned": true }] },
        { "op": "call", "fn": "sendMessage", "args": [group_ref,
            { "$message": "TextMessage", "content": { "content": "@third only",
              "mentionedInfo": { "type": 2, "userIdList": ["third"] } } },
            { "isMentioned": true }] },
        { "op": "waitMessage", "from": OURS, "timeoutMs": 30000 },
        { "op": "call", "fn": "getHistoryMessages",
          "args": [group_ref, { "timestamp": 0, "count": 20 }] },
        { "op": "call", "fn": "sendMessage", "args": [group_ref,
            { "$message": "TextMessage", "content": { "content": "@所有人 everyone",
              "mentionedInfo": { "type": 1 } } },
            { "isMentioned": true }] },
    ]});
    let sdk = server.oracle(SDK, SDK, &steps);
    let group = ConversationId::group(GROUP);
    let mentioned = || {
        ours.conversation(&group)
            .expect("our conversation")
            .expect("the group is listed")
            .mentioned
    };

    // The SDK mentions us, then someone else: we are mentioned until we read.
    let us: Message = from_sdk(&mut events, &group, "the SDK's mention of us").await;
    let mention = Mention::from_content_json(&us.content).expect("the mention arrived");
    assert_eq!(
        (mention.kind, mention.user_ids.as_slice()),
        (MentionKind::Users, [OURS.to_owned()].as_slice())
    );
    let other: Message = from_sdk(&mut events, &group, "the SDK's mention of another").await;
    assert!(
        !Mention::from_content_json(&other.content)
            .expect("a mention")
            .includes(OURS)
    );
    assert!(mentioned(), "a mention of us marks the group");
    ours.mark_read(&group).await.expect("read the group");
    assert!(!mentioned(), "reading the group clears it");

    // We mention the SDK's user.
    let mine = send_acked(
        &ours,
        &group,
        Outgoing::TextMentioning {
            text: "@sdk 收到 got it".into(),
            mention: Mention::users([SDK.to_owned()]),
        },
        DELIVERY,
    )
    .await;

    // The SDK mentions everyone: that is us too.
    let all: Message = from_sdk(&mut events, &group, "the SDK's @所有人").await;
    assert_eq!(
        Mention::from_content_json(&all.content).map(|m| m.kind),
        Some(MentionKind::All)
    );
    assert!(mentioned(), "@所有人 marks the group");

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    let received = report
        .received()
        .into_iter()
        .find(|m| m["messageUId"].as_str() == mine.uid.as_deref())
        .unwrap_or_else(|| panic!("the SDK did not get our mention\n{}", report.dump()));
    report.ensure(
        received["content"]["mentionedInfo"] == json!({ "type": 2, "userIdList": [SDK] })
            && received["content"]["content"] == "@sdk 收到 got it",
        format!("the SDK reads our mentionedInfo: {received}"),
    );
    // The server's history keeps it (the SDK's qryGMsg page).
    let history = report.nth_step("call", 2);
    let listed = history["data"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["messageUId"].as_str() == mine.uid.as_deref())
        .unwrap_or_else(|| panic!("our mention is not in the SDK's history\n{}", report.dump()));
    report.ensure(
        listed["content"]["mentionedInfo"] == json!({ "type": 2, "userIdList": [SDK] }),
        format!("the SDK's history has our mention: {listed}"),
    );
    // The SDK's message objects say isMentioned (the oracle's message summaries leave the
    // field out; its sendMessage result is the whole object).
    report.ensure(
        report.nth_step("call", 0)["data"]["isMentioned"] == true,
        "the SDK sent its mention with isMentioned",
    );
    // And its conversation is mentioned, one unread mention of its user.
    let mentioned_row = report.lines.iter().any(|l| {
        let c = &l["data"]["conversationList"][0]["conversation"];
        l["event"] == "CONVERSATION"
            && c["targetId"] == GROUP
            && c["hasMentioned"] == true
            && c["unreadMentionedCount"] == 1
            && c["mentionedInfo"] == json!({ "type": 2, "userIdList": [SDK] })
    });
    report.ensure(
        mentioned_row,
        "the SDK's CONVERSATION event has the group mentioned",
    );
}

/// The next message our client receives in `group`.
async fn from_sdk(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    group: &ConversationId,
    what: &str,
) -> Message {
    wait_event(events, what, DELIVERY, |e| match e {
        Event::MessageReceived { message } if message.conversation == *group => {
            Some(message.clone())
        }
        _ => None,
    })
    .await
}
