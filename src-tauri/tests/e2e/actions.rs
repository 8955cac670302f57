//! The message menu in the real window: right-click a message to reply (the peer gets an
//! `RC:ReferenceMsg` quoting it, the window shows the quote above our text), forward it to
//! another conversation (that peer gets the same text), delete it for me (gone from the
//! window), recall our own message (the notice line) and, from the keyboard, delete one
//! for both sides; then clear the chat's history behind the confirmation.

use crate::harness::App;
use crate::peer::{Embedded, Peer, Received};

const PEER: &str = "replier";
const PEER_NAME: &str = "Replier";
const OTHER: &str = "forwardee";
const OTHER_NAME: &str = "Forwardee";

/// JS: the id of the newest message in the window whose text is `text`.
fn message_id_with(text: &str) -> String {
    format!(
        "const items = [...document.querySelectorAll('#message-list li.message')]\
           .filter((li) => [...li.querySelectorAll('.text-bubble')].some((b) => b.textContent === {text:?})); \
         return items.length ? items[items.length - 1].dataset.id : null;"
    )
}

/// JS: right-clicks message `id` (a real `contextmenu` event at its centre).
pub(crate) fn right_click(id: &str) -> String {
    format!(
        "const li = document.getElementById('M-{id}'); const box = li.getBoundingClientRect(); \
         li.querySelector('.bubble').dispatchEvent(new MouseEvent('contextmenu', {{ bubbles: true, \
           cancelable: true, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 }})); \
         return !!document.querySelector('.message-menu');"
    )
}

/// JS: clicks the open menu's entry `action`.
pub(crate) fn choose(action: &str) -> String {
    format!(
        "const b = document.querySelector('.message-menu .menu-{action}'); if (!b) return false; \
         b.click(); return true;"
    )
}

pub(crate) async fn id_of(app: &App, text: &str) -> String {
    app.wait_js(
        &format!("a message {text:?} in the window"),
        &format!("return ({}) !== null;", wrap(&message_id_with(text))),
    )
    .await;
    let id = app.js(&message_id_with(text)).await;
    id.as_str().expect("a message id").to_owned()
}

/// A statement list as an expression.
pub(crate) fn wrap(body: &str) -> String {
    format!("(() => {{ {body} }})()")
}

pub(crate) async fn send_from_composer(app: &App, text: &str) {
    app.js(&format!(
        "const t = document.getElementById('composer-text'); t.value = {text:?}; \
         t.dispatchEvent(new Event('input', {{ bubbles: true }})); \
         document.getElementById('send-button').click(); return true;"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_menu_replies_forwards_deletes_and_recalls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    let other = Peer::connect(&embedded, OTHER, OTHER_NAME).await;
    other.send_text(&me, "hi from the other chat").await;
    peer.send_text(&me, "原文 <b>quote me</b>").await;
    peer.send_text(&me, "delete me").await;

    app.wait_for_css(&format!(
        "#conversation-list li.conversation[data-target-id='{OTHER}']"
    ))
    .await;
    app.open_chat(PEER).await;

    // Reply: right-click, 回复, the bar names the peer, send; the peer gets the quote.
    let original = id_of(&app, "原文 <b>quote me</b>").await;
    app.wait_js("the menu opens on right-click", &right_click(&original))
        .await;
    assert_eq!(
        app.js("return document.querySelector('.message-menu .menu-reply').textContent")
            .await,
        serde_json::json!("回复")
    );
    app.js(&choose("reply")).await;
    app.wait_js(
        "the reply bar names the peer",
        "const b = document.getElementById('reply-bar'); return !!b && !b.hidden && \
         b.querySelector('.reply-bar-title').textContent === '回复 Replier';",
    )
    .await;
    send_from_composer(&app, "我的回复 my reply").await;
    let got = peer
        .wait_for(|m| matches!(m, Received::Reply(text, _) if text == "我的回复 my reply"))
        .await;
    assert_eq!(
        got,
        Received::Reply(
            "我的回复 my reply".into(),
            Some("原文 <b>quote me</b>".into())
        )
    );
    app.wait_js(
        "our reply shows the quote above its text, as text",
        "const q = [...document.querySelectorAll('#message-list li.sender .quote')].pop(); \
         return !!q && q.querySelector('.quote-text').textContent === '原文 <b>quote me</b>' \
           && q.querySelector('.quote-text').children.length === 0 \
           && q.querySelector('.quote-sender').textContent === 'Replier';",
    )
    .await;
    app.wait_js(
        "the reply bar is gone after sending",
        "return document.getElementById('reply-bar').hidden;",
    )
    .await;
    app.screenshot("actions-reply").await;

    // Forward: 转发, pick the other conversation; that peer gets the same text.
    app.wait_js("the menu opens again", &right_click(&original))
        .await;
    app.js(&choose("forward")).await;
    app.wait_js(
        "the forward picker lists the other conversation",
        &format!("return !!document.querySelector(\".forward-target[data-target-id='{OTHER}']\");"),
    )
    .await;
    app.js(&format!(
        "document.querySelector(\".forward-target[data-target-id='{OTHER}']\").click(); return true;"
    ))
    .await;
    other
        .wait_for(|m| matches!(m, Received::Text(t) if t == "原文 <b>quote me</b>"))
        .await;

    // Delete for me: the message leaves the window.
    let doomed = id_of(&app, "delete me").await;
    app.wait_js("the menu on the doomed message", &right_click(&doomed))
        .await;
    app.js(&choose("deleteForMe")).await;
    app.wait_js(
        "the deleted message is gone",
        &format!("return !document.getElementById('M-{doomed}');"),
    )
    .await;

    // Recall our own message from the menu: the notice replaces it.
    send_from_composer(&app, "recall me").await;
    peer.wait_for(|m| matches!(m, Received::Text(t) if t == "recall me"))
        .await;
    let mine = id_of(&app, "recall me").await;
    app.wait_js(
        "our message is sent",
        &format!("return document.getElementById('M-{mine}').dataset.status === 'sent';"),
    )
    .await;
    app.wait_js("the menu on our message", &right_click(&mine))
        .await;
    app.js(&choose("recall")).await;
    app.wait_js(
        "the recall notice replaces it",
        &format!(
            "const li = document.getElementById('M-{mine}'); \
             return !!li && li.dataset.kind === 'recalled' && li.textContent.includes('你撤回了一条消息');"
        ),
    )
    .await;

    // From the keyboard: focus a message, Enter opens the menu with focus on its first
    // entry, arrows move; delete our message for both sides.
    send_from_composer(&app, "gone for both").await;
    peer.wait_for(|m| matches!(m, Received::Text(t) if t == "gone for both"))
        .await;
    let both = id_of(&app, "gone for both").await;
    app.wait_js(
        "that message is sent",
        &format!("return document.getElementById('M-{both}').dataset.status === 'sent';"),
    )
    .await;
    app.wait_js(
        "Enter on a focused message opens its menu",
        &format!(
            "const li = document.getElementById('M-{both}'); li.focus(); \
             li.dispatchEvent(new KeyboardEvent('keydown', {{ key: 'Enter', bubbles: true }})); \
             const menu = document.querySelector('.message-menu'); \
             return !!menu && menu.contains(document.activeElement);"
        ),
    )
    .await;
    app.js(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true })); \
         return true;",
    )
    .await;
    let focused = app.js("return document.activeElement.dataset.action").await;
    assert_eq!(focused, serde_json::json!("deleteForBoth"));
    app.js("document.activeElement.click(); return true;").await;
    app.wait_js(
        "deleted for both sides: not shown at all",
        &format!("return !document.getElementById('M-{both}');"),
    )
    .await;

    // Clear the history, behind the confirmation: nothing left in the window.
    app.js("document.getElementById('clear-history').click(); return true;")
        .await;
    app.wait_js(
        "the confirmation asks",
        "return !!document.querySelector('.dialog-confirm');",
    )
    .await;
    app.screenshot("actions-clear-confirm").await;
    app.js("document.querySelector('.dialog-confirm').click(); return true;")
        .await;
    app.wait_js(
        "the chat is empty",
        "return document.querySelectorAll('#message-list li.message').length === 0;",
    )
    .await;

    app.quit().await;
}
