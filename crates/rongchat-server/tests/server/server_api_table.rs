//! Every Server API endpoint against one table: each required parameter left out, each
//! parameter oversized or wrongly typed (as a form and as a JSON body), and the valid call
//! signed with a wrong secret get RongCloud's code and its exact reply body
//! (`{"url":..,"code":..,"errorMessage":..}`), and none of those requests changes anything
//! a query or a connected client can see. Last, each row's valid form is accepted, so every
//! refusal above came from the one parameter changed.

use crate::api::{Call, encode};
use crate::history::{group_history, private_history};
use crate::server_api::{api, ok};
use crate::support::{Client, Fixture, http};
use rongchat_proto::Body;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// A bad value for a parameter.
#[derive(Clone, Copy)]
enum Bad {
    /// This text.
    Text(&'static str),
    /// `n` bytes of `x`.
    Long(usize),
    /// `n` distinct valid ids (over the call's batch limit).
    Many(usize),
}

/// Why RongCloud refuses it: 1002 invalid, or 1005 too long.
#[derive(Clone, Copy, PartialEq)]
enum Why {
    Invalid,
    TooLong,
}

/// One endpoint: a form it accepts, its required parameters, and bad values:
/// `(parameter, value, parameter named in the reply, why)`.
struct Row {
    path: &'static str,
    valid: Vec<(&'static str, String)>,
    required: &'static [&'static str],
    bad: Vec<(&'static str, Bad, &'static str, Why)>,
}

const CONTENT_MAX: usize = 128 * 1024;
const TEXT: &str = r#"{"content":"x"}"#;

fn row(
    path: &'static str,
    valid: &[(&'static str, &str)],
    required: &'static [&'static str],
    bad: &[(&'static str, Bad, Why)],
) -> Row {
    Row {
        path,
        valid: valid.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        required,
        bad: bad.iter().copied().map(named).collect(),
    }
}

use Bad::{Long, Many, Text};
use Why::{Invalid, TooLong};

/// The table, in the order its valid forms can all be sent (dismiss last).
fn table(uid: &str, sent: &str) -> Vec<Row> {
    let id_long = Long(65);
    let publish = |from_to: (&'static str, &'static str)| {
        vec![
            ("fromUserId", "u".to_owned()),
            (from_to.0, from_to.1.to_owned()),
            ("objectName", "RC:TxtMsg".to_owned()),
            ("content", TEXT.to_owned()),
        ]
    };
    let options: Vec<(&'static str, Bad, Why)> = vec![
        ("fromUserId", id_long, Invalid),
        ("fromUserId", Text("a b"), Invalid),
        ("objectName", Long(33), Invalid),
        ("content", Long(CONTENT_MAX + 1), TooLong),
        ("pushContent", Long(CONTENT_MAX + 1), TooLong),
        ("pushData", Long(CONTENT_MAX + 1), TooLong),
        ("pushExt", Long(CONTENT_MAX + 1), TooLong),
        ("extraContent", Long(CONTENT_MAX + 1), TooLong),
        ("isPersisted", Text("maybe"), Invalid),
        ("isCounted", Text("x"), Invalid),
        ("isIncludeSender", Text("x"), Invalid),
        ("verifyBlacklist", Text("2"), Invalid),
        ("contentAvailable", Text("x"), Invalid),
        ("expansion", Text("x"), Invalid),
        ("disablePush", Text("x"), Invalid),
        ("count", Text("abc"), Invalid),
        ("count", Text("10000"), Invalid),
    ];
    let with = |mut extra: Vec<(&'static str, Bad, Why)>| {
        extra.extend(options.iter().copied());
        extra
    };
    let ids = |key: &'static str, many: usize| -> Vec<(&'static str, Bad, Why)> {
        vec![
            (key, id_long, Invalid),
            (key, Text("a/b"), Invalid),
            (key, Many(many), Invalid),
        ]
    };
    let mut rows = vec![
        row(
            "/user/getToken.json",
            &[
                ("userId", "w"),
                ("name", "W"),
                ("portraitUri", "http://p/w"),
            ],
            &["userId"],
            &[
                ("userId", id_long, Invalid),
                ("userId", Text("a b"), Invalid),
                ("name", Long(129), TooLong),
                ("portraitUri", Long(1025), TooLong),
            ],
        ),
        row(
            "/user/refresh.json",
            &[("userId", "u"), ("name", "U2")],
            &["userId"],
            &[
                ("userId", id_long, Invalid),
                ("userId", Text("ghost"), Invalid),
                ("name", Long(129), TooLong),
                ("portraitUri", Long(1025), TooLong),
            ],
        ),
        row(
            "/user/info.json",
            &[("userId", "u")],
            &["userId"],
            &[
                ("userId", id_long, Invalid),
                ("userId", Text("ghost"), Invalid),
            ],
        ),
        row(
            "/user/checkOnline.json",
            &[("userId", "u")],
            &["userId"],
            &[("userId", id_long, Invalid)],
        ),
    ];
    let mut block = ids("userId", 21);
    block.extend([
        ("userId", Text("ghost"), Invalid),
        ("minute", Text("abc"), Invalid),
        ("minute", Text("0"), Invalid),
        ("minute", Text("43201"), Invalid),
        ("minute", Text("1.5"), Invalid),
    ]);
    rows.push(row(
        "/user/block.json",
        &[("userId", "w"), ("minute", "1")],
        &["userId", "minute"],
        &block,
    ));
    let mut unblock = ids("userId", 21);
    unblock.push(("userId", Text("ghost"), Invalid));
    rows.push(row(
        "/user/unblock.json",
        &[("userId", "w")],
        &["userId"],
        &unblock,
    ));
    rows.push(row("/user/block/query.json", &[], &[], &[]));
    for path in ["/user/blacklist/add.json", "/user/blacklist/remove.json"] {
        let mut bad = ids("blackUserId", 21);
        bad.push(("userId", id_long, Invalid));
        rows.push(row(
            path,
            &[("userId", "v"), ("blackUserId", "w")],
            &["userId", "blackUserId"],
            &bad,
        ));
    }
    rows.push(row(
        "/user/blacklist/query.json",
        &[("userId", "v")],
        &["userId"],
        &[("userId", id_long, Invalid)],
    ));
    let private = Row {
        path: "/message/private/publish.json",
        valid: publish(("toUserId", "v")),
        required: &["fromUserId", "toUserId", "objectName", "content"],
        bad: with(ids("toUserId", 1001)).into_iter().map(named).collect(),
    };
    let mut group_bad = with(ids("toGroupId", 4));
    group_bad.push(("isMentioned", Text("x"), Invalid));
    let group = Row {
        path: "/message/group/publish.json",
        valid: publish(("toGroupId", "g")),
        required: &["fromUserId", "toGroupId", "objectName", "content"],
        bad: group_bad.into_iter().map(named).collect(),
    };
    let system = Row {
        path: "/message/system/publish.json",
        valid: publish(("toUserId", "v")),
        required: &["fromUserId", "toUserId", "objectName", "content"],
        bad: with(ids("toUserId", 101)).into_iter().map(named).collect(),
    };
    let status_options = |mut bad: Vec<(&'static str, Bad, Why)>| {
        bad.extend([
            ("fromUserId", id_long, Invalid),
            ("objectName", Long(33), Invalid),
            ("content", Long(CONTENT_MAX + 1), TooLong),
            ("isIncludeSender", Text("x"), Invalid),
            ("verifyBlacklist", Text("x"), Invalid),
        ]);
        bad.into_iter().map(named).collect()
    };
    let status_private = Row {
        path: "/statusmessage/private/publish.json",
        valid: publish(("toUserId", "v")),
        required: &["fromUserId", "toUserId", "objectName", "content"],
        bad: status_options(ids("toUserId", 1001)),
    };
    let status_group = Row {
        path: "/statusmessage/group/publish.json",
        valid: publish(("toGroupId", "g")),
        required: &["fromUserId", "toGroupId", "objectName", "content"],
        bad: status_options(ids("toGroupId", 4)),
    };
    rows.extend([private, group, system, status_private, status_group]);
    rows.push(row(
        "/message/recall.json",
        &[
            ("fromUserId", "u"),
            ("conversationType", "1"),
            ("targetId", "v"),
            ("messageUID", uid),
            ("sentTime", sent),
        ],
        &[
            "fromUserId",
            "conversationType",
            "targetId",
            "messageUID",
            "sentTime",
        ],
        &[
            ("fromUserId", id_long, Invalid),
            ("targetId", id_long, Invalid),
            ("conversationType", Text("abc"), Invalid),
            ("conversationType", Text("2"), Invalid),
            ("messageUID", Long(65), Invalid),
            ("messageUID", Text("NOPE-NOPE"), Invalid),
            ("sentTime", Text("soon"), Invalid),
            ("isAdmin", Text("x"), Invalid),
            ("isDelete", Text("2"), Invalid),
            ("disablePush", Text("x"), Invalid),
            ("extra", Long(CONTENT_MAX / 2 + 1), TooLong),
        ],
    ));
    let mut create = ids("userId", 1001);
    create.extend([
        ("groupId", id_long, Invalid),
        ("groupName", Long(129), TooLong),
    ]);
    rows.push(row(
        "/group/create.json",
        &[
            ("userId", "u"),
            ("userId", "w"),
            ("groupId", "g2"),
            ("groupName", "G2"),
        ],
        &["userId", "groupId"],
        &create,
    ));
    rows.push(row(
        "/group/join.json",
        &[("userId", "w"), ("groupId", "g")],
        &["userId", "groupId"],
        &create,
    ));
    let mut quit = ids("userId", 1001);
    quit.push(("groupId", id_long, Invalid));
    rows.push(row(
        "/group/quit.json",
        &[("userId", "w"), ("groupId", "g")],
        &["userId", "groupId"],
        &quit,
    ));
    rows.push(row(
        "/group/refresh.json",
        &[("groupId", "g"), ("groupName", "G3")],
        &["groupId", "groupName"],
        &[
            ("groupId", id_long, Invalid),
            ("groupId", Text("zz"), Invalid),
            ("groupName", Long(129), TooLong),
        ],
    ));
    let mut sync = row(
        "/group/sync.json",
        &[("userId", "w"), ("group[g3]", "x")],
        &["userId"],
        &[("userId", id_long, Invalid)],
    );
    sync.bad.extend([
        ("group[a b]", Text("x"), "group", Invalid),
        ("group[g3]", Long(129), "group", TooLong),
    ]);
    rows.push(sync);
    rows.push(row(
        "/group/user/query.json",
        &[("groupId", "g")],
        &["groupId"],
        &[("groupId", id_long, Invalid)],
    ));
    rows.push(row(
        "/user/group/query.json",
        &[("userId", "u")],
        &["userId"],
        &[("userId", id_long, Invalid)],
    ));
    let mut gag = ids("userId", 21);
    gag.extend([
        ("groupId", id_long, Invalid),
        ("minute", Text("abc"), Invalid),
        ("minute", Text("0"), Invalid),
        ("minute", Text("43201"), Invalid),
    ]);
    rows.push(row(
        "/group/user/gag/add.json",
        &[("userId", "v"), ("groupId", "g"), ("minute", "1")],
        &["userId", "groupId", "minute"],
        &gag,
    ));
    let mut rollback = ids("userId", 21);
    rollback.push(("groupId", id_long, Invalid));
    rows.push(row(
        "/group/user/gag/rollback.json",
        &[("userId", "v"), ("groupId", "g")],
        &["userId", "groupId"],
        &rollback,
    ));
    rows.push(row(
        "/group/user/gag/list.json",
        &[("groupId", "g")],
        &["groupId"],
        &[("groupId", id_long, Invalid)],
    ));
    let conversation: Vec<(&'static str, Bad, Why)> = vec![
        ("conversationType", Text("abc"), Invalid),
        ("conversationType", Text("9"), Invalid),
        ("requestId", id_long, Invalid),
        ("targetId", id_long, Invalid),
    ];
    let mut set = conversation.clone();
    set.extend([
        ("isMuted", Text("2"), Invalid),
        ("isMuted", Text("x"), Invalid),
    ]);
    let q = [
        ("conversationType", "1"),
        ("requestId", "u"),
        ("targetId", "v"),
    ];
    rows.push(row(
        "/conversation/notification/set.json",
        &[q[0], q[1], q[2], ("isMuted", "1")],
        &["conversationType", "requestId", "targetId", "isMuted"],
        &set,
    ));
    rows.push(row(
        "/conversation/notification/get.json",
        &q,
        &["conversationType", "requestId", "targetId"],
        &conversation,
    ));
    rows.push(row(
        "/group/dismiss.json",
        &[("userId", "u"), ("groupId", "g2")],
        &["userId", "groupId"],
        &[
            ("userId", id_long, Invalid),
            ("groupId", id_long, Invalid),
            ("groupId", Text("zz"), Invalid),
        ],
    ));
    rows
}

fn named((k, b, w): (&'static str, Bad, Why)) -> (&'static str, Bad, &'static str, Why) {
    (k, b, k, w)
}

fn form(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The same pairs as a JSON object (a repeated key becomes an array), as the SDKs send.
fn json_body(pairs: &[(&str, String)]) -> String {
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        match map.get_mut(*k) {
            Some(Value::Array(items)) => items.push(v.as_str().into()),
            Some(one) => *one = json!([one.take(), v]),
            None => {
                map.insert((*k).to_owned(), v.as_str().into());
            }
        }
    }
    Value::Object(map).to_string()
}

/// `valid` with every `key` replaced by `bad`.
fn with_bad(
    valid: &[(&'static str, String)],
    key: &'static str,
    bad: Bad,
) -> Vec<(&'static str, String)> {
    let mut pairs: Vec<_> = valid.iter().filter(|(k, _)| *k != key).cloned().collect();
    match bad {
        Text(v) => pairs.push((key, v.to_owned())),
        Long(n) => pairs.push((key, "x".repeat(n))),
        Many(n) => pairs.extend((0..n).map(|i| (key, format!("r{i}")))),
    }
    pairs
}

/// RongCloud's refusal body, byte for byte.
fn refusal(path: &str, code: u32, message: &str) -> String {
    format!(r#"{{"url":"{path}","code":{code},"errorMessage":"{message}"}}"#)
}

async fn expect_refused(fx: &Fixture, path: &str, body: &str, want: &str, status: u16) {
    expect_signed_by(fx, None, path, body, want, status).await;
}

/// Sends `body` to `path` signed with `secret` (the app's own when `None`) and expects
/// exactly `want` with HTTP `status`.
async fn expect_signed_by(
    fx: &Fixture,
    secret: Option<&str>,
    path: &str,
    body: &str,
    want: &str,
    status: u16,
) {
    static NONCE: AtomicU64 = AtomicU64::new(1);
    let nonce = format!("tbl{}", NONCE.fetch_add(1, Ordering::Relaxed));
    let mut call = Call::new(fx, &nonce);
    if let Some(secret) = secret {
        call.secret = secret.to_owned();
    }
    let r = call.post(path, body).await;
    let got = String::from_utf8_lossy(&r.body);
    let shown = &body[..body.len().min(120)];
    assert_eq!((r.status, got.as_ref()), (status, want), "{path} {shown}");
}

/// Each of `pairs` as a form and as a JSON body: refused with exactly `want`.
async fn expect_both_refused(fx: &Fixture, path: &str, pairs: &[(&str, String)], want: &str) {
    expect_refused(fx, path, &form(pairs), want, 400).await;
    expect_refused(fx, path, &json_body(pairs), want, 400).await;
}

/// What queries and a connected client (`v`) can see.
async fn snapshot(fx: &Fixture, v: &mut Client) -> Value {
    let mut seen = Vec::new();
    for (path, form) in [
        ("/user/info.json", "userId=u"),
        ("/user/info.json", "userId=v"),
        ("/user/info.json", "userId=w"),
        ("/user/block/query.json", ""),
        ("/user/blacklist/query.json", "userId=v"),
        ("/group/user/query.json", "groupId=g"),
        ("/group/user/query.json", "groupId=g2"),
        ("/user/group/query.json", "userId=u"),
        ("/user/group/query.json", "userId=w"),
        ("/group/user/gag/list.json", "groupId=g"),
        (
            "/conversation/notification/get.json",
            "conversationType=1&requestId=u&targetId=v",
        ),
    ] {
        seen.push(json!([path, form, api(fx, path, form).await.1]));
    }
    let describe = |m: &rongchat_proto::pb::DownStreamMessage| {
        json!([m.from_user_id, m.r#type, m.classname, m.content])
    };
    let pulled: Vec<_> = v.pull("v", 0, 0).await.list.iter().map(describe).collect();
    let private: Vec<_> = private_history(v, "v", "u", 0, 20)
        .await
        .list
        .iter()
        .map(describe)
        .collect();
    let group: Vec<_> = group_history(v, "v", "g")
        .await
        .list
        .iter()
        .map(describe)
        .collect();
    json!({ "api": seen, "pulled": pulled, "private": private, "group": group })
}

#[tokio::test]
async fn every_endpoint_refuses_bad_parameters_exactly_and_changes_nothing() {
    let fx = Fixture::start().await;
    ok(&fx, "/user/getToken.json", "userId=u&name=U").await;
    ok(&fx, "/user/getToken.json", "userId=v&name=V").await;
    ok(
        &fx,
        "/group/create.json",
        "userId=u&userId=v&groupId=g&groupName=G",
    )
    .await;
    let mut u = fx.client("u").await;
    let mut v = fx.client("v").await;
    let sent = u.send_text("v", "to recall").await;
    v.expect_publish("s_ntf").await;
    let rows = table(&sent.message_uid, &sent.sent_time().to_string());
    let before = snapshot(&fx, &mut v).await;

    let mut refused = 0;
    for r in &rows {
        for key in r.required {
            let pairs: Vec<_> = r.valid.iter().filter(|(k, _)| k != key).cloned().collect();
            let want = refusal(r.path, 1002, &format!("{key} is required."));
            expect_both_refused(&fx, r.path, &pairs, &want).await;
            // An empty value is a missing one.
            expect_both_refused(&fx, r.path, &with_bad(&r.valid, key, Text("")), &want).await;
            refused += 2;
        }
        for (key, bad, named, why) in &r.bad {
            let (code, message) = match why {
                Invalid => (1002, format!("{named} is invalid.")),
                TooLong => (1005, format!("{named} is too long.")),
            };
            let want = refusal(r.path, code, &message);
            expect_both_refused(&fx, r.path, &with_bad(&r.valid, key, *bad), &want).await;
            refused += 1;
        }
        // The valid form itself, signed with another secret.
        let want = refusal(r.path, 1004, "signature error.");
        expect_signed_by(
            &fx,
            Some("not-the-secret"),
            r.path,
            &form(&r.valid),
            &want,
            401,
        )
        .await;
    }
    // No App-Key at all.
    let r = http(fx.addr(), "POST", "/user/getToken.json", &[], b"userId=w").await;
    assert_eq!(
        (r.status, String::from_utf8_lossy(&r.body).as_ref()),
        (
            401,
            refusal("/user/getToken.json", 1002, "invalid App-Key.").as_str()
        )
    );
    // A directed message names one group only.
    let path = "/message/group/publish.json";
    let directed = format!(
        "fromUserId=u&toGroupId=g&toGroupId=g2&toUserId=v&objectName=RC:TxtMsg&content={}",
        encode(TEXT)
    );
    let want = refusal(path, 1002, "toUserId is invalid.");
    expect_refused(&fx, path, &directed, &want, 400).await;
    // A sender outside the group.
    let outsider = format!(
        "fromUserId=w&toGroupId=g&objectName=RC:TxtMsg&content={}",
        encode(TEXT)
    );
    let want = refusal(path, 22406, "not in group.");
    expect_refused(&fx, path, &outsider, &want, 400).await;
    // A body that is not a form nor a JSON object.
    let want = refusal("/user/info.json", 1002, "body is invalid.");
    expect_refused(&fx, "/user/info.json", "{not json", &want, 400).await;
    assert!(refused > 150, "{refused} refusals");

    assert_eq!(
        snapshot(&fx, &mut v).await,
        before,
        "a refused call changed state"
    );
    // Nothing reached v's socket either: the first status message v gets is this marker.
    ok(
        &fx,
        "/statusmessage/private/publish.json",
        "fromUserId=u&toUserId=v&objectName=RC:TypSts&content=marker",
    )
    .await;
    let (_, p) = v.expect_publish("s_msg").await;
    let down: rongchat_proto::pb::DownStreamMessage =
        prost::Message::decode(&p.payload[..]).unwrap();
    assert_eq!(down.content, "marker");
    assert!(
        !v.buffered()
            .iter()
            .any(|f| matches!(&f.body, Body::Publish(p) if p.topic == "s_ntf")),
        "a refused publish notified v"
    );

    // Each row's valid form is accepted.
    for r in &rows {
        ok(&fx, r.path, &form(&r.valid)).await;
    }
    drop(u);
}
