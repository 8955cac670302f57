//! The public API on real devices, in-process. The environment that points libpulse at the
//! test's private daemon cannot be set inside a running test (that needs `unsafe`), so
//! `devices::real_devices_through_a_headless_pulseaudio` runs this test in a child copy of
//! the test binary with that environment. Run on its own it is ignored.

use std::sync::mpsc;
use std::time::Duration;

use rongchat_voice::capture::{RecordOptions, start_recording_with};
use rongchat_voice::{
    Limits, Player, PlayerEvent, RecordingEvent, VoiceError, amr_to_wav, start_recording,
};

use crate::support::TempDir;

/// Names the clip the parent recorded; its presence says we run under the parent.
pub const CLIP_ENV: &str = "RONGCHAT_VOICE_TEST_CLIP";
const WAIT: Duration = Duration::from_secs(15);

fn level_channel() -> (
    impl FnMut(RecordingEvent) + Send + 'static,
    mpsc::Receiver<RecordingEvent>,
) {
    let (tx, rx) = mpsc::channel();
    (
        move |event| {
            let _ = tx.send(event);
        },
        rx,
    )
}

/// Waits until the recording has `elapsed` audio in it.
fn wait_for_audio(events: &mpsc::Receiver<RecordingEvent>, elapsed: Duration) {
    loop {
        match events.recv_timeout(WAIT).expect("level events") {
            RecordingEvent::Level(level) if level.elapsed >= elapsed => return,
            RecordingEvent::DeviceLost(e) => panic!("device lost: {e}"),
            _ => {}
        }
    }
}

fn wait_for_position(events: &mpsc::Receiver<PlayerEvent>, at: Duration) {
    loop {
        match events.recv_timeout(WAIT).expect("player events") {
            PlayerEvent::Position(p) if p >= at => return,
            PlayerEvent::Ended | PlayerEvent::Stopped | PlayerEvent::DeviceLost(_) => {
                panic!("playback ended early")
            }
            _ => {}
        }
    }
}

fn last_event(events: &mpsc::Receiver<PlayerEvent>) -> PlayerEvent {
    loop {
        let event = events.recv_timeout(WAIT).expect("a final event");
        if !matches!(
            event,
            PlayerEvent::Position(_) | PlayerEvent::Started { .. }
        ) {
            return event;
        }
    }
}

#[test]
#[ignore = "run by devices::real_devices_through_a_headless_pulseaudio with its daemon"]
fn api_on_real_devices() {
    let Ok(clip) = std::env::var(CLIP_ENV) else {
        eprintln!(
            "skipped: needs the daemon of devices::real_devices_through_a_headless_pulseaudio"
        );
        return;
    };
    let clip = std::fs::read(clip).unwrap();
    let dir = TempDir::new("api");

    // Cancel mid-recording: the file goes away.
    let path = dir.join("cancelled.amr");
    let (on_event, events) = level_channel();
    let handle = start_recording(None, &path, on_event).unwrap();
    wait_for_audio(&events, Duration::from_millis(1500));
    assert!(path.exists());
    handle.cancel().unwrap();
    assert!(!path.exists());

    // Stopping under a second: a typed reason, no file.
    let path = dir.join("short.amr");
    let (on_event, events) = level_channel();
    let handle = start_recording(Some("default"), &path, on_event).unwrap();
    wait_for_audio(&events, Duration::from_millis(300));
    let err = handle.stop().unwrap_err();
    assert!(matches!(err, VoiceError::TooShort { .. }), "{err}");
    assert!(!path.exists());

    // A limit stops the recording by itself and the clip is complete.
    let path = dir.join("limited.amr");
    let (on_event, events) = level_channel();
    let options = RecordOptions {
        device: None,
        limits: Limits {
            min: Duration::from_secs(1),
            max: Duration::from_millis(1500),
        },
    };
    let handle = start_recording_with(options, &path, on_event).unwrap();
    assert!(
        handle.wait_finished(WAIT),
        "the limit did not stop the recording"
    );
    assert!(events.try_iter().any(|e| e == RecordingEvent::LimitReached));
    let recorded = handle.stop().unwrap();
    assert_eq!((recorded.frames, recorded.duration_secs), (75, 2));

    // An unknown device is a typed error.
    let err = start_recording(Some("no-such-mic"), dir.join("x.amr"), |_| {}).unwrap_err();
    assert!(matches!(err, VoiceError::DeviceNotFound(_)), "{err}");

    // One clip at a time: a second play stops the first; stop ends the second.
    let mut player = Player::default();
    let (tx, first) = mpsc::channel();
    player
        .play(&clip, move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
    wait_for_position(&first, Duration::from_millis(300));
    let (tx, second) = mpsc::channel();
    player
        .play(&clip, move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
    assert_eq!(last_event(&first), PlayerEvent::Stopped);
    wait_for_position(&second, Duration::from_millis(300));
    assert!(player.is_playing());
    player.stop();
    assert_eq!(last_event(&second), PlayerEvent::Stopped);
    assert!(!player.is_playing());
    assert!(matches!(
        player.play(b"#!AMR\n", |_| {}),
        Err(VoiceError::Empty)
    ));

    // The WAV a webview can play itself.
    let wav = amr_to_wav(&clip).unwrap();
    let audio = rongchat_voice::wav::parse_wav(&wav).unwrap();
    assert_eq!(
        (audio.rate, audio.channels, audio.samples.len()),
        (8000, 1, 150 * 160)
    );
    println!("{COMPLETED}");
}

/// Printed at the end, so the parent knows the checks ran rather than being skipped.
pub const COMPLETED: &str = "api-on-real-devices: all checks ran";
