//! Images and files: picking (in Rust, so the page never hands us a path), sending with
//! progress on a Channel, full-size images and posters (by `rongchat-media:` URL), opening
//! downloads.

use crate::dataurl;
use crate::error::{Error, Result};
use crate::file_safety;
use crate::media_urls::{self, What};
use crate::models::{ConvRef, MessageDto, PickKind, ProgressDto, StagedDto};
use crate::staging;
use crate::state::AppState;
use rongchat_proto::content::Content;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// Where dropped and pasted files are kept, in the account's folder.
const OUTGOING: &str = "outgoing";

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

/// Upload progress of a send, onto the page's channel (a page that went away just misses
/// it).
pub(crate) fn reporter(
    progress: Channel<ProgressDto>,
) -> impl Fn(&str, u64, u64) + Send + Sync + 'static {
    move |id: &str, sent: u64, total: u64| {
        let _ = progress.send(ProgressDto {
            message_id: id.to_owned(),
            sent,
            total,
        });
    }
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
    let id = conv.validated()?;
    let session = state.session().await?;
    let path = pick(&app, kind).await?;
    let m = session
        .media()
        .send_file(&id, kind, &path, reporter(progress))
        .await?;
    Ok(session.view().message(&m))
}

/// Keeps a file dropped or pasted into the page (its bytes are the request body; its name
/// the `x-file-name` header, URI-encoded) until it is sent with [`file_send_staged`].
#[tauri::command]
pub async fn file_stage(
    state: State<'_, AppState>,
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
    let dir = session.work_dir().join(OUTGOING);
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

/// Sends a staged file to `conv`, as an image or a file by its bytes. Progress as for
/// [`file_send_picked`].
#[tauri::command]
pub async fn file_send_staged(
    state: State<'_, AppState>,
    conv: ConvRef,
    staged: String,
    progress: Channel<ProgressDto>,
) -> Result<MessageDto> {
    let id = conv.validated()?;
    let session = state.session().await?;
    let (path, kind) = staging::staged(&session.work_dir().join(OUTGOING), &staged)?;
    let m = session
        .media()
        .send_file(&id, kind, &path, reporter(progress))
        .await?;
    Ok(session.view().message(&m))
}

/// Downloads a file message (once) and opens it with the system's default program,
/// unless its name says it would run as a program or disguises what it is.
#[tauri::command]
pub async fn file_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<()> {
    let session = state.session().await?;
    let message = session.message(&id)?;
    if let Content::File(file) = message.parsed()
        && let Some(risk) = file_safety::risk(&file.name)
    {
        tracing::warn!(?risk, "refused to open a received file");
        return Err(Error::UnsafeFile(risk));
    }
    let path = session.media().file(&message).await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| Error::Invalid(format!("cannot open {}: {e}", path.display())))
}

/// Whether the file at `path` is an image the page shows (by its first bytes) within
/// `limit` bytes: the scheme serves it then.
async fn check_image(path: &std::path::Path, limit: u64) -> Result<()> {
    use tokio::io::AsyncReadExt;
    let size = tokio::fs::metadata(path).await?.len();
    if size > limit {
        return Err(Error::TooLarge { size, limit });
    }
    let mut head = Vec::with_capacity(64);
    tokio::fs::File::open(path)
        .await?
        .take(64)
        .read_to_end(&mut head)
        .await?;
    dataurl::sniff_image(&head)
        .map(|_| ())
        .ok_or_else(|| Error::Invalid("not an image".into()))
}

/// A full-size image's `rongchat-media:` URL, once it is on disk (downloaded once; an
/// error here is the page's to show, the scheme would only answer 404).
#[tauri::command]
pub async fn file_image_full(state: State<'_, AppState>, id: String) -> Result<String> {
    let session = state.session().await?;
    let message = session.message(&id)?;
    let path = session.media().image(&message).await?;
    check_image(&path, dataurl::MAX_IMAGE_BYTES).await?;
    Ok(media_urls::url(
        What::Image,
        message.local_id,
        &media_urls::image_tag(&message),
    ))
}

/// A music message's poster as a `rongchat-media:` URL, when it can be fetched.
#[tauri::command]
pub async fn file_music_poster(state: State<'_, AppState>, id: String) -> Result<Option<String>> {
    let session = state.session().await?;
    let message = session.message(&id)?;
    // A poster is decoration: one that cannot be fetched or is no image just is not shown.
    let checked = match session.media().poster(&message).await {
        Ok(path) => check_image(&path, crate::media::MAX_POSTER_BYTES).await,
        Err(e) => Err(e),
    };
    match checked {
        Ok(()) => Ok(Some(media_urls::url(
            What::Poster,
            message.local_id,
            &media_urls::image_tag(&message),
        ))),
        Err(e) => {
            tracing::debug!(kind = e.kind(), "no poster: {e}");
            Ok(None)
        }
    }
}
