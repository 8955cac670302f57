//! The codec round trip on real speech, judged against sox, plus negative controls.

use rongchat_voice::resample::{DELAY_48K_TO_8K, downmix, resample_all, to_i16};
use rongchat_voice::{decode_amr, encode_interleaved, encode_pcm, wav};

use crate::quality::{compare, rms_dbfs};
use std::process::Command;
use std::time::Duration;

use crate::support::{TempDir, read_wav_i16, run_ok, speech};

/// The AMR-NB round trip delays by exactly this many samples.
const CODEC_DELAY: isize = 40;

fn stereo_48k() -> wav::WavAudio {
    let audio = wav::read_wav(&speech().wav_48k_stereo).unwrap();
    assert_eq!((audio.rate, audio.channels), (48000, 2));
    audio
}

#[test]
fn our_resampler_matches_sox_and_its_delay_is_as_stated() {
    let audio = stereo_48k();
    let mut mono = Vec::new();
    downmix(&audio.samples, 2, &mut mono);
    let ours: Vec<i16> = resample_all(&mono, 48000, 8000)
        .unwrap()
        .into_iter()
        .map(to_i16)
        .collect();
    let reference = &speech().reference;
    assert!(
        ours.len().abs_diff(reference.len()) <= 1,
        "{} vs {}",
        ours.len(),
        reference.len()
    );
    let q = compare(reference, &ours, -20..=20);
    eprintln!(
        "resampler vs sox: lag {} (fractional {:.3}), corr {:.5}, level {:+.3} dB",
        q.lag, q.fractional_lag, q.corr, q.level_db
    );
    assert!((q.fractional_lag - DELAY_48K_TO_8K).abs() < 0.1, "{q:?}");
    assert!(q.level_db.abs() < 0.3, "{q:?}");

    // Delay sox's input by 3 samples at 48 kHz (half a sample at 8 kHz): then the two
    // resamplers agree sample for sample.
    let dir = TempDir::new("sox-delay");
    let delayed = dir.join("delayed.wav");
    run_ok(
        Command::new("sox")
            .arg(&speech().wav_48k_stereo)
            .args(["-r", "8000", "-c", "1", "-b", "16"])
            .arg(&delayed)
            .args(["delay", "3s", "3s"]),
        Duration::from_secs(30),
    );
    let q = compare(&read_wav_i16(&delayed), &ours, -20..=20);
    eprintln!(
        "resampler vs sox delayed by 0.5 sample: lag {}, corr {:.5}",
        q.lag, q.corr
    );
    assert_eq!(q.lag, 0);
    assert!(q.corr > 0.98, "{q:?}");
}

#[test]
fn speech_round_trip_passes_the_gates() {
    let audio = stereo_48k();
    let amr = encode_interleaved(&audio.samples, audio.rate, audio.channels).unwrap();
    let decoded = decode_amr(&amr).unwrap();
    let reference = &speech().reference;
    let q = compare(reference, &decoded, 0..=200);
    eprintln!(
        "48k stereo -> our resampler -> MR122 -> decode vs sox 8k: lag {} (fractional {:.2}), \
         corr {:.3}, segSNR {:.2} dB, level {:+.2} dB, reference {:.1} dBFS",
        q.lag,
        q.fractional_lag,
        q.corr,
        q.seg_snr_db,
        q.level_db,
        rms_dbfs(reference)
    );
    assert!(q.passes_codec_gates(), "{q:?}");
    // Codec 40 samples plus the resampler's half sample.
    assert!(
        (q.fractional_lag - (CODEC_DELAY as f64 + DELAY_48K_TO_8K)).abs() < 0.5,
        "{q:?}"
    );
    assert!(q.lag == CODEC_DELAY || q.lag == CODEC_DELAY + 1, "{q:?}");

    // The codec alone, on the sox reference: exactly 40 samples.
    let direct = decode_amr(&encode_pcm(reference).unwrap()).unwrap();
    let q = compare(reference, &direct, 0..=200);
    eprintln!(
        "sox 8k -> MR122 -> decode: lag {}, corr {:.3}, segSNR {:.2} dB, level {:+.2} dB",
        q.lag, q.corr, q.seg_snr_db, q.level_db
    );
    assert_eq!(q.lag, CODEC_DELAY);
    assert!(q.passes_codec_gates(), "{q:?}");
}

#[test]
fn negative_controls_fail_the_gates() {
    let audio = stereo_48k();
    let reference = &speech().reference;

    // Wrong rate: the 48 kHz audio declared as 16 kHz plays three times too slow.
    let wrong_rate = decode_amr(&encode_interleaved(&audio.samples, 16000, 2).unwrap()).unwrap();
    let q = compare(reference, &wrong_rate, 0..=200);
    eprintln!(
        "negative control, wrong rate: corr {:.3}, segSNR {:.2} dB",
        q.corr, q.seg_snr_db
    );
    assert!(!q.passes_codec_gates() && q.corr < 0.3, "{q:?}");

    // Without an anti-alias filter: add a 6 kHz whistle (above the 4 kHz band, so the
    // sox reference drops it) and take every sixth sample; it folds to 2 kHz, in band.
    let mut mono = Vec::new();
    downmix(&audio.samples, 2, &mut mono);
    let whistled: Vec<f32> = mono
        .iter()
        .enumerate()
        .map(|(i, s)| s + 0.2 * (2.0 * std::f32::consts::PI * 6000.0 * i as f32 / 48000.0).sin())
        .collect();
    let filtered = decode_amr(&encode_interleaved(&whistled, 48000, 1).unwrap()).unwrap();
    let q = compare(reference, &filtered, 0..=200);
    eprintln!(
        "control, 6 kHz whistle through our filter: corr {:.3}, segSNR {:.2} dB",
        q.corr, q.seg_snr_db
    );
    assert!(q.passes_codec_gates(), "{q:?}");
    let picked: Vec<f32> = whistled.iter().step_by(6).copied().collect();
    let aliased = decode_amr(&encode_interleaved(&picked, 8000, 1).unwrap()).unwrap();
    let q = compare(reference, &aliased, 0..=200);
    eprintln!(
        "negative control, 6 kHz whistle decimated without a filter: corr {:.3}, segSNR {:.2} dB, level {:+.2} dB",
        q.corr, q.seg_snr_db, q.level_db
    );
    assert!(!q.passes_codec_gates(), "{q:?}");

    // Two payload bytes of every frame corrupted.
    let mut amr = encode_interleaved(&audio.samples, audio.rate, audio.channels).unwrap();
    for record in amr[6..].chunks_exact_mut(32) {
        record[3] ^= 0xff;
        record[17] ^= 0x5a;
    }
    let corrupted = decode_amr(&amr).unwrap();
    let q = compare(reference, &corrupted, 0..=200);
    eprintln!(
        "negative control, corrupted payload: corr {:.3}, segSNR {:.2} dB",
        q.corr, q.seg_snr_db
    );
    assert!(!q.passes_codec_gates(), "{q:?}");
}
