//! Connection states against the real server: final states do not reconnect, a restarted
//! server is reconnected to.

use crate::support::*;
use rongchat_client::{Client, ConnectionStatus, ConversationId, Error, Event, Outgoing};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    wait_suspended(&mut events).await;
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
        wait_suspended(&mut events).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_keeps_a_live_link_and_two_missed_pongs_reconnect() {
    let env = Env::start().await;
    let proxy = Proxy::start(env.server().local_addr().to_string()).await;
    let mut config = env.config("alice", "desk");
    config.ws_override = Some(proxy.addr.clone());
    // The SDK's timings, scaled down: a ping 300 ms after each pong, 300 ms to answer.
    config.session = Some(rongchat_client::session::SessionConfig {
        seed: 7,
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(300),
        ..Default::default()
    });
    let alice = connected(config).await;
    let (_, mut events) = alice.subscribe().unwrap();
    // Several ping rounds on a healthy link: never anything but connected.
    let quiet = tokio::time::timeout(Duration::from_millis(1500), async {
        loop {
            if let Ok(Event::Connection { status }) = events.recv().await
                && status != ConnectionStatus::Connected
            {
                return status;
            }
        }
    })
    .await;
    assert!(quiet.is_err(), "a healthy link changed state: {quiet:?}");

    // The path goes dead without a close: two missed pongs (~600 ms), then a reconnect.
    let dead_at = tokio::time::Instant::now();
    proxy.blackhole();
    let reason = wait_for(&mut events, TIMEOUT, |e| match e {
        Event::Connection {
            status: ConnectionStatus::Suspended { reason },
        } => Some(*reason),
        _ => None,
    })
    .await;
    assert_eq!(reason, rongchat_client::session::SuspendReason::PingTimeout);
    let detected = dead_at.elapsed();
    assert!(
        detected >= Duration::from_millis(300) && detected < Duration::from_secs(3),
        "{detected:?}"
    );
    alice.wait_connected(TIMEOUT).await.unwrap();
    send_acked(
        &alice,
        &ConversationId::private("bob"),
        Outgoing::Text("alive".into()),
    )
    .await;
}

/// A navigator that takes connections and closes them unanswered; counts them.
async fn dead_navigator() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (url, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigators_are_tried_in_turn_and_a_refused_token_ends_the_search() {
    let env = Env::start().await;
    let (dead, asked) = dead_navigator().await;

    // The first navigator is down: the second one answers and the client connects.
    let mut config = env.config("alice", "desk");
    config.navi_url = format!("{dead}; {}", env.navi);
    let client = Client::open(config).unwrap();
    client.connect_and_wait(TIMEOUT).await.unwrap();
    assert!(
        asked.load(Ordering::SeqCst) >= 1,
        "the dead one was asked first"
    );
    drop(client);

    // A navigator that refuses the token is an answer: the next one is never asked.
    let before = asked.load(Ordering::SeqCst);
    let mut config = env.config("bob", "desk");
    config.navi_url = format!("{}; {dead}", env.navi);
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
    assert_eq!(
        asked.load(Ordering::SeqCst),
        before,
        "no navigator after a refusal"
    );
}
