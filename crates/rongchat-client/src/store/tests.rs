use super::*;
use crate::model::Incoming;
use crate::store::messages::Stored;
use crate::store::outbox::NewOutgoing;

fn received(uid: &str, from: &str, time: i64, cuid: Option<i64>) -> Incoming {
    Incoming {
        uid: Some(uid.into()),
        conversation: ConversationId::private(from),
        sender_id: from.into(),
        direction: Direction::Receive,
        object_name: "RC:TxtMsg".into(),
        content: format!(r#"{{"content":"{uid}"}}"#),
        sent_time: time,
        client_unique_id: cuid,
        persisted: true,
        counted: true,
    }
}

#[test]
fn a_limit_parameter_keeps_the_prepared_plan() {
    let store = Store::open_in_memory().unwrap();
    let mut stmt = store
        .conn
        .prepare_cached("SELECT local_id FROM outbox ORDER BY local_id LIMIT ?1")
        .unwrap();
    for limit in 1..=5 {
        stmt.query_map([limit], |r| r.get::<_, i64>(0))
            .unwrap()
            .for_each(drop);
    }
    assert_eq!(
        stmt.get_status(rusqlite::StatementStatus::RePrepare),
        0,
        "each new LIMIT re-prepared the statement"
    );
}

#[test]
fn migrations_run_once_and_reopen_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        let cursors = Cursors {
            inbox: 5,
            outbox: 6,
            broadcast: 7,
        };
        store
            .apply_incoming(&[received("u1", "bob", 5, None)], Some(cursors))
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    assert_eq!(
        store.cursors().unwrap(),
        Cursors {
            inbox: 5,
            outbox: 6,
            broadcast: 7
        }
    );
    assert_eq!(store.message_count().unwrap(), 1);
}

#[test]
fn a_bad_file_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    std::fs::write(
        &path,
        b"this is not a database, just some bytes of junk text....",
    )
    .unwrap();
    assert!(matches!(Store::open(&path), Err(Error::StoreOpen { .. })));
}

#[test]
fn incoming_is_deduplicated_by_uid_and_by_sender_cuid() {
    let mut store = Store::open_in_memory().unwrap();
    let first = store
        .apply_incoming(&[received("u1", "bob", 10, Some(77))], None)
        .unwrap();
    assert!(matches!(first.stored[0], Stored::New(_)));
    let again = store
        .apply_incoming(
            &[
                received("u1", "bob", 10, Some(77)),
                // The server stored a resend under a new uid: same sender + cuid.
                received("u2", "bob", 11, Some(77)),
            ],
            None,
        )
        .unwrap();
    assert_eq!(again.stored, [Stored::Duplicate, Stored::Duplicate]);
    assert!(again.conversations.is_empty());
    assert_eq!(store.message_count().unwrap(), 1);
    let conv = store
        .conversation(&ConversationId::private("bob"))
        .unwrap()
        .unwrap();
    assert_eq!(conv.unread, 1);
}

#[test]
fn unread_counts_and_clears_and_read_time_never_goes_back() {
    let mut store = Store::open_in_memory().unwrap();
    let bob = ConversationId::private("bob");
    let batch: Vec<_> = (1..=5)
        .map(|i| received(&format!("u{i}"), "bob", i * 10, None))
        .collect();
    store.apply_incoming(&batch, None).unwrap();
    assert_eq!(store.conversation(&bob).unwrap().unwrap().unread, 5);
    let conv = store.mark_read(&bob, 30).unwrap().unwrap();
    assert_eq!((conv.unread, conv.read_time), (2, 30));
    let conv = store.mark_read(&bob, 10).unwrap().unwrap();
    assert_eq!((conv.unread, conv.read_time), (2, 30));
    let conv = store.mark_read(&bob, 50).unwrap().unwrap();
    assert_eq!(conv.unread, 0);
    // Older history does not count.
    store
        .insert_history(&[received("u0", "bob", 1, None)])
        .unwrap();
    assert_eq!(store.conversation(&bob).unwrap().unwrap().unread, 0);
    assert_eq!(
        store
            .conversation(&bob)
            .unwrap()
            .unwrap()
            .last_message
            .unwrap()
            .uid
            .as_deref(),
        Some("u5")
    );
}

#[test]
fn history_pages_newest_first_then_older() {
    let mut store = Store::open_in_memory().unwrap();
    let bob = ConversationId::private("bob");
    let batch: Vec<_> = (1..=45)
        .map(|i| received(&format!("u{i}"), "bob", 1000 + i / 2, None))
        .collect();
    store.apply_incoming(&batch, None).unwrap();
    let page = store.history(&bob, None, 20).unwrap();
    assert_eq!(page.len(), 20);
    assert_eq!(page.last().unwrap().uid.as_deref(), Some("u45"));
    assert_eq!(page.first().unwrap().uid.as_deref(), Some("u26"));
    let first = page.first().unwrap();
    let older = store
        .history(&bob, Some((first.sent_time, first.local_id)), 20)
        .unwrap();
    assert_eq!(older.last().unwrap().uid.as_deref(), Some("u25"));
    let oldest = older.first().unwrap();
    let rest = store
        .history(&bob, Some((oldest.sent_time, oldest.local_id)), 20)
        .unwrap();
    assert_eq!(rest.len(), 5);
    assert_eq!(rest.first().unwrap().uid.as_deref(), Some("u1"));
}

#[test]
fn outbox_lifecycle_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let bob = ConversationId::private("bob");
    let local_id = {
        let mut store = Store::open(&path).unwrap();
        let message = store
            .enqueue(&from_alice(
                &bob,
                "RC:TxtMsg",
                r#"{"content":"hi"}"#,
                555,
                None,
            ))
            .unwrap();
        assert_eq!(message.status, SendStatus::Sending);
        message.local_id
    };
    let mut store = Store::open(&path).unwrap();
    let queued = store.outbox(OutboxStage::Publish, 10).unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].client_unique_id, 555);
    let sent = store.mark_sent(local_id, "UID-9", 200).unwrap().unwrap();
    assert_eq!((sent.status, sent.sent_time), (SendStatus::Sent, 200));
    assert!(store.outbox(OutboxStage::Publish, 10).unwrap().is_empty());
    // Our own message seen again in a pull (direction 1) is not stored twice.
    let mut echo = received("UID-9", "bob", 200, Some(555));
    echo.direction = Direction::Send;
    echo.sender_id = "alice".into();
    let applied = store.apply_incoming(&[echo], None).unwrap();
    assert_eq!(applied.stored, [Stored::Duplicate]);
    let conv = store.conversation(&bob).unwrap().unwrap();
    assert_eq!((conv.unread, conv.last_time), (0, 200));
}

#[test]
fn a_pull_may_confirm_a_local_echo_before_its_puback() {
    let mut store = Store::open_in_memory().unwrap();
    let bob = ConversationId::private("bob");
    let message = store
        .enqueue(&from_alice(&bob, "RC:TxtMsg", "{}", 1, None))
        .unwrap();
    let mut echo = received("UID-1", "bob", 150, Some(1));
    echo.direction = Direction::Send;
    echo.sender_id = "alice".into();
    let applied = store.apply_incoming(&[echo], None).unwrap();
    assert!(matches!(&applied.stored[0], Stored::Confirmed(m) if m.local_id == message.local_id));
    assert!(store.outbox(OutboxStage::Publish, 10).unwrap().is_empty());
    // The late PUBACK changes nothing.
    let sent = store
        .mark_sent(message.local_id, "UID-1", 150)
        .unwrap()
        .unwrap();
    assert_eq!(sent.uid.as_deref(), Some("UID-1"));
    assert_eq!(store.message_count().unwrap(), 1);
}

#[test]
fn failed_uploads_can_be_retried() {
    let mut store = Store::open_in_memory().unwrap();
    let bob = ConversationId::private("bob");
    let message = store
        .enqueue(&from_alice(
            &bob,
            "RC:FileMsg",
            r#"{"name":"a.txt"}"#,
            2,
            Some(("/tmp/a.txt", crate::model::FileType::File)),
        ))
        .unwrap();
    assert_eq!(store.outbox(OutboxStage::Upload, 10).unwrap().len(), 1);
    let failed = store
        .mark_failed(
            message.local_id,
            &crate::model::SendFailure::Upload {
                detail: "connection refused".into(),
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, SendStatus::Failed);
    assert_eq!(
        failed.failure.as_ref().map(ToString::to_string).as_deref(),
        Some("upload failed: connection refused"),
        "the typed failure survives the store"
    );
    assert!(store.outbox(OutboxStage::Upload, 10).unwrap().is_empty());
    let entry = store.retry(message.local_id).unwrap().unwrap();
    assert_eq!(entry.stage, OutboxStage::Upload);
    assert_eq!(
        entry.upload.as_ref().map(|u| u.1),
        Some(crate::model::FileType::File)
    );
    assert_eq!(entry.message.status, SendStatus::Sending);
    store
        .upload_done(message.local_id, r#"{"name":"a.txt","fileUrl":"http://x"}"#)
        .unwrap();
    let ready = store.outbox(OutboxStage::Publish, 10).unwrap();
    assert_eq!(ready[0].upload, None);
    assert!(ready[0].message.content.contains("fileUrl"));
}

#[test]
fn drafts_pins_and_removal() {
    let mut store = Store::open_in_memory().unwrap();
    let bob = ConversationId::private("bob");
    let carol = ConversationId::private("carol");
    store
        .apply_incoming(&[received("u1", "bob", 10, None)], None)
        .unwrap();
    store
        .apply_incoming(&[received("u2", "carol", 20, None)], None)
        .unwrap();
    let list = store.conversations().unwrap();
    assert_eq!(list[0].id, carol);
    store.set_pinned(&bob, true).unwrap();
    store.set_draft(&bob, "half a thought").unwrap();
    let list = store.conversations().unwrap();
    assert_eq!(
        (list[0].id.clone(), list[0].draft.as_str()),
        (bob.clone(), "half a thought")
    );
    assert!(store.remove_conversation(&bob).unwrap());
    assert_eq!(store.conversations().unwrap().len(), 1);
    assert_eq!(
        store.history(&bob, None, 10).unwrap().len(),
        1,
        "messages stay"
    );
    store
        .apply_incoming(&[received("u3", "bob", 30, None)], None)
        .unwrap();
    let list = store.conversations().unwrap();
    assert_eq!((list[0].id.clone(), list[0].unread), (bob, 1));
}

#[test]
fn queued_read_states_keep_the_newest_until_acked() {
    let mut store = Store::open_in_memory().unwrap();
    let bob = ConversationId::private("bob");
    store
        .apply_incoming(&[received("u1", "bob", 10, None)], None)
        .unwrap();
    store.mark_read_and_queue(&bob, 10).unwrap();
    store.mark_read_and_queue(&bob, 5).unwrap();
    assert_eq!(store.pending_read_syncs().unwrap(), [(bob.clone(), 10)]);
    store.mark_read_and_queue(&bob, 20).unwrap();
    // The ack for 10 arrives after 20 was queued: 20 stays.
    store.read_sync_done(&bob, 10).unwrap();
    assert_eq!(store.pending_read_syncs().unwrap(), [(bob.clone(), 20)]);
    store.read_sync_done(&bob, 20).unwrap();
    assert!(store.pending_read_syncs().unwrap().is_empty());
}

#[test]
fn a_burst_of_acks_is_one_transaction_and_a_crash_mid_burst_loses_no_send() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let bob = ConversationId::private("bob");
    let mut store = Store::open(&path).unwrap();
    let ids: Vec<i64> = (1..=5)
        .map(|cuid| {
            let new = from_alice(&bob, "RC:TxtMsg", r#"{"content":"hi"}"#, cuid, None);
            store.enqueue(&new).unwrap().local_id
        })
        .collect();
    // Given a batch that has recorded every PUBACK,
    store.begin_batch().unwrap();
    for (n, id) in ids.iter().enumerate() {
        store.mark_sent(*id, &format!("UID-{n}"), 200).unwrap();
    }
    store.note_attempts(&ids).unwrap();
    // another connection still sees all five queued: it is one open transaction.
    let reader = Store::open(&path).unwrap();
    assert_eq!(reader.outbox_len().unwrap(), 5);
    // When the process dies before the commit,
    drop(store);
    // then every message is still queued, to be sent again with its clientUniqueId.
    let mut store = Store::open(&path).unwrap();
    let queued = store.outbox(OutboxStage::Publish, 10).unwrap();
    let cuids: Vec<i64> = queued.iter().map(|e| e.client_unique_id).collect();
    assert_eq!(cuids, [1, 2, 3, 4, 5]);
    assert!(
        queued
            .iter()
            .all(|e| e.message.status == SendStatus::Sending)
    );
    // And a batch that commits leaves every message sent, once, in order.
    store.begin_batch().unwrap();
    for (n, id) in ids.iter().enumerate() {
        store
            .mark_sent(*id, &format!("UID-{n}"), 200 + n as i64)
            .unwrap();
    }
    store.end_batch().unwrap();
    assert_eq!(reader.outbox_len().unwrap(), 0);
    let page = reader.history(&bob, None, 10).unwrap();
    let uids: Vec<_> = page.iter().map(|m| m.uid.clone().unwrap()).collect();
    assert_eq!(uids, ["UID-0", "UID-1", "UID-2", "UID-3", "UID-4"]);
    assert!(page.iter().all(|m| m.status == SendStatus::Sent));
    let conversation = reader.conversation(&bob).unwrap().unwrap();
    assert_eq!(conversation.last_time, 204);
}

/// A message alice queues at time 100.
fn from_alice<'a>(
    to: &'a ConversationId,
    object_name: &'a str,
    content: &'a str,
    client_unique_id: i64,
    upload: Option<(&'a str, crate::model::FileType)>,
) -> NewOutgoing<'a> {
    NewOutgoing {
        conversation: to,
        sender_id: "alice",
        object_name,
        content,
        now_ms: 100,
        client_unique_id,
        counted: true,
        upload,
    }
}
