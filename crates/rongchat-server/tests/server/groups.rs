use crate::history::group_history;
use crate::support::{Fixture, text_message, text_of};
use rongchat_proto::status::AckStatus;

#[tokio::test]
async fn group_messages_reach_members_only() {
    let fx = Fixture::start().await;
    fx.server
        .create_group("g1", "Group one", &["alice", "bob", "carol"])
        .unwrap();
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    let mut carol = fx.client("carol").await;
    let mut dave = fx.client("dave").await;

    let ack = alice
        .publish("pgMsgP", "g1", text_message("hi group"))
        .await;
    assert!(ack.status.is_success());
    for (c, me) in [(&mut bob, "bob"), (&mut carol, "carol")] {
        c.expect_publish("s_ntf").await;
        let pulled = c.pull(me, 0, 0).await;
        assert_eq!(pulled.list.len(), 1);
        let m = &pulled.list[0];
        assert_eq!(
            (m.r#type, m.from_user_id.as_str(), m.group_id.as_deref()),
            (3, "alice", Some("g1"))
        );
    }
    let own = alice.pull("alice", 0, 0).await;
    assert_eq!(own.list[0].direction, Some(1));
    assert_eq!(own.list[0].group_id.as_deref(), Some("g1"));

    let h = group_history(&mut carol, "carol", "g1").await;
    assert_eq!(h.list.iter().map(text_of).collect::<Vec<_>>(), ["hi group"]);

    // Non-members and unknown groups get 22406.
    let ack = dave
        .publish("pgMsgP", "g1", text_message("let me in"))
        .await;
    assert_eq!(ack.status, AckStatus::NotInGroup);
    let ack = dave.publish("pgMsgP", "nope", text_message("?")).await;
    assert_eq!(ack.status, AckStatus::NotInGroup);
    assert!(group_history(&mut dave, "dave", "g1").await.list.is_empty());

    // After quitting, Carol can no longer send.
    fx.server.quit_group("g1", &["carol"]).unwrap();
    let ack = carol.publish("pgMsgP", "g1", text_message("bye")).await;
    assert_eq!(ack.status, AckStatus::NotInGroup);
    fx.server.join_group("g1", &["dave"]).unwrap();
    let ack = dave.publish("pgMsgP", "g1", text_message("joined")).await;
    assert!(ack.status.is_success());
}
