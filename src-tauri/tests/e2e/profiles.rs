//! Profiles in the real window: a group made and named through the Server API, whose
//! member's name was changed with `user/refresh` and whose message carries no `user` in
//! its content, shows the server's names (the list's title, the chat's title, the sender
//! label) and its 群成员 panel lists every member by name, as text.

use crate::harness::App;
use crate::peer::{Embedded, Peer};
use rongchat_client::{ConversationId, Outgoing};

const GROUP: &str = "taoyuan";
const GROUP_NAME: &str = "桃园 <i>结义</i>";
const SPEAKER: &str = "guanyu";
const SPEAKER_NAME: &str = "关羽 <b>Guan Yu</b>";
const SILENT: &str = "zhangfei";
const SILENT_NAME: &str = "张飞";
const NEWCOMER: &str = "huangzhong";
const NEWCOMER_NAME: &str = "黄忠 newcomer";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_shows_the_servers_names_and_its_members() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    // The peer's token names it after its id; the Server API renames it afterwards.
    let speaker = Peer::connect(&embedded, SPEAKER, SPEAKER).await;
    let api = embedded.server_api();
    let me_member = me.clone();
    tokio::task::spawn_blocking(move || {
        api.post(
            "/user/refresh.json",
            &[("userId", SPEAKER), ("name", SPEAKER_NAME)],
        );
        api.post(
            "/user/getToken.json",
            &[("userId", SILENT), ("name", SILENT_NAME)],
        );
        api.post(
            "/group/create.json",
            &[
                ("userId", &me_member),
                ("userId", SPEAKER),
                ("userId", SILENT),
                ("groupId", GROUP),
                ("groupName", "旧名 old"),
            ],
        );
        api.post(
            "/group/refresh.json",
            &[("groupId", GROUP), ("groupName", GROUP_NAME)],
        );
    })
    .await
    .expect("set up the group through the Server API");
    // No `user` in the content: the name can only come from the server.
    speaker
        .send_to(
            &ConversationId::group(GROUP),
            Outgoing::Text("兄弟们好 hello".into()),
        )
        .await;

    let item = format!("#conversation-list li.conversation[data-target-id='{GROUP}']");
    app.wait_js(
        "the group's server name in the list",
        &format!(
            "const t = document.querySelector({:?}); \
             return !!t && t.textContent === {GROUP_NAME:?} && t.children.length === 0;",
            format!("{item} .conversation-title")
        ),
    )
    .await;
    app.open_chat(GROUP).await;
    app.wait_js(
        "the chat's title is the group's name",
        &format!("return document.getElementById('chat-title').textContent === {GROUP_NAME:?};"),
    )
    .await;
    app.wait_js(
        "the sender label is the refreshed name, as text",
        &format!(
            "const s = [...document.querySelectorAll('#message-list .sender-name')].pop(); \
             return !!s && s.textContent === {SPEAKER_NAME:?} && s.children.length === 0;"
        ),
    )
    .await;

    app.js("document.getElementById('group-members').click(); return true;")
        .await;
    app.wait_js(
        "the member panel lists the three members by name",
        &format!(
            "const names = [...document.querySelectorAll('#member-list li.member')] \
               .map(li => [li.dataset.id, li.querySelector('.member-name').textContent]); \
             const by = Object.fromEntries(names); \
             return names.length === 3 && by[{SPEAKER:?}] === {SPEAKER_NAME:?} \
               && by[{SILENT:?}] === {SILENT_NAME:?} && {me:?} in by \
               && !document.querySelector('#member-list b, #member-list i') \
               && document.getElementById('member-title').textContent === '群成员（3）';"
        ),
    )
    .await;
    app.screenshot("group-members").await;
    app.js("document.querySelector('#member-panel .dialog-cancel').click(); return true;")
        .await;

    // A newcomer's live message into the open chat is labelled with the server's name too.
    let newcomer = Peer::connect(&embedded, NEWCOMER, NEWCOMER).await;
    let api = embedded.server_api();
    tokio::task::spawn_blocking(move || {
        api.post(
            "/user/refresh.json",
            &[("userId", NEWCOMER), ("name", NEWCOMER_NAME)],
        );
        api.post(
            "/group/join.json",
            &[("userId", NEWCOMER), ("groupId", GROUP)],
        );
    })
    .await
    .expect("the newcomer joins through the Server API");
    newcomer
        .send_to(
            &ConversationId::group(GROUP),
            Outgoing::Text("我来了".into()),
        )
        .await;
    app.wait_js(
        "the live message's label is the newcomer's server name",
        &format!(
            "const s = [...document.querySelectorAll('#message-list .sender-name')].pop(); \
             return !!s && s.textContent === {NEWCOMER_NAME:?};"
        ),
    )
    .await;

    // The command's contract (the @ picker calls it too): {id, name, avatar}; a demo
    // person keeps its generated avatar (served by the avatar scheme).
    let members = app
        .invoke(
            "group_members",
            serde_json::json!({ "conv": { "conversationType": "group", "targetId": GROUP } }),
        )
        .await;
    let mine = members
        .as_array()
        .and_then(|list| list.iter().find(|m| m["id"] == me.as_str()))
        .filter(|_| members.as_array().map(Vec::len) == Some(4))
        .unwrap_or_else(|| panic!("we are a member: {members}"));
    assert!(
        mine["name"].as_str().is_some_and(|n| !n.is_empty())
            && mine["avatar"]
                .as_str()
                .is_some_and(|a| a.starts_with("rongchat-avatar://localhost/user/")),
        "our own entry: {mine}"
    );
    app.quit().await;
}
