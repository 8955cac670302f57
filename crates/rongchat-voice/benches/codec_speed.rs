//! Encode and decode speed in seconds of audio per CPU second, on espeak-ng speech when
//! available (synthetic voiced sound otherwise). Run: `cargo bench -p rongchat-voice`.

use std::process::Command;
use std::time::{Duration, Instant};

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
            .arg("-G")
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

/// CPU time this thread has used, from Linux's scheduler statistics (nanoseconds).
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Repeats `work` for at least `min_secs`; returns seconds of audio per CPU second (per
/// wall-clock second where the CPU clock is unavailable) and which clock it used.
fn speed(audio_secs: f64, min_secs: f64, mut work: impl FnMut()) -> (f64, &'static str) {
    let wall = Instant::now();
    let cpu = thread_cpu_time();
    let mut runs = 0u32;
    while runs == 0 || wall.elapsed().as_secs_f64() < min_secs {
        work();
        runs += 1;
    }
    let audio = audio_secs * f64::from(runs);
    match (cpu, thread_cpu_time()) {
        (Some(start), Some(end)) => (audio / (end - start).as_secs_f64(), "CPU"),
        _ => (audio / wall.elapsed().as_secs_f64(), "wall-clock"),
    }
}

fn report(what: &str, (speed, clock): (f64, &str)) {
    println!("{what:<42} {speed:8.1} s of audio per {clock} s ({speed:.0}x real time)");
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
    report(
        "encode MR122 (8 kHz PCM -> AMR)",
        speed(secs, 3.0, || {
            std::hint::black_box(encode_pcm(std::hint::black_box(&pcm8k)).expect("encode"));
        }),
    );
    report(
        "decode (AMR -> 8 kHz PCM)",
        speed(secs, 3.0, || {
            std::hint::black_box(decode_amr(std::hint::black_box(&amr)).expect("decode"));
        }),
    );
    report(
        "resample 48 kHz -> 8 kHz",
        speed(secs, 2.0, || {
            std::hint::black_box(
                resample_all(std::hint::black_box(&mono), 48000, 8000).expect("resample"),
            );
        }),
    );
    report(
        "record pipeline (48 kHz stereo -> AMR)",
        speed(secs, 3.0, || {
            std::hint::black_box(
                encode_interleaved(std::hint::black_box(&stereo), 48000, 2).expect("pipeline"),
            );
        }),
    );
}
