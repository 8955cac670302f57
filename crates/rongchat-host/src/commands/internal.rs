//! What a shell asks the host for itself, never on the page's behalf: the window's hint
//! that the network may have changed, the unread counts and notification facts the tray
//! and notifications need, the bytes behind the picture schemes, a file the shell picked or
//! was handed, and quitting. A shell in the host's own process calls these like one in
//! another process does (over the socket), so both kinds of shell have one way in.
//!
//! The page cannot reach them: the shell's bridge forwards only the page's table
//! (`commands::NAMES`), and Tauri's capabilities grant only that.

use super::{ChannelId, Cx, answer, arguments, command_table, files};
use crate::commands::internal;
use crate::error::{Error, Result};
use crate::models::{ConvRef, ConversationDto, MessageDto, PickKind, StagedDto};
use crate::staging;
use base64::Engine;
use rongchat_proto::conversation_status::level;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

command_table!(
    NAMES, dispatch;
    internal::internal_network_hint,
    internal::internal_unread_list,
    internal::internal_notify_facts,
    internal::internal_avatar,
    internal::internal_picture,
    internal::internal_send_picked,
    internal::internal_openable,
    internal::internal_stage,
    internal::internal_quit,
    internal::internal_window,
    internal::internal_hello,
);

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// No arguments.
#[derive(Debug, Deserialize)]
pub struct NoArgs {}

/// The window came to the front: a dead link is noticed now, not at the next heartbeat.
pub async fn internal_network_hint(state: &Cx, _: NoArgs) -> Result<()> {
    state.session().await?.client().network_hint();
    Ok(())
}

/// Every conversation as the page's list has it, without refreshing profiles (the unread
/// total reads it again after a reset).
pub async fn internal_unread_list(state: &Cx, _: NoArgs) -> Result<Vec<ConversationDto>> {
    unread_list(state).await
}

/// What [`internal_unread_list`] answers.
pub async fn unread_list(state: &crate::state::AppState) -> Result<Vec<ConversationDto>> {
    let session = state.session().await?;
    let list = session.client().conversations()?;
    Ok(list
        .iter()
        .map(|c| session.view().conversation(c))
        .collect())
}

/// A conversation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConvArgs {
    /// Which.
    pub conv: ConvRef,
}

/// What deciding on a notification needs besides the message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotifyFacts {
    /// The conversation's do-not-disturb level (`conversation_status::level`).
    pub level: i32,
    /// Our user id (a mention of it gets through "mentions only").
    pub user_id: String,
    /// Messages sent before this are history the app delivered itself.
    pub history_until_ms: i64,
}

/// The facts for a message received in `conv`.
pub async fn internal_notify_facts(state: &Cx, ConvArgs { conv }: ConvArgs) -> Result<NotifyFacts> {
    notify_facts(state, &conv).await
}

/// What [`internal_notify_facts`] answers (the engine's own notifier asks it directly).
pub async fn notify_facts(state: &crate::state::AppState, conv: &ConvRef) -> Result<NotifyFacts> {
    let id = conv.clone().validated()?;
    let session = state.session().await?;
    let client = session.client();
    Ok(NotifyFacts {
        level: client
            .conversation(&id)
            .ok()
            .flatten()
            .map_or(level::NOT_SET, |c| c.level),
        user_id: client.user_id().unwrap_or_default(),
        history_until_ms: state.history_until_ms(),
    })
}

/// An avatar's id (`avatars::parse`).
#[derive(Debug, Deserialize)]
pub struct IdArgs {
    /// The id.
    pub id: String,
}

/// The avatar's PNG, base64, if there is one.
pub async fn internal_avatar(state: &Cx, IdArgs { id }: IdArgs) -> Result<Option<String>> {
    Ok(crate::served::avatar(state, &id)
        .await
        .map(|png| base64(&png)))
}

/// A picture scheme URL's path (`media_urls::parse`).
#[derive(Debug, Deserialize)]
pub struct PathArgs {
    /// The path.
    pub path: String,
}

/// The picture the path names, base64, if it is one the host serves.
pub async fn internal_picture(state: &Cx, PathArgs { path }: PathArgs) -> Result<Option<String>> {
    let Some(request) = crate::media_urls::parse(&path) else {
        return Ok(None);
    };
    Ok(crate::served::picture(state, &request)
        .await
        .map(|bytes| base64(&bytes)))
}

/// A file the shell's picker chose.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendPickedArgs {
    /// Where to send it.
    pub conv: ConvRef,
    /// As an image or a file.
    pub kind: PickKind,
    /// The file (the user chose it; the page never names a path).
    pub path: PathBuf,
    /// The page's channel for the upload's progress.
    pub progress: ChannelId,
}

/// Sends a picked file.
pub async fn internal_send_picked(
    state: &Cx,
    SendPickedArgs {
        conv,
        kind,
        path,
        progress,
    }: SendPickedArgs,
) -> Result<MessageDto> {
    files::send_picked(state, conv, kind, &path, &progress).await
}

/// The local path of a file message, downloaded once and checked safe to open.
pub async fn internal_openable(state: &Cx, IdArgs { id }: IdArgs) -> Result<PathBuf> {
    files::openable(state, &id).await
}

/// A file dropped or pasted into the page, handed over in a file of its own.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageArgs {
    /// Its name.
    pub name: String,
    /// Where the shell wrote its bytes: a file in the socket's folder ([`handover_path`]),
    /// which the host removes. (Up to 100 MiB: no socket frame carries that.)
    pub path: PathBuf,
}

/// A fresh file in the socket's folder for a shell to hand the host a dropped file's bytes.
pub fn handover_path(socket: &std::path::Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    socket.with_file_name(format!("drop-{}-{n}", std::process::id()))
}

/// Keeps a dropped or pasted file until it is sent (`file_send_staged`).
pub async fn internal_stage(state: &Cx, StageArgs { name, path }: StageArgs) -> Result<StagedDto> {
    // Only files handed over beside the socket: the host reads nothing else on request.
    let socket = crate::paths::engine_socket(&state.paths().data);
    let beside = path.parent() == socket.parent()
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("drop-"));
    if !beside {
        return Err(Error::Invalid("not a handed-over file".into()));
    }
    let read = tokio::fs::read(&path).await;
    let _ = tokio::fs::remove_file(&path).await; // read or not, it was only for this
    stage(state, name, read?).await
}

/// Keeps `bytes` under `name` in the session's outgoing folder.
pub async fn stage(state: &Cx, name: String, bytes: Vec<u8>) -> Result<StagedDto> {
    let session = state.session().await?;
    let dir = session.work_dir().join(files::OUTGOING);
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

/// The user quit (the tray's 退出): the host stops once it has answered.
pub async fn internal_quit(state: &Cx, _: NoArgs) -> Result<()> {
    state.request_quit();
    Ok(())
}

/// Whether the caller's window is in front.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowArgs {
    /// Shown, focused and not minimized.
    pub in_front: bool,
}

/// The caller's window came to the front or left it (the engine notifies only when none
/// is in front).
pub async fn internal_window(state: &Cx, WindowArgs { in_front }: WindowArgs) -> Result<()> {
    state.shells().set_in_front(state.caller(), in_front);
    Ok(())
}

/// A shell that just connected asks what to show: the chat a clicked notification asked
/// for before there was a window, if any.
pub async fn internal_hello(state: &Cx, _: NoArgs) -> Result<Option<ConvRef>> {
    Ok(state.shells().take_pending())
}
