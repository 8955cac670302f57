//! Links in the real window: a peer's text with links shows them clickable (as text, no
//! markup from the message); a click opens the link in the system's browser, which here is
//! a recording handler registered for http(s) the way a desktop registers one (a `.desktop`
//! entry and `mimeapps.list`, read by xdg-open); the window itself never navigates.

use crate::harness::{App, WAIT};
use crate::peer::{Embedded, Peer};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PEER: &str = "linker";
const LINK: &str = "https://example.com/docs?page=2#top";

/// A browser for the test: a desktop entry for http, https (and plain text files, for
/// `file_open.rs`) that appends each URL or path it is asked to open to `opened`.
fn install_recording_browser(xdg_data: &Path, xdg_config: &Path, opened: &Path) {
    let apps = xdg_data.join("applications");
    std::fs::create_dir_all(&apps).expect("applications dir");
    std::fs::create_dir_all(xdg_config).expect("config dir");
    let script = xdg_data.join("record-url.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .expect("write the recorder");
    let mut perms = std::fs::metadata(&script).expect("stat").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).expect("chmod the recorder");
    std::fs::write(
        apps.join("record-url.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Recording browser\nExec={} %u\n\
             MimeType=x-scheme-handler/http;x-scheme-handler/https;text/plain;\n",
            script.display()
        ),
    )
    .expect("write the desktop entry");
    std::fs::write(
        xdg_config.join("mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/http=record-url.desktop\n\
         x-scheme-handler/https=record-url.desktop\ntext/plain=record-url.desktop\n",
    )
    .expect("write mimeapps.list");
}

/// The demo app in `dir` with the recording handler as its desktop's default for http(s)
/// and plain text: the app, its data dir, and the file the handler appends to.
pub async fn launch_with_recording_handler(dir: &Path) -> (App, PathBuf, PathBuf) {
    let data_dir = dir.join("app-data");
    let (xdg_data, xdg_config) = (dir.join("xdg-data"), dir.join("xdg-config"));
    let opened = dir.join("opened.txt");
    install_recording_browser(&xdg_data, &xdg_config, &opened);
    let app = App::launch_demo(
        &data_dir,
        &[
            ("XDG_DATA_HOME", xdg_data.to_str().expect("utf-8")),
            ("XDG_CONFIG_HOME", xdg_config.to_str().expect("utf-8")),
            // A desktop-less session: xdg-open takes the handler from mimeapps.list.
            ("XDG_CURRENT_DESKTOP", ""),
        ],
    )
    .await;
    (app, data_dir, opened)
}

/// What the recording handler was asked to open, once it was asked at all.
pub async fn wait_opened(opened: &Path, what: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(opened)
            && !text.trim().is_empty()
        {
            return text;
        }
        assert!(Instant::now() < deadline, "{what} was never opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_in_a_message_opens_in_the_browser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, data_dir, opened) = launch_with_recording_handler(dir.path()).await;
    let embedded = Embedded::read(&data_dir).await;
    let peer = Peer::connect(&embedded, PEER, "Linker").await;
    let hostile = "<b>not bold</b>";
    peer.send_text(
        &embedded.user_id,
        &format!("文档在{LINK}，看看。{hostile} javascript:alert(1)"),
    )
    .await;

    app.open_chat(PEER).await;
    app.wait_for_css(".text-bubble .link").await;
    let shown = app
        .js(
            "const b = [...document.querySelectorAll('.text-bubble')].pop();
             return { text: b.textContent, links: [...b.querySelectorAll('.link')].map((l) => l.textContent),
                      bold: b.querySelectorAll('b').length, hrefs: b.querySelectorAll('[href]').length };",
        )
        .await;
    assert_eq!(
        shown["links"],
        serde_json::json!([LINK]),
        "one link: {shown}"
    );
    assert_eq!(shown["bold"], 0, "message markup stays text: {shown}");
    assert_eq!(
        shown["hrefs"], 0,
        "nothing that could navigate the window: {shown}"
    );
    assert!(
        shown["text"].as_str().is_some_and(|t| t.contains(hostile)),
        "{shown}"
    );
    app.screenshot("link-in-message").await;

    // A real click on the link: the browser gets it, the window stays on the app's page.
    let page = app.js("return location.href;").await;
    app.element(".text-bubble .link")
        .await
        .click()
        .await
        .expect("click the link");
    let got = wait_opened(&opened, "the link").await;
    assert_eq!(got.trim(), LINK);
    assert_eq!(
        app.js("return location.href;").await,
        page,
        "the window did not navigate"
    );
    app.quit().await;
}
