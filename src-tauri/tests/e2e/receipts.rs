//! Read receipts in the real window: opening a chat reads it, so the peer gets our
//! `RC:ReadNtf`; our message shows 未读 until the peer reads it, then 已读 (text only).
//! In a group, our message offers 请求回执; once asked it counts its readers, and the
//! count opens their names.

use crate::harness::App;
use crate::peer::{Embedded, Peer, Received};
use rongchat_client::ConversationId;

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

const GROUP: &str = "darongyungroup";
const MEMBER: &str = "zhouyu";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_message_asks_who_read_it_and_names_the_readers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    // The demo seeds its history as the demo users first; the member connects once the
    // group is listed (a second login would kick the seeding client).
    let row = format!("#conversation-list li.conversation[data-target-id='{GROUP}']");
    app.wait_for_css(&row).await;
    let member = Peer::connect(&embedded, MEMBER, "周瑜").await;
    let group = ConversationId::group(GROUP);

    app.open_chat(GROUP).await;
    let composer = app.element("#composer-text").await;
    composer
        .send_keys("谁看到了 who saw this")
        .await
        .expect("type");
    app.js("document.getElementById('send-button').click(); return true;")
        .await;
    // The demo's other members may talk in the group too: skip their messages (each wait
    // is bounded, and so is the number of them).
    let mut ours_arrived = false;
    for _ in 0..50 {
        if member.wait_in(&group).await.sender_id == embedded.user_id {
            ours_arrived = true;
            break;
        }
    }
    assert!(ours_arrived, "our group message reached the member");

    // Ours offers to ask; asking shows a count of nobody yet.
    let ours = "#message-list li.message.sender[data-status='sent']";
    let last_receipt = format!(
        "const m = [...document.querySelectorAll({ours:?})].pop(); \
         return m && m.querySelector('.receipt');"
    );
    app.wait_js(
        "our group message offers 请求回执",
        &format!(
            "const r = (() => {{ {last_receipt} }})(); \
             const b = r && r.querySelector('button.receipt-ask'); \
             return !!b && b.textContent === '请求回执';"
        ),
    )
    .await;
    app.js(&format!(
        "const r = (() => {{ {last_receipt} }})(); r.querySelector('button.receipt-ask').click(); return true;"
    ))
    .await;
    let count_is = |text: &str| {
        format!(
            "const r = (() => {{ {last_receipt} }})(); \
             const b = r && r.querySelector('button.receipt-count'); \
             return !!b && b.textContent === {text:?};"
        )
    };
    app.wait_js("0 人已读 once asked", &count_is("0 人已读"))
        .await;

    // The member reads the group: its client answers the request, and the count follows.
    member.mark_read_in(&group).await;
    app.wait_js("1 人已读 once the member read it", &count_is("1 人已读"))
        .await;
    app.js(&format!(
        "const r = (() => {{ {last_receipt} }})(); r.querySelector('button.receipt-count').click(); return true;"
    ))
    .await;
    app.wait_js(
        "the readers' names, as text",
        &format!(
            "const r = (() => {{ {last_receipt} }})(); \
             const names = r ? [...r.querySelectorAll('ul.receipt-readers li')].map(li => li.textContent) : []; \
             const b = r && r.querySelector('button.receipt-count'); \
             return names.length === 1 && (names[0] === '周瑜' || names[0] === {MEMBER:?}) \
               && b.getAttribute('aria-expanded') === 'true';"
        ),
    )
    .await;
    app.screenshot("group-receipt").await;
    app.quit().await;
}
