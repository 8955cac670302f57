//! Voice clips and music: record with levels on a Channel (click or hold; 60 s limit),
//! send or cancel, play and stop, at 1x, 1.5x or 2x. Every kind plays through the one
//! player: `RC:VcMsg` (inline AMR-NB), `RC:HQVCMsg` (AAC, downloaded) and music (MP3 or
//! AMR). A voice clip that plays to its end is followed by the next unheard received clip
//! of its chat, as in WeChat. Audio runs on the voice crate's own threads.

use crate::error::{Error, Result};
use crate::models::{ConvRef, MusicDto, RecordingDto};
use crate::state::AppState;
use rongchat_voice::Speed;
use std::future::Future;
use std::pin::Pin;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

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

/// Plays a voice message (and marks it heard). `voice-playback` tells when it plays and
/// ends; when it plays to its end, the next unheard received clip of the chat follows.
#[tauri::command]
pub async fn voice_play<R: Runtime>(app: AppHandle<R>, id: String) -> Result<()> {
    play_voice(app, id).await
}

fn play_voice<R: Runtime>(
    app: AppHandle<R>,
    id: String,
) -> Pin<Box<dyn Future<Output = Result<()>> + Send>> {
    // Boxed: a clip that ends plays the next one through here again.
    Box::pin(async move {
        let state = app.state::<AppState>();
        let session = state.session().await?;
        let m = session.message(&id)?;
        let clip = session.media().voice_clip(&m).await?;
        let next_app = app.clone();
        let ended = m.clone();
        state
            .voice()
            .play(state.emit().clone(), id, clip, move |generation| {
                tauri::async_runtime::spawn(play_next(next_app, ended, generation));
            })
            .await?;
        session.mark_heard(&m)
    })
}

/// After `ended` played to its end: the next unheard received clip of its chat, unless
/// something else was played or stopped meanwhile.
async fn play_next<R: Runtime>(
    app: AppHandle<R>,
    ended: rongchat_client::Message,
    generation: u64,
) {
    let state = app.state::<AppState>();
    if state.voice().generation() != generation {
        return;
    }
    let Ok(session) = state.session().await else {
        return;
    };
    let next = match session.next_unheard_voice(&ended) {
        Ok(Some(next)) => next,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!("looking for the next voice clip: {e}");
            return;
        }
    };
    // The session lookup awaited: check again that nothing started meanwhile.
    if state.voice().generation() != generation {
        return;
    }
    if let Err(e) = play_voice(app.clone(), next.local_id.to_string()).await {
        tracing::warn!("playing the next voice clip {}: {e}", next.local_id);
    }
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

/// Plays a music message's audio (MP3, AAC or AMR, told by its bytes) through the same
/// player, at the same speed; nothing follows it.
#[tauri::command]
pub async fn music_play(state: State<'_, AppState>, id: String) -> Result<()> {
    let session = state.session().await?;
    let path = session.media().file(&session.message(&id)?).await?;
    let bytes = tokio::fs::read(&path).await?;
    let emit = state.emit().clone();
    state.voice().play(emit, id, bytes, |_| {}).await
}

/// The playback speed: 1, 1.5 or 2.
#[tauri::command]
pub fn voice_speed_get(state: State<'_, AppState>) -> f64 {
    state.voice().speed().factor()
}

/// Sets the playback speed (1, 1.5 or 2) for the clips played from now on; kept across
/// starts. Returns the speed set.
#[tauri::command]
pub fn voice_speed_set(state: State<'_, AppState>, speed: f64) -> Result<f64> {
    let speed = Speed::from_factor(speed)
        .ok_or_else(|| Error::Invalid(format!("speed {speed} (1, 1.5 or 2)")))?;
    state.voice().set_speed(speed)?;
    Ok(speed.factor())
}
