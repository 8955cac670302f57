//! Each Server API endpoint over HTTP, with its effect on connected clients.

use crate::api::Call;
use crate::history::{group_history, private_history};
use crate::support::{Fixture, WAIT, text_message};
use rongchat_proto::status::{AckStatus, ConnAckStatus};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Calls `path` with a fresh nonce; returns the HTTP status and the JSON body.
pub async fn api(fx: &Fixture, path: &str, form: &str) -> (u16, Value) {
    static NONCE: AtomicU64 = AtomicU64::new(1);
    let nonce = format!("t{}", NONCE.fetch_add(1, Ordering::Relaxed));
    let r = Call::new(fx, &nonce).post(path, form).await;
    (r.status, r.json())
}

/// Calls `path` and expects `{"code": 200, ...}`.
pub async fn ok(fx: &Fixture, path: &str, form: &str) -> Value {
    let (status, json) = api(fx, path, form).await;
    assert_eq!(
        (status, &json["code"]),
        (200, &Value::from(200)),
        "{path} {form}: {json}"
    );
    json
}

/// Polls `f` until it is true or the deadline passes.
async fn eventually<F: std::future::Future<Output = bool>>(mut f: impl FnMut() -> F) {
    let deadline = Instant::now() + WAIT;
    while !f().await {
        assert!(Instant::now() < deadline, "condition not met in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn refresh_changes_what_info_reads() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/user/getToken.json",
        "userId=u1&name=Old&portraitUri=http%3A%2F%2Fa%2Fp.png",
    )
    .await;
    ok(&fx, "/user/refresh.json", "userId=u1&name=New+Name").await;
    let info = ok(&fx, "/user/info.json", "userId=u1").await;
    assert_eq!(info["userName"], "New Name");
    assert_eq!(info["userPortrait"], "http://a/p.png");
    assert_eq!(info["createTime"].as_str().unwrap().len(), 19);
    let (_, missing) = api(&fx, "/user/refresh.json", "userId=ghost&name=x").await;
    assert_eq!(missing["code"], 1002);
    let (_, none) = api(&fx, "/user/info.json", "userId=ghost").await;
    assert_eq!(none["code"], 1002);
}

#[tokio::test]
async fn check_online_is_true_only_while_connected() {
    let fx = Fixture::start().await;
    fx.token("ann");
    assert_eq!(
        ok(&fx, "/user/checkOnline.json", "userId=ann").await["status"],
        "0"
    );
    let c = fx.client("ann").await;
    assert_eq!(
        ok(&fx, "/user/checkOnline.json", "userId=ann").await["status"],
        "1"
    );
    drop(c);
    eventually(|| async { ok(&fx, "/user/checkOnline.json", "userId=ann").await["status"] == "0" })
        .await;
}

#[tokio::test]
async fn a_block_ends_after_its_minutes() {
    // One Server API minute lasts 300 ms here.
    let fx = Fixture::start_with(|c| c.api_minute = Duration::from_millis(300)).await;
    let token = fx.token("bob");
    ok(&fx, "/user/block.json", "userId=bob&minute=1").await;
    let listed = ok(&fx, "/user/block/query.json", "").await;
    assert_eq!(listed["users"][0]["userId"], "bob");
    assert_eq!(
        listed["users"][0]["blockEndTime"].as_str().unwrap().len(),
        19
    );
    let (_, ack) = crate::support::Client::connect(fx.addr(), &token, "", 3).await;
    assert_eq!(ack.status, ConnAckStatus::UserBlocked);
    eventually(|| async {
        let (_, ack) = crate::support::Client::connect(fx.addr(), &token, "", 3).await;
        ack.status == ConnAckStatus::Accepted
    })
    .await;
    assert_eq!(
        ok(&fx, "/user/block/query.json", "").await["users"],
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn a_blacklisted_sender_is_refused() {
    let fx = Fixture::start().await;
    fx.token("eve");
    let mut eve = fx.client("eve").await;
    let mut amy = fx.client("amy").await;
    ok(
        &fx,
        "/user/blacklist/add.json",
        "userId=amy&blackUserId=eve",
    )
    .await;
    assert_eq!(
        ok(&fx, "/user/blacklist/query.json", "userId=amy").await["users"][0],
        "eve"
    );
    let ack = eve.publish("ppMsgP", "amy", text_message("hi")).await;
    assert_eq!(ack.status, AckStatus::RejectedByBlacklist);
    // The Server API filters only when asked (verifyBlacklist), still answering 200.
    let form =
        "fromUserId=eve&toUserId=amy&objectName=RC:TxtMsg&content=%7B%22content%22%3A%22api%22%7D";
    ok(
        &fx,
        "/message/private/publish.json",
        &format!("{form}&verifyBlacklist=1"),
    )
    .await;
    assert!(
        private_history(&mut amy, "amy", "eve", 0, 10)
            .await
            .list
            .is_empty()
    );
    ok(&fx, "/message/private/publish.json", form).await;
    assert_eq!(
        private_history(&mut amy, "amy", "eve", 0, 10)
            .await
            .list
            .len(),
        1
    );
    ok(
        &fx,
        "/user/blacklist/remove.json",
        "userId=amy&blackUserId=eve",
    )
    .await;
    eve.send_text("amy", "again").await;
}

#[tokio::test]
async fn a_gagged_member_is_refused_until_the_gag_ends() {
    let fx = Fixture::start_with(|c| c.api_minute = Duration::from_millis(300)).await;
    ok(
        &fx,
        "/group/create.json",
        "userId=g1&userId=g2&groupId=grp&groupName=G",
    )
    .await;
    let mut g1 = fx.client("g1").await;
    ok(
        &fx,
        "/group/user/gag/add.json",
        "userId=g1&groupId=grp&minute=1",
    )
    .await;
    assert_eq!(
        ok(&fx, "/group/user/gag/list.json", "groupId=grp").await["users"][0]["userId"],
        "g1"
    );
    let ack = g1.publish("pgMsgP", "grp", text_message("shh")).await;
    assert_eq!(ack.status, AckStatus::MutedInGroup);
    let (_, api_send) = api(
        &fx,
        "/message/group/publish.json",
        "fromUserId=g1&toGroupId=grp&objectName=RC:TxtMsg&content=%7B%7D",
    )
    .await;
    assert_eq!(api_send["code"], 22408);
    let deadline = Instant::now() + WAIT;
    while g1
        .publish("pgMsgP", "grp", text_message("free"))
        .await
        .status
        != AckStatus::Success
    {
        assert!(Instant::now() < deadline, "gag did not end");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ok(
        &fx,
        "/group/user/gag/add.json",
        "userId=g2&groupId=grp&minute=10",
    )
    .await;
    ok(
        &fx,
        "/group/user/gag/rollback.json",
        "userId=g2&groupId=grp",
    )
    .await;
    assert_eq!(
        ok(&fx, "/group/user/gag/list.json", "groupId=grp").await["users"],
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn group_membership_endpoints() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/group/create.json",
        "userId=a&userId=b&groupId=g&groupName=One",
    )
    .await;
    ok(&fx, "/group/join.json", "userId=c&groupId=g&groupName=One").await;
    let members = ok(&fx, "/group/user/query.json", "groupId=g").await;
    assert_eq!(
        members["users"],
        serde_json::json!([{"id":"a"},{"id":"b"},{"id":"c"}])
    );
    ok(&fx, "/group/refresh.json", "groupId=g&groupName=Renamed").await;
    let groups = ok(&fx, "/user/group/query.json", "userId=a").await;
    assert_eq!(
        groups["groups"],
        serde_json::json!([{"id":"g","name":"Renamed"}])
    );
    ok(&fx, "/group/sync.json", "userId=a&group[h]=Other").await;
    let groups = ok(&fx, "/user/group/query.json", "userId=a").await;
    assert_eq!(
        groups["groups"],
        serde_json::json!([{"id":"h","name":"Other"}])
    );
    ok(&fx, "/group/quit.json", "userId=c&groupId=g").await;
    assert_eq!(
        ok(&fx, "/group/user/query.json", "groupId=g").await["users"],
        serde_json::json!([{"id":"b"}])
    );
    ok(&fx, "/group/dismiss.json", "userId=b&groupId=g").await;
    assert_eq!(
        ok(&fx, "/group/user/query.json", "groupId=g").await["users"],
        Value::Array(vec![])
    );
    assert_eq!(
        api(&fx, "/group/dismiss.json", "userId=b&groupId=g")
            .await
            .1["code"],
        1002
    );
    assert_eq!(
        api(&fx, "/group/refresh.json", "groupId=zz&groupName=x")
            .await
            .1["code"],
        1002
    );
}

#[tokio::test]
async fn a_directed_group_message_reaches_only_its_members() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/group/create.json",
        "userId=s&userId=r1&userId=r2&groupId=dg&groupName=D",
    )
    .await;
    let mut r1 = fx.client("r1").await;
    let mut r2 = fx.client("r2").await;
    ok(
        &fx,
        "/message/group/publish.json",
        "fromUserId=s&toGroupId=dg&toUserId=r1&isMentioned=1&objectName=RC:TxtMsg&content=%7B%22content%22%3A%22psst%22%7D",
    )
    .await;
    assert_eq!(group_history(&mut r1, "r1", "dg").await.list.len(), 1);
    assert!(group_history(&mut r2, "r2", "dg").await.list.is_empty());
}

#[tokio::test]
async fn a_system_message_lands_in_the_system_conversation() {
    let fx = Fixture::start().await;
    let mut u = fx.client("sys-user").await;
    ok(
        &fx,
        "/message/system/publish.json",
        "fromUserId=admin&toUserId=sys-user&objectName=RC:TxtMsg&content=%7B%22content%22%3A%22notice%22%7D",
    )
    .await;
    u.expect_publish("s_ntf").await;
    let pulled = u.pull("sys-user", 0, 0).await;
    let m = &pulled.list[0];
    assert_eq!((m.r#type, m.from_user_id.as_str()), (6, "admin"));
}

#[tokio::test]
async fn a_status_message_reaches_an_online_device_and_is_not_stored() {
    let fx = Fixture::start().await;
    let mut on = fx.client("on").await;
    ok(
        &fx,
        "/statusmessage/private/publish.json",
        "fromUserId=st&toUserId=on&objectName=RC:TypSts&content=%7B%22typingContentType%22%3A%22RC%3ATxtMsg%22%7D",
    )
    .await;
    let (_, p) = on.expect_publish("s_msg").await;
    let down: rongchat_proto::pb::DownStreamMessage =
        prost::Message::decode(&p.payload[..]).unwrap();
    assert_eq!(down.classname, "RC:TypSts");
    assert!(
        private_history(&mut on, "on", "st", 0, 10)
            .await
            .list
            .is_empty()
    );
    assert!(on.pull("on", 0, 0).await.list.is_empty());
}

#[tokio::test]
async fn a_recalled_message_becomes_rc_rcntf_for_both_sides() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut bob = fx.client("bob").await;
    let ack = alice.send_text("bob", "oops").await;
    bob.expect_publish("s_ntf").await;
    let form = format!(
        "fromUserId=alice&conversationType=1&targetId=bob&messageUID={}&sentTime={}",
        ack.message_uid,
        ack.sent_time()
    );
    // A wrong sentTime or sender changes nothing.
    let wrong = form.replace("fromUserId=alice", "fromUserId=bob");
    assert_eq!(
        api(&fx, "/message/recall.json", &wrong).await.1["code"],
        1002
    );
    ok(&fx, "/message/recall.json", &form).await;
    for (c, me, peer) in [(&mut alice, "alice", "bob"), (&mut bob, "bob", "alice")] {
        let h = private_history(c, me, peer, 0, 10).await;
        assert_eq!(h.list.len(), 1, "{me}");
        assert_eq!(h.list[0].classname, "RC:RcNtf");
        assert_eq!(h.list[0].msg_id.as_deref(), Some(ack.message_uid.as_str()));
        let ntf: Value = serde_json::from_str(&h.list[0].content).unwrap();
        assert_eq!(ntf["operatorId"], "alice");
        assert_eq!(ntf["recallTime"], ack.sent_time());
    }
    // Both sides are told through the normal s_ntf / pull path.
    bob.expect_publish("s_ntf").await;
    let pulled = bob.pull("bob", 0, 0).await;
    let cmd = pulled
        .list
        .iter()
        .find(|m| m.classname == "RC:RcCmd")
        .expect("RcCmd pulled");
    let cmd: Value = serde_json::from_str(&cmd.content).unwrap();
    assert_eq!(cmd["messageUId"], ack.message_uid.as_str());
    assert_eq!(
        api(&fx, "/message/recall.json", &form).await.1["code"],
        25101
    );
}

#[tokio::test]
async fn conversation_mute_is_stored_per_user() {
    let fx = Fixture::start().await;
    let q = "conversationType=1&requestId=m1&targetId=m2";
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", q).await["isMuted"],
        0
    );
    ok(
        &fx,
        "/conversation/notification/set.json",
        &format!("{q}&isMuted=1"),
    )
    .await;
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", q).await["isMuted"],
        1
    );
    let other = "conversationType=1&requestId=m2&targetId=m1";
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", other).await["isMuted"],
        0
    );
}
