//! WAV in and out: any PCM or float WAV is read as interleaved f32; output is the 8 kHz
//! 16-bit mono PCM WAV every webview plays.

use std::io::Cursor;
use std::path::Path;

use crate::amr::SAMPLE_RATE;
use crate::codec::decode_amr;
use crate::error::{Result, VoiceError};

/// Interleaved audio read from a WAV file.
#[derive(Clone, Debug, PartialEq)]
pub struct WavAudio {
    /// Interleaved samples in [-1, 1].
    pub samples: Vec<f32>,
    /// Frames per second.
    pub rate: u32,
    /// Channels per frame.
    pub channels: usize,
}

fn wav_error(e: impl std::fmt::Display) -> VoiceError {
    VoiceError::Wav(e.to_string())
}

/// Reads a WAV file of any rate, channel count and sample format hound understands.
pub fn read_wav(path: impl AsRef<Path>) -> Result<WavAudio> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| VoiceError::io("read", path, e))?;
    parse_wav(&bytes)
}

/// Parses WAV bytes (see [`read_wav`]).
pub fn parse_wav(bytes: &[u8]) -> Result<WavAudio> {
    let mut reader = hound::WavReader::new(Cursor::new(bytes)).map_err(wav_error)?;
    let spec = reader.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .collect::<std::result::Result<_, _>>()
            .map_err(wav_error)?,
        hound::SampleFormat::Int => {
            let bits = spec.bits_per_sample;
            if bits == 0 || bits > 32 {
                return Err(VoiceError::UnsupportedFormat(format!("{bits}-bit WAV")));
            }
            let scale = 1.0 / (1u64 << (bits - 1)) as f64;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| (f64::from(v) * scale) as f32))
                .collect::<std::result::Result<_, _>>()
                .map_err(wav_error)?
        }
    };
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(VoiceError::UnsupportedFormat(format!(
            "{} channels at {} Hz",
            spec.channels, spec.sample_rate
        )));
    }
    Ok(WavAudio {
        samples,
        rate: spec.sample_rate,
        channels: usize::from(spec.channels),
    })
}

/// 16-bit mono PCM as WAV bytes.
pub fn pcm_to_wav(pcm: &[i16], rate: u32) -> Result<Vec<u8>> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::with_capacity(44 + pcm.len() * 2));
    let mut writer = hound::WavWriter::new(&mut out, spec).map_err(wav_error)?;
    for &s in pcm {
        writer.write_sample(s).map_err(wav_error)?;
    }
    writer.finalize().map_err(wav_error)?;
    Ok(out.into_inner())
}

/// Decodes an AMR clip to an 8 kHz 16-bit mono PCM WAV, for a UI that plays it itself.
pub fn amr_to_wav(amr: &[u8]) -> Result<Vec<u8>> {
    pcm_to_wav(&decode_amr(amr)?, SAMPLE_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_round_trip() {
        let pcm = [0i16, 16384, -32768, 32767];
        let bytes = pcm_to_wav(&pcm, 8000).unwrap();
        assert_eq!(bytes.len(), 44 + 8);
        let audio = parse_wav(&bytes).unwrap();
        assert_eq!((audio.rate, audio.channels), (8000, 1));
        assert_eq!(audio.samples, [0.0, 0.5, -1.0, 32767.0 / 32768.0]);
        assert!(parse_wav(b"RIFF").is_err());
    }
}
