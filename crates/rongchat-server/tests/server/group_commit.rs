//! Acknowledged means durable, at speed: messages are committed in batches (group commit)
//! with `synchronous = FULL`, and a PUBACK only follows its batch's commit. Real SQLite,
//! real sockets; the kill test runs the `serve` binary and sends with our client engine.

use crate::hostile::process::{ServerProcess, token};
use crate::support::{Client, Fixture, WAIT, text_message, text_of};
use prost::Message as _;
use rongchat_client::{ClientConfig, ConversationId, Event, Outgoing, SendStatus};
use rongchat_proto::frame::{PubAckResult, Publish};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Flags, Frame};
use rongchat_proto::{ConversationType, Direction};
use rongchat_server::Error;
use rongchat_server::clock::MessageClock;
use rongchat_server::store::writer::{Write, Writer, Written};
use rongchat_server::store::{Delivery, Store, StoredMessage};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, timeout_at};

/// RongCloud's "internal error" status, which a store failure acks with.
const INTERNAL_ERROR: u16 = 1000;

/// A second connection to the server's database, as another process would have.
fn open_db(fx: &Fixture) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(fx.dir.path().join("rongchat-server.sqlite")).unwrap();
    c.busy_timeout(WAIT).unwrap();
    c
}

/// Polls `ready` until it holds, at most `within`.
async fn until(within: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ready() {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `senders` clients of users `s0..`, connected, each to publish one text to bob.
async fn senders(fx: &Fixture, count: usize) -> Vec<Client> {
    let mut clients = Vec::with_capacity(count);
    for i in 0..count {
        clients.push(fx.client(&format!("s{i}")).await);
    }
    clients
}

/// Every client publishes one text to bob at once; their PUBACKs, in client order.
fn publish_all(clients: Vec<Client>, text: &str) -> Vec<tokio::task::JoinHandle<PubAckResult>> {
    clients
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let text = format!("{text} {i}");
            tokio::spawn(async move { c.publish("ppMsgP", "bob", text_message(&text)).await })
        })
        .collect()
}

/// Everything in bob's inbox, every page.
async fn bob_texts(fx: &Fixture) -> Vec<String> {
    let mut bob = fx.client("bob").await;
    pull_all(&mut bob).await
}

async fn pull_all(bob: &mut Client) -> Vec<String> {
    let (mut texts, mut cursor) = (Vec::new(), 0);
    loop {
        let page = bob.pull("bob", cursor, 0).await;
        texts.extend(page.list.iter().map(text_of));
        cursor = page.sync_time;
        if page.finished != Some(false) {
            return texts;
        }
    }
}

#[tokio::test]
async fn the_servers_connection_syncs_every_commit() {
    let fx = Fixture::start().await;
    // WAL + FULL: a commit returns only after the WAL is synced, and the PUBACK follows the
    // commit, so an acknowledged message survives a power cut. (NORMAL syncs only at
    // checkpoints: a cut could lose the last acknowledged messages. `synchronous` is per
    // connection, so it is read from the server's own: the message writer's and the one
    // for everything else.)
    for (mode, sync) in fx.server.store_durability().unwrap() {
        eprintln!("server connection: journal_mode={mode}, synchronous={sync} (2 = FULL)");
        assert_eq!((mode.as_str(), sync), ("wal", 2));
    }
}

#[tokio::test]
async fn concurrent_senders_share_one_commit() {
    const SENDERS: usize = 24;
    let fx = Fixture::start().await;
    let clients = senders(&fx, SENDERS).await;
    let before = fx.server.writer_stats();
    // Hold the write lock from outside, so every message queues behind the first batch
    // (which waits for the lock): how a burst arrives during a commit's sync, made certain.
    let db = open_db(&fx);
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let acks = publish_all(clients, "burst");
    let server = &fx.server;
    until(WAIT, "every message queued", || {
        server.writer_stats().waiting == SENDERS as u64
    })
    .await;
    db.execute_batch("COMMIT").unwrap();
    for ack in acks {
        let ack = ack.await.unwrap();
        assert!(ack.status.is_success(), "puback {:?}", ack.status);
    }
    let after = fx.server.writer_stats();
    let (commits, stored) = (
        after.commits - before.commits,
        after.messages - before.messages,
    );
    eprintln!("{SENDERS} concurrent senders: {stored} messages in {commits} commits");
    assert_eq!(stored, SENDERS as u64);
    // The first batch (taken before the burst) and one more for all the rest.
    assert!(commits <= 2, "{commits} commits for {stored} messages");
    // Nothing was refused: each batch was written once, as one transaction.
    assert_eq!(after.rewritten, before.rewritten);
    assert_eq!(bob_texts(&fx).await.len(), SENDERS);
}

#[tokio::test]
async fn one_connections_pipelined_messages_share_a_commit_in_order() {
    const MESSAGES: usize = 20;
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let before = fx.server.writer_stats();
    // Given the write lock held from outside (the first batch waits for it),
    let db = open_db(&fx);
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    // when one connection sends its messages without waiting for their PUBACKs,
    let mut ids = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        let msg_id = alice.next_id();
        ids.push(msg_id);
        alice
            .send(Frame::new(
                Flags::QOS1,
                Body::Publish(Publish {
                    date: None,
                    topic: "ppMsgP".into(),
                    target_id: "bob".into(),
                    msg_id,
                    payload: text_message(&format!("p{i}")).encode_to_vec().into(),
                }),
            ))
            .await;
    }
    // then the server reads on and queues them all (it does not wait for each commit),
    let server = &fx.server;
    until(WAIT, "every message of the connection queued", || {
        server.writer_stats().waiting == MESSAGES as u64
    })
    .await;
    db.execute_batch("COMMIT").unwrap();
    // and acks each after the commit, in order, with times in send order.
    let mut times = Vec::with_capacity(MESSAGES);
    for msg_id in ids {
        let frame = alice.wait_for(|f| matches!(f.body, Body::PubAck(_))).await;
        let Body::PubAck(ack) = frame.body else {
            unreachable!()
        };
        assert_eq!(ack.msg_id, msg_id, "PUBACKs in frame order");
        let result = ack.result.expect("puback result");
        assert!(result.status.is_success(), "{:?}", result.status);
        times.push(result.sent_time());
    }
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    let after = fx.server.writer_stats();
    let commits = after.commits - before.commits;
    eprintln!("one connection: {MESSAGES} messages in {commits} commits");
    assert!(commits <= 2, "{commits} commits for {MESSAGES} messages");
    let expected: Vec<String> = (0..MESSAGES).map(|i| format!("p{i}")).collect();
    assert_eq!(bob_texts(&fx).await, expected);
}

#[tokio::test]
async fn a_refused_message_fails_alone_in_its_batch() {
    const SENDERS: usize = 6;
    let fx = Fixture::start().await;
    let clients = senders(&fx, SENDERS).await;
    // A constraint of the database refuses some messages (as a full disk or a broken row
    // would): only those senders hear an error, the rest of the batch is stored.
    let db = open_db(&fx);
    db.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON messages
         WHEN NEW.content LIKE '%odd%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
         BEGIN IMMEDIATE;",
    )
    .unwrap();
    let acks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let text = if i % 2 == 1 { "odd" } else { "even" };
            tokio::spawn(async move { c.publish("ppMsgP", "bob", text_message(text)).await })
        })
        .collect();
    let server = &fx.server;
    until(WAIT, "every message queued", || {
        server.writer_stats().waiting == SENDERS as u64
    })
    .await;
    db.execute_batch("COMMIT").unwrap();
    for (i, ack) in acks.into_iter().enumerate() {
        let status = ack.await.unwrap().status;
        if i % 2 == 1 {
            assert_eq!(status, AckStatus::Other(INTERNAL_ERROR), "sender {i}");
        } else {
            assert!(status.is_success(), "sender {i}: {status:?}");
        }
    }
    assert_eq!(bob_texts(&fx).await, ["even"; SENDERS / 2]);
    // The refusal sent the batch back to be written message by message.
    assert!(fx.server.writer_stats().rewritten >= 1);
}

#[tokio::test]
async fn a_batch_that_cannot_commit_answers_every_write_with_an_error() {
    const WRITES: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let clock = Arc::new(MessageClock::new(0));
    let writer = Writer::start(Store::open(&path).unwrap(), clock).unwrap();
    // Another process keeps the write lock past the store's busy timeout (5 s): the batch
    // cannot begin, so every message in it is answered with the error, none with success.
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let writes: Vec<_> = (0..WRITES)
        .map(|i| {
            let writer = writer.clone();
            tokio::spawn(async move { writer.write(write_to_bob(i)).await })
        })
        .collect();
    for write in writes {
        let answer = timeout_at(Instant::now() + 4 * WAIT, write)
            .await
            .expect("no answer while the database was locked")
            .unwrap();
        assert!(matches!(answer, Err(Error::Batch(_))), "{answer:?}");
    }
    db.execute_batch("COMMIT").unwrap();
    // Nothing of the failed batch was stored, and the writer carries on.
    let after = writer.write(write_to_bob(WRITES)).await.unwrap();
    assert!(matches!(after, Written::Stored { .. }), "{after:?}");
    let stored: i64 = db
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(writer.stats().messages, 1);
}

/// A private text from alice to bob, as routing hands it to the writer.
fn write_to_bob(i: usize) -> Write {
    Write {
        message: StoredMessage {
            uid: String::new(),
            channel_type: ConversationType::Private,
            from_user: "alice".into(),
            target_id: "bob".into(),
            classname: "RC:TxtMsg".into(),
            content: format!(r#"{{"content":"{i}"}}"#),
            data_time: 0,
            flags: 3,
            client_unique_id: Some(i64::try_from(i).unwrap()),
            extra_content: None,
            push_content: None,
            config_flag: None,
            option_bits: None,
        },
        deliveries: vec![
            Delivery {
                user_id: "bob".into(),
                direction: Direction::Receive,
                conv_target: "alice".into(),
            },
            Delivery {
                user_id: "alice".into(),
                direction: Direction::Send,
                conv_target: "bob".into(),
            },
        ],
        read_mark: None,
    }
}

#[tokio::test]
async fn every_message_acknowledged_before_a_kill_is_there_after_restart() {
    const MESSAGES: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let (alice, bob) = (token(&data, "alice"), token(&data, "bob"));
    let mut server = ServerProcess::start(&data, &[]);

    let client = rongchat_client::Client::open(ClientConfig::new(
        format!("http://{}", server.addr),
        rongchat_server::config::LOCAL_APP_KEY,
        alice,
        dir.path().join("alice"),
    ))
    .unwrap();
    client.connect_and_wait(WAIT).await.unwrap();
    let (_, mut events) = client.subscribe().unwrap();
    let to = ConversationId::private("bob");
    // All queued at once, so the server sees them pipelined (and batches them).
    let mut waiting = HashSet::new();
    for i in 0..MESSAGES {
        let queued = client
            .send(&to, Outgoing::Text(format!("acked {i}")))
            .await
            .unwrap();
        waiting.insert(queued.local_id);
    }
    let mut acked = Vec::new();
    let deadline = Instant::now() + 6 * WAIT;
    while !waiting.is_empty() {
        let event = timeout_at(deadline, events.recv())
            .await
            .expect("not every message acked in time")
            .expect("event stream");
        if let Event::MessageUpdated { message } = event
            && message.status == SendStatus::Sent
            && waiting.remove(&message.local_id)
        {
            acked.push(message.uid.clone().expect("an acked message has its uid"));
        }
    }
    // SIGKILL at once after the last PUBACK: no shutdown, no checkpoint.
    server.kill();
    eprintln!("killed the server (SIGKILL) right after the last of {MESSAGES} PUBACKs");
    drop(client);

    let server = ServerProcess::start(&data, &[]);
    let (mut bob, _) = Client::connect(server.addr, &bob, "platform=b", 3).await;
    let (mut found, mut cursor) = (HashSet::new(), 0);
    loop {
        let page = bob.pull("bob", cursor, 0).await;
        found.extend(page.list.iter().filter_map(|m| m.msg_id.clone()));
        cursor = page.sync_time;
        if page.finished != Some(false) {
            break;
        }
    }
    let lost: Vec<_> = acked.iter().filter(|uid| !found.contains(*uid)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert_eq!(found.len(), MESSAGES);
}
