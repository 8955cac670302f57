//! Conversation status (pin, do-not-disturb) through the server: `setSeAtt` from one
//! device reaches the user's other devices as `s_cmd` type 3 and their `pullSeAtts`;
//! the Server API's `conversation/notification/set|get` reads and writes the same state.

use crate::server_api::ok;
use crate::support::Fixture;
use prost::Message;
use rongchat_proto::conversation_status::{STATUS_CHANGED_COMMAND, StatusUpdate};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, pb};

fn update(
    kind: ConversationType,
    target: &str,
    pinned: Option<bool>,
    level: Option<i32>,
) -> StatusUpdate {
    StatusUpdate {
        conversation_type: kind,
        target_id: target.into(),
        time: 0,
        pinned,
        level,
    }
}

fn modify(version: i64, updates: &[StatusUpdate]) -> pb::SessionStateModifyReq {
    pb::SessionStateModifyReq {
        version,
        state: updates.iter().map(StatusUpdate::to_wire).collect(),
        ignore_version: Some(true),
    }
}

/// The statuses `me` pulls after `version`, as updates, and the reply's version.
async fn pull(c: &mut crate::support::Client, me: &str, version: i64) -> (i64, Vec<StatusUpdate>) {
    let states: pb::SessionStates = c
        .ask(me, "pullSeAtts", pb::SessionReq { time: version })
        .await;
    let updates = states
        .state
        .iter()
        .map(|s| StatusUpdate::from_wire(s).expect("a status we can read"))
        .collect();
    (states.version, updates)
}

#[tokio::test]
async fn a_pin_and_a_mute_reach_the_users_other_device() {
    let fx = Fixture::start().await;
    let mut phone = fx.client_on("amy", "Android").await;
    let mut desk = fx.client_on("amy", "Web").await;
    let mut peer = fx.client("ben").await;
    assert_eq!(pull(&mut desk, "amy", 0).await, (0, Vec::new()));

    let reply: pb::SessionStateModifyResp = phone
        .ask(
            "amy",
            "setSeAtt",
            modify(
                0,
                &[update(ConversationType::Group, "g1", Some(true), None)],
            ),
        )
        .await;
    assert_eq!(
        reply.update_version,
        Some(true),
        "phone had seen every change"
    );
    let (_, cmd) = desk.expect_publish("s_cmd").await;
    let cmd = pb::NotifyMsg::decode(&cmd.payload[..]).unwrap();
    assert_eq!(
        (cmd.r#type, cmd.time),
        (STATUS_CHANGED_COMMAND, Some(reply.version))
    );
    let (version, got) = pull(&mut desk, "amy", 0).await;
    assert_eq!(version, reply.version);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].pinned, got[0].level), (Some(true), Some(0)));
    assert_eq!(got[0].conversation_type, ConversationType::Group);

    // The desk mutes a private chat; its version was current, the phone's is not now.
    let muted: pb::SessionStateModifyResp = desk
        .ask(
            "amy",
            "setSeAtt",
            modify(
                version,
                &[update(ConversationType::Private, "ben", None, Some(5))],
            ),
        )
        .await;
    assert!(muted.version > version && muted.update_version == Some(true));
    let stale: pb::SessionStateModifyResp = phone
        .ask(
            "amy",
            "setSeAtt",
            modify(0, &[update(ConversationType::Group, "g1", None, Some(1))]),
        )
        .await;
    assert_eq!(
        stale.update_version,
        Some(false),
        "the phone missed the desk's mute"
    );
    let (_, after) = pull(&mut phone, "amy", reply.version).await;
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(
        (after[0].target_id.as_str(), after[0].level),
        ("ben", Some(5))
    );
    assert_eq!(
        (after[1].target_id.as_str(), after[1].pinned, after[1].level),
        ("g1", Some(true), Some(1)),
        "a mute keeps the pin"
    );
    // Status is per user: the peer has none, and the Server API sees amy's.
    assert_eq!(pull(&mut peer, "ben", 0).await, (0, Vec::new()));
    let q = "conversationType=1&requestId=amy&targetId=ben";
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", q).await["isMuted"],
        1
    );
    let q = "conversationType=1&requestId=ben&targetId=amy";
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", q).await["isMuted"],
        0
    );
}

#[tokio::test]
async fn a_server_api_mute_reaches_every_connected_device() {
    let fx = Fixture::start().await;
    let mut one = fx.client_on("cat", "Android").await;
    let mut two = fx.client_on("cat", "Web").await;
    let q = "conversationType=3&requestId=cat&targetId=team";
    ok(
        &fx,
        "/conversation/notification/set.json",
        &format!("{q}&isMuted=1"),
    )
    .await;
    for c in [&mut one, &mut two] {
        let (_, cmd) = c.expect_publish("s_cmd").await;
        let cmd = pb::NotifyMsg::decode(&cmd.payload[..]).unwrap();
        assert_eq!(cmd.r#type, STATUS_CHANGED_COMMAND);
        let (_, got) = pull(c, "cat", 0).await;
        assert_eq!(got.len(), 1);
        assert_eq!(
            (
                got[0].conversation_type,
                got[0].target_id.as_str(),
                got[0].level
            ),
            (ConversationType::Group, "team", Some(1)),
            "isMuted=1 is 'only @mentions notify'"
        );
    }
    // A device unmutes: the Server API's get says so.
    let _: pb::SessionStateModifyResp = one
        .ask(
            "cat",
            "setSeAtt",
            modify(
                0,
                &[update(ConversationType::Group, "team", None, Some(-1))],
            ),
        )
        .await;
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", q).await["isMuted"],
        0
    );
}

#[tokio::test]
async fn malformed_or_foreign_status_changes_are_refused_and_change_nothing() {
    let fx = Fixture::start().await;
    let mut c = fx.client("dan").await;
    let bad_level = pb::SessionStateModifyReq {
        version: 0,
        state: vec![pb::SessionState {
            r#type: 1,
            channel_id: "eve".into(),
            state_item: vec![pb::SessionStateItem {
                session_state_type: 1,
                value: "loud".into(),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ignore_version: None,
    };
    let chatroom = modify(
        0,
        &[update(ConversationType::Chatroom, "room", Some(true), None)],
    );
    let too_many: Vec<StatusUpdate> = (0..101)
        .map(|i| {
            update(
                ConversationType::Private,
                &format!("p{i}"),
                Some(true),
                None,
            )
        })
        .collect();
    for (what, req) in [
        ("a level that is no level", bad_level.encode_to_vec()),
        ("a chatroom", chatroom.encode_to_vec()),
        ("101 changes", modify(0, &too_many).encode_to_vec()),
        ("no change", modify(0, &[]).encode_to_vec()),
        ("garbage", vec![0xff, 0x01]),
    ] {
        let ack = c.query_raw("setSeAtt", "dan", req).await;
        assert_eq!(ack.status, AckStatus::ParameterInvalid, "{what}");
    }
    // Naming another user is refused like every query.
    let ack = c
        .query(
            "eve",
            "setSeAtt",
            modify(
                0,
                &[update(ConversationType::Private, "dan", Some(true), None)],
            ),
        )
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    assert_eq!(pull(&mut c, "dan", 0).await, (0, Vec::new()));
    let mut eve = fx.client("eve").await;
    assert_eq!(pull(&mut eve, "eve", 0).await, (0, Vec::new()));
}
