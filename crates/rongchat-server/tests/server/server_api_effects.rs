//! Server API calls seen from connected clients: names they read, group status messages,
//! group recall, membership changes (join, quit, sync, dismiss), gag rollback and the
//! publish options `isIncludeSender` / `isPersisted`.

use crate::history::{group_history, private_history};
use crate::server_api::{api, ok};
use crate::support::{Client, Fixture, text_message, text_of};
use prost::Message as _;
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;
use serde_json::Value;

const GROUP: i32 = 3;
const TEXT: &str = "objectName=RC:TxtMsg&content=%7B%22content%22%3A%22hi%22%7D";

/// The name `c` reads for user `id` (pullUserProfile).
async fn user_name(c: &mut Client, me: &str, id: &str) -> Option<String> {
    let req = pb::PullUserProfileReq {
        user_id: vec![id.into()],
    };
    let got: pb::UserProfiles = c.ask(me, "pullUserProfile", req).await;
    got.user_profile
        .iter()
        .flat_map(|p| p.user_profile.iter())
        .find(|kv| kv.key.as_deref() == Some("name"))
        .and_then(|kv| kv.value.clone())
}

/// The name `c` reads for group `id` (qChannelInfo).
async fn group_name(c: &mut Client, id: &str) -> Option<String> {
    let info = pb::MultiChannels {
        r#type: Some(GROUP),
        list: vec![pb::ChannelsInput {
            target_id: Some(id.into()),
            ..Default::default()
        }],
    };
    let ack = c.query_raw("qChannelInfo", id, info.encode_to_vec()).await;
    assert!(ack.status.is_success(), "{:?}", ack.status);
    let result = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    let infos = pb::ChannelsJoinedInfos::decode(result.result.as_deref().unwrap()).unwrap();
    infos.list.first()?.setting_profile.first()?.value.clone()
}

/// The content of the next `s_msg` (a status message) `c` receives.
async fn next_status(c: &mut Client) -> String {
    let (_, p) = c.expect_publish("s_msg").await;
    pb::DownStreamMessage::decode(&p.payload[..])
        .unwrap()
        .content
}

#[tokio::test]
async fn refreshed_user_and_group_names_are_what_clients_read() {
    let fx = Fixture::start().await;
    ok(&fx, "/user/getToken.json", "userId=ann&name=Old").await;
    ok(
        &fx,
        "/group/create.json",
        "userId=ann&userId=ben&groupId=grp&groupName=Before",
    )
    .await;
    let mut ben = fx.client("ben").await;
    assert_eq!(
        user_name(&mut ben, "ben", "ann").await.as_deref(),
        Some("Old")
    );
    assert_eq!(group_name(&mut ben, "grp").await.as_deref(), Some("Before"));
    ok(
        &fx,
        "/user/refresh.json",
        "userId=ann&name=%E6%96%B0%E5%90%8D",
    )
    .await;
    ok(&fx, "/group/refresh.json", "groupId=grp&groupName=After").await;
    assert_eq!(
        user_name(&mut ben, "ben", "ann").await.as_deref(),
        Some("新名")
    );
    assert_eq!(group_name(&mut ben, "grp").await.as_deref(), Some("After"));
}

#[tokio::test]
async fn a_group_status_message_reaches_online_members_only_and_is_not_stored() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/group/create.json",
        "userId=s&userId=m1&userId=m2&groupId=sg&groupName=S",
    )
    .await;
    let mut m1 = fx.client("m1").await;
    let mut m2 = fx.client("m2").await;
    let mut out = fx.client("outsider").await;
    ok(
        &fx,
        "/statusmessage/group/publish.json",
        "fromUserId=s&toGroupId=sg&objectName=RC:TypSts&content=typing",
    )
    .await;
    for (c, me) in [(&mut m1, "m1"), (&mut m2, "m2")] {
        assert_eq!(next_status(c).await, "typing", "{me}");
        assert!(group_history(c, me, "sg").await.list.is_empty(), "{me}");
        assert!(c.pull(me, 0, 0).await.list.is_empty(), "{me}");
    }
    // The outsider's first status message is one sent to it afterwards.
    ok(
        &fx,
        "/statusmessage/private/publish.json",
        "fromUserId=s&toUserId=outsider&objectName=RC:TypSts&content=marker",
    )
    .await;
    assert_eq!(next_status(&mut out).await, "marker");
}

#[tokio::test]
async fn a_recalled_group_message_becomes_rc_rcntf_for_every_member() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/group/create.json",
        "userId=ga&userId=gb&userId=gc&groupId=rg&groupName=R",
    )
    .await;
    let mut ga = fx.client("ga").await;
    let mut gb = fx.client("gb").await;
    let mut gc = fx.client("gc").await;
    let ack = ga.publish("pgMsgP", "rg", text_message("oops")).await;
    assert_eq!(ack.status, AckStatus::Success);
    let form = format!(
        "fromUserId=ga&conversationType=3&targetId=rg&messageUID={}&sentTime={}",
        ack.message_uid,
        ack.sent_time()
    );
    // Another member cannot recall it.
    let (_, other) = api(&fx, "/message/recall.json", &form.replace("=ga&", "=gb&")).await;
    assert_eq!(other["code"], 1002);
    ok(&fx, "/message/recall.json", &form).await;
    for (c, me) in [(&mut ga, "ga"), (&mut gb, "gb"), (&mut gc, "gc")] {
        let h = group_history(c, me, "rg").await;
        assert_eq!(h.list.len(), 1, "{me}");
        assert_eq!(h.list[0].classname, "RC:RcNtf", "{me}");
        let ntf: Value = serde_json::from_str(&h.list[0].content).unwrap();
        assert_eq!(ntf["operatorId"], "ga", "{me}");
    }
    for (c, me) in [(&mut gb, "gb"), (&mut gc, "gc")] {
        let pulled = c.pull(me, 0, 0).await;
        let cmd = pulled
            .list
            .iter()
            .find(|m| m.classname == "RC:RcCmd")
            .unwrap_or_else(|| panic!("{me} pulled no RcCmd"));
        let cmd: Value = serde_json::from_str(&cmd.content).unwrap();
        assert_eq!(cmd["messageUId"], ack.message_uid.as_str(), "{me}");
    }
}

#[tokio::test]
async fn membership_calls_change_what_members_send_and_receive() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/group/create.json",
        "userId=a&userId=b&groupId=g&groupName=G",
    )
    .await;
    let mut a = fx.client("a").await;
    let mut c = fx.client("c").await;
    // Not yet a member: refused.
    let ack = c.publish("pgMsgP", "g", text_message("early")).await;
    assert_eq!(ack.status, AckStatus::NotInGroup);
    // Joined: c receives the group's messages and may send.
    ok(&fx, "/group/join.json", "userId=c&groupId=g").await;
    ok(
        &fx,
        "/message/group/publish.json",
        &format!("fromUserId=a&toGroupId=g&{TEXT}"),
    )
    .await;
    c.expect_publish("s_ntf").await;
    let h = group_history(&mut c, "c", "g").await;
    assert_eq!(h.list.len(), 1);
    assert_eq!(text_of(&h.list[0]), "hi");
    assert_eq!(
        c.publish("pgMsgP", "g", text_message("in")).await.status,
        AckStatus::Success
    );
    // Quit: refused again.
    ok(&fx, "/group/quit.json", "userId=c&groupId=g").await;
    assert_eq!(
        c.publish("pgMsgP", "g", text_message("out")).await.status,
        AckStatus::NotInGroup
    );
    // Sync: exactly the listed groups.
    ok(&fx, "/group/sync.json", "userId=c&group[g]=G&group[h]=H").await;
    for group in ["g", "h"] {
        let ack = c.publish("pgMsgP", group, text_message("synced")).await;
        assert_eq!(ack.status, AckStatus::Success, "{group}");
    }
    ok(&fx, "/group/sync.json", "userId=c&group[h]=H").await;
    assert_eq!(
        c.publish("pgMsgP", "g", text_message("gone")).await.status,
        AckStatus::NotInGroup
    );
    // Dismissed: nobody may send, the history stays.
    ok(&fx, "/group/dismiss.json", "userId=a&groupId=g").await;
    assert_eq!(
        a.publish("pgMsgP", "g", text_message("late")).await.status,
        AckStatus::NotInGroup
    );
    assert_eq!(group_history(&mut a, "a", "g").await.list.len(), 3);
}

#[tokio::test]
async fn a_gag_rolled_back_lets_the_member_send_again() {
    let fx = Fixture::start().await;
    ok(
        &fx,
        "/group/create.json",
        "userId=q1&userId=q2&groupId=qg&groupName=Q",
    )
    .await;
    let mut q1 = fx.client("q1").await;
    ok(
        &fx,
        "/group/user/gag/add.json",
        "userId=q1&groupId=qg&minute=60",
    )
    .await;
    assert_eq!(
        q1.publish("pgMsgP", "qg", text_message("x")).await.status,
        AckStatus::MutedInGroup
    );
    ok(&fx, "/group/user/gag/rollback.json", "userId=q1&groupId=qg").await;
    assert_eq!(
        q1.publish("pgMsgP", "qg", text_message("y")).await.status,
        AckStatus::Success
    );
}

#[tokio::test]
async fn include_sender_reaches_the_senders_devices_and_unpersisted_stays_out_of_history() {
    let fx = Fixture::start().await;
    let mut from = fx.client("from").await;
    let mut to = fx.client("to").await;
    ok(
        &fx,
        "/message/private/publish.json",
        &format!("fromUserId=from&toUserId=to&isIncludeSender=1&{TEXT}"),
    )
    .await;
    from.expect_publish("s_ntf").await;
    let pulled = from.pull("from", 0, 0).await;
    assert_eq!(pulled.list.len(), 1);
    // The sender's own copy names the peer, as the SDK's send box does.
    let copy = &pulled.list[0];
    assert_eq!(
        (copy.from_user_id.as_str(), text_of(copy).as_str()),
        ("to", "hi")
    );
    to.expect_publish("s_ntf").await;

    ok(
        &fx,
        "/message/private/publish.json",
        &format!("fromUserId=from&toUserId=to&isPersisted=0&{TEXT}"),
    )
    .await;
    to.expect_publish("s_ntf").await;
    assert_eq!(to.pull("to", 0, 0).await.list.len(), 2);
    assert_eq!(
        private_history(&mut to, "to", "from", 0, 10)
            .await
            .list
            .len(),
        1
    );
}
