//! Images and files the shell's way: picking (in Rust, so the page never hands us a path)
//! and sending what was picked, keeping a dropped or pasted file's bytes, opening a
//! download with the system's program. Sending and fetching are the host's
//! (`rongchat_host::commands::files`).

use crate::backend::{Answer, Backend};
use crate::bridge;
use crate::error::{Error, Result};
use crate::events::json;
use crate::models::{ConvRef, PickKind};
use serde_json::Value;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime, State, Webview};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// Test hook: `RONGCHAT_TEST_PICK=<path>` answers every picker with that path, since a
/// native dialog cannot be driven by WebDriver.
fn test_pick() -> Option<PathBuf> {
    std::env::var_os("RONGCHAT_TEST_PICK").map(PathBuf::from)
}

async fn pick<R: Runtime>(app: &AppHandle<R>, kind: PickKind) -> Result<PathBuf> {
    if let Some(path) = test_pick() {
        return Ok(path);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file();
    if kind == PickKind::Image {
        dialog = dialog.add_filter("Images", &["png", "jpg", "jpeg", "gif", "webp"]);
    }
    dialog.pick_file(move |path| {
        let _ = tx.send(path);
    });
    let picked = rx.await.map_err(|_| Error::Cancelled)?;
    let path = picked.ok_or(Error::Cancelled)?;
    path.into_path().map_err(|e| Error::Invalid(e.to_string()))
}

/// Shows the picker and sends the chosen image or file. Upload progress goes to
/// `progress`; the message itself arrives through the message events.
#[tauri::command]
pub async fn file_send_picked<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    backend: State<'_, Backend>,
    conv: ConvRef,
    kind: PickKind,
    progress: Value,
) -> Answer {
    let path = pick(&app, kind).await.map_err(json)?;
    let args = serde_json::json!({"conv": conv, "kind": kind, "path": path, "progress": progress});
    backend
        .call(bridge::page(&webview), "internal_send_picked", args)
        .await
}

/// Keeps a file dropped or pasted into the page (its bytes are the request body; its name
/// the `x-file-name` header, URI-encoded) until it is sent with [`file_send_staged`].
#[tauri::command]
pub async fn file_stage(backend: State<'_, Backend>, request: tauri::ipc::Request<'_>) -> Answer {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(json(Error::Invalid("expected the file's bytes".into())));
    };
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            url::form_urlencoded::parse(format!("n={v}").as_bytes())
                .map(|(_, name)| name.into_owned())
                .next()
                .unwrap_or_default()
        })
        .unwrap_or_default();
    backend.stage(name, bytes.clone()).await
}

/// Downloads a file message (once) and opens it with the system's default program,
/// unless its name says it would run as a program or disguises what it is.
#[tauri::command]
pub async fn file_open<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    backend: State<'_, Backend>,
    id: String,
) -> Answer {
    let path = backend
        .call(
            bridge::page(&webview),
            "internal_openable",
            serde_json::json!({ "id": id }),
        )
        .await?;
    let path: PathBuf = serde_json::from_value(path)
        .map_err(|e| json(Error::Invalid(format!("the engine's path: {e}"))))?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            json(Error::Invalid(format!(
                "cannot open {}: {e}",
                path.display()
            )))
        })?;
    Ok(Value::Null)
}
