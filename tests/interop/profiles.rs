//! Profiles both ways (facts in `PROTOCOL-NOTES.md`, "Profiles"): names and portraits set
//! through the Server API (`user/getToken` with a name, `user/refresh`, `group/create`,
//! `group/refresh`, `group/join`, `group/quit`) are what the official SDK's
//! `getUserProfiles`, `getGroupsInfo`, `getGroupMembers`, `getGroupMembersByRole` and
//! `getJoinedGroups` read from our server, and what our client's `user_profiles`,
//! `groups_info` and `group_members` read; a non-member reads no member list (22406).

use std::time::Duration;

use rongchat_client::ProfileKind;
use rongchat_tests::server_api;
use rongchat_tests::{OracleRun, TestServer};
use serde_json::{Value, json};

use crate::fixtures::{OURS, RUN_LIMIT, SDK, connect_ours};

const API_LIMIT: Duration = Duration::from_secs(10);
const GROUP: &str = "profiles";
/// A group the SDK's user is not in.
const OTHERS: &str = "strangers";
const SDK_NAME: &str = "官方 SDK 用户";
const SDK_PORTRAIT: &str = "http://example.com/sdk.png";
const OUR_NAME: &str = "融聊 <b>ours</b>";
const OUR_PORTRAIT: &str = "http://example.com/ours.png";
const CAROL_NAME: &str = "小乔";
const DAVE_NAME: &str = "周瑜";
const GROUP_NAME: &str = "三国 群聊";

/// A signed Server API call that must answer code 200; returns the reply.
async fn api(server: &TestServer, path: &str, form: &[(&str, &str)]) -> Value {
    let body = server_api::form(form);
    let (status, reply) = server_api::call(server, path, &body, API_LIMIT)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        (status, &reply["code"]),
        (200, &json!(200)),
        "{path}: {reply}"
    );
    reply
}

/// The world both sides read: names from getToken and refresh, a group created, renamed,
/// joined and quit.
async fn set_up_profiles(server: &TestServer) -> String {
    let sdk = api(
        server,
        "/user/getToken.json",
        &[
            ("userId", SDK),
            ("name", SDK_NAME),
            ("portraitUri", SDK_PORTRAIT),
        ],
    )
    .await;
    api(
        server,
        "/user/refresh.json",
        &[
            ("userId", OURS),
            ("name", OUR_NAME),
            ("portraitUri", OUR_PORTRAIT),
        ],
    )
    .await;
    for (id, name) in [("carol", CAROL_NAME), ("dave", DAVE_NAME)] {
        api(
            server,
            "/user/getToken.json",
            &[("userId", id), ("name", name)],
        )
        .await;
    }
    api(
        server,
        "/group/create.json",
        &[
            ("userId", SDK),
            ("userId", OURS),
            ("userId", "carol"),
            ("groupId", GROUP),
            ("groupName", "旧名"),
        ],
    )
    .await;
    api(
        server,
        "/group/refresh.json",
        &[("groupId", GROUP), ("groupName", GROUP_NAME)],
    )
    .await;
    api(
        server,
        "/group/join.json",
        &[("userId", "dave"), ("groupId", GROUP)],
    )
    .await;
    api(
        server,
        "/group/quit.json",
        &[("userId", "carol"), ("groupId", GROUP)],
    )
    .await;
    api(
        server,
        "/group/create.json",
        &[
            ("userId", "carol"),
            ("groupId", OTHERS),
            ("groupName", "别人的群"),
        ],
    )
    .await;
    sdk["token"].as_str().expect("a token").to_owned()
}

/// `(userId, name)` pairs of a list of SDK profile or member objects, sorted.
fn names(list: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["userId"].as_str().unwrap_or_default().to_owned(),
                p["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

fn sorted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_and_our_client_read_the_names_set_through_the_server_api() {
    let (server, ours, _events, _data) = connect_ours().await;
    let sdk_token = set_up_profiles(&server).await;
    let steps = json!({ "steps": [
        { "op": "call", "fn": "getUserProfiles", "args": [[SDK, OURS, "carol", "nobody"]] },
        { "op": "call", "fn": "getGroupsInfo", "args": [[GROUP]] },
        { "op": "call", "fn": "getGroupMembers", "args": [GROUP, [SDK, OURS, "carol", "dave"]] },
        { "op": "call", "fn": "getGroupMembersByRole", "args": [GROUP, 0, { "count": 2 }] },
        { "op": "call", "fn": "getJoinedGroups", "args": [[GROUP, OTHERS]] },
        { "op": "call", "fn": "getGroupMembers", "args": [OTHERS, ["carol"]], "expectCode": 22406 },
    ]});
    let sdk = OracleRun::spawn(SDK, &server.login_with_token(&sdk_token), &steps);

    // Our client reads the same world.
    let ids: Vec<String> = [SDK, OURS, "carol", "nobody"].map(String::from).to_vec();
    let profiles = ours.user_profiles(&ids).await.expect("our user_profiles");
    let ours_read: Vec<(&str, &str)> = profiles
        .iter()
        .map(|p| (p.user_id.as_str(), p.name.as_str()))
        .collect();
    assert_eq!(
        sorted(&ours_read),
        sorted(&[(SDK, SDK_NAME), (OURS, OUR_NAME), ("carol", CAROL_NAME)]),
        "unknown users are left out"
    );
    let sdk_profile = profiles
        .iter()
        .find(|p| p.user_id == SDK)
        .expect("the SDK's user");
    assert_eq!(sdk_profile.portrait.as_deref(), Some(SDK_PORTRAIT));
    let cached = ours.cached_profile(ProfileKind::User, SDK).expect("cached");
    assert_eq!(
        (cached.name.as_str(), cached.portrait.as_deref()),
        (SDK_NAME, Some(SDK_PORTRAIT)),
        "the store keeps what the server said"
    );
    let groups = ours
        .groups_info(&[GROUP.into()])
        .await
        .expect("our groups_info");
    let cached = ours
        .cached_profile(ProfileKind::Group, GROUP)
        .expect("group cached");
    assert_eq!(cached.name, GROUP_NAME);
    assert_eq!(groups.len(), 1);
    assert_eq!(
        (groups[0].name.as_str(), groups[0].member_count),
        (GROUP_NAME, 3)
    );
    let members = ours.group_members(GROUP).await.expect("our group_members");
    let members: Vec<(&str, &str)> = members
        .iter()
        .map(|m| (m.user_id.as_str(), m.name.as_str()))
        .collect();
    assert_eq!(
        sorted(&members),
        sorted(&[(SDK, SDK_NAME), (OURS, OUR_NAME), ("dave", DAVE_NAME)]),
        "carol quit, dave joined"
    );
    let refused = ours.group_members(OTHERS).await;
    assert!(
        format!("{refused:?}").contains("NotInGroup"),
        "a non-member reads no member list: {refused:?}"
    );

    let report = sdk.finish(RUN_LIMIT).await;
    report.assert_success();
    let profiles = &report.nth_step("call", 0)["data"];
    report.ensure(
        names(profiles) == sorted(&[(SDK, SDK_NAME), (OURS, OUR_NAME), ("carol", CAROL_NAME)]),
        format!("getUserProfiles reads the Server API's names: {profiles}"),
    );
    let portrait = profiles
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["userId"] == OURS)
        .map(|p| p["portraitUri"].clone());
    report.ensure(
        portrait == Some(json!(OUR_PORTRAIT)),
        format!("getUserProfiles reads the refreshed portrait: {portrait:?}"),
    );
    let info = &report.nth_step("call", 1)["data"];
    report.ensure(
        info[0]["groupId"] == GROUP
            && info[0]["groupName"] == GROUP_NAME
            && info[0]["membersCount"] == 3,
        format!("getGroupsInfo reads the refreshed name and the count: {info}"),
    );
    let named = &report.nth_step("call", 2)["data"];
    report.ensure(
        names(named) == sorted(&[(SDK, SDK_NAME), (OURS, OUR_NAME), ("dave", DAVE_NAME)]),
        format!("getGroupMembers reads members with names, not carol who quit: {named}"),
    );
    let page = &report.nth_step("call", 3)["data"];
    report.ensure(
        page["data"].as_array().map(Vec::len) == Some(2) && page["pageToken"] != "",
        format!("getGroupMembersByRole pages: {page}"),
    );
    let joined = &report.nth_step("call", 4)["data"];
    report.ensure(
        joined.as_array().map(Vec::len) == Some(1)
            && joined[0]["groupId"] == GROUP
            && joined[0]["groupName"] == GROUP_NAME,
        format!("getJoinedGroups lists only the SDK user's group: {joined}"),
    );
}
