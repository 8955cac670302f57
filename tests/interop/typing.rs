//! Typing status both ways between the official SDK and our client: the SDK's
//! `sendTypingStatusMessage` reaches us as `Event::Typing` (and nothing is stored), and
//! our `notify_typing` raises the SDK's `TYPING_STATUS` with our user in the list.

use rongchat_client::{ConversationId, Event};
use rongchat_tests::ours::wait_event;
use serde_json::json;

use crate::fixtures::{DELIVERY, OURS, RUN_LIMIT, SDK, connect_ours};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_crosses_between_the_sdk_and_our_client() {
    let (server, ours, mut events, _data) = connect_ours().await;
    let to_ours = json!({ "$conversation": { "type": "private", "target": OURS } });
    let steps = json!({ "steps": [
        { "op": "call", "fn": "sendTypingStatusMessage", "args": [to_ours, "RC:TxtMsg"] },
        { "op": "waitEvent", "event": "TYPING_STATUS", "timeoutMs": 30000 },
        { "op": "conversations" },
    ]});
    let sdk = server.oracle(SDK, SDK, &steps);

    // The SDK types: we see it, and it stops again once its report runs out.
    let with_sdk = ConversationId::private(SDK);
    let started = wait_event(&mut events, "the SDK typing", DELIVERY, |e| match e {
        Event::Typing {
            conversation,
            user_id,
            typing: true,
        } if *conversation == with_sdk && user_id == SDK => Some(()),
        _ => None,
    });
    started.await;

    // We type (twice: the second is throttled); the SDK sees us typing.
    ours.notify_typing(&with_sdk);
    ours.notify_typing(&with_sdk);
    let stopped = wait_event(
        &mut events,
        "the SDK's typing ran out",
        DELIVERY,
        |e| match e {
            Event::Typing {
                conversation,
                typing: false,
                ..
            } if *conversation == with_sdk => Some(()),
            Event::MessageReceived { message } => panic!("a typing status was stored: {message:?}"),
            _ => None,
        },
    );
    stopped.await;
    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    let typing: Vec<_> = report
        .lines
        .iter()
        .filter(|l| l["event"] == "TYPING_STATUS")
        .collect();
    report.ensure(
        typing.iter().any(|l| {
            l["data"]["status"].as_array().is_some_and(|s| {
                s.iter().any(|c| {
                    c["targetId"] == OURS
                        && c["list"].as_array().is_some_and(|list| {
                            list.iter()
                                .any(|u| u["userId"] == OURS && u["messageType"] == "RC:TxtMsg")
                        })
                })
            })
        }),
        "the SDK saw our user typing",
    );
    report.ensure(
        report.received().is_empty(),
        "the SDK received no message (a typing status is no message)",
    );
    // Nothing stored on our side either.
    let conversation = ours.conversation(&with_sdk).expect("store");
    assert!(conversation.is_none(), "{conversation:?}");
}
