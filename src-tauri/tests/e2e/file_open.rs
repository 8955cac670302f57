//! Opening a received file in the real window: the app asks first (取消 opens nothing), a
//! document then opens in the system's program for its type (a recording handler here,
//! registered through mimeapps.list as a desktop registers one), and a file whose name
//! says it is a program is refused with a message, never handed to the system.

use crate::harness::App;
use crate::links::{launch_with_recording_handler, wait_opened};
use crate::peer::{Embedded, Peer};

const PEER: &str = "filer";

/// Clicks the file card named `name` (the last one) and waits for the dialog.
async fn click_card(app: &App, name: &str) {
    app.js(&format!(
        "const card = [...document.querySelectorAll('.file-card')]
           .filter((c) => c.querySelector('.file-name').textContent === {name:?}).pop();
         card.click(); return true;"
    ))
    .await;
    app.wait_for_css(".dialog-overlay .dialog-confirm").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_received_file_opens_after_asking_and_never_a_program() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, data_dir, opened) = launch_with_recording_handler(dir.path()).await;
    let embedded = Embedded::read(&data_dir).await;
    let peer = Peer::connect(&embedded, PEER, "Filer").await;
    peer.send_file(&embedded.user_id, "setup.exe", b"MZ not really")
        .await;
    peer.send_file(&embedded.user_id, "notes.txt", b"plain notes\n")
        .await;
    app.open_chat(PEER).await;
    app.wait_js(
        "both file cards",
        "return document.querySelectorAll('.file-card').length === 2;",
    )
    .await;

    // Asked first; 取消 opens nothing.
    click_card(&app, "notes.txt").await;
    let asked = app
        .js("return document.querySelector('.dialog-overlay').textContent;")
        .await;
    assert!(
        asked
            .as_str()
            .is_some_and(|t| t.contains("notes.txt") && t.contains("Filer")),
        "the question names the file and its sender: {asked}"
    );
    app.js("document.querySelector('.dialog-cancel').click(); return true;")
        .await;
    app.wait_js(
        "the dialog closed",
        "return !document.querySelector('.dialog-overlay');",
    )
    .await;

    // A program: refused with a message, nothing reaches the system.
    click_card(&app, "setup.exe").await;
    app.js("document.querySelector('.dialog-confirm').click(); return true;")
        .await;
    app.wait_js(
        "the refusal shown",
        "return window.__rongchat.shownMessages.some((m) => m.includes('文件可能是程序'));",
    )
    .await;

    // A document: confirmed, downloaded and opened by the system's handler for its type.
    click_card(&app, "notes.txt").await;
    app.js("document.querySelector('.dialog-confirm').click(); return true;")
        .await;
    let got = wait_opened(&opened, "the document").await;
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 1, "only the document was opened: {got}");
    assert!(lines[0].ends_with("notes.txt"), "{got}");
    let body = std::fs::read(lines[0].trim_start_matches("file://")).expect("the opened file");
    assert_eq!(body, b"plain notes\n");
    app.quit().await;
}
