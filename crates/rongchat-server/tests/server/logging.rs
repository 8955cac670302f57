//! The server's log over a full flow: it says what happened and never holds a credential
//! (login token, app secret, Server API signature, upload token).

use crate::api::Call;
use crate::support::{Client, Fixture, http, post_upload, upload_token};
use rongchat_proto::status::ConnAckStatus;
use std::sync::Arc;

/// The part of a dotted token that is its signature (what a forger would need).
fn signature_part(token: &str) -> &str {
    token.rsplit('.').next().unwrap()
}

async fn navi(fx: &Fixture, token: &str) -> u16 {
    let form = format!("token={token}");
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = http(fx.addr(), "POST", "/navi.json", &headers, form.as_bytes()).await;
    r.status
}

// The current-thread runtime keeps every server task on this thread, where the subscriber
// is installed.
#[tokio::test(flavor = "current_thread")]
async fn a_full_flow_logs_without_credentials() {
    // Given a server logging everything at TRACE into a file (`&File` is a writer).
    let log_file = tempfile::NamedTempFile::new().unwrap();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(Arc::new(log_file.reopen().unwrap()))
        .finish();
    // While one dispatcher is registered in the process, tracing-core decides a new
    // callsite's interest by the registering thread's dispatcher alone: a callsite another
    // test's thread reaches first would be cached "never" for this subscriber. A second,
    // unused dispatcher makes it ask every registered one.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);
    let fx = Fixture::start().await;
    let secret = fx.server.app_secret().to_owned();

    // When a token is issued through the signed Server API ...
    let call = Call::new(&fx, "log-1");
    let api_signature = call.signature();
    let r = call
        .post("/user/getToken.json", "userId=alice&name=Alice")
        .await;
    assert_eq!(r.status, 200);
    let token = r.json()["token"].as_str().unwrap().to_owned();
    let mut forged = Call::new(&fx, "log-2");
    forged.secret = "not-the-secret".into();
    let forged_signature = forged.signature();
    assert_eq!(
        forged.post("/user/block.json", "userId=alice").await.status,
        401
    );

    // ... used for navi, a refused and an accepted connection, a message and an upload.
    assert_eq!(navi(&fx, &token).await, 200);
    assert_eq!(navi(&fx, &format!("{token}x")).await, 401);
    let (_refused, ack) = Client::connect(fx.addr(), &format!("{token}x"), "", 3).await;
    assert_eq!(ack.status, ConnAckStatus::TokenIncorrect);
    let mut bob = fx.client("bob").await;
    let (mut alice, ack) = Client::connect(fx.addr(), &token, "platform=test", 3).await;
    assert_eq!(ack.status, ConnAckStatus::Accepted);
    alice.send_text("bob", "hello").await;
    bob.expect_publish("s_ntf").await;
    let key = "log-test.txt";
    let upload = upload_token(&mut alice, "alice", key).await;
    assert_eq!(post_upload(&fx, &upload, key, b"logged").await.status, 200);
    let download = http(fx.addr(), "GET", &format!("/files/{key}"), &[], b"").await;
    assert_eq!(download.body, b"logged");
    drop(alice);
    drop(bob);
    fx.server.shutdown().await;

    // Then the log tells the story ...
    let log = std::fs::read_to_string(log_file.path()).unwrap();
    for said in [
        "server api",
        "server api refused",
        "connection refused",
        "connected user=alice",
        "message stored",
        "navi refused",
        "upload stored",
        "download",
    ] {
        assert!(log.contains(said), "log lacks {said:?}:\n{log}");
    }
    // ... and holds no credential.
    for (what, secret) in [
        ("login token", token.as_str()),
        ("login token signature", signature_part(&token)),
        ("app secret", secret.as_str()),
        ("api signature", api_signature.as_str()),
        ("forged api signature", forged_signature.as_str()),
        ("upload token", upload.as_str()),
        ("upload token signature", signature_part(&upload)),
    ] {
        assert!(!log.contains(secret), "the log holds the {what}:\n{log}");
    }
}
