//! Connection states against the real server: final states do not reconnect, a restarted
//! server is reconnected to.

use crate::support::*;
use rongchat_client::{Client, ConnectionStatus, ConversationId, Error, Event, Outgoing};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kicked_by_a_second_login_stays_down() {
    let env = Env::start().await;
    let first = env.client("alice", "desk").await;
    let (_, mut events) = first.subscribe().unwrap();
    let mut config = env.config("alice", "desk");
    config.data_dir = env.data_dir("alice", "desk-2");
    let _second = connected(config).await;
    wait_for(&mut events, TIMEOUT, |e| match e {
        Event::Connection {
            status: ConnectionStatus::Kicked,
        } => Some(()),
        _ => None,
    })
    .await;
    // No reconnect storm: nothing tries to connect again.
    let retried = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            if let Ok(Event::Connection { status }) = events.recv().await {
                return status;
            }
        }
    })
    .await;
    assert!(retried.is_err(), "reconnected after a kick: {retried:?}");
    assert_eq!(first.status(), ConnectionStatus::Kicked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_and_blocked_user_are_final() {
    let env = Env::start().await;
    let mut config = env.config("alice", "desk");
    config.token = "not-a-token".into();
    let client = Client::open(config).unwrap();
    let result = client.connect_and_wait(TIMEOUT).await;
    assert!(
        matches!(
            result,
            Err(Error::Connection(ConnectionStatus::TokenIncorrect))
        ),
        "{result:?}"
    );

    let config = env.config("mallory", "desk");
    env.server().set_user_blocked("mallory", true).unwrap();
    let client = Client::open(config).unwrap();
    let result = client.connect_and_wait(TIMEOUT).await;
    assert!(
        matches!(result, Err(Error::Connection(ConnectionStatus::Blocked))),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_is_reconnected_and_resume_skips_the_wait() {
    let mut env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let (_, mut events) = alice.subscribe().unwrap();
    env.restart_server().await;
    wait_for(&mut events, TIMEOUT, |e| match e {
        Event::Connection {
            status: ConnectionStatus::Suspended { .. },
        } => Some(()),
        _ => None,
    })
    .await;
    alice.wait_connected(TIMEOUT).await.unwrap();
    send_acked(
        &alice,
        &ConversationId::private("bob"),
        Outgoing::Text("after restart".into()),
    )
    .await;

    // Server down long enough for the backoff to grow; a network hint reconnects at once.
    let server = env.server.take().unwrap();
    let addr = server.local_addr();
    server.shutdown().await;
    for _ in 0..3 {
        wait_for(&mut events, TIMEOUT, |e| match e {
            Event::Connection {
                status: ConnectionStatus::Suspended { .. },
            } => Some(()),
            _ => None,
        })
        .await;
    }
    let mut config = rongchat_server::Config::local(env.dir.path().join("server"));
    config.listen = addr;
    env.server = Some(rongchat_server::Server::start(config).await.unwrap());
    let started = tokio::time::Instant::now();
    alice.network_hint();
    alice.wait_connected(TIMEOUT).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
