//! Local search through the real server: a received message becomes searchable at once,
//! the sender's own copy too, a recall takes it out of both indexes, and "open in context"
//! returns the history around the hit.

use crate::support::*;
use rongchat_client::{ConversationId, Event, Outgoing};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_received_message_becomes_searchable_and_a_recall_removes_it() {
    let (_env, alice, bob, mut bob_events) = alice_and_bob().await;
    let to_bob = ConversationId::private("bob");
    let from_alice = ConversationId::private("alice");
    send_acked(&alice, &to_bob, Outgoing::Text("先说点别的".into())).await;
    let sent = send_acked(&alice, &to_bob, Outgoing::Text("周五去颐和园划船".into())).await;
    send_acked(&alice, &to_bob, Outgoing::Text("然后吃饭".into())).await;
    wait_unread(&mut bob_events, &from_alice, 3).await;

    let hits = bob.search("颐和园", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit.conversation, from_alice);
    assert_eq!(hit.sender_id, "alice");
    assert_eq!(hit.sent_time, sent.sent_time);
    assert!(hit.snippet.contains("颐和园"), "{}", hit.snippet);
    assert_eq!(
        alice.search("颐和园", 10).unwrap()[0].local_id,
        sent.local_id
    );

    let around = bob.around(hit.local_id, 5, 5).unwrap().unwrap();
    let texts: Vec<_> = around.iter().map(|m| m.content.clone()).collect();
    assert_eq!(around.len(), 3, "{texts:?}");
    assert_eq!(around[1].local_id, hit.local_id);
    assert!(texts[0].contains("先说点别的") && texts[2].contains("然后吃饭"));

    alice.recall(&sent).await.unwrap();
    wait_for(&mut bob_events, TIMEOUT, |e| match e {
        Event::MessageUpdated { message } if message.local_id == hit.local_id => Some(()),
        _ => None,
    })
    .await;
    assert!(bob.search("颐和园", 10).unwrap().is_empty());
    eventually(TIMEOUT, || alice.search("颐和园", 10).unwrap().is_empty()).await;
}
