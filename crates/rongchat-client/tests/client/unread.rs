//! Clearing unread on one device clears it on the others, and it stays cleared after
//! restarts; removing a conversation.

use crate::support::*;
use rongchat_client::{Client, ConversationId, Event, Outgoing};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_cleared_on_one_device_is_cleared_everywhere_and_after_restart() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let bob_desk = env.client("bob", "desk").await;
    let bob_phone = env.client("bob", "phone").await;
    let to_bob = ConversationId::private("bob");
    let from_alice = ConversationId::private("alice");
    for i in 0..3 {
        send_acked(&alice, &to_bob, Outgoing::Text(format!("n{i}"))).await;
    }
    let unread = |c: &Client| c.conversation(&from_alice).unwrap().map(|c| c.unread);
    eventually(TIMEOUT, || {
        unread(&bob_desk) == Some(3) && unread(&bob_phone) == Some(3)
    })
    .await;

    let (_, mut phone_events) = bob_phone.subscribe().unwrap();
    bob_desk.mark_read(&from_alice).await.unwrap();
    assert_eq!(unread(&bob_desk), Some(0));
    wait_unread(&mut phone_events, &from_alice, 0).await;

    // Restart both devices: still cleared, and a message after that counts again.
    drop(bob_desk);
    drop(bob_phone);
    let bob_desk = connected(env.config("bob", "desk")).await;
    let bob_phone = connected(env.config("bob", "phone")).await;
    assert_eq!(unread(&bob_desk), Some(0));
    assert_eq!(unread(&bob_phone), Some(0));

    // A brand-new device pulls the messages and the read sync: nothing unread.
    let tablet = Client::open(env.config("bob", "tablet")).unwrap();
    let (_, mut tablet_events) = tablet.subscribe().unwrap();
    tablet.connect();
    wait_for(&mut tablet_events, TIMEOUT, |e| {
        matches!(e, Event::SyncFinished).then_some(())
    })
    .await;
    assert_eq!(unread(&tablet), Some(0));
    assert_eq!(
        tablet.history(&from_alice, None, 10).await.unwrap().len(),
        3
    );

    send_acked(&alice, &to_bob, Outgoing::Text("new".into())).await;
    eventually(TIMEOUT, || {
        unread(&bob_desk) == Some(1) && unread(&bob_phone) == Some(1)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_and_removed_conversations() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let bob = env.client("bob", "desk").await;
    let from_alice = ConversationId::private("alice");
    send_acked(
        &alice,
        &ConversationId::private("bob"),
        Outgoing::Text("x".into()),
    )
    .await;
    eventually(TIMEOUT, || bob.conversations().unwrap().len() == 1).await;
    bob.set_draft(&from_alice, "typing...").unwrap();
    bob.set_pinned(&from_alice, true).unwrap();
    bob.set_muted(&from_alice, true).unwrap();
    let row = &bob.conversations().unwrap()[0];
    assert_eq!(
        (row.draft.as_str(), row.pinned, row.muted),
        ("typing...", true, true)
    );
    bob.remove_conversation(&from_alice).await.unwrap();
    assert!(bob.conversations().unwrap().is_empty());
    drop(bob);
    let bob = connected(env.config("bob", "desk")).await;
    assert!(
        bob.conversations().unwrap().is_empty(),
        "stays removed after a restart"
    );
    send_acked(
        &alice,
        &ConversationId::private("bob"),
        Outgoing::Text("again".into()),
    )
    .await;
    eventually(TIMEOUT, || bob.conversations().unwrap().len() == 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_made_offline_reaches_the_other_devices_on_reconnect() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let bob_desk = env.client("bob", "desk").await;
    let bob_phone = env.client("bob", "phone").await;
    let from_alice = ConversationId::private("alice");
    for i in 0..2 {
        send_acked(
            &alice,
            &ConversationId::private("bob"),
            Outgoing::Text(format!("o{i}")),
        )
        .await;
    }
    let unread = |c: &Client| c.conversation(&from_alice).unwrap().map(|c| c.unread);
    eventually(TIMEOUT, || {
        unread(&bob_desk) == Some(2) && unread(&bob_phone) == Some(2)
    })
    .await;

    bob_desk.disconnect();
    eventually(TIMEOUT, || {
        bob_desk.status() == rongchat_client::ConnectionStatus::Disconnected
    })
    .await;
    bob_desk.mark_read(&from_alice).await.unwrap();
    assert_eq!(unread(&bob_desk), Some(0));
    // Kept across a restart of the offline device, then sent on its next connect.
    drop(bob_desk);
    let (_, mut phone_events) = bob_phone.subscribe().unwrap();
    let _bob_desk = connected(env.config("bob", "desk")).await;
    wait_unread(&mut phone_events, &from_alice, 0).await;
}
