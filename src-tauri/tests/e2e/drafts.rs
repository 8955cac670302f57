//! Drafts and reading in the real window: a draft typed in one chat stays with that chat
//! when the user switches at once (inside the save timer), an emoji counts as typing, the
//! list shows [草稿] for chats that are not open, and drafts survive a restart. A chat that
//! gets messages while the settings cover it is not marked read until the user is back.

use crate::harness::App;
use crate::peer::{Embedded, Peer};

fn preview(target: &str) -> String {
    format!(
        "return document.querySelector(\"#conversation-list li.conversation[data-target-id='{target}'] .conversation-preview\")?.textContent ?? null;"
    )
}

/// Types `text` into the composer as input events would leave it.
fn type_js(text: &str) -> String {
    format!(
        "const box = document.getElementById('composer-text');
         box.value = {text:?};
         box.dispatchEvent(new Event('input', {{ bubbles: true }}));
         return true;"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_stay_with_their_chat_and_reading_waits_for_the_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;

    // --- Typed in 赵云's chat, then straight to 周瑜's (well inside the 800 ms timer).
    app.open_chat("zhaoyun").await;
    app.wait_for_css("#message-list li").await;
    app.js(&type_js("给赵云的草稿")).await;
    app.open_chat("zhouyu").await;
    // An emoji alone is a draft too.
    app.js("document.getElementById('emoji-toggle').click();
         document.querySelector('#emoji-panel .emoji').click();
         return true;")
        .await;
    let emoji = app
        .js("return document.getElementById('composer-text').value;")
        .await;
    let emoji = emoji.as_str().expect("the composer's text").to_owned();
    assert!(!emoji.is_empty(), "the emoji went into the composer");
    app.open_chat("zhaoyun").await;
    app.wait_js(
        "赵云's draft back in the composer",
        "return document.getElementById('composer-text').value === '给赵云的草稿';",
    )
    .await;
    app.wait_js(
        "周瑜's draft in the list",
        &format!(
            "const p = (() => {{ {} }})(); return p === '[草稿] {emoji}';",
            preview("zhouyu")
        ),
    )
    .await;
    app.quit().await;

    // --- After a restart both drafts are still theirs.
    let app = App::launch_demo(&data_dir, &[]).await;
    app.wait_js(
        "both drafts in the list after a restart",
        &format!(
            "const z = (() => {{ {} }})(); const y = (() => {{ {} }})();
             return z === '[草稿] 给赵云的草稿' && y === '[草稿] {emoji}';",
            preview("zhaoyun"),
            preview("zhouyu")
        ),
    )
    .await;

    // --- Messages that arrive while the settings cover the open chat stay unread until
    // the user closes the settings and sees them.
    let embedded = Embedded::read(&data_dir).await;
    let bob = Peer::connect(&embedded, "bob", "Bob").await;
    bob.send_text(&embedded.user_id, "first").await;
    app.open_chat("bob").await;
    app.wait_js(
        "bob's chat read while open",
        "const c = window.__rongchat.state.conversations.get('private:bob'); return !!c && c.unread === 0;",
    )
    .await;
    app.js("document.getElementById('open-settings').click(); return true;")
        .await;
    app.wait_js(
        "the settings in front",
        "return document.getElementById('app').dataset.page === 'settings';",
    )
    .await;
    bob.send_text(&embedded.user_id, "while you were in the settings")
        .await;
    app.wait_js(
        "the new message counted unread under the settings",
        "const c = window.__rongchat.state.conversations.get('private:bob'); return !!c && c.unread === 1;",
    )
    .await;
    app.js("document.getElementById('settings-back').click(); return true;")
        .await;
    app.wait_js(
        "read once the chat is back in front",
        "const c = window.__rongchat.state.conversations.get('private:bob'); return !!c && c.unread === 0;",
    )
    .await;
    app.quit().await;
}
