//! The app's audio: at most one recording and one playing clip at a time. The voice crate
//! does the work on its own threads; this keeps the handles. A finished recording is
//! handed back (the voice command sends it), so audio knows nothing of sessions; a clip
//! that plays to its end calls back (the voice command then plays the next unheard one).
//! The playback speed (1x, 1.5x, 2x) is kept in `voice.json` in the config dir.
//!
//! Each clip file has a sidecar naming its conversation, and both stay on disk until the
//! send is accepted ([`Recorded::discard`]): a failed send or a crash loses nothing, and
//! `orphans` sends what is left at the next start.

use crate::error::{Error, Result};
use crate::events::{Emit, json};
use crate::models::{ConvRef, PlaybackDto, PlaybackState, RecordingDto};
use rongchat_client::ConversationId;
use rongchat_voice::{
    Limits, Player, PlayerEvent, RecordOptions, RecordingEvent, RecordingHandle, Speed,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

struct Recording {
    handle: RecordingHandle,
    conv: ConversationId,
}

/// A clip recorded for a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Where it was recorded for.
    pub conv: ConversationId,
    /// The AMR file's bytes.
    pub amr: Vec<u8>,
    /// Whole seconds.
    pub seconds: u32,
    /// The clip file, kept until the send is accepted.
    pub path: PathBuf,
}

impl Recorded {
    /// Deletes the clip file and its sidecar (once the message is safely queued).
    pub fn discard(&self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(sidecar(&self.path));
    }
}

/// The file beside a clip that names its conversation.
pub fn sidecar(clip: &Path) -> PathBuf {
    clip.with_extension("conv.json")
}

/// The conversation a clip was recorded for, from its sidecar.
pub fn clip_conversation(clip: &Path) -> Option<ConversationId> {
    let text = std::fs::read_to_string(sidecar(clip)).ok()?;
    serde_json::from_str::<ConvRef>(&text)
        .ok()?
        .validated()
        .ok()
}

/// The protocol's limits; `RONGCHAT_VOICE_MAX_SECS` shortens the maximum (tests reach it
/// without waiting a minute; the path taken is the same).
fn limits() -> Limits {
    let mut limits = Limits::default();
    if let Some(secs) = std::env::var("RONGCHAT_VOICE_MAX_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| (2..=60).contains(&s))
    {
        limits.max = Duration::from_secs(secs);
    }
    limits
}

/// What `voice.json` holds.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Kept {
    /// 1, 1.5 or 2.
    speed: Option<f64>,
}

/// Recording and playback state.
#[derive(Default)]
pub struct Audio {
    recording: Mutex<Option<Recording>>,
    player: Arc<std::sync::Mutex<Player>>,
    /// `voice.json`, where the speed is kept (`None`: not kept).
    kept: Option<PathBuf>,
    /// Counts plays and stops: a clip that ended starts the next one only when nothing
    /// was played or stopped since.
    generation: Arc<AtomicU64>,
}

impl std::fmt::Debug for Audio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audio").finish_non_exhaustive()
    }
}

fn voice_err(e: rongchat_voice::VoiceError) -> Error {
    Error::Voice(e.to_string())
}

/// The blocking audio task panicked or was cancelled.
fn join_err(e: tokio::task::JoinError) -> Error {
    Error::Voice(e.to_string())
}

impl Audio {
    /// Audio whose speed is kept in `voice.json` in `config_dir` (read now: a missing or
    /// damaged file means 1x).
    pub fn new(config_dir: &Path) -> Self {
        let kept = config_dir.join("voice.json");
        let speed = std::fs::read_to_string(&kept)
            .ok()
            .and_then(|text| serde_json::from_str::<Kept>(&text).ok())
            .and_then(|k| k.speed)
            .and_then(Speed::from_factor)
            .unwrap_or_default();
        let mut player = Player::default();
        player.set_speed(speed);
        Self {
            player: Arc::new(std::sync::Mutex::new(player)),
            kept: Some(kept),
            ..Self::default()
        }
    }

    fn player(&self) -> std::sync::MutexGuard<'_, Player> {
        self.player
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The speed clips play at.
    pub fn speed(&self) -> Speed {
        self.player().speed()
    }

    /// Sets the speed of the clips played from now on, and keeps it for the next start.
    pub fn set_speed(&self, speed: Speed) -> Result<()> {
        self.player().set_speed(speed);
        if let Some(path) = &self.kept {
            let text = serde_json::to_string(&Kept {
                speed: Some(speed.factor()),
            })
            .map_err(|e| Error::Settings(e.to_string()))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("json.tmp");
            std::fs::write(&tmp, text)?;
            std::fs::rename(tmp, path)?;
        }
        Ok(())
    }

    /// The current play generation (see [`Audio::play`]).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Starts recording for `conv` from the default microphone into an AMR file in `dir`
    /// (crash-safe: a clip survives a crash there).
    pub async fn start_recording(
        &self,
        dir: &Path,
        conv: ConversationId,
        on_event: impl Fn(RecordingDto) + Send + Sync + 'static,
    ) -> Result<()> {
        let mut slot = self.recording.lock().await;
        if let Some(old) = slot.take() {
            let _ = tokio::task::spawn_blocking(move || old.handle.cancel()).await;
        }
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("rec-{}.amr", crate::clock::now_ms()));
        let conv_json = serde_json::to_string(&ConvRef::from(conv.clone()))
            .map_err(|e| Error::Voice(e.to_string()))?;
        std::fs::write(sidecar(&path), conv_json)?;
        let options = RecordOptions {
            device: None,
            limits: limits(),
        };
        let limit = options.limits.max.as_secs_f32();
        let handle =
            tokio::task::spawn_blocking(move || {
                rongchat_voice::capture::start_recording_with(options, &path, move |event| {
                    match event {
                        RecordingEvent::Level(level) => on_event(RecordingDto::Level {
                            level: level_to_unit(level.rms_dbfs()),
                            elapsed: level.elapsed.as_secs_f32(),
                            limit,
                        }),
                        RecordingEvent::LimitReached | RecordingEvent::DeviceLost(_) => {
                            on_event(RecordingDto::Finished)
                        }
                    }
                })
            })
            .await
            .map_err(join_err)?
            .map_err(voice_err)?;
        *slot = Some(Recording { handle, conv });
        Ok(())
    }

    /// The clip file being recorded now, if any (not an orphan).
    pub async fn recording_path(&self) -> Option<PathBuf> {
        let slot = self.recording.lock().await;
        slot.as_ref().map(|r| r.handle.path().to_path_buf())
    }

    /// Stops recording and hands the clip back when `keep`, else throws it away. `None`
    /// when nothing was recording, when cancelled, or for a clip under a second.
    pub async fn stop_recording(&self, keep: bool) -> Result<Option<Recorded>> {
        let Some(Recording { handle, conv }) = self.recording.lock().await.take() else {
            return Ok(None);
        };
        if !keep {
            let path = handle.path().to_path_buf();
            tokio::task::spawn_blocking(move || handle.cancel())
                .await
                .map_err(join_err)?
                .map_err(voice_err)?;
            let _ = std::fs::remove_file(sidecar(&path));
            return Ok(None);
        }
        let path = handle.path().to_path_buf();
        let clip = tokio::task::spawn_blocking(move || handle.stop())
            .await
            .map_err(join_err)?;
        match clip {
            Ok(clip) => Ok(Some(Recorded {
                conv,
                amr: clip.bytes,
                seconds: clip.duration_secs,
                path: clip.path,
            })),
            Err(rongchat_voice::VoiceError::TooShort { .. }) => {
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(sidecar(&path));
                Ok(None)
            }
            Err(e) => Err(voice_err(e)),
        }
    }

    /// Plays a clip (AMR-NB, AAC or MP3 bytes) at the kept speed; emits `voice-playback`
    /// playing/ended for `id`. When it plays to its end (not stopped, not cut by another
    /// clip), `on_ended` gets this play's generation: [`Audio::generation`] still equal to
    /// it means nothing was played or stopped since.
    pub async fn play(
        &self,
        emit: Emit,
        id: String,
        audio: Vec<u8>,
        on_ended: impl FnOnce(u64) + Send + 'static,
    ) -> Result<()> {
        let player = self.player.clone();
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::task::spawn_blocking(move || {
            let mut player = player
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let ended_id = id.clone();
            let ended_emit = emit.clone();
            let mut on_ended = Some(on_ended);
            player
                .play(&audio, move |event| {
                    if matches!(
                        event,
                        PlayerEvent::Ended | PlayerEvent::Stopped | PlayerEvent::DeviceLost(_)
                    ) {
                        ended_emit(
                            crate::events::VOICE_PLAYBACK,
                            json(PlaybackDto {
                                message_id: ended_id.clone(),
                                state: PlaybackState::Ended,
                            }),
                        );
                    }
                    if event == PlayerEvent::Ended
                        && let Some(on_ended) = on_ended.take()
                    {
                        on_ended(generation);
                    }
                })
                .map_err(voice_err)?;
            emit(
                crate::events::VOICE_PLAYBACK,
                json(PlaybackDto {
                    message_id: id,
                    state: PlaybackState::Playing,
                }),
            );
            Ok(())
        })
        .await
        .map_err(join_err)?
    }

    /// Stops playback (and whatever would have played next).
    pub async fn stop_playback(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let player = self.player.clone();
        let _ = tokio::task::spawn_blocking(move || {
            player
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .stop();
        })
        .await;
    }
}

/// dBFS (-60..0) to a 0..1 meter value.
pub fn level_to_unit(dbfs: f32) -> f32 {
    if !dbfs.is_finite() {
        return 0.0;
    }
    ((dbfs + 60.0) / 60.0).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_is_kept_across_starts() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Audio::new(dir.path()).speed(), Speed::Normal);
        Audio::new(dir.path())
            .set_speed(Speed::OneAndAHalf)
            .unwrap();
        assert_eq!(Audio::new(dir.path()).speed(), Speed::OneAndAHalf);
        std::fs::write(dir.path().join("voice.json"), r#"{"speed":3}"#).unwrap();
        assert_eq!(Audio::new(dir.path()).speed(), Speed::Normal);
        std::fs::write(dir.path().join("voice.json"), "not json").unwrap();
        assert_eq!(Audio::new(dir.path()).speed(), Speed::Normal);
    }

    #[test]
    fn meter_scale() {
        assert_eq!(level_to_unit(f32::NEG_INFINITY), 0.0);
        assert_eq!(level_to_unit(-90.0), 0.0);
        assert_eq!(level_to_unit(0.0), 1.0);
        assert!((level_to_unit(-30.0) - 0.5).abs() < 1e-6);
    }
}
