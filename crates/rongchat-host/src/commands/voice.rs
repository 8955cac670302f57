//! Voice clips and music: record with levels on a Channel (click or hold; 60 s limit),
//! send or cancel, play and stop, at 1x, 1.5x or 2x. Every kind plays through the one
//! player: `RC:VcMsg` (inline AMR-NB), `RC:HQVCMsg` (AAC, downloaded) and music (MP3 or
//! AMR). A voice clip that plays to its end is followed by the next unheard received clip
//! of its chat, as in WeChat. Audio runs on the voice crate's own threads.

use super::{ChannelId, Cx};
use crate::error::{Error, Result};
use crate::models::{ConvRef, MusicDto, RecordingDto};
use crate::state::AppState;
use rongchat_voice::Speed;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// [`voice_record_start`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceRecordStartArgs {
    conv: ConvRef,
    levels: ChannelId,
}

/// Starts recording for `conv`; levels (about 20 a second) and a final `finished` at the
/// 60 s limit go to `levels`.
pub async fn voice_record_start(
    state: &Cx,
    VoiceRecordStartArgs { conv, levels }: VoiceRecordStartArgs,
) -> Result<()> {
    let id = conv.validated()?;
    let dir = state.session().await?.recordings_dir();
    let levels = state.channel::<RecordingDto>(&levels)?;
    state
        .voice()
        .start_recording(&dir, id, move |event| levels.send(event))
        .await
}

/// [`voice_record_stop`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceRecordStopArgs {
    send: bool,
}

/// Stops recording; sends the clip when `send` (returns whether one was sent: clips under
/// a second are dropped) or throws it away.
pub async fn voice_record_stop(
    state: &Cx,
    VoiceRecordStopArgs { send }: VoiceRecordStopArgs,
) -> Result<bool> {
    let Some(clip) = state.voice().stop_recording(send).await? else {
        return Ok(false);
    };
    let session = state.session().await?;
    crate::orphans::send_recorded(session.client(), &clip).await?;
    Ok(true)
}

/// [`voice_play`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoicePlayArgs {
    id: String,
}

/// Plays a voice message (and marks it heard). `voice-playback` tells when it plays and
/// ends; when it plays to its end, the next unheard received clip of the chat follows.
pub async fn voice_play(state: &Cx, VoicePlayArgs { id }: VoicePlayArgs) -> Result<()> {
    play_voice(state.shared(), id).await
}

fn play_voice(
    state: Arc<AppState>,
    id: String,
) -> Pin<Box<dyn Future<Output = Result<()>> + Send>> {
    // Boxed: a clip that ends plays the next one through here again.
    Box::pin(async move {
        let session = state.session().await?;
        let m = session.message(&id)?;
        let clip = session.media().voice_clip(&m).await?;
        let next_state = state.clone();
        let ended = m.clone();
        // The end is told on the player's thread, outside the runtime.
        let runtime = tokio::runtime::Handle::current();
        state
            .voice()
            .play(state.emit().clone(), id, clip, move |generation| {
                runtime.spawn(play_next(next_state, ended, generation));
            })
            .await?;
        session.mark_heard(&m)
    })
}

/// After `ended` played to its end: the next unheard received clip of its chat, unless
/// something else was played or stopped meanwhile.
async fn play_next(state: Arc<AppState>, ended: rongchat_client::Message, generation: u64) {
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
    if let Err(e) = play_voice(state.clone(), next.local_id.to_string()).await {
        tracing::warn!("playing the next voice clip {}: {e}", next.local_id);
    }
}

/// [`voice_stop`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct VoiceStopArgs {}

/// Stops whatever plays.
pub async fn voice_stop(state: &Cx, _: VoiceStopArgs) -> Result<()> {
    state.voice().stop_playback().await;
    Ok(())
}

/// [`music_list`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct MusicListArgs {}

/// The music entries the composer offers.
pub async fn music_list(state: &Cx, _: MusicListArgs) -> Result<Vec<MusicDto>> {
    Ok(state.session().await?.music().to_vec())
}

/// [`music_play`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MusicPlayArgs {
    id: String,
}

/// Plays a music message's audio (MP3, AAC or AMR, told by its bytes) through the same
/// player, at the same speed; nothing follows it.
pub async fn music_play(state: &Cx, MusicPlayArgs { id }: MusicPlayArgs) -> Result<()> {
    let session = state.session().await?;
    let path = session.media().file(&session.message(&id)?).await?;
    let bytes = tokio::fs::read(&path).await?;
    let emit = state.emit().clone();
    state.voice().play(emit, id, bytes, |_| {}).await
}

/// [`voice_speed_get`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct VoiceSpeedGetArgs {}

/// The playback speed: 1, 1.5 or 2.
pub async fn voice_speed_get(state: &Cx, _: VoiceSpeedGetArgs) -> Result<f64> {
    Ok(state.voice().speed().factor())
}

/// [`voice_speed_set`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceSpeedSetArgs {
    speed: f64,
}

/// Sets the playback speed (1, 1.5 or 2) for the clips played from now on; kept across
/// starts. Returns the speed set.
pub async fn voice_speed_set(
    state: &Cx,
    VoiceSpeedSetArgs { speed }: VoiceSpeedSetArgs,
) -> Result<f64> {
    let speed = Speed::from_factor(speed)
        .ok_or_else(|| Error::Invalid(format!("speed {speed} (1, 1.5 or 2)")))?;
    state.voice().set_speed(speed)?;
    Ok(speed.factor())
}
