//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong with a voice clip.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VoiceError {
    /// The bytes do not start with the AMR-NB magic `#!AMR\n`.
    #[error("not an AMR-NB file: the magic #!AMR\\n is missing")]
    BadMagic,
    /// The file holds the magic and nothing else.
    #[error("the AMR file holds no frames")]
    Empty,
    /// A frame header announces more bytes than the file has left.
    #[error("truncated AMR frame {index} at byte {offset}: needs {needed} bytes, {available} left")]
    TruncatedFrame {
        /// Zero-based frame number.
        index: usize,
        /// Byte offset of the frame header in the file.
        offset: usize,
        /// Bytes the header promises (header byte included).
        needed: usize,
        /// Bytes that were actually there.
        available: usize,
    },
    /// A frame header uses a frame type the format reserves (9-14).
    #[error("AMR frame {index} at byte {offset} has reserved frame type {frame_type}")]
    ReservedFrameType {
        /// Zero-based frame number.
        index: usize,
        /// Byte offset of the frame header in the file.
        offset: usize,
        /// The 4-bit frame type found.
        frame_type: u8,
    },
    /// Not audio this crate plays: neither AMR-NB nor AAC (ADTS, MP4/M4A) nor MP3.
    #[error("not a supported audio file (AMR-NB, AAC or MP3)")]
    NotAudio,
    /// An AAC or MP3 file whose stream is broken (damaged, cut before any audio, or the
    /// decoder library gave up on it).
    #[error("broken audio file: {0}")]
    Decode(String),
    /// The clip is longer than anything this crate will decode or send.
    #[error("clip too long: {secs} s (the limit is {limit_secs} s)")]
    TooLong {
        /// The length found, in whole seconds (rounded down).
        secs: u64,
        /// The limit.
        limit_secs: u64,
    },
    /// A clip shorter than the protocol's 1 s minimum; it was discarded.
    #[error("clip too short: {millis} ms recorded, at least 1 s is needed; discarded")]
    TooShort {
        /// What was recorded, in milliseconds.
        millis: u64,
    },
    /// The recording was cancelled by the user; nothing was kept.
    #[error("recording cancelled")]
    Cancelled,
    /// The codec library refused a frame.
    #[error("codec: {0}")]
    Codec(String),
    /// The resampler could not be built or run.
    #[error("resampler: {0}")]
    Resample(String),
    /// A WAV file could not be read or written.
    #[error("wav: {0}")]
    Wav(String),
    /// An audio format this crate does not handle (e.g. zero channels).
    #[error("unsupported audio format: {0}")]
    UnsupportedFormat(String),
    /// No such audio device, or no default one.
    #[error("audio device not found: {0}")]
    DeviceNotFound(String),
    /// The audio backend (cpal) failed.
    #[error("audio device: {0}")]
    Device(String),
    /// The recording thread stopped without a result (it panicked or the stream died).
    #[error("recording thread ended unexpectedly: {0}")]
    RecorderGone(String),
    /// A file system operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// On which file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Result with [`VoiceError`].
pub type Result<T, E = VoiceError> = std::result::Result<T, E>;

impl VoiceError {
    /// Wraps an I/O error with what was being done and to which file.
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.into(),
            source,
        }
    }
}
