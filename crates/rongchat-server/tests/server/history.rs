use crate::support::{Fixture, text_of};
use rongchat_proto::pb;

async fn history(
    c: &mut crate::support::Client,
    me: &str,
    topic: &str,
    target: &str,
    time: i64,
    count: i32,
    order: i32,
) -> pb::HistoryMsgOuput {
    c.ask(
        me,
        topic,
        pb::HistoryMsgInput {
            target_id: Some(target.into()),
            time: Some(time),
            count: Some(count),
            order: Some(order),
            compressio_enabled: Some(true),
            ignore_cmd: Some(true),
            ..Default::default()
        },
    )
    .await
}

pub async fn private_history(
    c: &mut crate::support::Client,
    me: &str,
    target: &str,
    time: i64,
    count: i32,
) -> pb::HistoryMsgOuput {
    history(c, me, "qryPMsg", target, time, count, 0).await
}

pub async fn group_history(
    c: &mut crate::support::Client,
    me: &str,
    group: &str,
) -> pb::HistoryMsgOuput {
    history(c, me, "qryGMsg", group, 0, 20, 0).await
}

#[tokio::test]
async fn history_pages_newest_first() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    for i in 0..5 {
        alice.send_text("bob", &format!("a{i}")).await;
        bob.send_text("alice", &format!("b{i}")).await;
    }
    alice.send_text("carol", "not in this conversation").await;

    let first = private_history(&mut alice, "alice", "bob", 0, 4).await;
    let texts: Vec<String> = first.list.iter().map(text_of).collect();
    assert_eq!(texts, ["b4", "a4", "b3", "a3"]);
    assert_eq!(first.has_msg, 1);
    assert_eq!(first.list[1].direction, Some(1));
    assert_eq!(first.list[0].direction, Some(0));

    let oldest = first.list.last().unwrap().data_time;
    let second = private_history(&mut alice, "alice", "bob", oldest, 4).await;
    let texts: Vec<String> = second.list.iter().map(text_of).collect();
    assert_eq!(texts, ["b2", "a2", "b1", "a1"]);
    assert_eq!(second.has_msg, 1);

    let oldest = second.list.last().unwrap().data_time;
    let last = private_history(&mut alice, "alice", "bob", oldest, 4).await;
    let texts: Vec<String> = last.list.iter().map(text_of).collect();
    assert_eq!(texts, ["b0", "a0"]);
    assert_eq!(last.has_msg, 0);

    // Ascending order after a time.
    let newer = history(&mut alice, "alice", "qryPMsg", "bob", oldest, 3, 1).await;
    let texts: Vec<String> = newer.list.iter().map(text_of).collect();
    assert_eq!(texts, ["b1", "a2", "b2"]);
    assert_eq!(newer.has_msg, 1);

    // Bob sees the same conversation from his side.
    let bobs = private_history(&mut bob, "bob", "alice", 0, 20).await;
    assert_eq!(bobs.list.len(), 10);
    assert_eq!(bobs.has_msg, 0);
}

#[tokio::test]
async fn non_persisted_messages_stay_out_of_history() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut cmd = crate::support::text_message("command");
    cmd.session_id = 0;
    cmd.classname = "RC:CmdMsg".into();
    assert!(
        alice
            .publish("ppMsgP", "bob", cmd)
            .await
            .status
            .is_success()
    );
    let h = private_history(&mut alice, "alice", "bob", 0, 20).await;
    assert!(h.list.is_empty());
    // ... but the recipient still pulls it.
    let mut bob = fx.client("bob").await;
    assert_eq!(bob.pull("bob", 0, 0).await.list.len(), 1);
}
