//! Replies, forwards, deletes and cleared histories through the real server, each client
//! on its real store: removals leave the store, the search index and the conversation row
//! consistent; a remote delete or clear reaches this user's other devices' history but
//! never the peer's; deleting for both sides is a recall marked `isDelete`.

use crate::support::*;
use rongchat_client::{ConversationId, DeleteScope, Event, Outgoing};
use rongchat_proto::content::{Content, object_name};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_follow_into_the_store_the_index_and_the_row() {
    let (env, alice, bob, mut bob_events) = alice_and_bob().await;
    let to_bob = ConversationId::private("bob");
    let from_alice = ConversationId::private("alice");
    for text in ["first 颐和园", "second 长城", "third 故宫"] {
        send_acked(&alice, &to_bob, Outgoing::Text(text.into())).await;
    }
    wait_unread(&mut bob_events, &from_alice, 3).await;
    let page = bob.history(&from_alice, None, 10).await.unwrap();
    let [first, second, third] = page.as_slice() else {
        panic!("three messages, got {page:?}")
    };

    // Local only: gone here (store, search, unread), still on the server.
    let removed = bob
        .delete_messages(&from_alice, &[third.local_id], DeleteScope::Local)
        .await
        .unwrap();
    assert_eq!(removed, vec![third.local_id]);
    assert!(bob.message(third.local_id).unwrap().is_none());
    assert!(
        bob.search("故宫", 10).unwrap().is_empty(),
        "the index follows"
    );
    let row = bob.conversation(&from_alice).unwrap().unwrap();
    assert_eq!(
        row.last_message.as_ref().map(|m| m.local_id),
        Some(second.local_id)
    );
    assert_eq!(row.unread, 2);
    // Another conversation's ids are not touched.
    let none = bob
        .delete_messages(
            &ConversationId::private("carol"),
            &[first.local_id],
            DeleteScope::Local,
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    assert!(bob.message(first.local_id).unwrap().is_some());

    // Remote: the server drops it from bob's history, so bob's phone never sees it.
    bob.delete_messages(&from_alice, &[second.local_id], DeleteScope::Remote)
        .await
        .unwrap();
    assert!(bob.search("长城", 10).unwrap().is_empty());
    let phone = env.client("bob", "phone").await;
    let texts = |page: &[rongchat_client::Message]| -> Vec<String> {
        page.iter()
            .filter_map(|m| match m.parsed() {
                Content::Text(t) => Some(t.content),
                _ => None,
            })
            .collect()
    };
    let on_phone = texts(&phone.history(&from_alice, None, 10).await.unwrap());
    assert_eq!(on_phone.len(), 2, "{on_phone:?}");
    assert!(
        !on_phone.iter().any(|t| t.contains("second")),
        "{on_phone:?}"
    );
    // The peer keeps everything.
    let alices = texts(&alice.history(&to_bob, None, 10).await.unwrap());
    assert_eq!(alices.len(), 3, "{alices:?}");
    let alice_phone = env.client("alice", "phone").await;
    assert_eq!(
        texts(&alice_phone.history(&to_bob, None, 10).await.unwrap()).len(),
        3
    );

    // Remote clear: nothing left for bob anywhere, the row stays, alice keeps hers.
    let (_, mut events) = bob.subscribe().unwrap();
    let cleared = bob.clear_history(&from_alice, true).await.unwrap();
    assert_eq!(cleared, vec![first.local_id]);
    let event = wait_for(&mut events, TIMEOUT, |e| match e {
        Event::MessagesRemoved {
            conversation,
            local_ids,
        } if conversation == &from_alice => Some(local_ids.clone()),
        _ => None,
    })
    .await;
    assert_eq!(event, vec![first.local_id]);
    let row = bob.conversation(&from_alice).unwrap().unwrap();
    assert!(row.last_message.is_none());
    assert_eq!(row.unread, 0);
    assert!(bob.history(&from_alice, None, 10).await.unwrap().is_empty());
    let tablet = env.client("bob", "tablet").await;
    assert!(
        tablet
            .history(&from_alice, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        texts(&alice.history(&to_bob, None, 10).await.unwrap()).len(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_forwards_and_deleting_for_both_sides() {
    let (env, alice, bob, mut bob_events) = alice_and_bob().await;
    let to_bob = ConversationId::private("bob");
    let from_alice = ConversationId::private("alice");
    let original = send_acked(&alice, &to_bob, Outgoing::Text("原文 question".into())).await;
    let received = next_message(&mut bob_events).await;

    // Bob replies: alice gets the quote; her search finds the reply's own text.
    let (_, mut alice_events) = alice.subscribe().unwrap();
    bob.reply(&received, "回复 answer").await.unwrap();
    let reply = next_message(&mut alice_events).await;
    assert_eq!(reply.object_name, object_name::REFERENCE);
    let Content::Reference(r) = reply.parsed() else {
        panic!("not a reply: {}", reply.content)
    };
    assert_eq!(r.quoted_text().as_deref(), Some("原文 question"));
    assert_eq!(r.refer_msg_uid.as_str(), original.uid.as_deref().unwrap());
    assert_eq!(alice.search("answer", 5).unwrap().len(), 1);

    // Bob forwards alice's message to carol: carol gets the same content from bob.
    let carol = env.client("carol", "desk").await;
    let (_, mut carol_events) = carol.subscribe().unwrap();
    let forwarded = bob
        .forward(&received, &ConversationId::private("carol"))
        .await
        .unwrap();
    assert_eq!(forwarded.content, received.content);
    let at_carol = next_message(&mut carol_events).await;
    assert_eq!(
        (at_carol.sender_id.as_str(), at_carol.content.as_str()),
        ("bob", received.content.as_str())
    );

    // Alice deletes hers for both sides: both stores hold the notice marked deleted.
    assert!(
        bob.delete_for_both(&received).await.is_err(),
        "only one's own"
    );
    alice.delete_for_both(&original).await.unwrap();
    let gone = wait_for(&mut bob_events, TIMEOUT, |e| match e {
        Event::MessageUpdated { message }
            if message.local_id == received.local_id
                && message.object_name == object_name::RECALL_NOTICE =>
        {
            Some(message.clone())
        }
        _ => None,
    })
    .await;
    let Content::RecallNotice(notice) = gone.parsed() else {
        panic!("not a notice: {}", gone.content)
    };
    assert!(notice.is_delete && notice.delete);
    assert!(!gone.content.contains("question"));
    drop(from_alice);
}

async fn next_message(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
) -> rongchat_client::Message {
    wait_for(events, TIMEOUT, |e| match e {
        Event::MessageReceived { message } => Some(message.clone()),
        _ => None,
    })
    .await
}
