//! The profile topics (PROTOCOL-NOTES.md "Profiles") over a real socket: names from the
//! Server API's store, member lists for members only, the group-addressed targetId checked
//! against the payload, pages that continue, and limits.

use crate::support::Fixture;
use prost::Message as _;
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;

const GROUP: i32 = 3;

fn members_query(group: &str, ids: &[&str], page: Option<(i32, &str)>) -> pb::ChannelsQueryInput {
    pb::ChannelsQueryInput {
        target_id: Some(group.into()),
        r#type: Some(GROUP),
        ids: ids.iter().map(|s| s.to_string()).collect(),
        page: page.map(|(size, token)| pb::ChannelsPageParam {
            size: Some(size),
            page_token: Some(token.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn users_in(result: &pb::ChannelsListResult) -> Vec<(String, String)> {
    assert_eq!(result.list_type, Some(1));
    pb::ChannelsUserInfos::decode(result.result.as_deref().unwrap_or_default())
        .unwrap()
        .list
        .into_iter()
        .map(|u| (u.user_id.unwrap_or_default(), u.name.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn names_and_members_come_from_the_store_and_members_only_read_members() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let mut dave = fx.client("dave").await;
    fx.server.issue_token("alice", "爱丽丝").unwrap();
    fx.server.issue_token("bob", "鲍勃").unwrap();
    fx.server
        .create_group("g1", "一号群", &["alice", "bob", "carol"])
        .unwrap();

    // Users: known ones, in the order asked, with their names.
    let req = pb::PullUserProfileReq {
        user_id: vec!["bob".into(), "nobody".into(), "alice".into()],
    };
    let got: pb::UserProfiles = alice.ask("alice", "pullUserProfile", req).await;
    let names: Vec<_> = got
        .user_profile
        .iter()
        .map(|p| {
            let name = p
                .user_profile
                .iter()
                .find(|kv| kv.key.as_deref() == Some("name"));
            (
                p.user_id.clone().unwrap(),
                name.and_then(|kv| kv.value.clone()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("bob".into(), "鲍勃".into()),
            ("alice".into(), "爱丽丝".to_string())
        ]
    );
    assert!(got.user_profile.iter().all(|p| p.version.unwrap_or(0) > 0));
    let own: pb::UserProfile = alice
        .ask(
            "alice",
            "pullOwnProfile",
            pb::UserProfileInput { nothing: 1 },
        )
        .await;
    assert_eq!(own.user_id.as_deref(), Some("alice"));

    // Group info names the first group in targetId; anyone may read a group's name.
    let info = pb::MultiChannels {
        r#type: Some(GROUP),
        list: vec![pb::ChannelsInput {
            target_id: Some("g1".into()),
            ..Default::default()
        }],
    };
    let ack = dave
        .query_raw("qChannelInfo", "g1", info.encode_to_vec())
        .await;
    assert!(ack.status.is_success(), "{:?}", ack.status);
    let result = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    let infos = pb::ChannelsJoinedInfos::decode(result.result.as_deref().unwrap()).unwrap();
    assert_eq!(
        infos.list[0].setting_profile[0].value.as_deref(),
        Some("一号群")
    );
    assert_eq!(
        infos.list[0].base_info.as_ref().unwrap().member_count,
        Some(3)
    );
    assert!(infos.list[0].user_info.is_none(), "dave is no member");
    let ack = dave
        .query_raw("qChannelInfo", "other", info.encode_to_vec())
        .await;
    assert_eq!(
        ack.status,
        AckStatus::ParameterInvalid,
        "targetId must be the first group"
    );

    // Members: pages continue until the last; a non-member gets 22406.
    let ack = alice
        .query_raw(
            "qChannelMem",
            "g1",
            members_query("g1", &[], Some((2, ""))).encode_to_vec(),
        )
        .await;
    let first = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    let page = first.page.clone().unwrap();
    assert_eq!((page.has_next, page.total), (Some(true), Some(3)));
    let token = page.page_token.unwrap();
    let ack = alice
        .query_raw(
            "qChannelMem",
            "g1",
            members_query("g1", &[], Some((2, &token))).encode_to_vec(),
        )
        .await;
    let rest = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    assert_eq!(rest.page.as_ref().unwrap().has_next, Some(false));
    let mut all = users_in(&first);
    all.extend(users_in(&rest));
    all.sort();
    assert_eq!(
        all,
        [
            ("alice".into(), "爱丽丝".into()),
            ("bob".into(), "鲍勃".into()),
            ("carol".to_string(), String::new()),
        ]
    );
    for topic in ["qChannelMem", "qChannelSpeMem"] {
        let ack = dave
            .query_raw(
                topic,
                "g1",
                members_query("g1", &["alice"], None).encode_to_vec(),
            )
            .await;
        assert_eq!(
            ack.status,
            AckStatus::NotInGroup,
            "{topic} from a non-member"
        );
        let ack = alice
            .query_raw(
                topic,
                "g2",
                members_query("g1", &["alice"], None).encode_to_vec(),
            )
            .await;
        assert_eq!(
            ack.status,
            AckStatus::ParameterInvalid,
            "{topic}: target and payload differ"
        );
    }
    let ack = alice
        .query_raw(
            "qChannelSpeMem",
            "g1",
            members_query("g1", &["bob", "dave"], None).encode_to_vec(),
        )
        .await;
    let named = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    assert_eq!(users_in(&named), [("bob".to_string(), "鲍勃".to_string())]);

    // Joined groups: only the asker's.
    let joined = members_query("", &["g1", "nope"], None);
    let ack = alice
        .query("alice", "qChannelMemSpeJoin", joined.clone())
        .await;
    let result = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    let list = pb::ChannelsJoinedInfos::decode(result.result.as_deref().unwrap()).unwrap();
    assert_eq!(list.list.len(), 1);
    let ack = dave.query("dave", "qChannelMemSpeJoin", joined).await;
    let result = pb::ChannelsListResult::decode(&ack.payload[..]).unwrap();
    let list = pb::ChannelsJoinedInfos::decode(result.result.as_deref().unwrap()).unwrap();
    assert!(list.list.is_empty());
}

#[tokio::test]
async fn oversized_and_malformed_profile_queries_are_refused() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let ack = alice
        .query(
            "alice",
            "pullUserProfile",
            pb::PullUserProfileReq { user_id: many },
        )
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid, "over 100 users");
    let ack = alice
        .query(
            "alice",
            "pullUserProfile",
            pb::PullUserProfileReq { user_id: vec![] },
        )
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid, "no users");
    let ack = alice
        .query_raw("pullUserProfile", "alice", vec![0xff, 0xff, 0xff])
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid, "garbage bytes");
    let ack = alice.query_raw("pullOwnProfile", "alice", Vec::new()).await;
    assert_eq!(
        ack.status,
        AckStatus::ParameterInvalid,
        "a required field missing"
    );
    let ack = alice
        .query(
            "bob",
            "pullUserProfile",
            pb::PullUserProfileReq {
                user_id: vec!["a".into()],
            },
        )
        .await;
    assert_eq!(
        ack.status,
        AckStatus::ParameterInvalid,
        "addressed to someone else"
    );
    fx.server.create_group("g1", "g", &["alice"]).unwrap();
    let ack = alice
        .query_raw(
            "qChannelMem",
            "g1",
            members_query("g1", &[], Some((101, ""))).encode_to_vec(),
        )
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid, "pages over 100");
    let ack = alice
        .query_raw(
            "qChannelMem",
            "g1",
            members_query("g1", &[], Some((10, "x"))).encode_to_vec(),
        )
        .await;
    assert_eq!(
        ack.status,
        AckStatus::ParameterInvalid,
        "a token we never gave"
    );
}
