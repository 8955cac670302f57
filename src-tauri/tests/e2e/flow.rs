//! The app's main flows, in one app launch where possible:
//! sign-in on the embedded server, receiving every kind from a second client (list
//! preview, unread badge, chat bubbles), hostile content shown literally, sending text and
//! a file back, unread cleared and still cleared after a restart, and the "logged in on
//! another device" banner.

use crate::harness::{App, LOG_FILTER, WAIT, assert_log_has_no_token};
use crate::peer::{Embedded, Peer, Received};
use std::path::Path;

/// A payload that would set `window.__pwned` if any of it ran as markup or script.
const XSS: &str =
    r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>"#;
/// The same for a file name (no `/`, so it can exist on disk).
const FILE_XSS: &str = r#"<img src=x onerror=window.__pwned=3><b>x.txt"#;
/// What the app's picker hook sends.
const UPLOAD_NAME: &str = "报告 & <draft>.txt";

fn conv_css(target: &str) -> String {
    format!("#conversation-list li.conversation[data-target-id='{target}']")
}

/// The text of the element now (read in the page: the list re-renders on every event, so
/// a WebDriver element reference can go stale between finding and reading it).
async fn text_of(app: &App, css: &str) -> String {
    app.wait_for_css(css).await;
    let value = app
        .js(&format!(
            "const e = document.querySelector({css:?}); return e ? e.textContent : null;"
        ))
        .await;
    value.as_str().unwrap_or_default().to_owned()
}

/// Clicks the element in the page (see `text_of` for why not through WebDriver).
async fn click(app: &App, css: &str) {
    app.wait_for_css(css).await;
    app.js(&format!(
        "document.querySelector({css:?}).click(); return true;"
    ))
    .await;
}

async fn launch(data_dir: &Path, pick: &Path) -> App {
    App::launch(&[
        (
            "RONGCHAT_DATA_DIR",
            data_dir.to_str().expect("utf-8 temp path"),
        ),
        (
            "RONGCHAT_TEST_PICK",
            pick.to_str().expect("utf-8 temp path"),
        ),
        LOG_FILTER,
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_end_to_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let upload = dir.path().join(UPLOAD_NAME);
    std::fs::write(&upload, b"hello from the app's file picker\n").expect("write upload");

    // --- 1. The app starts its embedded server, seeds the demo world and signs in.
    let app = launch(&data_dir, &upload).await;
    let embedded = Embedded::read(&data_dir).await;
    // The list fills as the catch-up brings the seeded conversations in, not all at once.
    app.wait_js(
        "the demo world's conversations in the list (at least 4)",
        "return document.querySelectorAll('#conversation-list li.conversation').length >= 4;",
    )
    .await;
    app.screenshot("list").await;

    // List times as the demo shows them, on a fixed clock (Wednesday 2026-11-25 12:00).
    let times = app
        .js("const f = window.__rongchat.formatListTime; const now = new Date(2026, 10, 25, 12, 0).getTime(); \
             const at = (d, h, m) => new Date(2026, 10, d, h, m).getTime(); \
             return [f(at(25, 9, 5), now), f(at(24, 23, 59), now), f(at(22, 8, 0), now), f(at(19, 8, 0), now), f(at(18, 8, 0), now)];")
        .await;
    assert_eq!(
        times,
        serde_json::json!(["09:05", "昨天 23:59", "星期日", "星期四", "2026/11/18"])
    );

    // --- 2. A second client, whose display name is hostile, sends every kind.
    let peer_id = "tester";
    let peer = Peer::connect(&embedded, peer_id, XSS).await;
    let me = embedded.user_id.as_str();
    peer.send_text(me, XSS).await;
    peer.send_image(me).await;
    peer.send_voice(me, 3).await;
    peer.send_music(me, XSS, XSS).await;
    peer.send_file(me, FILE_XSS, b"file body").await;

    // The list shows the conversation with the last preview and the unread badge.
    let item = conv_css(peer_id);
    app.wait_js(
        "the peer's unread badge at 5",
        &format!("const b = document.querySelector(\"{item} .badge\"); return !!b && b.textContent === '5';"),
    )
    .await;
    // The unread count and the last message may arrive in separate conversation updates.
    app.wait_js(
        "the peer's preview at [文件]",
        &format!("const p = document.querySelector(\"{item} .conversation-preview\"); return !!p && p.textContent === '[文件]';"),
    )
    .await;
    // The hostile sender name is the title, as text.
    assert_eq!(
        text_of(&app, &format!("{item} .conversation-title")).await,
        XSS
    );

    // --- 3. Open the chat: every kind shows, hostile strings literally.
    click(&app, &item).await;
    app.wait_js(
        "five messages in the chat",
        "return document.querySelectorAll('#message-list li.message').length >= 5;",
    )
    .await;
    for kind in ["text", "image", "voice", "music", "file"] {
        app.wait_for_css(&format!("#message-list li.message.receiver.kind-{kind}"))
            .await;
    }
    assert_eq!(text_of(&app, "li.kind-text .bubble").await, XSS);
    assert_eq!(text_of(&app, "li.kind-file .file-name").await, FILE_XSS);
    assert_eq!(text_of(&app, "li.kind-music .music-name").await, XSS);
    assert_eq!(text_of(&app, "li.kind-voice .voice-duration").await, "3″");
    app.wait_for_css("li.kind-voice .unheard-dot").await;
    app.wait_js(
        "the image thumbnail to load",
        "const i = document.querySelector('li.kind-image img.thumb'); return !!i && i.complete && i.naturalWidth > 0;",
    )
    .await;
    let injected = app
        .js("return [window.__pwned === undefined, document.querySelectorAll('#message-list script, #message-list b, #conversation-list b, #message-list img:not(.thumb):not(.avatar):not(.music-poster)').length]")
        .await;
    assert_eq!(
        injected,
        serde_json::json!([true, 0]),
        "no payload ran or became markup"
    );
    // Opening the chat read it.
    app.wait_js(
        "the badge to clear",
        &format!("return !document.querySelector(\"{item} .badge\");"),
    )
    .await;

    // --- 4. The UI sends a text and a file back; the peer receives both.
    let composer = app.element("#composer-text").await;
    composer.send_keys("你好 from the UI").await.expect("type");
    click(&app, "#send-button").await;
    // The message shows at once (sending), then as sent.
    app.wait_for_css("#message-list li.message.sender.kind-text")
        .await;
    app.wait_for_css("#message-list li.message.sender.kind-text[data-status='sent']")
        .await;
    let got = peer
        .wait_for(|m| matches!(m, Received::Text(t) if t == "你好 from the UI"))
        .await;
    assert!(matches!(got, Received::Text(_)));
    app.wait_for_css("#message-list li.message.sender.kind-text[data-status='sent']")
        .await;

    click(&app, "#more-toggle").await;
    click(&app, "#pick-file").await;
    app.wait_for_css("#message-list li.message.sender.kind-file[data-status='sent']")
        .await;
    let got = peer
        .wait_for(|m| matches!(m, Received::File { name, .. } if name.starts_with("报告")))
        .await;
    let Received::File { name, bytes, .. } = got else {
        unreachable!()
    };
    assert_eq!(name, UPLOAD_NAME);
    assert_eq!(bytes, b"hello from the app's file picker\n");
    app.wait_for_css("#message-list li.message.sender.kind-file[data-status='sent']")
        .await;

    app.screenshot("chat").await;

    // Pin and mute the chat from the list.
    click(&app, &format!("{item} .pin-button")).await;
    app.wait_for_css(&format!("{item}.pinned")).await;
    click(&app, &format!("{item} .mute-button")).await;
    app.wait_for_css(&format!("{item} .mute-icon")).await;

    // The demo contact (小乔) answers: what the UI sends her comes back.
    click(&app, &conv_css("xiaoqiao")).await;
    app.wait_js(
        "小乔's chat to open",
        "return document.getElementById('chat-title').textContent === '小乔';",
    )
    .await;
    app.element("#composer-text")
        .await
        .send_keys("回声测试")
        .await
        .expect("type");
    click(&app, "#send-button").await;
    app.wait_js(
        "小乔's echo",
        "return [...document.querySelectorAll('#message-list li.message.receiver.kind-text .bubble')].some((b) => b.textContent === '回声测试');",
    )
    .await;

    // --- 5. Restart: the unread count stays cleared (and the pin stays).
    app.quit().await;
    let app = launch(&data_dir, &upload).await;
    app.wait_for_css(&item).await;
    // The catch-up sync after the connect is where a wrong unread count would come from.
    app.wait_js(
        "the list after the restart's sync",
        &format!("return window.__rongchat.state.listSynced && document.querySelector(\"{item} .conversation-preview\") !== null;"),
    )
    .await;
    let badge = app
        .js(&format!(
            "return !!document.querySelector(\"{item} .badge\");"
        ))
        .await;
    assert_eq!(
        badge,
        serde_json::json!(false),
        "unread stays cleared after a restart"
    );
    app.wait_for_css(&format!("{item}.pinned")).await;
    // The peer's display name was remembered.
    assert_eq!(
        text_of(&app, &format!("{item} .conversation-title")).await,
        XSS
    );

    // --- 6. A second login of the same user: the app shows the kicked banner.
    // The restarted app's server listens on a new port: read where it is now.
    let embedded = Embedded::read(&data_dir).await;
    let second = Peer::connect_as_app_user(&embedded).await;
    app.wait_for_css("#banner[data-state='kicked']").await;
    let banner = text_of(&app, "#banner-text").await;
    assert!(banner.contains("其他设备"), "banner: {banner}");
    app.screenshot("kicked").await;
    app.quit().await;

    // --- 7. The log of the whole run: written, and no token in it (ours, the peers', the
    // app's own demo token by its shape).
    assert_log_has_no_token(
        &data_dir,
        &[&peer.token, &second.token],
        &[me, peer_id, "xiaoqiao"],
    );
    let _ = WAIT;
}

/// A real account from the environment (AppKey, navigation URL, token): the app signs in
/// to the server the test runs, with no embedded server and no demo world.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_with_an_account_from_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server =
        rongchat_server::Server::start(rongchat_server::Config::local(dir.path().join("server")))
            .await
            .expect("start a server");
    let token = server.issue_token("alice", "Alice").expect("token");
    let data_dir = dir.path().join("app-data");
    let navi = server.http_url();
    // The app signs in with an account from the environment, with `token`.
    let launch = |token: String| {
        let (data_dir, navi, key) = (data_dir.clone(), navi.clone(), server.app_key().to_owned());
        async move { App::launch_account(&data_dir, &navi, &key, &token).await }
    };
    let app = launch(token.clone()).await;
    app.wait_js(
        "connected as alice",
        "const s = window.__rongchat.state.status; return !!s && s.state.kind === 'connected' && s.mode === 'account' && s.userId === 'alice';",
    )
    .await;
    assert!(
        !data_dir.join("embedded.json").exists(),
        "no embedded server with an account"
    );

    let embedded = Embedded {
        http_url: navi.clone(),
        app_key: server.app_key().to_owned(),
        server_dir: dir.path().join("server"),
        user_id: "alice".into(),
    };
    let peer = Peer::connect(&embedded, "bob", "Bob").await;
    peer.send_text("alice", "hello alice").await;
    let item = conv_css("bob");
    app.wait_js(
        "bob's message in the list",
        &format!("const p = document.querySelector(\"{item} .conversation-preview\"); return !!p && p.textContent === 'hello alice';"),
    )
    .await;
    assert_eq!(
        text_of(&app, &format!("{item} .conversation-title")).await,
        "Bob"
    );
    app.quit().await;

    // A wrong token: the banner offers the settings, chosen by the error's kind.
    let wrong = format!("{token}x");
    let app = launch(wrong.clone()).await;
    app.wait_js(
        "the token-invalid kind",
        "const s = window.__rongchat.state.status; return !!s && !!s.error && s.error.kind === 'tokenInvalid';",
    )
    .await;
    app.wait_for_css("#banner[data-state='tokenInvalid'] #banner-action:not([hidden])")
        .await;
    app.screenshot("token-invalid").await;
    app.quit().await;
    assert_log_has_no_token(&data_dir, &[&token, &wrong, &peer.token], &["alice", "bob"]);
    server.shutdown().await;
}
