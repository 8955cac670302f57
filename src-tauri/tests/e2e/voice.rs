//! Voice from the UI, end to end: a private headless PulseAudio (`rongchat_voice::headless`)
//! whose null sink's monitor is the app's microphone, fed with espeak-ng speech by paplay.
//! In the real window the user starts a chat by id, records by holding the mic button, by
//! clicking it twice, and by clicking once and letting the (test-shortened) limit end the
//! clip. A second client receives each `RC:VcMsg`; its AMR decodes and correlates with the
//! speech. The system is dark (GTK_THEME), so the screenshots show dark mode.

use crate::harness::{App, LOG_FILTER, WAIT};
use crate::peer::{Embedded, Peer, Received};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use rongchat_voice::headless::HeadlessPulse;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The clip limit the app runs with here (the code path of the 60 s one).
const LIMIT_SECS: u32 = 4;
const SPEECH: &str = "Hello from the voice test. Testing one two three. \
                      The quick brown fox jumps over the lazy dog.";

/// Runs a tool that must succeed within a bounded time.
fn run(command: &mut Command) {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {command:?}: {e}"));
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            assert!(status.success(), "{command:?} failed");
            return;
        }
        assert!(Instant::now() < deadline, "{command:?} did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The speech: a long 48 kHz loop for the microphone and one 8 kHz period as reference.
fn speech(dir: &Path) -> (PathBuf, Vec<f32>) {
    let raw = dir.join("speech.wav");
    run(Command::new("espeak-ng").arg("-w").arg(&raw).arg(SPEECH));
    let mic = dir.join("mic-48k.wav");
    run(Command::new("sox")
        .arg(&raw)
        .args(["-r", "48000", "-c", "1", "-b", "16"])
        .arg(&mic)
        .args(["repeat", "30"]));
    let reference = dir.join("ref-8k.wav");
    run(Command::new("sox")
        .arg(&raw)
        .args(["-r", "8000", "-c", "1", "-b", "16"])
        .arg(&reference));
    let audio = rongchat_voice::wav::read_wav(&reference).expect("read the reference");
    (mic, audio.samples)
}

/// Normalised correlation of `a` with `b` at `lag` (b shifted).
fn corr_at(a: &[f32], b: &[f32], lag: usize) -> f32 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &x) in a.iter().enumerate() {
        let y = b[lag + i];
        ab += f64::from(x * y);
        aa += f64::from(x * x);
        bb += f64::from(y * y);
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    (ab / (aa * bb).sqrt()) as f32
}

/// The best correlation of a second of the clip's middle with the looping reference:
/// a coarse search on 4x-averaged signals, then every lag near the best one.
fn best_correlation(clip: &[f32], period: &[f32]) -> f32 {
    let window = 8000.min(clip.len() / 2);
    let start = (clip.len() - window) / 2;
    let part = &clip[start..start + window];
    let looped: Vec<f32> = period.iter().chain(period).chain(period).copied().collect();
    let lags = period.len();
    let shrink =
        |s: &[f32]| -> Vec<f32> { s.chunks(4).map(|c| c.iter().sum::<f32>() / 4.0).collect() };
    let (small_part, small_loop) = (shrink(part), shrink(&looped));
    let coarse = (0..lags / 4)
        .max_by(|&x, &y| {
            corr_at(&small_part, &small_loop, x).total_cmp(&corr_at(&small_part, &small_loop, y))
        })
        .unwrap_or(0)
        * 4;
    (coarse.saturating_sub(8)..(coarse + 8).min(lags))
        .map(|lag| corr_at(part, &looped, lag))
        .fold(f32::MIN, f32::max)
}

/// Checks one received clip: its length, and that it is the speech.
fn check_clip(received: &Received, period: &[f32], what: &str, seconds: impl Fn(u64) -> bool) {
    let Received::Voice { amr, duration } = received else {
        panic!("{what}: not a voice clip: {received:?}");
    };
    assert!(seconds(*duration), "{what}: {duration} s");
    let pcm = rongchat_voice::decode_amr(amr).expect("the clip decodes");
    let clip: Vec<f32> = pcm.iter().map(|&s| f32::from(s) / 32768.0).collect();
    let corr = best_correlation(&clip, period);
    eprintln!("{what}: {duration} s, correlation with the speech {corr:.3}");
    assert!(
        corr >= 0.6,
        "{what}: the clip is not the speech (corr {corr:.3})"
    );
}

async fn mouse(app: &App, steps: Vec<PointerAction>) {
    let mut actions = MouseActions::new("mouse".into());
    for step in steps {
        actions = actions.then(step);
    }
    app.client
        .perform_actions(actions)
        .await
        .expect("pointer actions");
}

/// Waits until the recording in progress has this much audio (the app's levels say).
async fn recorded_at_least(app: &App, seconds: f32) {
    // The recorder is on (a failure would be a toast, shown with the page text).
    app.wait_for_css("#record-button.active").await;
    app.wait_js(
        &format!("{seconds} s recorded"),
        &format!(
            "const b = document.getElementById('record-button'); \
             return b.classList.contains('active') && Number(b.dataset.elapsed || 0) >= {seconds};"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voice_recorded_in_the_window_reaches_another_client() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mic, period) = speech(dir.path());
    let mut pulse = HeadlessPulse::start().expect("pulseaudio (scripts/packages/audio.txt)");
    pulse.feed_microphone(&mic).expect("paplay");
    let data_dir = dir.path().join("app-data");
    let limit = LIMIT_SECS.to_string();
    let mut env: Vec<(String, String)> = pulse.env();
    env.push(("RONGCHAT_DATA_DIR".into(), data_dir.display().to_string()));
    env.push(("RONGCHAT_VOICE_MAX_SECS".into(), limit));
    env.push(("GTK_THEME".into(), "Adwaita:dark".into()));
    env.push((LOG_FILTER.0.into(), LOG_FILTER.1.into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = App::launch(&env_refs).await;
    let embedded = Embedded::read(&data_dir).await;
    let peer = Peer::connect(&embedded, "voice-peer", "Voice Peer").await;
    app.wait_for_css("#conversation-list li.conversation").await;
    let dark = app
        .js("return matchMedia('(prefers-color-scheme: dark)').matches;")
        .await;
    eprintln!("prefers-color-scheme dark: {dark}");
    app.screenshot("dark-list").await;

    // Start a chat by id: the peer has never written, so there is no row yet.
    app.js(
        "document.getElementById('start-chat-id').value = 'voice-peer'; \
         document.getElementById('start-chat-form').requestSubmit(); return true;",
    )
    .await;
    app.wait_js(
        "the new chat to open",
        "return !document.getElementById('chat').hidden && \
         document.getElementById('chat-title').textContent.length > 0;",
    )
    .await;
    app.element("#voice-mode")
        .await
        .click()
        .await
        .expect("voice mode");
    let button = app.element("#record-button").await;
    let at_button = || PointerAction::MoveToElement {
        element: button.clone(),
        duration: None,
        x: 0.0,
        y: 0.0,
    };
    let down = || PointerAction::Down {
        button: MOUSE_BUTTON_LEFT,
    };
    let up = || PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    };
    let is_voice = |r: &Received| matches!(r, Received::Voice { .. });

    // 1. Hold to talk: press, speak, release.
    mouse(&app, vec![at_button(), down()]).await;
    recorded_at_least(&app, 2.5).await;
    app.screenshot("dark-recording").await;
    mouse(&app, vec![up()]).await;
    let held = peer.wait_for(is_voice).await;
    check_clip(&held, &period, "held", |s| (2..=4).contains(&s));

    // 2. Click to start, click to stop.
    mouse(&app, vec![at_button(), down(), up()]).await;
    recorded_at_least(&app, 2.0).await;
    mouse(&app, vec![at_button(), down(), up()]).await;
    let clicked = peer.wait_for(is_voice).await;
    check_clip(&clicked, &period, "clicked", |s| (2..=4).contains(&s));

    // 3. Click once and let the limit end it: the clip is sent, not lost.
    let started = Instant::now();
    mouse(&app, vec![at_button(), down(), up()]).await;
    let limited = peer.wait_for(is_voice).await;
    check_clip(&limited, &period, "limit", |s| s == u64::from(LIMIT_SECS));
    assert!(started.elapsed() < WAIT);
    app.wait_js(
        "the recorder to be idle",
        "return !document.getElementById('record-button').classList.contains('active');",
    )
    .await;
    // Nothing is left behind once the clips are sent.
    let leftovers: Vec<_> = walk_amr(&data_dir.join("accounts"));
    assert!(leftovers.is_empty(), "clip files left: {leftovers:?}");
    app.screenshot("dark-chat").await;
    app.quit().await;
    drop(pulse);
}

/// Every `.amr` file under `dir`.
fn walk_amr(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "amr") {
                found.push(path);
            }
        }
    }
    found
}
