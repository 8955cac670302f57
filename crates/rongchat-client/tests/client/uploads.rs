//! Upload failures mark the message failed with a reason and can be retried; downloads can
//! be cancelled.

use crate::support::*;
use rongchat_client::{CancelToken, ConversationId, Error, Event, Outgoing, SendStatus};
use rongchat_proto::content::Content;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upload_is_marked_failed_and_a_retry_sends_it() {
    let mut env = Env::start().await;
    // Restart the server with a tiny upload limit.
    let addr = env.server().local_addr();
    env.server.take().unwrap().shutdown().await;
    let mut config = rongchat_server::Config::local(env.dir.path().join("server"));
    config.listen = addr;
    config.max_upload_bytes = 1000;
    env.server = Some(rongchat_server::Server::start(config).await.unwrap());

    let alice = env.client("alice", "desk").await;
    let bob = env.client("bob", "desk").await;
    let (_, mut alice_events) = alice.subscribe().unwrap();
    let files = tempfile::tempdir().unwrap();
    let big = files.path().join("big.bin");
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7) as u8).collect();
    std::fs::write(&big, &bytes).unwrap();
    let to_bob = ConversationId::private("bob");
    let queued = alice
        .send(&to_bob, Outgoing::File(big.clone()))
        .await
        .unwrap();
    let failed = wait_status(&mut alice_events, queued.local_id, SendStatus::Failed).await;
    let reason = failed.failure.unwrap().to_string();
    assert!(reason.contains("413"), "{reason}");
    assert_eq!(
        alice.pending_sends().unwrap(),
        0,
        "a failed send waits for a retry"
    );

    // Lift the limit; retry: uploaded, sent, received, same local id.
    env.restart_server().await;
    alice.wait_connected(TIMEOUT).await.unwrap();
    let (_, mut bob_events) = bob.subscribe().unwrap();
    alice.retry(queued.local_id).unwrap().unwrap();
    wait_status(&mut alice_events, queued.local_id, SendStatus::Sent).await;
    let got = wait_for(&mut bob_events, TIMEOUT, |e| match e {
        Event::MessageReceived { message } => Some(message.clone()),
        _ => None,
    })
    .await;
    let Content::File(file) = got.parsed() else {
        panic!("not a file")
    };
    assert_eq!((file.name.as_str(), file.size), ("big.bin", 50_000));

    // A cancelled download leaves nothing behind.
    let cancel = CancelToken::new();
    cancel.cancel();
    let result = bob
        .download(&file.file_url, "big.bin", |_, _| {}, Some(cancel))
        .await;
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    let path = bob
        .download(&file.file_url, "big.bin", |_, _| {}, None)
        .await
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_upload_fails_and_can_be_retried() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let (_, mut events) = alice.subscribe().unwrap();
    alice.disconnect();
    eventually(TIMEOUT, || {
        alice.status() == rongchat_client::ConnectionStatus::Disconnected
    })
    .await;
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("later.txt");
    std::fs::write(&path, b"not yet").unwrap();
    // Queued while offline: the upload waits for the connection; cancel it first.
    let queued = alice
        .send(&ConversationId::private("bob"), Outgoing::File(path))
        .await
        .unwrap();
    alice.cancel_upload(queued.local_id);
    alice.connect();
    let failed = wait_status(&mut events, queued.local_id, SendStatus::Failed).await;
    assert_eq!(
        failed.failure,
        Some(rongchat_client::SendFailure::Cancelled)
    );
    alice.retry(queued.local_id).unwrap();
    wait_status(&mut events, queued.local_id, SendStatus::Sent).await;
}
