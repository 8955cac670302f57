//! Recall through the real server: the sender's and the receiver's stores both end with the
//! `RC:RcNtf` notice in place of the text, and the unread count follows.

use crate::support::*;
use rongchat_client::{ConversationId, Event, Outgoing, SendStatus};
use rongchat_proto::content::object_name;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recalled_text_becomes_the_notice_on_both_sides() {
    let (_env, alice, bob, mut bob_events) = alice_and_bob().await;
    let to_bob = ConversationId::private("bob");
    let from_alice = ConversationId::private("alice");
    let sent = send_acked(&alice, &to_bob, Outgoing::Text("a secret plan".into())).await;
    assert_eq!(sent.status, SendStatus::Sent);
    wait_unread(&mut bob_events, &from_alice, 1).await;

    // Bob cannot recall Alice's message.
    let theirs = bob.history(&from_alice, None, 10).await.unwrap();
    assert!(bob.recall(&theirs[0]).await.is_err());

    let (_, mut alice_events) = alice.subscribe().unwrap();
    alice.recall(&sent).await.unwrap();
    let is_notice = |e: &Event, id: i64| match e {
        Event::MessageUpdated { message }
            if message.local_id == id && message.object_name == object_name::RECALL_NOTICE =>
        {
            Some(message.clone())
        }
        _ => None,
    };
    let mine = wait_for(&mut alice_events, TIMEOUT, |e| is_notice(e, sent.local_id)).await;
    assert!(!mine.content.contains("secret"), "{}", mine.content);
    let received = theirs[0].local_id;
    let at_bob = wait_for(&mut bob_events, TIMEOUT, |e| is_notice(e, received)).await;
    assert!(
        at_bob.content.contains("\"operatorId\":\"alice\""),
        "{}",
        at_bob.content
    );
    wait_unread(&mut bob_events, &from_alice, 0).await;
    // The text is gone from the store, not only from the event.
    let stored = bob.message(received).unwrap().unwrap();
    assert_eq!(stored.object_name, object_name::RECALL_NOTICE);
    assert!(!stored.content.contains("secret"));
    let history = bob.history(&from_alice, None, 10).await.unwrap();
    assert_eq!(
        history.len(),
        1,
        "the recall command itself is not a message"
    );
}
