//! Files dropped on the chat and pasted into the composer, in the real window: the drop
//! target while files are dragged over, the confirmation naming them, and the peer receiving
//! each, a Unicode-named document as a file and a picture as an image, byte for byte.
//! The drag and the paste are DOM events carrying real `File`s, as WebKit fires them for an
//! OS drop (the window takes drops in the page: `dragDropEnabled` is off).

use crate::harness::App;
use crate::peer::{Embedded, Peer, Received};
use base64::Engine;

/// A small real PNG.
fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(16, 9, |x, y| {
        image::Rgb([(x * 15) as u8, (y * 28) as u8, 90])
    })
    .write_to(&mut out, image::ImageFormat::Png)
    .expect("encode a png");
    out.into_inner()
}

/// JS that makes a DataTransfer holding `files` ([name, base64] pairs) as `dt`.
fn data_transfer(files: &[(&str, &[u8])]) -> String {
    let list: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, bytes)| {
            serde_json::json!([
                name,
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ])
        })
        .collect();
    format!(
        "const dt = new DataTransfer();
         for (const [name, b64] of {}) {{
           const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
           dt.items.add(new File([bytes], name));
         }}",
        serde_json::Value::from(list)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_and_pasted_files_are_sent_after_a_confirmation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("app-data");
    let app = App::launch_demo(&data_dir, &[]).await;
    let embedded = Embedded::read(&data_dir).await;
    let bob = Peer::connect(&embedded, "bob", "Bob").await;
    bob.send_text(&embedded.user_id, "send me the report").await;
    app.open_chat("bob").await;
    app.wait_for_css("#message-list li").await;

    // --- A drag of two files over the chat shows where to drop them.
    let report: &[u8] = b"%PDF-1.4 the quarterly report";
    let picture = png();
    let drag = data_transfer(&[("我的报告.pdf", report), ("photo.png", &picture)]);
    app.js(&format!(
        "{drag}
         window.__dropTest = dt;
         document.getElementById('chat').dispatchEvent(
           new DragEvent('dragenter', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
         return true;"
    ))
    .await;
    app.wait_js(
        "the drop target over the chat",
        "const chat = document.getElementById('chat');
         return chat.classList.contains('drop-target')
           && chat.dataset.dropLabel.includes('Bob');",
    )
    .await;
    app.screenshot("drag-and-drop").await;

    // --- The drop asks first, naming both files; confirming sends both.
    app.js(
        "document.getElementById('chat').dispatchEvent(
           new DragEvent('drop', { dataTransfer: window.__dropTest, bubbles: true, cancelable: true }));
         return true;",
    )
    .await;
    app.wait_js(
        "the confirmation naming the files",
        "const text = document.querySelector('.dialog-card .dialog-text')?.textContent ?? '';
         return text.includes('我的报告.pdf') && text.includes('photo.png')
           && !document.getElementById('chat').classList.contains('drop-target');",
    )
    .await;
    app.screenshot("drop-confirmation").await;
    app.js("document.querySelector('.dialog-card .dialog-confirm').click(); return true;")
        .await;
    let got = bob.wait_for(|r| matches!(r, Received::File { .. })).await;
    assert_eq!(
        got,
        Received::File {
            name: "我的报告.pdf".into(),
            bytes: report.to_vec()
        }
    );
    let got = bob.wait_for(|r| matches!(r, Received::Image(_))).await;
    assert_eq!(
        got,
        Received::Image(picture.clone()),
        "the photo, byte for byte"
    );

    // --- A pasted screenshot (a file with no name): asked, then sent as an image.
    let paste = data_transfer(&[("", &picture)]);
    app.js(&format!(
        "{paste}
         document.getElementById('composer-text').dispatchEvent(
           new ClipboardEvent('paste', {{ clipboardData: dt, bubbles: true, cancelable: true }}));
         return true;"
    ))
    .await;
    app.wait_js(
        "the confirmation for the pasted image",
        "const text = document.querySelector('.dialog-card .dialog-text')?.textContent ?? '';
         return text.includes('粘贴的图片');",
    )
    .await;
    app.js("document.querySelector('.dialog-card .dialog-confirm').click(); return true;")
        .await;
    let got = bob.wait_for(|r| matches!(r, Received::Image(_))).await;
    assert_eq!(got, Received::Image(picture), "the pasted image");

    // --- Cancelled: nothing is sent, and a text after it is the next thing Bob gets.
    let drop_again = data_transfer(&[("never.txt", b"not sent")]);
    app.js(&format!(
        "{drop_again}
         document.getElementById('chat').dispatchEvent(
           new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
         return true;"
    ))
    .await;
    app.wait_for_css(".dialog-card .dialog-cancel").await;
    app.js(
        "document.querySelector('.dialog-card .dialog-cancel').click();
         const text = document.getElementById('composer-text');
         text.value = 'after the cancel';
         document.getElementById('send-button').disabled = false;
         document.getElementById('send-button').click();
         return true;",
    )
    .await;
    let got = bob.wait_for(|_| true).await;
    assert_eq!(got, Received::Text("after the cancel".into()));
    app.quit().await;
}
