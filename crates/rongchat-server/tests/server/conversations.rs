use crate::support::{Client, Fixture, text_of};
use rongchat_proto::pb;

pub async fn conversation_list(c: &mut Client, me: &str) -> Vec<pb::RelationInfo> {
    let out: pb::RelationsOutput = c
        .ask(
            me,
            "qryRelationR",
            pb::RelationQryInput {
                count: Some(20),
                start_time: Some(0),
                order: Some(0),
                compressio_enabled: Some(true),
                ..Default::default()
            },
        )
        .await;
    out.info
}

pub async fn mark_read(c: &mut Client, me: &str, channel_type: i32, target: &str, time: i64) {
    let ack = c
        .query(
            me,
            "updRRTime",
            pb::SessionMsgReadInput {
                r#type: channel_type,
                msg_time: time,
                channel_id: target.into(),
                bus_channel: None,
            },
        )
        .await;
    assert!(ack.status.is_success(), "updRRTime {:?}", ack.status);
}

#[tokio::test]
async fn list_has_last_message_and_unread_counts() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    let mut carol = fx.client("carol").await;
    bob.send_text("alice", "b1").await;
    bob.send_text("alice", "b2").await;
    carol.send_text("alice", "c1").await;
    alice.send_text("bob", "a1").await;

    let list = conversation_list(&mut alice, "alice").await;
    let summary: Vec<(String, i64, String)> = list
        .iter()
        .map(|r| {
            (
                r.user_id.clone(),
                r.unread_count.unwrap(),
                text_of(r.msg.as_ref().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("bob".to_owned(), 2, "a1".to_owned()),
            ("carol".to_owned(), 1, "c1".to_owned())
        ]
    );
    // Own last message: peer in fromUserId, direction 1.
    let last = list[0].msg.as_ref().unwrap();
    assert_eq!(
        (last.from_user_id.as_str(), last.direction),
        ("bob", Some(1))
    );
    let bobs = conversation_list(&mut bob, "bob").await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].unread_count, Some(1));
}

#[tokio::test]
async fn cleared_count_stays_cleared_on_every_device_and_after_restart() {
    let mut fx = Fixture::start().await;
    let mut phone = fx.client_on("alice", "android").await;
    let mut bob = fx.client("bob").await;
    bob.send_text("alice", "1").await;
    let last = bob.send_text("alice", "2").await;
    mark_read(&mut phone, "alice", 1, "bob", last.sent_time()).await;

    let mut desktop = fx.client_on("alice", "desktop").await;
    let list = conversation_list(&mut desktop, "alice").await;
    assert_eq!(list[0].unread_count, Some(0));
    assert_eq!(list[0].read_msg_time, Some(last.sent_time()));

    // A new message counts again; an older read time does not move the cursor back.
    bob.send_text("alice", "3").await;
    mark_read(&mut desktop, "alice", 1, "bob", 5).await;
    let list = conversation_list(&mut phone, "alice").await;
    assert_eq!(list[0].unread_count, Some(1));
    assert_eq!(list[0].read_msg_time, Some(last.sent_time()));

    let port = fx.addr().port();
    drop((phone, desktop, bob));
    fx = crate::restart::restart(fx, port).await;
    let mut again = fx.client("alice").await;
    let list = conversation_list(&mut again, "alice").await;
    assert_eq!(list[0].unread_count, Some(1));
    assert_eq!(list[0].read_msg_time, Some(last.sent_time()));
}

#[tokio::test]
async fn deleted_conversations_leave_the_list_until_a_new_message() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    bob.send_text("alice", "hi").await;
    alice.send_text("carol", "hey").await;
    let ack = alice
        .query(
            "alice",
            "delSessions",
            pb::DeleteSessionsInput {
                sessions: vec![pb::SessionInfo {
                    r#type: 1,
                    channel_id: "bob".into(),
                    unread_count: None,
                    bus_channel: None,
                }],
            },
        )
        .await;
    assert!(ack.status.is_success());
    let list = conversation_list(&mut alice, "alice").await;
    let ids: Vec<&str> = list.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(ids, ["carol"]);
    bob.send_text("alice", "again").await;
    let list = conversation_list(&mut alice, "alice").await;
    assert_eq!(list[0].user_id, "bob");
    assert_eq!(list[0].unread_count, Some(1));
}

#[tokio::test]
async fn a_message_that_keeps_the_last_one_only_counts() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    bob.send_text("alice", "shown").await;
    // optionBits 1: disableUpdateLastMessage.
    let quiet = pb::UpStreamMessage {
        option_bits: Some(1),
        ..crate::support::text_message("hidden")
    };
    let ack = bob.publish("ppMsgP", "alice", quiet).await;
    assert!(ack.status.is_success());

    let list = conversation_list(&mut alice, "alice").await;
    assert_eq!(list.len(), 1);
    assert_eq!(text_of(list[0].msg.as_ref().unwrap()), "shown");
    assert_eq!(list[0].unread_count, Some(2));
}
