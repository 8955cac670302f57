//! The TCP connection limit: connections beyond `max_connections` wait in the listen
//! backlog (not served, not refused) until one of the open ones closes.

use crate::support::{Fixture, http};
use std::time::Duration;
use tokio::net::TcpStream;

const CAP: usize = 3;

#[tokio::test]
async fn connections_over_the_limit_wait_until_one_closes() {
    let fx = Fixture::start_with(|c| {
        c.max_connections = CAP;
        // The idle holders must outlive the test's observation window.
        c.http_header_timeout = Duration::from_secs(60);
    })
    .await;
    let addr = fx.addr();
    let token = fx.token("alice");
    let body = format!("token={token}");
    // Served while under the cap (each request closes its connection).
    assert_eq!(
        http(addr, "POST", "/v2/navi.json", &[], body.as_bytes())
            .await
            .status,
        200
    );
    let mut holders = Vec::new();
    for _ in 0..CAP {
        holders.push(TcpStream::connect(addr).await.unwrap());
    }
    // The next request waits: within 1 s it gets nothing (were the cap not held, a navi
    // answer takes milliseconds)...
    let waiting = tokio::spawn({
        let body = body.clone();
        async move { http(addr, "POST", "/v2/navi.json", &[], body.as_bytes()).await }
    });
    let mut waiting = waiting;
    let early = tokio::time::timeout(Duration::from_secs(1), &mut waiting).await;
    assert!(early.is_err(), "a request over the cap was served at once");
    // ...and is served as soon as one holder goes.
    drop(holders.pop());
    let served = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the waiting request was served after a slot freed")
        .unwrap();
    assert_eq!(served.status, 200);
    eprintln!(
        "connection limit {CAP}: the {}th waited, then was served",
        CAP + 1
    );
}
