//! A file's upload can be cancelled from its bubble and sent again: the resend shows a
//! live bar of its own (it used to show the first attempt's bar, frozen) and the file
//! arrives whole.

use crate::harness::App;
use crate::peer::{Embedded, Peer, Received};

/// Big enough that the upload is still running when its first report cancels it.
const FILE_BYTES: usize = 64 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_upload_resends_with_a_live_bar() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let upload = dir.path().join("archive.bin");
    let body: Vec<u8> = (0..FILE_BYTES)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&upload, &body).expect("write the file");
    let app = App::launch_demo(
        &data_dir,
        &[("RONGCHAT_TEST_PICK", upload.to_str().expect("utf-8"))],
    )
    .await;
    let embedded = Embedded::read(&data_dir).await;
    let bob = Peer::connect(&embedded, "bob", "Bob").await;
    bob.send_text(&embedded.user_id, "send me the archive")
        .await;
    app.open_chat("bob").await;
    app.wait_for_css("#message-list li.message").await;

    // Every bar value the page sets is recorded; the first one cancels the upload as the
    // bubble's × does, at once: on loopback the whole file goes up in a fraction of a
    // second, sooner than a click through WebDriver could come.
    app.js("window.__bars = []; window.__cancelled = false;
         const bars = window.__rongchat.state.progress;
         const set = bars.set.bind(bars);
         bars.set = (id, value) => {
           if (!window.__cancelled) {
             window.__cancelled = true;
             window.__TAURI__.core.invoke('message_cancel_upload', { id });
           }
           window.__bars.push([id, value]);
           return set(id, value);
         };
         return true;")
        .await;
    app.js("document.getElementById('pick-file').click(); return true;")
        .await;
    app.wait_js(
        "the cancelled upload marked failed, with 重发",
        "return !!document.querySelector('#message-list li.message .message-status.failed .resend');",
    )
    .await;
    let id = app
        .js("return window.__bars[0][0];")
        .await
        .as_str()
        .expect("a message id")
        .to_owned();
    let stale = app
        .js("return window.__bars[window.__bars.length - 1][1];")
        .await;
    assert!(
        stale.as_f64().is_some_and(|v| v < 1.0),
        "cancelled part-way: {stale}"
    );
    assert_eq!(
        app.js(&format!(
            "return !!document.querySelector('#M-{id} .progress');"
        ))
        .await,
        false,
        "a failed message shows no bar"
    );

    // --- 重发: the new upload reports from the start to the end, and the file arrives.
    app.js(&format!(
        "window.__bars = []; document.querySelector('#M-{id} .resend').click(); return true;"
    ))
    .await;
    let got = bob.wait_for(|r| matches!(r, Received::File { .. })).await;
    assert_eq!(
        got,
        Received::File {
            name: "archive.bin".into(),
            bytes: body
        },
        "the resent file, byte for byte"
    );
    app.wait_js(
        "the resent message marked sent, its bar gone",
        &format!(
            "const li = document.getElementById('M-{id}');
             return !!li && !li.querySelector('.message-status.sending') && !li.querySelector('.progress');"
        ),
    )
    .await;
    let bars = app
        .js(&format!(
            "return window.__bars.filter(([m]) => m === '{id}').map(([, v]) => v);"
        ))
        .await;
    let bars: Vec<f64> = serde_json::from_value(bars).expect("bar values");
    assert!(
        bars.len() > 1,
        "the resend reported its upload to the page: {bars:?}"
    );
    assert!(
        bars.windows(2).all(|w| w[0] <= w[1]) && bars.last() == Some(&1.0),
        "the bar grows to full: {bars:?}"
    );
    app.quit().await;
}
