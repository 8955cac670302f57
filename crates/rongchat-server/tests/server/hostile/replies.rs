//! A poisoned inbox: large messages never make a reply larger than the byte budget, pages
//! continue exactly where they were cut, and a normal text after the flood arrives.

use crate::support::{Client, Fixture, text_message, text_of};
use prost::Message as _;
use rongchat_proto::pb;
use rongchat_server::config::{MAX_CONTENT_BYTES, MAX_EXTRA_BYTES, MAX_REPLY_BYTES};
use std::collections::HashSet;

const FLOOD: usize = 70;

/// The largest message the limits allow: a 128 KB content and a 16 KB extraContent.
pub(super) fn big_message(i: usize) -> pb::UpStreamMessage {
    let filler = MAX_CONTENT_BYTES - 64;
    let content = serde_json::json!({ "content": format!("{i:04}{}", "x".repeat(filler)) });
    let content = content.to_string();
    assert!(content.len() <= MAX_CONTENT_BYTES);
    pb::UpStreamMessage {
        extra_content: Some("e".repeat(MAX_EXTRA_BYTES)),
        push_text: Some("p".repeat(1024)),
        content,
        ..text_message("")
    }
}

/// Pages of `pullMsg` from (0, 0) until finished: every message once, and the largest
/// reply's size.
async fn pull_all(c: &mut Client, me: &str) -> (Vec<pb::DownStreamMessage>, usize, usize) {
    let (mut inbox, mut outbox) = (0, 0);
    let (mut all, mut largest, mut pages) = (Vec::new(), 0, 0);
    loop {
        pages += 1;
        assert!(pages < 100, "pull did not finish");
        let ack = c
            .query(
                me,
                "pullMsg",
                pb::SyncRequestMsg {
                    sync_time: inbox,
                    ispolling: false,
                    is_pull_send: Some(true),
                    send_box_sync_time: Some(outbox),
                    ..Default::default()
                },
            )
            .await;
        assert!(ack.status.is_success());
        largest = largest.max(ack.payload.len());
        let page: pb::DownStreamMessages = pb::decode_checked(&ack.payload).unwrap();
        inbox = page.sync_time;
        for m in &page.list {
            if m.direction == Some(1) {
                outbox = outbox.max(m.data_time);
            }
        }
        let finished = page.finished.unwrap_or(true);
        all.extend(page.list);
        if finished {
            return (all, largest, pages);
        }
    }
}

fn assert_once_in_order(list: &[pb::DownStreamMessage]) {
    let uids: HashSet<_> = list.iter().map(|m| m.msg_id.clone()).collect();
    assert_eq!(uids.len(), list.len(), "a message came twice");
    assert!(list.windows(2).all(|w| w[0].data_time < w[1].data_time));
}

#[tokio::test]
async fn a_flood_of_the_largest_messages_pages_within_the_budget() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    // Given 70 of the largest messages from alice to bob,
    for i in 0..FLOOD {
        let ack = alice.publish("ppMsgP", "bob", big_message(i)).await;
        assert!(ack.status.is_success(), "{:?}", ack.status);
    }

    // when bob pulls everything,
    let mut bob = fx.client("bob").await;
    let (got, largest, pages) = pull_all(&mut bob, "bob").await;
    eprintln!(
        "pullMsg after {FLOOD} messages of {} bytes: {pages} pages, largest reply {largest} bytes \
         (budget {MAX_REPLY_BYTES})",
        big_message(0).encoded_len()
    );
    // then every reply fits the budget and every message came once, in order;
    assert!(largest <= MAX_REPLY_BYTES, "{largest} bytes");
    assert!(pages > 1);
    assert_eq!(got.len(), FLOOD);
    assert_once_in_order(&got);
    for (i, m) in got.iter().enumerate() {
        assert!(text_of(m).starts_with(&format!("{i:04}")));
    }

    // and the sender's own outbox pages the same way;
    let (sent, largest_sent, _) = pull_all(&mut alice, "alice").await;
    eprintln!("alice's outbox pull: largest reply {largest_sent} bytes");
    assert!(largest_sent <= MAX_REPLY_BYTES);
    assert_eq!(sent.len(), FLOOD);
    assert_once_in_order(&sent);

    // and a normal text after the flood arrives.
    alice.send_text("bob", "after the flood").await;
    let (got, _, _) = pull_all(&mut bob, "bob").await;
    assert_eq!(got.len(), FLOOD + 1);
    assert_eq!(text_of(got.last().unwrap()), "after the flood");

    // History pages by bytes too, newest first, from where each page stopped.
    let (mut time, mut seen, mut largest_history) = (0, Vec::new(), 0);
    for _ in 0..100 {
        let ack = bob
            .query(
                "bob",
                "qryPMsg",
                pb::HistoryMsgInput {
                    target_id: Some("alice".into()),
                    time: Some(time),
                    count: Some(100),
                    order: Some(0),
                    ..Default::default()
                },
            )
            .await;
        assert!(ack.status.is_success());
        largest_history = largest_history.max(ack.payload.len());
        let page: pb::HistoryMsgOuput = pb::decode_checked(&ack.payload).unwrap();
        seen.extend(page.list.iter().map(|m| m.msg_id.clone()));
        time = page.sync_time;
        if page.has_msg == 0 {
            break;
        }
    }
    eprintln!("qryPMsg: largest reply {largest_history} bytes");
    assert!(largest_history <= MAX_REPLY_BYTES);
    assert_eq!(seen.len(), FLOOD + 1);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), FLOOD + 1);
}

#[tokio::test]
async fn the_conversation_list_pages_within_the_budget() {
    let fx = Fixture::start().await;
    const SENDERS: usize = 20;
    for i in 0..SENDERS {
        let mut c = fx.client(&format!("s{i}")).await;
        let ack = c.publish("ppMsgP", "bob", big_message(i)).await;
        assert!(ack.status.is_success());
    }
    let mut bob = fx.client("bob").await;
    let (mut start, mut seen, mut largest) = (0, HashSet::new(), 0);
    for _ in 0..SENDERS {
        let ack = bob
            .query(
                "bob",
                "qryRelationR",
                pb::RelationQryInput {
                    r#type: Some(1),
                    count: Some(1000),
                    start_time: Some(start),
                    ..Default::default()
                },
            )
            .await;
        assert!(ack.status.is_success());
        largest = largest.max(ack.payload.len());
        let page: pb::RelationsOutput = pb::decode_checked(&ack.payload).unwrap();
        for info in &page.info {
            assert!(seen.insert(info.user_id.clone()), "{} twice", info.user_id);
            start = info.version_time.unwrap();
        }
        if page.is_finished == Some(true) {
            break;
        }
    }
    eprintln!("conversation list of {SENDERS} big last messages: largest reply {largest} bytes");
    assert!(largest <= MAX_REPLY_BYTES);
    assert_eq!(seen.len(), SENDERS);
}

#[tokio::test]
async fn every_field_of_a_message_is_bounded() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let too_big = [
        pb::UpStreamMessage {
            extra_content: Some("e".repeat(MAX_EXTRA_BYTES + 1)),
            ..text_message("extra")
        },
        pb::UpStreamMessage {
            push_text: Some("p".repeat(5 * 1024)),
            ..text_message("push")
        },
        pb::UpStreamMessage {
            app_data: Some("a".repeat(40 * 1024)),
            ..text_message("appData")
        },
        pb::UpStreamMessage {
            metadata: Some("m".repeat(40 * 1024)),
            ..text_message("metadata")
        },
    ];
    for m in too_big {
        let ack = alice.publish("ppMsgP", "bob", m).await;
        assert_eq!(ack.status.code(), 26010);
    }
    alice.send_text("bob", "still fine").await;
}
