//! Two accounts on one AppKey, one after the other in the same app and data dir: each
//! has its own local store, so neither sees the other's history, and the first finds its
//! own again when it comes back.

use crate::harness::{App, assert_log_has_no_token};
use crate::peer::{Embedded, Peer};

const LIST_ITEMS: &str =
    "return [...document.querySelectorAll('#conversation-list li.conversation')]
    .map((li) => li.dataset.targetId);";

async fn signed_in_as(app: &App, user: &str) {
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

async fn list_has(app: &App, target: &str, preview: &str) {
    app.wait_js(
        &format!("{target} in the list"),
        &format!(
            "const p = document.querySelector(\"#conversation-list li.conversation[data-target-id='{target}'] .conversation-preview\");
             return !!p && p.textContent === {preview:?};"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_on_one_app_key_never_share_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server_dir = dir.path().join("server");
    let server = rongchat_server::Server::start(rongchat_server::Config::local(&server_dir))
        .await
        .expect("start a server");
    let (navi, key) = (server.http_url(), server.app_key().to_owned());
    let alice_token = server.issue_token("alice", "Alice").expect("token");
    let carol_token = server.issue_token("carol", "Carol").expect("token");
    let data_dir = dir.path().join("app-data");
    let embedded = |user: &str| Embedded {
        http_url: navi.clone(),
        app_key: key.clone(),
        server_dir: server_dir.clone(),
        user_id: user.into(),
    };

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
    server.shutdown().await;
}
