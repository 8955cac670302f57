//! Two accounts on one AppKey, one after the other in the same app and data dir: each
//! has its own local store, so neither sees the other's history, and the first finds its
//! own again when it comes back.

use crate::harness::{App, assert_log_has_no_token};
use crate::peer::{Embedded, Peer};

const LIST_ITEMS: &str =
    "return [...document.querySelectorAll('#conversation-list li.conversation')]
    .map((li) => li.dataset.targetId);";

pub(crate) async fn signed_in_as(app: &App, user: &str) {
    app.wait_js(
        &format!("connected as {user} and caught up"),
        &format!(
            "const s = window.__rongchat.state.status;
             return !!s && s.state.kind === 'connected' && s.userId === '{user}'
               && window.__rongchat.state.listSynced === true;"
        ),
    )
    .await;
}

pub(crate) async fn list_has(app: &App, target: &str, preview: &str) {
    app.wait_js(
        &format!("{target} in the list"),
        &format!(
            "const p = document.querySelector(\"#conversation-list li.conversation[data-target-id='{target}'] .conversation-preview\");
             return !!p && p.textContent === {preview:?};"
        ),
    )
    .await;
}

/// A server of the test's own (not the app's embedded one), as a real account's.
pub(crate) struct AccountServer {
    pub server: rongchat_server::Server,
    pub navi: String,
    pub key: String,
    server_dir: std::path::PathBuf,
}

impl AccountServer {
    pub(crate) async fn start(dir: &std::path::Path) -> AccountServer {
        let server_dir = dir.join("server");
        let server = rongchat_server::Server::start(rongchat_server::Config::local(&server_dir))
            .await
            .expect("start a server");
        AccountServer {
            navi: server.http_url(),
            key: server.app_key().to_owned(),
            server,
            server_dir,
        }
    }

    pub(crate) fn token(&self, user: &str, name: &str) -> String {
        self.server.issue_token(user, name).expect("token")
    }

    /// What a peer needs to reach `user` on this server.
    pub(crate) fn embedded(&self, user: &str) -> Embedded {
        Embedded {
            http_url: self.navi.clone(),
            app_key: self.key.clone(),
            server_dir: self.server_dir.clone(),
            user_id: user.into(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_on_one_app_key_never_share_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let accounts = AccountServer::start(dir.path()).await;
    let (navi, key) = (accounts.navi.clone(), accounts.key.clone());
    let alice_token = accounts.token("alice", "Alice");
    let carol_token = accounts.token("carol", "Carol");
    let data_dir = dir.path().join("app-data");
    let embedded = |user: &str| accounts.embedded(user);

    // --- Alice's history: Bob wrote to her.
    let bob = Peer::connect(&embedded("alice"), "bob", "Bob").await;
    bob.send_text("alice", "for alice only").await;
    let app = App::launch_account(&data_dir, &navi, &key, &alice_token).await;
    signed_in_as(&app, "alice").await;
    list_has(&app, "bob", "for alice only").await;
    app.quit().await;

    // --- Carol, same AppKey, same app: none of Alice's history, only her own.
    let app = App::launch_account(&data_dir, &navi, &key, &carol_token).await;
    signed_in_as(&app, "carol").await;
    let dave = Peer::connect(&embedded("carol"), "dave", "Dave").await;
    dave.send_text("carol", "hi carol").await;
    list_has(&app, "dave", "hi carol").await;
    assert_eq!(
        app.js(LIST_ITEMS).await,
        serde_json::json!(["dave"]),
        "carol's list holds only her own chat"
    );
    let found = app
        .invoke(
            "message_search",
            serde_json::json!({ "query": "alice only" }),
        )
        .await;
    assert_eq!(
        found,
        serde_json::json!([]),
        "carol's search finds nothing of alice's"
    );
    app.screenshot("second-account").await;
    app.quit().await;

    // --- Alice again: her store is where she left it, Carol's chat is not in it.
    let app = App::launch_account(&data_dir, &navi, &key, &alice_token).await;
    signed_in_as(&app, "alice").await;
    list_has(&app, "bob", "for alice only").await;
    assert_eq!(app.js(LIST_ITEMS).await, serde_json::json!(["bob"]));
    app.quit().await;

    assert_log_has_no_token(
        &data_dir,
        &[&alice_token, &carol_token, &bob.token, &dave.token],
        &["alice", "carol"],
    );
    accounts.server.shutdown().await;
}

/// Signs in through the settings form, as a user does.
pub(crate) async fn sign_in_with_the_form(app: &App, navi: &str, app_key: &str, token: &str) {
    app.wait_for_css("#open-settings").await;
    open_settings(app).await;
    app.js(&format!(
        "document.getElementById('settings-appkey').value = {app_key:?};
         document.getElementById('settings-navi').value = {navi:?};
         document.getElementById('settings-token').value = {token:?};
         document.getElementById('settings-save').click();
         return true;"
    ))
    .await;
}

/// Opens the settings page and waits until its form holds the stored values: filled
/// earlier, the fields would be overwritten when they arrive.
pub(crate) async fn open_settings(app: &App) {
    app.js("document.getElementById('open-settings').click(); return true;")
        .await;
    app.wait_js(
        "the settings form loaded",
        "const form = document.getElementById('settings-form');
         return document.getElementById('app').dataset.page === 'settings'
           && !form.dataset.loading && !document.getElementById('settings-save').disabled;",
    )
    .await;
}

/// Logs out from the settings page, deleting the local data or not.
pub(crate) async fn log_out(app: &App, delete_data: bool) {
    open_settings(app).await;
    app.js(&format!(
        "document.getElementById('logout-delete').checked = {delete_data};
         document.getElementById('logout').click();
         return true;"
    ))
    .await;
    app.wait_js(
        "back in the demo",
        "const s = window.__rongchat.state.status;
         return !!s && s.mode === 'demo' && s.state.kind === 'connected';",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_forgets_the_token_and_deletes_local_data_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let accounts = AccountServer::start(dir.path()).await;
    let (navi, key) = (accounts.navi.clone(), accounts.key.clone());
    let token = accounts.token("alice", "Alice");
    let bob = Peer::connect(&accounts.embedded("alice"), "bob", "Bob").await;
    bob.send_text("alice", "kept until deleted").await;

    let data_dir = dir.path().join("app-data");
    let paths = rongchat_app::paths::Paths::under(&data_dir);
    let store = paths.account_dir(&key, &navi, "alice");
    let token_file = paths.config.join("token");
    let app = App::launch_demo(&data_dir, &[]).await;
    sign_in_with_the_form(&app, &navi, &key, &token).await;
    signed_in_as(&app, "alice").await;
    list_has(&app, "bob", "kept until deleted").await;
    assert!(store.is_dir(), "alice's store at {}", store.display());
    assert!(token_file.is_file(), "the token is kept while signed in");

    // --- Logged out, data kept: the token is gone, the store stays; signing in again
    // finds the history there.
    log_out(&app, false).await;
    assert!(!token_file.exists(), "the token file is removed at logout");
    assert!(store.is_dir(), "the local data is kept unless asked");
    sign_in_with_the_form(&app, &navi, &key, &token).await;
    signed_in_as(&app, "alice").await;
    list_has(&app, "bob", "kept until deleted").await;

    // --- Logged out with "delete local data": the store is gone too.
    log_out(&app, true).await;
    assert!(!token_file.exists());
    assert!(!store.exists(), "the local data was deleted");
    app.screenshot("logged-out").await;
    app.quit().await;
    assert_log_has_no_token(&data_dir, &[&token, &bob.token], &["alice"]);
    accounts.server.shutdown().await;
}

/// A sign-in that cannot start (no server at the navigation URL, so this account's user
/// id cannot be learnt) says so on the banner with a retry, instead of "connecting" for
/// ever, and the app stays usable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_that_cannot_start_says_so_on_the_banner() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A port that was free a moment ago: nobody answers there.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    sign_in_with_the_form(&app, &dead, "nobodyskey", "nobodys-token").await;
    app.wait_js(
        "the failure on the banner, with a retry",
        "const s = window.__rongchat.state.status;
         const banner = document.getElementById('banner');
         return !!s && s.mode === 'account' && !!s.error
           && !banner.hidden && banner.classList.contains('error')
           && !document.getElementById('banner-action').hidden;",
    )
    .await;
    let text = app
        .js("return document.getElementById('banner-text').textContent;")
        .await;
    assert_ne!(text, "正在连接…", "not 'connecting' for ever");
    app.screenshot("sign-in-failed").await;
    app.quit().await;
}
