//! The app in the background, in the real window on a private session D-Bus with a
//! recording notification server and a tray host: the unread total in the window title and
//! the tray, closing to the tray (the window and its webview go: no WebKit web process left)
//! and still receiving, counting in the tray and notifying with sender and preview, none for
//! a muted chat or our own message from another device, one summary for a burst; opening
//! again by a second launch shows the list with what came meanwhile, and a click on a
//! notification builds the window again with that chat open. The backlog seeded at launch
//! gives no notification at all.

use crate::dbus::{Bus, Recorder};
use crate::harness::{App, LOG_FILTER, WAIT, assert_log_has_no_token};
use crate::peer::{Embedded, Peer};
use crate::tray_host::TrayHost;

/// The page's own total: unread counts of the conversations that are not muted.
const PAGE_TOTAL: &str = "[...window.__rongchat.state.conversations.values()]
    .reduce((n, c) => n + (c.muted ? 0 : c.unread), 0)";

fn title(total: u64) -> String {
    if total == 0 {
        "RongChat".into()
    } else {
        format!("RongChat ({total})")
    }
}

/// The tray's label for a total: the count, nothing for 0.
fn label(total: u64) -> String {
    if total == 0 {
        String::new()
    } else {
        total.to_string()
    }
}

/// Waits until the page's total is `total` and the window title and the tray say so too.
async fn badge_shows(app: &App, total: u64) {
    app.wait_js(
        &format!("page total {total}"),
        &format!("return {PAGE_TOTAL} === {total};"),
    )
    .await;
    let want = title(total);
    let badge = app
        .wait_badge(&format!("title {want:?}"), |b| {
            b["unread"] == total && b["windowTitle"] == want.as_str()
        })
        .await;
    let tray = badge["tray"].as_str().unwrap_or_default();
    let ok = if total == 0 {
        tray == "RongChat"
    } else {
        tray.contains(&format!("{total} unread"))
    };
    assert!(ok, "tray {tray:?} for {total}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_tray_title_and_notifications() {
    let bus = Bus::start();
    let recorder = Recorder::start(&bus);
    let tray = TrayHost::start(&bus);
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch(&[
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("DBUS_SESSION_BUS_ADDRESS", &bus.address),
        LOG_FILTER,
    ])
    .await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    app.wait_js(
        "the list after the catch-up",
        "return window.__rongchat.state.listSynced === true;",
    )
    .await;

    // --- The seeded world's unread total is in the title and the tray.
    let seeded = app
        .js(&format!("return {PAGE_TOTAL};"))
        .await
        .as_u64()
        .expect("a number");
    badge_shows(&app, seeded).await;

    tray.wait_label(&label(seeded), WAIT).await;

    // --- Closed: the window goes with its webview, the app stays; it still receives,
    // counts in the tray and notifies.
    app.close_to_tray().await;
    let bob = Peer::connect(&embedded, "bob", "Bob").await;
    bob.send_text(&me, "hello from bob").await;
    let calls = recorder.wait_for(1, WAIT).await;
    assert_eq!(
        calls.len(),
        1,
        "the backlog at launch notified nothing: {calls:?}"
    );
    assert_eq!(
        (calls[0].summary.as_str(), calls[0].body.as_str()),
        ("Bob", "hello from bob")
    );
    assert!(
        calls[0].actions.iter().any(|a| a == "default"),
        "clickable: {:?}",
        calls[0]
    );
    tray.wait_label(&label(seeded + 1), WAIT).await;

    // --- Launched again: the window is built again, with the list and Bob's message.
    app.launch_again().await;
    app.follow_new_window().await;
    app.wait_js(
        "bob's message in the list built again",
        "const c = window.__rongchat.state.conversations.get('private:bob');
         return !!c && c.latest?.text === 'hello from bob'
             && document.querySelector(\"#conversation-list li.conversation[data-target-id='bob']\") !== null;",
    )
    .await;
    badge_shows(&app, seeded + 1).await;

    // --- Muted, or our own from another device: nothing. Carol's message right after them
    // is shown alone, as itself, so neither was even part of the burst.
    let muted = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('conversation_set_muted',
               {conv: {conversationType: 'private', targetId: 'bob'}, muted: true}).then(() => done(true), (e) => done(String(e)));",
            vec![],
        )
        .await
        .expect("mute");
    assert_eq!(muted, serde_json::Value::Bool(true), "mute bob: {muted}");
    badge_shows(&app, seeded).await;
    app.close_to_tray().await;
    bob.send_text(&me, "muted: no pop-up").await;
    // Our own message sent from another device (here the app server sending as us, as
    // `isIncludeSender` delivers it to our devices): in the list, never a pop-up.
    let api = embedded.server_api();
    let content = r#"{"content":"sent from my phone"}"#;
    let me_sender = me.clone();
    tokio::task::spawn_blocking(move || {
        api.post(
            "/message/private/publish.json",
            &[
                ("fromUserId", &me_sender),
                ("toUserId", "erin"),
                ("objectName", "RC:TxtMsg"),
                ("content", content),
                ("isIncludeSender", "1"),
            ],
        )
    })
    .await
    .expect("publish as the app's user");
    let carol = Peer::connect(&embedded, "carol", "Carol").await;
    carol.send_text(&me, "hi, it's carol").await;
    let calls = recorder.wait_for(2, WAIT).await;
    assert_eq!(
        (calls[1].summary.as_str(), calls[1].body.as_str()),
        ("Carol", "hi, it's carol"),
        "{calls:?}"
    );

    // --- A burst of 50: one summary, not 50 pop-ups.
    let dave = Peer::connect(&embedded, "dave", "Dave").await;
    for i in 0..50 {
        dave.send_text(&me, &format!("burst {i}")).await;
    }
    let calls = recorder.wait_for(3, WAIT).await;
    assert_eq!(
        (calls[2].summary.as_str(), calls[2].body.as_str()),
        ("Dave", "50 条新消息"),
        "{calls:?}"
    );
    // Bob is muted now, so his count is out of the total; Carol's and Dave's are in.
    tray.wait_label(&label(seeded + 1 + 50), WAIT).await;

    // --- A click on Bob's notification: the window is built again with Bob's chat open.
    recorder.click(calls[0].id);
    app.follow_new_window().await;
    app.wait_js(
        "bob's chat open",
        "return document.getElementById('app').dataset.page === 'chat'
            && window.__rongchat.state.currentKey.endsWith(':bob');",
    )
    .await;
    app.wait_for_css("#message-list li").await;
    app.wait_js(
        "our own message from another device in the list, read",
        "const c = window.__rongchat.state.conversations.get('private:erin');
         return !!c && c.unread === 0 && c.latest?.text === 'sent from my phone'
             && c.latest.direction === 'send';",
    )
    .await;
    app.screenshot("notification-opened-chat").await;
    assert_eq!(
        recorder.calls().len(),
        3,
        "no other notification: {:?}",
        recorder.calls()
    );
    app.quit().await;
    assert_log_has_no_token(
        &data_dir,
        &[&bob.token, &carol.token, &dave.token],
        &[&me, "bob"],
    );
}
