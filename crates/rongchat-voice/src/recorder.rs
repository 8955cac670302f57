//! The device-free recording core: interleaved float frames from any capture format go
//! in; levels come out, and MR122 records are appended to the clip file as they are made.
//!
//! Its clock is the audio itself (frames pushed / capture rate): the 60 s limit, the 1 s
//! minimum and the elapsed time all count recorded samples, so a test drives it at any
//! speed by pushing samples, and a stalled device cannot make a clip claim time it lacks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::amr::{self, AmrFileWriter, FRAME_SAMPLES, MAGIC, SAMPLE_RATE};
use crate::codec::{Encoder, Mr122Record};
use crate::error::{Result, VoiceError};
use crate::level::{Level, LevelMeter};
use crate::resample::{StreamResampler, downmix, to_i16};

/// Highest capture rate accepted (anything above is a misreported format).
const MAX_CAPTURE_RATE: u32 = 384_000;
/// Most channels accepted from a device.
const MAX_CHANNELS: usize = 64;

/// The protocol's clip length rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Shorter clips are discarded.
    pub min: Duration,
    /// Recording stops by itself here and the clip is kept.
    pub max: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            min: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

/// A finished clip, ready for an `RC:VcMsg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clip {
    /// Where the AMR file is.
    pub path: PathBuf,
    /// The whole AMR file (what gets base64-encoded into the message).
    pub bytes: Vec<u8>,
    /// 20 ms records in the file.
    pub frames: usize,
    /// frames x 20 ms.
    pub duration: Duration,
    /// The message's `duration` field: whole seconds, rounded up.
    pub duration_secs: u32,
}

/// Whether the recorder takes more audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecorderState {
    /// Still recording.
    Recording,
    /// The maximum length is reached; further audio is ignored. Call `finish`.
    LimitReached,
}

/// Mono audio at any rate -> 8 kHz -> 16-bit -> MR122 records.
#[derive(Debug)]
pub struct EncodePipeline {
    resampler: StreamResampler,
    encoder: Encoder,
    resampled: Vec<f32>,
    frame: Vec<i16>,
}

impl EncodePipeline {
    /// A pipeline for mono audio at `rate` Hz.
    pub fn new(rate: u32) -> Result<Self> {
        if rate == 0 || rate > MAX_CAPTURE_RATE {
            return Err(VoiceError::UnsupportedFormat(format!(
                "sample rate {rate} Hz"
            )));
        }
        Ok(Self {
            resampler: StreamResampler::new(rate, SAMPLE_RATE)?,
            encoder: Encoder::new()?,
            resampled: Vec::new(),
            frame: Vec::with_capacity(FRAME_SAMPLES),
        })
    }

    /// Feeds mono samples; `sink` gets each record as soon as its frame is complete.
    pub fn push(
        &mut self,
        mono: &[f32],
        sink: &mut dyn FnMut(&Mr122Record) -> Result<()>,
    ) -> Result<()> {
        self.resampled.clear();
        self.resampler.push(mono, &mut self.resampled)?;
        self.encode_ready(sink)
    }

    /// Flushes the resampler and pads the last frame with silence.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&Mr122Record) -> Result<()>) -> Result<()> {
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled)?;
        self.encode_ready(sink)?;
        if !self.frame.is_empty() {
            self.frame.resize(FRAME_SAMPLES, 0);
            self.encode_frame(sink)?;
        }
        Ok(())
    }

    fn encode_ready(&mut self, sink: &mut dyn FnMut(&Mr122Record) -> Result<()>) -> Result<()> {
        for i in 0..self.resampled.len() {
            self.frame.push(to_i16(self.resampled[i]));
            if self.frame.len() == FRAME_SAMPLES {
                self.encode_frame(sink)?;
            }
        }
        Ok(())
    }

    fn encode_frame(&mut self, sink: &mut dyn FnMut(&Mr122Record) -> Result<()>) -> Result<()> {
        let mut pcm = [0i16; FRAME_SAMPLES];
        pcm.copy_from_slice(&self.frame);
        self.frame.clear();
        sink(&self.encoder.encode(&pcm)?)
    }
}

/// Encodes interleaved float audio of any rate and channel count into a complete AMR file.
pub fn encode_interleaved(interleaved: &[f32], rate: u32, channels: usize) -> Result<Vec<u8>> {
    check_channels(channels)?;
    let mut mono = Vec::with_capacity(interleaved.len() / channels);
    downmix(interleaved, channels, &mut mono);
    let mut pipeline = EncodePipeline::new(rate)?;
    let mut out = MAGIC.to_vec();
    let mut sink = |record: &Mr122Record| {
        out.extend_from_slice(record);
        Ok(())
    };
    pipeline.push(&mono, &mut sink)?;
    pipeline.finish(&mut sink)?;
    Ok(out)
}

fn check_channels(channels: usize) -> Result<()> {
    if channels == 0 || channels > MAX_CHANNELS {
        return Err(VoiceError::UnsupportedFormat(format!(
            "{channels} channels"
        )));
    }
    Ok(())
}

/// Records one clip to a file: the core behind the cpal capture and the tests.
#[derive(Debug)]
pub struct Recorder {
    pipeline: EncodePipeline,
    writer: AmrFileWriter,
    meter: LevelMeter,
    channels: usize,
    rate: u32,
    limits: Limits,
    /// Input frames accepted so far, and the most that will be.
    taken: u64,
    max_frames: u64,
    mono: Vec<f32>,
}

impl Recorder {
    /// Starts a clip at `path` (created, magic written) for audio at `rate` Hz with
    /// `channels` interleaved channels.
    pub fn create(
        path: impl AsRef<Path>,
        rate: u32,
        channels: usize,
        limits: Limits,
    ) -> Result<Self> {
        check_channels(channels)?;
        let pipeline = EncodePipeline::new(rate)?;
        let writer = AmrFileWriter::create(path)?;
        let max_frames = (limits.max.as_secs_f64() * f64::from(rate)).round() as u64;
        Ok(Self {
            pipeline,
            writer,
            meter: LevelMeter::new(rate),
            channels,
            rate,
            limits,
            taken: 0,
            max_frames,
            mono: Vec::new(),
        })
    }

    /// Feeds captured audio (interleaved, `channels` per frame). Audio past the limit is
    /// dropped and the state says so.
    pub fn push(
        &mut self,
        interleaved: &[f32],
        on_level: &mut dyn FnMut(Level),
    ) -> Result<RecorderState> {
        let room = usize::try_from(self.max_frames - self.taken).unwrap_or(usize::MAX);
        let frames = (interleaved.len() / self.channels).min(room);
        if frames > 0 {
            self.mono.clear();
            downmix(
                &interleaved[..frames * self.channels],
                self.channels,
                &mut self.mono,
            );
            self.meter.push(&self.mono, on_level);
            let writer = &mut self.writer;
            self.pipeline
                .push(&self.mono, &mut |record| writer.append(record))?;
            self.taken += frames as u64;
        }
        Ok(self.state())
    }

    /// Whether more audio is accepted.
    pub fn state(&self) -> RecorderState {
        if self.taken >= self.max_frames {
            RecorderState::LimitReached
        } else {
            RecorderState::Recording
        }
    }

    /// Audio recorded so far.
    pub fn elapsed(&self) -> Duration {
        Duration::from_secs_f64(self.taken as f64 / f64::from(self.rate))
    }

    /// Where the clip is being written.
    pub fn path(&self) -> &Path {
        self.writer.path()
    }

    /// Completes the clip: flushes the filter and the last frame, syncs the file and
    /// returns it. A clip under the minimum is deleted and reported as [`VoiceError::TooShort`].
    pub fn finish(mut self) -> Result<Clip> {
        let elapsed = self.elapsed();
        if elapsed < self.limits.min {
            let path = self.writer.path().to_path_buf();
            drop(self.writer);
            remove(&path)?;
            return Err(VoiceError::TooShort {
                millis: elapsed.as_millis() as u64,
            });
        }
        let writer = &mut self.writer;
        self.pipeline.finish(&mut |record| writer.append(record))?;
        self.writer.sync()?;
        let path = self.writer.path().to_path_buf();
        let bytes = std::fs::read(&path).map_err(|e| VoiceError::io("read", &path, e))?;
        let frames = self.writer.frames();
        debug_assert_eq!(bytes.len(), self.writer.bytes());
        Ok(Clip {
            path,
            bytes,
            frames,
            duration: amr::FRAME_DURATION * frames as u32,
            duration_secs: amr::duration_secs_for_frames(frames),
        })
    }

    /// Abandons the clip and deletes its file.
    pub fn cancel(self) -> Result<()> {
        let path = self.writer.path().to_path_buf();
        drop(self.writer);
        remove(&path)
    }
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(VoiceError::io("remove", path, e)),
    }
}
