//! The device-free recorder core, driven by pushed samples (the audio is its clock).

use std::time::Duration;

use rongchat_voice::amr::{self, MAGIC, MR122_RECORD_BYTES};
use rongchat_voice::{Limits, Recorder, RecorderState, VoiceError, decode_amr, recover, wav};

use crate::quality::compare;
use crate::support::{TempDir, speech};

/// 48 kHz stereo speech, looped to any length.
fn speech_48k_stereo(seconds: f64) -> Vec<f32> {
    let audio = wav::read_wav(&speech().wav_48k_stereo).unwrap();
    let wanted = (seconds * 48000.0) as usize * 2;
    audio.samples.iter().copied().cycle().take(wanted).collect()
}

fn push_all(
    recorder: &mut Recorder,
    samples: &[f32],
    levels: &mut Vec<rongchat_voice::Level>,
) -> RecorderState {
    let mut state = RecorderState::Recording;
    for chunk in samples.chunks(960) {
        state = recorder.push(chunk, &mut |l| levels.push(l)).unwrap();
    }
    state
}

#[test]
fn stops_by_itself_at_60_s_with_a_complete_clip() {
    let dir = TempDir::new("limit");
    let path = dir.join("long.amr");
    let mut recorder = Recorder::create(&path, 48000, 2, Limits::default()).unwrap();
    let mut levels = Vec::new();
    let samples = speech_48k_stereo(61.5);
    let (first_minute, rest) = samples.split_at(60 * 48000 * 2 - 960);
    assert_eq!(
        push_all(&mut recorder, first_minute, &mut levels),
        RecorderState::Recording
    );
    assert_eq!(
        push_all(&mut recorder, rest, &mut levels),
        RecorderState::LimitReached
    );
    assert_eq!(recorder.elapsed(), Duration::from_secs(60));
    assert_eq!(levels.len(), 60 * 20, "20 level readings a second");
    assert_eq!(levels.last().unwrap().elapsed, Duration::from_secs(60));
    assert!(levels.iter().any(|l| l.peak > 0.1));

    let clip = recorder.finish().unwrap();
    assert_eq!(clip.frames, 3000);
    assert_eq!(clip.duration, Duration::from_secs(60));
    assert_eq!(clip.duration_secs, 60);
    assert_eq!(clip.bytes.len(), MAGIC.len() + 3000 * MR122_RECORD_BYTES);
    assert_eq!(std::fs::read(&path).unwrap(), clip.bytes);
    assert_eq!(amr::info(&clip.bytes).unwrap().frames, 3000);
}

#[test]
fn a_clip_under_one_second_is_discarded_with_a_reason() {
    let dir = TempDir::new("short");
    let path = dir.join("short.amr");
    let mut recorder = Recorder::create(&path, 44100, 1, Limits::default()).unwrap();
    let samples = vec![0.1f32; 44100 * 9 / 10];
    push_all(&mut recorder, &samples, &mut Vec::new());
    let err = recorder.finish().unwrap_err();
    assert!(matches!(err, VoiceError::TooShort { millis: 900 }), "{err}");
    assert!(err.to_string().contains("at least 1 s"), "{err}");
    assert!(!path.exists(), "a discarded clip leaves no file");

    // Exactly one second is kept and counts as 1 s.
    let mut recorder = Recorder::create(&path, 44100, 1, Limits::default()).unwrap();
    push_all(&mut recorder, &vec![0.1f32; 44100], &mut Vec::new());
    let clip = recorder.finish().unwrap();
    assert_eq!((clip.frames, clip.duration_secs), (50, 1));
}

#[test]
fn cancel_deletes_the_clip() {
    let dir = TempDir::new("cancel");
    let path = dir.join("cancelled.amr");
    let mut recorder = Recorder::create(&path, 48000, 2, Limits::default()).unwrap();
    push_all(&mut recorder, &speech_48k_stereo(2.0), &mut Vec::new());
    assert!(path.exists());
    recorder.cancel().unwrap();
    assert!(!path.exists());
}

#[test]
fn the_clip_on_disk_is_valid_while_recording_and_after_a_crash() {
    let dir = TempDir::new("crash");
    let path = dir.join("crash.amr");
    let mut recorder = Recorder::create(&path, 48000, 2, Limits::default()).unwrap();
    let samples = speech_48k_stereo(3.0);
    push_all(&mut recorder, &samples, &mut Vec::new());
    // Mid-recording, the file already holds the frames made so far.
    let on_disk = std::fs::read(&path).unwrap();
    let frames = amr::parse(&on_disk).unwrap().len();
    assert!(frames >= 140, "only {frames} frames on disk after 3 s");
    // The process dies here: the recorder is never finished.
    std::mem::forget(recorder);
    // ...in the middle of writing a record.
    let mut torn = on_disk.clone();
    torn.extend_from_slice(&on_disk[6..20]);
    std::fs::write(&path, &torn).unwrap();

    let recovered = recover(&path).unwrap();
    assert_eq!(recovered.frames, frames);
    assert_eq!(recovered.trimmed_bytes, 14);
    let decoded = decode_amr(&std::fs::read(&path).unwrap()).unwrap();
    let q = compare(&speech().reference, &decoded, 0..=200);
    assert!(q.corr > 0.75, "{q:?}");
}

#[test]
fn odd_formats_are_accepted_or_refused_cleanly() {
    let dir = TempDir::new("formats");
    for (rate, channels) in [(8000, 1), (11025, 1), (44100, 2), (96000, 6)] {
        let path = dir.join(&format!("{rate}-{channels}.amr"));
        let mut recorder = Recorder::create(&path, rate, channels, Limits::default()).unwrap();
        let samples = vec![0.05f32; rate as usize * channels * 3 / 2];
        push_all(&mut recorder, &samples, &mut Vec::new());
        let clip = recorder.finish().unwrap();
        assert_eq!(
            (clip.frames, clip.duration_secs),
            (75, 2),
            "{rate} Hz x {channels}"
        );
    }
    let path = dir.join("bad.amr");
    assert!(matches!(
        Recorder::create(&path, 0, 1, Limits::default()),
        Err(VoiceError::UnsupportedFormat(_))
    ));
    assert!(matches!(
        Recorder::create(&path, 48000, 0, Limits::default()),
        Err(VoiceError::UnsupportedFormat(_))
    ));
}
