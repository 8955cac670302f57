//! Search in the real window: with 10,000 messages stored in one chat, the search box finds
//! a Chinese word said deep in its history, shows the hit as text, and clicking it opens
//! that chat scrolled to the message with older and newer history around it; scrolling
//! down loads the newer messages after it.

use crate::harness::{App, LOG_FILTER};
use crate::peer::{Embedded, Peer};
use rongchat_client::model::Incoming;
use rongchat_client::store::Store;
use rongchat_client::{ConversationId, Direction};
use std::path::{Path, PathBuf};

const PEER: &str = "historian";
const PEER_NAME: &str = "Historian";
const STORED: usize = 10_000;
/// The one message saying the word, this far into the peer's history.
const AT: usize = 6_000;
const WORD: &str = "颐和园";

async fn launch(data_dir: &Path) -> App {
    App::launch(&[
        (
            "RONGCHAT_DATA_DIR",
            data_dir.to_str().expect("utf-8 temp path"),
        ),
        LOG_FILTER,
    ])
    .await
}

/// Every client store under `dir`.
fn stores(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            stores(&path, found);
        } else if path.file_name().is_some_and(|n| n == "rongchat.sqlite3") {
            found.push(path);
        }
    }
}

/// The app user's store: `accounts/<AppKey>/<navi>/<user id>/` (paths.rs), not the demo
/// world's other clients.
pub(crate) fn find_store(data_dir: &Path, me: &str) -> PathBuf {
    let mut found = Vec::new();
    stores(&data_dir.join("accounts"), &mut found);
    found
        .iter()
        .find(|path| {
            path.parent()
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .is_some_and(|n| n == me || n.starts_with(&format!("{me}-")))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no store of {me} among {found:?}"))
}

/// 10,000 older messages from the peer, mixed Chinese and English, one of them the word.
fn fill(store_path: &Path, me: &str) {
    let mut store = Store::open(store_path).expect("open the app's store");
    let newest = 1_700_000_000_000_i64;
    let batch: Vec<Incoming> = (0..STORED)
        .map(|i| {
            let text = match i {
                AT => format!("周末一起去{WORD}划船吧"),
                i if i == AT - 1 => "the message before".to_owned(),
                i if i == AT + 1 => "the message after".to_owned(),
                i if i % 2 == 0 => format!("第{i}条：明天开会讨论项目进度"),
                i => format!("message {i}: see you at the meeting"),
            };
            Incoming {
                uid: Some(format!("E2E-SEARCH-{i}")),
                conversation: ConversationId::private(PEER),
                sender_id: if i % 3 == 0 {
                    me.to_owned()
                } else {
                    PEER.to_owned()
                },
                direction: if i % 3 == 0 {
                    Direction::Send
                } else {
                    Direction::Receive
                },
                object_name: "RC:TxtMsg".into(),
                content: serde_json::json!({ "content": text }).to_string(),
                sent_time: newest - (STORED - i) as i64 * 60_000,
                client_unique_id: None,
                persisted: true,
                counted: false,
            }
        })
        .collect();
    store
        .apply_incoming(&batch, None)
        .expect("store the history");
    let hits = store.search(WORD, 10, 0).expect("search the store");
    assert_eq!(hits.len(), 1, "{}: {hits:?}", store_path.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_a_chinese_word_in_10000_messages_and_opens_it_in_context() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");

    // A first launch makes the account and its store; the peer's chat gets a row.
    let app = launch(&data_dir).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    peer.send_text(&me, "hello, newest of all").await;
    let item = format!("#conversation-list li.conversation[data-target-id='{PEER}']");
    app.wait_for_css(&item).await;
    app.quit().await;

    let store_path = find_store(&data_dir, &me);
    fill(&store_path, &me);

    // Search from the box over the list.
    let app = launch(&data_dir).await;
    app.wait_for_css(&item).await;
    app.js(&format!(
        "const i = document.getElementById('search-input'); i.value = {WORD:?}; \
         i.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;"
    ))
    .await;
    app.wait_js(
        "one search hit",
        "return document.querySelectorAll('#search-results li.search-hit').length === 1 \
         && document.getElementById('conversation-list').hidden;",
    )
    .await;
    let hit = app
        .js(
            "const h = document.querySelector('#search-results li.search-hit'); return { \
             title: h.querySelector('.search-hit-title').textContent, \
             snippet: h.querySelector('.search-snippet').textContent, \
             mark: h.querySelector('mark') ? h.querySelector('mark').textContent : null, \
             id: h.dataset.messageId };",
        )
        .await;
    assert_eq!(hit["title"], PEER_NAME, "{hit}");
    assert_eq!(hit["snippet"], format!("周末一起去{WORD}划船吧"), "{hit}");
    assert_eq!(hit["mark"], WORD, "{hit}");
    let id = hit["id"].as_str().expect("message id").to_owned();
    app.screenshot("search-results").await;

    // Open in context: the chat at that message, older and newer around it.
    app.js("document.querySelector('#search-results li.search-hit').click(); return true;")
        .await;
    app.wait_js(
        "the chat opened at the hit",
        &format!(
            "const m = document.getElementById('M-{id}'); if (!m || !m.classList.contains('search-target')) return false; \
             const s = document.getElementById('message-scroll').getBoundingClientRect(); \
             const r = m.getBoundingClientRect(); return r.top >= s.top && r.bottom <= s.bottom;"
        ),
    )
    .await;
    let around = app
        .js(&format!(
            "const ids = [...document.querySelectorAll('#message-list li.message')].map((m) => m.id); \
             const text = document.getElementById('message-list').textContent; \
             return {{ count: ids.length, at: ids.indexOf('M-{id}'), \
                       before: text.includes('the message before'), after: text.includes('the message after'), \
                       newest: text.includes('hello, newest of all'), \
                       title: document.getElementById('chat-title').textContent }};"
        ))
        .await;
    assert_eq!(around["title"], PEER_NAME, "{around}");
    assert_eq!(around["count"], 41, "20 older, the hit, 20 newer: {around}");
    assert_eq!(around["at"], 20, "{around}");
    assert_eq!(around["before"], true, "{around}");
    assert_eq!(around["after"], true, "{around}");
    assert_eq!(around["newest"], false, "the newest is far below: {around}");
    app.screenshot("search-in-context").await;

    // Scrolling to the bottom loads the newer messages after it.
    app.js(
        "const s = document.getElementById('message-scroll'); s.scrollTop = s.scrollHeight; \
         s.dispatchEvent(new Event('scroll')); return true;",
    )
    .await;
    app.wait_js(
        "newer messages loaded below",
        "return document.querySelectorAll('#message-list li.message').length > 41;",
    )
    .await;
    app.quit().await;
}
