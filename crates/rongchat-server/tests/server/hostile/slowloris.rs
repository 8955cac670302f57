//! Slow-loris HTTP peers (trickled headers, trickled bodies, idle keep-alive) are cut off
//! by the header and request timeouts while a well-behaved client is served.

use crate::support::{Fixture, http};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const EACH: usize = 50;

#[derive(Clone, Copy)]
enum Kind {
    Headers,
    Body,
    Idle,
}

/// Trickles one byte every 100 ms (or nothing, for `Idle`); returns when the server closed
/// the connection, or `None` when it was still open after `limit`.
async fn trickle(addr: std::net::SocketAddr, kind: Kind, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = match kind {
        Kind::Headers => "POST /v2/navi.json HTTP/1.1\r\nHost: x\r\n".to_owned(),
        Kind::Body => "POST /v2/navi.json HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\r\n"
            .to_owned(),
        Kind::Idle => String::new(),
    };
    if tcp.write_all(head.as_bytes()).await.is_err() {
        return Some(started.elapsed());
    }
    let mut buf = [0u8; 4096];
    while started.elapsed() < limit {
        if !matches!(kind, Kind::Idle) && tcp.write_all(b"a").await.is_err() {
            return Some(started.elapsed());
        }
        // A 408 may come first; the close follows.
        let read = tokio::time::timeout(Duration::from_millis(100), tcp.read(&mut buf)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            return Some(started.elapsed());
        }
    }
    None
}

#[tokio::test]
async fn slow_loris_peers_are_cut_off_and_others_served() {
    let fx = Fixture::start_with(|c| {
        c.http_header_timeout = Duration::from_millis(500);
        c.http_request_timeout = Duration::from_secs(1);
    })
    .await;
    let addr = fx.addr();
    let limit = Duration::from_secs(8);
    let mut peers = Vec::new();
    for kind in [Kind::Headers, Kind::Body, Kind::Idle] {
        for _ in 0..EACH {
            peers.push(tokio::spawn(trickle(addr, kind, limit)));
        }
    }
    // A well-behaved client is served meanwhile.
    let token = fx.token("alice");
    for _ in 0..5 {
        let body = format!("token={token}");
        let r = http(addr, "POST", "/v2/navi.json", &[], body.as_bytes()).await;
        assert_eq!(r.status, 200);
    }
    let mut open = 0;
    let mut slowest = Duration::ZERO;
    for peer in peers {
        match peer.await.unwrap() {
            Some(closed_after) => slowest = slowest.max(closed_after),
            None => open += 1,
        }
    }
    eprintln!(
        "{} slow-loris connections ({EACH} trickling headers, {EACH} trickling a body, {EACH} \
         idle): {open} still open after {} s; the last was cut after {:.1} s (header timeout \
         0.5 s, request timeout 1 s)",
        3 * EACH,
        limit.as_secs(),
        slowest.as_secs_f32()
    );
    assert_eq!(open, 0);
}
