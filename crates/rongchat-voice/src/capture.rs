//! Recording from a real microphone: a thin cpal layer over [`Recorder`].
//!
//! One worker thread owns the cpal stream and the recorder. The audio callback only
//! converts samples to f32 and sends them over a channel, so encoding and disk writes never
//! run on the real-time thread.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use cpal::traits::DeviceTrait;
use cpal::{FromSample, SizedSample};

use crate::devices::{self, Direction};
use crate::error::{Result, VoiceError};
use crate::level::Level;
use crate::recorder::{Clip, Limits, Recorder, RecorderState};

/// How long the device may go quiet after reporting an error before recording ends.
const STALL_LIMIT: Duration = Duration::from_secs(2);
/// How long opening a device may take before we give up.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// What to record from and how long at most.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordOptions {
    /// A device id (`alsa:pulse`), id suffix (`pulse`) or name; `None` for the default.
    pub device: Option<String>,
    /// Minimum and maximum clip length.
    pub limits: Limits,
}

/// Streamed to the caller while recording.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordingEvent {
    /// About 20 a second: the level and the elapsed time.
    Level(Level),
    /// The maximum length was reached; the clip is complete. Call `stop` to take it.
    LimitReached,
    /// The device failed; the clip holds what was recorded until then. Call `stop`.
    DeviceLost(String),
}

enum Msg {
    Audio(Vec<f32>),
    StreamError(String),
    Stop,
    Cancel,
}

#[derive(Debug, Default)]
struct Finished {
    done: Mutex<bool>,
    changed: Condvar,
}

/// A recording in progress.
#[derive(Debug)]
pub struct RecordingHandle {
    control: Sender<Msg>,
    worker: Option<JoinHandle<Result<Clip>>>,
    finished: Arc<Finished>,
    path: PathBuf,
}

/// Starts recording from `device` (or the default input) into the AMR file at `path`, with
/// the protocol's 1 s / 60 s limits. Levels arrive on `on_event` from a worker thread.
pub fn start_recording(
    device: Option<&str>,
    path: impl AsRef<Path>,
    on_event: impl FnMut(RecordingEvent) + Send + 'static,
) -> Result<RecordingHandle> {
    let options = RecordOptions {
        device: device.map(str::to_string),
        limits: Limits::default(),
    };
    start_recording_with(options, path, on_event)
}

/// [`start_recording`] with explicit options. Returns once the stream runs (or failed to
/// open); the first audio may take a second or two more to arrive.
pub fn start_recording_with(
    options: RecordOptions,
    path: impl AsRef<Path>,
    on_event: impl FnMut(RecordingEvent) + Send + 'static,
) -> Result<RecordingHandle> {
    let path = path.as_ref().to_path_buf();
    let (control, inbox) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::sync_channel(1);
    let finished = Arc::new(Finished::default());
    let worker = {
        let path = path.clone();
        let finished = finished.clone();
        let audio_tx = control.clone();
        std::thread::Builder::new()
            .name("voice-capture".into())
            .spawn(move || worker(options, path, on_event, inbox, audio_tx, ready_tx, finished))
            .map_err(|e| VoiceError::RecorderGone(e.to_string()))?
    };
    match ready_rx.recv_timeout(OPEN_TIMEOUT) {
        Ok(Ok(())) => Ok(RecordingHandle {
            control,
            worker: Some(worker),
            finished,
            path,
        }),
        Ok(Err(e)) => {
            let _ = worker.join();
            Err(e)
        }
        Err(_) => {
            let _ = control.send(Msg::Cancel);
            Err(VoiceError::Device(
                "the input device did not open in time".into(),
            ))
        }
    }
}

impl RecordingHandle {
    /// Where the clip is being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether recording stopped by itself (limit reached or device lost).
    pub fn is_finished(&self) -> bool {
        self.finished.done.lock().map(|d| *d).unwrap_or(true)
    }

    /// Waits up to `timeout` for recording to stop by itself; true if it did.
    pub fn wait_finished(&self, timeout: Duration) -> bool {
        let Ok(guard) = self.finished.done.lock() else {
            return true;
        };
        self.finished
            .changed
            .wait_timeout_while(guard, timeout, |done| !*done)
            .map(|(done, _)| *done)
            .unwrap_or(true)
    }

    /// Stops recording and returns the complete clip (or [`VoiceError::TooShort`]).
    pub fn stop(mut self) -> Result<Clip> {
        self.finish_with(Msg::Stop)
    }

    /// Stops recording and deletes the clip.
    pub fn cancel(mut self) -> Result<()> {
        match self.finish_with(Msg::Cancel) {
            Ok(_) | Err(VoiceError::Cancelled) | Err(VoiceError::TooShort { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn finish_with(&mut self, msg: Msg) -> Result<Clip> {
        let _ = self.control.send(msg);
        let worker = self
            .worker
            .take()
            .ok_or_else(|| VoiceError::RecorderGone("already stopped".into()))?;
        worker
            .join()
            .map_err(|_| VoiceError::RecorderGone("the capture thread panicked".into()))?
    }
}

impl Drop for RecordingHandle {
    /// A dropped handle keeps the clip: the worker finishes it in the background.
    fn drop(&mut self) {
        if self.worker.is_some() {
            let _ = self.control.send(Msg::Stop);
        }
    }
}

fn worker(
    options: RecordOptions,
    path: PathBuf,
    mut on_event: impl FnMut(RecordingEvent),
    inbox: Receiver<Msg>,
    audio_tx: Sender<Msg>,
    ready: mpsc::SyncSender<Result<()>>,
    finished: Arc<Finished>,
) -> Result<Clip> {
    let opened = open(&options, &path, audio_tx);
    let (stream, mut recorder) = match opened {
        Ok(opened) => {
            let _ = ready.send(Ok(()));
            opened
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return Err(VoiceError::RecorderGone("the device did not open".into()));
        }
    };
    let mut stream = Some(stream);
    // Closes the device; called after the event that says why, so a caller woken by
    // `wait_finished` already has that event.
    let mark_finished = |stream: &mut Option<cpal::Stream>| {
        *stream = None;
        if let Ok(mut done) = finished.done.lock() {
            *done = true;
        }
        finished.changed.notify_all();
    };
    let mut last_error: Option<String> = None;
    loop {
        let msg = match inbox.recv_timeout(STALL_LIMIT) {
            Ok(msg) => Ok(msg),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // Backends report transient errors and carry on; only a device that stops
                // delivering after an error ends the recording.
                if let Some(e) = last_error.take()
                    && stream.is_some()
                {
                    on_event(RecordingEvent::DeviceLost(e));
                    mark_finished(&mut stream);
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(()),
        };
        match msg {
            Ok(Msg::Audio(samples)) => {
                if stream.is_none() {
                    continue;
                }
                last_error = None;
                let state = recorder.push(&samples, &mut |level| {
                    on_event(RecordingEvent::Level(level))
                })?;
                if state == RecorderState::LimitReached {
                    on_event(RecordingEvent::LimitReached);
                    mark_finished(&mut stream);
                }
            }
            Ok(Msg::StreamError(e)) => last_error = Some(e),
            Ok(Msg::Stop) | Err(_) => {
                drop(stream.take());
                // Keep what the callback already delivered.
                while let Ok(Msg::Audio(samples)) = inbox.try_recv() {
                    recorder.push(&samples, &mut |level| {
                        on_event(RecordingEvent::Level(level))
                    })?;
                }
                return recorder.finish();
            }
            Ok(Msg::Cancel) => {
                drop(stream.take());
                recorder.cancel()?;
                return Err(VoiceError::Cancelled);
            }
        }
    }
}

fn open(
    options: &RecordOptions,
    path: &Path,
    audio_tx: Sender<Msg>,
) -> Result<(cpal::Stream, Recorder)> {
    let device = devices::find(Direction::Input, options.device.as_deref())?;
    let supported = device
        .default_input_config()
        .map_err(|e| VoiceError::Device(e.to_string()))?;
    let rate = supported.sample_rate();
    let channels = usize::from(supported.channels());
    let recorder = Recorder::create(path, rate, channels, options.limits)?;
    let mut config: cpal::StreamConfig = supported.config();
    // ~10 ms buffers give steady delivery through the ALSA pulse plugin; fall back to the
    // device's default buffer when it refuses a fixed size.
    config.buffer_size = cpal::BufferSize::Fixed((rate / 100).max(64));
    let format = supported.sample_format();
    let build = |config: &cpal::StreamConfig, tx: Sender<Msg>| {
        crate::devices::with_sample_type!(format, "capture", build_typed(&device, config, tx))
    };
    let stream = build(&config, audio_tx.clone()).or_else(|_| {
        config.buffer_size = cpal::BufferSize::Default;
        build(&config, audio_tx)
    })?;
    Ok((crate::devices::play(stream)?, recorder))
}

fn build_typed<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    tx: Sender<Msg>,
) -> Result<cpal::Stream>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    let error_tx = tx.clone();
    device
        .build_input_stream::<T, _, _>(
            *config,
            move |data: &[T], _| {
                let _ = tx.send(Msg::Audio(
                    data.iter().map(|s| s.to_sample::<f32>()).collect(),
                ));
            },
            move |err: cpal::Error| {
                use cpal::ErrorKind as K;
                // Glitches and reroutes are survivable; anything else ends the recording.
                if !matches!(err.kind(), K::Xrun | K::DeviceChanged | K::RealtimeDenied) {
                    let _ = error_tx.send(Msg::StreamError(err.to_string()));
                }
            },
            None,
        )
        .map_err(|e| VoiceError::Device(e.to_string()))
}
