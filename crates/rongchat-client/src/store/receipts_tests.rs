use super::*;
use crate::model::Incoming;

fn message(uid: &str, conversation: ConversationId, sender: &str, me: bool, time: i64) -> Incoming {
    Incoming {
        uid: Some(uid.into()),
        conversation,
        sender_id: sender.into(),
        direction: if me {
            Direction::Send
        } else {
            Direction::Receive
        },
        object_name: "RC:TxtMsg".into(),
        content: format!(r#"{{"content":"{uid}"}}"#),
        sent_time: time,
        client_unique_id: None,
        persisted: true,
        counted: true,
    }
}

/// A file store, as the app has (WAL and all), with its folder.
fn store_with(batch: &[Incoming]) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
    store.apply_incoming(batch, None).unwrap();
    (store, dir)
}

#[test]
fn a_private_read_owes_one_receipt_for_the_newest_message_read() {
    let bob = ConversationId::private("bob");
    let (mut store, _dir) = store_with(&[
        message("b1", bob.clone(), "bob", false, 10),
        message("me1", bob.clone(), "me", true, 15),
        message("b2", bob.clone(), "bob", false, 20),
    ]);
    // Reading up to 15 covers bob's first message only.
    assert!(store.queue_read_receipts(&bob, 15).unwrap());
    assert_eq!(
        store.pending_receipts().unwrap(),
        [PendingReceipt::Private {
            peer: "bob".into(),
            uid: "b1".into(),
            time: 10
        }]
    );
    // Reading everything moves the owed receipt to the newest one.
    assert!(store.queue_read_receipts(&bob, 20).unwrap());
    let pending = store.pending_receipts().unwrap();
    assert_eq!(
        pending,
        [PendingReceipt::Private {
            peer: "bob".into(),
            uid: "b2".into(),
            time: 20
        }]
    );
    store.receipt_done(&pending[0]).unwrap();
    assert!(store.pending_receipts().unwrap().is_empty());
    // Nothing new from bob: reading again owes nothing.
    assert!(!store.queue_read_receipts(&bob, 30).unwrap());
    assert!(store.pending_receipts().unwrap().is_empty());
}

#[test]
fn a_receipt_from_another_device_is_not_sent_again() {
    let bob = ConversationId::private("bob");
    let (mut store, _dir) = store_with(&[message("b1", bob.clone(), "bob", false, 10)]);
    store.receipt_told_elsewhere("bob", "b1", 10).unwrap();
    assert!(!store.queue_read_receipts(&bob, 10).unwrap());
    assert!(store.pending_receipts().unwrap().is_empty());
}

#[test]
fn the_peer_read_time_only_moves_on() {
    let (mut store, dir) = store_with(&[]);
    let bob = ConversationId::private("bob");
    assert_eq!(store.receipts_in(&bob).unwrap().peer_read_time, 0);
    assert!(store.peer_read("bob", 50).unwrap());
    assert!(!store.peer_read("bob", 40).unwrap());
    assert!(!store.peer_read("bob", 50).unwrap());
    assert_eq!(store.receipts_in(&bob).unwrap().peer_read_time, 50);
    // Survives a reopen.
    drop(store);
    let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
    assert_eq!(store.receipts_in(&bob).unwrap().peer_read_time, 50);
}

#[test]
fn group_requests_are_answered_once_read_and_once_only() {
    let team = ConversationId::group("team");
    let (mut store, _dir) = store_with(&[
        message("a1", team.clone(), "alice", false, 10),
        message("c1", team.clone(), "carol", false, 30),
    ]);
    // Not read yet: waits.
    assert!(!store.receipt_requested("team", "a1", "alice", 11).unwrap());
    assert!(store.pending_receipts().unwrap().is_empty());
    // Reading the group past it makes it due.
    assert!(store.queue_read_receipts(&team, 30).unwrap());
    store.mark_read(&team, 30).unwrap();
    // Already read past carol's: due at once.
    assert!(store.receipt_requested("team", "c1", "carol", 31).unwrap());
    let pending = store.pending_receipts().unwrap();
    let mut answers = BTreeMap::new();
    answers.insert("alice".to_owned(), vec!["a1".to_owned()]);
    answers.insert("carol".to_owned(), vec!["c1".to_owned()]);
    assert_eq!(
        pending,
        [PendingReceipt::Group {
            group: "team".into(),
            answers: answers.clone()
        }]
    );
    store.receipt_done(&pending[0]).unwrap();
    assert!(store.pending_receipts().unwrap().is_empty());
    // A repeated request for an answered message is not answered twice.
    assert!(!store.receipt_requested("team", "a1", "alice", 40).unwrap());
    assert!(!store.queue_read_receipts(&team, 50).unwrap());
    assert!(store.pending_receipts().unwrap().is_empty());
}

#[test]
fn answers_from_another_device_close_the_requests() {
    let team = ConversationId::group("team");
    let (mut store, _dir) = store_with(&[message("a1", team.clone(), "alice", false, 10)]);
    store.receipt_requested("team", "a1", "alice", 11).unwrap();
    let mut answers = BTreeMap::new();
    answers.insert("alice".to_owned(), vec!["a1".to_owned()]);
    store.answered("team", &answers).unwrap();
    assert!(!store.queue_read_receipts(&team, 20).unwrap());
    assert!(store.pending_receipts().unwrap().is_empty());
}

#[test]
fn readers_of_our_asked_messages_are_kept_in_order() {
    let team = ConversationId::group("team");
    let (mut store, _dir) = store_with(&[
        message("m1", team.clone(), "me", true, 10),
        message("a1", team.clone(), "alice", false, 12),
    ]);
    store.receipt_asked("team", "m1", 11).unwrap();
    let state = store.receipts_in(&team).unwrap();
    assert_eq!(state.asked.len(), 1);
    assert!(state.asked[0].readers.is_empty());

    let changed = store
        .receipts_read_by(
            "team",
            &["m1".into(), "a1".into(), "nope".into()],
            "bob",
            20,
        )
        .unwrap();
    // Only our own message counts; alice's and an unknown uid are ignored.
    assert_eq!(
        changed,
        [GroupReceipt {
            conversation: team.clone(),
            message_uid: "m1".into(),
            readers: vec!["bob".into()]
        }]
    );
    // A repeat is no change; a second reader adds to the list.
    assert!(
        store
            .receipts_read_by("team", &["m1".into()], "bob", 21)
            .unwrap()
            .is_empty()
    );
    let changed = store
        .receipts_read_by("team", &["m1".into()], "carol", 22)
        .unwrap();
    assert_eq!(changed[0].readers, ["bob", "carol"]);
    assert_eq!(
        store.receipts_in(&team).unwrap().asked[0].readers,
        ["bob", "carol"]
    );
}
