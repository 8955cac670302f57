use crate::support::{Fixture, text_message};
use prost::Message;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Frame, pb};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// After each abuse, a well-behaved pair still talks.
async fn others_still_served(fx: &Fixture) {
    let mut x = fx.client("xavier").await;
    let mut y = fx.client("yvonne").await;
    x.send_text("yvonne", "still here").await;
    y.expect_publish("s_ntf").await;
    assert_eq!(y.pull("yvonne", 0, 0).await.list.len(), 1);
}

#[tokio::test]
async fn malformed_frames_close_only_that_connection() {
    let fx = Fixture::start().await;
    for bytes in [
        vec![],
        vec![0x50, 0x00],             // truncated QUERY
        vec![0x10, 0x01, 0x02],       // CONNECT is not used on the Web
        vec![0x32, 0xff, 0xff, 0x00], // string longer than the frame
        vec![0x20, 0x00, 0x00],       // a CONNACK from a client
    ] {
        let mut c = fx.client("mallory").await;
        c.send_raw(WsMessage::Binary(bytes.into())).await;
        assert!(c.wait_closed().await);
    }
    let mut c = fx.client("mallory").await;
    c.send_raw(WsMessage::Text("hello".into())).await;
    assert!(c.wait_closed().await);
    others_still_served(&fx).await;
}

#[tokio::test]
async fn unknown_topics_get_error_statuses() {
    let fx = Fixture::start().await;
    let mut c = fx.client("mallory").await;
    let ack = c.query_raw("noSuchTopic", "mallory", vec![1, 2, 3]).await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    let ack = c.publish("noSuchPub", "bob", text_message("x")).await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    // The connection is still usable.
    c.send(Frame::with_default_flags(Body::PingReq)).await;
    assert_eq!(c.recv().await.body, Body::PingResp);
    others_still_served(&fx).await;
}

#[tokio::test]
async fn oversized_content_and_missing_fields_are_refused() {
    let fx = Fixture::start().await;
    let mut c = fx.client("mallory").await;
    let big = text_message(&"x".repeat(128 * 1024 + 1));
    assert_eq!(
        c.publish("ppMsgP", "bob", big).await.status,
        AckStatus::ParameterInvalid
    );
    let exact = pb::UpStreamMessage {
        content: "y".repeat(100 * 1024),
        ..text_message("")
    };
    assert!(c.publish("ppMsgP", "bob", exact).await.status.is_success());

    // UpStreamMessage without classname/content (fields 2 and 3).
    let only_session = vec![0x08, 0x03];
    assert_eq!(
        c.publish_raw("ppMsgP", "bob", only_session).await.status,
        AckStatus::ParameterInvalid
    );
    // SyncRequestMsg without ispolling (field 2).
    let ack = c.query_raw("pullMsg", "mallory", vec![0x08, 0x00]).await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    // Garbage protobuf.
    let ack = c
        .query_raw("qryPMsg", "mallory", vec![0x0a, 0xff, 0xff, 0xff])
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    // Empty or oversized target.
    assert_eq!(
        c.publish("ppMsgP", "", text_message("x")).await.status,
        AckStatus::ParameterInvalid
    );
    let long = "u".repeat(65);
    assert_eq!(
        c.publish("ppMsgP", &long, text_message("x")).await.status,
        AckStatus::ParameterInvalid
    );
    c.send(Frame::with_default_flags(Body::PingReq)).await;
    assert_eq!(c.recv().await.body, Body::PingResp);
    others_still_served(&fx).await;
}

#[tokio::test]
async fn another_users_data_is_refused() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    alice.send_text("bob", "private").await;
    let mut mallory = fx.client("mallory").await;
    let req = pb::SyncRequestMsg {
        sync_time: 0,
        ispolling: false,
        ..Default::default()
    };
    let ack = mallory
        .query_raw("pullMsg", "bob", req.encode_to_vec())
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    assert!(ack.payload.is_empty());
    // History of a conversation Mallory is not in is empty.
    let h = crate::history::private_history(&mut mallory, "mallory", "bob", 0, 20).await;
    assert!(h.list.is_empty());
}

#[tokio::test]
async fn frames_over_the_size_limit_close_the_connection() {
    let fx = Fixture::start().await;
    let mut c = fx.client("mallory").await;
    c.try_send_raw(WsMessage::Binary(vec![0x50; 1024 * 1024].into()))
        .await;
    assert!(c.wait_closed().await);
    others_still_served(&fx).await;
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = (self.next() % (max as u64 + 1)) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Random payloads on every topic the server knows: each QUERY gets a QUERYACK and each
/// PUBLISH a PUBACK (success or an error status), the connection stays up, and nothing
/// stored is lost.
#[tokio::test]
async fn random_payloads_on_every_topic_never_break_the_server() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let kept = alice.send_text("bob", "kept").await;
    let mut mallory = fx.client("mallory").await;
    let queries = [
        "qAppBot",
        "pullEventChange",
        "pullUS",
        "pullSeAtts",
        "reportsdk",
        "pullModifyMsg",
        "pullMsg",
        "qryPMsg",
        "qryGMsg",
        "qryRelationR",
        "updRRTime",
        "delSessions",
        "qnTkn",
        "qnUrl",
        "s3Url",
    ];
    let publishes = ["ppMsgP", "pgMsgP", "ppMsgS", "pgMsgS"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..300u32 {
        if round.is_multiple_of(2) {
            let topic = queries[(rng.next() % queries.len() as u64) as usize];
            let ack = mallory.query_raw(topic, "mallory", rng.bytes(40)).await;
            let _ = ack.status;
        } else {
            let topic = publishes[(rng.next() % publishes.len() as u64) as usize];
            let target = if rng.next().is_multiple_of(2) {
                "bob"
            } else {
                "g"
            };
            let _ = mallory.publish_raw(topic, target, rng.bytes(40)).await;
        }
    }
    mallory.send(Frame::with_default_flags(Body::PingReq)).await;
    assert_eq!(
        mallory
            .wait_for(|f| matches!(f.body, Body::PingResp))
            .await
            .body,
        Body::PingResp
    );
    let mut bob = fx.client("bob").await;
    let pulled = bob.pull("bob", 0, 0).await;
    assert!(
        pulled
            .list
            .iter()
            .any(|m| m.msg_id.as_deref() == Some(kept.message_uid.as_str()))
    );
    others_still_served(&fx).await;
}
