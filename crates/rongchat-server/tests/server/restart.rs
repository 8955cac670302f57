use crate::support::{Fixture, http, post_upload, text_of, upload_token};
use rongchat_server::{Config, Server};
use std::net::SocketAddr;

/// Stops the server and starts a new one on the same port and data folder.
pub async fn restart(fx: Fixture, port: u16) -> Fixture {
    let Fixture { server, dir } = fx;
    server.shutdown().await;
    let mut config = Config::local(dir.path());
    config.listen = SocketAddr::from(([127, 0, 0, 1], port));
    let server = Server::start(config)
        .await
        .expect("restart on the same port");
    Fixture { server, dir }
}

#[tokio::test]
async fn a_restart_loses_nothing() {
    let fx = Fixture::start().await;
    let port = fx.addr().port();
    fx.server.create_group("g", "G", &["alice", "bob"]).unwrap();
    let alice_token = fx.token("alice");
    let mut alice = fx.client("alice").await;
    let first = alice.send_text("bob", "before restart").await;
    assert!(
        alice
            .publish("pgMsgP", "g", crate::support::text_message("group before"))
            .await
            .status
            .is_success()
    );
    let token = upload_token(&mut alice, "alice", "4__kept.txt").await;
    assert_eq!(
        post_upload(&fx, &token, "4__kept.txt", b"kept")
            .await
            .status,
        200
    );
    drop(alice);

    let fx = restart(fx, port).await;
    assert_eq!(fx.addr().port(), port);

    // Old tokens still work, messages, groups and files are all there.
    let (mut alice, ack) = crate::support::Client::connect(fx.addr(), &alice_token, "", 3).await;
    assert_eq!(ack.status, rongchat_proto::status::ConnAckStatus::Accepted);
    let mut bob = fx.client("bob").await;
    let pulled = bob.pull("bob", 0, 0).await;
    let texts: Vec<String> = pulled.list.iter().map(text_of).collect();
    assert_eq!(texts, ["before restart", "group before"]);
    let history = crate::history::private_history(&mut alice, "alice", "bob", 0, 10).await;
    assert_eq!(
        history.list[0].msg_id.as_deref(),
        Some(first.message_uid.as_str())
    );
    assert!(
        bob.publish("pgMsgP", "g", crate::support::text_message("group after"))
            .await
            .status
            .is_success()
    );
    let r = http(fx.addr(), "GET", "/files/4__kept.txt", &[], b"").await;
    assert_eq!((r.status, r.body.as_slice()), (200, b"kept".as_slice()));

    // New messages sort after the old ones.
    let later = alice.send_text("bob", "after restart").await;
    assert!(later.sent_time() > first.sent_time());
}

/// A stop closes every HTTP connection and ends the server's task, also a connection that
/// never sent a request (a client's spare pooled one) and an idle keep-alive one: neither
/// waits for the header timeout (a minute here).
#[tokio::test]
async fn a_stop_closes_idle_connections_at_once() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fx =
        Fixture::start_with(|c| c.http_header_timeout = std::time::Duration::from_secs(60)).await;
    let silent = tokio::net::TcpStream::connect(fx.addr()).await.unwrap();
    let mut kept = tokio::net::TcpStream::connect(fx.addr()).await.unwrap();
    kept.write_all(b"GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 404");
    // Both are open and accepted before the stop; the server task ends with them (before,
    // it waited for its own watch and ran to shutdown's bound every time).
    assert!(fx.server.shutdown().await, "the server task ended");
    for (name, mut tcp) in [("silent", silent), ("keep-alive", kept)] {
        let closed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            let mut buf = [0u8; 4096];
            loop {
                match tcp.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {} // the rest of the 404
                }
            }
        })
        .await;
        assert!(
            closed.is_ok(),
            "the {name} connection is still open after the stop"
        );
    }
}
