//! Voice clips for RongChat: capture from a microphone, resample to 8 kHz with a real
//! anti-alias filter, encode AMR-NB 12.2 kbit/s into the AMR file format while recording,
//! decode and play received clips, and stream levels to the UI.
//!
//! Pure parts ([`amr`], [`codec`], [`resample`], [`level`], [`recorder`], [`wav`]) do no
//! I/O on devices and are tested with pushed samples; [`capture`] and [`playback`] are the
//! thin cpal layer.

pub mod amr;
pub mod capture;
pub mod codec;
pub mod devices;
pub mod error;
pub mod level;
pub mod playback;

pub mod recorder;
pub mod resample;
pub mod wav;

pub use amr::{ClipInfo, Mode, info, recover};
pub use capture::{RecordOptions, RecordingEvent, RecordingHandle, start_recording};
pub use codec::{Decoder, Encoder, decode_amr, encode_pcm};
pub use error::{Result, VoiceError};
pub use level::Level;
pub use playback::{Player, PlayerEvent};

pub use recorder::{Clip, Limits, Recorder, RecorderState, encode_interleaved};
pub use wav::amr_to_wav;
