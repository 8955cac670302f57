//! Voice clips and music: record with levels on a Channel (click or hold; 60 s limit),
//! send or cancel, play and stop. Audio runs on the voice crate's own threads.

use crate::error::{Error, Result};
use crate::models::{ConvRef, MusicDto, RecordingDto};
use crate::state::AppState;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

/// Starts recording for `conv`; levels (about 20 a second) and a final `finished` at the
/// 60 s limit go to `levels`.
#[tauri::command]
pub async fn voice_record_start(
    state: State<'_, AppState>,
    conv: ConvRef,
    levels: Channel<RecordingDto>,
) -> Result<()> {
    let id = conv.validated()?;
    let dir = state.session().await?.recordings_dir();
    state
        .voice()
        .start_recording(&dir, id, move |event| {
            let _ = levels.send(event);
        })
        .await
}

/// Stops recording; sends the clip when `send` (returns whether one was sent: clips under
/// a second are dropped) or throws it away.
#[tauri::command]
pub async fn voice_record_stop(state: State<'_, AppState>, send: bool) -> Result<bool> {
    let Some(clip) = state.voice().stop_recording(send).await? else {
        return Ok(false);
    };
    let session = state.session().await?;
    crate::orphans::send_recorded(session.client(), &clip).await?;
    Ok(true)
}

/// Plays a voice message (and marks it heard). `voice-playback` tells when it ends.
#[tauri::command]
pub async fn voice_play<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<()> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    let clip = session.media().voice_clip(&m).await?;
    state.voice().play(app, id, clip).await?;
    session.mark_heard(&m)
}

/// Stops whatever plays.
#[tauri::command]
pub async fn voice_stop(state: State<'_, AppState>) -> Result<()> {
    state.voice().stop_playback().await;
    Ok(())
}

/// The music entries the composer offers.
#[tauri::command]
pub async fn music_list(state: State<'_, AppState>) -> Result<Vec<MusicDto>> {
    Ok(state.session().await?.music().to_vec())
}

/// Plays a music message's audio (AMR; other formats are not supported yet).
#[tauri::command]
pub async fn music_play<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<()> {
    let session = state.session().await?;
    let path = session.media().file(&session.message(&id)?).await?;
    let bytes = tokio::fs::read(&path).await?;
    if !bytes.starts_with(b"#!AMR\n") {
        return Err(Error::Voice(
            "this music format cannot be played yet".into(),
        ));
    }
    state.voice().play(app, id, bytes).await
}
