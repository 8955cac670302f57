//! Encode and decode speed in seconds of audio per CPU second, on espeak-ng speech when
//! available (synthetic voiced sound otherwise). Run: `cargo bench -p rongchat-voice`.

use std::process::Command;
use std::time::Instant;

use rongchat_voice::resample::{downmix, resample_all, to_i16};
use rongchat_voice::{decode_amr, encode_interleaved, encode_pcm, wav};

fn speech_48k_stereo() -> (Vec<f32>, &'static str) {
    let dir = std::env::temp_dir().join(format!("rongchat-voice-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let raw = dir.join("speech.wav");
    let wav48 = dir.join("speech48.wav");
    let made = Command::new("espeak-ng")
        .arg("-w")
        .arg(&raw)
        .arg("Benchmarking the voice codec with ordinary speech, one two three four five.")
        .status()
        .is_ok_and(|s| s.success())
        && Command::new("sox")
            .arg(&raw)
            .args(["-r", "48000", "-c", "2", "-b", "16"])
            .arg(&wav48)
            .status()
            .is_ok_and(|s| s.success());
    let result = if made {
        let audio = wav::read_wav(&wav48).expect("read speech");
        (audio.samples, "espeak-ng speech")
    } else {
        let samples = (0..48000 * 5)
            .flat_map(|i| {
                let t = f64::from(i) / 48000.0;
                let v = ((t * 2.0 * std::f64::consts::PI * 140.0).sin() * 0.3
                    + (t * 2.0 * std::f64::consts::PI * 910.0).sin() * 0.1)
                    as f32;
                [v, v]
            })
            .collect();
        (samples, "synthetic voiced sound")
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Repeats `work` until at least `min_secs` of CPU time pass; returns audio s per CPU s.
fn speed(audio_secs: f64, min_secs: f64, mut work: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut runs = 0u32;
    while runs == 0 || start.elapsed().as_secs_f64() < min_secs {
        work();
        runs += 1;
    }
    audio_secs * f64::from(runs) / start.elapsed().as_secs_f64()
}

fn main() {
    let (stereo, source) = speech_48k_stereo();
    let secs = stereo.len() as f64 / 2.0 / 48000.0;
    let mut mono = Vec::new();
    downmix(&stereo, 2, &mut mono);
    let pcm8k: Vec<i16> = resample_all(&mono, 48000, 8000)
        .expect("resample")
        .into_iter()
        .map(to_i16)
        .collect();
    let amr = encode_pcm(&pcm8k).expect("encode");
    println!("input: {secs:.2} s of {source}");
    let encode = speed(secs, 3.0, || {
        std::hint::black_box(encode_pcm(std::hint::black_box(&pcm8k)).expect("encode"));
    });
    println!(
        "encode MR122 (8 kHz PCM -> AMR):          {encode:8.1} s of audio per s ({encode:.0}x real time)"
    );
    let decode = speed(secs, 3.0, || {
        std::hint::black_box(decode_amr(std::hint::black_box(&amr)).expect("decode"));
    });
    println!(
        "decode (AMR -> 8 kHz PCM):                {decode:8.1} s of audio per s ({decode:.0}x real time)"
    );
    let resample = speed(secs, 2.0, || {
        std::hint::black_box(
            resample_all(std::hint::black_box(&mono), 48000, 8000).expect("resample"),
        );
    });
    println!(
        "resample 48 kHz -> 8 kHz:                 {resample:8.1} s of audio per s ({resample:.0}x real time)"
    );
    let pipeline = speed(secs, 3.0, || {
        std::hint::black_box(
            encode_interleaved(std::hint::black_box(&stereo), 48000, 2).expect("pipeline"),
        );
    });
    println!(
        "record pipeline (48 kHz stereo -> AMR):   {pipeline:8.1} s of audio per s ({pipeline:.0}x real time)"
    );
}
