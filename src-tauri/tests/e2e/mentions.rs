//! @mentions in the real window: a member mentions the app's user in the demo group, the
//! list shows a red [有人@我] until the chat is opened; then the user types "@", picks a
//! member with the keyboard (Esc closes the picker first), and the member receives a
//! text whose mentionedInfo lists them.

use crate::harness::App;
use crate::peer::{Embedded, Peer};
use rongchat_client::{ConversationId, Outgoing};
use rongchat_proto::mention::{Mention, MentionKind};

const GROUP: &str = "darongyungroup";
const PEER: &str = "zhouyu";
const PEER_NAME: &str = "周瑜";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_marks_the_list_and_the_picker_mentions_a_member() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    // The demo seeds its history as the demo users first; a second login as one of them
    // would kick the seeding client, so the peer connects once the group is listed.
    let row = format!("#conversation-list li.conversation[data-target-id='{GROUP}']");
    app.wait_for_css(&row).await;
    let peer = Peer::connect(&embedded, PEER, PEER_NAME).await;
    let group = ConversationId::group(GROUP);

    // The peer mentions us: [有人@我] before the preview, in red, as text.
    peer.send_to(
        &group,
        Outgoing::TextMentioning {
            text: "@大乔 开会了 meeting".into(),
            mention: Mention::users([me.clone()]),
        },
    )
    .await;
    let marker = format!(
        "const m = document.querySelector({:?}); \
         return !!m && m.textContent === '[有人@我]' && m.children.length === 0 \
           && getComputedStyle(m).color === 'rgb(229, 72, 77)' \
           && m.parentElement.textContent.includes('开会了 meeting');",
        format!("{row} .conversation-preview .mentioned")
    );
    app.wait_js("the group shows [有人@我]", &marker).await;
    app.screenshot("mentioned-in-list").await;

    // Opening the chat reads it: the marker goes.
    app.open_chat(GROUP).await;
    app.wait_js(
        "the marker is gone once read",
        &format!(
            "const r = document.querySelector({row:?}); \
             return !!r && !r.querySelector('.mentioned') \
               && r.querySelector('.conversation-preview').textContent.includes('开会了');"
        ),
    )
    .await;

    // "@" opens the picker with 所有人; Esc closes it.
    app.wait_js(
        "the peer's message is shown",
        "return [...document.querySelectorAll('#message-list li.message')] \
           .some(m => m.textContent.includes('开会了 meeting'));",
    )
    .await;
    let composer = app.element("#composer-text").await;
    composer.send_keys("@").await.expect("type @");
    let picker_shows = |id: &str| {
        format!(
            "const p = document.getElementById('mention-picker'); \
             const r = p && p.getBoundingClientRect(); \
             return !!p && !p.hidden && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight \
               && !!p.querySelector(\"li[data-user-id='{id}']\");"
        )
    };
    app.wait_js(
        "the picker opens",
        "const p = document.getElementById('mention-picker'); return !!p && !p.hidden;",
    )
    .await;
    app.wait_js("the picker offers 所有人", &picker_shows(""))
        .await;
    composer.send_keys(ESCAPE).await.expect("Esc");
    app.wait_js(
        "Esc closes the picker",
        "return document.getElementById('mention-picker').hidden;",
    )
    .await;

    // Typing filters; Enter picks; the name goes in as "@周瑜 ".
    composer.send_keys("周").await.expect("type a name");
    app.wait_js("the picker offers 周瑜", &picker_shows(PEER))
        .await;
    let only_him = app
        .js("return [...document.querySelectorAll('#mention-picker li')].map(l => l.dataset.userId);")
        .await;
    assert_eq!(only_him, serde_json::json!([PEER]), "filtered to the match");
    app.screenshot("mention-picker").await;
    composer.send_keys(ENTER).await.expect("pick");
    app.wait_js(
        "the pick is in the text",
        "return document.getElementById('composer-text').value === '@周瑜 ' \
           && document.getElementById('mention-picker').hidden;",
    )
    .await;
    composer.send_keys("看一下 look").await.expect("type");
    composer.send_keys(ENTER).await.expect("send");

    // The member gets the text with themselves mentioned.
    let got = peer.wait_in(&group).await;
    let mention = Mention::from_content_json(&got.content).expect("a mention arrived");
    assert_eq!(mention.kind, MentionKind::Users);
    assert_eq!(mention.user_ids, [PEER]);
    assert!(
        got.content.contains("@周瑜 看一下 look"),
        "the text as typed: {}",
        got.content
    );
    app.quit().await;
}
