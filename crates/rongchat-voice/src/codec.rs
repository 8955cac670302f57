//! Our small encoder/decoder API over the AMR-NB codec (`rvoip-codec-core`, pure Rust,
//! bit-exact with the 3GPP reference). Nothing outside this module names the codec crate,
//! so it can be swapped without touching callers.

use codec_core::codecs::amr::AmrCodec;
use codec_core::types::{AudioCodec, CodecConfig, CodedFrame, VariableRateCodec};

use crate::amr::{self, FRAME_SAMPLES, Frame, FrameType, MAGIC, MR122_RECORD_BYTES, Mode};
use crate::error::{Result, VoiceError};

/// One 20 ms frame of 8 kHz PCM.
pub type PcmFrame = [i16; FRAME_SAMPLES];
/// One MR122 record as stored in the file: header byte then 31 payload bytes.
pub type Mr122Record = [u8; MR122_RECORD_BYTES];

fn codec_error(e: impl std::fmt::Display) -> VoiceError {
    VoiceError::Codec(e.to_string())
}

fn new_codec() -> Result<AmrCodec> {
    let mut codec = AmrCodec::new(&CodecConfig::amr_nb()).map_err(codec_error)?;
    // Voice clips are files, not a call: every frame is coded as speech, never comfort noise.
    codec.set_allow_dtx(false);
    codec.set_mode(Mode::Mr122.index()).map_err(codec_error)?;
    Ok(codec)
}

/// AMR-NB encoder at 12.2 kbit/s without DTX.
pub struct Encoder {
    codec: AmrCodec,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").finish_non_exhaustive()
    }
}

impl Encoder {
    /// A fresh encoder (its state carries across frames: feed one stream per encoder).
    pub fn new() -> Result<Self> {
        Ok(Self {
            codec: new_codec()?,
        })
    }

    /// Encodes one frame into a complete file record.
    pub fn encode(&mut self, pcm: &PcmFrame) -> Result<Mr122Record> {
        let coded = self.codec.encode_frame(pcm).map_err(codec_error)?;
        let mode = Mode::from_index(coded.mode);
        if mode != Some(Mode::Mr122) || coded.data.len() != MR122_RECORD_BYTES - 1 {
            return Err(VoiceError::Codec(format!(
                "encoder produced mode {} with {} bytes, expected MR122 with 31",
                coded.mode,
                coded.data.len()
            )));
        }
        let mut record = [0u8; MR122_RECORD_BYTES];
        record[0] = FrameType::Speech(Mode::Mr122).header_byte();
        record[1..].copy_from_slice(&coded.data);
        Ok(record)
    }
}

/// AMR-NB decoder for every frame type a file can hold (all speech modes, SID, NO_DATA).
pub struct Decoder {
    codec: AmrCodec,
    last_mode: Mode,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("last_mode", &self.last_mode)
            .finish_non_exhaustive()
    }
}

impl Decoder {
    /// A fresh decoder.
    pub fn new() -> Result<Self> {
        Ok(Self {
            codec: new_codec()?,
            last_mode: Mode::Mr122,
        })
    }

    /// Decodes one checked record (from [`amr::parse`]) to 160 samples.
    pub fn decode(&mut self, frame: &Frame<'_>) -> Result<PcmFrame> {
        let coded = match frame.frame_type {
            FrameType::Speech(mode) => {
                self.last_mode = mode;
                CodedFrame::speech(mode.index(), frame.payload.to_vec())
            }
            FrameType::Sid => CodedFrame::comfort_noise(frame.payload.to_vec()),
            FrameType::NoData => {
                let mut gap = CodedFrame::no_data();
                gap.mode = self.last_mode.index();
                gap
            }
        };
        let coded = if frame.quality_ok {
            coded
        } else {
            coded.with_bad_quality()
        };
        let pcm = self.codec.decode_frame(&coded).map_err(codec_error)?;
        pcm.try_into().map_err(|pcm: Vec<i16>| {
            VoiceError::Codec(format!("decoder returned {} samples, not 160", pcm.len()))
        })
    }
}

/// Encodes 8 kHz mono PCM into a complete AMR file; a partial last frame is padded with
/// silence.
pub fn encode_pcm(pcm: &[i16]) -> Result<Vec<u8>> {
    let mut encoder = Encoder::new()?;
    let mut out = Vec::with_capacity(MAGIC.len() + pcm.len().div_ceil(FRAME_SAMPLES) * 32);
    out.extend_from_slice(MAGIC);
    for chunk in pcm.chunks(FRAME_SAMPLES) {
        let mut frame = [0i16; FRAME_SAMPLES];
        frame[..chunk.len()].copy_from_slice(chunk);
        out.extend_from_slice(&encoder.encode(&frame)?);
    }
    Ok(out)
}

/// Decodes a complete AMR-NB file to 8 kHz mono PCM (frames x 160 samples).
pub fn decode_amr(bytes: &[u8]) -> Result<Vec<i16>> {
    let frames = amr::parse(bytes)?;
    let mut decoder = Decoder::new()?;
    let mut pcm = Vec::with_capacity(frames.len() * FRAME_SAMPLES);
    for frame in &frames {
        pcm.extend_from_slice(&decoder.decode(frame)?);
    }
    Ok(pcm)
}

/// Checks that the codec crate still implements the interface we rely on at construction
/// time (a frame size change would otherwise mis-frame every clip silently).
pub fn codec_frame_size() -> Result<usize> {
    Ok(new_codec()?.frame_size())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(samples: usize) -> Vec<i16> {
        (0..samples)
            .map(|i| {
                ((i as f64 * 2.0 * std::f64::consts::PI * 440.0 / 8000.0).sin() * 8000.0) as i16
            })
            .collect()
    }

    #[test]
    fn frame_size_is_160() {
        assert_eq!(codec_frame_size().unwrap(), FRAME_SAMPLES);
    }

    #[test]
    fn round_trip_keeps_length_and_energy() {
        let pcm = tone(8000);
        let amr = encode_pcm(&pcm).unwrap();
        assert_eq!(amr.len(), 6 + 50 * 32);
        let decoded = decode_amr(&amr).unwrap();
        assert_eq!(decoded.len(), 8000);
        let energy =
            |s: &[i16]| s.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / s.len() as f64;
        let ratio_db = 10.0 * (energy(&decoded[800..]) / energy(&pcm[800..])).log10();
        assert!(ratio_db.abs() < 2.0, "level changed by {ratio_db:.2} dB");
    }

    #[test]
    fn encoding_is_deterministic() {
        let pcm = tone(1600);
        assert_eq!(encode_pcm(&pcm).unwrap(), encode_pcm(&pcm).unwrap());
    }

    #[test]
    fn decodes_every_mode_sid_and_no_data_without_panicking() {
        let mut bytes = MAGIC.to_vec();
        for index in 0..8u8 {
            let mode = Mode::from_index(index).unwrap();
            bytes.push(FrameType::Speech(mode).header_byte());
            bytes.extend((0..mode.payload_bytes()).map(|i| (i as u8).wrapping_mul(37)));
        }
        bytes.extend_from_slice(&[FrameType::Sid.header_byte(), 0xff, 0x12, 0x34, 0x56, 0x78]);
        bytes.push(FrameType::NoData.header_byte());
        bytes.push(FrameType::Speech(Mode::Mr122).header_byte() & !0x04); // Q bit clear
        bytes.extend_from_slice(&[0xa5; 31]);
        assert_eq!(decode_amr(&bytes).unwrap().len(), 11 * FRAME_SAMPLES);
    }

    #[test]
    fn garbage_gets_typed_errors() {
        assert!(matches!(
            decode_amr(b"RIFF....WAVE"),
            Err(VoiceError::BadMagic)
        ));
        assert!(matches!(decode_amr(MAGIC), Err(VoiceError::Empty)));
        let mut truncated = encode_pcm(&tone(320)).unwrap();
        truncated.truncate(truncated.len() - 5);
        assert!(matches!(
            decode_amr(&truncated),
            Err(VoiceError::TruncatedFrame { index: 1, .. })
        ));
    }
}
