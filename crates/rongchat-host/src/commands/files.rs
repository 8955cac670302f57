//! Images and files: sending what was staged (dropped or pasted) or picked, with progress
//! on a Channel, full-size images and posters (by `rongchat-media:` URL), and the
//! downloaded file a shell opens. Picking and opening are the shell's (they need the
//! window and the desktop); the page never hands us a path.

use super::{Channel, ChannelId, Cx};
use crate::dataurl;
use crate::error::{Error, Result};
use crate::file_safety;
use crate::media_urls::{self, What};
use crate::models::{ConvRef, MessageDto, PickKind, ProgressDto};
use crate::staging;
use rongchat_proto::content::Content;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where dropped and pasted files are kept, in the account's folder.
pub const OUTGOING: &str = "outgoing";

/// Upload progress of a send, onto the page's channel.
pub(crate) fn reporter(
    progress: Channel<ProgressDto>,
) -> impl Fn(&str, u64, u64) + Send + Sync + 'static {
    move |id: &str, sent: u64, total: u64| {
        progress.send(ProgressDto {
            message_id: id.to_owned(),
            sent,
            total,
        });
    }
}

/// Sends the image or file at `path` (which the user picked in the shell) to `conv`.
pub async fn send_picked(
    state: &Cx,
    conv: ConvRef,
    kind: PickKind,
    path: &Path,
    progress: &ChannelId,
) -> Result<MessageDto> {
    let id = conv.validated()?;
    let session = state.session().await?;
    let progress = state.channel(progress)?;
    let m = session
        .media()
        .send_file(&id, kind, path, reporter(progress))
        .await?;
    Ok(session.view().message(&m))
}

/// The downloaded copy of a file message (fetched once), for the shell to open with the
/// system's default program; refused when its name says it would run as a program or
/// disguises what it is.
pub async fn openable(state: &Cx, id: &str) -> Result<PathBuf> {
    let session = state.session().await?;
    let message = session.message(id)?;
    if let Content::File(file) = message.parsed()
        && let Some(risk) = file_safety::risk(&file.name)
    {
        tracing::warn!(?risk, "refused to open a received file");
        return Err(Error::UnsafeFile(risk));
    }
    session.media().file(&message).await
}

/// [`file_send_staged`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSendStagedArgs {
    conv: ConvRef,
    staged: String,
    progress: ChannelId,
}

/// Sends a staged file to `conv`, as an image or a file by its bytes. Progress as for
/// [`file_send_picked`].
pub async fn file_send_staged(
    state: &Cx,
    FileSendStagedArgs {
        conv,
        staged,
        progress,
    }: FileSendStagedArgs,
) -> Result<MessageDto> {
    let id = conv.validated()?;
    let session = state.session().await?;
    let (path, kind) = staging::staged(&session.work_dir().join(OUTGOING), &staged)?;
    let m = session
        .media()
        .send_file(&id, kind, &path, reporter(state.channel(&progress)?))
        .await?;
    Ok(session.view().message(&m))
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

/// [`file_image_full`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileImageFullArgs {
    id: String,
}

/// A full-size image's `rongchat-media:` URL, once it is on disk (downloaded once; an
/// error here is the page's to show, the scheme would only answer 404).
pub async fn file_image_full(
    state: &Cx,
    FileImageFullArgs { id }: FileImageFullArgs,
) -> Result<String> {
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

/// [`file_music_poster`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMusicPosterArgs {
    id: String,
}

/// A music message's poster as a `rongchat-media:` URL, when it can be fetched.
pub async fn file_music_poster(
    state: &Cx,
    FileMusicPosterArgs { id }: FileMusicPosterArgs,
) -> Result<Option<String>> {
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
