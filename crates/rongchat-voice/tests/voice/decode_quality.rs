//! HQ voice (AAC in ADTS and M4A) and music (MP3) decoding, judged against ffmpeg's decode
//! of the very same files, made by ffmpeg from espeak-ng speech; and hostile files (cut,
//! damaged) that must give typed errors or a shorter clip, never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use rongchat_voice::resample::{downmix, from_i16, to_i16};
use rongchat_voice::{Format, VoiceError, decode, sniff};

use crate::quality::compare;
use crate::support::{read_s16le, run_ok, speech};

const LIMIT: Duration = Duration::from_secs(60);

/// The files under test, made once per test process.
pub struct Encoded {
    /// HQ voice as Android records it: AAC-LC in ADTS, 16 kHz mono.
    pub adts: PathBuf,
    /// HQ voice in an MP4 container (`.m4a`), 16 kHz mono.
    pub m4a: PathBuf,
    /// Music: MP3, 44.1 kHz stereo.
    pub mp3: PathBuf,
    /// The speech at 16 kHz mono, what the AAC files were made from.
    pub speech_16k: Vec<i16>,
}

fn ffmpeg() -> Command {
    let mut command = Command::new("ffmpeg");
    command.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]);
    command
}

pub fn encoded() -> &'static Encoded {
    static ENCODED: OnceLock<Encoded> = OnceLock::new();
    ENCODED.get_or_init(|| {
        let source = &speech().wav_48k_stereo;
        let dir = source.parent().expect("speech dir").to_path_buf();
        let wav_16k = dir.join("speech-16k.wav");
        run_ok(
            Command::new("sox")
                .arg("-R")
                .arg(source)
                .args(["-r", "16000", "-c", "1", "-b", "16"])
                .arg(&wav_16k),
            LIMIT,
        );
        let adts = dir.join("hq.aac");
        run_ok(
            ffmpeg()
                .arg("-i")
                .arg(&wav_16k)
                .args(["-c:a", "aac", "-b:a", "32k", "-f", "adts"])
                .arg(&adts),
            LIMIT,
        );
        let m4a = dir.join("hq.m4a");
        run_ok(
            ffmpeg()
                .arg("-i")
                .arg(&wav_16k)
                .args(["-c:a", "aac", "-b:a", "32k"])
                .arg(&m4a),
            LIMIT,
        );
        let mp3 = dir.join("music.mp3");
        run_ok(
            ffmpeg()
                .arg("-i")
                .arg(source)
                .args(["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"])
                .arg(&mp3),
            LIMIT,
        );
        Encoded {
            adts,
            m4a,
            mp3,
            speech_16k: crate::support::read_wav_i16(&wav_16k),
        }
    })
}

/// ffmpeg's decode of `file`, at the file's own rate, its channels averaged as ours are.
fn ffmpeg_decode(file: &Path) -> (u32, Vec<i16>) {
    let probe = run_ok(
        Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
            .args(["stream=sample_rate,channels", "-of", "csv=p=0"])
            .arg(file),
        LIMIT,
    );
    let text = String::from_utf8_lossy(&probe.stdout).to_string();
    let mut fields = text.trim().split(',');
    let rate: u32 = fields.next().and_then(|f| f.parse().ok()).expect("rate");
    let channels: usize = fields
        .next()
        .and_then(|f| f.parse().ok())
        .expect("channels");
    let out = run_ok(
        ffmpeg()
            .arg("-i")
            .arg(file)
            .args(["-f", "s16le", "-acodec", "pcm_s16le", "-"]),
        LIMIT,
    );
    let interleaved: Vec<f32> = read_s16le(&out.stdout).into_iter().map(from_i16).collect();
    let mut mono = Vec::new();
    downmix(&interleaved, channels, &mut mono);
    (rate, mono.into_iter().map(to_i16).collect())
}

fn ours(file: &Path) -> (u32, Vec<i16>) {
    let pcm = decode(&std::fs::read(file).unwrap()).unwrap();
    (pcm.rate, pcm.samples.into_iter().map(to_i16).collect())
}

/// Our decode against ffmpeg's: the same rate, the same audio (up to the encoder delay
/// that one decoder trims and the other may not), the same level.
fn check_against_ffmpeg(file: &Path, expected: Format, label: &str) {
    let bytes = std::fs::read(file).unwrap();
    assert_eq!(sniff(&bytes), Some(expected), "{label}");
    let (rate, decoded) = ours(file);
    let (ff_rate, reference) = ffmpeg_decode(file);
    assert_eq!(rate, ff_rate, "{label}");
    let q = compare(&reference, &decoded, -4096..=4096);
    eprintln!(
        "{label}: ours {} samples, ffmpeg {} at {rate} Hz; lag {}, corr {:.5}, segSNR {:.1} dB, level {:+.3} dB",
        decoded.len(),
        reference.len(),
        q.lag,
        q.corr,
        q.seg_snr_db,
        q.level_db
    );
    // Two decoders of one bitstream: the same signal but for rounding and the decoder's
    // own filter-bank arithmetic.
    assert!(q.corr >= 0.99, "{label}: {q:?}");
    assert!(q.seg_snr_db >= 20.0, "{label}: {q:?}");
    assert!(q.level_db.abs() <= 0.5, "{label}: {q:?}");
    // Lengths differ at most by the priming and padding one of them trims (2 AAC frames).
    assert!(
        decoded.len().abs_diff(reference.len()) <= 4096,
        "{label}: {} vs {}",
        decoded.len(),
        reference.len()
    );
}

#[test]
fn hq_voice_adts_decodes_as_ffmpeg_does() {
    let encoded = encoded();
    check_against_ffmpeg(&encoded.adts, Format::AacAdts, "AAC ADTS 16 kHz mono 32k");
    // And it is still the speech it was made from (a lossy codec at 32 kbit/s).
    let (_, decoded) = ours(&encoded.adts);
    let q = compare(&encoded.speech_16k, &decoded, -4096..=4096);
    eprintln!(
        "AAC ADTS vs the 16 kHz speech: lag {}, corr {:.3}, segSNR {:.1} dB, level {:+.2} dB",
        q.lag, q.corr, q.seg_snr_db, q.level_db
    );
    assert!(q.corr >= 0.9 && q.level_db.abs() <= 2.0, "{q:?}");
}

#[test]
fn hq_voice_m4a_decodes_as_ffmpeg_does() {
    check_against_ffmpeg(&encoded().m4a, Format::Mp4, "AAC M4A 16 kHz mono 32k");
}

#[test]
fn music_mp3_decodes_as_ffmpeg_does() {
    check_against_ffmpeg(&encoded().mp3, Format::Mp3, "MP3 44.1 kHz stereo 128k");
}

#[test]
fn negative_control_a_different_file_fails_the_gate() {
    // ffmpeg's decode of the MP3 against our decode of the AAC (different rates): not the
    // same signal sample for sample, whatever the alignment.
    let encoded = encoded();
    let (_, aac) = ours(&encoded.adts);
    let (_, mp3) = ffmpeg_decode(&encoded.mp3);
    let q = compare(&mp3, &aac, -4096..=4096);
    eprintln!("negative control, AAC vs MP3 decode: corr {:.3}", q.corr);
    assert!(q.corr < 0.5, "{q:?}");
}

/// Every cut and many damaged copies of each file: a typed error or audio, and where audio,
/// no longer than the whole file's (a cut loses its tail, it gains nothing).
#[test]
fn cut_and_damaged_files_give_typed_errors_never_a_panic() {
    let encoded = encoded();
    for (label, file) in [
        ("adts", &encoded.adts),
        ("m4a", &encoded.m4a),
        ("mp3", &encoded.mp3),
    ] {
        let bytes = std::fs::read(file).unwrap();
        let whole = decode(&bytes).unwrap().samples.len();
        let (mut ok, mut refused) = (0, 0);
        let mut judge = |damaged: &[u8], what: &str| match decode(damaged) {
            Ok(pcm) => {
                assert!(pcm.rate > 0 && !pcm.samples.is_empty(), "{label} {what}");
                assert!(pcm.samples.len() <= whole + 4096, "{label} {what}");
                assert!(pcm.samples.iter().all(|s| s.is_finite()), "{label} {what}");
                ok += 1;
            }
            Err(e) => {
                assert!(
                    matches!(
                        e,
                        VoiceError::NotAudio
                            | VoiceError::Decode(_)
                            | VoiceError::UnsupportedFormat(_)
                    ),
                    "{label} {what}: {e:?}"
                );
                assert!(!e.to_string().contains("panicked"), "{label} {what}: {e}");
                refused += 1;
            }
        };
        // Cuts: inside the first header, then through the whole file.
        for cut in (0..64).chain((64..bytes.len()).step_by(bytes.len() / 40)) {
            judge(&bytes[..cut], &format!("cut at {cut}"));
        }
        // Damage: runs of bytes overwritten with a deterministic pseudo-random pattern.
        let mut seed = 0x2545_f491_u32;
        for round in 0..60 {
            let mut damaged = bytes.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let at = seed as usize % damaged.len();
                let run = 1 + (seed >> 24) as usize % 16;
                for (i, b) in damaged.iter_mut().skip(at).take(run).enumerate() {
                    *b ^= (seed >> (i % 24)) as u8 | 1;
                }
            }
            judge(&damaged, &format!("damage round {round}"));
        }
        eprintln!("{label}: {ok} damaged copies decoded, {refused} refused with a typed error");
        // A cut past the headers keeps the audio before the cut; but an MP4 written as
        // recorders write it has its index (`moov`) at the end, so half of one is no clip.
        if label == "m4a" {
            let cut = decode(&bytes[..bytes.len() / 2]);
            assert!(
                matches!(cut, Err(VoiceError::Decode(_))),
                "{label}: {cut:?}"
            );
            continue;
        }
        let half = decode(&bytes[..bytes.len() / 2]).unwrap();
        let half_len = half.samples.len() as f64 / whole as f64;
        assert!(
            (0.4..=0.6).contains(&half_len),
            "{label}: half the file gave {half_len:.2}"
        );
        let q = compare(
            &decode(&bytes)
                .unwrap()
                .samples
                .iter()
                .map(|&s| to_i16(s))
                .collect::<Vec<_>>(),
            &half.samples.iter().map(|&s| to_i16(s)).collect::<Vec<_>>(),
            -16..=16,
        );
        assert!(q.corr > 0.999 && q.lag == 0, "{label}: {q:?}");
    }
}
