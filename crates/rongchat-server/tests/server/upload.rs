use crate::support::{Fixture, http, post_upload, upload_token};
use rongchat_proto::pb;
use rongchat_proto::status::AckStatus;

const KEY: &str = "4__RC-2026-11-25_819_1795628856437ai2a4wzm-l17c-486g-9ue6-r6akn4uhk1da.txt";

#[tokio::test]
async fn upload_then_download_with_ranges() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let token = upload_token(&mut alice, "alice", KEY).await;
    let r = post_upload(&fx, &token, KEY, b"hello world").await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let json = r.json();
    assert_eq!(json["key"], KEY);
    assert_eq!(json["name"], "hello.txt");
    assert_eq!(json["hash"].as_str().unwrap().len(), 40);

    let ack = alice
        .query(
            "alice",
            "qnUrl",
            pb::GetDownloadUrlInput {
                r#type: 4,
                key: KEY.into(),
                file_name: Some("hello.txt".into()),
                ext: Some(String::new()),
                size: Some(-1),
                ip_type: Some(0),
            },
        )
        .await;
    assert!(ack.status.is_success());
    let url: pb::GetDownloadUrlOutput = pb::decode_checked(&ack.payload).unwrap();
    let path = format!("/files/{KEY}");
    assert_eq!(url.download_url, format!("http://{}{path}", fx.addr()));

    let r = http(fx.addr(), "GET", &path, &[], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello world");
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("content-length"), Some("11"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));

    let r = http(fx.addr(), "GET", &path, &[("Range", "bytes=6-")], b"").await;
    assert_eq!(r.status, 206);
    assert_eq!(r.body, b"world");
    assert_eq!(r.header("content-range"), Some("bytes 6-10/11"));
    let r = http(fx.addr(), "GET", &path, &[("Range", "bytes=-5")], b"").await;
    assert_eq!((r.status, r.body.as_slice()), (206, b"world".as_slice()));
    let r = http(fx.addr(), "GET", &path, &[("Range", "bytes=20-30")], b"").await;
    assert_eq!(r.status, 416);
    let r = http(fx.addr(), "GET", "/files/4__missing.txt", &[], b"").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn upload_preflight_is_answered() {
    let fx = Fixture::start().await;
    let r = http(
        fx.addr(),
        "OPTIONS",
        "/upload",
        &[
            ("Origin", "http://x"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    )
    .await;
    assert!(r.status == 204 || r.status == 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn oversized_uploads_get_413() {
    let fx = Fixture::start_with(|c| c.max_upload_bytes = 1024).await;
    let mut alice = fx.client("alice").await;
    let token = upload_token(&mut alice, "alice", "4__big.bin").await;
    let r = post_upload(&fx, &token, "4__big.bin", &vec![7u8; 4096]).await;
    assert_eq!(r.status, 413);
    let r = http(fx.addr(), "GET", "/files/4__big.bin", &[], b"").await;
    assert_eq!(r.status, 404);
    // Under the limit is fine.
    let r = post_upload(&fx, &token, "4__big.bin", &[7u8; 1000]).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn keys_must_be_names_and_tokens_must_match() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    // A path key cannot even get a token.
    let ack = alice
        .query(
            "alice",
            "qnTkn",
            pb::GetQNupTokenInput {
                r#type: 4,
                key: Some("../../etc/passwd".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(ack.status, AckStatus::ParameterInvalid);
    // A token for one key does not upload another, and path keys are refused.
    let token = upload_token(&mut alice, "alice", "4__mine.txt").await;
    assert_eq!(
        post_upload(&fx, &token, "4__other.txt", b"x").await.status,
        403
    );
    assert_eq!(post_upload(&fx, &token, "../evil", b"x").await.status, 403);
    // Forged and missing tokens.
    assert_eq!(
        post_upload(&fx, "forged.token.1.x", "4__mine.txt", b"x")
            .await
            .status,
        401
    );
    assert_eq!(
        post_upload(&fx, &token, "4__mine.txt", b"mine")
            .await
            .status,
        200
    );
    // Bob cannot overwrite Alice's file, even with his own token for that key.
    let mut bob = fx.client("bob").await;
    let bobs = upload_token(&mut bob, "bob", "4__mine.txt").await;
    assert_eq!(
        post_upload(&fx, &bobs, "4__mine.txt", b"bob!").await.status,
        403
    );
    let r = http(fx.addr(), "GET", "/files/4__mine.txt", &[], b"").await;
    assert_eq!(r.body, b"mine");
    // Downloads of path-like keys are refused.
    let r = http(
        fx.addr(),
        "GET",
        "/files/..%2Frongchat-server.sqlite",
        &[],
        b"",
    )
    .await;
    assert!(r.status == 400 || r.status == 404, "status {}", r.status);
}

#[tokio::test]
async fn large_uploads_up_to_the_limit_pass_the_api_body_limit() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    let token = upload_token(&mut alice, "alice", "4__large.bin").await;
    let bytes: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let r = post_upload(&fx, &token, "4__large.bin", &bytes).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = http(fx.addr(), "GET", "/files/4__large.bin", &[], b"").await;
    assert_eq!(r.body.len(), bytes.len());
    assert!(r.body == bytes);
}
