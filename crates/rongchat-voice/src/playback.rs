//! Playing a received clip: decode it (AMR-NB, AAC or MP3, see [`crate::decode`]) to PCM,
//! compress it in time for 1.5x or 2x ([`crate::stretch`], the pitch stays), resample to the
//! output device's own rate, and play through cpal, one clip at a time, with position and
//! end events. Positions and durations are in clip time, whatever the speed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use cpal::traits::DeviceTrait;
use cpal::{FromSample, Sample as _, SizedSample};

use crate::decode::{Pcm, decode};
use crate::devices::{self, Direction};
use crate::error::{Result, VoiceError};
use crate::resample::resample_all;
use crate::stretch::stretch;

/// How often a position event is sent.
const POSITION_INTERVAL: Duration = Duration::from_millis(50);
/// Time allowed after the last sample is handed over for it to leave the device buffer.
const DRAIN: Duration = Duration::from_millis(200);
/// How long the device may stop taking audio before the clip is abandoned.
const STALL_LIMIT: Duration = Duration::from_secs(2);
/// How long opening a device may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// What a playing clip reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlayerEvent {
    /// Playback began; the clip's length.
    Started {
        /// Decoded length.
        duration: Duration,
    },
    /// Audio handed to the device so far, about 20 times a second.
    Position(Duration),
    /// The clip played to its end.
    Ended,
    /// `stop` (or a newer `play`) cut it short.
    Stopped,
    /// The device failed mid-clip.
    DeviceLost(String),
}

/// How fast a clip plays (the pitch stays at every speed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Speed {
    /// As recorded.
    #[default]
    Normal,
    /// 1.5x.
    OneAndAHalf,
    /// 2x.
    Double,
}

impl Speed {
    /// Every speed, slowest first.
    pub const ALL: [Speed; 3] = [Speed::Normal, Speed::OneAndAHalf, Speed::Double];

    /// The factor: clip seconds per played second.
    pub fn factor(self) -> f64 {
        match self {
            Self::Normal => 1.0,
            Self::OneAndAHalf => 1.5,
            Self::Double => 2.0,
        }
    }

    /// The speed with this factor (1, 1.5 or 2), if it is one.
    pub fn from_factor(factor: f64) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| (s.factor() - factor).abs() < 1e-6)
    }
}

impl std::str::FromStr for Speed {
    type Err = VoiceError;

    /// `1`, `1.5` or `2` (an `x` after the number is allowed).
    fn from_str(s: &str) -> Result<Self> {
        s.trim()
            .trim_end_matches(['x', 'X'])
            .parse::<f64>()
            .ok()
            .and_then(Self::from_factor)
            .ok_or_else(|| VoiceError::UnsupportedFormat(format!("speed {s:?} (1, 1.5 or 2)")))
    }
}

struct Playing {
    stop: Sender<()>,
    worker: JoinHandle<()>,
}

/// Plays one clip at a time: a new `play` stops the previous clip first.
pub struct Player {
    device: Option<String>,
    speed: Speed,
    current: Option<Playing>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player")
            .field("device", &self.device)
            .field("speed", &self.speed)
            .field("playing", &self.is_playing())
            .finish()
    }
}

impl Default for Player {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Player {
    /// A player for `device` (id, id suffix or name) or the default output.
    pub fn new(device: Option<&str>) -> Self {
        Self {
            device: device.map(str::to_string),
            speed: Speed::Normal,
            current: None,
        }
    }

    /// The speed of the clips played from now on.
    pub fn set_speed(&mut self, speed: Speed) {
        self.speed = speed;
    }

    /// The speed clips play at.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// Decodes `audio` (AMR-NB, AAC in ADTS or MP4, MP3) and starts playing it at the
    /// player's speed; returns the clip's length. Events arrive on `on_event` from a worker
    /// thread, ending with `Ended`, `Stopped` or `DeviceLost`. A file that does not decode
    /// is refused before any device is touched.
    pub fn play(
        &mut self,
        audio: &[u8],
        on_event: impl FnMut(PlayerEvent) + Send + 'static,
    ) -> Result<Duration> {
        let pcm = decode(audio)?;
        self.play_pcm(pcm, on_event)
    }

    /// Plays decoded audio, as [`Player::play`] does.
    pub fn play_pcm(
        &mut self,
        pcm: Pcm,
        on_event: impl FnMut(PlayerEvent) + Send + 'static,
    ) -> Result<Duration> {
        if pcm.rate == 0 {
            return Err(VoiceError::UnsupportedFormat(
                "a sample rate of 0 Hz".into(),
            ));
        }
        self.stop();
        let duration = pcm.duration();
        let speed = self.speed.factor();
        let (stop, stop_rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let device = self.device.clone();
        let worker = std::thread::Builder::new()
            .name("voice-playback".into())
            .spawn(move || {
                let mut on_event = on_event;
                let opened = open(device.as_deref(), &pcm, speed);
                let (stream, shared, rate) = match opened {
                    Ok(opened) => {
                        let _ = ready_tx.send(Ok(()));
                        opened
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                on_event(PlayerEvent::Started { duration });
                let end = run(&stop_rx, &shared, f64::from(rate) / speed, &mut on_event);
                drop(stream);
                on_event(end);
            })
            .map_err(|e| VoiceError::Device(e.to_string()))?;
        match ready_rx.recv_timeout(OPEN_TIMEOUT) {
            Ok(Ok(())) => {
                self.current = Some(Playing { stop, worker });
                Ok(duration)
            }
            Ok(Err(e)) => {
                let _ = worker.join();
                Err(e)
            }
            Err(_) => {
                let _ = stop.send(());
                Err(VoiceError::Device(
                    "the output device did not open in time".into(),
                ))
            }
        }
    }

    /// Stops the current clip (its worker sends `Stopped`) and waits for the device to close.
    pub fn stop(&mut self) {
        if let Some(playing) = self.current.take() {
            let _ = playing.stop.send(());
            let _ = playing.worker.join();
        }
    }

    /// Whether a clip is still playing.
    pub fn is_playing(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|playing| !playing.worker.is_finished())
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The samples being played and how far the device has taken them.
struct Shared {
    samples: Vec<f32>,
    position: AtomicUsize,
    error: std::sync::Mutex<Option<String>>,
}

/// Plays until the end, a stop or a stalled device; positions are device samples over
/// `samples_per_clip_second` (the device rate divided by the speed).
fn run(
    stop: &mpsc::Receiver<()>,
    shared: &Shared,
    samples_per_clip_second: f64,
    on_event: &mut impl FnMut(PlayerEvent),
) -> PlayerEvent {
    let mut drained = Duration::ZERO;
    let mut last_played = 0;
    let mut stalled = Duration::ZERO;
    loop {
        match stop.recv_timeout(POSITION_INTERVAL) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return PlayerEvent::Stopped,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let played = shared
            .position
            .load(Ordering::Relaxed)
            .min(shared.samples.len());
        on_event(PlayerEvent::Position(Duration::from_secs_f64(
            played as f64 / samples_per_clip_second,
        )));
        if played >= shared.samples.len() {
            drained += POSITION_INTERVAL;
            if drained >= DRAIN {
                return PlayerEvent::Ended;
            }
            continue;
        }
        // Backends report transient errors (the ALSA pulse plugin an occasional EIO) and
        // carry on; only a device that stops taking audio ends the clip.
        stalled = if played > last_played {
            Duration::ZERO
        } else {
            stalled + POSITION_INTERVAL
        };
        last_played = played;
        if stalled >= STALL_LIMIT {
            let error = shared.error.lock().ok().and_then(|mut e| e.take());
            return PlayerEvent::DeviceLost(error.unwrap_or_else(|| "the output stalled".into()));
        }
    }
}

fn open(device: Option<&str>, pcm: &Pcm, speed: f64) -> Result<(cpal::Stream, Arc<Shared>, u32)> {
    let device = devices::find(Direction::Output, device)?;
    let supported = device
        .default_output_config()
        .map_err(|e| VoiceError::Device(e.to_string()))?;
    let rate = supported.sample_rate();
    // Stretch before resampling: at the clip's own rate (8 kHz for AMR) it costs least.
    let shared = Arc::new(Shared {
        samples: resample_all(&stretch(&pcm.samples, pcm.rate, speed), pcm.rate, rate)?,
        position: AtomicUsize::new(0),
        error: std::sync::Mutex::new(None),
    });
    let mut config = supported.config();
    // 50 ms buffers: small enough for prompt position events, large enough that the ALSA
    // pulse plugin does not underrun on a busy machine (10 ms did, with audible gaps).
    config.buffer_size = cpal::BufferSize::Fixed((rate / 20).max(256));
    let format = supported.sample_format();
    let build = |config: &cpal::StreamConfig| {
        let shared = shared.clone();
        crate::devices::with_sample_type!(format, "output", build_typed(&device, config, shared))
    };
    let stream = build(&config).or_else(|_| {
        config.buffer_size = cpal::BufferSize::Default;
        build(&config)
    })?;
    Ok((crate::devices::play(stream)?, shared, rate))
}

fn build_typed<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    shared: Arc<Shared>,
) -> Result<cpal::Stream>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let channels = usize::from(config.channels).max(1);
    let error_shared = shared.clone();
    device
        .build_output_stream::<T, _, _>(
            *config,
            move |out: &mut [T], _| {
                let mut position = shared.position.load(Ordering::Relaxed);
                for frame in out.chunks_mut(channels) {
                    let value = shared.samples.get(position).copied().unwrap_or(0.0);
                    position = (position + 1).min(shared.samples.len());
                    frame.fill(value.to_sample::<T>());
                }
                shared.position.store(position, Ordering::Relaxed);
            },
            move |err: cpal::Error| {
                use cpal::ErrorKind as K;
                if !matches!(err.kind(), K::Xrun | K::DeviceChanged | K::RealtimeDenied)
                    && let Ok(mut slot) = error_shared.error.lock()
                {
                    *slot = Some(err.to_string());
                }
            },
            None,
        )
        .map_err(|e| VoiceError::Device(e.to_string()))
}
