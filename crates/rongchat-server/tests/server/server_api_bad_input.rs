//! Missing, oversized and wrongly typed Server API parameters get RongCloud's code
//! (1002 invalid, 1005 too long) and change nothing.

use crate::server_api::{api, ok};
use crate::support::Fixture;
use serde_json::Value;

#[tokio::test]
async fn bad_parameters_get_rongcloud_codes_and_change_nothing() {
    let fx = Fixture::start().await;
    ok(&fx, "/user/getToken.json", "userId=u&name=Name").await;
    ok(&fx, "/group/create.json", "userId=u&groupId=g&groupName=G").await;
    let long_id = "x".repeat(65);
    let long_name = "n".repeat(129);
    let big = "c".repeat(129 * 1024);
    let cases: Vec<(&str, String, u32)> = vec![
        ("/user/getToken.json", String::new(), 1002),
        ("/user/getToken.json", format!("userId={long_id}"), 1002),
        (
            "/user/getToken.json",
            format!("userId=u&name={long_name}"),
            1005,
        ),
        (
            "/user/refresh.json",
            format!("userId=u&name={long_name}"),
            1005,
        ),
        ("/user/refresh.json", "name=x".into(), 1002),
        ("/user/info.json", "userId=".into(), 1002),
        ("/user/checkOnline.json", "userId=a%20b".into(), 1002),
        ("/user/block.json", "userId=u".into(), 1002),
        ("/user/block.json", "userId=u&minute=abc".into(), 1002),
        ("/user/block.json", "userId=u&minute=43201".into(), 1002),
        ("/user/block.json", "userId=ghost&minute=1".into(), 1002),
        ("/user/unblock.json", String::new(), 1002),
        ("/user/blacklist/add.json", "userId=u".into(), 1002),
        ("/user/blacklist/remove.json", "blackUserId=u".into(), 1002),
        ("/user/blacklist/query.json", String::new(), 1002),
        (
            "/message/private/publish.json",
            "fromUserId=u&objectName=RC:TxtMsg&content=x".into(),
            1002,
        ),
        (
            "/message/private/publish.json",
            "fromUserId=u&toUserId=v&content=x".into(),
            1002,
        ),
        (
            "/message/private/publish.json",
            format!("fromUserId=u&toUserId=v&objectName=RC:TxtMsg&content={big}"),
            1005,
        ),
        (
            "/message/private/publish.json",
            "fromUserId=u&toUserId=v&objectName=RC:TxtMsg&content=x&isPersisted=maybe".into(),
            1002,
        ),
        (
            "/message/private/publish.json",
            "fromUserId=u&toUserId=v&objectName=RC:TxtMsg&content=x&count=10000".into(),
            1002,
        ),
        (
            "/message/group/publish.json",
            "fromUserId=u&objectName=RC:TxtMsg&content=x".into(),
            1002,
        ),
        (
            "/message/group/publish.json",
            "fromUserId=v&toGroupId=g&objectName=RC:TxtMsg&content=x".into(),
            22406,
        ),
        (
            "/message/system/publish.json",
            "fromUserId=u&objectName=RC:TxtMsg&content=x".into(),
            1002,
        ),
        (
            "/statusmessage/private/publish.json",
            "fromUserId=u&toUserId=v&objectName=RC:TypSts".into(),
            1002,
        ),
        (
            "/statusmessage/group/publish.json",
            "fromUserId=u&objectName=RC:TypSts&content=x".into(),
            1002,
        ),
        (
            "/message/recall.json",
            "fromUserId=u&conversationType=1&targetId=v&sentTime=1".into(),
            1002,
        ),
        (
            "/message/recall.json",
            "fromUserId=u&conversationType=1&targetId=v&messageUID=NOPE&sentTime=1".into(),
            1002,
        ),
        (
            "/message/recall.json",
            "fromUserId=u&conversationType=4&targetId=v&messageUID=N&sentTime=1".into(),
            1002,
        ),
        (
            "/message/recall.json",
            "fromUserId=u&conversationType=1&targetId=v&messageUID=N&sentTime=soon".into(),
            1002,
        ),
        ("/group/create.json", "groupId=g2&groupName=x".into(), 1002),
        (
            "/group/join.json",
            format!("userId=u&groupId={long_id}"),
            1002,
        ),
        ("/group/quit.json", "userId=u".into(), 1002),
        ("/group/dismiss.json", "userId=u".into(), 1002),
        ("/group/refresh.json", "groupId=g".into(), 1002),
        (
            "/group/refresh.json",
            format!("groupId=g&groupName={long_name}"),
            1005,
        ),
        ("/group/sync.json", "group[g]=x".into(), 1002),
        ("/group/sync.json", "userId=u&group[a%20b]=x".into(), 1002),
        ("/group/user/query.json", String::new(), 1002),
        ("/user/group/query.json", String::new(), 1002),
        (
            "/group/user/gag/add.json",
            "userId=u&groupId=g".into(),
            1002,
        ),
        (
            "/group/user/gag/add.json",
            "userId=u&groupId=g&minute=-1".into(),
            1002,
        ),
        ("/group/user/gag/rollback.json", "groupId=g".into(), 1002),
        ("/group/user/gag/list.json", String::new(), 1002),
        (
            "/conversation/notification/set.json",
            "conversationType=1&requestId=u&targetId=v".into(),
            1002,
        ),
        (
            "/conversation/notification/set.json",
            "conversationType=9&requestId=u&targetId=v&isMuted=1".into(),
            1002,
        ),
        (
            "/conversation/notification/set.json",
            "conversationType=1&requestId=u&targetId=v&isMuted=2".into(),
            1002,
        ),
        (
            "/conversation/notification/get.json",
            "conversationType=x&requestId=u&targetId=v".into(),
            1002,
        ),
    ];
    for (path, form, code) in &cases {
        let (status, json) = api(&fx, path, form).await;
        let shown = &form[..form.len().min(80)];
        assert_eq!(json["code"], *code, "{path} {shown}: {json}");
        assert!(
            status == 400 || status == 401,
            "{path} {shown}: HTTP {status}"
        );
    }
    // Nothing changed.
    assert_eq!(
        ok(&fx, "/user/info.json", "userId=u").await["userName"],
        "Name"
    );
    assert_eq!(
        ok(&fx, "/group/user/query.json", "groupId=g").await["users"],
        serde_json::json!([{"id":"u"}])
    );
    assert_eq!(
        ok(&fx, "/user/group/query.json", "userId=u").await["groups"][0]["name"],
        "G"
    );
    assert_eq!(
        ok(&fx, "/user/block/query.json", "").await["users"],
        Value::Array(vec![])
    );
    assert_eq!(
        ok(&fx, "/group/user/gag/list.json", "groupId=g").await["users"],
        Value::Array(vec![])
    );
    let q = "conversationType=1&requestId=u&targetId=v";
    assert_eq!(
        ok(&fx, "/conversation/notification/get.json", q).await["isMuted"],
        0
    );
    // A JSON body is read like a form; a broken one is 1002.
    let (_, bad_json) = api(&fx, "/user/info.json", "{not json").await;
    assert_eq!(bad_json["code"], 1002);
}
