//! More of the chat in the real window: an @mention of us is highlighted in the bubble (as
//! text); the menu's 复制 puts the text on the X clipboard (read back as another program
//! would paste it); the reply bar's ✕ drops the quote, so the next send reaches the peer as
//! a plain text; 清空聊天记录 clears this device only (the cloud's copy loads again) or, with
//! the box ticked, the cloud too (nothing comes back).

use crate::actions::{choose, id_of, right_click, send_from_composer, wrap};
use crate::harness::{App, WAIT};
use crate::peer::{Embedded, Peer, Received};
use rongchat_client::{ConversationId, Outgoing};
use rongchat_proto::mention::Mention;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const GROUP: &str = "darongyungroup";
const MEMBER: &str = "zhouyu";
const MEMBER_NAME: &str = "周瑜";
const PEER: &str = "copier";
const PEER_NAME: &str = "Copier";
const COPIED: &str = "复制我 copy me 🙂 <b>x</b>";

/// The X clipboard's text (clipboard.py, with Debian's python3 where python3-xlib is), or
/// why there is none (nobody owns it yet, say).
fn clipboard_text() -> Result<String, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/clipboard.py");
    let out = Command::new("/usr/bin/python3")
        .arg(script)
        .arg("5")
        .output()
        .expect("python3 (with python3-xlib) for clipboard.py");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Polls the clipboard until it holds `want`; panics with what it held at the deadline.
async fn wait_clipboard(want: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let got = clipboard_text();
        if got.as_deref() == Ok(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the clipboard holds {got:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// JS: how many messages the window shows.
const SHOWN: &str = "return document.querySelectorAll('#message-list li.message').length;";

/// The chat's history as `message_history` answers it (the store, then the server when the
/// store runs short): its texts.
async fn history_texts(app: &App, target: &str) -> Vec<String> {
    let page = app
        .invoke(
            "message_history",
            serde_json::json!({
                "conv": { "conversationType": "private", "targetId": target },
                "before": null,
            }),
        )
        .await;
    page["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["text"].as_str().map(str::to_owned))
        .collect()
}

/// Clicks 清空聊天记录, sets "also in the cloud" to `cloud` and confirms; waits for an
/// empty chat.
async fn clear_history(app: &App, cloud: bool) {
    app.js("document.getElementById('clear-history').click(); return true;")
        .await;
    app.wait_js(
        "the confirmation offers the cloud too, ticked",
        "const box = document.getElementById('clear-remote'); \
         return !!box && box.checked && !!document.querySelector('.dialog-confirm');",
    )
    .await;
    if !cloud {
        app.js("document.getElementById('clear-remote').click(); return true;")
            .await;
        app.screenshot("clear-history-here-only").await;
    }
    app.js("document.querySelector('.dialog-confirm').click(); return true;")
        .await;
    app.wait_js(
        "the chat is empty",
        &format!("return (() => {{ {SHOWN} }})() === 0;"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_are_highlighted_copy_cancel_reply_and_clear_here_or_in_the_cloud() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    // As in mentions.rs: a demo user connects once the seed (the group) is listed.
    let row = format!("#conversation-list li.conversation[data-target-id='{GROUP}']");
    app.wait_for_css(&row).await;
    let member = Peer::connect(&embedded, MEMBER, MEMBER_NAME).await;
    let group = ConversationId::group(GROUP);

    // A mention of us, one of everyone, and our name in a text that mentions someone else.
    let my_name = app
        .js("return document.getElementById('me-name').textContent;")
        .await;
    let my_name = my_name.as_str().expect("our name").to_owned();
    assert!(!my_name.is_empty(), "the app shows our name");
    for (text, mention) in [
        (
            format!("@{my_name} 看这里 <b>x</b>"),
            Mention::users([me.clone()]),
        ),
        ("@所有人 三点开会".to_owned(), Mention::all()),
        (
            format!("@{my_name} 不是提到你"),
            Mention::users([MEMBER.to_owned()]),
        ),
    ] {
        member
            .send_to(&group, Outgoing::TextMentioning { text, mention })
            .await;
    }
    app.open_chat(GROUP).await;
    let marks = |needle: &str| {
        format!(
            "const b = [...document.querySelectorAll('#message-list .text-bubble')] \
               .find((b) => b.textContent.includes({needle:?})); \
             return b ? [...b.querySelectorAll('.mention-me')] \
               .map((m) => m.children.length ? '<markup>' : m.textContent) : null;"
        )
    };
    app.wait_js(
        "the three texts are shown",
        &format!(
            "return {} !== null && {} !== null;",
            wrap(&marks("看这里")),
            wrap(&marks("不是提到你"))
        ),
    )
    .await;
    assert_eq!(
        app.js(&marks("看这里")).await,
        serde_json::json!([format!("@{my_name}")]),
        "our name is highlighted, as text"
    );
    assert_eq!(
        app.js(&marks("三点开会")).await,
        serde_json::json!(["@所有人"])
    );
    assert_eq!(
        app.js(&marks("不是提到你")).await,
        serde_json::json!([]),
        "not highlighted when the mention is of someone else"
    );
    assert_eq!(
        app.js(
            "const b = [...document.querySelectorAll('#message-list .text-bubble')] \
               .find((b) => b.textContent.includes('看这里')); return b.textContent;"
        )
        .await,
        serde_json::json!(format!("@{my_name} 看这里 <b>x</b>")),
        "the bubble's text is whole"
    );
    app.screenshot("mention-in-bubble").await;

    // 复制: the text, as sent, is what a paste elsewhere gets.
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    peer.send_text(&me, COPIED).await;
    peer.send_text(&me, "second message").await;
    app.open_chat(PEER).await;
    let copied = id_of(&app, COPIED).await;
    app.wait_js("the menu opens", &right_click(&copied)).await;
    assert_eq!(
        app.js("return document.querySelector('.message-menu .menu-copy').textContent")
            .await,
        serde_json::json!("复制")
    );
    // A real click (WebDriver input): the webview lets only a user's gesture write the
    // clipboard.
    app.element(".message-menu .menu-copy")
        .await
        .click()
        .await
        .expect("click 复制");
    app.wait_js(
        "复制 says so",
        "const t = document.getElementById('toast'); return !t.hidden && t.textContent === '已复制';",
    )
    .await;
    wait_clipboard(COPIED).await;

    // 回复, then ✕: the bar goes and the next send is a plain text at the peer.
    app.wait_js("the menu opens again", &right_click(&copied))
        .await;
    app.js(&choose("reply")).await;
    app.wait_js(
        "the reply bar shows",
        "const b = document.getElementById('reply-bar'); return !!b && !b.hidden;",
    )
    .await;
    app.js("document.querySelector('#reply-bar .reply-cancel').click(); return true;")
        .await;
    app.wait_js(
        "✕ hides the reply bar",
        "return document.getElementById('reply-bar').hidden;",
    )
    .await;
    send_from_composer(&app, "plain after cancel").await;
    let got = peer
        .wait_for(|m| match m {
            Received::Text(t) | Received::Reply(t, _) => t == "plain after cancel",
            _ => false,
        })
        .await;
    assert_eq!(got, Received::Text("plain after cancel".into()), "no quote");
    let sent = id_of(&app, "plain after cancel").await;
    app.wait_js(
        "our text is sent, without a quote",
        &format!(
            "const li = document.getElementById('M-{sent}'); \
             return li.dataset.status === 'sent' && !li.querySelector('.quote');"
        ),
    )
    .await;

    // Clear here only: the window empties, and the cloud still has the chat, so it loads
    // again when the chat opens.
    clear_history(&app, false).await;
    let texts = history_texts(&app, PEER).await;
    assert_eq!(
        texts,
        [COPIED, "second message", "plain after cancel"],
        "the cloud's copy"
    );
    app.open_chat(GROUP).await;
    app.open_chat(PEER).await;
    id_of(&app, "plain after cancel").await;
    id_of(&app, COPIED).await;

    // Clear with the cloud: nothing comes back.
    clear_history(&app, true).await;
    assert!(
        history_texts(&app, PEER).await.is_empty(),
        "the cloud is cleared"
    );
    app.open_chat(GROUP).await;
    app.open_chat(PEER).await;
    app.wait_js(
        "the reopened chat has loaded, empty",
        &format!(
            "return document.getElementById('history-status').textContent === '没有更多消息了' \
               && (() => {{ {SHOWN} }})() === 0;"
        ),
    )
    .await;
    app.quit().await;
}
