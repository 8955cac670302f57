//! Read receipts in the real window: opening a chat reads it, so the peer gets our
//! `RC:ReadNtf`; our message shows 未读 until the peer reads it, then 已读 (text only).

use crate::harness::App;
use crate::peer::{Embedded, Peer, Received};

const PEER: &str = "reader";
const PEER_NAME: &str = "Reader";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_message_shows_read_once_the_peer_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    peer.send_text(&me, "读到请回 read me").await;

    // Opening the chat reads it: the peer hears so.
    app.open_chat(PEER).await;
    peer.wait_read_receipt(&me).await;

    // We answer from the composer: unread until the peer reads it.
    let composer = app.element("#composer-text").await;
    composer.send_keys("收到 got it").await.expect("type");
    app.js("document.getElementById('send-button').click(); return true;")
        .await;
    let ours = "#message-list li.message.sender[data-status='sent']";
    let receipt_is = |text: &str| {
        format!(
            "const m = [...document.querySelectorAll({ours:?})].pop(); \
             const r = m && m.querySelector('.receipt'); \
             return !!r && r.textContent === {text:?} && r.children.length === 0;"
        )
    };
    app.wait_js("our message shows 未读", &receipt_is("未读"))
        .await;
    peer.wait_for(|m| matches!(m, Received::Text(t) if t == "收到 got it"))
        .await;
    peer.mark_read(&me).await;
    app.wait_js("our message shows 已读", &receipt_is("已读"))
        .await;
    app.screenshot("read-receipt").await;
    app.quit().await;
}
