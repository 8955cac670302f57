use crate::support::{Fixture, http};

fn form_token(token: &str) -> Vec<u8> {
    format!("token={token}&v=5.38.0&platfrom=browser").into_bytes()
}

const NAVI_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "Application/x-www-form-urlencoded"),
    ("RC-Appkey", "rongchat-local"),
    ("Origin", "http://127.0.0.1:43999"),
];

#[tokio::test]
async fn navi_points_at_this_server() {
    let fx = Fixture::start().await;
    let token = fx.token("user1");
    let r = http(
        fx.addr(),
        "POST",
        "/v2/navi.json?cloud=0",
        NAVI_HEADERS,
        &form_token(&token),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let json = r.json();
    assert_eq!(json["code"], 200);
    assert_eq!(json["server"], fx.addr().to_string());
    assert_eq!(json["uploadServer"], format!("http://{}/upload", fx.addr()));
    assert_eq!(json["openAnti"], 0);
    assert_eq!(json["logSwitch"], 0);
}

#[tokio::test]
async fn navi_uses_the_public_url() {
    let fx = Fixture::start_with(|c| c.public_url = Some("http://chat.lan:9100/".into())).await;
    let token = fx.token("user1");
    let r = http(
        fx.addr(),
        "POST",
        "/v2/navi.json",
        NAVI_HEADERS,
        &form_token(&token),
    )
    .await;
    let json = r.json();
    assert_eq!(json["server"], "chat.lan:9100");
    assert_eq!(json["uploadServer"], "http://chat.lan:9100/upload");
}

#[tokio::test]
async fn navi_refuses_unknown_and_expired_tokens_with_cors() {
    let fx = Fixture::start().await;
    let r = http(
        fx.addr(),
        "POST",
        "/v2/navi.json?cloud=0",
        NAVI_HEADERS,
        &form_token("forged.1.x"),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let expired = fx.server.issue_token_until("user1", "u", 1_000).unwrap();
    let r = http(
        fx.addr(),
        "POST",
        "/v2/navi.json",
        NAVI_HEADERS,
        &form_token(&expired),
    )
    .await;
    assert_eq!(r.status, 401);
    let r = http(
        fx.addr(),
        "POST",
        "/v2/navi.json",
        NAVI_HEADERS,
        b"v=5.38.0",
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn cors_preflight_is_answered() {
    let fx = Fixture::start().await;
    let r = http(
        fx.addr(),
        "OPTIONS",
        "/v2/navi.json?cloud=0",
        &[
            ("Origin", "http://127.0.0.1:43999"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "rc-appkey,rc-negotiate"),
        ],
        b"",
    )
    .await;
    assert!(r.status == 204 || r.status == 200, "status {}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("rc-appkey,rc-negotiate")
    );
    assert!(
        r.header("access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );
}
