//! Voice clips for RongChat: capture from a microphone, resample to 8 kHz with a real
//! anti-alias filter, encode AMR-NB 12.2 kbit/s into the AMR file format while recording,
//! decode and play received clips, and stream levels to the UI.
//!
//! Pure parts ([`amr`], [`codec`], [`resample`], [`level`], [`recorder`], [`wav`]) do no
//! I/O on devices and are tested with pushed samples; [`capture`] and [`playback`] are the
//! thin cpal layer. With the `headless-pulse` feature, `headless` runs a private
//! PulseAudio daemon (a virtual microphone and speaker) for tests and tools.
//!
//! ```no_run
//! use rongchat_voice::{Player, RecordingEvent, start_recording, amr_to_wav};
//!
//! # fn main() -> rongchat_voice::Result<()> {
//! // Record from the default microphone; levels arrive about 20 times a second.
//! let handle = start_recording(None, "/tmp/clip.amr", |event| {
//!     if let RecordingEvent::Level(level) = event {
//!         println!("{:.1} s, {:.0} dBFS", level.elapsed.as_secs_f64(), level.rms_dbfs());
//!     }
//! })?;
//! // ... the user releases the button (or the 60 s limit stops it by itself) ...
//! let clip = handle.stop()?; // Err(TooShort) under 1 s; handle.cancel() discards
//! // clip.bytes is the AMR file for RC:VcMsg's `content`, clip.duration_secs its `duration`.
//!
//! // Play a received clip, or hand the UI a WAV.
//! let mut player = Player::default();
//! player.play(&clip.bytes, |event| println!("{event:?}"))?;
//! let wav = amr_to_wav(&clip.bytes)?;
//! # let _ = wav;
//! # Ok(())
//! # }
//! ```

pub mod amr;
pub mod capture;
pub mod codec;
pub mod decode;
pub mod devices;
pub mod error;
#[cfg(all(unix, feature = "headless-pulse"))]
pub mod headless;
pub mod level;
pub mod playback;

pub mod recorder;
pub mod resample;
pub mod stretch;
pub mod wav;

pub use amr::{ClipInfo, Mode, info, recover};
pub use capture::{RecordOptions, RecordingEvent, RecordingHandle, start_recording};
pub use codec::{Decoder, Encoder, decode_amr, encode_pcm};
pub use decode::{Format, Pcm, decode, sniff};
pub use error::{Result, VoiceError};
pub use level::Level;
pub use playback::{Player, PlayerEvent, Speed};

pub use recorder::{Clip, Limits, Recorder, RecorderState, encode_interleaved};
pub use wav::amr_to_wav;
