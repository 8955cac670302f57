//! A chat of 2,000 stored messages (texts of one and several lines, images, recalls) is
//! virtualised: the DOM holds only the rows around the view; scrolling up loads older
//! history without moving the row in view; a new message at the bottom shows; a search
//! hit deep in the history opens in the middle of the view. Image thumbnails come through
//! the `rongchat-media:` scheme (not data: URLs, in the DOM or the messages) and load, as
//! does a demo music card's poster; a malformed, unknown or re-tagged media URL does not.

use crate::harness::App;
use crate::peer::{Embedded, Peer};
use crate::search::find_store;
use rongchat_client::model::Incoming;
use rongchat_client::store::Store;
use rongchat_client::{ConversationId, Direction};
use std::path::Path;

pub const PEER: &str = "chatter";
const PEER_NAME: &str = "Chatter";
/// Messages stored in the chat before it opens.
pub const STORED: usize = 2_000;
/// The one message saying the word, this far into the history (from the oldest).
const AT: usize = 300;
const WORD: &str = "玄武湖";
/// More message rows than this in the DOM means the list is not virtualised.
pub const MAX_ROWS: u64 = 60;

pub const ROWS: &str = "#message-list li.message";

/// 2,000 older messages with the peer: texts (every seventh of several lines), an image
/// every 40th, a recall now and then, a time divider every 50th; one says the word.
pub fn fill(store_path: &Path, me: &str) {
    use base64::Engine;
    let png = rongchat_app::demo::art::avatar_png("daqiao").expect("a demo picture");
    let thumbnail = base64::engine::general_purpose::STANDARD.encode(&png);
    let mut store = Store::open(store_path).expect("open the app's store");
    let newest = 1_700_000_000_000_i64;
    let batch: Vec<Incoming> = (0..STORED)
        .map(|i| {
            let (object_name, content) = match i {
                AT => ("RC:TxtMsg", serde_json::json!({ "content": format!("周末去{WORD}划船") })),
                i if i % 40 == 0 => (
                    "RC:ImgMsg",
                    serde_json::json!({ "content": thumbnail, "imageUri": "", "thumWidth": 60, "thumHeight": 60 }),
                ),
                i if i % 97 == 0 => ("RC:RcNtf", serde_json::json!({ "operatorId": PEER })),
                i if i % 7 == 0 => (
                    "RC:TxtMsg",
                    serde_json::json!({ "content": format!("第{i}条\n第二行\n第三行：明天开会讨论项目进度") }),
                ),
                i => ("RC:TxtMsg", serde_json::json!({ "content": format!("message {i}") })),
            };
            let ours = i % 3 == 0;
            // Ten minutes before every 50th message (a time divider), a minute otherwise.
            let gaps = (STORED - i) as i64 + (STORED - i) as i64 / 50 * 9;
            Incoming {
                uid: Some(format!("E2E-BIG-{i}")),
                conversation: ConversationId::private(PEER),
                sender_id: if ours { me.to_owned() } else { PEER.to_owned() },
                direction: if ours {
                    Direction::Send
                } else {
                    Direction::Receive
                },
                object_name: object_name.into(),
                content: content.to_string(),
                sent_time: newest - gaps * 60_000,
                client_unique_id: None,
                persisted: true,
                counted: false,
            }
        })
        .collect();
    store
        .apply_incoming(&batch, None)
        .expect("store the history");
}

/// A first launch makes the account and its store and gives the peer's chat a row;
/// then the store is filled. Returns the app user's id.
pub async fn prepare(data_dir: &Path) -> String {
    let app = launch(data_dir).await;
    let embedded = Embedded::read(data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    peer.send_text(&me, "hello, newest of all").await;
    app.wait_for_css(&format!(
        "#conversation-list li.conversation[data-target-id='{PEER}']"
    ))
    .await;
    app.quit().await;
    fill(&find_store(data_dir, &me), &me);
    me
}

/// The demo's music card in 小乔's chat shows its poster, through the scheme.
async fn poster_loads(app: &App) {
    app.open_chat("xiaoqiao").await;
    app.wait_js(
        "the demo music card's poster loaded through rongchat-media:",
        "const i = document.querySelector('#message-list li.kind-music img.music-poster');
         return !!i && i.src.startsWith('rongchat-media://localhost/poster/') && i.complete && i.naturalWidth === 120;",
    )
    .await;
}

pub async fn launch(data_dir: &Path) -> App {
    App::launch_demo(data_dir, &[]).await
}

pub async fn rows_in_dom(app: &App) -> u64 {
    let n = app
        .js(&format!(
            "return document.querySelectorAll({ROWS:?}).length;"
        ))
        .await;
    n.as_u64().expect("a row count")
}

/// JS: whether the message scroll is at its bottom.
const AT_BOTTOM: &str = "const s = document.getElementById('message-scroll');
    return s.scrollHeight - s.scrollTop - s.clientHeight < 2;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_of_2000_messages_draws_only_the_rows_in_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let me = prepare(&data_dir).await;

    let app = launch(&data_dir).await;
    // A demo music card's poster comes through the scheme too. Its URL names the
    // embedded server of the first run (nothing fetched it then): a restart keeps that
    // server's port, so it still loads.
    poster_loads(&app).await;
    let embedded = Embedded::read(&data_dir).await;
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    app.open_chat(PEER).await;
    app.wait_js(
        "the chat open at its newest message",
        &format!(
            "const rows = document.querySelectorAll({ROWS:?});
             return rows.length > 0 && rows[rows.length - 1].textContent.includes('hello, newest of all')
               && !window.__rongchat.state.loadingHistory;"
        ),
    )
    .await;
    app.wait_js("the view at the bottom", AT_BOTTOM).await;
    let rows = rows_in_dom(&app).await;
    assert!(
        (1..=MAX_ROWS).contains(&rows),
        "{rows} message rows in the DOM"
    );

    // --- Scrolling up loads older history; the row in view stays where it was.
    for round in 0..8 {
        let before = app
            .js("return window.__rongchat.state.messages.length;")
            .await;
        // Near the top (not yet loading), drawn; then to the top, noting the row in view.
        app.js(
            "const s = document.getElementById('message-scroll'); s.scrollTop = 100; return true;",
        )
        .await;
        app.wait_js(
            "the rows near the top drawn",
            &format!(
                "const s = document.getElementById('message-scroll').getBoundingClientRect();
                 return [...document.querySelectorAll({ROWS:?})].some((m) => {{
                   const r = m.getBoundingClientRect(); return r.bottom > s.top + 40 && r.top < s.top + 40; }});"
            ),
        )
        .await;
        app.js(&format!(
            "const s = document.getElementById('message-scroll'); s.scrollTop = 20;
             const top = s.getBoundingClientRect().top;
             const m = [...document.querySelectorAll({ROWS:?})].find((m) => m.getBoundingClientRect().bottom > top);
             window.__anchor = {{ id: m.id, top: m.getBoundingClientRect().top }};
             s.dispatchEvent(new Event('scroll')); return true;"
        ))
        .await;
        app.wait_js(
            "older messages loaded",
            &format!(
                "const st = window.__rongchat.state; return st.messages.length > {before} && !st.loadingHistory;"
            ),
        )
        .await;
        // Two frames: any redraw the load caused is done.
        app.client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .expect("frames");
        let moved = app
            .js("const m = document.getElementById(window.__anchor.id);
                 return m ? Math.abs(m.getBoundingClientRect().top - window.__anchor.top) : 'gone';")
            .await;
        assert!(
            moved.as_f64().is_some_and(|px| px < 2.0),
            "round {round}: the row in view moved by {moved} px"
        );
        let rows = rows_in_dom(&app).await;
        assert!(rows <= MAX_ROWS, "round {round}: {rows} rows in the DOM");
    }
    let loaded = app
        .js("return window.__rongchat.state.messages.length;")
        .await;
    assert!(
        loaded.as_u64().unwrap_or(0) > 100,
        "{loaded} messages loaded"
    );
    app.screenshot("big-chat-older").await;

    // --- Thumbnails through the scheme, not data: URLs; they load; nothing else does.
    app.wait_js(
        "a stored thumbnail loaded through rongchat-media:",
        &format!(
            "const s = document.getElementById('message-scroll');
             const thumbs = () => [...document.querySelectorAll({ROWS:?} + '.kind-image img.thumb')];
             if (!thumbs().length) {{ s.scrollTop += 300; return false; }}
             return thumbs().every((i) => i.src.startsWith('rongchat-media://localhost/thumb/'))
               && thumbs().some((i) => i.complete && i.naturalWidth === 60);"
        ),
    )
    .await;
    let leaks = app
        .js("return [...document.querySelectorAll('#message-list img')].filter((i) => i.src.startsWith('data:')).length
               + window.__rongchat.state.messages.filter((m) => JSON.stringify(m).includes('data:')).length;")
        .await;
    assert_eq!(leaks, 0, "data: URLs in the chat");
    // A real thumbnail's URL with another tag (a reused id, another account's message).
    let shown = app
        .js(&format!(
            "return document.querySelector({ROWS:?} + '.kind-image img.thumb').src;"
        ))
        .await;
    let shown = shown.as_str().expect("a thumbnail URL");
    let retagged = format!(
        "{}/0000000000000000",
        shown.rsplit_once('/').expect("a tag").0
    );
    for url in [
        retagged.as_str(),
        "rongchat-media://localhost/thumb/1/0000000000000000",
        "rongchat-media://localhost/thumb/1/../../../etc/passwd",
        "rongchat-media://localhost/image/%2e%2e/0000000000000000",
    ] {
        app.js(&format!(
            "window.__probe = 'loading'; const img = new Image();
             img.onload = () => {{ window.__probe = 'loaded'; }}; img.onerror = () => {{ window.__probe = 'error'; }};
             img.src = {url:?}; return true;"
        ))
        .await;
        app.wait_js(
            &format!("{url} fails to load"),
            "return window.__probe === 'error';",
        )
        .await;
    }

    // --- At the bottom, a new message (an image) shows there, its thumbnail loaded.
    app.js("const s = document.getElementById('message-scroll'); s.scrollTop = s.scrollHeight; return true;")
        .await;
    app.wait_js(
        "back at the bottom",
        &format!(
            "const s = document.getElementById('message-scroll'); s.scrollTop = s.scrollHeight;
             const rows = document.querySelectorAll({ROWS:?});
             return rows.length > 0 && rows[rows.length - 1].textContent.includes('hello, newest of all')
               && s.scrollHeight - s.scrollTop - s.clientHeight < 2;"
        ),
    )
    .await;
    peer.send_image(&me).await;
    app.wait_js(
        "the new image at the bottom, in view and loaded",
        &format!(
            "const s = document.getElementById('message-scroll'); const box = s.getBoundingClientRect();
             const rows = document.querySelectorAll({ROWS:?}); const last = rows[rows.length - 1];
             const img = last && last.querySelector('img.thumb');
             return !!img && last.classList.contains('receiver') && img.src.startsWith('rongchat-media://localhost/thumb/')
               && img.complete && img.naturalWidth > 0
               && last.getBoundingClientRect().bottom <= box.bottom + 1 && s.scrollHeight - s.scrollTop - s.clientHeight < 2;"
        ),
    )
    .await;
    assert!(rows_in_dom(&app).await <= MAX_ROWS);
    app.screenshot("big-chat-new-image").await;

    // --- A search hit 1,700 messages up opens in the middle of the view.
    app.js(&format!(
        "const i = document.getElementById('search-input'); i.value = {WORD:?};
         i.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;"
    ))
    .await;
    app.wait_js(
        "one search hit",
        "return document.querySelectorAll('#search-results li.search-hit').length === 1;",
    )
    .await;
    let id = app
        .js("return document.querySelector('#search-results li.search-hit').dataset.messageId;")
        .await;
    let id = id.as_str().expect("message id").to_owned();
    app.js("document.querySelector('#search-results li.search-hit').click(); return true;")
        .await;
    app.wait_js(
        "the chat opened at the hit, in view",
        &format!(
            "const m = document.getElementById('M-{id}'); if (!m || !m.classList.contains('search-target')) return false;
             const s = document.getElementById('message-scroll').getBoundingClientRect();
             const r = m.getBoundingClientRect(); return r.top >= s.top && r.bottom <= s.bottom
               && m.textContent.includes({WORD:?});"
        ),
    )
    .await;
    assert!(rows_in_dom(&app).await <= MAX_ROWS);
    app.screenshot("big-chat-search-hit").await;

    app.quit().await;
}
