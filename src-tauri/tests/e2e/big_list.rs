//! A list of 1,000 conversations (published through the Server API before the app starts)
//! is virtualised: the DOM holds only the rows in view, scrolling to the bottom draws the
//! oldest conversation with its unread badge, the keyboard moves through the whole list,
//! the oldest opens like any other, and a pinned one goes first. The demo people's avatars
//! load through the `rongchat-avatar:` scheme.

use crate::bench::{CONVERSATIONS, populate};
use crate::harness::App;

/// More rows than this in the DOM means the list is not virtualised.
const MAX_ROWS: u64 = 60;

const ROWS: &str = "#conversation-list li.conversation";

/// The page's oldest unpinned conversation (the list's last row), as its target id.
const OLDEST: &str =
    "const all = [...window.__rongchat.state.conversations.values()].filter((c) => !c.pinned);
     all.sort((a, b) => (a.latestTime || 0) - (b.latestTime || 0));
     return all[0].targetId;";

async fn rows_in_dom(app: &App) -> u64 {
    let n = app
        .js(&format!(
            "return document.querySelectorAll({ROWS:?}).length;"
        ))
        .await;
    n.as_u64().expect("a row count")
}

/// Presses `key` on the focused element, as the keyboard would reach the list.
fn press(key: &str) -> String {
    format!(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {{ key: {key:?}, bubbles: true }})); return true;"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_conversations_draw_only_the_rows_in_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    populate(&data_dir.join("local-server"), "daqiao").await;
    let app = App::launch_demo(&data_dir, &[]).await;
    app.wait_js(
        "1,000 conversations in the page, rows drawn",
        &format!(
            "return window.__rongchat.state.conversations.size >= {CONVERSATIONS}
               && document.querySelector({ROWS:?}) !== null;"
        ),
    )
    .await;
    let top = rows_in_dom(&app).await;
    let geometry = app
        .js("const l = document.getElementById('conversation-list'); const r = l.querySelector('li');
             const c = getComputedStyle(l); return [l.clientHeight, l.scrollTop, l.scrollHeight, r && r.offsetHeight, window.innerHeight, document.getElementById('list-pane').clientHeight, document.getElementById('app').clientHeight, c.display, c.minHeight, c.overflowY, c.flexGrow, document.styleSheets.length];")
        .await;
    assert!(
        (1..=MAX_ROWS).contains(&top),
        "{top} rows in the DOM at the top (list height, offset, scroll height, row height, window: {geometry})"
    );

    // --- The demo people's avatars come through the avatar scheme, not as data: URLs, and
    // load; an avatar nobody has is an error for the image (a 404), not a crash.
    app.wait_js(
        "a demo avatar loaded through rongchat-avatar:",
        &format!(
            "const all = [...window.__rongchat.state.conversations.values()];
             const img = document.querySelector({ROWS:?} + ' img.avatar');
             return all.some((c) => c.avatar) && all.every((c) => !c.avatar || c.avatar.startsWith('rongchat-avatar://localhost/'))
               && img !== null && img.src.startsWith('rongchat-avatar://') && img.complete && img.naturalWidth === 60;"
        ),
    )
    .await;
    app.js(
        "window.__probe = 'loading'; const img = new Image();
         img.onload = () => { window.__probe = 'loaded'; }; img.onerror = () => { window.__probe = 'error'; };
         img.src = 'rongchat-avatar://localhost/user/nobody%2F..%00'; return true;",
    )
    .await;
    app.wait_js(
        "an unknown avatar fails to load",
        "return window.__probe === 'error';",
    )
    .await;
    app.screenshot("big-list-top").await;

    // --- To the bottom: the oldest conversation is the last row, with its unread badge.
    let oldest = app.js(OLDEST).await;
    let oldest = oldest.as_str().expect("the oldest's id").to_owned();
    let row = format!("{ROWS}[data-target-id='{oldest}']");
    app.js("const l = document.getElementById('conversation-list'); l.scrollTop = l.scrollHeight; return true;")
        .await;
    app.wait_js(
        "the oldest conversation drawn as the last row",
        &format!(
            "const rows = document.querySelectorAll({ROWS:?});
             return rows.length > 0 && rows[rows.length - 1].dataset.targetId === {oldest:?}
               && rows[rows.length - 1].querySelector('.badge')?.textContent === '1';"
        ),
    )
    .await;
    let bottom = rows_in_dom(&app).await;
    assert!(
        (1..=MAX_ROWS).contains(&bottom),
        "{bottom} rows in the DOM at the bottom"
    );
    app.screenshot("big-list-bottom").await;

    // --- The keyboard: Home from the oldest row goes to the newest, End back.
    app.js(&format!(
        "document.querySelector({row:?}).focus(); return true;"
    ))
    .await;
    app.js(&press("Home")).await;
    app.wait_js(
        "the first row focused, scrolled to the top",
        &format!(
            "const first = document.querySelector({ROWS:?});
             return document.getElementById('conversation-list').scrollTop === 0
               && document.activeElement === first && first.tabIndex === 0;"
        ),
    )
    .await;
    app.js(&press("End")).await;
    app.wait_js(
        "the oldest row focused again",
        &format!("return document.activeElement === document.querySelector({row:?});"),
    )
    .await;

    // --- Opening the oldest reads it: active, chat shown, badge gone.
    app.open_chat(&oldest).await;
    app.wait_js(
        "the oldest chat open and read",
        &format!(
            "const r = document.querySelector({row:?});
             return window.__rongchat.state.currentKey === 'private:{oldest}'
               && document.querySelector('#message-list li') !== null
               && r !== null && r.classList.contains('active') && r.querySelector('.badge') === null;"
        ),
    )
    .await;
    app.screenshot("big-list-oldest-open").await;

    // --- Pinned first: the oldest, pinned, is the top row.
    app.js(&format!(
        "document.querySelector({row:?} + ' .pin-button').click(); return true;"
    ))
    .await;
    app.wait_js(
        "the pinned oldest at the top",
        &format!(
            "const l = document.getElementById('conversation-list'); l.scrollTop = 0;
             const first = document.querySelector({ROWS:?});
             return first !== null && first.dataset.targetId === {oldest:?} && first.classList.contains('pinned');"
        ),
    )
    .await;
    assert!(rows_in_dom(&app).await <= MAX_ROWS);
    app.quit().await;
}
