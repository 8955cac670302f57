//! The session on a simulated clock: push inputs in, assert the exact outputs.

use super::*;
use rongchat_proto::Layout;
use rongchat_proto::frame::Disconnect;
use rongchat_proto::status::DisconnectStatus;

const S: Duration = Duration::from_secs(1);

struct Harness {
    session: Session,
    start: Instant,
}

impl Harness {
    fn new() -> Self {
        Self {
            session: Session::new(SessionConfig {
                seed: 42,
                ..SessionConfig::default()
            }),
            start: Instant::now(),
        }
    }

    fn at(&self, offset: Duration) -> Instant {
        self.start + offset
    }

    fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.session.poll_output()).collect()
    }

    /// Connect and accept; returns the outputs of the CONNACK.
    fn connected(&mut self) -> Vec<Output> {
        self.session.connect(self.start);
        assert_eq!(
            self.drain(),
            [
                Output::Open,
                Output::Event(SessionEvent::Status(ConnectionStatus::Connecting))
            ]
        );
        self.session.transport_opened(self.start);
        let ack = ConnAck::accepted(Layout::V3, "alice", "s1", 1_700_000_000_000);
        self.session
            .handle_frame(self.start, Frame::new(Flags::NONE, Body::ConnAck(ack)));
        self.drain()
    }

    /// A `pullMsg` sent at `offset`, its frame drained.
    fn pull_at(&mut self, offset: Duration) -> RequestId {
        let id = self
            .session
            .ask(
                RequestKind::Query,
                self.at(offset),
                "pullMsg",
                "alice",
                vec![],
            )
            .unwrap();
        self.drain();
        id
    }

    /// A `ppMsgP` to bob sent at the start, its frame drained.
    fn publish_to_bob(&mut self) -> RequestId {
        let id = self
            .session
            .ask(RequestKind::Publish, self.start, "ppMsgP", "bob", vec![])
            .unwrap();
        self.drain();
        id
    }

    fn server(&mut self, offset: Duration, body: Body) {
        let now = self.at(offset);
        self.session
            .handle_frame(now, Frame::new(Flags::NONE, body));
    }

    fn tick(&mut self, offset: Duration) -> Vec<Output> {
        self.session.handle_timeout(self.at(offset));
        self.drain()
    }
}

fn ping() -> Output {
    Output::Transmit(Frame::new(Flags::NONE, Body::PingReq))
}

/// What a session says when it closes with one request in flight.
fn closed_failing(request: RequestId, s: ConnectionStatus) -> [Output; 3] {
    [
        Output::Close,
        Output::Event(SessionEvent::Reply {
            request,
            result: Err(RequestError::ConnectionLost),
        }),
        status(s),
    ]
}

fn status(s: ConnectionStatus) -> Output {
    Output::Event(SessionEvent::Status(s))
}

#[test]
fn pings_right_after_connect_then_15s_after_each_reply() {
    let mut h = Harness::new();
    let out = h.connected();
    assert_eq!(out[0], ping(), "ping comes first, before any event");
    assert!(out.contains(&Output::Event(SessionEvent::Connected {
        user_id: "alice".into(),
        server_time: Some(1_700_000_000_000)
    })));
    assert_eq!(out.last(), Some(&status(ConnectionStatus::Connected)));
    // The first ping may wait 15 s for its reply.
    assert_eq!(h.session.poll_timeout(), Some(h.at(15 * S)));

    h.server(2 * S, Body::PingResp);
    assert_eq!(h.session.poll_timeout(), Some(h.at(17 * S)));
    assert!(h.tick(16 * S).is_empty(), "nothing before the interval");
    assert_eq!(h.tick(17 * S), [ping()]);
    assert_eq!(h.session.poll_timeout(), Some(h.at(32 * S)));

    // An hour of healthy pings: always exactly one ping per 15 s + reply time.
    let mut now = 17 * S;
    for _ in 0..240 {
        now += Duration::from_millis(100);
        h.server(now, Body::PingResp);
        let due = h.session.poll_timeout().expect("a ping is scheduled");
        assert_eq!(due, h.at(now + 15 * S));
        now += 15 * S;
        assert_eq!(h.tick(now), [ping()]);
    }
    assert_eq!(h.session.status(), ConnectionStatus::Connected);
}

#[test]
fn other_traffic_does_not_satisfy_a_ping() {
    let mut h = Harness::new();
    h.connected();
    let id = h.pull_at(S);
    h.server(
        2 * S,
        Body::QueryAck(rongchat_proto::frame::QueryAck {
            msg_id: 1,
            date: 1,
            status: AckStatus::Success,
            payload: vec![1],
        }),
    );
    assert_eq!(
        h.drain(),
        [Output::Event(SessionEvent::Reply {
            request: id,
            result: Ok(Reply::Query {
                payload: vec![1],
                date: 1
            })
        })]
    );
    // Still a miss at 15 s: ping again right away.
    assert_eq!(h.tick(15 * S), [ping()]);
}

#[test]
fn two_missed_pongs_suspend_and_reconnect_within_a_second() {
    let mut h = Harness::new();
    h.connected();
    assert!(h.tick(14 * S).is_empty());
    assert_eq!(h.tick(15 * S), [ping()], "first miss: retry the ping");
    assert_eq!(h.session.poll_timeout(), Some(h.at(30 * S)));
    let out = h.tick(30 * S);
    assert_eq!(
        out,
        [
            Output::Close,
            status(ConnectionStatus::Suspended {
                reason: SuspendReason::PingTimeout
            })
        ]
    );
    let retry = h.session.poll_timeout().expect("a retry is scheduled");
    assert!(retry > h.at(30 * S) && retry <= h.at(31 * S), "{retry:?}");
    assert!(h.tick(30 * S + Duration::from_millis(1)).is_empty() || retry <= h.at(30 * S));
    let out = h.session.poll_timeout().map(|t| {
        h.session.handle_timeout(t);
        h.drain()
    });
    assert_eq!(
        out,
        Some(vec![Output::Open, status(ConnectionStatus::Connecting)])
    );
}

#[test]
fn a_pong_after_one_miss_keeps_the_link() {
    let mut h = Harness::new();
    h.connected();
    assert_eq!(h.tick(15 * S), [ping()]);
    h.server(20 * S, Body::PingResp);
    assert!(h.tick(30 * S).is_empty());
    assert_eq!(h.tick(35 * S), [ping()]);
    assert_eq!(h.session.status(), ConnectionStatus::Connected);
}

#[test]
fn backoff_schedule_doubles_to_the_cap_and_resume_retries_at_once() {
    let mut h = Harness::new();
    h.session.connect(h.start);
    h.drain();
    let mut now = h.start;
    let mut delays = Vec::new();
    for _ in 0..8 {
        h.session.transport_failed(now, OpenFailure::Network);
        let out = h.drain();
        assert_eq!(out[0], Output::Close);
        let retry = h.session.poll_timeout().unwrap();
        delays.push(retry - now);
        h.session.handle_timeout(retry - Duration::from_millis(1));
        assert!(h.drain().is_empty(), "no retry before its time");
        h.session.handle_timeout(retry);
        assert_eq!(h.drain()[0], Output::Open);
        now = retry;
    }
    let ceilings = [1u64, 2, 4, 8, 16, 30, 30, 30];
    for (delay, ceiling) in delays.iter().zip(ceilings) {
        let ceiling = Duration::from_secs(ceiling);
        assert!(*delay <= ceiling && *delay >= ceiling / 2, "{delays:?}");
    }
    // Deterministic: the same seed gives the same schedule.
    let mut again = Backoff::new(42);
    let expected: Vec<_> = (0..8).map(|_| again.next_delay()).collect();
    assert_eq!(delays, expected);

    // While waiting 30 s, the app resumes: reconnect at once, schedule starts over.
    h.session.transport_failed(now, OpenFailure::Network);
    h.drain();
    h.session.network_hint(now + S);
    assert_eq!(
        h.drain(),
        [Output::Open, status(ConnectionStatus::Connecting)]
    );
    h.session.transport_failed(now + S, OpenFailure::Network);
    h.drain();
    assert!(h.session.poll_timeout().unwrap() <= now + 2 * S);
}

#[test]
fn healthy_link_resets_the_backoff() {
    let mut h = Harness::new();
    h.connected();
    for _ in 0..4 {
        h.session.transport_closed(h.start);
        h.drain();
        let retry = h.session.poll_timeout().unwrap();
        h.session.handle_timeout(retry);
        h.drain();
        let ack = ConnAck::accepted(Layout::V3, "alice", "s", 0);
        h.session
            .handle_frame(retry, Frame::new(Flags::NONE, Body::ConnAck(ack)));
        h.drain();
    }
    h.server(S, Body::PingResp);
    h.session.transport_closed(h.at(2 * S));
    h.drain();
    assert!(h.session.poll_timeout().unwrap() <= h.at(3 * S));
}

fn assert_final(h: &mut Harness, expected: ConnectionStatus) {
    assert_eq!(h.session.status(), expected);
    assert!(expected.is_final());
    assert_eq!(h.session.poll_timeout(), None, "no timer: no reconnect");
    for hour in 1..48 {
        let out = h.tick(Duration::from_secs(3600 * hour));
        assert!(
            !out.contains(&Output::Open),
            "reconnected after {expected:?}"
        );
    }
    // Nothing is sent either.
    assert_eq!(
        h.session.ask(RequestKind::Query, h.at(S), "x", "y", vec![]),
        Err(RequestError::NotConnected)
    );
}

#[test]
fn kicked_by_another_device_is_final() {
    let mut h = Harness::new();
    h.connected();
    let pending = h.pull_at(S);
    h.server(
        2 * S,
        Body::Disconnect(Disconnect {
            status: DisconnectStatus::Kicked,
        }),
    );
    assert_eq!(h.drain(), closed_failing(pending, ConnectionStatus::Kicked));
    h.session.transport_closed(h.at(2 * S));
    assert_final(&mut h, ConnectionStatus::Kicked);
}

#[test]
fn token_incorrect_and_blocked_are_final() {
    for (code, expected) in [
        (4u8, ConnectionStatus::TokenIncorrect),
        (9, ConnectionStatus::Blocked),
        (8, ConnectionStatus::Blocked),
        (10, ConnectionStatus::Rejected { code: 31020 }),
    ] {
        let mut h = Harness::new();
        h.session.connect(h.start);
        h.drain();
        let refused = ConnAck::refused(rongchat_proto::status::ConnAckStatus::from_code(code));
        h.server(S, Body::ConnAck(refused));
        assert_eq!(h.drain(), [Output::Close, status(expected)]);
        h.session.transport_closed(h.at(S));
        assert_final(&mut h, expected);
    }
    // Navigation's 401 is the same final state.
    let mut h = Harness::new();
    h.session.connect(h.start);
    h.drain();
    h.session
        .transport_failed(h.start, OpenFailure::TokenIncorrect);
    h.drain();
    assert_final(&mut h, ConnectionStatus::TokenIncorrect);
    // Only the application starts again.
    h.session.connect(h.at(S));
    assert_eq!(h.drain()[0], Output::Open);
}

#[test]
fn server_unavailable_and_connect_timeout_retry() {
    let mut h = Harness::new();
    h.session.connect(h.start);
    h.drain();
    let refused = ConnAck::refused(rongchat_proto::status::ConnAckStatus::ServerUnavailable);
    h.server(S, Body::ConnAck(refused));
    assert!(h.drain().contains(&status(ConnectionStatus::Suspended {
        reason: SuspendReason::ServerUnavailable
    })));
    let retry = h.session.poll_timeout().unwrap();
    h.session.handle_timeout(retry);
    h.drain();
    // No CONNACK within the connect timeout.
    h.session.handle_timeout(retry + Duration::from_secs(20));
    assert!(h.drain().contains(&status(ConnectionStatus::Suspended {
        reason: SuspendReason::ConnectTimeout
    })));
}

#[test]
fn requests_time_out_after_30s_and_ids_skip_pending_ones() {
    let mut h = Harness::new();
    h.connected();
    let first = h
        .session
        .ask(RequestKind::Query, h.start, "a", "b", vec![])
        .unwrap();
    let Some(Output::Transmit(frame)) = h.drain().pop() else {
        panic!("no frame")
    };
    let Body::Query(q) = frame.body else {
        panic!("not a query")
    };
    assert_eq!(q.msg_id, 1);
    h.server(10 * S, Body::PingResp);
    h.drain();
    let second = h
        .session
        .ask(RequestKind::Publish, h.at(10 * S), "ppMsgP", "bob", vec![])
        .unwrap();
    h.drain();
    assert_eq!(
        h.session.poll_timeout(),
        Some(h.at(25 * S)),
        "next ping first"
    );
    h.tick(25 * S);
    h.server(26 * S, Body::PingResp);
    assert_eq!(h.session.poll_timeout(), Some(h.at(30 * S)));
    assert_eq!(
        h.tick(30 * S),
        [Output::Event(SessionEvent::Reply {
            request: first,
            result: Err(RequestError::Timeout)
        })]
    );
    // A late ack for a timed-out request is ignored.
    h.server(
        31 * S,
        Body::QueryAck(rongchat_proto::frame::QueryAck {
            msg_id: 1,
            date: 0,
            status: AckStatus::Success,
            payload: vec![],
        }),
    );
    assert!(h.drain().is_empty());
    assert_eq!(h.session.in_flight(), 1);
    let out = h.tick(40 * S);
    assert_eq!(
        out,
        [Output::Event(SessionEvent::Reply {
            request: second,
            result: Err(RequestError::Timeout)
        })]
    );

    // Wrap-around skips 0 and ids still pending.
    let mut h = Harness::new();
    h.connected();
    h.session
        .ask(RequestKind::Query, h.start, "keep", "x", vec![])
        .unwrap(); // id 1 stays pending
    let mut seen = Vec::new();
    for _ in 0..u16::MAX {
        h.session
            .ask(RequestKind::Query, h.start, "t", "x", vec![])
            .unwrap();
        if let Some(Output::Transmit(Frame {
            body: Body::Query(q),
            ..
        })) = h.drain().pop()
        {
            seen.push(q.msg_id);
            h.server(
                S,
                Body::QueryAck(rongchat_proto::frame::QueryAck {
                    msg_id: q.msg_id,
                    date: 0,
                    status: AckStatus::Success,
                    payload: vec![],
                }),
            );
            h.drain();
        }
    }
    assert!(!seen.contains(&0) && seen.iter().filter(|&&id| id == 1).count() == 0);
}

#[test]
fn refused_acks_carry_the_status() {
    let mut h = Harness::new();
    h.connected();
    let id = h.publish_to_bob();
    h.server(
        S,
        Body::PubAck(PubAck {
            msg_id: 1,
            result: Some(PubAckResult {
                date: 1,
                status: AckStatus::RejectedByBlacklist,
                millis: 0,
                message_uid: String::new(),
            }),
        }),
    );
    assert_eq!(
        h.drain(),
        [Output::Event(SessionEvent::Reply {
            request: id,
            result: Err(RequestError::Refused(AckStatus::RejectedByBlacklist))
        })]
    );
}

#[test]
fn pushes_are_acked_and_echoes_wait_for_their_puback() {
    let mut h = Harness::new();
    h.connected();
    let push = Publish {
        date: Some(1),
        topic: "s_msg".into(),
        target_id: "alice".into(),
        msg_id: 9,
        payload: vec![1, 2].into(),
    };
    h.session.handle_frame(
        h.at(S),
        Frame::new(Flags::QOS1, Body::Publish(push.clone())),
    );
    assert_eq!(
        h.drain(),
        [
            Output::Transmit(Frame::new(
                Flags::NONE,
                Body::PubAck(PubAck {
                    msg_id: 9,
                    result: None
                })
            )),
            Output::Event(SessionEvent::Push(push))
        ]
    );
    let echo = Publish {
        date: Some(1),
        topic: "ppMsgP".into(),
        target_id: "bob".into(),
        msg_id: 3,
        payload: vec![7].into(),
    };
    let dup = Flags {
        dup: true,
        ..Flags::QOS1
    };
    h.session
        .handle_frame(h.at(S), Frame::new(dup, Body::Publish(echo.clone())));
    assert!(h.drain().is_empty(), "parked until its PUBACK");
    let ack = PubAckResult {
        date: 2,
        status: AckStatus::Success,
        millis: 5,
        message_uid: "UID-1".into(),
    };
    h.server(
        S,
        Body::PubAck(PubAck {
            msg_id: 3,
            result: Some(ack.clone()),
        }),
    );
    assert_eq!(
        h.drain(),
        [Output::Event(SessionEvent::Echo { publish: echo, ack })]
    );
}

#[test]
fn disconnect_by_the_app_fails_in_flight_and_stays_down() {
    let mut h = Harness::new();
    h.connected();
    let id = h.publish_to_bob();
    h.session.disconnect(h.at(S));
    assert_eq!(
        h.drain(),
        closed_failing(id, ConnectionStatus::Disconnected)
    );
    h.session.transport_closed(h.at(S));
    assert!(h.drain().is_empty());
    assert_eq!(h.session.poll_timeout(), None);
}

#[test]
fn v4_connack_sets_the_first_msg_id_and_qos1_queryacks_are_confirmed() {
    let mut h = Harness::new();
    h.session.connect(h.start);
    h.drain();
    let ack = ConnAck {
        status: rongchat_proto::status::ConnAckStatus::Accepted,
        info: ConnAckInfo::V4 {
            user_id: Some("alice".into()),
            session_id: None,
            timestamp: None,
            message_id: Some(41),
        },
    };
    h.server(S, Body::ConnAck(ack));
    h.drain();
    h.session
        .ask(RequestKind::Query, h.at(S), "pullMsg", "alice", vec![])
        .unwrap();
    let Some(Output::Transmit(Frame {
        body: Body::Query(q),
        ..
    })) = h.drain().pop()
    else {
        panic!("no query")
    };
    assert_eq!(q.msg_id, 42, "counts up from the CONNACK's messageId");
    let queryack = rongchat_proto::frame::QueryAck {
        msg_id: 42,
        date: 0,
        status: AckStatus::Success,
        payload: vec![],
    };
    h.session
        .handle_frame(h.at(S), Frame::new(Flags::QOS1, Body::QueryAck(queryack)));
    let out = h.drain();
    assert_eq!(
        out[0],
        Output::Transmit(Frame::new(
            Flags::NONE,
            Body::QueryCon(QueryCon { msg_id: 42 })
        ))
    );
    assert!(matches!(
        out[1],
        Output::Event(SessionEvent::Reply { result: Ok(_), .. })
    ));
}

#[test]
fn a_retryable_server_disconnect_reconnects() {
    let mut h = Harness::new();
    h.connected();
    h.server(
        S,
        Body::Disconnect(Disconnect {
            status: DisconnectStatus::Exception,
        }),
    );
    assert!(h.drain().contains(&status(ConnectionStatus::Suspended {
        reason: SuspendReason::ServerDisconnect
    })));
    assert!(h.session.poll_timeout().unwrap() <= h.at(2 * S));
}
