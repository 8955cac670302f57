//! A hostile server: a WebSocket gateway of the test's own (navigation still comes from the
//! real server) that answers pulls with frames over the limit or garbage, floods notifies
//! and undecodable frames, plus an HTTP server with endless and stalled downloads. The
//! client stays within a memory bound, backs off, reports typed errors, and keeps sending.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use prost::Message as _;
use rongchat_client::{ConversationId, Error, Event, Outgoing, ProblemKind};
use rongchat_proto::frame::{ConnAck, PubAck, PubAckResult, Publish, QueryAck};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Flags, Frame, Layout, Side, Topic, pb};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// How the gateway answers a `pullMsg`.
#[derive(Clone, Copy)]
enum PullAnswer {
    /// A WebSocket frame header announcing 17 MiB (over the client's frame limit) and
    /// 64 KiB of it; the rest never comes.
    Oversized,
    /// An empty page, after flooding the client with garbage and notifies.
    Flood,
}

/// What the gateway saw.
#[derive(Default)]
struct Seen {
    pulls: Vec<Instant>,
    connections: usize,
    /// A pull arrived while another was unanswered.
    overlapping_pulls: bool,
}

/// Starts the gateway; returns its `host:port`.
async fn hostile_gateway(answer: PullAnswer, seen: Arc<Mutex<Seen>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut flooded = false;
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                seen.lock().unwrap().connections += 1;
                let send = |body: Body| {
                    WsMessage::Binary(Frame::new(Flags::NONE, body).encode().unwrap().into())
                };
                let ack = ConnAck::accepted(Layout::V3, "alice", "s", 1_700_000_000_000);
                if ws.send(send(Body::ConnAck(ack))).await.is_err() {
                    return;
                }
                while let Some(Ok(WsMessage::Binary(bytes))) = ws.next().await {
                    let Ok(frame) = Frame::decode(&bytes, Side::Client, Layout::V3) else {
                        continue;
                    };
                    let reply = match frame.body {
                        Body::PingReq => send(Body::PingResp),
                        Body::Publish(p) => send(Body::PubAck(PubAck {
                            msg_id: p.msg_id,
                            result: Some(PubAckResult {
                                date: 1_700_000_001,
                                status: AckStatus::Success,
                                millis: 0,
                                message_uid: format!("H-{}", p.msg_id),
                            }),
                        })),
                        Body::Query(q) if Topic::parse(&q.topic) == Topic::PullMessages => {
                            seen.lock().unwrap().pulls.push(Instant::now());
                            match answer {
                                PullAnswer::Oversized => {
                                    announce_oversized_frame(ws.get_mut()).await;
                                    return;
                                }
                                PullAnswer::Flood => {
                                    if !flooded && flood(&mut ws, &seen).await.is_err() {
                                        return;
                                    }
                                    flooded = true;
                                    let page = pb::DownStreamMessages {
                                        sync_time: 1,
                                        finished: Some(true),
                                        ..Default::default()
                                    };
                                    send(Body::QueryAck(QueryAck {
                                        msg_id: q.msg_id,
                                        date: 1,
                                        status: AckStatus::Success,
                                        payload: page.encode_to_vec(),
                                    }))
                                }
                            }
                        }
                        Body::Query(q) => send(Body::QueryAck(QueryAck {
                            msg_id: q.msg_id,
                            date: 1,
                            status: AckStatus::Success,
                            payload: Vec::new(),
                        })),
                        _ => continue,
                    };
                    if ws.send(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Writes a binary WebSocket frame header that announces 17 MiB, then 64 KiB of payload,
/// and holds the connection until the client drops it. A client that waited for the
/// payload before judging its size would never report; one that refuses from the header
/// does, and holds at most what was sent.
async fn announce_oversized_frame(stream: &mut tokio::net::TcpStream) {
    let announced: u64 = 17 * 1024 * 1024;
    let mut head = vec![0x82, 127];
    head.extend_from_slice(&announced.to_be_bytes());
    head.extend_from_slice(&[0; 64 * 1024]);
    if stream.write_all(&head).await.is_err() {
        return;
    }
    let mut sink = [0u8; 4096];
    while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
}

/// 2,000 undecodable frames and 2,000 notifies while a pull waits; any pull that comes
/// meanwhile would overlap the first.
async fn flood<S>(ws: &mut S, seen: &Mutex<Seen>) -> Result<(), ()>
where
    S: SinkExt<WsMessage>
        + StreamExt<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
{
    let notify = Frame::new(
        Flags::NONE,
        Body::Publish(Publish {
            date: Some(1),
            topic: Topic::Notify.as_str().into(),
            target_id: "alice".into(),
            msg_id: 0,
            payload: Default::default(),
        }),
    )
    .encode()
    .unwrap();
    for i in 0..2_000u32 {
        let garbage = vec![0xf0, (i % 251) as u8, 0xff];
        ws.send(WsMessage::Binary(garbage.into()))
            .await
            .map_err(|_| ())?;
        ws.send(WsMessage::Binary(notify.clone().into()))
            .await
            .map_err(|_| ())?;
    }
    // Whatever the client sent meanwhile (pings, a second pull?) is read now.
    while let Ok(Some(Ok(WsMessage::Binary(bytes)))) =
        tokio::time::timeout(Duration::from_millis(200), ws.next()).await
    {
        if let Ok(frame) = Frame::decode(&bytes, Side::Client, Layout::V3)
            && let Body::Query(q) = frame.body
            && Topic::parse(&q.topic) == Topic::PullMessages
        {
            seen.lock().unwrap().overlapping_pulls = true;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_reply_backs_the_pull_off_with_a_typed_problem_and_sends_go_on() {
    let env = Env::start().await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let gateway = hostile_gateway(PullAnswer::Oversized, seen.clone()).await;
    let mut config = env.config("alice", "desk");
    config.ws_override = Some(gateway);
    let alice = rongchat_client::Client::open(config).unwrap();
    let (_, mut events) = alice.subscribe().unwrap();
    alice.connect();
    wait_for(&mut events, TIMEOUT, |e| match e {
        Event::Problem {
            kind: ProblemKind::ReplyTooLarge,
            ..
        } => Some(()),
        _ => None,
    })
    .await;
    // Sends still go through between the broken pulls.
    alice.wait_connected(TIMEOUT).await.unwrap();
    let sent = send_acked(
        &alice,
        &ConversationId::private("bob"),
        Outgoing::Text("hi".into()),
    )
    .await;
    assert_eq!(sent.uid.as_deref().map(|u| u.starts_with("H-")), Some(true));
    eventually(TIMEOUT, || seen.lock().unwrap().pulls.len() >= 4).await;
    let seen = seen.lock().unwrap();
    let gaps: Vec<f64> = seen
        .pulls
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64())
        .collect();
    let gaps_text: Vec<String> = gaps.iter().map(|g| format!("{g:.2}")).collect();
    println!(
        "oversized replies: pulls {} s apart, {} connections",
        gaps_text.join(", "),
        seen.connections,
    );
    // Backed off: 1 s, 2 s, 4 s (not a reconnect loop).
    assert!(
        gaps[0] >= 0.9 && gaps[1] >= 1.8 && gaps[2] >= 3.6,
        "{gaps:?}"
    );
    // Every attempt was refused from its frame header: the payload was never sent.
    assert!(seen.connections >= 4, "{} connections", seen.connections);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_a_notify_flood_neither_break_the_link_nor_overlap_pulls() {
    let env = Env::start().await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let gateway = hostile_gateway(PullAnswer::Flood, seen.clone()).await;
    let mut config = env.config("alice", "desk");
    config.ws_override = Some(gateway);
    let alice = connected(config).await;
    eventually(TIMEOUT, || seen.lock().unwrap().pulls.len() >= 2).await;
    let sent = send_acked(
        &alice,
        &ConversationId::private("bob"),
        Outgoing::Text("hi".into()),
    )
    .await;
    assert!(sent.uid.is_some());
    assert_eq!(alice.status(), rongchat_client::ConnectionStatus::Connected);
    let seen = seen.lock().unwrap();
    println!(
        "flood: {} pulls for 4,000 notifies, {} connection(s)",
        seen.pulls.len(),
        seen.connections,
    );
    assert_eq!(seen.connections, 1, "garbage does not break the link");
    assert!(!seen.overlapping_pulls, "one pull at a time");
}

/// An HTTP server whose every answer is `head` followed by up to `body` zero bytes.
async fn file_server(head: &'static str, body: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/f", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let _ = stream.read(&mut request).await;
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![0u8; 64 * 1024];
                let mut sent = 0;
                while sent < body {
                    if stream.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
                // A stalled server keeps the socket open without a byte.
                let _ = stream.read(&mut request).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_are_capped_and_timed_out_and_leave_no_partial_file() {
    let env = Env::start().await;
    let mut config = env.config("alice", "desk");
    config.max_download_bytes = 1024 * 1024;
    config.http_idle_timeout = Duration::from_millis(500);
    let alice = rongchat_client::Client::open(config).unwrap();
    let downloads = alice.data_dir().join("downloads");

    let announced = file_server("HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n", 0).await;
    let result = alice.download(&announced, "big.bin", |_, _| {}, None).await;
    assert!(matches!(result, Err(Error::TooLarge { .. })), "{result:?}");

    let endless = file_server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 64 << 20).await;
    let mut seen = 0;
    let result = alice
        .download(&endless, "endless.bin", |done, _| seen = done, None)
        .await;
    assert!(matches!(result, Err(Error::TooLarge { .. })), "{result:?}");
    assert!(seen <= 1024 * 1024, "stopped at the cap: {seen}");

    let stalled = file_server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0).await;
    let started = Instant::now();
    let result = alice
        .download(&stalled, "stalled.bin", |_, _| {}, None)
        .await;
    assert!(matches!(result, Err(Error::Http(_))), "{result:?}");
    println!("stalled download failed after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(10));

    let left: Vec<_> = std::fs::read_dir(&downloads)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "no partial files: {left:?}");
}
