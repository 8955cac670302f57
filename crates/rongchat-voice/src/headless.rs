//! A private PulseAudio daemon for tests and tools: a virtual microphone and speaker.
//!
//! [`HeadlessPulse::start`] runs `pulseaudio` with its own runtime dir, socket, home, state
//! and client config in a fresh temporary folder, with two null sinks at 48 kHz:
//!
//! - [`MIC_SINK`], whose monitor [`MIC_SOURCE`] is the default source: what is played into
//!   it ([`HeadlessPulse::feed_microphone`]) is what a recorder hears;
//! - [`OUT_SINK`], the default sink: what is played lands there, and its monitor
//!   [`OUT_MONITOR`] records it (`parec -d out_sink.monitor`).
//!
//! A process started with [`HeadlessPulse::env`] (the app), or made by
//! [`HeadlessPulse::command`] (pactl, paplay, parec, the command-line tool), talks to this
//! daemon only. Dropping the value kills the helpers it started and the daemon, and removes
//! the folder. Every wait is bounded.
//!
//! Needs `pulseaudio` and `pulseaudio-utils` on `PATH`. Behind the `headless-pulse` feature.
//!
//! ```no_run
//! use rongchat_voice::headless::{HeadlessPulse, OUT_MONITOR};
//!
//! # fn main() -> std::io::Result<()> {
//! let mut pulse = HeadlessPulse::start()?;
//! pulse.feed_microphone("speech-48k.wav".as_ref())?; // loops until dropped
//! // The app records the speech and plays into the virtual speaker.
//! let app = std::process::Command::new("my-app").envs(pulse.env()).spawn()?;
//! // Or record the speaker with a helper that is killed with the daemon.
//! let mut parec = pulse.command("parec");
//! pulse.spawn_helper(parec.args(["-d", OUT_MONITOR, "speaker.raw"]))?;
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::ffi::OsStr;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The null sink that is the virtual microphone: play speech into it.
pub const MIC_SINK: &str = "mic_sink";
/// The virtual microphone as a source (the monitor of [`MIC_SINK`]); the default source.
pub const MIC_SOURCE: &str = "mic_sink.monitor";
/// The null sink that is the virtual speaker; the default sink.
pub const OUT_SINK: &str = "out_sink";
/// What the virtual speaker plays, as a source to record (the monitor of [`OUT_SINK`]).
pub const OUT_MONITOR: &str = "out_sink.monitor";
/// The sample rate of both sinks.
pub const RATE: u32 = 48_000;

/// How long the daemon may take to accept clients.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// How long one pactl call, or a stream showing up, may take.
const TOOL_LIMIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(20);

/// A running private PulseAudio daemon (see the [module docs](self)).
#[derive(Debug)]
pub struct HeadlessPulse {
    helpers: Vec<Child>,
    daemon: Child,
    // Last: removed after the processes using it are gone.
    dir: Folder,
}

impl HeadlessPulse {
    /// Starts the daemon with the virtual microphone and speaker as the defaults, and waits
    /// (a bounded time) until it accepts clients.
    pub fn start() -> io::Result<Self> {
        let dir = Folder::new()?;
        for sub in ["runtime", "home"] {
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(dir.0.join(sub))?;
        }
        std::fs::write(dir.0.join("client.conf"), "autospawn = no\n")?;
        let sink = |name: &str| format!("module-null-sink sink_name={name} rate={RATE}");
        let mut daemon = command_in(&dir.0, "pulseaudio");
        daemon
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "-n",
                "--use-pid-file=no",
            ])
            .args(["-L", "module-native-protocol-unix"])
            .args(["-L", &sink(MIC_SINK)])
            .args(["-L", &sink(OUT_SINK)])
            .arg(format!(
                "--log-target=file:{}",
                dir.0.join("pulse.log").display()
            ))
            .env("PULSE_STATE_PATH", dir.0.join("state"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let daemon = daemon.spawn().map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot start pulseaudio (install pulseaudio, pulseaudio-utils): {e}"),
            )
        })?;
        let mut pulse = Self {
            helpers: Vec::new(),
            daemon,
            dir,
        };
        pulse.wait_for_clients()?;
        pulse.pactl(&["set-default-source", MIC_SOURCE])?;
        pulse.pactl(&["set-default-sink", OUT_SINK])?;
        Ok(pulse)
    }

    /// The variables a child process needs to use this daemon only (its socket and client
    /// config, the virtual microphone and speaker). `HOME` is not among them: the child
    /// keeps its own.
    pub fn env(&self) -> Vec<(String, String)> {
        env_in(&self.dir.0)
    }

    /// A command (pactl, paplay, parec, a tool under test) that talks to this daemon only:
    /// [`env`](Self::env), and the daemon's private `HOME`.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        command_in(&self.dir.0, program)
    }

    /// Starts a helper (e.g. a `parec` of [`OUT_MONITOR`]) that is killed with the daemon.
    pub fn spawn_helper(&mut self, command: &mut Command) -> io::Result<()> {
        self.helpers.push(command.spawn()?);
        Ok(())
    }

    /// Records what the virtual speaker plays ([`OUT_MONITOR`]) into `file` as raw 8 kHz
    /// mono s16le until the daemon is dropped (the rate every voice check compares at).
    pub fn record_speaker(&mut self, file: &Path) -> io::Result<()> {
        let mut parec = self.command("parec");
        parec
            .args([
                "-d",
                OUT_MONITOR,
                "--rate=8000",
                "--channels=1",
                "--format=s16le",
            ])
            .arg("--latency-msec=20")
            .stdout(std::fs::File::create(file)?)
            .stderr(Stdio::null());
        self.spawn_helper(&mut parec)
    }

    /// Plays `wav` into the virtual microphone ([`MIC_SINK`]) until the daemon is dropped,
    /// and waits (a bounded time) until the stream is playing.
    pub fn feed_microphone(&mut self, wav: &Path) -> io::Result<()> {
        let before = self.sink_inputs()?;
        let mut paplay = self.command("paplay");
        paplay
            .args(["-d", MIC_SINK])
            .arg(wav)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        self.spawn_helper(&mut paplay)?;
        let deadline = Instant::now() + TOOL_LIMIT;
        while self.sink_inputs()? <= before {
            let paplay = self.helpers.last_mut().expect("just pushed");
            if let Some(status) = paplay.try_wait()? {
                return Err(io::Error::other(format!(
                    "paplay of {} exited ({status})",
                    wav.display()
                )));
            }
            if Instant::now() >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("paplay of {} never started playing", wav.display()),
                ));
            }
            std::thread::sleep(POLL);
        }
        Ok(())
    }

    /// How many streams play into the daemon's sinks.
    fn sink_inputs(&self) -> io::Result<usize> {
        Ok(self
            .pactl(&["list", "short", "sink-inputs"])?
            .lines()
            .count())
    }

    /// Polls `pactl info` until the daemon answers, it exits, or [`STARTUP_LIMIT`] passes.
    fn wait_for_clients(&mut self) -> io::Result<()> {
        let deadline = Instant::now() + STARTUP_LIMIT;
        loop {
            if self.pactl(&["info"]).is_ok() {
                return Ok(());
            }
            let failure = if let Some(status) = self.daemon.try_wait()? {
                format!("pulseaudio exited ({status})")
            } else if Instant::now() >= deadline {
                format!("pulseaudio did not accept clients within {STARTUP_LIMIT:?}")
            } else {
                std::thread::sleep(POLL);
                continue;
            };
            let log = std::fs::read_to_string(self.dir.0.join("pulse.log")).unwrap_or_default();
            return Err(io::Error::other(format!("{failure}; its log:\n{log}")));
        }
    }

    /// Runs pactl with `args` within [`TOOL_LIMIT`] and returns what it printed. For pactl's
    /// short answers only: its output is read once it has exited.
    fn pactl(&self, args: &[&str]) -> io::Result<String> {
        let mut child = self
            .command("pactl")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let deadline = Instant::now() + TOOL_LIMIT;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("pactl {args:?} did not finish within {TOOL_LIMIT:?}"),
                ));
            }
            std::thread::sleep(POLL);
        };
        // It has exited, so its pipes end.
        let out = child.wait_with_output()?;
        if status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(io::Error::other(format!(
                "pactl {args:?} failed ({status}): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }
}

impl Drop for HeadlessPulse {
    fn drop(&mut self) {
        for child in self.helpers.iter_mut().chain([&mut self.daemon]) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// [`HeadlessPulse::env`] for the daemon's folder.
fn env_in(dir: &Path) -> Vec<(String, String)> {
    let runtime = dir.join("runtime");
    let path = |p: &Path| p.display().to_string();
    vec![
        ("XDG_RUNTIME_DIR".into(), path(&runtime)),
        ("PULSE_RUNTIME_PATH".into(), path(&runtime.join("pulse"))),
        (
            "PULSE_SERVER".into(),
            format!("unix:{}", runtime.join("pulse/native").display()),
        ),
        ("PULSE_CLIENTCONFIG".into(), path(&dir.join("client.conf"))),
        // The client's cookie: never the one in the real home.
        ("PULSE_COOKIE".into(), path(&dir.join("cookie"))),
        ("PULSE_SOURCE".into(), MIC_SOURCE.into()),
        ("PULSE_SINK".into(), OUT_SINK.into()),
    ]
}

/// [`HeadlessPulse::command`] for the daemon's folder.
fn command_in(dir: &Path, program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.envs(env_in(dir)).env("HOME", dir.join("home"));
    command
}

/// A private (0700) temporary folder, removed when dropped.
#[derive(Debug)]
struct Folder(PathBuf);

impl Folder {
    fn new() -> io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("rongchat-pulse-{}-{n}", std::process::id()));
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(Self(path)),
                // Left by an earlier process with the same id: take the next name.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
