//! The `rongchat-cli` binary against the real server.

use crate::support::*;
use rongchat_client::{ConversationId, Event, Outgoing};
use std::process::Output;
use tokio::process::Command;

fn cli(env: &Env, user: &str) -> Command {
    cli_with_token(env, user, &env.token(user))
}

fn cli_with_token(env: &Env, user: &str, token: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rongchat-cli"));
    command
        .arg("--navi")
        .arg(&env.navi)
        .arg("--app-key")
        .arg(&env.app_key)
        .arg("--token")
        .arg(token)
        .arg("--data")
        .arg(env.data_dir(user, "cli"))
        .arg("--wait-s")
        .arg("20")
        .kill_on_drop(true);
    command
}

async fn finish(mut command: Command) -> Output {
    tokio::time::timeout(TIMEOUT, command.output())
        .await
        .expect("cli timed out")
        .expect("cli ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_sends_listens_and_lists() {
    let env = Env::start().await;
    let bob = env.client("bob", "desk").await;
    let (_, mut bob_events) = bob.subscribe().unwrap();

    let mut send = cli(&env, "alice");
    send.args(["send-text", "--to", "bob", "hello from the shell"]);
    let out = finish(send).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["status"], "sent");
    let got = wait_for(&mut bob_events, TIMEOUT, |e| match e {
        Event::MessageReceived { message } => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(got.uid.as_deref(), line["messageUId"].as_str());

    let files = tempfile::tempdir().unwrap();
    let amr = files.path().join("clip.amr");
    std::fs::write(&amr, [b"#!AMR\n".as_slice(), &[0x3c; 64]].concat()).unwrap();
    let mut voice = cli(&env, "alice");
    voice.args(["send-voice", "--to", "bob"]).arg(&amr);
    let out = finish(voice).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // listen: one JSON line per message, exits after --count.
    let mut listen = cli(&env, "alice");
    listen.args(["listen", "--count", "1", "--timeout-s", "15"]);
    let listener = tokio::spawn(finish(listen));
    // The listener must be connected before bob sends: wait for its device to log in.
    eventually(TIMEOUT, || env.server().connection_count() >= 2).await;
    send_acked(
        &bob,
        &ConversationId::private("alice"),
        Outgoing::Text("to the shell".into()),
    )
    .await;
    let out = listener.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["content"], r#"{"content":"to the shell"}"#);

    let mut list = cli(&env, "alice");
    list.arg("conversations");
    let out = finish(list).await;
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);

    let mut history = cli(&env, "alice");
    history.args(["history", "--with", "bob", "--count", "10"]);
    let out = finish(history).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);

    // Failure: a bad token exits non-zero with a one-line reason.
    let mut bad = cli_with_token(&env, "alice", "nope");
    bad.arg("conversations");
    let out = finish(bad).await;
    assert!(!out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}
