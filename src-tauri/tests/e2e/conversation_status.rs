//! Do-not-disturb synced through the server, in the real window: the app server mutes one
//! of our user's chats (Server API `conversation/notification/set`), and the open window's
//! list shows it muted (🔕) without a restart; unmuting in the window is what the Server
//! API's `get` answers afterwards.

use std::time::{Duration, Instant};

use crate::harness::App;
use crate::peer::{Embedded, Peer};
use crate::server_api::ServerApi;

const PEER: &str = "quiet";
const PEER_NAME: &str = "Quiet";
const API_LIMIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_api_mute_shows_in_the_window_and_our_unmute_reaches_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    peer.send_text(&me, "别打扰 hush").await;
    let row = format!("#conversation-list li.conversation[data-target-id='{PEER}']");
    app.wait_for_css(&row).await;

    let api = embedded.server_api();
    let (set_api, owner) = (api.clone(), me.clone());
    tokio::task::spawn_blocking(move || {
        notification(&set_api, "set", &owner, Some("1"));
    })
    .await
    .expect("the Server API's mute");
    app.wait_js(
        "the chat shows muted",
        &format!(
            "const r = document.querySelector({row:?}); \
             return !!r && !!r.querySelector('.mute-icon') \
                 && r.querySelector('.mute-button').textContent !== '';"
        ),
    )
    .await;
    app.screenshot("muted-by-server-api").await;

    // We unmute in the window: the app server's get says so.
    app.js(&format!(
        "document.querySelector({row:?}).querySelector('.mute-button').click(); return true;"
    ))
    .await;
    app.wait_js(
        "the chat shows unmuted",
        &format!(
            "const r = document.querySelector({row:?}); return !!r && !r.querySelector('.mute-icon');"
        ),
    )
    .await;
    tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + API_LIMIT;
        loop {
            let reply = notification(&api, "get", &me, None);
            if reply.contains("\"isMuted\":0") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "our unmute never reached the server: {reply}"
            );
            // A poll interval; the loop ends on the answer.
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("the Server API's get");
    app.quit().await;
}

/// `conversation/notification/{action}` for `me`'s chat with the peer (blocking).
fn notification(api: &ServerApi, action: &str, me: &str, muted: Option<&str>) -> String {
    let mut fields = vec![
        ("conversationType", "1"),
        ("requestId", me),
        ("targetId", PEER),
    ];
    if let Some(muted) = muted {
        fields.push(("isMuted", muted));
    }
    api.post(
        &format!("/conversation/notification/{action}.json"),
        &fields,
    )
}
