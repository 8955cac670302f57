//! The connection state machine, sans-I/O.
//!
//! Inputs: [`Session::connect`], [`Session::handle_frame`], [`Session::transport_opened`],
//! [`Session::transport_failed`], [`Session::transport_closed`], requests and
//! [`Session::handle_timeout`], each with `now`. Outputs, in order, from
//! [`Session::poll_output`]: frames to send, "open"/"close" the transport, and events;
//! [`Session::poll_timeout`] says when to call `handle_timeout` next. The driver owns the
//! socket and the clock; this type owns the rules (fact sheet §2–§5).

mod backoff;
mod status;
#[cfg(test)]
mod tests;

pub use backoff::{Backoff, Jitter};
pub use status::{ConnectionStatus, SuspendReason};

use rongchat_proto::frame::{ConnAck, ConnAckInfo, PubAck, PubAckResult, Publish, Query, QueryCon};
use rongchat_proto::status::{AckStatus, ConnAckStatus};
use rongchat_proto::{Body, Flags, Frame, Topic};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Timings and the jitter seed. The defaults are the official SDK's.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Seed for the reconnect jitter.
    pub seed: u64,
    /// Wait after a PINGRESP before the next ping (15 s).
    pub ping_interval: Duration,
    /// How long a ping may go unanswered (15 s).
    pub ping_timeout: Duration,
    /// Consecutive unanswered pings that mean the link is dead (2).
    pub max_missed_pings: u32,
    /// How long a QUERY or PUBLISH may wait for its ack (30 s).
    pub request_timeout: Duration,
    /// Navigation + socket + CONNACK must finish within this.
    pub connect_timeout: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            ping_interval: Duration::from_secs(15),
            ping_timeout: Duration::from_secs(15),
            max_missed_pings: 2,
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(20),
        }
    }
}

/// Identifies one request for its reply; unique for the session's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// What the driver must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send this frame on the socket.
    Transmit(Frame),
    /// Open a transport (navigation, then the WebSocket), then report back.
    Open,
    /// Close the socket, if one is open.
    Close,
    /// Something happened.
    Event(SessionEvent),
}

/// What the session reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// The status changed.
    Status(ConnectionStatus),
    /// A CONNACK was accepted.
    Connected {
        /// The user id the server assigned.
        user_id: String,
        /// Server time, ms, when the CONNACK had one.
        server_time: Option<u64>,
    },
    /// The answer to a request.
    Reply {
        /// Which request.
        request: RequestId,
        /// The answer.
        result: Result<Reply, RequestError>,
    },
    /// A server PUBLISH (`s_ntf`, `s_msg`, `s_cmd`, ...). Already acknowledged if asked.
    Push(Publish),
    /// A message this user sent from another device: the dup PUBLISH and its PUBACK.
    Echo {
        /// The echoed PUBLISH (its payload is an `UpStreamMessage`).
        publish: Publish,
        /// Send time and messageUId.
        ack: PubAckResult,
    },
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// QUERYACK payload (may be empty) and the server date, seconds.
    Query {
        /// Protobuf bytes.
        payload: Vec<u8>,
        /// Server date, unix seconds.
        date: u32,
    },
    /// PUBACK: messageUId and send time.
    Publish(PubAckResult),
}

/// Which frame a request goes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// A QUERY, answered by a QUERYACK.
    Query,
    /// A PUBLISH at QoS 1, answered by a PUBACK.
    Publish,
}

/// Why a request got no successful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The session is not connected; nothing was sent.
    #[error("not connected")]
    NotConnected,
    /// No ack within the request timeout.
    #[error("timed out waiting for the server")]
    Timeout,
    /// The link went down before the ack; the request may or may not have arrived.
    #[error("connection lost before the ack")]
    ConnectionLost,
    /// The server answered with a non-zero status (the SDK's error code).
    #[error("server refused the request: {0}")]
    Refused(AckStatus),
}

/// Why a transport could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFailure {
    /// Network-type trouble (navigation unreachable, socket refused): retry later.
    Network,
    /// Navigation said the token is wrong (HTTP 401/403): final.
    TokenIncorrect,
    /// Navigation refused for another final reason (e.g. 416 licence expired).
    Rejected {
        /// The SDK's error code.
        code: u32,
    },
}

#[derive(Debug)]
enum State {
    /// Not started, or stopped by the application.
    Idle,
    /// Waiting for the driver's transport and then the CONNACK.
    Opening { deadline: Instant },
    /// CONNACK accepted.
    Connected(Heartbeat),
    /// Link lost; a retry is due at `retry_at`.
    Waiting { retry_at: Instant },
    /// Kicked, token or blocked: only the application can start again.
    Final,
}

/// Heartbeat state: at most one ping outstanding.
#[derive(Debug)]
struct Heartbeat {
    /// When the next ping is due (set after a PINGRESP).
    next_ping: Option<Instant>,
    /// When the outstanding ping counts as missed.
    pong_deadline: Option<Instant>,
    misses: u32,
}

#[derive(Debug)]
struct Pending {
    request: RequestId,
}

/// The connection state machine. See the module docs.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    state: State,
    status: ConnectionStatus,
    backoff: Backoff,
    last_msg_id: u16,
    next_request: u64,
    pending: HashMap<u16, Pending>,
    /// Pending ids in send order, for expiry (entries may be stale).
    expiry: VecDeque<(Instant, u16, RequestId)>,
    parked_echoes: HashMap<u16, Publish>,
    outputs: VecDeque<Output>,
}

impl Session {
    /// A session that is not connected yet.
    pub fn new(config: SessionConfig) -> Self {
        Self {
            backoff: Backoff::new(config.seed),
            config,
            state: State::Idle,
            status: ConnectionStatus::Disconnected,
            last_msg_id: 0,
            next_request: 0,
            pending: HashMap::new(),
            expiry: VecDeque::new(),
            parked_echoes: HashMap::new(),
            outputs: VecDeque::new(),
        }
    }

    /// The current status.
    pub fn status(&self) -> ConnectionStatus {
        self.status
    }

    /// How many requests wait for an ack.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// The application wants to be connected. Starts at once unless already on it.
    pub fn connect(&mut self, now: Instant) {
        match self.state {
            State::Opening { .. } | State::Connected(_) => {}
            State::Idle | State::Final | State::Waiting { .. } => {
                self.backoff.reset();
                self.start_open(now);
            }
        }
    }

    /// The application wants to be disconnected: close, fail what is in flight, stay down.
    pub fn disconnect(&mut self, _now: Instant) {
        if matches!(self.state, State::Opening { .. } | State::Connected(_)) {
            self.outputs.push_back(Output::Close);
        }
        self.fail_pending(RequestError::ConnectionLost);
        self.state = State::Idle;
        self.set_status(ConnectionStatus::Disconnected);
    }

    /// The app came back to the foreground or the network changed: retry now if waiting,
    /// and check a live link with a ping.
    pub fn network_hint(&mut self, now: Instant) {
        match &mut self.state {
            State::Waiting { .. } => {
                self.backoff.reset();
                self.start_open(now);
            }
            State::Connected(hb) if hb.pong_deadline.is_none() => {
                hb.next_ping = None;
                hb.pong_deadline = Some(now + self.config.ping_timeout);
                self.outputs
                    .push_back(Output::Transmit(Frame::with_default_flags(Body::PingReq)));
            }
            _ => {}
        }
    }

    /// The driver opened the socket; the server speaks first (CONNACK).
    pub fn transport_opened(&mut self, _now: Instant) {}

    /// The driver could not open a transport.
    pub fn transport_failed(&mut self, now: Instant, failure: OpenFailure) {
        if !matches!(self.state, State::Opening { .. }) {
            return;
        }
        match failure {
            OpenFailure::Network => self.suspend(now, SuspendReason::NetworkError),
            OpenFailure::TokenIncorrect => self.finish(ConnectionStatus::TokenIncorrect),
            OpenFailure::Rejected { code } => self.finish(ConnectionStatus::Rejected { code }),
        }
    }

    /// The socket closed (or errored) under us.
    pub fn transport_closed(&mut self, now: Instant) {
        if matches!(self.state, State::Opening { .. } | State::Connected(_)) {
            self.suspend(now, SuspendReason::SocketClosed);
        }
    }

    /// Sends a QUERY or a PUBLISH (QoS 1); its QUERYACK or PUBACK comes as a
    /// [`SessionEvent::Reply`].
    pub fn ask(
        &mut self,
        kind: RequestKind,
        now: Instant,
        topic: &str,
        target_id: &str,
        payload: Vec<u8>,
    ) -> Result<RequestId, RequestError> {
        let (topic, target_id) = (topic.to_owned(), target_id.to_owned());
        self.request(now, |msg_id| match kind {
            RequestKind::Query => Body::Query(Query {
                topic,
                target_id,
                msg_id,
                payload,
            }),
            RequestKind::Publish => Body::Publish(Publish {
                date: None,
                topic,
                target_id,
                msg_id,
                payload: payload.into(),
            }),
        })
    }

    /// A request with a fresh msgId, tracked for its ack and its timeout.
    fn request(
        &mut self,
        now: Instant,
        body: impl FnOnce(u16) -> Body,
    ) -> Result<RequestId, RequestError> {
        let msg_id = self.begin_request()?;
        let frame = Frame::with_default_flags(body(msg_id));
        Ok(self.track(now, msg_id, frame))
    }

    /// One frame from the server.
    pub fn handle_frame(&mut self, now: Instant, frame: Frame) {
        match (&mut self.state, frame.body) {
            (State::Opening { .. }, Body::ConnAck(ack)) => self.on_connack(now, ack),
            (State::Connected(hb), Body::PingResp) => {
                hb.misses = 0;
                hb.pong_deadline = None;
                hb.next_ping = Some(now + self.config.ping_interval);
                // A ping round trip proves the link: the next loss starts the schedule over.
                self.backoff.reset();
            }
            (State::Connected(_), Body::PubAck(ack)) => self.on_puback(ack),
            (State::Connected(_), Body::QueryAck(ack)) => {
                if frame.flags.qos > 0 {
                    self.transmit(Body::QueryCon(QueryCon { msg_id: ack.msg_id }));
                }
                let result = if ack.status.is_success() {
                    Ok(Reply::Query {
                        payload: ack.payload,
                        date: ack.date,
                    })
                } else {
                    Err(RequestError::Refused(ack.status))
                };
                self.complete(ack.msg_id, result);
            }
            (State::Connected(_), Body::Publish(publish)) => {
                if frame.flags.dup && Topic::parse(&publish.topic).is_sent_message() {
                    // Sent by this user on another device: wait for its PUBACK (§3).
                    self.parked_echoes.insert(publish.msg_id, publish);
                } else {
                    if frame.flags.qos > 0 {
                        self.transmit(Body::PubAck(PubAck {
                            msg_id: publish.msg_id,
                            result: None,
                        }));
                    }
                    self.emit(SessionEvent::Push(publish));
                }
            }
            (State::Opening { .. } | State::Connected(_), Body::Disconnect(d)) => {
                match ConnectionStatus::from_disconnect(d.status) {
                    Some(final_status) => self.finish(final_status),
                    None => self.suspend(now, SuspendReason::ServerDisconnect),
                }
            }
            // Frames out of place (a second CONNACK, client-only commands): ignored.
            _ => {}
        }
    }

    /// Time passed: pings, missed pongs, request timeouts, connect timeout, retries.
    pub fn handle_timeout(&mut self, now: Instant) {
        match &mut self.state {
            State::Opening { deadline } if now >= *deadline => {
                self.suspend(now, SuspendReason::ConnectTimeout);
                return;
            }
            State::Waiting { retry_at } if now >= *retry_at => {
                self.start_open(now);
                return;
            }
            State::Connected(hb) => {
                if hb.pong_deadline.is_some_and(|d| now >= d) {
                    hb.misses += 1;
                    if hb.misses >= self.config.max_missed_pings {
                        self.suspend(now, SuspendReason::PingTimeout);
                        return;
                    }
                    // A miss: ping again at once (§5).
                    hb.pong_deadline = Some(now + self.config.ping_timeout);
                    self.transmit(Body::PingReq);
                } else if hb.next_ping.is_some_and(|t| now >= t) {
                    hb.next_ping = None;
                    hb.pong_deadline = Some(now + self.config.ping_timeout);
                    self.transmit(Body::PingReq);
                }
            }
            _ => {}
        }
        while let Some(&(deadline, msg_id, request)) = self.expiry.front() {
            let live = self
                .pending
                .get(&msg_id)
                .is_some_and(|p| p.request == request);
            if live && deadline > now {
                break;
            }
            self.expiry.pop_front();
            if live {
                self.complete(msg_id, Err(RequestError::Timeout));
            }
        }
    }

    /// When `handle_timeout` should run next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let state = match &self.state {
            State::Opening { deadline } => Some(*deadline),
            State::Waiting { retry_at } => Some(*retry_at),
            State::Connected(hb) => hb.pong_deadline.or(hb.next_ping),
            State::Idle | State::Final => None,
        };
        let request = self
            .expiry
            .iter()
            .find(|(_, id, req)| self.pending.get(id).is_some_and(|p| p.request == *req))
            .map(|(deadline, ..)| *deadline);
        match (state, request) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next thing to do, in order.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    fn start_open(&mut self, now: Instant) {
        self.state = State::Opening {
            deadline: now + self.config.connect_timeout,
        };
        self.outputs.push_back(Output::Open);
        self.set_status(ConnectionStatus::Connecting);
    }

    fn on_connack(&mut self, now: Instant, ack: ConnAck) {
        if ack.status != ConnAckStatus::Accepted {
            match ConnectionStatus::from_connack(ack.status) {
                Some(final_status) => self.finish(final_status),
                None => self.suspend(now, SuspendReason::ServerUnavailable),
            }
            return;
        }
        if let ConnAckInfo::V4 {
            message_id: Some(id),
            ..
        } = ack.info
        {
            self.last_msg_id = id;
        }
        let user_id = ack.user_id().unwrap_or_default().to_owned();
        let server_time = ack.timestamp();
        // Ping right after connecting (§5).
        self.state = State::Connected(Heartbeat {
            next_ping: None,
            pong_deadline: Some(now + self.config.ping_timeout),
            misses: 0,
        });
        self.transmit(Body::PingReq);
        self.emit(SessionEvent::Connected {
            user_id,
            server_time,
        });
        self.set_status(ConnectionStatus::Connected);
    }

    fn on_puback(&mut self, ack: PubAck) {
        let Some(result) = ack.result else { return };
        if let Some(publish) = self.parked_echoes.remove(&ack.msg_id) {
            if result.status.is_success() {
                self.emit(SessionEvent::Echo {
                    publish,
                    ack: result,
                });
            }
            return;
        }
        let outcome = if result.status.is_success() {
            Ok(Reply::Publish(result))
        } else {
            Err(RequestError::Refused(result.status))
        };
        self.complete(ack.msg_id, outcome);
    }

    fn begin_request(&mut self) -> Result<u16, RequestError> {
        if !matches!(self.state, State::Connected(_)) {
            return Err(RequestError::NotConnected);
        }
        // 16-bit ids wrap; skip 0 and any id still waiting for its ack.
        for _ in 0..=u16::MAX {
            self.last_msg_id = self.last_msg_id.wrapping_add(1);
            if self.last_msg_id != 0 && !self.pending.contains_key(&self.last_msg_id) {
                return Ok(self.last_msg_id);
            }
        }
        Err(RequestError::NotConnected)
    }

    fn track(&mut self, now: Instant, msg_id: u16, frame: Frame) -> RequestId {
        self.next_request += 1;
        let request = RequestId(self.next_request);
        let deadline = now + self.config.request_timeout;
        self.pending.insert(msg_id, Pending { request });
        self.expiry.push_back((deadline, msg_id, request));
        self.outputs.push_back(Output::Transmit(frame));
        request
    }

    fn complete(&mut self, msg_id: u16, result: Result<Reply, RequestError>) {
        // Drop answered requests from the front of the expiry queue, so finding the next
        // deadline stays cheap under a burst.
        while let Some(&(_, id, req)) = self.expiry.front() {
            let live = self.pending.get(&id).is_some_and(|p| p.request == req);
            if live && id != msg_id {
                break;
            }
            self.expiry.pop_front();
        }
        if let Some(pending) = self.pending.remove(&msg_id) {
            self.emit(SessionEvent::Reply {
                request: pending.request,
                result,
            });
        }
    }

    fn fail_pending(&mut self, error: RequestError) {
        let mut failed: Vec<_> = self.pending.drain().map(|(_, p)| p.request).collect();
        failed.sort();
        for request in failed {
            self.emit(SessionEvent::Reply {
                request,
                result: Err(error),
            });
        }
        self.expiry.clear();
        self.parked_echoes.clear();
    }

    fn suspend(&mut self, now: Instant, reason: SuspendReason) {
        self.outputs.push_back(Output::Close);
        self.fail_pending(RequestError::ConnectionLost);
        let delay = self.backoff.next_delay();
        self.state = State::Waiting {
            retry_at: now + delay,
        };
        self.set_status(ConnectionStatus::Suspended { reason });
    }

    fn finish(&mut self, status: ConnectionStatus) {
        self.outputs.push_back(Output::Close);
        self.fail_pending(RequestError::ConnectionLost);
        self.state = State::Final;
        self.set_status(status);
    }

    fn transmit(&mut self, body: Body) {
        self.outputs
            .push_back(Output::Transmit(Frame::new(Flags::NONE, body)));
    }

    fn emit(&mut self, event: SessionEvent) {
        self.outputs.push_back(Output::Event(event));
    }

    fn set_status(&mut self, status: ConnectionStatus) {
        if self.status != status {
            self.status = status;
            self.emit(SessionEvent::Status(status));
        }
    }
}
