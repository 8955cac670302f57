//! A tiny WebSocket client speaking the wire crate's frames, a raw HTTP/1.1 client, and a
//! server fixture on a temporary data folder.

use futures_util::{SinkExt, StreamExt};
use prost::Message as _;
use rongchat_proto::frame::{ConnAck, PubAckResult, Publish, Query, QueryAck};
use rongchat_proto::status::ConnAckStatus;
use rongchat_proto::{Body, FileType, Flags, Frame, Layout, Side, pb};
use rongchat_server::{Config, Server};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Bound on every wait in these tests.
pub const WAIT: Duration = Duration::from_secs(5);

/// A server on a fresh temporary folder.
pub struct Fixture {
    pub server: Server,
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::local(dir.path());
        tweak(&mut config);
        let server = Server::start(config).await.unwrap();
        Self { server, dir }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    pub fn token(&self, user: &str) -> String {
        self.server.issue_token(user, user).unwrap()
    }

    /// A connected client of `user` (a fresh token each time) on platform `platform`.
    pub async fn client_on(&self, user: &str, platform: &str) -> Client {
        let (client, ack) = Client::connect(
            self.addr(),
            &self.token(user),
            &format!("platform={platform}"),
            3,
        )
        .await;
        assert_eq!(ack.status, ConnAckStatus::Accepted);
        client
    }

    pub async fn client(&self, user: &str) -> Client {
        self.client_on(user, "test").await
    }
}

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    layout: Layout,
    next_id: u16,
    pending: VecDeque<Frame>,
}

impl Client {
    /// Connects with `token` and extra query parameters; returns the CONNACK.
    pub async fn connect(
        addr: SocketAddr,
        token: &str,
        extra: &str,
        version: u32,
    ) -> (Client, ConnAck) {
        let url = format!(
            "ws://{addr}/websocket?appId=rongchat-local&token={token}&sdkVer=5.38.0&protocolVer={version}&{extra}"
        );
        let (ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
            .await
            .expect("connect timed out")
            .expect("websocket connect");
        let mut client = Client {
            ws,
            layout: Layout::from_protocol_version(version),
            next_id: 0,
            pending: VecDeque::new(),
        };
        let frame = client.recv_wire().await.expect("no connack");
        let Body::ConnAck(ack) = frame.body else {
            panic!("first frame is not a CONNACK: {frame:?}")
        };
        (client, ack)
    }

    pub fn next_id(&mut self) -> u16 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.ws.send(message).await.expect("send");
    }

    /// Sends without insisting: the server may close the socket while a large message is
    /// still being written.
    pub async fn try_send_raw(&mut self, message: Message) {
        let _ = self.ws.send(message).await;
    }

    /// Sends a frame without insisting (the server may have closed the socket).
    pub async fn try_send(&mut self, frame: Frame) {
        self.try_send_raw(Message::Binary(frame.encode().unwrap().into()))
            .await;
    }

    /// Frames received and not yet taken.
    pub fn buffered(&self) -> &VecDeque<Frame> {
        &self.pending
    }

    /// True when the server closed the socket within `limit` (frames before the close are
    /// buffered); false when it was still open then.
    pub async fn wait_closed_within(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return false,
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    if let Ok(frame) = Frame::decode(&bytes, Side::Server, self.layout) {
                        self.pending.push_back(frame);
                    }
                }
                Ok(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    pub async fn send(&mut self, frame: Frame) {
        self.send_raw(Message::Binary(frame.encode().unwrap().into()))
            .await;
    }

    /// The next frame from the socket (not the buffer); `None` when it closed.
    async fn recv_wire(&mut self) -> Option<Frame> {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for a frame");
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    return Some(Frame::decode(&bytes, Side::Server, self.layout).expect("decode"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next frame (buffered first).
    pub async fn recv(&mut self) -> Frame {
        match self.pending.pop_front() {
            Some(frame) => frame,
            None => self.recv_wire().await.expect("connection closed"),
        }
    }

    /// Waits for the first frame matching `want`, keeping the others buffered.
    pub async fn wait_for(&mut self, want: impl Fn(&Frame) -> bool) -> Frame {
        if let Some(pos) = self.pending.iter().position(&want) {
            return self.pending.remove(pos).unwrap();
        }
        loop {
            let frame = self.recv_wire().await.expect("connection closed");
            if want(&frame) {
                return frame;
            }
            self.pending.push_back(frame);
        }
    }

    /// Sends `frame` and waits for its answer.
    async fn request(&mut self, frame: Frame, is_answer: impl Fn(&Frame) -> bool) -> Frame {
        self.send(frame).await;
        self.wait_for(is_answer).await
    }

    /// True once the server closed the socket (frames before the close are buffered).
    pub async fn wait_closed(&mut self) -> bool {
        while let Some(frame) = self.recv_wire().await {
            self.pending.push_back(frame);
        }
        true
    }

    pub async fn query_raw(&mut self, topic: &str, target: &str, payload: Vec<u8>) -> QueryAck {
        let msg_id = self.next_id();
        let query = Frame::with_default_flags(Body::Query(Query {
            topic: topic.into(),
            target_id: target.into(),
            msg_id,
            payload,
        }));
        let is_ack = move |f: &Frame| matches!(&f.body, Body::QueryAck(a) if a.msg_id == msg_id);
        let Body::QueryAck(ack) = self.request(query, is_ack).await.body else {
            unreachable!()
        };
        ack
    }

    /// A QUERY with targetId = `me`.
    pub async fn query(&mut self, me: &str, topic: &str, payload: impl prost::Message) -> QueryAck {
        self.query_raw(topic, me, payload.encode_to_vec()).await
    }

    /// A QUERY that must succeed, its reply decoded.
    pub async fn ask<R: pb::Required>(
        &mut self,
        me: &str,
        topic: &str,
        payload: impl prost::Message,
    ) -> R {
        let ack = self.query(me, topic, payload).await;
        assert!(ack.status.is_success(), "{topic} {:?}", ack.status);
        pb::decode_checked(&ack.payload).unwrap()
    }

    pub async fn publish_raw(
        &mut self,
        topic: &str,
        target: &str,
        payload: Vec<u8>,
    ) -> PubAckResult {
        let msg_id = self.next_id();
        let publish = Frame::new(
            Flags::QOS1,
            Body::Publish(Publish {
                date: None,
                topic: topic.into(),
                target_id: target.into(),
                msg_id,
                payload: payload.into(),
            }),
        );
        let is_ack = move |f: &Frame| matches!(&f.body, Body::PubAck(a) if a.msg_id == msg_id && !f.flags.dup);
        let Body::PubAck(ack) = self.request(publish, is_ack).await.body else {
            unreachable!()
        };
        ack.result.expect("server puback has a result")
    }

    pub async fn publish(
        &mut self,
        topic: &str,
        target: &str,
        message: pb::UpStreamMessage,
    ) -> PubAckResult {
        self.publish_raw(topic, target, message.encode_to_vec())
            .await
    }

    /// Sends a private text message and expects success.
    pub async fn send_text(&mut self, to: &str, text: &str) -> PubAckResult {
        let ack = self.publish("ppMsgP", to, text_message(text)).await;
        assert!(ack.status.is_success(), "puback {:?}", ack.status);
        ack
    }

    /// The next server PUBLISH on `topic`.
    pub async fn expect_publish(&mut self, topic: &str) -> (Flags, Publish) {
        let frame = self
            .wait_for(|f| matches!(&f.body, Body::Publish(p) if p.topic == topic))
            .await;
        let Body::Publish(p) = frame.body else {
            unreachable!()
        };
        (frame.flags, p)
    }

    /// `pullMsg` from the given cursors; panics on an error status.
    pub async fn pull(
        &mut self,
        me: &str,
        sync_time: i64,
        send_box: i64,
    ) -> pb::DownStreamMessages {
        self.ask(
            me,
            "pullMsg",
            pb::SyncRequestMsg {
                sync_time,
                ispolling: false,
                is_pull_send: Some(true),
                send_box_sync_time: Some(send_box),
                broadcast_sync_time: Some(1),
                compressio_enabled: Some(true),
                ..Default::default()
            },
        )
        .await
    }
}

/// A text message with a fresh clientUniqueId (the server treats a repeated one from the
/// same sender to the same target as a resend).
pub fn text_message(text: &str) -> pb::UpStreamMessage {
    static NEXT_CLIENT_ID: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1000);
    pb::UpStreamMessage {
        session_id: 3,
        classname: "RC:TxtMsg".into(),
        content: serde_json::json!({ "content": text }).to_string(),
        config_flag: Some(2),
        client_unique_id: Some(NEXT_CLIENT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
        ..Default::default()
    }
}

/// The text of an RC:TxtMsg.
pub fn text_of(m: &pb::DownStreamMessage) -> String {
    let v: serde_json::Value = serde_json::from_str(&m.content).unwrap();
    v["content"].as_str().unwrap_or_default().to_owned()
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("json body")
    }
}

/// One HTTP/1.1 request with `Connection: close`.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut raw))
        .await
        .expect("http timed out")
        .unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("http head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
}

/// A multipart/form-data body: text fields, then an optional file.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----rongchatTestBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A `qnTkn` upload token for `key`, asked the way the official SDK asks.
pub async fn upload_token(c: &mut Client, me: &str, key: &str) -> String {
    let out: pb::GetQNupTokenOutput = c
        .ask(
            me,
            "qnTkn",
            pb::GetQNupTokenInput {
                r#type: FileType::File.code(),
                key: Some(key.into()),
                http_method: Some(String::new()),
                query_string: Some(String::new()),
                url: Some(String::new()),
                ext: Some(r#"{"uploadDomain":""}"#.into()),
                size: Some(1),
                ip_type: Some(0),
            },
        )
        .await;
    assert!(out.deadline > 0);
    out.token
}

/// The Qiniu form upload of `bytes` under `key`.
pub async fn post_upload(fx: &Fixture, token: &str, key: &str, bytes: &[u8]) -> HttpResponse {
    let (ct, body) = multipart(
        &[("token", token), ("key", key)],
        Some(("hello.txt", "text/plain", bytes)),
    );
    http(
        fx.addr(),
        "POST",
        "/upload",
        &[("Content-Type", &ct), ("Origin", "http://x")],
        &body,
    )
    .await
}
