//! Images and files: picking (in Rust, so the page never hands us a path), sending with
//! progress on a Channel, full-size images and posters as data URLs, opening downloads.

use crate::error::{Error, Result};
use crate::models::{ConvRef, MessageDto, ProgressDto};
use crate::state::AppState;
use serde::Deserialize;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// The largest image we inline as a data URL.
const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// What the picker is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PickKind {
    /// An image, sent as `RC:ImgMsg`.
    Image,
    /// Any file, sent as `RC:FileMsg`.
    File,
}

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
    state: State<'_, AppState>,
    conv: ConvRef,
    kind: PickKind,
    progress: Channel<ProgressDto>,
) -> Result<MessageDto> {
    let conv = conv.validated()?;
    let session = state.session().await?;
    let path = pick(&app, kind).await?;
    let report = move |id: &str, sent: u64, total: u64| {
        let _ = progress.send(ProgressDto {
            message_id: id.to_owned(),
            sent,
            total,
        });
    };
    session.send_file(&conv, kind, &path, report).await
}

/// Downloads a file message (once) and opens it with the system's default program.
#[tauri::command]
pub async fn file_open(state: State<'_, AppState>, id: String) -> Result<()> {
    let path = state.session().await?.download(&id).await?;
    open_with_system(&path)
}

/// A full-size image as a data URL (downloaded once, then from disk).
#[tauri::command]
pub async fn file_image_full(state: State<'_, AppState>, id: String) -> Result<String> {
    let path = state.session().await?.download(&id).await?;
    image_data_url(&path)
}

/// A music message's poster as a data URL, when it can be fetched.
#[tauri::command]
pub async fn file_music_poster(state: State<'_, AppState>, id: String) -> Result<Option<String>> {
    let session = state.session().await?;
    match session.download_poster(&id).await {
        Ok(path) => Ok(image_data_url(&path).ok()),
        Err(_) => Ok(None),
    }
}

/// Reads an image file into a data URL; only real images (by magic number) pass.
pub fn image_data_url(path: &std::path::Path) -> Result<String> {
    let len = std::fs::metadata(path)?.len();
    if len > MAX_IMAGE_BYTES {
        return Err(Error::Invalid("image too large to show".into()));
    }
    let bytes = std::fs::read(path)?;
    let mime =
        crate::models::sniff_image(&bytes).ok_or_else(|| Error::Invalid("not an image".into()))?;
    Ok(crate::models::data_url(mime, &bytes))
}

fn open_with_system(path: &std::path::Path) -> Result<()> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| Error::Invalid(format!("cannot open {}: {e}", path.display())))
}
