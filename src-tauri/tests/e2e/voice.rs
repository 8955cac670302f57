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

/// The best correlation of `part` with `haystack` at any lag: a coarse search on
/// 4x-averaged signals, then every lag near the best one.
fn best_match(part: &[f32], haystack: &[f32]) -> f32 {
    let lags = haystack.len().saturating_sub(part.len());
    let shrink =
        |s: &[f32]| -> Vec<f32> { s.chunks(4).map(|c| c.iter().sum::<f32>() / 4.0).collect() };
    let (small_part, small_hay) = (shrink(part), shrink(haystack));
    let small_lags = small_hay.len().saturating_sub(small_part.len());
    let coarse = (0..small_lags)
        .max_by(|&x, &y| {
            corr_at(&small_part, &small_hay, x).total_cmp(&corr_at(&small_part, &small_hay, y))
        })
        .unwrap_or(0)
        * 4;
    (coarse.saturating_sub(8)..(coarse + 8).min(lags))
        .map(|lag| corr_at(part, haystack, lag))
        .fold(f32::MIN, f32::max)
}

/// The best correlation of a second of the clip's middle with the looping reference.
fn best_correlation(clip: &[f32], period: &[f32]) -> f32 {
    let window = 8000.min(clip.len() / 2);
    let start = (clip.len() - window) / 2;
    let part = &clip[start..start + window];
    let looped: Vec<f32> = period.iter().chain(period).chain(period).copied().collect();
    best_match(part, &looped[..period.len() + window])
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

    // 3. Click once and let the limit end it: the clip is sent, not lost. The countdown
    // counts down from the backend's limit, not from the usual 60.
    let started = Instant::now();
    mouse(&app, vec![at_button(), down(), up()]).await;
    app.wait_js(
        "the countdown from the shortened limit",
        &format!(
            "const text = document.getElementById('recording-countdown').textContent;
             const left = Number((text.match(/\\d+/) || [])[0]);
             return Number(document.getElementById('record-button').dataset.elapsed) > 0.5
               && left >= 1 && left < {LIMIT_SECS};"
        ),
    )
    .await;
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

/// Loud 10 ms frames (above -45 dBFS) in mono audio at `rate`, as seconds.
fn sounding_secs(samples: &[f32], rate: u32) -> f64 {
    let frame = (rate / 100).max(1) as usize;
    let loud = samples
        .chunks(frame)
        .filter(|f| {
            let mean = f.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / f.len() as f64;
            10.0 * mean.max(1e-20).log10() > -45.0
        })
        .count();
    loud as f64 * 0.01
}

/// HQ voice (AAC in ADTS and in M4A), an AMR clip and an MP3 music card, all received from
/// another client: in the real window they play through the one player; at 2x (the
/// toggle, kept in `voice.json`) clicking the first clip plays all three unheard clips in
/// turn, their red dots go, and the speaker sounds for about half their length; the music
/// plays too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_voice_format_plays_at_the_chosen_speed_and_unheard_clips_follow() {
    use rongchat_proto::content::{Content, HqVoice, Music};

    let dir = tempfile::tempdir().expect("temp dir");
    let raw = dir.path().join("speech.wav");
    run(Command::new("espeak-ng")
        .arg("-w")
        .arg(&raw)
        .arg("One two three four."));
    let wav_16k = dir.path().join("speech-16k.wav");
    run(Command::new("sox")
        .arg("-R")
        .arg(&raw)
        .args(["-r", "16000", "-c", "1", "-b", "16"])
        .arg(&wav_16k));
    let ffmpeg = |args: &[&str], out: &Path| {
        run(Command::new("ffmpeg")
            .args(["-nostdin", "-loglevel", "error", "-y", "-i"])
            .arg(&wav_16k)
            .args(args)
            .arg(out));
    };
    let adts = dir.path().join("hq.aac");
    ffmpeg(&["-c:a", "aac", "-b:a", "32k", "-f", "adts"], &adts);
    let m4a = dir.path().join("hq.m4a");
    ffmpeg(&["-c:a", "aac", "-b:a", "32k"], &m4a);
    let mp3 = dir.path().join("music.mp3");
    ffmpeg(
        &[
            "-ar",
            "44100",
            "-ac",
            "2",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "96k",
        ],
        &mp3,
    );
    let decoded = |path: &Path| {
        rongchat_voice::decode(&std::fs::read(path).expect("read")).expect("our decode")
    };
    let speech = decoded(&adts);
    let speech_sounds = sounding_secs(&speech.samples, speech.rate);

    let mut pulse = HeadlessPulse::start().expect("pulseaudio (scripts/packages/audio.txt)");
    let captured = dir.path().join("speaker.raw");
    pulse
        .record_speaker(&captured)
        .expect("parec of the virtual speaker");
    let heard_secs = || {
        let bytes = std::fs::read(&captured).unwrap_or_default();
        let samples: Vec<f32> = bytes
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .collect();
        sounding_secs(&samples, 8000)
    };

    let data_dir = dir.path().join("app-data");
    let mut env: Vec<(String, String)> = pulse.env();
    env.push(("RONGCHAT_DATA_DIR".into(), data_dir.display().to_string()));
    env.push((LOG_FILTER.0.into(), LOG_FILTER.1.into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = App::launch(&env_refs).await;
    let embedded = Embedded::read(&data_dir).await;
    let me = embedded.user_id.clone();
    let peer = Peer::connect(&embedded, "hq-peer", "HQ Peer").await;
    let hq = |url: String| {
        Content::HqVoice(HqVoice {
            remote_url: url,
            duration: 2,
            format: Some("aac".into()),
            sample_rate: Some(16000),
            number_of_channels: Some(1),
            ..Default::default()
        })
    };
    let adts_url = peer.upload(&adts).await;
    let m4a_url = peer.upload(&m4a).await;
    let mp3_url = peer.upload(&mp3).await;
    peer.send_content(&me, hq(adts_url)).await;
    peer.send_content(&me, hq(m4a_url)).await;
    peer.send_voice(&me, 1).await;
    peer.send_content(
        &me,
        Content::Music(Music {
            url: mp3_url,
            name: "Counting".into(),
            author: "espeak-ng".into(),
            ..Default::default()
        }),
    )
    .await;

    app.open_chat("hq-peer").await;
    app.wait_js(
        "three unheard voice clips with a red dot",
        "return document.querySelectorAll('li.kind-voice .unheard-dot').length === 3 \
         && document.querySelectorAll('li.kind-music .music-play').length === 1;",
    )
    .await;

    // The speed toggle steps 1x -> 1.5x -> 2x, and the backend keeps it.
    let speed_is = |label: &str| {
        format!("return document.getElementById('voice-speed').textContent === {label:?};")
    };
    app.wait_js("the toggle at 1x", &speed_is("1x")).await;
    for label in ["1.5x", "2x"] {
        app.element("#voice-speed")
            .await
            .click()
            .await
            .expect("speed toggle");
        app.wait_js(&format!("the toggle at {label}"), &speed_is(label))
            .await;
    }
    let kept = std::fs::read_to_string(data_dir.join("config").join("voice.json"))
        .expect("voice.json is written");
    assert_eq!(kept, r#"{"speed":2.0}"#);
    app.screenshot("voice-speed-2x").await;

    // Record which clip plays, every 20 ms, then click the first one.
    app.js(
        "window.__played = []; window.__watch = setInterval(() => { \
           const p = document.querySelector('li.kind-voice .voice-bubble.playing'); \
           const id = p && p.closest('li').id; \
           if (id && window.__played[window.__played.length - 1] !== id) window.__played.push(id); \
         }, 20); return true;",
    )
    .await;
    let ids = app
        .js("return [...document.querySelectorAll('li.kind-voice')].map((li) => li.id);")
        .await;
    let ids: Vec<String> = serde_json::from_value(ids).expect("ids");
    assert_eq!(ids.len(), 3, "{ids:?}");
    let before = heard_secs();
    app.element("li.kind-voice .voice-bubble")
        .await
        .click()
        .await
        .expect("click the first clip");
    app.wait_js(
        "all three clips played, one after another, and none is unheard",
        "return window.__played.length === 3 \
         && !document.querySelector('.voice-bubble.playing') \
         && document.querySelectorAll('li.kind-voice .unheard-dot').length === 0;",
    )
    .await;
    let played = app
        .js("clearInterval(window.__watch); return window.__played;")
        .await;
    let played: Vec<String> = serde_json::from_value(played).expect("played ids");
    assert_eq!(played, ids, "the clips played in their order");

    // What the speaker got: the two AAC clips and the 1 s AMR tone, at 2x.
    let clips_sound = 2.0 * speech_sounds + 1.0;
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut chain = heard_secs() - before;
    while Instant::now() < deadline && chain < clips_sound * 0.4 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        chain = heard_secs() - before;
    }
    let ratio = chain / clips_sound;
    eprintln!("the chain at 2x sounded {chain:.2} s of the clips' {clips_sound:.2} s ({ratio:.2})");
    assert!(
        (0.35..=0.65).contains(&ratio),
        "2x sounded {ratio:.2} of the clips"
    );

    // The MP3 music card plays through the same player (at the same 2x).
    let before = heard_secs();
    app.js(
        "window.__musicSeen = false; window.__musicWatch = setInterval(() => { \
           const b = document.querySelector('li.kind-music .music-play'); \
           if (b && b.textContent === '■') window.__musicSeen = true; }, 20); return true;",
    )
    .await;
    app.element("li.kind-music .music-play")
        .await
        .click()
        .await
        .expect("play the music");
    app.wait_js(
        "the music to play and end",
        "return window.__musicSeen \
         && document.querySelector('li.kind-music .music-play').textContent === '▶';",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut music = heard_secs() - before;
    while Instant::now() < deadline && music < speech_sounds * 0.3 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        music = heard_secs() - before;
    }
    eprintln!("the music at 2x sounded {music:.2} s (the speech: {speech_sounds:.2} s)");
    assert!(
        music >= speech_sounds * 0.3,
        "the music barely sounded: {music:.2} s"
    );
    app.screenshot("voice-formats").await;

    // Back at 1x, the first clip played again: what the speaker got is that clip, sample
    // for sample (the speech's sounding middle, at the capture's 8 kHz, found in it).
    app.element("#voice-speed")
        .await
        .click()
        .await
        .expect("speed toggle");
    app.wait_js("the toggle back at 1x", &speed_is("1x")).await;
    let from = std::fs::read(&captured).unwrap_or_default().len();
    app.element("li.kind-voice .voice-bubble")
        .await
        .click()
        .await
        .expect("play the first clip again");
    app.wait_js(
        "the clip to play and end",
        "return !document.querySelector('.voice-bubble.playing');",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(3);
    let played = loop {
        let bytes = std::fs::read(&captured).unwrap_or_default();
        let samples: Vec<f32> = bytes[from.min(bytes.len())..]
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .collect();
        if sounding_secs(&samples, 8000) >= speech_sounds * 0.9 || Instant::now() > deadline {
            break samples;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(speech.rate, 16000, "the reference's rate");
    let reference: Vec<f32> = speech
        .samples
        .chunks(2)
        .map(|pair| pair.iter().sum::<f32>() / pair.len() as f32)
        .collect();
    let window = 8000.min(reference.len() / 2);
    let start = (reference.len() - window) / 2;
    let corr = best_match(&reference[start..start + window], &played);
    eprintln!("the clip as played at 1x: correlation with its decode {corr:.3}");
    assert!(
        corr >= 0.8,
        "the speaker did not play the clip (corr {corr:.3})"
    );
    app.quit().await;
    drop(pulse);
}
