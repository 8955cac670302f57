//! Real audio through a headless PulseAudio that this test starts and stops itself
//! (`rongchat_voice::headless`): a virtual microphone (a null sink's monitor, fed with
//! speech by paplay) and a virtual speaker (another null sink, whose monitor parec
//! records). The cpal code runs in the command-line tool, started with the daemon's
//! private environment.
//!
//! Everything that needs the daemon runs serially in one test function, so only one
//! daemon exists per test process.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use rongchat_voice::headless::HeadlessPulse;
use rongchat_voice::resample::{resample_all, to_i16};
use rongchat_voice::{decode, decode_amr, info, recover};

use crate::quality::{best_lag, compare, measure_aligned, to_f64};
use crate::support::{TempDir, cli, read_s16le, run, run_ok, speech, wait_output, wait_until};

const LIMIT: Duration = Duration::from_secs(60);

/// The reference speech twice over, for aligning a window of the looping microphone.
fn looped_reference() -> Vec<f64> {
    let reference = to_f64(&speech().reference);
    [reference.clone(), reference].concat()
}

/// Finds where `recorded` sits in the looped reference and measures it there.
fn measure_against_loop(recorded: &[i16]) -> crate::quality::Quality {
    let reference = looped_reference();
    let recorded = to_f64(recorded);
    let period = speech().reference.len() as isize;
    let (lag, fractional) = best_lag(&reference, &recorded, -period..=0);
    measure_aligned(&reference, &recorded, lag, fractional)
}

fn cli_in(pulse: &HeadlessPulse) -> Command {
    pulse.command(cli().get_program())
}

#[test]
fn real_devices_through_a_headless_pulseaudio() {
    let speech = speech();
    let mut pulse = HeadlessPulse::start().expect("pulseaudio (scripts/packages/audio.txt)");
    let work = TempDir::new("devices");

    // Devices are listed, with a default in each direction.
    let out = run_ok(cli_in(&pulse).arg("devices"), LIMIT);
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        listing.lines().any(|l| l.starts_with("input*")),
        "{listing}"
    );
    assert!(
        listing.lines().any(|l| l.starts_with("output*")),
        "{listing}"
    );

    // The virtual microphone: speech looped into the null sink whose monitor is the source.
    pulse
        .feed_microphone(&speech.mic_loop_48k)
        .expect("the microphone feed");

    record_three_seconds(&pulse, &work.join("recorded.amr"));
    api_in_a_child(&pulse, &work.join("recorded.amr"));
    recover_after_a_kill(&pulse, &work.join("killed.amr"));
    stop_with_ctrl_c(&pulse, &work.join("interrupted.amr"));
    play_into_the_virtual_speaker(&mut pulse, &work.join("recorded.amr"), work.path());
    hq_voice_and_music_play_and_2x_takes_half(&mut pulse, work.path());
}

fn record_three_seconds(pulse: &HeadlessPulse, clip: &Path) {
    let out = run_ok(
        cli_in(pulse)
            .arg("record")
            .arg(clip)
            .args(["--seconds", "3", "--levels"]),
        LIMIT,
    );
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let levels: Vec<(f64, f64, f64)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("level "))
        .map(|l| {
            let v: Vec<f64> = l
                .split(' ')
                .map(|kv| kv.split('=').nth(1).unwrap().parse().unwrap())
                .collect();
            (v[0], v[1], v[2])
        })
        .collect();
    assert_eq!(levels.len(), 60, "20 level readings a second for 3 s");
    assert!((levels[59].0 - 3.0).abs() < 1e-9);
    assert!(
        levels
            .iter()
            .any(|(_, rms, peak)| *rms > 0.01 && peak >= rms),
        "{levels:?}"
    );
    assert!(stdout.contains("3 s (150 frames, 4806 bytes)"), "{stdout}");

    let bytes = std::fs::read(clip).unwrap();
    assert_eq!(info(&bytes).unwrap().frames, 150);
    let q = measure_against_loop(&decode_amr(&bytes).unwrap());
    eprintln!(
        "microphone (PulseAudio -> cpal -> our pipeline), 3 s: corr {:.3}, segSNR {:.2} dB, level {:+.2} dB",
        q.corr, q.seg_snr_db, q.level_db
    );
    assert!(q.corr >= 0.7, "{q:?}");
    assert!(q.level_db.abs() <= 3.0, "{q:?}");
}

/// Runs `api_child::api_on_real_devices` in a copy of this test binary that talks to the
/// private daemon.
fn api_in_a_child(pulse: &HeadlessPulse, clip: &Path) {
    let exe = std::env::current_exe().unwrap();
    let out = run(
        pulse
            .command(exe)
            .args([
                "--exact",
                "api_child::api_on_real_devices",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(crate::api_child::CLIP_ENV, clip),
        LIMIT,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(crate::api_child::COMPLETED),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn recover_after_a_kill(pulse: &HeadlessPulse, clip: &PathBuf) {
    let mut recording = cli_in(pulse)
        .arg("record")
        .arg(clip)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let two_seconds = 6 + 100 * 32;
    wait_until(Duration::from_secs(20), "2 s of recording on disk", || {
        std::fs::metadata(clip).is_ok_and(|m| m.len() >= two_seconds)
    });
    recording.kill().unwrap(); // SIGKILL: no chance to finish the file
    recording.wait().unwrap();

    let recovered = recover(clip).unwrap();
    assert!(recovered.frames >= 100, "{recovered:?}");
    let decoded = decode_amr(&std::fs::read(clip).unwrap()).unwrap();
    let q = measure_against_loop(&decoded);
    eprintln!(
        "killed recording: {} frames recovered ({} bytes cut), corr {:.3}",
        recovered.frames, recovered.trimmed_bytes, q.corr
    );
    assert!(q.corr >= 0.7, "{q:?}");
}

fn stop_with_ctrl_c(pulse: &HeadlessPulse, clip: &Path) {
    let recording = cli_in(pulse)
        .arg("record")
        .arg(clip)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = recording.id().to_string();
    wait_until(
        Duration::from_secs(20),
        "1.5 s of recording on disk",
        || std::fs::metadata(clip).is_ok_and(|m| m.len() >= 6 + 75 * 32),
    );
    run_ok(Command::new("kill").args(["-INT", &pid]), LIMIT);
    let out = wait_output(recording, LIMIT, "rongchat-voice record after SIGINT");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("recorded "), "{stdout}");
    let frames = info(&std::fs::read(clip).unwrap()).unwrap().frames;
    assert!(frames >= 75, "{frames} frames");
    assert!(stdout.contains(&format!("({frames} frames")), "{stdout}");
}

fn play_into_the_virtual_speaker(pulse: &mut HeadlessPulse, clip: &Path, work: &Path) {
    let captured = work.join("speaker.raw");
    pulse
        .record_speaker(&captured)
        .expect("parec of the virtual speaker");
    wait_until(Duration::from_secs(10), "the speaker capture", || {
        std::fs::metadata(&captured).is_ok_and(|m| m.len() > 1600)
    });

    let child = cli_in(pulse)
        .arg("play")
        .arg(clip)
        .arg("--events")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_output(child, LIMIT, "rongchat-voice play");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = String::from_utf8_lossy(&out.stdout).to_string();
    let lines: Vec<&str> = events.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.starts_with("Started { duration: 3s")),
        "{events}"
    );
    assert_eq!(lines.last(), Some(&"Ended"), "{events}");
    let positions: Vec<f64> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("position "))
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(positions.len() >= 40, "{events}");
    assert!(positions.windows(2).all(|w| w[0] <= w[1]), "{events}");
    assert!((positions.last().unwrap() - 3.0).abs() < 0.01, "{events}");

    // Let the monitor deliver the tail, then compare what the speaker got with the clip.
    let size_after_play = std::fs::metadata(&captured).unwrap().len();
    wait_until(Duration::from_secs(5), "the speaker tail", || {
        std::fs::metadata(&captured).is_ok_and(|m| m.len() >= size_after_play + 8000)
    });
    let heard = read_s16le(&std::fs::read(&captured).unwrap());
    let decoded = decode_amr(&std::fs::read(clip).unwrap()).unwrap();
    let q = compare(&decoded, &heard, 0..=heard.len() as isize - 1);
    eprintln!(
        "playback (our 8k -> device rate -> PulseAudio null sink -> parec 8k): corr {:.3}, level {:+.2} dB",
        q.corr, q.level_db
    );
    // Where each half second of the clip landed: equal lags mean no gaps or drops.
    let window_lags: Vec<isize> = decoded
        .chunks_exact(4000)
        .enumerate()
        .map(|(i, window)| {
            let at = q.lag + (i * 4000) as isize;
            let lo = (at - 400).max(0) as usize;
            let hi = ((at + 4400) as usize).min(heard.len());
            crate::quality::best_lag(&to_f64(window), &to_f64(&heard[lo..hi]), -400..=400).0
                + lo as isize
                - (i * 4000) as isize
        })
        .collect();
    eprintln!("playback window lags: {window_lags:?}");
    assert!(q.corr >= 0.7, "{q:?}");
    assert!(q.level_db.abs() <= 3.0, "{q:?}");

    // A damaged clip is refused before any device is touched.
    let broken = work.join("broken.amr");
    std::fs::write(&broken, b"#!AMR\n\x3c\x00").unwrap();
    let out = run(cli_in(pulse).arg("play").arg(&broken), LIMIT);
    assert_eq!(out.status.code(), Some(1));
}

/// Plays `clip` with the command-line tool at `speed` and returns its event lines and what
/// the virtual speaker got (8 kHz mono, recorded by a parec of its own).
fn play_and_hear(
    pulse: &mut HeadlessPulse,
    clip: &Path,
    speed: &str,
    work: &Path,
) -> (Vec<String>, Vec<i16>) {
    let name = clip.file_name().unwrap().to_string_lossy().to_string();
    let captured = work.join(format!("speaker-{name}-{speed}.raw"));
    pulse
        .record_speaker(&captured)
        .expect("parec of the virtual speaker");
    wait_until(Duration::from_secs(10), "the speaker capture", || {
        std::fs::metadata(&captured).is_ok_and(|m| m.len() > 1600)
    });
    let child = cli_in(pulse)
        .arg("play")
        .arg(clip)
        .args(["--events", "--speed", speed])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_output(child, LIMIT, "rongchat-voice play");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size_after_play = std::fs::metadata(&captured).unwrap().len();
    wait_until(Duration::from_secs(5), "the speaker tail", || {
        std::fs::metadata(&captured).is_ok_and(|m| m.len() >= size_after_play + 8000)
    });
    let events = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    (events, read_s16le(&std::fs::read(&captured).unwrap()))
}

/// The correlation of each second of `expected` with `heard`, each aligned on its own
/// near `lag`, sorted (seconds of near silence left out).
fn window_corrs(expected: &[i16], heard: &[i16], lag: isize) -> Vec<f64> {
    let mut corrs: Vec<f64> = expected
        .chunks_exact(8000)
        .enumerate()
        .filter(|(_, window)| crate::quality::rms_dbfs(window) > -40.0)
        .map(|(i, window)| {
            let at = lag + (i * 8000) as isize;
            let lo = (at - 400).max(0) as usize;
            let hi = ((at + 8400) as usize).min(heard.len());
            compare(window, &heard[lo..hi], -400..=400).corr
        })
        .collect();
    corrs.sort_by(f64::total_cmp);
    assert!(!corrs.is_empty(), "no sounding second");
    corrs
}

/// From the first to the last 10 ms of sound (above -45 dBFS), in samples.
fn sounding_span(heard: &[i16]) -> usize {
    let loud: Vec<usize> = heard
        .chunks(80)
        .enumerate()
        .filter(|(_, frame)| crate::quality::rms_dbfs(frame) > -45.0)
        .map(|(i, _)| i)
        .collect();
    match (loud.first(), loud.last()) {
        (Some(first), Some(last)) => (last - first + 1) * 80,
        _ => 0,
    }
}

/// The clip as the player should hand it over at `speed`, brought to 8 kHz.
fn expected_at(clip: &Path, speed: f64) -> Vec<i16> {
    let pcm = decode(&std::fs::read(clip).unwrap()).unwrap();
    let stretched = rongchat_voice::stretch::stretch(&pcm.samples, pcm.rate, speed);
    resample_all(&stretched, pcm.rate, 8000)
        .unwrap()
        .into_iter()
        .map(to_i16)
        .collect()
}

/// HQ voice (AAC) and music (MP3) play through the same player as AMR; at 2x the speaker
/// gets the clip in half the samples, at the same pitch, and positions stay in clip time.
fn hq_voice_and_music_play_and_2x_takes_half(pulse: &mut HeadlessPulse, work: &Path) {
    let encoded = crate::decode_quality::encoded();
    let aac_secs = decode(&std::fs::read(&encoded.adts).unwrap())
        .unwrap()
        .duration()
        .as_secs_f64();
    let mut spans = Vec::new();
    for (clip, speed, factor) in [
        (&encoded.adts, "1", 1.0),
        (&encoded.adts, "2", 2.0),
        (&encoded.mp3, "1", 1.0),
    ] {
        let (events, heard) = play_and_hear(pulse, clip, speed, work);
        let label = format!(
            "{} at {speed}x",
            clip.file_name().unwrap().to_string_lossy()
        );
        assert!(
            events.first().is_some_and(|l| l.starts_with("Started")),
            "{label}: {events:?}"
        );
        assert_eq!(events.last().map(String::as_str), Some("Ended"), "{label}");
        let last: f64 = events
            .iter()
            .filter_map(|l| l.strip_prefix("position "))
            .map(|p| p.parse().unwrap())
            .next_back()
            .unwrap();
        let expected = expected_at(clip, factor);
        let q = compare(&expected, &heard, 0..=heard.len() as isize - 1);
        let windows = window_corrs(&expected, &heard, q.lag);
        let median = windows[windows.len() / 2];
        let span = sounding_span(&heard);
        eprintln!(
            "{label}: last position {last:.2} s (clip {aac_secs:.2} s), sounding {:.2} s, \
             corr with what the player computed {:.3} (per second, median {median:.3}), \
             level {:+.2} dB",
            span as f64 / 8000.0,
            q.corr,
            q.level_db
        );
        // Per second: one underrun on a busy machine shifts what follows it, which spoils
        // the whole-clip figure but only one window.
        assert!(median >= 0.9, "{label}: {windows:?} {q:?}");
        assert!(q.level_db.abs() <= 3.0, "{label}: {q:?}");
        spans.push(span);
        if clip == &encoded.adts {
            // Positions are in clip time whatever the speed.
            assert!(
                (last - aac_secs).abs() < 0.1,
                "{label}: {last} vs {aac_secs}"
            );
        }
    }
    let ratio = spans[1] as f64 / spans[0] as f64;
    eprintln!("2x sounds for {ratio:.3} of 1x (samples the speaker got)");
    assert!((0.45..=0.55).contains(&ratio), "2x / 1x = {ratio:.3}");
}
