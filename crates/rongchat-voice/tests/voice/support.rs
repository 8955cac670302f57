//! Test helpers: temporary directories, speech made by espeak-ng and sox, external tools
//! run with a deadline.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("rongchat-voice-{}-{n}-{label}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a command to completion within `limit`, killing it if it overruns.
pub fn run(command: &mut Command, limit: Duration) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {command:?}: {e}"));
    wait_output(child, limit, &format!("{command:?}"))
}

/// Waits for a spawned child within `limit`, draining its piped stdout and stderr meanwhile
/// (a full pipe would otherwise block it forever).
pub fn wait_output(mut child: Child, limit: Duration, what: &str) -> Output {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = stderr.join().unwrap_or_default();
            panic!(
                "{what} did not finish within {limit:?}; stderr: {}",
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// Runs a command that must succeed.
pub fn run_ok(command: &mut Command, limit: Duration) -> Output {
    let out = run(command, limit);
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Polls `condition` until it holds or `limit` passes.
pub fn wait_until(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The command-line tool built from this crate.
pub fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rongchat-voice"))
}

/// Speech shared by the tests, made once per test process.
pub struct Speech {
    /// espeak-ng output resampled by sox to 48 kHz stereo 16-bit.
    pub wav_48k_stereo: PathBuf,
    /// The same, 48 kHz mono (what the virtual microphone plays, looped ten times).
    pub mic_loop_48k: PathBuf,
    /// The reference: the 48 kHz stereo speech resampled by sox to 8 kHz mono 16-bit.
    pub wav_8k: PathBuf,
    /// `wav_8k` as samples.
    pub reference: Vec<i16>,
}

const TEXT: &str = "Hello from the voice test. Testing one two three. \
                    The quick brown fox jumps over the lazy dog, and the clip plays back.";

/// A per-process folder under cargo's test scratch space (statics are never dropped, so it
/// cannot be a `TempDir`); folders of test processes that have exited are removed first.
fn speech_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("voice-speech");
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let pid = entry.file_name().to_string_lossy().to_string();
            if !Path::new("/proc").join(&pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = root.join(std::process::id().to_string());
    std::fs::create_dir_all(&dir).expect("create speech dir");
    dir
}

pub fn speech() -> &'static Speech {
    static SPEECH: OnceLock<Speech> = OnceLock::new();
    SPEECH.get_or_init(|| {
        let dir = speech_dir();
        let raw = dir.join("espeak.wav");
        let limit = Duration::from_secs(30);
        run_ok(
            Command::new("espeak-ng").arg("-w").arg(&raw).arg(TEXT),
            limit,
        );
        let wav_48k_stereo = dir.join("speech-48k-stereo.wav");
        run_ok(
            // -R: sox's dither is seeded the same every run, so the reference is the same
            // bytes every run (the bit-exact comparison with opencore depends on it).
            Command::new("sox")
                .arg("-R")
                .arg(&raw)
                .args(["-r", "48000", "-c", "2", "-b", "16"])
                .arg(&wav_48k_stereo),
            limit,
        );
        let wav_8k = dir.join("speech-8k.wav");
        run_ok(
            Command::new("sox")
                .arg("-R")
                .arg(&wav_48k_stereo)
                .args(["-r", "8000", "-c", "1", "-b", "16"])
                .arg(&wav_8k),
            limit,
        );
        let mic_loop_48k = dir.join("mic-loop-48k.wav");
        run_ok(
            Command::new("sox")
                .arg(&raw)
                .args(["-r", "48000", "-c", "1", "-b", "16"])
                .arg(&mic_loop_48k)
                .args(["repeat", "9"]),
            limit,
        );
        let reference = read_wav_i16(&wav_8k);
        Speech {
            wav_48k_stereo,
            mic_loop_48k,
            wav_8k,
            reference,
        }
    })
}

/// Reads a 16-bit mono WAV.
pub fn read_wav_i16(path: &Path) -> Vec<i16> {
    let audio = rongchat_voice::wav::read_wav(path).expect("read wav");
    assert_eq!(audio.channels, 1, "{} is not mono", path.display());
    audio
        .samples
        .iter()
        .map(|&s| rongchat_voice::resample::to_i16(s))
        .collect()
}

/// Reads raw s16le samples.
pub fn read_s16le(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}
