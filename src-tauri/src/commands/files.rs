//! Images and files the shell's way: picking (in Rust, so the page never hands us a path)
//! and sending what was picked, keeping a dropped or pasted file's bytes, opening a
//! download with the system's program. Sending and fetching are the host's
//! (`rongchat_host::commands::files`).

use crate::bridge::host_cx;
use crate::error::{Error, Result};
use crate::models::{ConvRef, MessageDto, PickKind, StagedDto};
use crate::staging;
use crate::state::AppState;
use rongchat_host::commands::{ChannelId, files};
use std::path::PathBuf;
use std::sync::Arc;
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
    state: State<'_, Arc<AppState>>,
    conv: ConvRef,
    kind: PickKind,
    progress: ChannelId,
) -> Result<MessageDto> {
    let path = pick(&app, kind).await?;
    files::send_picked(&host_cx(&webview, &state), conv, kind, &path, &progress).await
}

/// Keeps a file dropped or pasted into the page (its bytes are the request body; its name
/// the `x-file-name` header, URI-encoded) until it is sent with [`file_send_staged`].
#[tauri::command]
pub async fn file_stage(
    state: State<'_, Arc<AppState>>,
    request: tauri::ipc::Request<'_>,
) -> Result<StagedDto> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(Error::Invalid("expected the file's bytes".into()));
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
    let session = state.session().await?;
    let dir = session.work_dir().join(files::OUTGOING);
    let bytes = bytes.clone();
    let staged = tokio::task::spawn_blocking(move || staging::stage(&dir, &name, &bytes))
        .await
        .map_err(|e| Error::Invalid(e.to_string()))??;
    Ok(StagedDto {
        staged: staged.id,
        name: staged.name,
        size: staged.size,
        kind: staged.kind,
    })
}

/// Downloads a file message (once) and opens it with the system's default program,
/// unless its name says it would run as a program or disguises what it is.
#[tauri::command]
pub async fn file_open<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    state: State<'_, Arc<AppState>>,
    id: String,
) -> Result<()> {
    let path = files::openable(&host_cx(&webview, &state), &id).await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| Error::Invalid(format!("cannot open {}: {e}", path.display())))
}
