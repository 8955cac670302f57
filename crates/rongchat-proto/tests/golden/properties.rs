//! Property tests: encode then decode is the identity for every frame kind, strings of any
//! Unicode (astral plane included) survive, and no input makes the decoder panic.

use proptest::prelude::*;
use rongchat_proto::frame::{
    ConnAck, ConnAckInfo, Disconnect, PubAck, PubAckResult, Publish, Query, QueryAck, QueryCon,
};
use rongchat_proto::status::{AckStatus, ConnAckStatus, DisconnectStatus};
use rongchat_proto::{Body, Flags, Frame, Layout, Side};

fn flags() -> impl Strategy<Value = Flags> {
    (any::<bool>(), 0u8..4, any::<bool>()).prop_map(|(dup, qos, retain)| Flags { dup, qos, retain })
}

/// Any string that fits a 2-byte length once encoded.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "\\PC{0,40}", "[😀-🙏𝄞a-z]{0,20}"]
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..256)
}

/// A body and the side and layout it is decoded with.
fn body() -> impl Strategy<Value = (Body, Side, Layout)> {
    let connack_v3 = (any::<u8>(), text(), text(), any::<u64>()).prop_map(|(s, u, sid, ts)| {
        let info = ConnAckInfo::V3 {
            user_id: u,
            session_id: sid,
            timestamp: ts,
        };
        (
            Body::ConnAck(ConnAck {
                status: ConnAckStatus::from_code(s),
                info,
            }),
            Side::Server,
            Layout::V3,
        )
    });
    let connack_v4 = (
        any::<u8>(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u16>()),
    )
        .prop_map(|(s, user_id, session_id, timestamp, message_id)| {
            let info = ConnAckInfo::V4 {
                user_id,
                session_id,
                timestamp,
                message_id,
            };
            (
                Body::ConnAck(ConnAck {
                    status: ConnAckStatus::from_code(s),
                    info,
                }),
                Side::Server,
                Layout::V4,
            )
        });
    let connack_refused = any::<u8>().prop_map(|s| {
        (
            Body::ConnAck(ConnAck::refused(ConnAckStatus::from_code(s))),
            Side::Server,
            Layout::V3,
        )
    });
    let publish = (
        proptest::option::of(any::<u32>()),
        text(),
        text(),
        any::<u16>(),
        payload(),
    )
        .prop_map(|(date, topic, target_id, msg_id, payload)| {
            let side = if date.is_some() {
                Side::Server
            } else {
                Side::Client
            };
            (
                Body::Publish(Publish {
                    date,
                    topic,
                    target_id,
                    msg_id,
                    payload: payload.into(),
                }),
                side,
                Layout::V3,
            )
        });
    let puback_client = any::<u16>().prop_map(|msg_id| {
        (
            Body::PubAck(PubAck {
                msg_id,
                result: None,
            }),
            Side::Client,
            Layout::V3,
        )
    });
    let puback_server = (
        any::<u16>(),
        any::<u32>(),
        any::<u16>(),
        any::<u16>(),
        text(),
    )
        .prop_map(|(msg_id, date, status, millis, message_uid)| {
            let result = PubAckResult {
                date,
                status: AckStatus::from_code(status),
                millis,
                message_uid,
            };
            (
                Body::PubAck(PubAck {
                    msg_id,
                    result: Some(result),
                }),
                Side::Server,
                Layout::V3,
            )
        });
    let query = (text(), text(), any::<u16>(), payload()).prop_map(
        |(topic, target_id, msg_id, payload)| {
            (
                Body::Query(Query {
                    topic,
                    target_id,
                    msg_id,
                    payload,
                }),
                Side::Client,
                Layout::V3,
            )
        },
    );
    let queryack = (any::<u16>(), any::<u32>(), any::<u16>(), payload()).prop_map(
        |(msg_id, date, status, payload)| {
            let ack = QueryAck {
                msg_id,
                date,
                status: AckStatus::from_code(status),
                payload,
            };
            (Body::QueryAck(ack), Side::Server, Layout::V3)
        },
    );
    let querycon = any::<u16>().prop_map(|msg_id| {
        (
            Body::QueryCon(QueryCon { msg_id }),
            Side::Client,
            Layout::V3,
        )
    });
    let disconnect = any::<u8>().prop_map(|s| {
        let d = Disconnect {
            status: DisconnectStatus::from_code(s),
        };
        (Body::Disconnect(d), Side::Server, Layout::V3)
    });
    prop_oneof![
        connack_v3,
        connack_v4,
        connack_refused,
        publish,
        puback_client,
        puback_server,
        query,
        queryack,
        querycon,
        disconnect,
        Just((Body::PingReq, Side::Client, Layout::V3)),
        Just((Body::PingResp, Side::Server, Layout::V3)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_then_decode_is_identity((body, side, layout) in body(), flags in flags()) {
        let frame = Frame::new(flags, body);
        let bytes = frame.encode().unwrap();
        prop_assert_eq!(Frame::decode(&bytes, side, layout).unwrap(), frame);
    }

    #[test]
    fn any_unicode_string_survives(s in text()) {
        let decoded = rongchat_proto::frame::decode_utf(&rongchat_proto::frame::encode_utf(&s));
        prop_assert_eq!(decoded.as_deref(), Some(s.as_str()));
        // Standard UTF-8, as some senders write it, decodes too.
        let plain = rongchat_proto::frame::decode_utf(s.as_bytes());
        prop_assert_eq!(plain.as_deref(), Some(s.as_str()));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for side in [Side::Client, Side::Server] {
            for layout in [Layout::V3, Layout::V4] {
                let _ = Frame::decode(&bytes, side, layout);
            }
        }
    }
}

#[test]
fn overlong_strings_are_an_encode_error() {
    let frame = Frame::with_default_flags(Body::Query(Query {
        topic: "x".repeat(70_000),
        target_id: String::new(),
        msg_id: 1,
        payload: vec![],
    }));
    assert!(frame.encode().is_err());
}
