use crate::support::{Fixture, http};
use rongchat_server::api::sign;
use std::time::{SystemTime, UNIX_EPOCH};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A signed Server API call.
pub struct Call<'a> {
    fx: &'a Fixture,
    nonce: String,
    timestamp: String,
    pub secret: String,
    spelling: [&'static str; 4],
}

const CANONICAL: [&str; 4] = ["App-Key", "Nonce", "Timestamp", "Signature"];
const RC_PREFIXED: [&str; 4] = ["rc-app-key", "rc-nonce", "rc-timestamp", "rc-signature"];

impl<'a> Call<'a> {
    pub fn new(fx: &'a Fixture, nonce: &str) -> Self {
        Self {
            fx,
            nonce: nonce.into(),
            timestamp: now_secs().to_string(),
            secret: fx.server.app_secret().into(),
            spelling: CANONICAL,
        }
    }

    /// The `Signature` header this call sends.
    pub fn signature(&self) -> String {
        sign(&self.secret, &self.nonce, &self.timestamp)
    }

    pub async fn post(&self, path: &str, form: &str) -> crate::support::HttpResponse {
        let signature = self.signature();
        let headers = [
            (self.spelling[0], self.fx.server.app_key()),
            (self.spelling[1], self.nonce.as_str()),
            (self.spelling[2], self.timestamp.as_str()),
            (self.spelling[3], signature.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        http(self.fx.addr(), "POST", path, &headers, form.as_bytes()).await
    }
}

#[tokio::test]
async fn get_token_with_a_good_signature() {
    let fx = Fixture::start().await;
    let r = Call::new(&fx, "n-1")
        .post("/user/getToken.json", "userId=u1&name=User+One")
        .await;
    assert_eq!(r.status, 200);
    let json = r.json();
    assert_eq!(json["code"], 200);
    assert_eq!(json["userId"], "u1");
    let token = json["token"].as_str().unwrap();
    let (_c, ack) = crate::support::Client::connect(fx.addr(), token, "", 3).await;
    assert_eq!(ack.status, rongchat_proto::status::ConnAckStatus::Accepted);
}

#[tokio::test]
async fn both_header_spellings_and_timestamp_units_work() {
    let fx = Fixture::start().await;
    let mut call = Call::new(&fx, "n-ms");
    call.spelling = RC_PREFIXED;
    call.timestamp = (now_secs() * 1000).to_string();
    let r = call.post("/user/getToken.json", "userId=u2").await;
    assert_eq!(r.status, 200, "{:?}", String::from_utf8_lossy(&r.body));
}

#[tokio::test]
async fn bad_signature_stale_timestamp_and_reused_nonce_are_refused() {
    let fx = Fixture::start().await;
    let mut bad = Call::new(&fx, "n-bad");
    bad.secret = "wrong".into();
    let r = bad.post("/user/getToken.json", "userId=u1").await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (401, Some(1004)));
    // No CORS on the Server API: a web page must not be able to read its answers.
    assert_eq!(r.header("access-control-allow-origin"), None);

    let mut stale = Call::new(&fx, "n-stale");
    stale.timestamp = (now_secs() - 301).to_string();
    let r = stale.post("/user/getToken.json", "userId=u1").await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (401, Some(1004)));

    let once = Call::new(&fx, "n-once");
    assert_eq!(
        once.post("/user/getToken.json", "userId=u1").await.status,
        200
    );
    let r = once.post("/user/getToken.json", "userId=u1").await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (401, Some(1004)));

    let r = http(fx.addr(), "POST", "/user/getToken.json", &[], b"userId=u1").await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (401, Some(1002)));

    let r = Call::new(&fx, "n-param")
        .post("/user/getToken.json", "userId=a/b")
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(1002)));
}

#[tokio::test]
async fn publish_as_a_user_reaches_the_recipients() {
    let fx = Fixture::start().await;
    let mut bob = fx.client("bob").await;
    let mut carol = fx.client("carol").await;
    let content = crate::support::text_message("from the api").content;
    let form = format!(
        "fromUserId=alice&toUserId=bob&toUserId=carol&objectName=RC%3ATxtMsg&content={}",
        encode(&content)
    );
    let r = Call::new(&fx, "p-1")
        .post("/message/private/publish.json", &form)
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (200, Some(200)));
    for (c, me) in [(&mut bob, "bob"), (&mut carol, "carol")] {
        c.expect_publish("s_ntf").await;
        let pulled = c.pull(me, 0, 0).await;
        assert_eq!(crate::support::text_of(&pulled.list[0]), "from the api");
        assert_eq!(pulled.list[0].from_user_id, "alice");
    }

    // Group publish, after creating the group through the API.
    let r = Call::new(&fx, "g-1")
        .post(
            "/group/create.json",
            "userId=alice&userId=bob&groupId=g9&groupName=Nine",
        )
        .await;
    assert_eq!(r.status, 200);
    let form = format!(
        "fromUserId=alice&toGroupId=g9&objectName=RC%3ATxtMsg&content={}",
        encode(&content)
    );
    let r = Call::new(&fx, "p-2")
        .post("/message/group/publish.json", &form)
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    bob.expect_publish("s_ntf").await;
    let h = crate::history::group_history(&mut bob, "bob", "g9").await;
    assert_eq!(h.list.len(), 1);

    let r = Call::new(&fx, "g-2")
        .post("/group/join.json", "userId=carol&groupId=g9")
        .await;
    assert_eq!(r.status, 200);
    let r = Call::new(&fx, "g-3")
        .post("/group/quit.json", "userId=alice&groupId=g9")
        .await;
    assert_eq!(r.status, 200);
    let r = Call::new(&fx, "p-3")
        .post("/message/group/publish.json", &form)
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(22406)));

    // Content over 128 KB.
    let big = "x".repeat(129 * 1024);
    let form = format!("fromUserId=alice&toUserId=bob&objectName=RC%3ATxtMsg&content={big}");
    let r = Call::new(&fx, "p-4")
        .post("/message/private/publish.json", &form)
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(1005)));
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn block_unblock_and_check_online() {
    let fx = Fixture::start().await;
    let token = fx.token("bob");
    let r = Call::new(&fx, "o-1")
        .post("/user/checkOnline.json", "userId=bob")
        .await;
    assert_eq!(r.json()["status"], "0");
    let (mut bob, _) = crate::support::Client::connect(fx.addr(), &token, "", 3).await;
    let r = Call::new(&fx, "o-2")
        .post("/user/checkOnline.json", "userId=bob")
        .await;
    assert_eq!(r.json()["status"], "1");

    let r = Call::new(&fx, "b-1")
        .post("/user/block.json", "userId=bob&minute=10")
        .await;
    assert_eq!(r.status, 200);
    assert!(bob.wait_closed().await);
    let (_c, ack) = crate::support::Client::connect(fx.addr(), &token, "", 3).await;
    assert_eq!(
        ack.status,
        rongchat_proto::status::ConnAckStatus::UserBlocked
    );

    let r = Call::new(&fx, "b-2")
        .post("/user/unblock.json", "userId=bob")
        .await;
    assert_eq!(r.status, 200);
    let (_c, ack) = crate::support::Client::connect(fx.addr(), &token, "", 3).await;
    assert_eq!(ack.status, rongchat_proto::status::ConnAckStatus::Accepted);

    let r = Call::new(&fx, "b-3")
        .post("/user/block.json", "userId=nobody")
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(1002)));
}
