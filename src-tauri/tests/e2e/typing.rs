//! Typing status in the real window: a second client types and the chat title says
//! "对方正在输入…" until its report runs out; typing in the composer reaches the peer.

use crate::harness::App;
use crate::peer::{Embedded, Peer};

const PEER: &str = "typist";
const PEER_NAME: &str = "Typist";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_title_shows_the_peer_typing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    peer.send_text(&me, "hello").await;

    // Open the peer's chat.
    app.open_chat(PEER).await;
    let title_is = |text: &str| {
        format!(
            "const t = document.getElementById('chat-title'); return !!t && t.textContent === {text:?};"
        )
    };
    app.wait_js("the chat title is the peer's name", &title_is(PEER_NAME))
        .await;

    // The peer types: the title says so, as text, then goes back once the report runs out.
    peer.notify_typing(&me);
    app.wait_js(
        "the title shows the peer typing",
        &title_is("对方正在输入…"),
    )
    .await;
    let markup = app
        .js("return document.getElementById('chat-title').children.length")
        .await;
    assert_eq!(markup, serde_json::json!(0), "the title is text only");
    app.screenshot("typing").await;
    app.wait_js(
        "the title back after the report ran out",
        &title_is(PEER_NAME),
    )
    .await;

    // We type in the composer: the peer is told.
    app.js(
        "const t = document.getElementById('composer-text'); t.value = 'typing here'; \
         t.dispatchEvent(new Event('input', { bubbles: true })); return true;",
    )
    .await;
    peer.wait_typing(&me, true).await;

    app.quit().await;
}
