use crate::support::{Fixture, text_message, text_of};
use prost::Message;
use rongchat_proto::status::{AckStatus, DisconnectStatus};
use rongchat_proto::{Body, pb};

#[tokio::test]
async fn send_ack_notify_pull() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;

    let hello = pb::UpStreamMessage {
        client_unique_id: Some(42),
        ..text_message("hello bob")
    };
    let ack = alice.publish("ppMsgP", "bob", hello).await;
    assert!(ack.status.is_success());
    assert_eq!(ack.message_uid.len(), 19);
    let sent_time = ack.sent_time();

    let (flags, ntf) = bob.expect_publish("s_ntf").await;
    assert_eq!((flags.qos, ntf.target_id.as_str()), (0, "bob"));
    let notify: pb::NotifyMsg = pb::decode_checked(&ntf.payload).unwrap();
    assert_eq!((notify.r#type, notify.time), (1, Some(sent_time)));

    let pulled = bob.pull("bob", 0, 0).await;
    assert_eq!(pulled.list.len(), 1);
    let m = &pulled.list[0];
    assert_eq!(m.from_user_id, "alice");
    assert_eq!(m.r#type, 1);
    assert_eq!(m.classname, "RC:TxtMsg");
    assert_eq!(text_of(m), "hello bob");
    assert_eq!(m.data_time, sent_time);
    assert_eq!(m.msg_id.as_deref(), Some(ack.message_uid.as_str()));
    assert_eq!(m.status, 48);
    assert_ne!(m.direction, Some(1));
    assert_eq!(m.client_unique_id, Some(42));
    assert_eq!(pulled.sync_time, sent_time);
    assert_eq!(pulled.finished, Some(true));

    // The cursor moves on: nothing new.
    let again = bob.pull("bob", pulled.sync_time, sent_time).await;
    assert!(again.list.is_empty());
    assert_eq!(again.sync_time, sent_time);

    // Alice's own pull returns her sent message with the peer in fromUserId, direction 1,
    // and leaves her inbox cursor alone.
    let own = alice.pull("alice", 0, 0).await;
    assert_eq!(own.list.len(), 1);
    assert_eq!(own.list[0].from_user_id, "bob");
    assert_eq!(own.list[0].direction, Some(1));
    assert_eq!(own.sync_time, 0);
}

#[tokio::test]
async fn pull_pages_in_ascending_order_without_gaps() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    for i in 0..450 {
        alice.send_text("bob", &format!("m{i}")).await;
        if i % 3 == 0 {
            bob.send_text("alice", &format!("r{i}")).await;
        }
    }
    let (mut inbox, mut outbox) = (0, 0);
    let mut received = Vec::new();
    let mut sent = 0;
    let mut pages = 0;
    loop {
        let page = bob.pull("bob", inbox, outbox).await;
        pages += 1;
        let times: Vec<i64> = page.list.iter().map(|m| m.data_time).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "ascending");
        for m in &page.list {
            if m.direction == Some(1) {
                sent += 1;
                outbox = outbox.max(m.data_time);
            } else {
                received.push(text_of(m));
            }
        }
        assert!(page.sync_time >= inbox, "syncTime never goes backwards");
        inbox = page.sync_time;
        if page.finished == Some(true) {
            break;
        }
        assert!(pages < 20);
    }
    assert!(pages > 1, "paged");
    assert_eq!(received.len(), 450);
    assert_eq!(received[0], "m0");
    assert_eq!(received[449], "m449");
    assert_eq!(sent, 150);
}

#[tokio::test]
async fn multi_device_echo_reaches_the_other_devices_only() {
    let fx = Fixture::start().await;
    let mut phone = fx.client_on("alice", "android").await;
    let mut desktop = fx.client_on("alice", "desktop").await;
    let ack = phone.send_text("bob", "from the phone").await;

    let (flags, echo) = desktop.expect_publish("ppMsgP").await;
    assert!(flags.dup);
    assert_eq!(echo.target_id, "bob");
    let up: pb::UpStreamMessage = pb::decode_checked(&echo.payload).unwrap();
    assert_eq!(up.content, text_message("from the phone").content);
    let frame = desktop
        .wait_for(|f| matches!(&f.body, Body::PubAck(a) if a.msg_id == echo.msg_id))
        .await;
    let Body::PubAck(puback) = frame.body else {
        unreachable!()
    };
    let result = puback.result.unwrap();
    assert_eq!(result.message_uid, ack.message_uid);
    assert_eq!(result.sent_time(), ack.sent_time());

    // The sending device gets no echo: its next frame is the answer to a ping.
    phone
        .send(rongchat_proto::Frame::with_default_flags(Body::PingReq))
        .await;
    assert_eq!(phone.recv().await.body, Body::PingResp);
}

#[tokio::test]
async fn every_device_of_the_recipient_is_notified() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob_phone = fx.client_on("bob", "android").await;
    let mut bob_desktop = fx.client_on("bob", "desktop").await;
    let ack = alice.send_text("bob", "to both").await;
    for device in [&mut bob_phone, &mut bob_desktop] {
        let (_, ntf) = device.expect_publish("s_ntf").await;
        let notify: pb::NotifyMsg = pb::decode_checked(&ntf.payload).unwrap();
        assert_eq!(notify.time, Some(ack.sent_time()));
    }
}

#[tokio::test]
async fn the_browser_sdk_platform_comes_from_api_ver() {
    let fx = Fixture::start().await;
    let token = fx.token("alice");
    let extra = "apiVer=browser%7CChrome%7C156.0.0.0";
    let (mut first, _) = crate::support::Client::connect(fx.addr(), &token, extra, 3).await;
    let (_second, _) = crate::support::Client::connect(fx.addr(), &token, extra, 3).await;
    let frame = first
        .wait_for(|f| matches!(f.body, Body::Disconnect(_)))
        .await;
    assert!(matches!(frame.body, Body::Disconnect(d) if d.status == DisconnectStatus::Kicked));
}

#[tokio::test]
async fn second_login_on_the_same_platform_kicks_the_first() {
    let fx = Fixture::start().await;
    let mut first = fx.client_on("alice", "browser").await;
    let mut other_platform = fx.client_on("alice", "android").await;
    let mut second = fx.client_on("alice", "browser").await;
    let frame = first
        .wait_for(|f| matches!(f.body, Body::Disconnect(_)))
        .await;
    let Body::Disconnect(d) = frame.body else {
        unreachable!()
    };
    assert_eq!(d.status, DisconnectStatus::Kicked);
    assert!(first.wait_closed().await);
    // The others stay.
    for c in [&mut second, &mut other_platform] {
        c.send(rongchat_proto::Frame::with_default_flags(Body::PingReq))
            .await;
        assert_eq!(c.recv().await.body, Body::PingResp);
    }
}

#[tokio::test]
async fn status_messages_are_relayed_not_stored() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    let typing = pb::UpStreamMessage {
        session_id: 0,
        classname: "RC:TypSts".into(),
        content: r#"{"typingContentType":"RC:TxtMsg"}"#.into(),
        ..Default::default()
    };
    let ack = alice.publish("ppMsgS", "bob", typing).await;
    assert!(ack.status.is_success());
    let (flags, push) = bob.expect_publish("s_msg").await;
    assert_eq!(flags.qos, 1);
    let m = pb::DownStreamMessage::decode(&push.payload[..]).unwrap();
    assert_eq!(
        (m.from_user_id.as_str(), m.classname.as_str()),
        ("alice", "RC:TypSts")
    );
    assert!(bob.pull("bob", 0, 0).await.list.is_empty());
}

#[tokio::test]
async fn read_sync_message_sets_read_time_and_reaches_own_devices_only() {
    let fx = Fixture::start().await;
    let mut alice = fx.client_on("alice", "android").await;
    let mut alice2 = fx.client_on("alice", "desktop").await;
    let mut bob = fx.client("bob").await;
    let last = bob.send_text("alice", "one").await;
    bob.send_text("alice", "two").await;
    let srs = pb::UpStreamMessage {
        session_id: 0,
        classname: "RC:SRSMsg".into(),
        content: format!(r#"{{"lastMessageSendTime":{}}}"#, last.sent_time()),
        ..Default::default()
    };
    let ack = alice.publish("ppMsgP", "bob", srs).await;
    assert!(ack.status.is_success());
    let (flags, echo) = alice2.expect_publish("ppMsgP").await;
    assert!(flags.dup);
    assert_eq!(echo.target_id, "bob");
    let list = crate::conversations::conversation_list(&mut alice2, "alice").await;
    assert_eq!(list[0].unread_count, Some(1));
    assert_eq!(list[0].read_msg_time, Some(last.sent_time()));
    // Bob never sees Alice's read sync.
    let pulled = bob.pull("bob", 0, 0).await;
    assert!(pulled.list.iter().all(|m| m.classname != "RC:SRSMsg"));
    assert_eq!(ack.status, AckStatus::Success);
}

#[tokio::test]
async fn a_resend_with_the_same_client_id_is_answered_from_the_stored_copy() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;

    let first = text_message("only once");
    let ack1 = alice.publish("ppMsgP", "bob", first.clone()).await;
    bob.expect_publish("s_ntf").await;
    // The PUBACK was "lost": the client sends the same message again.
    let ack2 = alice.publish("ppMsgP", "bob", first).await;
    assert!(ack1.status.is_success() && ack2.status.is_success());
    assert_eq!(ack2.message_uid, ack1.message_uid);
    assert_eq!(ack2.sent_time(), ack1.sent_time());

    // Another message with a new id is stored; bob's inbox holds each exactly once.
    alice.send_text("bob", "second").await;
    let pulled = bob.pull("bob", 0, 0).await;
    let texts: Vec<String> = pulled.list.iter().map(text_of).collect();
    assert_eq!(texts, ["only once", "second"]);
}
