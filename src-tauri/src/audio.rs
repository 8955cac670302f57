//! The app's audio: at most one recording and one playing clip at a time. The voice crate
//! does the work on its own threads; this keeps the handles and talks to the page.

use crate::error::{Error, Result};
use crate::models::{ConvRef, PlaybackDto, RecordingDto};
use crate::session::Session;
use rongchat_voice::{Player, PlayerEvent, RecordingEvent, RecordingHandle};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::Mutex;

struct Recording {
    handle: RecordingHandle,
    session: Arc<Session>,
    conv: ConvRef,
}

/// Recording and playback state.
#[derive(Default)]
pub struct Audio {
    recording: Mutex<Option<Recording>>,
    player: Arc<std::sync::Mutex<Player>>,
}

impl std::fmt::Debug for Audio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audio").finish_non_exhaustive()
    }
}

fn voice_err(e: rongchat_voice::VoiceError) -> Error {
    Error::Voice(e.to_string())
}

impl Audio {
    /// Starts recording from the default microphone into a temp AMR file.
    pub async fn start_recording(
        &self,
        session: Arc<Session>,
        conv: ConvRef,
        on_event: impl Fn(RecordingDto) + Send + Sync + 'static,
    ) -> Result<()> {
        let mut slot = self.recording.lock().await;
        if let Some(old) = slot.take() {
            let _ = tokio::task::spawn_blocking(move || old.handle.cancel()).await;
        }
        let path = session
            .voice_dir()
            .join(format!("rec-{}.amr", crate::session::now_ms()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let handle = tokio::task::spawn_blocking(move || {
            rongchat_voice::start_recording(None, &path, move |event| match event {
                RecordingEvent::Level(level) => on_event(RecordingDto::Level {
                    level: level_to_unit(level.rms_dbfs()),
                    elapsed: level.elapsed.as_secs_f32(),
                }),
                RecordingEvent::LimitReached | RecordingEvent::DeviceLost(_) => {
                    on_event(RecordingDto::Finished)
                }
            })
        })
        .await
        .map_err(|e| Error::Voice(e.to_string()))?
        .map_err(voice_err)?;
        *slot = Some(Recording {
            handle,
            session,
            conv,
        });
        Ok(())
    }

    /// Stops recording; sends the clip when asked. Returns whether a clip was sent.
    pub async fn stop_recording(&self, send: bool) -> Result<bool> {
        let Some(rec) = self.recording.lock().await.take() else {
            return Ok(false);
        };
        if !send {
            tokio::task::spawn_blocking(move || rec.handle.cancel())
                .await
                .map_err(|e| Error::Voice(e.to_string()))?
                .map_err(voice_err)?;
            return Ok(false);
        }
        let clip = tokio::task::spawn_blocking(move || rec.handle.stop())
            .await
            .map_err(|e| Error::Voice(e.to_string()))?;
        match clip {
            Ok(clip) => {
                let _ = std::fs::remove_file(&clip.path);
                rec.session
                    .send_voice(&rec.conv, clip.bytes, clip.duration_secs)
                    .await?;
                Ok(true)
            }
            Err(rongchat_voice::VoiceError::TooShort { .. }) => Ok(false),
            Err(e) => Err(voice_err(e)),
        }
    }

    /// Plays AMR bytes; emits `voice-playback` started/ended for `id`.
    pub async fn play<R: Runtime>(
        &self,
        app: AppHandle<R>,
        id: String,
        amr: Vec<u8>,
    ) -> Result<()> {
        let player = self.player.clone();
        tokio::task::spawn_blocking(move || {
            let mut player = player
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let ended_id = id.clone();
            let ended_app = app.clone();
            player
                .play(&amr, move |event| {
                    if matches!(
                        event,
                        PlayerEvent::Ended | PlayerEvent::Stopped | PlayerEvent::DeviceLost(_)
                    ) {
                        let _ = ended_app.emit(
                            crate::events::VOICE_PLAYBACK,
                            PlaybackDto {
                                message_id: ended_id.clone(),
                                state: "ended",
                            },
                        );
                    }
                })
                .map_err(voice_err)?;
            let _ = app.emit(
                crate::events::VOICE_PLAYBACK,
                PlaybackDto {
                    message_id: id,
                    state: "playing",
                },
            );
            Ok(())
        })
        .await
        .map_err(|e| Error::Voice(e.to_string()))?
    }

    /// Stops playback.
    pub async fn stop_playback(&self) {
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
    fn meter_scale() {
        assert_eq!(level_to_unit(f32::NEG_INFINITY), 0.0);
        assert_eq!(level_to_unit(-90.0), 0.0);
        assert_eq!(level_to_unit(0.0), 1.0);
        assert!((level_to_unit(-30.0) - 0.5).abs() < 1e-6);
    }
}
