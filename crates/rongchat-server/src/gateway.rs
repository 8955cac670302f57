//! The WebSocket gateway: `/websocket?appId=..&token=..&protocolVer=..`. The server speaks
//! first (CONNACK), then one task per connection answers frames and forwards what the hub
//! queues for it.

use crate::clock::{date_parts, now_ms, now_secs, random_hex};
use crate::connection::Connection;
use crate::frames::puback;
use crate::hub::{Control, Mailbox, Outgoing};
use crate::login::{self, Refusal};
use crate::shared::Shared;
use crate::topics;
use axum::extract::ws::{Message, WebSocket};
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::response::Response;
use futures_util::stream::FuturesOrdered;
use futures_util::{FutureExt, SinkExt, StreamExt};
use rongchat_proto::frame::{ConnAck, Disconnect, Publish};
use rongchat_proto::status::{AckStatus, ConnAckStatus, DisconnectStatus};
use rongchat_proto::{Body, Flags, Frame, Layout, Side};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Largest frame accepted from a client: a 128 KB content plus its envelope.
const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Per-connection read buffer. tungstenite's default (128 KiB) would dominate the memory of
/// an idle connection; frames are small, and larger ones still arrive in pieces.
const READ_BUFFER_BYTES: usize = 4 * 1024;
/// Frames written are gathered up to this many bytes before they go to the socket, so a
/// burst of PUBACKs or pushes is one write rather than one per frame (the buffer grows
/// only when used: an idle connection keeps none).
const WRITE_BUFFER_BYTES: usize = 16 * 1024;
/// Most frames gathered into one write.
const FRAMES_PER_WRITE: usize = 64;

pub async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            run(shared, socket, params).await;
        })
}

/// Sends one frame; false when the socket failed or the peer did not take it within
/// `timeout` (a peer that stops reading is dropped, so nothing waits on it for longer).
async fn send_frame(socket: &mut WebSocket, frame: &Frame, timeout: Duration) -> bool {
    feed_frame(socket, frame, timeout).await && flush(socket, timeout).await
}

/// Writes one frame into the socket's buffer (sent at [`flush`] or when it fills).
async fn feed_frame(socket: &mut WebSocket, frame: &Frame, timeout: Duration) -> bool {
    match frame.encode() {
        Ok(bytes) => matches!(
            tokio::time::timeout(timeout, socket.feed(Message::Binary(bytes.into()))).await,
            Ok(Ok(()))
        ),
        Err(e) => {
            tracing::warn!("could not encode a frame: {e}");
            true
        }
    }
}

async fn flush(socket: &mut WebSocket, timeout: Duration) -> bool {
    matches!(
        tokio::time::timeout(timeout, socket.flush()).await,
        Ok(Ok(()))
    )
}

/// Sends a Close, within `timeout`.
async fn send_close(socket: &mut WebSocket, timeout: Duration) {
    let _ = tokio::time::timeout(timeout, socket.send(Message::Close(None))).await;
}

async fn refuse(mut socket: WebSocket, status: ConnAckStatus, timeout: Duration) {
    let frame = Frame::with_default_flags(Body::ConnAck(ConnAck::refused(status)));
    let _ = send_frame(&mut socket, &frame, timeout).await;
    send_close(&mut socket, timeout).await;
}

/// Checks the URL's app key and token and the user's state.
async fn authenticate(
    shared: &Shared,
    params: &HashMap<String, String>,
) -> Result<String, ConnAckStatus> {
    let app_key = params.get("appId").map(String::as_str);
    let token = params.get("token").map(String::as_str);
    match login::check(shared, app_key, token).await {
        Ok(login) if login.blocked => Err(ConnAckStatus::UserBlocked),
        Ok(login) => Ok(login.user_id),
        Err(Refusal::AppKey) => Err(ConnAckStatus::IdentifierRejected),
        Err(Refusal::TokenExpired) => Err(ConnAckStatus::TokenExpired),
        Err(Refusal::TokenMissing | Refusal::TokenIncorrect) => Err(ConnAckStatus::TokenIncorrect),
        Err(Refusal::Internal) => Err(ConnAckStatus::ServerUnavailable),
    }
}

/// The platform for kick-on-second-login: the `platform` parameter, else the `apiVer`
/// prefix (`browser|Chrome|156` -> `browser`).
fn platform(params: &HashMap<String, String>) -> String {
    params
        .get("platform")
        .filter(|p| !p.is_empty())
        .cloned()
        .or_else(|| {
            params
                .get("apiVer")
                .map(|v| v.split('|').next().unwrap_or_default().to_owned())
        })
        .unwrap_or_default()
        .to_ascii_lowercase()
}

async fn run(shared: Arc<Shared>, mut socket: WebSocket, params: HashMap<String, String>) {
    let layout = Layout::from_protocol_version(
        params
            .get("protocolVer")
            .and_then(|v| v.parse().ok())
            .unwrap_or(3),
    );
    let user_id = match authenticate(&shared, &params).await {
        Ok(user) => user,
        Err(status) => {
            tracing::info!(status = status.code(), "connection refused: {status:?}");
            return refuse(socket, status, shared.config.write_timeout).await;
        }
    };
    let platform = platform(&params);
    let (id, mut mailbox) = shared.hub.register(&user_id, &platform);
    let connected_at = now_ms();
    let session_id = random_hex(8);
    let ack = ConnAck::accepted(
        layout,
        &user_id,
        &session_id,
        u64::try_from(connected_at).unwrap_or(0),
    );
    let mut conn = Connection::new(shared.clone(), user_id.clone(), id);
    let write_timeout = shared.config.write_timeout;
    let connack = Frame::with_default_flags(Body::ConnAck(ack));
    let end = if send_frame(&mut socket, &connack, write_timeout).await {
        tracing::info!(user = %user_id, conn = id, %platform, ?layout, "connected");
        serve(&mut conn, &mut socket, &mut mailbox, layout).await
    } else {
        End::Closed("socket lost")
    };
    shared.hub.unregister(&user_id, id);
    send_close(&mut socket, write_timeout).await;
    tracing::info!(user = %user_id, conn = id, reason = end.reason(), "disconnected");
}

/// Why the frame loop ended.
enum End {
    /// Closed, for this reason.
    Closed(&'static str),
    /// Another login from the same platform took over.
    Kicked,
}

impl End {
    fn reason(&self) -> &'static str {
        match self {
            End::Closed(reason) => reason,
            End::Kicked => "kicked by a newer login",
        }
    }
}

/// Message PUBACKs one connection may have outstanding before its next frame is read
/// (the writer's queue bounds them all; this bounds one connection's share).
const MAX_PENDING_ACKS: usize = 256;

async fn serve(
    conn: &mut Connection,
    socket: &mut WebSocket,
    mailbox: &mut Mailbox,
    layout: Layout,
) -> End {
    let idle = conn.shared.config.idle_timeout;
    let write_timeout = conn.shared.config.write_timeout;
    let mut deadline = Instant::now() + idle;
    // Message PUBACKs still to come, in frame order (see `topics::publish_pipelined`).
    let mut acks = FuturesOrdered::<topics::PendingAck>::new();
    let end = loop {
        tokio::select! {
            incoming = socket.recv(), if acks.len() < MAX_PENDING_ACKS => {
                let bytes = match incoming {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Text(_))) => break End::Closed("text message"),
                    Some(Ok(Message::Close(_))) | None => break End::Closed("closed by the client"),
                    Some(Err(_)) => break End::Closed("socket error"),
                };
                deadline = Instant::now() + idle;
                let frame = match Frame::decode(&bytes, Side::Client, layout) {
                    Ok(frame) => frame,
                    Err(e) => {
                        tracing::debug!(conn = conn.id, "malformed frame: {e}");
                        break End::Closed("malformed frame");
                    }
                };
                if let Body::Publish(publish) = &frame.body
                    && let Some(ack) = topics::publish_pipelined(conn, publish).await
                {
                    acks.push_back(ack);
                    continue;
                }
                match handle(conn, frame).await {
                    Some(replies) => {
                        if !send_all(socket, &replies, write_timeout).await {
                            break End::Closed("write timed out or failed");
                        }
                    }
                    None => break End::Closed("DISCONNECT or a server-only frame"),
                }
            }
            Some(ack) = acks.next(), if !acks.is_empty() => {
                // Every PUBACK whose commit is done goes out in one write.
                let mut ok = feed_frame(socket, &ack, write_timeout).await;
                for _ in 1..FRAMES_PER_WRITE {
                    let Some(Some(ack)) = acks.next().now_or_never() else {
                        break;
                    };
                    ok = ok && feed_frame(socket, &ack, write_timeout).await;
                }
                if !(ok && flush(socket, write_timeout).await) {
                    break End::Closed("write timed out or failed");
                }
            }
            item = mailbox.queue.recv() => {
                let Some(item) = item else {
                    // The hub dropped us; the control value says why.
                    break match *mailbox.control.borrow() {
                        Control::Kick => End::Kicked,
                        Control::Run | Control::Close => End::Closed("closed by the server"),
                    };
                };
                // What else is queued now goes out in the same write.
                let mut ok = true;
                let mut item = Some(item);
                for _ in 0..FRAMES_PER_WRITE {
                    let Some(next) = item.take().or_else(|| mailbox.queue.try_recv().ok()) else {
                        break;
                    };
                    mailbox.taken(&next);
                    for frame in outgoing_frames(conn, next) {
                        ok = ok && feed_frame(socket, &frame, write_timeout).await;
                    }
                }
                if !(ok && flush(socket, write_timeout).await) {
                    break End::Closed("write timed out or failed");
                }
            }
            changed = mailbox.control.changed() => {
                let control = *mailbox.control.borrow_and_update();
                match (changed, control) {
                    (Ok(()), Control::Run) => {}
                    (Ok(()), Control::Kick) => break End::Kicked,
                    (Ok(()), Control::Close) | (Err(_), _) => {
                        break End::Closed("closed by the server");
                    }
                }
            }
            () = tokio::time::sleep_until(deadline) => break End::Closed("idle"),
        }
    };
    if let End::Kicked = end {
        let frame = Frame::with_default_flags(Body::Disconnect(Disconnect {
            status: DisconnectStatus::Kicked,
        }));
        let _ = send_frame(socket, &frame, write_timeout).await;
    }
    end
}

/// Sends frames in order; false at the first that fails or times out.
async fn send_all(socket: &mut WebSocket, frames: &[Frame], timeout: Duration) -> bool {
    for frame in frames {
        if !send_frame(socket, frame, timeout).await {
            return false;
        }
    }
    true
}

/// Frames for a queued item, with this connection's msgIds.
fn outgoing_frames(conn: &mut Connection, item: Outgoing) -> Vec<Frame> {
    match item {
        Outgoing::Publish {
            topic,
            target_id,
            payload,
            qos,
        } => {
            let msg_id = conn.next_msg_id();
            vec![Frame::new(
                Flags { qos, ..Flags::NONE },
                Body::Publish(Publish {
                    date: Some(now_secs()),
                    topic: topic.to_string(),
                    target_id,
                    msg_id,
                    payload,
                }),
            )]
        }
        Outgoing::Echo {
            topic,
            target_id,
            payload,
            data_time,
            uid,
        } => {
            let msg_id = conn.next_msg_id();
            vec![
                Frame::new(
                    Flags {
                        dup: true,
                        qos: 1,
                        retain: false,
                    },
                    Body::Publish(Publish {
                        date: Some(date_parts(data_time).0),
                        topic: topic.to_string(),
                        target_id,
                        msg_id,
                        payload,
                    }),
                ),
                puback(msg_id, AckStatus::Success, data_time, uid),
            ]
        }
    }
}

/// Answers one client frame; `None` closes the connection.
async fn handle(conn: &mut Connection, frame: Frame) -> Option<Vec<Frame>> {
    match frame.body {
        Body::PingReq => Some(vec![Frame::with_default_flags(Body::PingResp)]),
        Body::Publish(publish) => Some(vec![topics::publish(conn, publish).await]),
        Body::Query(query) => Some(vec![topics::query(conn, query).await]),
        // Acks of our QoS 1 pushes and query confirmations need no answer.
        Body::PubAck(_) | Body::QueryCon(_) => Some(Vec::new()),
        Body::Disconnect(_) => None,
        // Server-only frames from a client are a protocol violation.
        Body::ConnAck(_) | Body::QueryAck(_) | Body::PingResp => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_from_params() {
        let mut p = HashMap::new();
        assert_eq!(platform(&p), "");
        p.insert("apiVer".to_owned(), "browser|Chrome|156.0.0.0".to_owned());
        assert_eq!(platform(&p), "browser");
        p.insert("platform".to_owned(), "Desktop".to_owned());
        assert_eq!(platform(&p), "desktop");
    }
}
