//! Read receipts checked against the authenticated sender (`src/receipts.rs`): a receipt
//! names a message of the sender's own conversation, a group request one's own message,
//! a group answer goes from a member to the askers only; none is in history.

use crate::history::group_history;
use crate::support::{Fixture, text_message};
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;

fn receipt(classname: &str, content: String) -> pb::UpStreamMessage {
    pb::UpStreamMessage {
        session_id: 0,
        classname: classname.into(),
        content,
        ..Default::default()
    }
}

fn read_ntf(uid: &str, time: i64) -> pb::UpStreamMessage {
    receipt(
        "RC:ReadNtf",
        format!(r#"{{"messageUId":"{uid}","lastMessageSendTime":{time},"type":1}}"#),
    )
}

#[tokio::test]
async fn a_private_receipt_names_a_message_of_its_own_chat() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    let mut carol = fx.client("carol").await;
    let to_bob = alice.send_text("bob", "read me").await;
    let to_carol = alice.send_text("carol", "for carol").await;

    // Bob reads alice's message: she gets the receipt by pull, as a non-persisted message.
    let ack = bob
        .publish(
            "ppMsgP",
            "alice",
            read_ntf(&to_bob.message_uid, to_bob.sent_time()),
        )
        .await;
    assert!(ack.status.is_success(), "{:?}", ack.status);
    let pulled = alice.pull("alice", 0, 0).await;
    let got = pulled
        .list
        .iter()
        .find(|m| m.classname == "RC:ReadNtf")
        .expect("alice pulls bob's receipt");
    assert_eq!((got.from_user_id.as_str(), got.status & 16), ("bob", 0));

    // Carol's message named in a receipt from bob, junk, or a receipt in a group: refused.
    let foreign = read_ntf(&to_carol.message_uid, to_carol.sent_time());
    assert_eq!(
        bob.publish("ppMsgP", "alice", foreign).await.status,
        AckStatus::ParameterInvalid
    );
    assert_eq!(
        bob.publish("ppMsgP", "alice", read_ntf("nope", 1))
            .await
            .status,
        AckStatus::ParameterInvalid
    );
    let junk = receipt("RC:ReadNtf", "not json".into());
    assert_eq!(
        carol.publish("ppMsgP", "alice", junk).await.status,
        AckStatus::ParameterInvalid
    );
}

#[tokio::test]
async fn group_requests_and_answers_reach_only_whom_they_should() {
    let fx = Fixture::start().await;
    fx.server
        .create_group("g", "Group", &["alice", "bob", "carol"])
        .unwrap();
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    let mut carol = fx.client("carol").await;
    let mut dave = fx.client("dave").await;
    let ack = alice.publish("pgMsgP", "g", text_message("who read")).await;
    let uid = ack.message_uid.clone();
    let bobs = bob.publish("pgMsgP", "g", text_message("mine")).await;

    // Only the sender may ask about a message.
    let request = |uid: &str| receipt("RC:RRReqMsg", format!(r#"{{"messageUId":"{uid}"}}"#));
    assert!(
        alice
            .publish("pgMsgP", "g", request(&uid))
            .await
            .status
            .is_success()
    );
    assert_eq!(
        carol.publish("pgMsgP", "g", request(&uid)).await.status,
        AckStatus::ParameterInvalid
    );

    // Bob answers alice; the answer reaches alice, not carol (even if toUserIds says so).
    let answer = |asker: &str, uid: &str| {
        let mut up = receipt(
            "RC:RRRspMsg",
            format!(r#"{{"receiptMessageDic":{{"{asker}":["{uid}"]}}}}"#),
        );
        up.to_user_ids = vec!["alice".into(), "carol".into()];
        up
    };
    assert!(
        bob.publish("pgMsgP", "g", answer("alice", &uid))
            .await
            .status
            .is_success()
    );
    let pulled = alice.pull("alice", 0, 0).await;
    assert!(
        pulled
            .list
            .iter()
            .any(|m| m.classname == "RC:RRRspMsg" && m.from_user_id == "bob")
    );
    let pulled = carol.pull("carol", 0, 0).await;
    assert!(
        pulled.list.iter().all(|m| m.classname != "RC:RRRspMsg"),
        "carol got an answer meant for alice"
    );
    assert!(pulled.list.iter().any(|m| m.classname == "RC:RRReqMsg"));

    // A non-member may not answer; nobody answers for a message its key did not send.
    assert_eq!(
        dave.publish("pgMsgP", "g", answer("alice", &uid))
            .await
            .status,
        AckStatus::NotInGroup
    );
    assert_eq!(
        carol
            .publish("pgMsgP", "g", answer("alice", &bobs.message_uid))
            .await
            .status,
        AckStatus::ParameterInvalid
    );
    // None of it is history.
    let h = group_history(&mut carol, "carol", "g").await;
    assert!(h.list.iter().all(|m| !m.classname.starts_with("RC:RR")));
}
