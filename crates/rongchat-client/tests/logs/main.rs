//! What the client (and the server beside it) log: a full session at TRACE level says
//! what happened, and never the token, the app secret or an upload token.
//!
//! A test binary of its own: tracing caches each call site's interest process-wide, so a
//! capture next to other tests running in parallel could miss lines. Here the capture is
//! the global subscriber and nothing else runs.

#[path = "../client/support.rs"]
#[allow(dead_code)]
mod support;

use rongchat_client::{Client, ConversationId, Error, Outgoing, SendStatus};
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::*;

/// Collects every log line of this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_logs_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let env = Env::start().await;
    let config = env.config("alice", "desk");
    let token = config.token.clone();
    assert!(
        !format!("{config:?}").contains(&token),
        "Debug leaves the token out"
    );
    let alice = connected(config).await;
    let bob = env.client("bob", "desk").await;
    let to_bob = ConversationId::private("bob");
    send_acked(&alice, &to_bob, Outgoing::Text("hello".into())).await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("notes.txt");
    std::fs::write(&file, b"some notes").unwrap();
    let sent = send_acked(&alice, &to_bob, Outgoing::File(file)).await;
    assert_eq!(sent.status, SendStatus::Sent);
    alice.mark_read(&to_bob).await.unwrap();
    drop(bob);

    // A wrong token is refused, and not logged either.
    let mut wrong = env.config("carol", "desk");
    wrong.token = format!("{token}x");
    let carol = Client::open(wrong).unwrap();
    let refused = carol.connect_and_wait(TIMEOUT).await;
    assert!(matches!(refused, Err(Error::Connection(_))), "{refused:?}");

    let log = captured.text();
    if std::env::var_os("SHOW_LOG").is_some() {
        eprintln!("{log}");
    }
    assert!(log.contains("connection status"), "the client logs: {log}");
    for secret in [token.as_str(), env.server().app_secret()] {
        assert!(!log.contains(secret), "a secret is in the log:\n{log}");
    }
    // Token-looking fields never carry a value.
    for line in log.lines() {
        assert!(!line.contains("token=\""), "{line}");
    }
}
