use crate::support::{Client, Fixture};
use prost::Message;
use rongchat_proto::frame::ConnAckInfo;
use rongchat_proto::status::ConnAckStatus;
use rongchat_proto::{Body, Frame, pb};

#[tokio::test]
async fn connack_v3_carries_user_session_and_time() {
    let fx = Fixture::start().await;
    let (_c, ack) =
        Client::connect(fx.addr(), &fx.token("user1"), "apiVer=browser%7CChrome", 3).await;
    assert_eq!(ack.status, ConnAckStatus::Accepted);
    let ConnAckInfo::V3 {
        user_id,
        session_id,
        timestamp,
    } = ack.info
    else {
        panic!("not v3: {:?}", ack.info)
    };
    assert_eq!(user_id, "user1");
    assert!(!session_id.is_empty());
    assert!(timestamp > 1_700_000_000_000);
}

#[tokio::test]
async fn connack_v4_sets_the_flags() {
    let fx = Fixture::start().await;
    let (_c, ack) = Client::connect(fx.addr(), &fx.token("user1"), "", 4).await;
    assert_eq!(ack.status, ConnAckStatus::Accepted);
    let ConnAckInfo::V4 {
        user_id, timestamp, ..
    } = ack.info
    else {
        panic!("not v4: {:?}", ack.info)
    };
    assert_eq!(user_id.as_deref(), Some("user1"));
    assert!(timestamp.is_some());
}

#[tokio::test]
async fn bad_token_gets_status_4_then_close() {
    let fx = Fixture::start().await;
    let (mut c, ack) = Client::connect(fx.addr(), "not-a-token", "", 3).await;
    assert_eq!(ack.status, ConnAckStatus::TokenIncorrect);
    assert!(c.wait_closed().await);
    let expired = fx.server.issue_token_until("user1", "u", 1).unwrap();
    let (_c, ack) = Client::connect(fx.addr(), &expired, "", 3).await;
    assert_eq!(ack.status, ConnAckStatus::TokenExpired);
}

#[tokio::test]
async fn blocked_user_gets_status_9_and_is_disconnected() {
    let fx = Fixture::start().await;
    let token = fx.token("user1");
    let (mut online, _) = Client::connect(fx.addr(), &token, "", 3).await;
    fx.server.set_user_blocked("user1", true).unwrap();
    assert!(online.wait_closed().await);
    let (_c, ack) = Client::connect(fx.addr(), &token, "", 3).await;
    assert_eq!(ack.status, ConnAckStatus::UserBlocked);
    fx.server.set_user_blocked("user1", false).unwrap();
    let (_c, ack) = Client::connect(fx.addr(), &token, "", 3).await;
    assert_eq!(ack.status, ConnAckStatus::Accepted);
    assert!(fx.server.set_user_blocked("nobody", true).is_err());
}

#[tokio::test]
async fn ping_is_answered() {
    let fx = Fixture::start().await;
    let mut c = fx.client("user1").await;
    c.send(Frame::with_default_flags(Body::PingReq)).await;
    assert_eq!(c.recv().await.body, Body::PingResp);
}

/// The exact queries the official SDK sends on connect (from the captures), each answered
/// with every required field.
#[tokio::test]
async fn connect_queries_are_answered_like_the_sdk_needs() {
    let fx = Fixture::start().await;
    let mut c = fx.client("user1").await;
    let ack = c.query_raw("qAppBot", "user1", Vec::new()).await;
    assert!(ack.status.is_success());
    pb::decode_checked::<pb::BotOutput>(&ack.payload).unwrap();

    let ack = c.query_raw("pullEventChange", "user1", hex("0800")).await;
    assert!(ack.status.is_success());
    let events: pb::EventChangeList = pb::decode_checked(&ack.payload).unwrap();
    assert_eq!(events.sync_time, 0);

    let ack = c.query_raw("pullUS", "user1", hex("08001800")).await;
    assert!(ack.status.is_success());
    pb::decode_checked::<pb::PullUserSettingOutput>(&ack.payload).unwrap();

    let ack = c.query_raw("pullSeAtts", "user1", hex("0800")).await;
    assert!(ack.status.is_success());
    pb::decode_checked::<pb::SessionStates>(&ack.payload).unwrap();

    let ack = c
        .query_raw("pullMsg", "user1", hex("080010002001300038014801"))
        .await;
    assert!(ack.status.is_success());
    let msgs: pb::DownStreamMessages = pb::decode_checked(&ack.payload).unwrap();
    assert!(msgs.list.is_empty());
    assert_eq!(msgs.finished, Some(true));

    let sdk_info = pb::ReportSdkInput {
        sdk_info: r#"{"engine":"5.38.0","imlib-next":"5.38.0"}"#.into(),
    };
    let ack = c.query("user1", "reportsdk", sdk_info).await;
    assert!(ack.status.is_success());

    let req = pb::PullModifyMsgReq {
        pull_version: Some(1_795_628_855_457),
        compress: Some(true),
        modify_type: vec![1],
    };
    let ack = c.query("user1", "pullModifyMsg", req).await;
    assert!(ack.status.is_success());
    let resp = pb::PullModifyMsgResp::decode(&ack.payload[..]).unwrap();
    assert!(resp.next_version.unwrap() >= 1_795_628_855_457);
}

fn hex(s: &str) -> Vec<u8> {
    ::hex::decode(s).unwrap()
}

#[tokio::test]
async fn idle_connections_are_closed() {
    let fx = Fixture::start_with(|c| c.idle_timeout = std::time::Duration::from_millis(300)).await;
    let mut quiet = fx.client("user1").await;
    let started = std::time::Instant::now();
    assert!(quiet.wait_closed().await);
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
}
