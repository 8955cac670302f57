//! Received audio of any kind the protocol carries, decoded to mono PCM for the player:
//! AMR-NB (`RC:VcMsg`, our own codec), AAC in ADTS or MP4/M4A (`RC:HQVCMsg`, whose
//! `format` the SDK documents as "aac" only) and MP3 (the demo's music card).
//!
//! AAC and MP3 go through symphonia (pure Rust, only its `aac`, `isomp4` and `mp3` parts).
//! The file's kind is sniffed from its first bytes, never taken from a name or a content
//! field. A received file is hostile input: every failure is a typed [`VoiceError`], the
//! decoded length is capped ([`MAX_DECODED`]), and a panic inside the decoder library is
//! caught and reported as [`VoiceError::Decode`].
//!
//! Symphonia's AAC decoder is AAC-LC: an HE-AAC stream (implicit SBR signalling, as ADTS
//! carries it) decodes its LC core at half the sample rate, band-limited but intelligible.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

use crate::amr::SAMPLE_RATE as AMR_RATE;
use crate::codec::decode_amr;
use crate::error::{Result, VoiceError};
use crate::resample::{downmix, from_i16};

/// The longest audio decoded (a music file; voice clips are at most 60 s): 15 minutes,
/// about 170 MB of mono f32 at 48 kHz.
pub const MAX_DECODED: Duration = Duration::from_secs(15 * 60);

/// Packets in a row that may fail to decode before the stream counts as broken (a player
/// skips a damaged packet; a file of nothing but damage is not audio).
const MAX_BAD_PACKETS_IN_A_ROW: usize = 8;

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// The AMR-NB storage format (`#!AMR\n`).
    Amr,
    /// AAC in ADTS frames (`.aac`).
    AacAdts,
    /// An ISO base media file (`ftyp`: `.m4a`, `.mp4`), AAC inside.
    Mp4,
    /// MPEG audio frames (`.mp3`), possibly after an ID3v2 tag.
    Mp3,
}

impl Format {
    /// The extension symphonia's probe is hinted with.
    fn extension(self) -> &'static str {
        match self {
            Self::Amr => "amr",
            Self::AacAdts => "aac",
            Self::Mp4 => "m4a",
            Self::Mp3 => "mp3",
        }
    }
}

/// Which kind of audio `bytes` holds, from its first bytes; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(crate::amr::MAGIC) {
        return Some(Format::Amr);
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return Some(Format::Mp4);
    }
    // An ID3v2 tag (MP3 files, sometimes ADTS ones) is skipped: its size is 4 x 7 bits.
    let body = match bytes {
        [b'I', b'D', b'3', _, _, flags, s0, s1, s2, s3, rest @ ..] => {
            let size = [s0, s1, s2, s3]
                .iter()
                .fold(0usize, |n, &&b| (n << 7) | usize::from(b & 0x7f));
            let footer = if flags & 0x10 != 0 { 10 } else { 0 };
            rest.get(size + footer..)?
        }
        _ => bytes,
    };
    match body {
        // 12 sync bits, then MPEG-4/2 id, layer 00: ADTS.
        [0xff, b1, ..] if b1 & 0xf6 == 0xf0 => Some(Format::AacAdts),
        // 11 sync bits, a version other than "reserved", a layer other than "reserved".
        [0xff, b1, ..] if b1 & 0xe0 == 0xe0 && b1 & 0x18 != 0x08 && b1 & 0x06 != 0 => {
            Some(Format::Mp3)
        }
        _ => None,
    }
}

/// Decoded mono audio at its own sample rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Pcm {
    /// Samples per second.
    pub rate: u32,
    /// Mono samples in [-1, 1] (several channels are averaged).
    pub samples: Vec<f32>,
}

impl Pcm {
    /// The audio's length.
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.samples.len() as f64 / f64::from(self.rate.max(1)))
    }
}

/// Decodes an AMR-NB, AAC (ADTS or MP4) or MP3 file to mono PCM.
pub fn decode(bytes: &[u8]) -> Result<Pcm> {
    match sniff(bytes) {
        Some(Format::Amr) => Ok(Pcm {
            rate: AMR_RATE,
            samples: decode_amr(bytes)?.into_iter().map(from_i16).collect(),
        }),
        Some(format) => {
            // Symphonia is hardened, but a panic on a hostile file must not take the player
            // (or the app) down with it.
            catch_unwind(AssertUnwindSafe(|| decode_with_symphonia(bytes, format))).unwrap_or_else(
                |_| Err(VoiceError::Decode("the decoder failed on this file".into())),
            )
        }
        None => Err(VoiceError::NotAudio),
    }
}

fn broken(e: SymphoniaError) -> VoiceError {
    VoiceError::Decode(e.to_string())
}

fn decode_with_symphonia(bytes: &[u8], format: Format) -> Result<Pcm> {
    let source = MediaSourceStream::new(
        Box::new(Cursor::new(bytes.to_vec())),
        MediaSourceStreamOptions::default(),
    );
    let mut hint = Hint::new();
    hint.with_extension(format.extension());
    let mut reader = symphonia::default::get_probe()
        .probe(
            &hint,
            source,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        // The first bytes said what it is: a reader that still cannot open it means a
        // broken file (say an MP4 cut before its index), not some other kind of file.
        .map_err(broken)?;
    let track = reader
        .default_track(TrackType::Audio)
        .ok_or_else(|| VoiceError::Decode("the file has no audio track".into()))?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| VoiceError::Decode("the audio track has no codec parameters".into()))?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| match e {
            SymphoniaError::Unsupported(what) => {
                VoiceError::UnsupportedFormat(format!("codec: {what}"))
            }
            e => broken(e),
        })?;

    let mut rate = 0u32;
    let mut samples = Vec::new();
    let mut interleaved: Vec<f32> = Vec::new();
    let mut bad_in_a_row = 0;
    let mut last_error = None;
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A cut file ends where its last whole packet ends.
            Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                break;
            }
            Err(e) if samples.is_empty() => return Err(broken(e)),
            // Damage after good audio: keep what played (as a player would stop there).
            Err(_) => break,
        };
        if packet.track_id != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(SymphoniaError::DecodeError(e)) => {
                bad_in_a_row += 1;
                last_error = Some(e);
                if bad_in_a_row > MAX_BAD_PACKETS_IN_A_ROW {
                    return Err(VoiceError::Decode(format!(
                        "{bad_in_a_row} packets in a row do not decode: {e}"
                    )));
                }
                continue;
            }
            Err(SymphoniaError::IoError(_)) => continue,
            Err(e) => return Err(broken(e)),
        };
        bad_in_a_row = 0;
        let spec = decoded.spec();
        let channels = spec.channels().count();
        if channels == 0 || spec.rate() == 0 {
            return Err(VoiceError::UnsupportedFormat(format!(
                "{channels} channels at {} Hz",
                spec.rate()
            )));
        }
        if rate == 0 {
            rate = spec.rate();
        } else if spec.rate() != rate {
            return Err(VoiceError::Decode(format!(
                "the sample rate changes mid-stream ({rate} -> {} Hz)",
                spec.rate()
            )));
        }
        decoded.copy_to_vec_interleaved(&mut interleaved);
        downmix(&interleaved, channels, &mut samples);
        let secs = samples.len() as u64 / u64::from(rate);
        if secs > MAX_DECODED.as_secs() {
            return Err(VoiceError::TooLong {
                secs,
                limit_secs: MAX_DECODED.as_secs(),
            });
        }
    }
    if samples.is_empty() {
        return Err(VoiceError::Decode(match last_error {
            Some(e) => format!("no packet decodes: {e}"),
            None => "the file holds no audio".into(),
        }));
    }
    Ok(Pcm { rate, samples })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_kind_from_its_first_bytes() {
        assert_eq!(sniff(b"#!AMR\n\x3c"), Some(Format::Amr));
        assert_eq!(sniff(b"\0\0\0\x1cftypM4A "), Some(Format::Mp4));
        // ADTS: sync, MPEG-4, layer 0, no CRC.
        assert_eq!(sniff(&[0xff, 0xf1, 0x50, 0x80]), Some(Format::AacAdts));
        // MPEG-1 layer III.
        assert_eq!(sniff(&[0xff, 0xfb, 0x90, 0x64]), Some(Format::Mp3));
        // An ID3v2 tag of 3 bytes, then an MP3 frame.
        let tagged = [
            b"ID3\x04\x00\x00\x00\x00\x00\x03".as_slice(),
            b"abc",
            &[0xff, 0xfb],
        ];
        assert_eq!(sniff(&tagged.concat()), Some(Format::Mp3));
        for junk in [
            &b""[..],
            b"RIFF....WAVE",
            b"\xff",
            b"\xff\xe9",
            b"ID3\x04\x00\x00\x7f\x7f",
        ] {
            assert_eq!(sniff(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn amr_decodes_to_8_khz() {
        let amr = crate::codec::encode_pcm(&[0i16; 1600]).unwrap();
        let pcm = decode(&amr).unwrap();
        assert_eq!(pcm.rate, 8000);
        assert_eq!(pcm.samples.len(), 1600);
        assert_eq!(pcm.duration(), Duration::from_millis(200));
    }

    #[test]
    fn junk_is_not_audio() {
        assert!(matches!(decode(b"hello"), Err(VoiceError::NotAudio)));
        // Looks like ADTS, holds nothing decodable.
        let fake = [0xff, 0xf1, 0x50, 0x80, 0, 0x1f, 0xfc];
        assert!(decode(&fake).is_err());
    }
}
