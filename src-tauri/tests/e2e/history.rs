//! The open chat's history stays whole when the network or the event stream fails it:
//! a short page read offline is completed once connected (it used to say "no more
//! messages" for good), and messages whose events were lost in a lag show up anyway.
//! A kind of conversation the app cannot open says so (its row used to do nothing).

use crate::accounts::{list_has, signed_in_as};
use crate::harness::{App, LOG_FILTER, WAIT};
use crate::peer::{Embedded, Peer};
use crate::server_api::ServerApi;
use rongchat_server::{Config, Server};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// JS: the texts of the open chat's messages, oldest first.
const SHOWN_TEXTS: &str =
    "return [...document.querySelectorAll('#message-list li.message .text-bubble')]
    .map((b) => b.textContent);";

/// JS: the line above the history ("没有更多消息了" once the oldest message shows).
const HISTORY_STATUS: &str = "return document.getElementById('history-status').textContent;";

/// A server of the test's own that can be stopped and started again on the same address
/// and data, as a real account's server going away and coming back.
struct Restartable {
    server: Option<Server>,
    dir: PathBuf,
    addr: SocketAddr,
    navi: String,
    key: String,
}

impl Restartable {
    async fn start(dir: &Path) -> Restartable {
        let dir = dir.join("server");
        let server = Server::start(Config::local(&dir))
            .await
            .expect("start a server");
        Restartable {
            addr: server.local_addr(),
            navi: server.http_url(),
            key: server.app_key().to_owned(),
            server: Some(server),
            dir,
        }
    }

    fn running(&self) -> &Server {
        self.server.as_ref().expect("the server is running")
    }

    fn token(&self, user: &str) -> String {
        self.running().issue_token(user, user).expect("token")
    }

    fn embedded(&self, user: &str) -> Embedded {
        Embedded {
            http_url: self.navi.clone(),
            app_key: self.key.clone(),
            server_dir: self.dir.clone(),
            user_id: user.into(),
        }
    }

    fn server_api(&self) -> ServerApi {
        ServerApi {
            base: self.navi.clone(),
            app_key: self.key.clone(),
            secret: self.running().app_secret().to_owned(),
        }
    }

    async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// The same address and data dir (the port is the one the first start was given).
    async fn restart(&mut self) {
        let mut config = Config::local(&self.dir);
        config.listen = self.addr;
        let deadline = Instant::now() + WAIT;
        let server = loop {
            match Server::start(config.clone()).await {
                Ok(server) => break server,
                // The old listener's socket may take a moment to go.
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(e) => panic!("restart the server on {}: {e}", self.addr),
            }
        };
        self.server = Some(server);
    }
}

/// Keeps only the newest `keep` messages with `target` in the app's store: this device
/// then holds less than the server does (as after the history was cleared here only).
fn keep_newest(data_dir: &Path, target: &str, keep: usize) {
    let store = find_store(&data_dir.join("accounts")).expect("the app's store");
    let db = rusqlite::Connection::open(store).expect("open the app's store");
    let removed = db
        .execute(
            "DELETE FROM messages WHERE target_id = ?1 AND local_id NOT IN
               (SELECT local_id FROM messages WHERE target_id = ?1
                ORDER BY sent_time DESC LIMIT ?2)",
            rusqlite::params![target, keep as i64],
        )
        .expect("trim the history");
    assert!(removed > 0, "there was history to trim");
}

/// Adds a conversation of a channel type this app does not know (99: a newer kind from
/// RongCloud's other kits) to the app's store.
fn add_unknown_kind_chat(data_dir: &Path, target: &str) {
    let store = find_store(&data_dir.join("accounts")).expect("the app's store");
    let db = rusqlite::Connection::open(store).expect("open the app's store");
    db.execute(
        "INSERT INTO conversations (conv_type, target_id, last_time) VALUES (99, ?1, ?2)",
        rusqlite::params![target, 1_700_000_000_000_i64],
    )
    .expect("add the conversation");
}

fn find_store(dir: &Path) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_store(&path) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == "rongchat.sqlite3") {
            return Some(path);
        }
    }
    None
}

fn texts(range: std::ops::Range<usize>, prefix: &str) -> serde_json::Value {
    range.map(|i| format!("{prefix} {i:02}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_page_read_offline_is_completed_once_connected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Restartable::start(dir.path()).await;
    let token = server.token("alice");
    let data_dir = dir.path().join("app-data");
    let bob = Peer::connect(&server.embedded("alice"), "bob", "Bob").await;
    for i in 0..30 {
        bob.send_text("alice", &format!("old {i:02}")).await;
    }
    let app = App::launch_account(&data_dir, &server.navi, &server.key, &token).await;
    signed_in_as(&app, "alice").await;
    list_has(&app, "bob", "old 29").await;
    app.quit().await;
    drop(bob);

    // --- Offline, this device holds only the newest five of the thirty.
    keep_newest(&data_dir, "bob", 5);
    add_unknown_kind_chat(&data_dir, "kefu");
    server.stop().await;
    let app = App::launch_account(&data_dir, &server.navi, &server.key, &token).await;
    list_has(&app, "bob", "old 29").await;

    // The chat the app cannot open is listed, and a click says why instead of nothing.
    app.open_chat("kefu").await;
    app.wait_js(
        "the unsupported-kind notice",
        "const t = document.getElementById('toast');
         return !t.hidden && t.textContent === '暂不支持此类会话';",
    )
    .await;
    assert_eq!(
        app.js("return document.getElementById('app').dataset.page;")
            .await,
        "list",
        "no chat opened"
    );
    app.open_chat("bob").await;
    app.wait_js(
        "the five stored messages",
        "return document.querySelectorAll('#message-list li.message').length === 5;",
    )
    .await;
    assert_eq!(app.js(SHOWN_TEXTS).await, texts(25..30, "old"));
    assert_eq!(
        app.js(HISTORY_STATUS).await,
        "",
        "offline, a short page is not the end of the history"
    );

    // --- Connected again: the older messages come from the server by themselves.
    server.restart().await;
    app.wait_js(
        "older messages loaded once connected",
        "return document.querySelectorAll('#message-list li.message').length >= 25;",
    )
    .await;
    // Scrolling up reads the rest; then, and only then, there is no more.
    let deadline = Instant::now() + WAIT;
    while app.js(SHOWN_TEXTS).await != texts(0..30, "old") {
        assert!(Instant::now() < deadline, "the whole history shows");
        app.js("const s = document.getElementById('message-scroll');
             s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); return true;")
            .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.wait_js(
        "没有更多消息了 under the oldest",
        "return document.getElementById('history-status').textContent === '没有更多消息了';",
    )
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_lost_in_an_event_lag_show_in_the_open_chat() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Restartable::start(dir.path()).await;
    let token = server.token("alice");
    let data_dir = dir.path().join("app-data");
    let bob = Peer::connect(&server.embedded("alice"), "bob", "Bob").await;
    bob.send_text("alice", "first").await;
    // A one-event buffer: the page's stream lags as soon as two events wait.
    let app = App::launch(&[
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("RONGCHAT_NAVI", &server.navi),
        ("RONGCHAT_APPKEY", &server.key),
        ("RONGCHAT_TOKEN", &token),
        ("RONGCHAT_EVENT_CAPACITY", "1"),
        LOG_FILTER,
    ])
    .await;
    signed_in_as(&app, "alice").await;
    app.open_chat("bob").await;
    app.wait_js(
        "bob's first message",
        "return document.querySelectorAll('#message-list li.message').length === 1;",
    )
    .await;

    // Bob's burst, beside messages from strangers: each stranger's name is looked up
    // before its message reaches the page, and meanwhile the one-event buffer overflows.
    let api = server.server_api();
    let log = crate::harness::app_log(&data_dir);
    let lags = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("event stream lagged")
            .count()
    };
    // The first sync may have lagged already: only a lag during a burst counts.
    let lags_before = lags();
    let mut expected = vec!["first".to_owned()];
    let mut round = 0;
    while lags() == lags_before {
        assert!(round < 5, "five bursts never made the event stream lag");
        let api = api.clone();
        let burst = tokio::task::spawn_blocking(move || {
            std::thread::scope(|s| {
                s.spawn(|| {
                    for i in 0..20 {
                        let from = format!("stranger-{round}-{i}");
                        publish(&api, &from, "hello");
                    }
                });
                s.spawn(|| {
                    for i in 0..30 {
                        publish(&api, "bob", &format!("burst {round} {i:02}"));
                    }
                });
            });
        });
        burst.await.expect("the burst");
        expected.extend((0..30).map(|i| format!("burst {round} {i:02}")));
        // The list shows the round's last message before the chat is checked.
        list_has(&app, "bob", expected.last().expect("a message")).await;
        round += 1;
    }
    app.wait_js(
        "every message of bob's bursts in the open chat, in order",
        &format!(
            "const shown = [...document.querySelectorAll('#message-list li.message .text-bubble')]
               .map((b) => b.textContent);
             return JSON.stringify(shown) === {:?};",
            serde_json::to_string(&expected).expect("json")
        ),
    )
    .await;
    app.screenshot("lag-resync").await;
    app.quit().await;
}

/// The Server API's private publish of a text from `from` to alice.
fn publish(api: &ServerApi, from: &str, text: &str) {
    let content = serde_json::json!({ "content": text }).to_string();
    api.post(
        "/message/private/publish.json",
        &[
            ("fromUserId", from),
            ("toUserId", "alice"),
            ("objectName", "RC:TxtMsg"),
            ("content", &content),
        ],
    );
}
